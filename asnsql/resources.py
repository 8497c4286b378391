"""Locate the data shipped with asnsql: rule files, SQL files and JSON schemas.

In a wheel, ``rules/`` and ``sql/`` are force-included as ``asnsql/_data/rules`` and
``asnsql/_data/sql``; in a source checkout (editable install) they sit at the top of the
repository, beside the package.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["data_dir", "rules_dir", "sql_dir", "sql_text", "sql_statements"]

#: Folder name -> the folder :func:`data_dir` found (looked up once per process).
_FOUND: dict[str, Path] = {}
#: SQL file path -> ((modification time, size), its statements): :func:`sql_statements`
#: runs for every pool, and reads the file again only when it changed.
_STATEMENTS: dict[Path, tuple[tuple[int, int], dict[str, str]]] = {}


def data_dir(name: str) -> Path:
    """Return the folder ``name`` (``rules`` or ``sql``) of the installed data.

    Parameters
    ----------
    name : str
        ``"rules"`` or ``"sql"``.

    Returns
    -------
    pathlib.Path
        The folder, inside the installed package or in the source checkout.

    Raises
    ------
    FileNotFoundError
        When neither location holds the folder (a broken installation).
    """
    found = _FOUND.get(name)
    if found is not None and found.is_dir():
        return found
    packaged = Path(str(resources.files("asnsql"))) / "_data" / name
    if packaged.is_dir():
        _FOUND[name] = packaged
        return packaged
    checkout = Path(__file__).resolve().parent.parent / name
    if checkout.is_dir():
        _FOUND[name] = checkout
        return checkout
    raise FileNotFoundError(
        f"asnsql data folder {name!r} is missing from {packaged} and {checkout}; "
        "reinstall asnsql"
    )


def rules_dir() -> Path:
    """Return the folder holding the default rule files."""
    return data_dir("rules")


def sql_dir() -> Path:
    """Return the folder holding the hand-written SQL files."""
    return data_dir("sql")


def sql_text(name: str) -> str:
    """Return the text of ``sql/<name>``."""
    return (sql_dir() / name).read_text(encoding="utf-8")


def sql_statements(name: str) -> dict[str, str]:
    """Split ``sql/<name>`` into its named statements (``-- name: NAME`` lines).

    The result is shared between calls (read it, do not change it)."""
    path = sql_dir() / name
    stat = path.stat()
    signature = (stat.st_mtime_ns, stat.st_size)
    known = _STATEMENTS.get(path)
    if known is not None and known[0] == signature:
        return known[1]
    statements = _split_statements(path.read_text(encoding="utf-8"))
    _STATEMENTS[path] = (signature, statements)
    return statements


def _split_statements(text: str) -> dict[str, str]:
    """SQL text split at its ``-- name: NAME`` lines: NAME -> the statement."""
    statements: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("-- name:"):
            current = stripped.split(":", 1)[1].strip()
            statements[current] = []
        elif current is not None:
            statements[current].append(line)
    return {key: "\n".join(lines).strip() for key, lines in statements.items()}
