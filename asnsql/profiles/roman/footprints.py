"""Level-2 exposures and their sky footprints: one row per file.

Each ``_cal.asdf`` file is opened once (roman_datamodels, in the ``asnsql[roman]`` extra) for
``meta.instrument.optical_element`` and the footprint of ``meta.wcs``, sampled as romancal
1.1.0 does. The table can be saved (CSV or Parquet) and read back, or given by an archive
user without the files (:func:`load_footprint_table`, shaped like the corpus ``manifest.csv``).
"""

from __future__ import annotations

__all__ = [
    "FOOTPRINT_COLUMNS",
    "FootprintError",
    "load_footprint_table",
    "read_footprints",
    "save_footprint_table",
    "visit_id_from_name",
]

from ...errors import AsnsqlError

#: Columns of a footprint table, in order (see :func:`read_footprints`).
FOOTPRINT_COLUMNS = ("path", "visit_id", "program", "filter", "optical_element",
                     "ra", "dec", "problem")


class FootprintError(AsnsqlError, ValueError):
    """A footprint table cannot be read or lacks a column (file and column named)."""

    exit_code = 2


def visit_id_from_name(path: str) -> str:
    """The visit id romancal's ``skycell_asn`` reads from a file name.

    The stem's first ``_``-separated field, without a leading ``r``, first 19 characters
    (``r0000101001001001001_0001_wfi01_f158_cal.asdf`` -> ``0000101001001001001``).
    """
    raise NotImplementedError


def read_footprints(paths, steps: int = 4):
    """Open each Level-2 file once: filter and footprint.

    Parameters
    ----------
    paths : sequence of str
        ``_cal.asdf`` files, as given (kept verbatim in column ``path``).
    steps : int
        Vertices per edge of the WCS bounding box (romancal's ``find_skycell_matches``
        samples 4: 16 vertices plus the closing one).

    Returns
    -------
    table : pyarrow.Table
        One row per path, in input order, columns :data:`FOOTPRINT_COLUMNS`: ``path``
        (string), ``visit_id`` (from the name, :func:`visit_id_from_name`), ``program``
        (``visit_id[:5]``), ``filter`` (``optical_element`` lower-cased; ``"unknown"`` for a
        file that could not be read, as romancal records it), ``optical_element``,
        ``ra``/``dec`` (list<double>, degrees, closed: last vertex = first; empty for a
        file that could not be read), ``problem`` (null, or why the file was dropped).
    problems : list of str
        One line per file that could not be used, naming it and the reason (not ASDF, no
        WCS, no optical element...). romancal drops such a file with a log warning.

    Raises
    ------
    FootprintError
        When the ``roman`` extra (roman_datamodels) is not installed.

    Notes
    -----
    Reproduces ``SingleSphericalPolygon.from_wcs(wcs, steps=4).to_lonlat()`` as used by
    romancal 1.1.0 ``find_skycell_matches``: ``steps`` equally spaced points per edge of the
    bounding box (south, east, north, west edges, each without its end point), converted with
    the WCS, passed through unit vectors and back, ordered clockwise as spherical_geometry
    orders a polygon, closed.
    """
    raise NotImplementedError


def load_footprint_table(path):
    """Read a footprint table from CSV or Parquet (archive users need no files).

    Parameters
    ----------
    path : str or Path
        A ``.csv`` shaped like the corpus ``manifest.csv`` (``filename`` or ``path``,
        ``visit_id`` optional, ``optical_element`` or ``filter``, and ``footprint_lonlat``:
        a JSON list of ``[ra, dec]`` pairs) or a ``.parquet`` written by
        :func:`save_footprint_table` (columns :data:`FOOTPRINT_COLUMNS`).

    Returns
    -------
    pyarrow.Table
        Columns :data:`FOOTPRINT_COLUMNS` (other columns of the file kept after them).

    Raises
    ------
    FootprintError
        When the file cannot be read or a column is missing or malformed (row named).
    """
    raise NotImplementedError


def save_footprint_table(table, path) -> None:
    """Write a footprint table as Parquet (``.parquet``) or CSV shaped like ``manifest.csv``.

    Raises
    ------
    FootprintError
        When the file cannot be written.
    """
    raise NotImplementedError
