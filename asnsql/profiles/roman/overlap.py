"""Which skycells each footprint overlaps: romancal's ``find_skycell_matches`` as one
DuckDB query.

The query reads three relations: ``roman_footprints`` (``row BIGINT, ra DOUBLE[], dec
DOUBLE[]``), ``roman_regions`` and ``roman_skycells`` (the cached skymap tables,
:mod:`.skymap`). :func:`overlap_sql` prints it; :func:`match_skycells` runs it.
"""

from __future__ import annotations

__all__ = ["MATCH_COLUMNS", "match_skycells", "overlap_query", "overlap_sql"]

#: Columns of :func:`match_skycells`' result.
MATCH_COLUMNS = ("row", "path", "skycell_index", "skycell_name")


def overlap_query():
    """The overlap query as a sqlglot expression (see :func:`overlap_sql`)."""
    raise NotImplementedError


def overlap_sql(pretty: bool = True) -> str:
    """The overlap query as DuckDB SQL text (``asnsql explain`` prints it).

    Returns
    -------
    str
        One ``SELECT`` returning ``row, skycell_index, skycell_name`` ordered by ``row``
        then ``skycell_index``.
    """
    raise NotImplementedError


def match_skycells(footprints, skymap, engine=None):
    """The skycells each footprint overlaps.

    Parameters
    ----------
    footprints : pyarrow.Table
        Columns ``ra``, ``dec`` (list<double>, degrees; the vertices of each footprint, as
        :func:`.footprints.read_footprints` or :func:`.footprints.load_footprint_table`
        give them) and optionally ``path``. Rows with empty lists match nothing.
    skymap : Skymap
        From :func:`.skymap.load_skymap`.
    engine : asnsql.engine.Engine, optional
        Engine to run on (default: a new in-memory one, closed afterwards).

    Returns
    -------
    pyarrow.Table
        Columns :data:`MATCH_COLUMNS`: ``row`` (int64, 0-based row of ``footprints``),
        ``path`` (string, null without a ``path`` column), ``skycell_index`` (int64, global
        index in the skymap), ``skycell_name``; ordered by ``row`` then ``skycell_index``.

    Notes
    -----
    Reproduces romancal 1.1.0 ``romancal.skycell.match.find_skycell_matches`` (its result
    as a set; romancal lists the indices in k-d-tree order, skycell_asn sorts them).
    """
    raise NotImplementedError
