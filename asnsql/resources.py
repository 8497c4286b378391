"""Locate the data shipped with asnsql: rule files, SQL files and JSON schemas.

In a wheel, ``rules/`` and ``sql/`` are force-included as ``asnsql/_data/rules`` and
``asnsql/_data/sql``; in a source checkout (editable install) they sit at the top of the
repository, beside the package.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["data_dir", "rules_dir", "sql_dir", "sql_text", "sql_statements"]


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
    packaged = Path(str(resources.files("asnsql"))) / "_data" / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / name
    if checkout.is_dir():
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
    """Split ``sql/<name>`` into its named statements (``-- name: NAME`` lines)."""
    statements: dict[str, list[str]] = {}
    current = None
    for line in sql_text(name).splitlines():
        stripped = line.strip()
        if stripped.startswith("-- name:"):
            current = stripped.split(":", 1)[1].strip()
            statements[current] = []
        elif current is not None:
            statements[current].append(line)
    return {key: "\n".join(lines).strip() for key, lines in statements.items()}
