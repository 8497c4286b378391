"""What a new user meets in the first hour (issue 16): the README's Python examples run,
rule names are suggested, Python rule files get a pointer, the SQL tables are documented,
and asn_generate's -v, -D, --version and --per-pool-algorithm are accepted."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from asnsql import RuleError, load_rules
from asnsql.cli import cli, main
from asnsql.engine import Engine
from asnsql.generate import Options, run_generator
from asnsql.ruleset import default_ruleset
from asnsql.schema import TABLES, describe

from .conftest import EXAMPLE_POOL, ROOT, corpus_path

# --- the README's Python examples -------------------------------------------------------------


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def _printed(block: str) -> list[str]:
    """What the block says its ``print(...)`` lines print (their ``# ...`` comments)."""
    return [line.split("#", 1)[1].strip() for line in block.splitlines()
            if line.startswith("print(") and "#" in line]


@pytest.mark.slow  # (~20 s: every Python block of the README in a fresh interpreter)
def test_readme_python_examples_run_on_the_example_pool(tmp_path):
    """Every ```python block of README.md runs, from a folder holding examples/ as the
    repository does, and prints what its comments say."""
    blocks = _python_blocks((ROOT / "README.md").read_text())
    assert len(blocks) >= 2
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    for block in blocks:
        run = subprocess.run([sys.executable, "-c", block], cwd=tmp_path, capture_output=True,
                             text=True, timeout=300)
        assert run.returncode == 0, f"{block}\n{run.stderr}"
        lines = run.stdout.splitlines()
        for expected in _printed(block):
            assert expected in lines, f"README says {expected!r}; printed {lines}"


def test_readme_python_example_names_what_the_reference_makes():
    """The association the README loads is one the reference makes from the example pool."""
    (block,) = [b for b in _python_blocks((ROOT / "README.md").read_text())
                if "load_asn" in b]
    (loaded,) = re.findall(r'load_asn\("out/([^"]+)"\)', block)
    truth = corpus_path(EXAMPLE_POOL.stem, "truth")
    assert (truth / loaded).is_file()
    count, first = _printed(block)[0].split()
    assert int(count) == len(list(truth.glob("*_asn.json")))
    assert (truth / f"{first}.json").is_file()
    asn_type, product = _printed(block)[1].split()
    data = json.loads((truth / loaded).read_text())
    assert (data["asn_type"], data["products"][0]["name"]) == (asn_type, product)


# --- did you mean ------------------------------------------------------------------------------


@pytest.mark.parametrize("typed, expected", [
    ("Asn_Lv3Imag", ["Asn_Lv3Image"]),
    ("lv2imag", ["Asn_Lv2Image"]),
    ("ASN_LV3NRCCORON", ["Asn_Lv3NRCCoron"]),
    ("nothing_like_a_rule", []),
])
def test_closest_rule_names(typed, expected):
    assert default_ruleset().closest(typed) == expected


def test_explain_suggests_the_closest_rule_instead_of_listing_all():
    result = CliRunner().invoke(cli, ["explain", "Asn_Lv3Imag"])
    assert result.exit_code == 2
    assert "no rule 'Asn_Lv3Imag'; did you mean Asn_Lv3Image?" in result.output
    assert "Asn_Lv2FGS" not in result.output
    assert "`asnsql rules` lists them" in result.output


def test_from_list_suggests_rule_and_base_names(tmp_path, capsys):
    out = str(tmp_path / "a.json")
    assert main(["from-list", "-o", out, "-r", "DMS_Level3_Bas", "a_cal.fits"]) != 0
    assert "did you mean DMS_Level3_Base?" in capsys.readouterr().err
    assert main(["from-list", "-o", out, "-r", "Asn_Lv2Spek", "a_rate.fits"]) != 0
    assert "did you mean Asn_Lv2Spec?" in capsys.readouterr().err
    assert not (tmp_path / "a.json").exists()


# --- Python rule files --------------------------------------------------------------------------


def test_python_rule_file_points_to_the_yaml_rules(tmp_path, capsys):
    rules = tmp_path / "my_rules.py"
    rules.write_text("from jwst.associations.lib.dms_base import DMSBaseMixin\n")
    with pytest.raises(RuleError) as err:
        load_rules([rules])
    (problem,) = err.value.problems
    assert str(rules) in problem and "YAML" in problem and "docs/RULES.md" in problem
    assert main(["generate", str(EXAMPLE_POOL), "-r", str(rules), "--dry-run"]) == 3
    stderr = capsys.readouterr().err
    assert "docs/RULES.md" in stderr and "not valid YAML" not in stderr
    assert (ROOT / "docs" / "RULES.md").is_file()


# --- the SQL tables -----------------------------------------------------------------------------


def _documented() -> list[tuple[str, str, str]]:
    rows = []
    for line in (ROOT / "docs" / "TABLES.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] in TABLES:
            rows.append(tuple(cells[:3]))
    return rows


def test_tables_doc_equals_the_real_schema():
    """docs/TABLES.md lists every column of every table, in order, with DuckDB's types."""
    real = describe([EXAMPLE_POOL])
    documented = _documented()
    pool_columns = [(c, t) for table, c, t in real if table == "pool"]
    assert pool_columns[0] == ("pool_row", "BIGINT")
    assert {t for _, t in pool_columns[1:]} == {"VARCHAR"}
    assert ("pool", "*each pool column*", "VARCHAR") in documented
    assert ([r for r in documented if r[0] != "pool"] == [r for r in real if r[0] != "pool"])
    assert {r[0] for r in documented} == set(TABLES)


def test_sql_schema_prints_the_tables(tmp_path):
    result = CliRunner().invoke(cli, ["sql", "--schema"])
    assert result.exit_code == 0, result.output
    printed = [tuple(line.split()) for line in result.output.splitlines()]
    assert printed == describe()
    assert [r for r in printed if r[0] != "pool"] == [r for r in _documented()
                                                      if r[0] != "pool"]
    with_pool = CliRunner().invoke(cli, ["sql", "--schema", str(EXAMPLE_POOL)])
    header = EXAMPLE_POOL.read_text().splitlines()[0].lower().split("|")
    assert [line.split()[1] for line in with_pool.output.splitlines()
            if line.startswith("pool ")] == ["pool_row"] + [c.strip() for c in header]


def test_sql_schema_of_a_database(tmp_path):
    db = tmp_path / "a.duckdb"
    assert main(["generate", str(EXAMPLE_POOL), "-p", str(tmp_path / "o"), "-q",
                 "--db", str(db)]) == 0
    result = CliRunner().invoke(cli, ["sql", "--schema", "--db", str(db)])
    assert result.exit_code == 0, result.output
    tables = {line.split()[0] for line in result.output.splitlines()}
    assert tables == set(TABLES) - {"pool"}


def test_sql_without_statement_is_a_usage_error():
    result = CliRunner().invoke(cli, ["sql"])
    assert result.exit_code == 2 and "Missing argument 'SQL'" in result.output


def test_in_memory_pool_path_column_is_text():
    """pools.path is VARCHAR (NULL) for an in-memory pool, so file pools can follow it."""
    assert ("pools", "path", "VARCHAR") in describe()


# --- asn_generate's -v, -D, --version, --per-pool-algorithm ------------------------------------


PHASES = ["read pool", "candidates", "rule queries", "assembly"]


def test_library_returns_phase_timings():
    timings: dict[str, float] = {}
    with Engine() as engine:
        result = run_generator(engine, EXAMPLE_POOL, options=Options(version_id="v0"),
                               timings=timings)
    assert len(result.associations) == 18
    assert list(timings) == PHASES
    assert all(isinstance(s, float) and s >= 0 for s in timings.values())


@pytest.mark.parametrize("flag", ["-v", "--verbose", "-D", "--debug"])
def test_generate_verbose_prints_phase_times(tmp_path, capsys, flag):
    assert main(["generate", str(EXAMPLE_POOL), "-p", str(tmp_path), flag]) == 0
    err = capsys.readouterr().err
    for phase in PHASES + ["write", "total"]:
        assert re.search(rf"^asnsql: +{phase} +\d+\.\d{{3}} s$", err, re.M), (phase, err)
    assert "wrote 18 associations" in err


def test_generate_without_verbose_prints_no_times(tmp_path, capsys):
    assert main(["generate", str(EXAMPLE_POOL), "-p", str(tmp_path)]) == 0
    assert "rule queries" not in capsys.readouterr().err


def test_generate_debug_prints_the_traceback(tmp_path, capsys):
    missing = str(tmp_path / "nope.csv")
    assert main(["generate", missing, "-p", str(tmp_path / "o"), "-D"]) == 2
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "PoolError" in err
    assert err.rstrip().splitlines()[-1].startswith("asnsql: error: pool file")
    assert main(["generate", missing, "-p", str(tmp_path / "o")]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_generate_version():
    from importlib.metadata import version

    result = CliRunner().invoke(cli, ["generate", "--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"asnsql generate, version {version('asnsql')}"


def test_per_pool_algorithm_is_accepted_and_changes_nothing(tmp_path, capsys):
    assert main(["generate", str(EXAMPLE_POOL), "-p", str(tmp_path / "a"), "-q",
                 "--version-id", "v0"]) == 0
    capsys.readouterr()
    assert main(["generate", str(EXAMPLE_POOL), "-p", str(tmp_path / "b"), "-q",
                 "--version-id", "v0", "--per-pool-algorithm"]) == 0
    (note,) = capsys.readouterr().err.splitlines()
    assert note.startswith("asnsql: note: --per-pool-algorithm changes nothing")
    a = {p.name: p.read_bytes() for p in (tmp_path / "a").iterdir()}
    b = {p.name: p.read_bytes() for p in (tmp_path / "b").iterdir()}
    assert a == b and len(a) == 18


# --- self-contained tests -----------------------------------------------------------------------


def test_corpus_ships_with_the_tests():
    """The corpus is in tests/data unless ASNSQL_CORPUS points elsewhere; the default
    selection's pools are all in it."""
    from .conftest import DATA, REPRESENTATIVE, corpus_dir, corpus_pools

    assert (DATA / "corpus").is_dir() and (DATA / "tools" / "parity.py").is_file()
    assert REPRESENTATIVE <= set(corpus_pools())
    assert corpus_dir().name == "corpus"


def test_a_missing_corpus_file_fails_with_one_clear_line(tmp_path, monkeypatch):
    from .conftest import corpus_path, corpus_pool

    with pytest.raises(pytest.fail.Exception, match="not in the corpus tests/data/corpus"):
        corpus_pool("no_such_pool")
    monkeypatch.setenv("ASNSQL_CORPUS", str(tmp_path))
    with pytest.raises(pytest.fail.Exception, match=f"ASNSQL_CORPUS={tmp_path}"):
        corpus_path("x", "truth")


def test_readme_quick_start_runs_both_test_selections():
    """.ci/run runs the README's quick-start block: the default tests, then -m slow."""
    text = (ROOT / "README.md").read_text()
    block = text.split("<!-- ci:begin -->")[1].split("<!-- ci:end -->")[0]
    tests = [line for line in block.splitlines() if "pytest" in line]
    assert tests == [".venv/bin/python -m pytest && .venv/bin/python -m pytest -m slow"]


# --- a progress bar that moves (issue 16 item 4) ----------------------------------------------


def _progress_calls(run) -> list[tuple[int, int]]:
    calls: list[tuple[int, int]] = []
    with Engine() as engine:
        run(engine, lambda done, total: calls.append((done, total)))
    return calls


def _assert_moves(calls, rows, steps):
    assert calls[0] == (0, rows) and calls[-1] == (rows, rows)
    done = [d for d, _ in calls]
    assert done == sorted(done) and all(total == rows for _, total in calls)
    inside = sorted({d for d in done if 0 < d < rows})
    assert len(inside) >= steps, calls


def test_progress_advances_through_the_phases_of_one_pool():
    # One small pool runs as one unit: the count rises phase by phase, not 0 then 100 %.
    calls = _progress_calls(lambda engine, progress: run_generator(
        engine, EXAMPLE_POOL, options=Options(version_id="v0"), progress=progress))
    rows = calls[-1][1]
    _assert_moves(calls, rows, len(PHASES) - 1)


def test_progress_of_a_batch_advances_within_each_chunk():
    from asnsql.batch import iter_batch

    calls = _progress_calls(lambda engine, progress: list(iter_batch(
        engine, [EXAMPLE_POOL, EXAMPLE_POOL], options=Options(version_id="v0"),
        names=["a", "b"], chunk_rows=1, progress=progress)))
    rows = calls[-1][1]
    # Loading (2 phases) then, per chunk (one pool each), queries and assembly.
    _assert_moves(calls, rows, 2 + 2 * 2 - 1)


# --- .jsonl read by every command that reads associations (issue 16 item 4) -----------------


@pytest.fixture(scope="module")
def jsonl_and_json(tmp_path_factory):
    """The example pool's associations as associations.jsonl and as *_asn.json files."""
    root = tmp_path_factory.mktemp("jsonl")
    for fmt in ("jsonl", "json"):
        assert main(["generate", str(EXAMPLE_POOL), "-p", str(root / fmt), "-q",
                     "--version-id", "v0", "--format", fmt]) == 0
    return root / "jsonl" / "associations.jsonl", root / "json"


def test_diff_and_validate_read_jsonl(jsonl_and_json, capsys):
    jsonl, folder = jsonl_and_json
    assert main(["diff", str(jsonl), "--", str(folder)]) == 0
    assert main(["diff", str(jsonl.parent), "--", str(folder)]) == 0
    capsys.readouterr()
    assert main(["validate", str(jsonl)]) == 0
    assert capsys.readouterr().out == f"OK {jsonl}\n"
    broken = jsonl.parent / "broken.jsonl"
    lines = jsonl.read_text().splitlines()
    entry = json.loads(lines[1])
    del entry["association"]["products"]
    broken.write_text("\n".join([lines[0], json.dumps(entry)]) + "\n")
    assert main(["validate", str(broken)]) == 1
    out = capsys.readouterr().out
    assert f"{broken}: {entry['name']}: $: 'products' is a required property" in out


def test_load_asn_reads_one_line_of_jsonl(jsonl_and_json):
    from asnsql import AssociationError, load_asn

    jsonl, folder = jsonl_and_json
    name = json.loads(jsonl.read_text().splitlines()[3])["name"]
    expected = json.loads((folder / f"{name}.json").read_text())
    assert load_asn(f"{jsonl}:3") == expected
    assert load_asn(f"{jsonl}:{name}") == expected
    with pytest.raises(AssociationError, match=r"holds 18 associations .* pick it as "
                       r".*associations\.jsonl:N"):
        load_asn(jsonl)
    with pytest.raises(AssociationError, match="no association 'nope'"):
        load_asn(f"{jsonl}:nope")


def test_edit_and_gather_take_one_line_of_jsonl(jsonl_and_json, tmp_path, capsys):
    jsonl, folder = jsonl_and_json
    name = json.loads(jsonl.read_text().splitlines()[0])["name"]
    out = tmp_path / "edited.json"
    assert main(["edit", f"{jsonl}:0", "-a", "extra_cal.fits", "-o", str(out)]) == 0
    edited = json.loads(out.read_text())
    assert all(m["expname"] == "extra_cal.fits" for m in
               (p["members"][-1] for p in edited["products"]))
    assert main(["edit", f"{jsonl}:0", "-a", "extra_cal.fits"]) != 0
    assert "give -o OUT.json" in capsys.readouterr().err
    assert main(["gather", str(jsonl), str(tmp_path / "dest")]) != 0
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "holds 18 associations" in err
    source = tmp_path / "src"
    source.mkdir()
    one = json.loads((folder / f"{name}.json").read_text())
    for product in one["products"]:
        for member in product["members"]:
            (source / member["expname"]).write_text("x")
    assert main(["gather", f"{jsonl}:{name}", str(tmp_path / "dest"), "-s", str(source)]) == 0
    assert json.loads((tmp_path / "dest" / f"{name}.json").read_text()) == one
