"""Every pool of the corpus (tests/data/corpus) against the reference's associations (truth/).

Products are compared by the criteria of tools/parity.py (product name, asn_type, candidate
letter, (exposure, exptype) multiset), imported from the scorer itself. File names, sequence
numbers and rule names are compared where the pool's truth holds only the kinds of
association asnsql makes exactly.

The default selection runs the pools of ``conftest.REPRESENTATIVE`` (and their modes); the
rest of the corpus is marked ``slow`` (``pytest -m slow``).
"""

from __future__ import annotations

import json
import warnings

import pytest

from asnsql import generate, write_associations

from .conftest import corpus_param, corpus_path, corpus_pool, corpus_pools

IMAGING = {"image2", "image3", "wfs-image3", "coron3", "ami3", "tso-image2"}

#: Pools whose full output (every asn_type) does not match yet, and why.
NOT_YET: dict[str, str] = {}

POOLS = corpus_pools()


@pytest.fixture(scope="module")
def produced(tmp_path_factory):
    """Generate each pool once (in-process API, --version-id v0) into a folder."""
    cache = {}
    base = tmp_path_factory.mktemp("corpus")

    def run(pool: str):
        if pool not in cache:
            folder = base / pool
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                asns = generate(corpus_pool(pool), version_id="v0")
            write_associations(asns, folder)
            cache[pool] = folder
        return cache[pool]

    return run


def _describe(truth, got):
    missing = [k[:3] for k in (truth - got)][:5]
    extra = [k[:3] for k in (got - truth)][:5]
    return f"missing {missing} extra {extra}"


def test_corpus_is_present(corpus):
    assert len(POOLS) >= 60, f"expected the shared corpus of ~72 pools at {corpus}"


@pytest.mark.parametrize("pool", [corpus_param(p) for p in POOLS])
def test_imaging_products_match(pool, corpus, parity_tool, produced):
    """Issue 2: every pool's imaging products equal the reference's."""
    folder = produced(pool)
    truth_dir = corpus / pool / "truth"
    truth = parity_tool.products(truth_dir, IMAGING)
    got = parity_tool.products(folder, IMAGING)
    if not truth_dir.is_dir():
        meta = json.loads(corpus_path(pool, "meta.json").read_text())
        assert meta["associations"] == 0
    assert got == truth, _describe(truth, got)


def _files(folder, types):
    out = {}
    for path in sorted(folder.glob("*_asn.json")):
        data = json.loads(path.read_text())
        if data["asn_type"] in types:
            out[path.name] = (data["asn_rule"], data["asn_id"],
                              [(p["name"], sorted((m["expname"], m["exptype"])
                                                  for m in p["members"]))
                               for p in data["products"]])
    return out


@pytest.mark.parametrize("pool", [corpus_param(p) for p in POOLS])
def test_imaging_files_match(pool, corpus, produced):
    """File names (sequence numbers included), rules and products of imaging associations."""
    folder = produced(pool)
    truth_dir = corpus / pool / "truth"
    truth = _files(truth_dir, IMAGING) if truth_dir.is_dir() else {}
    assert _files(folder, IMAGING) == truth


@pytest.mark.parametrize("pool", [
    corpus_param(p, *([pytest.mark.xfail(strict=True, reason=NOT_YET[p])] if p in NOT_YET
                      else []))
    for p in POOLS])
def test_all_products_match(pool, corpus, parity_tool, produced):
    """Every asn_type, file for file."""
    folder = produced(pool)
    truth_dir = corpus / pool / "truth"
    truth = parity_tool.products(truth_dir)
    got = parity_tool.products(folder)
    assert got == truth, _describe(truth, got)
    all_types = {t for _, t, *_ in truth} | {t for _, t, *_ in got}
    expected = _files(truth_dir, all_types) if truth_dir.is_dir() else {}
    assert _files(folder, all_types) == expected


def _mode_cases():
    cases = []
    for pool in POOLS:
        modes = corpus_path(pool) / "modes" / "modes.json"
        if modes.is_file():
            for mode, spec in json.loads(modes.read_text()).items():
                param = corpus_param(pool, id=f"{pool}-{mode}")
                cases.append(pytest.param(pool, mode, spec["args"], marks=param.marks,
                                          id=param.id))
    return cases


@pytest.mark.parametrize("pool, mode, args", _mode_cases())
def test_modes_match(pool, mode, args, corpus, parity_tool, tmp_path):
    """Each generator mode of modes.json (command-line arguments) against modes/<mode>/."""
    from asnsql.cli import main

    out = tmp_path / pool
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = main(["generate", str(corpus_pool(pool)), "-p", str(out), "-q"]
                    + list(args))
    assert code == 0
    expected_dir = corpus_path(pool, "modes") / mode
    if not expected_dir.is_dir():
        # (no folder where the reference made nothing: git keeps no empty folder)
        modes = json.loads(corpus_path(pool, "modes", "modes.json").read_text())
        assert modes[mode]["associations"] == 0, f"{expected_dir} is missing"
    truth = parity_tool.products(expected_dir)
    got = parity_tool.products(out)
    assert got == truth, _describe(truth, got)
    all_types = {t for _, t, *_ in truth} | {t for _, t, *_ in got}
    assert _files(out, all_types) == _files(expected_dir, all_types)
