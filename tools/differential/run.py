"""A fuzzing run: cases drawn, both generators run, disagreements minimised and kept."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from .compare import Outcome, Verdict, judge
from .golden import write_golden
from .minimise import ddmin
from .mutate import Case, Mode, borrowed_vocabulary, make_case
from .pool import Pool
from .reference import Reference

REPO = Path(__file__).resolve().parents[2]


def default_corpus() -> Path:
    """``$ASNSQL_CORPUS``, else the repository's shipped corpus copy, else ``../shared``."""
    if os.environ.get("ASNSQL_CORPUS"):
        return Path(os.environ["ASNSQL_CORPUS"])
    for folder in (REPO / "tests" / "data" / "corpus", REPO.parent / "shared" / "corpus"):
        if folder.is_dir():
            return folder
    return REPO.parent / "shared" / "corpus"


def source_pools(corpus: Path, max_rows: int = 45, max_seconds: float = 3.5,
                 names: tuple[str, ...] = ()) -> dict[str, Pool]:
    """The corpus pools small enough to fuzz: at most ``max_rows`` rows and, where the
    pool's ``meta.json`` records it, a reference run of at most ``max_seconds``; with
    ``names``, only pools whose name contains one of them."""
    out = {}
    for folder in sorted(p for p in Path(corpus).iterdir() if p.is_dir()):
        if names and not any(n in folder.name for n in names):
            continue
        path = folder / f"{folder.name}.csv"
        if not path.is_file():
            continue
        meta = folder / "meta.json"
        if meta.is_file():
            seconds = json.loads(meta.read_text()).get("reference_seconds")
            if seconds is not None and seconds > max_seconds:
                continue
        try:
            pool = Pool.read(path)
        except (ValueError, IndexError):
            continue
        if 0 < len(pool.rows) <= max_rows:
            out[folder.name] = pool
    return out


@dataclass
class Settings:
    """What a worker needs: where the reference is and how long it may take."""

    venv: str
    timeout: float
    corpus: str
    seed: int
    max_rows: int
    max_seconds: float
    out: str
    max_tests: int = 120
    pools: tuple[str, ...] = ()
    #: Add the ``borrow`` mutation (values of optical-path columns from other pools).
    borrow: bool = False


_WORKER: dict = {}


def _init_worker(settings: Settings) -> None:
    os.environ.setdefault("ASNSQL_CACHE", "off")
    _WORKER["settings"] = settings
    _WORKER["pools"] = source_pools(Path(settings.corpus), settings.max_rows,
                                    settings.max_seconds, settings.pools)
    pools = _WORKER["pools"]
    _WORKER["borrowed"] = (borrowed_vocabulary(pools[n] for n in sorted(pools))
                           if settings.borrow else None)
    _WORKER["reference"] = Reference(settings.venv, settings.timeout)


def run_asnsql(pool: Path, mode: Mode) -> Outcome:
    """Run :func:`asnsql.generate` on a pool file in ``mode``."""
    import asnsql

    try:
        return Outcome("ok", list(asnsql.generate(pool, version_id="v0", **mode.options)))
    except Exception as exc:  # noqa: BLE001 - any failure is an outcome to compare
        return Outcome("error", message=f"{type(exc).__name__}: {exc}"[:400])


def run_both(reference: Reference, pool: Pool, mode: Mode, work: Path, name: str
             ) -> tuple[Verdict, Outcome, Outcome]:
    """Write ``pool`` under ``work`` and run both generators on it."""
    if work.exists():
        shutil.rmtree(work)
    (work / "reference").mkdir(parents=True)
    path = pool.write(work / f"{name}.csv")
    ref = reference.run(path, work / "reference", mode.args)
    got = run_asnsql(path, mode)
    return judge(ref, got), ref, got


def _keep(case: Case, settings: Settings, verdict: Verdict, rows: list[int],
          final: tuple[Verdict, Outcome, Outcome], work: Path, tests: int) -> str:
    """Write a minimised disagreement into ``OUT/disagreements/case-NNNNN``."""
    import asnsql

    folder = Path(settings.out) / "disagreements" / f"case-{case.index:05d}"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    case.pool.write(folder / "mutated.csv")
    small = case.pool.subset(rows)
    small.write(folder / "pool.csv")
    small_verdict, ref, got = final
    shutil.copytree(work / "reference", folder / "reference")
    if got.status == "ok" and got.asns:
        asnsql.write_associations(got.asns, folder / "asnsql")
    try:
        write_golden(folder, list((folder / "reference").glob("*_asn.json")), case.mode.args,
                     case.mode.options,
                     error=ref.message if ref.status == "error" else None)
    except ValueError as exc:  # a --merge case: kept without a golden expectation
        (folder / "expected.txt").write_text(f"{exc}\n")
    (folder / "differences.txt").write_text("\n".join(small_verdict.lines()) + "\n")
    record = {
        "index": case.index, "seed": settings.seed, "source": case.source,
        "mutations": case.mutations, "mode": case.mode.to_json(),
        "kind": verdict.kind, "rows_mutated": len(case.pool.rows), "rows_kept": rows,
        "minimise_tests": tests, "differences_mutated": verdict.lines(),
        "differences": small_verdict.lines(), "reference_message": ref.message,
        "asnsql_message": got.message,
    }
    (folder / "case.json").write_text(json.dumps(record, indent=1) + "\n")
    return str(folder)


def run_case(index: int) -> dict:
    """Run case ``index`` in this worker; minimise and keep it if the generators differ."""
    settings: Settings = _WORKER["settings"]
    reference: Reference = _WORKER["reference"]
    case = make_case(_WORKER["pools"], settings.seed, index, _WORKER["borrowed"])
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="asnsql-fuzz-") as tmp:
        work = Path(tmp) / "run"
        verdict, ref, got = run_both(reference, case.pool, case.mode, work, case.source)
        record = {"index": index, "source": case.source, "mode": case.mode.to_json(),
                  "mutations": case.mutations, "kind": verdict.kind,
                  "rows": len(case.pool.rows),
                  "associations": [len(ref.asns), len(got.asns)]}
        if verdict.message:
            record["message"] = verdict.message
        if verdict.disagrees:
            tests = 0

            def fails(rows: list[int]) -> bool:
                nonlocal tests
                tests += 1
                found, _, _ = run_both(reference, case.pool.subset(rows), case.mode, work,
                                       case.source)
                return found.kind == verdict.kind

            rows = ddmin(range(len(case.pool.rows)), fails, settings.max_tests)
            final = run_both(reference, case.pool.subset(rows), case.mode, work, case.source)
            if final[0].kind != verdict.kind:  # budget ran out on a passing subset
                rows = list(range(len(case.pool.rows)))
                final = run_both(reference, case.pool, case.mode, work, case.source)
            record["kept"] = _keep(case, settings, verdict, rows, final, work, tests)
            record["differences"] = final[0].lines()
    record["seconds"] = round(time.monotonic() - started, 2)
    return record


def summarise(records: list[dict]) -> dict:
    """Counts of a run's verdicts: cases, agreeing, disagreeing by kind, timeouts."""
    kinds = Counter(r["kind"] for r in records)
    judged = sum(n for kind, n in kinds.items() if kind != "timeout")
    agree = kinds.get("agree", 0)
    return {
        "cases": len(records), "judged": judged, "agree": agree,
        "disagree": judged - agree, "timeout": kinds.get("timeout", 0),
        "by_kind": dict(sorted(kinds.items())),
        "by_mode": dict(sorted(Counter(r["mode"]["name"] for r in records).items())),
        "agreement": round(agree / judged, 5) if judged else None,
    }


def run(settings: Settings, cases: int, workers: int = 1, first: int = 0,
        time_limit: float | None = None, progress=None) -> dict:
    """Run cases ``first .. first + cases - 1``; write ``cases.jsonl`` and ``summary.json``.

    Parameters
    ----------
    settings : Settings
    cases : int
        How many cases.
    workers : int
        Worker processes (each with its own reference server).
    first : int
        Index of the first case (to continue a run with the same seed).
    time_limit : float, optional
        Seconds after which no new case is started.
    progress : callable, optional
        ``progress(record)`` after each case.

    Returns
    -------
    dict
        The summary (:func:`summarise`).

    Raises
    ------
    ValueError
        When no source pool fits the settings' limits.
    """
    if not source_pools(Path(settings.corpus), settings.max_rows, settings.max_seconds,
                        settings.pools):
        raise ValueError(f"no source pool in {settings.corpus} fits the limits given")
    out = Path(settings.out)
    out.mkdir(parents=True, exist_ok=True)
    log = out / "cases.jsonl"
    started = time.monotonic()
    records = []
    todo = iter(range(first, first + cases))
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker,
                             initargs=(settings,)) as pool, log.open("a") as sink:
        pending = set()
        while True:
            while len(pending) < workers * 2 and (
                    time_limit is None or time.monotonic() - started < time_limit):
                index = next(todo, None)
                if index is None:
                    break
                pending.add(pool.submit(run_case, index))
            if not pending:
                break
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                record = future.result()
                records.append(record)
                sink.write(json.dumps(record) + "\n")
                sink.flush()
                if progress:
                    progress(record)
    summary = summarise(records)
    summary.update(seed=settings.seed, first=first, corpus=settings.corpus,
                   seconds=round(time.monotonic() - started, 1))
    (out / "summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    return summary
