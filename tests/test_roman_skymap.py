"""Roman skymap tables (asnsql.profiles.roman.skymap) and footprints (.footprints), checked
against the Roman test data (tests/data/roman, a copy of ../shared/roman: the SKYCELLS file,
its flat copies, the Level-2 files, manifest.csv and the reference's association files)."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from asnsql.profiles.roman import footprints as fpm
from asnsql.profiles.roman import gates
from asnsql.profiles.roman import skymap as sm
from asnsql.profiles.roman import skymap_views

ROMAN = Path(__file__).resolve().parent / "data" / "roman"
SKYMAP_FILE = ROMAN / "skymap" / "skymap_roman_truth.asdf"


@pytest.fixture(scope="session")
def roman_skymap(tmp_path_factory):
    if not SKYMAP_FILE.is_file():
        pytest.fail(f"the Roman test data is missing at {ROMAN}")
    return sm.load_skymap(str(SKYMAP_FILE), cache_dir=tmp_path_factory.mktemp("cache"))


def manifest_rows() -> list[dict]:
    with open(ROMAN / "l2" / "manifest.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def test_tables_equal_the_flat_copies(roman_skymap):
    assert (roman_skymap.n_regions, roman_skymap.n_skycells) == (13, 25953)
    assert (roman_skymap.nxy_skycell, roman_skymap.skycell_border_pixels) == (5000, 100)
    assert roman_skymap.sha256 == hashlib.sha256(SKYMAP_FILE.read_bytes()).hexdigest()
    ours = pq.read_table(roman_skymap.skycells_path)
    flat = pq.read_table(ROMAN / "skymap" / "skycells.parquet")
    for name in ("index", "name", "ra_center", "dec_center", "x_tangent", "y_tangent"):
        assert ours.column(name).to_pylist() == flat.column(name).to_pylist(), name
    assert ours.column("orientat").to_pylist() == flat.column("orientat").to_pylist()
    regions = pq.read_table(roman_skymap.regions_path).to_pylist()
    with open(ROMAN / "skymap" / "projection_regions.csv", newline="") as handle:
        for row, want in zip(regions, csv.DictReader(handle)):
            for key, value in want.items():
                assert row[key] == pytest.approx(float(value), abs=0, rel=1e-15), key


def test_grid_and_runs_locate_every_skycell(roman_skymap):
    """Grid column/row and the runs table give back each skycell's index and position."""
    cells = pq.read_table(roman_skymap.skycells_path).to_pylist()
    regions = pq.read_table(roman_skymap.regions_path).to_pylist()
    runs = pq.read_table(roman_skymap.runs_path).to_pylist()
    found = {}
    for run in runs:
        for col in range(run["col_first"], run["col_last"] + 1):
            key = (run["region"], run["grid_row"], col)
            assert key not in found
            found[key] = run["index_first"] + col - run["col_first"]
    assert len(found) == len(cells)
    for cell in cells:
        region = regions[cell["region"]]
        assert found[(cell["region"], cell["grid_row"], cell["grid_col"])] == cell["index"]
        # the skycell's first pixel, in its region's frame, is its grid position
        assert region["x_tangent"] - cell["x_tangent"] == region["grid_x0"] + 4800 * cell["grid_col"]
        assert region["y_tangent"] - cell["y_tangent"] == region["grid_y0"] + 4800 * cell["grid_row"]
        assert region["skycell_start"] <= cell["index"] < region["skycell_end"]


def test_cache_is_reused(roman_skymap):
    stamp = (roman_skymap.folder / "skycells.parquet").stat().st_mtime_ns
    again = sm.load_skymap(str(SKYMAP_FILE), cache_dir=roman_skymap.folder.parent.parent)
    assert again.folder == roman_skymap.folder
    assert (again.folder / "skycells.parquet").stat().st_mtime_ns == stamp


def test_polar_cap_gate_is_romancals_cone(roman_skymap):
    """romancal's cap polygon: from_cone(ra, dec, 90 - dec_min, steps=16): 15 vertices at
    RA 0, 336, ..., 24 on the cap's edge, closed."""
    cap = pq.read_table(roman_skymap.regions_path).to_pylist()[0]
    assert cap["cap_radius"] == pytest.approx(90 - cap["dec_min"], abs=1e-12)
    ras = [round(v, 9) % 360 for v in cap["gate_ra"]]
    assert ras == [0.0] + [360.0 - 24 * k for k in range(1, 15)] + [0.0]
    assert all(abs(d - cap["dec_min"]) < 1e-9 for d in cap["gate_dec"])
    ring = pq.read_table(roman_skymap.regions_path).to_pylist()[1]
    assert ring["cap_radius"] is None
    assert ring["gate_ra"] == [337.5, 22.5, 22.5, 337.5, 337.5]


def _case_wcs_infos():
    infos = {}
    for path in sorted((ROMAN / "cases").glob("*/*_asn.json")):
        data = json.loads(path.read_text())
        if isinstance(data.get("skycell_wcs_info"), dict):
            infos[data["skycell_wcs_info"]["name"]] = data["skycell_wcs_info"]
    return infos


def test_skycell_wcs_info_equals_the_reference_files(roman_skymap):
    infos = _case_wcs_infos()
    assert len(infos) > 20
    flat = pq.read_table(ROMAN / "skymap" / "skycells.parquet", columns=["index", "name"])
    index = dict(zip(flat.column("name").to_pylist(), flat.column("index").to_pylist()))
    names = sorted(infos)
    got = skymap_views.skycell_wcs_info(roman_skymap, [index[n] for n in names])
    for name, info in zip(names, got):
        assert list(info) == list(infos[name])
        # the reference writes json.dumps of these values: compare the text
        assert json.dumps(info) == json.dumps(infos[name]), name


def test_skycell_wcs_info_unknown_index(roman_skymap):
    with pytest.raises(sm.SkymapError, match="no skycell with index 99999999"):
        skymap_views.skycell_wcs_info(roman_skymap, [0, 99999999])


def test_no_skymap_configured(monkeypatch):
    monkeypatch.delenv("SKYMAP_PATH", raising=False)
    with pytest.raises(sm.SkymapError, match="no skymap configured.*SKYMAP_PATH"):
        sm.load_skymap()


def test_skymap_from_environment(monkeypatch, roman_skymap):
    monkeypatch.setenv("SKYMAP_PATH", str(SKYMAP_FILE))
    assert sm.resolve_skymap_path() == str(SKYMAP_FILE)
    assert sm.resolve_skymap_path("other.asdf") == "other.asdf"


def test_unreadable_skymaps(tmp_path):
    with pytest.raises(sm.SkymapError, match="no such file"):
        sm.load_skymap(str(tmp_path / "missing.asdf"), cache_dir=tmp_path)
    bad = ROMAN / "l2" / "bad" / "r0000101001001001001_0009_wfi01_f158_cal.asdf"
    with pytest.raises(sm.SkymapError, match="not a SKYCELLS reference file"):
        sm.load_skymap(str(bad), cache_dir=tmp_path)
    cal = next((ROMAN / "l2" / "p1_pole").glob("*.asdf"))
    with pytest.raises(sm.SkymapError, match="not a SKYCELLS reference file"):
        sm.load_skymap(str(cal), cache_dir=tmp_path)


# --- footprints ----------------------------------------------------------------------------


def test_footprints_equal_the_manifest():
    """Read from the files: ids, optical element and the 17 vertices of manifest.csv.

    The manifest was written by romancal's environment; on one file (p1_gcedge) its
    vertices differ from spherical_geometry's own from_wcs in this environment by up to
    3e-14 degrees, so vertices compare within 1e-12 degrees.
    """
    rows = manifest_rows()
    paths = [str(ROMAN / "l2" / r["set"] / r["filename"]) for r in rows]
    table, problems = fpm.read_footprints(paths)
    assert problems == []
    assert table.column_names[:8] == list(fpm.FOOTPRINT_COLUMNS)
    for row, want in zip(table.to_pylist(), rows):
        assert row["path"] == str(ROMAN / "l2" / want["set"] / want["filename"])
        assert row["visit_id"] == want["visit_id"] and row["program"] == want["program"]
        assert row["optical_element"] == want["optical_element"]
        assert row["filter"] == want["optical_element"].lower()
        pairs = json.loads(want["footprint_lonlat"])
        assert len(row["ra"]) == len(pairs) == 17
        assert max(abs(a - p[0]) for a, p in zip(row["ra"], pairs)) < 1e-12
        assert max(abs(d - p[1]) for d, p in zip(row["dec"], pairs)) < 1e-12
        assert row["problem"] is None


def test_footprints_are_read_once_and_kept_by_content(tmp_path, monkeypatch):
    """With the cache on, a file's footprint is kept by the SHA-256 of its bytes: read
    back equal without opening the file (also the same bytes under another path), other
    bytes opened, a damaged entry opened again; ASNSQL_CACHE=off opens every time."""
    files = sorted((ROMAN / "l2" / "p1_pole").glob("*.asdf"))[:3]
    copy = tmp_path / files[0].name
    copy.write_bytes(files[0].read_bytes())
    paths = [str(copy), str(files[1])]
    monkeypatch.setenv("ASNSQL_CACHE", str(tmp_path / "cache"))
    opened = []
    real = fpm._open_one

    def counting(rdm, path, steps):
        opened.append(path)
        return real(rdm, path, steps)

    monkeypatch.setattr(fpm, "_open_one", counting)
    first, _ = fpm.read_footprints(paths)
    assert opened == paths
    entries = sorted((tmp_path / "cache" / "footprints").glob("*.json"))
    assert len(entries) == 2
    again, _ = fpm.read_footprints(paths)
    assert opened == paths, "read back without opening the files"
    assert again.to_pylist() == first.to_pylist()
    for entry in entries:
        entry.write_text("{damaged")
    fpm.read_footprints(paths)
    assert opened == paths * 2
    # the same bytes elsewhere are read back; other bytes are opened
    twin = tmp_path / "twin" / files[0].name
    twin.parent.mkdir()
    twin.write_bytes(files[0].read_bytes())
    other = tmp_path / "twin" / files[2].name
    other.write_bytes(files[2].read_bytes())
    both, _ = fpm.read_footprints([str(twin), str(other)])
    assert opened[4:] == [str(other)]
    assert both.column("ra").to_pylist()[0] == first.column("ra").to_pylist()[0]
    monkeypatch.setenv("ASNSQL_CACHE", "off")
    fpm.read_footprints(paths)
    assert len(opened) == 7 and opened[5:] == paths


def test_bad_files_are_named(tmp_path):
    bad = str(ROMAN / "l2" / "bad" / "r0000101001001001001_0009_wfi01_f158_cal.asdf")
    missing = str(tmp_path / "r0000101001001001001_0001_wfi01_f158_cal.asdf")
    good = str(next((ROMAN / "l2" / "p1_pole").glob("*.asdf")))
    table, problems = fpm.read_footprints([bad, good, missing])
    assert problems == [f"{bad}: not an ASDF file", f"{missing}: no such file"]
    rows = table.to_pylist()
    assert [r["path"] for r in rows] == [bad, good, missing]
    assert [r["filter"] for r in rows] == ["unknown", "f158", "unknown"]
    assert rows[0]["ra"] == [] and rows[0]["problem"] == "not an ASDF file"
    assert rows[0]["visit_id"] == "0000101001001001001" and rows[0]["program"] == "00001"


def test_file_without_wcs_or_optical_element(tmp_path):
    import roman_datamodels.datamodels as rdm

    source = next((ROMAN / "l2" / "p1_pole").glob("*.asdf"))
    with rdm.open(source) as model:
        model.meta.wcs = None
        no_wcs = tmp_path / "r0000101001001001001_0001_wfi02_f158_cal.asdf"
        model.save(no_wcs)
    table, problems = fpm.read_footprints([str(no_wcs)])
    assert problems == [f"{no_wcs}: no WCS (meta.wcs)"]
    assert table.column("filter").to_pylist() == ["unknown"]


def test_visit_id_from_name():
    assert fpm.visit_id_from_name("../x/r0000101001001001001_0001_wfi01_f158_cal.asdf") \
        == "0000101001001001001"
    assert fpm.visit_id_from_name("0000101001001001001_0001_wfi01_f158_cal.asdf") \
        == "0000101001001001001"


def test_footprint_table_round_trips(tmp_path):
    table = fpm.load_footprint_table(ROMAN / "l2" / "manifest.csv")
    rows = manifest_rows()
    assert table.num_rows == len(rows)
    assert table.column("path").to_pylist() == [r["filename"] for r in rows]
    assert table.column("visit_id").to_pylist() == [r["visit_id"] for r in rows]
    assert table.column("ra").to_pylist() == [
        [p[0] for p in json.loads(r["footprint_lonlat"])] for r in rows]
    assert "detector" in table.column_names
    for name in ("again.parquet", "again.csv"):
        fpm.save_footprint_table(table, tmp_path / name)
        back = fpm.load_footprint_table(tmp_path / name)
        for column in fpm.FOOTPRINT_COLUMNS:
            assert back.column(column).to_pylist() == table.column(column).to_pylist(), column


def test_footprint_table_errors(tmp_path):
    (tmp_path / "a.csv").write_text("path,optical_element\nx,F158\n")
    with pytest.raises(fpm.FootprintError, match="footprint_lonlat"):
        fpm.load_footprint_table(tmp_path / "a.csv")
    (tmp_path / "b.csv").write_text("path,optical_element,footprint_lonlat\nx,F158,[[1]]\n")
    with pytest.raises(fpm.FootprintError, match="row 1: footprint_lonlat"):
        fpm.load_footprint_table(tmp_path / "b.csv")
    (tmp_path / "c.csv").write_text("name,footprint_lonlat\nx,[]\n")
    with pytest.raises(fpm.FootprintError, match="'path'"):
        fpm.load_footprint_table(tmp_path / "c.csv")
    pq.write_table(pa.table({"path": ["x"], "filter": ["f158"]}), tmp_path / "d.parquet")
    with pytest.raises(fpm.FootprintError, match="'ra' and 'dec'"):
        fpm.load_footprint_table(tmp_path / "d.parquet")


def test_south_cap_radius_quirk_and_fix():
    """romancal draws a south cap's cone with radius -dec_max (88.2 degrees here), the fix
    with 90 + dec_max (1.8 degrees)."""
    import numpy as np

    from asnsql.profiles.roman.overlap import overlap_sql

    region = {"index": np.array([0]), "ra_tangent": np.array([135.0]),
              "dec_tangent": np.array([-90.0]), "ra_min": np.array([0.0]),
              "ra_max": np.array([360.0]), "dec_min": np.array([-90.0]),
              "dec_max": np.array([-88.2])}
    ra, dec, caps = gates.gate_polygons(region)
    assert caps == [pytest.approx(88.2)]
    assert all(abs(d - (-90 + 88.2)) < 1e-9 for d in dec[0])
    _, fixed, _ = gates.gate_polygons(region, fix_south_cap=True)
    assert all(abs(d - (-88.2)) < 1e-9 for d in fixed[0])
    assert "gate_fixed_ra" in overlap_sql(fix_south_cap=True)
    assert "gate_fixed_ra" not in overlap_sql()
