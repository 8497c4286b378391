"""Small sqlglot expression builders shared by the compiler's passes.

Identifiers are quoted and values become literals, never pasted text.
"""

from __future__ import annotations

import re

from sqlglot import exp

DIALECT = "duckdb"

#: Phase of a member by the replay that added it: 0 main pass, 1 EXISTING, 2 NONSCIENCE.
PHASE = {"none": 0, "existing": 1, "nonscience": 2}

#: A pattern without regular-expression syntax (it matches itself only).
_LITERAL = re.compile(r"^[A-Za-z0-9_\- ,:;'/]*$")


def col(name: str, table: str | None = None) -> exp.Column:
    """A quoted column, optionally qualified by a table (or CTE) name."""
    return exp.column(name, table=table, quoted=True)


def fn(name: str, *args: exp.Expression) -> exp.Expression:
    """A call of a function or macro sqlglot does not know (``asn_...``)."""
    return exp.Anonymous(this=name, expressions=list(args))


def lit(value: str) -> exp.Literal:
    return exp.Literal.string(value)


def num(value: int) -> exp.Literal:
    return exp.Literal.number(value)


def is_bool(e: exp.Expression | None, value: bool) -> bool:
    """Whether ``e`` is the literal ``TRUE`` (``value``) or ``FALSE``."""
    return isinstance(e, exp.Boolean) and e.this is value


def tests_in(*conds: exp.Expression | None) -> list[exp.Expression]:
    """The conditions that test something (not ``None``, not literally true)."""
    return [c for c in conds if c is not None and not is_bool(c, True)]


def and_(*conds: exp.Expression | None) -> exp.Expression:
    """``AND`` of the conditions, dropping ``None`` and literal trues."""
    conds = tests_in(*conds)
    if not conds:
        return exp.true()
    return exp.and_(*conds, copy=False) if len(conds) > 1 else conds[0]


def or_(*conds: exp.Expression | None) -> exp.Expression:
    """``OR`` of the conditions, dropping ``None`` and literal falses."""
    conds = [c for c in conds if c is not None and not is_bool(c, False)]
    if not conds:
        return exp.false()
    if any(is_bool(c, True) for c in conds):
        return exp.true()
    return exp.or_(*conds, copy=False) if len(conds) > 1 else conds[0]


def not_(cond: exp.Expression) -> exp.Expression:
    return exp.Not(this=exp.Paren(this=cond))


def paren(cond: exp.Expression) -> exp.Expression:
    return exp.Paren(this=cond)


def eq(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    return exp.EQ(this=a, expression=b)


def gte(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    return exp.GTE(this=a, expression=b)


def is_null(e: exp.Expression) -> exp.Expression:
    return exp.Is(this=e, expression=exp.Null())


def not_null(e: exp.Expression) -> exp.Expression:
    return exp.Not(this=exp.Is(this=e, expression=exp.Null()))


def never_null(test: exp.Expression) -> exp.Expression:
    """``coalesce(test, false)``: a test on an undefined value fails."""
    return exp.func("coalesce", test, exp.false())


def one_of(value: exp.Expression, values) -> exp.Expression:
    """``value IN (...)`` of string literals."""
    return exp.In(this=value, expressions=[lit(v) for v in values])


def case(*whens: tuple[exp.Expression, exp.Expression],
         default: exp.Expression | None = None) -> exp.Expression:
    out = exp.Case()
    for cond, value in whens:
        out = out.when(cond, value)
    if default is not None:
        out = out.else_(default)
    return out


def alias(e: exp.Expression, name: str) -> exp.Expression:
    return exp.alias_(e, name, quoted=False, copy=False)


def table(name: str, as_: str) -> exp.Expression:
    """``name AS as_`` in a FROM or JOIN."""
    return exp.alias_(exp.to_table(name), as_)


def with_ctes(query: exp.Select, ctes: list[tuple[str, exp.Expression]]) -> exp.Select:
    """``WITH name AS (...), ... query``."""
    for name, cte in ctes:
        query = query.with_(name, as_=cte, copy=False)
    return query


def wrap_pattern(patterns: tuple[str, ...]) -> str:
    """Return the RE2 pattern equivalent to the reference's regex test.

    Parameters
    ----------
    patterns : tuple of str
        The alternatives of a rule's ``match``.

    Returns
    -------
    str
        ``(?i)^(?:^p1|p2$)`` for DuckDB's ``regexp_matches`` (a partial match).

    Notes
    -----
    The reference matches ``re.match('^' + p + '$', value, re.I)`` with the alternatives
    joined by ``|`` (spec section 2.1): ``^`` binds to every alternative (``re.match``
    anchors at the start), ``$`` to the last one only. ``(?i)^(?:^p$)`` does the same as
    an RE2 partial match.
    """
    return "(?i)^(?:^" + "|".join(patterns) + "$)"


def match(value: exp.Expression, patterns: tuple[str, ...]) -> exp.Expression:
    """The reference's regex test; plain-text alternatives compile to string tests.

    Pool values are lower-cased, and the test ignores case, so a literal alternative is
    a prefix test (``starts_with``), or for the last one an equality (spec 2.1).
    """
    if all(_LITERAL.match(p) for p in patterns):
        *prefixes, last = [p.lower() for p in patterns]
        tests = [exp.func("starts_with", value.copy(), lit(p)) for p in prefixes]
        tests.append(eq(value.copy(), lit(last)))
        test = or_(*tests)
        return exp.func("coalesce", paren(test) if len(tests) > 1 else test, exp.false())
    return fn("asn_match", value, lit(wrap_pattern(patterns)))


def not_contains(value: exp.Expression, text: str) -> exp.Expression:
    """``value`` does not contain ``text``, ignoring case."""
    return not_(exp.func("contains", exp.Lower(this=value), lit(text.lower())))
