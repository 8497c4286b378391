"""Generator modes and user rule files (issue 3), beyond the corpus' modes.json."""

from __future__ import annotations

import json

import pytest

from asnsql import generate, load_rules
from asnsql.cli import main

from .conftest import EXAMPLE_POOL, corpus_pool, write_pool

HEADER = ["filename", "program", "obs_num", "exp_type", "instrume", "detector", "filter",
          "pupil", "subarray", "targetid", "pntgtype", "asn_candidate"]


def _pool(tmp_path, rows):
    full = []
    for i, (obs, extra) in enumerate(rows, start=1):
        row = {"filename": f"jw00007{obs:03d}001_0210{i}_00001_nrca1_uncal.fits",
               "program": "7", "obs_num": str(obs), "exp_type": "nrc_image",
               "instrume": "nircam", "detector": "nrca1", "filter": "f090w",
               "pupil": "clear", "subarray": "full", "targetid": "1", "pntgtype": "science",
               "asn_candidate": f"[('o{obs:03d}', 'observation')]"}
        row.update(extra)
        full.append([row[h] for h in HEADER])
    return write_pool(tmp_path / "jw00007_pool.csv", HEADER, full)


@pytest.mark.slow
def test_save_orphans_writes_only_rows_in_no_association(tmp_path):
    pool = _pool(tmp_path, [(1, {}), (1, {"exp_type": "nrc_dark"}), (2, {})])
    out = tmp_path / "out"
    assert main(["generate", str(pool), "-p", str(out), "-q", "--save-orphans"]) == 0
    lines = (out / "orphaned.csv").read_text().splitlines()
    assert lines[0].split("|") == HEADER + ["asn_closest_rule", "asn_why"]
    assert len(lines) == 2 and "nrc_dark" in lines[1]
    assert main(["generate", str(pool), "-p", str(out), "-q", "--save-orphans", "all.csv",
                 "--orphans-whole-pool"]) == 0
    whole = (out / "all.csv").read_text().splitlines()
    assert len(whole) == 4 and whole[0].split("|") == HEADER, "the reference's layout"


def test_yaml_format(tmp_path):
    out = tmp_path / "out"
    assert main(["generate", str(EXAMPLE_POOL), "-p", str(out), "-q", "--format", "yaml"]) == 0
    names = sorted(p.suffix for p in out.iterdir())
    assert set(names) == {".yaml"} and len(names) == 18


def test_merge_puts_each_candidates_level2_products_in_one_file(tmp_path):
    asns = generate(EXAMPLE_POOL, version_id="v0", merge=True)
    level2 = [a for a in asns if a["asn_type"] == "image2"]
    ids = [a["asn_id"] for a in level2]
    assert len(ids) == len(set(ids)) > 1
    assert all(a.name.endswith("_image2_00001_asn") for a in level2)
    assert sum(len(a["products"]) for a in level2) == 15
    assert [a["asn_type"] for a in asns][-1] == "image2"     # Level 3 first after merging


def test_dms_keeps_only_requested_ids(tmp_path, corpus):
    pool = corpus_pool("pool_016_spec_nirspec_lv2bkg_double")
    asns = generate(pool, version_id="v0", ids=["o001"], dms=True)
    assert asns and {a["asn_id"] for a in asns} == {"o001"}


def test_user_rules_mixed_with_defaults(tmp_path):
    rules = tmp_path / "darks.yaml"
    rules.write_text("""
level: 2
rules:
  - name: Asn_Lv2Darks
    doc: One association per NIRCam dark (a user rule).
    asn_type: dark2
    product: per_science
    product_name: level2
    exptype: level2_special
    keys: [{name: program, attr: program}]
    where: [{attr: exp_type, match: nrc_dark}]
    members: [{role: science, joins: own}]
    validity: [has_science]
""")
    pool = _pool(tmp_path, [(1, {}), (1, {"exp_type": "nrc_dark"})])
    out = tmp_path / "out"
    assert main(["generate", str(pool), "-p", str(out), "-q", "-r", str(rules)]) == 0
    types = sorted(json.loads(p.read_text())["asn_type"] for p in out.glob("*.json"))
    assert "dark2" in types and "image2" in types
    out2 = tmp_path / "only"
    assert main(["generate", str(pool), "-p", str(out2), "-q", "-r", str(rules),
                 "--ignore-default"]) == 0
    only = [json.loads(p.read_text()) for p in out2.glob("*.json")]
    assert [a["asn_rule"] for a in only] == ["candidate_Asn_Lv2Darks"]


def test_ignore_default_without_rules_is_an_error(tmp_path, capsys):
    code = main(["generate", str(EXAMPLE_POOL), "-p", str(tmp_path / "o"), "--ignore-default"])
    assert code == 3 and "no rule files" in capsys.readouterr().err


@pytest.mark.parametrize("mode", [{"discover": True}, {"all_candidates": True},
                                  {"ids": ["o072"]}])
def test_no_finalize_writes_only_valid(mode):
    asns = generate(EXAMPLE_POOL, version_id="v0", finalize=False, **mode)
    assert all(a["products"][0]["members"] for a in asns)
    rules = load_rules()
    assert rules.get("Asn_Lv2Image").validity == ("has_science", "allowed_candidates")


def _orphan_reasons(tmp_path, rows):
    pool = _pool(tmp_path, rows)
    out = tmp_path / "out"
    assert main(["generate", str(pool), "-p", str(out), "-q", "--save-orphans"]) == 0
    lines = (out / "orphaned.csv").read_text().splitlines()
    names = lines[0].split("|")
    return {row["exp_type"]: row for row in (dict(zip(names, line.split("|")))
                                             for line in lines[1:])}


@pytest.mark.slow
def test_orphan_reason_comes_from_a_rule_for_its_exp_type(tmp_path):
    # Asn_Lv2Spec passes more checks of each row than any other rule, but its exp_type
    # list holds none of them (issue 16 item 4): blame the rule for the exposure type.
    nirspec = {"instrume": "nirspec", "detector": "nrs1", "filter": "f100lp"}
    found = _orphan_reasons(tmp_path, [(1, {}), (2, {"exp_type": "nrs_msaspec", **nirspec}),
                                       (1, {"exp_type": "nrc_dark"}),
                                       (3, {"exp_type": "nrs_autowave", **nirspec})])
    msa = found["nrs_msaspec"]
    assert msa["asn_closest_rule"] == "Asn_Lv2NRSMSA"
    assert "expected msametfl: msametfl is defined; found msametfl=undefined" \
        in msa["asn_why"]
    lamp = found["nrs_autowave"]
    assert lamp["asn_closest_rule"] == "Asn_Lv3SpectralSource"
    assert lamp["asn_why"].startswith("passes all ")
    assert "finalisation dropped them (validity tests: has_science" in lamp["asn_why"]
    dark = found["nrc_dark"]   # no rule is for darks: the closest overall, and it says so
    assert "found exp_type=nrc_dark" in dark["asn_why"]
    assert "no rule is one for this exposure type" in dark["asn_why"]
