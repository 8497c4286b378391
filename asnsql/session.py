"""Pools and associations as SQL tables: ``asnsql sql``, ``--db`` and :func:`asnsql.connect`.

A *session* is a DuckDB database (in memory, or a file that accumulates pools across runs)
holding user-facing tables, separate from the generator's working tables:

``<pool table>``    one per pool file, named after the file stem (``jw00623_..._pool``;
                    characters other than letters, digits and ``_`` become ``_``). Columns:
                    ``pool_row`` (0-based row number in the file), then the pool's own
                    columns, values normalised as ``generate`` reads them (lower-cased,
                    stripped, ``'null'`` for empty cells). With one pool on the command
                    line, the view ``pool`` names it too.
``pools``           one row per pool: ``pool`` (file name, the key: loading a pool of the
                    same name again replaces its rows everywhere), ``table_name``, ``path``,
                    ``rows``, ``columns``, ``loaded_at``.
``pool_candidates`` ``pool``, ``pool_row``, ``candidate`` (the ACID, e.g. ``o001``),
                    ``type`` (``observation``, ``background``...), ``position`` (its place
                    in the row's ``asn_candidate`` list, from 1).
``associations``, ``products``, ``members``
                    after a generator run (``--associations``, ``generate --db``): the tables
                    of :mod:`asnsql.tables`, keyed by ``pool`` and ``association``;
                    ``members.pool_row`` joins the pool table.

Files opened without ``write`` are attached read-only, and statements that would change
anything (anything but queries, ``EXPLAIN`` and settings) are refused before they run.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import re
from pathlib import Path
from typing import Any

from .engine import Engine
from .errors import OutputError, QueryError

__all__ = ["Session", "connect", "one_line", "write_result", "READ_STATEMENTS", "table_name"]

#: Statement types a read-only session runs (DuckDB's statement type names).
READ_STATEMENTS = frozenset({"SELECT", "EXPLAIN", "SET", "VARIABLE_SET", "PRAGMA", "CALL"})

#: Names of the session's own tables (pool tables never take them).
CATALOG_TABLES = ("pools", "pool_candidates", "associations", "products", "members", "pool")

_STORE = "store"


def table_name(pool_name: str, taken: set[str] = frozenset()) -> str:
    """The SQL table name of a pool file: its stem, with other characters as ``_``.

    A name starting with a digit gets ``pool_`` in front; one already ``taken`` (or a
    catalog table's) gets ``_2``, ``_3``...
    """
    stem = pool_name.rsplit("/", 1)[-1]
    for suffix in (".csv", ".txt", ".dat", ".ecsv", ".fits", ".psv"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    name = re.sub(r"[^a-z0-9_]", "_", stem.lower()) or "pool"
    if name[0].isdigit():
        name = "pool_" + name
    base, n = name, 1
    while name in taken or name in CATALOG_TABLES:
        n += 1
        name = f"{base}_{n}"
    return name


def _is_database_file(path: str | os.PathLike) -> bool:
    """Whether a file is a DuckDB database (by its header), or named ``*.duckdb`` / ``*.db``."""
    path = Path(path)
    if path.suffix.lower() in (".duckdb", ".db", ".ddb"):
        return True
    try:
        with open(path, "rb") as handle:
            return handle.read(12)[8:12] == b"DUCK"
    except OSError:
        return False


class Session:
    """A DuckDB database of pools and associations for ad-hoc SQL.

    Parameters
    ----------
    database : str or path, optional
        A DuckDB database file to keep tables in across runs; default: in memory.
    write : bool
        Open ``database`` for writing (created if missing). Without it the file is attached
        read-only (it must exist): pools cannot be added, and writing statements are
        refused.

    Raises
    ------
    QueryError
        When the database cannot be opened (missing file without ``write``, not a DuckDB
        file, locked by another process).
    """

    def __init__(self, database: str | os.PathLike | None = None, write: bool = False):
        self.database = str(database) if database is not None else None
        self.read_only = self.database is not None and not write
        if self.database is None:
            self.engine = Engine()
        elif write:
            self.engine = Engine(self.database)
        else:
            if not Path(self.database).is_file():
                raise QueryError(f"no database {self.database}: make one with "
                                 f"'asnsql generate POOL --db {self.database}' or "
                                 "'asnsql sql --db FILE --write POOL ...'")
            self.engine = Engine()
            try:
                self.engine.attach(self.database, _STORE, read_only=True)
            except QueryError as err:
                self.engine.close()
                raise QueryError(f"cannot open database {self.database}: {err}") from None
            self.engine.execute(f"SET search_path = 'memory.main,{_STORE}.main'")
        self.pool_tables: list[str] = []

    # --- tables ------------------------------------------------------------------------------

    def _exists(self, table: str) -> bool:
        return bool(self.engine.scalar(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = $t AND NOT temporary",
            {"t": table}))

    def _taken_names(self) -> set[str]:
        return {r[0] for r in self.engine.rows(
            "SELECT table_name FROM duckdb_tables() UNION SELECT view_name FROM duckdb_views() "
            "WHERE NOT internal")}

    def _put(self, table: str, data) -> None:
        """Append an Arrow table to ``table`` (created on first use), by column name."""
        self.engine.register("_asnsql_in", data)
        try:
            if not self._exists(table):
                self.engine.execute(f'CREATE TABLE "{table}" AS SELECT * FROM _asnsql_in')
            else:
                self.engine.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM _asnsql_in')
        finally:
            self.engine.unregister("_asnsql_in")

    def _forget(self, pool_name: str) -> None:
        """Remove every row of a pool (by file name) before it is loaded again."""
        if self._exists("pools"):
            for (old,) in self.engine.rows("SELECT table_name FROM pools WHERE pool = $p",
                                           {"p": pool_name}):
                self.engine.execute(f'DROP TABLE IF EXISTS "{old}"')
        for table in ("pools", "pool_candidates", "associations", "products", "members"):
            if self._exists(table):
                self.engine.execute(f'DELETE FROM "{table}" WHERE pool = $p', {"p": pool_name})

    def add_pools(self, pools: list, *, associations: bool = False, names: list | None = None,
                  rules=None, **options) -> list[str]:
        """Load pools (and optionally their associations) into the session's tables.

        Parameters
        ----------
        pools : list
            Pool files, astropy Tables, pyarrow Tables or DuckDB relations (as
            :func:`asnsql.generate` takes them).
        associations : bool
            Also run the generator and add ``associations``, ``products`` and ``members``.
        names : list of str, optional
            Pool names (``asn_pool``) of in-memory tables.
        rules : Ruleset, optional
            Default: the JWST rules.
        **options
            Generator options (:class:`asnsql.generate.Options` fields).

        Returns
        -------
        list of str
            The table name of each pool, in order.

        Raises
        ------
        PoolError, QueryError
            As for :func:`asnsql.generate`.
        """
        from .generate import Options, _candidates, run_batch
        from .pool import load_pools

        if self.read_only:
            raise QueryError(f"database {self.database} is open read-only: pools cannot be "
                             "added to it; give --write (Python: write=True) to store them")
        opts = Options(**options)
        with Engine.for_pools(pools) as work:
            if associations:
                results = run_batch(work, pools, rules, opts, names=names)
                infos = [r.pool for r in results]
            else:
                results = None
                infos = load_pools(work, pools, delimiter=opts.delimiter,
                                   pool_format=opts.pool_format, names=names)
                _candidates(work, infos, Options())
            with self.transaction():
                return self.store(work, infos, results)

    @contextlib.contextmanager
    def transaction(self):
        """All changes made inside land together, or none (on any error)."""
        self.engine.execute("BEGIN TRANSACTION")
        try:
            yield self
        except BaseException:
            self.engine.execute("ROLLBACK")
            raise
        self.engine.execute("COMMIT")

    def store(self, work: Engine, infos: list, results: list | None = None) -> list[str]:
        """Copy loaded pools (and generator results) from a generator's engine.

        Parameters
        ----------
        work : Engine
            The engine the pools were loaded into (after :func:`asnsql.pool.load_pools` and
            the candidate tables, or a generator run).
        infos : list of PoolInfo
            The pool units loaded.
        results : list of Result, optional
            Generator results, for the association tables.

        Returns
        -------
        list of str
            The table name of each pool (file), in order.
        """
        import pyarrow as pa

        from .tables import to_tables

        if self.read_only:
            raise QueryError(f"database {self.database} is open read-only: pools cannot be "
                             "added to it; give --write (Python: write=True) to store them")
        offsets = dict(work.rows("SELECT src, min(pos) FROM pool_lines "
                                 "WHERE pos IS NOT NULL GROUP BY src"))
        by_src: dict[int, Any] = {}
        for info in infos:
            by_src.setdefault(info.src, info)
        written = []
        for src, info in by_src.items():
            offset = offsets.get(src, 0)
            self._forget(info.name)
            name = table_name(info.name, self._taken_names())
            rows = work.arrow("SELECT pos - $off AS pool_row, fields FROM pool_rows "
                              "WHERE src = $src ORDER BY pos", {"off": offset, "src": src})
            self._put_pool(name, info.columns, rows)
            self._put("pool_candidates", work.arrow(
                "SELECT $pool AS pool, e.pos - $off AS pool_row, e.cid AS candidate, "
                "e.ctype AS type, e.idx::INTEGER AS position "
                "FROM candidate_entries AS e JOIN pool AS p USING (pos) "
                "WHERE p.src = $src ORDER BY e.pos, e.idx",
                {"pool": info.name, "off": offset, "src": src}))
            self._put("pools", pa.table({
                "pool": [info.name], "table_name": [name],
                "path": pa.array([info.path], pa.string()),  # (None for in-memory pools)
                "rows": pa.array([rows.num_rows], pa.int64()),
                "columns": pa.array([list(info.columns)], pa.list_(pa.string())),
                "loaded_at": pa.array([datetime.datetime.now(datetime.timezone.utc)
                                       .replace(tzinfo=None)], pa.timestamp("us"))}))
            if results is not None:
                mine = [r for r in results if r.pool.src == src]
                kinds = {run.cand_id: run.cand_type for r in mine for run in r.runs}
                tables = to_tables([a for r in mine for a in r.associations], kinds,
                                   row_offset=offset)
                for table in ("associations", "products", "members"):
                    self._put(table, tables[table])
            written.append(name)
        self.pool_tables += written
        return written

    def _put_pool(self, name: str, columns: list[str], rows) -> None:
        from sqlglot import exp

        cols = ", ".join(
            f"fields[{i + 1}] AS {exp.to_identifier(c, quoted=True).sql('duckdb')}"
            for i, c in enumerate(columns))
        self.engine.register("_asnsql_rows", rows)
        try:
            self.engine.execute(f'CREATE TABLE "{name}" AS SELECT pool_row'
                                f'{", " + cols if cols else ""} FROM _asnsql_rows '
                                "ORDER BY pool_row")
        finally:
            self.engine.unregister("_asnsql_rows")

    def name_pool(self, table: str) -> None:
        """Make the view ``pool`` (for this session only) over a pool table."""
        self.engine.execute(f'CREATE OR REPLACE TEMP VIEW pool AS SELECT * FROM "{table}"')

    # --- queries -----------------------------------------------------------------------------

    def check_statements(self, sql: str) -> list[tuple[str, str]]:
        """Split ``sql`` into statements; refuse writes on a read-only database.

        Raises
        ------
        QueryError
            When the SQL does not parse, or (read-only) a statement is not a query.
        """
        statements = self.engine.statements(sql)
        if not statements:
            raise QueryError("no SQL statement given")
        if self.read_only:
            for kind, text in statements:
                if kind not in READ_STATEMENTS:
                    raise QueryError(
                        f"database {self.database} is open read-only: {kind} statement "
                        f"refused ({text.strip()[:60]!r}); nothing was run. Give --write "
                        "(Python: write=True) to change it")
        return statements

    def query(self, sql: str):
        """Run SQL (one or more statements); return the last statement's result.

        Returns
        -------
        pyarrow.Table or None
            The result of the last statement, or ``None`` when it returns no rows
            (e.g. ``CREATE``).

        Raises
        ------
        QueryError
            With DuckDB's message, or when a write is refused (see
            :meth:`check_statements`).
        """
        statements = self.check_statements(sql)
        result = None
        for _, text in statements:
            try:
                cursor = self.engine.execute(text)
            except QueryError as err:
                raise QueryError(one_line(str(err))) from None
            result = cursor.to_arrow_table() if cursor.description else None
        return result

    @property
    def connection(self):
        """The DuckDB connection (``duckdb.DuckDBPyConnection``) of the session."""
        return self.engine.con

    def close(self) -> None:
        self.engine.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def one_line(message: str) -> str:
    """DuckDB's message on one line (its caret diagram of the SQL dropped)."""
    lines = [line.strip() for line in message.splitlines()]
    kept = [line for line in lines if line and not line.startswith("LINE ")
            and not set(line) <= {"^", " "}]
    return " ".join(kept)


def connect(source: Any = None, *, associations: bool = False, write: bool = False,
            database: str | os.PathLike | None = None, **options):
    """A DuckDB connection with pools (and associations) as tables, for ETL and notebooks.

    Parameters
    ----------
    source : path, list, astropy Table, pyarrow Table, DuckDB relation, optional
        Pool(s) to load, or a DuckDB database file made by ``asnsql generate --db`` /
        ``asnsql sql --db ... --write`` (recognised by its header or its ``.duckdb``
        extension).
    associations : bool
        Also run the generator on the pools and add the association tables.
    write : bool
        Open a database file for writing (pools given are then stored in it).
    database : path, optional
        A database file to load the pools into (with ``write``) or beside (read-only).
    **options
        Generator options (:class:`asnsql.generate.Options` fields).

    Returns
    -------
    duckdb.DuckDBPyConnection
        With the tables described in :mod:`asnsql.session`; with one pool, the view
        ``pool`` too. Close it when done.

    Raises
    ------
    PoolError, QueryError
        When a pool or the database cannot be read.

    Examples
    --------
    >>> con = asnsql.connect("jw00623_pool.csv", associations=True)     # doctest: +SKIP
    >>> con.sql("SELECT asn_type, count(*) FROM associations GROUP BY ALL").show()
    """
    pools: list = []
    if isinstance(source, (list, tuple)):
        pools = list(source)
    elif source is not None:
        if isinstance(source, (str, os.PathLike)) and _is_database_file(source) \
                and database is None:
            database = source
        else:
            pools = [source]
    session = Session(database, write=write)
    try:
        tables = session.add_pools(pools, associations=associations, **options) if pools \
            else []
        if len(tables) == 1:
            session.name_pool(tables[0])
    except BaseException:
        session.close()
        raise
    return session.connection


def write_result(table, fmt: str, path: str | os.PathLike | None = None) -> bytes:
    """Serialise a query result (``asnsql sql --format``) as bytes.

    Parameters
    ----------
    table : pyarrow.Table
    fmt : {'csv', 'json', 'jsonl', 'parquet', 'table'}
        ``table`` is an aligned text table (astropy's formatting).

    Returns
    -------
    bytes

    Raises
    ------
    OutputError
        For an unknown format.
    """
    import io
    import json

    if fmt == "parquet":
        import pyarrow.parquet as pq

        buffer = io.BytesIO()
        pq.write_table(table, buffer)
        return buffer.getvalue()
    if fmt == "csv":
        import pyarrow.csv as pcsv

        buffer = io.BytesIO()
        pcsv.write_csv(table, buffer)
        return buffer.getvalue()
    rows = table.to_pylist()
    if fmt == "json":
        return (json.dumps(rows, default=str, indent=1) + "\n").encode()
    if fmt == "jsonl":
        return "".join(json.dumps(r, default=str) + "\n" for r in rows).encode()
    if fmt == "table":
        from astropy.table import Table

        if not table.num_columns:
            return b""
        columns = {}
        for name in table.column_names:
            values = table.column(name).to_pylist()
            columns[name] = ["" if v is None else (v if isinstance(v, (int, float, str))
                                                   else str(v)) for v in values]
        text = "\n".join(Table(columns).pformat(max_lines=-1, max_width=-1))
        return (text + "\n").encode()
    raise OutputError(f"unknown output format {fmt!r}; use table, csv, json, jsonl or parquet")
