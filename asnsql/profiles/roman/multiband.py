"""Multiband associations (``multiband_asn`` of romancal 1.1.0).

Level-3 coadds of one skycell in several filters make one association per (skycell,
prefix), the prefix being the name up to the skycell (``rPPPPP_<release>_<product>_``).
The grouping is :func:`.queries.multiband_query`, run on :class:`~asnsql.engine.Engine`;
the files themselves are never opened (names only, as the reference).
"""

from __future__ import annotations

import glob
from typing import Sequence

from ...engine import Engine
from .fromlist import RomanAssociation, from_list
from .queries import FILES, multiband_query, run
from .rules import RomanRules, load_rules

__all__ = ["expand_files", "multiband_associations", "multiband_table"]


def expand_files(files: Sequence[str]) -> list[str]:
    """The file list, or the files a single wildcard pattern matches.

    Notes
    -----
    As romancal 1.1.0: only a list of exactly one name containing ``*`` or ``?`` is a
    pattern; its matches come in :func:`glob.glob` order (the folder's order, unsorted).
    """
    files = list(files)
    if len(files) == 1 and any(c in files[0] for c in "*?"):
        return glob.glob(files[0])
    return files


def _files_table(files: Sequence[str]):
    import pyarrow as pa

    return pa.table({"row": pa.array(range(len(files)), pa.int64()),
                     "path": pa.array(list(files), pa.string())})


def multiband_table(files: Sequence[str], rules: RomanRules | None = None,
                    engine: Engine | None = None):
    """The multiband groups as an Arrow table.

    Parameters
    ----------
    files : sequence of str
        Coadd file names (after :func:`expand_files`).
    rules : RomanRules, optional
    engine : Engine, optional
        Default: a new in-memory engine.

    Returns
    -------
    pyarrow.Table
        ``name`` (product name, also the file stem), ``release`` (data release id),
        ``members`` (list of file names), one row per association.
    """
    rules = rules or load_rules()
    return run(multiband_query(rules), {FILES: _files_table(files)}, engine)


def multiband_associations(files: Sequence[str], psf_match_reference_filter: str | None = None,
                           rules: RomanRules | None = None) -> list[RomanAssociation]:
    """The multiband associations of ``files``.

    Parameters
    ----------
    files : sequence of str
        Coadd names, or one wildcard pattern (:func:`expand_files`).
    psf_match_reference_filter : str, optional
        Written into every association when given.
    rules : RomanRules, optional

    Returns
    -------
    list of RomanAssociation
        Each with ``.path`` = ``<prefix><skycell>_asn.json`` (the prefix keeps any folder of
        the coadds, where the reference writes it).

    Notes
    -----
    romancal 1.1.0 makes each association by calling ``asn_from_list``'s command line, so
    ``target`` is the text ``"None"``; files not matching the pattern (another suffix, an
    upper-case filter, a name without a skycell) are left out silently.
    """
    rules = rules or load_rules()
    table = multiband_table(expand_files(files), rules)
    target = rules.from_list["target_default"]
    result = []
    for row in table.to_pylist():
        asn = from_list(row["members"], row["name"], target=target,
                        data_release_id=row["release"],
                        psf_match_reference_filter=psf_match_reference_filter, rules=rules)
        asn.path = row["name"] + "_asn.json"
        result.append(asn)
    return result
