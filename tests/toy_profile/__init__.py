"""A toy second observatory (tests/test_profiles.py): its own rule file, names and
finalisation hook, on the JWST pool layout and macros. It proves that the generator core
reads only its profile."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from asnsql.profiles import FinalizeHook, Naming, get_profile

HERE = Path(__file__).resolve().parent


def name_after_target(asn):
    """Name the product after its members' targets (reads ``targname``, a column no JWST
    hook reads); drop associations of one member."""
    members = asn.product()["members"]
    if len(members) < 2:
        return []
    asn.product()["name"] = "-".join(["toy"] + [str(m.item["targname"]) for m in members])
    return [asn]


_jwst = get_profile("jwst")

PROFILE = dataclasses.replace(
    _jwst,
    name="toy",
    naming=Naming(code_version="toy-1", discovered_id="a9999", file_prefix="ty"),
    hooks=(FinalizeHook("name_after_target", name_after_target, ("targname",)),),
    rule_files=(str(HERE / "toy.yaml"),),
)
