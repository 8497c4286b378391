"""Skycell associations (``skycell_asn`` of romancal 1.1.0).

Level-2 files are grouped by product type (visit, pass or program, from the visit id in the
file name), then by each skycell their footprints overlap, then by filter; each (group,
skycell, filter) is one association. Data flows as in the JWST generator:

files --(:func:`.footprints.read_footprints`)--> one row per file (path, visit id, filter,
footprint) --(:func:`.overlap.match_skycells`, SQL)--> the skycells each overlaps
--(:func:`.queries.skycell_query`: the grouping and names compiled from
``rules/roman/associations.yaml``)--> one row per association --> association dicts (with
:func:`.skymap.skycell_wcs_info`) --> files.

Reading the files (:func:`read_inputs`) is apart from grouping (:func:`skycell_table`), so
an archive can feed a footprint table (:func:`.footprints.load_footprint_table`) instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from ...engine import Engine
from .fromlist import RomanAssociation, from_list
from .queries import FILES, MATCHES, run, skycell_query
from .rules import RomanRules, load_rules

__all__ = ["SkycellInputs", "inputs_from_footprints", "read_inputs", "skycell_associations",
           "skycell_table"]


@dataclass
class SkycellInputs:
    """What skycell grouping needs, as Arrow tables.

    Attributes
    ----------
    files : pyarrow.Table
        One row per input file, in input order: ``row`` (0-based position), ``path``,
        ``visit_id``, ``filter`` (see :func:`.footprints.read_footprints`).
    matches : pyarrow.Table
        ``row``, ``skycell_index``, ``skycell_name``: the overlaps
        (:func:`.overlap.match_skycells`).
    wcs_infos : dict
        Skycell index -> its ``skycell_wcs_info`` dict, for every skycell matched.
    problems : list of str
        One line per file that could not be used (named, with the reason); such a file is
        in no association.
    """

    files: Any
    matches: Any
    wcs_infos: dict[int, dict]
    problems: list[str] = field(default_factory=list)


def inputs_from_footprints(footprints, skymap, problems: Sequence[str] = (),
                           engine: Engine | None = None) -> SkycellInputs:
    """Match a footprint table against a skymap: the inputs of :func:`skycell_table`.

    Parameters
    ----------
    footprints : pyarrow.Table
        From :func:`.footprints.read_footprints` or :func:`.footprints.load_footprint_table`
        (``path``, ``visit_id``, ``filter``, ``ra``, ``dec``...).
    skymap : Skymap
        From :func:`.skymap.load_skymap`.
    problems : sequence of str
        The files that could not be read (kept in the result).
    engine : Engine, optional

    Returns
    -------
    SkycellInputs
    """
    import pyarrow as pa

    from .overlap import match_skycells
    from .skymap import skycell_wcs_info

    own = engine is None
    engine = engine or Engine()
    try:
        matches = match_skycells(footprints, skymap, engine=engine)
        indices = sorted(set(matches.column("skycell_index").to_pylist()))
        infos = dict(zip(indices, skycell_wcs_info(skymap, indices, engine=engine)))
    finally:
        if own:
            engine.close()
    files = footprints.select(["path", "visit_id", "filter"])
    files = files.add_column(0, "row", pa.array(range(files.num_rows), pa.int64()))
    return SkycellInputs(files, matches, infos, list(problems))


def read_inputs(files: Sequence[str] = (), skymap_path: str | None = None,
                footprint_table: str | None = None, save_footprints: str | None = None
                ) -> SkycellInputs:
    """Open the Level-2 files (or read a footprint table) and match them with the skymap.

    Parameters
    ----------
    files : sequence of str
        ``_cal.asdf`` files, as given (written verbatim as ``expname``).
    skymap_path : str, optional
        The SKYCELLS file; default ``$SKYMAP_PATH``.
    footprint_table : str, optional
        A CSV or Parquet footprint table (:func:`.footprints.load_footprint_table`) used
        instead of ``files``: an archive needs no Level-2 files.
    save_footprints : str, optional
        Also write the footprints read from ``files`` to this CSV or Parquet file.

    Returns
    -------
    SkycellInputs

    Raises
    ------
    SkymapError
        No skymap configured, or it cannot be read (checked before any file is opened).
    FootprintError
        When the ``roman`` extra is not installed, or the footprint table is unusable.
    """
    from .footprints import load_footprint_table, read_footprints, save_footprint_table
    from .skymap import load_skymap

    skymap = load_skymap(skymap_path)
    if footprint_table is not None:
        footprints = load_footprint_table(footprint_table)
        problems = [f"{path}: {problem}" for path, problem in zip(
            footprints.column("path").to_pylist(), footprints.column("problem").to_pylist())
            if problem]
    else:
        footprints, problems = read_footprints(list(files))
    if save_footprints is not None:
        save_footprint_table(footprints, save_footprints)
    return inputs_from_footprints(footprints, skymap, problems)


def skycell_table(inputs: SkycellInputs, product_type: str, output_file_root: str,
                  data_release_id: str = "p", rules: RomanRules | None = None,
                  engine: Engine | None = None):
    """The skycell associations as an Arrow table, one row each, in the reference's order.

    Parameters
    ----------
    inputs : SkycellInputs
    product_type, output_file_root, data_release_id : str
        As :func:`skycell_associations`.
    rules : RomanRules, optional
    engine : Engine, optional
        Default: a new in-memory engine, closed afterwards.

    Returns
    -------
    pyarrow.Table
        ``name``, ``program``, ``skycell``, ``skycell_index``, ``filter``, ``members``.
    """
    rules = rules or load_rules()
    sql = skycell_query(rules, product_type, str(output_file_root), data_release_id)
    return run(sql, {FILES: inputs.files, MATCHES: inputs.matches}, engine)


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
