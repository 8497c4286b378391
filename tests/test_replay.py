"""How an engine lent again runs a statement text (asnsql.replay): the classification of
asnsql's own statements and the literals of ``EXECUTE``, read back by DuckDB."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asnsql.replay import Prepared, classify, execute_text, inline, literal


@pytest.mark.parametrize("types, text, kind, name", [
    (["SELECT"], "-- a comment\nSELECT 1", "query", ""),
    (["INSERT"], "INSERT INTO pool_lines SELECT 1", "query", "pool_lines"),
    (["INSERT"], "INSERT INTO main.Runs (run) SELECT 1", "query", "runs"),
    (["INSERT"], 'INSERT INTO "odd name" SELECT 1', "query", "*"),
    (["CREATE"], "-- runs\nCREATE OR REPLACE TABLE runs AS\nSELECT * FROM x;", "table", "runs"),
    (["CREATE"], "CREATE OR REPLACE TABLE pool_sources (src INTEGER)", "empty",
     "pool_sources"),
    (["CREATE"], "CREATE OR REPLACE VIEW run_items AS SELECT 1", "view", "run_items"),
    (["CREATE"], "CREATE OR REPLACE TEMP TABLE pool_text AS SELECT 1", "temp", "pool_text"),
    (["DROP"], "DROP TABLE IF EXISTS pool_text", "drop", "pool_text"),
    (["CALL"], "CHECKPOINT", "checkpoint", ""),
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
    (["CALL"], "CHECKPOINT", False),
    (["CALL"], "CALL dbgen(sf = 0.01)", True),
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


def _tokens(text):
    return [(offset, kind.name) for offset, kind in duckdb.tokenize(text)]


def _inline(text, **values):
    return inline(text, {k: literal(v) for k, v in values.items()}, _tokens(text))


def test_parameters_are_spelled_in_where_duckdb_reads_them():
    text = ("-- $lo to $hi\nSELECT '$lo' AS \"$hi\", x FROM t WHERE run BETWEEN $lo AND $hi"
            " AND s = $name || '$lo'")
    assert _inline(text, lo=1, hi=2, name="it's") == (
        "-- $lo to $hi\nSELECT '$lo' AS \"$hi\", x FROM t WHERE run BETWEEN (1) AND (2)"
        " AND s = ('it''s') || '$lo'")
    assert _inline("SELECT $first, $last", first=0, last=3) == "SELECT (0), (3)"


@pytest.mark.parametrize("text, values", [
    ("SELECT $lo", {"hi": 1}),               # a parameter not given
    ("SELECT $lo, $hi", {"lo": 1}),
    ("SELECT 1", {"lo": 1}),                 # a value for no parameter
    ("SELECT $1", {"1": 1}),                 # positional
    ("SELECT ?", {"lo": 1}),
])
def test_what_cannot_be_spelled_in_is_refused(text, values):
    assert _inline(text, **values) is None


@settings(max_examples=100, deadline=None)
@given(value=st.one_of(scalars, st.lists(st.text(alphabet=st.characters(
    blacklist_characters="\x00", blacklist_categories=("Cs",))), min_size=1, max_size=4)))
def test_a_spelled_in_value_reads_as_the_bound_one(value):
    con = duckdb.connect()
    try:
        text = "SELECT $v AS v, $v IS NULL AS n"
        assert con.execute(_inline(text, v=value)).fetchall() == \
            con.execute(text, {"v": value}).fetchall()
    finally:
        con.close()


def test_a_statement_is_prepared_once_per_set_of_values():
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT range AS i FROM range(10)")
    prepared = Prepared(duckdb.Error, tokenize=_tokens)
    text = "SELECT list(i ORDER BY i) FROM t WHERE i BETWEEN $lo AND $hi"

    def run(lo, hi):
        return prepared.run(con, text, {"lo": lo, "hi": hi}).fetchone()[0]

    def kept():
        return con.execute("SELECT count(*) FROM duckdb_prepared_statements()").fetchone()[0]

    assert run(2, 4) == [2, 3, 4] and kept() == 1
    assert run(2, 4) == [2, 3, 4] and kept() == 1
    assert run(7, 20) == [7, 8, 9] and kept() == 1        # made again, the old one dropped
    # a value that cannot be spelled runs with the values bound, as before
    assert prepared.run(con, text, {"lo": 8, "hi": 9.5}).fetchone()[0] == [8, 9]
    prepared.forget()
    assert kept() == 0
    con.close()


class _Seen:
    """A connection that notes the texts it is given."""

    def __init__(self, con):
        self.con, self.texts = con, []

    def execute(self, text, *params):
        self.texts.append(text)
        return self.con.execute(text, *params)

    def extract_statements(self, text):
        return self.con.extract_statements(text)


def test_a_table_emptied_when_given_back_is_refilled_without_a_delete():
    seen = _Seen(duckdb.connect())
    prepared = Prepared(duckdb.Error, tokenize=_tokens)
    make = "CREATE OR REPLACE TABLE t AS SELECT 1 AS x"

    def rows():
        return seen.con.execute("SELECT count(*) FROM t").fetchone()[0]

    def deletes():
        found = [t for t in seen.texts if t.startswith("DELETE")]
        seen.texts.clear()
        return found

    prepared.run(seen, make, None)
    prepared.keep({"t"})
    prepared.empty(seen, {"t"})
    assert rows() == 0 and deletes() == []      # (the DELETE itself runs prepared)
    prepared.run(seen, "SELECT * FROM t", None)         # a query writes nothing
    prepared.run(seen, make, None)
    assert rows() == 1 and deletes() == []
    # filled since: deleted from again
    prepared.run(seen, make, None)
    assert rows() == 1 and deletes() == ["DELETE FROM main.t"]
    # an INSERT into it, or a statement run as it is, may write it
    for writer in ("INSERT INTO t SELECT 2", "INSERT INTO main.t (x) SELECT 2",
                   'INSERT INTO "t" SELECT 2',
                   "WITH n AS (SELECT 2) INSERT INTO t SELECT * FROM n",
                   "UPDATE t SET x = 3", "INSERT INTO t SELECT 2; SELECT 1"):
        prepared.empty(seen, {"t"})
        prepared.run(seen, writer, None)
        prepared.run(seen, make, None)
        assert rows() == 1 and deletes() == ["DELETE FROM main.t"], writer
    # an INSERT into another table, a temporary table or a checkpoint do not
    seen.con.execute("CREATE TABLE u (x INTEGER)")
    for other in ("INSERT INTO u SELECT 2", "CREATE OR REPLACE TEMP TABLE w AS SELECT 1",
                  "CHECKPOINT"):
        prepared.empty(seen, {"t"})
        prepared.run(seen, other, None)
        prepared.run(seen, make, None)
        assert rows() == 1 and deletes() == [], other
    seen.con.close()
