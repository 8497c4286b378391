"""The layout of one rule's query: its keys, records and roles, and the names of the
columns and common table expressions that hold them. Pure Python, frozen."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import CompileError
from ..model import Key, Role, Rule


class Cte:
    """Names of the common table expressions (and their aliases) of the rule queries."""

    #: rows passing the rule's top conditions, with key values and role tests
    RULE_ROWS = "x"
    #: rule rows in some role, one per file name and run
    ROLE_ROWS = "e"
    #: every member of every association (the final select reads it)
    MEMBERS = "m"
    #: found values of each association (a subquery)
    FOUND = "fv"
    # per_group
    KEY_VECTORS = "v"
    OTHER_VECTOR = "w"
    GROUPS = "g"
    PARTITIONS = "p"
    GROUPS_CREATED = "c"
    GROUP_ASSOCIATIONS = "gc"
    GROUP_MEMBERS = "m1"
    OBSERVATIONS = "obs"
    OBS_MEMBERS = "m2"
    ALL_MEMBERS = "u"
    # per_science
    FIRST_ROLES = "e1"
    OWNERS = "s"
    FIRST_ATTACHED = "pa"
    OWNED = "owned"
    ORPHANS = "orphan"
    ASSOCIATIONS = "assoc"
    ASSOCIATION = "a"
    ATTACHING = "e1a"
    ATTACHING_ROW = "e1"
    ATTACH_CANDIDATES = "cand"
    ATTACHED = "att"


def has_source(key: Key) -> bool:
    """Whether a key's value may come from different columns (then the column is compared
    too); single-column keys need no source column."""
    return len(key.sources) > 1 or key.constant_when is not None


def applies(key: Key, role: Role) -> bool:
    """Whether a key applies to exposures in ``role``."""
    return not key.roles or role.name in key.roles


def is_fixed(key: Key) -> bool:
    """A fixed key is defined on every eligible row: an equality join key."""
    return key.lock and not key.optional and key.when is None and not key.roles


@dataclass(frozen=True)
class Layout:
    """A rule's keys, records and roles by position, and the columns that hold them.

    Attributes
    ----------
    keys : tuple of Key
        The locked keys (group keys), in rule order.
    records : tuple of Key
        The recorded (unlocked) values.
    roles : tuple of Role
        The roles, in the order the reference tries them.
    fixed : tuple of int
        Indexes of the keys defined on every eligible row (equality join keys).
    loose : tuple of int
        Indexes of the other keys (wildcards where undefined or not applying).
    """

    keys: tuple[Key, ...]
    records: tuple[Key, ...]
    roles: tuple[Role, ...]
    fixed: tuple[int, ...]
    loose: tuple[int, ...]

    @classmethod
    def of(cls, rule: Rule) -> "Layout":
        """The layout of ``rule``.

        Raises
        ------
        CompileError
            When the rule makes no associations (``product: none``).
        """
        if not rule.makes_associations:
            raise CompileError(f"rule {rule.name} makes no associations (product: "
                               f"{rule.product})")
        keys = tuple(k for k in rule.keys if k.lock)
        return cls(keys=keys, records=tuple(rule.record), roles=tuple(rule.roles),
                   fixed=tuple(i for i, k in enumerate(keys) if is_fixed(k)),
                   loose=tuple(i for i, k in enumerate(keys) if not is_fixed(k)))

    # --- column names -----------------------------------------------------------------------

    def key_value(self, i: int) -> str:
        """Column of key ``i``'s value."""
        return f"k{i}"

    def key_source(self, i: int) -> str:
        """Column naming where key ``i``'s value came from (see :func:`has_source`)."""
        return f"ks{i}"

    def record_value(self, i: int) -> str:
        """Column of record ``i``'s value."""
        return f"r{i}"

    def role_ok(self, i: int) -> str:
        """Column telling whether the row can take role ``i``."""
        return f"ok{i}"

    def owner_value(self, column: str) -> str:
        """Column copying ``column``, compared with the association owner's value."""
        return f"v_{column}"

    # --- derived sets -----------------------------------------------------------------------

    def key_has_source(self, i: int) -> bool:
        return has_source(self.keys[i])

    def owner_columns(self) -> list[str]:
        """Columns compared with the association owner's value (``not_containing_owner``)."""
        return sorted({r.not_containing_owner for r in self.roles if r.not_containing_owner})

    def roles_joining(self, *kinds: str) -> list[int]:
        """Indexes of the roles whose ``joins`` is one of ``kinds``."""
        return [i for i, r in enumerate(self.roles) if r.joins in kinds]

    def roles_of_key(self, key: Key) -> list[int]:
        """Indexes of the roles a key applies to."""
        return [j for j, r in enumerate(self.roles) if applies(key, r)]

    def role_keys(self, role: Role) -> list[Key]:
        """The keys that apply to ``role`` only (not to every role)."""
        return [k for k in self.keys if k.roles and role.name in k.roles]
