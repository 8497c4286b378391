"""Attached members of ``per_science`` associations: exposures of ``all`` roles joining
every association whose keys they match."""

from __future__ import annotations

from sqlglot import exp

from ..model import Role
from . import exprs as x
from .layout import Cte, applies as applies_to
from .rows import RuleQuery


def not_containing_owner(q: RuleQuery, role: Role, row: str, assoc: str) -> exp.Expression:
    """The row's value of the role's ``not_containing_owner`` column does not contain the
    association owner's: the reference's ``((?!X).)*`` with X the owner's locked value
    (before any owner the value reads "None")."""
    column = q.layout.owner_value(role.not_containing_owner)
    owner = exp.func("coalesce", x.col(column, assoc), x.lit("none"))
    return x.not_(exp.func("contains", exp.Lower(this=x.col(column, row)),
                           exp.Lower(this=owner)))


def _can_attach(q: RuleQuery, i: int, row: str, assoc: str) -> exp.Expression:
    """Row can attach to the association in role ``i``."""
    role = q.layout.roles[i]
    cond = [x.col(q.layout.role_ok(i), row), q.compatible(row, assoc, role),
            exp.NEQ(this=x.col("pos", row), expression=x.col("gid", assoc))]
    if role.not_containing_owner:
        cond.append(not_containing_owner(q, role, row, assoc))
    if role.replay == "none":
        # Without a replay of its own, an exposure joins associations created after it
        # only when its first role is replayed.
        replayed = exp.GT(this=x.col("first_phase", row), expression=x.num(0))
        cond.append(x.or_(x.gte(x.col("pos", row), x.col("created", assoc)), replayed))
    return x.and_(*cond)


def _open_columns(q: RuleQuery, opened: list[int], attach_only: list[int], row: str,
                  asn: str) -> list[exp.Expression]:
    """For each key of ``opened``, whether the association holds no value of it
    (``open{i}``); for each of these and of ``attach_only`` in ``q.by_column``, the row's
    own column and its value in each column (to read later rows in the column of the
    first value)."""
    layout, cols = q.layout, []
    for i in opened:
        cols.append(x.alias(x.is_null(x.col(layout.key_value(i), asn)), f"open{i}"))
    for i in opened + attach_only:
        if i in q.by_column:
            cols.append(x.col(layout.key_source(i), row))
            cols += [x.col(layout.key_column(i, j), row)
                     for j in range(len(layout.keys[i].sources))]
    return cols


def _candidates(q: RuleQuery, attach: list[int], opened: list[int],
                attach_only: list[int]) -> exp.Select:
    """Every (association, attaching row) pair in the row's first fitting role."""
    asn, row = Cte.ASSOCIATION, Cte.ATTACHER
    tests = [_can_attach(q, i, row, asn) for i in attach]
    role_index = x.case(*[(t, x.num(i)) for t, i in zip(tests, attach)])
    parts = [x.paren(t.copy()) for t in tests]
    phase = x.case((x.gte(x.col("pos", row), x.col("created", asn)), x.num(0)),
                   default=exp.func("greatest", q.role_phase_case(role_index.copy()),
                                    x.col("first_phase", row)))
    return (exp.select(x.col("run", asn), x.col("gid", asn), x.col("pos", row),
                       x.col("exptype", row), *q.member_values(row, asn),
                       x.alias(role_index, "role_index"), x.alias(phase, "phase"),
                       *_open_columns(q, opened, attach_only, row, asn))
            .from_(x.table(Cte.ASSOCIATIONS, asn), copy=False)
            .join(x.table(Cte.ATTACHING, row), on=q.lock_join(row, asn), copy=False)
            .where(x.or_(*parts), copy=False))


def _first_attached_lock(q: RuleQuery, key_index: int, always: bool) -> exp.Expression:
    """A key the association holds no value of locks to the first exposure attached
    that has one (in member order): later members in roles it applies to must have its
    value, or none where the key is optional (a key of ``q.by_column`` read in the column
    of that first value; spec section 3.2, step 6). With ``always`` the key applies to
    attached roles only and locks so in every association."""
    key = q.layout.keys[key_index]
    column = q.layout.key_value(key_index)
    applies = exp.In(this=x.col("role_index"),
                     expressions=[x.num(j) for j in q.layout.roles_of_key(key)])

    def first(name: str) -> exp.Expression:
        return exp.Window(
            this=exp.IgnoreNulls(this=exp.FirstValue(this=x.case((applies.copy(),
                                                                   x.col(name))))),
            partition_by=[x.col("run"), x.col("gid")],
            order=exp.Order(expressions=[exp.Ordered(this=x.col("phase")),
                                         exp.Ordered(this=x.col("pos"))]),
            spec=exp.WindowSpec(kind="ROWS", start="UNBOUNDED", start_side="PRECEDING",
                                end="UNBOUNDED", end_side="FOLLOWING"))

    mine = x.col(column)
    if key_index in q.by_column:
        mine = q.in_column(key_index, None, first(q.layout.key_source(key_index)))
    same = x.eq(mine, first(column))
    if key.optional:
        # an exposure without a value joins whatever the lock
        same = x.or_(x.is_null(mine.copy()), same)
    passes = [x.not_(applies), same]
    if not always:
        passes.insert(0, x.not_(x.col(f"open{key_index}")))
    return x.or_(*passes)


def attached_members(q: RuleQuery, attach: list[int],
                     attach_only: list[int]) -> list[tuple[str, exp.Expression]]:
    """The CTEs of attached members: the rows of attaching roles, their candidate
    associations, and those kept by the locks of keys first set by an attached member.

    Parameters
    ----------
    q : RuleQuery
        The rule's query parts.
    attach : list of int
        Indexes of the roles joining ``all``.
    attach_only : list of int
        Indexes of the keys that apply to attached roles only.

    Returns
    -------
    list of (str, sqlglot.exp.Select)
        ``(name, query)`` of each CTE, in order.
    """
    layout = q.layout
    # optional keys an owner may leave open: the first attached member's value locks them
    opened = [i for i in layout.loose if i not in attach_only and layout.keys[i].optional
              and any(applies_to(layout.keys[i], layout.roles[j]) for j in attach)]
    # only rows of an attaching role take part in the join (not every owner)
    attaching = exp.select("*").from_(Cte.FIRST_ROLES, copy=False).where(
        x.or_(*[x.col(layout.role_ok(i)) for i in attach]), copy=False)
    names = (["run", "gid", "pos", "exptype"]
             + [c.alias_or_name for c in q.value_columns(Cte.ATTACH_CANDIDATES)]
             + ["role_index", "phase"])
    attached = exp.select(*[x.col(n) for n in names]).from_(Cte.ATTACH_CANDIDATES, copy=False)
    for i in attach_only:
        attached = attached.qualify(_first_attached_lock(q, i, always=True), copy=False)
    for i in opened:
        attached = attached.qualify(_first_attached_lock(q, i, always=False), copy=False)
    return [(Cte.ATTACHING, attaching),
            (Cte.ATTACH_CANDIDATES, _candidates(q, attach, opened, attach_only)),
            (Cte.ATTACHED, attached)]
