"""Add members to, or remove members from, an association file (``asn_edit`` of jwst).

Spec section 12.5. The association is read as JSON, edited, checked against its schema and
written whole: when the output replaces the input, the new text goes to a temporary file
that is renamed over the original, so the original is kept until the new file is complete.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path, PurePath
from typing import Iterable

from ..errors import AsnsqlWarning, AssociationError, OutputError

__all__ = ["add", "edit_file", "read", "remove", "write"]


def _expname(filename: str | os.PathLike) -> str:
    """The exposure name a command-line file stands for: its base name once environment
    variables, ``~`` and ``..`` are expanded (symbolic links are not followed)."""
    expanded = os.path.expanduser(os.path.expandvars(os.fspath(filename)))
    return Path(os.path.abspath(expanded)).name


def _root(name: str) -> str:
    from ..naming import remove_suffix

    return remove_suffix(PurePath(name).stem)[0]


def read(path: str | os.PathLike) -> dict:
    """Read an association file for editing.

    Parameters
    ----------
    path : path
        A ``.json`` association file, or a ``.jsonl`` file of one association
        (``FILE.jsonl:N`` or ``FILE.jsonl:NAME`` picks one of several).

    Returns
    -------
    dict
        The association, keys in file order.

    Raises
    ------
    AssociationError
        When the name does not end in ``.json`` or ``.jsonl``, the file cannot be read, is
        not JSON, holds several associations with none picked, is not an association or
        fails its schema.

    Notes
    -----
    ``asn_edit`` (jwst 3.0.0) also requires ``.json`` and JSON text, but checks no schema.
    """
    from ..asnread import read_one, split_jsonl_pick
    from ..asnschema import validate

    base, _ = split_jsonl_pick(path)
    if base.suffix not in (".json", ".jsonl"):
        raise AssociationError(f"{path} is not an association file: asnsql edit reads .json "
                               "files (and one line of a .jsonl file) only")
    data = read_one(path).data
    if not isinstance(data, dict):
        raise AssociationError(f"{path} is not an association (a JSON object with products "
                               "expected)")
    errors = validate(data)
    if errors:
        raise AssociationError(f"{path} is not a valid association: " + "; ".join(errors))
    return data


def add(asn: dict, filenames: Iterable[str], exptype: str = "science") -> dict:
    """Append a member for each file to every product.

    Parameters
    ----------
    asn : dict
        The association, changed in place.
    filenames : iterable of str
        Files to add; the member's ``expname`` is the base name (the file need not exist).
    exptype : str
        The new members' exptype (checked against the known member exptypes).

    Returns
    -------
    dict
        ``asn``.

    Raises
    ------
    AssociationError
        When ``exptype`` is not a known member exptype.

    Notes
    -----
    Reproduces ``jwst.associations.asn_edit.add`` (spec section 12.5), which accepts any
    exptype.
    """
    from .fromlist import check_exptype

    exptype = check_exptype(exptype, "the added files")
    for filename in filenames:
        member = {"expname": _expname(filename), "exptype": exptype}
        for product in asn["products"]:
            product["members"].append(dict(member))
    return asn


def remove(asn: dict, filenames: Iterable[str], ignore_suffix: bool = False) -> dict:
    """Remove the members of the named files from every product.

    Parameters
    ----------
    asn : dict
        The association, changed in place.
    filenames : iterable of str
        Files to remove: a member goes when its ``expname`` equals the file's base name.
    ignore_suffix : bool
        Compare the names without extension and one known suffix instead, so that
        ``a_cal.fits`` also removes ``a_rate.fits``.

    Returns
    -------
    dict
        ``asn``. Products left without members are dropped.

    Warns
    -----
    AsnsqlWarning
        Naming the files that matched no member (the association is still written).

    Notes
    -----
    Reproduces ``jwst.associations.asn_edit.remove`` (spec section 12.5).
    """
    not_found = []
    for filename in filenames:
        base = _expname(filename)
        key = _root(base) if ignore_suffix else base
        found = False
        for product in list(asn["products"]):
            kept = []
            for member in product["members"]:
                expname = member.get("expname")
                if expname:
                    other = _root(expname) if ignore_suffix else expname
                    if other == key:
                        found = True
                        continue
                kept.append(member)
            if len(kept) != len(product["members"]):
                product["members"][:] = kept
                if not kept:
                    asn["products"].remove(product)
        if not found:
            not_found.append(str(filename))
    if not_found:
        warnings.warn("files not found in the association: " + ",".join(not_found),
                      AsnsqlWarning, stacklevel=2)
    return asn


def write(asn: dict, path: str | os.PathLike) -> Path:
    """Check the association against its schema and write it as JSON, whole or not at all.

    Parameters
    ----------
    asn : dict
        The association.
    path : path
        A ``.json`` file, replaced when it exists (the original stays until the new file is
        complete).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    AssociationError
        When the association fails its schema (nothing is written).
    OutputError
        When the name does not end in ``.json`` or the file cannot be written.

    Notes
    -----
    ``asn_edit``'s writer (spec section 12.5) renames the original to ``<name>.sv<N>`` while
    writing; a rename of a complete temporary file gives the same guarantee without leaving
    a ``.sv`` file behind after a crash.
    """
    from ..asnschema import validate
    from ..asnwrite import dumps
    from ..publish import write_file_atomic

    path = Path(path)
    if path.suffix != ".json":
        raise OutputError(f"cannot write {path}: the output must be a .json file")
    errors = validate(asn)
    if errors:
        raise AssociationError("the edited association would not be valid: "
                               + "; ".join(errors) + f"; {path} was not written")
    return write_file_atomic(path, dumps(asn, "json"))


def edit_file(association: str | os.PathLike, filenames: Iterable[str], *,
              operation: str | None = None, exptype: str = "science",
              ignore_suffix: bool = False, output: str | os.PathLike | None = None) -> Path:
    """Read an association, add or remove files, and write it.

    Parameters
    ----------
    association : path
        The ``.json`` association to edit, or one line of a ``.jsonl`` file
        (``FILE.jsonl:N``; then ``output`` is required).
    filenames : iterable of str
        The files to add or remove.
    operation : {'add', 'remove', None}
        ``None`` re-writes the association unchanged.
    exptype : str
        Exptype of added members.
    ignore_suffix : bool
        With ``remove``: match names without their suffix.
    output : path, optional
        Where to write (a ``.json`` file); default: replace ``association``.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    AssociationError, OutputError
        As :func:`read`, :func:`add` and :func:`write`; nothing is written then.

    Notes
    -----
    Reproduces the ``asn_edit`` command of jwst 3.0.0 (spec section 12.5).
    """
    from ..asnread import split_jsonl_pick

    if output is not None and Path(output).suffix != ".json":
        raise OutputError(f"cannot write {output}: the output must be a .json file")
    if output is None and split_jsonl_pick(association)[0].suffix == ".jsonl":
        raise OutputError(f"cannot replace an association inside {association}: give -o "
                          "OUT.json to write the edited one")
    target = Path(output if output is not None else association)
    if operation not in (None, "add", "remove"):
        raise ValueError(f"operation must be 'add', 'remove' or None, not {operation!r}")
    asn = read(association)
    filenames = list(filenames)
    if operation == "add":
        add(asn, filenames, exptype)
    elif operation == "remove":
        remove(asn, filenames, ignore_suffix)
    return write(asn, target)
