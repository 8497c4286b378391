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
    parser.add_argument("what", choices=["all", "corpus", "scale", "spark"],
                        help="all: every benchmark; corpus: the corpus only; scale: archive "
                             "pools only; spark: Spark beside the single machine (its own "
                             "section of the output; sizes default 100k)")
    parser.add_argument("--master", default="local[2]",
                        help="spark: the Spark master (default: local[2])")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--sizes", type=_sizes, default=None,
                        help="archive pool sizes, comma-separated (default: 10k,100k,1M; "
                             "spark: 100k)")
    parser.add_argument("--write-size", type=int, default=100_000,
                        help="archive pool size for the writing benchmark (0: skip)")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
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
