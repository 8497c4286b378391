"""The compiler: golden SQL snapshots, determinism, runnable SQL."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import sqlglot

from asnsql.compile import checks_text, compile_rule, rule_sql, wrap_pattern
from asnsql.ruleset import default_ruleset

GOLDEN = Path(__file__).parent / "golden" / "sql"
RULES = [r for r in default_ruleset()]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_golden_sql(rule, request):
    """Every rule's SQL is reviewed as a snapshot; `pytest --update-golden` rewrites them."""
    path = GOLDEN / f"{rule.name}.sql"
    text = rule_sql(rule)
    if request.config.getoption("--update-golden"):
        path.write_text(text)
    assert path.exists(), f"no snapshot {path.name}: run pytest --update-golden and review"
    assert text == path.read_text(), f"{rule.name} compiles differently from {path.name}"


@pytest.mark.parametrize("rule", [r for r in RULES if r.locks], ids=lambda r: r.name)
def test_golden_sql_without_locks(rule, request):
    """A rule with ``locks`` also runs without them where the screen finds no locking row
    (Plan.unlocked); that query is reviewed as a snapshot too."""
    path = GOLDEN / "unlocked" / f"{rule.name}.sql"
    text = rule_sql(dataclasses.replace(rule, locks=()))
    if request.config.getoption("--update-golden"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    assert path.exists(), f"no snapshot unlocked/{path.name}: run pytest --update-golden"
    assert text == path.read_text(), f"{rule.name} compiles differently from {path}"
    assert "locked_vectors" not in text


@pytest.mark.parametrize("rule", [r for r in RULES if r.product != "none"], ids=lambda r: r.name)
def test_golden_checks(rule, request):
    """The conditions `asnsql why` evaluates, per rule, reviewed as a snapshot."""
    path = GOLDEN.parent / "checks" / f"{rule.name}.sql"
    text = checks_text(rule)
    if request.config.getoption("--update-golden"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    assert path.exists(), f"no snapshot {path.name}: run pytest --update-golden and review"
    assert text == path.read_text(), f"{rule.name} checks differ from {path.name}"
    for statement in text.split(";\n")[:-1]:
        sqlglot.parse_one(statement, read="duckdb")


@pytest.mark.parametrize("rule", [r for r in RULES if r.product != "none"], ids=lambda r: r.name)
def test_sql_parses_back_and_is_deterministic(rule):
    first = compile_rule(rule).sql(dialect="duckdb")
    second = compile_rule(rule).sql(dialect="duckdb")
    assert first == second
    sqlglot.parse_one(rule_sql(rule), read="duckdb")


def test_snapshots_have_no_stale_files():
    names = {r.name for r in RULES}
    stale = [p.name for p in GOLDEN.glob("*.sql") if p.stem not in names]
    locked = {r.name for r in RULES if r.locks}
    stale += [f"unlocked/{p.name}" for p in GOLDEN.glob("unlocked/*.sql")
              if p.stem not in locked]
    assert not stale, f"snapshots without a rule: {stale}"


@pytest.mark.parametrize("patterns, value, expected", [
    # spec section 2.1: ^ binds to every alternative, $ only to the last
    (("nrc_image", "mir_image", "nis_image"), "mir_imagex", True),
    (("mir_flatimage", "nrc_image"), "mir_flatimage-ext", True),
    (("mir_flatimage", "nrc_image"), "nrc_imagex", False),
    (("nrc_image",), "xnrc_image", False),
    ((".+wfsc.+",), "prime_wfsc_sensing", True),
    ((".+wfsc.+",), "wfsc_sensing", False),
    (("GRISMR", "GRISMC"), "grismr", True),
    (("s200a1", "s200a2"), "s200a1x", True),
    (("s200a1", "s200a2"), "s200a2x", False),
])
def test_reference_regex_semantics(patterns, value, expected):
    import re

    reference = re.match("^" + "|".join(patterns) + "$", value, flags=re.IGNORECASE)
    assert bool(reference) == expected
    import duckdb

    got = duckdb.sql("SELECT regexp_matches($v, $p)",
                     params={"v": value, "p": wrap_pattern(patterns)}).fetchall()[0][0]
    assert got == expected


def test_golden_screen_sql(request):
    """The per-chunk screen (which rules can have members) is reviewed as a snapshot."""
    from asnsql.compile import screen_sql

    path = GOLDEN.parent / "screen.sql"
    text = screen_sql(tuple(r for r in RULES if r.product != "none"))
    if request.config.getoption("--update-golden"):
        path.write_text(text)
    assert path.exists(), "no snapshot screen.sql: run pytest --update-golden and review"
    assert text == path.read_text(), "the screen compiles differently from screen.sql"
    sqlglot.parse_one(text, read="duckdb")
