"""asnsql diff: comparing associations as jwst's compare_asn_files does (spec section 12.7)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from asnsql.cli import cli, main
from asnsql.tools.diff import compare, compare_asns, exposure_name, load_associations
from asnsql.errors import AssociationError

from .conftest import corpus_path, corpus_pool

POOL = "pool_009_spec_miri_lv2bkg"   # image2, spec2, spec3; backgrounds and TAs
MANY_TYPES = "pool_018_all_exptypes"  # nine asn_types


def _asn(name, members, asn_type="image3", asn_id="o001", **extra):
    return {"asn_type": asn_type, "asn_id": asn_id, **extra,
            "products": [{"name": name,
                          "members": [{"expname": e, "exptype": t} for e, t in members]}]}


def _edit(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, indent=4))


def _kinds(differences, product=None):
    return sorted(d.kind for d in differences if product is None or d.product == product)


@pytest.fixture
def truth_copy(corpus, tmp_path):
    def copy(pool=POOL, name="copy"):
        folder = tmp_path / name
        shutil.copytree(corpus_path(pool, "truth"), folder)
        return folder
    return copy


@pytest.mark.parametrize("pool, products", [(POOL, 22), (MANY_TYPES, 61)])
def test_unaltered_copy_is_equal(corpus, truth_copy, pool, products):
    copy = truth_copy(pool)
    assert compare(corpus_path(pool, "truth"), copy) == []
    result = CliRunner().invoke(cli, ["diff", str(corpus_path(pool, "truth")), str(copy)])
    assert result.exit_code == 0, result.output
    assert result.output == f"equal: {products} products\n"


def test_truth_equals_own_generated_output(corpus, tmp_path):
    from asnsql import generate, write_associations

    out = tmp_path / "out"
    write_associations(generate(corpus_pool(POOL), version_id="v0"), out)
    assert main(["diff", str(corpus_path(POOL, "truth")), str(out)]) == 0
    # and without writing: the association dicts themselves
    assert compare(corpus_path(POOL, "truth"),
                   generate(corpus_pool(POOL), version_id="v1")) == []


def test_finds_every_difference_the_parity_scorer_finds(corpus, truth_copy, parity_tool):
    truth = corpus_path(POOL, "truth")
    altered = truth_copy()
    # a member removed from the 12-member spec3 product
    _edit(altered / "jw99009-c1001_v0_spec3_00001_asn.json",
          lambda d: d["products"][0]["members"].pop(3))
    # an exptype changed (background -> science)
    _edit(altered / "jw99009-c1001_v0_spec2_00001_asn.json",
          lambda d: d["products"][0]["members"][1].update(exptype="science"))
    # a product renamed
    _edit(altered / "jw99009-o004_v0_image2_00001_asn.json",
          lambda d: d["products"][0].update(name="jw_00010_renamed"))
    # another asn_type
    _edit(altered / "jw99009-o005_v0_image2_00001_asn.json",
          lambda d: d.update(asn_type="spec2"))
    # a duplicated product with one member fewer, from another candidate
    dup = json.loads((truth / "jw99009-o004_v0_spec3_00001_asn.json").read_text())
    dup["asn_id"] = "o099"
    dup["products"][0]["members"].pop()
    (altered / "jw99009-o099_v0_spec3_00001_asn.json").write_text(json.dumps(dup))

    expected, produced = parity_tool.products(truth), parity_tool.products(altered)
    flagged = {k[0] for k in (expected - produced) + (produced - expected)}
    assert flagged == {"jw99009-c1001_t001_miri", "jw_00029", "jw_00010", "jw_00010_renamed",
                       "jw_00013", "jw99009-o004_t001_miri"}

    differences = compare(truth, altered)
    assert {d.product for d in differences} == flagged
    assert _kinds(differences, "jw99009-c1001_t001_miri") == [
        "MemberLengthDifference", "Subset", "UnaccountedMembers"]
    assert _kinds(differences, "jw_00029") == ["MemberMismatch"]
    assert _kinds(differences, "jw_00010") == ["DifferentProductSets"]
    assert _kinds(differences, "jw_00010_renamed") == ["DifferentProductSets"]
    assert _kinds(differences, "jw_00013") == ["TypeMismatch"]
    # the namesakes on the right differ; and the last of them (input order) is compared
    # with the left one, as the reference does
    dups = [d for d in differences if d.product == "jw99009-o004_t001_miri"]
    assert _kinds(dups) == ["MemberLengthDifference"] * 2 + ["Subset"] * 2 + [
        "UnaccountedMembers"] * 2
    assert sum("right has it twice" in d.message for d in dups) == 3

    result = CliRunner().invoke(cli, ["diff", str(truth), str(altered)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    for product in flagged:
        assert product in lines
    assert ("exptype of jw_00039_rate.fits differs: background (left) != science (right)"
            in result.output)
    assert "Subset: right is a subset of left" in result.output
    assert lines[-1] == f"differ: {len(differences)} differences in 6 of 23 products"


def test_many_asn_types_altered(corpus, truth_copy, parity_tool):
    truth = corpus_path(MANY_TYPES, "truth")
    altered = truth_copy(MANY_TYPES)
    (altered / "jw99009-o007_v0_tso3_00001_asn.json").unlink()
    _edit(altered / "jw99009-c1008_v0_ami3_00001_asn.json",
          lambda d: d.update(asn_id="o008"))
    _edit(altered / "jw99009-c1001_v0_coron3_00001_asn.json",
          lambda d: d["products"][0]["members"][0].update(exptype="psf"))
    expected, produced = parity_tool.products(truth), parity_tool.products(altered)
    flagged = {k[0] for k in (expected - produced) + (produced - expected)}
    assert len(flagged) == 3
    differences = compare(truth, altered)
    assert {d.product for d in differences} == flagged
    assert sorted(d.kind for d in differences) == [
        "CandidateLevel", "DifferentProductSets", "MemberMismatch"]


def test_suffixes_ignored_unless_strict(tmp_path):
    left = _asn("p", [("jw1_nrca1_cal.fits", "science"), ("jw2_nrca1_cal.fits", "science")])
    right = _asn("p", [("jw2_nrca1_calints.fits", "science"), ("jw1_nrca1_x1d.fits", "science")])
    assert compare(left, right) == []
    strict = compare(left, right, strict_expname=True)
    assert _kinds(strict) == ["UnaccountedMembers"] * 4
    assert exposure_name("some/dir/jw1_nrca1_calints.fits") == "jw1_nrca1"


def test_exptype_compared_exactly():
    differences = compare(_asn("p", [("a_cal.fits", "science")]),
                          _asn("p", [("a_cal.fits", "SCIENCE")]))
    assert _kinds(differences) == ["MemberMismatch"]


def test_multi_product_associations_are_split():
    merged = {"asn_type": "image2", "asn_id": "o001", "products": [
        {"name": "a", "members": [{"expname": "a_rate.fits", "exptype": "science"}]},
        {"name": "b", "members": [{"expname": "b_rate.fits", "exptype": "science"}]}]}
    single = [_asn("b", [("b_rate.fits", "science")], "image2", "o002"),
              _asn("a", [("a_rate.fits", "science")], "image2", "o003")]
    assert compare(merged, single) == []


def test_duplicate_products_within_one_side():
    first = _asn("p", [("x_cal.fits", "science")], asn_id="o001")
    same = _asn("p", [("x_cal.fits", "science")], asn_id="o002")
    ints = _asn("p", [("x_calints.fits", "science")], asn_id="o002")
    other = _asn("p", [("x_cal.fits", "science"), ("y_cal.fits", "science")], asn_id="o002")
    # identical membership: a pure duplicate
    found = compare([first, same], [first])
    assert [(d.kind, d.side) for d in found] == [("DuplicateProduct", "left")]
    # suffix-only differences (rate vs rateints products) are accepted
    assert compare([first, ints], [first, ints]) == []
    # real differences between the namesakes are reported, on each side holding them
    found = compare([first, other], [first, other])
    assert _kinds(found) == ["MemberLengthDifference"] * 2 + ["Subset"] * 2 + [
        "UnaccountedMembers"] * 2
    assert {d.side for d in found} == {"left", "right"}
    assert all("has it twice" in d.message for d in found)


def test_duplicate_members_and_candidate_level():
    left = _asn("p", [("a_cal.fits", "science"), ("a_cal.fits", "science")], asn_id="c1000")
    right = _asn("p", [("a_cal.fits", "science"), ("b_cal.fits", "science")], asn_id="o001")
    found = compare(left, right)
    # one line per member without a partner: the second a_cal.fits, and b_cal.fits
    assert _kinds(found) == ["CandidateLevel", "DuplicateMembers", "UnaccountedMembers",
                             "UnaccountedMembers"]
    assert "a_cal.fits" in next(d.message for d in found if d.kind == "DuplicateMembers")
    # the digits of asn_id do not matter
    assert compare(_asn("p", [], asn_id="o001"), _asn("p", [], asn_id="o777")) == []


def test_subset_only_when_one_side_has_all_partners():
    left = _asn("p", [("a_cal.fits", "science"), ("b_cal.fits", "science"),
                      ("c_cal.fits", "science")])
    right = _asn("p", [("a_cal.fits", "science"), ("d_cal.fits", "science")])
    assert "Subset" not in _kinds(compare(left, right))
    # the reference calls this a subset all the same
    quirk = compare(left, right, as_reference=True)
    assert [d.message for d in quirk if d.kind == "Subset"] == ["right is a subset of left"]


def test_every_product_checked_for_type_unless_as_reference(tmp_path):
    left = [_asn("p1", [("a_cal.fits", "science")]), _asn("p2", [("b_cal.fits", "science")])]
    right = [_asn("p1", [("a_cal.fits", "science")], asn_type="spec3"),
             _asn("p2", [("b_cal.fits", "science")], asn_type="spec3")]
    assert _kinds(compare(left, right)) == ["TypeMismatch", "TypeMismatch"]
    # the reference stops checking asn_type after the first product that differs
    assert _kinds(compare(left, right, as_reference=True)) == ["TypeMismatch"]
    result = CliRunner().invoke(cli, ["diff", "--as-reference"] + _write(tmp_path, left, right))
    assert result.exit_code == 1 and result.output.count("TypeMismatch") == 1


def test_products_paired_by_name_tokens():
    left = {"asn_type": "spec2", "asn_id": "o001", "products": [
        {"name": "jw1_nrca1-long", "members": [{"expname": "a", "exptype": "science"}]},
        {"name": "jw2_nrca1", "members": [{"expname": "b", "exptype": "science"}]}]}
    right = {"asn_type": "spec2", "asn_id": "o001", "products": [
        {"name": "nrca1_jw2", "members": [{"expname": "b", "exptype": "science"}]},
        {"name": "long_jw1-nrca1", "members": [{"expname": "a", "exptype": "science"}]}]}
    assert compare_asns(left, right) == []
    right["products"].pop()
    assert _kinds(compare_asns(left, right)) == ["DifferentProductSets"] * 2


def _write(folder: Path, left, right) -> list[str]:
    """Write two lists of associations as files; return ``LEFT... -- RIGHT...``."""
    args = []
    for side, asns in (("l", left), ("r", right)):
        if side == "r":
            args.append("--")
        for index, asn in enumerate(asns):
            path = folder / f"{side}{index}_asn.json"
            path.write_text(json.dumps(asn))
            args.append(str(path))
    return args


def test_files_on_each_side_after_double_dash(tmp_path):
    args = _write(tmp_path,
                  [_asn("p1", [("a_cal.fits", "science")]), _asn("p2", [("b", "science")])],
                  [_asn("p2", [("b", "science")]), _asn("p1", [("a_x1d.fits", "science")])])
    result = CliRunner().invoke(cli, ["diff"] + args)
    assert result.exit_code == 0 and result.output == "equal: 2 products\n"
    assert main(["diff"] + args[:3] + args[4:]) == 1   # p2 only on the left


def test_two_files_without_double_dash(tmp_path):
    a, _, b = _write(tmp_path, [_asn("p", [("a", "science")])], [_asn("p", [("a", "background")])])
    assert main(["diff", a, b]) == 1


@pytest.mark.parametrize("content, message", [
    (None, "does not exist"),
    ("filename|exp_type\nx|nrc_image\n", "is not an association"),
    ('{"products": [{"name": "p", "members": [{"expname": "a"}]}]}',
     "'exptype' is a required property"),
    ('{"products": [{"members": []}]}', "$.products[0].name"),
])
def test_bad_input_one_line(tmp_path, capsys, corpus, content, message):
    bad = tmp_path / "bad_asn.json"
    if content is not None:
        bad.write_text(content)
    code = main(["diff", str(bad), str(corpus_path(POOL, "truth"))])
    err = capsys.readouterr()
    assert code == 6
    assert err.out == ""
    assert err.err.startswith("asnsql: error: ") and message in err.err
    assert "bad_asn.json" in err.err
    assert len(err.err.strip().splitlines()) == 1
    with pytest.raises(AssociationError):
        load_associations(bad)


@pytest.mark.parametrize("args", [[], ["a"], ["a", "b", "c"], ["a", "--"], ["--", "b"]])
def test_usage_errors(args, capsys):
    assert main(["diff"] + args) == 2
    assert "Traceback" not in capsys.readouterr().err
