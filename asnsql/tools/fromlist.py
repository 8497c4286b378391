"""Associations made from a list of files (``asn_from_list`` of jwst, spec section 12.2).

A Level-3 association gets one product, named by the caller, holding the files; a Level-2b
association gets one product per file, named after the file. The data keys keep the
reference's placeholder values (``asn_type "None"``, ``program "noprogram"``, ``asn_id
"a3001"``...), so that the output is the reference's, byte for byte.

Beyond the reference, members may carry another role than ``science`` (what users asked
for in jwst issues #855 and #5537): backgrounds, imprints, PSFs and target acquisitions.
On Level 2b they are added to every product, as the generator's Level-2b rules attach
backgrounds and imprints to each science exposure; on Level 3 they join the one product.
Every exptype is checked against the exptypes the pipelines read, and the result is checked
against the rule's validity tests and the association schema before anything is written.
"""

from __future__ import annotations

import re
import warnings
from pathlib import PurePath
from typing import Any, Callable, Iterable, Sequence

from ..errors import AsnsqlWarning, AssociationError
from ..asnschema import KNOWN_EXPTYPES, validate

__all__ = [
    "LEVEL2_BASE",
    "LEVEL3_BASE",
    "check_exptype",
    "from_arguments",
    "from_list",
    "resolve_rule",
    "split_exptype",
]

#: Rule names of the reference's base classes, accepted by ``-r`` (spec section 12.2).
LEVEL3_BASE = "DMS_Level3_Base"
LEVEL2_BASE = "DMSLevel2bBase"

#: Validity tests of the base classes (the rules of the ruleset carry their own).
_BASE_VALIDITY = {LEVEL3_BASE: ("has_science",), LEVEL2_BASE: ("has_science",
                                                               "allowed_candidates")}

#: Validity tests on the candidate type, and the type each accepts.
_CANDIDATE_TESTS = {"is_type_mosaic": "mosaic", "is_type_observation": "observation"}

_DEGRADED_OK = "No known degraded exposures in association."
_EXPTYPE_SUFFIX = re.compile(r"^(?P<name>.+):(?P<exptype>[A-Za-z_]+)$")


def split_exptype(argument: str) -> tuple[str, str | None]:
    """Split a command-line file argument ``FILE:exptype`` into its parts.

    Parameters
    ----------
    argument : str
        ``a_cal.fits`` or ``a_cal.fits:psf``. Only a tail of letters and underscores after
        the last colon counts as an exptype, so a name such as ``x:1.fits`` stays whole.

    Returns
    -------
    expname, exptype : str, str or None
        ``exptype`` is ``None`` when none was given.

    Examples
    --------
    >>> split_exptype("a_cal.fits:psf")
    ('a_cal.fits', 'psf')
    >>> split_exptype("a_cal.fits")
    ('a_cal.fits', None)
    """
    match = _EXPTYPE_SUFFIX.match(argument)
    if match is None:
        return argument, None
    return match["name"], match["exptype"]


def check_exptype(exptype: str, where: str) -> str:
    """Return ``exptype`` in lower case, or raise when it is not a known member exptype.

    Parameters
    ----------
    exptype : str
        The exptype given by the user.
    where : str
        What carries it, for the message (e.g. ``"file a.fits"``).

    Raises
    ------
    AssociationError
        When the exptype is not in :data:`KNOWN_EXPTYPES`.
    """
    value = str(exptype).strip().lower()
    if value not in KNOWN_EXPTYPES:
        known = ", ".join(sorted(KNOWN_EXPTYPES))
        raise AssociationError(f"unknown exptype {exptype!r} for {where}; use one of: {known}")
    return value


def resolve_rule(name: str, ruleset=None) -> tuple[str, int, tuple[str, ...]]:
    """Find the rule ``-r NAME`` names and its level.

    Parameters
    ----------
    name : str
        ``DMS_Level3_Base``, ``DMSLevel2bBase`` or a rule of the ruleset (``Asn_Lv3Image``,
        ``Asn_Lv2Image``...; as in the reference, the unprefixed class name). A name that
        differs only by case or the ``Asn_`` prefix is accepted too.
    ruleset : asnsql.model.Ruleset, optional
        Default: the JWST rules.

    Returns
    -------
    rule_name, level, validity : str, int, tuple of str
        The rule's exact name (written as ``asn_rule``), its level (2 for Level 2b, 3) and
        its validity tests.

    Raises
    ------
    AssociationError
        When no rule has that name.
    """
    for base, level in ((LEVEL3_BASE, 3), (LEVEL2_BASE, 2)):
        if name == base:
            return base, level, _BASE_VALIDITY[base]
    if ruleset is None:
        from ..ruleset import default_ruleset

        ruleset = default_ruleset()
    exact = [r for r in ruleset if r.name == name]
    try:
        rule = exact[0] if exact else ruleset.get(name)
    except KeyError:
        raise AssociationError(f"{ruleset.unknown(name, (LEVEL3_BASE, LEVEL2_BASE))}; "
                               f"{LEVEL3_BASE} and {LEVEL2_BASE} are accepted too") from None
    return rule.name, (2 if rule.level == 2 else 3), tuple(rule.validity)


def _item_parts(item: Any, with_exptype: bool, position: int) -> tuple[str, str]:
    if isinstance(item, (tuple, list)):
        if len(item) != 2:
            raise AssociationError(f"item {position} {item!r}: give a file name or a "
                                   "(file name, exptype) pair")
        expname, exptype = item
        exptype = exptype or "science"
    elif with_exptype:
        raise AssociationError(f"item {position} {item!r}: with_exptype needs "
                               "(file name, exptype) pairs")
    else:
        expname, exptype = item, "science"
    expname = str(expname)
    return expname, check_exptype(exptype, f"file {expname}")


def _role_members(members: Iterable, roles: dict[str, Sequence[str]]) -> list[dict]:
    result = []
    for position, pair in enumerate(members, start=1):
        expname, exptype = _item_parts(pair, True, position)
        result.append({"expname": expname, "exptype": exptype})
    for exptype, names in roles.items():
        for expname in names or ():
            result.append({"expname": str(expname), "exptype": exptype})
    return result


def _product_name_level2(expname: str) -> str:
    """Level-2b product name (the reference keeps the folder part, spec section 8.1)."""
    from ..naming import remove_suffix

    path = PurePath(expname)
    stem = path.parent / path.stem
    return remove_suffix(str(stem))[0]


def _check_validity(rule_name: str, level: int, tests: tuple[str, ...], products: list[dict],
                    acid: str) -> None:
    members = [m for p in products for m in p["members"]]
    types = {m["exptype"] for m in members}
    cand_type = ("observation" if acid.startswith("o") else "background") if level == 2 \
        else "discovered"
    problems = []
    # is_not_group always passes: a list never makes a group candidate.
    for test in tests:
        if test == "has_science" and "science" not in types:
            problems.append("it has no science member")
        elif test == "allowed_candidates" and cand_type == "background" \
                and "background" not in types:
            problems.append(f"a background candidate (-i {acid}) needs a background member; "
                            "add one with --background FILE or give an o id")
        elif test == "has_psf" and "psf" not in types:
            problems.append("the rule needs a psf member; add one with --psf FILE")
        elif test == "has_pair" and len(members) < 2:
            problems.append("the rule needs at least two members")
        elif test in _CANDIDATE_TESTS and cand_type != _CANDIDATE_TESTS[test]:
            problems.append(f"the rule accepts only {_CANDIDATE_TESTS[test]} candidates and "
                            "a Level-3 association made from a list is discovered (a3001); "
                            f"use {LEVEL3_BASE}")
    if problems:
        raise AssociationError(f"the {rule_name} association would not be valid: "
                               + "; ".join(problems) + "; nothing was written")


def from_list(items: Iterable, rule: str = LEVEL3_BASE, *, product_name: str | None = None,
              acid: str | None = None, with_exptype: bool = False, meta: dict | None = None,
              product_name_func: Callable[[Any, int], str] | None = None,
              members: Iterable = (), background: Sequence[str] = (),
              imprint: Sequence[str] = (), psf: Sequence[str] = (),
              target_acquisition: Sequence[str] = (), ruleset=None) -> dict:
    """Build an association from a list of files, as ``asn_from_list`` does.

    Parameters
    ----------
    items : iterable of str or (str, str)
        Files, in order; a ``(expname, exptype)`` pair gives another exptype than
        ``science`` (an empty exptype means science).
    rule : str
        ``DMS_Level3_Base`` (default), ``DMSLevel2bBase`` or a rule name; its level is the
        association's (:func:`resolve_rule`).
    product_name : str, optional
        Level 3: the one product's name (required); Level 2b's are named after science files.
    acid : str, optional
        Level 2b: the candidate id, ``o...`` (default ``o999``) or ``c...`` (background);
        as in the reference it decides validity only (``asn_id`` stays ``a3001``).
    with_exptype : bool
        Every item must be an ``(expname, exptype)`` pair (the reference's keyword).
    meta : dict, optional
        Level 2b: keys merged into the association at the end (the reference's ``meta``).
    product_name_func : callable, optional
        Level 2b: ``func(item, idx)`` (``idx`` from 1) names each product; when it raises,
        the default name is kept.
    members : iterable of (str, str)
        More ``(expname, exptype)`` members, for the Level-3 product or each Level-2b one.
    background, imprint, psf, target_acquisition : sequence of str
        Files of those roles, added after ``members``.
    ruleset : asnsql.model.Ruleset, optional
        Rules to find ``rule`` in (default: the JWST rules).

    Returns
    -------
    dict
        The association, keys in the reference's order (spec section 11.1).

    Raises
    ------
    AssociationError
        Level 3 without ``product_name``; an ``acid`` not starting with ``o`` or ``c``; an
        unknown rule or exptype; a result failing the rule's validity tests or the schema.

    Warns
    -----
    AsnsqlWarning
        An exposure name with a folder part, as the reference warns.

    Notes
    -----
    Reproduces jwst's ``asn_from_list`` and its ``Main`` (jwst 3.0.0, spec section 12.2);
    the roles (``members``, ``background``...) are an asnsql addition.

    Examples
    --------
    >>> asn = from_list(["a_cal.fits", "b_cal.fits"], product_name="mosaic")
    >>> [m["expname"] for m in asn["products"][0]["members"]]
    ['a_cal.fits', 'b_cal.fits']
    >>> asn = from_list(["jw001_nrca1_rate.fits"], rule="DMSLevel2bBase",
    ...                 background=["bkg_rate.fits"])
    >>> asn["products"][0]["name"], len(asn["products"][0]["members"])
    ('jw001_nrca1', 2)
    """
    rule_name, level, tests = resolve_rule(rule, ruleset)
    extra = _role_members(members, {"background": background, "imprint": imprint, "psf": psf,
                                    "target_acquisition": target_acquisition})
    items = list(items)
    if not items:
        raise AssociationError("no files given: an association needs at least one member")
    pairs = [_item_parts(item, with_exptype, n) for n, item in enumerate(items, start=1)]
    data, acid_text = _association(rule_name, level, pairs, items, extra, product_name,
                                   acid, product_name_func, meta)
    _check_validity(rule_name, level, tests, data["products"], acid_text)
    _check_schema(rule_name, level, data)
    _warn_with_folder(data["products"])
    return data


def _association(rule_name: str, level: int, pairs: list, items: list, extra: list,
                 product_name: str | None, acid: str | None,
                 product_name_func: Callable | None, meta: dict | None
                 ) -> tuple[dict[str, Any], str]:
    """The association of :func:`from_list` (not yet checked), and the candidate id its
    validity is tested with."""
    data = _header(rule_name)
    if level == 3:
        data.update(target="none", asn_pool="none",
                    products=_level3_products(pairs, extra, product_name))
        return data, "a3001"
    acid_text = _level2_acid(acid)
    data["asn_pool"] = "none"
    data["products"] = _level2_products(pairs, items, extra, product_name_func)
    data.update(meta or {})
    return data, acid_text


def _warn_with_folder(products: list[dict]) -> None:
    """Warn (at :func:`from_list`'s caller) of exposure names with a folder part."""
    with_folder = _with_folder(products)
    if with_folder:
        warnings.warn(f"exposure names with a folder ({', '.join(with_folder)}): the "
                      "pipeline looks for members relative to the association file",
                      AsnsqlWarning, stacklevel=3)

def _header(rule_name: str) -> dict[str, Any]:
    """The keys every association from a list starts with, the reference's placeholders."""
    from ..profiles.jwst import CODE_VERSION

    return {
        "asn_type": "None",
        "asn_rule": rule_name,
        "version_id": None,
        "code_version": CODE_VERSION,
        "degraded_status": _DEGRADED_OK,
        "program": "noprogram",
        "constraints": "No constraints",
        "asn_id": "a3001",
    }


def _level3_products(pairs: list, extra: list, product_name: str | None) -> list[dict]:
    """The one Level-3 product: the files, then the ``extra`` members."""
    if product_name is None:
        raise AssociationError("a Level-3 association needs a product name: give "
                               "--product-name NAME (product_name=)")
    product_members = [{"expname": e, "exptype": t} for e, t in pairs]
    product_members += [dict(m) for m in extra]
    return [{"name": str(product_name), "members": product_members}]


def _with_folder(products: list[dict]) -> list[str]:
    """Member names with a folder part, sorted."""
    return sorted({m["expname"] for p in products for m in p["members"]
                   if str(PurePath(m["expname"]).parent) != "."})


def _level2_acid(acid: str | None) -> str:
    """The Level-2b candidate id (default ``o999``); it must start with ``o`` or ``c``."""
    acid_text = "o999" if acid is None else str(acid)
    if not acid_text.startswith(("o", "c")):
        raise AssociationError(
            f"invalid association id {acid_text!r}: a Level-2b id must start with o "
            "(observation, e.g. o001) or c (background candidate, e.g. c1000)")
    return acid_text


def _level2_products(pairs: list, items: list, extra: list,
                     product_name_func: Callable[[Any, int], str] | None) -> list[dict]:
    """One Level-2b product per file, each with the ``extra`` members, named after its
    science member (or by ``product_name_func``, the default kept when it raises)."""
    products = []
    for idx, ((expname, exptype), item) in enumerate(zip(pairs, items), start=1):
        product_members = [{"expname": expname, "exptype": exptype}]
        product_members += [dict(m) for m in extra]
        science = [m for m in product_members if m["exptype"] == "science"]
        name = _product_name_level2(science[0]["expname"]) if science else "undefined"
        if product_name_func is not None:
            try:
                name = product_name_func(item, idx)
            except Exception:  # the reference keeps the default name on any error
                pass
        products.append({"name": name, "members": product_members})
    return products


def _check_schema(rule_name: str, level: int, data: dict) -> None:
    """Raise :class:`AssociationError` when ``data`` fails the association schema."""
    errors = validate(data, "level3" if level == 3 else "level2b")
    if errors:
        raise AssociationError(f"the {rule_name} association would not be valid: "
                               + "; ".join(errors) + "; nothing was written")


def from_arguments(files: Sequence[str], rule: str = LEVEL3_BASE, *,
                   product_name: str | None = None, acid: str | None = None,
                   background: Sequence[str] = (), imprint: Sequence[str] = (),
                   psf: Sequence[str] = (), target_acquisition: Sequence[str] = (),
                   ruledefs: Sequence[str] = ()) -> dict:
    """Build the association ``asnsql from-list`` writes, from its arguments.

    Parameters
    ----------
    files : sequence of str
        ``FILE`` or ``FILE:exptype`` arguments. On Level 3 they make the product's members in
        order. On Level 2b each science file makes a product, and files of another exptype
        are added to every product, like the role options.
    rule : str
        As :func:`from_list`.
    product_name, acid : str, optional
        As :func:`from_list`; each warns when the rule's level ignores it.
    background, imprint, psf, target_acquisition : sequence of str
        Files of those roles.
    ruledefs : sequence of path
        asnsql rule files searched for ``rule`` after the JWST rules.

    Returns
    -------
    dict
        The association.

    Raises
    ------
    AssociationError, RuleError
        As :func:`from_list`; a rule file that cannot be read.

    Notes
    -----
    Reproduces the command line of ``asn_from_list`` (jwst 3.0.0, spec section 12.2) when
    no roles are given.
    """
    ruleset = None
    if ruledefs:
        from ..ruleset import load_rules

        ruleset = load_rules(list(ruledefs))
    _, level, _ = resolve_rule(rule, ruleset)
    items: list = []
    shared: list = []
    for argument in files:
        expname, exptype = split_exptype(argument)
        if exptype is None:
            items.append(expname)
            continue
        exptype = check_exptype(exptype, f"file {expname}")
        if level == 2 and exptype != "science":
            shared.append((expname, exptype))
        else:
            items.append((expname, exptype))
    if level == 3 and acid is not None:
        warnings.warn("-i/--id is ignored for Level-3 associations (asn_id stays a3001, as "
                      "with asn_from_list)", AsnsqlWarning, stacklevel=2)
    if level == 2 and product_name is not None:
        warnings.warn("--product-name is ignored for Level-2b associations: each product is "
                      "named after its science file", AsnsqlWarning, stacklevel=2)
    if level == 2 and not items:
        raise AssociationError("a Level-2b association needs at least one science file "
                               "(each makes a product)")
    return from_list(items, rule, product_name=product_name,
                     acid=acid if level == 2 else None, members=shared,
                     background=background, imprint=imprint, psf=psf,
                     target_acquisition=target_acquisition, ruleset=ruleset)
