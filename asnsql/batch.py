"""The local large-pool path: many pools (or an archive pool's programs) in one process.

Pool units are generated in chunks of at most :data:`CHUNK_ROWS` rows, so memory stays
bounded; each chunk runs the same set-based steps as :func:`asnsql.pipeline.run_unit`. The
next chunk's queries run on a worker thread while the current one is assembled, and the
interpreter is tuned for it while a batch runs (:func:`batch_settings`). Nothing here is
needed by a worker process of a distributed engine.
"""

from __future__ import annotations

import contextlib
import gc
import sys
import threading
from typing import Any, Callable, Iterator

from .engine import Engine, large_pools
from .errors import QueryError
from .model import Ruleset
from .options import Options
from .pipeline import (Fetched, Result, assemble_results, fetch, load_units, run_unit,
                       version_stamp)
from .plan import Plan
from .pool import PoolInfo
from .timing import PhaseClock

__all__ = ["iter_batch", "run_batch", "run_generator", "Merged", "batch_settings", "chunks",
           "CHUNK_ROWS", "BATCH_SWITCH_INTERVAL"]

#: Pool rows generated together at most (pool units are never split): bounds memory on
#: archive pools while keeping every query set-based; one chunk is assembled while the next
#: one's queries run.
CHUNK_ROWS = 150_000
#: A lone chunk of more rows (a large pool run as one unit) has its query results taken
#: out of DuckDB one by one (:func:`asnsql.pipeline.fetch`).
ONE_BY_ONE_ROWS = 300_000
#: DuckDB's memory limit while such a chunk is assembled (:func:`_make_room`).
ASSEMBLY_MEMORY_LIMIT = "256MB"
#: The interpreter's thread switch interval (seconds) while a batch runs.
BATCH_SWITCH_INTERVAL = 0.0002


def iter_batch(engine: Engine, pools: list, rules: Ruleset | None = None,
               options: Options | None = None, names: list | None = None,
               chunk_rows: int = CHUNK_ROWS,
               progress: Callable[[int, int], None] | None = None,
               plan: Plan | None = None,
               timings: dict[str, float] | None = None) -> Iterator[Result]:
    """Run the generator on many pools, yielding one :class:`~asnsql.pipeline.Result` per
    pool unit.

    Pool units (pools, or programs with ``split_programs``) are generated in chunks of at
    most ``chunk_rows`` rows; see :func:`run_batch` for the parameters; ``progress`` is
    called as ``progress(rows_done, rows_total)`` after each phase of loading and of each
    chunk (:class:`~asnsql.timing.PhaseClock`); a
    ``plan`` made beforehand replaces ``rules`` and ``options``; ``timings``, a dict,
    receives the seconds of each phase (:func:`asnsql.pipeline.run_unit`; ``rule queries``
    is the time spent waiting for them).

    Until the iteration ends or the generator is closed, Python's cyclic garbage collector
    is paused (reference counting still frees memory as usual) and the thread switch
    interval is :data:`BATCH_SWITCH_INTERVAL` (see :func:`batch_settings`).
    """
    plan = plan or Plan.build(rules, options, engine.profile)
    clock = PhaseClock(timings, progress)
    infos = load_units(engine, plan, pools, names, clock)
    version_id = version_stamp(plan.options.version_id)
    parts = chunks(infos, chunk_rows)
    lowered = False
    try:
        with contextlib.ExitStack() as settings:
            if len(parts) > 1:
                # Many chunks: each rule query on one thread, the rules side by side on
                # the cores (less contention than every query on every core).
                settings.enter_context(engine.duckdb_threads(1))
            # The settings hold while the results are handed out too: re-enabled between
            # chunks, the collector's next pass would walk every object of the chunk again.
            settings.enter_context(batch_settings())
            for chunk, fetched in _prefetched(engine, plan, parts):
                clock.rows = sum(i.rows for i in chunk)
                clock.lap("rule queries")
                if len(parts) == 1 and clock.rows > ONE_BY_ONE_ROWS:
                    lowered = _make_room(engine)
                results = assemble_results(engine, plan, fetched, chunk, version_id)
                clock.lap("assembly")
                yield from results
                clock.restart()
                del results
    finally:
        if lowered:
            engine.restore_memory_limit()


def _make_room(engine: Engine) -> bool:
    """Lower DuckDB's memory limit to :data:`ASSEMBLY_MEMORY_LIMIT` while a large unit is
    assembled: the pool's tables (about 1.4 GB at a million rows) go to DuckDB's temporary
    folder, and the associations, all in memory until finalised, take their place. Returns
    whether it was lowered (``False`` when DuckDB could not make the room: nothing
    changed); :meth:`Engine.restore_memory_limit` undoes it."""
    try:
        engine.execute("SET memory_limit = $limit", {"limit": ASSEMBLY_MEMORY_LIMIT})
    except QueryError:
        return False
    return True


def chunks(infos: list[PoolInfo], chunk_rows: int) -> list[list[PoolInfo]]:
    """Pool units in chunks of at most ``chunk_rows`` rows (a larger unit alone).

    The first chunks are smaller (an eighth of the size, then doubling): nothing else runs
    while the first chunk's queries do, so a small one starts assembly early.
    """
    out: list[list[PoolInfo]] = [[]]
    limit = max(1, chunk_rows // 8)
    size = 0
    for info in infos:
        if out[-1] and size + info.rows > limit:
            out.append([])
            size = 0
            limit = min(chunk_rows, limit * 2)
        out[-1].append(info)
        size += info.rows
    return [c for c in out if c]


_batch_lock = threading.Lock()
_batch_state: dict[str, Any] = {"depth": 0, "gc_was_enabled": False, "switch": None}


@contextlib.contextmanager
def batch_settings():
    """Interpreter settings for batch generation: the cyclic garbage collector paused and
    a short thread switch interval. Settings nest and may overlap across threads; the
    previous ones come back when the last use ends.

    Assembly makes millions of small dicts and tuples, none in reference cycles; with the
    collector on, each of its passes walks all of them again, which more than doubles the
    time of large runs. A DuckDB query running on another thread takes the GIL briefly
    between its tasks (to check for Ctrl-C); with the default interval (5 ms) it waits that
    long each time while assembly holds the GIL, which slows the queries several times.
    """
    with _batch_lock:
        if _batch_state["depth"] == 0:
            _batch_state["gc_was_enabled"] = gc.isenabled()
            gc.disable()
            _batch_state["switch"] = sys.getswitchinterval()
            sys.setswitchinterval(min(_batch_state["switch"], BATCH_SWITCH_INTERVAL))
        _batch_state["depth"] += 1
    try:
        yield
    finally:
        with _batch_lock:
            _batch_state["depth"] -= 1
            if _batch_state["depth"] == 0:
                sys.setswitchinterval(_batch_state["switch"])
                if _batch_state["gc_was_enabled"]:
                    gc.enable()


def _fetch_tuned(engine: Engine, plan: Plan, chunk: list[PoolInfo],
                 costs: dict[str, float], one_by_one: bool = False) -> Fetched:
    """:func:`asnsql.pipeline.fetch` under :func:`batch_settings` (on the worker thread)."""
    with batch_settings():
        return fetch(engine, plan, chunk, costs, one_by_one)


def _prefetched(engine: Engine, plan: Plan, parts: list[list[PoolInfo]]
                ) -> Iterator[tuple[list[PoolInfo], Fetched]]:
    """Each chunk with its query results; the next chunk's queries run on a worker thread
    while the caller assembles the current one (DuckDB works without the GIL)."""
    if len(parts) <= 1:
        for chunk in parts:
            # (a lone chunk of an archive pool: its query results out of DuckDB one by one)
            yield chunk, _fetch_tuned(engine, plan, chunk, {},
                                      one_by_one=sum(i.rows for i in chunk) > ONE_BY_ONE_ROWS)
        return
    from concurrent.futures import ThreadPoolExecutor

    worker = engine.worker()
    costs: dict[str, float] = {}
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            future = pool.submit(_fetch_tuned, worker, plan, parts[0], costs)
            for i, chunk in enumerate(parts):
                fetched = future.result()
                if i + 1 < len(parts):
                    future = pool.submit(_fetch_tuned, worker, plan, parts[i + 1], costs)
                yield chunk, fetched
                del fetched
    finally:
        worker.close()


def run_batch(engine: Engine, pools: list, rules: Ruleset | None = None,
              options: Options | None = None, names: list | None = None,
              progress: Callable[[int, int], None] | None = None,
              plan: Plan | None = None,
              timings: dict[str, float] | None = None) -> list[Result]:
    """Run the generator on many pools in one pass, on an open engine.

    Parameters
    ----------
    engine : Engine
        The database (it keeps the tables afterwards, for queries); its profile is the
        observatory's.
    pools : list
        Paths, astropy Tables, pyarrow Tables or DuckDB relations.
    rules : Ruleset, optional
        Default: the profile's default rules.
    options : Options, optional
    names : list of str, optional
        ``asn_pool`` names for in-memory tables.
    progress : callable, optional
        ``progress(rows_done, rows_total)``.
    plan : Plan, optional
        Made beforehand (replaces ``rules`` and ``options``).
    timings : dict of str to float, optional
        Receives the seconds of each phase (see :func:`iter_batch`).

    Returns
    -------
    list of Result
        One per pool unit (per pool, or per program with ``split_programs``), each as if
        that pool had been processed alone.
    """
    return list(iter_batch(engine, pools, rules, options, names, progress=progress,
                           plan=plan, timings=timings))


def run_generator(engine: Engine, pool: Any, rules: Ruleset | None = None,
                  options: Options | None = None,
                  progress: Callable[[int, int], None] | None = None,
                  timings: dict[str, float] | None = None) -> Result:
    """Run the generator on one pool (see :func:`run_batch`): the local entry point.

    A large pool file, or a pool split by program, takes the batch path; others run as one
    unit (:func:`asnsql.pipeline.run_unit`). With ``split_programs``, the
    programs' results are joined into one :class:`Result`.
    """
    options = options or Options()
    if options.split_programs or large_pools([pool]):
        results = iter_batch(engine, [pool], rules, options, names=[options.pool_name],
                             progress=progress, timings=timings)
    else:
        results = run_unit(engine, Plan.build(rules, options, engine.profile), pool,
                           timings=timings, progress=progress)
    merged = Merged()
    for result in results:
        merged.add(result)
    return merged.result()


class Merged:
    """The results of one pool's units joined into one :class:`Result` as they come
    (with ``split_programs``: the programs of an archive pool).

    Parameters
    ----------
    keep : bool
        Keep the associations and runs; otherwise only their number per ``asn_type``
        (:attr:`Result.counted`) and the orphans are kept, so that a run whose
        associations were written as they came holds none of them.
    """

    def __init__(self, keep: bool = True):
        self.keep = keep
        self._results: list[Result] = []
        self._counts: dict[str, int] = {}
        self._orphans: list[int] = []
        self._rows = 0
        self._units = 0

    def add(self, result: Result) -> None:
        """Take one unit's result (its associations let go unless kept)."""
        for asn_type, n in result.type_counts().items():
            self._counts[asn_type] = self._counts.get(asn_type, 0) + n
        self._orphans += result.orphans
        self._rows += result.pool.rows
        self._units += 1
        if not self.keep:
            result = Result([], result.pool, [], [])
        self._results.append(result)
        if not self.keep and len(self._results) > 1:
            del self._results[1:]  # (the first unit names the pool; the rest are counted)

    def result(self) -> Result:
        """The joined result (a lone unit's own, when the pool had one)."""
        results = self._results
        first = results[0]
        if self._units == 1:
            if self.keep:
                return first
            return Result([], first.pool, [], list(self._orphans), counted=self._counts)
        pool = PoolInfo(pool_id=-1, name=first.pool.name, path=first.pool.path,
                        columns=first.pool.columns, rows=self._rows,
                        has_candidates=first.pool.has_candidates)
        return Result([a for r in results for a in r.associations], pool,
                      [run for r in results for run in r.runs], list(self._orphans),
                      counted=None if self.keep else self._counts)
