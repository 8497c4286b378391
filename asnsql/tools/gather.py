"""Copy an association and its member files into another folder (spec section 12.4).

:func:`gather` is the library side of ``asnsql gather``, the counterpart of jwst's
``asn_gather``: it keeps the members of the chosen exposure types, copies their files into
the destination, and writes the association there with each ``expname`` reduced to the file
name, so the folder can be processed (or shared) on its own.
"""

from __future__ import annotations

import os
import secrets
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..errors import AssociationError, OutputError

__all__ = ["Gathered", "gather", "select_members"]

#: Keys the reference writes first (those of its base ``Association``).
_LEADING_KEYS = ("asn_type", "asn_rule", "version_id", "code_version")


@dataclass
class Gathered:
    """What :func:`gather` did.

    Attributes
    ----------
    association : pathlib.Path
        The association written into the destination.
    copied : list of pathlib.Path
        Member files copied (their paths in the destination).
    unchanged : list of pathlib.Path
        Member files already up to date in the destination, left alone.
    data : dict
        The association as written.
    """

    association: Path
    copied: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    data: dict = field(default_factory=dict)


def select_members(asn: dict, exp_types: Iterable[str] | None = None,
                   exclude_types: Iterable[str] = ()) -> dict:
    """The association with only the members of the chosen exposure types.

    Parameters
    ----------
    asn : dict
        An association.
    exp_types : iterable of str, optional
        Keep only members whose ``exptype`` is one of these (exact, case-sensitive);
        default: every type.
    exclude_types : iterable of str
        Drop members whose ``exptype`` is one of these.

    Returns
    -------
    dict
        A new association: ``asn_type``, ``asn_rule``, ``version_id``, ``code_version``
        first (from ``asn``, else the reference's defaults ``"None"``, ``"Association"``,
        null and ``"3.0.0"``), then the other keys of ``asn`` in their order. Each product
        keeps its ``name`` and the selected ``members`` (copies); products left without
        members are dropped. Other product keys are dropped, as the reference does.

    Raises
    ------
    AssociationError
        When no member is left.

    Notes
    -----
    Reproduces the selection of ``asn_gather`` (jwst 3.0.0, spec section 12.4).
    """
    from ..profiles.jwst import CODE_VERSION

    wanted = None if exp_types is None else set(exp_types)
    excluded = set(exclude_types)
    products = []
    for product in asn["products"]:
        members = [dict(m) for m in product["members"]
                   if m["exptype"] not in excluded
                   and (wanted is None or m["exptype"] in wanted)]
        if members:
            kept = {"name": product["name"]} if "name" in product else {}
            kept["members"] = members
            products.append(kept)
    if not products:
        present = sorted({str(m["exptype"]) for p in asn["products"] for m in p["members"]})
        chosen = (f"exptype in {', '.join(sorted(wanted))}" if wanted is not None
                  else "any exptype")
        if excluded:
            chosen += f" except {', '.join(sorted(excluded))}"
        raise AssociationError(f"no member to gather: none has {chosen} (exptypes present: "
                               f"{', '.join(present) or 'none'}); change -t/-x")
    # The values the reference's base Association has when the file lacks these keys.
    defaults = ("None", "Association", None, CODE_VERSION)
    data = {key: asn.get(key, default) for key, default in zip(_LEADING_KEYS, defaults)}
    for key, value in asn.items():
        if key not in data:
            data[key] = products if key == "products" else value
    return data


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _up_to_date(src: Path, dest: Path) -> bool:
    """As ``rsync -u``: a destination newer than the source, or of the same size and
    time, is not copied again."""
    try:
        d = dest.stat()
    except FileNotFoundError:
        return False
    s = src.stat()
    return d.st_mtime_ns > s.st_mtime_ns or (d.st_mtime_ns == s.st_mtime_ns
                                             and d.st_size == s.st_size)


def gather(association: str | os.PathLike, destination: str | os.PathLike, *,
           source: str | os.PathLike | None = None, exp_types: Iterable[str] | None = None,
           exclude_types: Iterable[str] = (), command: str | None = None,
           progress=None, allow_outside: bool = False) -> Gathered:
    """Copy an association and the files of its selected members into ``destination``.

    Parameters
    ----------
    association : path
        The association file (JSON or YAML), a ``.jsonl`` file of one association, or
        ``FILE.jsonl:N`` / ``FILE.jsonl:NAME`` for one of several (written into the
        destination as ``NAME.json``).
    destination : path
        The folder to copy into; created if missing (its parent must exist).
    source : path, optional
        Folder of the member files named by relative ``expname``; default: the
        association's folder.
    exp_types, exclude_types : iterable of str
        Exposure types to keep / drop (see :func:`select_members`).
    command : str, optional
        A copy command run as ``COMMAND <source file> <destination>/<file name>``
        (split with :func:`shlex.split`; must exit 0), e.g. ``"rsync -urv --no-perms
        --chmod=ugo=rwX"``, the reference's default. Default: copy in Python, as that
        rsync command does (a destination file newer than its source, or of the same size
        and time, is left alone; new copies are readable and writable by all, less the
        umask; replaced files keep their permissions).
    progress : callable, optional
        ``progress(source_path, destination_path, copied)`` is told of each member file.
    allow_outside : bool
        Also take absolute ``expname`` and ones with ``..`` (files outside the source
        folder), as ``asn_gather`` does; refused by default, as an association from
        elsewhere could otherwise copy any readable file.

    Returns
    -------
    Gathered
        The association written, the files copied and those left alone.

    Raises
    ------
    AssociationError
        When the association cannot be read or is not one, no member is selected, a
        member file is missing, two different files have the same name, or an ``expname``
        is absolute or has ``..`` (without ``allow_outside``) or an unsafe file name
        (:func:`asnsql.safety.safe_name`, e.g. starting with ``-``). Nothing is written then.
    OutputError
        When the destination cannot be created or written, or the copy command fails. The
        Python copy moves the files into place (from a hidden folder in ``destination``)
        only once all are copied; the association is written last.

    Notes
    -----
    Reproduces ``asn_gather`` (jwst 3.0.0, spec section 12.4), writing the association in the
    reference's key order and layout. Differences: every relative ``expname`` is looked up in
    the source folder (the reference looks there for ``x.fits``, ``./x.fits``, ``../x.fits``
    but takes ``sub/x.fits`` from the current folder); an unreadable association is an error
    (the reference makes up a one-member association of the file); missing member files are
    found before anything is copied; the destination is created; each file is copied once.
    """
    from ..asnwrite import dumps
    from ..publish import write_file_atomic

    asn_path, data, out_name = _selected(association, exp_types, exclude_types)
    dest = Path(destination)
    members = _member_files(data, asn_path, _source_folder(source, asn_path), allow_outside)
    copies = _copies(members, asn_path, dest)
    fresh = _make_destination(dest)
    result = Gathered(association=dest / out_name, data=data)
    try:
        if command is None:
            _copy_in_python(copies, dest, result, progress)
        else:
            _copy_with_command(shlex.split(command), copies, result, progress)
        write_file_atomic(result.association, dumps(data))
    except BaseException:
        if fresh:
            shutil.rmtree(dest, ignore_errors=True)
        raise
    return result


def _selected(association: str | os.PathLike, exp_types: Iterable[str] | None,
              exclude_types: Iterable[str]) -> tuple[Path, dict, str]:
    """The association's file, its selected members (:func:`select_members`) and the
    name it is written under (``NAME.json`` for a line of a ``.jsonl`` file)."""
    from ..asnread import load_asn, read_one, split_jsonl_pick

    asn_path, _ = split_jsonl_pick(association)
    if not asn_path.is_file():
        raise AssociationError(f"association file {asn_path} does not exist")
    # One association: of a .jsonl file, the one line it holds or FILE.jsonl:N picks.
    data = select_members(load_asn(association), exp_types, exclude_types)
    out_name = asn_path.name
    if asn_path.suffix.lower() == ".jsonl":
        out_name = f"{read_one(association).name}.json"
    return asn_path, data, out_name


def _source_folder(source: str | os.PathLike | None, asn_path: Path) -> Path:
    """The folder of the member files: ``source`` (which must exist) or the association's."""
    source_folder = Path(source) if source is not None else asn_path.parent
    if source is not None and not source_folder.is_dir():
        raise AssociationError(f"source folder {source_folder} does not exist; -s names the "
                               "folder that holds the member files")
    return source_folder

def _member_files(data: dict, asn_path: Path, source_folder: Path,
                  allow_outside: bool) -> dict[Path, str]:
    """Every file to copy, once, in order of first appearance, and its file name; each
    member's ``expname`` becomes that name. Problems are found before anything is copied."""
    from ..safety import safe_name

    files: dict[Path, str] = {}
    for product in data["products"]:
        for member in product["members"]:
            path = Path(str(member["expname"]))
            if not allow_outside and (path.is_absolute() or ".." in path.parts):
                raise AssociationError(
                    f"member {str(member['expname'])!r} of {asn_path} is outside the "
                    "source folder (absolute or with '..'); nothing was copied. Give "
                    "--allow-outside to copy it anyway, as asn_gather does")
            safe_name(path.name, f"member of {asn_path}", error=AssociationError)
            if not path.is_absolute():
                path = source_folder / path
            files.setdefault(path, path.name)
            member["expname"] = path.name
    missing = [str(p) for p in files if not p.is_file()]
    if missing:
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        raise AssociationError(f"{len(missing)} member file(s) of {asn_path} not found: "
                               f"{', '.join(missing[:3])}{more}; give -s FOLDER where the "
                               "members are")
    return files


def _copies(files: dict[Path, str], asn_path: Path, dest: Path) -> list[tuple[Path, Path]]:
    """(source, destination) of each file name; two different files of one name refused."""
    by_name: dict[str, Path] = {}
    for path, name in files.items():
        other = by_name.setdefault(name, path)
        if other != path and not os.path.samefile(other, path):
            raise AssociationError(f"members {other} and {path} of {asn_path} have the same "
                                   f"file name {name}; they cannot both be gathered into "
                                   f"{dest}")
    return [(path, dest / name) for name, path in by_name.items()]


def _make_destination(dest: Path) -> bool:
    """Create the destination folder if missing (its parent must exist); whether it was."""
    fresh = not dest.exists()
    if fresh:
        if not dest.parent.is_dir():
            raise OutputError(f"cannot create {dest}: folder {dest.parent} does not exist")
        try:
            dest.mkdir()
        except OSError as err:
            raise OutputError(f"cannot create {dest}: {err.strerror or err}") from None
    elif not dest.is_dir():
        raise OutputError(f"destination {dest} exists and is not a folder")
    return fresh


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _copy_in_python(copies, dest: Path, result: Gathered, progress) -> None:
    staging = dest / f".asnsql-gather-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        staging.mkdir()
    except OSError as err:
        raise OutputError(f"cannot write in {dest}: {err.strerror or err}") from None
    mask = _umask()
    try:
        staged = []
        for src, target in copies:
            if _same_file(src, target) or _up_to_date(src, target):
                result.unchanged.append(target)
                if progress:
                    progress(src, target, False)
                continue
            tmp = staging / target.name
            try:
                shutil.copy2(src, tmp)
                if target.exists():
                    mode = target.stat().st_mode & 0o7777
                else:
                    execute = 0o111 if src.stat().st_mode & 0o111 else 0
                    mode = (0o666 | execute) & ~mask
                os.chmod(tmp, mode)
            except OSError as err:
                raise OutputError(f"cannot copy {src} into {dest}: {err.strerror or err}; "
                                  "no member file was replaced") from None
            staged.append((tmp, target, src))
        for tmp, target, src in staged:
            try:
                os.replace(tmp, target)
            except OSError as err:
                raise OutputError(f"cannot write {target}: {err.strerror or err}") from None
            result.copied.append(target)
            if progress:
                progress(src, target, True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _copy_with_command(argv: list[str], copies, result: Gathered, progress) -> None:
    if not argv:
        raise OutputError("the copy command (-c) is empty")
    for src, target in copies:
        try:
            run = subprocess.run(argv + [str(src), str(target)], stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, check=False)
        except OSError as err:
            raise OutputError(f"cannot run copy command {argv[0]!r}: {err.strerror or err}"
                              ) from None
        if run.returncode != 0:
            lines = run.stdout.decode(errors="replace").strip().splitlines()
            said = f": {lines[-1].strip()}" if lines else ""
            raise OutputError(f"copy command {shlex.join(argv + [str(src), str(target)])} "
                              f"failed with status {run.returncode}{said}; the association "
                              "was not written")
        result.copied.append(target)
        if progress:
            progress(src, target, True)
