"""Grouped rows -> association dicts; no SQL text here.

The SQL (:mod:`asnsql.compile`) decides which exposures belong to which association. This
module spells the result as jwst 3.0.0 does: members and their names (spec sections 7.3,
10.5), product names (10.3, 10.4), metadata (8.1, 9.1, 11.1), finalisation validity
(6.4, 8.5, 9.4), pruning of duplicates (6.5), sequence numbers and output order (6.6).
It works on whole associations, never on pool rows against associations.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from itertools import groupby
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from typing import Any

from . import naming
from .model import CANDIDATE_TYPE_TESTS, MEMBER_TYPE_TESTS, Rule

__all__ = ["Association", "AssociationDict", "Member", "RunInfo", "build", "finalize",
           "hook_positions", "is_valid", "member_positions", "merge_level2",
           "number_unfinalized", "prune", "resequence", "to_dicts", "CODE_VERSION",
           "HOOK_COLUMNS", "MEMBER_COLUMNS"]

#: The reference release whose output asnsql reproduces.
CODE_VERSION = "3.0.0"
DEGRADED_OK = "No known degraded exposures in association."
DEGRADED_NOT_OK = ("One or more members have an error associated with them."
                   "\nDetails can be found in the member.exposerr attribute.")
MULTI_OBS_CANDIDATE_TYPES = ("group", "background", "mosaic")


class Member(dict):
    """A product member as written (``expname``, ``exptype``...), remembering the pool
    values of its exposure in ``item`` (the reference's Member.item, ``None`` for members
    made in finalisation), which finalisation reads."""

    # (a slot, not an instance dict: archive runs make millions of members)
    __slots__ = ("item",)

    def copy_as(self, **changes) -> "Member":
        member = Member(self, **changes)
        member.item = self.item
        return member


def _made_member(expname: str, exptype: str) -> Member:
    """A member made in finalisation, of no pool row."""
    member = Member(expname=expname, exptype=exptype)
    member.item = None
    return member


class AssociationDict(dict):
    """An association as written to JSON, with its file name stem in ``.name``.

    It is a plain ``dict`` of the association's content (``json.dumps`` writes it as the
    reference does); ``name`` is the file name without ``.json``, e.g.
    ``jw00623-o001_image2_00001_asn``.
    """

    name: str = ""


@dataclass(frozen=True)
class RunInfo:
    """One generator run: a candidate's sub-pool, or the discovery pass.

    ``order`` is the position of the run's associations in the reference's list before
    finalisation: discovered associations first, then candidates in enumeration order.
    """

    run: int
    kind: str          # 'candidate' or 'discover'
    cand_id: str
    cand_type: str
    order: int
    pool_id: int = 0

    @property
    def asn_candidate(self) -> str:
        """The rewritten ``asn_candidate`` text of the run's members (spec section 6.2.2)."""
        return f"[('{self.cand_id}', '{self.cand_type}')]"


@dataclass(slots=True)
class Association:
    """An association under assembly (one product until merged)."""

    rule: Rule
    run: RunInfo
    created: int
    members: list[dict]
    found_text: str
    creator: dict
    sequence: int = 0
    data: AssociationDict = field(default_factory=AssociationDict)

    _found: dict | None = None

    @property
    def found(self) -> dict[str, list[str]]:
        """Key name -> values found in the members (decoded on first use)."""
        if self._found is None:
            self._found = decode_found(self.found_text)
        return self._found

    @property
    def level(self) -> int:
        return self.rule.level

    @property
    def asn_id(self) -> str:
        return self.data["asn_id"]

    @property
    def order_key(self) -> tuple:
        return (self.run.pool_id, self.run.order, self.created, self.rule.index)

    def product(self) -> dict:
        return self.data["products"][0]


# --- building -------------------------------------------------------------------------------

def _constraints_text(rule: Rule, found_text: str) -> str:
    """A readable stand-in for the reference's ``str(constraints)``: the rule and the values
    its keys took (``Asn_Lv2Image: program=623; instrument=miri; ...``). The reference's own
    text prints function addresses and hash-ordered sets and cannot be reproduced (spec
    section 11.1); comparison tools ignore it."""
    values = found_text.replace("\x1f", ",").replace("\x1e", "; ")
    return f"{rule.name}: {values}" if values else rule.name


def decode_found(text: str) -> dict[str, list[str]]:
    """Found values as the rule queries encode them (see :mod:`asnsql.compile`)."""
    found: dict[str, list[str]] = {}
    if text:
        for part in text.split("\x1e"):
            name, _, values = part.partition("=")
            found[name] = values.split("\x1f") if values else []
    return found


def _locked_tso(found_text: str) -> bool:
    """Whether the ``is_tso`` key locked to exactly ``t`` (spec section 7.3: ``== 't'``;
    ``true``, as make-pool writes FITS logicals, is not ``t``)."""
    at = found_text.find("is_tso=t")
    if at < 0:
        return False
    end = at + len("is_tso=t")
    return (at == 0 or found_text[at - 1] == "\x1e") and \
        (end == len(found_text) or found_text[end] in "\x1e\x1f")


def build(rows, rules: dict[str, Rule], runs: dict[int, RunInfo],
          items: dict[int, dict], pool_names: dict[int, str],
          version_id: str | None) -> list[Association]:
    """Turn the rule queries' rows into associations, in the reference's creation order.

    Parameters
    ----------
    rows : iterable of tuple
        Rows of the compiled rule queries, one per member: ``(rule, run, gid, created, pos,
        role, exptype, phase, found)`` (:mod:`asnsql.compile`), as the queries give them:
        each association's rows together, in member order (main pass, then replays; by
        row).
    rules : dict
        Rule name -> Rule.
    runs : dict
        Run number -> RunInfo.
    items : dict
        Pool row number -> the pool values assembly needs (``filename``, ``exp_type``,
        ``exposerr``, ``targetid``, ``program``, ``asn_candidate`` and the integration flags).
    pool_names : dict
        Pool unit -> ``asn_pool`` value.
    version_id : str or None
        ``version_id`` value.

    Returns
    -------
    list of Association
        In creation order (discovered first, then candidates; within a run by creating row,
        then rule registry order).
    """
    asns = []
    for (rule_name, run_id, _gid), rows_of_one in groupby(rows, key=_ASSOCIATION):
        group = list(rows_of_one)
        rule = rules[rule_name]
        run = runs[run_id]
        # one row of the association carries its found values (asnsql.compile)
        found_text = ""
        for row in group:
            if row[8] is not None:
                found_text = row[8]
                break
        members, degraded = _members(rule, run, group, items,
                                     rule.level == 2 and _locked_tso(found_text))
        created = group[0][3]
        creator = items.get(created) or items[group[0][4]]
        asn = Association(rule=rule, run=run, created=created, members=members,
                          found_text=found_text, creator=creator)
        asn.data = _data(asn, pool_names[run.pool_id], version_id, degraded)
        asns.append(asn)
    asns.sort(key=_CREATION_ORDER)
    return asns


#: The association of a rule query's row: (rule, run, gid).
_ASSOCIATION = itemgetter(0, 1, 2)
_CREATION_ORDER = attrgetter("order_key")


def _members(rule: Rule, run: RunInfo, group: list[tuple], items: dict[int, dict],
             tso_locked: bool) -> tuple[list[Member], bool]:
    """The members of one association from its rows (in member order), and whether one of
    them has an exposure error (spec sections 4.2, 7.3, 10.5).

    A member's name takes ``ints`` for coronagraphy (rules that use integrations), AMI or
    TSO exposures; in a Level-2 association locked to ``TSVISIT=T`` every science-pointing
    member does too. An equal member (name and type) is not added twice.
    """
    level2 = rule.level == 2
    coron_ints = rule.integrations
    locked = level2 and tso_locked
    candidate = run.asn_candidate if run.kind == "candidate" else None
    level2_name, level3_name, empty = (naming.level2_member_name, naming.level3_member_name,
                                       naming.EMPTY)
    members: list[Member] = []
    seen = set()
    degraded = False
    for row in group:
        item = items[row[4]]
        exptype = row[6]
        ints = (item["item_ami"] or item["item_tso"] or (coron_ints and item["item_coron"])
                or (locked and item["science_pointing"]))
        if level2:
            expname = level2_name(item["filename"], ints)
        else:
            expname = level3_name(item["filename"], item["exp_type"], exptype, ints)
        key = (expname, exptype)
        if key in seen:
            continue
        seen.add(key)
        exposerr = item["exposerr"]
        # (item by item: cheaper than keyword arguments, for millions of members)
        member = Member()
        member["expname"] = expname
        member["exptype"] = exptype
        member["exposerr"] = exposerr
        if not level2:
            member["asn_candidate"] = candidate or item["asn_candidate"]
        member.item = item
        members.append(member)
        if not degraded and exposerr not in empty:
            degraded = True
    return members, degraded


def _data(asn: Association, pool_name: str, version_id: str | None, degraded: bool) -> dict:
    rule, run = asn.rule, asn.run
    acid = run.cand_id if run.kind == "candidate" else "a3001"
    program = str(asn.creator["program"]).rjust(5, "0")
    prefix = "candidate" if run.kind == "candidate" else "discover"
    data = AssociationDict({
        "asn_type": rule.asn_type,
        "asn_rule": f"{prefix}_{rule.name}",
        "version_id": version_id,
        "code_version": CODE_VERSION,
        "degraded_status": DEGRADED_NOT_OK if degraded else DEGRADED_OK,
        "program": program,
        "constraints": None,        # filled in by to_dicts, for the associations kept
        "asn_id": acid,
    })
    if rule.level == 2:
        data["asn_pool"] = pool_name
        data["target"] = asn.creator["targetid"]
        name = naming.level2_product_name(asn.members)
    else:
        targets = asn.found.get("target") or []
        data["target"] = "t" + "-".join(re.escape(t) for t in targets).rjust(3, "0")
        data["asn_pool"] = pool_name
        name = naming.level3_product_name(rule.product_name, program, acid, asn.found)
    data["products"] = [{"name": name, "members": asn.members}]
    return data


# --- finalisation ---------------------------------------------------------------------------

def _candidate_type(asn: Association) -> str:
    return asn.run.cand_type.lower() if asn.run.kind == "candidate" else "discovered"


def is_valid(asn: Association) -> bool:
    """The rule's validity tests (spec sections 4.3, 8.1, 9.5); the parts decided by the
    candidate type alone are :data:`asnsql.model.CANDIDATE_TYPE_TESTS`."""
    members = asn.product()["members"]
    types = [m["exptype"] for m in members]
    ctype = _candidate_type(asn)
    for test in asn.rule.validity:
        if test in CANDIDATE_TYPE_TESTS:
            allowed, candidate_types = CANDIDATE_TYPE_TESTS[test]
            if (ctype in candidate_types) != allowed:
                return False
        if test in MEMBER_TYPE_TESTS and MEMBER_TYPE_TESTS[test] not in types:
            return False
        if test == "allowed_candidates" and ctype == "background" \
                and "background" not in types:
            return False
        if test == "has_pair" and len(members) < 2:
            return False
    return True


def _nod_backgrounds(asn: Association) -> None:
    """Asn_Lv3SpectralTarget (spec section 9.4): with a nod pattern, each science member is
    listed again as a background, named ``<exposure>_x1d.fits``."""
    patterns = [re.escape(v) for v in asn.found.get("patttype_spectarg", [])]
    if not patterns or "nod" not in patterns[0]:
        return
    members = asn.product()["members"]
    science = [m for m in members if m["exptype"] == "science"]
    if len(science) < 2:
        return
    for member in science:
        background = dict(member)
        background["expname"] = naming.stem_without_suffix(member["expname"]) + "_x1d.fits"
        background["exptype"] = "background"
        members.append(background)


def _prune_imprints(asn: Association) -> None:
    """Keep the imprints that best match the science exposures (spec section 8.5.2)."""
    members = asn.product()["members"]
    science, imprint_sci, imprint_bkg = [], [], []
    science_is_background = False
    science_targets = set()
    for member in members:
        item = member.item or {}
        if item.get("targetid") is None or item.get("bkgdtarg") is None:
            continue        # the reference skips members whose pool lacks these columns
        if member["exptype"] == "science":
            science.append(member)
            science_targets.add(str(item["targetid"]))
            science_is_background |= item["bkgdtarg"] == "t"
        elif member["exptype"] == "imprint":
            (imprint_bkg if item["bkgdtarg"] == "t" else imprint_sci).append(member)
    to_check = imprint_bkg if science_is_background else imprint_sci
    matching = [m for m in to_check if str(m.item["targetid"]) in science_targets]
    if matching:
        for member in to_check:
            if member not in matching:
                members.remove(member)
        to_check = matching
    if 1 <= len(science) < len(to_check):
        keep = set()
        for sci in science:
            if sci.item.get("dithptin") is None:
                continue
            for imprint in to_check:
                if (imprint.item.get("dithptin") is not None
                        and imprint.item["dithptin"] == sci.item["dithptin"]):
                    keep.add(imprint["expname"])
        if keep:
            for member in to_check:
                if member["expname"] not in keep:
                    members.remove(member)


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _nod_overlap(sci: dict, bkg: dict) -> bool:
    """Whether a background nod overlaps the science nod (spec section 8.5.1)."""
    exptype = sci.get("exp_type")
    if exptype is None:
        return False
    exptype = str(exptype).lower()
    if exptype not in ("nrs_fixedslit", "nrs_msaspec"):
        return False
    sci_target = sci.get("targetid")
    bkg_target = bkg.get("targetid")
    if sci_target is None or bkg_target is None:
        sci_target = bkg_target = None
    if sci_target != bkg_target:
        return True
    numdthpt, patt_num, bkg_num = (_as_int(sci.get("numdthpt")), _as_int(sci.get("patt_num")),
                                   _as_int(bkg.get("patt_num")))
    if None in (numdthpt, patt_num, bkg_num):
        numdthpt, patt_num, bkg_num = 0, None, None

    def subpixels(item):
        value = _as_int(item.get("subpxpts"))
        return value if value is not None else _as_int(item.get("subpxpns"))

    subpx, bkg_subpx = subpixels(sci), subpixels(bkg)
    if None in (patt_num, bkg_num, subpx, bkg_subpx) or subpx == 0 or bkg_subpx == 0:
        return exptype == "nrs_fixedslit"
    sci_primary = (patt_num - 1) // subpx
    bkg_primary = (bkg_num - 1) // bkg_subpx
    if sci_primary == bkg_primary:
        return True
    if exptype == "nrs_msaspec":
        return False
    slit = sci.get("fxd_slit")
    return (slit is not None and str(slit).lower() == "s1600a1"
            and numdthpt // subpx == 5 and abs(sci_primary - bkg_primary) <= 1)


def _nod_split(asn: Association) -> list[Association]:
    """One association per science nod, the other nods as backgrounds (spec 8.5.1)."""
    members = asn.product()["members"]
    science = [m for m in members if m["exptype"] == "science"]
    others = [m for m in members if m["exptype"] != "science"]
    out = []
    for sci in science:
        new_members = [sci]
        for other in science:
            if other["expname"] != sci["expname"] and not _nod_overlap(sci.item, other.item):
                new_members.append(other.copy_as(exptype="background"))
        new_members += others
        copy = Association(rule=asn.rule, run=asn.run, created=asn.created,
                           members=new_members, found_text=asn.found_text,
                           creator=asn.creator)
        copy.data = AssociationDict(asn.data)
        copy.data["products"] = [{"name": naming.stem_without_suffix(sci["expname"]),
                                  "members": new_members}]
        out.append(copy)
    return out


#: Pool values (raw) assembly reads for every member: names, metadata and the creator's
#: program and target (spec sections 10.5, 11.1).
MEMBER_COLUMNS = ("filename", "exp_type", "exposerr", "targetid", "program", "asn_candidate")

#: Pool values (raw) that finalisation hooks read from their members' pool rows, by hook
#: (spec sections 8.5.1 - 8.5.3). Those not in :data:`MEMBER_COLUMNS` are given to assembly
#: only for the members of rules with these hooks (:func:`hook_positions`): reading them for
#: every row of an archive pool would cost more than all its other pool values.
HOOK_COLUMNS = {
    "prune_imprints": ("targetid", "bkgdtarg", "dithptin"),
    "nod_split": ("exp_type", "targetid", "numdthpt", "patt_num", "subpxpts", "subpxpns",
                  "fxd_slit"),
    "wfss_catalog": ("expspcin", "instrume", "filter", "band", "pupil", "grating"),
    "wfss_catalog_parallel": ("expspcin", "instrume", "filter", "band", "pupil", "grating"),
}


def hook_positions(asns: list[Association]) -> set[int]:
    """Pool rows (``pos``) whose :data:`HOOK_COLUMNS` values finalisation may read: the
    members of the associations whose rule has one of those hooks."""
    return {m.item["pos"] for a in asns if not HOOK_COLUMNS.keys().isdisjoint(a.rule.finalize)
            for m in a.members}


def _closest_direct(science: Member, directs: list[Member], parallel: bool) -> Member:
    """The direct image a WFSS catalog is named after (spec section 8.5.3)."""
    if parallel:
        longs = [d for d in directs if "long" in d["expname"]]
        return (longs or directs)[0]
    closest = directs[0]
    expspcin = science.item.get("expspcin")
    if not naming.is_defined(expspcin):
        return closest
    expspcin = int(expspcin)
    best = 9999
    for direct in directs:
        value = direct.item.get("expspcin")
        if not naming.is_defined(value):
            continue
        diff = int(value) - expspcin
        if 0 < diff < best:
            best, closest = diff, direct
    return closest


def _direct_image_opt(item: dict) -> str:
    """Optical element of the chosen direct image (AsnMixin_Lv2WFSS.get_opt_element)."""
    parts = []
    if str(item.get("instrume") or "unknown").lower() == "miri":
        if item.get("filter") is not None:
            parts.append(str(item["filter"]))
    else:
        for sources in (("filter", "band"), ("pupil", "grating")):
            value = next((item[s] for s in sources if naming.is_defined(item.get(s))), None)
            if value:
                parts.append(value)
    return "-".join(sorted(parts, key=str.lower)) or "clear"


def _wfss_catalog(asn: Association, parallel: bool) -> bool:
    """Replace direct images by the Level-3 catalog members (spec 8.5.3); False drops."""
    members = asn.product()["members"]
    directs = [m for m in members if m["exptype"] == "direct_image"]
    science = [m for m in members if m["exptype"] == "science"]
    if not directs or not science:
        return False
    members[:] = [m for m in members if m["exptype"] != "direct_image"]
    chosen = _closest_direct(science[0], directs, parallel)
    root = naming.level3_product_name("default", asn.data["program"], asn.asn_id, asn.found,
                                      opt=_direct_image_opt(chosen.item))
    members.append(_made_member(root + "_i2d.fits", "direct_image"))
    members.append(_made_member(root + "_cat.ecsv", "sourcecat"))
    members.append(_made_member(root + "_segm.fits", "segmap"))
    return True


def _finalize_one(asn: Association) -> list[Association]:
    """The rule's finalisation (spec sections 6.4, 8.5, 9.4)."""
    hooks = asn.rule.finalize
    if "multi_observation" in hooks:
        if _candidate_type(asn) in MULTI_OBS_CANDIDATE_TYPES and len(
                asn.found.get("obs_num", [])) <= 1:
            return []
    for hook in ("wfss_catalog", "wfss_catalog_parallel"):
        if hook in hooks and not _wfss_catalog(asn, parallel=hook.endswith("parallel")):
            return []
    if not is_valid(asn):
        return []
    if "prune_imprints" in hooks:
        _prune_imprints(asn)
    if "nod_backgrounds" in hooks:
        _nod_backgrounds(asn)
    if "nod_split" in hooks:
        return _nod_split(asn)
    return [asn]


def _membership_key(product: dict):
    """Signature for strict identical membership (spec section 6.5, stage A)."""
    names = [m["expname"] for m in product["members"]]
    if len(set(names)) != len(names):
        return None    # a product with duplicate members equals nothing
    return frozenset((m["expname"], m["exptype"]) for m in product["members"])


def _strict_diff(left: dict, right: dict, strict: bool = True) -> set[str]:
    """Kinds of difference between two products' memberships (the reference's diff)."""
    munge = (lambda n: n) if strict else (lambda n: naming.stem_without_suffix(n))
    kinds: set[str] = set()
    for product in (left, right):
        names = [m["expname"] for m in product["members"]]
        if len(set(names)) != len(names):
            kinds.add("duplicate")
    if len(left["members"]) != len(right["members"]):
        kinds.add("length")
    remaining = list(right["members"])
    unaccounted_left = 0
    for lm in left["members"]:
        for rm in remaining:
            if munge(lm["expname"]) != munge(rm["expname"]):
                continue
            if lm["exptype"] != rm["exptype"]:
                kinds.add("mismatch")
            remaining.remove(rm)
            break
        else:
            unaccounted_left += 1
    if unaccounted_left or remaining:
        kinds.add("unaccounted")
    if kinds == {"length", "unaccounted"}:
        kinds.add("subset")
    return kinds


def _components(name: str) -> set[str]:
    return set(re.split("[_-]", name))


def loosely_equal(a: Association, b: Association) -> bool:
    """Association equality of the reference (``compare_asns``, suffix-insensitive)."""
    if a.data["asn_type"] != b.data["asn_type"]:
        return False
    if a.asn_id[:1] != b.asn_id[:1]:
        return False
    left, right = a.data["products"], list(b.data["products"])
    if len(left) != len(right):
        return False
    for lp in left:
        for rp in right:
            if _components(rp["name"]) != _components(lp["name"]):
                continue
            if _strict_diff(lp, rp, strict=False):
                return False
            right.remove(rp)
            break
        else:
            return False
    return not right


def prune(asns: list[Association]) -> list[Association]:
    """Remove duplicate associations as the reference does (spec section 6.5)."""
    # Stage A: identical memberships; the association popped first (highest asn_id, then
    # latest created) is kept.
    ordered = sorted(asns, key=lambda a: a.asn_id)
    kept: list[Association] = []
    seen: set = set()
    for asn in reversed(ordered):
        key = _membership_key(asn.product())
        if key is not None and key in seen:
            continue
        if key is not None:
            seen.add(key)
        kept.append(asn)
    # Stage B: duplicate product names.
    names = Counter(a.product()["name"] for a in kept)
    dups = [n for n, c in names.items() if c > 1]
    if not dups:
        return kept
    ordered = sorted(kept, key=lambda a: a.asn_id)
    by_name = defaultdict(list)
    for asn in ordered:
        by_name[asn.product()["name"]].append(asn)
    full_prune: list[Association] = []
    for name in dups:
        group = by_name[name]
        to_keep = list(group)
        for asn in group:
            if any(loosely_equal(asn, p) for p in full_prune):
                continue
            to_prune = []
            for entrant in to_keep:
                if loosely_equal(entrant, asn):
                    continue
                kinds = _strict_diff(asn.product(), entrant.product())
                if not kinds:
                    to_prune.append(entrant)
                elif "subset" in kinds:
                    if len(entrant.product()["members"]) > len(asn.product()["members"]):
                        asn, entrant = entrant, asn
                    to_prune.append(entrant)
            full_prune.extend(to_prune)
            for gone in to_prune:
                for i, candidate in enumerate(to_keep):
                    if loosely_equal(candidate, gone):
                        del to_keep[i]
                        break
    pruned_ids = {id(a) for a in full_prune}
    return [a for a in ordered if id(a) not in pruned_ids]


def resequence(asns: list[Association]) -> None:
    """Number associations 1, 2, ... per (asn_id, asn_type) in list order (spec 6.6)."""
    counters: Counter = Counter()
    for asn in asns:
        key = (asn.asn_id, asn.data["asn_type"])
        counters[key] += 1
        asn.sequence = counters[key]


def finalize(asns: list[Association]) -> list[Association]:
    """Level-2 then Level-3 finalisation, pruning and numbering (spec section 6.4).

    Parameters
    ----------
    asns : list of Association
        In creation order.

    Returns
    -------
    list of Association
        All Level-2 associations, then all Level-3 ones, in the reference's output order.
    """
    out = []
    for level in (2, 3):
        done = [f for a in asns if a.level == level for f in _finalize_one(a)]
        done = prune(done)
        resequence(done)
        out += done
    return out


def to_dicts(asns: list[Association]) -> list[AssociationDict]:
    """Association dicts with their file name stems."""
    out = []
    for asn in asns:
        data = asn.data
        if data["constraints"] is None:
            data["constraints"] = _constraints_text(asn.rule, asn.found_text)
        data.name = naming.association_name(data["program"], data["asn_id"],
                                            data["asn_type"], asn.sequence,
                                            data["version_id"])
        out.append(data)
    return out


def number_unfinalized(asns: list[Association], resequenced: bool = False) -> list[Association]:
    """Sequence numbers without finalisation (``--no-finalize``, spec sections 4.5, 6.6).

    The reference numbers associations as it creates them: one counter shared by all
    Level-2 rules, one per ``asn_type`` at Level 3; candidate runs come before discovery.
    After a discovery pass it renumbers per (asn_id, asn_type) in list order instead.
    """
    if resequenced:
        resequence(asns)
        return asns
    creation = sorted(asns, key=lambda a: (a.run.pool_id, a.run.kind == "discover",
                                           a.order_key))
    # QUIRK: the Level-2 counter is made with start=1 and increments before use, so its
    # first association is number 2; the Level-3 counters start at 0 (first number 1).
    counters: Counter = Counter({"level2": 1})
    for asn in creation:
        key = "level2" if asn.level == 2 else asn.data["asn_type"]
        counters[key] += 1
        asn.sequence = counters[key]
    return asns


def merge_level2(asns: list[Association]) -> list[Association]:
    """``--merge``: one Level-2 association per (asn_type, asn_id) (spec section 6.7).

    The first association of each pair holds the products of the others; a product of the
    same name receives the members it lacks. Non-Level-2 associations come first, then the
    merged ones in order of first appearance; sequence numbers are not changed.
    """
    others = [a for a in asns if a.level != 2]
    merged: dict[str, Association] = {}
    for asn in (a for a in asns if a.level == 2):
        key = f"{asn.data['asn_type']}_{asn.asn_id}"
        container = merged.setdefault(key, asn)
        for product in list(asn.data["products"]):
            same = [p for p in container.data["products"] if p["name"] == product["name"]]
            for target in same:
                present = {m["expname"] for m in target["members"]}
                names = {m["expname"] for m in product["members"]} - present
                target["members"].extend(m for m in product["members"]
                                         if m["expname"] in names)
            if not same:
                container.data["products"].append(product)
    return others + list(merged.values())


def member_positions(asns: list[Association]) -> set[int]:
    """Pool rows that are members of the given associations."""
    return {m.item["pos"] for a in asns for p in a.data["products"] for m in p["members"]
            if getattr(m, "item", None) is not None}
