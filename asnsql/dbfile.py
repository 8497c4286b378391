"""Session database files: recognising one, waiting for its lock, creating it safely.

A database file made by a session with ``write`` is created under a hidden name beside its
destination (:func:`create_beside`) and put in place once its first transaction is
committed and it is closed (:func:`put_in_place`): a failed or killed run leaves no
half-made database. Runs starting together create it once (:func:`creation_lock`); another
process holding a database is waited for (:data:`LOCK_WAIT` seconds, ``$ASNSQL_LOCK_WAIT``)
before giving up with a clear message (:func:`open_waiting`). See ``docs/SECURITY.md``.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import QueryError

__all__ = ["LOCK_WAIT", "lock_wait", "open_waiting", "creation_lock", "is_database_file",
           "create_beside", "put_in_place"]

#: Seconds to wait for a database another process holds (``$ASNSQL_LOCK_WAIT`` overrides).
LOCK_WAIT = 10.0


def lock_wait() -> float:
    """Seconds to wait for a database held by another process."""
    try:
        return float(os.environ.get("ASNSQL_LOCK_WAIT", LOCK_WAIT))
    except ValueError:
        return LOCK_WAIT


def open_waiting(database: str, open_it):
    """Call ``open_it()``; while DuckDB says another process holds the file's lock, retry
    for :data:`LOCK_WAIT` seconds, then raise a one-line :class:`QueryError`."""
    import time

    wait = lock_wait()
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


def creation_lock(final: Path):
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
    wait = lock_wait()
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


def is_database_file(path: str | os.PathLike) -> bool:
    """Whether a file is a DuckDB database (by its header), or named ``*.duckdb`` / ``*.db``."""
    path = Path(path)
    if path.suffix.lower() in (".duckdb", ".db", ".ddb"):
        return True
    try:
        with open(path, "rb") as handle:
            return handle.read(12)[8:12] == b"DUCK"
    except OSError:
        return False


def create_beside(final: Path) -> Path:
    """The hidden path beside ``final`` a new database is made under (stale ones of a
    killed run removed first); :func:`put_in_place` moves it to ``final``.

    Raises
    ------
    QueryError
        When ``final``'s folder does not exist.
    """
    import secrets

    from .publish import STAGING_MARK, clean_stale

    if not final.parent.is_dir():
        raise QueryError(f"cannot create database {final}: folder {final.parent} does "
                         "not exist")
    clean_stale(final.parent, final.name)
    return final.parent / f".{final.name}{STAGING_MARK}{os.getpid()}-{secrets.token_hex(4)}"


def put_in_place(new: Path, final: Path) -> None:
    """Move a closed new database to ``final`` without replacing one made meanwhile.

    Raises
    ------
    QueryError
        When another run created ``final`` meanwhile (``new`` is left for the caller to
        delete).
    """
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
