"""Roman grouping, naming and writing on the reference's own skycell matches.

The skycell cases are run here on romancal's matches (``l2/matches.json``) and the corpus'
exposure list (``l2/manifest.csv``) instead of asnsql's file reading and SQL overlap, so a
failure here is in the grouping, the names or the serialisation, not in the geometry. The
``skycell_wcs_info`` values are taken from the flat skymap tables shipped with the corpus.
Also: the rule file, the compiled queries and the small rules of each tool.
"""

from __future__ import annotations

import csv
import json
import shlex
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

from asnsql.errors import AssociationError, RuleError
from asnsql.profiles.roman.fromlist import (deprecation_warnings, from_list, tweakreg_catalog,
                                            write_associations)
from asnsql.profiles.roman.multiband import expand_files, multiband_associations
from asnsql.profiles.roman.queries import multiband_query, skycell_query
from asnsql.profiles.roman.rules import load_rules
from asnsql.profiles.roman.skycell import SkycellInputs, skycell_associations

DATA = Path(__file__).parent / "data" / "roman"
SKYCELL_CASES = sorted(p.name for p in (DATA / "cases").iterdir()
                       if (p / "cmd.txt").read_text().find("skycell_asn") >= 0
                       and not (p / "rc.txt").exists())


def _wcs_infos() -> dict[int, dict]:
    """skycell_wcs_info from the flat tables, as romancal builds it (SkyCells.wcs_infos)."""
    cells = pq.read_table(DATA / "skymap" / "skycells.parquet").to_pylist()
    regions = pcsv.read_csv(DATA / "skymap" / "projection_regions.csv").to_pylist()
    infos = {}
    for cell in cells:
        region = next(r for r in regions
                      if r["skycell_start"] <= cell["index"] < r["skycell_end"])
        infos[cell["index"]] = {
            "name": cell["name"], "pixel_scale": 0.055 / 3600.0,
            "ra_projection_center": region["ra_tangent"],
            "dec_projection_center": region["dec_tangent"],
            "x0_projection": cell["x_tangent"], "y0_projection": cell["y_tangent"],
            "ra_center": cell["ra_center"], "dec_center": cell["dec_center"],
            "nx": 5000, "ny": 5000, "orientat": cell["orientat"],
            "orientat_projection_center": float(region["orientat"]),
        }
    return infos


@pytest.fixture(scope="module")
def reference_matches():
    matches = json.loads((DATA / "l2" / "matches.json").read_text())
    with open(DATA / "l2" / "manifest.csv", newline="") as f:
        manifest = {f"l2/{r['set']}/{r['filename']}": r for r in csv.DictReader(f)}
    return matches, manifest, _wcs_infos()


def _inputs(files: list[str], reference_matches) -> SkycellInputs:
    matches, manifest, infos = reference_matches
    keys = [f.removeprefix("../../") for f in files]
    visit_ids = [manifest[k]["visit_id"] if k in manifest else "" for k in keys]
    filters = [manifest[k]["optical_element"].lower() if k in manifest else "unknown"
               for k in keys]
    table = pa.table({"row": pa.array(range(len(files)), pa.int64()), "path": files,
                      "visit_id": visit_ids, "filter": filters})
    rows = [(i, index, name) for i, key in enumerate(keys)
            for index, name in zip(matches[key]["indices"], matches[key]["names"])]
    found = pa.table({"row": pa.array([r[0] for r in rows], pa.int64()),
                      "skycell_index": pa.array([r[1] for r in rows], pa.int64()),
                      "skycell_name": pa.array([r[2] for r in rows], pa.string())})
    return SkycellInputs(table, found, infos)


def _arguments(case: str) -> tuple[list[str], dict]:
    words = shlex.split((DATA / "cases" / case / "cmd.txt").read_text(), comments=True)
    words = words[words.index("skycell_asn") + 1:]
    options = {"-o": None, "--product-type": None, "--data-release-id": "p"}
    files = []
    while words:
        word = words.pop(0)
        if word in options:
            options[word] = words.pop(0)
        else:
            files.append(word)
    return files, options


@pytest.mark.parametrize("case", SKYCELL_CASES)
def test_skycell_case_on_reference_matches(case, reference_matches, tmp_path):
    files, options = _arguments(case)
    inputs = _inputs(files, reference_matches)
    asns = skycell_associations(inputs, options["-o"], options["--product-type"],
                                options["--data-release-id"])
    write_associations(asns, tmp_path)
    want = {p.name: p.read_bytes() for p in (DATA / "cases" / case).glob("*_asn.json")}
    have = {p.name: p.read_bytes() for p in tmp_path.glob("*_asn.json")}
    assert sorted(have) == sorted(want)
    assert [n for n in want if have[n] != want[n]] == []


def test_skycell_groups_follow_the_product_type(reference_matches):
    files, _ = _arguments("sca_p1_visit")
    inputs = _inputs(files, reference_matches)
    names = {t: {a["products"][0]["name"] for a in skycell_associations(inputs, "r", t)}
             for t in ("visit", "pass", "full", "daily", "user", "segment")}
    assert "r_p_v01001001001001_135p90x48y50_f158" in names["visit"]
    assert "r_p_p01001_135p90x48y50_f158" in names["pass"]
    assert "r_p_full_135p90x48y50_f158" in names["full"]
    assert "r_p_user_135p90x48y50_f158" in names["user"]
    assert "r_p_unknown_135p90x48y50_f158" in names["segment"]
    # daily is grouped like full (by program) but named after the first member's segment
    assert len(names["daily"]) == len(names["full"])
    assert all(n.startswith("r_p_d01") for n in names["daily"])


def test_same_name_twice_keeps_the_last(reference_matches, tmp_path):
    # Two programs with --product-type full share file names: the reference overwrites.
    files, _ = _arguments("sca_p1_full")
    inputs = _inputs(files, reference_matches)
    other = inputs.files.set_column(2, "visit_id", pa.array(
        ["0000299" + v[7:] if i % 2 else v
         for i, v in enumerate(inputs.files.column("visit_id").to_pylist())]))
    asns = skycell_associations(SkycellInputs(other, inputs.matches, inputs.wcs_infos), "r",
                                "full")
    paths = [a.path for a in asns]
    assert len(paths) > len(set(paths))
    written = write_associations(asns, tmp_path)
    assert len(written) == len(set(paths))
    last = {a.path: a for a in asns}
    for path in written:
        assert json.loads(path.read_text())["program"] == last[path.name]["program"]


def test_from_list_keys_and_order():
    asn = from_list(["a_cal.asdf"], "prod", psf_match_reference_filter="f213",
                    data_release_id="r1")
    assert list(asn) == ["asn_type", "asn_rule", "code_version", "degraded_status", "program",
                         "data_release_id", "version_id", "target", "constraints", "asn_id",
                         "asn_pool", "skycell_wcs_info", "products",
                         "psf_match_reference_filter"]
    assert asn["target"] is None and asn["asn_type"] == "None"
    with pytest.raises(AssociationError, match="product name"):
        from_list(["a_cal.asdf"], "")


@pytest.mark.parametrize("expname, catalog", [
    ("a/b_cal.asdf", "a/b_cat.parquet"),
    ("c_coadd.asdf", "c_cat.parquet"),
    ("x.asdf", "x_cat.parquet"),                       # no known suffix: _cat added
    ("./d-wfi18_transient.asdf", "d-cat.parquet"),     # '-' separator kept, ./ dropped
    ("e_dark_current.asdf", "e_cat.parquet"),          # the longer suffix wins
    ("f_cal_i2d.asdf", "f_cal_i2d_cat.parquet"),       # i2d is not a Roman suffix
])
def test_tweakreg_catalog_names(expname, catalog):
    assert tweakreg_catalog(expname) == catalog


def test_deprecated_options_warn_as_the_reference():
    assert deprecation_warnings() == []
    assert deprecation_warnings(rule="DMS_ELPP_Base", ruledefs=[], acid="o999") == []
    assert deprecation_warnings(rule="X", ruledefs=["r.py"], acid="o1") == [
        "Use of a different rule (X) was never supported and is deprecated.",
        "ruledefs was never supported and is deprecated.",
        "associate candidate id was never supported and is deprecated."]


def test_multiband_groups_and_names():
    files = ["r1_p_full_270m29x48y6_f158_coadd.asdf", "r1_p_full_270m29x48y69_f213_coadd.asdf",
             "r1_p_p01001_270m29x48y6_f184_coadd.asdf", "r1_p_full_270m29x48y6_f213_coadd.asdf",
             "r1_p_full_270m29x48y6_F158_coadd.asdf", "r1_p_full_270m29x48y6_f158_i2d.asdf",
             "r1_p_visit_x001y001_f184_coadd.asdf", "d_x/r2_r7_full_001p01x1y2_f062_coadd.asdf"]
    asns = multiband_associations(files, psf_match_reference_filter="f213")
    got = {a.path: ([m["expname"] for m in a["products"][0]["members"]],
                    a["data_release_id"]) for a in asns}
    assert got == {
        "r1_p_full_270m29x48y6_asn.json": ([files[0], files[3]], "p"),
        "r1_p_p01001_270m29x48y6_asn.json": ([files[2]], "p"),
        "r1_p_full_270m29x48y69_asn.json": ([files[1]], "p"),
        "d_x/r2_r7_full_001p01x1y2_asn.json": ([files[7]], "x/r2"),
    }
    assert all(a["target"] == "None" and a["psf_match_reference_filter"] == "f213"
               for a in asns)


def test_multiband_pattern_argument(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("b_p_full_1p2x3y4_f158_coadd.asdf", "b_p_full_1p2x3y4_f213_coadd.asdf"):
        (tmp_path / name).touch()
    assert sorted(expand_files(["*_coadd.asdf"])) == sorted(p.name for p in tmp_path.iterdir())
    assert expand_files(["a", "*"]) == ["a", "*"]      # only a single argument is a pattern


def test_queries_are_printable_and_carry_values_as_literals():
    rules = load_rules()
    sql = skycell_query(rules, "pass", "it's", "p")
    assert "'it''s'" in sql and "PARTITION BY program, execution, pass" in sql
    assert "REGEXP_MATCHES" in multiband_query(rules)


def test_a_broken_rule_file_lists_every_problem(tmp_path):
    text = (DATA.parent.parent.parent / "rules" / "roman" / "associations.yaml").read_text()
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace("group_by: [program]", "group_by: [programme]", 1)
                      .replace('"*":', "other:"))
    with pytest.raises(RuleError) as err:
        load_rules(broken)
    assert "programme" in str(err.value) and "'*'" in str(err.value)
