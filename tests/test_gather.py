"""asnsql gather: copy an association and its members (jwst's asn_gather, spec section 12.4)."""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits
from click.testing import CliRunner

from asnsql.cli import cli, main
from asnsql.errors import AssociationError
from asnsql.tools.gather import gather, select_members

from .conftest import corpus_path

TRUTH = "pool_009_spec_miri_lv2bkg/truth/jw99009-c1001_v0_spec3_00001_asn.json"


def _layout(data) -> str:
    # How the reference writes association files.
    return json.dumps(data, indent=4, separators=(",", ": "))


def _fits(path: Path, value: int) -> Path:
    hdu = fits.PrimaryHDU(data=np.full((4, 4), value, dtype=np.int16))
    hdu.header["FILENAME"] = path.name
    hdu.writeto(path)
    return path


@pytest.fixture
def spec3(corpus, tmp_path):
    """A Level-3 association of the corpus beside FITS files for its 12 members."""
    src = tmp_path / "src"
    src.mkdir()
    asn = src / Path(TRUTH).name
    shutil.copy(corpus_path(TRUTH), asn)
    data = json.loads(asn.read_text())
    for index, member in enumerate(data["products"][0]["members"]):
        _fits(src / member["expname"], index)
    return asn, data


@pytest.fixture
def mixed(tmp_path):
    """Three products; names plain, ``./``, absolute; keys in an unusual order."""
    src, other = tmp_path / "src", tmp_path / "other"
    src.mkdir(), other.mkdir()
    for name in ("a_rate.fits", "b_rate.fits", "c_x1d.fits"):
        _fits(src / name, len(name))
    absolute = _fits(other / "d_cal.fits", 7)
    data = {"program": "00001", "products": [
        {"name": "p1", "extra": 1, "members": [
            {"exptype": "science", "expname": "a_rate.fits", "exposerr": None},
            {"expname": "c_x1d.fits", "exptype": "background"}]},
        {"name": "p2", "members": [
            {"expname": "./b_rate.fits", "exptype": "science"},
            {"expname": str(absolute), "exptype": "psf"}]},
        {"name": "p3", "members": [{"expname": "c_x1d.fits", "exptype": "background"}]}],
        "asn_rule": "Mine", "asn_id": "o001", "target": "1"}
    asn = src / "my_asn.json"
    asn.write_text(json.dumps(data))
    return asn


def test_gathers_members_and_association(spec3, tmp_path):
    asn, data = spec3
    dest = tmp_path / "dest"
    assert main(["gather", str(asn), str(dest)]) == 0
    names = [m["expname"] for m in data["products"][0]["members"]]
    assert sorted(p.name for p in dest.iterdir()) == sorted(names + [asn.name])
    for name in names:
        assert filecmp.cmp(asn.parent / name, dest / name, shallow=False)
    with fits.open(dest / names[3]) as hdul:
        assert hdul[0].header["FILENAME"] == names[3] and hdul[0].data[0, 0] == 3
    # expnames were already file names: the association is written unchanged, in the
    # reference's layout (indent 4, no trailing newline)
    assert (dest / asn.name).read_text() == _layout(data)


def test_exptype_selection(spec3, tmp_path):
    asn, data = spec3
    dest = tmp_path / "dest"
    result = CliRunner().invoke(cli, ["gather", str(asn), str(dest), "-t", "science",
                                      "-t", "background", "-x", "background"])
    assert result.exit_code == 0, result.output
    written = json.loads((dest / asn.name).read_text())
    kept = [m for m in data["products"][0]["members"] if m["exptype"] == "science"]
    assert written["products"] == [{"name": data["products"][0]["name"], "members": kept}]
    assert sorted(p.name for p in dest.iterdir()) == sorted(
        [m["expname"] for m in kept] + [asn.name])
    assert "6 files copied" in result.output


def test_written_like_asn_gather(mixed, tmp_path):
    # Expected output: what asn_gather (jwst 3.0.0, `-c cp`) wrote for this association.
    dest = tmp_path / "dest"
    assert main(["gather", str(mixed), str(dest), "--allow-outside"]) == 0
    expected = {
        "asn_type": "None", "asn_rule": "Mine", "version_id": None, "code_version": "3.0.0",
        "program": "00001",
        "products": [
            {"name": "p1", "members": [
                {"exptype": "science", "expname": "a_rate.fits", "exposerr": None},
                {"expname": "c_x1d.fits", "exptype": "background"}]},
            {"name": "p2", "members": [
                {"expname": "b_rate.fits", "exptype": "science"},
                {"expname": "d_cal.fits", "exptype": "psf"}]},
            {"name": "p3", "members": [{"expname": "c_x1d.fits", "exptype": "background"}]}],
        "asn_id": "o001", "target": "1"}
    assert (dest / "my_asn.json").read_text() == _layout(expected)
    assert sorted(p.name for p in dest.iterdir()) == [
        "a_rate.fits", "b_rate.fits", "c_x1d.fits", "d_cal.fits", "my_asn.json"]
    # products left empty are dropped
    dest2 = tmp_path / "dest2"
    assert main(["gather", str(mixed), str(dest2), "-x", "background", "--allow-outside"]) == 0
    written = json.loads((dest2 / "my_asn.json").read_text())
    assert [p["name"] for p in written["products"]] == ["p1", "p2"]
    assert not (dest2 / "c_x1d.fits").exists()


def test_select_members_keeps_given_leading_keys():
    asn = {"products": [{"name": "p", "members": [{"expname": "x", "exptype": "science"}]}],
           "code_version": "1.2", "asn_type": "image3", "version_id": "v0"}
    data = select_members(asn)
    assert list(data) == ["asn_type", "asn_rule", "version_id", "code_version", "products"]
    assert (data["asn_type"], data["asn_rule"], data["version_id"], data["code_version"]) == (
        "image3", "Association", "v0", "1.2")
    with pytest.raises(AssociationError, match="exptypes present: science"):
        select_members(asn, exp_types=["SCIENCE"])


def test_nothing_selected_writes_nothing(spec3, tmp_path, capsys):
    asn, _ = spec3
    dest = tmp_path / "dest"
    assert main(["gather", str(asn), str(dest), "-t", "psf"]) == 6
    err = capsys.readouterr().err
    assert err.startswith("asnsql: error: no member to gather") and len(err.splitlines()) == 1
    assert "background, science, target_acquisition" in err
    assert not dest.exists()


def test_missing_member_found_before_copying(spec3, tmp_path, capsys):
    asn, data = spec3
    (asn.parent / data["products"][0]["members"][5]["expname"]).unlink()
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "keep.txt").write_text("x")
    assert main(["gather", str(asn), str(dest)]) == 6
    err = capsys.readouterr().err
    assert "1 member file(s)" in err and "jw_00012_cal.fits" in err and "-s" in err
    assert [p.name for p in dest.iterdir()] == ["keep.txt"]
    # with a fresh destination, it is not even created
    assert main(["gather", str(asn), str(tmp_path / "new")]) == 6
    assert not (tmp_path / "new").exists()


def test_source_folder_and_relative_names(tmp_path):
    store = tmp_path / "store"
    (store / "sub").mkdir(parents=True)
    _fits(store / "sub" / "e_cal.fits", 1)
    _fits(store / "f_cal.fits", 2)
    asn = tmp_path / "asn" / "s_asn.json"
    asn.parent.mkdir()
    asn.write_text(json.dumps({"asn_id": "o001", "products": [{"name": "p", "members": [
        {"expname": "sub/e_cal.fits", "exptype": "science"},
        {"expname": "f_cal.fits", "exptype": "science"}]}]}))
    dest = tmp_path / "dest"
    # without -s, members are looked for beside the association
    with pytest.raises(AssociationError, match="2 member file"):
        gather(asn, dest)
    result = gather(asn, dest, source=store)
    assert [p.name for p in result.copied] == ["e_cal.fits", "f_cal.fits"]
    written = json.loads(result.association.read_text())
    assert [m["expname"] for m in written["products"][0]["members"]] == [
        "e_cal.fits", "f_cal.fits"]


def test_rerun_copies_only_what_changed(spec3, tmp_path):
    asn, data = spec3
    dest = tmp_path / "dest"
    first = gather(asn, dest)
    assert len(first.copied) == 12 and first.unchanged == []
    again = gather(asn, dest)
    assert again.copied == [] and len(again.unchanged) == 12
    name = data["products"][0]["members"][0]["expname"]
    (asn.parent / name).unlink()
    _fits(asn.parent / name, 99)
    stat = (asn.parent / name).stat()
    os.utime(asn.parent / name, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    third = gather(asn, dest)
    assert [p.name for p in third.copied] == [name]
    assert filecmp.cmp(asn.parent / name, dest / name, shallow=False)


def test_copies_are_writable(spec3, tmp_path):
    asn, data = spec3
    for member in data["products"][0]["members"]:
        os.chmod(asn.parent / member["expname"], 0o444)
    dest = tmp_path / "dest"
    gather(asn, dest)
    mode = (dest / data["products"][0]["members"][0]["expname"]).stat().st_mode
    assert mode & 0o200


def test_copy_command(spec3, tmp_path):
    asn, data = spec3
    dest = tmp_path / "dest"
    dest.mkdir()
    assert main(["gather", str(asn), str(dest), "-c", "cp -p", "-x", "target_acquisition"]) == 0
    assert len(list(dest.glob("*.fits"))) == 7
    assert (dest / asn.name).is_file()


def test_failing_copy_command(spec3, tmp_path, capsys):
    asn, _ = spec3
    dest = tmp_path / "dest"
    command = f"{sys.executable} -c 'import sys; print(\"no space left\"); sys.exit(3)'"
    assert main(["gather", str(asn), str(dest), "-c", command]) == 5
    err = capsys.readouterr().err
    assert "failed with status 3: no space left" in err and len(err.splitlines()) == 1
    assert not dest.exists()


def test_same_file_name_twice(tmp_path):
    for folder in ("x", "y"):
        (tmp_path / folder).mkdir()
        _fits(tmp_path / folder / "a_cal.fits", ord(folder))
    asn = tmp_path / "asn.json"
    asn.write_text(json.dumps({"products": [{"name": "p", "members": [
        {"expname": str(tmp_path / "x" / "a_cal.fits"), "exptype": "science"},
        {"expname": str(tmp_path / "y" / "a_cal.fits"), "exptype": "science"}]}]}))
    with pytest.raises(AssociationError, match="same file name a_cal.fits"):
        gather(asn, tmp_path / "dest", allow_outside=True)
    assert not (tmp_path / "dest").exists()


@pytest.mark.parametrize("case, code, message", [
    ("no association", 6, "does not exist"),
    ("not an association", 6, "is not an association"),
    ("destination parent missing", 5, "does not exist"),
])
def test_bad_input(spec3, tmp_path, capsys, case, code, message):
    asn, _ = spec3
    dest = tmp_path / "dest"
    if case == "no association":
        asn = tmp_path / "none_asn.json"
    elif case == "not an association":
        asn = tmp_path / "pool.csv"
        asn.write_text("filename|exp_type\nx|y\n")
    else:
        dest = tmp_path / "a" / "b"
    assert main(["gather", str(asn), str(dest)]) == code
    err = capsys.readouterr().err
    assert err.startswith("asnsql: error: ") and message in err
    assert len(err.splitlines()) == 1
    assert not dest.exists()
