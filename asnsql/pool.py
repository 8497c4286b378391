"""Read a pool into DuckDB and normalise it as the reference does (spec section 1).

A pool is a table with one row per exposure. The result is the DuckDB table ``pool``:

========================  ==================================================================
``pos``                   BIGINT, 0-based row number: the reference's processing order
``lineno``                BIGINT, line of the row in a text pool (NULL for other inputs)
<every pool column>       VARCHAR, stripped and lower-cased; an empty cell is ``'null'``;
                          column names lower-cased
<standard columns>        VARCHAR NULL when the pool lacks them (a missing column reads as
                          undefined, spec section 1.4)
``base_exptype``          VARCHAR, the exposure type of spec section 7.1
``item_ami``, ``item_coron``, ``item_tso``
                          BOOLEAN, the exposure-level "...ints" tests of spec section 7.3
========================  ==================================================================

and the table ``pool_defined``: the same rows and columns with every undefined value (the
EMPTY set of spec section 1.3) as NULL, which the rule queries read.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlglot import exp

from .engine import Engine
from .errors import AsnsqlWarning, PoolError, QueryError
from .resources import sql_statements
from .ruleset import STANDARD_COLUMNS

__all__ = ["PoolInfo", "load_pool", "REQUIRED_COLUMNS"]

#: Columns without which no association can be made (issue: PoolError naming them).
REQUIRED_COLUMNS = ("filename", "exp_type", "program")


@dataclass
class PoolInfo:
    """What was loaded.

    Attributes
    ----------
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
    """

    name: str
    path: str | None
    columns: list[str] = field(default_factory=list)
    rows: int = 0
    has_candidates: bool = True


def _field_pattern(delimiter: str) -> str:
    # One field: quoted runs or characters other than the delimiter and a quote, then the
    # delimiter (the line gets one appended). RE2 syntax; the delimiter is escaped.
    d = "\\" + delimiter if not delimiter.isalnum() else delimiter
    return f'((?:"[^"]*"|[^{d}"])*){d}'


def load_pool(engine: Engine, pool: Any, *, delimiter: str = "|",
              pool_format: str | None = None, name: str | None = None) -> PoolInfo:
    """Load a pool into the engine's table ``pool``.

    Parameters
    ----------
    engine : Engine
        Where to load it.
    pool : str, pathlib.Path, astropy.table.Table, pyarrow.Table or DuckDB relation
        A pipe-delimited pool file (the reference's format), any astropy-readable table file
        (with ``pool_format``), or a table in memory.
    delimiter : str
        Field delimiter of text pools (the reference's ``-d``; default ``|``).
    pool_format : str, optional
        An astropy unified-I/O format name (e.g. ``ascii.ecsv``, ``fits``, ``csv``): read
        the file with astropy instead of DuckDB's text reader.
    name : str, optional
        The ``asn_pool`` name for in-memory tables (default ``"pool"``).

    Returns
    -------
    PoolInfo

    Raises
    ------
    PoolError
        When the file is missing, is not a table, has ragged rows, lacks ``filename``,
        ``exp_type`` or ``program``, or has an unreadable ``asn_candidate`` value (the file,
        the line and the column are named).
    """
    if isinstance(pool, (str, os.PathLike)):
        path = str(pool)
        if not Path(path).is_file():
            raise PoolError(f"pool file {path} does not exist (or is not a file)")
        info = PoolInfo(name=Path(path).name, path=path)
        if pool_format is None or pool_format in ("ascii", "ascii.basic", "basic"):
            _load_text(engine, path, delimiter, info)
        else:
            _load_astropy(engine, path, pool_format, delimiter, info)
    else:
        info = PoolInfo(name=name or "pool", path=None)
        _load_table(engine, pool, info)
    _check_columns(info)
    _normalise(engine, info)
    return info


def _load_text(engine: Engine, path: str, delimiter: str, info: PoolInfo) -> None:
    if len(delimiter) != 1 or delimiter in '"\n\r#':
        raise PoolError(f"delimiter {delimiter!r} is not usable: give one character other "
                        "than a quote, '#' or a line break")
    try:
        engine.execute(sql_statements("pool.sql")["pool_lines"],
                       {"path": path, "delim": delimiter,
                        "field_pattern": _field_pattern(delimiter)})
    except QueryError as err:
        raise PoolError(f"pool file {path} cannot be read as text ({err}); pools are "
                        f"{delimiter!r}-delimited text, or give --pool-format") from None
    header = engine.rows("SELECT lineno, fields FROM pool_lines ORDER BY lineno LIMIT 1")
    if not header:
        raise PoolError(f"pool file {path} has no header line and no rows")
    header_line, names = header[0]
    names = [_unquote(n).strip().lower() for n in names]
    if len(names) < 2:
        raise PoolError(f"pool file {path}, line {header_line}: the header has one column; "
                        f"is the file {delimiter!r}-delimited? (use -d or --pool-format)")
    _check_names(names, f"pool file {path}, line {header_line}")
    ragged = engine.rows(
        "SELECT lineno, len(fields) FROM pool_lines WHERE lineno > $h AND len(fields) <> $n "
        "ORDER BY lineno LIMIT 3", {"h": header_line, "n": len(names)})
    if ragged:
        where = ", ".join(f"line {line} has {count}" for line, count in ragged)
        raise PoolError(f"pool file {path}: rows must have {len(names)} fields like the "
                        f"header (line {header_line}); {where}")
    cols = [exp.alias_(exp.func("asn_unquote", exp.Anonymous(
        this="list_extract", expressions=[exp.column("fields"), exp.Literal.number(i + 1)])),
        exp.to_identifier(n, quoted=True)) for i, n in enumerate(names)]
    select = (exp.select(exp.column("lineno"), exp.alias_(exp.column("lineno"), "src_row"),
                         *cols).from_("pool_lines")
              .where(exp.GT(this=exp.column("lineno"), expression=exp.Literal.number(header_line))))
    engine.execute(exp.Create(this=exp.to_table("pool_src"), kind="TABLE",
                              expression=select, replace=True,
                              properties=exp.Properties(expressions=[exp.TemporaryProperty()])))
    info.columns = names
    info.rows = engine.scalar("SELECT count(*) FROM pool_src")


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1].replace('""', '"')
    return text


def _check_names(names: list[str], where: str) -> None:
    blank = [i + 1 for i, n in enumerate(names) if not n]
    if blank:
        raise PoolError(f"{where}: column(s) {blank} of the header have no name")
    seen = set()
    dups = sorted({n for n in names if n in seen or seen.add(n)})
    if dups:
        raise PoolError(f"{where}: column name(s) {', '.join(dups)} appear twice "
                        "(names are compared case-insensitively)")


def _load_astropy(engine: Engine, path: str, pool_format: str, delimiter: str,
                  info: PoolInfo) -> None:
    from astropy.table import Table

    kwargs = {"format": pool_format}
    if pool_format.startswith("ascii") and pool_format != "ascii.ecsv":
        kwargs["delimiter"] = delimiter     # as asn_generate passes its -d
    try:
        table = Table.read(path, **kwargs)
    except Exception as err:  # astropy raises many types for unreadable files
        raise PoolError(f"pool file {path} cannot be read as {pool_format!r}: "
                        f"{type(err).__name__}: {err}") from None
    _load_table(engine, table, info)


def _to_arrow(table: Any):
    import pyarrow as pa

    if isinstance(table, pa.Table):
        return table
    try:
        from astropy.table import Table
    except ImportError:  # pragma: no cover - astropy is a dependency
        Table = None
    if Table is not None and isinstance(table, Table):
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


def _load_table(engine: Engine, table: Any, info: PoolInfo) -> None:
    import pyarrow as pa

    if engine.is_relation(table):
        table = table.fetch_arrow_table() if hasattr(table, "fetch_arrow_table") else table.arrow()
    arrow = _to_arrow(table)
    if arrow is None:
        raise PoolError(f"cannot read a pool from a {type(table).__name__}; give a file path, "
                        "an astropy Table, a pyarrow Table or a DuckDB relation")
    names = [str(n).strip().lower() for n in arrow.column_names]
    _check_names(names, f"pool {info.name}")
    arrow = pa.table({n: arrow.column(i).cast(pa.string()) for i, n in enumerate(names)})
    arrow = arrow.append_column("src_row", pa.array(range(arrow.num_rows), type=pa.int64()))
    engine.register("pool_arrow", arrow)
    try:
        cols = [exp.alias_(exp.column(n, quoted=True), exp.to_identifier(n, quoted=True))
                for n in names]
        select = exp.select(exp.alias_(exp.cast(exp.Null(), "BIGINT"), "lineno"),
                            exp.column("src_row"), *cols).from_("pool_arrow")
        engine.execute(exp.Create(this=exp.to_table("pool_src"), kind="TABLE",
                                  expression=select, replace=True,
                                  properties=exp.Properties(
                                      expressions=[exp.TemporaryProperty()])))
    finally:
        engine.unregister("pool_arrow")
    info.columns = names
    info.rows = engine.scalar("SELECT count(*) FROM pool_src")


#: Names asnsql adds to the pool table; a pool may not use them.
RESERVED_COLUMNS = ("pos", "lineno", "src_row", "base_exptype", "item_ami", "item_coron",
                    "item_tso", "run", "cand_id", "cand_type", "cand_kind")


def _check_columns(info: PoolInfo) -> None:
    where = f"pool file {info.path}" if info.path else f"pool {info.name}"
    clash = [c for c in info.columns if c in RESERVED_COLUMNS]
    if clash:
        raise PoolError(f"{where} has column(s) {', '.join(clash)}, names asnsql reserves "
                        "for its own use; rename them in the pool")
    missing = [c for c in REQUIRED_COLUMNS if c not in info.columns]
    if missing:
        raise PoolError(f"{where} lacks column(s) {', '.join(missing)}; every pool needs "
                        f"{', '.join(REQUIRED_COLUMNS)} (found: {', '.join(info.columns)})")
    info.has_candidates = "asn_candidate" in info.columns
    if not info.has_candidates:
        warnings.warn(f"{where} has no asn_candidate column (an older pool): only discovered "
                      "associations can be made", AsnsqlWarning, stacklevel=3)


def _normalise(engine: Engine, info: PoolInfo) -> None:
    """Create table ``pool``: normalised values, missing standard columns, derived columns."""
    order = exp.Order(expressions=[exp.Ordered(this=exp.column("src_row"))])
    cols: list[exp.Expression] = [
        exp.alias_(exp.Sub(this=exp.Window(this=exp.RowNumber(), order=order),
                           expression=exp.Literal.number(1)), "pos"),
        exp.column("lineno"),
    ]
    for n in info.columns:
        cols.append(exp.alias_(exp.func("asn_normalise", exp.column(n, quoted=True)),
                               exp.to_identifier(n, quoted=True)))
    for n in sorted(STANDARD_COLUMNS - set(info.columns)):
        cols.append(exp.alias_(exp.cast(exp.Null(), "VARCHAR"),
                               exp.to_identifier(n, quoted=True)))
    normal = exp.select(*cols).from_("pool_src")

    def c(name):
        return exp.column(name, quoted=True)

    derived = exp.select(
        "*",
        exp.alias_(exp.func("asn_base_exptype", c("pntgtype"), c("exp_type"), c("is_psf"),
                            c("is_imprt"), c("bkgdtarg")), "base_exptype"),
        exp.alias_(exp.func("asn_item_ami", c("pntgtype"), c("exp_type")), "item_ami"),
        exp.alias_(exp.func("asn_item_coron", c("pntgtype"), c("exp_type"), c("subarray"),
                            c("pupil"), c("detector")), "item_coron"),
        exp.alias_(exp.func("asn_item_tso", c("pntgtype"), c("exp_type"), c("tsovisit")),
                   "item_tso"),
    ).from_(exp.alias_(exp.Subquery(this=normal), "n"))
    engine.execute(exp.Create(this=exp.to_table("pool"), kind="TABLE", replace=True,
                              expression=derived))
    # pool_defined: the same rows with every EMPTY value as NULL (spec section 1.3); rule
    # queries read it, so each value is tested against the EMPTY set once.
    names = list(info.columns) + sorted(STANDARD_COLUMNS - set(info.columns))
    defined = exp.select(
        c("pos"),
        *[exp.alias_(exp.func("asn_value", c(n)), exp.to_identifier(n, quoted=True))
          for n in names],
        c("base_exptype"), c("item_ami"), c("item_coron"), c("item_tso"),
    ).from_("pool")
    engine.execute(exp.Create(this=exp.to_table("pool_defined"), kind="TABLE", replace=True,
                              expression=defined))
    engine.execute("DROP TABLE IF EXISTS pool_src")
    engine.execute("DROP TABLE IF EXISTS pool_lines")
