"""Repeated subexpressions computed once (asnsql.compile.shared): same values, fewer nodes."""

from __future__ import annotations

import duckdb
import sqlglot
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlglot import exp

from asnsql.compile.shared import share_repeated, with_shared

#: A repeated test (ten nodes) and a short one (three: below the size worth a column).
LONG = "COALESCE(a = 'x' OR b = 'y', FALSE)"
SHORT = "LOWER(a)"


def columns(*texts: str) -> list[exp.Expression]:
    return [sqlglot.parse_one(t, read="duckdb") for t in texts]


def select(cols: list[exp.Expression], layers: list[list[exp.Expression]]) -> str:
    """The query over table ``t`` the screen makes of the parts."""
    rows = with_shared(exp.select("*").from_("t"), layers, "t")
    return exp.select(*cols).from_(rows.subquery("t")).sql("duckdb")


def texts(layers: list[list[exp.Expression]]) -> list[list[str]]:
    return [[s.sql("duckdb") for s in layer] for layer in layers]


def test_a_repeated_test_is_named_once_and_read_where_it_was():
    cols, layers = share_repeated(columns(f"{LONG} AND c IS NULL", f"NOT {LONG}",
                                          f"bool_or({LONG})"), "s_")
    assert texts(layers) == [[f'{LONG} AS "s_0"']]
    assert [c.sql("duckdb") for c in cols] == ['"s_0" AND c IS NULL', 'NOT "s_0"',
                                               'BOOL_OR(CAST("s_0" AS BOOLEAN))']


def test_a_part_repeated_inside_a_repeated_part_and_elsewhere_gets_a_layer():
    inner = f"({LONG}) AND d = 'z'"
    cols, layers = share_repeated(columns(inner, f"NOT ({inner})", LONG + " OR e = 'w'",
                                          "f = 'once' OR g = 'once'"), "s_")
    # LONG is repeated inside the repeated AND and apart from it: the AND reads its name
    assert texts(layers) == [[f'{LONG} AS "s_0"'], ['("s_0") AND d = \'z\' AS "s_1"']]
    assert [c.sql("duckdb") for c in cols] == ['"s_1"', 'NOT ("s_1")', '"s_0" OR e = \'w\'',
                                               "f = 'once' OR g = 'once'"]


def test_a_part_repeated_only_inside_a_repeated_part_is_not_named():
    inner = f"({LONG}) AND d = 'z'"
    cols, layers = share_repeated(columns(f"{inner} OR e = 'w'", f"NOT ({inner})"), "s_")
    assert texts(layers) == [[f'({LONG}) AND d = \'z\' AS "s_0"']]


def test_short_tests_aggregates_and_casts_stay_in_place():
    cols, layers = share_repeated(columns(f"{SHORT} || c", f"{SHORT} || 'x'"), "s_")
    assert layers == [] and cols[1].sql("duckdb") == f"{SHORT} || 'x'"
    # an aggregate's argument is a row's value: that part is named, not the aggregate
    agg = "COUNT(DISTINCT a || b || c)"
    cols, layers = share_repeated(columns(f"{agg} > 1", f"{agg} < 9"), "s_")
    assert texts(layers) == [['a || b || c AS "s_0"']]
    assert cols[0].sql("duckdb") == 'COUNT(DISTINCT "s_0") > 1'
    # (a CAST could fail on a row the original did not evaluate it on: only its argument)
    cast = "CAST(a || b || c AS INT) > 1"
    cols, layers = share_repeated(columns(cast, cast), "s_")
    assert texts(layers) == [['a || b || c AS "s_0"']]
    assert cols[0].sql("duckdb") == 'CAST("s_0" AS INT) > 1'


def test_texts_differing_in_case_are_not_merged():
    cols, layers = share_repeated(columns("COALESCE(a = 'X' OR b = 'y', FALSE)",
                                          "COALESCE(a = 'x' OR b = 'y', FALSE)",
                                          "COALESCE(A = 'x' OR b = 'y', FALSE)"), "s_")
    assert texts(layers) == [['b = \'y\' AS "s_0"']]
    assert [c.sql("duckdb") for c in cols] == ["""COALESCE(a = 'X' OR "s_0", FALSE)""",
                                               """COALESCE(a = 'x' OR "s_0", FALSE)""",
                                               """COALESCE(A = 'x' OR "s_0", FALSE)"""]


VALUES = st.one_of(st.none(), st.sampled_from(["x", "y", "z", "X"]))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(VALUES, VALUES, VALUES), min_size=1, max_size=6))
def test_the_query_gives_the_same_values(rows):
    queries = (f"bool_or({LONG} AND c IS NULL)", f"bool_or(NOT ({LONG} AND c = 'z'))",
               f"bool_or({LONG}) AND bool_or(({LONG} AND c = 'z') OR a <> 'X')", "count(*)")
    con = duckdb.connect()
    try:
        con.execute("CREATE TABLE t (a VARCHAR, b VARCHAR, c VARCHAR)")
        con.executemany("INSERT INTO t VALUES (?, ?, ?)", rows)
        before = con.execute(select(columns(*queries), [])).fetchall()
        cols, layers = share_repeated(columns(*queries), "s_")
        assert len(layers) == 2   # (LONG, and LONG AND c = 'z' reading it)
        assert con.execute(select(cols, layers)).fetchall() == before
    finally:
        con.close()
