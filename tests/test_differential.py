"""The differential fuzzer's pure parts (tools/differential): mutation, comparison,
minimisation and golden files. None of these tests needs the reference."""

from __future__ import annotations

import random
from collections import Counter

import pytest
import yaml

from tools.differential.compare import Outcome, judge, products
from tools.differential.golden import write_golden
from tools.differential.minimise import ddmin
from tools.differential.mutate import (
    MODES,
    add_candidate,
    borrow_value,
    borrowed_vocabulary,
    change_value,
    choose_mode,
    flip_flag,
    format_candidates,
    make_case,
    mutate,
    null_value,
    parse_candidates,
    renumber_candidate,
)
from tools.differential.pool import Pool
from tools.differential.reference import Reference, ReferenceError_

HEADER = ["filename", "program", "exp_type", "filter", "bkgdtarg", "asn_candidate"]


def _pool(n: int = 6) -> Pool:
    rows = []
    for i in range(n):
        cands = [("o001", "observation")] + ([("c1000", "background")] if i % 2 else [])
        rows.append([f"jw00001001001_02101_{i + 1:05d}_nrca1_uncal.fits", "1", "nrc_image",
                     ["f090w", "f150w", "null"][i % 3], "f", format_candidates(cands)])
    return Pool(list(HEADER), rows, "p")


def test_pool_read_drops_comments_and_lowercases_header(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("# a comment\nFILENAME|Filter\n\na.fits|F090W\nb.fits|null\n")
    pool = Pool.read(path)
    assert pool.header == ["filename", "filter"]
    assert pool.rows == [["a.fits", "F090W"], ["b.fits", "null"]]
    assert Pool.read(pool.write(tmp_path / "q.csv")).rows == pool.rows


def test_pool_read_rejects_ragged_rows(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("a|b\n1|2|3\n")
    with pytest.raises(ValueError, match="row 2 has 3 fields"):
        Pool.read(path)


def test_vocabulary_leaves_out_identity_and_candidates():
    vocab = _pool().vocabulary()
    assert "filename" not in vocab and "asn_candidate" not in vocab
    assert vocab["filter"] == ["f090w", "f150w", "null"]


def test_candidates_round_trip():
    text = "[('o001', 'observation'), ('c1000', 'background')]"
    assert format_candidates(parse_candidates(text)) == text
    assert parse_candidates("null") is None
    assert parse_candidates("[1, 2]") is None


def test_change_value_stays_within_the_vocabulary():
    pool = _pool()
    vocab = pool.vocabulary()
    what = change_value(pool, random.Random(3), vocab)
    assert what
    changed = [(r, c) for r in range(6) for c in range(len(HEADER))
               if pool.rows[r][c] != _pool().rows[r][c]]
    assert len(changed) == 1
    row, col = changed[0]
    assert pool.rows[row][col] in vocab[HEADER[col]]


def test_borrow_takes_values_other_pools_hold():
    other = Pool(["filename", "filter", "pupil"], [["a.fits", "f444w", "clear"],
                                                  ["b.fits", "null", "f405n"]], "q")
    borrowed = borrowed_vocabulary([_pool(), other])
    # defined values only, from every pool; columns no pool defines are left out
    assert borrowed == {"filter": ["f090w", "f150w", "f444w"], "pupil": ["clear", "f405n"]}
    pool = _pool()
    changes = [borrow_value(pool, random.Random(i), borrowed) for i in range(12)]
    assert any(changes) and all(c is None or "filter" in c for c in changes)
    assert {r[3] for r in pool.rows} <= {"f090w", "f150w", "f444w", "null"}


def test_borrow_is_drawn_only_when_asked_for():
    kinds = {w.split(":")[0] for i in range(40)
             for w in mutate(_pool(), random.Random(i))[1]}
    assert "borrow" not in kinds
    borrowed = {"filter": ["f444w"]}
    kinds = {w.split(":")[0] for i in range(40)
             for w in mutate(_pool(), random.Random(i), borrowed=borrowed)[1]}
    assert "borrow" in kinds
    # without it, a seed's cases are what they were: same mutations as before the option
    pools = {"a": _pool()}
    assert make_case(pools, 3, 1).mutations == make_case(pools, 3, 1, None).mutations


def test_null_value_nulls_one_defined_cell():
    pool = _pool()
    assert null_value(pool, random.Random(1), pool.vocabulary())
    diff = [(a, b) for ra, rb in zip(_pool().rows, pool.rows) for a, b in zip(ra, rb) if a != b]
    assert len(diff) == 1 and diff[0][1] == "null"


def test_flip_flag_sets_an_undefined_flag():
    pool = _pool()
    what = flip_flag(pool, random.Random(0))
    assert "bkgdtarg" in what
    assert Counter(row[4] for row in pool.rows) == Counter({"f": 5, "t": 1})


def test_add_candidate_adds_one_pair_to_some_rows():
    pool = _pool()
    what = add_candidate(pool, random.Random(2))
    assert what.startswith("add candidate")
    before = [parse_candidates(r[5]) for r in _pool().rows]
    after = [parse_candidates(r[5]) for r in pool.rows]
    added = [a[len(b):] for a, b in zip(after, before) if a != b]
    assert 1 <= len(added) <= 3
    assert all(len(extra) == 1 and extra[0] == added[0][0] for extra in added)
    assert all(a[:len(b)] == b for a, b in zip(after, before))


def test_renumber_candidate_renames_an_id():
    pool = _pool()
    what = renumber_candidate(pool, random.Random(5))
    old, new = what.split()[2], what.split()[4]
    ids = Counter(cid for r in pool.rows for cid, _ in parse_candidates(r[5]))
    assert ids[new] >= 1 and old != new
    before = Counter(cid for r in _pool().rows for cid, _ in parse_candidates(r[5]))
    assert ids[new] + ids.get(old, 0) == before[old]


def test_mutate_leaves_the_source_alone_and_is_reproducible():
    source = _pool()
    first = mutate(source, random.Random(7))
    again = mutate(source, random.Random(7))
    assert first[0].rows == again[0].rows and first[1] == again[1]
    assert source.rows == _pool().rows
    assert 1 <= len(first[1]) <= 3


def test_make_case_depends_on_seed_and_index_only():
    pools = {"a": _pool(), "b": _pool(4)}
    one, two = make_case(pools, 16, 5), make_case(pools, 16, 5)
    assert (one.source, one.pool.rows, one.mutations, one.mode) == \
        (two.source, two.pool.rows, two.mutations, two.mode)
    assert any(make_case(pools, 16, i).pool.rows != one.pool.rows for i in range(6, 12))


def test_modes_ids_come_from_the_pool():
    pool = _pool()
    names = set()
    for i in range(200):
        mode = choose_mode(pool, random.Random(i))
        names.add(mode.name)
        if mode.name == "ids":
            assert mode.args[0] == "-i" and mode.options["ids"] == mode.args[1:]
            assert set(mode.options["ids"]) <= {"o001", "c1000"}
    assert names == set(MODES)


def _asn(name, members, asn_type="image2", asn_id="o001", suffix="rate"):
    return {"asn_type": asn_type, "asn_id": asn_id, "asn_rule": "x",
            "products": [{"name": name, "members": [
                {"expname": f"{m}_{suffix}.fits", "exptype": t} for m, t in members]}]}


def test_judge_ignores_order_suffixes_and_rules():
    ref = [_asn("p1", [("jw1", "science"), ("jw2", "background")]), _asn("p2", [("jw3", "science")])]
    got = [_asn("p2", [("jw3", "science")], suffix="cal"),
           _asn("p1", [("jw2", "background"), ("jw1", "science")])]
    assert judge(Outcome("ok", ref), Outcome("ok", got)).agrees


def test_judge_reports_products_on_one_side():
    ref = [_asn("p1", [("jw1", "science"), ("jw2", "background")])]
    got = [_asn("p1", [("jw1", "science")]), _asn("p1", [("jw1", "science")], asn_id="c1000")]
    verdict = judge(Outcome("ok", ref), Outcome("ok", got))
    assert verdict.kind == "differ" and verdict.disagrees
    assert [k[0] for k in verdict.missing] == ["p1"] and len(verdict.extra) == 2
    assert verdict.lines()[0].startswith("only in the reference: p1 [image2, o]")


def test_judge_kinds_of_failure():
    ok, err = Outcome("ok", []), Outcome("error", message="boom")
    assert judge(err, err).agrees
    assert judge(err, ok).kind == "reference-error"
    assert judge(ok, err).kind == "asnsql-error"
    timeout = judge(Outcome("timeout"), ok)
    assert not timeout.agrees and not timeout.disagrees


def test_products_split_multi_product_associations():
    merged = _asn("p1", [("jw1", "science")])
    merged["products"].append({"name": "p2", "members": []})
    assert sorted(k[0] for k in products([merged])) == ["p1", "p2"]


def test_ddmin_finds_the_minimal_failing_rows():
    calls = []

    def fails(rows):
        calls.append(rows)
        return {3, 11} <= set(rows)

    assert ddmin(range(20), fails) == [3, 11]
    assert len(calls) == len({tuple(c) for c in calls})  # no subset tested twice


def test_ddmin_keeps_the_input_when_nothing_smaller_fails():
    assert ddmin([1, 2, 3], lambda rows: len(rows) == 3) == [1, 2, 3]


def test_ddmin_respects_its_budget():
    calls = []
    ddmin(range(64), lambda rows: calls.append(1) or 5 in rows, max_tests=4)
    assert len(calls) <= 4


def test_write_golden_is_what_the_golden_pool_test_reads(tmp_path):
    files = []
    for i, asn in enumerate([_asn("jw1", [("jw1", "science"), ("jw2", "background")]),
                             _asn("jw3", [("jw3", "science")])]):
        path = tmp_path / f"jw00001-o001_v0_image2_0000{i + 1}_asn.json"
        path.write_text(__import__("json").dumps(asn))
        files.append(path)
    write_golden(tmp_path, files, ["-i", "o001"], {"ids": ["o001"]}, comment="why")
    expected = yaml.safe_load((tmp_path / "expected.yaml").read_text())
    assert expected[0] == {"file": files[0].name, "asn_rule": "x", "product": "jw1",
                           "members": [["jw1_rate.fits", "science"],
                                       ["jw2_rate.fits", "background"]]}
    assert yaml.safe_load((tmp_path / "options.yaml").read_text()) == {"ids": ["o001"]}
    assert "# why" in (tmp_path / "expected.yaml").read_text()


def test_reference_needs_a_virtual_environment(tmp_path):
    with pytest.raises(ReferenceError_, match="--reference-venv"):
        Reference(tmp_path)


def test_write_golden_of_a_reference_error(tmp_path):
    write_golden(tmp_path, [], [], {}, error="LookupError: Exposure type cannot be determined")
    expected = yaml.safe_load((tmp_path / "expected.yaml").read_text())
    assert expected == {"error": "LookupError: Exposure type cannot be determined"}
    assert not (tmp_path / "options.yaml").exists()
