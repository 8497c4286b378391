"""Arrow in, Arrow out: the generator on a table, for ETL engines and distributed workers.

:func:`generate_tables` takes a pool as a pyarrow Table (or anything :func:`asnsql.generate`
takes) and returns the three relational tables of :mod:`asnsql.tables` with fixed, published
schemas:

``ASSOCIATIONS_SCHEMA``  one row per association (:data:`asnsql.tables.COLUMNS`)
``PRODUCTS_SCHEMA``      one row per product
``MEMBERS_SCHEMA``       one row per member; ``pool_row`` is the member's row id (see
                         :func:`generate_tables`), NULL for members that are no pool row
``COMBINED_SCHEMA``      the three in one "long" table, for engines whose functions return
                         one table (a Spark ``applyInArrow`` function): a ``table`` column
                         (``associations``, ``products`` or ``members``) says which table a
                         row belongs to, then every column of the three tables in the order
                         above, each once (``association``, ``pool`` and ``product`` are
                         shared), NULL where the row's table has no such column.
                         :func:`combine` and :func:`split_combined` convert.

A worker that generates many tables is given a :class:`~asnsql.plan.Plan` made once
(:func:`prepare`: the rules, the options with ``version_id`` fixed, and every SQL text the
generator runs, compiled in the process that prepares) and passes it to each call; the plan
pickles, and the worker then neither reads rule files nor imports sqlglot.
"""

from __future__ import annotations

import os
from typing import Any

from .engine import Engine
from .errors import PoolError
from .model import Ruleset
from .options import Options
from .pipeline import Result, run_unit, version_stamp
from .plan import Plan
from .profiles import Profile
from .tables import COLUMNS, TABLES, schema, to_tables

__all__ = ["generate_tables", "prepare", "combine", "split_combined",
           "read_pool", "ASSOCIATIONS_SCHEMA", "PRODUCTS_SCHEMA", "MEMBERS_SCHEMA",
           "COMBINED_SCHEMA", "COMBINED_COLUMNS"]

#: The columns of :data:`COMBINED_SCHEMA`, with their Arrow types (as in
#: :data:`asnsql.tables.COLUMNS`): ``table`` first, then each column of the three tables once.
COMBINED_COLUMNS: tuple[tuple[str, str], ...] = (("table", "string"),) + tuple(
    dict.fromkeys(column for name in TABLES for column in COLUMNS[name]))

_SCHEMAS = {"ASSOCIATIONS_SCHEMA": "associations", "PRODUCTS_SCHEMA": "products",
            "MEMBERS_SCHEMA": "members"}


def __getattr__(name: str):
    # (the schemas are built on first use: importing asnsql does not import pyarrow)
    if name in _SCHEMAS:
        return schema(_SCHEMAS[name])
    if name == "COMBINED_SCHEMA":
        import pyarrow as pa

        return pa.schema([(column, getattr(pa, kind)()) for column, kind in COMBINED_COLUMNS])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def prepare(rules: Ruleset | None = None, *, profile: Profile | str | None = None,
            **options) -> Plan:
    """Prepare generation once, for :func:`generate_tables` calls anywhere.

    Parameters
    ----------
    rules : Ruleset, optional
        Default: the profile's rules.
    profile : Profile or str, optional
        The observatory (default: JWST).
    **options
        Fields of :class:`asnsql.options.Options` (as for :func:`asnsql.generate`).
        ``version_id=""`` (the current time) is read here, once.

    Returns
    -------
    Plan
        :meth:`asnsql.plan.Plan.build` with ``options.version_id`` fixed: it pickles, and a
        process running it neither reads rule files nor imports sqlglot.

    Raises
    ------
    ValueError
        When options exclude one another (``ids``, ``discover``, ``all_candidates``).
    CompileError
        When a rule cannot be compiled.
    """
    opts = Options(**options)
    opts.version_id = version_stamp(opts.version_id)
    return Plan.build(rules, opts, profile)


def _run(pool: Any, plan: Plan, threads: int | None) -> list[Result]:
    """The generator on one pool, one :class:`~asnsql.pipeline.Result` per pool unit."""
    with Engine.for_pools([pool], profile=plan.profile) as engine:
        if threads:
            engine.execute("SET threads = $n", {"n": int(threads)})
        return run_unit(engine, plan, pool)


def read_pool(path, *, delimiter: str = "|", pool_format: str | None = None):
    """Read a pool file as a pyarrow Table of strings, values as the generator reads them.

    Parameters
    ----------
    path : str or pathlib.Path
        A pool file (``|``-delimited unless ``delimiter`` or ``pool_format`` says otherwise).
    delimiter, pool_format : str
        As for :func:`asnsql.generate`.

    Returns
    -------
    pyarrow.Table
        The pool's columns (names lower-cased), one row per pool row in file order, values
        normalised (stripped, lower-cased, ``'null'`` for empty cells, spec section 1.1):
        generating from this table gives what generating from the file gives.

    Raises
    ------
    PoolError
        As for :func:`asnsql.generate`.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    from .pool import load_pools

    with Engine.for_pools([path]) as engine:
        info = load_pools(engine, [path], delimiter=delimiter, pool_format=pool_format)[0]
        fields = engine.arrow("SELECT fields FROM pool_rows ORDER BY pos")["fields"]
    return pa.table({name: pc.list_element(fields, i) if len(fields) else
                     pa.array([], pa.string()) for i, name in enumerate(info.columns)})


def _ordered(table: Any, row_id: str | None, options: Options):
    """The pool in row-id order and the row ids in that order (``None`` without
    ``row_id``: the table as given)."""
    if row_id is None:
        return table, None
    import pyarrow as pa
    import pyarrow.compute as pc

    from .pool import to_arrow

    if isinstance(table, (str, os.PathLike)):
        table = read_pool(table, delimiter=options.delimiter, pool_format=options.pool_format)
    elif hasattr(table, "to_arrow_table"):
        table = table.to_arrow_table()
    arrow = to_arrow(table)
    where = f"pool {options.pool_name or 'pool'}"
    if arrow is None:
        raise PoolError(f"cannot read a pool from a {type(table).__name__}; give a pyarrow "
                        "Table, a file path, an astropy Table or a DuckDB relation")
    if row_id not in arrow.column_names:
        raise PoolError(f"{where} has no column {row_id!r} (the row_id given); columns: "
                        f"{', '.join(arrow.column_names)}")
    try:
        ids = arrow.column(row_id).cast(pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as err:
        raise PoolError(f"{where}, column {row_id!r} (row_id): values must be integers "
                        f"({err})") from None
    if ids.null_count:
        raise PoolError(f"{where}, column {row_id!r} (row_id): {ids.null_count} row(s) have "
                        "no value; every row needs its id")
    if len(pc.unique(ids)) != len(ids):
        raise PoolError(f"{where}, column {row_id!r} (row_id): values repeat; row ids must "
                        "be unique (they order the rows)")
    order = pc.sort_indices(ids)
    return arrow.take(order), ids.take(order).combine_chunks()


def generate_tables(table: Any, rules: Ruleset | None = None, *, row_id: str | None = None,
                    split_programs: bool = False, version_id: str | None = None,
                    threads: int | None = None, plan: Plan | None = None,
                    **options) -> dict:
    """Generate associations from a pool table, as the three relational tables.

    Parameters
    ----------
    table : pyarrow.Table
        The pool, one row per exposure (also a path, an astropy Table or a DuckDB relation,
        as for :func:`asnsql.generate`). Columns are read as strings.
    rules : Ruleset, optional
        Default: the JWST rules.
    row_id : str, optional
        A column of integer row ids, unique: rows are generated in its order (the
        generator's results depend on row order), and ``members.pool_row`` reports it.
        Without it, rows are taken in the order given and ``pool_row`` is the row's
        position in ``table`` (from 0). The column stays in the pool as any other column.
    split_programs : bool
        Take each program as a pool of its own (archive pools).
    version_id : str, optional
        The version id in names: ``None`` (none, as :func:`asnsql.generate`), a value, or
        ``""`` for the current UTC time, read once (by :func:`prepare`).
    threads : int, optional
        DuckDB threads (default: every core).
    plan : Plan, optional
        From :func:`prepare` (or :meth:`asnsql.plan.Plan.build`); then ``rules``,
        ``split_programs``, ``version_id`` and ``options`` must not be given (they are the
        plan's).
    **options
        Other fields of :class:`asnsql.options.Options` (``pool_name``, ``ids``, ...).

    Returns
    -------
    dict of pyarrow.Table
        ``associations``, ``products`` and ``members``, with :data:`ASSOCIATIONS_SCHEMA`,
        :data:`PRODUCTS_SCHEMA` and :data:`MEMBERS_SCHEMA`; associations in the order
        :func:`asnsql.generate` returns them, pool unit by pool unit.

    Raises
    ------
    PoolError
        As for :func:`asnsql.generate`, and when ``row_id`` is missing, not integer, or
        repeats or lacks values.
    ValueError
        When ``plan`` comes with rules or options.

    Notes
    -----
    The tables are :func:`asnsql.tables.to_tables` of what :func:`asnsql.generate` returns
    for the table in row-id order (per pool unit, with the unit's candidate types), with
    ``pool_row`` mapped to the row ids.
    """
    import pyarrow as pa

    if plan is None:
        plan = prepare(rules, split_programs=split_programs, version_id=version_id,
                       **options)
    elif rules is not None or split_programs or version_id is not None or options:
        raise ValueError("give either plan or rules and options, not both")
    pool, ids = _ordered(table, row_id, plan.options)
    parts: dict[str, list] = {name: [] for name in TABLES}
    for result in _run(pool, plan, threads):
        kinds = {run.cand_id: run.cand_type for run in result.runs}
        for name, part in to_tables(result.associations, kinds).items():
            parts[name].append(part)
    tables = {name: pa.concat_tables(parts[name]) if parts[name] else
              schema(name).empty_table() for name in TABLES}
    if ids is not None:
        members = tables["members"]
        index = members.schema.get_field_index("pool_row")
        tables["members"] = members.set_column(
            index, members.schema.field(index), ids.take(members.column(index)))
    return tables


def combine(tables: dict):
    """The three tables as one, with :data:`COMBINED_SCHEMA` (see the module docstring).

    Parameters
    ----------
    tables : dict of pyarrow.Table
        ``associations``, ``products`` and ``members``.

    Returns
    -------
    pyarrow.Table
    """
    import pyarrow as pa

    whole = __getattr__("COMBINED_SCHEMA")
    parts = []
    for name in TABLES:
        part = tables[name]
        n = part.num_rows
        parts.append(pa.table(
            [pa.array([name] * n, pa.string()) if column == "table" else
             part.column(column) if column in part.column_names else
             pa.nulls(n, whole.field(column).type) for column in whole.names],
            schema=whole))
    return pa.concat_tables(parts)


def split_combined(combined) -> dict:
    """The three tables of a :data:`COMBINED_SCHEMA` table (inverse of :func:`combine`).

    Parameters
    ----------
    combined : pyarrow.Table

    Returns
    -------
    dict of pyarrow.Table
        ``associations``, ``products`` and ``members``, with their schemas.
    """
    import pyarrow.compute as pc

    out = {}
    for name in TABLES:
        rows = combined.filter(pc.equal(combined.column("table"), name))
        out[name] = rows.select([c for c, _ in COLUMNS[name]]).cast(schema(name))
    return out
