"""Helpers of the hardening tests (issue 15): pools built from the example pool, runs of the
command line in this process or in a child process, folder snapshots."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from asnsql.cli import main

from .conftest import EXAMPLE_POOL, ROOT


def example_rows() -> tuple[list[str], list[list[str]]]:
    """The example pool's header and rows (fields as written, not stripped)."""
    lines = EXAMPLE_POOL.read_text().splitlines()
    lines = [line for line in lines if line.strip() and not line.startswith("#")]
    return lines[0].split("|"), [line.split("|") for line in lines[1:]]


def write_pool(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path.write_text("\n".join("|".join(r) for r in [header] + rows) + "\n")
    return path


def pool_with(path: Path, column: str, value: str, every: bool = True) -> Path:
    """The example pool with ``column`` set to ``value`` (in every row, or the first)."""
    header, rows = example_rows()
    index = [h.strip().lower() for h in header].index(column.lower())
    for row in rows if every else rows[:1]:
        row[index] = value
    return write_pool(path, header, rows)


def run(args: list[str], capsys) -> tuple[int, str]:
    """Run ``asnsql ARGS`` in this process; return its exit code and stderr."""
    code = main([str(a) for a in args])
    return code, capsys.readouterr().err


def run_child(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run ``python -m asnsql ARGS`` in a child process (stdout and stderr captured)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **kwargs.pop("env", {})}
    return subprocess.run([sys.executable, "-m", "asnsql", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=300, **kwargs)


def assert_one_line(err: str) -> None:
    """stderr is one ``asnsql: ...`` line: no traceback, no multi-line DuckDB text."""
    lines = err.strip("\n").splitlines()
    assert len(lines) == 1, err[:3000]
    assert lines[0].startswith("asnsql: ") and "Traceback" not in err, err[:3000]
    assert len(lines[0]) < 2200, len(lines[0])


def snapshot(folder: Path) -> dict[str, str] | None:
    """Visible file name -> content hash of a folder (None when it does not exist)."""
    if not folder.exists():
        return None
    return {p.name: hashlib.sha1(p.read_bytes()).hexdigest() if p.is_file() else "<folder>"
            for p in folder.iterdir() if not p.name.startswith(".")}


def leftovers(*folders: Path) -> list[str]:
    """asnsql staging folders or files left in ``folders``."""
    return [p.name for f in folders if f.is_dir() for p in f.iterdir() if ".asnsql-" in p.name]


def wait_until_reading(child: subprocess.Popen, path: Path, timeout: float = 120) -> bool:
    """Wait until a child process has ``path`` open (Linux /proc): it is then past Python's
    start-up and the package imports, inside asnsql's own Ctrl-C handling. False when the
    child ended first (or there is no /proc)."""
    import time

    target = str(Path(path).resolve())
    fds = Path(f"/proc/{child.pid}/fd")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and child.poll() is None:
        try:
            if any(os.readlink(fd) == target for fd in fds.iterdir()):
                return True
        except OSError:
            pass
        time.sleep(0.005)
    return False
