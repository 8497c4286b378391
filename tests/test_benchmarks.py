"""The benchmark code runs (a small case), and archive pools give per-program results."""

from __future__ import annotations

import argparse
import json
from collections import defaultdict

import pytest

from asnsql import generate
from benchmarks.__main__ import _sizes
from benchmarks.archive import make_archive_pool
from benchmarks.run import _BATCH, _child, bench_scale, render

from .conftest import corpus_pool


@pytest.mark.slow
def test_scale_smoke(corpus, tmp_path):
    rows = bench_scale(corpus, tmp_path, [2000])
    assert rows[0]["rows"] >= 2000 and rows[0]["associations"] > 0
    assert rows[0]["floor"] > 0 and rows[0]["rss_mb"] > 0
    text = render({"date": "today", "commit": "x", "machine": "m", "scale": rows,
                   "targets": {}})
    assert "| rows | programs |" in text


def test_sizes_take_suffixes():
    assert _sizes("2000, 10k,1M") == [2000, 10_000, 1_000_000]
    with pytest.raises(argparse.ArgumentTypeError, match="not a size"):
        _sizes("lots")


def test_batch_child_runs(corpus, tmp_path):
    """The corpus benchmark's child script (the public batch API) runs on a few pools."""
    small = tmp_path / "corpus"
    small.mkdir()
    for name in ("pool_wfs", "pool_image_nircam"):
        (small / name).mkdir()
        (small / name / f"{name}.csv").write_bytes(corpus_pool(name).read_bytes())
    result = _child(_BATCH, str(small))
    assert result["pools"] == 2 and result["associations"] > 0


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
