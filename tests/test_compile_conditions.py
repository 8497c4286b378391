"""The conditions pass: condition IR -> SQL tests; what a condition reads (reads), walk()."""

from __future__ import annotations

import pytest

from asnsql.compile.conditions import Conditions, flatten_all
from asnsql.compile.reads import condition_columns, reads_only, row_only, run_dependent
from asnsql.compile.vocabulary import DEFAULT, Vocabulary
from asnsql.errors import CompileError
from asnsql.model import (
    AttrTest,
    CandidateTest,
    Composite,
    ExptypeTest,
    PredicateTest,
    walk,
)

A = AttrTest(("filter",), "match", ("f1",))
B = AttrTest(("pupil", "filter"), "defined")
C = CandidateTest(("observation",))
TREE = Composite("all", (A, Composite("any", (B, C)), ExptypeTest(("science",))))


def sql(cond, vocabulary=DEFAULT) -> str:
    return Conditions("Asn_Test", "level3", vocabulary).condition(cond).sql("duckdb")


def test_walk_visits_parents_before_children_in_order():
    assert list(walk(TREE)) == [TREE, A, TREE.children[1], B, C, TREE.children[2]]
    assert list(walk(None)) == []


def test_columns_in_first_use_order():
    assert condition_columns(TREE) == ("filter", "pupil", "cand_type", "base_exptype",
                                       "exp_type")
    assert condition_columns(ExptypeTest(("science",), base=True)) == ("base_exptype",)
    assert condition_columns(PredicateTest("nrccoron_valid")) == ("detector", "subarray",
                                                                  "pupil")


def test_reads_only_and_run_dependence():
    assert reads_only(A, frozenset({"filter"}))
    assert not reads_only(TREE, frozenset({"filter", "pupil"}))
    assert run_dependent(TREE) and not row_only(TREE)
    assert not run_dependent(A)
    assert run_dependent(AttrTest(("cand_id",), "defined"))


def test_flatten_all_splits_only_all_nodes():
    assert flatten_all(TREE) == [A, TREE.children[1], TREE.children[2]]
    assert flatten_all(None) == []


def test_leaf_tests_are_never_null():
    assert sql(A) == "COALESCE(\"filter\" = 'f1', FALSE)"
    assert sql(AttrTest(("filter",), "match", ("f1",), optional=True)) == \
        "(\"filter\" IS NULL OR COALESCE(\"filter\" = 'f1', FALSE))"
    assert sql(B) == 'NOT COALESCE("pupil", "filter") IS NULL'
    assert sql(C) == "COALESCE(\"cand_type\" IN ('observation'), FALSE)"
    assert sql(ExptypeTest(("science",), negate=True)) == \
        "NOT (COALESCE(ASN_EXPTYPE_LEVEL3(\"base_exptype\", \"exp_type\") IN ('science'), FALSE))"


def test_regex_alternatives_use_the_match_macro():
    assert sql(AttrTest(("filter",), "match", ("f.+",))) == \
        "ASN_MATCH(\"filter\", '(?i)^(?:^f.+$)')"


def test_predicates_take_the_vocabulary_arguments():
    mine = Vocabulary({}, {}, {"nrccoron_valid": ("a", "b")}, frozenset())
    assert sql(PredicateTest("nrccoron_valid"), mine) == \
        'COALESCE(ASN_NRCCORON_VALID("a", "b"), FALSE)'
    assert sql(PredicateTest("nrccoron_valid", expect=False)).startswith("NOT (COALESCE(")


def test_necessary_keeps_the_row_only_parts():
    tests = Conditions("Asn_Test", "level3")
    assert tests.necessary(Composite("all", (A, C))).sql("duckdb") == \
        "(COALESCE(\"filter\" = 'f1', FALSE))"
    assert tests.necessary(Composite("any", (A, C))) is None
    assert tests.necessary(C) is None


def test_unknown_operators_are_compile_errors():
    with pytest.raises(CompileError, match="Asn_Test"):
        sql(Composite("some", (A,)))
    with pytest.raises(CompileError, match="Asn_Test"):
        sql(AttrTest(("filter",), "bigger"))


def test_pool_columns_of_a_rule():
    from asnsql.compile.reads import pool_columns
    from asnsql.model import Key, Role, Rule

    rule = Rule("Asn_Test", 3, "image3", 0, where=TREE,
                keys=(Key("a", ("k1", "k2"), when=PredicateTest("nissoss_calibrated")),),
                record=(Key("obs_num", ("obs_num",), lock=False),),
                roles=(Role("science", when=AttrTest(("r",), "defined"),
                            not_containing_owner="o"),
                       Role("ta", joins="same_obs_num")))
    assert pool_columns(rule) == {"filter", "pupil", "k1", "k2", "exp_type", "obs_num", "r",
                                  "o"}

