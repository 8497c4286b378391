"""Subexpressions that several of a query's columns repeat, computed once in a subquery.

DuckDB binds and plans every node of a query's expressions: the screen
(:func:`asnsql.compile.screen.screen_sql`) repeats the same tests in many rules' columns
(the Level 2 exclusions, the time-series test, the exposure-type lists), and binding those
copies took half its time on a small pool (measured on a 15-row pool, DuckDB 1.5.6: 43 ms
per run, 20 ms with each repeated test computed once). The value of each
column is unchanged: a named subexpression is the same expression, evaluated on the same
row.
"""

from __future__ import annotations

from collections import Counter

from sqlglot import exp

from . import exprs as x

__all__ = ["share_repeated"]

#: A subexpression is named only if it has at least this many nodes (``"x" = 'a'`` has
#: four: the comparison, the column, its name and the literal). On the screen, 4 planned
#: fastest (3: the same; 6: 10% slower; 16: 50% slower).
MIN_NODES = 4

#: Nodes never named themselves: leaves, and parts of an expression that are not values
#: (``DISTINCT`` in an aggregate, a type).
_NOT_VALUES = (exp.Column, exp.Literal, exp.Identifier, exp.Boolean, exp.Null, exp.Star,
               exp.Var, exp.DataType, exp.Distinct, exp.Ordered)

#: Nodes whose expressions are never named (nor any expression holding one): an aggregate,
#: a subquery or a window is not a row-level value, and a ``CAST`` could fail on a row the
#: original expression did not evaluate it for.
_KEPT_IN_PLACE = (exp.AggFunc, exp.Subquery, exp.Window, exp.Cast)


def _nameable(exprs: list[exp.Expression]) -> set[int]:
    """The ``id`` of each node of ``exprs`` that may become a column: a value, at least
    :data:`MIN_NODES` nodes, no node of :data:`_KEPT_IN_PLACE` in it."""
    sizes: dict[int, int] = {}
    kept: set[int] = set()
    nameable: set[int] = set()
    for root in exprs:
        for node in reversed(list(root.walk(bfs=False))):
            children = list(node.iter_expressions())
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child in children)
            if isinstance(node, _KEPT_IN_PLACE) or any(id(c) in kept for c in children):
                kept.add(id(node))
            elif not isinstance(node, _NOT_VALUES) and sizes[id(node)] >= MIN_NODES:
                nameable.add(id(node))
    return nameable


def share_repeated(columns: list[exp.Expression], prefix: str
                   ) -> tuple[list[exp.Expression], list[exp.Expression]]:
    """Name the subexpressions that occur more than once among ``columns``.

    Parameters
    ----------
    columns : list of sqlglot.exp.Expression
        A SELECT's output expressions (aggregates allowed: the named parts are the
        row-level expressions inside them). They are changed in place.
    prefix : str
        The names given: ``prefix`` and a number, in order of first occurrence (the same
        columns give the same names). It must not be a column name of the rows read.

    Returns
    -------
    columns : list of sqlglot.exp.Expression
        ``columns`` with each occurrence of a repeated subexpression (the largest one
        where several nest) replaced by a quoted column reference to its name.
    shared : list of sqlglot.exp.Expression
        ``<subexpression> AS <name>`` for each name: the columns the rows read must be
        given (a subquery ``SELECT *, <shared> FROM ...``).
    """
    nameable = _nameable(columns)
    counts = Counter(hash(node) for root in columns for node in root.walk()
                     if id(node) in nameable)
    names: dict[str, str] = {}
    shared: list[exp.Expression] = []

    def replace(node: exp.Expression) -> exp.Expression:
        if id(node) in nameable and counts[hash(node)] > 1:
            # (sqlglot's hash folds the case of names and strings: the text decides)
            text = node.sql(dialect=x.DIALECT)
            if text not in names:
                names[text] = f"{prefix}{len(names)}"
                shared.append(exp.alias_(node.copy(),
                                         exp.to_identifier(names[text], quoted=True)))
            return x.col(names[text])
        return node

    return [root.transform(replace, copy=False) for root in columns], shared
