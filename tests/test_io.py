"""Association files: format, atomic writing, loading, schema validation."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asnsql import AssociationError, OutputError, generate, load_asn, write_associations
from asnsql.assemble import AssociationDict, Member
from asnsql.io import dumps, validate

from .conftest import EXAMPLE_POOL


def _asn(name="jw1-o001_image2_00001_asn"):
    asn = AssociationDict({"asn_type": "image2", "products": [
        {"name": "p", "members": [{"expname": "a_rate.fits", "exptype": "science"}]}]})
    asn.name = name
    return asn


def test_json_layout():
    text = dumps({"a": [1], "b": "é"})
    assert text == '{\n    "a": [\n        1\n    ],\n    "b": "\\u00e9"\n}'


_scalars = (st.none() | st.booleans() | st.integers() | st.floats()
            | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8))
_member = st.dictionaries(st.sampled_from(["expname", "exptype", "exposerr", "asn_candidate",
                                           "group_id"]) | st.text(max_size=4), _scalars,
                          max_size=5)
_product = st.fixed_dictionaries({"name": st.text(), "members": st.lists(
    _member.map(Member) | _member, max_size=4)},
                                 optional={"extra": st.lists(_scalars, max_size=3)})
_association = st.fixed_dictionaries(
    {"asn_type": st.text(), "asn_rule": st.text(), "version_id": st.none() | st.text(),
     "constraints": st.text(), "products": st.lists(_product, max_size=3)},
    optional={"degraded_status": st.text(), "program": st.text() | st.integers(),
              "target": _scalars, "asn_pool": st.text(), "empty": st.just({}) | st.just([])})
_keys = st.text() | st.integers() | st.floats() | st.booleans() | st.none()
_json = st.recursive(_scalars, lambda children: st.lists(children, max_size=4)
                     | st.dictionaries(_keys, children, max_size=4), max_leaves=12)


@settings(max_examples=150, deadline=None)
@given(st.one_of(_association, _json))
def test_json_writer_is_the_reference_layout(data):
    # The fast writer must equal the reference's call byte for byte, whatever the values.
    assert dumps(data) == json.dumps(data, indent=4, separators=(",", ": "))


def test_yaml_round_trip(tmp_path):
    written = write_associations([_asn()], tmp_path / "o", fmt="yaml")
    assert written[0].suffix == ".yaml"
    assert load_asn(written[0])["products"][0]["name"] == "p"


def test_new_folder_appears_whole(tmp_path):
    out = tmp_path / "new"
    written = write_associations([_asn(), _asn("jw1-o001_image2_00002_asn")], out)
    assert [p.name for p in written] == ["jw1-o001_image2_00001_asn.json",
                                         "jw1-o001_image2_00002_asn.json"]
    assert sorted(os.listdir(tmp_path)) == ["new"]


def test_failure_leaves_nothing(tmp_path, monkeypatch):
    out = tmp_path / "out"
    calls = []

    def boom(*args, **kwargs):
        calls.append(args)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("asnsql.publish.os.rename", boom)
    with pytest.raises(OutputError, match="nothing was written"):
        write_associations([_asn()], out)
    assert calls
    assert os.listdir(tmp_path) == []


def test_existing_folder_gets_files(tmp_path):
    (tmp_path / "keep.txt").write_text("x")
    write_associations([_asn()], tmp_path)
    assert sorted(os.listdir(tmp_path)) == ["jw1-o001_image2_00001_asn.json", "keep.txt"]


def test_load_asn_from_path_file_and_text(tmp_path):
    (path,) = write_associations([_asn()], tmp_path / "o")
    text = path.read_text()
    with open(path) as f:
        from_file = load_asn(f)
    assert load_asn(path) == from_file == load_asn(text) == json.loads(text)


def test_load_asn_rejects_non_associations(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"products": [{"members": [{"expname": "a"}]}]}')
    with pytest.raises(AssociationError, match=r"\$.products\[0\].members\[0\]: 'exptype'"):
        load_asn(bad)
    bad.write_text("[1, 2]")
    with pytest.raises(AssociationError, match="not an association"):
        load_asn(bad)


def test_generated_associations_validate():
    for asn in generate(EXAMPLE_POOL):
        assert validate(asn) == []
        assert asn.name.startswith("jw88600-")


def test_io_gathers_the_public_names_of_its_modules():
    """asnsql.io keeps its names; each is the object of the module that now holds it."""
    import asnsql.asnread
    import asnsql.asnschema
    import asnsql.asnwrite
    import asnsql.io
    import asnsql.publish

    homes = [asnsql.asnread, asnsql.asnschema, asnsql.asnwrite, asnsql.publish]
    for name in asnsql.io.__all__:
        assert any(getattr(m, name, None) is getattr(asnsql.io, name) for m in homes), name
    assert {n for m in homes for n in m.__all__} == set(asnsql.io.__all__)
