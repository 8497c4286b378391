"""The generator: pool -> runs -> compiled rules -> associations (spec section 6).

:func:`generate` is the Python entry point behind ``asnsql generate``. The data flows one
way: the pool is loaded into DuckDB (:mod:`asnsql.pool`), the candidate runs are built in
SQL (``sql/candidates.sql``), each rule's compiled query (:mod:`asnsql.compile`) returns
its associations as grouped rows, and :mod:`asnsql.assemble` spells them out.
"""

from __future__ import annotations

import datetime
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

from . import assemble
from .compile import rule_sql
from .engine import Engine
from .errors import AsnsqlWarning, PoolError
from .model import Ruleset
from .pool import PoolInfo, load_pool
from .resources import sql_statements
from .ruleset import default_ruleset

__all__ = ["generate", "Options", "Result", "orphan_table", "run_generator"]

_TUPLE = r"\(\s*'([^']*)'\s*,\s*'([^']*)'\s*\)"
_LIST = r"\[\s*(?:" + _TUPLE + r"\s*(?:,\s*" + _TUPLE + r"\s*)*,?)?\s*\]"
_LIST_PLAIN = _LIST.replace("([^']*)", "(?:[^']*)")

DISCOVER_RUN = 0


@dataclass
class Options:
    """Generator options, named after ``asn_generate``'s (spec section 12.1).

    ``ids``, ``discover`` and ``all_candidates`` are mutually exclusive; with none of them
    both discovered and candidate associations are made (spec section 6.1).
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
    """What a generator run produced."""

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


def _candidate_runs(engine: Engine, info: PoolInfo, options: Options) -> list[tuple[str, str]]:
    """The (id, type) candidates to run, in processing order (spec section 6.2.1)."""
    if not info.has_candidates:
        return []
    statements = sql_statements("candidates.sql")
    bad = engine.rows(statements["bad_candidates"], {"list": _LIST_PLAIN})
    if bad:
        where = "; ".join(f"line {line or '?'} (row {pos + 1}): {text!r}"
                          for line, pos, text in bad)
        raise PoolError(f"pool {info.path or info.name}, column asn_candidate: value(s) that "
                        f"are not a list of (id, type) pairs: {where}. Expected e.g. "
                        "[('o001', 'observation'), ('c1000', 'background')]")
    engine.execute(statements["candidate_entries"], {"tuple": _TUPLE})
    ordered = [tuple(r) for r in engine.rows(statements["candidate_order"])]
    want_all, _ = options.mode()
    if options.ids:
        first_type: dict[str, str] = {}
        for cid, ctype in ordered:
            first_type.setdefault(cid, ctype)
        ids = [i.lower() for i in options.ids]
        chosen = []
        for cid in ids:
            if cid in first_type:
                chosen.append((cid, first_type[cid]))
            else:
                warnings.warn(f"candidate {cid} is not in pool {info.name}; skipped",
                              AsnsqlWarning, stacklevel=4)
        if options.dms:
            extra = [r[0] for r in engine.rows(statements["background_ids"], {"ids": ids})]
            chosen += [(cid, "background") for cid in extra if cid not in ids]
        return chosen
    return ordered if want_all else []


def _make_runs(engine: Engine, info: PoolInfo, options: Options) -> list[assemble.RunInfo]:
    want_all, want_discover = options.mode()
    runs = []
    if want_discover:
        runs.append(assemble.RunInfo(DISCOVER_RUN, "discover", "a3001", "discovered", 0))
    candidates = _candidate_runs(engine, info, options) if (want_all or options.ids) else []
    for i, (cid, ctype) in enumerate(candidates, start=1):
        runs.append(assemble.RunInfo(i, "candidate", cid, ctype, i))
    engine.execute("CREATE OR REPLACE TEMP TABLE runs (run INTEGER, cand_kind VARCHAR, "
                   "cand_id VARCHAR, cand_type VARCHAR)")
    if runs:
        engine.con.executemany("INSERT INTO runs VALUES (?, ?, ?, ?)",
                               [(r.run, r.kind, r.cand_id, r.cand_type) for r in runs])
    engine.execute(sql_statements("candidates.sql")["run_items"])
    return runs


#: Pool values assembly needs (raw strings; NULL when the pool lacks the column): member
#: names and metadata, and the finalisation hooks' inputs (spec sections 8.5, 9.4).
_ITEM_COLUMNS = ("filename", "exp_type", "exposerr", "targetid", "program", "asn_candidate",
                 "item_ami", "item_coron", "item_tso", "bkgdtarg", "dithptin", "numdthpt",
                 "patt_num", "subpxpts", "subpxpns", "fxd_slit", "expspcin", "instrume",
                 "filter", "band", "pupil", "grating")


def run_generator(engine: Engine, pool: Any, rules: Ruleset | None = None,
                  options: Options | None = None) -> Result:
    """Run the generator on an open engine (the database keeps the tables afterwards).

    Parameters
    ----------
    engine : Engine
    pool : path, astropy Table, pyarrow Table or DuckDB relation
    rules : Ruleset, optional
        Default: the JWST rules.
    options : Options, optional

    Returns
    -------
    Result
    """
    options = options or Options()
    options.mode()
    rules = rules or default_ruleset()
    info = load_pool(engine, pool, delimiter=options.delimiter,
                     pool_format=options.pool_format, name=options.pool_name)
    runs = _make_runs(engine, info, options)
    rows: list[dict] = []
    for rule in rules:
        if rule.product == "none":
            continue
        rows += engine.dicts(rule_sql(rule, pretty=False))
    positions = sorted({m["pos"] for r in rows for m in r["members"]}
                       | {r["created"] for r in rows})
    items = {}
    if positions:
        cols = ", ".join(f'"{c}"' for c in _ITEM_COLUMNS)
        query = (f"SELECT pos, {cols}, asn_science_pointing(pntgtype, exp_type) "
                 "AS science_pointing FROM pool WHERE pos IN (SELECT unnest($p))")
        items = {r["pos"]: r for r in engine.dicts(query, {"p": positions})}
    version_id = _version_id(options.version_id)
    asns = assemble.build(rows, {r.name: r for r in rules}, {r.run: r for r in runs}, items,
                          info.name, version_id)
    if options.finalize and asns:
        asns = assemble.finalize(asns)
    else:
        # Without finalisation nothing is dropped, but the reference refuses to write an
        # association that fails its validity tests (spec section 12.1, --no-finalize).
        asns = assemble.number_unfinalized(asns, resequenced=options.mode()[1])
        asns = [a for a in asns if assemble.is_valid(a)]
    if options.merge:
        asns = assemble.merge_level2(asns)
    if options.dms and options.ids:
        # Only the associations of the ids asked for (spec section 6.2.5); the background
        # candidates added for them took part in generation and pruning only.
        wanted = [i.lower() for i in options.ids]
        asns = [a for a in asns if any(i in a.asn_id for i in wanted)]
    used = assemble.member_positions(asns)
    orphans = [p for p in range(info.rows) if p not in used]
    return Result(assemble.to_dicts(asns), info, runs, orphans)


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
        ``pool_name``.

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
    engine = engine or Engine(tracer=tracer)
    try:
        return run_generator(engine, pool, rules, opts).associations
    finally:
        if own:
            engine.close()


def orphan_table(engine: Engine, info: PoolInfo, positions) -> str:
    """The given pool rows as a ``|``-delimited table (``--save-orphans``).

    Columns are the pool's own, values as read (lower-cased, empty cells as ``null``), as
    ``asn_generate --save-orphans`` writes them.
    """
    import io

    from astropy.table import Table

    positions = sorted(positions)
    columns = ", ".join(f'"{c}"' for c in info.columns)
    rows = engine.rows(f"SELECT {columns} FROM pool WHERE pos IN (SELECT unnest($p)) "
                       "ORDER BY pos", {"p": positions}) if positions else []
    table = Table(rows=rows or None, names=info.columns,
                  dtype=None if rows else [str] * len(info.columns))
    buffer = io.StringIO()
    table.write(buffer, format="ascii", delimiter="|")
    return buffer.getvalue()
