"""Product, association and member names (spec section 10 of docs/ASSOCIATION_SPEC.md).

Pure string functions: they take values already decided by the SQL (members, found values)
and spell them as jwst 3.0.0 does.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import PurePath

__all__ = [
    "EMPTY",
    "KNOWN_SUFFIXES",
    "LEVEL2B_EXPTYPES",
    "association_name",
    "is_defined",
    "level2_member_name",
    "level2_product_name",
    "level3_member_name",
    "level3_product_name",
    "level3_target",
    "remove_suffix",
    "stem_without_suffix",
    "suffix_pattern",
]

#: Strings that mean "not defined" (spec section 1.3), with Python's None.
EMPTY = frozenset([None, "", "NULL", "Null", "null", "--", "N", "n", "F", "f", "FALSE", "false",
                   "False", "N/A", "n/a"])

#: Calibration suffixes removed from exposure names (spec section 10.6, jwst 3.0.0).
KNOWN_SUFFIXES = frozenset("""
adaptive_trace_model adaptivetracemodelstep align_refs alignrefsstep ami ami-oi ami3pipeline
ami_analyze ami_normalize amianalyzestep aminorm aminorm-oi aminormalizestep assign_mtwcs
assign_wcs assignmtwcsstep assignwcsstep backgroundstep badpixselfcalstep barshadowstep
bkg_subtract blot bsub bsubints c1d cal calints cat chargemigrationstep clean_flicker_noise
cleanflickernoisestep combine1dstep combine_1d coron3pipeline crf crfints cube_build
cubebuildstep dark dark_current darkcurrentstep darkpipeline detector1pipeline dq_init
dqinitstep emicorr emicorrstep engdblog extract1dstep extract2dstep extract_1d extract_2d
firstframe firstframestep flat_field flatfieldstep fringe fringestep gain_scale gainscalestep
group_scale groupscalestep guider_cds guidercdsstep guiderpipeline hlsp hlspstep i2d
image2pipeline image3pipeline imprint imprintstep ipc ipcstep jump jumpstep klip klipstep
lastframe lastframestep linearity linearitystep master_background masterbackgroundmosstep
masterbackgroundstep mbsub median msaflagopenstep outlier_detection outlierdetectionstep
pathloss pathlossstep persistence persistencestep phot photom photomstep picture_frame
pictureframestep pixelreplacestep psfalign psfstack psfsub ramp ramp_fit rampfitstep rate
rateints refpix refpixstep resample resample_spec resamplespecstep resamplestep reset
resetstep residual_fringe residualfringestep rscd rscdstep s2d s3d saturation saturationstep
skymatch skymatchstep snr source_catalog sourcecatalogstep sourcetypestep spec2nrslamp
spec2pipeline spec3pipeline spectral_leak spectralleakstep srctype stackrefs stackrefsstep
straylight straylightstep superbias superbiasstep targ_centroid targcentroidstep tso3pipeline
tsophotometrystep tweakreg tweakregstep uncal wavecorrstep wfscmb wfscombine wfscombinestep
wfsscontamstep white_light whitelightstep whtlt x1d x1dints
""".split())


def suffix_pattern(suffixes) -> re.Pattern:
    """A separator (``_`` or ``-``) and one of ``suffixes`` ending a name, for
    :func:`remove_suffix` (longest alternatives first)."""
    return re.compile("[_-](?:" + "|".join(
        re.escape(s) for s in sorted(suffixes, key=len, reverse=True)) + r")\Z")


@lru_cache(maxsize=None)
def _known_suffix_at_end() -> re.Pattern:
    """:func:`suffix_pattern` of :data:`KNOWN_SUFFIXES`, compiled on first use (a few
    milliseconds that a run whose names all take the shortcuts of :func:`remove_suffix`
    need not spend)."""
    return suffix_pattern(KNOWN_SUFFIXES)


#: The last parts (after their last ``_`` or ``-``) of the known suffixes: a name whose own
#: last part is none of them ends with no known suffix.
_SUFFIX_LAST_PARTS = frozenset(re.split("[_-]", s)[-1] for s in KNOWN_SUFFIXES)

#: Known suffixes that no other known suffix ends with (after ``_`` or ``-``): where one of
#: them follows a name's last separator, that separator is the leftmost one the pattern
#: can match (any earlier one would need a known suffix ending like this one).
_LAST_PART_SUFFIXES = KNOWN_SUFFIXES - {
    o[i + 1:] for o in KNOWN_SUFFIXES for i, c in enumerate(o) if c in "_-"}

#: Exposure types whose Level-3 member is a ``cal`` product (spec section 7.5).
LEVEL2B_EXPTYPES = frozenset("""
fgs_image mir_4qpm mir_image mir_lyot nis_ami nis_image nrc_coron nrc_image nrs_mimf nrc_tsimage
mir_coroncal nis_focus nrc_focus nrs_focus nrs_image mir_tacq mir_taconfirm nis_taconfirm
nis_tacq nrc_taconfirm nrc_tacq nrs_confirm nrs_msata nrs_taconfirm nrs_tacq nrs_taslit
nrs_verify nrs_wata mir_lrs-fixedslit mir_lrs-slitless mir_mrs mir_wfss nis_soss nis_wfss
nrc_tsgrism nrc_wfss nrs_fixedslit nrs_ifu nrs_msaspec nrs_brightobj
""".split())

_LEVEL1B = re.compile(r"(?P<path>.+)(?P<type>_uncal)(?P<extension>\..+)")


def _level1b_parts(filename: str) -> tuple[str, str] | None:
    """``(path, extension)`` of a ``path_uncal.extension`` name, else ``None``."""
    at = filename.rfind("_uncal.")
    if at >= 1 and len(filename) > at + 7 and "\n" not in filename:
        # the common case: the last "_uncal." is the one the greedy pattern takes
        return filename[:at], filename[at + 6:]
    match = _LEVEL1B.match(filename)
    return None if match is None else (match["path"], match["extension"])


def is_defined(value) -> bool:
    """Whether a pool value is defined (not in :data:`EMPTY`)."""
    return value not in EMPTY


def remove_suffix(name: str, pattern: re.Pattern | None = None) -> tuple[str, str]:
    """Remove one known calibration suffix (spec section 10.6).

    The root is the shortest prefix such that the rest is empty or ``_``/``-`` followed by
    one known suffix.

    Parameters
    ----------
    name : str
    pattern : re.Pattern, optional
        Other known suffixes (:func:`suffix_pattern`); default jwst's
        :data:`KNOWN_SUFFIXES`.

    Returns
    -------
    root, separator : str, str
        ``separator`` is ``""`` when nothing was removed.

    Examples
    --------
    >>> remove_suffix("jw01_nrca1_calints")
    ('jw01_nrca1', '_')
    >>> remove_suffix("foo_rate_cal")
    ('foo_rate', '_')
    >>> remove_suffix("abc")
    ('abc', '')
    """
    # The leftmost separator (not the first character) followed by a known suffix that
    # ends the name.
    if pattern is None:
        # (most names end in such a suffix, or in a part no known suffix ends with: both
        # found without the pattern, about 2.5x faster on archive names)
        last = max(name.rfind("_"), name.rfind("-"))
        if last < 0:
            return name, ""
        part = name[last + 1:]
        if part in _LAST_PART_SUFFIXES:
            return (name[:last], name[last]) if last >= 1 else (name, "")
        if part not in _SUFFIX_LAST_PARTS:
            return name, ""
        pattern = _known_suffix_at_end()
    found = pattern.search(name, 1)
    if found is None:
        return name, ""
    return name[:found.start()], name[found.start()]


def stem_without_suffix(expname: str, keep_parent: bool = False) -> str:
    """Exposure name without folder, extension and one known suffix.

    With ``keep_parent``, the folder part is kept, as the reference's Level-2 product name
    does (``Path(expname).parent / Path(expname).stem``).
    """
    head, _, name = expname.rpartition("/")
    dot = name.rfind(".")
    stem = name[:dot] if 0 < dot < len(name) - 1 else name
    if keep_parent and head:
        parent = str(PurePath(head))
        stem = stem if parent == "." else f"{parent}/{stem}"
    return remove_suffix(stem)[0]


def level2_member_name(filename: str, integrations: bool) -> str:
    """Level-2 member name: ``X_uncal.ext`` -> ``X_rate.ext`` / ``X_rateints.ext``.

    Names without ``_uncal.`` are kept unchanged (spec section 10.5).
    """
    parts = _level1b_parts(filename)
    if parts is None:
        return filename
    suffix = "rateints" if integrations else "rate"
    return f"{parts[0]}_{suffix}{parts[1]}"


def level3_member_name(filename: str, exp_type: str | None, exptype: str,
                       integrations: bool) -> str:
    """Level-3 member name: ``x1d`` for backgrounds, ``cal`` for Level-2b exposure types,
    else ``rate``; ``ints`` appended for integration products (spec section 10.5)."""
    parts = _level1b_parts(filename)
    if parts is None:
        return filename
    if exptype == "background":
        suffix = "x1d"
    elif exp_type in LEVEL2B_EXPTYPES:
        suffix = "cal"
    else:
        suffix = "rate"
    if integrations:
        suffix += "ints"
    return f"{parts[0]}_{suffix}{parts[1]}"


def level2_product_name(members: list[dict]) -> str:
    """Level-2 product name: the first science member's exposure name without suffix."""
    for member in members:
        if str(member.get("exptype", "")).lower() == "science":
            return stem_without_suffix(member["expname"], keep_parent=True)
    return "undefined"


@lru_cache(maxsize=4096)
def _escape(value: str) -> str:
    return re.escape(value)


def _escaped(values) -> list[str]:
    # The reference stores found values through re.escape (spec section 2.2); the same few
    # values (instruments, filters...) come back in every association.
    return [_escape(str(v)) for v in values]


def _joined_sorted(values) -> str:
    return "-".join(sorted(_escaped(values), key=str.lower))


def level3_target(found: dict[str, list[str]]) -> str:
    """The target part of Level-3 names and of the association's ``target``: ``t`` and
    the found target ids, escaped as the reference keeps them, joined by ``-`` and padded
    with zeros to three characters (``t001``; spec sections 10.4, 11.1)."""
    return "t" + "-".join(_escaped(found.get("target") or [])).rjust(3, "0")


def level3_product_name(template: str, program: str, acid: str, found: dict[str, list[str]],
                        opt: str | None = None) -> str:
    """Level-3 product name from the association's found values (spec section 10.4).

    Parameters
    ----------
    template : str
        One of :data:`asnsql.model.PRODUCT_NAMES`.
    program : str
        The association's zero-padded program.
    acid : str
        The candidate id (``o001``, ``c1000``, ``a3001``).
    found : dict
        Key name -> values found in the members; a name absent from the dict is a
        constraint the rule does not have.
    opt : str, optional
        The optical-element part, when it does not come from the found values (the
        Level-2 WFSS catalog name, spec section 8.5.3).

    Returns
    -------
    str
        The lower-cased product name.
    """
    target = level3_target(found)
    instrument = "-".join(_escaped(found.get("instrument", [])))
    opt_parts = []
    for name in ("opt_elem", "opt_elem2"):
        if name in found:
            value = _joined_sorted(found[name])
            if value not in EMPTY:
                opt_parts.append(value)
    if opt is None:
        opt = "-".join(sorted(opt_parts, key=str.lower)) or "clear"
    slits: list[str] = []
    for name in ("fxd_slit", "fxd_slit2"):
        if name in found:
            value = _joined_sorted(found[name])
            if value not in EMPTY and value not in slits:
                slits.append(value)
    slit = "-".join(sorted(slits, key=str.lower))
    subarray = "-".join(_escaped(found["subarray"])) if "subarray" in found else ""
    if subarray == "full":
        subarray = ""
    slit_part = f"-{slit}" if slit else ""
    sub_part = f"-{subarray}" if subarray else ""
    head = f"jw{program}-{acid}"
    if template in ("default", "wfss"):
        name = f"{head}_{target}_{instrument}_{opt}{slit_part}{sub_part}"
    elif template == "noopt":
        name = f"{head}_{target}_{instrument}"
    elif template == "sources":
        name = f"{head}_{{source_id}}_{instrument}_{opt}{slit_part}{sub_part}"
    elif template == "nrsfs_sources":
        name = f"{head}_{target}-{{source_id}}_{instrument}_{opt}-{{slit_name}}{sub_part}"
    elif template == "coronimage":
        name = f"{head}_{target}_{instrument}_{opt}{sub_part}-image3"
    elif template == "wfscmb":
        default = f"{head}_{target}_{instrument}_{opt}{slit_part}{sub_part}"
        detector = "-".join(_escaped(found.get("detector", [])))
        act_id = "-".join(_escaped(found.get("act_id", [])))
        name = f"{default}-{detector}_{{suffix}}-{act_id:0>2s}"
    else:
        raise ValueError(f"unknown product-name template {template!r}")
    return name.lower()


def association_name(program: str, acid: str, asn_type: str, sequence: int,
                     version_id: str | None, prefix: str = "jw") -> str:
    """Association file stem (spec section 10.1), lower-cased, without ``.json``;
    ``prefix`` is the observatory's (:attr:`asnsql.profiles.Naming.file_prefix`)."""
    if version_id:
        name = f"{prefix}{program}-{acid}_{version_id}_{asn_type}_{sequence:05d}_asn"
    else:
        name = f"{prefix}{program}-{acid}_{asn_type}_{sequence:05d}_asn"
    return name.lower()
