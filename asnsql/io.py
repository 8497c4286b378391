"""Association files: serialise, write atomically, load, validate (spec sections 11, 12.6).

Files are written as the reference writes them: ``json.dumps(indent=4, separators=(",",
": "))`` with no trailing newline, or YAML (``--format yaml``, keys sorted). A set of files is
first written to a temporary folder beside the destination and then moved into place, so an
interrupted or failed run leaves no half-written output.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
from pathlib import Path
from typing import Any, Iterable, NamedTuple

from .errors import AssociationError, Interrupted, OutputError

__all__ = ["dumps", "write_associations", "write_file_atomic", "load_asn", "validate",
           "validate_file", "read_text", "parse_text", "schema", "SCHEMAS", "KNOWN_EXPTYPES"]

#: Member exptypes the generator writes or the calibration pipelines read (spec sections
#: 7.1 and 11.1; calwebb_spec2 also reads ``selfcal`` members). Anything else is refused.
KNOWN_EXPTYPES = frozenset([
    "science", "background", "imprint", "psf", "target_acquisition", "autoflat", "autowave",
    "direct_image", "sourcecat", "segmap", "selfcal", "dark", "flat", "engineering",
])

#: JSON Schemas (draft 4) of Level-2b and Level-3 associations with the reference's required
#: fields (spec section 11.3): ``products``, each with ``members``, each with ``expname``
#: and ``exptype``.
_MEMBER = {
    "type": "object",
    "required": ["expname", "exptype"],
    "properties": {
        "expname": {"type": "string"},
        "exptype": {"type": "string"},
        "exposerr": {"type": ["string", "null"]},
        "asn_candidate": {"type": "string"},
    },
}
_BASE = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "type": "object",
    "required": ["products"],
    "properties": {
        "asn_type": {"type": "string"},
        "asn_rule": {"type": "string"},
        "asn_pool": {"type": "string"},
        "program": {"type": "string"},
        "products": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["members"],
                "properties": {
                    "name": {"type": "string"},
                    "members": {"type": "array", "items": _MEMBER},
                },
            },
        },
    },
}
SCHEMAS = {
    "level2b": {**_BASE, "title": "JWST Level 2b association"},
    "level3": {**_BASE, "title": "JWST Level 3 association",
               "properties": {**_BASE["properties"],
                              "asn_id": {"type": "string"},
                              "target": {"type": "string"},
                              "version_id": {"type": ["string", "null"]}}},
}


def schema(level: str) -> dict:
    """Return the JSON Schema of ``level`` (``level2b`` or ``level3``)."""
    return SCHEMAS[level]


def validate(data: Any, level: str | None = None) -> list[str]:
    """Validate an association against the Level-2b or Level-3 schema.

    Parameters
    ----------
    data : object
        The parsed association.
    level : {'level2b', 'level3'}, optional
        Default: the Level-3 schema when ``asn_type`` ends in ``3``, else Level 2b.

    Returns
    -------
    list of str
        Every error, each with its JSON path (``$.products[0].members[2]: 'exptype' is a
        required property``); empty when valid.
    """
    import jsonschema

    if level is None:
        asn_type = str(data.get("asn_type", "")) if isinstance(data, dict) else ""
        level = "level3" if asn_type.endswith("3") else "level2b"
    validator = jsonschema.Draft4Validator(SCHEMAS[level])
    errors = []
    for err in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}"
                             for p in err.absolute_path)
        errors.append(f"{path}: {err.message}")
    return errors


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


#: The reference's JSON layout (spec section 11.2): ``json.dumps(data, **JSON_LAYOUT)``.
JSON_LAYOUT = {"indent": 4, "separators": (",", ": ")}
_INDENT = " " * JSON_LAYOUT["indent"]


@functools.lru_cache(maxsize=None)
def _flat_encoder(depth: int):
    """A compact C encoder (``encode(value) -> str``) whose item separator starts a new
    line indented ``depth`` times: a container of scalars comes out as its lines of the
    indented layout."""
    item = ",\n" + _INDENT * depth
    key = JSON_LAYOUT["separators"][1]
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # (no C accelerator: the same text from the pure-Python encoder)
        return json.JSONEncoder(separators=(item, key))
    # What JSONEncoder.encode makes on each call (no circular check: associations are
    # trees), made once.
    encoder = make(None, None, json.encoder.encode_basestring_ascii, None, key, item,
                   False, False, True)

    class _Flat:
        @staticmethod
        def encode(value):
            return "".join(encoder(value, 0))

    return _Flat


#: Types written as one JSON value (subclasses and empty containers are too: see _nested).
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _nested(value: Any) -> bool:
    return type(value) not in _SCALARS and isinstance(value, (dict, list, tuple)) \
        and bool(value)


def _key(key: Any) -> str:
    """A member name as JSON writes it (non-string keys converted as json does)."""
    if isinstance(key, str):
        return json.encoder.encode_basestring_ascii(key)
    return _flat_encoder(0).encode({key: 0})[1:-4]


def _indented(value: Any, depth: int) -> str:
    """``value`` in the reference's layout at ``depth``: the containers around it spelled
    out here, each run of scalars (a member's fields...) written in one C encoder call."""
    if not _nested(value):
        return _flat_encoder(0).encode(value)
    flat = _flat_encoder(depth + 1)
    is_dict = isinstance(value, dict)
    inner = _INDENT * (depth + 1)
    opening, closing = ("{", "}") if is_dict else ("[", "]")
    if _SCALARS.issuperset(map(type, value.values() if is_dict else value)):
        # (all scalars, checked without a Python loop: a member, most of a file)
        body = flat.encode(value)[1:-1]
        return f"{opening}\n{inner}{body}\n{_INDENT * depth}{closing}"
    if not is_dict and all(isinstance(v, dict) and v
                           and _SCALARS.issuperset(map(type, v.values())) for v in value):
        # A list of members: one C call with the members' separator; between two members
        # it wrote "}" + separator + "{" (a raw line break is never inside a string).
        deeper = _INDENT * (depth + 2)
        text = _flat_encoder(depth + 2).encode(value)[2:-2]
        text = text.replace(f"}},\n{deeper}{{", f"\n{inner}}},\n{inner}{{\n{deeper}")
        return f"[\n{inner}{{\n{deeper}{text}\n{inner}}}\n{_INDENT * depth}]"
    parts: list[str] = []
    run: dict | list = {} if is_dict else []
    for item in value.items() if is_dict else value:
        child = item[1] if is_dict else item
        if not _nested(child):
            if is_dict:
                run[item[0]] = child
            else:
                run.append(child)
            continue
        if run:
            parts.append(flat.encode(run)[1:-1])
            run = {} if is_dict else []
        text = _indented(child, depth + 1)
        parts.append(f"{_key(item[0])}: {text}" if is_dict else text)
    if run:
        parts.append(flat.encode(run)[1:-1])
    body = (",\n" + inner).join(parts)
    return f"{opening}\n{inner}{body}\n{_INDENT * depth}{closing}"


def dumps(data: dict, fmt: str = "json") -> str:
    """Serialise an association as the reference does (spec section 11.2).

    Parameters
    ----------
    data : dict
        The association (JSON types only).
    fmt : {"json", "yaml"}

    Returns
    -------
    str
        JSON: exactly ``json.dumps(data, indent=4, separators=(",", ": "))``
        (:data:`JSON_LAYOUT`), the reference's layout, with no newline at the end.

    Notes
    -----
    ``json.dumps`` with an indent runs the pure-Python encoder, most of the writing time of
    a large run; the layout is rebuilt around the C encoder's output instead (each
    container holding only scalars in one call), byte for byte the same.
    """
    if fmt == "json":
        return _indented(data, 0)
    if fmt == "yaml":
        import yaml

        # Plain data only (safe_dump): dict subclasses would be written as Python tags
        # that neither jwst's load_asn nor a safe loader reads.
        return yaml.safe_dump(json.loads(json.dumps(data)), default_flow_style=False)
    raise ValueError(f"unknown format {fmt!r}; use json or yaml")


def write_associations(associations: Iterable[dict], folder: str | os.PathLike,
                       fmt: str = "json", extra: dict[str, str] | None = None) -> list[Path]:
    """Write association files into ``folder``: the old folder or the complete new one.

    Files are written into a staging folder beside ``folder`` and published at once: a new
    folder by one rename; an existing folder holding only files by exchanging it with the
    staging folder (which first gets links to the files kept), in one ``renameat2``
    call where the system has it; otherwise (the current folder, sub-folders, another
    file system) each replaced file is moved aside and put back on any exception,
    ``KeyboardInterrupt`` included. Staging folders of runs that were killed are removed
    (and their replacements undone) by the next run writing beside them.

    Parameters
    ----------
    associations : iterable of AssociationDict
        Each with a ``.name`` file stem.
    folder : path
        Destination; created if missing (its parent must exist).
    fmt : {'json', 'yaml', 'jsonl', 'parquet'}
        ``json``/``yaml``: one file per association (the reference's layout); ``jsonl``: one
        file ``associations.jsonl``, an association per line; ``parquet``: the tables
        ``associations``, ``products`` and ``members`` (:mod:`asnsql.tables`).
    extra : dict, optional
        Other files to write with them, name -> text (e.g. the orphan table); each name is
        a plain file name (no folder).

    Returns
    -------
    list of pathlib.Path
        The files written, in order.

    Raises
    ------
    OutputError
        When a name is not a safe file name (:func:`asnsql.safety.safe_name`, the value
        named), or the folder cannot be created or written; ``folder`` is then unchanged.
    """
    from .safety import safe_name

    folder = Path(folder)
    if fmt not in ("json", "yaml", "jsonl", "parquet"):
        raise OutputError(f"unknown output format {fmt!r}; use json, yaml, jsonl or parquet")
    suffix = ".json" if fmt == "json" else ".yaml"
    associations = list(associations)
    for asn in associations:
        stem = getattr(asn, "name", None) or "association"
        safe_name(stem + suffix, "association file name")
        for product in asn.get("products", []) if isinstance(asn, dict) else []:
            if isinstance(product, dict) and product.get("name") is not None:
                safe_name(product["name"], f"product name in {stem}")
    for name in extra or {}:
        safe_name(name, "output file name")
    fresh = not folder.exists()
    if fresh and not folder.parent.is_dir():
        raise OutputError(f"cannot create output folder {folder}: {folder.parent} does not "
                          "exist")
    if not fresh and not folder.is_dir():
        raise OutputError(f"output path {folder} exists and is not a folder")
    staging = _Staging(Path(os.path.abspath(folder)))
    try:
        _write_staged(staging, associations, folder, fmt, suffix, extra)
    except KeyboardInterrupt:
        if staging.published:
            raise Interrupted(f"interrupted after the associations were written into "
                              f"{folder}; nothing else was changed") from None
        raise
    return [folder / name for name in staging.names]


def _write_staged(staging: "_Staging", associations: list, folder: Path, fmt: str,
                  suffix: str, extra: dict | None) -> None:
    with staging:
        names = []
        try:
            if fmt == "jsonl":
                from .tables import write_jsonl

                names.append(write_jsonl(associations, staging.path / "associations.jsonl")
                             .name)
            elif fmt == "parquet":
                from .tables import write_parquet

                names += [p.name for p in write_parquet(associations, staging.path)]
            else:
                for asn in associations:
                    name = (getattr(asn, "name", None) or "association") + suffix
                    names.append(name)
                    (staging.path / name).write_text(dumps(asn, fmt), encoding="utf-8")
            for name, text in (extra or {}).items():
                names.append(name)
                (staging.path / name).write_text(text, encoding="utf-8")
        except OSError as err:
            raise OutputError(f"cannot write associations into {folder}: "
                              f"{err.strerror or err}; nothing was written") from None
        staging.names = names
        staging.publish(names)


#: Marks asnsql's staging folders and files: ``.NAME.asnsql-PID-HEX``.
_STAGING_MARK = ".asnsql-"


class _Staging:
    """A staging folder for :func:`write_associations` and its publication (see there).

    Used as a context manager: stale staging folders of dead runs beside ``folder`` are
    cleaned on entry; the staging folder is removed on exit, whatever happened.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        fresh = not folder.exists()
        # Exchanging needs the staging folder in the parent (same file system); moving
        # files one by one works from inside the folder itself.
        self.swap = fresh or _swappable(folder)
        self.where = folder.parent if self.swap else folder
        self.path: Path = Path()
        self.names: list[str] = []
        #: Whether the new files are in place (a Ctrl-C after that changes nothing back).
        self.published = False

    def __enter__(self) -> "_Staging":
        clean_stale(self.where, self.folder.name)
        try:
            self.path = _staging_folder(self.where, self.folder.name)
        except OSError as err:
            raise OutputError(f"cannot write in {self.where}: {err.strerror or err}; "
                              "nothing was written") from None
        return self

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def publish(self, names: list[str]) -> None:
        """Put the staged files ``names`` into the folder (all, or none on any error)."""
        folder = self.folder
        try:
            if self.swap and not folder.exists():
                try:
                    with _holding_interrupts():
                        os.rename(self.path, folder)
                        self.published = True
                    return
                except OSError:
                    if not folder.is_dir():
                        raise
                    # Another run made the folder meanwhile: add to it.
                    self.swap = _swappable(folder)
            blocked = [n for n in names if (folder / n).is_dir()
                       or ((folder / n).exists() and not (folder / n).is_file())]
            if blocked:
                raise OutputError(f"cannot replace {folder / blocked[0]}: it is a folder "
                                  "or not a regular file; nothing was written")
            if self.swap and self.path.parent == folder.parent:
                self._exchange(names)
            else:
                if self.path.parent != folder:
                    moved = _staging_folder(folder, folder.name)
                    for name in names:
                        os.replace(self.path / name, moved / name)
                    shutil.rmtree(self.path, ignore_errors=True)
                    self.path = moved
                self._replace_each(names)
        except OSError as err:
            raise OutputError(f"cannot write associations into {folder}: "
                              f"{err.strerror or err}; nothing was written") from None

    def _exchange(self, names: list[str]) -> None:
        """Give the staging folder the files kept, then swap it with the folder."""
        staged = set(names)
        with os.scandir(self.folder) as found:
            entries = list(found)
        for entry in entries:
            if entry.name not in staged:
                try:
                    os.link(entry.path, self.path / entry.name, follow_symlinks=False)
                except OSError:
                    shutil.copy2(entry.path, self.path / entry.name, follow_symlinks=False)
        os.chmod(self.path, self.folder.stat().st_mode & 0o7777)
        with _holding_interrupts():
            _exchange_paths(self.path, self.folder)
            self.published = True

    def _replace_each(self, names: list[str]) -> None:
        """Move each replaced file aside, put the new one in its place; undo on any
        exception. A journal lets :func:`clean_stale` undo a run killed meanwhile."""
        backup = self.path / ".old"
        backup.mkdir()
        journal = [f"{int((self.folder / n).exists())}\t{n}" for n in names]
        (self.path / ".journal").write_text("\n".join(journal) + "\n", encoding="utf-8")
        moved: list[str] = []
        placed: list[str] = []
        try:
            for name in names:
                target = self.folder / name
                if target.exists():
                    os.replace(target, backup / name)
                    moved.append(name)
                os.replace(self.path / name, target)
                placed.append(name)
            with _holding_interrupts():
                (self.path / ".journal").unlink()
                self.published = True
        except BaseException:
            for name in placed:
                (self.folder / name).unlink(missing_ok=True)
            for name in moved:
                os.replace(backup / name, self.folder / name)
            raise


@contextlib.contextmanager
def _holding_interrupts():
    """Hold Ctrl-C back around a step that must not be cut from the note that it was done:
    a SIGINT meanwhile is noted and raised as ``KeyboardInterrupt`` on exit. A no-op
    outside the main thread (where Python runs signal handlers)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: caught.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


def _swappable(folder: Path) -> bool:
    """Whether an existing folder can be replaced whole by exchanging it with another:
    it holds files only, is ours, is not (or holds) the current folder, and the system
    exchanges folders in one call."""
    try:
        if _renameat2() is None or folder.is_symlink():
            return False
        info = folder.stat()
        if info.st_uid != os.getuid() or folder.parent.stat().st_dev != info.st_dev:
            return False
        if not os.access(folder.parent, os.W_OK):
            return False
        here, there = Path.cwd().resolve(), folder.resolve()
        if here == there or there in here.parents:
            return False
        with os.scandir(folder) as entries:
            return all(not e.is_dir(follow_symlinks=False) for e in entries)
    except OSError:
        return False


def _renameat2():
    """libc's ``renameat2`` (Linux), or None."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                         ctypes.c_uint]
    return function


def _exchange_paths(a: Path, b: Path) -> None:
    """Swap two paths atomically (``renameat2(RENAME_EXCHANGE)``)."""
    import ctypes

    at_fdcwd, rename_exchange = -100, 2
    if _renameat2()(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange):
        errno = ctypes.get_errno()
        raise OSError(errno, os.strerror(errno), str(b))


def clean_stale(where: str | os.PathLike, name: str) -> None:
    """Remove staging folders and files ``.NAME.asnsql-PID-*`` in ``where`` left by runs
    that are no longer running, first undoing any replacement such a run left half done
    (its journal names the files: each backed-up file is put back, each new file placed
    is removed)."""
    where = Path(where)
    prefix = f".{name}{_STAGING_MARK}"
    try:
        with os.scandir(where) as found:
            entries = [e for e in found if e.name.startswith(prefix)]
    except OSError:
        return
    for entry in entries:
        pid = entry.name[len(prefix):].split("-", 1)[0]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        path = Path(entry.path)
        if path.is_dir() and not path.is_symlink():
            _undo(path, where)
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _undo(staging: Path, folder: Path) -> None:
    journal = staging / ".journal"
    if not journal.is_file():
        return
    for line in journal.read_text(encoding="utf-8").splitlines():
        existed, _, name = line.partition("\t")
        if not name:
            continue
        backup, target = staging / ".old" / name, folder / name
        try:
            if backup.exists():
                os.replace(backup, target)
            elif existed == "0" and not (staging / name).exists():
                target.unlink(missing_ok=True)
        except OSError:
            continue


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def write_file_atomic(path: str | os.PathLike, data: str | bytes) -> Path:
    """Write one file whole or not at all: a temporary file beside it, then a rename.

    Parameters
    ----------
    path : path
        The destination (replaced if it exists; its folder must exist). A symbolic link
        is followed: the file it points to is replaced, the link stays.
    data : str or bytes
        Text (written as UTF-8) or bytes.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    OutputError
        When the folder is missing or not writable; the destination is then unchanged.
    """
    import secrets

    given = Path(path)
    path = Path(os.path.realpath(given)) if given.is_symlink() else given
    if not path.parent.is_dir():
        raise OutputError(f"cannot write {path}: folder {path.parent} does not exist")
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder")
    clean_stale(path.parent, path.name)
    tmp = path.parent / f".{path.name}{_STAGING_MARK}{os.getpid()}-{secrets.token_hex(4)}"
    try:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8")
        else:
            tmp.write_bytes(data)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException as err:
        tmp.unlink(missing_ok=True)
        if not isinstance(err, OSError):
            raise
        raise OutputError(f"cannot write {path}: {err.strerror or err}; nothing was written") \
            from None
    return given


def _staging_folder(parent: Path, name: str) -> Path:
    """A new hidden folder in ``parent`` (plain mkdir: on some file systems files are much
    slower to create in the private folders ``tempfile.mkdtemp`` makes)."""
    import secrets

    for _ in range(100):
        path = parent / f".{name}{_STAGING_MARK}{os.getpid()}-{secrets.token_hex(4)}"
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue
    raise OSError(f"cannot make a staging folder in {parent}")


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
