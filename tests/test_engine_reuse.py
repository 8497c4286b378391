"""In-process reuse: ``asnsql.generate`` borrows a DuckDB engine for small pool files and
gives it back (its tables emptied, its statements prepared: asnsql.replay) for the next call
of the same thread, and a plan built again from the same ruleset is not spelled out again."""

from __future__ import annotations

import threading

import pytest

import asnsql
from asnsql.engine import Engine
from asnsql.errors import PoolError
from asnsql.plan import Plan

from .conftest import corpus_path

POOLS = ["jw88600_20171108T051731_pool", "pool_002_image_miri", "jw10004_20171108T090028_pool"]


def _pool(name):
    return corpus_path(name, f"{name}.csv")


def _fresh(path):
    """The associations of ``path`` made on an engine of its own."""
    with Engine.for_pools([path]) as engine:
        return asnsql.generate(path, engine=engine, version_id="v0")


def _same(a, b):
    return [(x.name, dict(x)) for x in a] == [(x.name, dict(x)) for x in b]


def test_consecutive_pools_on_one_borrowed_engine_give_their_own_associations():
    fresh = {name: _fresh(_pool(name)) for name in POOLS}
    for name in POOLS + POOLS[::-1]:
        assert _same(asnsql.generate(_pool(name), version_id="v0"), fresh[name]), name


def test_the_engine_given_back_is_lent_again_with_its_tables_emptied():
    path = _pool(POOLS[0])
    engine = Engine.borrow([path])
    asnsql.generate(path, engine=engine, version_id="v0")
    tables = [name for name, in engine.rows(
        "SELECT table_name FROM duckdb_tables() WHERE NOT internal")]
    assert tables
    engine.give_back()
    again = Engine.borrow([path])
    try:
        assert again is engine
        counts = [again.scalar(f"SELECT count(*) FROM main.{name}") for name in tables]
        assert counts == [0] * len(tables)
        # its macros stay
        assert again.scalar("SELECT asn_value('  X ')") is not None
    finally:
        again.close()


def test_another_thread_gets_an_engine_of_its_own():
    path = _pool(POOLS[0])
    mine = Engine.borrow([path])
    mine.give_back()
    seen = []
    thread = threading.Thread(target=lambda: seen.append(Engine.borrow([path])))
    thread.start()
    thread.join()
    try:
        assert seen[0] is not mine
    finally:
        seen[0].close()
        Engine.borrow([path]).close()


def test_a_failed_run_closes_its_engine(tmp_path):
    path = _pool(POOLS[0])
    lent = Engine.borrow([path])
    lent.give_back()
    bad = tmp_path / "bad.csv"
    bad.write_text("filename|program|exp_type\na.fits|1\n")
    with pytest.raises(PoolError):
        asnsql.generate(bad, version_id="v0")  # (runs on the engine given back, and fails)
    engine = Engine.borrow([path])
    try:
        assert engine is not lent
        assert engine.rows("SELECT count(*) FROM duckdb_tables() WHERE NOT internal") == [(0,)]
    finally:
        engine.close()


def test_large_or_traced_engines_are_closed_not_kept():
    path = _pool(POOLS[0])
    Engine.borrow([path]).close()
    statements = []
    asnsql.generate(path, version_id="v0", tracer=lambda sql, params: statements.append(sql))
    assert any("MACRO" in s.upper() for s in statements), "a traced run sees its set-up"
    plain = Engine()
    plain.give_back()  # (not an engine of small pools: closed)
    fresh = Engine.borrow([path])
    try:
        assert fresh is not plain
    finally:
        fresh.close()


def test_a_plan_built_again_reuses_its_sql():
    first, again = Plan.build(), Plan.build()
    assert again.queries is first.queries and again.screen == first.screen
    no_finalize = Plan.build(options=asnsql.options.Options(finalize=False))
    assert no_finalize.queries != first.queries


def test_an_engine_holding_other_relations_is_closed_not_kept():
    path = _pool(POOLS[0])
    Engine.borrow([path]).close()
    lent = Engine.borrow([path])
    lent.execute('CREATE TABLE "Odd Name" (x INTEGER)')
    lent.give_back()
    again = Engine.borrow([path])
    try:
        assert again is not lent
    finally:
        again.close()


def test_the_catalog_is_read_again_only_after_it_changed(monkeypatch):
    path = _pool(POOLS[0])
    Engine.borrow([path]).close()
    read = []
    rows = Engine.rows

    def noted(self, sql, params=None):
        read.append("duckdb_tables()" in str(sql))
        return rows(self, sql, params)

    monkeypatch.setattr(Engine, "rows", noted)
    for made in ('CREATE TABLE "Odd Name" (x INTEGER)',
                 "CREATE OR REPLACE TEMP TABLE scratch AS SELECT 1 AS x"):
        read.clear()
        # (the tables made before the first lending are made once more by their
        # statements: the catalog is read when the engine is given back twice)
        for _ in range(2):
            asnsql.generate(path, version_id="v0")
        assert read.count(True) == 2
        read.clear()
        for _ in range(3):                      # (the same statements: not read)
            asnsql.generate(path, version_id="v0")
        assert read.count(True) == 0
        lent = Engine.borrow([path])
        lent.execute(made)
        lent.give_back()                        # (read, and the engine is not kept)
        assert read.count(True) == 1
        again = Engine.borrow([path])
        assert again is not lent
        again.close()


def test_a_lent_engine_runs_its_statements_prepared_and_gives_the_same_associations():
    """From the second lending on, statements run as prepared ones; a pool after another
    (other candidates, other rules passing the screen) still gets its own associations."""
    # (the WFS pools gave wrong rows, or crashed DuckDB, with statistics-based plans:
    # engine.SMALL_DISABLED_OPTIMIZERS)
    names = POOLS + ["jw00711_20181027T043250_pool", "jw00791_20181019T221608_pool",
                     "pool_004_wfs"]
    fresh = {name: _fresh(_pool(name)) for name in names}
    Engine.borrow([_pool(POOLS[0])]).close()
    for name in names * 2 + names[::-1]:
        assert _same(asnsql.generate(_pool(name), version_id="v0"), fresh[name]), name
    engine = Engine.borrow([_pool(POOLS[0])])
    try:
        prepared = engine.rows("SELECT count(*) FROM duckdb_prepared_statements()")[0][0]
        assert prepared > 10
        # the screen runs from its prepared statement: one more call prepares nothing new
        asnsql.generate(_pool(POOLS[0]), engine=engine, version_id="v0")
        assert engine.scalar("SELECT count(*) FROM duckdb_prepared_statements()") == prepared
    finally:
        engine.close()


def test_a_statement_changing_the_catalog_drops_the_prepared_ones():
    path = _pool(POOLS[0])
    Engine.borrow([path]).close()
    for _ in range(3):
        asnsql.generate(path, version_id="v0")
    engine = Engine.borrow([path])
    try:
        assert engine.scalar("SELECT count(*) FROM duckdb_prepared_statements()") > 0
        engine.execute("CREATE OR REPLACE VIEW extra AS SELECT 1 AS x")
        # (the count itself is prepared as it runs)
        assert engine.scalar("SELECT count(*) FROM duckdb_prepared_statements()") == 1
    finally:
        engine.close()


@pytest.mark.slow
def test_every_corpus_pool_on_lent_engines_matches_its_own_engine():
    from .conftest import corpus_dir

    names = sorted(p.name for p in corpus_dir().iterdir() if (p / f"{p.name}.csv").exists())
    fresh = {name: _fresh(_pool(name)) for name in names}
    Engine.borrow([_pool(names[0])]).close()
    for name in names + names[::-1]:
        assert _same(asnsql.generate(_pool(name), version_id="v0"), fresh[name]), name


def test_another_plan_on_a_lent_engine_makes_its_tables_again():
    """A table is refilled only by the statement that made it: a ruleset reading other
    columns (another pool_defined) on the same engine, in turns with the default one."""
    from asnsql.model import Ruleset
    from asnsql.ruleset import default_ruleset

    level2 = Ruleset(rules=tuple(r for r in default_ruleset() if r.level == 2))
    assert Plan.build(level2).pool_sql != Plan.build().pool_sql
    path = _pool(POOLS[0])
    with Engine.for_pools([path]) as engine:
        alone = asnsql.generate(path, level2, engine=engine, version_id="v0")
    fresh = _fresh(path)
    Engine.borrow([path]).close()
    for _ in range(3):
        assert _same(asnsql.generate(path, version_id="v0"), fresh)
        assert _same(asnsql.generate(path, level2, version_id="v0"), alone)


def test_a_lent_engine_checkpoints_its_deleted_rows_now_and_then(monkeypatch):
    """Every CHECKPOINT_EVERY lendings the emptied tables are checkpointed (their deleted
    rows otherwise slow a one-row pool's run by a third after 150 pools: benchmarks); the
    prepared statements stay, and the associations stay those of an engine of their own."""
    from asnsql import engine as engine_module

    monkeypatch.setattr(engine_module, "CHECKPOINT_EVERY", 3)
    path = _pool(POOLS[0])
    fresh = _fresh(path)
    Engine.borrow([path]).close()
    seen = []
    execute = Engine.execute

    def spying(self, sql, params=None):
        seen.append(sql)
        return execute(self, sql, params)

    from asnsql import replay

    made = []
    prepare = replay.Prepared._prepare

    def counting(self, con, body):
        made.append(body)
        return prepare(self, con, body)

    monkeypatch.setattr(Engine, "execute", spying)
    monkeypatch.setattr(replay.Prepared, "_prepare", counting)
    counts = []
    for _ in range(10):
        assert _same(asnsql.generate(path, version_id="v0"), fresh)
        counts.append(len(made))
    assert seen.count("CHECKPOINT") == 3  # (after the 3rd, 6th and 9th call)
    # prepared in the engine's first lendings (on its connection, then on each cursor of
    # the parallel rule queries), then kept through the checkpoints after the 6th and 9th
    assert counts[3] > 10 and counts[3:] == [counts[3]] * 7, counts
