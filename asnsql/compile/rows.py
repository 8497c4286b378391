"""What every rule query shares: the rule's rows (its top conditions, key values and role
tests), the key joins between rows and associations, and the per-role cases."""

from __future__ import annotations

from typing import Callable

from sqlglot import exp

from ..model import Role, Rule
from . import exprs as x
from .conditions import Conditions, key_usable
from .reads import Usable, no_run_columns, row_only
from .layout import Cte, Layout
from .vocabulary import DEFAULT, Vocabulary

__all__ = ["RuleQuery", "REPEATED"]

#: The ``run_items`` column telling whether a row's file name is on another row of the
#: loaded pools too (or undefined): ``sql/candidates.sql``, ``repeated_files``.
REPEATED = "filename_repeated"


class RuleQuery:
    """The parts of one rule's query that the query shapes assemble.

    Parameters
    ----------
    rule : Rule
        A rule that makes associations.
    finalized : bool
        The associations will be finalised (see :meth:`valid_runs`, :meth:`member_types`).
    vocabulary : Vocabulary
        The catalogs of validity tests and predicates.

    Raises
    ------
    CompileError
        When the rule makes no associations.
    """

    def __init__(self, rule: Rule, finalized: bool = True, vocabulary: Vocabulary = DEFAULT):
        self.layout = Layout.of(rule)
        self.rule = rule
        self.finalized = finalized
        self.vocabulary = vocabulary
        self.tests = Conditions(rule.name, rule.exptype, vocabulary)
        #: The keys read from several columns that the query compares in the column an
        #: association's value came from (spec section 3.2, step 6): a ``per_group`` rule's
        #: optional ones (:meth:`Layout.reads_columns`); every one of a ``per_science``
        #: rule, whose association holds its owner's value and column of each key.
        self.by_column = [i for i in range(len(self.layout.keys))
                          if (self.layout.reads_columns(i) if rule.product == "per_group"
                              else rule.product == "per_science"
                              and len(self.layout.keys[i].sources) > 1
                              and self.layout.keys[i].constant_when is None)]

    # --- role tests -------------------------------------------------------------------------

    def role_ok(self, role: Role) -> exp.Expression:
        """Whether the row can take ``role``: its condition and its own keys' tests."""
        checks = [self.tests.condition(role.when)] if role.when is not None else []
        checks += [self.tests.key_ok(k) for k in self.layout.role_keys(role)]
        return x.and_(*checks)

    def role_necessary(self, role: Role, usable: Usable | None = None,
                       sources_ok: Callable[[tuple], bool] | None = None
                       ) -> exp.Expression | None:
        """:meth:`role_ok` reduced to its parts that are ``usable`` (conditions) and read
        ``sources_ok`` columns (keys); by default the parts that do not read the run.
        ``None``: no test left."""
        usable, sources_ok = usable or row_only, sources_ok or no_run_columns
        checks = [self.tests.necessary(role.when, usable)]
        checks += [self.tests.key_ok(k) for k in self.layout.role_keys(role)
                   if key_usable(k, usable, sources_ok)]
        checks = x.tests_in(*checks)
        return x.and_(*checks) if checks else None

    def some_role(self, usable: Usable | None = None,
                  sources_ok: Callable[[tuple], bool] | None = None,
                  roles: list[Role] | None = None) -> exp.Expression | None:
        """A test that every row taking one of ``roles`` (default: any role) passes, the
        roles reduced as in :meth:`role_necessary` (by default, to the pool row alone).

        Added to the rule rows' filter, it lets DuckDB drop the rows no role can take
        before they are paired with the runs (the roles' own tests come later, per run).
        """
        roles = list(self.layout.roles) if roles is None else roles
        parts = [self.role_necessary(r, usable, sources_ok) for r in roles]
        if not parts or any(p is None for p in parts):
            return None
        return x.paren(x.or_(*parts))

    def forming_roles(self) -> list[Role]:
        """The roles whose rows make associations: with ``per_group``, the creating roles
        that form groups; with ``per_science``, the owner role and the creating attached
        roles (an attached row before every owner starts an association). Rows of other
        roles only join associations these made."""
        roles = self.layout.roles
        if self.rule.product == "per_science":
            return [r for r in roles if r.joins == "own"
                    or (r.joins == "all" and r.creates and r.reports_match)]
        return [r for r in roles if r.joins == "group" and r.creates]

    def valid_runs(self) -> exp.Expression | None:
        """With finalisation, the runs whose candidate type lets the rule's associations
        pass its validity tests (the vocabulary's ``candidate_type_tests``); ``None``:
        every run."""
        catalog = self.vocabulary.candidate_type_tests
        tests = [catalog[t] for t in self.rule.validity if t in catalog]
        if not self.finalized or not tests:
            return None
        ctype = x.case((x.eq(x.col("cand_kind"), x.lit("candidate")),
                        x.fn("lower", x.col("cand_type"))), default=x.lit("discovered"))
        checks = []
        for allowed, types in tests:
            within = x.one_of(ctype.copy(), types)
            checks.append(within if allowed else x.not_(within))
        return x.and_(*checks)

    def member_types(self) -> list[str]:
        """With finalisation, the exptypes an association needs among its members to pass
        the rule's validity tests (the vocabulary's ``member_type_tests``): the query
        leaves out the associations without them. Empty without finalisation, where the
        associations that fail still take sequence numbers (spec section 12.1)."""
        if not self.finalized:
            return []
        catalog = self.vocabulary.member_type_tests
        return [catalog[t] for t in self.rule.validity if t in catalog]

    def eligible(self) -> exp.Expression:
        """Conditions every member of the rule meets (the top ``where`` and the keys of all
        roles)."""
        return x.and_(self.tests.condition(self.rule.where),
                      *[self.tests.key_ok(k) for k in self.layout.keys + self.layout.records
                        if not k.roles])

    # --- the rule's rows --------------------------------------------------------------------

    def rule_rows(self) -> exp.Select:
        """Exposure-level columns of every row that passes the rule's top conditions."""
        tests, layout = self.tests, self.layout
        cols = [x.col("run"), x.col("pos"), x.col("filename"), x.col(REPEATED),
                x.alias(tests.exptype(), "exptype")]
        for i, key in enumerate(layout.keys):
            cols.append(x.alias(tests.key_value(key), layout.key_value(i)))
            if layout.key_has_source(i):
                cols.append(x.alias(tests.key_source(key), layout.key_source(i)))
            if i in self.by_column:
                cols += [x.alias(tests.key_column(key, j), layout.key_column(i, j))
                         for j in range(len(key.sources))]
        for i, key in enumerate(layout.records):
            cols.append(x.alias(tests.key_value(key), layout.record_value(i)))
        for i, role in enumerate(layout.roles):
            cols.append(x.alias(self.role_ok(role), layout.role_ok(i)))
        if layout.roles_joining("same_obs_num"):
            cols.append(x.alias(tests.value("obs_num"), "obs_num_value"))
        for column in layout.owner_columns():
            cols.append(x.alias(tests.value(column), layout.owner_value(column)))
        return exp.select(*cols).from_("run_items", copy=False).where(
            x.and_(self.eligible(), self.some_role(), self.valid_runs()), copy=False)

    def role_rows(self) -> exp.Select:
        """Rows in some role; one row per file name and run (the reference's item identity).

        Only a row whose file name is on another row of the pool (``run_items``'
        :data:`REPEATED`) can have a twin: those rows alone go through the window that
        keeps the first of each file name and run. An archive pool has almost none, and the
        window over every row was the largest step of the biggest rule queries.
        """
        any_ok = x.or_(*[x.col(self.layout.role_ok(i)) for i in range(len(self.layout.roles))])
        first = exp.Window(this=exp.RowNumber(),
                           partition_by=[x.col("run"), x.col("filename")],
                           order=exp.Order(expressions=[exp.Ordered(this=x.col("pos"))]))
        repeated = x.col(REPEATED)

        def rows(more: exp.Expression) -> exp.Select:
            star = exp.Star(except_=[x.col(REPEATED)])
            return exp.select(star).from_(Cte.RULE_ROWS, copy=False).where(
                x.and_(x.paren(any_ok.copy()), more), copy=False)

        return exp.union(rows(x.not_(repeated.copy())),
                         rows(repeated).qualify(x.eq(first, x.num(1)), copy=False),
                         distinct=False)

    # --- columns and joins ------------------------------------------------------------------

    def value_columns(self, table: str) -> list[exp.Expression]:
        """Key and record values of a member row (for found values)."""
        layout = self.layout
        return ([x.col(layout.key_value(i), table) for i in range(len(layout.keys))]
                + [x.col(layout.record_value(i), table) for i in range(len(layout.records))])

    def key_columns(self, keys, table: str | None = None) -> list[exp.Expression]:
        """The value (and source) columns of the keys at indexes ``keys``."""
        cols = []
        for i in keys:
            cols.append(x.col(self.layout.key_value(i), table))
            if self.layout.key_has_source(i):
                cols.append(x.col(self.layout.key_source(i), table))
        return cols

    def same_key(self, i: int, left: str, right: str) -> exp.Expression:
        """Both sides have the same value (from the same column) for key ``i``."""
        name = self.layout.key_value(i)
        same = x.eq(x.col(name, left), x.col(name, right))
        if self.layout.key_has_source(i):
            source = self.layout.key_source(i)
            same = x.and_(same, x.eq(x.col(source, left), x.col(source, right)))
        return same

    def fixed_join(self, left: str, right: str) -> exp.Expression:
        """Same run and same values of every fixed key."""
        conds = [x.eq(x.col("run", left), x.col("run", right))]
        conds += [self.same_key(i, left, right) for i in self.layout.fixed]
        return x.and_(*conds)

    def in_column(self, i: int, row: str | None, source: exp.Expression,
                  prefix: str = "") -> exp.Expression:
        """Row's value of key ``i`` in the column ``source`` names (NULL when it names
        none; :meth:`Layout.reads_columns`); ``prefix`` names the row's copies of the
        value columns (``locker_``: a locking row's, carried beside a vector)."""
        layout = self.layout
        return x.case(*[(x.eq(source.copy(), x.lit(name)),
                         x.col(prefix + layout.key_column(i, j), row))
                        for j, name in enumerate(layout.keys[i].sources)])

    def lock_columns(self, i: int) -> tuple[str, str]:
        """The association's columns holding its lock of key ``i`` (a key of
        :attr:`by_column`): its value and the column it came from. A ``per_group``
        association's lock is its creating row's (:meth:`Layout.key_lock`); a
        ``per_science`` one's is its key, its owner's value."""
        layout = self.layout
        if self.rule.product == "per_group":
            return layout.key_lock(i), layout.key_lock_source(i)
        return layout.key_value(i), layout.key_source(i)

    def in_lock_column(self, i: int, row: str, assoc: str) -> exp.Expression:
        """Row's value of key ``i`` in the column the association's lock of it came from
        (NULL when the association holds no value)."""
        return self.in_column(i, row, x.col(self.lock_columns(i)[1], assoc))

    def lock_join(self, row: str, assoc: str) -> exp.Expression:
        """Row and association in the same run with the association's values of every
        fixed key; a key of :attr:`by_column` read in the column the association's value
        came from (spec section 3.2, step 6)."""
        conds = [x.eq(x.col("run", row), x.col("run", assoc))]
        for i in self.layout.fixed:
            if i in self.by_column:
                conds.append(x.eq(self.in_lock_column(i, row, assoc),
                                  x.col(self.lock_columns(i)[0], assoc)))
            else:
                conds.append(self.same_key(i, row, assoc))
        return x.and_(*conds)

    def member_values(self, row: str, assoc: str) -> list[exp.Expression]:
        """A member's key and record values (:meth:`value_columns`), a key of
        :attr:`by_column` read in the column of the association's value where it has one."""
        values = self.value_columns(row)
        for i in self.by_column:
            lock, _ = self.lock_columns(i)
            values[i] = x.alias(x.case((x.is_null(x.col(lock, assoc)),
                                        x.col(self.layout.key_value(i), row)),
                                       default=self.in_lock_column(i, row, assoc)),
                                self.layout.key_value(i))
        return values

    def compatible(self, row: str, assoc: str, role: Role) -> exp.Expression:
        """Row and association agree on every loose key that applies to the role; a key
        of :attr:`by_column` is compared in the column of the association's lock of it,
        where an undefined value passes (spec section 3.2, step 6)."""
        conds = []
        for i in self.layout.loose:
            if not self.layout.keys[i].roles or role.name in self.layout.keys[i].roles:
                name = self.layout.key_value(i)
                if i in self.by_column:
                    mine = self.in_lock_column(i, row, assoc)
                    conds.append(x.paren(x.or_(
                        x.is_null(mine),
                        x.eq(mine.copy(), x.col(self.lock_columns(i)[0], assoc)))))
                    continue
                conds.append(x.paren(x.or_(x.is_null(x.col(name, row)),
                                           x.is_null(x.col(name, assoc)),
                                           self.same_key(i, row, assoc))))
        return x.and_(*conds)

    def can_join(self, i: int, row: str, assoc: str, *more: exp.Expression) -> exp.Expression:
        """Row can join the association in role ``i``: it can take the role, agrees on the
        role's loose keys, meets ``more``; and without a replay, it comes at or after the
        association's creation (timing join)."""
        role = self.layout.roles[i]
        cond = [x.col(self.layout.role_ok(i), row), self.compatible(row, assoc, role), *more]
        if role.replay == "none":
            cond.append(x.gte(x.col("pos", row), x.col("created", assoc)))
        return x.and_(*cond)

    # --- per-role cases ---------------------------------------------------------------------

    def role_index_case(self, table: str, allowed: list[int]) -> exp.Expression:
        """The first of the ``allowed`` roles the row can take."""
        return x.case(*[(x.col(self.layout.role_ok(i), table), x.num(i)) for i in allowed])

    def with_phase(self, query: exp.Select, assoc: str, row: str,
                   role_index: exp.Expression) -> exp.Select:
        """Add ``phase``: 0 for the main pass, else the replay that added the member."""
        phase = x.case((x.gte(x.col("pos", row), x.col("created", assoc)), x.num(0)),
                       default=self.role_phase_case(role_index.copy()))
        return query.select(x.alias(phase, "phase"), copy=False)

    def role_name_case(self, index: exp.Expression) -> exp.Expression:
        return x.case(*[(x.eq(index, x.num(i)), x.lit(r.name))
                        for i, r in enumerate(self.layout.roles)])

    def role_exptype_case(self, index: exp.Expression,
                          default: exp.Expression) -> exp.Expression:
        """A role's ``exptype`` replaces the rule's ``science`` (spec section 7.2)."""
        whens = [(x.and_(x.eq(index, x.num(i)), x.eq(default, x.lit("science"))),
                  x.lit(r.exptype)) for i, r in enumerate(self.layout.roles) if r.exptype]
        return x.case(*whens, default=default) if whens else default

    def role_phase_case(self, index: exp.Expression) -> exp.Expression:
        return x.case(*[(x.eq(index, x.num(i)), x.num(x.PHASE[r.replay]))
                        for i, r in enumerate(self.layout.roles)], default=x.num(0))

