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
in its region (``col``, ``row``), so the skycells a footprint may touch come from arithmetic
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
    def step(self) -> int:
        """Grid step between neighbouring skycells, in pixels."""
        return self.nxy_skycell - 2 * self.skycell_border_pixels

    @property
    def pixel_scale_deg(self) -> float:
        """Degrees per pixel (``pixel_scale / 3600``, as romancal converts it)."""
        return self.pixel_scale / 3600.0


def resolve_skymap_path(path: str | None = None) -> str:
    """The SKYCELLS file to use: ``path`` (``--skymap``), else ``$SKYMAP_PATH``.

    Raises
    ------
    SkymapError
        When neither is given (romancal would try CRDS instead; asnsql does not).
    """
    raise NotImplementedError


def cache_root() -> Path:
    """asnsql's cache folder: ``$ASNSQL_CACHE``, else ``$XDG_CACHE_HOME/asnsql``, else
    ``~/.cache/asnsql``."""
    raise NotImplementedError


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
    skycell_end``, plus ``name`` (the skycell name prefix, e.g. ``135p90``), ``grid_x0,
    grid_y0`` (region pixel of the lower-left pixel of grid cell (0, 0)), ``grid_cols,
    grid_rows``, and ``gate_ra, gate_dec`` (the closed vertex list of the polygon romancal
    tests a footprint against before looking at the region's skycells: the four RA/Dec
    corners joined by great circles, or for a polar cap the 16-step cone about the tangent
    point). ``skycells.parquet`` columns: ``index, name, region, col, row, ra_center,
    dec_center, orientat, x_tangent, y_tangent``.
    """
    raise NotImplementedError


def skycell_wcs_info_sql() -> str:
    """The DuckDB query behind :func:`skycell_wcs_info` (``$indices``: a BIGINT list)."""
    raise NotImplementedError


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
        orientat_projection_center`` (``pixel_scale`` in degrees).

    Raises
    ------
    SkymapError
        When an index is not in the skymap.

    Notes
    -----
    Reproduces romancal 1.1.0 ``SkyCells.wcs_infos`` (a skycell row joined with its
    projection region's row).
    """
    raise NotImplementedError
