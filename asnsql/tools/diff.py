"""Compare two sets of associations product by product (spec section 12.7).

The criteria are those of ``jwst.associations.lib.diff`` (jwst 3.0.0), the comparison the
reference uses for its own regression tests: every association is split into
single-product associations, the two sides must hold the same product names, and each
product must have the same ``asn_type``, the same candidate level (first letter of
``asn_id``) and the same members, paired by exposure name (file stem with one known
calibration suffix removed) and compared on ``exptype``. Everything else (file names,
sequence numbers, ``asn_rule``, ``version_id``, ``constraints``, key and member order, ...)
is ignored.

Unlike the reference, which raises one exception holding its findings, :func:`compare`
returns every difference as a :class:`Difference` with a ``kind`` named after the
reference's error class and a one-line message naming the product and member.
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any, Mapping, NamedTuple

from ..errors import AssociationError
from ..naming import remove_suffix

__all__ = [
    "ASSOCIATION_PATTERNS",
    "KINDS",
    "Difference",
    "LoadedAssociation",
    "compare",
    "compare_asns",
    "compare_products",
    "exposure_name",
    "load_associations",
    "separate_products",
]

#: The kinds of difference, named after the reference's error classes without ``Error``.
KINDS = (
    "DuplicateProduct",
    "DifferentProductSets",
    "TypeMismatch",
    "CandidateLevel",
    "DuplicateMembers",
    "MemberLengthDifference",
    "MemberMismatch",
    "UnaccountedMembers",
    "Subset",
)

#: File name patterns of association files in a folder given as a side of the comparison.
ASSOCIATION_PATTERNS = ("*.json", "*.yaml", "*.yml", "*.jsonl")


@dataclass(frozen=True)
class Difference:
    """One difference between the two sides.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS` (the reference's error class, e.g. ``MemberMismatch`` for
        ``MemberMismatchError``).
    product : str
        The product the difference is about.
    message : str
        One line saying what differs, naming members and files where they matter.
    side : str or None
        ``'left'`` or ``'right'`` when the difference lies within one side (a duplicated
        product, duplicate members, a product or member only on that side), else None.
    """

    kind: str
    product: str
    message: str
    side: str | None = None

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


class LoadedAssociation(NamedTuple):
    """An association and where it came from (a file path, or a label for a dict)."""

    source: str
    data: Mapping


def exposure_name(expname: str) -> str:
    """The exposure name of a member: file stem with one known suffix removed.

    Parameters
    ----------
    expname : str
        A member's ``expname``.

    Returns
    -------
    str
        E.g. ``jw001_nrca1`` for ``path/jw001_nrca1_calints.fits``.

    Notes
    -----
    Reproduces ``exposure_name`` of ``jwst.associations.lib.diff`` (the folder and the
    last extension are dropped, then :func:`asnsql.naming.remove_suffix`).
    """
    return remove_suffix(PurePath(str(expname)).stem)[0]


def _tokens(name: str) -> frozenset:
    # Products of two associations are paired by the set of parts of their names.
    return frozenset(re.split("[_-]", name))


def _expand(item: Any) -> list:
    """One input item -> associations (a folder gives its association files, sorted)."""
    if isinstance(item, LoadedAssociation):
        return [item]
    if isinstance(item, Mapping):
        label = getattr(item, "name", "") or "<association>"
        return [LoadedAssociation(label, item)]
    if isinstance(item, (str, os.PathLike)):
        path = Path(item)
        if path.is_dir():
            files = sorted({p for pattern in ASSOCIATION_PATTERNS for p in path.glob(pattern)
                            if p.is_file()})
            return [one for p in files for one in _load_file(p)]
        return _load_file(path)
    raise TypeError(f"cannot compare {type(item).__name__!r}: give association files, "
                    "folders or association dicts")


def _load_file(path: Path) -> list[LoadedAssociation]:
    """A file's associations: one, or one per line of a ``.jsonl`` file (or the line
    ``FILE.jsonl:N`` picks)."""
    from ..asnread import load_asn, read_associations, split_jsonl_pick

    base, pick = split_jsonl_pick(path)
    if not base.exists():
        raise AssociationError(f"association file {base} does not exist; give association "
                               "files (*_asn.json, *.jsonl) or folders holding them")
    if base.suffix.lower() != ".jsonl":
        return [LoadedAssociation(str(path), load_asn(path))]
    found, problem = read_associations(path)
    if problem is not None:
        raise AssociationError(f"{path}: {problem}")
    return [LoadedAssociation(one.source, one.data) for one in found]


def _check(loaded: LoadedAssociation) -> None:
    from ..asnschema import validate

    errors = validate(loaded.data) if isinstance(loaded.data, dict) else ["$: not a mapping"]
    if errors:
        raise AssociationError(f"{loaded.source} is not a valid association: "
                               + "; ".join(errors))
    for index, product in enumerate(loaded.data["products"]):
        if not isinstance(product.get("name"), str):
            raise AssociationError(f"{loaded.source}: $.products[{index}].name is missing or "
                                   "not a string; products are compared by name, so every "
                                   "product needs one")


def load_associations(items: Any) -> list[LoadedAssociation]:
    """Read one side of a comparison.

    Parameters
    ----------
    items : path, folder, dict, LoadedAssociation, or an iterable of these
        Association files (JSON or YAML; a ``.jsonl`` file gives one per line,
        ``FILE.jsonl:N`` one of them), folders (their ``*.json``, ``*.yaml``, ``*.yml`` and
        ``*.jsonl`` files, not recursive), or association dicts (e.g. the output of
        :func:`asnsql.generate`; a dict's ``.name``, if any, labels it).

    Returns
    -------
    list of LoadedAssociation
        In the order given (folder contents sorted by file name).

    Raises
    ------
    AssociationError
        When a file is missing, unreadable, not an association, fails the association
        schema, or has a product without a name.
    """
    if isinstance(items, (str, os.PathLike, Mapping, LoadedAssociation)):
        items = [items]
    loaded: list[LoadedAssociation] = []
    for item in items:
        for entry in _expand(item):
            _check(entry)
            loaded.append(entry)
    return loaded


def separate_products(asn: Mapping) -> list[dict]:
    """Split an association into single-product associations (shallow copies).

    Notes
    -----
    As ``separate_products`` of the reference: each copy keeps every key of the
    association, with ``products`` holding one product.
    """
    products = asn["products"]
    if len(products) == 1:
        return [asn]
    return [{**asn, "products": [product]} for product in products]


def _members_text(members) -> str:
    return ", ".join(sorted(members))


def compare_products(left: Mapping, right: Mapping, strict_expname: bool = False,
                     labels: tuple[str, str] = ("left", "right"), *,
                     as_reference: bool = False, product: str | None = None
                     ) -> list[Difference]:
    """Compare the members of two products.

    Parameters
    ----------
    left, right : dict
        Products (``name`` and ``members``), not associations.
    strict_expname : bool
        Pair members by their exact ``expname``; by default by :func:`exposure_name`, so
        ``x_cal.fits``, ``x_calints.fits`` and ``x_x1d.fits`` are the same exposure.
    labels : (str, str)
        How messages name the two products (``left``/``right``, or file names).
    as_reference : bool
        Report ``Subset`` as the reference does, also when both products have members the
        other lacks (then neither is a subset of the other).
    product : str, optional
        The product name given to the differences (default: the left product's name).

    Returns
    -------
    list of Difference
        ``DuplicateMembers`` (the same ``expname`` twice in one product),
        ``MemberLengthDifference``, ``MemberMismatch`` (paired members with different
        ``exptype``), ``UnaccountedMembers`` (one per member without a partner) and
        ``Subset`` (when the only differences are a shorter member list whose members
        all have partners); empty when the products are equal.

    Notes
    -----
    Reproduces ``compare_product_membership`` of ``jwst.associations.lib.diff``
    (spec section 12.7): members are paired greedily in list order.
    """
    name = left.get("name", "") if product is None else product
    lname, rname = labels
    diffs = _duplicate_members(left, right, name, labels)
    n_left, n_right = len(left["members"]), len(right["members"])
    if n_left != n_right:
        diffs.append(Difference("MemberLengthDifference", name,
                                f"member count differs: {n_left} ({lname}) != "
                                f"{n_right} ({rname})"))
    key = (lambda e: e) if strict_expname else exposure_name
    mismatches, unmatched_left, unmatched_right = _pair_members(left, right, key, name,
                                                                labels)
    diffs += mismatches
    mismatched = bool(mismatches)
    for label, other_label, members in ((lname, rname, unmatched_left),
                                        (rname, lname, unmatched_right)):
        for member in members:
            diffs.append(Difference(
                "UnaccountedMembers", name,
                f"{label} member {member['expname']} ({member['exptype']}) has no match in "
                f"{other_label}", side=_side(label, labels)))
    only_length = (n_left != n_right and not mismatched
                   and not any(d.kind == "DuplicateMembers" for d in diffs))
    one_sided = not (unmatched_left and unmatched_right)
    if only_length and (unmatched_left or unmatched_right) and (one_sided or as_reference):
        if unmatched_left:
            text = f"{rname} is a subset of {lname}"
        else:
            text = f"{lname} is a subset of {rname}"
        diffs.append(Difference("Subset", name, text))
    return diffs


def _duplicate_members(left: Mapping, right: Mapping, name: str,
                       labels: tuple[str, str]) -> list[Difference]:
    """``DuplicateMembers`` of each side: the same ``expname`` twice in one product."""
    diffs: list[Difference] = []
    for label, side_product in zip(labels, (left, right)):
        counts = Counter(m["expname"] for m in side_product["members"])
        dups = [expname for expname, count in counts.items() if count > 1]
        if dups:
            diffs.append(Difference("DuplicateMembers", name,
                                    f"{label} has duplicate members: {_members_text(dups)}",
                                    side=_side(label, labels)))
    return diffs


def _pair_members(left: Mapping, right: Mapping, key, name: str, labels: tuple[str, str]):
    """Pair members greedily in list order by ``key(expname)``: the ``MemberMismatch``
    differences (paired members of different ``exptype``), and the members of each side
    without a partner (the right ones in their list order)."""
    lname, rname = labels
    waiting: dict[str, deque] = defaultdict(deque)
    for index, member in enumerate(right["members"]):
        waiting[key(member["expname"])].append((index, member))
    unmatched_left = []
    mismatches = []
    for member in left["members"]:
        queue = waiting.get(key(member["expname"]))
        if not queue:
            unmatched_left.append(member)
            continue
        _, partner = queue.popleft()
        if member["exptype"] != partner["exptype"]:
            other = ("" if partner["expname"] == member["expname"]
                     else f" {partner['expname']}")
            mismatches.append(Difference(
                "MemberMismatch", name,
                f"exptype of {member['expname']} differs: {member['exptype']} ({lname}) != "
                f"{partner['exptype']} ({rname}{other})"))
    unmatched_right = [m for _, m in sorted((item for queue in waiting.values()
                                             for item in queue), key=lambda item: item[0])]
    return mismatches, unmatched_left, unmatched_right


def _side(label: str, labels: tuple[str, str]) -> str | None:
    if labels == ("left", "right"):
        return label
    return None


def compare_asns(left: Mapping, right: Mapping, strict_expname: bool = False,
                 labels: tuple[str, str] = ("left", "right"), *,
                 check_top_level: bool = True, as_reference: bool = False
                 ) -> list[Difference]:
    """Compare two associations.

    Parameters
    ----------
    left, right : dict
        Associations (any number of products each).
    strict_expname : bool
        See :func:`compare_products`.
    labels : (str, str)
        How messages name the two associations.
    check_top_level : bool
        Compare ``asn_type`` and the candidate level (first letter of ``asn_id``).
    as_reference : bool
        See :func:`compare_products`.

    Returns
    -------
    list of Difference
        ``TypeMismatch``, ``CandidateLevel``, ``DifferentProductSets`` (product counts
        differ or a product has no counterpart) and the differences of each pair of
        products (:func:`compare_products`).

    Notes
    -----
    Reproduces ``compare_asns`` of ``jwst.associations.lib.diff`` (spec section 12.7):
    products are paired by the set of ``_``/``-``-separated parts of their names, so
    reordered name parts still pair; the numbers of ``asn_id`` are ignored.
    """
    lname, rname = labels
    lproducts, rproducts = list(left["products"]), list(right["products"])
    name = lproducts[0].get("name", "") if lproducts else ""
    diffs: list[Difference] = []
    if check_top_level:
        ltype, rtype = left.get("asn_type"), right.get("asn_type")
        if ltype != rtype:
            diffs.append(Difference("TypeMismatch", name,
                                    f"asn_type differs: {ltype} ({lname}) != {rtype} ({rname})"))
        lid, rid = str(left.get("asn_id", "")), str(right.get("asn_id", ""))
        if lid[:1] != rid[:1]:
            diffs.append(Difference(
                "CandidateLevel", name,
                f"candidate level differs: {lid[:1] or '(none)'} ({lname}, asn_id {lid or '-'})"
                f" != {rid[:1] or '(none)'} ({rname}, asn_id {rid or '-'})"))
    if len(lproducts) != len(rproducts):
        diffs.append(Difference("DifferentProductSets", name,
                                f"number of products differs: {len(lproducts)} ({lname}) != "
                                f"{len(rproducts)} ({rname})"))
    for lproduct in lproducts:
        tokens = _tokens(lproduct.get("name", ""))
        for index, rproduct in enumerate(rproducts):
            if _tokens(rproduct.get("name", "")) == tokens:
                diffs += compare_products(lproduct, rproduct, strict_expname, labels,
                                          as_reference=as_reference,
                                          product=lproduct.get("name", ""))
                del rproducts[index]
                break
        else:
            diffs.append(Difference("DifferentProductSets", lproduct.get("name", ""),
                                    f"{lname} product has no counterpart in {rname}"))
    for rproduct in rproducts:
        diffs.append(Difference("DifferentProductSets", rproduct.get("name", ""),
                                f"{rname} product has no counterpart in {lname}"))
    return diffs


def _file_label(source: str) -> str:
    return PurePath(source).name or source


def _duplicates(entries: list[tuple[str, dict]], side: str, as_reference: bool
                ) -> list[Difference]:
    """Products named twice within one side (reference: ``check_duplicate_products``)."""
    counts = Counter(asn["products"][0]["name"] for _, asn in entries)
    dup_names = [name for name, count in counts.items() if count > 1]
    if not dup_names:
        return []
    # The reference orders by asn_id (stable) and keeps the last of each name as the primary.
    ordered = sorted(entries, key=lambda e: str(e[1].get("asn_id", "")))
    by_name: dict[str, list] = defaultdict(list)
    for source, asn in ordered:
        by_name[asn["products"][0]["name"]].append((source, asn))
    diffs: list[Difference] = []
    for name in dup_names:
        group = by_name[name]
        primary_source, primary = group[-1]
        for source, asn in group[:-1]:
            labels = (_file_label(primary_source), _file_label(source))
            strict = compare_products(primary["products"][0], asn["products"][0], True,
                                      labels, as_reference=as_reference, product=name)
            if not strict:
                diffs.append(Difference(
                    "DuplicateProduct", name,
                    f"{side} has the product twice with the same members "
                    f"({_file_label(primary_source)}, {_file_label(source)})", side=side))
                continue
            loose = compare_products(primary["products"][0], asn["products"][0], False,
                                     labels, product=name)
            if loose:
                # Exposures differing in more than their suffix: report the exact differences.
                diffs += [Difference(d.kind, d.product, f"{side} has it twice: {d.message}",
                                     side=side) for d in strict]
            # Differing only by member suffixes (e.g. rate vs rateints): accepted.
    return diffs


def compare(left: Any, right: Any, strict_expname: bool = False, *,
            as_reference: bool = False) -> list[Difference]:
    """Compare two sets of associations, returning every difference.

    Parameters
    ----------
    left, right : path, folder, dict, or an iterable of these
        The two sides (see :func:`load_associations`).
    strict_expname : bool
        Pair members by exact ``expname`` rather than by exposure name.
    as_reference : bool
        Reproduce two shortcuts of the reference: after the first product that differs,
        ``asn_type`` and candidate level are no longer compared; and ``Subset`` is also
        reported when both products have unmatched members.

    Returns
    -------
    list of Difference
        Empty when the two sides are equal. In the reference's order: duplicated products
        of the left side, of the right side, products on one side only (sorted), then the
        differences of each product present on both sides (sorted by product name).

    Raises
    ------
    AssociationError
        When an input cannot be read or is not an association.

    Notes
    -----
    Reproduces ``compare_asn_files`` / ``compare_asn_lists`` of
    ``jwst.associations.lib.diff`` (jwst 3.0.0; spec section 12.7). A product named twice
    on one side is compared with its namesakes (the one with the highest ``asn_id`` against
    each other one): identical members give ``DuplicateProduct``; members differing beyond
    their suffixes give the exact differences; suffix-only differences (the ``rate`` and
    ``rateints`` products of coronagraphy) are accepted. Against the other side, the last
    association of that name (in input order) is used.
    """
    sides = []
    for items in (left, right):
        entries = [(entry.source, single) for entry in load_associations(items)
                   for single in separate_products(entry.data)]
        sides.append(entries)
    lentries, rentries = sides
    diffs = (_duplicates(lentries, "left", as_reference)
             + _duplicates(rentries, "right", as_reference))
    lby = {asn["products"][0]["name"]: (source, asn) for source, asn in lentries}
    rby = {asn["products"][0]["name"]: (source, asn) for source, asn in rentries}
    for name in sorted(set(lby) - set(rby)):
        diffs.append(Difference("DifferentProductSets", name,
                                f"only in left ({lby[name][0]})", side="left"))
    for name in sorted(set(rby) - set(lby)):
        diffs.append(Difference("DifferentProductSets", name,
                                f"only in right ({rby[name][0]})", side="right"))
    check_top_level = True
    for name in sorted(set(lby) & set(rby)):
        found = compare_asns(lby[name][1], rby[name][1], strict_expname,
                             check_top_level=check_top_level, as_reference=as_reference)
        diffs += found
        if found and as_reference:
            check_top_level = False
    return diffs
