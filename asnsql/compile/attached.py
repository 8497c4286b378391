"""Attached members of ``per_science`` associations: exposures of ``all`` roles joining
every association whose keys they match."""

from __future__ import annotations

from sqlglot import exp

from ..model import Role
from . import exprs as x
from .layout import Cte
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


def _candidates(q: RuleQuery, attach: list[int]) -> exp.Select:
    """Every (association, attaching row) pair in the row's first fitting role."""
    asn, row = Cte.ASSOCIATION, Cte.ATTACHER
    tests = [_can_attach(q, i, row, asn) for i in attach]
    role_index = x.case(*[(t, x.num(i)) for t, i in zip(tests, attach)])
    parts = [x.paren(t.copy()) for t in tests]
    phase = x.case((x.gte(x.col("pos", row), x.col("created", asn)), x.num(0)),
                   default=exp.func("greatest", q.role_phase_case(role_index.copy()),
                                    x.col("first_phase", row)))
    return (exp.select(x.col("run", asn), x.col("gid", asn), x.col("pos", row),
                       x.col("exptype", row), *q.value_columns(row),
                       x.alias(role_index, "role_index"), x.alias(phase, "phase"))
            .from_(x.table(Cte.ASSOCIATIONS, asn), copy=False)
            .join(x.table(Cte.ATTACHING, row), on=q.fixed_join(row, asn), copy=False)
            .where(x.or_(*parts), copy=False))


def _first_attached_lock(q: RuleQuery, key_index: int) -> exp.Expression:
    """A key of attached roles only locks to the first exposure attached: members in
    those roles must have its value."""
    key = q.layout.keys[key_index]
    column = q.layout.key_value(key_index)
    applies = exp.In(this=x.col("role_index"),
                     expressions=[x.num(j) for j in q.layout.roles_of_key(key)])
    value = x.case((applies, x.col(column)))
    first = exp.Window(
        this=exp.IgnoreNulls(this=exp.FirstValue(this=value)),
        partition_by=[x.col("run"), x.col("gid")],
        order=exp.Order(expressions=[exp.Ordered(this=x.col("phase")),
                                     exp.Ordered(this=x.col("pos"))]),
        spec=exp.WindowSpec(kind="ROWS", start="UNBOUNDED", start_side="PRECEDING",
                            end="UNBOUNDED", end_side="FOLLOWING"))
    if key.optional:
        # an exposure without a value joins whatever the lock
        return x.or_(x.not_(applies), x.is_null(x.col(column)), x.eq(x.col(column), first))
    return x.or_(x.not_(applies), x.eq(x.col(column), first))


def attached_members(q: RuleQuery, attach: list[int],
                     attach_only: list[int]) -> list[tuple[str, exp.Expression]]:
    """The CTEs of attached members: the rows of attaching roles, their candidate
    associations, and those kept by the keys of attached roles only.

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
    # only rows of an attaching role take part in the join (not every owner)
    attaching = exp.select("*").from_(Cte.FIRST_ROLES, copy=False).where(
        x.or_(*[x.col(q.layout.role_ok(i)) for i in attach]), copy=False)
    attached = exp.select("*").from_(Cte.ATTACH_CANDIDATES, copy=False)
    for i in attach_only:
        attached = attached.qualify(_first_attached_lock(q, i), copy=False)
    return [(Cte.ATTACHING, attaching), (Cte.ATTACH_CANDIDATES, _candidates(q, attach)),
            (Cte.ATTACHED, attached)]
