"""The benchmark code runs (small cases), renders what it measured, keeps RESULTS.md's
marked sections, and archive pools give per-program results."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections import defaultdict

import pytest

from asnsql import generate
from benchmarks import __main__ as cli
from benchmarks.__main__ import _sizes
from benchmarks.archive import make_archive_pool
from benchmarks.report import assemble, marked_sections, render, targets
from benchmarks.run import _BATCH, _child, bench_inprocess, bench_scale, main_all, timed

from .conftest import corpus_pool


@pytest.mark.slow
def test_scale_smoke(corpus, tmp_path):
    rows = bench_scale(corpus, tmp_path, [2000], large=3000)
    small, large = rows
    assert small["rows"] >= 2000 and not small["large"] and large["large"]
    for name in ("pool", "by_program"):
        entry = small[name]
        assert entry["associations"] > 0 and len(entry["runs"]) == 2, entry
        assert entry["seconds"] == min(entry["runs"]) and entry["rss_mb"] > 50
    assert len(small["floors"]) == 3 and small["floor"] > 0 and len(small["load"]) == 2
    assert "pool" not in large and len(large["by_program"]["runs"]) == 1
    assert len(large["floors"]) == 2
    assert not list(tmp_path.iterdir())  # pools and outputs removed
    text = render({"date": "today", "commit": "x", "machine": "m", "scale": rows,
                   "targets": {}})
    assert text.count("| `asnsql generate --by-program --format parquet` |") == 2
    assert text.count("| `asnsql generate --format parquet` |") == 1


def test_timed_gives_the_childs_own_peak_and_stops_it(tmp_path):
    big = timed([sys.executable, "-c", "x = bytearray(300 * 2**20); x[::4096] = b'1' * "
                 "len(x[::4096])"], cwd=tmp_path)
    ballast = bytearray(400 * 2**20)      # this process large when the child starts
    ballast[::4096] = b"1" * len(ballast[::4096])
    small = timed([sys.executable, "-c", "pass"], cwd=tmp_path)
    del ballast
    assert big["returncode"] == 0 and big["stopped"] is None
    assert big["rss_mb"] > 300 and small["rss_mb"] < 100  # (not RUSAGE_CHILDREN's max)
    slow = timed([sys.executable, "-c", "import time; time.sleep(30)"], timeout=1)
    assert slow["stopped"].startswith("killed after") and slow["seconds"] < 10
    hungry = timed([sys.executable, "-c", "import time\nx = bytearray(400 * 2**20)\n"
                    "x[::4096] = b'1' * len(x[::4096])\ntime.sleep(30)"], max_rss_mb=200)
    assert "MB RSS" in hungry["stopped"] and hungry["seconds"] < 25
    failed = timed([sys.executable, "-c", "import sys; sys.exit('no')"])
    assert failed["returncode"] == 1 and "no" in failed["stderr"]


def _entry(seconds, rss=1000.0, associations=10):
    return {"seconds": seconds, "runs": [seconds], "rss_mb": rss,
            "associations": associations, "stopped": None, "error": None}


def _fake_results():
    scale = [
        {"rows": 100_000, "programs": 1679, "bytes": 39e6, "large": False, "floor": 0.5,
         "floors": [0.5], "load": [1.0, 2.0], "pool": _entry(2.5), "by_program": _entry(2.0)},
        {"rows": 1_000_000, "programs": 16762, "bytes": 387e6, "large": False, "floor": 3.0,
         "floors": [3.0], "load": [2.0, 2.5], "pool": _entry(18.0, rss=3100.0),
         "by_program": _entry(16.0, rss=2500.0)},
        {"rows": 10_000_000, "programs": 167620, "bytes": 3.9e9, "large": True,
         "floor": 30.0, "floors": [30.0], "load": [3.0, 3.0],
         "by_program": dict(_entry(None, rss=9000.0), runs=[],
                            stopped="killed after 1500 s (time limit 1500 s)")},
    ]
    pools = [{"pool": "mega_pool", "rows": 837, "reference": 282.2, "asnsql": 1.1,
              "inprocess": 0.9},
             {"pool": "jw10009_20171108T101906_pool", "rows": 1, "reference": 0.113,
              "asnsql": 0.4, "inprocess": 0.2},
             {"pool": "pool_candidates", "rows": 72, "reference": 5.2, "asnsql": 0.3,
              "inprocess": 0.1},
             {"pool": "jw88600_20171108T051731_pool", "rows": 15, "reference": 2.2,
              "asnsql": 0.31, "inprocess": 0.1}]
    results = {"date": "2026-12-06", "commit": "abc1234", "machine": "m", "started": "10:00",
               "ended": "10:40", "minutes": 40.0, "load": [1.5, 2.5], "scale": scale,
               "corpus": {"pools": pools, "batch": {"seconds": 2.0, "pools": 3},
                          "load": [1.0, 1.2]},
               "startup": {"seconds": 0.12}}
    results["targets"] = targets(results)
    return results


def test_targets_take_the_1m_pool_and_each_command():
    found = _fake_results()["targets"]
    six = "1M rows, `asnsql generate --format parquet`: within 6x the DuckDB floor"
    five = "1M rows, `asnsql generate --by-program --format parquet`: within 5x the DuckDB floor"
    memory = "1M rows, `asnsql generate --format parquet`: at most 3 GB peak RSS"
    assert found[six] == ("6.0x (18.0 s; floor 3.00 s)", True)
    assert found[five] == ("5.3x (16.0 s; floor 3.00 s)", False)
    assert found[memory] == ("3.03 GB (3100 MB)", False)
    growth = "`--by-program`: time per row at 1M rows within 1.5x of that at 100k"
    assert found[growth] == ("0.80x", True)
    every = "in-process at least as fast as the reference on every corpus pool"
    assert found[every] == ("3 of 4 pools", False)
    small = "jw88600_20171108T051731_pool (15 rows) on the command line at most 0.3 s"
    assert found[small] == ("0.310 s", False)
    assert not any("10M" in name for name in found)  # the large pool is no target


def test_render_gives_the_scaling_table_and_the_corpus_comparison():
    text = render(_fake_results())
    assert "Measured 2026-12-06 10:00-10:40 UTC (40 min) at commit `abc1234`" in text
    assert "load average 1.5 at the start, 2.5 at the end" in text
    assert "| 6.0x (18.0 s; floor 3.00 s) | yes |" in text
    assert "| 5.3x (16.0 s; floor 3.00 s) | **no** |" in text
    rows = [line for line in text.splitlines() if line.startswith("| 1000000 |")]
    assert rows == [
        "| 1000000 | 16762 | 387 | 2.0-2.5 | 3.00 | `asnsql generate --format parquet` | 10 "
        "| 18.0 | 6.0 | 18 | 3100 |",
        "| 1000000 | 16762 | 387 | 2.0-2.5 | 3.00 | `asnsql generate --by-program --format "
        "parquet` | 10 | 16.0 | 5.3 | 16 | 2500 |"]
    large = [line for line in text.splitlines() if line.startswith("| 10000000 |")]
    assert len(large) == 1 and "killed after 1500 s" in large[0] and "9000" in large[0]
    assert "at least as fast as the reference on 3 of 4 pools" in text
    assert "slower on jw10009_20171108T101906_pool (1 rows: 200 ms against 113 ms)" in text
    slowest = text[text.index("### The reference's slowest pools"):]
    assert slowest.index("mega_pool") < slowest.index("pool_candidates")
    assert "| mega_pool | 837 | 282.2 | 1.10 | 257x | 0.900 | 314x |" in text


_SECTIONS = ("<!-- roman benchmark -->\n## Roman\nfigures\n<!-- /roman benchmark -->",
             "<!-- spark:begin -->\n## Spark\nold\n<!-- spark:end -->",
             "<!-- slow spots (issue 17) -->\n## Slow spots\nfigures\n"
             "<!-- /slow spots (issue 17) -->")


def test_marked_sections_are_kept_and_spark_replaced():
    text = "# old body\n\nold figures\n\n" + "\n\n".join(_SECTIONS) + "\n"
    kept = marked_sections(text)
    assert kept == list(_SECTIONS)
    assert assemble("# new body\n", kept) == "# new body\n\n" + "\n\n".join(_SECTIONS) + "\n"
    spark = "<!-- spark:begin -->\n## Spark\nnew\n<!-- spark:end -->"
    again = assemble("# new body\n", kept, [spark])
    assert marked_sections(again) == [_SECTIONS[0], spark, _SECTIONS[2]]
    assert "old" not in again
    assert marked_sections(assemble("# b", [_SECTIONS[0]], [spark])) == [_SECTIONS[0], spark]
    assert marked_sections("<!-- unclosed -->\ntext") == []


def test_spark_section_gives_the_single_machine_peak():
    from benchmarks.spark import BEGIN, END, render_spark

    text = render_spark([{"rows": 100_000, "programs": 1679, "associations": 52971,
                          "single": 9.0, "single_rss_mb": 860.0, "spark": 60.0,
                          "spark_generate": 45.0, "load": 2.0, "load_end": 3.0,
                          "same": True}], "local[2]")
    assert text.startswith(BEGIN) and text.endswith(END)
    assert "| 100000 | 1679 | 52971 | 2.0 | 9.0 | 860 | 60.0 | 45.0 | 5.0x | yes |" in text
    assert "load average 2.0-3.0" in text


def test_all_passes_its_options_on(monkeypatch, tmp_path):
    seen = {}

    def fake(corpus, sizes, write_size, output, skip_corpus=False, **kw):
        seen.update(sizes=sizes, write_size=write_size, skip_corpus=skip_corpus, **kw)
        return {"targets": {"t": ("1", True)}, "minutes": 0.1}

    monkeypatch.setattr(cli, "main_all", fake)
    out = str(tmp_path / "R.md")
    assert cli.main(["all", "--output", out]) == 0
    assert seen["sizes"] == [10_000, 100_000, 1_000_000] and seen["large"] == 10_000_000
    assert seen["spark_sizes"] == [100_000] and seen["write_size"] == 100_000
    assert cli.main(["all", "--quick", "--sizes", "10k", "--output", out]) == 0
    assert seen["sizes"] == [10_000] and seen["large"] == 0 and seen["spark_sizes"] == []
    assert cli.main(["all", "--spark-sizes", "0", "--large", "20k", "--output", out]) == 0
    assert seen["spark_sizes"] == [] and seen["large"] == 20_000
    assert cli.main(["scale", "--output", out]) == 0
    assert seen["skip_corpus"] and seen["spark_sizes"] == [] and seen["write_size"] == 0
    assert cli.main(["corpus", "--output", out]) == 0
    assert seen["sizes"] == [] and seen["large"] == 0
    assert seen["reference_python"] is None
    assert cli.main(["corpus", "--reference", "/ref/bin/python", "--reference-limit", "0",
                     "--output", out]) == 0
    assert seen["reference_python"] == "/ref/bin/python" and seen["reference_limit"] == 0


def test_render_command_rewrites_from_the_json(tmp_path):
    results = _fake_results()
    output = tmp_path / "RESULTS.md"
    output.with_suffix(".json").write_text(json.dumps(results))
    output.write_text("# stale\n\n" + "\n\n".join(_SECTIONS) + "\n")
    assert cli.main(["render", "--output", str(output)]) == 0
    text = output.read_text()
    assert text == assemble(render(results), list(_SECTIONS)) and "# stale" not in text
    assert "| 5.3x (16.0 s; floor 3.00 s) | **no** |" in text
    assert "killed past 16 GiB resident" in text


@pytest.mark.slow
def test_all_end_to_end_keeps_the_other_sections(corpus, tmp_path):
    """A tiny ``all``: a two-pool corpus, one small archive pool, no Spark, no writing;
    RESULTS.md keeps its marked sections and gets the JSON twin."""
    small = tmp_path / "corpus"
    for name in ("jw87600_single_pool", "jw93125_20171108T045251_pool"):
        shutil.copytree(corpus / name, small / name)
    output = tmp_path / "RESULTS.md"
    output.write_text("# old\n\n" + "\n\n".join(_SECTIONS) + "\n")
    results = main_all(small, [1500], 0, output)
    text = output.read_text()
    assert marked_sections(text) == list(_SECTIONS) and "# old" not in text
    assert [r["pool"] for r in results["corpus"]["pools"]] == sorted(
        ["jw87600_single_pool", "jw93125_20171108T045251_pool"])
    assert all(r["inprocess"] > 0 and r["asnsql"] > 0 for r in results["corpus"]["pools"])
    assert json.loads(output.with_suffix(".json").read_text())["commit"] == results["commit"]
    assert "| `asnsql generate --by-program --format parquet` |" in text


def test_sizes_take_suffixes():
    assert _sizes("2000, 10k,1M") == [2000, 10_000, 1_000_000]
    assert _sizes("0") == [] and _sizes("") == []
    with pytest.raises(argparse.ArgumentTypeError, match="not a size"):
        _sizes("lots")


@pytest.mark.slow  # (~13 s: the benchmark's child processes)
def test_batch_child_runs(corpus, tmp_path):
    """The corpus benchmark's child scripts (the public batch API, and every pool in one
    warm process) run on a few pools."""
    small = tmp_path / "corpus"
    small.mkdir()
    for name in ("pool_wfs", "pool_image_nircam"):
        (small / name).mkdir()
        (small / name / f"{name}.csv").write_bytes(corpus_pool(name).read_bytes())
    result = _child(_BATCH, str(small))
    assert result["pools"] == 2 and result["associations"] > 0
    each = bench_inprocess(small, 2)
    assert "reference_version" not in each
    each = each["pools"]
    assert sorted(each) == ["pool_image_nircam", "pool_wfs"]
    assert all(v["seconds"] > 0 and "reference_seconds" not in v for v in each.values())
    assert each["pool_image_nircam"]["associations"] == len(
        generate(small / "pool_image_nircam" / "pool_image_nircam.csv", version_id="v0"))


_FAKE_JWST_MAIN = """
import json, os
print("jwst logs to stdout too")
class Main:
    def __init__(self, args):
        self.associations = [1, 2, 3]
        with open(os.environ["FAKE_JWST_LOG"], "a") as log:
            log.write(json.dumps(args) + "\\n")
    @classmethod
    def cli(cls, args=None, pool=None):
        return cls(args)
"""


def test_the_reference_is_timed_beside_asnsql_on_the_short_pools(corpus, tmp_path,
                                                                 monkeypatch):
    """With a reference interpreter (here a stand-in jwst on this Python), its worker runs
    jwst's Main.cli with --dry-run on the pools whose stored time is within the limit, its
    calls right after asnsql's on each pool."""
    fake = tmp_path / "site" / "jwst" / "associations"
    fake.mkdir(parents=True)
    (fake.parent / "__init__.py").write_text("__version__ = '3.0.0'\n")
    (fake / "__init__.py").write_text("")
    (fake / "main.py").write_text(_FAKE_JWST_MAIN)
    log = tmp_path / "calls.jsonl"
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "site"))
    monkeypatch.setenv("FAKE_JWST_LOG", str(log))
    small = tmp_path / "corpus"
    for name, stored in (("pool_wfs", 0.1), ("pool_image_nircam", 30.0),
                         ("pool_image_miri", None)):
        (small / name).mkdir(parents=True)
        (small / name / f"{name}.csv").write_bytes(corpus_pool(name).read_bytes())
        if stored is not None:
            (small / name / "meta.json").write_text(json.dumps({"reference_seconds": stored}))
    found = bench_inprocess(small, 2, reference_python=sys.executable)
    assert found["reference_version"] == "3.0.0"
    pools = found["pools"]
    assert sorted(pools) == ["pool_image_miri", "pool_image_nircam", "pool_wfs"]
    assert pools["pool_wfs"]["reference_associations"] == 3
    assert pools["pool_wfs"]["reference_seconds"] > 0 and pools["pool_wfs"]["seconds"] > 0
    assert "reference_seconds" not in pools["pool_image_nircam"]
    assert "reference_seconds" not in pools["pool_image_miri"]
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(calls) == 3                  # a warm-up call, then the two timed
    assert calls[0][0] == str(small / "pool_wfs" / "pool_wfs.csv")
    assert calls[0][-1] == "--dry-run" and "--version-id" in calls[0]
    log.unlink()
    every = bench_inprocess(small, 1, reference_python=sys.executable, reference_limit=0)
    assert all("reference_seconds" in v for v in every["pools"].values())
    assert len(log.read_text().splitlines()) == 6
    (fake / "main.py").write_text("raise ImportError('no jwst here')\n")
    with pytest.raises(RuntimeError, match="no jwst here"):
        bench_inprocess(small, 1, reference_python=sys.executable)


def test_inprocess_targets_take_the_reference_timed_in_the_same_run():
    results = _fake_results()
    pools = results["corpus"]["pools"]
    pools[1]["reference_inprocess"] = 0.25  # jw10009: 200 ms against 250 ms measured here
    results["corpus"].update(reference_version="3.0.0", repeats=3, inprocess_repeats=5,
                             reference_limit=2.0)
    found = targets(results)
    every = "in-process at least as fast as the reference on every corpus pool"
    assert found[every] == ("4 of 4 pools (the reference timed in this run on 1)", True)
    text = render(dict(results, targets=found))
    assert "| reference in-process, this run (s) | in-process (s) | speed-up |" in text
    assert "| jw10009_20171108T101906_pool | 1 | 0.113 | 0.40 | 0.3x | 0.250 | 0.200 | 1.2x |" \
        in text
    assert "| mega_pool | 837 | 282.2 | 1.10 | 257x |  | 0.900 | 314x |" in text
    assert "at least as fast as the reference on 4 of 4 pools" in text
    assert "every pool in one warm process, best of 5 after a warm-up call" in text
    assert "jwst 3.0.0 timed in this run" in text and "best of 5 after a warm-up" in text
    assert "on the 1 pools whose stored time is at most 2 s, jwst 3.0.0" in text
    pools[1]["reference_inprocess"] = 0.15
    assert targets(results)[every][1] is False


def _products(asns):
    return sorted((a.name, a["asn_rule"], p["name"],
                   tuple(sorted((m["expname"], m["exptype"]) for m in p["members"])))
                  for a in asns for p in a["products"])


@pytest.mark.slow
def test_archive_pool_matches_each_programs_own_pool(corpus, tmp_path):
    """An archive pool generated in one pass gives, per program, what the program's own
    pool gives alone: same files, rules, products and members."""
    archive = tmp_path / "archive_pool.csv"
    made = make_archive_pool(corpus, 400, archive)
    assert made["programs"] >= 3
    together = generate(archive, split_programs=True, version_id="v0")
    by_program = defaultdict(list)
    for asn in together:
        by_program[str(int(asn["program"]))].append(asn)
    lines = [line for line in archive.read_text().splitlines() if not line.startswith("#")]
    header = lines[0].split("|")
    column = header.index("program")
    for program in made["copies"]:
        own = tmp_path / f"own_{program}.csv"
        own.write_text("\n".join([lines[0]] + [line for line in lines[1:]
                                               if line.split("|")[column] == program]) + "\n")
        alone = generate(own, version_id="v0")
        assert _products(by_program.get(program, [])) == _products(alone), program
    assert sum(len(v) for v in by_program.values()) == len(together)
    assert json.loads(json.dumps(together[0]))["asn_pool"] == "archive_pool.csv"


def test_spark_section_replaces_its_earlier_self(tmp_path):
    from benchmarks.spark import BEGIN, END, section_of, write_section

    out = tmp_path / "RESULTS.md"
    out.write_text("# results\n\nfigures\n")
    write_section(out, f"{BEGIN}\none\n{END}")
    write_section(out, f"{BEGIN}\ntwo\n{END}")
    text = out.read_text()
    assert text.startswith("# results\n\nfigures\n") and text.count(BEGIN) == 1
    assert section_of(out) == f"{BEGIN}\ntwo\n{END}"


def test_the_benchmarks_time_compiled_modules():
    """The command line is timed as a wheel install runs it: every module's bytecode is
    there and up to date (with PYTHONDONTWRITEBYTECODE, a source checkout has none)."""
    import importlib.util
    from pathlib import Path

    import asnsql
    from benchmarks.run import compile_bytecode

    assert compile_bytecode()
    for source in Path(asnsql.__file__).parent.rglob("*.py"):
        cached = Path(importlib.util.cache_from_source(str(source)))
        assert cached.exists() and cached.stat().st_mtime >= source.stat().st_mtime, source


def test_render_judges_the_targets_again_from_the_stored_figures(tmp_path):
    # a target added after the figures were measured appears, judged from them
    results = _fake_results()
    small = "jw88600_20171108T051731_pool (15 rows) on the command line at most 0.3 s"
    del results["targets"][small]
    output = tmp_path / "RESULTS.md"
    output.with_suffix(".json").write_text(json.dumps(results))
    output.write_text("# stale\n\n" + "\n\n".join(_SECTIONS) + "\n")
    assert cli.main(["render", "--output", str(output)]) == 0
    assert f"| {small} | 0.310 s | **no** |" in output.read_text()
    stored = json.loads(output.with_suffix(".json").read_text())
    assert stored["targets"][small] == ["0.310 s", False]
    assert stored["commit"] == results["commit"]


def test_a_partial_run_keeps_the_figures_it_did_not_measure():
    from benchmarks.run import keep_unmeasured

    earlier = _fake_results()
    now = {k: v for k, v in _fake_results().items() if k != "scale"}
    now.update(date="2026-12-07", commit="def5678", started="08:00", ended="08:02")
    keep_unmeasured(now, earlier)
    assert now["scale"] == earlier["scale"]
    assert now["kept"] == {"scale": "2026-12-06 10:00-10:40 UTC, commit `abc1234`"}
    text = render(dict(now, targets=targets(now)))
    scale = text[text.index("## Scale"):]
    assert scale.splitlines()[2] == ("*Not measured by this run: figures of the run of "
                                     "2026-12-06 10:00-10:40 UTC, commit `abc1234`.*")
    assert "Not measured" not in text[:text.index("## Scale")]  # the corpus was measured
    assert any("1M rows" in name for name in targets(now))
    # kept again by the next partial run, still naming the run that measured them
    later = {k: v for k, v in now.items() if k not in ("scale", "kept")}
    later.update(commit="0000000")
    keep_unmeasured(later, now)
    assert later["kept"] == now["kept"]
