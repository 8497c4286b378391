"""What a rule's conditions read: pure Python over the IR (no sqlglot), so the pipeline can
ask which pool columns the compiled queries need without loading the compiler."""

from __future__ import annotations

from typing import Callable

from ..model import AttrTest, CandidateTest, Composite, Condition, ExptypeTest, PredicateTest
from ..model import Rule, walk
from .vocabulary import DEFAULT, Vocabulary

__all__ = ["RUN_COLUMNS", "node_columns", "condition_columns", "reads_only", "run_dependent",
           "row_only", "no_run_columns", "pool_columns"]

#: ``run_items`` columns that depend on the run (the candidate), not on the pool row alone.
RUN_COLUMNS = frozenset({"asn_candidate", "cand_id", "cand_type", "cand_kind"})

#: A test that a condition part may be used (see :meth:`Conditions.necessary`).
Usable = Callable[[Condition], bool]


def node_columns(node: Condition, vocabulary: Vocabulary = DEFAULT) -> tuple[str, ...] | None:
    """The ``run_items`` columns one test reads (``()`` for a composite, ``None`` for an
    unknown node)."""
    if isinstance(node, Composite):
        return ()
    if isinstance(node, AttrTest):
        return node.sources
    if isinstance(node, ExptypeTest):
        return ("base_exptype",) if node.base else ("base_exptype", "exp_type")
    if isinstance(node, PredicateTest):
        return tuple(vocabulary.predicate_arguments.get(node.name, ()))
    if isinstance(node, CandidateTest):
        return ("cand_type",)
    return None


def condition_columns(cond: Condition | None,
                      vocabulary: Vocabulary = DEFAULT) -> tuple[str, ...]:
    """The columns a condition reads, in first-use order."""
    out: list[str] = []
    for node in walk(cond):
        out.extend(node_columns(node, vocabulary) or ())
    return tuple(dict.fromkeys(out))


def reads_only(cond: Condition | None, columns: frozenset[str],
               vocabulary: Vocabulary = DEFAULT) -> bool:
    """Whether every test of a condition reads only ``columns`` of ``run_items``."""
    for node in walk(cond):
        read = node_columns(node, vocabulary)
        if read is None or not columns.issuperset(read):
            return False
    return True


def run_dependent(cond: Condition | None) -> bool:
    """Whether a condition reads a value that depends on the run (the candidate)."""
    return any(isinstance(node, CandidateTest)
               or (isinstance(node, AttrTest) and RUN_COLUMNS.intersection(node.sources))
               for node in walk(cond))


def row_only(cond: Condition) -> bool:
    """Whether a condition reads the pool row alone (not the run's candidate)."""
    return not run_dependent(cond)


def no_run_columns(sources: tuple) -> bool:
    """Whether none of ``sources`` depends on the run."""
    return not RUN_COLUMNS.intersection(sources)


def pool_columns(rule: Rule, vocabulary: Vocabulary = DEFAULT) -> set[str]:
    """The pool columns a rule's query reads besides the exposure types: attribute tests,
    predicate arguments, keys and records, owner comparisons, observation numbers.

    Parameters
    ----------
    rule : Rule
        Any rule.
    vocabulary : Vocabulary
        The predicates' arguments.

    Returns
    -------
    set of str
        Column names (exposure-type and candidate tests read ``base_exptype``,
        ``exp_type`` and ``cand_type``, which every pool load has, and are left out).
    """
    out: set[str] = set()
    conditions = [rule.where]
    for key in rule.keys + rule.record:
        out.update(key.sources)
        conditions += [key.when, key.constant_when]
    for role in rule.roles:
        conditions.append(role.when)
        if role.not_containing_owner:
            out.add(role.not_containing_owner)
        if role.joins == "same_obs_num":
            out.add("obs_num")
    for node in (n for c in conditions for n in walk(c)):
        if isinstance(node, AttrTest):
            out.update(node.sources)
        elif isinstance(node, PredicateTest):
            out.update(vocabulary.predicate_arguments.get(node.name, ()))
    return out
