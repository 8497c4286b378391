"""Small hand-made pools, each pinning one behaviour, with expectations written from the
specification or from the reference's output (tests/golden/pools/<case>/expected.yaml; the
cases of issue 16 and of the differential fuzzer, docs/DIFFERENTIAL.md), never from
asnsql's."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import yaml

from asnsql import AsnsqlError, generate, write_associations

CASES = Path(__file__).parent / "golden" / "pools"


#: Cases asnsql does not reproduce yet: case -> why (docs/DIFFERENTIAL.md).
XFAIL = {
}


def _cases():
    names = sorted(p.name for p in CASES.iterdir() if (p / "expected.yaml").is_file())
    return [pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=XFAIL[name]))
            if name in XFAIL else name for name in names]


def test_xfail_names_existing_cases():
    assert set(XFAIL) <= {p.name for p in CASES.iterdir() if (p / "expected.yaml").is_file()}


@pytest.mark.parametrize("case", _cases())
def test_golden_pool(case, tmp_path):
    folder = CASES / case
    expected = yaml.safe_load((folder / "expected.yaml").read_text())
    options = {}
    if (folder / "options.yaml").is_file():
        options = yaml.safe_load((folder / "options.yaml").read_text())
    if isinstance(expected, dict):
        # the reference stops with an error on this pool: asnsql must refuse it too
        with pytest.raises(AsnsqlError):
            generate(folder / "pool.csv", version_id="v0", **options)
        return
    asns = generate(folder / "pool.csv", version_id="v0", **options)
    write_associations(asns, tmp_path / "out")
    written = sorted(p.name for p in (tmp_path / "out").glob("*_asn.json"))
    assert written == sorted(e["file"] for e in expected)
    for entry in expected:
        data = json.loads((tmp_path / "out" / entry["file"]).read_text())
        assert data["asn_rule"] == entry["asn_rule"], entry["file"]
        (product,) = data["products"]
        assert product["name"] == entry["product"], entry["file"]
        got = Counter((m["expname"], m["exptype"]) for m in product["members"])
        assert got == Counter(tuple(m) for m in entry["members"]), entry["file"]
        if entry.get("ordered", True):
            order = [[m["expname"], m["exptype"]] for m in product["members"]]
            assert order == entry["members"], f"member order of {entry['file']}"


def test_rows_without_exposure_type_are_skipped_on_request():
    pool = CASES / "undefined_exp_type" / "pool.csv"
    with pytest.raises(AsnsqlError, match=r"line 2 \(row 1, jw_00001_uncal.fits\): exp_type "
                                          r"is undefined"):
        generate(pool, version_id="v0")
    assert generate(pool, version_id="v0", skip_undefined_exptype=True) == []
