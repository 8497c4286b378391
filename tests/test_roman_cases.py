"""Every Roman reference case (tests/data/roman/cases and extra_cases, romancal 1.1.0) through
``asnsql roman``.

Each case folder holds the reference's command (``cmd.txt``, run from that folder, inputs
relative to it) and the files it wrote; error cases hold ``rc.txt`` (the reference's exit
status) and ``stderr.txt``. The command is run through asnsql's command line in a copy of the
layout; every file written must equal the reference's byte for byte (``code_version``
included: asnsql writes the version whose output it reproduces), no other file may appear,
and error cases must fail the same way (same exit status class, a usage message naming the
same missing argument, no traceback, nothing written).
"""

from __future__ import annotations

import json
import shlex
import warnings
from pathlib import Path

import pytest

from asnsql.cli import main

DATA = Path(__file__).parent / "data" / "roman"
CASES = sorted(p.name for p in (DATA / "cases").iterdir() if p.is_dir())
#: Cases made the same way for this project (extra_cases/README.md).
EXTRA = sorted(p.name for p in (DATA / "extra_cases").iterdir() if p.is_dir())
#: The reference's tools and the asnsql commands that replace them.
COMMANDS = {"asn_from_list": ["roman", "from-list"], "skycell_asn": ["roman", "skycell-asn"],
            "multiband_asn": ["roman", "multiband-asn"]}
#: Files of a case folder that are not outputs.
NOT_OUTPUT = {"cmd.txt", "rc.txt", "stderr.txt", "stdout.txt", "files.txt"}


def test_the_cases_are_there():
    # The data ship with the tests; a missing folder is a failure, not a skip.
    assert len(CASES) == 18, CASES
    assert EXTRA == ["sca_p2_mixed_daily"]
    assert (DATA / "skymap" / "skymap_roman_truth.asdf").is_file()


def _command(case: Path) -> tuple[dict[str, str], list[str]]:
    words = shlex.split((case / "cmd.txt").read_text(), comments=True)
    env = {}
    while "=" in words[0] and not words[0].startswith("-"):
        name, value = words.pop(0).split("=", 1)
        env[name] = value
    return env, COMMANDS[words[0]] + words[1:]


def _outputs(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*") if p.is_file() and p.name not in NOT_OUTPUT}


@pytest.fixture
def layout(tmp_path):
    """The corpus layout (cases/<case> beside l2/ and skymap/), with empty case folders."""
    for name in ("l2", "skymap"):
        (tmp_path / name).symlink_to(DATA / name)
    return tmp_path


def _params():
    # skycell cases open Level-2 files and match footprints: seconds each
    for folder, names in (("cases", CASES), ("extra_cases", EXTRA)):
        for n in names:
            slow = "skycell_asn" in (DATA / folder / n / "cmd.txt").read_text() \
                and not (DATA / folder / n / "rc.txt").exists()
            yield pytest.param(f"{folder}/{n}", marks=[pytest.mark.slow] if slow else [])


@pytest.mark.parametrize("name", list(_params()))
def test_case(name, layout, monkeypatch, capfd, tmp_path_factory):
    case = DATA / name
    work = layout / name
    work.mkdir(parents=True)
    env, argv = _command(case)
    monkeypatch.delenv("SKYMAP_PATH", raising=False)
    # the skymap cache goes to a folder of its own (shared by the cases), not the case's
    monkeypatch.setenv("ASNSQL_CACHE", str(tmp_path_factory.getbasetemp() / "roman-cache"))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(work)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        code = main(argv)
    out, err = capfd.readouterr()
    assert "Traceback" not in err
    if (case / "rc.txt").exists():
        assert code == int((case / "rc.txt").read_text()), err
        # the reference's argparse names the missing argument; click does too
        missing = (case / "stderr.txt").read_text().rsplit("required: ", 1)[1].strip()
        assert {"filelist": "FILES"}.get(missing, missing) in err, err
        assert _outputs(work) == {}
        return
    assert code == 0, err
    want = _outputs(case)
    have = _outputs(work)
    assert sorted(have) == sorted(want)
    different = [n for n in want if have[n] != want[n]]
    assert not different, f"{len(different)} files differ, e.g. {different[:3]}"


def test_a_case_through_the_asnsql_program(layout, tmp_path_factory):
    """The ``asnsql`` program itself (cli.run, which keeps pandas out of its imports where
    pandas is installed) reads Roman files: astropy's optional-dependency check must see
    pandas as missing, not fail (it did: every skycell case stopped with exit 2)."""
    import os
    import subprocess
    import sys

    name = "cases/sca_badfile_visit"
    case, work = DATA / name, layout / name
    work.mkdir(parents=True)
    env, argv = _command(case)
    env = dict(os.environ, **env,
               ASNSQL_CACHE=str(tmp_path_factory.getbasetemp() / "roman-cache"))
    code = ("import sys\n"
            "from asnsql.cli import run\n"
            "sys.argv = ['asnsql'] + sys.argv[1:]\n"
            "run()\n")
    done = subprocess.run([sys.executable, "-c", code, *argv], cwd=work, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert _outputs(work) == _outputs(case)


def test_outputs_are_the_reference_serialisation():
    # Guards the byte comparison above: the reference files are json.dumps(indent=4) with
    # no newline at the end, so equal bytes mean equal serialisation, not just equal data.
    sample = DATA / "cases" / "afl_plain" / "out_asn.json"
    text = sample.read_text()
    assert not text.endswith("\n")
    assert json.dumps(json.loads(text), indent=4, separators=(",", ": ")) == text
