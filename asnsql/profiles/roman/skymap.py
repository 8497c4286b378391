"""The Roman SKYCELLS reference file as two tables: projection regions and skycells.

The file (``SkycellsRefModel``, an ASDF file; romancal reads it from ``SKYMAP_PATH``) is read
once and cached as Parquet in ``<cache>/skymap/<sha256 of the file>/`` (:func:`cache_root`):
``regions.parquet`` (one row per projection region), ``skycells.parquet`` (one row per
skycell, sorted by the global skycell index) and ``meta.json``. Later runs read the Parquet
files only.

Layout of a projection region (checked when the cache is built): a gnomonic (tangent-plane)
projection about ``(ra_tangent, dec_tangent)`` with pixels of ``pixel_scale`` arcsec, the
tangent point at pixel ``(x_tangent, y_tangent)``. Each skycell is an axis-aligned square of
``nxy_skycell`` pixels on that pixel grid; neighbours overlap by ``2 * skycell_border_pixels``
pixels, so the skycells' lower-left pixels lie on a grid of step
``nxy_skycell - 2 * skycell_border_pixels``. A skycell is stored with its grid column and row
in its region (``grid_col``, ``grid_row``), so the skycells a footprint may touch come from arithmetic
on the footprint's pixel bounding box and one equi-join, never from a scan of all skycells.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...errors import AsnsqlError

__all__ = [
    "CACHE_ENV",
    "SKYMAP_ENV",
    "Skymap",
    "SkymapError",
    "cache_root",
    "load_skymap",
    "resolve_skymap_path",
    "skycell_wcs_info",
    "skycell_wcs_info_sql",
]

#: Environment variable naming the SKYCELLS file (as romancal reads it).
SKYMAP_ENV = "SKYMAP_PATH"
#: Environment variable naming asnsql's cache folder (default: the XDG cache folder).
CACHE_ENV = "ASNSQL_CACHE"


class SkymapError(AsnsqlError, ValueError):
    """The skymap is not configured, cannot be read, or is not laid out as expected."""

    exit_code = 2


@dataclass(frozen=True)
class Skymap:
    """A skymap's cached tables and constants.

    Attributes
    ----------
    source : str
        The SKYCELLS file the tables were read from (or a label for a synthetic map).
    sha256 : str
        SHA-256 of that file (the cache key).
    folder : pathlib.Path
        The cache folder holding ``regions.parquet``, ``skycells.parquet``, ``meta.json``.
    nxy_skycell : int
        Pixels per skycell side (5000).
    skycell_border_pixels : int
        Pixels each skycell shares with its neighbour on each side (100).
    pixel_scale : float
        Arcseconds per pixel (0.055), as in the file's ``meta``.
    n_regions, n_skycells : int
        Table sizes.
    """

    source: str
    sha256: str
    folder: Path
    nxy_skycell: int
    skycell_border_pixels: int
    pixel_scale: float
    n_regions: int
    n_skycells: int

    @property
    def regions_path(self) -> Path:
        """``regions.parquet``: one row per projection region (see :func:`load_skymap`)."""
        return self.folder / "regions.parquet"

    @property
    def skycells_path(self) -> Path:
        """``skycells.parquet``: one row per skycell, sorted by ``index``."""
        return self.folder / "skycells.parquet"

    @property
    def runs_path(self) -> Path:
        """``runs.parquet``: one row per run of skycells in consecutive grid columns of one
        grid row with consecutive indices (``region, grid_row, col_first, col_last,
        index_first``): the skycell at a grid cell, by arithmetic on a small table."""
        return self.folder / "runs.parquet"

    @property
    def step(self) -> int:
        """Grid step between neighbouring skycells, in pixels."""
        return self.nxy_skycell - 2 * self.skycell_border_pixels

    @property
    def pixel_scale_deg(self) -> float:
        """Degrees per pixel (``pixel_scale / 3600``, as romancal converts it)."""
        return self.pixel_scale / 3600.0


#: Columns of a projection region in the SKYCELLS file (``projection_regions``), in order.
REGION_COLUMNS = ("index", "ra_tangent", "dec_tangent", "ra_min", "ra_max", "dec_min",
                  "dec_max", "orientat", "x_tangent", "y_tangent", "nx", "ny",
                  "skycell_start", "skycell_end")
#: Columns of a skycell in the SKYCELLS file (``skycells``) that the tables keep.
SKYCELL_COLUMNS = ("name", "ra_center", "dec_center", "orientat", "x_tangent", "y_tangent")
#: Corner columns, used to check the grid when the cache is built (then dropped).
CORNER_COLUMNS = tuple(f"{axis}_corn{i}" for i in range(1, 5) for axis in ("ra", "dec"))
#: Steps of romancal's polar-cap cone (``SingleSphericalPolygon.from_cone(..., steps=16)``):
#: 16 angles from 0 to 2 pi, the last equal to the first, so 15 distinct vertices.
CAP_STEPS = 16
#: A skycell corner may lie this far (pixels) from its grid position.
GRID_TOLERANCE = 1e-3
#: Skycells written to Parquet per batch (bounds memory for the 8 M-skycell CRDS file).
BATCH_SKYCELLS = 1 << 20
_CACHE_VERSION = 3


def resolve_skymap_path(path: str | None = None) -> str:
    """The SKYCELLS file to use: ``path`` (``--skymap``), else ``$SKYMAP_PATH``.

    Raises
    ------
    SkymapError
        When neither is given (romancal would try CRDS instead; asnsql does not).
    """
    import os

    chosen = path if path else os.environ.get(SKYMAP_ENV)
    if not chosen:
        raise SkymapError(f"no skymap configured: pass --skymap PATH or set {SKYMAP_ENV} "
                          "to a SKYCELLS reference file (asnsql does not fetch it from CRDS)")
    return str(chosen)


def cache_root() -> Path | None:
    """asnsql's cache folder (shared with the SQL cache, :func:`asnsql.plan.cache_dir`):
    ``$ASNSQL_CACHE``, else ``$XDG_CACHE_HOME/asnsql``, else ``~/.cache/asnsql``; ``None``
    when ``ASNSQL_CACHE=off`` (then a skymap's tables live in a temporary folder for the
    life of the process)."""
    from ...plan import cache_dir

    return cache_dir()


def _temporary_root() -> Path:
    import atexit
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="asnsql-skymap-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def load_skymap(path: str | None = None, cache_dir: str | Path | None = None) -> Skymap:
    """Read a SKYCELLS file into cached Parquet tables (once per file content).

    Parameters
    ----------
    path : str, optional
        The SKYCELLS ASDF file; default ``$SKYMAP_PATH`` (:func:`resolve_skymap_path`).
    cache_dir : str or Path, optional
        Cache folder (default :func:`cache_root`); the tables go to
        ``<cache_dir>/skymap/<sha256>/``.

    Returns
    -------
    Skymap

    Raises
    ------
    SkymapError
        No skymap configured, the file is missing or not a SKYCELLS ASDF file, or its
        skycells are not on their region's pixel grid.

    Notes
    -----
    ``regions.parquet`` columns: the file's ``index, ra_tangent, dec_tangent, ra_min,
    ra_max, dec_min, dec_max, orientat, x_tangent, y_tangent, nx, ny, skycell_start,
    skycell_end``, plus ``grid_x0, grid_y0`` (region pixel of the first pixel of grid cell
    (0, 0)), ``grid_cols, grid_rows``, ``cap_radius`` (degrees, polar caps only) and
    ``gate_ra, gate_dec`` (the closed vertex list of the polygon romancal tests a footprint
    against before looking at the region's skycells: the four RA/Dec corners joined by great
    circles, or for a polar cap the 16-step cone about the tangent point). ``skycells.parquet``
    columns: ``index, name, region, grid_col, grid_row, ra_center, dec_center, orientat,
    x_tangent, y_tangent``.

    The cache key is the file's SHA-256; it is remembered per (path, size, modification
    time) in ``<cache_dir>/skymap/hashes.json`` so an unchanged file is not hashed again.
    """
    source = resolve_skymap_path(path)
    file = Path(source)
    if not file.is_file():
        raise SkymapError(f"skymap {source}: no such file (check --skymap / {SKYMAP_ENV})")
    root = Path(cache_dir) if cache_dir is not None else (cache_root() or _temporary_root())
    digest = _file_sha256(file, root / "skymap")
    folder = root / "skymap" / digest
    if (folder / "meta.json").is_file():
        try:
            return open_skymap(folder, source=source)
        except SkymapError:
            pass  # written by another version, or damaged: build it again
    handle, regions, skycells, meta = _read_skycells_file(file)
    try:
        return build_skymap(folder, regions, skycells, meta, source=source, sha256=digest)
    finally:
        handle.close()


def open_skymap(folder: str | Path, source: str | None = None) -> Skymap:
    """A skymap from a cache folder written by :func:`build_skymap`.

    Raises
    ------
    SkymapError
        When the folder does not hold a complete cache of this asnsql version.
    """
    import json

    folder = Path(folder)
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise SkymapError(f"skymap cache {folder}: cannot read meta.json ({err}); delete the "
                          "folder to rebuild it") from None
    if meta.get("cache_version") != _CACHE_VERSION:
        raise SkymapError(f"skymap cache {folder} was written by another asnsql version; "
                          "delete the folder to rebuild it")
    return Skymap(source=source or meta["source"], sha256=meta["sha256"], folder=folder,
                  nxy_skycell=int(meta["nxy_skycell"]),
                  skycell_border_pixels=int(meta["skycell_border_pixels"]),
                  pixel_scale=float(meta["pixel_scale"]), n_regions=int(meta["n_regions"]),
                  n_skycells=int(meta["n_skycells"]))


def build_skymap(folder: str | Path, regions, skycells, meta: dict, source: str,
                 sha256: str) -> Skymap:
    """Write a skymap's tables to ``folder`` (atomically) and return it.

    Parameters
    ----------
    folder : str or Path
        Cache folder to create (replaced if it exists).
    regions : mapping
        Column name -> 1-D array for :data:`REGION_COLUMNS` (a NumPy structured array will
        do), one entry per projection region in index order.
    skycells : mapping
        Column name -> 1-D array for :data:`SKYCELL_COLUMNS`, and optionally
        :data:`CORNER_COLUMNS` (then every corner is checked to lie on its grid square), one
        entry per skycell in global index order (memory-mapped arrays are read in batches).
    meta : dict
        ``nxy_skycell``, ``skycell_border_pixels``, ``pixel_scale`` (arcsec).
    source, sha256 : str
        Recorded in ``meta.json``.

    Raises
    ------
    SkymapError
        The region index ranges do not tile the skycells, or a skycell is off its grid.
    """
    import json
    import os
    import shutil
    import tempfile

    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = Path(folder)
    try:
        nxy = int(meta["nxy_skycell"])
        border = int(meta["skycell_border_pixels"])
        scale = float(meta["pixel_scale"])
    except (KeyError, TypeError, ValueError) as err:
        raise SkymapError(f"skymap {source}: meta lacks {err}") from None
    step = nxy - 2 * border
    reg = {name: np.asarray(regions[name]) for name in REGION_COLUMNS}
    n_regions = len(reg["index"])
    n_skycells = len(skycells["name"])
    starts = reg["skycell_start"].astype(np.int64)
    ends = reg["skycell_end"].astype(np.int64)
    if (n_regions == 0 or starts[0] != 0 or ends[-1] != n_skycells
            or np.any(starts[1:] != ends[:-1]) or np.any(ends < starts)):
        raise SkymapError(f"skymap {source}: the regions' skycell_start/skycell_end ranges do "
                          f"not tile the {n_skycells} skycells in order")
    if np.any(reg["index"] != np.arange(n_regions)):
        raise SkymapError(f"skymap {source}: projection region indices are not 0..{n_regions - 1}")
    scale_rad = np.radians(scale / 3600.0)
    grid = np.zeros((n_regions, 4))  # x0, y0, cols, rows
    grid[:, :2] = np.nan
    region_of = np.repeat(np.arange(n_regions), ends - starts)

    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".building-", dir=folder.parent))
    try:
        writer, runs = None, []
        # First pass over the skycells: grid origin of each region (the smallest offsets).
        for lo in range(0, n_skycells, BATCH_SKYCELLS):
            hi = min(n_skycells, lo + BATCH_SKYCELLS)
            r = region_of[lo:hi]
            ox = reg["x_tangent"][r] - np.asarray(skycells["x_tangent"][lo:hi], dtype=float)
            oy = reg["y_tangent"][r] - np.asarray(skycells["y_tangent"][lo:hi], dtype=float)
            for axis, values in ((0, ox), (1, oy)):
                low = np.full(n_regions, np.inf)
                np.minimum.at(low, r, values)
                grid[:, axis] = np.fmin(grid[:, axis], low)
        for lo in range(0, n_skycells, BATCH_SKYCELLS):
            hi = min(n_skycells, lo + BATCH_SKYCELLS)
            r = region_of[lo:hi]
            ox = reg["x_tangent"][r] - np.asarray(skycells["x_tangent"][lo:hi], dtype=float)
            oy = reg["y_tangent"][r] - np.asarray(skycells["y_tangent"][lo:hi], dtype=float)
            col = (ox - grid[r, 0]) / step
            row = (oy - grid[r, 1]) / step
            icol, irow = np.rint(col), np.rint(row)
            bad = np.flatnonzero((np.abs(col - icol) > 1e-6) | (np.abs(row - irow) > 1e-6))
            if bad.size:
                raise SkymapError(f"skymap {source}: skycell {lo + bad[0]} is not on the "
                                  f"{step}-pixel grid of projection region {r[bad[0]]}")
            np.maximum.at(grid[:, 2], r, icol + 1)
            np.maximum.at(grid[:, 3], r, irow + 1)
            if all(name in skycells for name in CORNER_COLUMNS):
                _check_corners(source, lo, skycells, slice(lo, hi), reg, r, ox, oy, nxy,
                               scale_rad)
            batch = pa.table({
                "index": pa.array(np.arange(lo, hi, dtype=np.int64)),
                "name": _strings(skycells["name"][lo:hi]),
                "region": pa.array(r.astype(np.int32)),
                "grid_col": pa.array(icol.astype(np.int32)),
                "grid_row": pa.array(irow.astype(np.int32)),
                "ra_center": pa.array(np.asarray(skycells["ra_center"][lo:hi], dtype=np.float64)),
                "dec_center": pa.array(np.asarray(skycells["dec_center"][lo:hi], dtype=np.float64)),
                "orientat": pa.array(np.asarray(skycells["orientat"][lo:hi], dtype=np.float32)),
                "x_tangent": pa.array(np.asarray(skycells["x_tangent"][lo:hi], dtype=np.float64)),
                "y_tangent": pa.array(np.asarray(skycells["y_tangent"][lo:hi], dtype=np.float64)),
            })
            if writer is None:
                writer = pq.ParquetWriter(work / "skycells.parquet", batch.schema,
                                          compression="zstd")
            writer.write_table(batch, row_group_size=128 * 1024)
            # Runs: skycells of one grid row in consecutive columns with consecutive indices.
            starts = np.flatnonzero(np.concatenate([[True], (np.diff(r) != 0)
                                                    | (np.diff(irow) != 0)
                                                    | (np.diff(icol) != 1)]))
            stops = np.append(starts[1:], len(r)) - 1
            runs.append(pa.table({
                "region": pa.array(r[starts].astype(np.int32)),
                "grid_row": pa.array(irow[starts].astype(np.int32)),
                "col_first": pa.array(icol[starts].astype(np.int32)),
                "col_last": pa.array(icol[stops].astype(np.int32)),
                "index_first": pa.array((lo + starts).astype(np.int64)),
            }))
        if writer is not None:
            writer.close()
        if runs:
            pq.write_table(pa.concat_tables(runs), work / "runs.parquet")
        gate_ra, gate_dec, cap = _gate_polygons(reg)
        fixed_ra, fixed_dec, _ = _gate_polygons(reg, fix_south_cap=True)
        table = {name: reg[name] for name in REGION_COLUMNS}
        table["index"] = table["index"].astype(np.int64)
        table["orientat"] = table["orientat"].astype(np.float32)
        table.update(grid_x0=grid[:, 0], grid_y0=grid[:, 1],
                     grid_cols=grid[:, 2].astype(np.int32),
                     grid_rows=grid[:, 3].astype(np.int32))
        arrow = pa.table({name: pa.array(values) for name, values in table.items()})
        arrow = arrow.append_column("cap_radius", pa.array(cap, type=pa.float64()))
        arrow = arrow.append_column("gate_ra", pa.array(gate_ra, type=pa.list_(pa.float64())))
        arrow = arrow.append_column("gate_dec", pa.array(gate_dec, type=pa.list_(pa.float64())))
        arrow = arrow.append_column("gate_fixed_ra",
                                    pa.array(fixed_ra, type=pa.list_(pa.float64())))
        arrow = arrow.append_column("gate_fixed_dec",
                                    pa.array(fixed_dec, type=pa.list_(pa.float64())))
        pq.write_table(arrow, work / "regions.parquet")
        info = {"cache_version": _CACHE_VERSION, "source": str(source), "sha256": sha256,
                "nxy_skycell": nxy, "skycell_border_pixels": border, "pixel_scale": scale,
                "n_regions": n_regions, "n_skycells": n_skycells}
        (work / "meta.json").write_text(json.dumps(info, indent=1), encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
        try:
            os.replace(work, folder)
        except OSError:
            if not (folder / "meta.json").is_file():  # not another process's finished copy
                raise
    except OSError as err:
        raise SkymapError(f"skymap {source}: cannot write the cache in {folder.parent} "
                          f"({err}); set {CACHE_ENV} to a writable folder") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return open_skymap(folder, source=str(source))


def register_skymap(engine, skymap: Skymap) -> None:
    """Expose the skymap's tables to ``engine`` as views ``roman_regions``,
    ``roman_skycells`` and ``roman_runs`` (read from the cached Parquet files; nothing is
    loaded up front)."""
    from sqlglot import exp

    for view, path in (("roman_regions", skymap.regions_path),
                       ("roman_skycells", skymap.skycells_path),
                       ("roman_runs", skymap.runs_path)):
        select = exp.select("*").from_(
            exp.func("read_parquet", exp.Literal.string(str(path))))
        create = exp.Create(this=exp.to_table(view, quoted=True), kind="VIEW", replace=True,
                            expression=select,
                            properties=exp.Properties(expressions=[exp.TemporaryProperty()]))
        engine.execute(create)


_WCS_INFO_KEYS = ("name", "pixel_scale", "ra_projection_center", "dec_projection_center",
                  "x0_projection", "y0_projection", "ra_center", "dec_center", "nx", "ny",
                  "orientat", "orientat_projection_center")


def skycell_wcs_info_query():
    """The query of :func:`skycell_wcs_info` as a sqlglot expression.

    Parameters (bound): ``$indices`` (BIGINT list), ``$pixel_scale`` (degrees), ``$nxy``.
    One row per element of ``$indices`` in its order (``pos``), skycells missing from the
    skymap included with NULL ``name``.
    """
    import sqlglot

    return sqlglot.parse_one("""
        SELECT w.pos, s.name, $pixel_scale AS pixel_scale,
               r.ra_tangent AS ra_projection_center, r.dec_tangent AS dec_projection_center,
               s.x_tangent AS x0_projection, s.y_tangent AS y0_projection,
               s.ra_center, s.dec_center, $nxy AS nx, $nxy AS ny,
               CAST(s.orientat AS DOUBLE) AS orientat,
               CAST(r.orientat AS DOUBLE) AS orientat_projection_center
        FROM (SELECT unnest($indices) AS idx, unnest(range(len($indices))) AS pos) AS w
        LEFT JOIN roman_skycells AS s ON s.index = w.idx
        LEFT JOIN roman_regions AS r ON r.index = s.region
        ORDER BY w.pos""", dialect="duckdb")


def skycell_wcs_info_sql() -> str:
    """The DuckDB text of :func:`skycell_wcs_info_query`."""
    return skycell_wcs_info_query().sql(dialect="duckdb", pretty=True)


def skycell_wcs_info(skymap: Skymap, indices, engine=None) -> list[dict]:
    """``skycell_wcs_info`` of each skycell, as written into a skycell association.

    Parameters
    ----------
    skymap : Skymap
    indices : sequence of int
        Global skycell indices.
    engine : asnsql.engine.Engine, optional
        Engine to run on (default: a new in-memory one, closed afterwards).

    Returns
    -------
    list of dict
        One dict per index, in the order given, keys in romancal's order: ``name,
        pixel_scale, ra_projection_center, dec_projection_center, x0_projection,
        y0_projection, ra_center, dec_center, nx, ny, orientat,
        orientat_projection_center`` (``pixel_scale`` in degrees; the ``orientat`` values
        are the file's 32-bit floats widened to 64 bits, as romancal writes them).

    Raises
    ------
    SkymapError
        When an index is not in the skymap.

    Notes
    -----
    Reproduces romancal 1.1.0 ``SkyCells.wcs_infos``: a skycell row joined with its
    projection region's row.
    """
    from ...engine import Engine

    indices = [int(i) for i in indices]
    own = engine is None
    engine = Engine() if own else engine
    try:
        register_skymap(engine, skymap)
        rows = engine.rows(skycell_wcs_info_query(),
                           {"indices": indices, "pixel_scale": skymap.pixel_scale_deg,
                            "nxy": skymap.nxy_skycell})
    finally:
        if own:
            engine.close()
    missing = [indices[row[0]] for row in rows if row[1] is None]
    if missing:
        raise SkymapError(f"skymap {skymap.source}: no skycell with index {missing[0]} "
                          f"(it has {skymap.n_skycells})")
    return [dict(zip(_WCS_INFO_KEYS, row[1:])) for row in rows]


# --- building the tables -------------------------------------------------------------------


def _file_sha256(file: Path, folder: Path) -> str:
    """SHA-256 of ``file``, remembered in ``folder/hashes.json`` by path, size and mtime."""
    import hashlib
    import json
    import os

    stat = file.stat()
    key = f"{file.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    memo_path = folder / "hashes.json"
    try:
        memo = json.loads(memo_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        memo = {}
    if isinstance(memo, dict) and isinstance(memo.get(key), str):
        return memo[key]
    digest = hashlib.sha256()
    try:
        with open(file, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 22), b""):
                digest.update(block)
    except OSError as err:
        raise SkymapError(f"skymap {file}: cannot read ({err})") from None
    value = digest.hexdigest()
    memo = memo if isinstance(memo, dict) else {}
    memo[key] = value
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = memo_path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(memo, indent=1), encoding="utf-8")
        os.replace(tmp, memo_path)
    except OSError:
        pass  # the hash is only remembered to save time
    return value


def _read_skycells_file(file: Path):
    """The open ASDF file (close it when done), its two arrays and meta (memory-mapped where
    asdf allows)."""
    import warnings

    try:
        import asdf
    except ImportError:
        raise SkymapError("reading a SKYCELLS file needs the 'roman' extra: "
                          "pip install 'asnsql[roman]'") from None
    try:
        with warnings.catch_warnings():
            # Without roman_datamodels the file's tags are unknown to asdf: it says so and
            # returns plain dicts and arrays, which is all this needs.
            warnings.simplefilter("ignore", asdf.exceptions.AsdfWarning)
            af = asdf.open(file, memmap=True, lazy_load=True)
    except Exception as err:  # asdf raises many types for a file that is not ASDF
        raise SkymapError(f"skymap {file}: not a SKYCELLS reference file "
                          f"({type(err).__name__}: {err})") from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", asdf.exceptions.AsdfWarning)
            tree = af.tree["roman"]
            meta = tree["meta"]
            meta = {key: meta[key] for key in ("nxy_skycell", "skycell_border_pixels",
                                               "pixel_scale")}
            regions = tree["projection_regions"]
            skycells = tree["skycells"]
            regions = {name: regions[name] for name in REGION_COLUMNS}
            skycells = {name: skycells[name] for name in SKYCELL_COLUMNS + CORNER_COLUMNS}
    except Exception as err:  # a tree without the SKYCELLS arrays or meta
        af.close()
        raise SkymapError(f"skymap {file}: not a SKYCELLS reference file "
                          f"({type(err).__name__}: {err})") from None
    return af, regions, skycells, meta


def _strings(values):
    """A pyarrow string array from a NumPy (unicode or bytes) or pyarrow slice."""
    import numpy as np
    import pyarrow as pa

    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        return values.cast(pa.string())
    values = np.asarray(values)
    if values.dtype.kind == "S":
        values = np.char.decode(values, "ascii")
    return pa.array(values.astype(str), type=pa.string())


def _unit(ra, dec):
    """Unit vectors of (ra, dec) in degrees, shape (..., 3)."""
    import numpy as np

    ra, dec = np.radians(ra), np.radians(dec)
    return np.stack([np.cos(dec) * np.cos(ra), np.cos(dec) * np.sin(ra), np.sin(dec)], axis=-1)


def _check_corners(source, lo, skycells, rows, reg, r, ox, oy, nxy, scale_rad):
    """Every corner of every skycell lies on a corner of its grid square (region pixels)."""
    import numpy as np

    a0, d0 = np.radians(reg["ra_tangent"][r]), np.radians(reg["dec_tangent"][r])
    o = np.radians(reg["orientat"][r].astype(float))
    for i in range(1, 5):
        ra = np.radians(np.asarray(skycells[f"ra_corn{i}"][rows], dtype=float))
        dec = np.radians(np.asarray(skycells[f"dec_corn{i}"][rows], dtype=float))
        cc = np.sin(d0) * np.sin(dec) + np.cos(d0) * np.cos(dec) * np.cos(ra - a0)
        xi = np.cos(dec) * np.sin(ra - a0) / cc
        eta = (np.cos(d0) * np.sin(dec) - np.sin(d0) * np.cos(dec) * np.cos(ra - a0)) / cc
        px = reg["x_tangent"][r] + (np.cos(o) * xi - np.sin(o) * eta) / scale_rad
        py = reg["y_tangent"][r] + (np.sin(o) * xi + np.cos(o) * eta) / scale_rad
        near_x = np.minimum(np.abs(px - (ox - 0.5)), np.abs(px - (ox + nxy - 0.5)))
        near_y = np.minimum(np.abs(py - (oy - 0.5)), np.abs(py - (oy + nxy - 0.5)))
        bad = np.flatnonzero(~((near_x < GRID_TOLERANCE) & (near_y < GRID_TOLERANCE)))
        if bad.size:
            raise SkymapError(f"skymap {source}: corner {i} of skycell {lo + bad[0]} is not "
                              f"on its {nxy}-pixel square in projection region {r[bad[0]]}")


def _rotate(v, axis, angle):
    """Rotate vectors ``v`` (..., 3) about unit ``axis`` by ``angle`` radians (right hand)."""
    import numpy as np

    angle = np.asarray(angle)[..., None]
    along = np.sum(v * axis, axis=-1, keepdims=True) * axis
    return along + (v - along) * np.cos(angle) + np.cross(axis, v) * np.sin(angle)


def _gate_polygons(reg, fix_south_cap: bool = False):
    """Per region: closed (ra, dec) vertex lists of romancal's region polygon; cap radius.

    A region whose ``dec_max`` is 90 or ``dec_min`` is -90 is a polar cap: romancal uses a
    cone about the tangent point, of radius ``90 - dec_min`` (north) or ``-dec_max``
    (south: romancal's formula, 88.2 degrees for a cap ending at -88.2; with
    ``fix_south_cap``, ``90 + dec_max``; see docs/ROMAN_SKYCELLS.md), drawn with 16
    angles from 0 to 2 pi (15 vertices). The pen starts at the tangent point turned by the
    radius about the axis perpendicular to it and to the coordinate axis on which the tangent
    point's component is smallest. Other regions: the corners (ra_min, dec_min), (ra_max,
    dec_min), (ra_max, dec_max), (ra_min, dec_max) joined by great circles.
    """
    import numpy as np

    gate_ra, gate_dec, caps = [], [], []
    for i in range(len(reg["index"])):
        north = reg["dec_max"][i] == 90.0
        south = reg["dec_min"][i] == -90.0
        if north or south:
            if north:
                radius = 90.0 - reg["dec_min"][i]
            else:
                radius = 90.0 + reg["dec_max"][i] if fix_south_cap else -reg["dec_max"][i]
            center = _unit(reg["ra_tangent"][i], reg["dec_tangent"][i])
            center = center / np.linalg.norm(center)
            axis = np.zeros(3)
            axis[int(np.argmin(center * center))] = 1.0
            perp = np.cross(center, axis)
            perp /= np.linalg.norm(perp)
            pen = _rotate(center, perp, np.radians(radius))
            angles = np.linspace(0.0, 2.0 * np.pi, CAP_STEPS)
            angles[-1] = 0.0
            points = _rotate(np.broadcast_to(pen, (CAP_STEPS, 3)), center, angles[::-1])
            ra = np.degrees(np.arctan2(points[:, 1], points[:, 0])) % 360.0
            dec = np.degrees(np.arctan2(points[:, 2], np.hypot(points[:, 0], points[:, 1])))
            caps.append(float(radius))
        else:
            lo_ra, hi_ra = reg["ra_min"][i], reg["ra_max"][i]
            lo_dec, hi_dec = reg["dec_min"][i], reg["dec_max"][i]
            ra = np.array([lo_ra, hi_ra, hi_ra, lo_ra, lo_ra], dtype=float)
            dec = np.array([lo_dec, lo_dec, hi_dec, hi_dec, lo_dec], dtype=float)
            caps.append(None)
        gate_ra.append(ra.tolist())
        gate_dec.append(dec.tolist())
    return gate_ra, gate_dec, caps
