"""The result rows and the found-values encoding (pure Python)."""

from __future__ import annotations

import subprocess
import sys

from asnsql.compile.results import (
    NAME_SEPARATOR,
    RESULT_COLUMNS,
    VALUE_SEPARATOR,
    ResultRow,
    decode_found,
    encode_found,
    found_display,
    found_first,
)


def test_round_trip():
    found = {"program": ["1"], "opt_elem": ["f1", "f2"], "opt_elem2": []}
    text = encode_found(found)
    assert text == f"program=1{NAME_SEPARATOR}opt_elem=f1{VALUE_SEPARATOR}f2" \
                   f"{NAME_SEPARATOR}opt_elem2="
    assert decode_found(text) == found


def test_empty_and_missing():
    assert decode_found("") == {} and decode_found(None) == {}
    assert encode_found({}) == ""


def test_first_value_and_display():
    text = encode_found({"is_tso": ["t", "true"], "x": []})
    assert found_first(text, "is_tso") == "t"
    assert found_first(text, "x") is None and found_first(text, "y") is None
    assert found_display(text) == "is_tso=t,true; x="


def test_result_columns_are_named():
    assert RESULT_COLUMNS == ("rule", "run", "gid", "created", "pos", "role", "exptype",
                              "phase", "found")
    row = ResultRow("Asn_Test", 0, 1, 2, 3, "science", "science", 0, None)
    assert row.found is None and row[4] == row.pos == 3


def test_compile_loads_no_database_and_results_no_sqlglot():
    code = ("import sys, asnsql.compile.results, asnsql.compile.reads; "
            "assert 'sqlglot' not in sys.modules; "
            "import asnsql.compile as c; c.rule_sql; c.screen_sql; c.checks_sql; "
            "assert 'sqlglot' in sys.modules; "
            "assert not [m for m in sys.modules if m.split('.')[0] == 'duckdb'], 'duckdb'")
    subprocess.run([sys.executable, "-c", code], check=True)
