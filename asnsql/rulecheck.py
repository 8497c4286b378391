"""Checking a rule file's fields: where the parser is in the file, the problems it found,
and the checks every part of a rule file shares (field names, column names).

The parsers of :mod:`asnsql.ruleset`, :mod:`asnsql.ruleconditions` and
:mod:`asnsql.ruleresolve` report into one :class:`RuleContext`, so loading a file lists
every problem at once.
"""

from __future__ import annotations

from typing import Any

from .profiles import Profile

__all__ = ["RuleContext", "as_tuple", "check_fields", "check_columns"]


class RuleContext:
    """Where we are in a rule file, and the problems collected so far.

    Parameters
    ----------
    path : str
        The rule file, named in every problem.
    columns : set of str
        The pool columns rules may read (lower case).
    conditions : dict
        The file's named conditions (``conditions:``), name -> condition node.
    profile : Profile
        The observatory whose predicates, validity tests and hooks rules may name.

    Attributes
    ----------
    problems : list of str
        ``FILE: WHERE: FIELD: MESSAGE`` each, in the order found.
    where : str
        The place being parsed (``rule NAME``, ``part NAME``, ``base``), or ``""``.
    using : list of str
        The named conditions being expanded, innermost last (a condition using itself is
        an error).
    """

    def __init__(self, path: str, columns: set[str], conditions: dict[str, Any],
                 profile: Profile):
        self.path = path
        self.columns = columns
        self.profile = profile
        self.conditions = conditions
        self.problems: list[str] = []
        self.where = ""
        self.using: list[str] = []

    def problem(self, field: str, message: str) -> None:
        """Note one problem of ``field`` at the current place."""
        place = f"{self.path}: {self.where}" if self.where else self.path
        self.problems.append(f"{place}: {field}: {message}")


def as_tuple(value: Any) -> tuple:
    """``None`` -> ``()``, a list or tuple -> a tuple of its items, a value -> ``(value,)``."""
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return (value,)


def check_fields(ctx: RuleContext, field: str, node: dict, allowed: set[str]) -> None:
    """Report each field of the mapping ``node`` that is not in ``allowed``."""
    for name in node:
        if name not in allowed:
            ctx.problem(field, f"unknown field {name!r} (allowed: {', '.join(sorted(allowed))})")


def check_columns(ctx: RuleContext, field: str, columns: tuple[str, ...]) -> tuple[str, ...]:
    """The column names, lower case; a name that is not a string is reported and left
    out, an unknown column reported and kept."""
    out = []
    for column in columns:
        if not isinstance(column, str) or not column:
            ctx.problem(field, f"column names must be strings, got {column!r}")
            continue
        name = column.lower()
        if name not in ctx.columns:
            ctx.problem(field, f"unknown column {column!r}; list non-standard columns under "
                               "`columns:` at the top of the rule file")
        out.append(name)
    return tuple(out)
