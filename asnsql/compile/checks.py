"""A rule's conditions one by one, in words and as SQL (``asnsql why``, ``explain
--checks``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from ..model import (
    AttrTest,
    CandidateTest,
    Composite,
    Condition,
    ExptypeTest,
    Key,
    PredicateTest,
    Rule,
)
from . import exprs as x
from .conditions import Conditions, flatten_all
from .reads import condition_columns
from .rows import RuleQuery
from .vocabulary import DEFAULT, Vocabulary

__all__ = ["RuleCheck", "rule_checks", "checks_text", "checks_sql", "EXPTYPE_COLUMNS"]

#: The values that say what kind of exposure a row is: a check reading one of them decides
#: whether a rule is one for the row at all (``--save-orphans`` blames such a rule first).
EXPTYPE_COLUMNS = frozenset({"exp_type", "base_exptype"})

_COMPOSITE_WORDS = {"all": "all of ({})", "any": "any of ({})", "not_any": "none of ({})",
                    "not_all": "not all of ({})"}


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


def describe(rule: Rule, cond: Condition, vocabulary: Vocabulary = DEFAULT) -> str:
    """A condition in words (the rule file's vocabulary)."""
    if isinstance(cond, Composite):
        inner = "; ".join(describe(rule, c, vocabulary) for c in cond.children)
        if len(cond.children) > 1 or cond.op != "all":
            return _COMPOSITE_WORDS[cond.op].format(inner)
        return inner
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
        text = vocabulary.predicates.get(cond.name, cond.name)
        return f"{cond.name}: {text}" if cond.expect else f"not {cond.name}: {text}"
    if isinstance(cond, CandidateTest):
        return (f"candidate type {'is not' if cond.negate else 'is'} one of "
                f"{', '.join(cond.types)}")
    return repr(cond)


def _key_label(rule: Rule, key: Key, vocabulary: Vocabulary) -> str:
    """A key's own test in words (value required, pattern, when it applies)."""
    what = " or ".join(key.sources)
    label = f"{key.name}: {what} " + ("matches " + "|".join(key.match) if key.match
                                      else "is defined")
    if key.optional:
        label += " (or is undefined)"
    if key.when is not None:
        label += f" when {describe(rule, key.when, vocabulary)}"
    if key.constant_when is not None:
        label += f", unless {describe(rule, key.constant_when, vocabulary)}"
    return label


def _role_check(rule: Rule, keys: list[Key], tests: Conditions,
                vocabulary: Vocabulary) -> RuleCheck:
    """"Takes one of the roles", with what each role needs."""
    query = RuleQuery(rule, vocabulary=vocabulary)
    parts, columns = [], []
    for role in rule.roles:
        needs = [describe(rule, role.when, vocabulary)] if role.when is not None else []
        columns += condition_columns(role.when, vocabulary)
        for key in keys:
            if key.roles and role.name in key.roles \
                    and not x.is_bool(tests.key_ok(key), True):
                needs.append(_key_label(rule, key, vocabulary))
                columns += list(key.sources) + list(condition_columns(key.when, vocabulary))
        parts.append(role.name + (f" ({'; '.join(needs)})" if needs else ""))
    return RuleCheck(f"takes a role: {' or '.join(parts)}", tuple(dict.fromkeys(columns)),
                     x.paren(x.or_(*[query.role_ok(r) for r in rule.roles])))


def rule_checks(rule: Rule, vocabulary: Vocabulary = DEFAULT) -> list[RuleCheck]:
    """A rule's conditions on one exposure, in the order a reviewer reads the rule file.

    Parameters
    ----------
    rule : Rule
        Any rule.
    vocabulary : Vocabulary
        The predicates' arguments and descriptions.

    Returns
    -------
    list of RuleCheck
        The top ``where`` condition split at its ``all`` nodes, then each key that applies
        to every role (a value the members must have), then "takes one of the roles". An
        exposure passing every check can be a member of the rule's associations
        (finalisation and validity tests may still drop them).
    """
    tests = Conditions(rule.name, rule.exptype, vocabulary)
    checks = [RuleCheck(describe(rule, c, vocabulary), condition_columns(c, vocabulary),
                        tests.condition(c))
              for c in flatten_all(rule.where)]
    keys = [k for k in rule.keys if k.lock] + list(rule.record)
    for key in keys:
        if key.roles:
            continue
        test = tests.key_ok(key)
        if x.is_bool(test, True):
            continue
        checks.append(RuleCheck(_key_label(rule, key, vocabulary),
                                tuple(key.sources) + condition_columns(key.when, vocabulary),
                                test))
    if rule.makes_associations and rule.roles:
        checks.append(_role_check(rule, keys, tests, vocabulary))
    return checks


def checks_text(rule: Rule, vocabulary: Vocabulary = DEFAULT) -> str:
    """The checks of :func:`rule_checks` as commented SQL (``asnsql explain --checks``)."""
    out = [f"-- {rule.name}: the conditions asnsql why evaluates, in order"]
    for i, check in enumerate(rule_checks(rule, vocabulary), start=1):
        out.append(f"-- check {i}: {check.label}")
        out.append(check.test.sql(dialect=x.DIALECT, pretty=True) + ";")
    return "\n".join(out) + "\n"


def _values_text(columns: tuple[str, ...]) -> exp.Expression:
    """``col=value, ...`` of the row (``undefined`` for an EMPTY value)."""
    parts = [exp.DPipe(this=x.lit(f"{c}="), expression=exp.func(
        "coalesce", exp.cast(x.col(c), "VARCHAR"), x.lit("undefined"))) for c in columns]
    if not parts:
        return x.lit("")
    return exp.func("concat_ws", x.lit(", "), *parts)


_NO_CHECKS = ("SELECT NULL::BIGINT AS pos, NULL::INTEGER AS rule_index, NULL AS rule, "
              "NULL::INTEGER AS run, NULL AS cand_id, NULL AS cand_type, 0 AS n, "
              "0 AS failed, 0 AS passed, NULL AS value_text, true AS fits WHERE false")


def checks_sql(rules, best_only: bool = False, vocabulary: Vocabulary = DEFAULT) -> str:
    """One query evaluating every check of every rule on chosen pool rows.

    Parameters
    ----------
    rules : iterable of Rule
        The rules (those that make no associations are left out).
    best_only : bool
        One row per pool row: the rule and run that came closest (rules that fit the
        row's exposure type first, then most checks passed, then registry order).
    vocabulary : Vocabulary
        As for :func:`rule_checks`.

    Returns
    -------
    str
        DuckDB SQL reading ``run_items`` rows whose ``pos`` is in the list parameter
        ``$positions``, returning per (row, rule, run): ``pos, rule_index, rule, run,
        cand_id, cand_type, n`` (number of checks), ``failed`` (1-based index of the first
        failing check, 0 when all pass), ``passed`` (checks passed before it),
        ``value_text`` (the values the failing check read) and ``fits``: whether the row
        passes every check reading its exposure type (:data:`EXPTYPE_COLUMNS`; true for a
        rule with none), i.e. whether the rule is one for this kind of exposure.
    """
    parts = []
    for rule in (r for r in rules if r.makes_associations):
        checks = rule_checks(rule, vocabulary)
        tests = exp.Array(expressions=[c.test.copy() for c in checks])
        values = exp.Array(expressions=[_values_text(c.columns) for c in checks])
        kind = [c.test.copy() for c in checks if EXPTYPE_COLUMNS.intersection(c.columns)]
        fits = x.and_(*kind)
        parts.append(exp.select(
            x.col("pos"), x.alias(x.num(rule.index), "rule_index"),
            x.alias(x.lit(rule.name), "rule"), x.col("run"), x.col("cand_id"),
            x.col("cand_type"), x.alias(tests, "checks"), x.alias(values, "vals"),
            x.alias(x.paren(fits), "fits"))
            .from_("run_items").where("pos IN (SELECT unnest($positions))"))
    if not parts:
        return _NO_CHECKS
    union = parts[0]
    for part in parts[1:]:
        union = exp.union(union, part, distinct=False)
    first = "coalesce(list_position(checks, false), 0)"
    outer = (f"SELECT pos, rule_index, rule, run, cand_id, cand_type, len(checks) AS n, "
             f"{first} AS failed, "
             f"CASE WHEN {first} = 0 THEN len(checks) ELSE {first} - 1 END AS passed, "
             f"CASE WHEN {first} > 0 THEN vals[{first}] END AS value_text, fits FROM t")
    if best_only:
        outer = (f"SELECT * FROM ({outer}) QUALIFY row_number() OVER (PARTITION BY pos "
                 "ORDER BY fits DESC, passed DESC, failed = 0 DESC, rule_index, run) = 1")
    return f"WITH t AS ({union.sql(dialect=x.DIALECT)}) {outer} ORDER BY pos, rule_index, run"
