"""The Spark run beside the single-machine run on the same archive pool
(``python -m benchmarks spark``), written as a section of benchmarks/RESULTS.md.

For each size, in fresh processes, taken in turn: the single machine (``asnsql generate
POOL --by-program --format parquet``'s work: :func:`asnsql.generate_tables` of the file with
``split_programs``, the three tables written as Parquet) and Spark on a ``local[N]`` session
(:func:`asnsql.spark.generate_file`: the pool read on the driver, generated in buckets, the
tables written by Spark). Spark's figure is given with and without its session start-up;
both runs' tables are compared row for row.
"""

from __future__ import annotations

import datetime
import os
import re
import tempfile
from pathlib import Path

from .archive import make_archive_pool
from .run import _child, _commit, _machine

__all__ = ["bench_spark", "render_spark", "write_section", "BEGIN", "END"]

BEGIN = "<!-- spark:begin -->"
END = "<!-- spark:end -->"

_SINGLE = r"""
import json, resource, sys, time, warnings
warnings.simplefilter("ignore")
t0 = time.perf_counter()
import pyarrow.parquet as pq
from asnsql import generate_tables
pool, out = sys.argv[1], sys.argv[2]
tables = generate_tables(pool, split_programs=True, version_id="v0")
for name, table in tables.items():
    pq.write_table(table, f"{out}/{name}.parquet")
print(json.dumps({"seconds": time.perf_counter() - t0,
                  "associations": tables["associations"].num_rows,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

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
    key = [(c, "ascending") for c in a.column_names]
    same = same and a.sort_by(key).equals(b.sort_by(key))
print(json.dumps({"same": same}))
"""


def bench_spark(corpus: Path, sizes: list[int], master: str = "local[2]") -> list[dict]:
    """Single machine and Spark on archive pools of ``sizes`` rows (one run each)."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for size in sizes:
            pool = work / f"archive_{size}.csv"
            made = make_archive_pool(corpus, size, pool)
            one, spark = work / f"one_{size}", work / f"spark_{size}"
            one.mkdir()
            load = os.getloadavg()[0]
            single = _child(_SINGLE, str(pool), str(one))
            distributed = _child(_SPARK, str(pool), str(spark), master)
            same = _child(_COMPARE, str(one), str(spark))["same"]
            rows.append({"rows": made["rows"], "programs": made["programs"],
                         "associations": single["associations"],
                         "single": single["seconds"], "single_rss_mb": single["rss_mb"],
                         "spark": distributed["seconds"],
                         "spark_generate": distributed["generate_seconds"],
                         "load": load,
                         "same": same and single["associations"]
                         == distributed["associations"]})
    return rows


def render_spark(rows: list[dict], master: str) -> str:
    """The RESULTS.md section."""
    lines = [BEGIN, "## Spark beside the single machine",
             "",
             f"Measured {datetime.date.today().isoformat()} at commit `{_commit()}` on "
             f"{_machine()}, with `python -m benchmarks spark`. The same synthetic archive "
             "pool, split by program: the single machine (`asnsql.generate_tables` of the file, "
             "tables written as Parquet) and Spark (`asnsql.spark.generate_file`, master "
             f"`{master}`: the pool read on the driver, generated in buckets of programs, "
             "tables written by Spark), each in a fresh process, one run each. "
             "*Spark total* includes starting the session (JVM); *Spark work* does not. "
             "*Same* compares the three tables row for row.",
             "",
             "*Load* is the machine's load average (other processes running) when the size "
             "started: figures taken under load are slow in proportion.",
             "",
             "| rows | programs | associations | load | single machine (s) | Spark total (s) | "
             "Spark work (s) | Spark work / single | same |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        lines.append(f"| {r['rows']} | {r['programs']} | {r['associations']} | "
                     f"{r['load']:.1f} | "
                     f"{r['single']:.1f} | {r['spark']:.1f} | {r['spark_generate']:.1f} | "
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
