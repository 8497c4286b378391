"""Subexpressions that several of a query's columns repeat, computed once in subqueries.

DuckDB binds and plans every node of a query's expressions: the screen
(:func:`asnsql.compile.screen.screen_sql`) repeats the same tests in many rules' columns
(the Level 2 exclusions, the time-series test, the exposure-type lists, each rule's top
conditions), and binding those copies took half its time on a small pool (measured on a
15-row pool, DuckDB 1.5.6: 43 ms per run, 20 ms with each repeated test computed once).
The value of each column is unchanged: a named subexpression is the same expression,
evaluated on the same row.
"""

from __future__ import annotations

from collections import Counter

from sqlglot import exp

from . import exprs as x

__all__ = ["share_repeated", "with_shared"]

#: A subexpression is named only if it has at least this many nodes (``"x" = 'a'`` has
#: four: the comparison, the column, its name and the literal). On the screen, 4 planned
#: fastest (3: the same; 6: 10% slower; 16: 50% slower).
MIN_NODES = 4

#: Nodes never named themselves: leaves, and parts of an expression that are not values
#: (``DISTINCT`` in an aggregate, a type, an output column's name).
_NOT_VALUES = (exp.Column, exp.Literal, exp.Identifier, exp.Boolean, exp.Null, exp.Star,
               exp.Var, exp.DataType, exp.Distinct, exp.Ordered, exp.Alias)

#: Nodes whose expressions are never named (nor any expression holding one): an aggregate,
#: a subquery or a window is not a row-level value, and a ``CAST`` could fail on a row the
#: original expression did not evaluate it for.
_KEPT_IN_PLACE = (exp.AggFunc, exp.Subquery, exp.Window, exp.Cast)


def _nameable(exprs: list[exp.Expression]) -> dict[int, int]:
    """Each node of ``exprs`` that may become a column (a value, at least
    :data:`MIN_NODES` nodes, no node of :data:`_KEPT_IN_PLACE` in it): its ``id`` -> its
    structural hash, taken before anything is replaced."""
    sizes: dict[int, int] = {}
    kept: set[int] = set()
    nameable: dict[int, int] = {}
    for root in exprs:
        for node in reversed(list(root.walk(bfs=False))):
            children = list(node.iter_expressions())
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child in children)
            if isinstance(node, _KEPT_IN_PLACE) or any(id(c) in kept for c in children):
                kept.add(id(node))
            elif not isinstance(node, _NOT_VALUES) and sizes[id(node)] >= MIN_NODES:
                nameable[id(node)] = hash(node)
    return nameable


def share_repeated(columns: list[exp.Expression], prefix: str
                   ) -> tuple[list[exp.Expression], list[list[exp.Expression]]]:
    """Name the subexpressions that occur more than once among ``columns``.

    Parameters
    ----------
    columns : list of sqlglot.exp.Expression
        A SELECT's output expressions (aggregates allowed: the named parts are the
        row-level expressions inside them). They are changed in place.
    prefix : str
        The names given: ``prefix`` and a number (the same columns give the same names).
        It must not start a column name of the rows read.

    Returns
    -------
    columns : list of sqlglot.exp.Expression
        ``columns`` with each occurrence of a repeated subexpression replaced by a quoted
        column reference to its name.
    layers : list of list of sqlglot.exp.Expression
        ``<subexpression> AS <name>`` for each name, in layers: a subexpression reads the
        names of earlier layers only (a repeated test inside a larger repeated one is
        named too, where it also occurs elsewhere). :func:`with_shared` puts them in
        subqueries under the rows read.
    """
    nameable = _nameable(columns)
    counts = Counter(nameable.values())
    names: dict[str, str] = {}
    bodies: dict[str, exp.Expression] = {}
    # (in a container, so that a whole column can be replaced too)
    holder = exp.Tuple(expressions=columns)
    # Inner parts first (the reverse of a pre-order walk), so that a repeated part's body
    # already reads the names of the repeated parts inside it.
    for node in reversed(list(holder.walk(bfs=False))):
        if counts[nameable.get(id(node))] > 1:
            # (sqlglot's hash folds the case of names: the text decides)
            text = node.sql(dialect=x.DIALECT)
            if text not in names:
                names[text] = f"{prefix}{len(names)}"
                bodies[names[text]] = node.copy()
            node.replace(x.col(names[text]))
    _inline_single_uses(holder, bodies)
    bodies = _renumbered(holder, bodies, prefix)
    return list(holder.expressions), _layers(bodies)


def _references(exprs, names) -> list[exp.Column]:
    """The columns among ``exprs`` that read one of ``names``."""
    return [c for e in exprs for c in e.find_all(exp.Column) if c.name in names]


def _inline_single_uses(holder: exp.Expression, bodies: dict[str, exp.Expression]) -> None:
    """Put back in place the named parts read once only (a part repeated only inside a
    larger repeated part)."""
    uses: dict[str, list[exp.Column]] = {name: [] for name in bodies}
    for column in _references([holder, *bodies.values()], bodies):
        uses[column.name].append(column)
    for name in list(bodies):   # (a body moved in place keeps the references it holds)
        if len(uses[name]) == 1:
            uses[name][0].replace(bodies.pop(name))


def _renumbered(holder: exp.Expression, bodies: dict[str, exp.Expression],
                prefix: str) -> dict[str, exp.Expression]:
    """The names left numbered from 0 again, in order (the references renamed)."""
    new = {name: f"{prefix}{i}" for i, name in enumerate(bodies)}
    for column in _references([holder, *bodies.values()], new):
        column.set("this", exp.to_identifier(new[column.name], quoted=True))
    return {new[name]: body for name, body in bodies.items()}


def _layers(bodies: dict[str, exp.Expression]) -> list[list[exp.Expression]]:
    """The named parts, each in the layer after the latest one it reads."""
    depth: dict[str, int] = {}
    for name, body in bodies.items():   # (a body reads earlier names only)
        depth[name] = 1 + max((depth[c.name] for c in _references([body], depth)),
                              default=-1)
    layers: list[list[exp.Expression]] = [[] for _ in range(max(depth.values(), default=-1)
                                                             + 1)]
    for name, body in bodies.items():
        layers[depth[name]].append(exp.alias_(body, exp.to_identifier(name, quoted=True)))
    return layers


def with_shared(rows: exp.Select, layers: list[list[exp.Expression]],
                alias: str) -> exp.Select:
    """``rows`` with the named parts of :func:`share_repeated` added as columns: one
    subquery ``SELECT *, <layer> FROM (...) AS <alias>`` per layer."""
    for layer in layers:
        rows = exp.select(exp.Star(), *layer).from_(rows.subquery(alias))
    return rows
