"""asnsql validate: association files against the Level-2b / Level-3 schemas."""

from __future__ import annotations

from click.testing import CliRunner

from asnsql.cli import cli, main

from .conftest import corpus_path


def test_corpus_associations_are_valid():
    files = sorted(corpus_path().glob("*/truth/*_asn.json"))
    assert len(files) > 1000, "the corpus's reference associations"
    result = CliRunner().invoke(cli, ["validate", *map(str, files)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"OK {f}" for f in files]


def test_every_problem_of_every_file_reported(tmp_path, capsys):
    files = {
        "good.json": '{"products": [{"name": "p", "members": '
                     '[{"expname": "a.fits", "exptype": "science"}]}]}',
        "nojson.json": "not json",
        "list.json": "[1, 2]",
        "two.json": '{"products": [{"members": [{"expname": 1}, {"exptype": "science"}]}]}',
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    paths = [str(tmp_path / n) for n in [*files, "missing.json"]]
    assert main(["validate", *paths]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    two = str(tmp_path / "two.json")
    assert lines[0] == f"OK {tmp_path / 'good.json'}"
    assert lines[1].startswith(f"{tmp_path / 'nojson.json'}: $: not JSON: ")
    assert lines[2] == f"{tmp_path / 'list.json'}: $: [1, 2] is not of type 'object'"
    assert sorted(lines[3:6]) == sorted([
        f"{two}: $.products[0].members[0]: 'exptype' is a required property",
        f"{two}: $.products[0].members[0].expname: 1 is not of type 'string'",
        f"{two}: $.products[0].members[1]: 'expname' is a required property",
    ])
    assert lines[6] == f"{tmp_path / 'missing.json'}: $: cannot read: No such file or directory"
    assert len(lines) == 7
    assert captured.err == "asnsql: 4 of 5 files not valid\n"


def test_level_option_forces_the_schema(tmp_path):
    path = tmp_path / "a.json"
    path.write_text('{"version_id": 5, "products": []}')
    assert main(["validate", "-q", str(path)]) == 0                  # Level 2b by default
    assert main(["validate", "-q", "--level", "level3", str(path)]) == 1


def test_quiet_and_strict(tmp_path, capsys):
    path = tmp_path / "a.json"
    path.write_text('{"products": [{"members": [{"expname": "d/a.fits", "exptype": "sci"}]}]}')
    assert main(["validate", "-q", str(path)]) == 0
    assert capsys.readouterr().out == ""
    assert main(["validate", "--strict", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"{path}: $.products[0].members[0].exptype: unknown exptype 'sci'",
        f"{path}: $.products[0].members[0].expname: 'd/a.fits' has a folder; members are "
        "found relative to the association file",
    ]


def test_yaml_file(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("products:\n- members:\n  - expname: a.fits\n    exptype: science\n")
    assert main(["validate", "-q", str(path)]) == 0
    path.write_text("products: [\n")
    assert main(["validate", "-q", str(path)]) == 1
