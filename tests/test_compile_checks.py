"""The checks: a rule's conditions one by one, for asnsql why."""

from __future__ import annotations

from asnsql.compile import checks_sql, checks_text, rule_checks
from asnsql.model import AttrTest, Composite, ExptypeTest, PredicateTest, Role

from .compile_rules import image_rule, rule, science_rule


def test_where_split_then_keys_then_roles():
    checks = rule_checks(science_rule(where=Composite("all", (
        AttrTest(("exp_type",), "match", ("nrs_msaspec",)),
        PredicateTest("nrsfss_valid", expect=False)))))
    assert [c.label for c in checks] == [
        "exp_type matches nrs_msaspec",
        "not nrsfss_valid: NIRSpec fixed-slit detector/slit/grating/filter combination is "
        "valid",
        "program: program is defined",
        "takes a role: science (base exposure type is one of science) or background (base "
        "exposure type is one of background)"]
    assert [c.columns for c in checks] == [
        ("exp_type",), ("detector", "filter", "grating", "fxd_slit"), ("program",),
        ("base_exptype",)]


def test_optional_keys_check_nothing():
    labels = [c.label for c in rule_checks(image_rule())]
    assert not any(label.startswith("opt_elem2") for label in labels)


def test_checks_text_is_commented_sql():
    text = checks_text(image_rule())
    assert text.startswith("-- Asn_Test: the conditions asnsql why evaluates, in order\n"
                           "-- check 1: exp_type matches nrc_image\n")
    assert text.count(";\n") == len(rule_checks(image_rule()))


def test_checks_sql_without_rules_returns_no_rows():
    assert "WHERE false" in checks_sql([rule(product="none", roles=())])
    text = checks_sql([image_rule(), rule(roles=(Role("science", when=ExptypeTest(("x",))),))],
                      best_only=True)
    assert text.count("FROM run_items") == 2 and "QUALIFY row_number()" in text
