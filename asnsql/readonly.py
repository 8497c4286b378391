"""What a read-only session runs: queries and plain ``EXPLAIN``, nothing else.

A session opened without ``write`` runs only :data:`READ_STATEMENTS` (DuckDB's statement
type names): queries (``SELECT``, ``FROM``, ``WITH``, ``VALUES``, ``DESCRIBE``, ``SHOW``,
``SUMMARIZE``, ``PRAGMA`` of a value) and ``EXPLAIN`` of a query. ``EXPLAIN ANALYZE`` runs
the statement it explains, so it is refused. See ``docs/SECURITY.md``.
"""

from __future__ import annotations

import re

from .errors import QueryError

__all__ = ["READ_STATEMENTS", "check_statements", "reads_only"]

#: Statement types a read-only session runs (DuckDB's statement type names); ``EXPLAIN``
#: only of a query and without ``ANALYZE``.
READ_STATEMENTS = frozenset({"SELECT", "EXPLAIN"})


def check_statements(engine, sql: str, *, write: bool,
                     database: str | None = None) -> list[tuple[str, str]]:
    """Split ``sql`` into statements (kind, text); unless ``write``, refuse all but queries.

    Parameters
    ----------
    engine : Engine
        Parses the SQL (DuckDB's parser; nothing runs).
    sql : str
    write : bool
        Whether the session may change its database.
    database : str, optional
        The database file, named in the message.

    Raises
    ------
    QueryError
        When the SQL does not parse, or (read-only) a statement is not a query; nothing
        has run then.
    """
    statements = engine.statements(sql)
    if not statements:
        raise QueryError("no SQL statement given")
    if not write:
        for kind, text in statements:
            if not reads_only(engine, kind, text):
                where = f"database {database}" if database else "this session"
                raise QueryError(
                    f"{where} is open read-only: {kind} statement refused "
                    f"({text.strip()[:60]!r}); only queries and plain EXPLAIN run, and "
                    "nothing was run. Give --write --db FILE (Python: write=True) to "
                    "change a database")
    return statements


def reads_only(engine, kind: str, text: str) -> bool:
    """Whether one statement (DuckDB's ``kind``, its ``text``) only reads."""
    if kind == "SELECT":
        return True
    if kind != "EXPLAIN":
        return False
    # EXPLAIN <statement>: the statement must be a query, and not run (no ANALYZE).
    match = re.match(r"\s*explain\b(.*)\Z", text, flags=re.IGNORECASE | re.DOTALL)
    if match is None:
        return False
    try:
        inner = engine.statements(match.group(1))
    except QueryError:
        return False
    return len(inner) == 1 and inner[0][0] == "SELECT"
