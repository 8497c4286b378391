"""Rule IR -> SQL: one sqlglot SELECT per rule, built by small pure passes.

The compiler imports sqlglot and no database; it reads no file and no cache. The passes:

=====================  ===================================================================
``vocabulary``         the catalogs the compiler reads (:class:`Vocabulary`, ``DEFAULT``)
``exprs``              sqlglot expression helpers, the reference's regex test
``reads``              what a condition or rule reads (pure Python, no sqlglot)
``conditions``         condition IR -> never-NULL SQL tests
``layout``             a rule's keys, records, roles and the names of their columns and CTEs
``rows``               the parts every query shares: rule rows, role tests, key joins
``per_group``          the ``per_group`` query shape
``per_science``        the ``per_science`` query shape
``attached``           attached members of ``per_science`` associations
``results``            the result columns and the found-values encoding (pure Python)
``output``             the final select: result rows, found values
``rule``               :func:`compile_rule`, :func:`rule_sql`
``screen``             :func:`screen_sql`, which rules can have members in a chunk
``shared``             repeated subexpressions named once, in subqueries (the screen's)
``checks``             :func:`rule_checks`, :func:`checks_sql`, :func:`checks_text`
=====================  ===================================================================

Names are loaded on first use, so ``asnsql.compile.results`` and ``asnsql.compile.reads``
can be used without loading sqlglot.
"""

from __future__ import annotations

from importlib import import_module

from ..model import PREDICATE_ARGUMENTS, SCREEN_COLUMNS

__all__ = ["compile_rule", "rule_sql", "screen_sql", "SCREEN_COLUMNS", "rule_checks",
           "checks_sql", "checks_text", "RuleCheck", "PREDICATE_ARGUMENTS", "wrap_pattern",
           "Vocabulary", "DEFAULT_VOCABULARY", "RESULT_COLUMNS", "ResultRow",
           "decode_found", "encode_found"]

_WHERE = {
    "compile_rule": "rule", "rule_sql": "rule",
    "screen_sql": "screen",
    "rule_checks": "checks", "checks_sql": "checks", "checks_text": "checks",
    "RuleCheck": "checks",
    "wrap_pattern": "exprs",
    "Vocabulary": "vocabulary",
    "RESULT_COLUMNS": "results", "ResultRow": "results", "decode_found": "results",
    "encode_found": "results",
}


def __getattr__(name: str):
    if name == "DEFAULT_VOCABULARY":
        return import_module(".vocabulary", __name__).DEFAULT
    if name in _WHERE:
        return getattr(import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
