"""How an engine lent again runs a statement text (asnsql.replay): the classification of
asnsql's own statements and the literals of ``EXECUTE``, read back by DuckDB."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asnsql.replay import classify, execute_text, literal


@pytest.mark.parametrize("types, text, kind, name", [
    (["SELECT"], "-- a comment\nSELECT 1", "query", ""),
    (["INSERT"], "INSERT INTO pool_lines SELECT 1", "query", ""),
    (["CREATE"], "-- runs\nCREATE OR REPLACE TABLE runs AS\nSELECT * FROM x;", "table", "runs"),
    (["CREATE"], "CREATE OR REPLACE TABLE pool_sources (src INTEGER)", "empty",
     "pool_sources"),
    (["CREATE"], "CREATE OR REPLACE VIEW run_items AS SELECT 1", "view", "run_items"),
    (["CREATE"], "CREATE OR REPLACE TEMP TABLE pool_text AS SELECT 1", "temp", "pool_text"),
    (["DROP"], "DROP TABLE IF EXISTS pool_text", "drop", "pool_text"),
    (["CREATE"], "CREATE OR REPLACE MACRO m(x) AS x", "other", ""),
    (["SET"], "SET threads = 1", "other", ""),
    (["CREATE", "SELECT"], "CREATE TABLE a AS SELECT 1; SELECT 2", "other", ""),
])
def test_statements_are_classified(types, text, kind, name):
    statement = classify(types, text)
    assert (statement.kind, statement.name) == (kind, name)


def test_the_body_of_a_table_is_its_query():
    statement = classify(["CREATE"], "CREATE OR REPLACE TABLE runs AS\nSELECT * FROM x;\n")
    assert statement.body == "SELECT * FROM x"


@pytest.mark.parametrize("types, text, changes", [
    (["SELECT"], "SELECT 1", False),
    (["CREATE"], "CREATE OR REPLACE VIEW v AS SELECT 1", True),
    (["CREATE"], "CREATE OR REPLACE MACRO m(x) AS x", True),
    (["DROP"], "DROP TABLE IF EXISTS t", True),
    (["ALTER"], "ALTER TABLE t ADD COLUMN y INTEGER", True),
    (["SET"], "SET threads = 1", False),
])
def test_what_changes_the_catalog(types, text, changes):
    assert classify(types, text).changes_catalog is changes


@pytest.mark.parametrize("value", [1.5, float("nan"), "a\x00b", [], object(), b"x",
                                   [1, object()]])
def test_values_without_an_exact_literal_are_refused(value):
    assert literal(value) is None
    assert execute_text("p", {"x": value}) is None


def test_parameter_names_are_quoted_and_checked():
    assert execute_text("p", {"offset": 3}) == 'EXECUTE p("offset" := 3)'
    assert execute_text("p", {'x" := 1); DROP TABLE t; --': 3}) is None
    assert execute_text("p", None) == "EXECUTE p"


scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**62, 2**62),
                    st.text(alphabet=st.characters(blacklist_characters="\x00",
                                                   blacklist_categories=("Cs",))))


@settings(max_examples=200, deadline=None)
@given(value=st.one_of(scalars, st.lists(st.text(alphabet=st.characters(
    blacklist_characters="\x00", blacklist_categories=("Cs",))), min_size=1, max_size=4)))
def test_duckdb_reads_a_literal_back_as_the_value(value):
    con = duckdb.connect()
    try:
        assert con.execute(f"SELECT {literal(value)}").fetchone()[0] == value
    finally:
        con.close()
