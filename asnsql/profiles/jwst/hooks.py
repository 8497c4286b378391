"""The JWST finalisation hooks (spec sections 8.5, 9.4 of docs/ASSOCIATION_SPEC.md).

Each hook takes an :class:`~asnsql.assemble.Association` and returns the associations it
becomes (``[]`` drops it); :data:`asnsql.profiles.jwst.PROFILE` registers them with the pool
columns they read.
"""

from __future__ import annotations

import re

from ... import naming
from ...assemble import Association, AssociationDict, Member

__all__ = ["multi_observation", "nod_backgrounds", "prune_imprints", "nod_split",
           "wfss_catalog", "wfss_catalog_parallel", "MULTI_OBS_CANDIDATE_TYPES"]

#: Candidate types whose Level-3 associations need members of two or more observations.
MULTI_OBS_CANDIDATE_TYPES = ("group", "background", "mosaic")


def multi_observation(asn: Association) -> list[Association]:
    """DMS_Level3_Base.finalize: a group, background or mosaic candidate's association
    needs members from two or more observations (spec section 9.4)."""
    if (asn.candidate_type in MULTI_OBS_CANDIDATE_TYPES
            and len(asn.found.get("obs_num", [])) <= 1):
        return []
    return [asn]


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


def nod_split(asn: Association) -> list[Association]:
    """AsnMixin_Lv2Nod.make_nod_asns (spec section 8.5.1): one association per science
    exposure, the other nods not overlapping it as backgrounds."""
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
    members.append(Member.made(root + "_i2d.fits", "direct_image"))
    members.append(Member.made(root + "_cat.ecsv", "sourcecat"))
    members.append(Member.made(root + "_segm.fits", "segmap"))
    return True


def nod_backgrounds(asn: Association) -> list[Association]:
    """Asn_Lv3SpectralTarget.finalize (spec section 9.4): with a nod pattern and two or
    more science members, every science member is listed again as an x1d background."""
    _nod_backgrounds(asn)
    return [asn]


def prune_imprints(asn: Association) -> list[Association]:
    """AsnMixin_Lv2Imprint.prune_imprints (spec section 8.5.2): keep the imprints that best
    match the science exposures' target and dither position."""
    _prune_imprints(asn)
    return [asn]


def wfss_catalog(asn: Association) -> list[Association]:
    """AsnMixin_Lv2WFSS (spec section 8.5.3): replace direct images by the Level-3 catalog
    members of the direct image closest after the science exposure."""
    return [asn] if _wfss_catalog(asn, parallel=False) else []


def wfss_catalog_parallel(asn: Association) -> list[Association]:
    """Asn_Lv2WFSSParallel (spec section 8.5.3): as :func:`wfss_catalog`, choosing the
    'long' direct image."""
    return [asn] if _wfss_catalog(asn, parallel=True) else []
