"""A rule's query: :func:`compile_rule` (a sqlglot tree) and :func:`rule_sql` (its text).

Each query reads the relation ``run_items`` (``sql/candidates.sql``): one row per
(run, pool row), where a *run* is one candidate's sub-pool or the discovery pass over the
whole pool (spec section 6.2), with every pool column as its *defined* value (NULL for the
EMPTY strings of spec section 1.3), ``pos`` (pool row number), ``base_exptype`` and
``cand_type``. It returns one row per member of each association, the columns
:data:`asnsql.compile.results.RESULT_COLUMNS`.

With ``finalized`` (the default, as ``generate`` finalises), a rule whose validity tests
need certain candidate types (the vocabulary's ``candidate_type_tests``) reads only the
runs of those types: the others could only make associations that finalisation drops; and
an association lacking a member of an exptype the tests need (``member_type_tests``, e.g.
``has_science``) is left out.

``created`` is the pool row at which the reference would create the association (it orders
associations, spec section 6.6); ``phase`` is 0 for members added in the main pass, 1 and 2
for those added by the EXISTING / NONSCIENCE replays (it orders members).

How the reference's sequential, stateful matching becomes set operations (spec section 15):
conditions on the exposure alone become ``WHERE``; the shapes
:mod:`~asnsql.compile.per_group` and :mod:`~asnsql.compile.per_science` (with
:mod:`~asnsql.compile.attached`) say the rest.
"""

from __future__ import annotations

from functools import lru_cache

from sqlglot import exp

from ..model import Rule
from .exprs import DIALECT
from .per_group import per_group
from .per_science import per_science
from .rows import RuleQuery
from .vocabulary import DEFAULT, Vocabulary

__all__ = ["compile_rule", "rule_sql"]


def compile_rule(rule: Rule, finalized: bool = True,
                 vocabulary: Vocabulary = DEFAULT) -> exp.Select:
    """Compile one rule into a DuckDB query (a sqlglot expression).

    Parameters
    ----------
    rule : Rule
        A rule whose ``product`` is ``per_group`` or ``per_science``.
    finalized : bool
        The associations will be finalised: leave out the runs whose candidate type fails
        the rule's validity tests (:meth:`RuleQuery.valid_runs`). ``False`` for
        ``--no-finalize``, which numbers every association created.
    vocabulary : Vocabulary
        The catalogs of validity tests and predicates (default: JWST's).

    Returns
    -------
    sqlglot.exp.Select
        The query over ``run_items`` described in the module docstring.

    Raises
    ------
    CompileError
        When the rule cannot be compiled (no association-forming role, unknown operator).
    """
    query = RuleQuery(rule, finalized, vocabulary)
    return per_science(query) if rule.product == "per_science" else per_group(query)


@lru_cache(maxsize=512)
def rule_sql(rule: Rule, pretty: bool = True, finalized: bool = True,
             vocabulary: Vocabulary = DEFAULT) -> str:
    """Return the DuckDB SQL text of :func:`compile_rule` (what ``asnsql explain`` prints).

    Parameters
    ----------
    rule : Rule
        Any rule; one that makes no associations gives a comment saying so.
    pretty : bool
        Indented, one clause a line.
    finalized, vocabulary
        As for :func:`compile_rule`.

    Returns
    -------
    str
        The SQL text.

    Notes
    -----
    Memoised per rule in the process: rules are immutable, and building the sqlglot tree
    costs more than DuckDB takes to run the query on a typical pool. Nothing is read from
    or written to disk here (:class:`asnsql.plan.Plan` keeps the text between processes).
    """
    if not rule.makes_associations:
        return f"-- {rule.name} makes no association of its own.\n-- {rule.doc}\n"
    return compile_rule(rule, finalized, vocabulary).sql(dialect=DIALECT, pretty=pretty,
                                                         copy=False)
