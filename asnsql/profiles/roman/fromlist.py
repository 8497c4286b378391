"""Roman associations from a list of files (``asn_from_list`` of romancal 1.1.0).

One product, named by the caller, holds the files as science members in the order given.
The header keys keep romancal's placeholder values (``asn_type "None"``, ``program
"noprogram"``, ``asn_id "a3001"``...) and order, from ``rules/roman/associations.yaml``, so
the file written is the reference's byte for byte. :mod:`.skycell` and :mod:`.multiband`
build their associations with :func:`from_list` too, as the reference does.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path, PurePath
from typing import Iterable

from ...errors import AssociationError, OutputError
from ...asnwrite import dumps
from ...publish import write_file_atomic
from ...naming import remove_suffix, suffix_pattern
from .rules import RomanRules, load_rules

__all__ = ["RomanAssociation", "deprecation_warnings", "from_list", "tweakreg_catalog",
           "write_associations"]


class RomanAssociation(dict):
    """A Roman association: a plain ``dict`` of its content, with ``.path``, the file it is
    written to (relative to the working folder, as the reference writes it)."""

    path: str = ""


def tweakreg_catalog(expname: str, rules: RomanRules | None = None) -> str:
    """The source catalog ``tweakreg`` reads for a member (``--_tweakreg-catalogs``).

    Parameters
    ----------
    expname : str
        The member's file name, e.g. ``a/b_cal.asdf``.
    rules : RomanRules, optional
        Default: :func:`~.rules.load_rules`.

    Returns
    -------
    str
        The name with its extension dropped, its known suffix (if any) replaced by ``cat``
        and ``.parquet`` added, in the same folder: ``a/b_cat.parquet``.

    Notes
    -----
    As romancal 1.1.0: the name goes through :class:`pathlib.Path` (so ``./x`` loses its
    ``./``), and a name without a known suffix gets ``_cat`` appended (``x.asdf`` ->
    ``x_cat.parquet``).
    """
    rules = rules or load_rules()
    spec = rules.from_list["tweakreg_catalog"]
    path = Path(expname)
    root, separator = remove_suffix(path.stem, _suffixes(rules))
    return str(path.with_name(f"{root}{separator or '_'}{spec['suffix']}{spec['extension']}"))


@lru_cache(maxsize=4)
def _suffix_pattern(known: str):
    return suffix_pattern(known.split())


def _suffixes(rules: RomanRules):
    return _suffix_pattern(rules.from_list["tweakreg_catalog"]["known_suffixes"])


def from_list(items: Iterable[str], product_name: str, *, target: str | None = None,
              data_release_id: str = "p", psf_match_reference_filter: str | None = None,
              tweakreg_catalogs: bool = False, rules: RomanRules | None = None
              ) -> RomanAssociation:
    """An association of one product holding ``items`` (``asn_from_list`` of romancal).

    Parameters
    ----------
    items : iterable of str
        File names, written as ``expname`` verbatim, each with ``exptype`` ``science``.
    product_name : str
        The product's name.
    target : str, optional
        The ``target`` key (default ``null``; the command line's default is ``"None"``).
    data_release_id : str
        Written after ``program`` (default ``"p"``).
    psf_match_reference_filter : str, optional
        When given, written as a top-level key after ``products``.
    tweakreg_catalogs : bool
        Give each member a ``tweakreg_catalog`` (:func:`tweakreg_catalog`).
    rules : RomanRules, optional
        Default: :func:`~.rules.load_rules`.

    Returns
    -------
    RomanAssociation
        With ``.path`` empty (the caller chooses the file).

    Raises
    ------
    AssociationError
        When ``product_name`` is missing (romancal raises ``AssociationNotValidError``).
    """
    rules = rules or load_rules()
    if not product_name:
        raise AssociationError("a Roman association needs a product name (--product-name)")
    members = [{"expname": item, "exptype": "science"} for item in items]
    if tweakreg_catalogs:
        for member in members:
            member["tweakreg_catalog"] = tweakreg_catalog(member["expname"], rules)
    asn = RomanAssociation(rules.header)
    asn["target"] = target
    asn["data_release_id"] = data_release_id
    asn["products"] = [{"name": product_name, "members": members}]
    if psf_match_reference_filter is not None:
        asn["psf_match_reference_filter"] = psf_match_reference_filter
    return asn


def deprecation_warnings(rules: RomanRules | None = None, **values) -> list[str]:
    """The reference's warnings for deprecated options given other than their default.

    Parameters
    ----------
    **values
        Option name (``rule``, ``ruledefs``, ``acid``, ``format``) -> the value given.

    Returns
    -------
    list of str
        One message per option not at its default, in the order given.
    """
    rules = rules or load_rules()
    spec = rules.deprecated
    return [spec[name]["warning"].format(value=value) for name, value in values.items()
            if value not in (None, (), []) and value != spec[name]["default"]]


def write_associations(associations: Iterable[RomanAssociation],
                       folder: str | os.PathLike = ".") -> list[Path]:
    """Write each association to its ``.path`` (relative to ``folder``), as the reference
    serialises it (``json.dumps(indent=4)``, no newline at the end).

    Missing folders on the way are created (romancal needs them to exist). When two
    associations have the same path, the later one is written, as the reference overwrites
    the file (docs/QUIRKS.md).

    Returns
    -------
    list of pathlib.Path
        One per distinct ``.path``, in the order of their last association.

    Raises
    ------
    OutputError
        A file or folder cannot be written (files already written stay; each is whole).
    """
    latest = {}
    for asn in associations:
        latest.pop(asn.path, None)
        latest[asn.path] = asn
    written = []
    for name, asn in latest.items():
        target = Path(folder) / PurePath(name)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise OutputError(f"cannot create folder {target.parent}: "
                              f"{err.strerror or err}") from None
        written.append(write_file_atomic(target, dumps(asn)))
    return written
