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


def test_a_needed_member_type_counts_on_a_row_of_the_rule_only():
    """The science member an association needs is one of the rule's rows: a science row
    the rule's conditions refuse (another exp_type) does not let the rule through, even
    beside a row the conditions take (a background)."""
    narrow = dataclasses.replace(DEFAULT, screen_columns=frozenset(
        {"exp_type", "base_exptype"}), member_type_tests={"has_science": "science"})
    needs_science = dataclasses.replace(image_rule(), validity=("has_science",))
    text = screen_sql((needs_science,), vocabulary=narrow)
    assert run(text, [row(0, base="background"), row(1, exp_type="nis_image")]) == [(False,)]
    assert run(text, [row(0, base="background"), row(1)]) == [(True,)]


def test_the_shared_parts_give_the_same_screen_on_corpus_pools(monkeypatch):
    """The screen with its repeated tests named once (asnsql.compile.shared) says what the
    plain one says, rule by rule, on small pools of the corpus (every fourth; the parity
    tests run the shared one on all)."""
    import asnsql.compile.screen as screen
    from asnsql import generate
    from asnsql.engine import Engine

    from .conftest import corpus_pool, corpus_pools

    with monkeypatch.context() as plain_text:
        plain_text.setattr(screen, "share_repeated", lambda columns, prefix: (columns, []))
        screen.screen_sql.cache_clear()
        from asnsql.plan import default_rules

        plain = screen.screen_sql(tuple(r for r in default_rules() if r.makes_associations))
    screen.screen_sql.cache_clear()
    assert '"shared_' not in plain
    compared = []
    original = Engine.dicts

    def dicts(self, sql, params=None):
        found = original(self, sql, params)
        if '"shared_0"' in sql:
            assert original(self, plain) == found
            compared.append(sum(found[0].values()))
        return found

    monkeypatch.setattr(Engine, "dicts", dicts)
    pools = [p for p in corpus_pools() if corpus_pool(p).stat().st_size < 40_000][::4]
    for name in pools:
        generate(corpus_pool(name), version_id="v0")
    assert len(compared) >= len(pools) > 12 and max(compared) > 1
