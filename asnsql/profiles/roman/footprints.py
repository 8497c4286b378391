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


_STRING_COLUMNS = ("path", "visit_id", "program", "filter", "optical_element", "problem")


def visit_id_from_name(path: str) -> str:
    """The visit id romancal's ``skycell_asn`` reads from a file name.

    The stem's first ``_``-separated field, without a leading ``r``, first 19 characters
    (``r0000101001001001001_0001_wfi01_f158_cal.asdf`` -> ``0000101001001001001``).
    """
    from pathlib import Path

    field = Path(str(path)).stem.split("_")[0]
    return (field[1:] if field.startswith("r") else field)[:19]


def _table(rows: dict):
    """A footprint table from column lists (:data:`FOOTPRINT_COLUMNS` first)."""
    import pyarrow as pa

    columns = {name: pa.array(rows[name], type=pa.string()) for name in _STRING_COLUMNS}
    columns["ra"] = pa.array(rows["ra"], type=pa.list_(pa.float64()))
    columns["dec"] = pa.array(rows["dec"], type=pa.list_(pa.float64()))
    ordered = {name: columns[name] for name in FOOTPRINT_COLUMNS}
    extra = {name: values for name, values in rows.items() if name not in ordered}
    return pa.table({**ordered, **extra})


def _ids(path: str) -> tuple[str, str]:
    visit = visit_id_from_name(path)
    return visit, visit[:5]


def sample_footprint(wcs, steps: int = 4):
    """The closed vertex list of a WCS footprint as romancal matches it.

    Parameters
    ----------
    wcs : gwcs.WCS
        With ``bounding_box`` (or ``array_shape``).
    steps : int
        Points per edge of the bounding box.

    Returns
    -------
    ra, dec : numpy.ndarray
        Degrees, ``4 * steps + 1`` values (the last repeats the first).

    Raises
    ------
    ValueError
        When the WCS has neither a bounding box nor an array shape.

    Notes
    -----
    Follows ``SingleSphericalPolygon.from_wcs(wcs, steps).to_lonlat()`` (spherical_geometry
    1.4, as romancal 1.1.0 ``find_skycell_matches`` calls it): the bounding box in F order,
    clipped to the array shape when there is one; ``steps`` limited to the box's width and
    height in pixels; south edge left to right, east edge bottom to top, north edge right to
    left, west edge top to bottom, each without its last point; converted with
    ``pixel_to_world`` and the bounding box lifted; the points as unit vectors, turned to
    spherical_geometry's clockwise order (sum of the triple products
    ``(A - B) . ((C - B) x B)`` over consecutive vertices positive), closed, and converted
    back to degrees (longitude in [0, 360)).
    """
    import numpy as np

    box = getattr(wcs, "bounding_box", None)
    shape = getattr(wcs, "array_shape", None)
    if box is not None:
        bounds = box.bounding_box(order="F") if hasattr(box, "bounding_box") else tuple(box)
        (xmin, xmax), (ymin, ymax) = bounds[0], bounds[1]
        width, height = xmax - xmin, ymax - ymin
        if shape is not None:
            xmin, ymin = max(xmin, -0.5), max(ymin, -0.5)
            xmax, ymax = min(xmax, shape[1] - 0.5), min(ymax, shape[0] - 0.5)
    elif shape is not None:
        height, width = shape
        xmin = ymin = -0.5
        xmax, ymax = width - 0.5, height - 0.5
    else:
        raise ValueError("the WCS has neither a bounding_box nor an array_shape")
    steps = max(1, min(int(steps), int(width), int(height)))
    x = np.linspace(xmin, xmax, num=steps, endpoint=False)
    y = np.linspace(ymin, ymax, num=steps, endpoint=False)
    px = np.concatenate([x, np.full(steps, xmax), xmax - x + xmin, np.full(steps, xmin)])
    py = np.concatenate([np.full(steps, ymin), y, np.full(steps, ymax), ymax - y + ymin])
    saved = box
    if box is not None:
        wcs.bounding_box = None
    try:
        sky = wcs.pixel_to_world(px, py)
    finally:
        if saved is not None:
            wcs.bounding_box = saved
    ra, dec = np.radians(sky.ra.degree), np.radians(sky.dec.degree)
    points = np.stack([np.cos(ra) * np.cos(dec), np.sin(ra) * np.cos(dec), np.sin(dec)], 1)
    closed = np.vstack([points, points[:1]])
    a, b, c = closed[:-1], closed[1:], np.vstack([closed[2:], closed[1:2]])
    if np.sum(np.einsum("ij,ij->i", a - b, np.cross(c - b, b))) <= 0.0:
        closed = closed[::-1]
    lon = np.degrees(np.remainder(np.arctan2(closed[:, 1], closed[:, 0]), 2.0 * np.pi))
    lat = np.degrees(np.arctan2(closed[:, 2], np.sqrt(closed[:, 0] ** 2 + closed[:, 1] ** 2)))
    return lon, lat


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
        file that could not be used, as romancal records it), ``optical_element``,
        ``ra``/``dec`` (list<double>, degrees, closed: last vertex = first; empty for a
        file that could not be used), ``problem`` (null, or why the file could not be used).
    problems : list of str
        One line per file that could not be used, naming it and the reason (missing, not
        ASDF, no WCS, no optical element...). romancal drops such a file from the skycell
        matching with a log warning only.

    Raises
    ------
    FootprintError
        When the ``roman`` extra (roman_datamodels) is not installed.

    Notes
    -----
    romancal 1.1.0 ``skycell_asn`` opens each file with ``roman_datamodels.open``, reads
    ``meta.instrument.optical_element`` (lower-cased) and matches ``meta.wcs``; the visit
    id comes from the file name. The footprint: :func:`sample_footprint`.
    """
    try:
        from roman_datamodels import datamodels as rdm
    except ImportError:
        raise FootprintError("reading Roman Level-2 files needs the 'roman' extra: "
                             "pip install 'asnsql[roman]'") from None
    rows = {name: [] for name in FOOTPRINT_COLUMNS}
    problems = []
    for path in paths:
        path = str(path)
        visit, program = _ids(path)
        element, ra, dec, problem = None, [], [], None
        try:
            element, ra, dec = _open_one(rdm, path, steps)
        except _Unusable as err:
            problem = str(err)
            problems.append(f"{path}: {problem}")
        for name, value in (("path", path), ("visit_id", visit), ("program", program),
                            ("filter", element.lower() if problem is None else "unknown"),
                            ("optical_element", element), ("ra", ra), ("dec", dec),
                            ("problem", problem)):
            rows[name].append(value)
    return _table(rows), problems


class _Unusable(Exception):
    """A file that gives no footprint (the message is the reason)."""


def _open_one(rdm, path: str, steps: int):
    import os

    if not os.path.exists(path):
        raise _Unusable("no such file")
    try:
        with open(path, "rb") as handle:
            magic = handle.read(5)
    except OSError as err:
        raise _Unusable(f"cannot read ({err.strerror or err})") from None
    if magic != b"#ASDF":
        raise _Unusable("not an ASDF file")
    try:
        model = rdm.open(path)
    except Exception as err:  # asdf and roman_datamodels raise many types
        text = str(err).strip().splitlines()
        raise _Unusable(f"cannot open with roman_datamodels ({type(err).__name__}"
                        f"{': ' + text[0] if text else ''})") from None
    try:
        try:
            element = model.meta.instrument.optical_element
        except (AttributeError, KeyError):
            element = None
        if not isinstance(element, str) or not element:
            raise _Unusable("no meta.instrument.optical_element")
        try:
            wcs = model.meta.wcs
        except (AttributeError, KeyError):
            wcs = None
        if wcs is None:
            raise _Unusable("no WCS (meta.wcs)")
        try:
            ra, dec = sample_footprint(wcs, steps)
        except Exception as err:
            raise _Unusable(f"the WCS gives no footprint ({type(err).__name__}: {err})") from None
        return element, ra.tolist(), dec.tolist()
    finally:
        model.close()


def load_footprint_table(path):
    """Read a footprint table from CSV or Parquet (archive users need no files).

    Parameters
    ----------
    path : str or Path
        A ``.csv`` shaped like the corpus ``manifest.csv`` (``path`` or ``filename``,
        ``optical_element`` or ``filter``, ``footprint_lonlat``: a JSON list of ``[ra, dec]``
        pairs; ``visit_id`` and ``program`` optional, else read from the name) or a
        ``.parquet`` with columns ``path``, ``ra``, ``dec`` and ``optical_element`` or
        ``filter`` (as :func:`save_footprint_table` writes it).

    Returns
    -------
    pyarrow.Table
        Columns :data:`FOOTPRINT_COLUMNS` (other columns of the file kept after them, all
        values as text for a CSV).

    Raises
    ------
    FootprintError
        When the file cannot be read or a column is missing or malformed (row named).
    """
    import json
    from pathlib import Path

    import pyarrow as pa

    source = Path(path)
    try:
        if source.suffix.lower() == ".parquet":
            import pyarrow.parquet as pq

            data = pq.read_table(source)
        else:
            import csv

            import pyarrow.csv as pacsv

            with open(source, newline="", encoding="utf-8") as handle:
                header = next(csv.reader(handle), [])
            # every column as text: ids such as visit_id keep their leading zeros
            data = pacsv.read_csv(source, convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header}))
    except (OSError, pa.ArrowException) as err:
        raise FootprintError(f"footprint table {source}: cannot read ({err})") from None
    names = set(data.column_names)
    key = "path" if "path" in names else "filename" if "filename" in names else None
    if key is None:
        raise FootprintError(f"footprint table {source}: needs a 'path' (or 'filename') column")
    if not {"optical_element", "filter"} & names:
        raise FootprintError(f"footprint table {source}: needs an 'optical_element' or "
                             "'filter' column")
    n = data.num_rows
    paths = [str(p) for p in data.column(key).to_pylist()]
    rows = {"path": paths}
    if "ra" in names and "dec" in names:
        rows["ra"] = [list(v or []) for v in data.column("ra").to_pylist()]
        rows["dec"] = [list(v or []) for v in data.column("dec").to_pylist()]
    elif "footprint_lonlat" in names:
        rows["ra"], rows["dec"] = [], []
        for i, text in enumerate(data.column("footprint_lonlat").to_pylist()):
            try:
                pairs = json.loads(text) if text else []
                ra = [float(p[0]) for p in pairs]
                dec = [float(p[1]) for p in pairs]
            except (ValueError, TypeError, IndexError):
                raise FootprintError(f"footprint table {source}, row {i + 1}: "
                                     "footprint_lonlat is not a JSON list of [ra, dec] "
                                     "pairs") from None
            rows["ra"].append(ra)
            rows["dec"].append(dec)
    else:
        raise FootprintError(f"footprint table {source}: needs 'ra' and 'dec' list columns "
                             "or a 'footprint_lonlat' column")
    for i, (ra, dec) in enumerate(zip(rows["ra"], rows["dec"])):
        if len(ra) != len(dec) or any(v is None for v in ra + dec):
            raise FootprintError(f"footprint table {source}, row {i + 1}: ra and dec differ "
                                 "in length or hold empty values")
    ids = [_ids(p) for p in paths]
    for name, fallback in (("visit_id", [v for v, _ in ids]), ("program", [p for _, p in ids])):
        rows[name] = (data.column(name).to_pylist() if name in names else fallback)
    element = data.column("optical_element").to_pylist() if "optical_element" in names else [None] * n
    given = data.column("filter").to_pylist() if "filter" in names else [None] * n
    rows["optical_element"] = element
    rows["filter"] = [f if f else (e.lower() if e else "unknown") for f, e in zip(given, element)]
    rows["problem"] = (data.column("problem").to_pylist() if "problem" in names else [None] * n)
    rows["problem"] = [p if p else None for p in rows["problem"]]
    for name in data.column_names:
        if name not in rows and name not in ("footprint_lonlat", key):
            rows[name] = data.column(name)
    return _table(rows)


def save_footprint_table(table, path) -> None:
    """Write a footprint table as Parquet (``.parquet``) or CSV shaped like ``manifest.csv``
    (``footprint_lonlat`` as a JSON list of ``[ra, dec]`` pairs).

    Raises
    ------
    FootprintError
        When the file cannot be written.
    """
    import json
    from pathlib import Path

    import pyarrow as pa

    target = Path(path)
    try:
        if target.suffix.lower() == ".parquet":
            import pyarrow.parquet as pq

            pq.write_table(table, target)
            return
        import pyarrow.csv as pacsv

        lonlat = [json.dumps([[r, d] for r, d in zip(ra or [], dec or [])])
                  for ra, dec in zip(table.column("ra").to_pylist(),
                                     table.column("dec").to_pylist())]
        flat = table.drop_columns(["ra", "dec"]).append_column(
            "footprint_lonlat", pa.array(lonlat, type=pa.string()))
        pacsv.write_csv(flat, target)
    except (OSError, pa.ArrowException) as err:
        raise FootprintError(f"footprint table {target}: cannot write ({err})") from None
