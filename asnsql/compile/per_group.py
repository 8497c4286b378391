"""The ``per_group`` query shape: one association per group of key values.

* locked attributes become group keys; the first defined value locks, so every distinct
  value vector of the exposures that can start an association is an association;
* an optional key left undefined is a wildcard: such exposures join every compatible
  association, and a vector refined by another one (same values where both are defined,
  more values defined) is no association of its own (only maximal vectors);
* the association that an exposure with wildcards started before the first fully
  determined one is that one's association, created earlier: at the first row of a
  vector it refines that no earlier association refines (:func:`_started_earlier`);
* a role without replay joins only associations created at or before its row (timing
  join); a ``same_obs_num`` role joins the associations holding a member of its
  observation;
* an optional key read from several columns (``opt_elem2``: ``pupil``, then ``grating``)
  locks on the column its value came from, and later rows are compared in that column
  alone, where an undefined value passes (spec section 3.2, step 6): the association
  holds the value and column of the row that creates it (``RuleQuery.by_column``; key
  vectors, locked ones included, carry their first row's value in each column).
"""

from __future__ import annotations

from sqlglot import exp

from ..errors import CompileError
from . import exprs as x
from .layout import Cte
from .output import result_select
from .rows import RuleQuery


def _key_vectors(q: RuleQuery, forms: exp.Expression) -> exp.Select:
    """Distinct key vectors of the exposures that can start an association (with the
    first row's value in each column of a key read from several, ``q.by_column``)."""
    all_keys = range(len(q.layout.keys))
    firsts = [x.alias(exp.func("arg_min_null", x.col(q.layout.key_column(i, j)),
                               x.col("pos")), q.layout.key_column(i, j))
              for i in q.by_column for j in range(len(q.layout.keys[i].sources))]
    return (exp.select(x.col("run"), *q.key_columns(all_keys), *firsts,
                       x.alias(exp.Min(this=x.col("pos")), "first_pos"))
            .from_(Cte.ROLE_ROWS, copy=False).where(forms, copy=False)
            .group_by(x.col("run"), *q.key_columns(all_keys), copy=False))


def _obs_record(q: RuleQuery) -> str:
    """The column of the ``obs_num`` record (``same_obs_num`` roles need one)."""
    records = [i for i, k in enumerate(q.layout.records) if k.name == "obs_num"]
    if not records:
        raise CompileError(f"rule {q.rule.name}: joins 'same_obs_num' needs a record "
                           "named obs_num")
    return q.layout.record_value(records[0])


def _lock_pairs(q: RuleQuery, creating: list[int]) -> exp.Select:
    """Each key vector with each row of a locking role of its partition (fixed keys), and
    what the rows that can form the vector's association and precede that row hold:
    ``before_same_obs``, whether one is of the locking row's observation, and for each
    locked key ``before_<key>``, whether one defines it (spec 3.5).

    One join and one aggregate: a correlated ``EXISTS`` per locked key planned as many
    joins as keys, and a rule's query grew by a third (its planning and set-up with it).
    """
    layout = q.layout
    vec, locker, former = Cte.KEY_VECTORS, Cte.LOCKER, Cte.FORMER
    locked = layout.locked_keys()
    lock_roles = sorted({j for i in locked for j in layout.lockers[i]})
    vector = [x.col("run", vec), *q.key_columns(range(len(layout.keys)), vec),
              *_in_columns(q, vec), x.col("first_pos", vec)]
    locking = [x.alias(x.col("pos", locker), "locker_pos")] + [
        x.alias(x.col(name, locker), f"locker_{name}") for name in _lock_columns(q)]
    compatible = [x.paren(x.or_(x.is_null(x.col(layout.key_value(i), vec)),
                                *_agrees(q, i, former, vec))) for i in layout.loose]
    forms_before = x.and_(q.fixed_join(former, vec),
                          x.paren(x.or_(*[x.col(layout.role_ok(i), former)
                                          for i in creating])),
                          *compatible,
                          exp.LT(this=x.col("pos", former), expression=x.col("pos", locker)))
    same_obs = x.eq(x.col(_obs_record(q), former), x.col("obs_num_value", locker))
    before = [x.alias(exp.func("bool_or", same_obs), "before_same_obs")] + [
        x.alias(exp.func("bool_or", x.not_null(x.col(layout.key_value(i), former))),
                f"before_{layout.key_value(i)}") for i in locked]
    return (exp.select(*vector, *locking, *before)
            .from_(vec, copy=False)
            .join(x.table(Cte.ROLE_ROWS, locker), on=q.fixed_join(locker, vec), copy=False)
            .join(x.table(Cte.ROLE_ROWS, former), on=forms_before, copy=False)
            .where(x.or_(*[x.col(layout.role_ok(j), locker) for j in lock_roles]),
                   copy=False)
            .group_by(*[c.copy() for c in vector],
                      *[c.this.copy() for c in locking], copy=False))


def _lock_columns(q: RuleQuery) -> list[str]:
    """The value (and source) columns of the locked keys, and the value in each column of
    those of ``q.by_column``."""
    layout = q.layout
    return [c.name for c in q.key_columns(layout.locked_keys())] + [
        layout.key_column(i, j) for i in layout.locked_keys() if i in q.by_column
        for j in range(len(layout.keys[i].sources))]


def _in_columns(q: RuleQuery, table: str | None) -> list[exp.Column]:
    """The value in each column of the keys of ``q.by_column`` (a vector's: its first
    row's)."""
    return [x.col(q.layout.key_column(i, j), table) for i in q.by_column
            for j in range(len(q.layout.keys[i].sources))]


def _agrees(q: RuleQuery, i: int, row: str, vector: str) -> list[exp.Expression]:
    """A row agrees with a vector (whose key ``i`` is defined) on key ``i``: undefined, or
    equal; for a key of ``q.by_column``, read in the vector's column."""
    if i in q.by_column:
        return [_reads_as(q, i, row, vector)]
    return [x.is_null(x.col(q.layout.key_value(i), row)), q.same_key(i, row, vector)]


def _locked_vectors(q: RuleQuery) -> exp.Select:
    """The key vectors of associations whose open keys a row of a locking role locks
    (the rule's ``locks``; spec 3.5), from :func:`_lock_pairs`: the locker joins in the
    main pass (a member of its observation precedes it) and no member before it defined
    the key. The association keeps the locker's value: later rows with another value form
    their own."""
    layout = q.layout
    pairs = Cte.LOCK_PAIRS
    locked = layout.locked_keys()

    def lockers_value(j: int) -> exp.Expression:
        """The locker's value of key ``j`` as the association reads it (a key of
        ``q.by_column``: in the column of the vector's value)."""
        if j not in q.by_column:
            return x.col(f"locker_{layout.key_value(j)}", pairs)
        return q.in_column(j, pairs, x.col(layout.key_source(j), pairs), prefix="locker_")

    def passes(j: int) -> exp.Expression:
        """The locker passes key ``j``: the vector holds no value of it, or the locker none
        (the locked keys are optional), or the same."""
        theirs, mine = x.col(layout.key_value(j), pairs), lockers_value(j)
        return x.paren(x.or_(x.is_null(theirs), x.is_null(mine),
                             x.eq(mine.copy(), theirs.copy())))

    def opens(i: int) -> exp.Expression:
        # The reference tests the branch's keys in order and stops at the first that
        # fails: a locked key before this one with another value leaves it open.
        value = layout.key_value(i)
        return x.and_(x.is_null(x.col(value, pairs)),
                      x.not_null(x.col(f"locker_{value}", pairs)),
                      x.not_(x.col(f"before_{value}", pairs)),
                      *[passes(j) for j in locked if j < i])

    def held(i: int, column: exp.Column) -> exp.Expression:
        """The column of key ``i``: the locker's where it locks the key."""
        if i not in locked:
            return column
        return x.alias(x.case((opens(i), x.col(f"locker_{column.name}", pairs)),
                              default=column), column.name)

    columns = [held(i, column) for i in range(len(layout.keys))
               for column in q.key_columns([i], pairs)]
    columns += [held(i, x.col(layout.key_column(i, j), pairs)) for i in q.by_column
                for j in range(len(layout.keys[i].sources))]
    return (exp.select(x.col("run", pairs), *columns, x.col("first_pos", pairs))
            .from_(pairs, copy=False)
            .where(x.and_(x.col("before_same_obs", pairs),
                          x.paren(x.or_(*[opens(i) for i in locked]))), copy=False))


def _all_vectors(q: RuleQuery) -> exp.Select:
    """The rows' key vectors and the locked ones, each at its first row."""
    keys = q.key_columns(range(len(q.layout.keys)))
    both = exp.union(exp.select("*").from_(Cte.KEY_VECTORS, copy=False),
                     exp.select("*").from_(Cte.LOCKED_VECTORS, copy=False), distinct=False)
    firsts = [x.alias(exp.func("arg_min_null", c, x.col("first_pos")), c.name)
              for c in _in_columns(q, None)]
    return (exp.select(x.col("run"), *keys, *firsts,
                       x.alias(exp.Min(this=x.col("first_pos")), "first_pos"))
            .from_(exp.alias_(exp.Subquery(this=both), "v"), copy=False)
            .group_by(x.col("run"), *[k.copy() for k in keys], copy=False))


def _maximal_vectors(q: RuleQuery, vectors: str = Cte.KEY_VECTORS) -> exp.Select:
    """The key vectors that no other vector refines.

    A key of ``q.by_column`` whose values come from different columns in two vectors
    agrees when the later vector's first row, read in the earlier one's column, is
    undefined or equal there (the earlier row locks the column first); the later vector
    is then refined by the earlier one even with no key more defined: its row joins the
    association the earlier one started (spec section 3.2, step 6).
    """
    other = Cte.OTHER_VECTOR
    if not q.layout.loose:
        return exp.select("*").from_(vectors, copy=False)
    refines, more = _refinement(q, vectors, other)
    refined = (exp.select(x.num(1)).from_(x.table(vectors, other), copy=False)
               .where(x.and_(q.fixed_join(other, vectors), *refines, x.paren(x.or_(*more))),
                      copy=False))
    return (exp.select(f"{vectors}.*").from_(vectors, copy=False)
            .where(exp.Not(this=exp.Exists(this=refined)), copy=False))


def _refinement(q: RuleQuery, vectors: str, other: str
                ) -> tuple[list[exp.Expression], list[exp.Expression]]:
    """The conditions for ``other`` to refine ``vectors`` (both key vectors of one
    partition): it agrees on every loose key ``vectors`` defines (the first list), and
    defines one more (or locks a column first: one of the second list)."""
    refines, more = [], []
    earlier = exp.LT(this=x.col("first_pos", other), expression=x.col("first_pos", vectors))
    for i in q.layout.loose:
        vk, wk = x.col(q.layout.key_value(i), vectors), x.col(q.layout.key_value(i), other)
        same = q.same_key(i, other, vectors)
        if i in q.by_column:
            source = q.layout.key_source(i)
            apart = x.and_(x.not_null(wk.copy()), exp.NEQ(
                this=x.col(source, vectors), expression=x.col(source, other)))
            across = x.case((earlier.copy(), _reads_as(q, i, vectors, other)),
                            default=_reads_as(q, i, other, vectors))
            same = x.or_(same, x.and_(apart, x.paren(across)))
            more.append(x.and_(x.not_null(vk.copy()), apart.copy(), earlier.copy()))
        refines.append(x.paren(x.or_(x.is_null(vk), same)))
        more.append(x.and_(x.is_null(vk.copy()), x.not_null(wk.copy())))
    return refines, more


def _reads_as(q: RuleQuery, i: int, later: str, first: str) -> exp.Expression:
    """``later`` (a row, or a vector's first row), read in the column of ``first``'s value
    of key ``i``, is undefined there or equal to it."""
    mine = q.in_column(i, later, x.col(q.layout.key_source(i), first))
    return x.or_(x.is_null(mine), x.eq(mine.copy(), x.col(q.layout.key_value(i), first)))


def _started_earlier(q: RuleQuery, vectors: str) -> exp.Select:
    """The maximal vectors with ``created`` (:func:`_maximal_dated`) moved back to the first
    row of a vector it refines, when that row comes first and this is the earliest
    association refining it: no association existed that the row could join, so it
    started one, which the maximal vector's rows then joined (refining its keys).

    This dates every association started by an exposure with wildcards, the partition's
    first row included (fuzzer seed 51 case 295 with ``--borrow``: rows 27 then 29 of one
    nod pattern, 29 with ``tsovisit`` set, 27 starts the association 29 joins; seed 52 case
    327: a vector is never dated by a row of a vector it does not refine).
    """
    maximal, refiner, refined = Cte.MAXIMAL_DATED, "refiner", "refined"
    refines, _ = _refinement(q, refined, refiner)
    later = exp.LT(this=x.col("first_pos", refined), expression=x.col("created", refiner))
    # the earliest association refining the vector (vectors first seen at one row, a
    # locked vector and its own, both count)
    earliest = (exp.select(x.num(1)).from_(x.table(maximal, "sooner"), copy=False)
                .where(x.and_(q.fixed_join("sooner", refined),
                              *_refinement(q, refined, "sooner")[0],
                              exp.LT(this=x.col("created", "sooner"),
                                     expression=x.col("created", refiner))), copy=False))
    first = (exp.select(exp.Min(this=x.col("first_pos", refined)))
             .from_(x.table(vectors, refined), copy=False)
             .where(x.and_(q.fixed_join(refined, refiner), *refines, later,
                           exp.Not(this=exp.Exists(this=earliest))), copy=False))
    moved = exp.func("least", x.col("created", refiner),
                     exp.func("coalesce", exp.Subquery(this=first), x.col("created", refiner)))
    return (exp.select(exp.Star(except_=[x.col("created")]), x.alias(moved, "created"))
            .from_(x.table(maximal, refiner), copy=False))


def _maximal_dated(q: RuleQuery) -> exp.Select:
    """The maximal vectors, each created at its first row (before
    :func:`_started_earlier`)."""
    maximal = Cte.MAXIMAL_VECTORS
    return exp.select(f"{maximal}.*", x.alias(x.col("first_pos", maximal), "created")).from_(
        maximal, copy=False)


def _associations(q: RuleQuery, vectors: str) -> exp.Select:
    """Each group with the row that creates it and its number (``gid``)."""
    gid = exp.Window(this=exp.RowNumber(), order=exp.Order(expressions=[
        exp.Ordered(this=x.col(c)) for c in ["run", "created"]] + [
        exp.Ordered(this=x.col(q.layout.key_value(i))) for i in range(len(q.layout.keys))]))
    with_created = exp.select("*").from_(Cte.MAXIMAL_DATED, copy=False)
    if q.layout.loose:
        with_created = _started_earlier(q, vectors)
    numbered = (exp.select("*", x.alias(gid, "gid"))
                .from_(exp.alias_(exp.Subquery(this=with_created), Cte.DATED),
                       copy=False))
    if not q.by_column:
        return numbered
    # A key of q.by_column holds the value (and column) of the row that creates the
    # association where that row defines it, else the vector's (spec section 3.2, step 6);
    # the vector's where the key does not apply to every role that creates associations.
    dated, creator = Cte.NUMBERED, Cte.CREATOR
    creating = {r.name for r in q.forming_roles()}
    locks = []
    for i in q.by_column:
        value, source = q.layout.key_value(i), q.layout.key_source(i)
        lock, lock_source = q.layout.key_lock(i), q.layout.key_lock_source(i)
        roles = q.layout.keys[i].roles
        if roles and not creating <= set(roles):
            locks += [x.alias(x.col(value, dated), lock),
                      x.alias(x.col(source, dated), lock_source)]
            continue
        has = x.not_null(x.col(value, creator))
        locks.append(x.alias(x.case((has, x.col(value, creator)),
                                    default=x.col(value, dated)), lock))
        locks.append(x.alias(x.case((has.copy(), x.col(source, creator)),
                                    default=x.col(source, dated)), lock_source))
    on = x.and_(x.eq(x.col("run", creator), x.col("run", dated)),
                x.eq(x.col("pos", creator), x.col("created", dated)))
    return (exp.select(f"{dated}.*", *locks)
            .from_(exp.alias_(exp.Subquery(this=numbered), dated), copy=False)
            .join(x.table(Cte.ROLE_ROWS, creator), on=on, join_type="left", copy=False))


def _members_in(q: RuleQuery, roles: list[int], role_index: exp.Expression,
                *more_of: exp.Expression, values: list[exp.Expression] | None = None
                ) -> exp.Select:
    """Rows joining the associations in one of ``roles`` (the first such role); their
    key and record ``values`` (default: the row's)."""
    rows, asns = Cte.ROLE_ROWS, Cte.ASSOCIATIONS
    parts = [x.paren(q.can_join(i, rows, asns, *[m.copy() for m in more_of])) for i in roles]
    values = values or _member_values(q)
    query = (exp.select(x.col("run", asns), x.col("gid", asns), x.col("pos", rows),
                        x.col("exptype", rows), *values,
                        x.alias(role_index, "role_index"))
             .from_(asns, copy=False).join(rows, on=q.fixed_join(rows, asns), copy=False)
             .where(x.or_(*parts), copy=False))
    return q.with_phase(query, asns, rows, role_index.copy())


def _member_values(q: RuleQuery) -> list[exp.Expression]:
    """A member's key and record values; a key of ``q.by_column`` in the column of the
    association's lock of it (undefined there: none)."""
    return q.member_values(Cte.ROLE_ROWS, Cte.ASSOCIATIONS)


def _group_members(q: RuleQuery, group_roles: list[int]) -> exp.Select:
    """Members through group roles (compatible keys; timing when not replayed); the role
    is the first group role that accepts the row for this association."""
    if len(group_roles) > 1:
        rows, asns = Cte.ROLE_ROWS, Cte.ASSOCIATIONS
        role_index = x.case(*[(q.can_join(i, rows, asns), x.num(i)) for i in group_roles])
    else:
        role_index = q.role_index_case(Cte.ROLE_ROWS, group_roles)
    return _members_in(q, group_roles, role_index)


def _observation_members(q: RuleQuery, obs_roles: list[int]) -> list[tuple[str, exp.Select]]:
    """CTEs of the ``same_obs_num`` roles: the observations of each association and the
    rows joining it through them; then every member in its first role."""
    rows, asns, obs = Cte.ROLE_ROWS, Cte.ASSOCIATIONS, Cte.OBSERVATIONS
    group_members = Cte.GROUP_MEMBERS
    r = _obs_record(q)
    observations = (exp.select(x.col("gid", group_members),
                               x.alias(x.col(r, rows), "observation"))
                    .distinct(copy=False).from_(group_members, copy=False)
                    .join(asns, on=x.eq(x.col("gid", asns), x.col("gid", group_members)),
                          copy=False)
                    .join(rows, on=x.and_(x.eq(x.col("run", rows), x.col("run", asns)),
                                          x.eq(x.col("pos", rows),
                                               x.col("pos", group_members))), copy=False)
                    .where(x.not_null(x.col(r, rows)), copy=False))
    same_obs = exp.Exists(this=exp.select(x.num(1)).from_(obs, copy=False).where(x.and_(
        x.eq(x.col("gid", obs), x.col("gid", asns)),
        x.eq(x.col("observation", obs), x.col("obs_num_value", rows))), copy=False))
    values = _member_values(q)
    for i in q.layout.locked_keys():
        # a locking row's value counts where the association holds it (the lock)
        name = q.layout.key_value(i)
        if i in q.by_column:
            mine = q.in_lock_column(i, rows, asns)
            values[i] = x.alias(x.case((x.eq(mine, x.col(q.layout.key_lock(i), asns)),
                                        mine.copy())), name)
        else:
            values[i] = x.alias(x.case((q.same_key(i, rows, asns), x.col(name, rows))),
                                name)
    obs_members = _members_in(q, obs_roles, q.role_index_case(rows, obs_roles), same_obs,
                              values=values)
    # Each side has one row per (association, row); a row on both sides keeps its first
    # role: each side keeps the rows the other has in no earlier role (two anti joins,
    # cheaper than a window over every member).
    def unbeaten(side: str, other: str) -> exp.Select:
        same = x.and_(*[x.eq(x.col(c, other), x.col(c, side)) for c in ("run", "gid", "pos")],
                      exp.LT(this=x.col("role_index", other),
                             expression=x.col("role_index", side)))
        every = exp.Column(this=exp.Star(), table=exp.to_identifier(side))
        return (exp.select(every).from_(side, copy=False)
                .join(other, on=same, join_type="anti", copy=False))

    members = exp.union(unbeaten(group_members, Cte.OBS_MEMBERS),
                        unbeaten(Cte.OBS_MEMBERS, group_members), distinct=False)
    return [(obs, observations), (Cte.OBS_MEMBERS, obs_members), (Cte.MEMBERS, members)]


def per_group(q: RuleQuery) -> exp.Select:
    """The query of a ``per_group`` rule (module docstring).

    Raises
    ------
    CompileError
        When no role can start an association, or a ``same_obs_num`` role lacks the
        ``obs_num`` record.
    """
    layout = q.layout
    group_roles = layout.roles_joining("group")
    creating = [i for i in group_roles if layout.roles[i].creates]
    if not creating:
        raise CompileError(f"rule {q.rule.name}: no role can start an association")
    forms = x.or_(*[x.col(layout.role_ok(i)) for i in creating])
    ctes = [(Cte.RULE_ROWS, q.rule_rows()), (Cte.ROLE_ROWS, q.role_rows()),
            (Cte.KEY_VECTORS, _key_vectors(q, forms))]
    vectors = Cte.KEY_VECTORS
    if layout.locked_keys():
        ctes += [(Cte.LOCK_PAIRS, _lock_pairs(q, creating)),
                 (Cte.LOCKED_VECTORS, _locked_vectors(q)),
                 (Cte.ALL_VECTORS, _all_vectors(q))]
        vectors = Cte.ALL_VECTORS
    ctes += [(Cte.MAXIMAL_VECTORS, _maximal_vectors(q, vectors)),
            (Cte.MAXIMAL_DATED, _maximal_dated(q)),
            (Cte.ASSOCIATIONS, _associations(q, vectors)),
            (Cte.GROUP_MEMBERS, _group_members(q, group_roles))]
    members = Cte.GROUP_MEMBERS
    obs_roles = layout.roles_joining("same_obs_num")
    if obs_roles:
        ctes += _observation_members(q, obs_roles)
        members = Cte.MEMBERS
    return x.with_ctes(result_select(q, Cte.ASSOCIATIONS, members), ctes)
