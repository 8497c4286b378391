"""asnsql edit (asn_edit of jwst).

Expected texts were produced by jwst 3.0.0's ``asn_edit`` on the same files and arguments
and are written here by hand.
"""

from __future__ import annotations

import copy
import json

import pytest
from click.testing import CliRunner

from asnsql.cli import cli, main
from asnsql.errors import AsnsqlWarning

from .conftest import corpus_path

SMALL = ('{"asn_type": "image3", "asn_id": "o001", "products": [{"name": "p1", "members": '
         '[{"expname": "a_cal.fits", "exptype": "science"}, {"expname": "b_cal.fits", '
         '"exptype": "science"}]}, {"name": "p2", "members": [{"expname": "a_rate.fits", '
         '"exptype": "science"}]}]}')

# asn_edit -a -t psf s.json 'dir/ü_cal.fits'
ADDED_TEXT = """{
    "asn_type": "image3",
    "asn_id": "o001",
    "products": [
        {
            "name": "p1",
            "members": [
                {
                    "expname": "a_cal.fits",
                    "exptype": "science"
                },
                {
                    "expname": "b_cal.fits",
                    "exptype": "science"
                },
                {
                    "expname": "\\u00fc_cal.fits",
                    "exptype": "psf"
                }
            ]
        },
        {
            "name": "p2",
            "members": [
                {
                    "expname": "a_rate.fits",
                    "exptype": "science"
                },
                {
                    "expname": "\\u00fc_cal.fits",
                    "exptype": "psf"
                }
            ]
        }
    ]
}"""

# asn_edit -r -i s.json a_x1d.fits
REMOVED_TEXT = """{
    "asn_type": "image3",
    "asn_id": "o001",
    "products": [
        {
            "name": "p1",
            "members": [
                {
                    "expname": "b_cal.fits",
                    "exptype": "science"
                }
            ]
        }
    ]
}"""

CORPUS_ASN = "jw00632_dups/truth/jw00632-o003_v0_wfs-image3_00001_asn.json"


@pytest.fixture
def small(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(SMALL)
    return path


@pytest.fixture
def corpus_asn(tmp_path):
    source = corpus_path(CORPUS_ASN)
    path = tmp_path / "asn.json"
    path.write_text(source.read_text())
    return path


def test_add_to_every_product_in_place(small):
    result = CliRunner().invoke(cli, ["edit", "-a", "-t", "psf", str(small), "dir/ü_cal.fits"])
    assert result.exit_code == 0, result.output
    assert small.read_text() == ADDED_TEXT
    assert sorted(p.name for p in small.parent.iterdir()) == ["s.json"]   # no .sv left


def test_remove_ignoring_suffix_drops_empty_products(small):
    result = CliRunner().invoke(cli, ["edit", "-r", "-i", str(small), "a_x1d.fits"])
    assert result.exit_code == 0, result.output
    assert small.read_text() == REMOVED_TEXT


def test_remove_exact_name_only(small):
    assert main(["edit", "-r", str(small), "a_cal.fits"]) == 0
    data = json.loads(small.read_text())
    assert [[m["expname"] for m in p["members"]] for p in data["products"]] == [
        ["b_cal.fits"], ["a_rate.fits"]]


def test_not_found_warns_and_still_writes(small):
    with pytest.warns(AsnsqlWarning, match="nothere.fits"):
        result = CliRunner().invoke(cli, ["edit", "-r", str(small), "b_cal.fits",
                                          "nothere.fits"])
    assert result.exit_code == 0
    assert "b_cal.fits" not in small.read_text()


def test_corpus_association_add_and_output_option(corpus_asn, monkeypatch):
    original = corpus_asn.read_text()
    out = corpus_asn.parent / "new.json"
    monkeypatch.setenv("ASNSQL_TEST_DIR", "somewhere")
    code = main(["edit", "-a", "-o", str(out), str(corpus_asn), "$ASNSQL_TEST_DIR/x_cal.fits",
                 "~/y_cal.fits", "../z_cal.fits"])
    assert code == 0
    assert corpus_asn.read_text() == original
    expected = json.loads(original)
    for product in expected["products"]:
        for name in ("x_cal.fits", "y_cal.fits", "z_cal.fits"):
            product["members"].append({"expname": name, "exptype": "science"})
    assert out.read_text() == json.dumps(expected, indent=4, separators=(",", ": "))


def test_corpus_association_remove_all(corpus_asn):
    data = json.loads(corpus_asn.read_text())
    names = [m["expname"] for p in data["products"] for m in p["members"]]
    assert main(["edit", "-r", str(corpus_asn), *names]) == 0
    expected = copy.deepcopy(data)
    expected["products"] = []
    assert json.loads(corpus_asn.read_text()) == expected


def test_rewrite_without_operation(tmp_path):
    path = tmp_path / "compact.json"
    path.write_text('{"products": [{"name": "p", "members": []}]}')
    assert main(["edit", str(path), "ignored.fits"]) == 0
    assert path.read_text() == ('{\n    "products": [\n        {\n            "name": "p",\n'
                                '            "members": []\n        }\n    ]\n}')


@pytest.mark.parametrize("name, text, args, code", [
    ("missing.json", None, [], 6),
    ("bad.json", "not json", [], 6),
    ("list.json", "[1, 2]", [], 6),
    ("schema.json", '{"products": [{"members": [{"expname": "a"}]}]}', [], 6),
    ("asn.yaml", "products: []", [], 6),
    ("good.json", SMALL, ["-a", "-t", "sciense"], 6),
    ("good.json", SMALL, ["-a", "-o", "out.txt"], 5),
])
def test_bad_input_one_line_nothing_written(tmp_path, capsys, monkeypatch, name, text,
                                            args, code):
    monkeypatch.chdir(tmp_path)
    if text is not None:
        (tmp_path / name).write_text(text)
    before = {p.name: p.read_text() for p in tmp_path.iterdir()}
    assert main(["edit", *args, name, "x_cal.fits"]) == code
    err = capsys.readouterr().err
    assert err.startswith("asnsql: error: ") and err.count("\n") == 1
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == before


def test_failed_write_keeps_original(small):
    code = main(["edit", "-a", "-o", str(small.parent / "no" / "x.json"), str(small), "n.fits"])
    assert code == 5
    assert small.read_text() == SMALL


def test_invalid_result_is_not_written(small):
    from asnsql.tools.edit import read, write
    from asnsql.errors import AssociationError

    asn = read(small)
    del asn["products"][0]["members"][0]["exptype"]
    with pytest.raises(AssociationError, match=r"members\[0\]: 'exptype' is a required"):
        write(asn, small)
    assert small.read_text() == SMALL


def test_add_and_remove_are_exclusive(small):
    result = CliRunner().invoke(cli, ["edit", "-a", "-r", str(small), "x.fits"])
    assert result.exit_code == 2
    assert small.read_text() == SMALL


def test_added_symlink_keeps_its_own_name(small, monkeypatch):
    # asn_edit resolves symbolic links (it would write real_cal.fits); asnsql keeps the
    # name given, which is the file the pipeline opens next to the association.
    monkeypatch.chdir(small.parent)
    (small.parent / "real_cal.fits").write_text("")
    (small.parent / "link_cal.fits").symlink_to("real_cal.fits")
    assert main(["edit", "-a", str(small), "link_cal.fits"]) == 0
    names = [m["expname"] for m in json.loads(small.read_text())["products"][0]["members"]]
    assert names[-1] == "link_cal.fits"
