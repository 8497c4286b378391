"""The generator: pools -> runs -> compiled rules -> associations (spec section 6 of
docs/ASSOCIATION_SPEC.md).

:func:`generate` is the Python entry point; :func:`generate_batch` makes the associations of
many pools in one pass; :func:`generate_files` is ``asnsql generate`` (associations written,
orphans, the ``--db`` catalog) as one call. The data flows one way: a
:class:`~asnsql.plan.Plan` holds every rule's compiled SQL; pools are loaded into DuckDB
(:mod:`asnsql.pool`), candidate runs are built in SQL (``sql/candidates.sql``), each rule's
query returns the associations of every run of every pool as grouped rows, and
:mod:`asnsql.assemble` and :mod:`asnsql.finalize` spell them out, pool by pool
(:mod:`asnsql.pipeline`; :mod:`asnsql.batch` chunks large runs).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import threading
import time
from pathlib import Path
from typing import Any, Callable

from .batch import Merged, iter_batch, run_batch, run_generator
from .engine import Engine, large_pools
from .errors import Interrupted
from .model import Ruleset
from .options import Options
from .pipeline import Result
from .pool import PoolInfo, pool_positions, pool_table
from .timing import PhaseClock

__all__ = ["generate", "generate_batch", "generate_files", "iter_batch", "Options", "Result",
           "orphan_table", "run_generator", "run_batch"]


def generate(pool: Any, rules: Ruleset | None = None, *, engine: Engine | None = None,
             tracer: Callable[[str, Any], None] | None = None, **options) -> list[dict]:
    """Generate associations from a pool.

    Parameters
    ----------
    pool : str, pathlib.Path, astropy.table.Table, pyarrow.Table or DuckDB relation
        The pool (a ``|``-delimited pool file unless ``pool_format`` says otherwise).
    rules : Ruleset, optional
        Rules to apply; default: the JWST rules of jwst 3.0.0
        (:func:`asnsql.ruleset.default_ruleset`).
    engine : Engine, optional
        A DuckDB engine to load into (default: a private in-memory one).
    tracer : callable, optional
        ``tracer(sql, params)`` is told every statement run.
    **options
        Fields of :class:`Options`: ``ids``, ``discover``, ``all_candidates``, ``dms``,
        ``version_id``, ``finalize``, ``merge``, ``delimiter``, ``pool_format``,
        ``pool_name``, ``split_programs``, ``skip_undefined_exptype``.

    Returns
    -------
    list of dict
        Association dicts, in the reference's output order (Level 2, then Level 3). Each is an
        :class:`~asnsql.assemble.AssociationDict` whose ``.name`` is its file stem.

    Raises
    ------
    PoolError, RuleError, QueryError
        See :mod:`asnsql.errors`.

    Notes
    -----
    Reproduces ``asn_generate`` of jwst 3.0.0 (``generate_per_candidate``), spec section 6.
    Without ``engine`` or ``tracer``, small pool files run on a DuckDB engine that the
    calling thread keeps between calls, its tables emptied and its statements prepared
    (:meth:`Engine.borrow`, :mod:`asnsql.replay`).
    """
    opts = Options(**options)
    own = engine is None
    if own:
        engine = Engine.for_pools([pool], tracer=tracer) if tracer else Engine.borrow([pool])
    try:
        associations = run_generator(engine, pool, rules, opts).associations
    except BaseException:
        if own:
            engine.close()
        raise
    if own:
        engine.give_back()
    return associations


def generate_batch(pools: list, rules: Ruleset | None = None, *,
                   engine: Engine | None = None, **options) -> dict[str, list[dict]]:
    """Generate the associations of many pools in one pass.

    Parameters
    ----------
    pools : list
        Pool files (or tables); each is processed as if alone.
    rules, engine, **options
        As for :func:`generate`.

    Returns
    -------
    dict
        Pool file name (``asn_pool``; with ``split_programs``, ``name:program``) ->
        association dicts, in the order the pools were given.
    """
    opts = Options(**options)
    own = engine is None
    engine = engine or Engine.for_pools(pools)
    try:
        out: dict[str, list[dict]] = {}
        for result in run_batch(engine, pools, rules, opts):
            key = result.pool.name
            if result.pool.program is not None:
                key = f"{key}:{result.pool.program}"
            elif key in out:
                key = f"{key}#{result.pool.src}"
            out[key] = result.associations
        return out
    finally:
        if own:
            engine.close()


def orphan_table(engine: Engine, info: PoolInfo, positions, notes: dict | None = None) -> str:
    """The given pool rows as a ``|``-delimited table (``--save-orphans``).

    Columns are the pool's own, values as read (lower-cased, empty cells as ``null``), as
    ``asn_generate --save-orphans`` writes them. With ``notes`` (``pos`` ->
    :class:`asnsql.why.RuleVerdict`, see :func:`asnsql.why.closest_rules`), two more
    columns: ``asn_closest_rule`` and ``asn_why`` (its first failing condition and the
    values read; ``|`` in them written as ``/``).
    """
    import io

    from astropy.table import Table

    positions = list(positions)
    rows = pool_table(engine, info, positions) if positions else []
    names = list(info.columns)
    if notes is not None:
        names += ["asn_closest_rule", "asn_why"]
        extra = []
        for pos in positions:
            verdict = notes.get(pos)
            if verdict is None:
                extra.append(("null", "no rule's candidate runs hold this row"))
            else:
                extra.append((verdict.rule, verdict.describe().replace("|", "/")))
        rows = [tuple(row) + more for row, more in zip(rows, extra)]
    table = Table(rows=rows or None, names=names,
                  dtype=None if rows else [str] * len(names))
    buffer = io.StringIO()
    table.write(buffer, format="ascii", delimiter="|")
    return buffer.getvalue()


def generate_files(pool: Any, path: str | Path = ".", *, rules: Ruleset | None = None,
                   options: Options | None = None, fmt: str = "json", dry_run: bool = False,
                   save_orphans: str | None = None, orphans_whole_pool: bool = False,
                   database: str | Path | None = None,
                   progress: Callable[[int, int], None] | None = None,
                   profile=None, timings: dict[str, float] | None = None,
                   keep_associations: bool = True) -> Result:
    """Generate the associations of a pool and write them (``asnsql generate``).

    Parameters
    ----------
    pool : str or pathlib.Path
        The pool file.
    path : str or pathlib.Path
        Folder to write into (created if missing).
    rules : Ruleset, optional
        Default: the profile's default rules.
    options : Options, optional
    fmt : {'json', 'yaml', 'jsonl', 'parquet'}
        Output format (:func:`asnsql.asnwrite.write_associations`).
    dry_run : bool
        Generate (and store in ``database``) but write no file.
    save_orphans : str, optional
        Also write the pool rows in no association to this file name in ``path``, with the
        rule that came closest to taking each (:func:`asnsql.why.closest_rules`).
    orphans_whole_pool : bool
        With ``save_orphans``, write every pool row, as ``asn_generate`` does.
    database : str or pathlib.Path, optional
        Also store the pool and its associations in this DuckDB database (created if
        missing), in one transaction with the files: both land, or neither.
    progress : callable, optional
        ``progress(rows_done, rows_total)``.
    profile : Profile or str, optional
        The observatory (default: JWST).
    timings : dict of str to float, optional
        Receives each phase's seconds (:func:`asnsql.pipeline.run_unit`) and ``write``'s.
    keep_associations : bool
        Return the associations (``Result.associations``). With ``False`` only their number
        per ``asn_type`` (``Result.counted``): on the batch path (a large pool file, or
        ``split_programs``, without ``database``) each chunk's are written and let go.

    Returns
    -------
    Result
        The pool's associations (unless not kept) and orphans.

    Raises
    ------
    PoolError, RuleError, QueryError, OutputError
        See :mod:`asnsql.errors`; nothing is written then.
    Interrupted
        Ctrl-C once the output was in place (the engine still closing): it stays.
    """
    options, written = options or Options(), []
    # (the writers note the files in place themselves, Ctrl-C held back: on_published)
    mark = functools.partial(written.append, True)
    try:
        planning = _plan_ahead(rules, options, profile)
        with Engine.for_pools([pool], profile=profile) as engine:
            planning.join()
            if not database and (options.split_programs or large_pools([pool])):
                result = _generate_streamed(engine, pool, path, rules, options, fmt, dry_run,
                                            save_orphans, orphans_whole_pool, progress,
                                            timings, keep_associations, mark)
                return result
            result = run_generator(engine, pool, rules, options, progress=progress,
                                   timings=timings)
            clock, extra = PhaseClock(timings), {}
            if save_orphans:
                extra[save_orphans] = _orphans_text(engine, result, rules,
                                                    orphans_whole_pool)
            _store_and_write(engine, result, path, fmt, extra, dry_run, database, mark)
            clock.lap("write")
    except KeyboardInterrupt as err:
        if written and not isinstance(err, Interrupted):
            raise Interrupted(written_note(path, dry_run, database)) from None
        raise
    return result


def _plan_ahead(rules: Ruleset | None, options: Options, profile) -> threading.Thread:
    """Start building the plan (:meth:`asnsql.plan.Plan.build`, which remembers it for the
    run's own call) on a thread of its own, and return the thread.

    Opening DuckDB and installing the macros (about 15 ms) let go of the GIL, and reading a
    plan from the cache (about 15 ms) needs it: on the command line the two overlap (15-row
    pool: engine and plan in 28-29 ms instead of 39-41). Any error is left to the run's own
    ``Plan.build`` to raise, after the thread has ended.
    """
    from .plan import Plan

    def build():
        with contextlib.suppress(Exception):
            Plan.build(rules, options, profile)

    thread = threading.Thread(target=build, name="asnsql-plan", daemon=True)
    thread.start()
    return thread


#: Associations written together on the batch path of :func:`generate_files` (a Parquet row
#: group): pool units are many and small, their associations are gathered up to this.
WRITE_PART = 20_000


def _pieces(associations: list, size: int, release: bool):
    """``associations`` in slices of at most ``size``, in order; with ``release`` the list
    is emptied as it goes, so that each slice can be freed once written (a large pool run
    as one unit holds every association until its last one is written otherwise)."""
    if not release:
        for start in range(0, len(associations), size):
            yield associations[start:start + size]
        return
    associations.reverse()
    while associations:
        piece = associations[-size:]
        del associations[-size:]
        piece.reverse()
        yield piece


def _generate_streamed(engine: Engine, pool: Any, path, rules: Ruleset | None,
                       options: Options, fmt: str, dry_run: bool, save_orphans: str | None,
                       orphans_whole_pool: bool, progress, timings: dict | None,
                       keep: bool, on_published: Callable[[], None] | None = None) -> Result:
    """:func:`generate_files` for the batch path (a large pool, or one split by program):
    each chunk's associations are written into the staging folder as they come
    (:func:`asnsql.asnwrite.stream_associations`), and kept only if ``keep``."""
    from .asnwrite import stream_associations

    results = iter_batch(engine, [pool], rules, options, names=[options.pool_name],
                         progress=progress, timings=timings)
    merged = Merged(keep)
    # The pool is read (and its problems raised) before anything is written.
    waiting = [next(results, None)]

    def parts():
        part: list = []
        for result in itertools.chain(filter(None, [waiting.pop()]), results):
            merged.add(result)
            associations = result.associations
            del result
            for piece in _pieces(associations, WRITE_PART, release=not keep):
                part += piece
                del piece
                if len(part) >= WRITE_PART:
                    yield from timed(part)
                    part = []
        yield from timed(part)

    def timed(part):
        start = time.perf_counter()
        yield part
        if timings is not None:
            timings["write"] = timings.get("write", 0.0) + time.perf_counter() - start

    def extra() -> dict[str, str]:
        if not save_orphans:
            return {}
        start = time.perf_counter()
        text = _orphans_text(engine, merged.result(), rules, orphans_whole_pool)
        if timings is not None:
            timings["orphans"] = time.perf_counter() - start
        return {save_orphans: text}

    if dry_run:
        for _ in parts():
            pass
    else:
        stream_associations(parts(), path, fmt, extra, on_published)
    return merged.result()


def written_note(path, dry_run: bool, database) -> str:
    """What a Ctrl-C after a run's output was in place says (:class:`Interrupted`)."""
    where = f"written into {path}" if not dry_run else ""
    if database:
        where += (" and " if where else "") + f"stored in {database}"
    return f"interrupted after the associations were {where}; nothing else was changed"


def _orphans_text(engine: Engine, result: Result, rules: Ruleset | None,
                  whole_pool: bool) -> str:
    """The ``--save-orphans`` table of a generator run."""
    if whole_pool:
        # QUIRK (reference): the whole pool, as asn_generate writes it.
        return orphan_table(engine, result.pool, pool_positions(engine))
    from .why import closest_rules

    notes = closest_rules(engine, rules, result.orphans)
    return orphan_table(engine, result.pool, result.orphans, notes=notes)


def _store_and_write(engine: Engine, result: Result, path, fmt: str, extra: dict,
                     dry_run: bool, database,
                     on_published: Callable[[], None] | None = None) -> None:
    """Store the run in ``database`` and write the files, in one transaction.

    ``on_published`` is called once the output is in place. With a database, that is once
    it is committed too: Ctrl-C is held back from the files' publication (or, in a dry run,
    from the end of the store) to the commit, so that a Ctrl-C never leaves the files
    written and the database not.
    """
    from .asnwrite import write_associations
    from .publish import holding_interrupts

    if not database:
        if not dry_run:
            write_associations(result.associations, path, fmt=fmt, extra=extra,
                               on_published=on_published)
        return
    from .session import Session

    session = Session(database, write=True)
    hold = contextlib.ExitStack()
    with hold:
        try:
            with session.transaction():
                session.store(engine, [result.pool], [result])
                if dry_run:
                    hold.enter_context(holding_interrupts())
                else:
                    write_associations(result.associations, path, fmt=fmt, extra=extra,
                                       on_published=lambda: hold.enter_context(
                                           holding_interrupts()))
        except BaseException:
            # (a new database is discarded, not renamed into place: nothing was changed)
            session.close(discard=True)
            raise
        session.close()
        if on_published is not None:
            on_published()
