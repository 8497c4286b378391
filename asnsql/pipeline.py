"""One generator pass over loaded pool units: candidates, rule queries, assembly.

:func:`run_unit` runs a :class:`~asnsql.plan.Plan` on a table (an Arrow table, a file...)
with no process-wide state: a worker process of a distributed engine can call it. The
steps it chains are public so that :mod:`asnsql.batch` (the local large-pool path: chunks,
a prefetch thread, interpreter tuning) runs the same ones. Neither imports sqlglot: the SQL
comes from the plan. Spec sections are those of docs/ASSOCIATION_SPEC.md.
"""

from __future__ import annotations

import datetime
import warnings
from dataclasses import dataclass, field
from itertools import compress, groupby, repeat
from operator import itemgetter
from typing import Any, Callable, Iterator

from . import assemble, finalize
from .engine import Engine
from .errors import AsnsqlWarning, PoolError
from .options import Options
from .plan import Plan
from .pool import PoolInfo, load_pools
from .resources import sql_statements
from .timing import PhaseClock

__all__ = ["Result", "Fetched", "run_unit", "load_units", "build_candidates",
           "build_runs", "fetch", "assemble_results", "version_stamp", "COLUMNAR_ROWS"]

_TUPLE = r"\(\s*'([^']*)'\s*,\s*'([^']*)'\s*\)"
_LIST = r"\[\s*(?:" + _TUPLE + r"\s*(?:,\s*" + _TUPLE + r"\s*)*,?)?\s*\]"
_LIST_PLAIN = _LIST.replace("([^']*)", "(?:[^']*)")

#: Chunks of more rows have their results converted column by column (Pending.fetch).
COLUMNAR_ROWS = 20_000


@dataclass
class Result:
    """What a generator run produced for one pool unit."""

    associations: list[assemble.AssociationDict]
    pool: PoolInfo
    runs: list[assemble.RunInfo] = field(default_factory=list)
    orphans: list[int] = field(default_factory=list)
    #: ``asn_type`` -> number of associations, when the associations were written and not
    #: kept (``generate_files(..., keep_associations=False)``); else ``None``.
    counted: dict[str, int] | None = None

    def type_counts(self) -> dict[str, int]:
        """``asn_type`` -> number of associations made (kept or not)."""
        if self.counted is not None:
            return dict(self.counted)
        counts: dict[str, int] = {}
        for asn in self.associations:
            counts[asn["asn_type"]] = counts.get(asn["asn_type"], 0) + 1
        return counts


def version_stamp(value: str | None) -> str | None:
    """The ``version_id`` of a run: ``value``, or the UTC time when it is ``""``."""
    if value is None:
        return None
    if value == "":
        # QUIRK: the reference recomputes the stamp for every candidate; asnsql stamps once.
        return datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dt%H%M%S")
    return value


def run_unit(engine: Engine, plan: Plan, table: Any, name: str | None = None,
             timings: dict[str, float] | None = None,
             progress: Callable[[int, int], None] | None = None) -> list[Result]:
    """Run a plan on one pool table: load, candidates, queries, assembly, finalisation.

    Parameters
    ----------
    engine : Engine
        A fresh engine of the plan's profile (the pool tables are replaced).
    plan : Plan
        The compiled rules and the options (:meth:`asnsql.plan.Plan.build`).
    table : pyarrow.Table, astropy Table, DuckDB relation, str or path
        The pool.
    name : str, optional
        ``asn_pool`` of an in-memory table (default ``plan.options.pool_name``).
    timings : dict of str to float, optional
        Receives the seconds of each phase (:class:`asnsql.timing.PhaseClock`): ``read
        pool``, ``candidates``, ``rule queries``, ``assembly`` (finalisation included).
    progress : callable, optional
        ``progress(rows_done, rows_total)`` after each phase (:class:`PhaseClock`).

    Returns
    -------
    list of Result
        One per pool unit (one, or one per program with ``split_programs``).

    Raises
    ------
    PoolError, QueryError
        See :mod:`asnsql.errors`.
    """
    clock = PhaseClock(timings, progress)
    infos = load_units(engine, plan, [table], [name or plan.options.pool_name], clock)
    if not infos:
        return []
    fetched = fetch(engine, plan, infos)
    clock.lap("rule queries")
    results = assemble_results(engine, plan, fetched, infos,
                               version_stamp(plan.options.version_id))
    clock.lap("assembly")
    return results


def load_units(engine: Engine, plan: Plan, pools: list, names: list | None = None,
               clock: PhaseClock | None = None) -> list[PoolInfo]:
    """Load pools with the plan's pool tables and build every unit's candidates (timed
    as ``read pool`` and ``candidates`` on ``clock``)."""
    clock = clock or PhaseClock(None)
    options = plan.options
    infos = load_pools(engine, pools, delimiter=options.delimiter,
                       pool_format=options.pool_format, names=names,
                       split_programs=options.split_programs, tables_sql=plan.pool_sql)
    clock.begin(sum(i.rows for i in infos))
    clock.lap("read pool")
    build_candidates(engine, infos, options)
    clock.lap("candidates")
    return infos


def build_candidates(engine: Engine, infos: list[PoolInfo], options: Options) -> None:
    """Build the candidate tables and runs of every pool unit (spec section 6.2.1)."""
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
    engine.execute(statements["repeated_files"])
    derived = {d.name for d in engine.profile.pool.derived}
    if not options.skip_undefined_exptype and "base_exptype" in derived:
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


def build_runs(engine: Engine, first: int, last: int) -> list[assemble.RunInfo]:
    """Build ``runs``, ``run_rows`` and ``run_items`` for pool units ``first..last`` (their
    slice of the runs :func:`build_candidates` made)."""
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


def _items_query(plan: Plan, first: int, last: int) -> tuple[str, dict]:
    """The pool values assembly needs for every row of pool units ``first..last``:
    ``pool_id, pos``, the profile's member columns (raw) and item flags, by unit and row."""
    pool = plan.profile.pool
    cols = ", ".join([f'd."raw_{c}"' for c in pool.member_columns]
                     + [f'd."{c}"' for c in pool.item_flags])
    query = (f"SELECT u.pool_id, u.pos, {cols} FROM pool AS u "
             "JOIN pool_defined AS d USING (pos) "
             "WHERE u.pool_id BETWEEN $first AND $last ORDER BY u.pool_id, u.pos")
    return query, {"first": first, "last": last}


class Fetched:
    """What the database gives for some pool units (see :func:`fetch`).

    The queries have run; their rows become Python values on first use (:meth:`load`), in
    the thread that assembles them (the batch path runs the next queries meanwhile).
    """

    def __init__(self, runs: list[assemble.RunInfo], rules, items, infos: list[PoolInfo],
                 keys: tuple[str, ...]):
        self.runs = runs
        self._rules = rules
        self._items = items
        self._keys = keys
        self._units = [i.pool_id for i in infos]
        # (large chunks: results converted column by column, Pending.fetch)
        self._columnar = sum(i.rows for i in infos) > COLUMNAR_ROWS
        self.rows: list[tuple] | Iterator[tuple] = []
        self.items: dict[int, dict] = {}
        self.unit_rows: dict[int, list[int]] = {}

    def load(self) -> "Fetched":
        """Fetch the rule rows and the rows' pool values.

        Results already out of DuckDB (:func:`fetch` with ``one_by_one``) become rows
        rule by rule as :attr:`rows` is read (an iterator then, read once), each rule's
        let go before the next: a large unit's rows are never all Python tuples at once.
        """
        pool_ids, *values = self._items.fetch_columns(self._columnar)
        positions = values[0]
        # Only the rows of some association (a member, or the row creating it) are spelled
        # out: on an archive pool about 40% of the rows are in none, and a row's dict is
        # most of its memory. (Built by C-level iteration: a Python loop over the rows
        # costs half as much again.)
        if self._rules and all(isinstance(p, _Ready) for p in self._rules):
            needed = set()
            for ready in self._rules:
                needed.update(ready.member_rows())
            self.rows = _rows_of(self._rules)
        else:
            self.rows = [row for pending in self._rules
                         for row in pending.fetch(self._columnar)]
            needed = set(map(itemgetter(4), self.rows))
            needed.update(map(itemgetter(3), self.rows))
        chosen = list(map(needed.__contains__, positions))
        self.items = dict(zip(compress(positions, chosen),
                              map(dict, map(zip, repeat(self._keys),
                                            compress(zip(*values), chosen)))))
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


def _rows_of(results: list) -> Iterator[tuple]:
    """The rows of ``results`` (:class:`_Ready`), one result turned into tuples at a time."""
    for result in results:
        rows = result.fetch()
        yield from rows
        del rows


#: Seconds DuckDB takes to plan a query, per character of its text: what a rule query
#: not run yet is expected to take. On a small pool planning is nearly all of a query's
#: time, and it grows with the text (15-row pool: the Level-3 image rule, 20k characters,
#: 42 ms; the Level-2 non-science one, 5k characters, 8 ms).
PLAN_SECONDS_PER_CHAR = 2e-6


def _expected_seconds(took: float | None, query) -> float:
    """How long a query is expected to take: ``took`` (its time last time) if known, else
    a guess from the length of its text (:data:`PLAN_SECONDS_PER_CHAR`)."""
    if took is not None:
        return took
    text = query[0] if isinstance(query, tuple) else query
    return len(text) * PLAN_SECONDS_PER_CHAR


def fetch(engine: Engine, plan: Plan, infos: list[PoolInfo],
          costs: dict[str, float] | None = None, one_by_one: bool = False) -> Fetched:
    """Run the queries of pool units ``infos`` (consecutive): their candidate runs, the
    screen, every rule that may have an association, and the rows' pool values.

    The rule queries and the pool values query run side by side on the cores, the longest
    first (``costs``: rule name -> seconds its query took last time, updated; a query not
    run yet is ranked by the length of its text, :func:`_expected_seconds`). With
    ``one_by_one`` each result is taken out of DuckDB (as Arrow) as soon as its query has
    run, and only two queries run at a time, one thread each: a pool of a million rows run
    as one unit otherwise holds every query's result in DuckDB at once (about 1.5 GB) while
    the next ones work. (Two queries on one thread each took 7.0-7.2 s at a million rows
    where the same queries one after the other on two threads took 8.3-8.8 s.)
    """
    costs = {} if costs is None else costs
    runs = build_runs(engine, infos[0].pool_id, infos[-1].pool_id)
    active = list(plan.queries)
    if active:
        # Skip the rules that cannot have an association in these units (the screen).
        possible = engine.dicts(plan.screen)[0]
        active = [name for name in active if possible[name]]
    else:
        possible = {}
    names = active + ["(items)"]
    # a rule whose locks no row can take runs without them (same rows, faster to plan)
    queries = [plan.unlocked[name][1]
               if name in plan.unlocked and not possible.get(plan.unlocked[name][0])
               else plan.queries[name] for name in active]
    queries.append(_items_query(plan, infos[0].pool_id, infos[-1].pool_id))
    order = sorted(range(len(queries)), key=lambda i: -_expected_seconds(
        costs.get(names[i]), queries[i]))
    seconds: list[float] = []
    if one_by_one:
        with engine.duckdb_threads(1):
            pending = engine.run_parallel([queries[i] for i in order], workers=2,
                                          seconds=seconds, take=_Ready)
    else:
        pending = engine.run_parallel([queries[i] for i in order], seconds=seconds)
    by_index = dict(zip(order, pending))
    for i, took in zip(order, seconds):
        costs[names[i]] = took
    pool = plan.profile.pool
    return Fetched(runs, [by_index[i] for i in range(len(active))], by_index[len(active)],
                   infos, ("pos",) + pool.member_columns + pool.item_flags)


class _Ready:
    """A query result already taken out of DuckDB (:func:`fetch` with ``one_by_one``), kept
    as an Arrow table (a few times smaller than Python tuples) until read like the
    :class:`~asnsql.engine.Pending` it came from."""

    def __init__(self, pending):
        self._table = pending.fetch_arrow()

    def member_rows(self) -> list[int]:
        """The pool rows of a rule query's result: members and creating rows."""
        return self._table.column(4).to_pylist() + self._table.column(3).to_pylist()

    def fetch_columns(self, columnar: bool = False) -> list[list]:
        table, self._table = self._table, None
        return [column.to_pylist() for column in table.columns] if table is not None else []

    def fetch(self, columnar: bool = False) -> list[tuple]:
        return list(zip(*self.fetch_columns()))

    def close(self) -> None:
        self._table = None


def _int_array(values) -> str:
    """Integers as DuckDB's text form of a list (``[1, 2]``), to bind as one parameter."""
    return "[" + ", ".join(map(str, sorted(map(int, values)))) + "]"


def _hook_values(engine: Engine, plan: Plan, positions: set[int],
                 items: dict[int, dict]) -> None:
    """Add the values only hooks read (raw) to the items of pool rows ``positions``."""
    only = plan.profile.hook_only_columns
    if not positions or not only:
        return
    cols = ", ".join(f'"raw_{c}"' for c in only)
    # One text parameter cast to a typed array: DuckDB binds a Python list element by
    # element (and tries to import pandas twice for each), 100 times slower at 100k rows.
    for pos, *values in engine.rows(f"SELECT pos, {cols} FROM pool_defined "
                                    "WHERE pos IN (SELECT unnest($positions::BIGINT[]))",
                                    {"positions": _int_array(positions)}):
        items[pos].update(zip(only, values))


def assemble_results(engine: Engine, plan: Plan, fetched: Fetched, infos: list[PoolInfo],
                     version_id: str | None) -> list[Result]:
    """Associations of pool units ``infos``, finalised, one :class:`Result` per unit."""
    try:
        fetched.load()
    except BaseException:
        fetched.close()
        raise
    options, profile = plan.options, plan.profile
    try:
        asns = assemble.build(fetched.rows, {r.name: r for r in plan.rules},
                              {r.run: r for r in fetched.runs}, fetched.items,
                              {i.pool_id: i.name for i in infos}, version_id, profile.naming)
    finally:
        fetched.close()
    fetched.rows = []  # (let go before finalisation: a large unit's rows are many)
    if options.finalize:
        _hook_values(engine, plan, assemble.hook_positions(asns, profile), fetched.items)
    by_pool: dict[int, list[assemble.Association]] = {i.pool_id: [] for i in infos}
    for asn in asns:
        by_pool[asn.run.pool_id].append(asn)
    del asns
    runs_by_pool: dict[int, list[assemble.RunInfo]] = {}
    for run in fetched.runs:
        runs_by_pool.setdefault(run.pool_id, []).append(run)
    results = []
    for info in infos:
        unit = _finish(by_pool.pop(info.pool_id), plan)
        used = assemble.member_positions(unit)
        orphans = [p for p in fetched.unit_rows[info.pool_id] if p not in used]
        results.append(Result(assemble.to_dicts(unit, profile.naming), info,
                              runs_by_pool.get(info.pool_id, []), orphans))
    return results


def _finish(unit: list[assemble.Association], plan: Plan) -> list[assemble.Association]:
    """One unit's associations finalised (or numbered), merged and chosen as asked."""
    options = plan.options
    if options.finalize and unit:
        unit = finalize.finalize(unit, plan.profile)
    else:
        # Without finalisation nothing is dropped, but the reference refuses to write an
        # association that fails its validity tests (spec section 12.1, --no-finalize).
        unit = finalize.number_unfinalized(unit, resequenced=options.mode()[1])
        unit = [a for a in unit if finalize.is_valid(a, plan.profile.vocabulary)]
    if options.merge:
        unit = finalize.merge_level2(unit)
    wanted = [i.lower() for i in options.ids or []]
    if options.dms and wanted:
        # Only the associations of the ids asked for (spec section 6.2.5); the background
        # candidates added for them took part in generation only.
        unit = [a for a in unit if any(i in a.asn_id for i in wanted)]
    return unit
