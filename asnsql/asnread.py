"""Reading association files: JSON, YAML and JSON lines (spec sections 11, 12.6).

:func:`load_asn` reads one association as the reference's ``load_asn`` does;
:func:`read_associations` reads every association of a file (one per line of a ``.jsonl``
file, or the line ``FILE.jsonl:N`` / ``FILE.jsonl:NAME`` picks); :func:`validate_file` is
``asnsql validate``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, NamedTuple

from .asnschema import KNOWN_EXPTYPES, validate
from .errors import AssociationError

__all__ = ["load_asn", "read_associations", "read_one", "read_text", "parse_text",
           "parse_jsonl", "split_jsonl_pick", "StoredAssociation", "validate_file"]

def read_text(path: str | os.PathLike) -> tuple[str | None, str | None]:
    """A file's text, or ``(None, problem)``: ``cannot read: <reason>``."""
    try:
        return Path(path).read_text(encoding="utf-8"), None
    except (OSError, UnicodeDecodeError) as err:
        return None, f"cannot read: {getattr(err, 'strerror', None) or err}"


def parse_text(text: str, formats: tuple[str, ...] = ("json", "yaml")) -> tuple[Any, str | None]:
    """Parse association text, trying ``formats`` in order; ``(data, None)`` or
    ``(None, problem)`` with the last format's error (``not JSON: ...``)."""
    problem = None
    for fmt in formats:
        if fmt == "json":
            try:
                return json.loads(text), None
            except ValueError as err:
                problem = f"not JSON: {err}"
            except RecursionError:
                problem = "not JSON asnsql reads: nested too deeply"
        else:
            import yaml

            try:
                return yaml.safe_load(text), None
            except yaml.YAMLError as err:
                problem = f"not YAML: {' '.join(str(err).split())}"
            except RecursionError:
                problem = "not YAML asnsql reads: nested too deeply"
    return None, problem


class StoredAssociation(NamedTuple):
    """One association read from a file (:func:`read_associations`).

    Attributes
    ----------
    source : str
        Where it came from: the file, or ``FILE.jsonl:NAME`` for a line of a JSON-lines file.
    name : str
        Its file stem (``jw..._asn``): the name a ``.jsonl`` line carries, else the file's.
    data : Any
        The parsed association (not checked against the schema here).
    """

    source: str
    name: str
    data: Any


def split_jsonl_pick(path: str | os.PathLike) -> tuple[Path, str | None]:
    """``FILE.jsonl:N`` or ``FILE.jsonl:NAME`` -> ``(FILE.jsonl, pick)``; else ``(path, None)``.

    A path that exists as given is never split.
    """
    text = os.fspath(path)
    head, sep, pick = text.rpartition(":")
    if sep and head.lower().endswith(".jsonl") and pick and "/" not in pick \
            and not Path(text).exists():
        return Path(head), pick
    return Path(text), None


def parse_jsonl(text: str) -> tuple[list[tuple[str, Any]], str | None]:
    """JSON-lines association text -> ``([(name, data), ...], None)`` or ``([], problem)``.

    Each non-blank line is one association, either as ``asnsql generate --format jsonl``
    writes it (``{"name": ..., "association": {...}}``) or the association object itself
    (then named by its line index, from 0).
    """
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        data, problem = parse_text(line, ("json",))
        if problem is not None:
            return [], f"line {number}: {problem}"
        name = str(len(out))
        if isinstance(data, dict) and set(data) == {"name", "association"}:
            name, data = str(data["name"]), data["association"]
        out.append((name, data))
    return out, None


def _pick(entries: list[tuple[str, Any]], pick: str) -> tuple[list[tuple[str, Any]], str | None]:
    """The entry ``pick`` (a 0-based line index or a name) of a JSON-lines file."""
    if pick.isdigit() and int(pick) < len(entries):
        return [entries[int(pick)]], None
    found = [e for e in entries if e[0] in (pick, f"{pick}_asn")]
    if found:
        return found[:1], None
    names = ", ".join(name for name, _ in entries[:3]) + (", ..." if len(entries) > 3 else "")
    return [], (f"no association {pick!r}: give a line index from 0 to {len(entries) - 1} "
                f"or a name ({names})")


def read_associations(path: str | os.PathLike,
                      formats: tuple[str, ...] | None = None
                      ) -> tuple[list[StoredAssociation], str | None]:
    """Every association of a file: one, or one per line of a ``.jsonl`` file.

    Parameters
    ----------
    path : path
        A JSON or YAML association file, a ``.jsonl`` file (``asnsql generate --format
        jsonl``), or ``FILE.jsonl:N`` / ``FILE.jsonl:NAME`` for one of its lines.
    formats : tuple of str, optional
        For a file that is not ``.jsonl``: the formats tried (:func:`parse_text`); by
        default YAML for ``.yaml`` / ``.yml``, JSON otherwise.

    Returns
    -------
    (list of StoredAssociation, None) or (list, str)
        The associations, or what went wrong (``cannot read: ...``, ``line 3: not
        JSON: ...``, ``no association 'x': ...``).
    """
    base, pick = split_jsonl_pick(path)
    text, problem = read_text(base)
    if problem is not None:
        return [], problem
    suffix = base.suffix.lower()
    if suffix == ".jsonl":
        entries, problem = parse_jsonl(text)
        if problem is None and pick is not None:
            entries, problem = _pick(entries, pick)
        return [StoredAssociation(f"{base}:{name}", name, data)
                for name, data in entries], problem
    if formats is None:
        formats = ("yaml",) if suffix in (".yaml", ".yml") else ("json",)
    data, problem = parse_text(text, formats)
    return [StoredAssociation(str(path), base.stem, data)], problem


def read_one(path: str | os.PathLike,
             formats: tuple[str, ...] | None = None) -> StoredAssociation:
    """The one association of a file, for commands that take exactly one.

    Parameters
    ----------
    path : path
        As for :func:`read_associations`.
    formats : tuple of str, optional
        As for :func:`read_associations`.

    Returns
    -------
    StoredAssociation
        Its data is not checked against the schema here.

    Raises
    ------
    AssociationError
        When the file cannot be read or parsed, or is a ``.jsonl`` file of several
        associations: the message says how to pick one (``FILE.jsonl:N`` or ``:NAME``).
    """
    found, problem = read_associations(path, formats)
    if problem is not None:
        raise AssociationError(f"{path}: {problem}")
    return _only(found, path)


def _only(found: list[StoredAssociation], path) -> StoredAssociation:
    """The one association read, or the error saying how to pick one of a ``.jsonl``."""
    if len(found) != 1:
        first = found[0].name if found else "NAME"
        raise AssociationError(
            f"{path} holds {len(found)} associations (one per line) where one is needed: "
            f"pick it as {path}:N (N from 0) or {path}:NAME, e.g. {path}:{first}")
    return found[0]


def validate_file(path: str | os.PathLike, level: str | None = None,
                  strict: bool = False) -> list[str]:
    """Every problem of one association file (``asnsql validate``).

    Parameters
    ----------
    path : path
        A JSON file (YAML for ``.yaml`` / ``.yml``); a ``.jsonl`` file is checked line by
        line (``FILE.jsonl:N`` checks one line, see :func:`read_associations`).
    level : {'level2b', 'level3'}, optional
        As for :func:`validate`.
    strict : bool
        Also report member exptypes outside :data:`KNOWN_EXPTYPES` and
        expnames with a folder (members are found beside the association file).

    Returns
    -------
    list of str
        ``$.json.path: message`` each (``$`` for the whole file: unreadable, not JSON;
        ``NAME: $...`` for a line of a ``.jsonl`` file); empty when every association
        is valid.
    """
    found, problem = read_associations(path)
    if problem is not None:
        return [f"$: {problem}"]
    if len(found) == 1 and split_jsonl_pick(path)[0].suffix.lower() != ".jsonl":
        return _problems(found[0].data, level, strict)
    return [f"{one.name}: {p}" for one in found for p in _problems(one.data, level, strict)]


def _problems(data: Any, level: str | None, strict: bool) -> list[str]:
    """The schema problems of one association, and with ``strict`` those of
    :func:`validate_file`."""
    from pathlib import PurePath

    problems = validate(data, level)
    if strict and not problems:
        for i, product in enumerate(data["products"]):
            for j, member in enumerate(product["members"]):
                where = f"$.products[{i}].members[{j}]"
                if member["exptype"] not in KNOWN_EXPTYPES:
                    problems.append(f"{where}.exptype: unknown exptype {member['exptype']!r}")
                if str(PurePath(member["expname"]).parent) != ".":
                    problems.append(f"{where}.expname: {member['expname']!r} has a folder; "
                                    "members are found relative to the association file")
    return problems


def load_asn(source: Any, validate_schema: bool = True) -> dict:
    """Read an association (JSON or YAML) from a path, an open file or a string.

    Parameters
    ----------
    source : str, pathlib.Path or file object
        A file path, an open file, or the JSON/YAML text itself. A ``.jsonl`` file
        (``asnsql generate --format jsonl``) of one association is read as that one; of
        several, name the one as ``FILE.jsonl:N`` (line index from 0) or ``FILE.jsonl:NAME``.
    validate_schema : bool
        Check the association against the Level-2b/Level-3 schema.

    Returns
    -------
    dict
        The association.

    Raises
    ------
    AssociationError
        When the source cannot be read, parsed or validated (every schema error listed),
        or is a ``.jsonl`` file of several associations with none picked.

    Notes
    -----
    Reproduces ``jwst.associations.load_asn`` (spec section 12.6) for files asnsql writes:
    JSON first, YAML as a fallback.
    """
    name = "<string>"
    if hasattr(source, "read"):
        if hasattr(source, "seek"):
            source.seek(0)
        text = source.read()
        name = getattr(source, "name", name)
    elif isinstance(source, os.PathLike) or (isinstance(source, str) and "\n" not in source
                                             and not source.lstrip().startswith(("{", "["))):
        name = str(source)
        found, problem = read_associations(source, ("json", "yaml"))
        if not found:
            raise AssociationError(f"{name}: {problem}")
        data, text = _only(found, name).data, None
    else:
        text = source
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    if text is not None:
        data, problem = parse_text(text)
    if not isinstance(data, dict):
        why = f": {problem}" if problem and "nested too deeply" in problem else ""
        raise AssociationError(f"{name} is not an association (JSON or YAML mapping "
                               f"expected){why}")
    if validate_schema:
        errors = validate(data)
        if errors:
            raise AssociationError(f"{name} is not a valid association: " + "; ".join(errors))
    return data
