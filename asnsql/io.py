"""Association files: serialise, write atomically, load, validate (spec sections 11, 12.6).

Files are written as the reference writes them: ``json.dumps(indent=4, separators=(",",
": "))`` with no trailing newline, or YAML (``--format yaml``, keys sorted). A set of files is
first written to a temporary folder beside the destination and then moved into place, so an
interrupted or failed run leaves no half-written output.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any, Iterable

from .errors import AssociationError, OutputError

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
        else:
            import yaml

            try:
                return yaml.safe_load(text), None
            except yaml.YAMLError as err:
                problem = f"not YAML: {' '.join(str(err).split())}"
    return None, problem


def validate_file(path: str | os.PathLike, level: str | None = None,
                  strict: bool = False) -> list[str]:
    """Every problem of one association file (``asnsql validate``).

    Parameters
    ----------
    path : path
        A JSON file (YAML for ``.yaml`` / ``.yml``).
    level : {'level2b', 'level3'}, optional
        As for :func:`validate`.
    strict : bool
        Also report member exptypes outside :data:`KNOWN_EXPTYPES` and
        expnames with a folder (members are found beside the association file).

    Returns
    -------
    list of str
        ``$.json.path: message`` each (``$`` for the whole file: unreadable, not JSON);
        empty when the file is a valid association.
    """
    from pathlib import PurePath

    text, problem = read_text(path)
    if problem is None:
        yaml_file = Path(path).suffix.lower() in (".yaml", ".yml")
        data, problem = parse_text(text, ("yaml",) if yaml_file else ("json",))
    if problem is not None:
        return [f"$: {problem}"]
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


def dumps(data: dict, fmt: str = "json") -> str:
    """Serialise an association as the reference does (spec section 11.2)."""
    if fmt == "json":
        return json.dumps(data, indent=4, separators=(",", ": "))
    if fmt == "yaml":
        import yaml

        return yaml.dump(dict(data), default_flow_style=False)
    raise ValueError(f"unknown format {fmt!r}; use json or yaml")


def write_associations(associations: Iterable[dict], folder: str | os.PathLike,
                       fmt: str = "json", extra: dict[str, str] | None = None) -> list[Path]:
    """Write association files into ``folder`` atomically.

    Files are written into a temporary folder next to ``folder`` and moved into place only
    when all are written; on any error nothing is left behind.

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
        Other files to write with them, name -> text (e.g. the orphan table).

    Returns
    -------
    list of pathlib.Path
        The files written, in order.

    Raises
    ------
    OutputError
        When the folder cannot be created or written.
    """
    folder = Path(folder)
    if fmt not in ("json", "yaml", "jsonl", "parquet"):
        raise OutputError(f"unknown output format {fmt!r}; use json, yaml, jsonl or parquet")
    suffix = ".json" if fmt == "json" else ".yaml"
    fresh = not folder.exists()
    parent = folder.parent if fresh else folder
    if fresh and not parent.is_dir():
        raise OutputError(f"cannot create output folder {folder}: {parent} does not exist")
    if not fresh and not folder.is_dir():
        raise OutputError(f"output path {folder} exists and is not a folder")
    try:
        staging = _staging_folder(parent, folder.name)
    except OSError as err:
        raise OutputError(f"cannot write in {parent}: {err.strerror or err}") from None
    written: list[Path] = []
    try:
        names = []
        if fmt == "jsonl":
            from .tables import write_jsonl

            names.append(write_jsonl(associations, staging / "associations.jsonl").name)
        elif fmt == "parquet":
            from .tables import write_parquet

            names += [p.name for p in write_parquet(list(associations), staging)]
        else:
            for asn in associations:
                name = getattr(asn, "name", None) or "association"
                names.append(name + suffix)
                (staging / (name + suffix)).write_text(dumps(asn, fmt), encoding="utf-8")
        for name, text in (extra or {}).items():
            names.append(name)
            (staging / name).write_text(text, encoding="utf-8")
        if fresh:
            # A new folder appears whole, in one rename.
            os.rename(staging, folder)
            written = [folder / name for name in names]
        else:
            for name in names:
                target = folder / name
                os.replace(staging / name, target)
                written.append(target)
    except OSError as err:
        for path in written:
            path.unlink(missing_ok=True)
        raise OutputError(f"cannot write associations into {folder}: {err.strerror or err}; "
                          "nothing was written") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


def write_file_atomic(path: str | os.PathLike, data: str | bytes) -> Path:
    """Write one file whole or not at all: a temporary file beside it, then a rename.

    Parameters
    ----------
    path : path
        The destination (replaced if it exists; its folder must exist).
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

    path = Path(path)
    if not path.parent.is_dir():
        raise OutputError(f"cannot write {path}: folder {path.parent} does not exist")
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder")
    tmp = path.parent / f".{path.name}.asnsql-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8")
        else:
            tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {err.strerror or err}; nothing was written") \
            from None
    return path


def _staging_folder(parent: Path, name: str) -> Path:
    """A new hidden folder in ``parent`` (plain mkdir: on some file systems files are much
    slower to create in the private folders ``tempfile.mkdtemp`` makes)."""
    import secrets

    for _ in range(100):
        path = parent / f".{name}.asnsql-{os.getpid()}-{secrets.token_hex(4)}"
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
        A file path, an open file, or the JSON/YAML text itself.
    validate_schema : bool
        Check the association against the Level-2b/Level-3 schema.

    Returns
    -------
    dict
        The association.

    Raises
    ------
    AssociationError
        When the source cannot be read, parsed or validated (every schema error listed).

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
        text, problem = read_text(source)
        if problem is not None:
            raise AssociationError(f"{name}: {problem}")
    else:
        text = source
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    data, _ = parse_text(text)
    if not isinstance(data, dict):
        raise AssociationError(f"{name} is not an association (JSON or YAML mapping expected)")
    if validate_schema:
        errors = validate(data)
        if errors:
            raise AssociationError(f"{name} is not a valid association: " + "; ".join(errors))
    return data
