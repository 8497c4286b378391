"""Speed and scale measurements of asnsql, written to ``benchmarks/RESULTS.md``.

Each measurement runs in a fresh Python process (so imports, caches and memory are those of
a real run):

* **corpus**: the wall time of ``asnsql generate`` on every pool of the shared corpus,
  beside the reference's ``reference_seconds`` (``meta.json``); and the whole corpus in one
  process through the Python API (``generate_batch``).
* **scale**: synthetic archive pools (:mod:`benchmarks.archive`) of growing size, generated
  in one pass with ``split_programs``; wall time and peak RSS.
* **floor**: in the same run, the time DuckDB alone takes to load the same file and run
  one GROUP BY over it, so results read as ratios that hold on a noisy machine.
* **writing**: writing the associations of a pool as one file each, as JSON lines, and as
  Parquet tables.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

__all__ = ["bench_corpus", "bench_scale", "bench_writing", "bench_startup", "render",
           "main_all"]


def _python() -> str:
    return sys.executable


def _child(code: str, *args: str) -> dict:
    """Run ``code`` in a fresh interpreter; it prints one JSON object last."""
    result = subprocess.run([_python(), "-c", code, *args], capture_output=True, text=True,
                            cwd=str(ROOT))
    if result.returncode != 0:
        raise RuntimeError(f"benchmark child failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


_GENERATE = r"""
import json, resource, sys, time, warnings
warnings.simplefilter("ignore")
t0 = time.perf_counter()
from asnsql.engine import Engine
from asnsql.generate import Options, iter_batch
pool = sys.argv[1]
associations = units = 0
with Engine.for_pools([pool]) as engine:
    for result in iter_batch(engine, [pool], None, Options(split_programs=True)):
        associations += len(result.associations)
        units += 1
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "associations": associations, "programs": units,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

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


def bench_startup() -> dict:
    """Wall time of ``asnsql --help`` (the CLI's own start-up)."""
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run([_python(), "-m", "asnsql", "--help"], capture_output=True, check=True,
                       cwd=str(ROOT))
        runs.append(time.perf_counter() - t0)
    return {"seconds": min(runs)}


def bench_corpus(corpus: Path, work: Path, repeats: int = 3) -> dict:
    """``asnsql generate`` per pool (best of ``repeats``) beside the reference's time."""
    rows = []
    for folder in sorted(p for p in corpus.iterdir() if (p / f"{p.name}.csv").is_file()):
        meta = json.loads((folder / "meta.json").read_text())
        best = None
        for i in range(repeats):
            out = work / "corpus" / folder.name / str(i)
            out.parent.mkdir(parents=True, exist_ok=True)
            t0 = time.perf_counter()
            subprocess.run([_python(), "-m", "asnsql", "generate", str(folder / f"{folder.name}.csv"),
                            "-p", str(out), "-q", "--version-id", "v0"],
                           capture_output=True, check=True, cwd=str(ROOT))
            seconds = time.perf_counter() - t0
            best = seconds if best is None else min(best, seconds)
        rows.append({"pool": folder.name, "rows": meta.get("rows"),
                     "reference": meta.get("reference_seconds"), "asnsql": best})
    batch = _child(_BATCH, str(corpus))
    return {"pools": rows, "batch": batch}


def bench_scale(corpus: Path, work: Path, sizes: list[int]) -> list[dict]:
    """Synthetic archive pools: generation in one pass, its peak RSS, and the floor."""
    from .archive import make_archive_pool

    out = []
    for size in sizes:
        path = work / f"archive_{size}.csv"
        made = make_archive_pool(corpus, size, path)
        # best of two generation runs and of three floor runs, taken in turn (floor,
        # generation, floor, generation, floor) so that both see the same moments of a noisy
        # machine; the peak RSS reported is the larger of the two generation runs'
        floors, runs = [_child(_FLOOR, str(path))], []
        for _ in range(2):
            runs.append(_child(_GENERATE, str(path)))
            floors.append(_child(_FLOOR, str(path)))
        floor = min(floors, key=lambda r: r["seconds"])
        run = dict(min(runs, key=lambda r: r["seconds"]),
                   rss_mb=max(r["rss_mb"] for r in runs))
        out.append({"rows": made["rows"], "programs": made["programs"],
                    "bytes": path.stat().st_size, "floor": floor["seconds"], **run})
        path.unlink()
    return out


def bench_writing(corpus: Path, work: Path, size: int) -> dict:
    """Writing the associations of an archive pool: a file each, JSON lines, Parquet."""
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
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, cwd=str(ROOT), check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def render(results: dict) -> str:
    """The Markdown of RESULTS.md."""
    import duckdb

    lines = ["# asnsql benchmarks", "",
             f"Measured {results['date']} at commit `{results['commit']}` on "
             f"{results['machine']}, duckdb {duckdb.__version__}. Regenerate with "
             "`python -m benchmarks all` (see `python -m benchmarks --help`).", ""]
    targets = results.get("targets", {})
    if targets:
        lines += ["## Targets", "", "| target | measured | met |", "|---|---|---|"]
        for name, (measured, met) in targets.items():
            lines.append(f"| {name} | {measured} | {'yes' if met else '**no**'} |")
        lines.append("")
    corpus = results.get("corpus")
    if corpus:
        total_ref = sum(r["reference"] or 0 for r in corpus["pools"])
        total_us = sum(r["asnsql"] for r in corpus["pools"])
        lines += ["## Corpus: `asnsql generate` per pool (best of 3, command line)", "",
                  f"Whole corpus: reference {total_ref:.1f} s, asnsql {total_us:.1f} s "
                  f"(command line, a process per pool: {total_ref / total_us:.0f}x); in one "
                  f"process through the Python API (`generate_batch`): "
                  f"{corpus['batch']['seconds']:.2f} s for {corpus['batch']['pools']} pools.", "",
                  "| pool | rows | reference (s) | asnsql (s) | speed-up |",
                  "|---|---:|---:|---:|---:|"]
        for r in corpus["pools"]:
            ref = r["reference"]
            speed = f"{ref / r['asnsql']:.0f}x" if ref else ""
            lines.append(f"| {r['pool']} | {r['rows']} | {ref if ref is not None else ''} | "
                         f"{r['asnsql']:.2f} | {speed} |")
        lines.append("")
    scale = results.get("scale")
    if scale:
        lines += ["## Scale: synthetic archive pools, all programs in one pass", "",
                  "Real corpus pools copied under fresh programs (`benchmarks/archive.py`); "
                  "generated with `split_programs=True` (each program as its own pool), "
                  "associations produced as Python dicts and counted, not written. The floor "
                  "is DuckDB alone "
                  "loading the same file into a table and running one GROUP BY. Generation is "
                  "the best of two runs and the floor the best of three, taken in turn (floor, "
                  "generation, floor, generation, floor), each in a fresh process, so that both "
                  "see the same moments of a noisy machine; peak RSS is the larger of the two "
                  "generation runs'.", "",
                  "| rows | programs | MB | associations | asnsql (s) | floor (s) | ratio | "
                  "µs/row | peak RSS (MB) |", "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in scale:
            lines.append(f"| {r['rows']} | {r['programs']} | {r['bytes'] / 1e6:.0f} | "
                         f"{r['associations']} | {r['seconds']:.1f} | {r['floor']:.2f} | "
                         f"{r['seconds'] / r['floor']:.1f} | "
                         f"{r['seconds'] / r['rows'] * 1e6:.0f} | {r['rss_mb']:.0f} |")
        lines.append("")
    writing = results.get("writing")
    if writing:
        lines += ["## Writing associations", "",
                  f"{writing['associations']} associations of a "
                  f"{writing.get('rows', '')}-row archive pool:", "",
                  "| output | seconds |", "|---|---:|",
                  f"| one JSON file each (`--format json`) | {writing['json']:.1f} |",
                  f"| one JSON-lines file (`--format jsonl`) | {writing['jsonl']:.1f} |",
                  f"| Parquet tables (`--format parquet`) | {writing['parquet']:.1f} |", ""]
    startup = results.get("startup")
    if startup:
        lines += [f"CLI start-up (`asnsql --help`, best of 5): {startup['seconds']:.2f} s.", ""]
    return "\n".join(lines)


def _targets(results: dict) -> dict:
    targets = {}
    pools = {r["pool"]: r for r in results.get("corpus", {}).get("pools", [])}
    for name in ("mega_pool", "jw94015_20171108T041516_pool"):
        if name in pools and pools[name]["reference"]:
            speed = pools[name]["reference"] / pools[name]["asnsql"]
            targets[f"{name} at least 100x faster than the reference"] = (
                f"{speed:.0f}x ({pools[name]['asnsql']:.2f} s)", speed >= 100)
    if "corpus" in results:
        seconds = results["corpus"]["batch"]["seconds"]
        targets["whole corpus in one process under 10 s"] = (f"{seconds:.1f} s", seconds < 10)
    if "startup" in results:
        seconds = results["startup"]["seconds"]
        targets["`asnsql --help` under 0.5 s"] = (f"{seconds:.2f} s", seconds < 0.5)
    big = [r for r in results.get("scale", []) if r["rows"] >= 1_000_000]
    if big:
        r = big[0]
        ratio = r["seconds"] / r["floor"]
        targets["1M rows within 10x the DuckDB floor"] = (f"{ratio:.1f}x", ratio <= 10)
        targets["1M rows under 4 GB peak RSS"] = (f"{r['rss_mb'] / 1024:.1f} GB",
                                                   r["rss_mb"] < 4096)
        mid = [s for s in results["scale"] if 90_000 <= s["rows"] <= 110_000]
        if mid:
            growth = (r["seconds"] / r["rows"]) / (mid[0]["seconds"] / mid[0]["rows"])
            targets["per-row time at 1M within 1.5x of 100k"] = (f"{growth:.2f}x", growth <= 1.5)
    return targets


def main_all(corpus: Path, sizes: list[int], write_size: int, output: Path,
             skip_corpus: bool = False) -> dict:
    """Run every benchmark and write ``output`` (RESULTS.md)."""
    results = {"date": datetime.date.today().isoformat(), "commit": _commit(),
               "machine": _machine()}
    with tempfile.TemporaryDirectory(dir=os.environ.get("ASNSQL_TMPDIR")) as tmp:
        work = Path(tmp)
        results["startup"] = bench_startup()
        if not skip_corpus:
            results["corpus"] = bench_corpus(corpus, work)
        if sizes:
            results["scale"] = bench_scale(corpus, work, sizes)
        if write_size:
            results["writing"] = bench_writing(corpus, work, write_size)
            results["writing"]["rows"] = write_size
    results["targets"] = _targets(results)
    output.write_text(render(results) + "\n")
    (output.with_suffix(".json")).write_text(json.dumps(results, indent=1))
    return results
