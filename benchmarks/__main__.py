"""``python -m benchmarks``: measure asnsql and write benchmarks/RESULTS.md."""

from __future__ import annotations

import argparse
from pathlib import Path

from .run import ROOT, main_all


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("what", choices=["all", "corpus", "scale"],
                        help="all: every benchmark; corpus: the corpus only; scale: archive "
                             "pools only")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--sizes", default="10000,100000,1000000",
                        help="archive pool sizes, comma-separated (default: 10k,100k,1M)")
    parser.add_argument("--write-size", type=int, default=100_000,
                        help="archive pool size for the writing benchmark (0: skip)")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s] if args.what != "corpus" else []
    results = main_all(args.corpus, sizes, args.write_size if args.what == "all" else 0,
                       args.output, skip_corpus=args.what == "scale")
    for name, (measured, met) in results["targets"].items():
        print(f"{'met ' if met else 'MISS'} {name}: {measured}")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
