"""Read pools into DuckDB and normalise them as the reference does (spec section 1).

Any number of pools load together (:func:`load_pools`): a batch of pool files processed in
one pass, or one archive pool whose programs are taken as separate pools
(``split_programs``). Each *pool unit* gets a ``pool_id``; generation never mixes units.

Tables made:

``pool_sources``   one row per source (file or table): ``src``, ``name``, ``path``,
                   ``header`` (column names, lower-cased), ``header_line``
``pool_rows``      one row per exposure: ``src``, ``lineno``, ``pos`` (global row number, the
                   processing order), ``fields`` (normalised values: stripped, lower-cased,
                   ``'null'`` for empty cells) and ``defined`` (the same, EMPTY values NULL)
``pool``           ``pool_id``, ``src``, ``pos``, ``lineno``, ``program`` and
                   ``asn_candidate`` as read (NULL when a pool lacks the column)
``pool_raw``       (view) ``pos``, ``src`` and every column the rules read, as read
``pool_defined``   the columns the rule queries read (all of them, or those
                   :func:`load_pools` is given as ``defined``) as *defined* values (NULL
                   for the EMPTY strings of spec section 1.3), and derived ``base_exptype``
                   (spec 7.1), ``item_ami``, ``item_coron``, ``item_tso`` and
                   ``science_pointing`` (spec 7.3): the profile's derived columns; and
                   ``raw_<column>``, the profile's raw columns as read (made in the same
                   pass, which splits each line once)

The pool layout is that of the engine's profile (:attr:`asnsql.engine.Engine.profile`);
spec sections are those of docs/ASSOCIATION_SPEC.md.
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from .engine import Engine
from .errors import AsnsqlWarning, PoolError, QueryError
from .pooltables import CORE_RAW_COLUMNS, pool_tables_sql, table_columns
from .resources import sql_statements

if TYPE_CHECKING:
    from .profiles import Profile

__all__ = ["PoolInfo", "load_pool", "load_pools", "pool_positions", "pool_table",
           "pool_tables_sql", "table_columns", "to_arrow", "CORE_RAW_COLUMNS"]



@dataclass
class PoolInfo:
    """A pool unit that was loaded.

    Attributes
    ----------
    pool_id : int
        Its number in this load.
    name : str
        The pool file's base name, written as ``asn_pool`` (spec section 11.1).
    path : str or None
        The file path as given, or ``None`` for in-memory tables.
    columns : list of str
        The pool's own columns, lower-cased, in order.
    rows : int
        Number of rows.
    has_candidates : bool
        Whether the pool has an ``asn_candidate`` column.
    program : str or None
        The program, when an archive pool was split by program.
    src : int
        The source (file or table) it comes from.
    """

    pool_id: int
    name: str
    path: str | None
    columns: list[str] = field(default_factory=list)
    rows: int = 0
    has_candidates: bool = True
    program: str | None = None
    src: int = 0

    @property
    def where(self) -> str:
        return f"pool file {self.path}" if self.path else f"pool {self.name}"


@dataclass
class _Source:
    src: int
    name: str
    path: str | None
    header: list[str] = field(default_factory=list)
    header_line: int = 0
    delim: str = "|"


def _load_sources(engine: Engine, pools: list, names: list, delimiter: str,
                  pool_format: str | None) -> list[_Source]:
    """Read every pool's lines (or rows) into ``pool_lines``."""
    engine.execute(sql_statements("pool.sql")["create_lines"])
    sources: list[_Source] = []
    offset = 0
    for src, (pool, name) in enumerate(zip(pools, names)):
        if isinstance(pool, (str, os.PathLike)):
            path = str(pool)
            if not Path(path).is_file():
                raise PoolError(f"pool file {path} does not exist (or is not a file)")
            source = _Source(src, Path(path).name, path, delim=delimiter)
            if pool_format is None or pool_format in ("ascii", "ascii.basic", "basic"):
                _load_text(engine, source, offset)
            else:
                _load_astropy(engine, source, path, pool_format, offset)
        else:
            source = _Source(src, name or "pool", None)
            _load_table(engine, source, pool, offset)
        offset += engine.scalar(sql_statements("pool.sql")["source_rows"], {"src": src})
        sources.append(source)
    return sources


def _field_pattern(delimiter: str) -> str:
    # One field: a quoted run, then characters other than the delimiter; then the
    # delimiter (each line gets one appended). RE2 syntax; the delimiter is escaped.
    d = "\\" + delimiter if not delimiter.isalnum() else delimiter
    # As astropy's reader (the reference's): a quote opens a quoted run only at the start
    # of a field; elsewhere it is an ordinary character.
    return f'((?:"[^"]*")?[^{d}]*){d}'


def load_pool(engine: Engine, pool: Any, *, delimiter: str = "|",
              pool_format: str | None = None, name: str | None = None,
              columns: Iterable[str] | None = None) -> PoolInfo:
    """Load one pool (see :func:`load_pools`); return its :class:`PoolInfo`."""
    return load_pools(engine, [pool], delimiter=delimiter, pool_format=pool_format,
                      names=[name], columns=columns)[0]


def load_pools(engine: Engine, pools: list, *, delimiter: str = "|",
               pool_format: str | None = None, names: list | None = None,
               columns: Iterable[str] | None = None,
               split_programs: bool = False,
               defined: Iterable[str] | None = None,
               tables_sql: str | None = None) -> list[PoolInfo]:
    """Load pools into the engine's tables (see the module docstring).

    Parameters
    ----------
    engine : Engine
        Where to load them.
    pools : list
        Each a pipe-delimited pool file (the reference's format), any astropy-readable
        table file (with ``pool_format``), an astropy ``Table``, a pyarrow ``Table`` or a
        DuckDB relation.
    delimiter : str
        Field delimiter of text pools (the reference's ``-d``; default ``|``).
    pool_format : str, optional
        An astropy unified-I/O format name (e.g. ``ascii.ecsv``, ``fits``): read files with
        astropy instead of DuckDB's text reader.
    names : list of str, optional
        ``asn_pool`` names for in-memory tables (default ``"pool"``).
    columns : iterable of str, optional
        Columns of ``pool_raw`` (default: the profile's standard pool columns; give those
        and any a rule file declares).
    split_programs : bool
        Take each program of a pool as a pool of its own (archive pools holding many
        programs): candidates, discovery and numbering then work per program.
    defined : iterable of str, optional
        Columns ``pool_defined`` has as defined values (default: ``columns``): those the
        rule queries read. The inputs of the derived columns are always there.
    tables_sql : str, optional
        :func:`pool_tables_sql` already made for these columns (a
        :class:`~asnsql.plan.Plan` holds it; without it, it is built here with sqlglot).

    Returns
    -------
    list of PoolInfo
        One per pool unit, in processing order.

    Raises
    ------
    PoolError
        When a file is missing, is not a table, has ragged rows or duplicate columns, or
        lacks ``filename``, ``exp_type`` or ``program`` (the file, line and column named).
    """
    names = list(names or [None] * len(pools))
    if len(delimiter) != 1 or delimiter in '"\n\r#':
        raise PoolError(f"delimiter {delimiter!r} is not usable: give one character other "
                        "than a quote, '#' or a line break")
    sources = _load_sources(engine, pools, names, delimiter, pool_format)
    _read_headers(engine, sources, engine.profile)
    engine.run_script(sql_statements("pool.sql")["pool_rows"])
    if tables_sql is None:
        tables_sql = pool_tables_sql(engine.profile, *table_columns(engine.profile, columns,
                                                                    defined), split_programs)
    for statement in tables_sql.split(";\n"):
        engine.execute(statement)
    _check_ragged(engine, sources)
    for source in sources:
        if "asn_candidate" not in source.header:
            where = f"pool file {source.path}" if source.path else f"pool {source.name}"
            warnings.warn(f"{where} has no asn_candidate column (an older pool): only "
                          "discovered associations can be made", AsnsqlWarning, stacklevel=3)
    return _infos(engine, sources, split_programs)


def _load_text(engine: Engine, source: _Source, offset: int) -> None:
    statements = sql_statements("pool.sql")
    try:
        with open(source.path, "rb") as handle:
            head = handle.read(80)
    except OSError as err:
        raise PoolError(f"pool file {source.path} cannot be read: {err.strerror or err}"
                        ) from None
    if head.startswith(b"SIMPLE  ="):
        raise PoolError(f"pool file {source.path} is a FITS file: give --pool-format fits "
                        "(Python: pool_format='fits')")
    try:
        engine.execute(statements["text_lines"], {"path": source.path, "delim": source.delim})
        engine.execute(statements["text_rows"],
                       {"src": source.src, "offset": offset, "delim": source.delim,
                        "field_pattern": _field_pattern(source.delim)})
    except QueryError as err:
        raise PoolError(f"pool file {source.path} cannot be read as text ({_csv_reason(err)});"
                        f" pools are {source.delim!r}-delimited UTF-8 text, or give "
                        "--pool-format") from None
    finally:
        engine.execute("DROP TABLE IF EXISTS pool_text")


def _csv_reason(err: QueryError) -> str:
    """DuckDB's complaint about a text file, short: its line number and reason, without the
    line's text, the hints and the reader's settings."""
    lines = [line.strip() for line in str(err).splitlines()]
    head = lines[0] if lines else str(err)
    reasons = []
    for line in lines[1:]:
        if line.startswith("Expected Number of Columns"):
            reasons.append("it holds a NUL byte")
        elif line.startswith(("Invalid unicode", "Maximum line size")):
            reasons.append(line)
    return "; ".join([head] + reasons)


def _load_astropy(engine: Engine, source: _Source, path: str, pool_format: str,
                  offset: int) -> None:
    from astropy.table import Table

    kwargs = {"format": pool_format}
    if pool_format.startswith("ascii") and pool_format != "ascii.ecsv":
        kwargs["delimiter"] = source.delim  # as asn_generate passes its -d
    try:
        table = Table.read(path, **kwargs)
    except Exception as err:  # astropy raises many types for unreadable files
        raise PoolError(f"pool file {path} cannot be read as {pool_format!r}: "
                        f"{type(err).__name__}: {err}") from None
    _load_table(engine, source, table, offset)


def to_arrow(table: Any):
    """A pool table in memory as a pyarrow Table; None for a type that is not read.

    Parameters
    ----------
    table : pyarrow.Table or astropy.table.Table
        An astropy Table becomes a string column each (masked values empty).

    Returns
    -------
    pyarrow.Table or None
    """
    import pyarrow as pa

    if isinstance(table, pa.Table):
        return table
    from astropy.table import Table

    if isinstance(table, Table):
        columns = {}
        for name in table.colnames:
            column = table[name]
            mask = getattr(column, "mask", None)
            values = []
            for i, value in enumerate(column):
                if mask is not None and bool(mask[i]):
                    values.append("")
                elif isinstance(value, bytes):
                    values.append(value.decode("utf-8", "replace"))
                else:
                    values.append(str(value))
            columns[str(name)] = pa.array(values, type=pa.string())
        return pa.table(columns)
    return None


def _load_table(engine: Engine, source: _Source, table: Any, offset: int) -> None:
    """A table in memory: the header line is its column names, rows follow as lines.

    The rows go to DuckDB as one list of values each (built in Arrow), so the statement
    that normalises them (``table_rows`` in ``sql/pool.sql``) is the same for any table.
    """
    import numpy as np
    import pyarrow as pa

    if engine.is_relation(table):
        table = table.to_arrow_table()
    arrow = to_arrow(table)
    if arrow is None:
        raise PoolError(f"cannot read a pool from a {type(table).__name__}; give a file path, "
                        "an astropy Table, a pyarrow Table or a DuckDB relation")
    names = [str(n) for n in arrow.column_names]
    n_rows, n_cols = arrow.num_rows, len(names)
    values = pa.concat_arrays([pa.array([], pa.large_string())] + [
        arrow.column(i).cast(pa.large_string()).combine_chunks() for i in range(n_cols)])
    # row-major: element i * n_cols + j is row i of column j
    order = (np.arange(n_cols, dtype=np.int64)[None, :] * n_rows
             + np.arange(n_rows, dtype=np.int64)[:, None]).ravel()
    fields = pa.LargeListArray.from_arrays(
        pa.array(np.arange(n_rows + 1, dtype=np.int64) * n_cols), values.take(order))
    engine.register("pool_arrow", pa.table({
        "lineno": pa.array(range(2, n_rows + 2), type=pa.int64()),
        "pos": pa.array(range(offset, offset + n_rows), type=pa.int64()),
        "fields": fields}))
    try:
        engine.execute("INSERT INTO pool_lines VALUES ($src, 1, NULL, NULL, "
                       """from_json($names, '["VARCHAR"]'))""",
                       {"src": source.src, "names": json.dumps(names)})  # (not a list)
        engine.execute(sql_statements("pool.sql")["table_rows"], {"src": source.src})
    finally:
        engine.unregister("pool_arrow")


def _read_headers(engine: Engine, sources: list[_Source], profile: Profile) -> None:
    required, reserved = profile.pool.required, profile.reserved_columns
    headers = {src: (line, fields) for src, line, fields in
               engine.rows(sql_statements("pool.sql")["headers"])}
    for source in sources:
        where = f"pool file {source.path}" if source.path else f"pool {source.name}"
        if source.src not in headers:
            raise PoolError(f"{where} has no header line and no rows")
        line, fields = headers[source.src]
        # (header fields come normalised: an empty name reads as 'null')
        names = ["" if n == "null" else _unquote(n).strip().lower() for n in fields]
        if len(names) < 2:
            raise PoolError(f"{where}, line {line}: the header has one column; is the file "
                            "'|'-delimited? (use -d or --pool-format)")
        _check_names(names, f"{where}, line {line}")
        missing = [c for c in required if c not in names]
        if missing:
            raise PoolError(f"{where} lacks column(s) {', '.join(missing)}; every pool needs "
                            f"{', '.join(required)} (found: {', '.join(names)})")
        clash = [c for c in names if c in reserved]
        if clash:
            raise PoolError(f"{where} has column(s) {', '.join(clash)}, names asnsql "
                            "reserves for its own use; rename them in the pool")
        source.header, source.header_line = names, line
    engine.execute("CREATE OR REPLACE TABLE pool_sources (src INTEGER, name VARCHAR, "
                   "path VARCHAR, header VARCHAR[], header_line BIGINT, delim VARCHAR)")
    # (the header as JSON text: DuckDB binds a Python list element by element, trying to
    # import pandas twice for each, a tenth of a small pool's run)
    engine.con.executemany("INSERT INTO pool_sources VALUES "
                           """(?, ?, ?, from_json(?, '["VARCHAR"]'), ?, ?)""",
                           [(s.src, s.name, s.path, json.dumps(s.header), s.header_line,
                             s.delim) for s in sources])


def _check_ragged(engine: Engine, sources: list[_Source]) -> None:
    ragged = engine.rows(sql_statements("pool.sql")["ragged"])
    if ragged:
        src = ragged[0][0]
        source = next(s for s in sources if s.src == src)
        where = f"pool file {source.path}" if source.path else f"pool {source.name}"
        lines = ", ".join(f"line {line} has {n}" for s, line, n, _ in ragged if s == src)
        raise PoolError(f"{where}: rows must have {ragged[0][3]} fields like the header "
                        f"(line {source.header_line}); {lines}")


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1].replace('""', '"')
    return text


def _check_names(names: list[str], where: str) -> None:
    blank = [i + 1 for i, n in enumerate(names) if not n]
    if blank:
        raise PoolError(f"{where}: column(s) {blank} of the header have no name")
    seen: set[str] = set()
    dups = sorted({n for n in names if n in seen or seen.add(n)})
    if dups:
        raise PoolError(f"{where}: column name(s) {', '.join(dups)} appear twice "
                        "(names are compared case-insensitively)")


def _infos(engine: Engine, sources: list[_Source], split_programs: bool) -> list[PoolInfo]:
    by_src = {s.src: s for s in sources}
    infos = []
    for pool_id, src, rows, program in engine.rows(
            "SELECT pool_id, min(src), count(*), min(program) FROM pool "
            "GROUP BY pool_id ORDER BY pool_id"):
        source = by_src[src]
        infos.append(PoolInfo(pool_id=pool_id, name=source.name, path=source.path,
                              columns=source.header, rows=rows,
                              has_candidates="asn_candidate" in source.header,
                              program=program if split_programs else None, src=src))
    # A source without rows is a pool with no exposures (no associations).
    seen = {i.src for i in infos}
    next_id = max([i.pool_id for i in infos], default=-1) + 1
    for source in sources:
        if source.src not in seen and not split_programs:
            infos.append(PoolInfo(pool_id=next_id, name=source.name, path=source.path,
                                  columns=source.header, rows=0,
                                  has_candidates="asn_candidate" in source.header,
                                  src=source.src))
            next_id += 1
    return infos


def pool_positions(engine: Engine) -> list[int]:
    """Every loaded pool row's number (``pos``), in order."""
    return [r[0] for r in engine.rows("SELECT pos FROM pool ORDER BY pos")]


def pool_table(engine: Engine, info: PoolInfo, positions=None) -> list[tuple]:
    """Rows of a pool with its own columns, values as read.

    ``positions`` selects rows by global row number; ``None`` gives every row of the pool
    unit.
    """
    if positions is not None:
        query = ("SELECT fields FROM pool_rows WHERE pos IN (SELECT unnest($p)) "
                 "ORDER BY pos")
        params: dict[str, Any] = {"p": list(positions)}
    else:
        query = ("SELECT r.fields FROM pool_rows AS r JOIN pool AS p USING (pos) "
                 "WHERE p.pool_id = $id ORDER BY r.pos")
        params = {"id": info.pool_id}
    return [tuple(r[0]) for r in engine.rows(query, params)]
