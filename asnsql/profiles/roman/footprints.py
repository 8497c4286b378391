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
    rows = {name: [] for name in FOOTPRINT_COLUMNS}
    problems = []
    cache = _FootprintCache(steps)
    for path in paths:
        path = str(path)
        visit, program = _ids(path)
        element, ra, dec, problem = None, [], [], None
        try:
            element, ra, dec = cache.read(path, lambda p: _open_one(_datamodels(), p, steps))
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


def _datamodels():
    """roman_datamodels' datamodels (imported on the first file the cache lacks)."""
    try:
        from roman_datamodels import datamodels as rdm
    except ImportError:
        raise FootprintError("reading Roman Level-2 files needs the 'roman' extra: "
                             "pip install 'asnsql[roman]'") from None
    return rdm


class _FootprintCache:
    """A file's optical element and footprint, kept in asnsql's cache folder by the
    SHA-256 of the file's bytes, the vertices per edge, and the versions of the packages
    and the module that read it; ``ASNSQL_CACHE=off``: none.

    Opening a Level-2 file (roman_datamodels' import, asdf's schema validation) is ~0.5 s
    a file, and the same files are matched again and again (every product type, every
    run over the same visits); a footprint read back is the same list of floats (JSON keeps
    a float's ``repr``). Only usable files are kept: a problem is found again each time.
    """

    def __init__(self, steps: int):
        from ...plan import cache_dir

        folder = cache_dir()
        self.folder = None if folder is None else folder / "footprints"
        self.salt = b""
        if self.folder is not None:
            import hashlib
            from importlib.metadata import PackageNotFoundError, version
            from pathlib import Path

            versions = []
            for package in ("roman_datamodels", "asdf", "gwcs", "astropy", "numpy"):
                try:
                    versions.append(f"{package} {version(package)}")
                except PackageNotFoundError:
                    versions.append(f"{package} none")
            self.salt = "\0".join(versions + [str(steps)]).encode("utf-8") + \
                hashlib.sha256(Path(__file__).read_bytes()).digest()

    def read(self, path: str, open_one):
        """``(element, ra, dec)`` of ``path``: from the cache, or ``open_one(path)`` (and
        kept). Raises :class:`_Unusable` as ``open_one`` does."""
        if self.folder is None:
            return open_one(path)
        import hashlib
        import json

        try:
            with open(path, "rb") as handle:
                digest = hashlib.sha256(self.salt + handle.read()).hexdigest()
        except OSError:
            return open_one(path)
        entry = self.folder / f"{digest}.json"
        try:
            data = json.loads(entry.read_text(encoding="utf-8"))
            element, ra, dec = data["element"], data["ra"], data["dec"]
            if isinstance(element, str) and element and isinstance(ra, list) \
                    and isinstance(dec, list) and len(ra) == len(dec) > 0 \
                    and all(isinstance(v, float) for v in ra + dec):
                return element, ra, dec
        except (OSError, ValueError, KeyError, TypeError):
            pass
        element, ra, dec = open_one(path)
        from ...plan import write_cache_file

        write_cache_file(entry, json.dumps({"element": str(element), "ra": ra, "dec": dec}))
        return element, ra, dec


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
    from pathlib import Path

    source = Path(path)
    data = _read_table_file(source)
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
    rows["ra"], rows["dec"] = _vertex_lists(data, source)
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


def _read_table_file(source):
    """A footprint table file as read: Parquet, else CSV with every column as text."""
    import pyarrow as pa

    try:
        if source.suffix.lower() == ".parquet":
            import pyarrow.parquet as pq

            return pq.read_table(source)
        import csv

        import pyarrow.csv as pacsv

        with open(source, newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle), [])
        # every column as text: ids such as visit_id keep their leading zeros
        return pacsv.read_csv(source, convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in header}))
    except (OSError, pa.ArrowException) as err:
        raise FootprintError(f"footprint table {source}: cannot read ({err})") from None


def _vertex_lists(data, source) -> tuple[list, list]:
    """Each row's vertex lists (ra, dec): from ``ra`` and ``dec`` list columns, else from
    ``footprint_lonlat`` (JSON); checked to pair up without empty values."""
    import json

    names = set(data.column_names)
    if "ra" in names and "dec" in names:
        ras = [list(v or []) for v in data.column("ra").to_pylist()]
        decs = [list(v or []) for v in data.column("dec").to_pylist()]
    elif "footprint_lonlat" in names:
        ras, decs = [], []
        for i, text in enumerate(data.column("footprint_lonlat").to_pylist()):
            try:
                pairs = json.loads(text) if text else []
                ra = [float(p[0]) for p in pairs]
                dec = [float(p[1]) for p in pairs]
            except (ValueError, TypeError, IndexError):
                raise FootprintError(f"footprint table {source}, row {i + 1}: "
                                     "footprint_lonlat is not a JSON list of [ra, dec] "
                                     "pairs") from None
            ras.append(ra)
            decs.append(dec)
    else:
        raise FootprintError(f"footprint table {source}: needs 'ra' and 'dec' list columns "
                             "or a 'footprint_lonlat' column")
    for i, (ra, dec) in enumerate(zip(ras, decs)):
        if len(ra) != len(dec) or any(v is None for v in ra + dec):
            raise FootprintError(f"footprint table {source}, row {i + 1}: ra and dec differ "
                                 "in length or hold empty values")
    return ras, decs


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
