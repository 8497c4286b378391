"""Issue 15, security: `asnsql sql` and `asnsql.connect` read-only for real; identifiers
coming from a database quoted."""

from __future__ import annotations

import pytest

import asnsql

from ._hardening import EXAMPLE_POOL, assert_one_line, run


@pytest.fixture
def database(tmp_path_factory):
    # (one per test: on the code before issue 15, some statements overwrite it)
    folder = tmp_path_factory.mktemp("sec")
    db = folder / "a.duckdb"
    assert asnsql.cli.main(["generate", str(EXAMPLE_POOL), "-p", str(folder / "out"), "-q",
                            "--version-id", "v0", "--db", str(db)]) == 0
    return db


def _bytes(path):
    return path.read_bytes() if path.exists() else None


@pytest.mark.parametrize("statement, written", [
    ("EXPLAIN ANALYZE COPY (SELECT 'x') TO '{db}' (FORMAT csv)", "{db}"),
    ("SET log_query_path='{dir}/b.duckdb'; SELECT 1", "{dir}/b.duckdb"),
    ("SET profiling_output='{dir}/c.txt'; SET enable_profiling='json'; SELECT 1",
     "{dir}/c.txt"),
    ("PRAGMA profiling_output='{dir}/d.txt'; PRAGMA enable_profiling; SELECT 1",
     "{dir}/d.txt"),
    ("EXPLAIN ANALYZE INSTALL httpfs", None),
    ("ATTACH '{db}' AS w", None),
    ("CALL pragma_version()", None),
])
def test_read_only_sql_writes_nothing(database, tmp_path, capsys, statement, written):
    before = _bytes(database)
    sql = statement.format(db=database, dir=tmp_path)
    code, err = run(["sql", "--db", database, sql], capsys)
    assert code == 4
    assert_one_line(err)
    assert "read-only" in err
    assert _bytes(database) == before
    assert list(tmp_path.iterdir()) == []


def test_queries_and_plain_explain_still_run(database, capsys):
    for sql in ("SELECT count(*) FROM pools", "EXPLAIN SELECT * FROM associations",
                "FROM pools SELECT pool", "DESCRIBE associations"):
        assert run(["sql", "--db", database, sql], capsys)[0] == 0, sql


@pytest.mark.parametrize("with_db", [True, False])
def test_read_only_sql_cannot_read_other_files(database, tmp_path, capsys, with_db):
    from asnsql.cli import main

    secret = tmp_path / "secret.csv"
    secret.write_text("a\nsecret\n")
    source = ["--db", database] if with_db else [EXAMPLE_POOL]
    code = main(["sql", *map(str, source), f"SELECT * FROM read_csv('{secret}')"])
    captured = capsys.readouterr()
    assert code == 4 and "secret" not in captured.out
    assert_one_line(captured.err)


def test_in_memory_session_refuses_copy(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, err = run(["sql", EXAMPLE_POOL, "COPY (SELECT 1) TO 'x.csv'"], capsys)
    assert code == 4 and not (tmp_path / "x.csv").exists()
    assert_one_line(err)


def test_output_may_not_overwrite_the_database(database, capsys):
    before = _bytes(database)
    code, err = run(["sql", "--db", database, "-o", database, "SELECT 1"], capsys)
    assert code == 2 and "overwrite" in err
    assert _bytes(database) == before


def test_connect_is_read_only(database, tmp_path):
    con = asnsql.connect(database)
    try:
        assert con.sql("SELECT count(*) FROM associations").fetchone()[0] == 18
        for sql in (f"COPY (SELECT 1) TO '{tmp_path}/x.csv'",
                    f"ATTACH '{database}' AS w",
                    "SET enable_external_access = true",
                    f"SET log_query_path = '{tmp_path}/q.log'"):
            with pytest.raises(Exception):
                con.execute(sql)
    finally:
        con.close()
    assert list(tmp_path.iterdir()) == []


def test_connect_with_write_may_change_the_database(tmp_path):
    db = tmp_path / "w.duckdb"
    con = asnsql.connect(EXAMPLE_POOL, write=True, database=db)
    try:
        con.execute("CREATE TABLE mine AS SELECT 1 AS x")
    finally:
        con.close()
    con = asnsql.connect(db)
    try:
        assert con.sql("SELECT x FROM mine").fetchone() == (1,)
    finally:
        con.close()


def test_table_names_from_the_database_are_quoted(tmp_path, capsys):
    """Second-order injection: a table name stored in ``pools`` is never pasted as SQL."""
    db = tmp_path / "a.duckdb"
    assert run(["generate", EXAMPLE_POOL, "--dry-run", "-q", "--db", db], capsys)[0] == 0
    con = asnsql.connect(db, write=True)
    try:
        con.execute("CREATE TABLE keepme AS SELECT 1 AS x")
        con.execute("UPDATE pools SET table_name = $t",
                    {"t": 'nosuch"; DROP TABLE keepme; --'})
    finally:
        con.close()
    assert run(["generate", EXAMPLE_POOL, "--dry-run", "-q", "--db", db], capsys)[0] == 0
    con = asnsql.connect(db)
    try:
        assert con.sql("SELECT x FROM keepme").fetchone() == (1,)
    finally:
        con.close()
