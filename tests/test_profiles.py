"""Profiles and plans: the seam a second observatory plugs into, the plan's SQL cache, and
the pipeline path without sqlglot."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
import textwrap

import pytest

from asnsql.engine import Engine
from asnsql.options import Options
from asnsql.pipeline import run_unit
from asnsql.plan import Plan
from asnsql.profiles import get_profile
from asnsql.ruleset import load_rules

from .conftest import ROOT, write_pool
from .toy_profile import PROFILE as TOY

HEADER = ["filename", "exp_type", "program", "instrume", "targname", "pntgtype",
          "asn_candidate"]
ROWS = [
    ["a_rate.fits", "mir_image", "1", "miri", "alpha", "science", "[('o001', 'observation')]"],
    ["b_rate.fits", "mir_image", "1", "miri", "beta", "science", "[('o001', 'observation')]"],
    ["c_rate.fits", "nrc_image", "1", "nircam", "gamma", "science",
     "[('o002', 'observation')]"],
    ["d_rate.fits", "mir_lrs-fixedslit", "1", "miri", "delta", "science",
     "[('o001', 'observation')]"],
    ["e_rate.fits", "mir_image", "1", "miri", "epsilon", "science",
     "[('o003', 'observation')]"],
]


def test_toy_profile_end_to_end(tmp_path):
    """A second profile's rules, names and hook drive generation: its rule file is the
    default, its hook (registered with the column it reads) runs, its names are written."""
    pool = write_pool(tmp_path / "toy_pool.csv", HEADER, ROWS)
    rules = load_rules(profile=TOY)
    assert [r.name for r in rules] == ["Toy_Image"]
    assert "targname" in TOY.hook_only_columns
    with Engine(profile=TOY) as engine:
        plan = Plan.build(options=Options(version_id="v0"), profile=TOY)
        results = run_unit(engine, plan, pool)
    asns = {a["asn_id"]: a for a in results[0].associations}
    # MIRI images of o001, and of the discovery pass; the hook drops the associations of
    # one image (o002's NIRCam image, o003's MIRI image)
    assert sorted((i, a.name) for i, a in asns.items()) == [
        ("a9999", "ty00001-a9999_v0_toyimage_00001_asn"),
        ("o001", "ty00001-o001_v0_toyimage_00001_asn")]
    assert asns["o001"]["products"][0]["name"] == "toy-alpha-beta"
    assert asns["a9999"]["products"][0]["name"] == "toy-alpha-beta-epsilon"
    assert {a["code_version"] for a in asns.values()} == {"toy-1"}
    assert sorted(results[0].orphans) == [2, 3]


def test_rule_files_are_checked_against_their_profile(tmp_path):
    """A hook name is known to the profile that registers it, not to another."""
    from asnsql.errors import RuleError

    with pytest.raises(RuleError, match="name_after_target"):
        load_rules([TOY.rule_paths()[0]], include_default=False)


def test_plan_pickles_and_runs_in_another_engine(tmp_path):
    """A plan is data: pickled and run by run_unit on an Arrow table, it gives what
    generate gives for the same pool."""
    import pyarrow as pa

    from asnsql import generate

    pool = write_pool(tmp_path / "toy_pool.csv", HEADER, ROWS)
    plan = pickle.loads(pickle.dumps(Plan.build(options=Options(version_id="v0",
                                                                pool_name="toy_pool.csv"))))
    table = pa.table({name: [row[i] for row in ROWS] for i, name in enumerate(HEADER)})
    with Engine() as engine:
        results = run_unit(engine, plan, table)
    assert [dict(a) for a in results[0].associations] == \
        [dict(a) for a in generate(pool, version_id="v0")]


def test_cached_plan_follows_the_vocabulary(tmp_path, monkeypatch):
    """The plan cache key hashes the profile's vocabulary: changing a predicate's columns
    changes the SQL read back from the cache (the cache on, in a temporary folder)."""
    monkeypatch.setenv("ASNSQL_CACHE", str(tmp_path / "cache"))
    vocabulary = get_profile("jwst").vocabulary
    before = Plan.build()
    assert list((tmp_path / "cache").glob("plan-*.json")), "the plan was cached"
    assert Plan.build().queries == before.queries
    name = "nissoss_calibrated"
    assert vocabulary.predicate_arguments[name] == ("exp_type", "filter")
    monkeypatch.setitem(vocabulary.predicate_arguments, name, ("filter", "exp_type"))
    after = Plan.build()
    assert after.queries != before.queries
    assert len(list((tmp_path / "cache").glob("plan-*.json"))) == 2
    monkeypatch.setenv("ASNSQL_CACHE", "off")
    assert Plan.build().queries == after.queries, "the cached SQL is the compiler's"


def test_default_rules_are_parsed_once_and_read_back_as_json(tmp_path, monkeypatch):
    """The default rules are kept as JSON in the cache folder, keyed by the rule files'
    bytes: read back equal to a fresh parse; a changed rule file is parsed again; a
    damaged cache file is parsed again and replaced; only model classes are made."""
    from asnsql.plan import default_rules, rules_from_json
    from asnsql.ruleset import load_rules

    cache = tmp_path / "cache"
    monkeypatch.setenv("ASNSQL_CACHE", str(cache))
    fresh = load_rules()
    first = default_rules()
    (cached,) = cache.glob("rules-*.json")
    assert rules_from_json(cached.read_text()) == fresh == first
    cached.write_text("{not json")
    monkeypatch.setattr("asnsql.plan._MEMO", {})
    assert default_rules() == fresh
    assert rules_from_json(cached.read_text()) == fresh, "the damaged file was replaced"
    # a changed rule file (a copy of the rules folder with one rule's doc edited)
    from asnsql.resources import rules_dir

    rules = tmp_path / "rules"
    shutil.copytree(rules_dir(), rules)
    level3 = rules / "jwst" / "level3.yaml"
    level3.write_text(level3.read_text().replace("Imaging exposures of one target",
                                                 "Imaging exposures, one target", 1))
    monkeypatch.setattr("asnsql.resources.rules_dir", lambda: rules)
    monkeypatch.setattr("asnsql.plan._MEMO", {})
    changed = default_rules()
    assert changed != fresh and len(list(cache.glob("rules-*.json"))) == 2
    assert "Imaging exposures, one target" in changed.get("Asn_Lv3Image").doc
    with pytest.raises(KeyError):
        rules_from_json('{"@": "Popen", "args": "true"}')


_NO_SQLGLOT = textwrap.dedent("""
    import json, sys
    from asnsql import generate
    from asnsql.engine import Engine
    from asnsql.options import Options
    from asnsql.pipeline import run_unit
    from asnsql.plan import Plan
    PURE = ("vocabulary", "reads", "results")   # the compiler's pure-Python modules
    first = generate(sys.argv[1], version_id="v0")
    with Engine() as engine:
        plan = Plan.build(options=Options(version_id="v0"))
        second = run_unit(engine, plan, sys.argv[1])[0].associations
    print(json.dumps({"sqlglot": sorted(m for m in sys.modules if m.startswith("sqlglot")),
                      "compile": sorted(m for m in sys.modules
                                        if m.startswith("asnsql.compile.") and
                                        m.rsplit(".", 1)[1] not in PURE),
                      "same": first == second, "count": len(first)}))
""")


def test_pipeline_loads_no_sqlglot_with_a_cached_plan(tmp_path):
    """With the plan in the cache, generate and run_unit import neither sqlglot nor the
    compiler's passes (only its pure-Python vocabulary, reads and results modules, which the
    profile and the plan use); a fresh interpreter; the first run fills the cache."""
    pool = ROOT / "examples" / "jw88600_20171108T051731_pool.csv"
    env = dict(os.environ, ASNSQL_CACHE=str(tmp_path / "cache"))
    runs = []
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", _NO_SQLGLOT, str(pool)], env=env,
                              capture_output=True, text=True, cwd=str(tmp_path))
        assert done.returncode == 0, done.stderr[-2000:]
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    assert runs[0]["sqlglot"], "the first run compiles"
    assert runs[1] == {"sqlglot": [], "compile": [], "same": True,
                       "count": runs[0]["count"]}
    assert runs[1]["count"] > 0


@pytest.mark.parametrize("setting, expected", [
    ("off", None), ("0", None), ("on", "default"), ("TRUE", "default"), ("", "default")])
def test_cache_setting_words(monkeypatch, tmp_path, setting, expected):
    """ASNSQL_CACHE=on (or 1/yes/true) keeps the default folder: never a folder named
    'on' in the working directory."""
    from asnsql.plan import cache_dir

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("ASNSQL_CACHE", setting)
    assert cache_dir() == (None if expected is None else tmp_path / "asnsql")
    monkeypatch.setenv("ASNSQL_CACHE", str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine"


def test_the_cache_keeps_the_most_recently_used_files_of_each_kind(tmp_path, monkeypatch):
    """Every change of asnsql or of a rule file makes new plan files (about 1 MB each):
    beyond CACHE_FILES_KEPT of a kind, writing one removes the least recently used; a
    file read counts as used; other kinds and other names are left alone, and so is a
    temporary file unless a day old (a killed write's)."""
    import os

    import asnsql.plan as plan

    monkeypatch.setattr(plan, "CACHE_FILES_KEPT", 3)
    for i in range(4):
        path = tmp_path / f"plan-{i}.json"
        path.write_text("{}")
        os.utime(path, ns=(i * 10**9, i * 10**9))     # written in turn, long ago
    (tmp_path / "rules-0.json").write_text("{}")
    (tmp_path / "footprint.json").write_text("{}")
    # temporary files: one of a write under way, one left by a process killed long ago
    (tmp_path / "tmpnow.tmp").write_text("{")
    (tmp_path / "tmpold.tmp").write_text("{")
    os.utime(tmp_path / "tmpold.tmp", ns=(0, 0))
    plan._read_cache_file(tmp_path / "plan-0.json")     # now the most recently used
    plan.write_cache_file(tmp_path / "plan-4.json", "{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "footprint.json", "plan-0.json", "plan-3.json", "plan-4.json", "rules-0.json",
        "tmpnow.tmp"]
