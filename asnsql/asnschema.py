"""Association schemas: what a valid association holds (spec sections 7.1, 11.1, 11.3).

The JSON Schemas of Level-2b and Level-3 associations with the reference's required fields,
the member exptypes asnsql knows, and :func:`validate` for one parsed association
(:func:`asnsql.asnread.validate_file` checks a file).
"""

from __future__ import annotations

from typing import Any

__all__ = ["KNOWN_EXPTYPES", "SCHEMAS", "schema", "validate"]

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
