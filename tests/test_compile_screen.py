"""The screen: each rule reduced to a test on a few low-cardinality columns."""

from __future__ import annotations

import dataclasses

from asnsql.compile import screen_sql
from asnsql.compile.rows import RuleQuery
from asnsql.compile.screen import screen_test
from asnsql.compile.vocabulary import DEFAULT
from asnsql.model import AttrTest, Composite, Key, Role

from .compile_rules import image_rule, row, rule, run


def test_only_screen_columns_are_read():
    q = RuleQuery(image_rule())
    assert screen_test(q, frozenset({"exp_type"})).sql("duckdb") == \
        "COALESCE(\"exp_type\" = 'nrc_image', FALSE)"
    assert screen_test(q, frozenset()) is None


def test_an_any_with_an_unscreened_branch_is_no_test():
    where = Composite("any", (AttrTest(("exp_type",), "match", ("nrc_image",)),
                              AttrTest(("program",), "defined")))
    assert screen_test(RuleQuery(rule(where=where)), frozenset({"exp_type"})) is None


def test_the_vocabulary_names_the_screen_columns():
    narrow = dataclasses.replace(DEFAULT, screen_columns=frozenset({"filter"}))
    text = screen_sql((image_rule(),), vocabulary=narrow)
    assert '"filter"' in text and '"exp_type"' not in text
    # of the rule, only the key on filter reads the screen columns: it needs a value
    assert 'bool_or(cast((\n    not "filter" is null' in text.lower()


def test_screen_runs_and_skips_rules_without_associations():
    rules = (image_rule(), dataclasses.replace(image_rule(), name="Asn_Other", index=1),
             rule(name="Asn_None", product="none", roles=()))
    text = screen_sql(rules, vocabulary=dataclasses.replace(
        DEFAULT, screen_columns=frozenset({"exp_type"})))
    assert run(text, [row(0)]) == [(True, True)]
    assert run(text, [row(0, exp_type="nis_image")]) == [(False, False)]


def test_a_rule_needing_a_science_member_is_skipped_without_one():
    """With finalisation a has_science rule's query leaves out associations without a
    science member, so the screen skips it where no row's exptype is science; a role
    that turns science into another exptype (a PSF) counts science rows for that one."""
    narrow = dataclasses.replace(DEFAULT, screen_columns=frozenset(
        {"exp_type", "base_exptype"}), member_type_tests={"has_science": "science",
                                                          "has_psf": "psf"})
    needs_science = dataclasses.replace(image_rule(), validity=("has_science",))
    text = screen_sql((needs_science,), vocabulary=narrow)
    assert run(text, [row(0)]) == [(True,)]
    assert run(text, [row(0, base="background"), row(1, base="psf")]) == [(False,)]
    # without finalisation the failing associations still take numbers: no skip
    assert run(screen_sql((needs_science,), finalized=False, vocabulary=narrow),
               [row(0, base="background")]) == [(True,)]
    psf_role = rule(keys=[Key("program", ("program",))], validity=("has_psf",),
                    roles=[Role("science", exptype="psf")])
    text = screen_sql((psf_role,), vocabulary=narrow)
    assert run(text, [row(0)]) == [(True,)]
    assert run(text, [row(0, base="background")]) == [(False,)]
