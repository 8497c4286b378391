"""The Roman association rules (``rules/roman/associations.yaml``), loaded and checked.

The file holds what romancal 1.1.0's ``asn_from_list``, ``skycell_asn`` and ``multiband_asn``
write as data: the header keys and their placeholder values, the visit-id fields, the group
keys and product names of each skycell product type, the multiband file pattern and the name
templates. :mod:`.skycell` and :mod:`.multiband` compile the group keys and templates into SQL
(sqlglot); nothing else in the profile knows the conventions.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ...errors import RuleError
from ...resources import rules_dir

__all__ = ["ProductType", "RomanRules", "load_rules", "template_fields"]

#: The default rule file, under the installed ``rules/`` folder.
RULE_FILE = ("roman", "associations.yaml")

_FORMATTER = string.Formatter()
#: Fields the name templates may use.
_SKYCELL_NAME_FIELDS = ("root", "release", "product", "skycell", "filter")
_MULTIBAND_NAME_FIELDS = ("prefix", "skycell")


def template_fields(template: str) -> list[tuple[str, str | None]]:
    """Split a name template into ``(literal, field)`` pairs (``str.format`` syntax).

    Parameters
    ----------
    template : str
        E.g. ``"v{execution}{pass}"``.

    Returns
    -------
    list of (str, str or None)
        The literal text before each field and the field's name (``None`` after the last).

    Raises
    ------
    ValueError
        When a field has a format spec or conversion (templates only name fields).
    """
    parts = []
    for literal, field, spec, conversion in _FORMATTER.parse(template):
        if spec or conversion:
            raise ValueError(f"template {template!r}: field {field!r} has a format spec")
        parts.append((literal, field))
    return parts


@dataclass(frozen=True)
class ProductType:
    """How one skycell product type groups and names (``skycell.product_types``)."""

    name: str
    group_by: tuple[str, ...]
    product: str


@dataclass(frozen=True, eq=False)
class RomanRules:
    """The checked contents of the rule file (see ``rules/roman/associations.yaml``)."""

    path: Path
    header: dict[str, Any]
    from_list: dict[str, Any]
    deprecated: dict[str, Any]
    fields: dict[str, tuple[int, int]]
    default_product_type: str
    product_types: dict[str, ProductType]
    skycell_name: str
    skycell_asn_type: str
    unreadable_filter: str
    multiband_pattern: str
    multiband_name: str
    multiband_release_field: int

    def product_type(self, name: str) -> ProductType:
        """The product type ``name`` (case-insensitive), else the ``'*'`` entry.

        Notes
        -----
        romancal 1.1.0 lower-cases the type and sends any unknown one to the program grouping
        with the product name ``unknown``; whether that is allowed is the caller's choice.
        """
        return self.product_types.get(name.lower(), self.product_types["*"])

    def is_known_type(self, name: str) -> bool:
        """Whether ``name`` is one of the named product types (not the ``'*'`` fallback)."""
        return name.lower() in self.product_types and name.lower() != "*"


def _require(data: dict, key: str, kind: type, where: str, problems: list[str]) -> Any:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, kind):
        problems.append(f"{where}.{key}: expected {kind.__name__}, got {value!r}")
        return kind()
    return value


@lru_cache(maxsize=4)
def load_rules(path: str | Path | None = None) -> RomanRules:
    """Read and check the Roman rule file.

    Parameters
    ----------
    path : path, optional
        A rule file; default ``rules/roman/associations.yaml`` of the installation.

    Returns
    -------
    RomanRules

    Raises
    ------
    RuleError
        Listing every problem (file and key) when the file is missing or malformed.
    """
    path = Path(path) if path is not None else rules_dir().joinpath(*RULE_FILE)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise RuleError(f"{path}: cannot read the Roman rule file: {err}") from None
    problems: list[str] = []
    where = str(path)
    header = _require(data, "header", dict, where, problems)
    from_list = _require(data, "from_list", dict, where, problems)
    skycell = _require(data, "skycell", dict, where, problems)
    multiband = _require(data, "multiband", dict, where, problems)
    fields = {}
    for name, span in _require(skycell, "fields", dict, f"{where}: skycell", problems).items():
        if not (isinstance(span, list) and len(span) == 2 and all(isinstance(v, int) for v in span)
                and 0 <= span[0] <= span[1]):
            problems.append(f"{where}: skycell.fields.{name}: expected [start, end], got {span!r}")
            continue
        fields[name] = (span[0], span[1])
    types = {}
    for name, spec in _require(skycell, "product_types", dict, f"{where}: skycell",
                               problems).items():
        at = f"{where}: skycell.product_types.{name}"
        group_by = tuple(spec.get("group_by") or ()) if isinstance(spec, dict) else ()
        product = spec.get("product") if isinstance(spec, dict) else None
        if not isinstance(product, str):
            problems.append(f"{at}.product: expected a text template, got {product!r}")
            continue
        try:
            used = [f for _, f in template_fields(product) if f] + list(group_by)
        except ValueError as err:
            problems.append(f"{at}.product: {err}")
            continue
        problems += [f"{at}: unknown visit-id field {f!r} (fields: {', '.join(fields)})"
                     for f in used if f not in fields]
        types[str(name).lower()] = ProductType(str(name), group_by, product)
    if "*" not in types:
        problems.append(f"{where}: skycell.product_types: the fallback entry '*' is missing")
    pattern = _require(multiband, "pattern", str, f"{where}: multiband", problems)
    try:
        groups = re.compile(pattern).groupindex
        if set(groups) != {"prefix", "skycell", "filter"}:
            problems.append(f"{where}: multiband.pattern: needs the groups prefix, skycell and "
                            f"filter, has {sorted(groups)}")
    except re.error as err:
        problems.append(f"{where}: multiband.pattern: {err}")
    names = {}
    for section, key, allowed in ((skycell, "skycell.name", _SKYCELL_NAME_FIELDS),
                                  (multiband, "multiband.name", _MULTIBAND_NAME_FIELDS)):
        template = _require(section, "name", str, f"{where}: {key.split('.')[0]}", problems)
        names[key] = template
        try:
            unknown = [f for _, f in template_fields(template) if f and f not in allowed]
        except ValueError as err:
            unknown = [str(err)]
        problems += [f"{where}: {key}: unknown field {f!r} (fields: {', '.join(allowed)})"
                     for f in unknown]
    catalog = _require(from_list, "tweakreg_catalog", dict, f"{where}: from_list", problems)
    for key in ("suffix", "extension", "known_suffixes"):
        _require(catalog, key, str, f"{where}: from_list.tweakreg_catalog", problems)
    deprecated = _require(data, "deprecated", dict, where, problems)
    for key in ("rule", "ruledefs", "acid", "format"):
        entry = _require(deprecated, key, dict, f"{where}: deprecated", problems)
        _require(entry, "warning", str, f"{where}: deprecated.{key}", problems)
    _require(from_list, "target_default", str, f"{where}: from_list", problems)
    asn_type = _require(skycell, "asn_type", str, f"{where}: skycell", problems)
    unreadable = _require(skycell, "unreadable_filter", str, f"{where}: skycell", problems)
    release_field = _require(multiband, "release_field", int, f"{where}: multiband", problems)
    if problems:
        raise RuleError(problems)
    return RomanRules(
        path=path,
        header=dict(header),
        from_list=dict(from_list),
        deprecated=dict(deprecated),
        fields=fields,
        default_product_type=str(skycell.get("default_product_type", "visit")),
        product_types=types,
        skycell_name=names["skycell.name"],
        skycell_asn_type=asn_type,
        unreadable_filter=unreadable,
        multiband_pattern=pattern,
        multiband_name=names["multiband.name"],
        multiband_release_field=release_field,
    )
