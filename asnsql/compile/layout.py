"""The layout of one rule's query: its keys, records and roles, and the names of the
columns and common table expressions that hold them. Pure Python, frozen."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import CompileError
from ..model import Key, Role, Rule


_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class Cte:
    """Names of the common table expressions (and their aliases) of the rule queries."""

    #: rows passing the rule's top conditions, with key values and role tests
    RULE_ROWS = "rule_rows"
    #: rule rows in some role, one per file name and run
    ROLE_ROWS = "role_rows"
    #: the associations: run, gid, created and key values
    ASSOCIATIONS = "associations"
    #: every member of every association (the final select reads it)
    MEMBERS = "members"
    #: found values of each association (a subquery)
    FOUND = "found_values"
    # per_group
    #: distinct key vectors of the rows that can start an association
    KEY_VECTORS = "key_vectors"
    #: another key vector, compared with one (an alias)
    OTHER_VECTOR = "other_vector"
    #: the key vectors no other refines: one association each
    MAXIMAL_VECTORS = "maximal_vectors"
    #: maximal vectors with their creation row (a subquery)
    DATED = "dated"
    #: maximal vectors, each at its first row (before earlier rows they refine date them)
    MAXIMAL_DATED = "maximal_dated"
    #: dated vectors with their number (a subquery)
    NUMBERED = "numbered"
    #: the row creating an association (its locks of keys read from several columns)
    CREATOR = "creator"
    #: each key vector with each locking row of its partition, and what precedes the row
    LOCK_PAIRS = "lock_pairs"
    #: key vectors as target acquisitions lock their open keys (``locks``)
    LOCKED_VECTORS = "locked_vectors"
    #: the key vectors of the rows and of the locks together
    ALL_VECTORS = "all_vectors"
    #: a locking row (an alias)
    LOCKER = "locker"
    #: a row forming an association (an alias)
    FORMER = "former"
    #: members through group roles
    GROUP_MEMBERS = "group_members"
    #: observation numbers of each association's members
    OBSERVATIONS = "observations"
    #: members through same_obs_num roles
    OBS_MEMBERS = "obs_members"
    # per_science
    #: role rows with their first role and its replay
    FIRST_ROLES = "first_roles"
    #: rows whose first role is the owner role
    OWNERS = "owners"
    #: an owner at an earlier row, whose association may accept a later one (an alias)
    EARLIER_OWNER = "earlier_owner"
    #: first creating attached row of each partition of fixed keys
    FIRST_ATTACHED = "first_attached"
    #: an association per owner
    OWNED = "owned"
    #: associations of attached rows without an owner
    ORPHANS = "orphans"
    #: one association (an alias)
    ASSOCIATION = "asn"
    #: rows of attaching roles
    ATTACHING = "attaching"
    #: one attaching row (an alias)
    ATTACHER = "attacher"
    #: (association, attaching row) pairs in the row's first fitting role
    ATTACH_CANDIDATES = "attach_candidates"
    #: attached members kept by the keys of attached roles only
    ATTACHED = "attached"

def _suffix(name: str) -> str:
    """``_name`` to make a column name readable, when ``name`` is a plain identifier."""
    return "_" + name.lower() if _PLAIN.match(name) else ""


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
    lockers : tuple of tuple of int
        Per key, the indexes of the roles that lock it when open (the rule's ``locks``).
    """

    keys: tuple[Key, ...]
    records: tuple[Key, ...]
    roles: tuple[Role, ...]
    fixed: tuple[int, ...]
    loose: tuple[int, ...]
    lockers: tuple[tuple[int, ...], ...] = ()

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
        names = [r.name for r in rule.roles]
        lockers = tuple(tuple(names.index(role) for role, locked in rule.locks
                              if k.name in locked) for k in keys)
        return cls(keys=keys, records=tuple(rule.record), roles=tuple(rule.roles),
                   fixed=tuple(i for i, k in enumerate(keys) if is_fixed(k)),
                   loose=tuple(i for i, k in enumerate(keys) if not is_fixed(k)),
                   lockers=lockers)

    # --- column names -----------------------------------------------------------------------

    def key_value(self, i: int) -> str:
        """Column of key ``i``'s value."""
        return f"key{i}" + _suffix(self.keys[i].name)

    def key_source(self, i: int) -> str:
        """Column naming where key ``i``'s value came from (see :func:`has_source`)."""
        return self.key_value(i) + "_from"

    def key_column(self, i: int, j: int) -> str:
        """Column of key ``i``'s value in its ``j``-th source alone (see
        :meth:`reads_columns`)."""
        return f"{self.key_value(i)}_in{j}"

    def key_lock(self, i: int) -> str:
        """Column of an association's lock of key ``i`` (see :meth:`reads_columns`): the
        value of the row that creates it, or of its vector."""
        return f"lock{i}" + _suffix(self.keys[i].name)

    def key_lock_source(self, i: int) -> str:
        """Column naming where the association's lock of key ``i`` came from."""
        return self.key_lock(i) + "_from"

    def reads_columns(self, i: int) -> bool:
        """Whether key ``i`` is read from several columns and optional: once an
        association holds a value, the reference compares later rows on the column that
        gave it alone, and a row undefined there passes (spec section 3.2, step 6)."""
        key = self.keys[i]
        return (len(key.sources) > 1 and key.optional and key.constant_when is None
                and i in self.loose)

    def record_value(self, i: int) -> str:
        """Column of record ``i``'s value."""
        return f"record{i}" + _suffix(self.records[i].name)

    def role_ok(self, i: int) -> str:
        """Column telling whether the row can take role ``i``."""
        return f"ok{i}" + _suffix(self.roles[i].name)

    def owner_value(self, column: str) -> str:
        """Column copying ``column``, compared with the association owner's value."""
        return f"owner_{column}"

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

    def locked_keys(self) -> list[int]:
        """Indexes of the loose keys some role locks when open (the rule's ``locks``)."""
        return [i for i in self.loose if self.lockers and self.lockers[i]]

    def role_keys(self, role: Role) -> list[Key]:
        """The keys that apply to ``role`` only (not to every role)."""
        return [k for k in self.keys if k.roles and role.name in k.roles]
