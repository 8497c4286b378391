"""Condition IR -> sqlglot: the tests of one rule on a ``run_items`` row.

Every test is a never-NULL boolean: ``run_items`` holds NULL for an undefined value (the
EMPTY strings of spec section 1.3), and a test reading one fails unless it is optional.
"""

from __future__ import annotations

from typing import Callable

from sqlglot import exp

from ..errors import CompileError
from ..model import (
    AttrTest,
    CandidateTest,
    Composite,
    Condition,
    ExptypeTest,
    Key,
    PredicateTest,
)
from . import exprs as x
from .reads import Usable, row_only
from .vocabulary import DEFAULT, Vocabulary

__all__ = ["Conditions", "key_usable", "flatten_all"]

def key_usable(key: Key, usable: Usable, sources_ok: Callable[[tuple], bool]) -> bool:
    """Whether a key's test reads only what ``usable`` / ``sources_ok`` allow."""
    return sources_ok(key.sources) and all(usable(c) for c in (key.when, key.constant_when)
                                           if c is not None)


def flatten_all(cond: Condition | None) -> list[Condition]:
    """A condition split at its ``all`` nodes (the parts every passing row passes)."""
    if cond is None:
        return []
    if isinstance(cond, Composite) and cond.op == "all":
        return [c for child in cond.children for c in flatten_all(child)]
    return [cond]


class Conditions:
    """Builds the SQL tests of one rule on a ``run_items`` row.

    Parameters
    ----------
    rule_name : str
        For error messages.
    exptype : str
        The rule's exposure-type function (macro ``asn_exptype_<exptype>``, spec 7.2).
    vocabulary : Vocabulary
        The predicates' macro arguments.
    """

    def __init__(self, rule_name: str, exptype: str, vocabulary: Vocabulary = DEFAULT):
        self.rule_name = rule_name
        self.exptype_function = exptype
        self.vocabulary = vocabulary

    def value(self, column: str) -> exp.Expression:
        """The defined value of a column (NULL when undefined, spec section 1.3)."""
        return x.col(column)

    def lookup(self, sources: tuple[str, ...]) -> exp.Expression:
        """First defined value among ``sources`` (spec section 2.3)."""
        values = [self.value(s) for s in sources]
        return values[0] if len(values) == 1 else exp.Coalesce(this=values[0],
                                                               expressions=values[1:])

    def lookup_source(self, sources: tuple[str, ...]) -> exp.Expression:
        """Name of the column that supplied the first defined value."""
        return x.case(*[(x.not_null(self.value(s)), x.lit(s)) for s in sources])

    def exptype(self) -> exp.Expression:
        """The rule's exposure type of the row (spec section 7.2)."""
        return x.fn(f"asn_exptype_{self.exptype_function}", x.col("base_exptype"),
                    x.col("exp_type"))

    def condition(self, cond: Condition | None) -> exp.Expression:
        """A never-NULL boolean for ``cond`` (``None`` is true).

        Raises
        ------
        CompileError
            For an operator the compiler does not know.
        """
        if cond is None:
            return exp.true()
        if isinstance(cond, Composite):
            return self._composite(cond)
        if isinstance(cond, AttrTest):
            return self._attribute(cond)
        if isinstance(cond, ExptypeTest):
            subject = x.col("base_exptype") if cond.base else self.exptype()
            test = x.never_null(x.one_of(subject, cond.values))
            return x.not_(test) if cond.negate else test
        if isinstance(cond, PredicateTest):
            args = [x.col(c) for c in self.vocabulary.predicate_arguments[cond.name]]
            test = x.never_null(x.fn(f"asn_{cond.name}", *args))
            return test if cond.expect else x.not_(test)
        if isinstance(cond, CandidateTest):
            test = x.never_null(x.one_of(x.col("cand_type"), cond.types))
            return x.not_(test) if cond.negate else test
        raise CompileError(f"rule {self.rule_name}: cannot compile condition {cond!r}")

    def _composite(self, cond: Composite) -> exp.Expression:
        children = [self.condition(c) for c in cond.children]
        if cond.op == "all":
            return x.paren(x.and_(*children))
        if cond.op == "any":
            return x.paren(x.or_(*children))
        if cond.op == "not_any":
            return x.not_(x.or_(*children))
        if cond.op == "not_all":
            return x.not_(x.and_(*children))
        raise CompileError(f"rule {self.rule_name}: unknown composite {cond.op!r}")

    def _attribute(self, cond: AttrTest) -> exp.Expression:
        value = self.lookup(cond.sources)
        if cond.op == "defined":
            return x.is_null(value) if cond.negate else x.not_null(value)
        if cond.op == "match":
            test = x.match(value, cond.patterns)
        elif cond.op == "not_contains":
            test = x.and_(x.not_null(value), x.not_contains(value, cond.patterns[0]))
        else:
            raise CompileError(f"rule {self.rule_name}: unknown attribute test {cond.op!r}")
        return x.paren(x.or_(x.is_null(value), test)) if cond.optional else test

    def necessary(self, cond: Condition | None,
                  usable: Usable | None = None) -> exp.Expression | None:
        """A condition that every row passing ``cond`` passes, made of the parts of ``cond``
        that are ``usable`` (``None`` stands for true).

        By default the usable parts are those on the pool row alone (not on the run's
        candidate), so the result can filter pool rows before they are paired with runs.
        """
        if cond is None:
            return None
        usable = usable or row_only
        if usable(cond):
            return self.condition(cond)
        if isinstance(cond, Composite) and cond.op in ("all", "any"):
            parts = [self.necessary(c, usable) for c in cond.children]
            if cond.op == "all":
                parts = [p for p in parts if p is not None]
                return x.paren(x.and_(*parts)) if parts else None
            if any(p is None for p in parts):
                return None
            return x.paren(x.or_(*parts))
        return None

    # --- keys -------------------------------------------------------------------------------

    def key_value(self, key: Key) -> exp.Expression:
        """The key's value for the row, NULL where the key does not apply (a wildcard)."""
        if key.when is None and key.constant_when is None:
            return self.lookup(key.sources)
        whens = []
        if key.constant_when is not None:
            whens.append((self.condition(key.constant_when), x.lit(key.constant)))
        whens.append((self.condition(key.when), self.lookup(key.sources)))
        return x.case(*whens)

    def key_column(self, key: Key, j: int) -> exp.Expression:
        """The key's value in its ``j``-th source alone, NULL where the key does not apply."""
        value = self.lookup(key.sources[j:j + 1])
        return value if key.when is None else x.case((self.condition(key.when), value))

    def key_source(self, key: Key) -> exp.Expression:
        """Which column (or the constant, ``=``) gave the key's value: a lock also pins the
        column it read (spec section 3.2, step 6)."""
        whens = []
        if key.constant_when is not None:
            whens.append((self.condition(key.constant_when), x.lit("=")))
        if key.when is None:
            whens.append((exp.true(), self.lookup_source(key.sources)))
            return x.case(*whens[:-1], default=whens[-1][1]) if len(whens) > 1 else whens[0][1]
        whens.append((self.condition(key.when), self.lookup_source(key.sources)))
        return x.case(*whens)

    def key_ok(self, key: Key) -> exp.Expression:
        """Whether the row passes the key's own test (required value present, pattern)."""
        value = self.lookup(key.sources)
        if key.match:
            if len(key.match) == 1 and key.match[0].startswith("((?!"):
                test = x.not_contains(value, key.match[0][4:-4])
            else:
                test = x.match(value, key.match)
            present = (x.or_(x.is_null(value), test) if key.optional
                       else x.and_(x.not_null(value), test))
        else:
            present = exp.true() if key.optional else x.not_null(value)
        if present == exp.true():
            return exp.true()
        checks = [x.paren(present)]
        if key.when is not None:
            checks = [x.paren(x.or_(x.not_(self.condition(key.when)), *checks))]
        if key.constant_when is not None:
            checks = [x.paren(x.or_(self.condition(key.constant_when), *checks))]
        return checks[0]
