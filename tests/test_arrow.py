"""asnsql.arrow: generate_tables (Arrow in, the three tables out), a plan prepared once and
shipped to workers, the published schemas and the combined table."""

from __future__ import annotations

import pickle
import random
import subprocess
import sys
import warnings

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from asnsql import generate, generate_tables
from asnsql.arrow import (ASSOCIATIONS_SCHEMA, COMBINED_SCHEMA, MEMBERS_SCHEMA,
                          PRODUCTS_SCHEMA, combine, prepare, read_pool, split_combined)
from asnsql.engine import Engine
from asnsql.errors import AsnsqlWarning, PoolError
from asnsql.batch import run_batch, run_generator
from asnsql.options import Options
from asnsql.plan import Plan
from asnsql.tables import to_tables

from .conftest import corpus_pools

#: Pools of several kinds: candidates, Level 2 backgrounds, coronagraphy, many rules at once.
POOLS = ["jw82600_20171108T041350_pool", "pool_001_candidates", "pool_009_spec_miri_lv2bkg",
         "pool_013_coron_nircam", "pool_018_all_exptypes", "jw00632_dups"]


@pytest.fixture(scope="module")
def plan():
    return prepare(version_id="v0")


def _expected(path, **options) -> dict:
    """The single-machine tables: generate on the pool file, per unit with its candidate
    types."""
    with Engine() as engine:
        result = run_generator(engine, path, None, Options(version_id="v0", **options))
    return to_tables(result.associations, {r.cand_id: r.cand_type for r in result.runs})


@pytest.mark.parametrize("name", POOLS)
def test_shuffled_with_row_id_gives_the_tables_of_generate(corpus, plan, name):
    path = corpus / name / f"{name}.csv"
    table = read_pool(path)
    n = table.num_rows
    ids = [7 * i + 1000 for i in range(n)]           # ids in file order, not positions
    order = list(range(n))
    random.Random(n).shuffle(order)
    shuffled = table.append_column("archive_row", pa.array(ids, pa.int64())).take(order)
    got = generate_tables(shuffled, row_id="archive_row", plan=plan)
    want = _expected(path)
    assert got["associations"].num_rows == len(generate(path, version_id="v0")) > 0
    for table_name in ("associations", "products"):
        assert got[table_name].drop_columns(["pool"]).equals(
            want[table_name].drop_columns(["pool"])), table_name
    members = want["members"]
    rows = members.column("pool_row").to_pylist()
    want_ids = pa.array([None if r is None else ids[r] for r in rows], pa.int64())
    members = members.set_column(members.schema.get_field_index("pool_row"), "pool_row",
                                 want_ids)
    assert got["members"].drop_columns(["pool"]).equals(members.drop_columns(["pool"]))
    assert set(got["associations"].column("pool").to_pylist()) == {"pool"}


def test_without_row_id_pool_row_is_the_position(corpus, plan):
    name = POOLS[0]
    path = corpus / name / f"{name}.csv"
    got = generate_tables(read_pool(path), plan=plan)
    want = _expected(path)
    for table_name in ("associations", "products", "members"):
        assert got[table_name].drop_columns(["pool"]).equals(
            want[table_name].drop_columns(["pool"])), table_name


def test_a_path_and_options_as_generate_takes_them(corpus):
    name = "pool_001_candidates"
    path = corpus / name / f"{name}.csv"
    got = generate_tables(path, version_id="v0", discover=True)
    want = _expected(path, discover=True)
    for table_name in ("associations", "products", "members"):
        assert got[table_name].equals(want[table_name]), table_name
    assert got["associations"].schema.equals(ASSOCIATIONS_SCHEMA)


@pytest.mark.slow
def test_read_pool_generates_as_the_file(corpus):
    """Every corpus pool read as an Arrow table (values as the generator reads them) gives
    what its file gives (in one batch each way)."""
    paths = [corpus / name / f"{name}.csv" for name in corpus_pools()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AsnsqlWarning)   # (pools without asn_candidate)
        tables = [read_pool(path) for path in paths]
        with Engine() as engine:
            from_tables = run_batch(engine, tables, None, Options(version_id="v0"),
                                    names=[p.name for p in paths])
        with Engine() as engine:
            from_files = run_batch(engine, paths, None, Options(version_id="v0"))
    assert len(from_files) == len(from_tables) == len(paths)
    for path, table_result, file_result in zip(paths, from_tables, from_files):
        assert table_result.pool.name == file_result.pool.name == path.name
        assert table_result.associations == file_result.associations, path.name
        assert ([a.name for a in table_result.associations]
                == [a.name for a in file_result.associations]), path.name


def test_schemas_are_fixed_and_the_combined_table_round_trips(corpus, plan):
    name = POOLS[1]
    tables = generate_tables(read_pool(corpus / name / f"{name}.csv"), plan=plan)
    assert tables["associations"].schema.equals(ASSOCIATIONS_SCHEMA)
    assert tables["products"].schema.equals(PRODUCTS_SCHEMA)
    assert tables["members"].schema.equals(MEMBERS_SCHEMA)
    assert MEMBERS_SCHEMA.field("pool_row").type == pa.int64()
    assert ASSOCIATIONS_SCHEMA.field("level").type == pa.int8()
    combined = combine(tables)
    assert combined.schema.equals(COMBINED_SCHEMA)
    assert COMBINED_SCHEMA.names[0] == "table"
    assert sorted(set(COMBINED_SCHEMA.names) - {"table"}) == sorted(
        set(ASSOCIATIONS_SCHEMA.names) | set(PRODUCTS_SCHEMA.names) | set(MEMBERS_SCHEMA.names))
    counts = pc.value_counts(combined.column("table")).to_pylist()
    assert {c["values"]: c["counts"] for c in counts} == {
        k: t.num_rows for k, t in tables.items()}
    back = split_combined(combined)
    for key, table in tables.items():
        assert back[key].equals(table), key


def test_empty_result_has_the_schemas(plan):
    table = pa.table({"filename": ["a.fits"], "exp_type": ["nrc_dark"], "program": ["1"],
                      "asn_candidate": ["[]"]})
    tables = generate_tables(table, plan=plan)
    assert tables["associations"].num_rows == 0
    assert tables["members"].schema.equals(MEMBERS_SCHEMA)
    assert combine(tables).num_rows == 0


def test_version_id_now_is_fixed_once():
    plan = prepare(version_id="")
    assert isinstance(plan, Plan)
    stamp = plan.options.version_id
    assert len(stamp) == 15 and stamp[8] == "t"
    assert pickle.loads(pickle.dumps(plan)).options.version_id == stamp


@pytest.mark.parametrize("values, message", [
    ([3, 1, 3], "repeat"),
    ([3, None, 2], "no value"),
    (["a", "b", "c"], "integers"),
])
def test_bad_row_ids(plan, values, message):
    table = pa.table({"filename": ["a", "b", "c"], "exp_type": ["nrc_image"] * 3,
                      "program": ["1"] * 3, "asn_candidate": ["[]"] * 3, "rid": values})
    with pytest.raises(PoolError, match=message):
        generate_tables(table, row_id="rid", plan=plan)
    with pytest.raises(PoolError, match="no column 'nope'"):
        generate_tables(table, row_id="nope", plan=plan)


def test_plan_excludes_options(plan):
    table = pa.table({"filename": ["a"], "exp_type": ["nrc_image"], "program": ["1"]})
    with pytest.raises(ValueError, match="not both"):
        generate_tables(table, plan=plan, version_id="v1")


def test_a_worker_with_a_plan_needs_no_sqlglot(corpus, plan, tmp_path):
    """Shipped to another process (no SQL cache), the plan runs without compiling: no
    sqlglot, none of the compiler's passes (its pure vocabulary/reads/results modules are the
    profile's), no rule file read; the same tables."""
    name = POOLS[0]
    table = read_pool(corpus / name / f"{name}.csv")
    blob = tmp_path / "job.pkl"
    blob.write_bytes(pickle.dumps((plan, table)))
    out = tmp_path / "out.arrow"
    code = (
        "import pickle, sys\n"
        "import pyarrow as pa\n"
        f"plan, table = pickle.load(open({str(blob)!r}, 'rb'))\n"
        "import asnsql.ruleset\n"
        "asnsql.ruleset.default_ruleset = asnsql.ruleset.load_rules = None  # (reading fails)\n"
        "from asnsql.arrow import combine, generate_tables\n"
        "tables = generate_tables(table, plan=plan, threads=1)\n"
        "assert not [m for m in sys.modules if m.startswith('sqlglot')], 'sqlglot imported'\n"
        "passes = [m for m in sys.modules if m.startswith('asnsql.compile.')\n"
        "          and m.rsplit('.', 1)[1] not in ('vocabulary', 'reads', 'results')]\n"
        "assert not passes, passes\n"
        f"with pa.OSFile({str(out)!r}, 'wb') as f:\n"
        "    t = combine(tables)\n"
        "    with pa.ipc.new_file(f, t.schema) as w: w.write_table(t)\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=300,
                   env={"ASNSQL_CACHE": "off", "PATH": "/usr/bin:/bin"})
    got = pa.ipc.open_file(str(out)).read_all()
    assert got.equals(combine(generate_tables(table, plan=plan)))


def test_ids_are_kept_and_prepare_warns_of_nothing(corpus):
    name = "pool_001_candidates"
    path = corpus / name / f"{name}.csv"
    plan = prepare(version_id="v0", ids=["o001"])     # (filterwarnings=error)
    got = generate_tables(read_pool(path), plan=plan)
    want = _expected(path, ids=["o001"])
    for table_name in ("associations", "products", "members"):
        assert got[table_name].drop_columns(["pool"]).equals(
            want[table_name].drop_columns(["pool"])), table_name
