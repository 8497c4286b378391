"""``python -m tools.differential``: run the differential fuzzer (see README.md here)."""

from __future__ import annotations

import argparse
import json
import sys

from .reference import ReferenceError_
from .run import Settings, default_corpus, run


def _golden(args) -> int:
    from pathlib import Path

    from .golden import regenerate
    from .reference import Reference

    try:
        reference = Reference(args.reference_venv, args.timeout)
    except ReferenceError_ as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        for folder in args.golden:
            files = regenerate(Path(folder), reference)
            print(f"{folder}: {len(files)} association files")
    finally:
        reference.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.differential",
        description="Mutate real pools, run asn_generate (jwst) and asnsql on each, keep "
                    "every disagreement minimised.")
    parser.add_argument("--reference-venv", required=True,
                        help="virtual environment with jwst installed (pip install "
                             "jwst==3.0.0), outside the repository")
    parser.add_argument("--cases", type=int, default=100, help="number of cases (100)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the run (0)")
    parser.add_argument("--first", type=int, default=0,
                        help="index of the first case, to continue a run (0)")
    parser.add_argument("--out", help="output folder (required unless --golden)")
    parser.add_argument("--golden", nargs="+", metavar="FOLDER",
                        help="instead of fuzzing: rewrite FOLDER/expected.yaml of golden "
                             "pools from the reference's output")
    parser.add_argument("--corpus", default=str(default_corpus()),
                        help="corpus of real pools (default: %(default)s)")
    parser.add_argument("--workers", type=int, default=1,
                        help="worker processes, each with a reference server (1)")
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconds one reference run may take (60)")
    parser.add_argument("--max-rows", type=int, default=45,
                        help="largest source pool, in rows (45)")
    parser.add_argument("--max-seconds", type=float, default=3.5,
                        help="slowest source pool, in recorded reference seconds (3.5)")
    parser.add_argument("--pools", nargs="+", metavar="NAME",
                        help="source pools whose name contains one of these (default: all "
                             "small enough)")
    parser.add_argument("--time-limit", type=float, default=None,
                        help="start no case after this many seconds")
    parser.add_argument("--borrow", action="store_true",
                        help="add a mutation setting optical-path columns (filter, band, "
                             "pupil, grating...) to values other pools hold (changes the "
                             "cases a seed draws)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no line per case")
    args = parser.parse_args(argv)
    if args.golden:
        return _golden(args)
    if not args.out:
        parser.error("--out is required")
    settings = Settings(args.reference_venv, args.timeout, args.corpus, args.seed,
                        args.max_rows, args.max_seconds, args.out,
                        pools=tuple(args.pools or ()), borrow=args.borrow)

    def progress(record: dict) -> None:
        if not args.quiet:
            extra = f" -> {record['kept']}" if "kept" in record else ""
            print(f"case {record['index']:5d} {record['kind']:15s} {record['mode']['name']:14s}"
                  f" {record['source']} ({record['seconds']} s){extra}", flush=True)

    try:
        summary = run(settings, args.cases, args.workers, args.first, args.time_limit,
                      progress)
    except (ReferenceError_, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(summary, indent=1))
    return 0 if summary["disagree"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
