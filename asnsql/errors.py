"""Exceptions and warnings raised by asnsql.

Every error asnsql raises on purpose derives from :class:`AsnsqlError`; each subclass also
derives from the builtin exception that fits, so callers may catch either. Messages name the
file, row, rule or column involved and say what to do next. The library never prints or
exits; the command-line interface maps these classes to exit codes in one place
(:mod:`asnsql.cli`).
"""

from __future__ import annotations

__all__ = [
    "AsnsqlError",
    "AsnsqlWarning",
    "AssociationError",
    "CompileError",
    "Interrupted",
    "OutputError",
    "PoolError",
    "QueryError",
    "RuleError",
]


class AsnsqlError(Exception):
    """Root of every error raised by asnsql."""

    exit_code = 1


class PoolError(AsnsqlError, ValueError):
    """A pool cannot be read or lacks what the rules need (file, row and column named)."""

    exit_code = 2


class RuleError(AsnsqlError, ValueError):
    """A rule file is invalid.

    Parameters
    ----------
    problems : list of str
        Every problem found, each naming the file, the rule and the field. All problems of a
        file are collected before raising, so a user fixes them in one pass.
    """

    exit_code = 3

    def __init__(self, problems: list[str] | str):
        if isinstance(problems, str):
            problems = [problems]
        self.problems = list(problems)
        count = len(self.problems)
        head = "1 problem in rules" if count == 1 else f"{count} problems in rules"
        super().__init__(head + ":\n  " + "\n  ".join(self.problems))


class CompileError(AsnsqlError, ValueError):
    """A valid rule could not be turned into SQL (a bug or an unsupported combination)."""

    exit_code = 3


class QueryError(AsnsqlError, RuntimeError):
    """DuckDB rejected or failed a query; the message carries DuckDB's own text."""

    exit_code = 4


class OutputError(AsnsqlError, OSError):
    """Associations could not be written; nothing was left half-written."""

    exit_code = 5


class AssociationError(AsnsqlError, ValueError):
    """An association given as input cannot be read, is not an association, or fails its
    schema (the file and every problem, with its JSON path, are named)."""

    exit_code = 6


class AsnsqlWarning(UserWarning):
    """Something was accepted but deserves the user's attention (e.g. an old pool)."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C that came once a change was in place (e.g. the output folder published):
    ``str()`` says what was changed. A plain ``KeyboardInterrupt`` means nothing was."""
