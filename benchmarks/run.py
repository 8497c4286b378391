"""Speed and scale measurements of asnsql, written to ``benchmarks/RESULTS.md``.

Each measurement runs in a fresh Python process (so imports, caches and memory are those of
a real run):

* **corpus**: the wall time of ``asnsql generate`` on every pool of the shared corpus,
  beside the reference's ``reference_seconds`` (``meta.json``); every pool again in one warm
  process (``asnsql.generate(path)``, best of five after a warm-up call), with
  ``--reference PYTHON`` beside jwst's own ``asn_generate`` timed the same way in a process
  of that interpreter, pool by pool; and the whole corpus in one process
  through the Python API (``generate_batch``).
* **scale**: synthetic archive pools (:mod:`benchmarks.archive`) of growing size, through
  the command line: ``asnsql generate POOL -p OUT --format parquet -q --version-id v0``,
  without and with ``--by-program``; wall time and peak RSS of the child process.
* **floor**: in the same run, interleaved with the commands, the time DuckDB alone takes
  to load the same file into a table and run one GROUP BY over it, so results read as
  ratios that hold on a noisy machine.
* **writing**: writing the associations of a pool as one file each, as JSON lines, and as
  Parquet tables.

``python -m benchmarks all`` also runs the Spark comparison (:mod:`benchmarks.spark`) and
keeps the other sections of RESULTS.md (each between marker comments) as they are; the
Markdown is :mod:`benchmarks.report`'s.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from .report import (COMMANDS, GENERATE_ARGS, LARGE_TIMEOUT, MAX_RSS_MB, assemble,
                     marked_sections, render, targets)

ROOT = Path(__file__).resolve().parent.parent

__all__ = ["bench_corpus", "bench_inprocess", "bench_scale", "bench_writing", "bench_startup",
           "measure_pool", "main_all", "rerender", "timed", "asnsql_command", "log",
           "keep_unmeasured"]

def _python() -> str:
    return sys.executable


def log(message: str) -> None:
    """Print a progress line on stderr (the benchmarks take minutes)."""
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%H:%M:%S")
    print(f"[{stamp} load {os.getloadavg()[0]:.1f}] {message}", file=sys.stderr, flush=True)


def _child(code: str, *args: str) -> dict:
    """Run ``code`` in a fresh interpreter; it prints one JSON object last."""
    result = subprocess.run([_python(), "-c", code, *args], capture_output=True, text=True,
                            cwd=str(ROOT))
    if result.returncode != 0:
        raise RuntimeError(f"benchmark child failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def asnsql_command() -> list[str]:
    """The ``asnsql`` program of this Python (its console script, else ``python -m``).

    Returns
    -------
    list of str
        The command's first words.
    """
    script = Path(_python()).parent / "asnsql"
    return [str(script)] if script.is_file() else [_python(), "-m", "asnsql"]


def _rss_mb(pid: int) -> float:
    """The current resident set of process ``pid`` in MiB (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


#: Runs the command (after its first argument, a report file) as a child of its own and
#: writes the child's exit status, wall seconds and ``ru_maxrss`` there. The trampoline is
#: small when it forks, so the child's peak is its own: Linux records the peak of the
#: address space a process leaves when it execs, and a child spawned straight from a large
#: benchmark driver (or pytest) would report the driver's resident size as its peak.
_TRAMPOLINE = """
import json, os, sys, time
t0 = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as report:
    json.dump({"status": status, "seconds": time.perf_counter() - t0,
               "maxrss_kb": usage.ru_maxrss, "pid": pid}, report)
sys.exit(os.waitstatus_to_exitcode(status) % 256)
"""


def _child_pid(pid: int) -> int | None:
    """The trampoline's child (the measured command), once forked."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            found = children.read().split()
        return int(found[0]) if found else None
    except (OSError, ValueError):
        return None


def timed(command: list[str], *, timeout: float | None = None,
          max_rss_mb: float | None = None, cwd: Path | None = None) -> dict:
    """Run ``command`` in a fresh process: its wall time and peak RSS.

    The command runs as the child of a small trampoline (:data:`_TRAMPOLINE`), which
    measures it with ``os.wait4``: the wall time from its fork to its exit, and its own
    ``ru_maxrss`` (not the largest of every child so far, as ``RUSAGE_CHILDREN``, and not
    inflated by this process's size).

    Parameters
    ----------
    command : list of str
        The program and its arguments.
    timeout : float, optional
        Seconds after which the child is killed (``stopped`` says so).
    max_rss_mb : float, optional
        Resident MiB beyond which the child is killed (polled twice a second), to keep a
        shared machine out of swap and the out-of-memory killer.
    cwd : pathlib.Path, optional
        Working folder (default: the repository).

    Returns
    -------
    dict
        ``seconds`` (wall), ``rss_mb`` (peak, MiB), ``returncode``, ``stopped`` (``None``,
        or why the child was killed) and ``stderr`` (its last 2,000 characters).
    """
    import signal

    errors = tempfile.TemporaryFile()
    fd, report = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    t0 = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", _TRAMPOLINE, report, *command],
                               stdout=subprocess.DEVNULL, stderr=errors,
                               cwd=str(cwd or ROOT), start_new_session=True)
    stopped: list[str] = []
    polled = [0.0]
    done = threading.Event()

    def watch():
        while not done.wait(0.5):
            elapsed = time.perf_counter() - t0
            child = _child_pid(process.pid)
            polled[0] = max(polled[0], _rss_mb(child) if child is not None else 0.0)
            if timeout is not None and elapsed > timeout:
                stopped.append(f"killed after {elapsed:.0f} s (time limit {timeout:.0f} s)")
            elif max_rss_mb is not None and child is not None \
                    and (rss := _rss_mb(child)) > max_rss_mb:
                stopped.append(f"killed after {elapsed:.0f} s at {rss:.0f} MB RSS "
                               f"(limit {max_rss_mb:.0f} MB)")
            if stopped:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except OSError:
                    pass
                return

    watcher = None
    if timeout is not None or max_rss_mb is not None:
        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
    process.wait()
    seconds = time.perf_counter() - t0
    done.set()
    if watcher is not None:
        watcher.join()
    try:
        with open(report) as handle:
            measured = json.load(handle)
        seconds = measured["seconds"]
        rss_mb = measured["maxrss_kb"] / 1024
        returncode = os.waitstatus_to_exitcode(measured["status"])
    except (OSError, ValueError, KeyError):     # killed: the largest resident size seen
        rss_mb, returncode = polled[0], process.returncode
    finally:
        os.unlink(report)
    errors.seek(0)
    stderr = errors.read().decode(errors="replace")[-2000:]
    errors.close()
    return {"seconds": seconds, "rss_mb": rss_mb, "returncode": returncode,
            "stopped": stopped[0] if stopped else None, "stderr": stderr}


_FLOOR = r"""
import json, sys, time
t0 = time.perf_counter()
import duckdb
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
con.execute("CREATE TABLE t AS SELECT * FROM read_csv($p, delim='|', header=true, "
            "all_varchar=true, comment='#')", {"p": sys.argv[1]})
groups = len(con.execute("SELECT program, count(*) FROM t GROUP BY program").fetchall())
print(json.dumps({"seconds": time.perf_counter() - t0, "groups": groups}))
"""

_BATCH = r"""
import json, sys, time, warnings
from pathlib import Path
warnings.simplefilter("ignore")
t0 = time.perf_counter()
from asnsql import generate_batch
corpus = Path(sys.argv[1])
pools = [d / (d.name + ".csv") for d in sorted(corpus.iterdir()) if (d / (d.name + ".csv")).is_file()]
out = generate_batch(pools, version_id="v0")
print(json.dumps({"seconds": time.perf_counter() - t0, "pools": len(pools),
                  "associations": sum(len(v) for v in out.values())}))
"""

#: A worker that times ``asnsql.generate(path)``: one pool path per line in, one JSON line
#: out per call (``seconds``, ``associations``). It stays up for the whole corpus, so that
#: its calls on each pool can come right before the reference's (:func:`bench_inprocess`).
_INPROCESS = r"""
import json, sys, time, warnings
warnings.simplefilter("ignore")
out, sys.stdout = sys.stdout, sys.stderr  # (only the answers on stdout)
import asnsql
print(json.dumps({"version": asnsql.__version__}), file=out, flush=True)
for line in sys.stdin:
    t0 = time.perf_counter()
    asns = asnsql.generate(line.rstrip("\n"), version_id="v0")
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "associations": len(asns)}), file=out, flush=True)
"""

#: The same worker for the reference, run by the reference's own interpreter
#: (``--reference``): jwst's ``asn_generate`` as ``Main.cli([pool, '-p', scratch,
#: '--version-id', 'v0', '--dry-run'])``, the per-candidate generator of its default
#: options; ``--dry-run`` makes and finalises the associations but writes no file, as
#: ``asnsql.generate(path)`` writes none. It imports jwst only; asnsql never imports jwst.
_REFERENCE = r"""
import json, sys, tempfile, time, warnings
warnings.simplefilter("ignore")
out, sys.stdout = sys.stdout, sys.stderr  # (only the answers on stdout)
import jwst
from jwst.associations.main import Main
print(json.dumps({"version": jwst.__version__}), file=out, flush=True)
with tempfile.TemporaryDirectory() as scratch:
    for line in sys.stdin:
        t0 = time.perf_counter()
        made = Main.cli([line.rstrip("\n"), "-p", scratch, "--version-id", "v0", "--dry-run"])
        seconds = time.perf_counter() - t0
        print(json.dumps({"seconds": seconds, "associations": len(made.associations)}),
              file=out, flush=True)
"""


class _Worker:
    """A worker child (:data:`_INPROCESS`, :data:`_REFERENCE`) asked one pool at a time."""

    def __init__(self, code: str, python: str | None = None):
        self._log = tempfile.TemporaryFile(mode="w+")
        self._proc = subprocess.Popen([python or _python(), "-c", code], text=True,
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=self._log, cwd=str(ROOT))
        try:
            self.version = self._answer()["version"]
        except BaseException:
            self.close()
            raise

    def _answer(self) -> dict:
        line = self._proc.stdout.readline()
        if not line:
            self._proc.wait()
            self._log.seek(0)
            raise RuntimeError(f"benchmark worker failed:\n{self._log.read()[-2000:]}")
        return json.loads(line)

    def ask(self, pool: Path) -> dict:
        """One timed call on ``pool``: ``seconds``, ``associations``."""
        self._proc.stdin.write(f"{pool}\n")
        self._proc.stdin.flush()
        return self._answer()

    def close(self) -> None:
        try:
            self._proc.stdin.close()
            self._proc.wait(timeout=60)
        finally:
            if self._proc.poll() is None:
                self._proc.kill()
                self._proc.wait()
            self._proc.stdout.close()
            self._log.close()


_WRITE = r"""
import json, shutil, sys, tempfile, time, warnings
warnings.simplefilter("ignore")
from asnsql.engine import Engine
from asnsql.generate import Options, iter_batch
from asnsql.io import write_associations
pool = sys.argv[1]
with Engine.for_pools([pool]) as engine:
    asns = [a for r in iter_batch(engine, [pool], None, Options(split_programs=True))
            for a in r.associations]
out = {"associations": len(asns)}

for fmt in ("json", "jsonl", "parquet"):
    folder = tempfile.mkdtemp(dir=sys.argv[2]) + "/out"
    t0 = time.perf_counter()
    write_associations(asns, folder, fmt=fmt)
    out[fmt] = time.perf_counter() - t0
    shutil.rmtree(folder.rsplit("/", 1)[0])
print(json.dumps(out))
"""


def _load() -> float:
    return os.getloadavg()[0]


def compile_bytecode() -> bool:
    """Compile asnsql's modules to bytecode before anything is timed, as installing the
    wheel does.

    From a source checkout (an editable install) with ``PYTHONDONTWRITEBYTECODE`` set, as
    on this machine, no ``.pyc`` is ever written: every process would compile each module
    it imports whose bytecode is missing or older than its source, about 0.1 s more for a
    command line run when none is there.

    Returns
    -------
    bool
        Whether every module compiled.
    """
    import compileall

    import asnsql

    return bool(compileall.compile_dir(Path(asnsql.__file__).parent, quiet=1))


def bench_startup() -> dict:
    """Wall time of ``asnsql --help`` (the CLI's own start-up), best of five.

    Returns
    -------
    dict
        ``seconds``.
    """
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run([*asnsql_command(), "--help"], capture_output=True, check=True,
                       cwd=str(ROOT))
        runs.append(time.perf_counter() - t0)
    return {"seconds": min(runs)}


def _corpus_pools(corpus: Path) -> list[Path]:
    return sorted(p for p in Path(corpus).iterdir() if (p / f"{p.name}.csv").is_file())


def bench_inprocess(corpus: Path, repeats: int = 3, *, reference_python: str | None = None,
                    reference_limit: float = 2.0) -> dict:
    """Every corpus pool in one warm process, and the reference beside it on this machine.

    asnsql's worker (:data:`_INPROCESS`) and, with ``reference_python``, the reference's
    (:data:`_REFERENCE`) stay up for the whole corpus. Pool by pool, each makes a warm-up
    call and then ``repeats`` timed calls in a row (as a program generating pools one after
    another would), asnsql's first, then the reference's, the best of each kept. Each
    pool's ``meta.json`` gives the reference's time on the machine that made the corpus; a
    comparison of a few tens of milliseconds does not hold across machines, nor across
    minutes on a shared one, so the two are taken side by side, seconds apart. (Calls
    alternating one by one would measure each side with the other's memory in the
    caches.)

    Parameters
    ----------
    corpus : pathlib.Path
        The corpus folder (``<pool>/<pool>.csv``, ``meta.json``).
    repeats : int
        Timed calls per pool and side.
    reference_python : str, optional
        An interpreter with jwst 3.0.0 installed (a scratch environment: asnsql never
        depends on jwst).
    reference_limit : float
        The reference runs only on the pools whose stored time is at most this many seconds
        (it takes about ten minutes over the whole corpus); 0 for every pool.

    Returns
    -------
    dict
        ``pools``: pool name -> ``seconds``, ``associations`` and, where the reference ran,
        ``reference_seconds``, ``reference_associations``; ``reference_version``: jwst's
        version, when it ran.

    Raises
    ------
    RuntimeError
        If a worker fails (jwst missing, a pool one of them cannot read).
    """
    ours = _Worker(_INPROCESS)
    reference = None
    try:
        if reference_python:
            reference = _Worker(_REFERENCE, python=reference_python)
        found = {}
        for folder in _corpus_pools(corpus):
            pool = folder / f"{folder.name}.csv"
            meta = json.loads((folder / "meta.json").read_text()) \
                if (folder / "meta.json").is_file() else {}
            stored = meta.get("reference_seconds")
            sides = [ours]
            if reference is not None and (reference_limit <= 0 or (
                    stored is not None and stored <= reference_limit)):
                sides.append(reference)
            best: dict = {}
            for side in sides:
                side.ask(pool)                    # the warm-up call
                for _ in range(repeats):
                    answer = side.ask(pool)
                    if side not in best or answer["seconds"] < best[side]["seconds"]:
                        best[side] = answer
            entry = dict(best[ours])
            if reference in best:
                entry["reference_seconds"] = best[reference]["seconds"]
                entry["reference_associations"] = best[reference]["associations"]
            found[folder.name] = entry
    finally:
        ours.close()
        if reference is not None:
            reference.close()
    return {"pools": found,
            **({"reference_version": reference.version} if reference is not None else {})}


def bench_corpus(corpus: Path, work: Path, repeats: int = 3, *, inprocess_repeats: int = 5,
                 reference_python: str | None = None, reference_limit: float = 2.0) -> dict:
    """Every corpus pool beside the reference's time (``meta.json``, and with
    ``reference_python`` the reference timed in-process in the same run).

    Parameters
    ----------
    corpus : pathlib.Path
        The corpus folder (``<pool>/<pool>.csv`` and ``meta.json``).
    work : pathlib.Path
        A scratch folder for the command line's output.
    repeats : int
        Command-line runs per pool, the best kept.
    inprocess_repeats : int
        Timed in-process calls per pool (and per side, :func:`bench_inprocess`), the best
        kept: a call takes tens of milliseconds, and the machine's speed drifts.
    reference_python : str, optional
        An interpreter with jwst 3.0.0 (:func:`bench_inprocess`).
    reference_limit : float
        :func:`bench_inprocess`'s ``reference_limit``.

    Returns
    -------
    dict
        ``pools``: per pool its ``rows``, ``reference`` (seconds, stored), ``asnsql``
        (command line, best wall time of a fresh ``asnsql generate`` process),
        ``inprocess`` (``asnsql.generate(path)`` in one warm process) and, for the pools
        the reference ran on here, ``reference_inprocess``; ``reference_version`` (jwst's,
        when it ran); ``batch``: the whole corpus in one process (``generate_batch``);
        ``load``: load average at the start and end.
    """
    load = [_load()]
    rows = []
    for folder in _corpus_pools(corpus):
        meta = json.loads((folder / "meta.json").read_text()) \
            if (folder / "meta.json").is_file() else {}
        best = None
        for i in range(repeats):
            out = work / "corpus" / folder.name / str(i)
            out.parent.mkdir(parents=True, exist_ok=True)
            t0 = time.perf_counter()
            subprocess.run([*asnsql_command(), "generate", str(folder / f"{folder.name}.csv"),
                            "-p", str(out), "-q", "--version-id", "v0"],
                           capture_output=True, check=True, cwd=str(ROOT))
            seconds = time.perf_counter() - t0
            best = seconds if best is None else min(best, seconds)
        rows.append({"pool": folder.name, "rows": meta.get("rows"),
                     "reference": meta.get("reference_seconds"), "asnsql": best})
    shutil.rmtree(work / "corpus", ignore_errors=True)
    log(f"corpus: command line done ({sum(r['asnsql'] for r in rows):.1f} s)")
    inprocess = bench_inprocess(corpus, inprocess_repeats, reference_python=reference_python,
                                reference_limit=reference_limit)
    result = {"pools": rows, "repeats": repeats, "inprocess_repeats": inprocess_repeats}
    for r in rows:
        entry = inprocess["pools"][r["pool"]]
        r["inprocess"] = entry["seconds"]
        if "reference_seconds" in entry:
            r["reference_inprocess"] = entry["reference_seconds"]
    if "reference_version" in inprocess:
        result["reference_version"] = inprocess["reference_version"]
        result["reference_limit"] = reference_limit
        log(f"corpus: the reference in-process beside asnsql on "
            f"{sum('reference_inprocess' in r for r in rows)} pools")
    batch = _child(_BATCH, str(corpus))
    load.append(_load())
    log(f"corpus: in-process done (batch {batch['seconds']:.1f} s)")
    return {**result, "batch": batch, "load": load}


def _associations(folder: Path) -> int | None:
    """Rows of ``folder/associations.parquet`` (None if it was not written)."""
    path = folder / "associations.parquet"
    if not path.is_file():
        return None
    import pyarrow.parquet as pq

    return pq.read_metadata(path).num_rows


def _floor(path: Path) -> float:
    return _child(_FLOOR, str(path))["seconds"]


def measure_pool(path: Path, work: Path, commands: list[str], repeats: int = 2, *,
                 timeout: float | None = None, max_rss_mb: float | None = MAX_RSS_MB) -> dict:
    """The scale commands and the floor on one pool file, taken in turn.

    The floor first, then each command once, then the floor again, and so on
    (``repeats`` rounds): the floor is the best of ``repeats + 1`` runs, each command the
    best of ``repeats``, and all of them see the same moments of a noisy machine. A
    command that fails or is stopped is not run again.

    Parameters
    ----------
    path : pathlib.Path
        The pool file.
    work : pathlib.Path
        Scratch folder for the commands' output (removed after each run).
    commands : list of str
        Keys of :data:`COMMANDS`.
    repeats : int
        Rounds.
    timeout, max_rss_mb : float, optional
        Limits of each command run (see :func:`timed`).

    Returns
    -------
    dict
        ``floor`` (best seconds), ``floors`` (every run), ``load`` (start and end) and,
        per command, ``seconds`` (best), ``runs``, ``rss_mb`` (the largest peak),
        ``associations`` and ``stopped`` / ``error`` when a run did not finish.
    """
    result = {"floors": [_floor(path)], "load": [_load()]}
    runs: dict[str, dict] = {name: {"runs": [], "rss_mb": 0.0, "associations": None,
                                    "stopped": None, "error": None} for name in commands}
    for _ in range(repeats):
        for name in commands:
            entry = runs[name]
            if entry["stopped"] or entry["error"]:
                continue
            out = work / f"out_{name}"
            shutil.rmtree(out, ignore_errors=True)
            command = [*asnsql_command(), "generate", str(path), "-p", str(out),
                       *GENERATE_ARGS, *COMMANDS[name][0]]
            run = timed(command, timeout=timeout, max_rss_mb=max_rss_mb)
            entry["rss_mb"] = max(entry["rss_mb"], run["rss_mb"])
            if run["stopped"]:
                entry["stopped"] = run["stopped"]
                entry["stopped_seconds"] = run["seconds"]
            elif run["returncode"] != 0:
                entry["error"] = f"exit {run['returncode']}: {run['stderr'][-500:].strip()}"
            else:
                entry["runs"].append(run["seconds"])
                entry["associations"] = _associations(out)
            shutil.rmtree(out, ignore_errors=True)
            log(f"  {path.name} {name}: {run['seconds']:.1f} s, {run['rss_mb']:.0f} MB"
                + (f" ({entry['stopped'] or entry['error']})"
                   if entry["stopped"] or entry["error"] else ""))
        result["floors"].append(_floor(path))
    for entry in runs.values():
        entry["seconds"] = min(entry["runs"]) if entry["runs"] else None
    result["floor"] = min(result["floors"])
    result["load"].append(_load())
    result.update(runs)
    return result


def bench_scale(corpus: Path, work: Path, sizes: list[int], large: int = 0, *,
                repeats: int = 2, large_timeout: float | None = LARGE_TIMEOUT,
                max_rss_mb: float | None = MAX_RSS_MB) -> list[dict]:
    """Synthetic archive pools through the command line, beside the DuckDB floor.

    Parameters
    ----------
    corpus : pathlib.Path
        The corpus (its real ``jw*`` pools are copied, :mod:`benchmarks.archive`).
    work : pathlib.Path
        Scratch folder (pool files are deleted once measured).
    sizes : list of int
        Rows of the pools measured with both commands of :data:`COMMANDS`.
    large : int
        Rows of one more pool measured with ``--by-program`` only, one run (0: none).
    repeats : int
        Rounds per size (see :func:`measure_pool`).
    large_timeout, max_rss_mb : float, optional
        Limits: the large pool's run is stopped beyond ``large_timeout`` seconds, any run
        beyond ``max_rss_mb`` MiB resident.

    Returns
    -------
    list of dict
        Per pool: ``rows``, ``programs``, ``bytes``, ``large`` and :func:`measure_pool`'s
        figures.
    """
    from .archive import make_archive_pool

    plan = [(size, False) for size in sizes] + ([(large, True)] if large else [])
    out = []
    for size, is_large in plan:
        path = work / f"archive_{size}.csv"
        t0 = time.perf_counter()
        made = make_archive_pool(corpus, size, path)
        log(f"scale: {made['rows']} rows written ({path.stat().st_size / 1e6:.0f} MB, "
            f"{time.perf_counter() - t0:.0f} s)")
        try:
            figures = measure_pool(
                path, work, ["by_program"] if is_large else list(COMMANDS),
                1 if is_large else repeats,
                timeout=large_timeout if is_large else None, max_rss_mb=max_rss_mb)
        finally:
            size_bytes = path.stat().st_size
            path.unlink()
        out.append({"rows": made["rows"], "programs": made["programs"], "bytes": size_bytes,
                    "large": is_large, **figures})
        log(f"scale: {made['rows']} rows done (floor {figures['floor']:.2f} s)")
    return out


def bench_writing(corpus: Path, work: Path, size: int) -> dict:
    """Writing the associations of an archive pool: a file each, JSON lines, Parquet.

    Parameters
    ----------
    corpus : pathlib.Path
        The corpus.
    work : pathlib.Path
        Scratch folder.
    size : int
        Rows of the archive pool.

    Returns
    -------
    dict
        ``associations`` and seconds per format (``json``, ``jsonl``, ``parquet``).
    """
    from .archive import make_archive_pool

    path = work / f"archive_write_{size}.csv"
    make_archive_pool(corpus, size, path)
    result = _child(_WRITE, str(path), str(work))
    path.unlink()
    return result


def _machine() -> str:
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        memory = float("nan")
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
            f"{memory:.0f} GiB, Python {platform.python_version()}")


def _commit() -> str:
    """The short commit, marked when tracked files (other than RESULTS.*) have changes."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, cwd=str(ROOT), check=True).stdout.strip()
        changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                                 capture_output=True, text=True, cwd=str(ROOT),
                                 check=True).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    changed = [line for line in changed if "benchmarks/RESULTS." not in line]
    return commit + (" with uncommitted changes" if changed else "")


def main_all(corpus: Path, sizes: list[int], write_size: int, output: Path,
             skip_corpus: bool = False, *, large: int = 0, spark_sizes: list[int] = (),
             master: str = "local[2]", reference_python: str | None = None,
             reference_limit: float = 2.0) -> dict:
    """Run the benchmarks and write ``output`` (RESULTS.md) and its ``.json`` twin.

    Parameters
    ----------
    corpus : pathlib.Path
        The corpus.
    sizes : list of int
        Archive pool sizes for both scale commands (empty: no scale runs).
    write_size : int
        Archive pool size of the writing benchmark (0: skip).
    output : pathlib.Path
        RESULTS.md; its marked sections (Roman, Spark, slow spots, ...) are kept, the Spark
        section replaced when ``spark_sizes`` are measured; the figures of RESULTS.json
        this run does not measure are kept, marked with their run
        (:func:`keep_unmeasured`).
    skip_corpus : bool
        Leave out the corpus benchmarks.
    large : int
        One more archive pool, ``--by-program`` only (0: none).
    spark_sizes : list of int
        Archive pool sizes for Spark beside the single machine (empty: keep the section).
    master : str
        The Spark master.
    reference_python, reference_limit
        The reference timed in-process beside asnsql (:func:`bench_corpus`).

    Returns
    -------
    dict
        The results (also written as JSON), ``targets`` among them.
    """
    start = datetime.datetime.now(datetime.timezone.utc)
    results = {"date": start.date().isoformat(), "commit": _commit(), "machine": _machine(),
               "started": start.strftime("%H:%M"), "load": [_load()]}
    kept = marked_sections(output.read_text()) if output.exists() else []
    new_sections = []
    results["bytecode"] = compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="bench-",
                                     dir=os.environ.get("ASNSQL_TMPDIR")) as tmp:
        work = Path(tmp)
        results["startup"] = bench_startup()
        if not skip_corpus:
            log("corpus")
            results["corpus"] = bench_corpus(corpus, work, reference_python=reference_python,
                                             reference_limit=reference_limit)
        if sizes or large:
            results["scale"] = bench_scale(corpus, work, sizes, large)
        if write_size:
            log("writing")
            results["writing"] = bench_writing(corpus, work, write_size)
            results["writing"]["rows"] = write_size
        if spark_sizes:
            from . import spark

            log("spark")
            rows = spark.bench_spark(corpus, spark_sizes, master, work=work)
            results["spark"] = rows
            new_sections.append(spark.render_spark(rows, master))
    end = datetime.datetime.now(datetime.timezone.utc)
    results.update(ended=end.strftime("%H:%M"), minutes=(end - start).total_seconds() / 60)
    results["load"].append(_load())
    stored = output.with_suffix(".json")
    if stored.exists():
        keep_unmeasured(results, json.loads(stored.read_text()))
    results["targets"] = targets(results)
    output.write_text(assemble(render(results), kept, new_sections))
    output.with_suffix(".json").write_text(json.dumps(results, indent=1))
    return results


#: The sections of RESULTS.json a partial run (``corpus``, ``scale``) may not measure.
MEASURED_SECTIONS = ("corpus", "scale", "writing")


def keep_unmeasured(results: dict, stored: dict) -> None:
    """Copy into ``results`` the sections of ``stored`` (the previous RESULTS.json) that
    this run did not measure, each with the run it comes from in ``results["kept"]``
    (section -> "date, times, commit"), which RESULTS.md prints under its heading: a
    ``corpus`` run alone keeps the archive-pool figures instead of dropping them."""
    kept = {}
    for section in MEASURED_SECTIONS:
        if results.get(section) or not stored.get(section):
            continue
        results[section] = stored[section]
        origin = stored.get("kept", {}).get(section)
        if origin is None:
            origin = stored.get("date", "?")
            if stored.get("started") and stored.get("ended"):
                origin += f" {stored['started']}-{stored['ended']} UTC"
            origin += f", commit `{stored.get('commit', '?')}`"
        kept[section] = origin
    if kept:
        results["kept"] = kept


def rerender(output: Path) -> dict:
    """Write ``output`` again from its ``.json`` twin, measuring nothing.

    For a change of wording or of the targets: the figures, date and commit are those
    stored; the targets are judged again from them (and stored); the marked sections of
    ``output`` are kept.

    Parameters
    ----------
    output : pathlib.Path
        RESULTS.md (RESULTS.json beside it).

    Returns
    -------
    dict
        The stored results.
    """
    stored = output.with_suffix(".json")
    results = json.loads(stored.read_text())
    judged = targets(results)
    if judged != {k: tuple(v) for k, v in results.get("targets", {}).items()}:
        results["targets"] = judged
        stored.write_text(json.dumps(results, indent=1))
    kept = marked_sections(output.read_text()) if output.exists() else []
    output.write_text(assemble(render(results), kept))
    return results
