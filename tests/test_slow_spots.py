"""The measured slow spots of issue 17, checked for behaviour (the timings are in
benchmarks/RESULTS.md): pruning's index, no list parameters, the start of a small run."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys

import pytest

from asnsql import finalize, generate

from .conftest import EXAMPLE_POOL, corpus_path


def _prune_inputs(monkeypatch, pool: str) -> list:
    """The associations each prune call of a run on corpus ``pool`` is given."""
    seen = []
    original = finalize.prune

    def capture(asns):
        seen.append(list(asns))
        return original(asns)

    monkeypatch.setattr(finalize, "prune", capture)
    generate(str(corpus_path(pool, f"{pool}.csv")), version_id="v0")
    return seen


@pytest.mark.parametrize("pool", ["pool_013_coron_nircam_short", "pool_014_ami_niriss"])
def test_loosely_equal_associations_share_the_index_key(monkeypatch, pool):
    # prune looks for earlier pruned associations only under the same _loose_key; the key
    # must be shared by every loosely equal pair, or pruning would change.
    equal_pairs = 0
    for asns in _prune_inputs(monkeypatch, pool):
        for a, b in itertools.combinations(asns, 2):
            if finalize.loosely_equal(a, b):
                equal_pairs += 1
                assert finalize._loose_key(a) == finalize._loose_key(b)
    assert equal_pairs, "the pool must have loosely equal associations to test the key"


def test_hook_positions_bound_as_one_typed_array():
    # jw09505's rules name hooks reading hook-only columns; their rows' values are fetched
    # with the positions bound as one text parameter, and no statement binds a list
    # (DuckDB binds list elements one by one, trying to import pandas for each).
    bound = []
    generate(str(corpus_path("jw09505_20251216t202003_pool",
                             "jw09505_20251216t202003_pool.csv")),
             version_id="v0", tracer=lambda sql, params: bound.append((sql, params)))
    hooked = [params for sql, params in bound if "$positions" in sql]
    assert hooked == [{"positions": "[0, 1, 2, 3, 4, 5, 6, 7]"}]
    lists = [(sql, params) for sql, params in bound if isinstance(params, dict)
             and any(isinstance(v, (list, tuple)) for v in params.values())]
    assert lists == []


def _installed(name: str) -> bool:
    """Whether ``name`` can be imported here (without importing it)."""
    import importlib.util

    return importlib.util.find_spec(name) is not None


def test_small_pool_run_imports_only_what_it_uses(tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "out"
    # A small pool file written as JSON needs neither astropy, pyarrow, numpy, pandas,
    # jsonschema nor sqlglot (with the plan's SQL cached, as after a first run; the rule
    # files are read, with PyYAML), nor the duckdb package around its compiled module
    # (which reads its version through importlib.metadata: 25-30 ms).
    code = (
        "import sys\n"
        "class Count:\n"
        "    asked = 0\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        Count.asked += name == 'pandas'\n"
        "sys.meta_path.insert(0, Count())\n"
        "from asnsql.cli import main\n"
        f"args = ['generate', {str(EXAMPLE_POOL)!r}, '-p', {str(out)!r}, "
        "'--version-id', 'v0', '-q']\n"
        "try:\n"
        "    main(args)\n"
        "except SystemExit as stop:\n"
        "    assert not stop.code, stop.code\n"
        "heavy = ['astropy', 'pyarrow', 'numpy', 'pandas', 'jsonschema', 'sqlglot',\n"
        "         'duckdb', 'importlib.metadata']\n"
        "print(Count.asked)\n"
        "print(' '.join(m for m in heavy if m in sys.modules))\n")
    for _ in range(2):  # the first run may compile the plan (sqlglot) and fill the cache
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, env={**os.environ, "ASNSQL_CACHE": str(cache)})
    asked, loaded = (run.stdout + "\n").split("\n")[:2]
    # Where pandas is installed (the 'spark' extra brings it), DuckDB's parameter binder
    # imports it (and so numpy and pyarrow) on the first bound value: DuckDB's doing, not
    # asnsql's; the others must still stay out.
    duckdb_loads = {"pandas", "numpy", "pyarrow"} if _installed("pandas") else set()
    assert set(loaded.split()) - duckdb_loads == set()
    # DuckDB looks for pandas twice per parameter value it binds (a list: per element); a
    # run binds a few scalars, not the pool's header or rows as lists.
    columns = len(EXAMPLE_POOL.read_text().splitlines()[0].split("|"))
    assert int(asked) < columns
    assert list(out.glob("*_asn.json"))


def test_small_pool_files_run_queries_on_one_thread(tmp_path):
    # A small pool file: each DuckDB query on one thread (the rule queries side by side);
    # tables in memory and larger files keep the default.
    from asnsql.engine import SMALL_POOL_BYTES, Engine

    big = tmp_path / "big.csv"
    big.write_bytes(b"#" * (SMALL_POOL_BYTES + 1))
    threads = "SELECT current_setting('threads')"
    with Engine.for_pools([EXAMPLE_POOL]) as engine:
        assert engine.scalar(threads) == 1
    with Engine.for_pools([EXAMPLE_POOL, big]) as engine, Engine() as default:
        assert engine.scalar(threads) == default.scalar(threads)
    with Engine.for_pools([object()]) as engine, Engine() as default:
        assert engine.scalar(threads) == default.scalar(threads)


def test_rule_queries_start_longest_first(monkeypatch):
    # The rule queries run side by side; the longest should start first. A query not run
    # yet is ranked by the length of its text (on a small pool DuckDB's planning, which
    # grows with the text, is most of its time), a query run before by its last time.
    from asnsql.engine import Engine
    from asnsql.options import Options
    from asnsql.pipeline import fetch, load_units
    from asnsql.plan import Plan

    pool = corpus_path("jw88600_20171108T051731_pool", "jw88600_20171108T051731_pool.csv")
    with Engine.for_pools([pool]) as engine:
        plan = Plan.build(None, Options(version_id="v0"), engine.profile)
        infos = load_units(engine, plan, [pool], ["p"])
        started = []
        run_parallel = engine.run_parallel

        def spy(queries, *args, **kwargs):
            started.append([q[0] if isinstance(q, tuple) else q for q in queries])
            return run_parallel(queries, *args, **kwargs)

        monkeypatch.setattr(engine, "run_parallel", spy)
        costs: dict[str, float] = {}
        fetch(engine, plan, infos, costs).load()
        lengths = [len(text) for text in started[0]]
        assert len(lengths) > 2 and lengths == sorted(lengths, reverse=True)
        # next time by the seconds each took: the pool values query, the shortest text
        # (started last), made the slowest, starts first
        assert set(costs) == set(plan.queries) & set(costs) | {"(items)"}
        costs["(items)"] = max(costs.values()) + 1.0
        fetch(engine, plan, infos, costs).load()
        assert started[1][0] == started[0][-1]
