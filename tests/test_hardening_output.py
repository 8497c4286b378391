"""Issue 15, data safety: output folders and databases are updated whole or not at all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import asnsql.publish
from asnsql.errors import OutputError
from asnsql.io import validate_file, write_associations

from ._hardening import (EXAMPLE_POOL, ROOT, assert_one_line, leftovers, run, run_child,
                         snapshot)


def _generate(out, capsys, *more):
    code, err = run(["generate", EXAMPLE_POOL, "-p", out, "-q", "--version-id", "v0", *more],
                    capsys)
    assert code == 0, err


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_file_that_cannot_be_replaced_changes_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    _generate(out, capsys)
    blocked = sorted(out.iterdir())[5]
    blocked.unlink()
    blocked.mkdir()
    before = snapshot(out)
    code, err = run(["generate", EXAMPLE_POOL, "-p", out, "-q", "--version-id", "v0"],
                    capsys)
    assert code == 5 and blocked.name in err and "nothing was written" in err
    assert_one_line(err)
    assert snapshot(out) == before and blocked.is_dir()
    assert leftovers(tmp_path, out) == []


@pytest.mark.parametrize("where", ["beside", "inside"])
def test_stale_staging_is_removed_by_the_next_run(tmp_path, capsys, where):
    out = tmp_path / "out"
    _generate(out, capsys)
    parent = tmp_path if where == "beside" else out
    stale = parent / f".out.asnsql-{_dead_pid()}-0badcafe"
    stale.mkdir()
    (stale / "big.json").write_text("x" * 1000)
    live = parent / f".out.asnsql-{os.getpid()}-0badcafe"
    live.mkdir()
    _generate(out, capsys, "--version-id", "v1")
    assert not stale.exists()
    assert live.exists()  # a running process's staging folder is left alone
    live.rmdir()


def test_killed_replacement_is_undone_by_the_next_run(tmp_path, capsys):
    """A run killed while replacing files one by one left a journal: the next run puts the
    old files back before it writes."""
    out = tmp_path / "out"
    _generate(out, capsys)
    before = snapshot(out)
    names = sorted(before)
    stale = out / f".out.asnsql-{_dead_pid()}-0badcafe"
    (stale / ".old").mkdir(parents=True)
    # the killed run had moved two old files aside and put one new file in place
    os.replace(out / names[0], stale / ".old" / names[0])
    os.replace(out / names[1], stale / ".old" / names[1])
    (out / names[0]).write_text("new")
    (out / "new_asn.json").write_text("new")
    (stale / names[1]).write_text("new, not yet in place")
    (stale / ".journal").write_text(f"1\t{names[0]}\n1\t{names[1]}\n0\tnew_asn.json\n")
    from asnsql.publish import clean_stale

    clean_stale(out, "out")
    assert snapshot(out) == before and not stale.exists()


def test_replace_each_restores_on_keyboard_interrupt(tmp_path, capsys, monkeypatch):
    """The current folder (not exchangeable): each replaced file is put back on Ctrl-C."""
    out = tmp_path / "out"
    _generate(out, capsys)
    before = snapshot(out)
    monkeypatch.chdir(out)
    real, calls = os.replace, []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) == 9:
            raise KeyboardInterrupt
        return real(src, dst)

    monkeypatch.setattr(asnsql.publish.os, "replace", flaky)
    code, err = run(["generate", EXAMPLE_POOL, "-p", ".", "-q", "--version-id", "v0",
                     "--format", "json", "--save-orphans"], capsys)
    monkeypatch.setattr(asnsql.publish.os, "replace", real)
    assert code == 130 and err == "asnsql: interrupted; nothing was changed\n"
    assert len(calls) >= 9  # then the restores
    assert snapshot(out) == before and leftovers(out) == []


def test_two_runs_making_the_same_new_folder(tmp_path, monkeypatch):
    """The folder appears between the check and the rename: the files are added to it."""
    from asnsql.assemble import AssociationDict

    out = tmp_path / "out"
    real = asnsql.publish._staging_folder

    def racing(parent, name):
        made = real(parent, name)
        if not out.exists():
            out.mkdir()
            (out / "other_asn.json").write_text("{}")
        return made

    monkeypatch.setattr(asnsql.publish, "_staging_folder", racing)
    asn = AssociationDict({"asn_type": "image2", "products": [{"name": "p", "members": []}]})
    asn.name = "mine_asn"
    write_associations([asn], out)
    assert sorted(snapshot(out)) == ["mine_asn.json", "other_asn.json"]


def test_concurrent_generates_into_one_new_folder(tmp_path):
    out = tmp_path / "out"
    children = [subprocess.Popen([sys.executable, "-m", "asnsql", "generate",
                                  str(EXAMPLE_POOL), "-p", str(out), "-q", "--version-id",
                                  f"v{i}"], cwd=ROOT, stderr=subprocess.PIPE, text=True)
                for i in range(2)]
    for child in children:
        _, err = child.communicate(timeout=300)
        assert child.returncode == 0, err
    assert len(snapshot(out)) == 36 and leftovers(tmp_path, out) == []


def test_new_database_failing_on_first_write_leaves_nothing(tmp_path):
    db = tmp_path / "new.duckdb"

    def small_files():
        import resource
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))

    done = subprocess.run([sys.executable, "-m", "asnsql", "generate", str(EXAMPLE_POOL),
                           "--dry-run", "-q", "--db", str(db)], cwd=ROOT, capture_output=True,
                          text=True, preexec_fn=small_files, timeout=300)
    assert done.returncode != 0
    assert_one_line(done.stderr)
    assert not db.exists()
    done = run_child(["generate", EXAMPLE_POOL, "--dry-run", "-q", "--db", db], cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert db.is_file() and leftovers(tmp_path) == []


@pytest.mark.parametrize("delay", [0.8, 1.6])
def test_killed_new_database_is_absent_or_whole(tmp_path, delay):
    import signal
    import time

    db = tmp_path / "new.duckdb"
    child = subprocess.Popen([sys.executable, "-m", "asnsql", "generate", str(EXAMPLE_POOL),
                              "--dry-run", "-q", "--db", str(db)], cwd=ROOT)
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)
    if db.exists():
        done = run_child(["sql", "--db", db, "SELECT count(*) FROM members"])
        assert done.returncode == 0, done.stderr
    done = run_child(["generate", EXAMPLE_POOL, "--dry-run", "-q", "--db", db])
    assert done.returncode == 0, done.stderr
    assert leftovers(tmp_path) == []


def test_held_database_is_waited_for_then_named(tmp_path, capsys):
    from asnsql.session import Session

    db = tmp_path / "a.duckdb"
    assert run(["generate", EXAMPLE_POOL, "--dry-run", "-q", "--db", db], capsys)[0] == 0
    holder = Session(db, write=True)
    try:
        done = run_child(["generate", EXAMPLE_POOL, "--dry-run", "-q", "--db", db],
                         env={"ASNSQL_LOCK_WAIT": "1"})
    finally:
        holder.close()
    assert done.returncode == 4
    assert_one_line(done.stderr)
    assert "in use by another process" in done.stderr and "waited 1 s" in done.stderr


def test_concurrent_writers_of_one_database_all_succeed(tmp_path):
    db = tmp_path / "a.duckdb"
    children = [subprocess.Popen([sys.executable, "-m", "asnsql", "generate",
                                  str(EXAMPLE_POOL), "--dry-run", "-q", "--db", str(db)],
                                 cwd=ROOT, stderr=subprocess.PIPE, text=True,
                                 env={**os.environ, "ASNSQL_LOCK_WAIT": "120"})
                for _ in range(3)]
    for child in children:
        _, err = child.communicate(timeout=300)
        assert child.returncode == 0, err
    assert db.is_file() and leftovers(tmp_path) == []


def test_edit_on_a_symlink_replaces_the_target(tmp_path, capsys):
    out = tmp_path / "out"
    _generate(out, capsys)
    target = sorted(out.glob("*image3*.json"))[0]
    link = tmp_path / "link_asn.json"
    link.symlink_to(target)
    assert run(["edit", link, "-a", "jw88600999001_02101_00001_nrca1_cal.fits"], capsys)[0] \
        == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert "jw88600999001_02101_00001_nrca1_cal.fits" in target.read_text()


def test_yaml_is_plain_data(tmp_path, capsys):
    _generate(tmp_path / "json", capsys)
    _generate(tmp_path / "yaml", capsys, "--format", "yaml")
    files = sorted((tmp_path / "yaml").glob("*.yaml"))
    assert len(files) == 18
    for path in files:
        text = path.read_text()
        assert "!!python" not in text
        # what jwst's load_asn does with YAML (yaml.safe_load), and asnsql's validate
        data = yaml.safe_load(text)
        assert data == json.loads((tmp_path / "json" / (path.stem + ".json")).read_text())
        assert validate_file(path) == []
    assert run(["validate", *files], capsys)[0] == 0


def test_write_associations_refuses_unsafe_extra_names(tmp_path):
    with pytest.raises(OutputError, match=r"'\.\./x'"):
        write_associations([], tmp_path / "out", extra={"../x": "text"})
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_after_the_output_is_in_place_says_so(tmp_path, monkeypatch):
    """A Ctrl-C once generate_files has written the folder (here: while timing the write)
    is reported as Interrupted naming the folder, never as 'nothing was changed'."""
    from asnsql import timing
    from asnsql.errors import Interrupted
    from asnsql.generate import generate_files

    original = timing.PhaseClock.lap

    def lap(self, phase):
        original(self, phase)
        if phase == "write":
            raise KeyboardInterrupt

    monkeypatch.setattr(timing.PhaseClock, "lap", lap)
    out = tmp_path / "out"
    pool = Path(__file__).resolve().parent.parent / "examples" / \
        "jw88600_20171108T051731_pool.csv"
    with pytest.raises(Interrupted, match="written into"):
        generate_files(pool, out, timings={})
    assert len(list(out.glob("*_asn.json"))) == 18
