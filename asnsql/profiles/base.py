"""The :class:`Profile` of an observatory and its parts (see :mod:`asnsql.profiles`).

A profile is frozen data plus the finalisation functions it names; it holds no state and
pickles (its hooks are module-level functions), so a :class:`~asnsql.plan.Plan` made with it
can be sent to a worker process.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

# (the compiler's vocabulary: one definition; importing it loads no sqlglot)
from ..compile.vocabulary import Vocabulary

__all__ = ["Profile", "Vocabulary", "PoolLayout", "DerivedColumn", "FinalizeHook", "Naming",
           "CORE_COLUMNS", "stable_text"]

#: Columns the core adds to the pool tables (a pool may not use them), beside the derived
#: columns of a profile (:attr:`PoolLayout.derived`).
CORE_COLUMNS = ("pos", "lineno", "src", "pool_id", "run", "cand_id", "cand_type", "cand_kind",
                "raw_program", "raw_asn_candidate", "n_fields", "filename_repeated")


@dataclass(frozen=True)
class DerivedColumn:
    """A column of ``pool_defined`` computed by a SQL macro from defined pool values."""

    name: str
    macro: str
    arguments: tuple[str, ...]


@dataclass(frozen=True)
class PoolLayout:
    """The pool columns of an observatory.

    Attributes
    ----------
    required : tuple of str
        Columns without which no association can be made.
    standard : frozenset of str
        Columns rule files may read without declaring them (``columns:``).
    member_columns : tuple of str
        Values (as read) assembly reads for every member: names, metadata.
    derived : tuple of DerivedColumn
        Columns computed per row (base exposure type, member-name flags...).
    item_flags : tuple of str
        The derived columns assembly reads for every member.
    """

    required: tuple[str, ...]
    standard: frozenset[str]
    member_columns: tuple[str, ...]
    derived: tuple[DerivedColumn, ...]
    item_flags: tuple[str, ...]


@dataclass(frozen=True)
class FinalizeHook:
    """A finalisation step a rule may name (``finalize:``), with the pool values it reads.

    Attributes
    ----------
    name : str
        The name rule files use.
    apply : callable
        ``apply(association) -> list of associations``: ``[]`` drops it, ``[association]``
        keeps it (possibly changed), several replace it.
    columns : tuple of str
        Pool values (as read) the hook reads from its members' ``item``; they are fetched
        only for the members of rules naming the hook.
    before_validity : bool
        Run before the rule's validity tests (a hook that may drop or rewrite members the
        tests read); the others run after them.
    doc : str
        What it does, and the reference behaviour it reproduces.
    """

    name: str
    apply: Callable[[Any], list]
    columns: tuple[str, ...] = ()
    before_validity: bool = False
    doc: str = ""


@dataclass(frozen=True)
class Naming:
    """Names an observatory writes.

    Attributes
    ----------
    code_version : str
        ``code_version`` of every association (the reference release reproduced).
    discovered_id : str
        ``asn_id`` of discovered associations.
    file_prefix : str
        First letters of association file names (``jw``).
    """

    code_version: str
    discovered_id: str
    file_prefix: str


@dataclass(frozen=True)
class Profile:
    """Everything the generator core knows of one observatory.

    Attributes
    ----------
    name : str
    vocabulary : Vocabulary
    pool : PoolLayout
    naming : Naming
    hooks : tuple of FinalizeHook
        In the order they run.
    macro_files : tuple of str
        SQL scripts of DuckDB macros, run on every new engine: names under the packaged
        ``sql/`` folder, or absolute paths.
    rule_files : tuple of str
        The default rule files, Level 2 first: names under the packaged ``rules/`` folder,
        or absolute paths.
    schemas : mapping
        Association level (``level2b``, ``level3``) -> JSON Schema.
    """

    name: str
    vocabulary: Vocabulary
    pool: PoolLayout
    naming: Naming
    hooks: tuple[FinalizeHook, ...]
    macro_files: tuple[str, ...]
    rule_files: tuple[str, ...]
    schemas: Mapping[str, dict] = field(default_factory=dict)

    def hook(self, name: str) -> FinalizeHook:
        """The hook called ``name`` (KeyError if none)."""
        for hook in self.hooks:
            if hook.name == name:
                return hook
        raise KeyError(name)

    @property
    def raw_columns(self) -> tuple[str, ...]:
        """Values ``pool_defined`` keeps as read (``raw_<column>``): the member columns,
        then every hook's."""
        out = dict.fromkeys(self.pool.member_columns)
        for hook in self.hooks:
            out.update(dict.fromkeys(hook.columns))
        return tuple(out)

    @property
    def hook_only_columns(self) -> tuple[str, ...]:
        """Raw values only hooks read (fetched for their members only)."""
        return tuple(c for c in self.raw_columns if c not in self.pool.member_columns)

    @property
    def derived_inputs(self) -> tuple[str, ...]:
        """Columns the derived columns are computed from."""
        return tuple(dict.fromkeys(a for d in self.pool.derived for a in d.arguments))

    @property
    def reserved_columns(self) -> tuple[str, ...]:
        """Names the pool tables use; a pool may not have such a column."""
        return CORE_COLUMNS + tuple(d.name for d in self.pool.derived)

    def macro_paths(self) -> list[Path]:
        """The macro scripts, as paths."""
        from ..resources import sql_dir

        return [sql_dir() / name for name in self.macro_files]

    def rule_paths(self) -> list[Path]:
        """The default rule files, as paths."""
        from ..resources import rules_dir

        return [rules_dir() / name for name in self.rule_files]

    def fingerprint(self) -> str:
        """Text that changes whenever anything of the profile that shapes SQL does: the
        vocabulary, the pool layout, the hooks' columns and the macro and rule files'
        content (for cache keys, :class:`asnsql.plan.Plan`)."""
        parts = [stable_text(self.vocabulary), stable_text(self.pool),
                 stable_text([(h.name, h.columns) for h in self.hooks])]
        for path in self.macro_paths() + self.rule_paths():
            try:
                parts.append(path.read_text(encoding="utf-8"))
            except OSError:
                parts.append(f"missing {path}")
        return "\n".join(parts)


def stable_text(value: Any) -> str:
    """A text of ``value`` that is the same in every process: sets and mappings sorted
    (``repr`` of a set depends on the process's string hashing), dataclasses by field."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = ", ".join(f"{f.name}={stable_text(getattr(value, f.name))}"
                           for f in dataclasses.fields(value))
        return f"{type(value).__name__}({fields})"
    if isinstance(value, Mapping):
        items = sorted((stable_text(k), stable_text(v)) for k, v in value.items())
        return "{" + ", ".join(f"{k}: {v}" for k, v in items) + "}"
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(stable_text(v) for v in value)) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(stable_text(v) for v in value) + "]"
    if callable(value):
        return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', '?')}"
    return repr(value)
