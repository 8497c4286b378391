"""Batch generation: many pools in one pass, split into chunks, equals each pool alone."""

from __future__ import annotations

import functools
import json
import warnings

import pytest

from asnsql import generate
from asnsql.batch import iter_batch
from asnsql.engine import Engine
from asnsql.options import Options
from asnsql.pipeline import build_candidates, build_runs
from asnsql.plan import Plan

from .conftest import corpus_pool

POOLS = ["jw00711_20181027T043250_pool", "pool_image_nircam", "pool_wfs",
         "jw82600_20171108T041350_pool", "pool_018_all_exptypes"]


def _paths():
    paths = [corpus_pool(p) for p in POOLS]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        pytest.fail(f"corpus pools missing: {missing}")
    return paths


def _canon(asns):
    return sorted(json.dumps(a, sort_keys=True) for a in asns)


@functools.lru_cache(maxsize=2)
def _plan(finalized):
    """The default rules' plan (compiled once per test session)."""
    from asnsql.ruleset import default_ruleset

    return Plan.build(default_ruleset(), Options(finalize=finalized))


def _query(rule, finalized):
    """The SQL of a rule's query, as a plan holds it."""
    return _plan(finalized).queries[rule.name]


def _runs(engine, infos):
    """Candidate runs of every loaded unit, as a generator pass builds them."""
    build_candidates(engine, infos, Options())
    build_runs(engine, infos[0].pool_id, infos[-1].pool_id)


@pytest.mark.parametrize("chunk_rows", [pytest.param(1, marks=pytest.mark.slow), 300])
def test_chunks_equal_pools_alone(chunk_rows):
    """Chunked batch runs (next chunk queried on a worker thread) lose and add nothing."""
    paths = _paths()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        alone = [_canon(generate(p, version_id="v0")) for p in paths]
        engine = Engine()
        try:
            results = list(iter_batch(engine, paths, options=Options(version_id="v0"),
                                      chunk_rows=chunk_rows))
            threads = engine.scalar("SELECT current_setting('threads')")
        finally:
            engine.close()
    assert [_canon(r.associations) for r in results] == alone
    assert len(results) == len(paths)
    assert threads == Engine().scalar("SELECT current_setting('threads')"), \
        "the engine's thread setting is restored after a chunked run"


@pytest.mark.parametrize("workers", [1, 2])
def test_run_parallel_keeps_order_and_reports_failures(workers):
    """Results come back in the order given, whatever order the cursors finish in; a failing
    query raises QueryError with DuckDB's message, the other results released."""
    from asnsql.errors import QueryError

    with Engine() as engine:
        queries = [f"SELECT {n} AS n, count(*) FROM range({n * 1000})" for n in (5, 1, 3)]
        queries.append(("SELECT $x::INTEGER + 1", {"x": 41}))
        seconds: list[float] = []
        results = [p.fetch() for p in engine.run_parallel(queries, workers=workers,
                                                          seconds=seconds)]
        assert results == [[(5, 5000)], [(1, 1000)], [(3, 3000)], [(42,)]]
        assert len(seconds) == 4 and all(s >= 0 for s in seconds)
        with pytest.raises(QueryError, match="no_such_table"):
            engine.run_parallel(["SELECT 1", "SELECT * FROM no_such_table"],
                                workers=workers)


def test_duckdb_threads_are_set_for_a_while_and_put_back():
    with Engine() as engine:
        setting = "SELECT current_setting('threads')"
        before = engine.scalar(setting)
        with pytest.raises(ZeroDivisionError):
            with engine.duckdb_threads(1):
                assert engine.scalar(setting) == 1
                1 / 0
        assert engine.scalar(setting) == before


def test_run_parallel_takes_each_result_in_its_thread():
    """With ``take``, each result is read in the thread that ran its query, as soon as the
    query has run (DuckDB then holds at most ``workers`` results); the values come back in
    the order given, and on a failure those already taken are closed."""
    import threading

    from asnsql.errors import QueryError

    class Taken:
        closed = 0

        def __init__(self, pending):
            self.thread = threading.get_ident()
            self.rows = pending.fetch()

        def close(self):
            Taken.closed += 1

    with Engine() as engine:
        queries = [f"SELECT {n} AS n, count(*) FROM range({n * 1000})" for n in (5, 1, 3)]
        taken = engine.run_parallel(queries, workers=2, take=Taken)
        assert [t.rows for t in taken] == [[(5, 5000)], [(1, 1000)], [(3, 3000)]]
        assert threading.get_ident() not in {t.thread for t in taken}
        with pytest.raises(QueryError, match="no_such_table"):
            engine.run_parallel(["SELECT 1", "SELECT * FROM no_such_table"], workers=2,
                                take=Taken)
        assert Taken.closed == 1


def test_columnar_fetch_gives_the_same_rows():
    """Column-by-column conversion (large chunks) gives the rows, NULLs and types that
    row-by-row conversion gives."""
    query = ("SELECT * FROM (VALUES (1, 'a', true, 2::BIGINT), (NULL, NULL, NULL, NULL), "
             "(3, 'c', false, NULL)) AS t(i, s, b, n) ORDER BY i NULLS LAST")
    with Engine() as engine:
        plain, columnar = engine.run_parallel([query, query], workers=1)
        rows, converted = plain.fetch(), columnar.fetch(columnar=True)
    assert converted == rows == [(1, "a", True, 2), (3, "c", False, None),
                                 (None, None, None, None)]
    assert [type(v) for v in converted[0]] == [int, str, bool, int]
    with Engine() as engine:
        (empty,) = engine.run_parallel(["SELECT 1 AS x WHERE false"], workers=1)
        assert empty.fetch(columnar=True) == []
    # The same values column by column (how the chunk's pool values are read).
    with Engine() as engine:
        plain, columnar, empty = engine.run_parallel(
            [query, query, "SELECT 1 AS x, 'a' AS y WHERE false"], workers=1)
        columns = [plain.fetch_columns(), columnar.fetch_columns(columnar=True)]
        assert empty.fetch_columns() == [[], []]
    assert columns[0] == columns[1] == [list(c) for c in zip(*rows)]


@pytest.mark.parametrize("rule_name, finalized, expected", [
    # Level 2 needs an observation or background candidate (allowed_candidates).
    ("Asn_Lv2Image", True, {("candidate", "observation")}),
    ("Asn_Lv2Image", False, {("candidate", "observation"), ("candidate", "mosaic"),
                             ("candidate", "unknown"), ("discover", "discovered")}),
    # Mosaics only from mosaic candidates (is_type_mosaic).
    ("Asn_Lv3ImageMosaic", True, {("candidate", "mosaic")}),
    # No candidate-type test: every run.
    ("Asn_Lv3Image", True, {("candidate", "observation"), ("candidate", "mosaic"),
                            ("candidate", "unknown"), ("discover", "discovered")}),
])
def test_finalized_rule_queries_read_only_runs_that_can_be_valid(corpus, rule_name,
                                                                   finalized, expected):
    """With finalisation a rule query leaves out the runs whose candidate type fails the
    rule's validity tests; without it (``--no-finalize``) it reads them all."""
    from asnsql.pool import load_pools
    from asnsql.ruleset import default_ruleset

    pool = corpus_pool("pool_001_candidates")
    rule = default_ruleset().get(rule_name)
    with Engine() as engine:
        infos = load_pools(engine, [pool])
        _runs(engine, infos)
        kinds = engine.rows(f"SELECT DISTINCT r.cand_kind, r.cand_type "
                            f"FROM ({_query(rule, finalized)}) AS q "
                            "JOIN runs AS r USING (run)")
    assert set(kinds) == expected


@pytest.mark.parametrize("pool_name", [
    "pool_032_nircam_wfss", pytest.param("jw82600_20171108T041350_pool", marks=pytest.mark.slow),
    pytest.param("pool_018_all_exptypes", marks=pytest.mark.slow)])
def test_finalized_rule_queries_leave_out_associations_missing_a_needed_exptype(corpus,
                                                                             pool_name):
    """With finalisation a rule query leaves out exactly the associations that its
    validity tests would drop (no science member for has_science, no psf for has_psf, or a
    run of a candidate type the tests refuse): compared with the query without
    finalisation, filtered here by the tests themselves."""
    from asnsql.model import CANDIDATE_TYPE_TESTS
    from asnsql.pool import load_pools
    from asnsql.ruleset import default_ruleset

    pool = corpus_pool(pool_name)
    needs = {"has_science": "science", "has_psf": "psf"}
    rules = [r for r in default_ruleset() if r.product != "none"
             and any(t in needs for t in r.validity)]
    dropped = 0
    with Engine() as engine:
        infos = load_pools(engine, [pool])
        _runs(engine, infos)
        ctype = {run: (kind, t.lower()) for run, kind, t in
                 engine.rows("SELECT run, cand_kind, cand_type FROM runs")}
        for rule in rules:
            found = {}
            for finalized in (True, False):
                groups: dict = {}
                for run, gid, pos, exptype in engine.rows(
                        f"SELECT run, gid, pos, exptype FROM "
                        f"({_query(rule, finalized)})"):
                    groups.setdefault((run, gid), []).append((pos, exptype))
                found[finalized] = {(run, frozenset(m)) for (run, _), m in groups.items()}

            def passes(run, members):
                kind, t = ctype[run]
                t = t if kind == "candidate" else "discovered"
                types = {e for _, e in members}
                return all(needs[v] in types for v in rule.validity if v in needs) and all(
                    (t in CANDIDATE_TYPE_TESTS[v][1]) == CANDIDATE_TYPE_TESTS[v][0]
                    for v in rule.validity if v in CANDIDATE_TYPE_TESTS)

            expected = {g for g in found[False] if passes(*g)}
            assert found[True] == expected, rule.name
            dropped += len(found[False]) - len(expected)
    assert dropped > 0        # the pools have associations the tests drop


def test_chunks_start_small_and_keep_units_whole():
    """Chunks grow from an eighth of the limit to the limit; a unit is never split."""
    from asnsql.batch import chunks as make_chunks
    from asnsql.pool import PoolInfo

    infos = [PoolInfo(pool_id=i, name="p", path=None, columns=(), rows=rows,
                      has_candidates=True) for i, rows in enumerate([10] * 60 + [500, 10])]
    chunks = make_chunks(infos, 80)
    assert [u.pool_id for c in chunks for u in c] == list(range(62))
    sizes = [sum(u.rows for u in c) for c in chunks]
    assert sizes[:4] == [10, 20, 40, 80]
    assert max(sizes[:-2]) <= 80 and sizes[-2:] == [500, 10]


def test_batch_settings_restore_the_interpreter():
    """Batch settings (collector paused, short switch interval) nest, and the previous
    settings come back when the last use ends, also after an error."""
    import gc
    import sys

    from asnsql import batch

    before = sys.getswitchinterval()
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        with batch.batch_settings():
            with batch.batch_settings():
                assert not gc.isenabled()
                assert sys.getswitchinterval() == pytest.approx(batch.BATCH_SWITCH_INTERVAL)
            assert not gc.isenabled()
            raise RuntimeError("stop")
    assert gc.isenabled()
    assert sys.getswitchinterval() == before


#: Pools with many kinds of exposure (imaging, spectroscopy, coronagraphy, TSO, WFSS...).
SCREEN_POOLS = ["mega_pool", "pool_018_all_exptypes", "pool_001_candidates",
                "pool_013_coron_nircam", "pool_021_tso", "pool_034_wfss_parallel",
                "pool_024c_nirspec_fss_nods", "pool_017_spec_nirspec_lv2imprint"]


@pytest.mark.slow
def test_screen_never_skips_a_rule_with_members(corpus):
    """The per-chunk screen (a rule's conditions on a few columns, over their distinct
    value combinations) skips rules on varied corpus pools, and never one whose query has
    rows."""
    from asnsql.pool import load_pools
    from asnsql.ruleset import default_ruleset

    rules = [r for r in default_ruleset() if r.product != "none"]
    screens = {f: _plan(f).screen for f in (True, False)}
    skipped = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in SCREEN_POOLS:
            with Engine() as engine:
                infos = load_pools(engine, [corpus_pool(name)])
                _runs(engine, infos)
                for finalized in (True, False):
                    possible = engine.dicts(screens[finalized])[0]
                    for rule in rules:
                        if not possible[rule.name]:
                            skipped += 1
                            rows = engine.rows(_query(rule, finalized))
                            assert not rows, f"{name}: {rule.name} skipped but has members"
    assert skipped > len(SCREEN_POOLS)


@pytest.mark.slow
@pytest.mark.parametrize("options", [{}, {"finalize": False}, {"discover": True}],
                         ids=["default", "no-finalize", "discover"])
def test_screen_on_the_whole_corpus_changes_nothing(corpus, monkeypatch, options):
    """Every corpus pool gives the same associations with the screen as with every rule's
    query run."""
    import dataclasses

    from asnsql import generate_batch

    from .conftest import corpus_pools

    build = Plan.build.__func__

    def unscreened(cls, rules=None, options=None, profile=None):
        plan = build(cls, rules, options, profile)
        return dataclasses.replace(plan, screen="SELECT " + ", ".join(
            f'true AS "{name}"' for name in [*plan.queries]
            + [column for column, _ in plan.unlocked.values()]))

    paths = [corpus_pool(name) for name in corpus_pools()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        screened = generate_batch(paths, version_id="v0", **options)
        monkeypatch.setattr(Plan, "build", classmethod(unscreened))
        unscreened = generate_batch(paths, version_id="v0", **options)
    assert {k: _canon(v) for k, v in screened.items()} == \
        {k: _canon(v) for k, v in unscreened.items()}


#: Pools where locking rules run with no locking row (imaging) and with one (a TA).
LOCK_POOLS = ["pool_002_image_miri", "jw82600_20171108T041350_pool", "pool_018_all_exptypes",
              "pool_024c_nirspec_fss_nods", "jw00711_20181027T043250_pool"]


@pytest.mark.parametrize("pools", [LOCK_POOLS, pytest.param(None, marks=pytest.mark.slow)],
                         ids=["varied", "whole-corpus"])
def test_rules_run_without_locks_where_no_row_locks_give_the_same_associations(
        corpus, monkeypatch, pools):
    """Where the screen finds no row that can take a locking role, a rule with ``locks``
    runs its query compiled without them (Plan.unlocked): each pool gives the same
    associations as with the locks always compiled in, and both variants do run."""
    import dataclasses

    from .conftest import corpus_pools

    ran = []
    start = Engine.run_parallel

    def recording(self, queries, *args, **kwargs):
        ran.extend(q for q in queries if isinstance(q, str))
        return start(self, queries, *args, **kwargs)

    monkeypatch.setattr(Engine, "run_parallel", recording)
    build, plans = Plan.build.__func__, []

    def recorded(cls, *args, **kwargs):
        plans.append(build(cls, *args, **kwargs))
        return plans[-1]

    monkeypatch.setattr(Plan, "build", classmethod(recorded))
    paths = [corpus_pool(name) for name in (pools or corpus_pools())]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        variants = [_canon(generate(p, version_id="v0")) for p in paths]
        unlocked_texts = {text for plan in plans for _, text in plan.unlocked.values()}
        locked_texts = {plan.queries[name] for plan in plans for name in plan.unlocked}
        assert unlocked_texts & set(ran), "no rule ran without its locks"
        assert locked_texts & set(ran), "no rule ran with its locks"
        monkeypatch.setattr(Plan, "build", classmethod(
            lambda cls, *a, **k: dataclasses.replace(build(cls, *a, **k), unlocked={})))
        locked = [_canon(generate(p, version_id="v0")) for p in paths]
    assert variants == locked


def test_hook_values_are_raw_columns_read_for_hook_rules_only(corpus, monkeypatch):
    """What finalisation hooks read is kept raw in pool_defined; the values only they read
    are not in every row's item, but are given for the members of rules with hooks."""
    from asnsql import finalize
    from asnsql.profiles import get_profile

    profile = get_profile("jwst")
    hook_columns = {c for h in profile.hooks for c in h.columns}
    member_columns = set(profile.pool.member_columns)
    # every raw value is read for every row or by a hook
    assert set(profile.raw_columns) == member_columns | hook_columns
    hook_only = set(profile.hook_only_columns)
    assert hook_only == hook_columns - member_columns
    with_values = {h.name for h in profile.hooks if hook_only & set(h.columns)}
    # NIRSpec fixed-slit nods with imprints (nod_split, prune_imprints), and NIRCam images
    # (no hooks).
    seen = {}
    original = finalize.finalize

    def spy(asns, profile):
        for asn in asns:
            hooked = not with_values.isdisjoint(asn.rule.finalize)
            for member in asn.members:
                seen[member.item["pos"], hooked] = set(member.item)
        return original(asns, profile)

    monkeypatch.setattr(finalize, "finalize", spy)
    for name in ("pool_025_nirspec_fss_nod_chop", "pool_003_image_nircam"):
        seen.clear()
        generate(corpus_pool(name), version_id="v0")
        if name.startswith("pool_025"):
            hooked = [keys for (_, h), keys in seen.items() if h]
            assert hooked and all(hook_only <= k for k in hooked)
        else:
            assert seen and not any(hook_only & k for k in seen.values())


def test_pool_defined_has_every_column_a_rule_query_reads():
    """pool_defined keeps only what the rules read (Plan.columns): every column the
    compiled queries take from run_items is there, with and without finalisation."""
    import sqlglot
    from sqlglot import exp

    from asnsql.compile.layout import Cte
    from asnsql.pool import table_columns

    for finalized in (True, False):
        plan = _plan(finalized)
        profile = plan.profile
        read = set().union(*plan.columns.values()) | (profile.vocabulary.screen_columns
                                                      - set(profile.reserved_columns))
        kept = set(table_columns(profile, read, read)[1])
        for name, text in plan.queries.items():
            tree = sqlglot.parse_one(text, read="duckdb")
            x = next(c for c in tree.find_all(exp.CTE) if c.alias == Cte.RULE_ROWS)
            used = {c.name for c in x.this.find_all(exp.Column)}
            assert used - kept - set(profile.reserved_columns) == set(), name
