"""The one owner of the DuckDB connection: load, execute, trace.

Every other module hands SQL (text or sqlglot expressions) and bound parameters to an
:class:`Engine`; none imports duckdb itself.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from typing import TYPE_CHECKING, Any, Callable

from .errors import QueryError
from .replay import Prepared
from .resources import sql_statements

if TYPE_CHECKING:
    from .profiles import Profile

__all__ = ["Engine", "Pending", "duckdb_module", "large_pools"]

Tracer = Callable[[str, Any], None]

#: The names of the tables and views an engine given back may drop.
_PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_]*")
#: Per thread: the engines given back (:meth:`Engine.give_back`), by profile name.
_IDLE = threading.local()

#: Pool files larger than this (bytes, in total) run with a memory limit (see
#: :meth:`Engine.for_pools`).
LARGE_POOL_BYTES = 64 * 1024 * 1024
#: DuckDB's memory limit for such runs (with Python's associations beside it: a pool of a
#: million rows run as one unit peaks under 3 GB in all, benchmarks/RESULTS.md).
LARGE_MEMORY_LIMIT = "2GB"


#: Pools of at most this many bytes, all files, run each query on one thread.
SMALL_POOL_BYTES = 1024 * 1024
#: DuckDB optimizers an engine of small pools goes without. ``in_clause`` turns a long IN
#: list into a hash join against the list: on a few rows, setting up the twelve of
#: pool_defined takes 20 of its 25 ms. The others plan from the statistics of the tables'
#: current rows (a filter folded away, a join or aggregate sized to a value range): a
#: statement prepared on one pool and run on the next (:meth:`Engine.borrow`,
#: :mod:`asnsql.replay`) then gives wrong rows, or crashes DuckDB. Without them the
#: corpus's pools, one after another on one engine, give what each gives alone
#: (tests/test_engine_reuse.py); on a few rows they save nothing.
SMALL_DISABLED_OPTIMIZERS = ("in_clause,statistics_propagation,compressed_materialization,"
                             "row_group_pruner")
#: An engine is lent again at most this many times (:meth:`Engine.give_back`).
MAX_LENT = 1000
#: Every this many lendings, the tables' deleted rows are checkpointed away (and the
#: prepared statements made again): see :meth:`Engine._empty_tables`.
CHECKPOINT_EVERY = 25


def duckdb_module():
    """DuckDB's Python module: its compiled part ``_duckdb``, which the ``duckdb`` package
    re-exports, else ``duckdb``.

    Importing ``duckdb`` also reads its own version through ``importlib.metadata`` (which
    imports ``email``, ``zipfile``, ``csv``...): 25-30 ms, a tenth of a small pool's
    command-line run (DuckDB 1.5.6, measured on the 15-row pool: 348-355 -> 321-329 ms).
    Everything asnsql uses (``connect``, ``Error``, ``tokenize``, the relation class) is the
    same object in both. A DuckDB release without ``_duckdb`` gets ``duckdb``.
    """
    try:
        import _duckdb as module
    except ImportError:  # pragma: no cover - DuckDB 1.5 has it (pyproject pins 1.5)
        import duckdb as module
    return module


def _file_bytes(pools: list) -> tuple[int, bool]:
    """The size of the pool files among ``pools``, and whether all are files."""
    size, files = 0, True
    for pool in pools:
        if isinstance(pool, (str, os.PathLike)):
            try:
                size += os.path.getsize(pool)
            except OSError:
                pass
        else:
            files = False
    return size, files


def large_pools(pools: list) -> bool:
    """Whether the pool files among ``pools`` hold more than :data:`LARGE_POOL_BYTES`."""
    return _file_bytes(pools)[0] > LARGE_POOL_BYTES


def small_pools(pools: list) -> bool:
    """Whether ``pools`` are files of at most :data:`SMALL_POOL_BYTES` in all."""
    size, files = _file_bytes(pools)
    return files and size <= SMALL_POOL_BYTES


def _interrupt_or(err: RuntimeError) -> BaseException:
    """DuckDB reports a query stopped by Ctrl-C as ``RuntimeError('Query interrupted')``:
    that becomes the ``KeyboardInterrupt`` it is (any other error stays as it is)."""
    return KeyboardInterrupt() if "interrupted" in str(err).lower() else err


@contextlib.contextmanager
def _duckdb_errors(error_type: type, cleanup: Callable[[], Any] | None = None):
    """DuckDB's errors inside the block raised as asnsql's: ``error_type`` (DuckDB's
    ``Error``) as :class:`~asnsql.errors.QueryError` with DuckDB's message, an interrupted
    query as ``KeyboardInterrupt`` (:func:`_interrupt_or`); ``cleanup()`` runs first."""
    try:
        yield
    except error_type as err:
        if cleanup is not None:
            cleanup()
        raise QueryError(str(err).strip()) from None
    except RuntimeError as err:
        if cleanup is not None:
            cleanup()
        raise _interrupt_or(err) from None


class Pending:
    """A query that has run on its own cursor, its result not yet fetched
    (:meth:`Engine.run_parallel`)."""

    def __init__(self, cursor, error_type, release: Callable[[Any], None] | None = None):
        self._cursor = cursor
        self._error = error_type
        # (an engine lent again keeps its cursors: their prepared statements stay)
        self._release = release

    def fetch(self, columnar: bool = False) -> list[tuple]:
        """The rows as tuples (once); the cursor is closed.

        With ``columnar``, values are converted column by column through NumPy: several
        times faster than row by row for large results, but it imports NumPy (0.1 s), and
        columns must be of scalar types (a list or struct column would come back as a
        NumPy array).
        """
        if columnar:
            return list(zip(*self.fetch_columns(columnar=True)))
        return self._take(lambda cursor: cursor.fetchall())

    def fetch_columns(self, columnar: bool = False) -> list[list]:
        """The result as one list of values per column (once); see :meth:`fetch`."""
        if columnar:
            return self._take(lambda cursor: [values.tolist()
                                              for values in cursor.fetchnumpy().values()])
        width, rows = self._take(lambda cursor: (len(cursor.description), cursor.fetchall()))
        return [list(values) for values in zip(*rows)] if rows else [[] for _ in range(width)]

    def fetch_arrow(self):
        """The result as a pyarrow Table (once); see :meth:`fetch`."""
        return self._take(lambda cursor: cursor.to_arrow_table())

    def _take(self, read: Callable[[Any], Any]):
        """``read(cursor)``, DuckDB's errors raised as asnsql's; the cursor closed after."""
        try:
            with _duckdb_errors(self._error):
                return read(self._cursor)
        finally:
            self.close()

    def close(self) -> None:
        if self._cursor is not None:
            if self._release is not None:
                self._release(self._cursor)
            else:
                self._cursor.close()
            self._cursor = None


class Engine:
    """A DuckDB connection with asnsql's macros and its profile's installed.

    Parameters
    ----------
    database : str
        ``":memory:"`` (default) or a DuckDB database file.
    read_only : bool
        Open an existing database file read-only.
    tracer : callable, optional
        Called as ``tracer(sql, params)`` before every statement is run.
    memory_limit : str, optional
        DuckDB's ``memory_limit`` (e.g. ``"2GB"``). Beyond it DuckDB moves table data and
        intermediate results to a private temporary folder (under ``$ASNSQL_TMPDIR`` or the
        system's temporary folder), deleted on :meth:`close`.
    profile : Profile or str, optional
        The observatory (default: JWST): its macro files are run on a writable database,
        and pool loading reads its layout (:attr:`profile`).
    threads : int, optional
        DuckDB's ``threads`` (default: the cores).

    Raises
    ------
    QueryError
        When DuckDB cannot open the database.
    """

    #: Whether :meth:`for_pools` made it for small pool files (:meth:`give_back` keeps it).
    _small = False
    #: The prepared statements of an engine lent again (:class:`asnsql.replay.Prepared`),
    #: else None.
    _replay: "Prepared | None" = None
    #: How many times it was given back (:meth:`give_back`).
    _lent = 0
    #: The ``memory_limit`` it was made with (:meth:`restore_memory_limit`).
    _memory_limit: str | None = None
    #: The catalog's generation (:attr:`Prepared.generation`) when it was last read
    #: (:meth:`_empty_tables`); the tables found then are those the replay keeps.
    _catalog_read: int | None = None

    def __init__(self, database: str = ":memory:", read_only: bool = False,
                 tracer: Tracer | None = None, memory_limit: str | None = None,
                 profile: Profile | str | None = None, threads: int | None = None):
        from .profiles import get_profile

        duckdb = duckdb_module()
        self._duckdb = duckdb
        self.tracer = tracer
        #: The observatory profile (:class:`asnsql.profiles.Profile`).
        self.profile = get_profile(profile)
        self._spill: str | None = None
        try:
            self.con = duckdb.connect(database, read_only=read_only)
        except duckdb.Error as err:
            raise QueryError(f"cannot open DuckDB database {database}: {err}") from None
        self._memory_limit = memory_limit
        if memory_limit:
            import tempfile

            self._spill = tempfile.mkdtemp(prefix="asnsql-",
                                           dir=os.environ.get("ASNSQL_TMPDIR") or None)
            self.con.execute("SET memory_limit = $limit", {"limit": memory_limit})
            self.con.execute("SET temp_directory = $folder", {"folder": self._spill})
        self.con.execute("SET enable_progress_bar = false")
        if threads:
            self.con.execute("SET threads = $n", {"n": threads})
        if not read_only:
            for path in self.profile.macro_paths():
                self.run_script(path.read_text(encoding="utf-8"))
            self.run_script(sql_statements("pool.sql")["macros"])

    # --- running SQL -----------------------------------------------------------------------

    def _sql(self, sql) -> str:
        return sql if isinstance(sql, str) else sql.sql(dialect="duckdb")

    def execute(self, sql, params: Any = None):
        """Run one statement; return the DuckDB cursor.

        Raises
        ------
        QueryError
            With DuckDB's own message when the statement fails.
        """
        text = self._sql(sql)
        if self.tracer is not None:
            self.tracer(text, params)
        with _duckdb_errors(self._duckdb.Error):
            if self._replay is not None:
                return self._replay.run(self.con, text, params)
            if params is None:
                return self.con.execute(text)
            return self.con.execute(text, params)

    def run_script(self, script: str) -> None:
        """Run several ``;``-separated statements (no parameters)."""
        if self.tracer is not None:
            self.tracer(script, None)
        with _duckdb_errors(self._duckdb.Error):
            if self._replay is not None:
                self._replay.run(self.con, script, None)
            else:
                self.con.execute(script)

    def rows(self, sql, params: Any = None) -> list[tuple]:
        """Run a query and return all rows as tuples."""
        return self.execute(sql, params).fetchall()

    def dicts(self, sql, params: Any = None) -> list[dict]:
        """Run a query and return all rows as dicts keyed by column name."""
        cursor = self.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    def scalar(self, sql, params: Any = None):
        """Run a query and return the first column of the first row (or ``None``)."""
        row = self.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def run_parallel(self, queries: list, workers: int | None = None,
                     seconds: list | None = None,
                     take: Callable[["Pending"], Any] | None = None) -> list:
        """Run independent read-only queries on several cursors at once; fetch later.

        DuckDB runs each query without holding the GIL, so small queries (one per rule)
        overlap on several cores. The results stay in DuckDB until fetched
        (:meth:`Pending.fetch`, in any thread): turning them into Python tuples needs the
        GIL, and can then happen where the interpreter has time. The queries are started
        in the order given, so put the longest first.

        Parameters
        ----------
        queries : list
            SQL text or sqlglot expressions, or ``(sql, params)`` pairs.
        workers : int, optional
            Threads (default: the cores, at most 8).
        seconds : list, optional
            Filled with each query's wall time (same order as ``queries``).
        take : callable, optional
            Applied to each query's :class:`Pending` in its thread as soon as the query
            has run: the result can leave DuckDB then (``take`` reads it), so that DuckDB
            holds at most ``workers`` results at a time. What it returns is closed (its
            ``close()``) if another query fails.

        Returns
        -------
        list of Pending
            One per query, in the order of ``queries`` (with ``take``: what it returned).

        Raises
        ------
        QueryError
            With DuckDB's message when a query fails (the other results are discarded).
        """
        from concurrent.futures import ThreadPoolExecutor

        jobs = [(self._sql(q[0]), q[1]) if isinstance(q, tuple) else (self._sql(q), None)
                for q in queries]
        if self.tracer is not None:
            for text, params in jobs:
                self.tracer(text, params)
        workers = workers or min(len(jobs), os.cpu_count() or 1, 8)
        timings = [0.0] * len(jobs)

        def run(index: int):
            pending = self._start_query(*jobs[index], timings, index)
            return pending if take is None else take(pending)

        if workers <= 1 or len(jobs) <= 1:
            results = []
            try:
                for i in range(len(jobs)):
                    results.append(run(i))
            except QueryError:
                for done in results:
                    done.close()
                raise
        else:
            if self._replay is not None:
                # (an engine lent again keeps its threads, as it keeps its cursors)
                pool = self._replay.threads(workers)
                futures = [pool.submit(run, i) for i in range(len(jobs))]
            else:
                with ThreadPoolExecutor(max_workers=workers) as pool:
                    futures = [pool.submit(run, i) for i in range(len(jobs))]
            results, failure = [], None
            for future in futures:
                try:
                    results.append(future.result())
                except QueryError as err:
                    failure = failure or err
            if failure is not None:
                for done in results:
                    done.close()
                raise failure
        if seconds is not None:
            seconds[:] = timings
        return results

    def _start_query(self, text: str, params, timings: list, index: int) -> "Pending":
        """Run one query of :meth:`run_parallel` on a cursor of its own (its wall time
        into ``timings[index]``); the result stays in DuckDB until fetched."""
        import time

        start = time.perf_counter()
        replay = self._replay
        cursor = (replay.cursor() if replay is not None else None) or self.con.cursor()
        release = replay.release if replay is not None else None
        try:
            with _duckdb_errors(self._duckdb.Error,
                                lambda: release(cursor) if release else cursor.close()):
                if replay is not None:
                    replay.run(cursor, text, params)
                elif params is not None:
                    cursor.execute(text, params)
                else:
                    cursor.execute(text)
        finally:
            timings[index] = time.perf_counter() - start
        return Pending(cursor, self._duckdb.Error, release)

    @contextlib.contextmanager
    def duckdb_threads(self, n: int):
        """DuckDB's ``threads`` set to ``n`` while the ``with`` block runs, then back to
        what it was (for queries run side by side, each on fewer threads)."""
        before = self.scalar("SELECT current_setting('threads')")
        self.execute("SET threads = $n", {"n": n})
        try:
            yield
        finally:
            self.execute("SET threads = $n", {"n": before})

    def restore_memory_limit(self) -> None:
        """Set DuckDB's ``memory_limit`` back to the engine's own (DuckDB's default when it
        was made without one), after a caller lowered it for a while."""
        if self._memory_limit:
            self.execute("SET memory_limit = $limit", {"limit": self._memory_limit})
        else:
            self.execute("RESET memory_limit")

    def arrow(self, sql, params: Any = None):
        """Run a query and return a pyarrow Table."""
        return self.execute(sql, params).to_arrow_table()

    # --- tables ------------------------------------------------------------------------------

    def register(self, name: str, data) -> None:
        """Expose a pyarrow Table (or another DuckDB-readable object) as view ``name``."""
        with _duckdb_errors(self._duckdb.Error):
            self.con.register(name, data)

    def unregister(self, name: str) -> None:
        """Remove a view made by :meth:`register`."""
        self.con.unregister(name)

    def columns(self, table: str) -> list[str]:
        """Return the column names of a table or view."""
        from sqlglot import exp

        source = exp.Table(this=exp.to_identifier(table, quoted=True))
        cursor = self.execute(exp.select("*").from_(source).limit(0))
        return [d[0] for d in cursor.description]

    def is_relation(self, obj) -> bool:
        """Whether ``obj`` is a DuckDB relation."""
        return isinstance(obj, self._duckdb.DuckDBPyRelation)

    def statements(self, sql: str) -> list[tuple[str, str]]:
        """Split SQL text into statements with DuckDB's parser.

        Returns
        -------
        list of (str, str)
            ``(type, text)`` per statement; ``type`` is DuckDB's statement type name
            (``SELECT``, ``CREATE``, ``COPY``...).

        Raises
        ------
        QueryError
            When the text does not parse (DuckDB's message).
        """
        with _duckdb_errors(self._duckdb.Error):
            found = self.con.extract_statements(sql)
        return [(s.type.name, s.query) for s in found]

    def attach(self, path: str, alias: str, read_only: bool = True) -> None:
        """Attach a DuckDB database file under ``alias`` (read-only by default)."""
        from sqlglot import exp

        target = exp.Literal.string(str(path)).sql(dialect="duckdb")
        name = exp.to_identifier(alias, quoted=True).sql(dialect="duckdb")
        mode = " (READ_ONLY)" if read_only else ""
        self.execute(f"ATTACH {target} AS {name}{mode}")

    def worker(self) -> "Engine":
        """An engine on the same database for another thread (a DuckDB cursor).

        Close it before this engine; closing it leaves the database open.
        """
        other = object.__new__(Engine)
        other._duckdb = self._duckdb
        other.tracer = self.tracer
        other.profile = self.profile
        other._spill = None
        other.con = self.con.cursor()
        return other

    def close(self) -> None:
        """Close the connection (and delete the temporary folder of a memory limit)."""
        if self._replay is not None:
            self._replay.close()
            self._replay = None
        self.con.close()
        if self._spill:
            import shutil

            shutil.rmtree(self._spill, ignore_errors=True)
            self._spill = None

    def _tokens(self, text: str) -> list[tuple[int, str]]:
        """DuckDB's tokens of ``text``: ``(offset, type name)`` pairs (``keyword``,
        ``identifier``, ``operator``, ``string_const``...; comments give none)."""
        return [(offset, kind.name) for offset, kind in self._duckdb.tokenize(text)]

    @classmethod
    def for_pools(cls, pools: list, tracer: Tracer | None = None,
                  profile: Profile | str | None = None) -> "Engine":
        """An in-memory engine suited to the pools (of the observatory ``profile``).

        Pool files larger than :data:`LARGE_POOL_BYTES` in total get the memory limit
        :data:`LARGE_MEMORY_LIMIT`: DuckDB then keeps what does not fit in a temporary
        folder, so an archive pool of a million rows stays within a few GB. Pool files of
        at most :data:`SMALL_POOL_BYTES` run each query on one thread.
        """
        if large_pools(pools):
            return cls(tracer=tracer, memory_limit=LARGE_MEMORY_LIMIT, profile=profile)
        if small_pools(pools):
            # Small pools: each query on one thread (the rule queries still run side by
            # side, Engine.run_parallel); splitting a query of a few rows across the cores
            # costs more than it saves: a quarter of a 15-row pool's CPU time.
            engine = cls(tracer=tracer, profile=profile, threads=1)
            engine.execute(f"SET disabled_optimizers = '{SMALL_DISABLED_OPTIMIZERS}'")
            engine._small = True
            return engine
        return cls(tracer=tracer, profile=profile)

    @classmethod
    def borrow(cls, pools: list, profile: Profile | str | None = None) -> "Engine":
        """An engine for ``pools`` (:meth:`for_pools`) that goes back with :meth:`give_back`:
        for small pool files, the one this thread gave back last, if any.

        Opening and closing a DuckDB database (its threads, its buffers) and making the
        macros take ~30 ms, a sixth of a one-row pool's run: a program generating many
        small pools one by one (``asnsql.generate``) pays it once per thread.
        """
        from .profiles import get_profile

        profile = get_profile(profile)
        if small_pools(pools):
            engine = getattr(_IDLE, "engines", {}).pop(profile.name, None)
            if engine is not None:
                return engine
        return cls.for_pools(pools, profile=profile)

    def give_back(self) -> None:
        """Close the engine, or keep it for :meth:`borrow` in this thread: an engine of
        small pools (:meth:`for_pools`), lent at most :data:`MAX_LENT` times, with its
        tables emptied (its tables, views, macros and prepared statements stay; from then
        on it runs statements prepared, :mod:`asnsql.replay`). Any failure closes it."""
        idle = _IDLE.__dict__.setdefault("engines", {})
        if not self._small or self.tracer is not None or \
                self.profile.name in idle or self._lent >= MAX_LENT:
            self.close()
            return
        try:
            kept = self._empty_tables()
        except BaseException:
            self.close()
            raise
        if kept:
            self._lent += 1
            idle[self.profile.name] = self
        else:
            self.close()

    def _empty_tables(self) -> bool:
        """Delete the rows of every table made on this connection (the tables, the views
        and the macros stay, and so do the statements prepared on them: see
        :mod:`asnsql.replay`); ``False`` (nothing done) when a table or view is not in the
        main schema or its name is not a plain identifier: the engine is then not kept.
        The catalog is read only if it may have changed since last time
        (:meth:`Prepared.catalog_unchanged`)."""
        replay = self._replay
        if replay is not None and self._catalog_read is not None \
                and replay.catalog_unchanged(self._catalog_read):
            tables = replay.kept_tables()
        else:
            found = self.rows("SELECT database_name, schema_name, table_name, 'TABLE' "
                              "FROM duckdb_tables() WHERE NOT internal UNION ALL "
                              "SELECT database_name, schema_name, view_name, 'VIEW' "
                              "FROM duckdb_views() WHERE NOT internal")
            if any((database, schema) != ("memory", "main")
                   or not _PLAIN_NAME.fullmatch(name) for database, schema, name, _ in found):
                return False
            if replay is None:
                replay = self._replay = Prepared(self._duckdb.Error, tokenize=self._tokens)
            tables = {name for _, _, name, kind in found if kind == "TABLE"}
            self._catalog_read = replay.generation
        self._replay.keep(tables)
        # (asnsql's own tables: plain names, checked above, written out as they are)
        with _duckdb_errors(self._duckdb.Error):
            self._replay.empty(self.con, tables)
        if (self._lent + 1) % CHECKPOINT_EVERY == 0:
            # The deleted rows' storage stays until a checkpoint: without one, every table
            # grows a row group each time, and a one-row pool's run is a third slower after
            # 150 pools. The prepared statements stay: DuckDB 1.5 does not bind them again
            # after a checkpoint (making them all again cost the next run about 70 ms).
            self.execute("CHECKPOINT")
        return True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
