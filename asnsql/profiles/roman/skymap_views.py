"""The skymap's cached tables in DuckDB: views, and ``skycell_wcs_info`` by SQL.

:func:`register_skymap` exposes the Parquet tables of a :class:`~.skymap.Skymap` as views;
:func:`skycell_wcs_info` joins a skycell with its projection region as romancal writes it
into a skycell association.
"""

from __future__ import annotations

from .skymap import Skymap, SkymapError

__all__ = ["register_skymap", "skycell_wcs_info", "skycell_wcs_info_query",
           "skycell_wcs_info_sql"]


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
