"""The command line (click's CliRunner, and main() for exit codes)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from asnsql.cli import cli, main

from .conftest import EXAMPLE_POOL, corpus_dir, corpus_path, write_pool


def test_generate_writes_and_summarises(tmp_path, corpus, parity_tool):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["generate", str(EXAMPLE_POOL), "-p", str(out),
                                      "--version-id", "v0"])
    assert result.exit_code == 0, result.output
    pool = EXAMPLE_POOL.stem
    truth = sorted(p.name for p in corpus_path(pool, "truth").glob("*_asn.json"))
    assert sorted(p.name for p in out.glob("*")) == truth
    assert "wrote 18 associations (image2 15, image3 3)" in result.output
    assert "pool rows in no association" in result.output


def test_output_is_byte_compatible_json(tmp_path):
    out = tmp_path / "out"
    assert main(["generate", str(EXAMPLE_POOL), "-p", str(out), "-q"]) == 0
    first = sorted(out.glob("*.json"))[0]
    text = first.read_text()
    assert not text.endswith("\n")
    assert text == json.dumps(json.loads(text), indent=4, separators=(",", ": "))
    assert json.loads(text)["version_id"] is None
    assert "_v0_" not in first.name


def test_version_id_without_value_is_a_timestamp(tmp_path):
    out = tmp_path / "out"
    assert main(["generate", str(EXAMPLE_POOL), "-p", str(out), "--version-id", "-q"]) == 0
    data = json.loads(sorted(out.glob("*.json"))[0].read_text())
    assert len(data["version_id"]) == 15 and data["version_id"][8] == "t"


def test_ids_take_several_values(tmp_path, corpus, parity_tool):
    pool = corpus / "pool_001_candidates"
    out = tmp_path / "pool_001_candidates"
    args = json.loads((pool / "modes" / "modes.json").read_text())["ids-o001-c1000"]["args"]
    assert args[:3] == ["-i", "o001", "c1000"]
    code = main(["generate", str(pool / "pool_001_candidates.csv"), "-p", str(out), "-q"]
                + args)
    assert code == 0
    imaging = {"image2", "image3"}
    assert (parity_tool.products(out, imaging)
            == parity_tool.products(pool / "modes" / "ids-o001-c1000", imaging))


def test_dry_run_writes_nothing(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["generate", str(EXAMPLE_POOL), "-p", str(out),
                                      "--dry-run"])
    assert result.exit_code == 0
    assert "would write 18 associations" in result.output
    assert not out.exists()


def test_exclusive_modes(tmp_path):
    code = main(["generate", str(EXAMPLE_POOL), "--discover", "--all-candidates",
                 "-p", str(tmp_path / "o")])
    assert code == 2
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("content, message", [
    (b"\x00\x01\x02 not text \xff", "cannot be read as text"),
    (b"filename|program\na|1\n", "lacks column(s) exp_type"),
    (b"filename|program|exp_type|asn_candidate\na|1|nrc_image|[('o001'\n",
     "column asn_candidate"),
])
def test_bad_pool_one_line_no_output(tmp_path, capsys, content, message):
    pool = tmp_path / "bad_pool.csv"
    pool.write_bytes(content)
    out = tmp_path / "out"
    code = main(["generate", str(pool), "-p", str(out)])
    err = capsys.readouterr().err
    assert code != 0
    assert err.startswith("asnsql: error: ") and message in err
    assert "Traceback" not in err
    assert "bad_pool.csv" in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [pool]


def test_missing_pool(tmp_path, capsys):
    assert main(["generate", str(tmp_path / "none.csv"), "-p", str(tmp_path / "o")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_output_parent_missing(tmp_path, capsys):
    code = main(["generate", str(EXAMPLE_POOL), "-p", str(tmp_path / "a" / "b")])
    assert code == 5
    assert "does not exist" in capsys.readouterr().err


def test_explain_prints_sql():
    result = CliRunner().invoke(cli, ["explain", "Asn_Lv3Image"])
    assert result.exit_code == 0
    assert "-- Asn_Lv3Image (image3)" in result.output
    assert "FROM run_items" in result.output


def test_explain_unknown_rule():
    result = CliRunner().invoke(cli, ["explain", "Asn_Nope"])
    assert result.exit_code != 0
    assert "no rule 'Asn_Nope'" in result.output


def test_rules_lists_registry_order():
    result = CliRunner().invoke(cli, ["rules"])
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.output.splitlines()]
    assert names.index("Asn_Lv2Image") < names.index("Asn_Lv3Image")
    assert names == sorted(names[:names.index("Asn_Lv3ACQ_Reprocess")]) + names[
        names.index("Asn_Lv3ACQ_Reprocess"):]


def test_every_command_has_help_with_examples():
    for name, command in cli.commands.items():
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0
        assert "Example" in result.output, f"{name} --help has no example"
    assert "Examples" in CliRunner().invoke(cli, ["--help"]).output


def test_rule_file_errors_listed_once(tmp_path, capsys):
    rules = tmp_path / "mine.yaml"
    rules.write_text("level: 3\nrules:\n  - name: Asn_Mine\n    asn_type: image3\n"
                     "    where: [{attr: nosuchcolumn, match: x}, {frobnicate: 1}]\n"
                     "    keys: [{name: k, attr: filter, match: '(unclosed'}]\n")
    out = tmp_path / "out"
    code = main(["generate", str(EXAMPLE_POOL), "-p", str(out), "-r", str(rules)])
    err = capsys.readouterr().err
    assert code == 3
    assert "3 problems" in err
    assert "nosuchcolumn" in err and "frobnicate" in err and "(unclosed" in err
    assert not out.exists()


def test_python_m_asnsql(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "asnsql", "--help"], capture_output=True,
                            text=True)
    assert result.returncode == 0 and "generate" in result.stdout


def test_program_writes_parquet_with_pandas_kept_out(tmp_path):
    # The asnsql program keeps pandas out (DuckDB's binder would import it); pyarrow, which
    # --format parquet uses, must still see it as missing rather than as None.
    import subprocess
    import sys

    import pyarrow.parquet as pq

    from asnsql import generate

    out = tmp_path / "out"
    code = ("import sys\n"
            "from asnsql.cli import run\n"
            "sys.argv = ['asnsql'] + sys.argv[1:]\n"
            "run()\n")
    result = subprocess.run([sys.executable, "-c", code, "generate", str(EXAMPLE_POOL),
                             "-p", str(out), "--format", "parquet", "--by-program", "-q",
                             "--version-id", "v0"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    expected = generate(EXAMPLE_POOL, version_id="v0", split_programs=True)
    assert pq.read_table(out / "associations.parquet").num_rows == len(expected)
    assert {p.name for p in out.iterdir()} == {"associations.parquet", "products.parquet",
                                               "members.parquet"}


def test_corpus_dir_helper_points_at_shared():
    assert corpus_dir().name == "corpus"


def test_bad_delimiter(tmp_path, capsys):
    pool = write_pool(tmp_path / "p.csv", ["filename", "program", "exp_type"], [["a", "1", "x"]])
    assert main(["generate", str(pool), "-d", "#", "-p", str(tmp_path / "o")]) == 2
    assert "delimiter" in capsys.readouterr().err


def test_row_without_exposure_type(tmp_path, capsys):
    # asn_generate stops on it (spec 7.1); --skip-undefined-exptype leaves it out
    pool = write_pool(tmp_path / "p.csv", ["filename", "program", "exp_type", "asn_candidate"],
                      [["a.fits", "1", "null", "[('o001', 'observation')]"]])
    assert main(["generate", str(pool), "-p", str(tmp_path / "o"), "-q"]) == 2
    err = capsys.readouterr().err
    assert "line 2 (row 1, a.fits): exp_type is undefined" in err and len(err.splitlines()) == 1
    assert main(["generate", str(pool), "-p", str(tmp_path / "o"), "-q",
                 "--skip-undefined-exptype"]) == 0


def test_a_closed_stdout_stops_the_command_quietly():
    # `asnsql explain | head -1`: the reader goes away after one line; asnsql stops with
    # 128 + SIGPIPE and writes nothing on stderr (it was "internal error: BrokenPipeError")
    import subprocess
    import sys

    with subprocess.Popen([sys.executable, "-m", "asnsql", "explain"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        proc.stdout.readline()
        proc.stdout.close()
        stderr = proc.stderr.read()
        assert proc.wait(timeout=60) == 141
    assert stderr == b""


def test_a_plan_error_on_the_planning_thread_is_raised_by_the_run(tmp_path, monkeypatch):
    """``generate_files`` starts building the plan on a thread of its own while DuckDB
    opens; an error there is raised by the run's own call, and nothing is written."""
    import threading

    from asnsql.errors import CompileError
    from asnsql.generate import generate_files
    from asnsql.plan import Plan

    callers = []

    def failing(cls, *args, **kwargs):
        callers.append(threading.current_thread().name)
        raise CompileError("Asn_Test: cannot be compiled")

    monkeypatch.setattr(Plan, "build", classmethod(failing))
    out = tmp_path / "out"
    with pytest.raises(CompileError, match="Asn_Test"):
        generate_files(EXAMPLE_POOL, out)
    assert callers == ["asnsql-plan", threading.current_thread().name]
    assert not out.exists()
