"""The ``per_science`` query shape: one association per exposure of the ``own`` role
(Constraint_Single_Science).

Exposures of ``all`` roles attach to every association whose keys they match
(:mod:`asnsql.compile.attached`). An attached exposure that precedes every owner of its
group started the association the first owner agreeing with its keys then joined (it is
created at the attached exposure's row, and holds its values), unless the rule calls that
exposure science: then it keeps an association of its own, as it does when no owner
agrees.
"""

from __future__ import annotations

from sqlglot import exp

from ..errors import CompileError
from . import exprs as x
from .attached import attached_members, not_containing_owner
from .layout import Cte, applies
from .output import result_select
from .rows import RuleQuery


def _first_roles(q: RuleQuery) -> exp.Select:
    """Each role row with its first role (owner or attached) and that role's replay."""
    roles = q.layout.roles
    first_role = x.case(*[(x.col(q.layout.role_ok(i)), x.num(i)) for i in range(len(roles))])
    first_phase = x.case(*[(x.col(q.layout.role_ok(i)), x.num(x.PHASE[r.replay]))
                           for i, r in enumerate(roles)])
    return exp.select("*", x.alias(first_role, "first_role"),
                      x.alias(first_phase, "first_phase")).from_(Cte.ROLE_ROWS, copy=False)


def _owner_key_value(q: RuleQuery, k: int, table: str, own: list[int],
                     name: str | None = None) -> exp.Expression:
    """An owner's value of key ``k`` (or of its column ``name``) as its association's
    key: the value when the key applies to the owner's role, else NULL (the key starts
    open and locks to the first attached member it applies to)."""
    layout = q.layout
    value = x.col(name or layout.key_value(k), table)
    roles = [i for i in own if applies(layout.keys[k], layout.roles[i])]
    if roles == own:
        return value
    if not roles:
        return exp.cast(exp.Null(), "VARCHAR")
    return x.case((exp.In(this=x.col("first_role", table),
                          expressions=[x.num(i) for i in roles]), value))


def _accepted_earlier(q: RuleQuery, own: list[int], accepting: list[int]) -> exp.Expression:
    """The row (``first_roles``) is accepted, through one of the ``accepting`` roles, by
    the association of an owner at an earlier row (spec 5.2 step 2).

    The earlier association's keys are its owner's values (:func:`_owner_key_value`); it already
    holds its science exposure, so only the attach roles can accept the row. An earlier
    owner that was itself accepted is still counted (chains of such rows are not
    followed).
    """
    row, earlier = Cte.FIRST_ROLES, Cte.EARLIER_OWNER
    layout = q.layout
    through = []
    for i in accepting:
        role = layout.roles[i]
        cond = [x.col(layout.role_ok(i), row)]
        for k in layout.loose:
            if not applies(layout.keys[k], role):
                continue
            value = _owner_key_value(q, k, earlier, own)
            if isinstance(value, exp.Cast):
                continue  # open in every earlier association
            mine = x.col(layout.key_value(k), row)
            if k in q.by_column:
                # (read in the column of the owner's value)
                mine = q.in_column(k, row, _owner_key_value(q, k, earlier, own,
                                                            layout.key_source(k)))
            same = x.eq(mine.copy(), value.copy())
            if layout.key_has_source(k) and k not in q.by_column:
                source = layout.key_source(k)
                same = x.and_(same, x.eq(x.col(source, row),
                                         _owner_key_value(q, k, earlier, own, source)))
            cond.append(x.paren(x.or_(x.is_null(mine), x.is_null(value), same)))
        if role.not_containing_owner:
            cond.append(not_containing_owner(q, role, row, earlier))
        through.append(x.paren(x.and_(*cond)))
    is_owner = exp.In(this=x.col("first_role", earlier), expressions=[x.num(i) for i in own])
    return exp.Exists(this=exp.select(x.num(1))
                      .from_(x.table(Cte.FIRST_ROLES, earlier), copy=False)
                      .where(x.and_(q.lock_join(row, earlier), is_owner,
                                    exp.LT(this=x.col("pos", earlier),
                                           expression=x.col("pos", row)),
                                    x.paren(x.or_(*through))), copy=False))


def _owners(q: RuleQuery, own: list[int]) -> exp.Select:
    """The rows whose first role is the owner role: one association each, unless an
    earlier association accepts the row through an attach role after the owner role
    that reports its match (:func:`_accepted_earlier`)."""
    is_owner = exp.In(this=x.col("first_role"), expressions=[x.num(i) for i in own])
    accepting = [i for i, r in enumerate(q.layout.roles)
                 if i > own[0] and r.joins == "all" and r.reports_match]
    if accepting:
        is_owner = x.and_(is_owner, x.not_(_accepted_earlier(q, own, accepting)))
    return exp.select("*").from_(Cte.FIRST_ROLES, copy=False).where(is_owner, copy=False)


def _first_attached(q: RuleQuery, creating: list[int]) -> exp.Select:
    """Per partition of fixed keys, the first row of a creating attached role, and whether
    the first such row is science."""
    fixed = q.key_columns(q.layout.fixed)
    first_is_science = x.eq(exp.func("arg_min", x.col("exptype"), x.col("pos")),
                            x.lit("science"))
    # the first row's values of the loose keys: an association it starts holds them (a key
    # read from several columns: its value and column, spec 3.2 step 6), and a science
    # exposure joins it only when it agrees with them
    values = [x.alias(exp.func("arg_min_null", x.col(name), x.col("pos")), f"first_{name}")
              for name in _creator_columns(q, creating)]
    return (exp.select(x.col("run"), *fixed,
                       x.alias(exp.Min(this=x.col("pos")), "first_attach"),
                       x.alias(first_is_science, "first_science"), *values)
            .from_(Cte.FIRST_ROLES, copy=False)
            .where(exp.In(this=x.col("first_role"),
                          expressions=[x.num(i) for i in creating] or [x.num(-1)]), copy=False)
            .group_by(x.col("run"), *q.key_columns(q.layout.fixed), copy=False))


def _creator_keys(q: RuleQuery, creating: list[int]) -> list[int]:
    """The loose keys that apply to every creating attached role."""
    layout = q.layout
    return [i for i in layout.loose
            if creating and all(applies(layout.keys[i], layout.roles[j]) for j in creating)]


def _creator_columns(q: RuleQuery, creating: list[int]) -> list[str]:
    """The value and source columns of :func:`_creator_keys`."""
    layout = q.layout
    return [name for i in _creator_keys(q, creating)
            for name in [layout.key_value(i)] + ([layout.key_source(i)]
                                                 if layout.key_has_source(i) else [])]


def _fits_creator(q: RuleQuery, own: list[int], creating: list[int]) -> exp.Expression:
    """The owner (``owners``) comes after the partition's first creating attached row
    (``first_attached``), which is not science, and agrees with its values of the loose
    keys: it would join the association that row started (spec 5.2)."""
    layout, owners, first = q.layout, Cte.OWNERS, Cte.FIRST_ATTACHED
    conds = [exp.LT(this=x.col("first_attach", first), expression=x.col("pos", owners)),
             x.not_(x.col("first_science", first))]
    for k in _creator_keys(q, creating):
        mine = _owner_key_value(q, k, owners, own)
        if isinstance(mine, exp.Cast):
            continue  # the key does not apply to the owner
        theirs = x.col(f"first_{layout.key_value(k)}", first)
        if k in q.by_column:  # (read in the column of the row's value)
            mine = q.in_column(k, owners, x.col(f"first_{layout.key_source(k)}", first))
        same = x.eq(mine.copy(), theirs.copy())
        if k not in q.by_column and layout.key_has_source(k):
            same = x.and_(same, x.eq(
                _owner_key_value(q, k, owners, own, layout.key_source(k)),
                x.col(f"first_{layout.key_source(k)}", first)))
        conds.append(x.paren(x.or_(x.is_null(theirs), x.is_null(mine), same)))
    return x.and_(*conds)


def _vectors(q: RuleQuery, own: list[int]):
    """The loose key columns of an owned association (the owner's values of the keys of
    its role, NULL for the others) and of an orphan one (all NULL), by name."""
    layout, owners = q.layout, Cte.OWNERS
    null = exp.cast(exp.Null(), "VARCHAR")
    vector, orphan = [], []
    for i in layout.loose:
        names = [layout.key_value(i)] + ([layout.key_source(i)] if layout.key_has_source(i)
                                         else [])
        for name in names:
            vector.append(x.alias(_owner_key_value(q, i, owners, own, name), name))
            orphan.append(x.alias(null.copy(), name))
    return vector, orphan


def _owned(q: RuleQuery, vector: list[exp.Expression], own: list[int],
           creating: list[int]) -> exp.Select:
    """An association per owner; created at the first attached row when that precedes
    every owner of the partition, is not science, and this owner is the first that agrees
    with it (:func:`_fits_creator`)."""
    owners, first = Cte.OWNERS, Cte.FIRST_ATTACHED
    partition = [x.col("run", owners), *q.key_columns(q.layout.fixed, owners)]
    # (each owner with its partition's first owner: the attached row must precede it)
    first_owner = exp.Window(this=exp.Min(this=x.col("pos")),
                             partition_by=[x.col("run"), *q.key_columns(q.layout.fixed)])
    dated = exp.select("*", x.alias(first_owner, "first_owner")).from_(owners, copy=False)
    fits = x.and_(exp.LT(this=x.col("first_attach", first),
                         expression=x.col("first_owner", owners)),
                  _fits_creator(q, own, creating))
    first_fitting = exp.Window(this=exp.Min(this=x.case((fits, x.col("pos", owners)))),
                               partition_by=[c.copy() for c in partition])
    joins_attached = x.eq(x.col("pos", owners), first_fitting)
    created = x.case((joins_attached, x.col("first_attach", first)),
                     default=x.col("pos", owners))
    # a key read from several columns holds the value and column of the attached row that
    # started the association, where that row defines it
    layout = q.layout
    keys = [i for i in _creator_keys(q, creating) if i in q.by_column]
    by_creator = {layout.key_value(i): layout.key_value(i) for i in keys}
    by_creator.update({layout.key_source(i): layout.key_value(i) for i in keys})
    vector = [x.alias(x.case((x.and_(x.paren(joins_attached.copy()),
                                     x.not_(x.is_null(x.col(f"first_{by_creator[v.alias]}",
                                                            first)))),
                              x.col(f"first_{v.alias}", first)), default=v.this.copy()),
                      v.alias)
              if v.alias in by_creator else v for v in vector]
    owner_values = [x.alias(x.col(q.layout.owner_value(c), owners), q.layout.owner_value(c))
                    for c in q.layout.owner_columns()]
    return (exp.select(x.col("run", owners), *q.key_columns(q.layout.fixed, owners), *vector,
                       *owner_values, x.alias(created, "created"),
                       x.alias(x.col("pos", owners), "gid"))
            .from_(dated.subquery(owners), copy=False)
            .join(first, on=q.fixed_join(owners, first), join_type="left", copy=False))


def _orphans(q: RuleQuery, orphan_vector: list[exp.Expression], own: list[int],
             creating: list[int]) -> exp.Select:
    """Attach-only associations: the first creating attached row of a partition starts
    one that no owner joins (no owner before it, none after it that agrees with it:
    :func:`_fits_creator`; it is science, or the keys differ)."""
    owners, first = Cte.OWNERS, Cte.FIRST_ATTACHED
    null = exp.cast(exp.Null(), "VARCHAR")
    earlier_owner = (exp.select(x.num(1)).from_(owners, copy=False)
                     .where(x.and_(q.fixed_join(owners, first),
                                   x.or_(exp.LT(this=x.col("pos", owners),
                                                expression=x.col("first_attach", first)),
                                         x.paren(_fits_creator(q, own, creating)))),
                            copy=False))
    gid = exp.Neg(this=x.paren(exp.Add(this=x.col("first_attach", first),
                                       expression=x.num(1))))
    return (exp.select(x.col("run", first), *q.key_columns(q.layout.fixed, first),
                       *orphan_vector,
                       *[x.alias(null.copy(), q.layout.owner_value(c))
                         for c in q.layout.owner_columns()],
                       x.alias(x.col("first_attach", first), "created"),
                       x.alias(gid, "gid"))
            .from_(first, copy=False)
            .where(exp.Not(this=exp.Exists(this=earlier_owner)), copy=False))


def _associations(q: RuleQuery, vector: list[exp.Expression]) -> exp.Expression:
    """Owned and orphan associations together."""
    names = (["run"] + [c.name for c in q.key_columns(q.layout.fixed)]
             + [v.alias for v in vector]
             + [q.layout.owner_value(c) for c in q.layout.owner_columns()]
             + ["created", "gid"])
    return exp.union(exp.select(*[x.col(n) for n in names]).from_(Cte.OWNED, copy=False),
                     exp.select(*[x.col(n) for n in names]).from_(Cte.ORPHANS, copy=False),
                     distinct=False)


def _owner_members(q: RuleQuery) -> exp.Select:
    """Each association's owner (its ``gid`` is the owner's row)."""
    asn, first_roles = Cte.ASSOCIATION, Cte.FIRST_ROLES
    return (exp.select(x.col("run", asn), x.col("gid", asn), x.col("pos", first_roles),
                       x.col("exptype", first_roles), *q.member_values(first_roles, asn),
                       x.alias(x.col("first_role", first_roles), "role_index"),
                       x.alias(x.num(0), "phase"))
            .from_(x.table(Cte.ASSOCIATIONS, asn), copy=False)
            .join(first_roles, on=x.and_(x.eq(x.col("run", first_roles), x.col("run", asn)),
                                x.eq(x.col("pos", first_roles), x.col("gid", asn))), copy=False))


def per_science(q: RuleQuery) -> exp.Select:
    """The query of a ``per_science`` rule (module docstring).

    Raises
    ------
    CompileError
        When the rule has no ``own`` role or a role joining neither ``own`` nor ``all``.
    """
    layout = q.layout
    own = layout.roles_joining("own")
    attach = layout.roles_joining("all")
    unknown = [r.joins for r in layout.roles if r.joins not in ("own", "all")]
    if unknown or not own:
        raise CompileError(f"rule {q.rule.name}: per_science rules take one role joining "
                           f"'own' and roles joining 'all', not {unknown}")
    # keys that some owner role lacks lock to the first attached member they apply to
    attach_only = [i for i, k in enumerate(layout.keys)
                   if k.roles and not all(applies(k, layout.roles[j]) for j in own)]
    # a role that reports no match (force_match) cannot start an association either
    creating = [i for i in attach if layout.roles[i].creates and layout.roles[i].reports_match]
    vector, orphan_vector = _vectors(q, own)
    ctes = [(Cte.RULE_ROWS, q.rule_rows()), (Cte.ROLE_ROWS, q.role_rows()),
            (Cte.FIRST_ROLES, _first_roles(q)),
            (Cte.OWNERS, _owners(q, own)),
            (Cte.FIRST_ATTACHED, _first_attached(q, creating)),
            (Cte.OWNED, _owned(q, vector, own, creating)),
            (Cte.ORPHANS, _orphans(q, orphan_vector, own, creating)),
            (Cte.ASSOCIATIONS, _associations(q, vector))]
    members = _owner_members(q)
    if attach:
        ctes += attached_members(q, attach, attach_only)
        members = exp.union(members, exp.select("*").from_(Cte.ATTACHED, copy=False),
                            distinct=False)
    ctes.append((Cte.MEMBERS, members))
    return x.with_ctes(result_select(q, Cte.ASSOCIATIONS, Cte.MEMBERS), ctes)
