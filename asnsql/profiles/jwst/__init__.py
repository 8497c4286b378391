"""The JWST profile: asn_generate of jwst 3.0.0 (docs/ASSOCIATION_SPEC.md).

The vocabulary is the compiler's default (:data:`asnsql.compile.vocabulary.DEFAULT`, the
catalogs of :mod:`asnsql.model`, which the rule IR documents); the pool layout, naming and
finalisation hooks (:mod:`.hooks`) are registered here, each hook with the pool columns it
reads: adding a hook is a function in :mod:`.hooks` and a line in ``hooks=`` below.
"""

from __future__ import annotations

from ...asnschema import SCHEMAS
from ...compile.vocabulary import DEFAULT as JWST_VOCABULARY
from ..base import DerivedColumn, FinalizeHook, Naming, PoolLayout, Profile
from . import hooks

__all__ = ["PROFILE", "CODE_VERSION", "STANDARD_COLUMNS"]

#: The reference release whose output asnsql reproduces.
CODE_VERSION = "3.0.0"

#: Columns of the reference's pools (spec section 1.4 and the archive's pool layout). Rules
#: may read these; a rule file lists any other column it needs under ``columns:``.
STANDARD_COLUMNS = frozenset(
    """act_id apername asn_candidate band bkgdtarg channel detector ditherid dithptin dms_note
    exp_type expcount exposerr exposure expspcin exsegtot filename filter fxd_slit grating
    gwa_xtil gwa_ytil instrume is_imprt is_psf lamp module mostilno msametfl msastate mtshadow
    nexposur ngroups nints numdthpt obs_id obs_num opmode patt_num pattsize pattstrt patttype
    pntg_seq pntgtype program pupil sdp_ver seq_id spat_num spec_num subarray subpixel subpxnum
    subpxpns subpxpts targetid targname targordn targprop targtype template tsovisit visit
    visit_id visitgrp visitype wfsvisit""".split()
)

_WFSS_COLUMNS = ("expspcin", "instrume", "filter", "band", "pupil", "grating")


def _hook(function, columns=(), before_validity=False) -> FinalizeHook:
    """A hook named after its function, documented by its docstring."""
    return FinalizeHook(function.__name__, function, columns, before_validity,
                        " ".join(function.__doc__.split()))


PROFILE = Profile(
    name="jwst",
    vocabulary=JWST_VOCABULARY,
    pool=PoolLayout(
        required=("filename", "exp_type", "program"),
        standard=STANDARD_COLUMNS,
        # names, metadata and the creator's program and target (spec sections 10.5, 11.1)
        member_columns=("filename", "exp_type", "exposerr", "targetid", "program",
                        "asn_candidate"),
        derived=(
            DerivedColumn("base_exptype", "asn_base_exptype",
                          ("pntgtype", "exp_type", "is_psf", "is_imprt", "bkgdtarg")),
            DerivedColumn("item_ami", "asn_item_ami", ("pntgtype", "exp_type")),
            DerivedColumn("item_coron", "asn_item_coron",
                          ("pntgtype", "exp_type", "subarray", "pupil", "detector")),
            DerivedColumn("item_tso", "asn_item_tso", ("pntgtype", "exp_type", "tsovisit")),
            DerivedColumn("science_pointing", "asn_science_pointing", ("pntgtype", "exp_type")),
            DerivedColumn("locks_tso", "asn_locks_tso", ("tsovisit",)),
        ),
        # member names take 'ints' by these (spec section 7.3)
        item_flags=("item_ami", "item_coron", "item_tso", "science_pointing", "locks_tso"),
    ),
    naming=Naming(code_version=CODE_VERSION, discovered_id="a3001", file_prefix="jw"),
    # (in the order they run; spec sections 8.5, 9.4)
    hooks=(
        _hook(hooks.multi_observation, before_validity=True),
        _hook(hooks.wfss_catalog, _WFSS_COLUMNS, before_validity=True),
        _hook(hooks.wfss_catalog_parallel, _WFSS_COLUMNS, before_validity=True),
        _hook(hooks.prune_imprints, ("targetid", "bkgdtarg", "dithptin")),
        _hook(hooks.nod_backgrounds),
        _hook(hooks.nod_split, ("exp_type", "targetid", "numdthpt", "patt_num", "subpxpts",
                                "subpxpns", "fxd_slit")),
    ),
    macro_files=("macros.sql",),
    rule_files=("jwst/level2b.yaml", "jwst/level3.yaml"),
    schemas=SCHEMAS,
)
