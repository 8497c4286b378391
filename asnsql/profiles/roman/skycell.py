"""Skycell associations (``skycell_asn`` of romancal 1.1.0).

Level-2 files are grouped by product type (visit, pass or program, from the visit id in the
file name), then by each skycell their footprints overlap, then by filter; each (group,
skycell, filter) is one association. Data flows as in the JWST generator:

files -> ``roman_files`` (one row per file: name, filter as read) and ``roman_matches``
(the skycells each footprint overlaps, from the SQL overlap of
:mod:`asnsql.profiles.roman.overlap`) -> :func:`.queries.skycell_query` (the grouping and the
names, compiled from ``rules/roman/associations.yaml``) -> association dicts (with the
skycell's ``skycell_wcs_info`` from the skymap tables) -> files.

Reading the files and matching them are separate steps (:func:`read_inputs`), so an archive
can feed a footprint table instead of the files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Sequence

from ...engine import Engine
from ...errors import AsnsqlError
from .fromlist import RomanAssociation, from_list
from .queries import FILES, MATCHES, skycell_query
from .rules import RomanRules, load_rules

__all__ = ["SkycellInputs", "files_table", "skycell_associations", "skycell_table",
           "wcs_info_query", "wcs_infos"]

#: Registered names of the skymap tables read by :func:`wcs_info_query`.
SKYCELLS = "roman_skycells"
REGIONS = "roman_regions"

#: Keys of ``skycell_wcs_info``, in the order written, and the column each comes from.
WCS_INFO = (
    ("name", "name"), ("pixel_scale", None), ("ra_projection_center", "ra_tangent"),
    ("dec_projection_center", "dec_tangent"), ("x0_projection", "x_tangent"),
    ("y0_projection", "y_tangent"), ("ra_center", "ra_center"), ("dec_center", "dec_center"),
    ("nx", None), ("ny", None), ("orientat", "orientat"),
    ("orientat_projection_center", "region_orientat"),
)


@dataclass
class SkycellInputs:
    """What skycell grouping needs, as Arrow tables.

    Attributes
    ----------
    files : pyarrow.Table
        ``row``, ``path``, ``stem``, ``filter`` (NULL when unreadable): :func:`files_table`.
    matches : pyarrow.Table
        ``row``, ``skycell_index``, ``skycell_name``: the overlaps.
    wcs_infos : dict
        Skycell index -> its ``skycell_wcs_info`` dict (for the skycells matched).
    unreadable : list of (str, str)
        ``(file, reason)`` for each file that could not be read (in no association).
    """

    files: Any
    matches: Any
    wcs_infos: dict[int, dict]
    unreadable: list[tuple[str, str]] = field(default_factory=list)


def files_table(paths: Sequence[str], filters: Sequence[str | None]):
    """The ``roman_files`` table: one row per input file, in input order.

    Parameters
    ----------
    paths : sequence of str
        The names as given (written verbatim as ``expname``).
    filters : sequence of str or None
        ``meta.instrument.optical_element`` of each file; ``None`` for a file not read.

    Returns
    -------
    pyarrow.Table
        ``row``, ``path``, ``stem`` (:attr:`pathlib.PurePath.stem`, where the visit id is
        read from), ``filter``.
    """
    import pyarrow as pa

    paths = [str(p) for p in paths]
    return pa.table({
        "row": pa.array(range(len(paths)), pa.int64()),
        "path": pa.array(paths, pa.string()),
        "stem": pa.array([PurePath(p).stem for p in paths], pa.string()),
        "filter": pa.array(list(filters), pa.string()),
    })


def wcs_info_query() -> str:
    """SQL joining each matched skycell to its projection region (``skycell_wcs_info``).

    Reads :data:`SKYCELLS` (``index``, ``name``, ``ra_center``, ``dec_center``,
    ``orientat``, ``x_tangent``, ``y_tangent``), :data:`REGIONS` (``ra_tangent``,
    ``dec_tangent``, ``orientat``, ``skycell_start``, ``skycell_end``) and
    :data:`~.queries.MATCHES`.

    Notes
    -----
    romancal 1.1.0 (``SkyCells.wcs_infos``): a skycell's region is the one whose
    ``[skycell_start, skycell_end)`` holds its index; ``orientat`` is the skycell's float32
    value widened, ``orientat_projection_center`` the region's.
    """
    from sqlglot import exp, select

    s, r = "s", "r"
    return (
        select(exp.column("index", s).as_("skycell_index"), exp.column("name", s),
               exp.column("ra_center", s), exp.column("dec_center", s),
               exp.column("orientat", s), exp.column("x_tangent", s),
               exp.column("y_tangent", s), exp.column("ra_tangent", r),
               exp.column("dec_tangent", r), exp.column("orientat", r).as_("region_orientat"))
        .from_(exp.to_table(SKYCELLS).as_(s))
        .join(exp.to_table(REGIONS).as_(r),
              on=exp.and_(exp.column("index", s) >= exp.column("skycell_start", r),
                          exp.column("index", s) < exp.column("skycell_end", r)))
        .where(exp.column("index", s).isin(
            query=select("skycell_index").from_(MATCHES).distinct()))
        .order_by(exp.column("index", s))
        .sql(dialect="duckdb", pretty=True)
    )


def wcs_infos(engine: Engine, skycells, regions, pixel_scale_arcsec: float, nxy: int
              ) -> dict[int, dict]:
    """``skycell_wcs_info`` of every skycell in the registered :data:`~.queries.MATCHES`.

    Parameters
    ----------
    engine : Engine
        With :data:`~.queries.MATCHES` registered.
    skycells, regions : pyarrow.Table or DuckDB-readable
        The skymap's skycell and projection-region tables.
    pixel_scale_arcsec : float
        The skymap's ``meta.pixel_scale`` (arcseconds per pixel).
    nxy : int
        The skymap's ``meta.nxy_skycell``.

    Returns
    -------
    dict
        Skycell index -> dict (keys in the reference's order).
    """
    engine.register(SKYCELLS, skycells)
    engine.register(REGIONS, regions)
    try:
        rows = engine.dicts(wcs_info_query())
    finally:
        engine.unregister(SKYCELLS)
        engine.unregister(REGIONS)
    scale = pixel_scale_arcsec / 3600.0
    fixed = {"pixel_scale": scale, "nx": nxy, "ny": nxy}
    return {row["skycell_index"]: {key: fixed[key] if column is None else row[column]
                                   for key, column in WCS_INFO} for row in rows}


def skycell_table(inputs: SkycellInputs, product_type: str, output_file_root: str,
                  data_release_id: str = "p", rules: RomanRules | None = None,
                  engine: Engine | None = None):
    """The skycell associations as an Arrow table, one row each, in the reference's order.

    Returns
    -------
    pyarrow.Table
        ``name``, ``program``, ``skycell``, ``skycell_index``, ``filter``, ``members``.
    """
    rules = rules or load_rules()
    own = engine is None
    engine = engine or Engine()
    try:
        engine.register(FILES, inputs.files)
        engine.register(MATCHES, inputs.matches)
        try:
            return engine.arrow(skycell_query(rules, product_type, str(output_file_root),
                                              data_release_id))
        finally:
            engine.unregister(FILES)
            engine.unregister(MATCHES)
    finally:
        if own:
            engine.close()


def skycell_associations(inputs: SkycellInputs, output_file_root: str,
                         product_type: str | None = None, data_release_id: str = "p",
                         rules: RomanRules | None = None) -> list[RomanAssociation]:
    """The skycell associations (``skycell_asn``) of already read inputs.

    Parameters
    ----------
    inputs : SkycellInputs
    output_file_root : str
        ``-o``: the start of every file name (may hold a folder).
    product_type : str, optional
        ``visit`` (default), ``pass``, ``full``, ``daily``, ``user``; any other is grouped by
        program and named ``unknown``, as the reference does (the command refuses it
        with ``--strict``).
    data_release_id : str

    Returns
    -------
    list of RomanAssociation
        ``.path`` = ``<name>_asn.json``. Two groups may give the same name (e.g. two
        programs with ``full``): both are returned in order; writing keeps the last, as the
        reference overwrites the file.
    """
    rules = rules or load_rules()
    product_type = (product_type or rules.default_product_type).lower()
    table = skycell_table(inputs, product_type, output_file_root, data_release_id, rules)
    result = []
    for row in table.to_pylist():
        asn = from_list(row["members"], row["name"], rules=rules)
        asn["asn_type"] = rules.skycell_asn_type
        asn["program"] = row["program"]
        asn["data_release_id"] = data_release_id
        asn["target"] = row["skycell"]
        asn["skycell_wcs_info"] = inputs.wcs_infos[row["skycell_index"]]
        asn.path = row["name"] + "_asn.json"
        result.append(asn)
    return result


class SkymapNotConfigured(AsnsqlError, LookupError):
    """No skymap given (``--skymap``) nor configured (``SKYMAP_PATH``)."""

    exit_code = 2
