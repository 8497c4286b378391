"""Issue 15: bad input and Ctrl-C give one line on stderr (the full text behind --debug)."""

from __future__ import annotations

import json
import signal
import time

import pytest

from ._hardening import (assert_one_line, example_rows, pool_with, run, run_child,
                         wait_until_reading, write_pool)


def _pool_variant(path, kind):
    header, rows = example_rows()
    names = [h.lower() for h in header]
    text = "\n".join("|".join(r) for r in [header] + rows) + "\n"
    if kind == "binary":
        data = bytes(range(256)) * 40
    elif kind == "latin1":
        data = text.replace("NIRCam", "NIRCam\xe9", 1).encode("latin-1")
    elif kind == "control":
        data = text.replace("NIRCam", "NIR\x01\x02Cam", 1).encode()
    elif kind == "nul":
        data = text.replace("NIRCam", "NIR\0Cam", 1).encode()
    elif kind == "10MB field":
        rows[0][names.index("targname")] = "x" * (10 * 1024 * 1024)
        data = "\n".join("|".join(r) for r in [header] + rows).encode()
    elif kind == "1.9MB candidate":
        rows[0][names.index("asn_candidate")] = "[('" + "c" * 1_900_000 + "', 'observation')]"
        data = "\n".join("|".join(r) for r in [header] + rows).encode()
    elif kind == "1.9MB bad candidate":
        rows[0][names.index("asn_candidate")] = "[('o001', " + "'x'" * 650_000
        data = "\n".join("|".join(r) for r in [header] + rows).encode()
    elif kind == "fits":
        from astropy.table import Table

        Table({n: [str(v) for v in col] for n, col in zip(names, zip(*rows))}).write(
            path, format="fits")
        return path
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("kind", ["binary", "latin1", "control", "nul", "10MB field",
                                  "1.9MB candidate", "1.9MB bad candidate", "fits"])
def test_bad_pool_is_one_line(tmp_path, capsys, kind):
    pool = _pool_variant(tmp_path / "pool.csv", kind)
    code, err = run(["generate", pool, "-p", tmp_path / "out", "-q"], capsys)
    if kind == "control":  # read as astropy reads it (before: 23 lines of DuckDB text)
        assert code == 0 and err == ""
        assert len(list((tmp_path / "out").glob("*.json"))) == 18
        return
    assert code not in (0, 70), err[:500]
    assert_one_line(err)
    assert "pool.csv" in err or "file name" in err
    assert not (tmp_path / "out").exists()


def test_fits_pool_says_give_pool_format(tmp_path, capsys):
    pool = _pool_variant(tmp_path / "pool.fits", "fits")
    code, err = run(["generate", pool, "--dry-run", "-q"], capsys)
    assert code == 2 and "--pool-format fits" in err and len(err) < 300


def test_literal_quotes_inside_fields_are_read_as_astropy_does(tmp_path, capsys):
    """astropy (the reference's reader) opens a quoted run only at a field's start."""
    header, rows = example_rows()
    names = [h.lower() for h in header]
    rows[0][names.index("targname")] = 'NGC "104'
    rows[0][names.index("targprop")] = 'a"b'
    pool = write_pool(tmp_path / "pool.csv", header, rows)
    from asnsql.cli import main

    code = main(["sql", str(pool), "--format", "json",
                 "SELECT targname, targprop FROM pool WHERE pool_row = 0"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert json.loads(captured.out) == [{"targname": 'ngc "104', "targprop": 'a"b'}]


def test_literal_quotes_generate(tmp_path, capsys):
    header, rows = example_rows()
    names = [h.lower() for h in header]
    for row in rows:
        row[names.index("targname")] = 'NGC "104'
        row[names.index("targprop")] = 'a"b'
    pool = write_pool(tmp_path / "pool.csv", header, rows)
    code, err = run(["generate", pool, "-p", tmp_path / "out", "-q"], capsys)
    assert code == 0, err
    assert len(list((tmp_path / "out").glob("*.json"))) == 18


@pytest.mark.parametrize("command", ["validate", "edit", "diff", "gather"])
def test_deeply_nested_json_is_one_line(tmp_path, capsys, command):
    deep = tmp_path / "deep_asn.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    args = {"validate": ["validate", deep],
            "edit": ["edit", deep, "-a", "x_cal.fits"],
            "diff": ["diff", deep, deep],
            "gather": ["gather", deep, tmp_path / "dest"]}[command]
    from asnsql.cli import main

    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    err = captured.err
    assert code not in (0, 70)
    assert "Traceback" not in err and "RecursionError" not in err
    assert "nested too deeply" in err + captured.out
    assert_one_line(err)


def test_debug_shows_the_full_text(tmp_path, capsys):
    pool = _pool_variant(tmp_path / "pool.csv", "1.9MB candidate")
    code, err = run(["generate", pool, "-p", tmp_path / "out", "-q"], capsys)
    assert len(err) < 1000
    code, err = run(["--debug", "generate", pool, "-p", tmp_path / "out", "-q"], capsys)
    assert code == 5 and "Traceback" in err and "c" * 1_900_000 in err


def test_unexpected_exception_is_one_line(monkeypatch, capsys):
    import asnsql.ruleset

    def broken(*args, **kwargs):
        raise TypeError("a bug")

    monkeypatch.setattr(asnsql.ruleset, "load_rules", broken)
    code, err = run(["rules"], capsys)
    assert code == 70 and "TypeError: a bug" in err and "--debug" in err
    assert_one_line(err)


@pytest.mark.parametrize("delay", [0.0, 0.3, 1.0])
def test_ctrl_c_is_one_path(tmp_path, delay):
    """Ctrl-C at any moment once the command line has started (from the moment it opens the
    pool; Python's own handler runs while the package is imported): exit 130, one line,
    nothing changed."""
    import subprocess

    from ._hardening import ROOT, sys

    header, rows = example_rows()
    pool = write_pool(tmp_path / "pool.csv", header, rows * 40)
    child = subprocess.Popen([sys.executable, "-m", "asnsql", "generate", str(pool), "-p",
                              str(tmp_path / "out"), "-q"], cwd=ROOT,
                             stderr=subprocess.PIPE, text=True)
    wait_until_reading(child, pool)
    time.sleep(delay)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=120)
    if child.returncode == 0:  # finished before the signal: a complete folder
        assert len(list((tmp_path / "out").glob("*.json"))) > 0 and err == ""
        return
    assert child.returncode == 130, err
    if "written into" in err:  # Ctrl-C once the folder was in place: it is complete
        assert err.startswith("asnsql: interrupted after the associations were written "
                              "into"), err
        assert len(list((tmp_path / "out").glob("*.json"))) > 0
        return
    assert err == "asnsql: interrupted; nothing was changed\n"
    assert not (tmp_path / "out").exists()


def test_one_line_in_a_child_process(tmp_path):
    pool = pool_with(tmp_path / "pool.csv", "PROGRAM", "../x")
    done = run_child(["generate", pool, "-p", tmp_path / "out", "-q"])
    assert done.returncode == 5
    assert_one_line(done.stderr)


def test_run_exits_with_mains_code_and_ignores_ctrl_c_at_shutdown():
    """The program's entry point: main's exit code; afterwards (the interpreter shutting
    down, the output in place) SIGINT is ignored instead of killing the process (-2)."""
    import subprocess

    from ._hardening import ROOT, sys

    code = ("import atexit, os, signal\n"
            "atexit.register(lambda: print(signal.getsignal(signal.SIGINT) is signal.SIG_IGN))\n"
            "from asnsql.cli import run\n"
            "import sys; sys.argv = ['asnsql', 'rules']\n"
            "run()\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "True"
