"""Issue 15, fault injection: a generate killed at random moments (SIGKILL, SIGINT), into a
new and into an existing folder, leaves either the old folder or the complete new one; the
next run removes what the killed one left behind.

The kill moments are drawn from the length of an uninterrupted run (measured once here to
spread them; nothing is asserted about time), counted from when the run opens the pool
(before, Python is still importing the package and its own Ctrl-C handler runs). A
failure names the seed and the moment.
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.archive import make_archive_pool

from ._hardening import ROOT, leftovers, snapshot, wait_until_reading
from .conftest import corpus_dir


def _command(pool: Path, out: Path, version: str) -> list[str]:
    return [sys.executable, "-m", "asnsql", "generate", str(pool), "-p", str(out), "-q",
            "--by-program", "--version-id", version]


def _complete(pool: Path, work: Path, version: str, base: dict | None) -> dict:
    """The folder an uninterrupted run makes (over a copy of ``base``'s folder)."""
    out = work / f"complete-{version}-{'over' if base else 'new'}"
    if base is not None:
        shutil.copytree(work / "old", out)
    done = subprocess.run(_command(pool, out, version), cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return snapshot(out)


#: (signal, into an existing folder) of successive kills.
_KINDS = [(signal.SIGKILL, True), (signal.SIGINT, False), (signal.SIGKILL, False),
          (signal.SIGINT, True)]


def _kill_and_check(pool: Path, work: Path, kills: int, seed: int) -> None:
    rng = random.Random(seed)
    old = work / "old"
    subprocess.run(_command(pool, old, "v0"), cwd=ROOT, check=True, timeout=600)
    old_state = snapshot(old)
    start = time.monotonic()
    new_state = _complete(pool, work, "v1", None)
    length = time.monotonic() - start
    over_state = _complete(pool, work, "v1", old_state)
    assert len(new_state) > 100 and set(old_state) < set(over_state)
    for n in range(kills):
        sig, existing = _KINDS[n % len(_KINDS)]
        target = work / f"run{n}"
        if existing:
            shutil.copytree(old, target)
        moment = rng.uniform(0.0, length * 0.7)  # (the length includes start-up)
        child = subprocess.Popen(_command(pool, target, "v1"), cwd=ROOT,
                                 stderr=subprocess.PIPE, text=True)
        # (from the moment it reads the pool: before, Python is still importing asnsql)
        wait_until_reading(child, pool)
        time.sleep(moment)
        child.send_signal(sig)
        _, err = child.communicate(timeout=600)
        what = f"seed {seed}, kill {n}: {sig.name} {moment:.2f} s after start, " \
               f"{'existing' if existing else 'new'} folder, exit {child.returncode}"
        state = snapshot(target)
        allowed = [old_state, over_state] if existing else [None, new_state]
        assert state in allowed, f"{what}: a mixed folder ({len(state or {})} files)"
        print(f"{what}: found the {'old' if state == allowed[0] else 'new'} folder")
        if sig == signal.SIGINT and child.returncode != 0:
            assert child.returncode == 130, f"{what}: {err}"
            if "written into" in err:  # Ctrl-C once the new folder was in place
                assert err.startswith("asnsql: interrupted after the associations were "
                                      "written into"), f"{what}: {err}"
                assert state == (over_state if existing else new_state), what
            else:
                assert err == "asnsql: interrupted; nothing was changed\n", f"{what}: {err}"
                assert state == (old_state if existing else None), what
        # the next run cleans what the killed one left
        done = subprocess.run(_command(pool, target, "v1"), cwd=ROOT, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, f"{what}; next run: {done.stderr}"
        assert snapshot(target) == (over_state if existing else new_state), what
        assert leftovers(work, target) == [], what
        shutil.rmtree(target)


@pytest.fixture
def archive(tmp_path):
    def make(rows: int) -> Path:
        pool = tmp_path / "archive_pool.csv"
        make_archive_pool(corpus_dir(), rows, pool)
        return pool
    return make


@pytest.mark.slow  # (~35 s: a child killed at several points of an archive run)
def test_killed_generate_leaves_old_or_complete_folder(archive, tmp_path):
    """Fast variant: a 400-row archive pool (some 250 files); SIGKILL into an existing
    folder, SIGINT into a new one."""
    seed = random.randrange(1 << 30)
    _kill_and_check(archive(400), tmp_path, kills=2, seed=seed)


@pytest.mark.slow
def test_killed_large_generate_leaves_old_or_complete_folder(archive, tmp_path):
    """An 8,000-row archive pool (about 4,000 files), eight kills of the four kinds."""
    seed = random.randrange(1 << 30)
    _kill_and_check(archive(8_000), tmp_path, kills=8, seed=seed)
