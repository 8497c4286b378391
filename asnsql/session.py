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

Without ``write`` a session is read-only: a database file is attached read-only; once the
pools are loaded, DuckDB's access to other files is switched off (``enable_external_access
= false``) and its configuration locked (``lock_configuration = true``), and only queries
and plain ``EXPLAIN`` run (:data:`READ_STATEMENTS`; ``EXPLAIN ANALYZE`` runs its statement
and is refused). See ``docs/SECURITY.md``.

A database file made by a session with ``write`` is created under a hidden name beside its
destination and renamed into place once its first transaction is committed and it is
closed: a failed or killed run leaves no half-made database. Another process holding a
database is waited for (:data:`LOCK_WAIT` seconds) before giving up with a clear message.
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
from .safety import one_line

__all__ = ["Session", "connect", "one_line", "write_result", "READ_STATEMENTS", "table_name"]

#: Statement types a read-only session runs (DuckDB's statement type names); ``EXPLAIN``
#: only of a query and without ``ANALYZE``.
READ_STATEMENTS = frozenset({"SELECT", "EXPLAIN"})

#: Seconds to wait for a database another process holds (``$ASNSQL_LOCK_WAIT`` overrides).
LOCK_WAIT = 10.0

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


def _quoted(name: str) -> str:
    """An identifier (from the database or a file name) quoted by sqlglot."""
    from sqlglot import exp

    return exp.to_identifier(name, quoted=True).sql(dialect="duckdb")


def _lock_wait() -> float:
    """Seconds to wait for a database held by another process."""
    try:
        return float(os.environ.get("ASNSQL_LOCK_WAIT", LOCK_WAIT))
    except ValueError:
        return LOCK_WAIT


def _open_waiting(database: str, open_it):
    """Call ``open_it()``; while DuckDB says another process holds the file's lock, retry
    for :data:`LOCK_WAIT` seconds, then raise a one-line :class:`QueryError`."""
    import time

    wait = _lock_wait()
    deadline = time.monotonic() + wait
    while True:
        try:
            return open_it()
        except QueryError as err:
            if "lock" not in str(err).lower() or time.monotonic() >= deadline:
                if "lock" in str(err).lower():
                    raise QueryError(
                        f"database {database} is in use by another process (another asnsql "
                        f"run writing it?); waited {wait:g} s. Run again when it has "
                        "finished (ASNSQL_LOCK_WAIT sets the wait)") from None
                raise
            time.sleep(0.2)


def _creation_lock(final: Path):
    """Hold the lock file ``.NAME.asnsql.lock`` beside a database that may be created, so
    that runs starting together create it once: the others wait (:data:`LOCK_WAIT`), then
    find it made and open it. An open file, or None where file locks do not exist."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return None
    import time

    if not final.parent.is_dir():
        return None
    try:
        handle = open(final.parent / f".{final.name}.asnsql.lock", "a")
    except OSError:
        return None
    wait = _lock_wait()
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return handle
        except OSError:
            if time.monotonic() >= deadline:
                handle.close()
                raise QueryError(f"database {final} is being created by another process; "
                                 f"waited {wait:g} s. Run again when it has finished") \
                    from None
            time.sleep(0.1)


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
        self.write = write
        self.locked = False
        self._new: Path | None = None
        self._creating = None
        self._committed = False
        self.engine: Engine | None = None
        if self.database is None:
            self.engine = Engine()
        elif write:
            if not Path(self.database).exists():
                self._creating = _creation_lock(Path(self.database))
            try:
                if Path(self.database).exists():
                    self._release_creation()
                    self.engine = _open_waiting(self.database, lambda: Engine(self.database))
                else:
                    self._new = self._create_beside(Path(self.database))
            except BaseException:
                self._release_creation()
                raise
        else:
            if not Path(self.database).is_file():
                raise QueryError(f"no database {self.database}: make one with "
                                 f"'asnsql generate POOL --db {self.database}' or "
                                 "'asnsql sql --db FILE --write POOL ...'")
            self.engine = Engine()
            try:
                _open_waiting(self.database,
                              lambda: self.engine.attach(self.database, _STORE, read_only=True))
            except QueryError as err:
                self.engine.close()
                raise QueryError(f"cannot open database {self.database}: {err}") from None
            self.engine.execute(f"SET search_path = 'memory.main,{_STORE}.main'")
        self.pool_tables: list[str] = []

    def _create_beside(self, final: Path) -> Path:
        """Open a new database under a hidden name beside ``final``; :meth:`close`
        renames it into place (see the module docstring)."""
        import secrets

        from .io import _STAGING_MARK, clean_stale

        if not final.parent.is_dir():
            raise QueryError(f"cannot create database {final}: folder {final.parent} does "
                             "not exist")
        clean_stale(final.parent, final.name)
        new = final.parent / f".{final.name}{_STAGING_MARK}{os.getpid()}-{secrets.token_hex(4)}"
        self.engine = Engine(str(new))
        return new

    def _release_creation(self) -> None:
        if self._creating is not None:
            self._creating.close()  # (closing the file releases its lock)
            self._creating = None

    def lock(self) -> None:
        """Make the session read-only for what follows (see the module docstring): no
        access to files but those already open, configuration locked. Idempotent."""
        if self.locked:
            return
        self.engine.execute("SET enable_external_access = false")
        self.engine.execute("SET lock_configuration = true")
        self.locked = True

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
                self.engine.execute(f"CREATE TABLE {_quoted(table)} AS SELECT * FROM _asnsql_in")
            else:
                self.engine.execute(f"INSERT INTO {_quoted(table)} BY NAME SELECT * FROM "
                                    "_asnsql_in")
        finally:
            self.engine.unregister("_asnsql_in")

    def _forget(self, pool_name: str) -> None:
        """Remove every row of a pool (by file name) before it is loaded again."""
        if self._exists("pools"):
            for (old,) in self.engine.rows("SELECT table_name FROM pools WHERE pool = $p",
                                           {"p": pool_name}):
                # The name comes from the database: quoted, never pasted.
                self.engine.execute(f"DROP TABLE IF EXISTS {_quoted(old)}")
        for table in ("pools", "pool_candidates", "associations", "products", "members"):
            if self._exists(table):
                self.engine.execute(f"DELETE FROM {_quoted(table)} WHERE pool = $p",
                                    {"p": pool_name})

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
        from .batch import run_batch
        from .options import Options
        from .pipeline import build_candidates
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
                build_candidates(work, infos, Options())
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
        self._committed = True

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
        cols = ", ".join(f"fields[{i + 1}] AS {_quoted(c)}" for i, c in enumerate(columns))
        self.engine.register("_asnsql_rows", rows)
        try:
            self.engine.execute(f"CREATE TABLE {_quoted(name)} AS SELECT pool_row"
                                f'{", " + cols if cols else ""} FROM _asnsql_rows '
                                "ORDER BY pool_row")
        finally:
            self.engine.unregister("_asnsql_rows")

    def name_pool(self, table: str) -> None:
        """Make the view ``pool`` (for this session only) over a pool table."""
        self.engine.execute(f"CREATE OR REPLACE TEMP VIEW pool AS SELECT * FROM {_quoted(table)}")

    # --- queries -----------------------------------------------------------------------------

    def check_statements(self, sql: str) -> list[tuple[str, str]]:
        """Split ``sql`` into statements; in a read-only session, refuse all but queries.

        A session opened without ``write`` runs only :data:`READ_STATEMENTS`: queries
        (``SELECT``, ``FROM``, ``WITH``, ``VALUES``, ``DESCRIBE``, ``SHOW``, ``SUMMARIZE``,
        ``PRAGMA`` of a value) and ``EXPLAIN`` of a query (``EXPLAIN ANALYZE`` runs the
        statement it explains, so it is refused).

        Raises
        ------
        QueryError
            When the SQL does not parse, or (read-only) a statement is not a query; nothing
            has run then.
        """
        statements = self.engine.statements(sql)
        if not statements:
            raise QueryError("no SQL statement given")
        if not self.write:
            for kind, text in statements:
                if not self._reads_only(kind, text):
                    where = f"database {self.database}" if self.database else "this session"
                    raise QueryError(
                        f"{where} is open read-only: {kind} statement refused "
                        f"({text.strip()[:60]!r}); only queries and plain EXPLAIN run, and "
                        "nothing was run. Give --write --db FILE (Python: write=True) to "
                        "change a database")
        return statements

    def _reads_only(self, kind: str, text: str) -> bool:
        if kind == "SELECT":
            return True
        if kind != "EXPLAIN":
            return False
        # EXPLAIN <statement>: the statement must be a query, and not run (no ANALYZE).
        match = re.match(r"\s*explain\b(.*)\Z", text, flags=re.IGNORECASE | re.DOTALL)
        if match is None:
            return False
        try:
            inner = self.engine.statements(match.group(1))
        except QueryError:
            return False
        return len(inner) == 1 and inner[0][0] == "SELECT"

    def query(self, sql: str):
        """Run SQL (one or more statements); return the last statement's result.

        A read-only session is locked (:meth:`lock`) before the first statement runs.

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
        if not self.write:
            self.lock()
        else:
            self._committed = True  # statements commit as they run
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

    def close(self, discard: bool = False) -> None:
        """Close the database. A database this session created is renamed into place
        unless ``discard`` or no transaction was committed (it is deleted then).
        Idempotent.

        Raises
        ------
        QueryError
            When the new database cannot be put in place (another run made one of the same
            name meanwhile); the new one is deleted.
        """
        if self.engine is None:
            return
        new, self._new = self._new, None
        failure = None
        if new is not None and not discard and self._committed:
            try:
                # Write it all into the file now: DuckDB's checkpoint on close does not
                # report failure (a full disk, a file size limit).
                self.engine.execute("CHECKPOINT")
            except QueryError as err:
                failure = QueryError(f"cannot write database {self.database}: {err}; it was "
                                     "not created")
        self.engine.close()
        self.engine = None
        if new is None:
            return
        final = Path(self.database)
        try:
            if failure is not None:
                raise failure
            if discard or not self._committed:
                return
            try:
                os.link(new, final)
            except FileExistsError:
                raise QueryError(f"database {final} was created by another run meanwhile; "
                                 "this run's changes were not stored: run it again") from None
            except OSError:
                if final.exists():
                    raise QueryError(f"database {final} was created by another run "
                                     "meanwhile; this run's changes were not stored") from None
                os.rename(new, final)
        finally:
            for leftover in (new, Path(f"{new}.wal")):
                leftover.unlink(missing_ok=True)
            self._release_creation()

    def __enter__(self):
        return self

    def __exit__(self, kind, *exc):
        self.close(discard=kind is not None)


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
        Open a database file for writing (pools given are then stored in it). A database
        file opened without it is read-only, and so is the connection for what matters
        outside it: DuckDB's access to other files is off and its configuration locked
        (see ``docs/SECURITY.md``); in-memory tables may still be made. A connection with
        pools only (no database file) is not locked.
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
        if session._new is not None:
            # A new database: put it in place now, and work on it there.
            session.close()
            session = Session(database, write=True)
        if len(tables) == 1:
            session.name_pool(tables[0])
        if session.read_only:
            session.lock()
    except BaseException:
        session.close(discard=True)
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
