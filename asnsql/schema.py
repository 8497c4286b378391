"""The columns of the SQL tables ``asnsql sql`` and :func:`asnsql.connect` give.

Read from DuckDB's catalog after the tables are made, never from a list kept by hand, so
``asnsql sql --schema`` and docs/TABLES.md (checked against it by the tests) cannot drift
from what :mod:`asnsql.session` and :mod:`asnsql.tables` create.
"""

from __future__ import annotations

__all__ = ["TABLES", "table_columns", "sample_pool", "describe"]

#: The tables a session gives, in the order they are documented (``pool`` is the view of
#: a single pool's table; its columns after ``pool_row`` are the pool file's own).
TABLES = ("pool", "pools", "pool_candidates", "associations", "products", "members")


def table_columns(session) -> list[tuple[str, str, str]]:
    """(table, column, SQL type) of the session's :data:`TABLES`, in column order.

    Parameters
    ----------
    session : asnsql.session.Session
        With pools loaded (and associations, for the association tables).

    Returns
    -------
    list of tuple of str
        One entry per column of each table present, tables in :data:`TABLES` order.
    """
    rows = session.engine.rows(
        "SELECT table_name, column_name, data_type, column_index FROM duckdb_columns() "
        "WHERE NOT internal AND table_name IN (SELECT unnest($tables))",
        {"tables": list(TABLES)})
    order = {name: i for i, name in enumerate(TABLES)}
    return [(t, c, d) for t, c, d, _ in sorted(rows, key=lambda r: (order[r[0]], r[3]))]


def sample_pool():
    """A one-exposure pool (a pyarrow Table) to make every table from, when none is given.

    Returns
    -------
    pyarrow.Table
        The columns a pool must have: ``filename``, ``program``, ``exp_type`` and
        ``asn_candidate``.
    """
    import pyarrow as pa

    return pa.table({"filename": ["jw00001001001_01101_00001_nrca1_rate.fits"],
                     "program": ["00001"], "exp_type": ["nrc_image"],
                     "asn_candidate": ["[('o001', 'observation')]"]})


def describe(pools: list | None = None, **options) -> list[tuple[str, str, str]]:
    """The columns of every table, made by loading ``pools`` with their associations.

    Parameters
    ----------
    pools : list, optional
        Pools as :meth:`asnsql.session.Session.add_pools` takes them; the table ``pool`` is
        the first one's. Default: :func:`sample_pool` (``pool`` then has its four columns).
    **options
        Generator options (:class:`asnsql.generate.Options` fields).

    Returns
    -------
    list of tuple of str
        As :func:`table_columns`.

    Raises
    ------
    PoolError, QueryError
        When a pool cannot be read.
    """
    from .session import Session

    given = list(pools or [])
    with Session() as session:
        names = None if given else ["sample"]
        tables = session.add_pools(given or [sample_pool()], associations=True, names=names,
                                   **options)
        session.name_pool(tables[0])
        return table_columns(session)
