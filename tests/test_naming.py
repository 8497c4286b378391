"""Names (spec section 10), from the specification's own examples."""

from __future__ import annotations

import pytest

from asnsql import naming


@pytest.mark.parametrize("name, root", [
    ("x_ami-oi", "x"), ("foo_rate_cal", "foo_rate"), ("a-cal", "a"),
    ("x_residual_fringe", "x"), ("jw01_nrca1_calints", "jw01_nrca1"), ("abc", "abc"),
    # a suffix of several parts, found by its last part (neither part a suffix alone)
    ("x_flat_field", "x"), ("x-master_background", "x"), ("x_field", "x_field"),
    ("jw01_nrca1", "jw01_nrca1"),
])
def test_remove_suffix(name, root):
    assert naming.remove_suffix(name)[0] == root


def test_known_suffix_count():
    assert len(naming.KNOWN_SUFFIXES) == 159


@pytest.mark.parametrize("filename, ints, expected", [
    ("jw1_uncal.fits", False, "jw1_rate.fits"),
    ("jw1_uncal.fits", True, "jw1_rateints.fits"),
    ("a_uncal_b_uncal.fits", False, "a_uncal_b_rate.fits"),
    ("jw1_uncal", False, "jw1_uncal"),
    ("jw1.fits", False, "jw1.fits"),
])
def test_level2_member_name(filename, ints, expected):
    assert naming.level2_member_name(filename, ints) == expected


@pytest.mark.parametrize("exp_type, exptype, ints, expected", [
    ("nrc_image", "science", False, "jw1_cal.fits"),
    ("nrc_coron", "science", True, "jw1_calints.fits"),
    ("mir_mrs", "background", False, "jw1_x1d.fits"),
    ("nrs_autoflat", "autoflat", False, "jw1_rate.fits"),
    ("nrs_lamp", "science", True, "jw1_rateints.fits"),
])
def test_level3_member_name(exp_type, exptype, ints, expected):
    assert naming.level3_member_name("jw1_uncal.fits", exp_type, exptype, ints) == expected


def test_level2_product_name():
    members = [{"expname": "jw1_rate.fits", "exptype": "background"},
               {"expname": "jw00623001001_03102_00002_mirifushort_rate.fits",
                "exptype": "science"}]
    assert naming.level2_product_name(members) == "jw00623001001_03102_00002_mirifushort"
    assert naming.level2_product_name(members[:1]) == "undefined"


@pytest.mark.parametrize("template, found, expected", [
    ("default", {"target": ["1"], "instrument": ["nircam"], "opt_elem": ["f090w"],
                 "opt_elem2": ["clear"], "subarray": ["full"]},
     "jw99009-o001_t001_nircam_clear-f090w"),
    ("default", {"target": ["000"], "instrument": ["nircam"], "opt_elem": ["f277w"],
                 "opt_elem2": ["clear"], "subarray": ["full"]},
     "jw99009-o001_t000_nircam_clear-f277w"),
    ("default", {"target": ["1"], "instrument": ["nircam"], "opt_elem": ["f210m"],
                 "opt_elem2": ["maskrnd"], "subarray": ["maska210r"]},
     "jw99009-o001_t001_nircam_f210m-maskrnd-maska210r"),
    ("default", {"target": ["1"], "instrument": ["nirspec"], "opt_elem": ["f100lp"],
                 "opt_elem2": ["g140m"], "fxd_slit2": ["s200a2"], "subarray": ["s200a2"]},
     "jw99009-o001_t001_nirspec_f100lp-g140m-s200a2-s200a2"),
    ("noopt", {"target": ["3"], "instrument": ["miri"]}, "jw99009-o001_t003_miri"),
    ("sources", {"target": ["1"], "instrument": ["nirspec"], "opt_elem": ["f100lp"],
                 "opt_elem2": ["g140h"], "subarray": ["full"]},
     "jw99009-o001_{source_id}_nirspec_f100lp-g140h"),
    ("nrsfs_sources", {"target": ["1"], "instrument": ["nirspec"], "opt_elem": ["f100lp"],
                       "opt_elem2": ["g140m"], "subarray": ["s200a2"]},
     "jw99009-o001_t001-{source_id}_nirspec_f100lp-g140m-{slit_name}-s200a2"),
    ("coronimage", {"target": ["1"], "instrument": ["nircam"], "opt_elem": ["f210m"],
                    "opt_elem2": ["maskrnd"], "subarray": ["full"]},
     "jw99009-o001_t001_nircam_f210m-maskrnd-image3"),
    ("wfscmb", {"target": ["1"], "instrument": ["nircam"], "opt_elem": ["f212n"],
                "opt_elem2": ["wlp8"], "subarray": ["full"], "detector": ["nrca1"],
                "act_id": ["5"]},
     "jw99009-o001_t001_nircam_f212n-wlp8-nrca1_{suffix}-05"),
    ("default", {"target": ["1234"], "instrument": ["miri"], "opt_elem": ["a-b"]},
     "jw99009-o001_t1234_miri_a\\-b"),
    ("default", {"target": [], "instrument": ["miri"]}, "jw99009-o001_t000_miri_clear"),
])
def test_level3_product_name(template, found, expected):
    assert naming.level3_product_name(template, "99009", "o001", found) == expected


@pytest.mark.parametrize("found, expected", [
    ({"target": ["1"]}, "t001"),          # zero-padded to three characters
    ({"target": ["1", "12"]}, "t1-12"),   # several targets joined, not padded
    ({"target": ["a.b"]}, "ta\\.b"),      # escaped as the reference keeps found values
    ({"target": []}, "t000"),
    ({}, "t000"),
])
def test_level3_target(found, expected):
    # the association's ``target`` and the target part of its product name (spec 10.4)
    assert naming.level3_target(found) == expected
    name = naming.level3_product_name("default", "00623", "o001",
                                      {**found, "instrument": ["nircam"]})
    assert name.split("_")[1] == expected.lower()


def test_association_name():
    assert (naming.association_name("00632", "o003", "image2", 1, "MyVer")
            == "jw00632-o003_myver_image2_00001_asn")
    assert naming.association_name("00623", "a3001", "image3", 12, None) == (
        "jw00623-a3001_image3_00012_asn")


# --- the fast paths agree with the definitions they replace -------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = st.sampled_from(["jw01", "a", "_", "-", ".", "uncal", "_uncal.", ".fits", "rate",
                           "cal", "calints", "x1d", "ami-oi", "nrca1", "/dir/", "rateints",
                           "ints", "oi", "adaptive_trace", "_model", "\n", "flat", "field",
                           "residual", "fringe", "step"])


def _remove_suffix_by_definition(name):
    # the shortest prefix whose rest is "_" or "-" and one known suffix (spec 10.6)
    for cut in range(1, len(name)):
        if name[cut] in "_-" and name[cut + 1:] in naming.KNOWN_SUFFIXES:
            return name[:cut], name[cut]
    return name, ""


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=8).map("".join))
def test_remove_suffix_matches_definition(name):
    assert naming.remove_suffix(name) == _remove_suffix_by_definition(name)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=8).map("".join))
def test_level1b_parts_match_pattern(name):
    import re

    # the reference's pattern for a Level-1b name (spec section 10.5)
    match = re.match(r"(?P<path>.+)(?P<type>_uncal)(?P<extension>\..+)", name)
    expected = None if match is None else (match["path"], match["extension"])
    assert naming._level1b_parts(name) == expected


def test_a_level2_tso_lock_names_only_the_members_added_after_it():
    """spec 7.3: in a Level-2 association locked to TSOVISIT=T, science members take
    'rateints' from the member that set the lock (its tsovisit defined) on; one added
    before keeps 'rate', as the reference names each member when it is added."""
    from asnsql.assemble import RunInfo, _members
    from asnsql.model import Role, Rule

    rule = Rule(name="Asn_Test", level=2, asn_type="spec2", index=0, where=None, keys=(),
                record=(), roles=(Role("science"),), product="per_group",
                exptype="level2", validity=())
    run = RunInfo(run=0, kind="candidate", cand_id="o001", cand_type="observation", order=0)

    def item(pos, sets_lock):
        return {"pos": pos, "filename": f"jw_{pos:05d}_uncal.fits", "exp_type": "nrs_fixedslit",
                "exposerr": None, "asn_candidate": None, "item_ami": False,
                "item_coron": False, "item_tso": sets_lock, "science_pointing": True,
                "locks_tso": sets_lock}

    items = {1: item(1, False), 2: item(2, True), 3: item(3, False)}
    group = [(None, 0, 1, 1, pos, "science", "science", 0, None) for pos in (1, 2, 3)]
    members, _ = _members(rule, run, group, items, tso_locked=True)
    assert [m["expname"] for m in members] == [
        "jw_00001_rate.fits", "jw_00002_rateints.fits", "jw_00003_rateints.fits"]
