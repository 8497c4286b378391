"""``python -m benchmarks``: measure asnsql and write benchmarks/RESULTS.md."""

from __future__ import annotations

import argparse
from pathlib import Path

from .run import ROOT, main_all


def _size(text: str) -> int:
    """A row count: ``2000``, ``10k`` or ``1M``."""
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:].lower(), 1)
    try:
        return int(text[:-1] if scale > 1 else text) * scale
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size (e.g. 2000, 10k, 1M)")


def _sizes(text: str) -> list[int]:
    return [_size(s.strip()) for s in text.split(",") if s.strip()]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("what", choices=["all", "corpus", "scale", "roman", "spark"],
                        help="all: every JWST benchmark; corpus: the corpus only; scale: "
                             "archive pools only; roman: Roman skycell matching; spark: "
                             "Spark beside the single machine (roman and spark: each its "
                             "own section of RESULTS.md; spark sizes default 100k)")
    parser.add_argument("--corpus", type=Path, default=ROOT / "tests" / "data" / "corpus",
                        help="the corpus (default: tests/data/corpus, shipped with the tests)")
    parser.add_argument("--sizes", type=_sizes, default=None,
                        help="archive pool sizes, comma-separated (default: 10k,100k,1M; "
                             "spark: 100k)")
    parser.add_argument("--master", default="local[2]",
                        help="spark: the Spark master (default: local[2])")
    parser.add_argument("--write-size", type=int, default=100_000,
                        help="archive pool size for the writing benchmark (0: skip)")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    parser.add_argument("--footprints", type=_size, default=10_000,
                        help="roman: synthetic footprints to match (default: 10k)")
    args = parser.parse_args(argv)
    from . import spark

    if args.what == "spark":
        rows = spark.bench_spark(args.corpus, args.sizes or [100_000], args.master)
        spark.write_section(args.output, spark.render_spark(rows, args.master))
        for r in rows:
            print(f"{r['rows']} rows: single {r['single']:.1f} s, Spark {r['spark']:.1f} s "
                  f"({r['spark_generate']:.1f} s without start-up), same: {r['same']}")
        print(f"wrote {args.output}")
        return 0
    if args.what == "roman":
        from .roman import bench_roman, render_roman, write_roman_section

        import os
        import platform
        import subprocess

        result = bench_roman(footprints=args.footprints)
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, cwd=str(ROOT)).stdout.strip()
        machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores"
        write_roman_section(args.output, render_roman(result, commit, machine))
        print(f"matched {result['footprints']} footprints in {result['match_seconds']:.1f} s, "
              f"peak RSS {result['rss_mb']:.0f} MB; wrote {args.output}")
        return 0
    kept = spark.section_of(args.output)   # (the other benchmarks keep the Spark section)
    sizes = (args.sizes or [10_000, 100_000, 1_000_000]) if args.what != "corpus" else []
    results = main_all(args.corpus, sizes, args.write_size if args.what == "all" else 0,
                       args.output, skip_corpus=args.what == "scale")
    if kept:
        spark.write_section(args.output, kept)
    for name, (measured, met) in results["targets"].items():
        print(f"{'met ' if met else 'MISS'} {name}: {measured}")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
