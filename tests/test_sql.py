"""Issue 5: ad-hoc SQL over pools and associations, why, --db, asnsql.connect, tables."""

from __future__ import annotations

import csv
import io
import json
import warnings
from collections import Counter

import pytest
from click.testing import CliRunner

import asnsql
from asnsql.cli import cli, main
from asnsql.io import dumps
from asnsql.tables import from_tables, to_tables

from .conftest import EXAMPLE_POOL, corpus_path, corpus_pool

NIRSPEC_POOL = "jw00711_20181027T043250_pool"


def _pool_rows(path):
    """The pool's rows as dicts, read with the csv module (comment lines skipped)."""
    lines = [ln for ln in path.read_text().splitlines()
             if ln.strip() and not ln.lstrip().startswith("#")]
    return list(csv.DictReader(lines, delimiter="|"))


def _run(args, input=None):
    result = CliRunner().invoke(cli, args, input=input, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_query_counts_match_the_pool_file():
    pool = corpus_pool(NIRSPEC_POOL)
    expected = Counter(r["EXP_TYPE"].strip().lower() for r in _pool_rows(pool))
    out = _run(["sql", str(pool), "SELECT exp_type, count(*) AS n FROM pool GROUP BY ALL",
                "--format", "json"])
    got = {r["exp_type"]: r["n"] for r in json.loads(out)}
    assert got == dict(expected)


def test_candidates_table_lists_each_rows_candidates():
    rows = _pool_rows(EXAMPLE_POOL)
    expected = sum(r["ASN_CANDIDATE"].count("(") for r in rows)
    out = _run(["sql", str(EXAMPLE_POOL), "SELECT count(*) AS n, count(DISTINCT pool_row) AS "
                "r FROM pool_candidates", "--format", "jsonl"])
    assert json.loads(out) == {"n": expected, "r": len(rows)}


def test_associations_tables_against_the_reference(corpus):
    truth = sorted(corpus_path(EXAMPLE_POOL.stem, "truth").glob("*_asn.json"))
    members = sum(len(p["members"]) for t in truth for p in json.loads(t.read_text())["products"])
    out = _run(["sql", str(EXAMPLE_POOL), "--associations", "--format", "json",
                "--version-id", "v0", "SELECT (SELECT count(*) FROM associations) AS a, "
                "(SELECT count(*) FROM members) AS m, "
                "(SELECT list(file_name ORDER BY file_name) FROM associations) AS names"])
    got = json.loads(out)[0]
    assert got["a"] == len(truth) and got["m"] == members
    assert got["names"] == [t.name for t in truth]


def test_members_join_their_pool_rows():
    out = _run(["sql", str(EXAMPLE_POOL), "--associations", "--format", "json",
                "SELECT count(*) AS bad FROM members m JOIN pool p USING (pool_row) "
                "WHERE m.exptype = 'science' AND NOT starts_with(m.expname, "
                "replace(replace(p.filename, '_uncal.fits', ''), '.fits', ''))"])
    assert json.loads(out) == [{"bad": 0}]


def test_several_pools_are_tables_by_stem():
    a = corpus_pool(NIRSPEC_POOL)
    out = _run(["sql", str(a), str(EXAMPLE_POOL), "--format", "json",
                "SELECT table_name, rows FROM pools ORDER BY table_name"])
    got = json.loads(out)
    assert [g["table_name"] for g in got] == sorted(
        [NIRSPEC_POOL.lower(), EXAMPLE_POOL.stem.lower()])
    assert {g["rows"] for g in got} == {len(_pool_rows(a)), len(_pool_rows(EXAMPLE_POOL))}


def test_pool_from_stdin():
    out = _run(["sql", "-", "SELECT count(*) AS n FROM pool", "--format", "csv"],
               input=EXAMPLE_POOL.read_text())
    assert out.splitlines() == ["\"n\"", str(len(_pool_rows(EXAMPLE_POOL)))]


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl", "parquet"])
def test_output_file_formats(tmp_path, fmt):
    out = tmp_path / f"r.{fmt}"
    _run(["sql", str(EXAMPLE_POOL), "SELECT filename FROM pool ORDER BY pool_row",
          "--format", fmt, "-o", str(out)])
    if fmt == "parquet":
        import pyarrow.parquet as pq

        names = pq.read_table(out).column("filename").to_pylist()
    elif fmt == "csv":
        names = [r["filename"] for r in csv.DictReader(io.StringIO(out.read_text()))]
    elif fmt == "json":
        names = [r["filename"] for r in json.loads(out.read_text())]
    else:
        names = [json.loads(line)["filename"] for line in out.read_text().splitlines()]
    assert names == [r["FILENAME"].strip().lower() for r in _pool_rows(EXAMPLE_POOL)]


def test_sql_error_is_one_line(capsys):
    assert main(["sql", str(EXAMPLE_POOL), "SELECT * FROM no_such_table"]) == 4
    err = capsys.readouterr().err.strip()
    assert err.startswith("asnsql: error: Catalog Error") and "\n" not in err


def test_table_output_is_aligned():
    out = _run(["sql", str(EXAMPLE_POOL), "SELECT pool_row, exp_type FROM pool "
                "ORDER BY pool_row LIMIT 3"])
    lines = out.splitlines()
    assert lines[0].split() == ["pool_row", "exp_type"] and set(lines[1]) <= {"-", " "}
    assert len({len(line) for line in lines}) == 1 and len(lines) == 5


# --- the persistent database -------------------------------------------------------------

@pytest.fixture(scope="module")
def database(tmp_path_factory):
    folder = tmp_path_factory.mktemp("db")
    db = folder / "archive.duckdb"
    assert main(["generate", str(EXAMPLE_POOL), "-p", str(folder / "out"), "-q",
                 "--version-id", "v0", "--db", str(db)]) == 0
    return db, folder / "out"


def test_generate_db_holds_what_generate_wrote(database):
    """The relational tables round-trip: rebuilt dicts equal the written JSON exactly."""
    db, out = database
    con = asnsql.connect(db)
    try:
        tables = {t: con.sql(f"SELECT * FROM {t}").to_arrow_table()
                  for t in ("associations", "products", "members")}
    finally:
        con.close()
    rebuilt = {a.name + ".json": dumps(a) for a in from_tables(**tables)}
    written = {p.name: p.read_text() for p in out.glob("*.json")}
    assert rebuilt == written


def test_to_tables_round_trip_in_memory():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pool = corpus_pool(NIRSPEC_POOL)
        asns = asnsql.generate(pool, version_id="v0")
    back = from_tables(**to_tables(asns))
    assert [a.name for a in back] == [a.name for a in asns]
    assert [dumps(a) for a in back] == [dumps(a) for a in asns]


@pytest.mark.parametrize("statement", [
    "CREATE TABLE x AS SELECT 1",
    "DROP TABLE associations",
    "INSERT INTO pools SELECT * FROM pools",
    "COPY (SELECT 1) TO 'copy.csv'",
    "SELECT 1; DELETE FROM members",
])
def test_read_only_database_refuses_writes(database, statement, tmp_path, monkeypatch,
                                           capsys):
    db, _ = database
    before = db.read_bytes()
    monkeypatch.chdir(tmp_path)
    assert main(["sql", "--db", str(db), statement]) == 4
    err = capsys.readouterr().err
    assert "read-only" in err and "--write" in err and err.count("\n") == 1
    assert db.read_bytes() == before
    assert not (tmp_path / "copy.csv").exists()


def test_read_only_database_answers_queries(database):
    db, _ = database
    before = db.read_bytes()
    out = _run(["sql", "--db", str(db), "--format", "json",
                "SELECT pool, rows FROM pools"])
    assert json.loads(out) == [{"pool": EXAMPLE_POOL.name,
                                "rows": len(_pool_rows(EXAMPLE_POOL))}]
    assert db.read_bytes() == before


def test_loading_a_pool_again_replaces_it(tmp_path):
    db = tmp_path / "a.duckdb"
    other = corpus_pool(NIRSPEC_POOL)
    for pool in (EXAMPLE_POOL, other, EXAMPLE_POOL):
        _run(["sql", "--db", str(db), "--write", str(pool), "--associations", "SELECT 1"])
    out = _run(["sql", "--db", str(db), "--format", "json",
                "SELECT pool, (SELECT count(*) FROM associations a WHERE a.pool = p.pool) AS n, "
                "(SELECT count(*) FROM pool_candidates c WHERE c.pool = p.pool) AS c "
                "FROM pools p ORDER BY pool"])
    got = {r["pool"]: r for r in json.loads(out)}
    assert set(got) == {EXAMPLE_POOL.name, other.name}
    truth = len(list(corpus_path(EXAMPLE_POOL.stem, "truth").glob("*_asn.json")))
    assert got[EXAMPLE_POOL.name]["n"] == truth
    rows = _pool_rows(EXAMPLE_POOL)
    assert got[EXAMPLE_POOL.name]["c"] == sum(r["ASN_CANDIDATE"].count("(") for r in rows)


def test_write_needs_db_and_missing_db_is_an_error(tmp_path, capsys):
    assert main(["sql", "--write", str(EXAMPLE_POOL), "SELECT 1"]) != 0
    assert main(["sql", "--db", str(tmp_path / "none.duckdb"), "SELECT 1"]) == 4
    assert "no database" in capsys.readouterr().err
    assert not (tmp_path / "none.duckdb").exists()


def test_connect_pool_gives_a_duckdb_connection():
    con = asnsql.connect(EXAMPLE_POOL, associations=True)
    try:
        n = con.sql("SELECT count(*) FROM pool").fetchone()[0]
        kinds = dict(con.sql("SELECT asn_type, count(*) FROM associations GROUP BY ALL")
                     .fetchall())
    finally:
        con.close()
    assert n == len(_pool_rows(EXAMPLE_POOL))
    assert kinds == {"image2": 15, "image3": 3}


# --- why -----------------------------------------------------------------------------------

ORPHAN_HEADER = ["filename", "exp_type", "program", "obs_num", "instrume", "detector",
                 "filter", "pupil", "subarray", "pntgtype", "asn_candidate", "targetid"]


def _small_pool(tmp_path):
    rows = []
    for n, exp_type in enumerate(["nrc_image", "nrc_image", "nrc_dark"], start=1):
        rows.append([f"jw00007001001_0210{n}_00001_nrca1_uncal.fits", exp_type, "00007", "1",
                     "nircam", "nrca1", "f090w", "clear", "full", "science",
                     "[('o001', 'observation')]", "1"])
    path = tmp_path / "jw00007_pool.csv"
    path.write_text("\n".join("|".join(r) for r in [ORPHAN_HEADER] + rows) + "\n")
    return path


def test_why_on_an_orphan_names_the_failing_condition(tmp_path):
    pool = _small_pool(tmp_path)
    out = _run(["why", str(pool), "jw00007001001_02103_00001_nrca1_uncal.fits"])
    assert "member of no association" in out
    line = next(ln for ln in out.splitlines() if ln.strip().startswith("Asn_Lv2Image "))
    assert "exp_type matches" in line and "found exp_type=nrc_dark" in line


def test_why_on_a_member_names_its_associations(tmp_path):
    pool = _small_pool(tmp_path)
    out = _run(["why", str(pool), "0"])
    assert "member of 2 association product(s)" in out
    assert "image2" in out and "image3" in out and "candidate_Asn_Lv2Image" in out
    line = next(ln for ln in out.splitlines() if ln.strip().startswith("Asn_Lv2Image "))
    assert "passes all" in line


@pytest.mark.slow
def test_why_finds_an_exposure_by_another_suffix(tmp_path):
    pool = _small_pool(tmp_path)
    out = _run(["why", str(pool), "jw00007001001_02102_00001_nrca1_rate.fits"])
    assert out.startswith("jw00007001001_02102_00001_nrca1_uncal.fits (pool row 1")


def test_why_unknown_row_is_one_line(tmp_path, capsys):
    pool = _small_pool(tmp_path)
    assert main(["why", str(pool), "7"]) == 2
    err = capsys.readouterr().err
    assert "no row 7" in err and err.count("\n") == 1


def test_save_orphans_says_which_rule_came_closest(tmp_path):
    pool = _small_pool(tmp_path)
    out = tmp_path / "out"
    assert main(["generate", str(pool), "-p", str(out), "-q", "--save-orphans"]) == 0
    lines = (out / "orphaned.csv").read_text().splitlines()
    assert lines[0].split("|") == ORPHAN_HEADER + ["asn_closest_rule", "asn_why"]
    assert len(lines) == 2 and "nrc_dark" in lines[1]
    rule, why = lines[1].split("|")[-2:]
    assert rule.startswith("Asn_") and "fails check" in why


def test_help_has_examples():
    for command in ([], ["sql"], ["why"], ["generate"]):
        out = _run(command + ["--help"])
        assert "Examples:" in out, command


def test_explain_checks_lists_what_why_evaluates():
    out = _run(["explain", "Asn_Lv2Image", "--checks"])
    labels = [ln for ln in out.splitlines() if ln.startswith("-- check ")]
    assert labels[0].startswith("-- check 1: none of (detector matches nirspec")
    assert labels[-1].startswith(f"-- check {len(labels)}: takes a role:")
