"""``asnsql roman`` on bad input: one clear line, the right exit status, nothing written.

romancal 1.1.0 drops a file it cannot read with a log message, accepts any product type,
and without ``SKYMAP_PATH`` tries CRDS and exits 255 with a traceback. asnsql keeps the
reference's files by default and says so in one warning line; ``--strict`` stops instead.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from asnsql.cli import main

DATA = Path(__file__).parent / "data" / "roman"
SKYMAP = DATA / "skymap" / "skymap_roman_truth.asdf"
POLE = sorted(str(p) for p in (DATA / "l2" / "p1_pole").glob("*_cal.asdf"))[:2]
BAD = str(DATA / "l2" / "bad" / "r0000101001001001001_0009_wfi01_f158_cal.asdf")


def run(argv, capfd):
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        code = main(argv)
    out, err = capfd.readouterr()
    assert "Traceback" not in err
    return code, err


@pytest.fixture
def work(tmp_path, tmp_path_factory, monkeypatch):
    # the skymap cache goes to a folder of its own, not the working folder
    monkeypatch.setenv("ASNSQL_CACHE", str(tmp_path_factory.getbasetemp() / "roman-cache"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.delenv("SKYMAP_PATH", raising=False)
    return work


def written(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file())


def test_unreadable_file_is_named_in_one_warning_line(work, capfd):
    code, err = run(["roman", "skycell-asn", "-o", "r", "--skymap", str(SKYMAP), *POLE, BAD],
                    capfd)
    assert code == 0
    lines = [line for line in err.splitlines() if BAD in line]
    assert len(lines) == 1 and "warning" in lines[0] and "as romancal does" in lines[0]
    assert written(work) and all(n.startswith("r_p_v01001001001001_") for n in written(work))


def test_strict_stops_on_an_unreadable_file(work, capfd):
    code, err = run(["roman", "skycell-asn", "--strict", "-o", "r", "--skymap", str(SKYMAP),
                     *POLE, BAD], capfd)
    assert code != 0
    assert BAD in err and len(err.strip().splitlines()) == 1
    assert written(work) == []


def test_unknown_product_type_warns_or_stops(work, capfd):
    code, err = run(["roman", "skycell-asn", "--strict", "--product-type", "segment", "-o", "r",
                     "--skymap", str(SKYMAP), *POLE], capfd)
    assert code == 2 and "segment" in err and written(work) == []
    code, err = run(["roman", "skycell-asn", "--product-type", "segment", "-o", "r",
                     "--skymap", str(SKYMAP), *POLE], capfd)
    assert code == 0 and "'segment' is not one of" in err
    assert all("_unknown_" in n for n in written(work))


def test_no_skymap_configured(work, capfd):
    code, err = run(["roman", "skycell-asn", "-o", "r", *POLE], capfd)
    assert code != 0 and "SKYMAP_PATH" in err and len(err.strip().splitlines()) == 1
    assert written(work) == []


def test_unreadable_skymap(work, capfd):
    fake = work / "skymap.asdf"
    fake.write_text("not a skymap")
    code, err = run(["roman", "skycell-asn", "-o", "r", "--skymap", str(fake), *POLE], capfd)
    assert code != 0 and "skymap.asdf" in err and len(err.strip().splitlines()) == 1
    assert written(work) == ["skymap.asdf"]


def test_no_files(work, capfd):
    for command in ("from-list", "skycell-asn", "multiband-asn"):
        code, err = run(["roman", command, "-o", "x", "--product-name", "p"][:2 + 4 * (
            command == "from-list")], capfd)
        assert code == 2 and "FILES" in err
    assert written(work) == []


def test_from_list_into_a_missing_folder(work, capfd):
    code, err = run(["roman", "from-list", "-o", "no/such/out_asn.json", "--product-name", "p",
                     "a_cal.asdf"], capfd)
    assert code != 0 and "no/such" in err and written(work) == []


def test_explain_prints_the_grouping_sql(work, capfd):
    code = main(["roman", "skycell-asn", "--explain", "--product-type", "pass", "-o", "r", "x"])
    out, _ = capfd.readouterr()
    assert code == 0 and "GROUP BY" in out and "PARTITION BY program, execution, pass" in out


@pytest.mark.slow
def test_footprint_table_instead_of_files(work, capfd):
    # manifest.csv: the corpus' 26 readable files by base name, with their footprints. Grouped
    # by visit, its p1 associations are the reference's (sca_p1_visit), members by base name.
    code, err = run(["roman", "skycell-asn", "-o", "r00001", "--skymap", str(SKYMAP),
                     "--footprints", str(DATA / "l2" / "manifest.csv"),
                     "--save-footprints", "saved.parquet"], capfd)
    assert code == 0, err
    reference = DATA / "cases" / "sca_p1_visit"
    for want in reference.glob("*_asn.json"):
        expected = json.loads(want.read_text())
        for member in expected["products"][0]["members"]:
            member["expname"] = Path(member["expname"]).name
        assert json.loads((work / want.name).read_text()) == expected
    # the p2 program's visits too
    assert any(json.loads(p.read_text())["program"] == "00002" for p in work.glob("*_asn.json"))
    # the saved table gives the same associations again
    again = work / "again"
    again.mkdir()
    code, err = run(["roman", "skycell-asn", "-o", "again/r00001", "--skymap", str(SKYMAP),
                     "--footprints", "saved.parquet"], capfd)
    assert code == 0, err
    assert sorted(p.name for p in again.iterdir()) == sorted(
        p.name for p in work.glob("*_asn.json"))
