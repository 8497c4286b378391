"""python -m benchmarks: measure asnsql and write benchmarks/RESULTS.md.

'all' regenerates every JWST figure in one command: the corpus beside the reference, the
archive pools on the command line beside the DuckDB floor (10k, 100k, 1M rows with and
without --by-program; 10M rows with --by-program only), writing, start-up, and Spark beside
the single machine (100k rows). The Roman and other marked sections of RESULTS.md are kept
as they are. --quick leaves out Spark and the 10M pool (a run of a few minutes).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .run import ROOT, main_all, rerender

DEFAULT_SIZES = [10_000, 100_000, 1_000_000]
DEFAULT_LARGE = 10_000_000
DEFAULT_SPARK_SIZES = [100_000]


def _size(text: str) -> int:
    """A row count: ``2000``, ``10k`` or ``1M``."""
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:].lower(), 1)
    try:
        return int(text[:-1] if scale > 1 else text) * scale
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size (e.g. 2000, 10k, 1M)")


def _sizes(text: str) -> list[int]:
    """Comma-separated row counts (``0`` or nothing: none)."""
    return [n for n in (_size(s.strip()) for s in text.split(",") if s.strip()) if n]


def parser() -> argparse.ArgumentParser:
    """The command line of ``python -m benchmarks``.

    Returns
    -------
    argparse.ArgumentParser
        The parser.
    """
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", choices=["all", "corpus", "scale", "roman", "spark", "render"],
                   help="all: every JWST benchmark, Spark included (the Roman section is "
                        "kept); corpus: the corpus only; scale: archive pools only (either keeps the "
                        "other figures of RESULTS.json, marked with their run); roman: "
                        "Roman skycell matching (its own section); spark: Spark beside the "
                        "single machine (its own section); render: write RESULTS.md again from "
                        "RESULTS.json, measuring nothing")
    p.add_argument("--corpus", type=Path, default=ROOT / "tests" / "data" / "corpus",
                   help="the corpus (default: tests/data/corpus, shipped with the tests)")
    p.add_argument("--sizes", type=_sizes, default=None,
                   help="archive pool sizes, comma-separated, each measured with and "
                        "without --by-program (default: 10k,100k,1M; spark: the Spark "
                        "sizes)")
    p.add_argument("--large", type=_size, default=DEFAULT_LARGE,
                   help="all, scale: one more archive pool measured with --by-program only, "
                        "one run, stopped after 25 minutes (default: 10M; 0: none)")
    p.add_argument("--spark-sizes", type=_sizes, default=DEFAULT_SPARK_SIZES,
                   help="all, spark: archive pool sizes for Spark beside the single machine "
                        "(default: 100k; 0: none, the Spark section is kept as it is)")
    p.add_argument("--quick", action="store_true",
                   help="all, scale: no Spark and no large pool (as --spark-sizes 0 "
                        "--large 0)")
    p.add_argument("--master", default="local[2]",
                   help="the Spark master (default: local[2])")
    p.add_argument("--write-size", type=int, default=100_000,
                   help="all: archive pool size for the writing benchmark (0: skip)")
    p.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "RESULTS.md",
                   help="the Markdown written (default: benchmarks/RESULTS.md), with its "
                        "figures as JSON beside it (.json)")
    p.add_argument("--reference", metavar="PYTHON", default=None,
                   help="all, corpus: an interpreter with jwst 3.0.0 installed (a scratch "
                        "environment); the reference is then timed in-process on this "
                        "machine, beside asnsql's in-process figures, instead of only "
                        "quoting each pool's meta.json")
    p.add_argument("--reference-limit", type=float, default=2.0, metavar="SECONDS",
                   help="with --reference: only the pools whose stored reference time is at "
                        "most this (default: 2; 0: every pool, about ten minutes more)")
    p.add_argument("--footprints", type=_size, default=10_000,
                   help="roman: synthetic footprints to match (default: 10k)")
    return p


def main(argv=None) -> int:
    """Run ``python -m benchmarks``.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit code.
    """
    args = parser().parse_args(argv)
    if args.quick:
        args.spark_sizes, args.large = [], 0
    if args.what == "render":
        rerender(args.output)
        print(f"wrote {args.output} from {args.output.with_suffix('.json')}")
        return 0
    from . import spark

    if args.what == "spark":
        rows = spark.bench_spark(args.corpus, args.sizes or args.spark_sizes or
                                 DEFAULT_SPARK_SIZES, args.master)
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
    sizes = (DEFAULT_SIZES if args.sizes is None else args.sizes) \
        if args.what != "corpus" else []
    results = main_all(args.corpus, sizes, args.write_size if args.what == "all" else 0,
                       args.output, skip_corpus=args.what == "scale",
                       large=args.large if args.what != "corpus" else 0,
                       spark_sizes=args.spark_sizes if args.what == "all" else [],
                       master=args.master, reference_python=args.reference,
                       reference_limit=args.reference_limit)
    for name, (measured, met) in results["targets"].items():
        print(f"{'met ' if met else 'MISS'} {name}: {measured}")
    print(f"took {results['minutes']:.1f} min; wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
