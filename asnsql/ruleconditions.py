"""Conditions of a rule file -> condition IR (:mod:`asnsql.model`), with validation.

A condition is a list (all of it holds), ``{all|any|not_any|not_all: [...]}``,
``{not: CONDITION}``, ``{use: NAME}`` (a named condition of the file) or a test: of a pool
column (``attr``), of the exposure type, the candidate type or a profile predicate
(``docs/RULES.md``). Problems are reported into the :class:`~asnsql.rulecheck.RuleContext`.
"""

from __future__ import annotations

import re
from typing import Any

from .model import AttrTest, CandidateTest, Composite, Condition, ExptypeTest, PredicateTest
from .rulecheck import RuleContext, as_tuple, check_columns, check_fields

__all__ = ["parse_condition", "match_test", "all_of"]

_LOOKAHEAD = re.compile(r"^\(\(\?!(?P<text>[^()|*+?\\]+)\)\.\)\*$")
_CONDITION_OPS = ("all", "any", "not_any", "not_all", "not")
_LEAF_FORMS = (
    "{attr: COLUMN, match: PATTERN}",
    "{attr: COLUMN, defined: true|false}",
    "{attr: COLUMN, not_contains: TEXT}",
    "{exptype: VALUE}",
    "{base_exptype: VALUE}",
    "{candidate_type: VALUE}",
    "{test: PREDICATE, is: true|false}",
    "{use: CONDITION}",
) + tuple(f"{{{op}: [...]}}" for op in _CONDITION_OPS)


def parse_condition(ctx: RuleContext, field: str, node: Any) -> Condition | None:
    """Parse one condition node.

    Parameters
    ----------
    ctx : RuleContext
        The file being parsed; every problem is reported there.
    field : str
        Where the node is (``where``, ``keys[2].when``...), named in problems.
    node : object
        The condition as the YAML loader gave it.

    Returns
    -------
    Condition or None
        ``None`` when the node has a problem (reported).
    """
    if isinstance(node, list):
        children = [parse_condition(ctx, f"{field}[{i}]", c) for i, c in enumerate(node)]
        if any(c is None for c in children):
            return None
        return children[0] if len(children) == 1 else Composite("all", tuple(children))
    if not isinstance(node, dict) or not node:
        ctx.problem(field, f"expected a condition mapping, got {node!r}")
        return None
    ops = [k for k in node if k in _CONDITION_OPS]
    if ops:
        return _composite(ctx, field, node, ops[0])
    if "use" in node:
        return _named(ctx, field, node)
    if "attr" in node:
        return _attr_test(ctx, field, node)
    if "exptype" in node or "base_exptype" in node:
        key = "exptype" if "exptype" in node else "base_exptype"
        check_fields(ctx, field, node, {key})
        values, negate = _values(ctx, f"{field}.{key}", node[key])
        return ExptypeTest(values, base=(key == "base_exptype"), negate=negate)
    if "candidate_type" in node:
        check_fields(ctx, field, node, {"candidate_type"})
        values, negate = _values(ctx, f"{field}.candidate_type", node["candidate_type"])
        return CandidateTest(values, negate)
    if "test" in node:
        return _predicate_test(ctx, field, node)
    ctx.problem(field, f"unknown condition operator(s) {sorted(node)}; allowed forms: "
                       + "; ".join(_LEAF_FORMS))
    return None


def _composite(ctx: RuleContext, field: str, node: dict, op: str) -> Condition | None:
    """``{OP: [...]}`` or ``{not: CONDITION}``, alone in its mapping."""
    if len(node) != 1:
        ctx.problem(field, f"{op!r} must be alone in its mapping, got {sorted(node)}")
        return None
    if op == "not":
        child = parse_condition(ctx, f"{field}.not", node["not"])
        return None if child is None else Composite("not_any", (child,))
    items = node[op]
    if not isinstance(items, list) or not items:
        ctx.problem(f"{field}.{op}", "expected a non-empty list of conditions")
        return None
    children = [parse_condition(ctx, f"{field}.{op}[{i}]", c) for i, c in enumerate(items)]
    if any(c is None for c in children):
        return None
    return Composite(op, tuple(children))


def _named(ctx: RuleContext, field: str, node: dict) -> Condition | None:
    """``{use: NAME}``: the file's condition NAME, parsed here (not one using itself)."""
    check_fields(ctx, field, node, {"use"})
    name = node["use"]
    if name not in ctx.conditions:
        ctx.problem(field, f"unknown condition {name!r} (defined: "
                           f"{', '.join(sorted(ctx.conditions)) or 'none'})")
        return None
    if name in ctx.using:
        ctx.problem(field, f"condition {name!r} uses itself")
        return None
    ctx.using.append(name)
    try:
        return parse_condition(ctx, f"{field}(use {name})", ctx.conditions[name])
    finally:
        ctx.using.pop()


def _attr_test(ctx: RuleContext, field: str, node: dict) -> AttrTest | None:
    """``{attr: COLUMN, match | defined | not_contains: ..., optional: ...}``."""
    check_fields(ctx, field, node, {"attr", "match", "defined", "not_contains", "optional"})
    sources = check_columns(ctx, f"{field}.attr", as_tuple(node["attr"]))
    optional = bool(node.get("optional", False))
    tests = [k for k in ("match", "defined", "not_contains") if k in node]
    if len(tests) != 1:
        ctx.problem(field, "an attribute test needs exactly one of match, defined, "
                           "not_contains")
        return None
    if "defined" in node:
        if not isinstance(node["defined"], bool):
            ctx.problem(f"{field}.defined", "expected true or false")
            return None
        return AttrTest(sources, "defined", negate=not node["defined"])
    if "not_contains" in node:
        return AttrTest(sources, "not_contains", (str(node["not_contains"]).lower(),),
                        optional=optional)
    return match_test(ctx, f"{field}.match", sources, node["match"], optional)


def _predicate_test(ctx: RuleContext, field: str, node: dict) -> PredicateTest | None:
    """``{test: PREDICATE, is: true|false}``: one of the profile's predicates."""
    check_fields(ctx, field, node, {"test", "is"})
    name = node["test"]
    predicates = ctx.profile.vocabulary.predicates
    if name not in predicates:
        ctx.problem(f"{field}.test", f"unknown predicate {name!r} (known: "
                                     f"{', '.join(sorted(predicates))})")
        return None
    expect = node.get("is", True)
    if not isinstance(expect, bool):
        ctx.problem(f"{field}.is", "expected true or false")
        return None
    return PredicateTest(name, expect)


def _values(ctx: RuleContext, field: str, value: Any) -> tuple[tuple[str, ...], bool]:
    """Parse ``VALUE``, ``[VALUE, ...]`` or ``{not: VALUE}``; return (values, negate)."""
    negate = False
    if isinstance(value, dict):
        if set(value) != {"not"}:
            ctx.problem(field, f"expected a value, a list or {{not: VALUE}}, got {value!r}")
            return (), False
        negate, value = True, value["not"]
    values = tuple(str(v).lower() for v in as_tuple(value))
    if not values:
        ctx.problem(field, "no value given")
    return values, negate


def match_test(ctx: RuleContext, field: str, sources: tuple[str, ...], value: Any,
               optional: bool) -> AttrTest | None:
    """The test that the columns ``sources`` match a pattern of ``value``.

    Parameters
    ----------
    ctx : RuleContext
        The file being parsed; every problem is reported there.
    field : str
        Where the patterns are, named in problems.
    sources : tuple of str
        The columns looked up in order; the first defined value is tested.
    value : object
        A pattern or a list of patterns (alternatives; regular expressions RE2 runs).
    optional : bool
        An undefined value passes.

    Returns
    -------
    AttrTest or None
        A ``match`` test; the reference's ``((?!TEXT).)*`` alone becomes ``not_contains``
        (spec section 15). ``None`` when a pattern has a problem (reported).
    """
    values = as_tuple(value)
    if len(values) == 1 and isinstance(values[0], str):
        lookahead = _LOOKAHEAD.match(values[0])
        if lookahead:
            # The reference's "((?!X).)*": the value does not contain X (spec section 15).
            return AttrTest(sources, "not_contains", (lookahead["text"].lower(),),
                            optional=optional)
    patterns = []
    for pattern in values:
        checked = _check_pattern(ctx, field, pattern)
        if checked is None:
            return None
        patterns.append(checked)
    if not patterns:
        ctx.problem(field, "no pattern given")
        return None
    return AttrTest(sources, "match", tuple(patterns), optional=optional)


def _check_pattern(ctx: RuleContext, field: str, pattern: Any) -> str | None:
    if not isinstance(pattern, (str, int, float)) or isinstance(pattern, bool):
        ctx.problem(field, f"a pattern must be a string, got {pattern!r}")
        return None
    text = str(pattern)
    try:
        re.compile(text)
    except re.error as err:
        ctx.problem(field, f"bad regular expression {text!r}: {err}")
        return None
    if re.search(r"\(\?<?[=!]", text) or re.search(r"\\[1-9]", text):
        ctx.problem(field, f"regular expression {text!r} uses look-around or back-references, "
                           "which DuckDB (RE2) cannot run; only the reference's "
                           "'((?!TEXT).)*' form (does not contain TEXT) is translated")
        return None
    return text


def all_of(conditions: list[Condition]) -> Condition | None:
    """``None`` for no condition, the one condition, or ``all`` of them."""
    if not conditions:
        return None
    if len(conditions) == 1:
        return conditions[0]
    return Composite("all", tuple(conditions))
