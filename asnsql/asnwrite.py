"""Writing associations: the reference's JSON layout and folders of association files
(spec sections 11.2, 12).

Files are written as the reference writes them: ``json.dumps(indent=4, separators=(",",
": "))`` with no trailing newline, or YAML (``--format yaml``, keys sorted); or as JSON
lines or Parquet tables (:mod:`asnsql.tables`). A set of files is published whole
(:func:`asnsql.publish.publish_folder`), so an interrupted or failed run leaves no
half-written output.
"""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path
from typing import Any, Callable, Iterable

from .errors import OutputError
from .publish import publish_folder
from .safety import safe_name

__all__ = ["JSON_LAYOUT", "FORMATS", "dumps", "write_associations", "stream_associations",
           "check_names", "StagedWriter"]

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
                       fmt: str = "json", extra: dict[str, str] | None = None,
                       on_published: Callable[[], None] | None = None) -> list[Path]:
    """Write association files into ``folder``: the old folder or the complete new one.

    The files are written into a staging folder and published at once
    (:func:`asnsql.publish.publish_folder`, which says how).

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
    on_published : callable, optional
        Called once the files are in place, Ctrl-C held back
        (:func:`asnsql.publish.publish_folder`).

    Returns
    -------
    list of pathlib.Path
        The files written, in order.

    Raises
    ------
    OutputError
        When a name is not a safe file name (:func:`asnsql.safety.safe_name`, the value
        named), or the folder cannot be created or written; ``folder`` is then unchanged.
    Interrupted
        On Ctrl-C once the files are in place (nothing else is changed).
    """
    associations = list(associations)
    check_names(associations, fmt)
    for name in extra or {}:
        safe_name(name, "output file name")
    return stream_associations([associations], folder, fmt, lambda: extra, on_published)


def stream_associations(parts: Iterable[Iterable[dict]], folder: str | os.PathLike,
                        fmt: str = "json",
                        extra: Callable[[], dict[str, str] | None] | None = None,
                        on_published: Callable[[], None] | None = None) -> list[Path]:
    """Write association files into ``folder`` part by part, published once at the end.

    As :func:`write_associations`, but the associations come as ``parts`` (lists, e.g. one
    per chunk of pool units, :func:`asnsql.batch.iter_batch`), each written into the staging
    folder as it comes and then let go, so a large run never holds all of them; the folder
    is still the old one or the complete new one. An exception raised by ``parts`` (a
    generator failing half-way) leaves ``folder`` unchanged.

    Parameters
    ----------
    parts : iterable of iterables of AssociationDict
    folder : path
    fmt : {'json', 'yaml', 'jsonl', 'parquet'}
    extra : callable, optional
        Called once every part is written: ``extra() -> {name: text}``, other files to write
        with them (see :func:`write_associations`).
    on_published : callable, optional
        As for :func:`write_associations`.

    Returns
    -------
    list of pathlib.Path
        The association files (or tables) in the order written, then the ``extra`` ones.

    Raises
    ------
    OutputError, Interrupted
        As :func:`write_associations`; and whatever ``parts`` raises.
    """
    folder = Path(folder)
    if fmt not in FORMATS:
        raise OutputError(f"unknown output format {fmt!r}; use json, yaml, jsonl or parquet")
    fresh = not folder.exists()
    if fresh and not folder.parent.is_dir():
        raise OutputError(f"cannot create output folder {folder}: {folder.parent} does not "
                          "exist")
    if not fresh and not folder.is_dir():
        raise OutputError(f"output path {folder} exists and is not a folder")

    def write(staging: Path) -> list[str]:
        writer = StagedWriter(staging, fmt)
        try:
            for part in parts:
                part = list(part)
                check_names(part, fmt)
                writer.add(part)
            for name, text in ((extra() if extra else None) or {}).items():
                safe_name(name, "output file name")
                writer.add_text(name, text)
        finally:
            names = writer.close()
        return names

    return publish_folder(folder, write, on_published)


#: The output formats of :func:`write_associations`.
FORMATS = ("json", "yaml", "jsonl", "parquet")


def check_names(associations: list, fmt: str) -> None:
    """Check that each association's file name and product names are safe file names.

    Raises
    ------
    OutputError
        Naming the unsafe value (:func:`asnsql.safety.safe_name`).
    """
    suffix = ".json" if fmt == "json" else ".yaml"
    plain = _PLAIN_NAME.fullmatch
    for asn in associations:
        stem = getattr(asn, "name", None) or "association"
        if not plain(stem + suffix):
            safe_name(stem + suffix, "association file name")
        for product in asn.get("products", []) if isinstance(asn, dict) else []:
            if isinstance(product, dict):
                name = product.get("name")
                if name is not None and (type(name) is not str or not plain(name)):
                    safe_name(name, f"product name in {stem}")


#: Names :func:`asnsql.safety.safe_name` takes for certain (checked first: an archive run
#: has millions): a letter or digit, then at most 199 letters, digits and ``_-.+{}``.
_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+{}-]{0,199}")


class StagedWriter:
    """Association files of one format written into a (staging) folder as they come.

    Parameters
    ----------
    staging : pathlib.Path
        An existing, empty folder.
    fmt : {'json', 'yaml', 'jsonl', 'parquet'}
        As for :func:`write_associations`: a file per association, or the one
        ``associations.jsonl`` file, or the three Parquet tables, appended to part by part.
    """

    def __init__(self, staging: Path, fmt: str):
        self.staging = Path(staging)
        self.fmt = fmt
        self.suffix = ".json" if fmt == "json" else ".yaml"
        #: The names of the files written, in order.
        self.names: list[str] = []
        self._lines = None
        self._tables = None
        if fmt == "jsonl":
            self._lines = open(self.staging / "associations.jsonl", "w", encoding="utf-8")
            self.names.append("associations.jsonl")
        elif fmt == "parquet":
            from .tables import ParquetTables

            self._tables = ParquetTables(self.staging)
            self.names += [p.name for p in self._tables.paths]

    def add(self, associations: list) -> None:
        """Write ``associations`` (names already checked, :func:`check_names`)."""
        if self._lines is not None:
            from .tables import write_jsonl_lines

            write_jsonl_lines(associations, self._lines)
        elif self._tables is not None:
            self._tables.write(associations)
        else:
            for asn in associations:
                name = (getattr(asn, "name", None) or "association") + self.suffix
                self.names.append(name)
                (self.staging / name).write_text(dumps(asn, self.fmt), encoding="utf-8")

    def add_text(self, name: str, text: str) -> None:
        """Write another file (a checked plain file name) beside the associations."""
        self.names.append(name)
        (self.staging / name).write_text(text, encoding="utf-8")

    def close(self) -> list[str]:
        """Finish the files; the names written, in order."""
        lines, self._lines = self._lines, None
        tables, self._tables = self._tables, None
        if lines is not None:
            lines.close()
        if tables is not None:
            tables.close()
        return self.names
