"""Pool loading: formats, normalisation (spec section 1) and bad input."""

from __future__ import annotations

import warnings

import pytest

from asnsql import AsnsqlWarning, PoolError, generate
from asnsql.engine import Engine
from asnsql.pool import load_pool, load_pools, pool_table

from .conftest import EXAMPLE_POOL, write_pool

HEADER = ["filename", "program", "exp_type", "instrume", "detector", "filter", "pupil",
          "subarray", "targetid", "pntgtype", "obs_num", "asn_candidate"]


def _row(i, **values):
    row = {"filename": f"jw00001001001_0210{i}_00001_nrca1_uncal.fits", "program": "1",
           "exp_type": "NRC_IMAGE", "instrume": "NIRCAM", "detector": "NRCA1",
           "filter": "F090W", "pupil": "CLEAR", "subarray": "FULL", "targetid": "1",
           "pntgtype": "science", "obs_num": "1",
           "asn_candidate": "[('o001', 'observation')]"}
    row.update(values)
    return [row[h] for h in HEADER]


def test_values_are_normalised(tmp_path):
    pool = tmp_path / "p.csv"
    pool.write_text("# a comment\n  # another\n\nFILENAME | Program|EXP_TYPE|Note\n"
                    "  A_uncal.fits |623| NRC_IMAGE |#TODO\n"
                    'b_uncal.fits|"1|2"||x\n')
    with Engine() as engine, pytest.warns(AsnsqlWarning, match="no asn_candidate"):
        info = load_pool(engine, pool)
        rows = engine.rows("SELECT pos, lineno, filename, r.program, exp_type, exposerr "
                           "FROM pool_raw AS r JOIN pool USING (pos, src) ORDER BY pos")
        own = pool_table(engine, info)
    assert info.columns == ["filename", "program", "exp_type", "note"]
    assert rows == [(0, 5, "a_uncal.fits", "623", "nrc_image", None),
                    (1, 6, "b_uncal.fits", "1|2", "null", None)]
    assert own == [("a_uncal.fits", "623", "nrc_image", "#todo"),
                   ("b_uncal.fits", "1|2", "null", "x")]


def test_pool_defined_reads_every_kind_of_line(tmp_path):
    # Plain lines are split when pool_defined is made; quoted and padded lines were split
    # on loading: both give the same raw and defined values (an empty field reads 'null').
    pool = tmp_path / "p.csv"
    pool.write_text("filename|program|exp_type|bkgdtarg|obs_num\n"
                    "a_uncal.fits|1||N/A|7\n"
                    '"b_uncal.fits"|1||N/A|7\n'
                    "c_uncal.fits |1||N/A|7\n")
    with Engine() as engine, pytest.warns(AsnsqlWarning):
        load_pools(engine, [pool], defined=["bkgdtarg"])
        rows = engine.rows("SELECT raw_exp_type, exp_type, raw_bkgdtarg, bkgdtarg, "
                           "n_fields FROM pool_defined ORDER BY pos")
        names = [r[0] for r in engine.rows("DESCRIBE pool_defined")]
        raw_obs = engine.rows("SELECT obs_num FROM pool_raw ORDER BY pos")
    assert rows == [("null", None, "n/a", None, 5)] * 3
    # Only the columns asked for (and those asnsql itself reads) are defined values;
    # pool_raw still has every column.
    assert "bkgdtarg" in names and "exp_type" in names and "obs_num" not in names
    assert raw_obs == [("7",)] * 3


def test_batch_load_keeps_pools_apart(tmp_path):
    a = write_pool(tmp_path / "a.csv", ["filename", "program", "exp_type"], [["x", "1", "y"]])
    b = write_pool(tmp_path / "b.csv", ["exp_type", "filename", "program", "extra"],
                   [["z", "f1", "2", "e"], ["w", "f2", "2", "e"]])
    with Engine() as engine, pytest.warns(AsnsqlWarning):
        infos = load_pools(engine, [a, b])
        rows = engine.rows("SELECT pool_id, pos, filename, p.program, exp_type "
                           "FROM pool_raw JOIN pool AS p USING (pos, src) ORDER BY pos")
    assert [(i.pool_id, i.name, i.rows) for i in infos] == [(0, "a.csv", 1), (1, "b.csv", 2)]
    assert rows == [(0, 0, "x", "1", "y"), (1, 1, "f1", "2", "z"), (1, 2, "f2", "2", "w")]


def test_empty_values_are_undefined(tmp_path):
    pool = write_pool(tmp_path / "p.csv", ["filename", "program", "exp_type", "bkgdtarg"],
                      [["a", "1", "nrc_image", v] for v in ["f", "N/A", "--", "none", "t"]])
    with Engine() as engine, pytest.warns(AsnsqlWarning):
        load_pool(engine, pool)
        defined = [r[0] for r in engine.rows("SELECT bkgdtarg FROM pool_defined ORDER BY pos")]
    assert defined == [None, None, None, "none", "t"]


def test_table_inputs_give_the_same_associations(tmp_path):
    from astropy.table import Table
    import pyarrow as pa

    expected = generate(EXAMPLE_POOL, version_id="v0")
    with open(EXAMPLE_POOL) as f:
        lines = [line.rstrip("\n").split("|") for line in f if line.strip()]
    header, rows = lines[0], lines[1:]
    columns = {h: [r[i] for r in rows] for i, h in enumerate(header)}
    name = EXAMPLE_POOL.name
    for table in (Table(columns), pa.table(columns)):
        got = generate(table, version_id="v0", pool_name=name)
        assert [a.name for a in got] == [a.name for a in expected]
        assert list(got) == list(expected)
    with Engine() as engine:
        relation = engine.con.from_arrow(pa.table(columns))
        got = generate(relation, version_id="v0", pool_name=name)
    assert list(got) == list(expected)


def test_astropy_format(tmp_path):
    from astropy.table import Table

    with open(EXAMPLE_POOL) as f:
        lines = [line.rstrip("\n").split("|") for line in f if line.strip()]
    table = Table({h: [r[i] for r in lines[1:]] for i, h in enumerate(lines[0])})
    ecsv = tmp_path / EXAMPLE_POOL.name.replace(".csv", ".ecsv")
    table.write(ecsv, format="ascii.ecsv")
    got = generate(ecsv, version_id="v0", pool_format="ascii.ecsv")
    expected = generate(EXAMPLE_POOL, version_id="v0")
    assert [dict(a, asn_pool=None) for a in got] == [dict(a, asn_pool=None) for a in expected]


def test_missing_file(tmp_path):
    with pytest.raises(PoolError, match="does not exist"):
        generate(tmp_path / "nope.csv")


def test_not_a_table(tmp_path):
    binary = tmp_path / "image.fits"
    binary.write_bytes(b"SIMPLE  =                    T" + bytes(range(256)) * 10)
    with pytest.raises(PoolError, match="image.fits"):
        generate(binary)


def test_one_column_file(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("just some\nwords here\n")
    with pytest.raises(PoolError, match="notes.txt, line 1"):
        generate(text)


@pytest.mark.parametrize("column", ["filename", "exp_type", "program"])
def test_required_columns(tmp_path, column):
    header = [h for h in HEADER if h != column]
    rows = [[v for h, v in zip(HEADER, _row(1)) if h != column]]
    pool = write_pool(tmp_path / "p.csv", header, rows)
    with pytest.raises(PoolError, match=f"p.csv lacks column.*{column}"):
        generate(pool)


def test_ragged_row_names_its_line(tmp_path):
    pool = tmp_path / "p.csv"
    pool.write_text("filename|program|exp_type\na|1|nrc_image\nb|1\n")
    with pytest.raises(PoolError, match="line 3 has 2"):
        generate(pool)


def test_unparseable_candidate_names_line_and_column(tmp_path):
    rows = [_row(1), _row(2, asn_candidate="[('o001', 'observation'")]
    pool = write_pool(tmp_path / "p.csv", HEADER, rows)
    with pytest.raises(PoolError, match=r"p.csv, column asn_candidate.*line 3"):
        generate(pool)


def test_pool_without_candidates_is_discovered_only(tmp_path):
    header = [h for h in HEADER if h != "asn_candidate"]
    rows = [[v for h, v in zip(HEADER, _row(i, obs_num=str(i))) if h != "asn_candidate"]
            for i in (1, 2)]
    pool = write_pool(tmp_path / "p.csv", header, rows)
    with pytest.warns(AsnsqlWarning, match="no asn_candidate column"):
        asns = generate(pool)
    assert asns, "discovered Level-3 associations expected"
    assert {a["asn_id"] for a in asns} == {"a3001"}
    assert {a["asn_rule"].split("_")[0] for a in asns} == {"discover"}


def test_reserved_column_names(tmp_path):
    pool = write_pool(tmp_path / "p.csv", ["filename", "program", "exp_type", "pos"],
                      [["a", "1", "nrc_image", "3"]])
    with pytest.raises(PoolError, match="reserves"):
        generate(pool)


def test_duplicate_column_names(tmp_path):
    pool = write_pool(tmp_path / "p.csv", ["filename", "program", "EXP_TYPE", "exp_type"],
                      [["a", "1", "x", "y"]])
    with pytest.raises(PoolError, match="exp_type appear twice"):
        generate(pool)


def test_warning_is_not_an_error_for_good_pools():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert generate(EXAMPLE_POOL)
