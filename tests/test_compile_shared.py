"""Repeated subexpressions computed once (asnsql.compile.shared): same values, fewer nodes."""

from __future__ import annotations

import duckdb
import sqlglot
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlglot import exp

from asnsql.compile.shared import share_repeated

#: A repeated test (ten nodes) and a short one (three: below the size worth a column).
LONG = "COALESCE(a = 'x' OR b = 'y', FALSE)"
SHORT = "LOWER(a)"


def columns(*texts: str) -> list[exp.Expression]:
    return [sqlglot.parse_one(t, read="duckdb") for t in texts]


def select(cols: list[exp.Expression], shared: list[exp.Expression]) -> str:
    """The query over table ``t`` the screen makes of the parts."""
    rows = exp.select("*").from_("t")
    if shared:
        rows = exp.select(exp.Star(), *shared).from_(rows.subquery("t"))
    return exp.select(*cols).from_(rows.subquery("t")).sql("duckdb")


def test_a_repeated_test_is_named_once_and_read_where_it_was():
    cols, shared = share_repeated(columns(f"{LONG} AND c IS NULL", f"NOT {LONG}",
                                          f"bool_or({LONG})"), "s_")
    assert [s.sql("duckdb") for s in shared] == [f'{LONG} AS "s_0"']
    assert [c.sql("duckdb") for c in cols] == ['"s_0" AND c IS NULL', 'NOT "s_0"',
                                               'BOOL_OR(CAST("s_0" AS BOOLEAN))']


def test_the_largest_repeated_part_is_named_and_single_ones_stay():
    inner = f"({LONG}) AND d = 'z'"
    cols, shared = share_repeated(columns(inner, f"NOT ({inner})", LONG + " OR e = 'w'",
                                          "f = 'once' OR g = 'once'"), "s_")
    # the whole AND is repeated (and holds LONG); LONG is repeated apart from it too
    assert [s.alias for s in shared] == ["s_0", "s_1"]
    assert shared[0].this.sql("duckdb") == f"({LONG}) AND d = 'z'"
    assert shared[1].this.sql("duckdb") == LONG
    assert cols[3].sql("duckdb") == "f = 'once' OR g = 'once'"


def test_short_tests_aggregates_and_casts_stay_in_place():
    cols, shared = share_repeated(columns(f"{SHORT} || c", f"{SHORT} || 'x'"), "s_")
    assert shared == [] and cols[1].sql("duckdb") == f"{SHORT} || 'x'"
    # an aggregate's argument is a row's value: that part is named, not the aggregate
    agg = "COUNT(DISTINCT a || b || c)"
    cols, shared = share_repeated(columns(f"{agg} > 1", f"{agg} < 9"), "s_")
    assert [s.this.sql("duckdb") for s in shared] == ["a || b || c"]
    assert cols[0].sql("duckdb") == 'COUNT(DISTINCT "s_0") > 1'
    # (a CAST could fail on a row the original did not evaluate it on: only its argument)
    cast = "CAST(a || b || c AS INT) > 1"
    cols, shared = share_repeated(columns(cast, cast), "s_")
    assert [s.this.sql("duckdb") for s in shared] == ["a || b || c"]
    assert cols[0].sql("duckdb") == 'CAST("s_0" AS INT) > 1'


def test_texts_differing_in_case_are_not_merged():
    cols, shared = share_repeated(columns("COALESCE(a = 'X' OR b = 'y', FALSE)",
                                          "COALESCE(a = 'x' OR b = 'y', FALSE)",
                                          "COALESCE(A = 'x' OR b = 'y', FALSE)"), "s_")
    assert [s.this.sql("duckdb") for s in shared] == ["b = 'y'"]
    assert [c.sql("duckdb") for c in cols] == ["""COALESCE(a = 'X' OR "s_0", FALSE)""",
                                               """COALESCE(a = 'x' OR "s_0", FALSE)""",
                                               """COALESCE(A = 'x' OR "s_0", FALSE)"""]


VALUES = st.one_of(st.none(), st.sampled_from(["x", "y", "z", "X"]))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(VALUES, VALUES, VALUES), min_size=1, max_size=6))
def test_the_query_gives_the_same_values(rows):
    texts = (f"bool_or({LONG} AND c IS NULL)", f"bool_or(NOT {LONG} OR c = 'z')",
             f"bool_or({LONG}) AND bool_or(({LONG}) AND a <> 'X')", "count(*)")
    con = duckdb.connect()
    try:
        con.execute("CREATE TABLE t (a VARCHAR, b VARCHAR, c VARCHAR)")
        con.executemany("INSERT INTO t VALUES (?, ?, ?)", rows)
        before = con.execute(select(columns(*texts), [])).fetchall()
        cols, shared = share_repeated(columns(*texts), "s_")
        assert shared
        assert con.execute(select(cols, shared)).fetchall() == before
    finally:
        con.close()
