"""Checks on values that become file names, and error text fit for one line.

Every value that reaches a path (association and product names built from pool values,
a rule file's ``asn_type``, ``--save-orphans``, member names handed to a copy command) goes
through :func:`safe_name`; every message the command line prints goes through
:func:`one_line`.
"""

from __future__ import annotations

import re

from .errors import OutputError

__all__ = ["safe_name", "one_line", "MAX_QUOTED"]

#: Longest quoted value kept whole in a message (longer ones are cut, their length said).
MAX_QUOTED = 200
#: Longest message line (the rest is cut, its length said); ``--debug`` shows all.
MAX_LINE = 2000
#: Longest file name (bytes) most file systems take.
MAX_NAME_BYTES = 255

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_name(value, what: str, error: type[Exception] = OutputError) -> str:
    """Return ``value`` when it is usable as one file name in a folder; raise otherwise.

    A safe name is a non-empty string of at most 255 bytes (UTF-8) with no ``/`` or ``\\``,
    no NUL or other control character, that is not ``.`` or ``..`` and does not start with
    ``-`` (it would be read as an option by a command given it).

    Parameters
    ----------
    value : str
        The would-be file name.
    what : str
        What the value is, for the message (``"association name"``, ``"asn_type of rule
        Asn_X in rules.yaml"``...).
    error : exception class
        Raised when the name is not safe (default :class:`~asnsql.errors.OutputError`).

    Returns
    -------
    str
        ``value``.

    Raises
    ------
    error
        Naming ``what`` and the whole value (the command line cuts long ones, see
        :func:`one_line`), and why it is refused.
    """
    problem = None
    if not isinstance(value, str) or not value:
        problem = "it is empty" if value in ("", None) else "it is not text"
    elif "/" in value or "\\" in value:
        problem = "it contains a folder separator"
    elif _CONTROL.search(value):
        problem = "it contains a NUL or control character"
    elif value in (".", ".."):
        problem = "it names a folder"
    elif value.startswith("-"):
        problem = "it starts with '-'"
    elif len(value.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        problem = f"it is longer than {MAX_NAME_BYTES} bytes"
    if problem is not None:
        raise error(f"{what} {value!r} cannot be a file name: {problem}")
    return value


def one_line(message: str, limit: int = MAX_LINE) -> str:
    """A message on one line: line breaks joined with ``; ``, DuckDB's caret diagrams
    dropped, quoted values longer than :data:`MAX_QUOTED` cut, the whole cut to
    ``limit`` characters."""
    kept = []
    for line in str(message).splitlines():
        line = line.strip()
        if not line or line.startswith("LINE ") or set(line) <= {"^", " "}:
            continue
        kept.append(line)
    text = ""
    for line in kept:
        text += ("" if not text else " " if text.endswith(":") else "; ") + line
    text = _CONTROL.sub("?", text)
    text = re.sub(r"""(['"])([^'"]{%d,}?)\1""" % (MAX_QUOTED + 1),
                  lambda m: f"{m.group(1)}{m.group(2)[:MAX_QUOTED]}{m.group(1)}"
                            f"... ({len(m.group(2))} characters)", text)
    text = re.sub(r"([^\s'\"]{%d,})" % (MAX_QUOTED + 20),
                  lambda m: f"{m.group(1)[:MAX_QUOTED]}... ({len(m.group(1))} characters)",
                  text)
    if len(text) > limit:
        text = f"{text[:limit]}... ({len(text) - limit} more characters; --debug shows all)"
    return text
