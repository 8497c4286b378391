"""Rule IR -> SQL: one sqlglot SELECT per rule.

The compiler imports sqlglot and no database. :func:`compile_rule` returns the query as a
sqlglot expression, :func:`rule_sql` as DuckDB SQL text; ``asnsql explain RULE`` prints it.

Each query reads the relation ``run_items`` (``sql/candidates.sql``): one row per
(run, pool row), where a *run* is one candidate's sub-pool or the discovery pass over the
whole pool (spec section 6.2), with every pool column as its *defined* value (NULL for the
EMPTY strings of spec section 1.3), ``pos`` (pool row number), ``base_exptype`` and
``cand_type``. It returns one row per member of each association::

    rule VARCHAR, run INTEGER, gid BIGINT, created BIGINT,
    pos BIGINT, role VARCHAR, exptype VARCHAR, phase INTEGER, found VARCHAR

``found`` is set on one member row of each association (NULL on the others).

With ``finalized`` (the default, as ``generate`` finalises), a rule whose validity tests
need certain candidate types (:data:`asnsql.model.CANDIDATE_TYPE_TESTS`) reads only the
runs of those types: the others could only make associations that finalisation drops; and
an association lacking a member of an exptype the tests need
(:data:`asnsql.model.MEMBER_TYPE_TESTS`, e.g. ``has_science``) is left out.

``created`` is the pool row at which the reference would create the association (it orders
associations, spec section 6.6); ``phase`` is 0 for members added in the main pass, 1 and 2
for those added by the EXISTING / NONSCIENCE replays (it orders members).

How the reference's sequential, stateful matching becomes set operations (spec section 15):

* conditions on the exposure alone become ``WHERE`` (``x``/``e`` CTEs);
* locked attributes become group keys; the first defined value locks, so every distinct
  value vector of the exposures that can start an association is an association (``v``);
* an optional key left undefined is a wildcard: such exposures join every compatible
  association, and a vector refined by another one (same values where both are defined,
  more values defined) is no association of its own (``g``: only maximal vectors);
* the association that an exposure with wildcards started before the first fully
  determined one is that one's association, created earlier (``gc.created``);
* replays (EXISTING / NONSCIENCE) let an exposure join associations created after it; a
  role without replay joins only associations created at or before its row (timing join);
* one science exposure per association (Level 2) makes each such exposure an association,
  and attached exposures (backgrounds...) join every association of their group.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from sqlglot import exp

from .errors import CompileError
from .sqlcache import cached_sql
from .model import (
    CANDIDATE_TYPE_TESTS,
    MEMBER_TYPE_TESTS,
    PREDICATE_ARGUMENTS,
    SCREEN_COLUMNS,
    AttrTest,
    CandidateTest,
    Composite,
    Condition,
    ExptypeTest,
    Key,
    PredicateTest,
    Role,
    Rule,
)

__all__ = ["compile_rule", "rule_sql", "screen_sql", "SCREEN_COLUMNS",
           "condition_sql", "rule_checks", "checks_sql", "checks_text", "RuleCheck",
           "PREDICATE_ARGUMENTS"]

DIALECT = "duckdb"

_PHASE = {"none": 0, "existing": 1, "nonscience": 2}
#: A pattern without regular-expression syntax (it matches itself only).
_LITERAL = re.compile(r"^[A-Za-z0-9_\- ,:;'/]*$")


# --- small expression helpers -------------------------------------------------------------

def _col(name: str, table: str | None = None) -> exp.Column:
    return exp.column(name, table=table, quoted=True)


def _fn(name: str, *args: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this=name, expressions=list(args))


def _lit(value: str) -> exp.Literal:
    return exp.Literal.string(value)


def _num(value: int) -> exp.Literal:
    return exp.Literal.number(value)


def _is_literal_bool(e: exp.Expression, value: bool) -> bool:
    return isinstance(e, exp.Boolean) and e.this is value


def _and(*conds: exp.Expression) -> exp.Expression:
    conds = [c for c in conds if c is not None and not _is_literal_bool(c, True)]
    if not conds:
        return exp.true()
    return exp.and_(*conds, copy=False) if len(conds) > 1 else conds[0]


def _or(*conds: exp.Expression) -> exp.Expression:
    conds = [c for c in conds if c is not None and not _is_literal_bool(c, False)]
    if not conds:
        return exp.false()
    if any(_is_literal_bool(c, True) for c in conds):
        return exp.true()
    return exp.or_(*conds, copy=False) if len(conds) > 1 else conds[0]


def _not(cond: exp.Expression) -> exp.Expression:
    return exp.Not(this=exp.Paren(this=cond))


def _eq(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    return exp.EQ(this=a, expression=b)


def _is_null(e: exp.Expression) -> exp.Expression:
    return exp.Is(this=e, expression=exp.Null())


def _not_null(e: exp.Expression) -> exp.Expression:
    return exp.Not(this=exp.Is(this=e, expression=exp.Null()))


def _case(*whens: tuple[exp.Expression, exp.Expression],
          default: exp.Expression | None = None) -> exp.Expression:
    case = exp.Case()
    for cond, value in whens:
        case = case.when(cond, value)
    if default is not None:
        case = case.else_(default)
    return case


def _alias(e: exp.Expression, name: str) -> exp.Expression:
    return exp.alias_(e, name, quoted=False, copy=False)


def wrap_pattern(patterns: tuple[str, ...]) -> str:
    """Return the RE2 pattern equivalent to the reference's regex test.

    The reference matches ``re.match('^' + p + '$', value, re.I)`` with the alternatives
    joined by ``|`` (spec section 2.1): ``^`` binds to every alternative (``re.match``
    anchors at the start), ``$`` to the last one only. ``(?i)^(?:^p$)`` does the same as
    an RE2 partial match.
    """
    return "(?i)^(?:^" + "|".join(patterns) + "$)"


# --- conditions -----------------------------------------------------------------------------

class _Exprs:
    """Builds the SQL expressions of one rule (exposure-level only)."""

    def __init__(self, rule: Rule):
        self.rule = rule

    def value(self, column: str) -> exp.Expression:
        """The defined value of a column: ``run_items`` holds NULL for undefined values
        (spec section 1.3)."""
        return _col(column)

    def lookup(self, sources: tuple[str, ...]) -> exp.Expression:
        """First defined value among ``sources`` (spec section 2.3)."""
        values = [self.value(s) for s in sources]
        return values[0] if len(values) == 1 else exp.Coalesce(this=values[0],
                                                               expressions=values[1:])

    def lookup_source(self, sources: tuple[str, ...]) -> exp.Expression:
        """Name of the column that supplied the first defined value."""
        if len(sources) == 1:
            return _case((_not_null(self.value(sources[0])), _lit(sources[0])))
        return _case(*[(_not_null(self.value(s)), _lit(s)) for s in sources])

    def exptype(self) -> exp.Expression:
        """The rule's exposure type of the row (spec section 7.2)."""
        return _fn(f"asn_exptype_{self.rule.exptype}", _col("base_exptype"), _col("exp_type"))

    def match(self, value: exp.Expression, patterns: tuple[str, ...]) -> exp.Expression:
        """The reference's regex test; plain-text alternatives compile to string tests.

        Pool values are lower-cased, and the test ignores case, so a literal alternative is
        a prefix test (``starts_with``), or for the last one an equality (spec 2.1).
        """
        if all(_LITERAL.match(p) for p in patterns):
            *prefixes, last = [p.lower() for p in patterns]
            tests = [exp.func("starts_with", value.copy(), _lit(p)) for p in prefixes]
            tests.append(_eq(value.copy(), _lit(last)))
            test = _or(*tests)
            return exp.func("coalesce", exp.Paren(this=test) if len(tests) > 1 else test,
                            exp.false())
        return _fn("asn_match", value, _lit(wrap_pattern(patterns)))

    def not_contains(self, value: exp.Expression, text: str) -> exp.Expression:
        return _not(exp.func("contains", exp.Lower(this=value), _lit(text.lower())))

    def condition(self, cond: Condition | None) -> exp.Expression:
        """A never-NULL boolean for ``cond`` (``None`` is true)."""
        if cond is None:
            return exp.true()
        if isinstance(cond, Composite):
            children = [self.condition(c) for c in cond.children]
            if cond.op == "all":
                return exp.Paren(this=_and(*children))
            if cond.op == "any":
                return exp.Paren(this=_or(*children))
            if cond.op == "not_any":
                return _not(_or(*children))
            if cond.op == "not_all":
                return _not(_and(*children))
            raise CompileError(f"rule {self.rule.name}: unknown composite {cond.op!r}")
        if isinstance(cond, AttrTest):
            value = self.lookup(cond.sources)
            if cond.op == "defined":
                return _is_null(value) if cond.negate else _not_null(value)
            if cond.op == "match":
                test = self.match(value, cond.patterns)
            elif cond.op == "not_contains":
                test = _and(_not_null(value), self.not_contains(value, cond.patterns[0]))
            else:
                raise CompileError(f"rule {self.rule.name}: unknown attribute test {cond.op!r}")
            return exp.Paren(this=_or(_is_null(value), test)) if cond.optional else test
        if isinstance(cond, ExptypeTest):
            subject = _col("base_exptype") if cond.base else self.exptype()
            test = exp.In(this=subject, expressions=[_lit(v) for v in cond.values])
            test = exp.func("coalesce", test, exp.false())
            return _not(test) if cond.negate else test
        if isinstance(cond, PredicateTest):
            args = [_col(c) for c in PREDICATE_ARGUMENTS[cond.name]]
            test = exp.func("coalesce", _fn(f"asn_{cond.name}", *args), exp.false())
            return test if cond.expect else _not(test)
        if isinstance(cond, CandidateTest):
            test = exp.In(this=_col("cand_type"), expressions=[_lit(v) for v in cond.types])
            test = exp.func("coalesce", test, exp.false())
            return _not(test) if cond.negate else test
        raise CompileError(f"rule {self.rule.name}: cannot compile condition {cond!r}")

    def necessary(self, cond: Condition | None,
                  usable: Callable[[Condition], bool] | None = None) -> exp.Expression | None:
        """A condition that every row passing ``cond`` passes, made of the parts of ``cond``
        that are ``usable`` (``None`` stands for true).

        By default the usable parts are those on the pool row alone (not on the run's
        candidate), so the result can filter pool rows before they are paired with runs.
        """
        if cond is None:
            return None
        usable = usable or _row_only
        if usable(cond):
            return self.condition(cond)
        if isinstance(cond, Composite) and cond.op in ("all", "any"):
            parts = [self.necessary(c, usable) for c in cond.children]
            if cond.op == "all":
                parts = [p for p in parts if p is not None]
                return exp.Paren(this=_and(*parts)) if parts else None
            if any(p is None for p in parts):
                return None
            return exp.Paren(this=_or(*parts))
        return None

    # --- keys -------------------------------------------------------------------------------

    def key_value(self, key: Key) -> exp.Expression:
        """The key's value for the row, NULL where the key does not apply (a wildcard)."""
        if key.when is None and key.constant_when is None:
            return self.lookup(key.sources)
        whens = []
        if key.constant_when is not None:
            whens.append((self.condition(key.constant_when), _lit(key.constant)))
        whens.append((self.condition(key.when), self.lookup(key.sources)))
        return _case(*whens)

    def key_source(self, key: Key) -> exp.Expression:
        """Which column (or the constant, ``=``) gave the key's value: a lock also pins the
        column it read (spec section 3.2, step 6)."""
        whens = []
        if key.constant_when is not None:
            whens.append((self.condition(key.constant_when), _lit("=")))
        if key.when is None:
            whens.append((exp.true(), self.lookup_source(key.sources)))
            return _case(*whens[:-1], default=whens[-1][1]) if len(whens) > 1 else whens[0][1]
        whens.append((self.condition(key.when), self.lookup_source(key.sources)))
        return _case(*whens)

    def key_ok(self, key: Key) -> exp.Expression:
        """Whether the row passes the key's own test (required value present, pattern)."""
        value = self.lookup(key.sources)
        if key.match:
            if len(key.match) == 1 and key.match[0].startswith("((?!"):
                text = key.match[0][4:-4]
                test = self.not_contains(value, text)
            else:
                test = self.match(value, key.match)
            present = _or(_is_null(value), test) if key.optional else _and(_not_null(value), test)
        else:
            present = exp.true() if key.optional else _not_null(value)
        if present == exp.true():
            return exp.true()
        checks = [exp.Paren(this=present)]
        if key.when is not None:
            checks = [exp.Paren(this=_or(_not(self.condition(key.when)), *checks))]
        if key.constant_when is not None:
            checks = [exp.Paren(this=_or(self.condition(key.constant_when), *checks))]
        return checks[0]


#: ``run_items`` columns that depend on the run (the candidate), not on the pool row alone.
_RUN_COLUMNS = frozenset({"asn_candidate", "cand_id", "cand_type", "cand_kind"})


def _run_dependent(cond: Condition | None) -> bool:
    """Whether a condition reads a value that depends on the run (the candidate)."""
    if cond is None:
        return False
    if isinstance(cond, Composite):
        return any(_run_dependent(c) for c in cond.children)
    if isinstance(cond, AttrTest):
        return bool(_RUN_COLUMNS.intersection(cond.sources))
    return isinstance(cond, CandidateTest)


def _row_only(cond: Condition) -> bool:
    return not _run_dependent(cond)


def _reads_only(cond: Condition | None, columns: frozenset[str]) -> bool:
    """Whether every test of a condition reads only ``columns`` of ``run_items``."""
    if cond is None:
        return True
    if isinstance(cond, Composite):
        return all(_reads_only(c, columns) for c in cond.children)
    if isinstance(cond, AttrTest):
        return columns.issuperset(cond.sources)
    if isinstance(cond, ExptypeTest):
        return {"base_exptype", "exp_type"} <= columns
    if isinstance(cond, PredicateTest):
        return columns.issuperset(PREDICATE_ARGUMENTS[cond.name])
    if isinstance(cond, CandidateTest):
        return "cand_type" in columns
    return False


def _no_run_columns(sources: tuple) -> bool:
    return not _RUN_COLUMNS.intersection(sources)


def _key_usable(key: Key, usable: Callable[[Condition], bool],
                sources_ok: Callable[[tuple], bool]) -> bool:
    """Whether a key's test reads only what ``usable`` / ``sources_ok`` allow."""
    return sources_ok(key.sources) and all(usable(c) for c in (key.when, key.constant_when)
                                           if c is not None)


def condition_sql(rule: Rule, cond: Condition) -> str:
    """DuckDB SQL text of a condition of ``rule`` (for messages and ``asnsql why``)."""
    return _Exprs(rule).condition(cond).sql(DIALECT)


# --- checks: a rule's conditions one by one (asnsql why) -------------------------------------

@dataclass(frozen=True)
class RuleCheck:
    """One condition of a rule that an exposure must meet, for explanations.

    Attributes
    ----------
    label : str
        What is expected, in words (``exp_type matches nrc_image|nrc_tacq``).
    columns : tuple of str
        The pool columns (or derived values such as ``base_exptype``) the check reads.
    test : sqlglot.exp.Expression
        A never-NULL boolean over ``run_items``.
    """

    label: str
    columns: tuple[str, ...]
    test: exp.Expression


def _describe(rule: Rule, cond: Condition) -> str:
    """A condition in words (the rule file's vocabulary)."""
    if isinstance(cond, Composite):
        inner = "; ".join(_describe(rule, c) for c in cond.children)
        return {"all": f"all of ({inner})", "any": f"any of ({inner})",
                "not_any": f"none of ({inner})", "not_all": f"not all of ({inner})"}[cond.op] \
            if len(cond.children) > 1 or cond.op != "all" else inner
    if isinstance(cond, AttrTest):
        what = " or ".join(cond.sources)
        if cond.op == "defined":
            text = f"{what} {'is not' if cond.negate else 'is'} defined"
        elif cond.op == "match":
            text = f"{what} matches {'|'.join(cond.patterns)}"
        else:
            text = f"{what} does not contain {cond.patterns[0]}"
        return text + (" (or is undefined)" if cond.optional else "")
    if isinstance(cond, ExptypeTest):
        what = "base exposure type" if cond.base else f"{rule.exptype} exptype"
        return f"{what} {'is not' if cond.negate else 'is'} one of {', '.join(cond.values)}"
    if isinstance(cond, PredicateTest):
        from .model import PREDICATES

        text = PREDICATES.get(cond.name, cond.name)
        return f"{cond.name}: {text}" if cond.expect else f"not {cond.name}: {text}"
    if isinstance(cond, CandidateTest):
        return (f"candidate type {'is not' if cond.negate else 'is'} one of "
                f"{', '.join(cond.types)}")
    return repr(cond)


def _key_label(rule: Rule, key: Key) -> str:
    """A key's own test in words (value required, pattern, when it applies)."""
    what = " or ".join(key.sources)
    label = f"{key.name}: {what} " + ("matches " + "|".join(key.match) if key.match
                                      else "is defined")
    if key.optional:
        label += " (or is undefined)"
    if key.when is not None:
        label += f" when {_describe(rule, key.when)}"
    if key.constant_when is not None:
        label += f", unless {_describe(rule, key.constant_when)}"
    return label


def _columns(rule: Rule, cond: Condition | None) -> tuple[str, ...]:
    """Columns a condition reads, in first-use order."""
    out: list[str] = []

    def walk(c):
        if c is None:
            return
        if isinstance(c, Composite):
            for child in c.children:
                walk(child)
        elif isinstance(c, AttrTest):
            out.extend(c.sources)
        elif isinstance(c, ExptypeTest):
            out.extend(["base_exptype"] if c.base else ["base_exptype", "exp_type"])
        elif isinstance(c, PredicateTest):
            out.extend(PREDICATE_ARGUMENTS.get(c.name, ("exp_type", "pntgtype")))
        elif isinstance(c, CandidateTest):
            out.append("cand_type")

    walk(cond)
    return tuple(dict.fromkeys(out))


def _flatten(cond: Condition | None) -> list[Condition]:
    if cond is None:
        return []
    if isinstance(cond, Composite) and cond.op == "all":
        return [c for child in cond.children for c in _flatten(child)]
    return [cond]


def rule_checks(rule: Rule) -> list[RuleCheck]:
    """A rule's conditions on one exposure, in the order a reviewer reads the rule file.

    The top ``where`` condition split at its ``all`` nodes, then each key that applies to
    every role (a value the members must have), then "takes one of the roles". An exposure
    passing every check can be a member of the rule's associations (finalisation and
    validity tests may still drop them).
    """
    x = _Exprs(rule)
    checks = [RuleCheck(_describe(rule, c), _columns(rule, c), x.condition(c))
              for c in _flatten(rule.where)]
    keys = [k for k in rule.keys if k.lock] + list(rule.record)
    for key in keys:
        if key.roles:
            continue
        test = x.key_ok(key)
        if _is_literal_bool(test, True):
            continue
        checks.append(RuleCheck(_key_label(rule, key),
                                tuple(key.sources) + _columns(rule, key.when), test))
    query = _RuleQuery(rule) if rule.product in ("per_group", "per_science") else None
    if query is not None and rule.roles:
        parts, columns = [], []
        for role in rule.roles:
            needs = [_describe(rule, role.when)] if role.when is not None else []
            columns += _columns(rule, role.when)
            for key in keys:
                if key.roles and role.name in key.roles \
                        and not _is_literal_bool(x.key_ok(key), True):
                    needs.append(_key_label(rule, key))
                    columns += list(key.sources) + list(_columns(rule, key.when))
            parts.append(role.name + (f" ({'; '.join(needs)})" if needs else ""))
        checks.append(RuleCheck(f"takes a role: {' or '.join(parts)}",
                                tuple(dict.fromkeys(columns)),
                                exp.Paren(this=_or(*[query.role_ok(r) for r in rule.roles]))))
    return checks


def checks_text(rule: Rule) -> str:
    """The checks of :func:`rule_checks` as commented SQL (``asnsql explain --checks``)."""
    out = [f"-- {rule.name}: the conditions asnsql why evaluates, in order"]
    for i, check in enumerate(rule_checks(rule), start=1):
        out.append(f"-- check {i}: {check.label}")
        out.append(check.test.sql(dialect=DIALECT, pretty=True) + ";")
    return "\n".join(out) + "\n"


def _values_text(columns: tuple[str, ...]) -> exp.Expression:
    """``col=value, ...`` of the row (``undefined`` for an EMPTY value)."""
    parts = [exp.DPipe(this=_lit(f"{c}="), expression=exp.func(
        "coalesce", exp.cast(_col(c), "VARCHAR"), _lit("undefined"))) for c in columns]
    if not parts:
        return _lit("")
    return exp.func("concat_ws", _lit(", "), *parts)


def checks_sql(rules, best_only: bool = False) -> str:
    """One query evaluating every check of every rule on chosen pool rows.

    It reads ``run_items`` rows whose ``pos`` is in the list parameter ``$positions`` and
    returns, per (row, rule, run): ``pos, rule_index, rule, run, cand_id, cand_type, n``
    (number of checks), ``failed`` (1-based index of the first failing check, 0 when all
    pass), ``passed`` (checks passed before it) and ``value_text`` (the values the failing
    check read). With ``best_only``, one row per pool row: the rule and run that came
    closest (most checks passed, then registry order).
    """
    rules = [r for r in rules if r.product in ("per_group", "per_science")]
    parts = []
    for rule in rules:
        checks = rule_checks(rule)
        tests = exp.Array(expressions=[c.test.copy() for c in checks])
        values = exp.Array(expressions=[_values_text(c.columns) for c in checks])
        parts.append(exp.select(
            _col("pos"), _alias(_num(rule.index), "rule_index"),
            _alias(_lit(rule.name), "rule"), _col("run"), _col("cand_id"), _col("cand_type"),
            _alias(tests, "checks"), _alias(values, "vals"))
            .from_("run_items").where("pos IN (SELECT unnest($positions))"))
    if not parts:
        return ("SELECT NULL::BIGINT AS pos, NULL::INTEGER AS rule_index, NULL AS rule, "
                "NULL::INTEGER AS run, NULL AS cand_id, NULL AS cand_type, 0 AS n, "
                "0 AS failed, 0 AS passed, NULL AS value_text WHERE false")
    union = parts[0]
    for part in parts[1:]:
        union = exp.union(union, part, distinct=False)
    first = "coalesce(list_position(checks, false), 0)"
    outer = (f"SELECT pos, rule_index, rule, run, cand_id, cand_type, len(checks) AS n, "
             f"{first} AS failed, "
             f"CASE WHEN {first} = 0 THEN len(checks) ELSE {first} - 1 END AS passed, "
             f"CASE WHEN {first} > 0 THEN vals[{first}] END AS value_text FROM t")
    if best_only:
        outer = (f"SELECT * FROM ({outer}) QUALIFY row_number() OVER (PARTITION BY pos "
                 "ORDER BY passed DESC, failed = 0 DESC, rule_index, run) = 1")
    return f"WITH t AS ({union.sql(dialect=DIALECT)}) {outer} ORDER BY pos, rule_index, run"


# --- the rule query -------------------------------------------------------------------------

def _has_source(key: Key) -> bool:
    """Whether a key's value may come from different columns (then the column is compared
    too); single-column keys need no source column."""
    return len(key.sources) > 1 or key.constant_when is not None


def _applies(key: Key, role: Role) -> bool:
    return not key.roles or role.name in key.roles


def _is_fixed(key: Key) -> bool:
    """A fixed key is defined on every eligible row: an equality join key."""
    return key.lock and not key.optional and key.when is None and not key.roles


class _RuleQuery:
    def __init__(self, rule: Rule, finalized: bool = True):
        if rule.product not in ("per_group", "per_science"):
            raise CompileError(f"rule {rule.name} makes no associations (product: "
                               f"{rule.product})")
        self.rule = rule
        self.finalized = finalized
        self.x = _Exprs(rule)
        self.keys = [k for k in rule.keys if k.lock]
        self.records = list(rule.record)
        self.roles = list(rule.roles)
        self.fixed = [i for i, k in enumerate(self.keys) if _is_fixed(k)]
        self.loose = [i for i, k in enumerate(self.keys) if not _is_fixed(k)]

    # column names
    @staticmethod
    def k(i: int) -> str:
        return f"k{i}"

    @staticmethod
    def ks(i: int) -> str:
        return f"ks{i}"

    @staticmethod
    def rec(i: int) -> str:
        return f"r{i}"

    @staticmethod
    def ok(i: int) -> str:
        return f"ok{i}"

    @staticmethod
    def own(column: str) -> str:
        return f"v_{column}"

    def owner_columns(self) -> list[str]:
        """Columns compared with the association owner's value (``not_containing_owner``)."""
        return sorted({r.not_containing_owner for r in self.roles if r.not_containing_owner})

    def role_ok(self, role: Role) -> exp.Expression:
        checks = [self.x.condition(role.when)] if role.when is not None else []
        checks += [self.x.key_ok(k) for k in self.keys if k.roles and role.name in k.roles]
        return _and(*checks)

    def role_necessary(self, role: Role, usable: Callable[[Condition], bool] | None = None,
                       sources_ok: Callable[[tuple], bool] | None = None) -> exp.Expression | None:
        """:meth:`role_ok` reduced to its parts that are ``usable`` (conditions) and read
        ``sources_ok`` columns (keys); by default the parts that do not read the run.
        ``None``: no test left."""
        usable, sources_ok = usable or _row_only, sources_ok or _no_run_columns
        checks = [self.x.necessary(role.when, usable)]
        checks += [self.x.key_ok(k) for k in self.keys if k.roles and role.name in k.roles
                   and _key_usable(k, usable, sources_ok)]
        checks = [c for c in checks if c is not None and not _is_literal_bool(c, True)]
        return _and(*checks) if checks else None

    def some_role(self, usable: Callable[[Condition], bool] | None = None,
                  sources_ok: Callable[[tuple], bool] | None = None,
                  roles: list[Role] | None = None) -> exp.Expression | None:
        """A test that every row taking one of ``roles`` (default: any role) passes, the
        roles reduced as in :meth:`role_necessary` (by default, to the pool row alone).

        Added to the ``x`` filter, it lets DuckDB drop the rows no role can take before
        they are paired with the runs (the roles' own tests come later, per run).
        """
        roles = self.roles if roles is None else roles
        parts = [self.role_necessary(r, usable, sources_ok) for r in roles]
        if not parts or any(p is None for p in parts):
            return None
        return exp.Paren(this=_or(*parts))

    def forming_roles(self) -> list[Role]:
        """The roles whose rows make associations: with ``per_group``, the creating roles
        that form groups; with ``per_science``, the owner role and the creating attached
        roles (an attached row before every owner starts an association). Rows of other
        roles only join associations these made."""
        if self.rule.product == "per_science":
            return [r for r in self.roles if r.joins == "own" or (r.joins == "all"
                                                                   and r.creates)]
        return [r for r in self.roles if r.joins == "group" and r.creates]

    def screen(self, columns: frozenset[str]) -> exp.Expression | None:
        """A test on ``columns`` alone that some row of a chunk passes if the rule has an
        association there: its top conditions and keys, and the roles that make
        associations (:meth:`forming_roles`), reduced to their parts that read only
        ``columns``; and the runs' candidate types (:meth:`valid_runs`). ``None``: no such
        part."""
        def usable(cond):
            return _reads_only(cond, columns)

        keys = [self.x.key_ok(k) for k in self.keys + self.records
                if not k.roles and _key_usable(k, usable, columns.issuperset)]
        parts = [self.x.necessary(self.rule.where, usable), self.valid_runs(), *keys,
                 self.some_role(usable, columns.issuperset, self.forming_roles())]
        parts = [p for p in parts if p is not None and not _is_literal_bool(p, True)]
        return _and(*parts) if parts else None

    def cte_x(self) -> exp.Select:
        """Exposure-level columns of every row that passes the rule's top conditions."""
        x = self.x
        cols = [_col("run"), _col("pos"), _col("filename"), _alias(x.exptype(), "exptype")]
        for i, key in enumerate(self.keys):
            cols.append(_alias(x.key_value(key), self.k(i)))
            if _has_source(key):
                cols.append(_alias(x.key_source(key), self.ks(i)))
        for i, key in enumerate(self.records):
            cols.append(_alias(x.key_value(key), self.rec(i)))
        for i, role in enumerate(self.roles):
            cols.append(_alias(self.role_ok(role), self.ok(i)))
        if any(r.joins == "same_obs_num" for r in self.roles):
            cols.append(_alias(x.value("obs_num"), "obs_num_value"))
        for column in self.owner_columns():
            cols.append(_alias(x.value(column), self.own(column)))
        return exp.select(*cols).from_("run_items", copy=False).where(
            _and(self.eligible(), self.some_role(), self.valid_runs()), copy=False)

    def valid_runs(self) -> exp.Expression | None:
        """With finalisation, the runs whose candidate type lets the rule's associations
        pass its validity tests (:data:`asnsql.model.CANDIDATE_TYPE_TESTS`); ``None``:
        every run."""
        tests = [CANDIDATE_TYPE_TESTS[t] for t in self.rule.validity
                 if t in CANDIDATE_TYPE_TESTS]
        if not self.finalized or not tests:
            return None
        ctype = _case((_eq(_col("cand_kind"), _lit("candidate")),
                       _fn("lower", _col("cand_type"))), default=_lit("discovered"))
        checks = []
        for allowed, types in tests:
            within = exp.In(this=ctype.copy(), expressions=[_lit(t) for t in types])
            checks.append(within if allowed else _not(within))
        return _and(*checks)

    def member_types(self) -> list[str]:
        """With finalisation, the exptypes an association needs among its members to pass
        the rule's validity tests (:data:`asnsql.model.MEMBER_TYPE_TESTS`): the query
        leaves out the associations without them. Empty without finalisation, where the
        associations that fail still take sequence numbers (spec section 12.1)."""
        if not self.finalized:
            return []
        return [MEMBER_TYPE_TESTS[t] for t in self.rule.validity if t in MEMBER_TYPE_TESTS]

    def eligible(self) -> exp.Expression:
        """Conditions every member of the rule meets (the top ``where`` and the keys of all
        roles)."""
        x = self.x
        return _and(x.condition(self.rule.where),
                    *[x.key_ok(k) for k in self.keys + self.records if not k.roles])

    def cte_e(self) -> exp.Select:
        """Rows in some role; one row per file name and run (the reference's item identity)."""
        any_ok = _or(*[_col(self.ok(i)) for i in range(len(self.roles))])
        first = exp.Window(this=exp.RowNumber(),
                           partition_by=[_col("run"), _col("filename")],
                           order=exp.Order(expressions=[exp.Ordered(this=_col("pos"))]))
        return (exp.select("*").from_("x", copy=False).where(any_ok, copy=False)
                .qualify(_eq(first, _num(1)), copy=False))

    def value_cols(self, table: str) -> list[exp.Expression]:
        """Key and record values of a member row (for found values)."""
        return ([_col(self.k(i), table) for i in range(len(self.keys))]
                + [_col(self.rec(i), table) for i in range(len(self.records))])

    def key_cols(self, idx: list[int], table: str | None = None) -> list[exp.Expression]:
        cols = []
        for i in idx:
            cols.append(_col(self.k(i), table))
            if _has_source(self.keys[i]):
                cols.append(_col(self.ks(i), table))
        return cols

    def same_key(self, i: int, left: str, right: str) -> exp.Expression:
        """Both sides have the same value (from the same column) for key ``i``."""
        same = _eq(_col(self.k(i), left), _col(self.k(i), right))
        if _has_source(self.keys[i]):
            same = _and(same, _eq(_col(self.ks(i), left), _col(self.ks(i), right)))
        return same

    def fixed_join(self, left: str, right: str) -> exp.Expression:
        conds = [_eq(_col("run", left), _col("run", right))]
        for i in self.fixed:
            conds.append(self.same_key(i, left, right))
        return _and(*conds)

    def compat(self, row: str, assoc: str, role: Role) -> exp.Expression:
        """Row and association agree on every loose key that applies to the role."""
        conds = []
        for i in self.loose:
            key = self.keys[i]
            if not _applies(key, role):
                continue
            r, a = _col(self.k(i), row), _col(self.k(i), assoc)
            same = self.same_key(i, row, assoc)
            conds.append(exp.Paren(this=_or(_is_null(r), _is_null(a), same)))
        return _and(*conds)

    def role_index_case(self, table: str, allowed: list[int]) -> exp.Expression:
        return _case(*[(_col(self.ok(i), table), _num(i)) for i in allowed])

    def member_struct(self, pos: exp.Expression, role_ix: exp.Expression,
                      exptype: exp.Expression, phase: exp.Expression) -> exp.Expression:
        return exp.Struct(expressions=[
            exp.PropertyEQ(this=exp.to_identifier("pos"), expression=pos),
            exp.PropertyEQ(this=exp.to_identifier("role"), expression=role_ix),
            exp.PropertyEQ(this=exp.to_identifier("exptype"), expression=exptype),
            exp.PropertyEQ(this=exp.to_identifier("phase"), expression=phase),
        ])

    def with_phase(self, query: exp.Select, assoc: str, row: str,
                   role_ix: exp.Expression) -> exp.Select:
        """Add ``phase``: 0 for the main pass, else the replay that added the member."""
        phase = _case((exp.GTE(this=_col("pos", row), expression=_col("created", assoc)),
                       _num(0)), default=self.role_phase_case(role_ix.copy()))
        return query.select(_alias(phase, "phase"), copy=False)

    def role_name_case(self, ix: exp.Expression) -> exp.Expression:
        return _case(*[(_eq(ix, _num(i)), _lit(r.name)) for i, r in enumerate(self.roles)])

    def role_exptype_case(self, ix: exp.Expression, default: exp.Expression) -> exp.Expression:
        """A role's ``exptype`` replaces the rule's ``science`` (spec section 7.2)."""
        whens = [(_and(_eq(ix, _num(i)), _eq(default, _lit("science"))), _lit(r.exptype))
                 for i, r in enumerate(self.roles) if r.exptype]
        return _case(*whens, default=default) if whens else default

    def role_phase_case(self, ix: exp.Expression) -> exp.Expression:
        return _case(*[(_eq(ix, _num(i)), _num(_PHASE[r.replay]))
                       for i, r in enumerate(self.roles)], default=_num(0))

    def final_select(self, assoc: str, members: str) -> exp.Select:
        """One row per member: the association (rule, run, gid, created), the member (pos,
        role, exptype, phase) and the association's found values, encoded as text:
        ``name=v1<US>v2<RS>name=...`` (US = chr(31), RS = chr(30)), on the row of the
        association's first member only (NULL on the others). Rows come by association
        (``run``, ``gid``), each association's in member order (``phase``, ``pos``).

        Flat rows reach Python many times faster than nested lists of structs.
        """
        m = members
        ix = _col("role_ix", m)
        named: dict[str, list] = {}
        for i, key in enumerate(self.keys):
            roles = [j for j, r in enumerate(self.roles) if _applies(key, r)]
            named.setdefault(key.name, []).append((self.k(i), roles, i in self.fixed))
        for i, key in enumerate(self.records):
            roles = [j for j, r in enumerate(self.roles) if _applies(key, r)]
            named.setdefault(key.name, []).append((self.rec(i), roles, False))
        parts = []
        for name, sources in named.items():
            column, roles, fixed = sources[0]    # the reference reads the first node of a name
            if fixed:
                # Every member joined on this key's value, which is never undefined: the
                # one value of the association.
                parts.append(exp.DPipe(this=_lit(name + "="),
                                       expression=exp.AnyValue(this=_col(column, m))))
                continue
            values = exp.ArrayAgg(this=exp.Distinct(expressions=[_col(column, m)]))
            cond = _and(_not_null(_col(column, m)),
                        exp.In(this=ix.copy(), expressions=[_num(j) for j in roles]))
            values = exp.Filter(this=values, expression=exp.Where(this=cond))
            values = exp.func("list_sort", exp.func("coalesce", values, exp.Array(expressions=[])))
            parts.append(exp.DPipe(this=_lit(name + "="), expression=exp.func(
                "array_to_string", values, exp.func("chr", _num(31)))))
        # Each part is text, never NULL (an empty list joins to ''), so a plain ``||``
        # chain does what concat_ws would, in a much smaller expression.
        found = _lit("")
        for n, part in enumerate(parts):
            found = part if n == 0 else exp.DPipe(
                this=exp.DPipe(this=found, expression=exp.func("chr", _num(30))),
                expression=part)
        fv = (exp.select(_col("run", m), _col("gid", m), _alias(found, "found"),
                         _alias(exp.Min(this=_col("pos", m)), "found_pos"))
              .from_(m, copy=False)
              .group_by(_col("run", m), _col("gid", m), copy=False))
        needed = self.member_types()
        if needed:
            exptype = self.role_exptype_case(ix.copy(), _col("exptype", m))
            fv = fv.having(_and(*[exp.func("bool_or", _eq(exptype.copy(), _lit(t)))
                                  for t in needed]), copy=False)
        return (exp.select(
            _alias(_lit(self.rule.name), "rule"),
            _col("run", assoc), _col("gid", assoc), _col("created", assoc),
            _col("pos", m), _alias(self.role_name_case(ix.copy()), "role"),
            _alias(self.role_exptype_case(ix.copy(), _col("exptype", m)), "exptype"),
            _col("phase", m),
            # on one member row of each association only: the text is the same for all
            _alias(_case((_eq(_col("pos", m), _col("found_pos", "fv")),
                          _col("found", "fv"))), "found"))
            .from_(assoc, copy=False)
            .join(m, on=_and(_eq(_col("run", m), _col("run", assoc)),
                             _eq(_col("gid", m), _col("gid", assoc))), copy=False)
            .join(exp.alias_(fv.subquery(), "fv"),
                  on=_and(_eq(_col("run", "fv"), _col("run", assoc)),
                          _eq(_col("gid", "fv"), _col("gid", assoc))), copy=False)
            # each association's rows together, in member order (assembly reads them so)
            .order_by(_col("run", assoc), _col("gid", assoc), _col("phase", m),
                      _col("pos", m), copy=False))

    # --- per_group ---------------------------------------------------------------------------

    def per_group(self) -> exp.Select:
        rule = self.rule
        group_roles = [i for i, r in enumerate(self.roles) if r.joins == "group"]
        creating = [i for i in group_roles if self.roles[i].creates]
        if not creating:
            raise CompileError(f"rule {rule.name}: no role can start an association")
        forms = _or(*[_col(self.ok(i)) for i in creating])
        all_keys = list(range(len(self.keys)))
        # v: distinct key vectors of exposures that can start an association
        v = (exp.select(_col("run"), *self.key_cols(all_keys),
                        _alias(exp.Min(this=_col("pos")), "first_pos"))
             .from_("e", copy=False).where(forms, copy=False)
             .group_by(_col("run"), *self.key_cols(all_keys), copy=False))
        # g: maximal vectors (no other vector refines them)
        refines = []
        more = []
        for i in self.loose:
            vk, wk = _col(self.k(i), "v"), _col(self.k(i), "w")
            refines.append(exp.Paren(this=_or(_is_null(vk), self.same_key(i, "w", "v"))))
            more.append(_and(_is_null(vk), _not_null(wk)))
        if self.loose:
            sub = (exp.select(_num(1)).from_(exp.alias_(exp.to_table("v"), "w"), copy=False)
                   .where(_and(self.fixed_join("w", "v"), *refines,
                               exp.Paren(this=_or(*more))), copy=False))
            g = (exp.select("v.*").from_("v", copy=False)
                 .where(exp.Not(this=exp.Exists(this=sub)), copy=False))
        else:
            g = exp.select("*").from_("v", copy=False)
        # p: first row of each partition of fixed keys; gc: creation row of each group
        p = (exp.select(_col("run"), *self.key_cols(self.fixed),
                        _alias(exp.Min(this=_col("pos")), "part_first"))
             .from_("e", copy=False).where(forms, copy=False)
             .group_by(_col("run"), *self.key_cols(self.fixed), copy=False))
        first_in_part = exp.Window(this=exp.Min(this=_col("first_pos", "g")),
                                   partition_by=[_col("run", "g"),
                                                 *self.key_cols(self.fixed, "g")])
        created = _case((_eq(_col("first_pos", "g"), first_in_part),
                         exp.func("least", _col("first_pos", "g"), _col("part_first", "p"))),
                        default=_col("first_pos", "g"))
        gid = exp.Window(this=exp.RowNumber(), order=exp.Order(expressions=[
            exp.Ordered(this=_col(c)) for c in ["run", "created"]] + [
            exp.Ordered(this=_col(self.k(i))) for i in all_keys]))
        gc0 = (exp.select("g.*", _alias(created, "created")).from_("g", copy=False)
               .join("p", on=self.fixed_join("g", "p"), copy=False))
        gc = exp.select("*", _alias(gid, "gid")).from_(exp.alias_(exp.Subquery(this=gc0), "c"), copy=False)
        # m1: members through group roles (compatible keys; timing when not replayed)
        parts = []
        for i in group_roles:
            role = self.roles[i]
            cond = [_col(self.ok(i), "e"), self.compat("e", "gc", role)]
            if role.replay == "none":
                cond.append(exp.GTE(this=_col("pos", "e"), expression=_col("created", "gc")))
            parts.append(exp.Paren(this=_and(*cond)))
        m1 = (exp.select(_col("run", "gc"), _col("gid", "gc"), _col("pos", "e"), _col("exptype", "e"),
                         *self.value_cols("e"),
                         _alias(self.role_index_case("e", group_roles), "role_ix"))
              .from_("gc", copy=False).join("e", on=self.fixed_join("e", "gc"), copy=False)
              .where(_or(*parts), copy=False))
        m1 = self.with_phase(m1, "gc", "e", self.role_index_case("e", group_roles))
        # role index must be the first group role that accepts the row for this group
        ctes = [("x", self.cte_x()), ("e", self.cte_e()), ("v", v), ("g", g), ("p", p),
                ("gc", gc)]
        if len(group_roles) > 1:
            whens = []
            for i in group_roles:
                role = self.roles[i]
                cond = [_col(self.ok(i), "e"), self.compat("e", "gc", role)]
                if role.replay == "none":
                    cond.append(exp.GTE(this=_col("pos", "e"),
                                        expression=_col("created", "gc")))
                whens.append((_and(*cond), _num(i)))
            m1 = (exp.select(_col("run", "gc"), _col("gid", "gc"), _col("pos", "e"), _col("exptype", "e"),
                             *self.value_cols("e"), _alias(_case(*whens), "role_ix"))
                  .from_("gc", copy=False).join("e", on=self.fixed_join("e", "gc"), copy=False).where(_or(*parts), copy=False))
            m1 = self.with_phase(m1, "gc", "e", _case(*whens))
        ctes.append(("m1", m1))
        members = "m1"
        obs_roles = [i for i, r in enumerate(self.roles) if r.joins == "same_obs_num"]
        if obs_roles:
            obs_rec = [i for i, k in enumerate(self.records) if k.name == "obs_num"]
            if not obs_rec:
                raise CompileError(f"rule {rule.name}: joins 'same_obs_num' needs a record "
                                   "named obs_num")
            r = self.rec(obs_rec[0])
            obs = (exp.select(_col("gid", "m1"), _alias(_col(r, "e"), "obs")).distinct(copy=False)
                   .from_("m1", copy=False).join("gc", on=_eq(_col("gid", "gc"), _col("gid", "m1")), copy=False)
                   .join("e", on=_and(_eq(_col("run", "e"), _col("run", "gc")),
                                      _eq(_col("pos", "e"), _col("pos", "m1"))), copy=False)
                   .where(_not_null(_col(r, "e")), copy=False))
            ctes.append(("obs", obs))
            parts = []
            for i in obs_roles:
                role = self.roles[i]
                cond = [_col(self.ok(i), "e"), self.compat("e", "gc", role),
                        exp.Exists(this=exp.select(_num(1)).from_("obs", copy=False).where(_and(
                            _eq(_col("gid", "obs"), _col("gid", "gc")),
                            _eq(_col("obs", "obs"), _col("obs_num_value", "e"))), copy=False))]
                if role.replay == "none":
                    cond.append(exp.GTE(this=_col("pos", "e"), expression=_col("created", "gc")))
                parts.append(exp.Paren(this=_and(*cond)))
            m2 = (exp.select(_col("run", "gc"), _col("gid", "gc"), _col("pos", "e"), _col("exptype", "e"),
                             *self.value_cols("e"),
                             _alias(self.role_index_case("e", obs_roles), "role_ix"))
                  .from_("gc", copy=False).join("e", on=self.fixed_join("e", "gc"), copy=False)
                  .where(_or(*parts), copy=False))
            m2 = self.with_phase(m2, "gc", "e", self.role_index_case("e", obs_roles))
            ctes.append(("m2", m2))
            both = exp.union(exp.select("*").from_("m1", copy=False), exp.select("*").from_("m2", copy=False),
                             distinct=False)
            first_role = exp.Window(this=exp.RowNumber(),
                                    partition_by=[_col("run"), _col("gid"), _col("pos")],
                                    order=exp.Order(expressions=[exp.Ordered(this=_col("role_ix"))]))
            m = (exp.select("*").from_(exp.alias_(exp.Subquery(this=both), "u"), copy=False)
                 .qualify(_eq(first_role, _num(1)), copy=False))
            ctes.append(("m", m))
            members = "m"
        final = self.final_select("gc", members)
        for name, query in ctes:
            final = final.with_(name, as_=query, copy=False)
        return final

    # --- per_science ------------------------------------------------------------------------

    def per_science(self) -> exp.Select:
        """One association per exposure of the ``own`` role (Constraint_Single_Science).

        Exposures of ``all`` roles attach to every association whose keys they match. An
        attached exposure that precedes every owner of its group started the association
        the first owner then joined (it is created at the attached exposure's row), unless
        the rule calls that exposure science: then it keeps an association of its own.
        """
        rule = self.rule
        own = [i for i, r in enumerate(self.roles) if r.joins == "own"]
        attach = [i for i, r in enumerate(self.roles) if r.joins == "all"]
        unknown = [r.joins for r in self.roles if r.joins not in ("own", "all")]
        if unknown or not own:
            raise CompileError(f"rule {rule.name}: per_science rules take one role joining "
                               f"'own' and roles joining 'all', not {unknown}")
        own_role = self.roles[own[0]]
        owner_keys = [i for i, k in enumerate(self.keys) if _applies(k, own_role)]
        attach_only = [i for i, k in enumerate(self.keys)
                       if not _applies(k, own_role) and k.roles]
        # e1: first role of each row (owner or attached) and the replay of that role
        first_role = _case(*[(_col(self.ok(i)), _num(i)) for i in range(len(self.roles))])
        first_phase = _case(*[(_col(self.ok(i)), _num(_PHASE[r.replay]))
                              for i, r in enumerate(self.roles)])
        e1 = exp.select("*", _alias(first_role, "first_role"),
                        _alias(first_phase, "first_phase")).from_("e", copy=False)
        is_owner = exp.In(this=_col("first_role"), expressions=[_num(i) for i in own])
        s_ = exp.select("*").from_("e1", copy=False).where(is_owner, copy=False)
        creating = [i for i in attach if self.roles[i].creates]
        first_is_science = _eq(exp.func("arg_min", _col("exptype"), _col("pos")),
                               _lit("science"))
        pa = (exp.select(_col("run"), *self.key_cols(self.fixed),
                         _alias(exp.Min(this=_col("pos")), "first_attach"),
                         _alias(first_is_science, "first_science"))
              .from_("e1", copy=False)
              .where(exp.In(this=_col("first_role"),
                            expressions=[_num(i) for i in creating] or [_num(-1)]), copy=False)
              .group_by(_col("run"), *self.key_cols(self.fixed), copy=False))
        partition = [_col("run", "s"), *self.key_cols(self.fixed, "s")]
        first_owner = exp.Window(this=exp.Min(this=_col("pos", "s")), partition_by=partition)
        joins_attached = _and(_eq(_col("pos", "s"), first_owner),
                              exp.LT(this=_col("first_attach", "pa"),
                                     expression=_col("pos", "s")),
                              _not(_col("first_science", "pa")))
        created = _case((joins_attached, _col("first_attach", "pa")),
                        default=_col("pos", "s"))
        null = exp.cast(exp.Null(), "VARCHAR")
        vector, orphan_vector = [], []
        for i in range(len(self.keys)):
            if i in self.fixed:
                continue
            vector.append(_alias(_col(self.k(i), "s") if i in owner_keys else null.copy(),
                                 self.k(i)))
            orphan_vector.append(_alias(null.copy(), self.k(i)))
            if _has_source(self.keys[i]):
                vector.append(_alias(_col(self.ks(i), "s") if i in owner_keys else null.copy(),
                                     self.ks(i)))
                orphan_vector.append(_alias(null.copy(), self.ks(i)))
        owned = (exp.select(_col("run", "s"), *self.key_cols(self.fixed, "s"), *vector,
                            *[_alias(_col(self.own(c), "s"), self.own(c))
                              for c in self.owner_columns()],
                            _alias(created, "created"), _alias(_col("pos", "s"), "gid"))
                 .from_("s", copy=False).join("pa", on=self.fixed_join("s", "pa"), join_type="left", copy=False))
        # attach-only associations: no owner in the group, or the first exposure is an
        # attached one that the rule calls science
        earlier_owner = (exp.select(_num(1)).from_("s", copy=False)
                         .where(_and(self.fixed_join("s", "pa"),
                                     _or(_not(_col("first_science", "pa")),
                                         exp.LT(this=_col("pos", "s"),
                                                expression=_col("first_attach", "pa")))), copy=False))
        orphan = (exp.select(_col("run", "pa"), *self.key_cols(self.fixed, "pa"),
                             *orphan_vector,
                             *[_alias(null.copy(), self.own(c)) for c in self.owner_columns()],
                             _alias(_col("first_attach", "pa"), "created"),
                             _alias(exp.Neg(this=exp.Paren(this=exp.Add(
                                 this=_col("first_attach", "pa"), expression=_num(1)))), "gid"))
                  .from_("pa", copy=False)
                  .where(exp.Not(this=exp.Exists(this=earlier_owner)), copy=False))
        names = (["run"] + [c.name for c in self.key_cols(self.fixed)]
                 + [v.alias for v in vector] + [self.own(c) for c in self.owner_columns()]
                 + ["created", "gid"])
        assoc = exp.union(exp.select(*[_col(n) for n in names]).from_("owned", copy=False),
                          exp.select(*[_col(n) for n in names]).from_("orphan", copy=False),
                          distinct=False)
        # members: the owner itself, and attached exposures compatible with the association
        own_m = (exp.select(_col("run", "a"), _col("gid", "a"), _col("pos", "e1"),
                            _col("exptype", "e1"),
                            *self.value_cols("e1"),
                            _alias(_col("first_role", "e1"), "role_ix"),
                            _alias(_num(0), "phase"))
                 .from_(exp.alias_(exp.to_table("assoc"), "a"), copy=False)
                 .join("e1", on=_and(_eq(_col("run", "e1"), _col("run", "a")),
                                     _eq(_col("pos", "e1"), _col("gid", "a"))), copy=False))
        ctes = [("x", self.cte_x()), ("e", self.cte_e()), ("e1", e1), ("s", s_), ("pa", pa),
                ("owned", owned), ("orphan", orphan), ("assoc", assoc)]
        if attach:
            ctes += self.attached_members(attach, attach_only)
            m = exp.union(own_m, exp.select("*").from_("att", copy=False), distinct=False)
        else:
            m = own_m
        ctes.append(("m", m))
        final = self.final_select("assoc", "m")
        for name, query in ctes:
            final = final.with_(name, as_=query, copy=False)
        return final

    def attached_members(self, attach: list[int], attach_only: list[int]):
        """CTEs ``cand`` and ``att``: attached exposures of per-science associations."""
        whens, parts = [], []
        replayed = exp.GT(this=_col("first_phase", "e1"), expression=_num(0))
        for i in attach:
            role = self.roles[i]
            cond = [_col(self.ok(i), "e1"), self.compat("e1", "a", role),
                    exp.NEQ(this=_col("pos", "e1"), expression=_col("gid", "a"))]
            if role.not_containing_owner:
                # The reference's "((?!X).)*" with X the owner's locked value; before any
                # owner the value reads "None".
                column = role.not_containing_owner
                owner = exp.func("coalesce", _col(self.own(column), "a"), _lit("none"))
                cond.append(_not(exp.func("contains", exp.Lower(this=_col(self.own(column),
                                                                          "e1")),
                                          exp.Lower(this=owner))))
            if role.replay == "none":
                # Without a replay of its own, an exposure joins associations created
                # after it only when its first role is replayed.
                cond.append(_or(exp.GTE(this=_col("pos", "e1"), expression=_col("created", "a")),
                                replayed))
            whens.append((_and(*cond), _num(i)))
            parts.append(exp.Paren(this=_and(*cond)))
        role_ix = _case(*whens)
        phase = _case((exp.GTE(this=_col("pos", "e1"), expression=_col("created", "a")),
                       _num(0)),
                      default=exp.func("greatest", self.role_phase_case(role_ix.copy()),
                                       _col("first_phase", "e1")))
        cand = (exp.select(_col("run", "a"), _col("gid", "a"), _col("pos", "e1"),
                           _col("exptype", "e1"),
                           *self.value_cols("e1"), _alias(role_ix, "role_ix"),
                           _alias(phase, "phase"))
                .from_(exp.alias_(exp.to_table("assoc"), "a"), copy=False)
                .join(exp.alias_(exp.to_table("e1a"), "e1"), on=self.fixed_join("e1", "a"),
                      copy=False)
                .where(_or(*parts), copy=False))
        # only rows of an attaching role take part in the join (not every owner)
        e1a = exp.select("*").from_("e1", copy=False).where(
            _or(*[_col(self.ok(i)) for i in attach]), copy=False)
        att = exp.select("*").from_("cand", copy=False)
        for i in attach_only:
            # A key of attached roles only locks to the first exposure attached.
            roles = [j for j, r in enumerate(self.roles) if _applies(self.keys[i], r)]
            applies = exp.In(this=_col("role_ix"), expressions=[_num(j) for j in roles])
            value = _case((applies, _col(self.k(i))))
            first = exp.Window(
                this=exp.IgnoreNulls(this=exp.FirstValue(this=value)),
                partition_by=[_col("run"), _col("gid")],
                order=exp.Order(expressions=[exp.Ordered(this=_col("phase")),
                                             exp.Ordered(this=_col("pos"))]),
                spec=exp.WindowSpec(kind="ROWS", start="UNBOUNDED", start_side="PRECEDING",
                                    end="UNBOUNDED", end_side="FOLLOWING"))
            att = att.qualify(_or(_not(applies), _eq(_col(self.k(i)), first)), copy=False)
        return [("e1a", e1a), ("cand", cand), ("att", att)]


def compile_rule(rule: Rule, finalized: bool = True) -> exp.Select:
    """Compile one rule into a DuckDB query (a sqlglot expression).

    Parameters
    ----------
    rule : Rule
        A rule whose ``product`` is ``per_group`` or ``per_science``.
    finalized : bool
        The associations will be finalised: leave out the runs whose candidate type fails
        the rule's validity tests (:meth:`_RuleQuery.valid_runs`). ``False`` for
        ``--no-finalize``, which numbers every association created.

    Returns
    -------
    sqlglot.exp.Select
        The query over ``run_items`` described in the module docstring.

    Raises
    ------
    CompileError
        When the rule cannot be compiled (no association-forming role, unknown operator).
    """
    query = _RuleQuery(rule, finalized)
    return query.per_science() if rule.product == "per_science" else query.per_group()


@lru_cache(maxsize=16)
def screen_sql(rules: tuple[Rule, ...], finalized: bool = True) -> str:
    """One query telling, for each rule, whether the run items of a chunk can hold one of
    its members (a boolean column named after the rule); the generator skips the others.

    Each rule's conditions are reduced to their parts on :data:`SCREEN_COLUMNS`
    (:meth:`_RuleQuery.screen`, a necessary condition) and evaluated on the distinct
    combinations of those columns (a few hundred rows even for an archive chunk), which
    costs less than the queries it saves; it never skips a rule that has members.
    """
    tests = []
    for rule in rules:
        if rule.product not in ("per_group", "per_science"):
            continue
        test = _RuleQuery(rule, finalized).screen(SCREEN_COLUMNS)
        tests.append(exp.alias_(exp.func("bool_or", test) if test is not None else exp.true(),
                                exp.to_identifier(rule.name, quoted=True)))
    combos = (exp.select(*[_col(c) for c in sorted(SCREEN_COLUMNS)]).distinct()
              .from_("run_items"))
    return exp.select(*tests).from_(combos.subquery("combos")).sql(dialect=DIALECT,
                                                                    pretty=True)


@lru_cache(maxsize=512)
def rule_sql(rule: Rule, pretty: bool = True, finalized: bool = True) -> str:
    """Return the DuckDB SQL text of :func:`compile_rule` (what ``asnsql explain`` prints).

    Results are cached per rule: rules are immutable, and building the sqlglot tree costs
    more than DuckDB takes to run the query on a typical pool.
    """
    if rule.product == "none":
        return f"-- {rule.name} makes no association of its own.\n-- {rule.doc}\n"
    return cached_sql(f"rule {pretty} {finalized} {rule!r}",
                      lambda: compile_rule(rule, finalized).sql(dialect=DIALECT,
                                                                pretty=pretty, copy=False))
