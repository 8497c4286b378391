"""Make a pool from the headers of FITS exposures (``asn_make_pool`` / ``mkpool``, spec §12.3).

Each exposure gives one pool row: the keywords of one header of the file (the primary header
unless another HDU is named) become lower-cased columns, with their values as text, and seven
columns that headers do not carry are filled in (``asn_candidate``, ``dms_note``,
``is_imprt``, ``pntgtype``, ``targetid``, ``mostilno``, ``dithptin``). The pool is written
``|``-delimited, byte for byte as ``asn_make_pool`` writes it, and feeds ``asnsql generate``
directly.

Reference quirk kept by default: FITS logical keywords (``T``/``F``) become ``True``/``False``
(``true``/``false`` once the pool is read back), which the rules' ``t`` matches (``tsovisit``,
``is_psf``, ``bkgdtarg``) do not accept. ``fits_booleans="t"`` writes them ``t``/``f`` as
the operations pools do.
"""

from __future__ import annotations

import ast
import io
import os
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import PoolError

__all__ = [
    "FITS_BOOLEANS",
    "IGNORED_KEYWORDS",
    "NON_HEADER_COLUMNS",
    "TARGETIDS",
    "make_pool",
    "pool_text",
    "write_pool",
]

#: Header keywords that never become columns (blank keywords, COMMENT, HISTORY).
IGNORED_KEYWORDS = ("", "COMMENT", "HISTORY")

#: Columns that do not come from headers, with asn_make_pool's default values
#: (``asn_candidate`` is built per row from ``OBSERVTN``; ``targetid`` counts targets).
NON_HEADER_COLUMNS = {
    "asn_candidate": None,
    "dms_note": "",
    "is_imprt": "f",
    "pntgtype": "science",
    "targetid": "1",
    "mostilno": "1",
    "dithptin": "1",
}

#: How FITS logical values are written: ``python`` as asn_make_pool (``True``/``False``),
#: ``t`` as operations pools (``t``/``f``, which the rules' matches accept).
FITS_BOOLEANS = ("python", "t")

#: How ``targetid`` is numbered: ``counter`` as asn_make_pool (targets seen so far),
#: ``per-target`` one number per ``TARGNAME``.
TARGETIDS = ("counter", "per-target")

_MISSING = "null"
_CANDIDATE_EXAMPLE = "\"[('c1000', 'background')]\""


def make_pool(files: Iterable, asn_candidate=None, dms_note: str = "", is_imprt: str = "f",
              pntgtype: str = "science", *, ext=None, extname: str | None = None,
              extver: int | None = None, fits_booleans: str = "python",
              targetids: str = "counter", basename: bool = False):
    """Build a pool table from the headers of FITS exposures, one row per file.

    Parameters
    ----------
    files : iterable of str, os.PathLike or astropy.io.fits.HDUList
        The exposures, in row order. An ``HDUList`` must have been opened from a file (its
        file name fills ``filename``).
    asn_candidate : str or sequence of (str, str), optional
        Candidates added to every row after the row's own ``('o<OBSERVTN>', 'observation')``:
        pairs such as ``[('c1000', 'background')]``, or the same list as text (kept as
        written, as asn_make_pool splices it). Unlike the reference, which splices any text
        blindly, text must be a list of (id, type) pairs (surrounding blanks are dropped),
        and ``[]`` or empty text adds nothing (the reference writes ``[(...), ]``).
    dms_note : str, optional
        Value of the ``dms_note`` column (default empty).
    is_imprt : str, optional
        Value of the ``is_imprt`` column (default ``f``; ``t`` marks NIRSpec imprints).
    pntgtype : str, optional
        Value of the ``pntgtype`` column (default ``science``; or ``target_acquisition``).
    ext : int, str or tuple, optional
        The HDU whose header is read (as ``astropy.io.fits.getheader``'s ``ext``); default
        the primary header.
    extname : str, optional
        Read the header of the HDU of this ``EXTNAME`` instead (with ``extver``).
    extver : int, optional
        The ``EXTVER`` that goes with ``extname``.
    fits_booleans : {'python', 't'}, optional
        ``python`` (default, as asn_make_pool): FITS logicals become ``True``/``False``;
        ``t``: they become ``t``/``f``, which the rules' ``t`` matches accept.
    targetids : {'counter', 'per-target'}, optional
        ``counter`` (default, as asn_make_pool): a row's ``targetid`` is the number of
        distinct ``TARGNAME`` values seen so far, so a target that comes back after another
        one gets the other one's id; ``per-target``: every row of a ``TARGNAME`` gets the
        same id (numbered in order of first appearance).
    basename : bool, optional
        ``False`` (default, as asn_make_pool): ``filename`` is the path as given, folders
        included (they then appear in member and product names); ``True``: only the file
        name, as in operations pools.

    Returns
    -------
    astropy.table.Table
        Columns: every header keyword of any file (except blank, ``COMMENT`` and ``HISTORY``)
        and the seven non-header columns, lower-cased and sorted alphabetically; all values
        are ``str`` (object columns); a keyword a file lacks is ``"null"``. Values keep their
        case (reading the pool lower-cases them).

    Raises
    ------
    PoolError
        When no file is given; a file is missing, not FITS or lacks the HDU asked for; a
        header lacks ``OBSERVTN`` or ``TARGNAME``; ``asn_candidate`` is not a list of
        (id, type) pairs; ``fits_booleans`` or ``targetids`` is unknown.

    Notes
    -----
    Reproduces ``jwst.associations.mkpool.mkpool`` (jwst 3.0.0, spec §12.3): ``filename`` is
    the path as given; the non-header columns override header keywords of the same name;
    ``mostilno`` and ``dithptin`` are always ``"1"``; ``targetid`` is ``"1"`` for the first
    file's ``TARGNAME`` and grows by one with each new ``TARGNAME`` (QUIRK kept by default:
    targets A, B, A get ids 1, 2, 2; see ``targetids``). Deviation: with
    ``ext``/``extname`` the columns come from the headers read (the reference takes them
    from the primary headers and fails when the extension has other keywords).
    """
    _check_choices(fits_booleans, targetids)
    extra = _candidate_suffix(asn_candidate)
    files = list(files)
    if not files:
        raise PoolError("no FITS files given: name at least one exposure to make a pool from")
    fixed = dict(NON_HEADER_COLUMNS, dms_note=str(dms_note), is_imprt=str(is_imprt),
                 pntgtype=str(pntgtype))
    return _pool_table(_rows(files, (ext, extname, extver), fixed, extra, fits_booleans,
                             targetids, basename))


def _rows(files: list, hdu: tuple, fixed: dict[str, str], extra: str, fits_booleans: str,
          targetids: str, basename: bool) -> list[dict[str, str]]:
    """The pool rows of :func:`make_pool`, one per file: its header's values (from the HDU
    ``hdu = (ext, extname, extver)``), the ``fixed`` columns, its candidates (its own
    observation's, then ``extra``) and its ``targetid``."""
    rows = []
    targets: dict[str, str] = {}
    for datum in files:
        header, name = _read_header(datum, *hdu)
        values = _header_values(header, name, fits_booleans, basename)
        values.update(fixed)
        values["asn_candidate"] = f"[('o{header['OBSERVTN']}', 'observation'){extra}]"
        seen = targets.setdefault(values["targname"], str(len(targets) + 1))
        # QUIRK (reference, default): the count of targets so far, not this target's number.
        values["targetid"] = seen if targetids == "per-target" else str(len(targets))
        rows.append(values)
    return rows


def _pool_table(rows: list[dict[str, str]]):
    """The pool as an astropy Table: every column of any row and the non-header ones,
    sorted; a value a row lacks is ``"null"``."""
    from astropy.table import Column, Table

    names = sorted(set(NON_HEADER_COLUMNS).union(*rows))
    return Table([Column([row.get(c, _MISSING) for row in rows], name=c, dtype=object)
                  for c in names])


def _check_choices(fits_booleans: str, targetids: str) -> None:
    """Refuse an unknown ``fits_booleans`` or ``targetids``."""
    if fits_booleans not in FITS_BOOLEANS:
        raise PoolError(f"fits_booleans must be one of {', '.join(FITS_BOOLEANS)}, "
                        f"not {fits_booleans!r}")
    if targetids not in TARGETIDS:
        raise PoolError(f"targetids must be one of {', '.join(TARGETIDS)}, not {targetids!r}")


def _header_values(header, name: str, fits_booleans: str, basename: bool) -> dict[str, str]:
    """A pool row's header columns (lower-cased keywords, text values) and ``filename``;
    ``OBSERVTN`` and ``TARGNAME`` must be there."""
    values = {}
    for keyword, value in header.items():
        if keyword in IGNORED_KEYWORDS:
            continue
        values[keyword.lower()] = _text(value, fits_booleans)
    values["filename"] = os.path.basename(name) if basename else name
    for keyword in ("OBSERVTN", "TARGNAME"):
        if keyword.lower() not in values:
            raise PoolError(f"{name}: header has no {keyword} keyword; asn_make_pool needs "
                            "OBSERVTN and TARGNAME in every exposure (add them with "
                            "astropy.io.fits.setval)")
    return values


def pool_text(table, delimiter: str = "|") -> str:
    """Render a pool table as asn_make_pool writes it.

    Parameters
    ----------
    table : astropy.table.Table
        A pool, e.g. from :func:`make_pool`.
    delimiter : str, optional
        Field delimiter (default ``|``).

    Returns
    -------
    str
        The header line and one line per row, astropy ``ascii`` format (values holding the
        delimiter or a quote are quoted).

    Notes
    -----
    Reproduces ``AssociationPool.write`` (jwst 3.0.0, spec §12.3).
    """
    buffer = io.StringIO()
    table.write(buffer, format="ascii", delimiter=delimiter)
    return buffer.getvalue()


def write_pool(table, path: str | os.PathLike, delimiter: str = "|") -> Path:
    """Write a pool table to ``path`` whole or not at all (replacing an existing file).

    Parameters
    ----------
    table : astropy.table.Table
        A pool, e.g. from :func:`make_pool`.
    path : str or os.PathLike
        The pool file to write; its folder must exist.
    delimiter : str, optional
        Field delimiter (default ``|``).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    OutputError
        When the file cannot be written (nothing is left half-written).

    Notes
    -----
    Reproduces ``asn_make_pool POOL ...`` writing its pool (overwriting), spec §12.3.
    """
    from ..publish import write_file_atomic

    return write_file_atomic(path, pool_text(table, delimiter))


def _text(value, fits_booleans: str) -> str:
    """A header value as pool text (``str``; logicals per ``fits_booleans``)."""
    if fits_booleans == "t" and isinstance(value, bool):
        return "t" if value else "f"
    return str(value)


def _candidate_suffix(asn_candidate) -> str:
    """The text that follows the observation candidate inside the ``asn_candidate`` list."""
    if asn_candidate is None:
        return ""
    if isinstance(asn_candidate, str):
        text = asn_candidate.strip()
        if not text:
            return ""
        try:
            parsed = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            parsed = None
        if not (text.startswith("[") and text.endswith("]") and _pairs(parsed)):
            raise PoolError(f"asn_candidate {asn_candidate!r} is not a list of (id, type) "
                            f"pairs; write it as {_CANDIDATE_EXAMPLE}")
        if not parsed:
            return ""
        # As asn_make_pool: the text is spliced in as written (without its opening bracket).
        return ", " + text[1:-1]
    pairs = list(asn_candidate) if isinstance(asn_candidate, Sequence) else None
    if not _pairs(pairs):
        raise PoolError(f"asn_candidate {asn_candidate!r} is not a list of (id, type) pairs, "
                        "e.g. [('c1000', 'background')]")
    return "".join(f", {tuple(pair)!r}" for pair in pairs)


def _pairs(value) -> bool:
    """Whether ``value`` is a list or tuple of (str, str) pairs."""
    return isinstance(value, (list, tuple)) and all(
        isinstance(p, (list, tuple)) and len(p) == 2 and all(isinstance(s, str) for s in p)
        for p in value)


def _read_header(datum, ext, extname, extver):
    """Return (header, file name) of one exposure, or raise PoolError naming it."""
    from astropy.io import fits

    if isinstance(datum, fits.HDUList):
        info = datum.fileinfo(0) if len(datum) else None
        if not info or info.get("file") is None:
            raise PoolError("an HDUList given to make_pool was not read from a file; pass "
                            "the file's path instead")
        name = info["file"].name
        try:
            if ext is not None:
                hdu = datum[ext]
            elif extname is not None:
                hdu = datum[(extname, 1 if extver is None else extver)]
            else:
                hdu = datum[0]
        except (KeyError, IndexError):
            raise PoolError(f"{name}: {_hdu_wanted(ext, extname, extver)} not found; name an "
                            "HDU the file has") from None
        return hdu.header, name

    if not isinstance(datum, (str, os.PathLike)):
        raise PoolError(f"cannot make a pool row from {datum!r}: give FITS file paths")
    name = str(datum)
    kwargs = {}
    if ext is not None:
        kwargs["ext"] = ext
    elif extname is not None:
        kwargs["extname"] = extname
        if extver is not None:
            kwargs["extver"] = extver
    path = Path(datum)
    if not path.exists():
        raise PoolError(f"{name}: no such file; check the exposure paths")
    if path.is_dir():
        raise PoolError(f"{name}: is a folder, not a FITS file")
    try:
        with warnings.catch_warnings():
            # astropy reports damaged files as warnings before failing; the error below
            # says it in one line.
            warnings.simplefilter("ignore")
            header = fits.getheader(path, **kwargs)
    except (KeyError, IndexError):
        raise PoolError(f"{name}: {_hdu_wanted(ext, extname, extver)} not found; name an HDU "
                        "the file has") from None
    except (OSError, ValueError, TypeError) as err:
        raise PoolError(f"{name}: not a readable FITS file ({_one_line(err)}); give FITS "
                        "exposures") from None
    return header, name


def _hdu_wanted(ext, extname, extver) -> str:
    if ext is not None:
        return f"HDU {ext!r}"
    if extname is not None:
        return f"HDU {extname!r}" + (f" version {extver}" if extver is not None else "")
    return "the primary HDU"


def _one_line(err: BaseException) -> str:
    """The first sentence of an error's message, on one line."""
    text = " ".join(str(err).split())
    return text.split(", this file")[0].split(". ")[0].rstrip(".") or type(err).__name__
