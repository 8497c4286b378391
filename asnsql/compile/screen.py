"""The screen: one cheap query telling which rules can have members in a chunk."""

from __future__ import annotations

from functools import lru_cache

from sqlglot import exp

from ..model import Rule
from . import exprs as x
from .conditions import key_usable
from .reads import reads_only
from .rows import RuleQuery
from .shared import share_repeated, with_shared
from .vocabulary import DEFAULT, Vocabulary

__all__ = ["LOCKS_COLUMN", "lock_test", "member_type_tests", "screen_test", "screen_sql"]


def screen_test(q: RuleQuery, columns: frozenset[str],
                roles: list | None = None) -> exp.Expression | None:
    """A test on ``columns`` alone that some row of a chunk passes if the rule has an
    association there.

    Parameters
    ----------
    q : RuleQuery
        The rule's query parts.
    columns : frozenset of str
        The ``run_items`` columns the test may read.
    roles : list of Role, optional
        The roles a row passing the test may take (default: the roles that make
        associations, :meth:`RuleQuery.forming_roles`); empty: no test of the roles.

    Returns
    -------
    sqlglot.exp.Expression or None
        The rule's top conditions and keys, and the ``roles``, reduced to their parts that
        read only ``columns``; and the runs' candidate types (:meth:`RuleQuery.valid_runs`).
        Every row of the rule's rows that takes one of ``roles`` (with none given: every
        row of the rule's rows) passes it. ``None``: no such part.
    """
    def usable(cond):
        return reads_only(cond, columns, q.vocabulary)

    layout = q.layout
    keys = [q.tests.key_ok(k) for k in layout.keys + layout.records
            if not k.roles and key_usable(k, usable, columns.issuperset)]
    roles = q.forming_roles() if roles is None else roles
    parts = x.tests_in(q.tests.necessary(q.rule.where, usable), q.valid_runs(), *keys,
                       q.some_role(usable, columns.issuperset, roles) if roles else None)
    return x.and_(*parts) if parts else None


def member_type_tests(q: RuleQuery, columns: frozenset[str]) -> list[exp.Expression]:
    """Tests on ``columns`` alone, one per exptype the rule's associations need among
    their members (:meth:`RuleQuery.member_types`, with finalisation): some row of a chunk
    passes each if the rule has an association there.

    Parameters
    ----------
    q : RuleQuery
        The rule's query parts.
    columns : frozenset of str
        The ``run_items`` columns the tests may read.

    Returns
    -------
    list of sqlglot.exp.Expression
        Per needed exptype: the row passes the rule's top conditions (:func:`screen_test`
        without its roles: every member is one of the rule's rows) and its exptype (spec
        section 7.2) is that one, or ``science`` where a role gives its members that
        exptype instead (:meth:`RuleQuery.role_exptype_case`). A query leaves out the associations
        without such a member (spec sections 8.1, 9.5), so a chunk without such a row
        has none of the rule's. (The row's tests repeat :func:`screen_test`'s: the screen
        computes them once, :func:`asnsql.compile.shared.share_repeated`. The roles' tests
        are left out: they would double the screen's planning time.)
    """
    if not {"base_exptype", "exp_type"} <= columns:
        return []
    member = screen_test(q, columns, roles=[])
    found = []
    for needed in q.member_types():
        types = {needed} | ({"science"} if any(r.exptype == needed for r in q.layout.roles)
                            else set())
        found.append(x.and_(member.copy() if member is not None else None,
                            x.never_null(x.one_of(q.tests.exptype(), sorted(types)))))
    return found


#: The names of the tests the screen computes once for several rules (followed by a
#: number; no screen column starts with it).
SHARED_PREFIX = "shared_"

#: The screen's column, after a rule's name, telling whether a row can lock its keys.
LOCKS_COLUMN = "{rule}:locks"


def lock_test(q: RuleQuery, columns: frozenset[str]) -> exp.Expression | None:
    """For a rule with ``locks``: a test on ``columns`` alone that some row of a chunk
    passes if a row there takes a locking role or a ``same_obs_num`` role.

    Where no row can, the rule's query gives the same rows with its ``locks`` left out
    (no locked vectors, no member whose key value depends on a lock), and that query
    costs DuckDB half as much to plan (measured: 55 -> 35 ms for Asn_Lv3Image).

    Returns
    -------
    sqlglot.exp.Expression or None
        ``None``: no usable test (the locks always apply).
    """
    def usable(cond):
        return reads_only(cond, columns, q.vocabulary)

    lockers = {role for role, _ in q.rule.locks}
    roles = [r for r in q.layout.roles if r.name in lockers or r.joins == "same_obs_num"]
    return q.some_role(usable, columns.issuperset, roles)


@lru_cache(maxsize=16)
def screen_sql(rules: tuple[Rule, ...], finalized: bool = True,
               vocabulary: Vocabulary = DEFAULT) -> str:
    """One query telling, for each rule, whether the run items of a chunk can hold one of
    its members (a boolean column named after the rule); the generator skips the others.
    For a rule with ``locks``, a second column (:data:`LOCKS_COLUMN`, :func:`lock_test`)
    tells whether its locks can apply; where not, the generator runs the rule's query
    compiled without them.

    Parameters
    ----------
    rules : tuple of Rule
        The rules (those that make no associations are left out).
    finalized : bool
        As for :func:`asnsql.compile.compile_rule`.
    vocabulary : Vocabulary
        Its ``screen_columns`` are the columns the screen reads.

    Returns
    -------
    str
        DuckDB SQL over ``run_items``.

    Notes
    -----
    Each rule's conditions are reduced to their parts on the screen columns
    (:func:`screen_test`, a necessary condition) and evaluated on the distinct
    combinations of those columns (a few hundred rows even for an archive chunk), which
    costs less than the queries it saves; it never skips a rule that has members.
    """
    columns = vocabulary.screen_columns
    tests = []
    for rule in rules:
        if not rule.makes_associations:
            continue
        q = RuleQuery(rule, finalized, vocabulary)
        test = screen_test(q, columns)
        found = [exp.func("bool_or", t) for t in
                 ([test] if test is not None else []) + member_type_tests(q, columns)]
        tests.append(exp.alias_(x.and_(*found) if found else exp.true(),
                                exp.to_identifier(rule.name, quoted=True)))
        if rule.locks:
            locks = lock_test(q, columns)
            tests.append(exp.alias_(exp.func("bool_or", locks) if locks is not None
                                    else exp.true(), exp.to_identifier(
                                        LOCKS_COLUMN.format(rule=rule.name), quoted=True)))
    combos = (exp.select(*[x.col(c) for c in sorted(columns)]).distinct()
              .from_("run_items"))
    # (the rules repeat many tests: each is computed once per combination, in a column of
    # its own, which more than halves the time DuckDB takes to plan the screen)
    tests, layers = share_repeated(tests, SHARED_PREFIX)
    combos = with_shared(combos, layers, "combos")
    return exp.select(*tests).from_(combos.subquery("combos")).sql(dialect=x.DIALECT,
                                                                    pretty=True)
