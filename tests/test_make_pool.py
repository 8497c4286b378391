"""``asnsql make-pool`` and :mod:`asnsql.tools.mkpool` (asn_make_pool / mkpool, spec section 12.3).

Expected pool texts below were observed from jwst 3.0.0's ``asn_make_pool`` on FITS files
made as in these tests, and are written here by hand.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from astropy.io import fits
from click.testing import CliRunner

from asnsql.cli import cli, main
from asnsql.errors import PoolError
from asnsql.tools.mkpool import make_pool, pool_text, write_pool

from .conftest import corpus_path, corpus_pool

#: A small imaging + MIRI WFSS pool whose every candidate is an observation candidate.
ROUND_TRIP_POOL = "jw09505_20251216t202003_pool"


def _fits(path: Path, header: dict | list, extensions: list | None = None) -> Path:
    """Write a data-less FITS file whose primary header holds ``header`` (keywords longer
    than 8 characters as HIERARCH cards)."""
    cards = header.items() if isinstance(header, dict) else header
    h = fits.Header()
    for key, value in cards:
        if key in ("COMMENT", "HISTORY"):
            h.append((key, value))
        else:
            h[f"HIERARCH {key}" if len(key) > 8 else key] = value
    hdus = [fits.PrimaryHDU(header=h)] + list(extensions or [])
    fits.HDUList(hdus).writeto(path)
    return path


def _reference_files(folder: Path) -> list[str]:
    """Four exposures: two targets, logicals, a float missing from some files, a keyword in
    one file only, HIERARCH keywords, COMMENT/HISTORY, an empty string, a quote and the
    delimiter inside values, and a header asn_candidate that the default overrides."""
    _fits(folder / "a_uncal.fits", dict(OBSERVTN="001", TARGNAME="NGC 104", PROGRAM="01234",
                                        EXP_TYPE="NRC_IMAGE", TSOVISIT=True, FLT=1.5, NINTS=3))
    _fits(folder / "b_uncal.fits", dict(OBSERVTN="001", TARGNAME="NGC 104", PROGRAM="01234",
                                        EXP_TYPE="NRC_IMAGE", TSOVISIT=False, FLT=2.0, NINTS=3,
                                        EXTRA="x|y"))
    _fits(folder / "c_uncal.fits", dict(OBSERVTN="002", TARGNAME="M31", PROGRAM="01234",
                                        EXP_TYPE="NRC_IMAGE", TSOVISIT=True, NINTS=4))
    _fits(folder / "d_uncal.fits", [("OBSERVTN", "003"), ("TARGNAME", "M31"),
                                    ("asn_candidate", "[('c1000', 'background')]"),
                                    ("LONG_KEYWORD_NAME", "val"), ("COMMENT", "hello"),
                                    ("HISTORY", "hist"), ("EMPTYV", ""), ("QUOTE", 'a"b')])
    return ["a_uncal.fits", "b_uncal.fits", "c_uncal.fits", "d_uncal.fits"]


# Observed from asn_make_pool (jwst 3.0.0) on _reference_files.
REFERENCE_POOL = """\
asn_candidate|bitpix|dithptin|dms_note|emptyv|exp_type|extra|filename|flt|is_imprt|long_keyword_name|mostilno|naxis|nints|observtn|pntgtype|program|quote|simple|targetid|targname|tsovisit
[('o001', 'observation')]|8|1||null|NRC_IMAGE|null|a_uncal.fits|1.5|f|null|1|0|3|001|science|01234|null|True|1|NGC 104|True
[('o001', 'observation')]|8|1||null|NRC_IMAGE|"x|y"|b_uncal.fits|2.0|f|null|1|0|3|001|science|01234|null|True|1|NGC 104|False
[('o002', 'observation')]|8|1||null|NRC_IMAGE|null|c_uncal.fits|null|f|null|1|0|4|002|science|01234|null|True|2|M31|True
[('o003', 'observation')]|8|1|||null|null|d_uncal.fits|null|f|val|1|0|null|003|science|null|"a""b"|True|2|M31|null
"""


def _targets_files(folder: Path) -> list[str]:
    """Targets A, B, A, C (the third file comes back to the first target)."""
    names = []
    for n, (obs, target) in enumerate([("001", "A"), ("002", "B"), ("001", "A"), ("003", "C")]):
        _fits(folder / f"f{n}.fits", dict(OBSERVTN=obs, TARGNAME=target, TSOVISIT=n % 2 == 0))
        names.append(f"f{n}.fits")
    return names


def test_pool_text_matches_asn_make_pool(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = _reference_files(tmp_path)
    assert main(["make-pool", "pool.csv", *files]) == 0
    assert (tmp_path / "pool.csv").read_text() == REFERENCE_POOL


def test_targetid_counts_targets_as_asn_make_pool(tmp_path, monkeypatch):
    # Observed: targets A, B, A, C get targetid 1, 2, 2, 3 (the count so far).
    monkeypatch.chdir(tmp_path)
    files = _targets_files(tmp_path)
    assert main(["make-pool", "pool.csv", *files]) == 0
    assert (tmp_path / "pool.csv").read_text() == (
        "asn_candidate|bitpix|dithptin|dms_note|filename|is_imprt|mostilno|naxis|observtn|"
        "pntgtype|simple|targetid|targname|tsovisit\n"
        "[('o001', 'observation')]|8|1||f0.fits|f|1|0|001|science|True|1|A|True\n"
        "[('o002', 'observation')]|8|1||f1.fits|f|1|0|002|science|True|2|B|False\n"
        "[('o001', 'observation')]|8|1||f2.fits|f|1|0|001|science|True|2|A|True\n"
        "[('o003', 'observation')]|8|1||f3.fits|f|1|0|003|science|True|3|C|False\n")


def test_options_for_non_header_columns(tmp_path, monkeypatch):
    # Observed: the candidate text is spliced in as written (no space after the comma).
    monkeypatch.chdir(tmp_path)
    files = _targets_files(tmp_path)[:2]
    code = main(["make-pool", "pool.csv", *files,
                 "--asn-candidate", "[('c1000','background'), ('c1001', 'coronographic')]",
                 "--dms-note", "wfsc_los_jitter", "--is-imprt", "t",
                 "--pntgtype", "target_acquisition"])
    assert code == 0
    assert (tmp_path / "pool.csv").read_text() == (
        "asn_candidate|bitpix|dithptin|dms_note|filename|is_imprt|mostilno|naxis|observtn|"
        "pntgtype|simple|targetid|targname|tsovisit\n"
        "[('o001', 'observation'), ('c1000','background'), ('c1001', 'coronographic')]|8|1|"
        "wfsc_los_jitter|f0.fits|t|1|0|001|target_acquisition|True|1|A|True\n"
        "[('o002', 'observation'), ('c1000','background'), ('c1001', 'coronographic')]|8|1|"
        "wfsc_los_jitter|f1.fits|t|1|0|002|target_acquisition|True|2|B|False\n")


def test_fixes_behind_options(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = _targets_files(tmp_path)
    assert main(["make-pool", "pool.csv", *files, "--fits-booleans", "t",
                 "--targetid", "per-target"]) == 0
    with open(tmp_path / "pool.csv") as f:
        rows = list(csv.DictReader(f, delimiter="|"))
    assert [r["targetid"] for r in rows] == ["1", "2", "1", "3"]
    assert [r["tsovisit"] for r in rows] == ["t", "f", "t", "f"]
    assert [r["simple"] for r in rows] == ["t"] * 4
    assert [r["targname"] for r in rows] == ["A", "B", "A", "C"]


def test_api_table_and_writer(tmp_path):
    files = [str(tmp_path / n) for n in _targets_files(tmp_path)]
    table = make_pool(files, asn_candidate=[("c1000", "background")])
    assert table.colnames == sorted(table.colnames)
    assert all(table[c].dtype == object for c in table.colnames)
    assert list(table["filename"]) == files
    assert table["asn_candidate"][1] == "[('o002', 'observation'), ('c1000', 'background')]"
    assert table["tsovisit"][0] == "True"
    out = write_pool(table, tmp_path / "pool.csv")
    assert out.read_text() == pool_text(table)
    assert out.read_text().splitlines()[0].startswith("asn_candidate|bitpix|dithptin|")
    # basename=True keeps only the file names.
    assert list(make_pool(files, basename=True)["filename"]) == [Path(f).name for f in files]


def test_api_reads_other_hdus(tmp_path):
    sci = fits.ImageHDU(name="SCI", header=fits.Header([("OBSERVTN", "005"),
                                                       ("TARGNAME", "EXT")]))
    path = _fits(tmp_path / "e.fits", dict(OBSERVTN="001", TARGNAME="PRIMARY"), [sci])
    for kwargs in (dict(ext=1), dict(extname="SCI"), dict(extname="SCI", extver=1)):
        table = make_pool([path], **kwargs)
        assert table["targname"][0] == "EXT"
        assert table["extname"][0] == "SCI"
        assert table["asn_candidate"][0] == "[('o005', 'observation')]"
    assert "extname" not in make_pool([path]).colnames
    with fits.open(path) as hdul:
        table = make_pool([hdul], extname="SCI")
    assert table["filename"][0] == str(path)
    assert table["targname"][0] == "EXT"
    with pytest.raises(PoolError, match=r"e\.fits: HDU 'NOPE' not found"):
        make_pool([path], extname="NOPE")


@pytest.mark.parametrize("value", ["junk", "c1000", "[(1, 2)]", "[('c1000',)]"])
def test_bad_candidate_text(tmp_path, value):
    files = [str(tmp_path / n) for n in _targets_files(tmp_path)[:1]]
    with pytest.raises(PoolError, match="not a list of \\(id, type\\) pairs"):
        make_pool(files, asn_candidate=value)


def _bad_inputs(folder: Path) -> dict[str, tuple[list[str], str]]:
    good = str(_fits(folder / "good.fits", dict(OBSERVTN="001", TARGNAME="A")))
    (folder / "notfits.fits").write_text("SIMPLE? no, this is text\n")
    (folder / "empty.fits").write_bytes(b"")
    _fits(folder / "noobs.fits", dict(TARGNAME="A"))
    _fits(folder / "notarg.fits", dict(OBSERVTN="001"))
    return {
        "missing": ([good, str(folder / "missing.fits")], "missing.fits: no such file"),
        "not FITS": ([good, str(folder / "notfits.fits")], "notfits.fits: not a readable FITS"),
        "empty": ([good, str(folder / "empty.fits")], "empty.fits: not a readable FITS"),
        "no OBSERVTN": ([good, str(folder / "noobs.fits")], "noobs.fits: header has no OBSERVTN"),
        "no TARGNAME": ([str(folder / "notarg.fits")], "notarg.fits: header has no TARGNAME"),
        "bad candidates": ([good, "--asn-candidate", "c1000"], "asn_candidate 'c1000' is not"),
        "no such HDU": ([good, "--ext", "3"], "good.fits: HDU 3 not found"),
    }


@pytest.mark.parametrize("case", ["missing", "not FITS", "empty", "no OBSERVTN", "no TARGNAME",
                                  "bad candidates", "no such HDU"])
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, capsys, case):
    args, message = _bad_inputs(tmp_path)[case]
    fresh = tmp_path / "fresh.csv"
    assert main(["make-pool", str(fresh), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("asnsql: error: ") and err.count("\n") == 1, err
    assert message in err
    assert not fresh.exists()
    # An existing pool is left as it was.
    old = tmp_path / "old.csv"
    old.write_text("old pool\n")
    assert main(["make-pool", str(old), *args]) == 2
    assert old.read_text() == "old pool\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_help_has_examples():
    result = CliRunner().invoke(cli, ["make-pool", "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output and "asnsql make-pool pool.csv" in result.output
    assert "--asn-candidate" in result.output and "--fits-booleans" in result.output


def _corpus_exposures(folder: Path, tsovisit=None) -> list[str]:
    """One FITS file per row of the round-trip pool, its primary header holding the row's
    values (``T``/``F`` as FITS logicals, OBSERVTN from OBS_NUM as in real headers); the
    pool's ``ASN_CANDIDATE`` is left out (make-pool rebuilds it)."""
    lines = corpus_pool(ROUND_TRIP_POOL).read_text().splitlines()
    rows = list(csv.reader([ln for ln in lines if ln.strip() and not ln.startswith("#")],
                           delimiter="|"))
    columns, rows = rows[0], rows[1:]
    names = []
    for row in rows:
        values = dict(zip(columns, row))
        header = {c: {"T": True, "F": False}.get(v, v) for c, v in values.items()
                  if c != "ASN_CANDIDATE"}
        if tsovisit is not None:
            header["TSOVISIT"] = tsovisit
        header["OBSERVTN"] = f"{int(values['OBS_NUM']):03d}"
        _fits(folder / values["FILENAME"], header)
        names.append(values["FILENAME"])
    return names


def _associations(folder: Path) -> dict[str, dict]:
    return {p.name: json.loads(p.read_text()) for p in sorted(folder.glob("*_asn.json"))}


def test_round_trip_reproduces_corpus_truth(tmp_path, monkeypatch, corpus, parity_tool):
    """FITS exposures -> make-pool -> generate gives the corpus pool's truth.

    jw09505 (MIRI imaging and WFSS, one target, 8 rows) is used because every candidate of
    its rows is the observation candidate, which is what asn_make_pool writes, and because
    its associations do not depend on the columns make-pool fixes (mostilno and dithptin
    are "1", is_imprt "f", dms_note empty): pools whose associations need those (mosaic
    tiles, imprints, background or other candidates) cannot round-trip.
    """
    monkeypatch.chdir(tmp_path)
    files = _corpus_exposures(tmp_path)
    assert main(["make-pool", "made_pool.csv", *files]) == 0
    assert main(["generate", "made_pool.csv", "-p", "out", "--version-id", "v0", "-q"]) == 0
    truth = _associations(corpus_path(ROUND_TRIP_POOL, "truth"))
    made = _associations(tmp_path / "out")
    assert sorted(made) == sorted(truth)
    for name, expected in truth.items():
        for key in ("asn_type", "asn_rule", "asn_id", "program", "target", "version_id",
                    "products"):
            assert made[name][key] == expected[key], (name, key)
    assert (parity_tool.products(tmp_path / "out")
            == parity_tool.products(corpus_path(ROUND_TRIP_POOL, "truth")))


def test_fits_booleans_t_lets_the_rules_see_tso(tmp_path, monkeypatch, corpus):
    # Observed with asn_generate on the pool asn_make_pool would write with TSOVISIT = t:
    # the imaging associations become tso-image2 and tso3.
    monkeypatch.chdir(tmp_path)
    files = _corpus_exposures(tmp_path, tsovisit=True)
    assert main(["make-pool", "made_pool.csv", *files, "--fits-booleans", "t"]) == 0
    assert main(["generate", "made_pool.csv", "-p", "out", "--version-id", "v0", "-q"]) == 0
    kinds = sorted(name.split("_")[2] for name in _associations(tmp_path / "out"))
    assert kinds == ["spec2"] * 4 + ["spec3", "tso-image2", "tso-image2", "tso-image2",
                                     "tso-image2", "tso3"]


def test_fits_true_by_default_is_not_tso(tmp_path, monkeypatch, corpus):
    # QUIRK (reference, default): TSOVISIT = T is written "True" and read "true", which the
    # rules' `t` matches reject: asn_generate makes the ordinary associations, with `rate`
    # members (observed).
    monkeypatch.chdir(tmp_path)
    files = _corpus_exposures(tmp_path, tsovisit=True)
    assert main(["make-pool", "made_pool.csv", *files]) == 0
    assert main(["generate", "made_pool.csv", "-p", "out", "--version-id", "v0", "-q"]) == 0
    made = _associations(tmp_path / "out")
    assert sorted(made) == sorted(_associations(corpus_path(ROUND_TRIP_POOL, "truth")))
    members = [m["expname"] for a in made.values() if a["asn_type"] == "image2"
               for p in a["products"] for m in p["members"]]
    assert members and all(m.endswith("_rate.fits") for m in members)
