"""Issue 15: every value that reaches a path passes one safe-name check, whose error names
the value; `gather` copies nothing from outside its source folder and hands a copy command
no option-like name."""

from __future__ import annotations

import json

import pytest

from asnsql.errors import OutputError

from ._hardening import EXAMPLE_POOL, assert_one_line, pool_with, run


@pytest.mark.parametrize("column, value, shown", [
    ("PROGRAM", "../../x", "../../x"),
    ("ASN_CANDIDATE", "[('o001/..', 'observation')]", "o001/.."),
    ("ASN_CANDIDATE", "[('o001/../../../../tmp/evil', 'observation')]", "o001/../"),
])
def test_pool_values_never_leave_the_output_folder(tmp_path, capsys, column, value, shown):
    pool = pool_with(tmp_path / "pool.csv", column, value)
    out = tmp_path / "deep" / "out"
    out.parent.mkdir()
    code, err = run(["generate", pool, "-p", out, "-q"], capsys)
    assert code == 5
    assert_one_line(err)
    assert shown in err and "file name" in err
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["deep", "pool.csv"]


def test_asn_type_of_a_rule_file_is_checked(tmp_path, capsys):
    rules = tmp_path / "rules.yaml"
    rules.write_text("""
level: 3
rules:
  - name: Asn_Evil
    asn_type: ../../evil
    keys: [{name: exp_type, attr: exp_type, match: [nrc_image]}]
""")
    code, err = run(["generate", EXAMPLE_POOL, "-r", rules, "--ignore-default", "-p",
                     tmp_path / "out", "-q"], capsys)
    assert code == 3
    assert "'../../evil'" in err and "asn_type" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["../x.csv", "/tmp/x.csv", "sub/x.csv", ".."])
def test_save_orphans_stays_in_the_output_folder(tmp_path, capsys, name):
    out = tmp_path / "a" / "out"
    out.parent.mkdir()
    code, err = run(["generate", EXAMPLE_POOL, "-p", out, "-q", "--save-orphans", name],
                    capsys)
    assert code == 5 and repr(name) in err
    assert_one_line(err)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a"]


def test_nul_byte_in_a_name_is_one_line(tmp_path, capsys):
    """A NUL byte in PROGRAM: the text reader says so; from a table, the name check."""
    pool = pool_with(tmp_path / "pool.csv", "PROGRAM", "88600\0")
    code, err = run(["generate", pool, "-p", tmp_path / "out", "-q"], capsys)
    assert code == 2 and "NUL" in err
    assert_one_line(err)
    from asnsql.safety import safe_name

    with pytest.raises(OutputError, match="NUL"):
        safe_name("jw88600\0-o001_asn.json", "association file name")


def test_safe_name_names_the_value_capped_on_the_command_line():
    from asnsql.safety import one_line, safe_name

    with pytest.raises(OutputError) as caught:
        safe_name("x" * 5000 + "/", "association file name")
    assert "x" * 5000 in str(caught.value)
    message = one_line(str(caught.value))
    assert "xxxx" in message and "5001 characters" in message and len(message) < 400


# --- gather --------------------------------------------------------------------------------

def _association(folder, expnames):
    data = {"asn_type": "image3", "asn_rule": "r", "program": "1", "asn_id": "o001",
            "target": "t", "products": [{"name": "p", "members": [
                {"expname": e, "exptype": "science"} for e in expnames]}]}
    path = folder / "x_asn.json"
    path.write_text(json.dumps(data))
    return path


def test_gather_command_never_gets_an_option(tmp_path, capsys, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    (src / "--help").write_text("x")
    asn = _association(src, ["--help"])
    monkeypatch.chdir(src)
    code, err = run(["gather", asn.name, tmp_path / "dest", "-c", "cp"], capsys)
    assert code == 6 and "'--help'" in err
    assert not (tmp_path / "dest" / "--help").exists()


@pytest.mark.parametrize("where", ["absolute", "dotdot"])
def test_gather_refuses_members_outside_the_source(tmp_path, capsys, where):
    src, other = tmp_path / "src", tmp_path / "other"
    src.mkdir(), other.mkdir()
    secret = other / "secret.fits"
    secret.write_text("secret")
    name = str(secret) if where == "absolute" else "../other/secret.fits"
    asn = _association(src, [name])
    code, err = run(["gather", asn, tmp_path / "dest"], capsys)
    assert code == 6 and "outside" in err and name in err
    assert not (tmp_path / "dest").exists()
    # asn_gather's behaviour on request
    code, _ = run(["gather", asn, tmp_path / "dest", "--allow-outside"], capsys)
    assert code == 0 and (tmp_path / "dest" / "secret.fits").read_text() == "secret"
