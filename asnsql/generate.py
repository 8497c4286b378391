"""The generator: pools -> runs -> compiled rules -> associations (spec section 6).

:func:`generate` is the Python entry point behind ``asnsql generate``; :func:`generate_batch`
makes the associations of many pools in one pass. The data flows one way: pools are loaded
into DuckDB (:mod:`asnsql.pool`), candidate runs are built in SQL (``sql/candidates.sql``),
each rule's compiled query (:mod:`asnsql.compile`) returns the associations of every run of
every pool as grouped rows, and :mod:`asnsql.assemble` spells them out, pool by pool.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import sys
import threading
import warnings
from dataclasses import dataclass, field
from itertools import groupby, repeat
from operator import itemgetter
from typing import Any, Callable, Iterator

from . import assemble
from .engine import Engine
from .errors import AsnsqlWarning, PoolError
from .model import SCREEN_COLUMNS, Ruleset
from .pool import RAW_COLUMNS, RESERVED_COLUMNS, PoolInfo, load_pools, pool_table
from .resources import sql_statements
from .ruleset import STANDARD_COLUMNS, default_ruleset
from .sqlcache import rule_text, screen_text
from .timing import PhaseClock

__all__ = ["generate", "generate_batch", "iter_batch", "Options", "Result", "orphan_table",
           "run_generator", "run_batch", "CHUNK_ROWS"]

_TUPLE = r"\(\s*'([^']*)'\s*,\s*'([^']*)'\s*\)"
_LIST = r"\[\s*(?:" + _TUPLE + r"\s*(?:,\s*" + _TUPLE + r"\s*)*,?)?\s*\]"
_LIST_PLAIN = _LIST.replace("([^']*)", "(?:[^']*)")

#: Derived flags assembly needs (member names, spec section 7.3), beside raw values.
_ITEM_FLAGS = ("item_ami", "item_coron", "item_tso", "science_pointing")
#: Raw values (:data:`asnsql.pool.RAW_COLUMNS`) read for every row of a chunk
#: (:data:`asnsql.assemble.MEMBER_COLUMNS`), and those only finalisation hooks read
#: (:data:`asnsql.assemble.HOOK_COLUMNS`), read for the rows that need them (_hook_values).
_ITEM_COLUMNS = tuple(c for c in RAW_COLUMNS if c in assemble.MEMBER_COLUMNS)
_HOOK_ONLY = tuple(c for c in RAW_COLUMNS if c not in assemble.MEMBER_COLUMNS)


@dataclass
class Options:
    """Generator options, named after ``asn_generate``'s (spec section 12.1).

    ``ids``, ``discover`` and ``all_candidates`` are mutually exclusive; with none of them
    both discovered and candidate associations are made (spec section 6.1).
    ``split_programs`` takes each program of a pool as a pool of its own (archive pools).
    ``skip_undefined_exptype`` leaves out the rows whose exposure type cannot be determined
    instead of refusing the pool as the reference does (spec section 7.1).
    """

    ids: list[str] | None = None
    discover: bool = False
    all_candidates: bool = False
    dms: bool = False
    version_id: str | None = None
    finalize: bool = True
    merge: bool = False
    delimiter: str = "|"
    pool_format: str | None = None
    pool_name: str | None = None
    split_programs: bool = False
    skip_undefined_exptype: bool = False

    def mode(self) -> tuple[bool, bool]:
        """Return (make candidate associations of all candidates, make discovered ones)."""
        chosen = [bool(self.ids), self.discover, self.all_candidates]
        if sum(chosen) > 1:
            raise ValueError("ids, discover and all_candidates are mutually exclusive")
        if not any(chosen):
            return True, True
        return self.all_candidates, self.discover


@dataclass
class Result:
    """What a generator run produced for one pool unit."""

    associations: list[assemble.AssociationDict]
    pool: PoolInfo
    runs: list[assemble.RunInfo] = field(default_factory=list)
    orphans: list[int] = field(default_factory=list)


def _version_id(value: str | None) -> str | None:
    if value is None:
        return None
    if value == "":
        # QUIRK: the reference recomputes the stamp for every candidate; asnsql stamps once.
        return datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dt%H%M%S")
    return value


def _candidates(engine: Engine, infos: list[PoolInfo], options: Options) -> None:
    """Build the candidate tables of every pool unit (spec section 6.2.1)."""
    statements = sql_statements("candidates.sql")
    bad = engine.rows(statements["bad_candidates"], {"list": _LIST_PLAIN})
    if bad:
        info = next(i for i in infos if i.pool_id == bad[0][0])
        where = "; ".join(f"line {line or '?'} (row {pos + 1}): {text!r}"
                          for pool_id, line, pos, text in bad if pool_id == info.pool_id)
        raise PoolError(f"{info.where}, column asn_candidate: value(s) that are not a list "
                        f"of (id, type) pairs: {where}. Expected e.g. "
                        "[('o001', 'observation'), ('c1000', 'background')]")
    engine.execute(statements["candidate_entries"], {"tuple": _TUPLE})
    engine.execute(statements["candidate_order"])
    if options.ids:
        ids = [i.lower() for i in options.ids]
        engine.execute(statements["chosen_candidates_ids"], {"ids": ids, "dms": options.dms})
        known = {r[0] for r in engine.rows("SELECT DISTINCT cid FROM chosen_candidates")}
        for cid in ids:
            if cid not in known:
                warnings.warn(f"candidate {cid} is in no pool given; skipped", AsnsqlWarning,
                              stacklevel=4)
    else:
        engine.execute(statements["chosen_candidates_all"])
    want_all, want_discover = options.mode()
    engine.execute(statements["runs_all"], {"discover": want_discover,
                                            "candidates": bool(want_all or options.ids)})
    engine.execute(statements["run_rows_all"])
    if not options.skip_undefined_exptype:
        _refuse_undefined_exptype(engine, infos, statements["undefined_exptype"])


def _refuse_undefined_exptype(engine: Engine, infos: list[PoolInfo], query: str) -> None:
    """Raise on a row of some run whose exposure type cannot be determined.

    Raises
    ------
    PoolError
        Naming the row: jwst 3.0.0 stops on it with ``LookupError`` (spec section 7.1,
        step 2; docs/QUIRKS.md). ``Options.skip_undefined_exptype`` leaves such rows out.
    """
    bad = engine.rows(query)
    if bad:
        pool_id, line, pos, filename = bad[0]
        info = next(i for i in infos if i.pool_id == pool_id)
        raise PoolError(f"{info.where}, line {line or '?'} (row {pos + 1}, {filename}): "
                        "exp_type is undefined and pntgtype names no non-science type, so "
                        "the exposure type cannot be determined (asn_generate stops here); "
                        "give the row an exp_type, or leave such rows out with "
                        "--skip-undefined-exptype (skip_undefined_exptype=True)")


def _chunk_runs(engine: Engine, options: Options, first: int,
                last: int) -> list[assemble.RunInfo]:
    """Build ``runs``, ``run_rows`` and ``run_items`` for pool units ``first..last`` (their
    slice of the runs :func:`_candidates` made)."""
    statements = sql_statements("candidates.sql")
    engine.execute(statements["runs"], {"first": first, "last": last})
    runs = [assemble.RunInfo(run=run, kind=kind, cand_id=cid, cand_type=ctype, order=seq,
                             pool_id=pool_id)
            for run, pool_id, seq, kind, cid, ctype in engine.rows(
                "SELECT run, pool_id, seq, cand_kind, cand_id, cand_type FROM runs ORDER BY run")]
    engine.execute(statements["run_rows"], {"lo": runs[0].run if runs else 0,
                                            "hi": runs[-1].run if runs else -1})
    engine.execute(statements["run_items"])
    return runs


def _items_query(first: int, last: int) -> tuple[str, dict]:
    """The pool values assembly needs, for every row of pool units ``first..last``:
    ``pool_id, pos`` and :data:`_ITEM_COLUMNS` (raw) and :data:`_ITEM_FLAGS`, by unit and
    row."""
    cols = ", ".join([f'd."raw_{c}"' for c in _ITEM_COLUMNS]
                     + [f'd."{c}"' for c in _ITEM_FLAGS])
    query = (f"SELECT u.pool_id, u.pos, {cols} FROM pool AS u "
             "JOIN pool_defined AS d USING (pos) "
             "WHERE u.pool_id BETWEEN $first AND $last ORDER BY u.pool_id, u.pos")
    return query, {"first": first, "last": last}


#: Pool rows generated together at most (pool units are never split): bounds memory on
#: archive pools while keeping every query set-based; one chunk is assembled while the next
#: one's queries run.
CHUNK_ROWS = 150_000
#: Chunks of more rows have their results converted column by column (Pending.fetch).
COLUMNAR_ROWS = 20_000


def iter_batch(engine: Engine, pools: list, rules: Ruleset | None = None,
               options: Options | None = None, names: list | None = None,
               chunk_rows: int = CHUNK_ROWS,
               progress: Callable[[int, int], None] | None = None,
               timings: dict[str, float] | None = None) -> Iterator[Result]:
    """Run the generator on many pools, yielding one :class:`Result` per pool unit.

    Pool units (pools, or programs with ``split_programs``) are generated in chunks of at
    most ``chunk_rows`` rows, so memory stays bounded on archive pools; each chunk runs the
    same set-based queries. See :func:`run_batch` for the parameters; ``progress`` is
    called as ``progress(rows_done, rows_total)`` after loading and after each chunk.
    ``timings``, a dict, receives the seconds of each phase (:class:`asnsql.timing.PhaseClock`):
    ``read pool``, ``candidates``, ``rule queries`` (waiting for them), ``assembly``
    (association dicts, finalisation included).

    Until the iteration ends or the generator is closed, Python's cyclic garbage collector
    is paused (reference counting still frees memory as usual) and the thread switch
    interval is :data:`BATCH_SWITCH_INTERVAL` (see :func:`_batch_settings`).
    """
    options = options or Options()
    options.mode()
    clock = PhaseClock(timings)
    rules = rules or default_ruleset()
    # (what the rule queries and the screen read: pool_defined keeps only these)
    read = ({c for r in rules for c in _rule_columns(r)}
            | (SCREEN_COLUMNS - set(RESERVED_COLUMNS)))
    infos = load_pools(engine, pools, delimiter=options.delimiter,
                       pool_format=options.pool_format, names=names,
                       columns=set(STANDARD_COLUMNS) | read, defined=read,
                       split_programs=options.split_programs)
    clock.lap("read pool")
    _candidates(engine, infos, options)
    clock.lap("candidates")
    version_id = _version_id(options.version_id)
    by_name = {r.name: r for r in rules}
    pool_names = {i.pool_id: i.name for i in infos}
    total = sum(i.rows for i in infos)
    done = 0
    if progress:
        progress(0, total)
    chunks = _chunks(infos, chunk_rows)
    threads = None
    if len(chunks) > 1:
        # Many chunks: each rule query on one thread, the rules side by side on the cores
        # (less contention than every query on every core).
        threads = engine.scalar("SELECT current_setting('threads')")
        engine.execute("SET threads = 1")
    try:
        # The settings hold while the results are handed out too: re-enabled between
        # chunks, the collector's next pass would walk every object of the chunk again.
        with _batch_settings():
            for chunk, fetched in _fetch_chunks(engine, chunks, rules, options):
                clock.lap("rule queries")
                results = _assemble_chunk(engine, fetched, chunk, by_name, pool_names,
                                          options, version_id)
                clock.lap("assembly")
                yield from results
                clock.restart()
                del results
                done += sum(i.rows for i in chunk)
                if progress:
                    progress(done, total)
    finally:
        if threads is not None:
            engine.execute("SET threads = $n", {"n": threads})


def _chunks(infos: list[PoolInfo], chunk_rows: int) -> list[list[PoolInfo]]:
    """Pool units in chunks of at most ``chunk_rows`` rows (a larger unit alone).

    The first chunks are smaller (an eighth of the size, then doubling): nothing else runs
    while the first chunk's queries do, so a small one starts assembly early.
    """
    chunks: list[list[PoolInfo]] = [[]]
    limit = max(1, chunk_rows // 8)
    size = 0
    for info in infos:
        if chunks[-1] and size + info.rows > limit:
            chunks.append([])
            size = 0
            limit = min(chunk_rows, limit * 2)
        chunks[-1].append(info)
        size += info.rows
    return [c for c in chunks if c]


_batch_lock = threading.Lock()
_batch_state: dict[str, Any] = {"depth": 0, "gc_was_enabled": False, "switch": None}
#: The interpreter's thread switch interval (seconds) while a batch runs.
BATCH_SWITCH_INTERVAL = 0.0002


@contextlib.contextmanager
def _batch_settings():
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


class _Fetched:
    """What the database gives for one chunk of pool units (see :func:`_fetch_chunk`).

    The queries have run; their rows become Python values on first use (:meth:`load`), in
    the thread that assembles the chunk, while the next chunk's queries run.
    """

    def __init__(self, runs: list[assemble.RunInfo], rules, items, infos: list[PoolInfo]):
        self.runs = runs
        self._rules = rules
        self._items = items
        self._units = [i.pool_id for i in infos]
        # (large chunks: results converted column by column, Pending.fetch)
        self._columnar = sum(i.rows for i in infos) > COLUMNAR_ROWS
        self.rows: list[tuple] = []
        self.items: dict[int, dict] = {}
        self.unit_rows: dict[int, list[int]] = {}

    def load(self) -> "_Fetched":
        """Fetch the rule rows and the rows' pool values."""
        self.rows = [row for pending in self._rules for row in pending.fetch(self._columnar)]
        keys = ("pos",) + _ITEM_COLUMNS + _ITEM_FLAGS
        pool_ids, *values = self._items.fetch_columns(self._columnar)
        positions = values[0]
        # (built by C-level iteration: a Python loop over the rows costs half as much again)
        self.items = dict(zip(positions, map(dict, map(zip, repeat(keys), zip(*values)))))
        self.unit_rows = {pool_id: [] for pool_id in self._units}
        # rows come by unit (_items_query's order)
        for pool_id, rows in groupby(zip(pool_ids, positions), key=itemgetter(0)):
            self.unit_rows[pool_id] = [pos for _, pos in rows]
        return self

    def close(self) -> None:
        """Release results not fetched (after an error)."""
        for pending in self._rules:
            pending.close()
        self._items.close()


def _fetch_chunk(engine: Engine, infos: list[PoolInfo], rules, options: Options,
                 costs: dict[str, float] | None = None) -> _Fetched:
    """Run a chunk's queries: its candidate runs, every rule, and the rows' pool values.

    The rule queries and the pool values query run side by side on the cores, the longest
    first (``costs``: rule name -> seconds its query took on the previous chunk, updated).
    """
    costs = {} if costs is None else costs
    with _batch_settings():
        first, last = infos[0].pool_id, infos[-1].pool_id
        runs = _chunk_runs(engine, options, first, last)
        active = [r for r in rules if r.product != "none"]
        if active:
            # Skip the rules that cannot have an association in the chunk (screen_sql).
            possible = engine.dicts(screen_text(active, options.finalize))[0]
            active = [r for r in active if possible[r.name]]
        names = [r.name for r in active] + ["(items)"]
        queries = [rule_text(r, finalized=options.finalize) for r in active]
        queries.append(_items_query(first, last))
        order = sorted(range(len(queries)), key=lambda i: -costs.get(names[i], 0.0))
        seconds: list[float] = []
        pending = engine.run_parallel([queries[i] for i in order], seconds=seconds)
        by_index = dict(zip(order, pending))
        for i, took in zip(order, seconds):
            costs[names[i]] = took
    return _Fetched(runs, [by_index[i] for i in range(len(active))], by_index[len(active)],
                    infos)


def _fetch_chunks(engine: Engine, chunks: list[list[PoolInfo]], rules,
                  options: Options) -> Iterator[tuple[list[PoolInfo], _Fetched]]:
    """Each chunk with its query results; the next chunk's queries run on a worker thread
    while the caller assembles the current one (DuckDB works without the GIL)."""
    if len(chunks) <= 1:
        for chunk in chunks:
            yield chunk, _fetch_chunk(engine, chunk, rules, options)
        return
    from concurrent.futures import ThreadPoolExecutor

    worker = engine.worker()
    costs: dict[str, float] = {}
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            future = pool.submit(_fetch_chunk, worker, chunks[0], rules, options, costs)
            for i, chunk in enumerate(chunks):
                fetched = future.result()
                if i + 1 < len(chunks):
                    future = pool.submit(_fetch_chunk, worker, chunks[i + 1], rules, options,
                                         costs)
                yield chunk, fetched
                del fetched
    finally:
        worker.close()


def _hook_values(engine: Engine, positions: set[int], items: dict[int, dict]) -> None:
    """Add the :data:`_HOOK_ONLY` values (raw) to the items of pool rows ``positions``."""
    if not positions or not _HOOK_ONLY:
        return
    cols = ", ".join(f'"raw_{c}"' for c in _HOOK_ONLY)
    for pos, *values in engine.rows(f"SELECT pos, {cols} FROM pool_defined "
                                    "WHERE pos IN (SELECT unnest($positions))",
                                    {"positions": sorted(positions)}):
        items[pos].update(zip(_HOOK_ONLY, values))


def _assemble_chunk(engine: Engine, fetched: _Fetched, infos: list[PoolInfo], by_name,
                    pool_names, options: Options, version_id) -> list[Result]:
    """Associations of a chunk's pool units, finalised, one :class:`Result` per unit."""
    try:
        fetched.load()
    finally:
        fetched.close()
    runs = fetched.runs
    asns = assemble.build(fetched.rows, by_name, {r.run: r for r in runs}, fetched.items,
                          pool_names, version_id)
    if options.finalize:
        _hook_values(engine, assemble.hook_positions(asns), fetched.items)
    by_pool: dict[int, list[assemble.Association]] = {i.pool_id: [] for i in infos}
    for asn in asns:
        by_pool[asn.run.pool_id].append(asn)
    del asns
    wanted = [i.lower() for i in options.ids or []]
    runs_by_pool: dict[int, list[assemble.RunInfo]] = {}
    for run in runs:
        runs_by_pool.setdefault(run.pool_id, []).append(run)
    results = []
    for info in infos:
        unit = by_pool.pop(info.pool_id)
        if options.finalize and unit:
            unit = assemble.finalize(unit)
        else:
            # Without finalisation nothing is dropped, but the reference refuses to write an
            # association that fails its validity tests (spec section 12.1, --no-finalize).
            unit = assemble.number_unfinalized(unit, resequenced=options.mode()[1])
            unit = [a for a in unit if assemble.is_valid(a)]
        if options.merge:
            unit = assemble.merge_level2(unit)
        if options.dms and wanted:
            # Only the associations of the ids asked for (spec section 6.2.5); the
            # background candidates added for them took part in generation only.
            unit = [a for a in unit if any(i in a.asn_id for i in wanted)]
        used = assemble.member_positions(unit)
        orphans = [p for p in fetched.unit_rows[info.pool_id] if p not in used]
        results.append(Result(assemble.to_dicts(unit), info,
                              runs_by_pool.get(info.pool_id, []), orphans))
    return results


def run_batch(engine: Engine, pools: list, rules: Ruleset | None = None,
              options: Options | None = None, names: list | None = None,
              progress: Callable[[int, int], None] | None = None,
              timings: dict[str, float] | None = None) -> list[Result]:
    """Run the generator on many pools in one pass, on an open engine.

    Parameters
    ----------
    engine : Engine
        The database (it keeps the tables afterwards, for queries).
    pools : list
        Paths, astropy Tables, pyarrow Tables or DuckDB relations.
    rules : Ruleset, optional
        Default: the JWST rules.
    options : Options, optional
    names : list of str, optional
        ``asn_pool`` names for in-memory tables.
    progress, timings : optional
        As for :func:`iter_batch`.

    Returns
    -------
    list of Result
        One per pool unit (per pool, or per program with ``split_programs``), each as if
        that pool had been processed alone.
    """
    return list(iter_batch(engine, pools, rules, options, names, progress=progress,
                           timings=timings))


def _rule_columns(rule) -> set[str]:
    """The pool columns a rule's query reads (tests, keys, predicates, joins)."""
    from .model import PREDICATE_ARGUMENTS, AttrTest, Composite, PredicateTest

    out: set[str] = set()

    def walk(cond):
        if isinstance(cond, Composite):
            for child in cond.children:
                walk(child)
        elif isinstance(cond, AttrTest):
            out.update(cond.sources)
        elif isinstance(cond, PredicateTest):
            out.update(PREDICATE_ARGUMENTS.get(cond.name, ()))

    walk(rule.where)
    for key in rule.keys + rule.record:
        out.update(key.sources)
        walk(key.when)
        walk(key.constant_when)
    for role in rule.roles:
        walk(role.when)
        if role.not_containing_owner:
            out.add(role.not_containing_owner)
        if role.joins == "same_obs_num":
            out.add("obs_num")
    return out


def run_generator(engine: Engine, pool: Any, rules: Ruleset | None = None,
                  options: Options | None = None,
                  progress: Callable[[int, int], None] | None = None,
                  timings: dict[str, float] | None = None) -> Result:
    """Run the generator on one pool (see :func:`run_batch`; ``timings``: :func:`iter_batch`).

    With ``split_programs``, the programs' results are joined into one :class:`Result`.
    """
    options = options or Options()
    results = run_batch(engine, [pool], rules, options, names=[options.pool_name],
                        progress=progress, timings=timings)
    if len(results) == 1:
        return results[0]
    merged = Result([a for r in results for a in r.associations], results[0].pool,
                    [run for r in results for run in r.runs],
                    [p for r in results for p in r.orphans])
    merged.pool = PoolInfo(pool_id=-1, name=results[0].pool.name, path=results[0].pool.path,
                           columns=results[0].pool.columns,
                           rows=sum(r.pool.rows for r in results),
                           has_candidates=results[0].pool.has_candidates)
    return merged


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
    """
    opts = Options(**options)
    own = engine is None
    engine = engine or Engine.for_pools([pool], tracer=tracer)
    try:
        return run_generator(engine, pool, rules, opts).associations
    finally:
        if own:
            engine.close()


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
