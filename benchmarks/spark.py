"""The Spark run beside the single-machine run on the same archive pool
(``python -m benchmarks spark``, and part of ``python -m benchmarks all``), written as a
section of benchmarks/RESULTS.md.

For each size, in fresh processes, taken in turn: the single machine (the command line,
``asnsql generate POOL -p OUT --by-program --format parquet -q --version-id v0``, timed
from outside with its peak RSS) and Spark on a ``local[N]`` session
(:func:`asnsql.spark.generate_file`: the pool read on the driver, generated in buckets, the
tables written by Spark). Spark's figure is given with and without its session start-up;
both runs' tables are compared row for row.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import tempfile
from pathlib import Path

from .archive import make_archive_pool
from .report import GENERATE_ARGS
from .run import _child, _commit, _machine, asnsql_command, log, timed

__all__ = ["bench_spark", "render_spark", "write_section", "BEGIN", "END"]

BEGIN = "<!-- spark:begin -->"
END = "<!-- spark:end -->"

_SPARK = r"""
import json, sys, time, warnings
warnings.simplefilter("ignore")
t0 = time.perf_counter()
from asnsql import spark as asn_spark
from asnsql.generate import Options
pool, out, master = sys.argv[1], sys.argv[2], sys.argv[3]
session = asn_spark.session(master)
t1 = time.perf_counter()
counts = asn_spark.generate_file(pool, out, Options(split_programs=True, version_id="v0"),
                                 spark=session)
t2 = time.perf_counter()
session.stop()
print(json.dumps({"seconds": t2 - t0, "generate_seconds": t2 - t1,
                  "associations": counts["associations"]}))
"""

_COMPARE = r"""
import json, sys
import pyarrow.parquet as pq
one, spark = sys.argv[1], sys.argv[2]
same = True
for name in ("associations", "products", "members"):
    a = pq.read_table(f"{one}/{name}.parquet")
    b = pq.read_table(f"{spark}/{name}").cast(a.schema)
    if name == "associations":  # (--format parquet leaves candidate_type empty)
        a, b = a.drop_columns(["candidate_type"]), b.drop_columns(["candidate_type"])
    key = [(c, "ascending") for c in a.column_names]
    same = same and a.sort_by(key).equals(b.sort_by(key))
print(json.dumps({"same": same}))
"""


def bench_spark(corpus: Path, sizes: list[int], master: str = "local[2]",
                work: Path | None = None) -> list[dict]:
    """Single machine and Spark on archive pools of ``sizes`` rows (one run each).

    Parameters
    ----------
    corpus : pathlib.Path
        The corpus (:func:`benchmarks.archive.make_archive_pool`).
    sizes : list of int
        Rows of the archive pools.
    master : str
        The Spark master.
    work : pathlib.Path, optional
        Scratch folder (default: a temporary one).

    Returns
    -------
    list of dict
        Per size: ``rows``, ``programs``, ``associations``, ``single`` (seconds) and
        ``single_rss_mb``, ``spark`` (seconds, session start-up included),
        ``spark_generate`` (without it), ``load`` and ``same``.
    """
    if work is None:
        with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
            return bench_spark(corpus, sizes, master, Path(tmp))
    rows = []
    for size in sizes:
        pool = work / f"spark_archive_{size}.csv"
        made = make_archive_pool(corpus, size, pool)
        one, spark = work / f"one_{size}", work / f"spark_{size}"
        load = os.getloadavg()[0]
        single = timed([*asnsql_command(), "generate", str(pool), "-p", str(one),
                        *GENERATE_ARGS, "--by-program"])
        if single["returncode"] != 0:
            raise RuntimeError(f"asnsql generate failed:\n{single['stderr']}")
        import pyarrow.parquet as pq

        associations = pq.read_metadata(one / "associations.parquet").num_rows
        log(f"spark: {made['rows']} rows, single machine {single['seconds']:.1f} s")
        distributed = _child(_SPARK, str(pool), str(spark), master)
        log(f"spark: {made['rows']} rows, Spark {distributed['seconds']:.1f} s")
        same = _child(_COMPARE, str(one), str(spark))["same"]
        rows.append({"rows": made["rows"], "programs": made["programs"],
                     "associations": associations,
                     "single": single["seconds"], "single_rss_mb": single["rss_mb"],
                     "spark": distributed["seconds"],
                     "spark_generate": distributed["generate_seconds"],
                     "load": load, "load_end": os.getloadavg()[0],
                     "same": same and associations == distributed["associations"]})
        for path in (one, spark):
            shutil.rmtree(path, ignore_errors=True)
        pool.unlink()
    return rows


def render_spark(rows: list[dict], master: str) -> str:
    """The RESULTS.md section.

    Parameters
    ----------
    rows : list of dict
        :func:`bench_spark`'s figures.
    master : str
        The Spark master they were taken on.

    Returns
    -------
    str
        The section, between its markers.
    """
    loads = [r["load"] for r in rows] + [r.get("load_end", r["load"]) for r in rows]
    lines = [BEGIN, "## Spark beside the single machine",
             "",
             f"Measured {datetime.date.today().isoformat()} at commit `{_commit()}` on "
             f"{_machine()}, load average {min(loads):.1f}-{max(loads):.1f}, with "
             "`python -m benchmarks all` (or `spark`, this section only). The same "
             "synthetic archive pool, split by program: the single machine (the command "
             "line, `asnsql generate POOL -p OUT --by-program --format parquet -q "
             "--version-id v0`, wall time of the process) and Spark "
             f"(`asnsql.spark.generate_file`, master `{master}`: the pool read on the driver, "
             "generated in buckets of programs, tables written by Spark), each in a fresh "
             "process, one run each. *Spark total* includes starting the session (JVM); "
             "*Spark work* does not. *Same* compares the three tables row for row (all "
             "columns but `candidate_type`, which `--format parquet` leaves empty and Spark "
             "fills).",
             "",
             "*Load* is the machine's load average (other processes running) when the size "
             "started: figures taken under load are slow in proportion.",
             "",
             "| rows | programs | associations | load | single machine (s) | "
             "single machine peak RSS (MB) | Spark total (s) | Spark work (s) | "
             "Spark work / single | same |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        lines.append(f"| {r['rows']} | {r['programs']} | {r['associations']} | "
                     f"{r['load']:.1f} | "
                     f"{r['single']:.1f} | {r.get('single_rss_mb', 0):.0f} | "
                     f"{r['spark']:.1f} | {r['spark_generate']:.1f} | "
                     f"{r['spark_generate'] / r['single']:.1f}x | "
                     f"{'yes' if r['same'] else 'NO'} |")
    lines += ["", "On one machine Spark only adds cost (start-up, moving rows between the JVM "
              "and Python, a shuffle); it is for pools that outgrow one machine "
              "(docs/SPARK.md).", END]
    return "\n".join(lines)


def write_section(output: Path, section: str) -> None:
    """Put ``section`` into ``output`` in place of an earlier one (or at the end)."""
    text = output.read_text() if output.exists() else ""
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    output.write_text(text)


def section_of(output: Path) -> str | None:
    """The Spark section of ``output``, if it has one."""
    if not output.exists():
        return None
    found = re.search(re.escape(BEGIN) + ".*?" + re.escape(END), output.read_text(), re.S)
    return found.group(0) if found else None
