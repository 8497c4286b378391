"""What an engine lent again may run as a prepared statement (:meth:`Engine.borrow`).

DuckDB spends most of a small pool's run parsing, binding and planning its statements:
about 40 ms for the screen and each rule query, against 4 ms to run them prepared. A
program generating many small pools one by one runs the same statement texts each time
(the pool's own values are in its tables, never in the SQL). An engine lent again
therefore keeps its tables, empties them instead of dropping them, and runs each statement
as a prepared one (``PREPARE`` once, ``EXECUTE`` after), with these rules:

* a ``SELECT`` or ``INSERT`` is prepared as it is;
* ``CREATE OR REPLACE TABLE t AS query`` becomes ``DELETE FROM t`` and the prepared
  ``INSERT INTO t query`` when that same text made ``t`` (same text, same inputs: same
  columns; another plan's text runs as it is); ``CREATE OR REPLACE TABLE t (columns)``
  likewise becomes ``DELETE FROM t``. The ``DELETE`` is left out while ``t`` is known to
  hold no row: emptied when the engine was given back (:meth:`Prepared.empty`, each
  ``DELETE`` prepared), and no statement since could have written it (an ``INSERT INTO``
  another table, a ``SELECT``, a view or a temporary table cannot; a statement run as it
  is might: then every table is deleted from again);
* ``CREATE OR REPLACE VIEW`` whose text made the view already is skipped;
* DuckDB rebinds a prepared statement after any change to the catalog it reads (a table
  or view made or dropped), every time it runs, which is slower than not preparing it: such
  a change (other than to temporary tables, which live in a catalog of their own) drops
  every prepared statement (:attr:`Statement.changes_catalog`), so they are prepared again.

* a statement with ``$name`` parameters is prepared with their values written in as
  literals (:func:`inline`) and kept for those values: DuckDB binds and plans a prepared
  statement again on every ``EXECUTE`` that gives it values. Where that cannot be done, the
  values become literals of the ``EXECUTE`` (DuckDB does not bind parameters to
  ``EXECUTE``). Either way :func:`literal` spells them, refusing any value it cannot spell
  exactly (the statement then runs as it is, with its values bound);
* ``CHECKPOINT`` (a ``CALL`` to DuckDB) changes no catalog entry.

:class:`Prepared` runs the texts on the connections :class:`asnsql.engine.Engine` hands it
(this module imports no duckdb; the engine hands it DuckDB's tokenizer too).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

__all__ = ["Prepared", "Statement", "classify", "execute_text", "inline", "literal"]

_COMMENTS = re.compile(r"\A(?:\s*--[^\n]*(?:\n|\Z))*\s*")
_NAME = r"(?:main\.)?([a-z_][a-z0-9_]*)"
_CTAS = re.compile(r"CREATE\s+OR\s+REPLACE\s+TABLE\s+" + _NAME + r"\s+AS\s+(.*)\Z",
                   re.IGNORECASE | re.DOTALL)
_EMPTY = re.compile(r"CREATE\s+OR\s+REPLACE\s+TABLE\s+" + _NAME + r"\s*\(", re.IGNORECASE)
_VIEW = re.compile(r"CREATE\s+OR\s+REPLACE\s+VIEW\s+" + _NAME + r"\s+AS\s", re.IGNORECASE)
_TEMP = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?TEMP(?:ORARY)?\s+(?:TABLE|VIEW)\s+"
                   r"([a-z_][a-z0-9_]*)", re.IGNORECASE)
_INSERT = re.compile(r"INSERT\s+INTO\s+" + _NAME + r"[\s(]", re.IGNORECASE)
_DROP = re.compile(r"DROP\s+(?:TABLE|VIEW)\s+IF\s+EXISTS\s+" + _NAME + r"\s*;?\s*\Z",
                   re.IGNORECASE)


@dataclass(frozen=True)
class Statement:
    """One statement text as an engine lent again runs it.

    ``kind`` is ``query`` (prepared as it is; ``name``: the table an ``INSERT`` writes,
    ``*`` if not plainly named), ``table`` (``CREATE OR REPLACE TABLE name
    AS query``: ``body`` is the query), ``empty`` (``CREATE OR REPLACE TABLE name
    (columns)``), ``view``, ``temp`` (a temporary table or view: run as it is), ``drop``
    (``DROP TABLE|VIEW IF EXISTS name``), ``checkpoint`` or ``other`` (run as it is).
    """

    kind: str
    name: str = ""
    body: str = ""
    changes_catalog: bool = False


def classify(types: list[str], text: str) -> Statement:
    """How to run ``text``, given DuckDB's statement types of it (``SELECT``,
    ``INSERT``, ``CREATE``...; one per statement, :meth:`Engine.statements`)."""
    if len(types) != 1:
        return Statement("other", changes_catalog=any(t not in _PLAIN for t in types))
    body = _COMMENTS.sub("", text, count=1).rstrip().rstrip(";").rstrip()
    kind = types[0]
    if kind == "SELECT":
        return Statement("query", body=body)
    if kind == "INSERT":
        # (the table it writes: ``*`` where the text does not name it plainly)
        target = _INSERT.match(body)
        return Statement("query", name=target.group(1).lower() if target else "*", body=body)
    if kind == "CALL" and body.upper() == "CHECKPOINT":
        # (DuckDB parses it as a CALL; it writes the tables' storage and changes no
        # catalog entry: the prepared statements stay)
        return Statement("checkpoint")
    if kind == "CREATE":
        if m := _TEMP.match(body):
            return Statement("temp", name=m.group(1).lower())
        if m := _CTAS.match(body):
            return Statement("table", name=m.group(1).lower(), body=m.group(2))
        if m := _EMPTY.match(body):
            return Statement("empty", name=m.group(1).lower())
        if m := _VIEW.match(body):
            return Statement("view", name=m.group(1).lower(), changes_catalog=True)
        return Statement("other", changes_catalog=True)
    if kind == "DROP":
        if m := _DROP.match(body):
            return Statement("drop", name=m.group(1).lower(), changes_catalog=True)
        return Statement("other", changes_catalog=True)
    return Statement("other", changes_catalog=kind not in _PLAIN)


#: Statement types that change no catalog entry.
_PLAIN = frozenset({"SELECT", "INSERT", "DELETE", "UPDATE", "SET", "VARIABLE_SET", "PRAGMA",
                    "EXPLAIN", "TRANSACTION", "PREPARE", "EXECUTE", "COPY"})


def literal(value) -> str | None:
    """``value`` as a DuckDB literal, or ``None`` when it cannot be spelled exactly.

    ``None``, ``bool``, ``int``, ``str`` without NUL characters (quotes doubled; DuckDB
    reads backslashes in ``'...'`` as they are) and non-empty lists or tuples of these (as
    a DuckDB list). Not ``float``: DuckDB reads ``1.5`` as a DECIMAL.
    """
    if value is None:
        return "NULL"
    kind = type(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is str:
        if "\x00" in value:
            return None
        return "'" + value.replace("'", "''") + "'"
    if kind in (list, tuple) and value:
        items = [literal(v) for v in value]
        if any(i is None for i in items):
            return None
        return "[" + ", ".join(items) + "]"
    return None


def inline(body: str, spelled: dict[str, str], tokens) -> str | None:
    """``body`` with each ``$name`` parameter replaced by its literal ``spelled[name]``
    (in parentheses); ``None`` if one of ``spelled`` is not found, or ``body`` has a
    parameter ``spelled`` does not give.

    ``tokens`` are DuckDB's tokens of ``body`` (``(offset, type name)``, as
    ``duckdb.tokenize`` gives them): a ``$`` is a parameter only where it is an operator
    token followed by a name, never in a string literal, a quoted name or a comment.
    """
    parts = []
    done = 0
    found = set()
    for (start, kind), (after, next_kind) in zip(tokens, list(tokens[1:]) + [(len(body), "")]):
        if kind != "operator" or body[start] != "$":
            continue
        if after != start + 1 or next_kind not in ("identifier", "keyword"):
            return None         # ($1, ?, or a $ the tokenizer did not pair with a name)
        name = re.match(r"[A-Za-z_][A-Za-z0-9_]*", body[after:])
        if name is None or name.group() not in spelled:
            return None
        parts += [body[done:start], "(", spelled[name.group()], ")"]
        done = after + name.end()
        found.add(name.group())
    if found != set(spelled):
        return None
    return "".join(parts) + body[done:]


def execute_text(name: str, params) -> str | None:
    """``EXECUTE name(...)`` with ``params`` (a dict of ``$name`` values, a sequence of
    positional ones, or ``None``) as literals; ``None`` when one cannot be spelled."""
    if not params:
        return f"EXECUTE {name}"
    if isinstance(params, dict):
        parts = []
        for key, value in params.items():
            text = literal(value)
            if text is None or not re.fullmatch(r"[a-z_][a-z0-9_]*", key):
                return None
            parts.append(f"\"{key}\" := {text}")
    else:
        parts = [literal(value) for value in params]
        if any(p is None for p in parts):
            return None
    return f"EXECUTE {name}({', '.join(parts)})"


class Prepared:
    """The statements an engine lent again has prepared, on its connection and on the
    cursors it keeps for :meth:`Engine.run_parallel` (each a connection of its own, with
    its own prepared statements), and how it runs each text (see the module's docstring).

    The :class:`~asnsql.engine.Engine` owns the connection and hands it in: this class
    imports no duckdb (``error_type`` is DuckDB's error class).
    """

    def __init__(self, error_type, tokenize=None):
        self._error = error_type
        self._tokenize = tokenize
        self._kinds: dict[str, Statement] = {}
        #: id(connection) -> (connection, statement key -> (prepared name, the values
        #: written into it or None)); a key of values written in starts with "\x01"
        self._names: dict[int, tuple[Any, dict[str, tuple[str, tuple | None]]]] = {}
        self._unpreparable: set[str] = set()
        #: main table -> the statement text that made it (None: made before lending)
        self._tables: dict[str, str | None] = {}
        self._views: dict[str, str] = {}
        self._temp: set[str] = set()
        #: main tables known to hold no row: emptied by :meth:`empty`, and no statement
        #: run since could have written them
        self._emptied: set[str] = set()
        self._idle: list = []
        self._lock = threading.Lock()
        self._count = 0
        self._pool = None
        self._workers = 0
        #: How many times the catalog changed (:meth:`forget`): the same number, the same
        #: tables and views as when it was read
        self.generation = 0

    def keep(self, tables: set[str]) -> None:
        """The main tables that exist (emptied when given back)."""
        self._tables = {name: self._tables.get(name) for name in tables}

    def kept_tables(self) -> set[str]:
        """The main tables of the last :meth:`keep`, and those made since (each made
        through it changes the catalog: :attr:`generation`)."""
        return set(self._tables)

    def empty(self, con, tables: set[str]) -> None:
        """Delete every row of the main ``tables`` (plain names) on ``con``, each
        ``DELETE`` prepared; they are then known to hold no row (:meth:`run` leaves out the
        ``DELETE`` of the next ``CREATE OR REPLACE TABLE`` of one)."""
        for name in sorted(tables):
            text = f"DELETE FROM main.{name}"
            self._execute(con, text, text, None)
        self._emptied = set(tables)

    def catalog_unchanged(self, generation: int) -> bool:
        """Whether the main tables and views are those there were at ``generation`` (a
        value of :attr:`generation`), and no temporary table made through it is left."""
        return generation == self.generation and not self._temp

    def cursor(self):
        """A kept cursor not in use (a new one if none is idle)."""
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return None

    def release(self, cursor) -> None:
        """Take back a cursor of :meth:`cursor` (its result fetched or not)."""
        with self._lock:
            self._idle.append(cursor)

    def run(self, con, text: str, params):
        """Run ``text`` on ``con`` as :mod:`asnsql.replay` says; return the cursor."""
        statement = self._kinds.get(text)
        if statement is None:
            types = [s.type.name for s in con.extract_statements(text)]
            statement = self._kinds[text] = classify(types, text)
        kind, name = statement.kind, statement.name
        if kind == "query":
            if name == "*":
                self._emptied.clear()
            elif name:
                self._emptied.discard(name)   # (an INSERT: that table may hold rows)
            return self._execute(con, text, statement.body, params)
        # (a table is refilled only by the statement that made it: another one, of another
        # plan, may give it other columns)
        if kind == "table" and self._tables.get(name) == text:
            if name in self._emptied:
                self._emptied.discard(name)
            else:
                con.execute(f"DELETE FROM main.{name}")
            return self._execute(con, "\0" + text, f"INSERT INTO main.{name} {statement.body}",
                                 params)
        if kind == "empty" and self._tables.get(name) == text:
            if name in self._emptied:
                return con
            return con.execute(f"DELETE FROM main.{name}")
        if kind == "view" and self._views.get(name) == text:
            return con
        if kind in ("table", "empty"):
            self._emptied.discard(name)
        elif not (kind in ("view", "temp", "checkpoint")
                  or (kind == "drop" and name in self._temp)):
            self._emptied.clear()       # (it might write any table)
        cursor = con.execute(text, params) if params is not None else con.execute(text)
        if kind in ("table", "empty"):
            self._tables[name] = text
            self.forget()
        elif kind == "view":
            self._views[name] = text
            self.forget()
        elif kind == "temp":
            self._temp.add(name)
        elif kind == "drop" and name in self._temp:
            self._temp.discard(name)
        elif statement.changes_catalog:
            self._tables.pop(name, None)
            self._views.pop(name, None)
            self.forget()
        return cursor

    def _execute(self, con, key: str, body: str, params):
        """``body`` prepared on ``con`` (once) and executed with ``params``."""
        entry = self._names.get(id(con))
        if entry is None or entry[0] is not con:
            entry = self._names[id(con)] = (con, {})
        names = entry[1]
        if params and isinstance(params, dict) and self._tokenize is not None:
            cursor = self._execute_inlined(con, names, key, body, params)
            if cursor is not None:
                return cursor
        kept = names.get(key)
        name = kept[0] if kept is not None else None
        if name is None and key not in self._unpreparable:
            name = self._prepare(con, body)
            if name is None:
                # (a statement DuckDB cannot prepare, e.g. a parameter of no known type,
                # runs as it is: an error in it is raised there)
                self._unpreparable.add(key)
            else:
                names[key] = (name, None)
        command = execute_text(name, params) if name is not None else None
        if command is None:
            return con.execute(body, params) if params is not None else con.execute(body)
        return con.execute(command)

    def _execute_inlined(self, con, names: dict, key: str, body: str, params: dict):
        """``body`` with its ``$name`` parameters spelled in as literals, prepared once per
        set of values and executed without any: ``None`` when that cannot be done (a value
        :func:`literal` cannot spell, a parameter not found where expected).

        DuckDB binds and plans a prepared statement again every time an ``EXECUTE`` gives it
        values, so a parameter costs as much as not preparing at all (1-2 ms a statement
        on a small pool). Most values come back unchanged from one pool to the next (the
        first source, the candidate patterns, the discovery switch), so the statement
        prepared with the last values is kept, one per text and connection, and runs as
        an ``EXECUTE`` of no values; other values make it again (a ``PREPARE``, which costs
        what the ``EXECUTE`` with values would have).
        """
        ikey = "\x01" + key
        if ikey in self._unpreparable:
            return None
        spelled = {}
        for param, value in params.items():
            text = literal(value)
            if text is None:
                return None
            spelled[param] = text
        signature = tuple(spelled.items())
        kept = names.get(ikey)
        if kept is None or kept[1] != signature:
            inlined = inline(body, spelled, self._tokenize(body))
            if inlined is None:
                return None
            if kept is not None:
                del names[ikey]
                con.execute(f"DEALLOCATE {kept[0]}")
            name = self._prepare(con, inlined)
            if name is None:
                self._unpreparable.add(ikey)
                return None
            kept = names[ikey] = (name, signature)
        return con.execute(f"EXECUTE {kept[0]}")

    def _prepare(self, con, body: str) -> str | None:
        """``body`` prepared on ``con`` under a new name (returned), or ``None`` if DuckDB
        cannot prepare it."""
        with self._lock:
            self._count += 1
            name = f"asnsql_prepared_{self._count}"
        try:
            con.execute(f"PREPARE {name} AS {body}")
        except self._error:
            return None
        return name

    def forget(self) -> None:
        """Drop every prepared statement: the catalog changed (DuckDB would bind them
        again each time they run)."""
        self.generation += 1
        for con, names in self._names.values():
            for name, _ in names.values():
                try:
                    con.execute(f"DEALLOCATE {name}")
                except self._error:
                    pass
        self._names.clear()

    def threads(self, workers: int):
        """A thread pool of ``workers`` threads kept for the parallel queries (starting
        threads for every pool costs a few ms)."""
        if self._pool is None or self._workers != workers:
            from concurrent.futures import ThreadPoolExecutor

            if self._pool is not None:
                self._pool.shutdown()
            self._pool = ThreadPoolExecutor(max_workers=workers,
                                            thread_name_prefix="asnsql-query")
            self._workers = workers
        return self._pool

    def close(self) -> None:
        """Close the kept cursors and stop the kept threads."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
        for cursor in self._idle:
            cursor.close()
        self._idle.clear()
