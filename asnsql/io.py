"""Association files (spec sections 11, 12.6): the public names of the modules that read,
write, validate and publish them, gathered under one name.

- :mod:`asnsql.asnschema`: the Level-2b and Level-3 schemas, :data:`KNOWN_EXPTYPES`,
  :func:`validate`;
- :mod:`asnsql.asnread`: reading JSON, YAML and JSON-lines files (:func:`load_asn`,
  :func:`read_associations`, :func:`validate_file`);
- :mod:`asnsql.asnwrite`: the reference's JSON layout (:func:`dumps`),
  :func:`write_associations` and, part by part, :func:`stream_associations`;
- :mod:`asnsql.publish`: output written whole or not at all (:func:`write_file_atomic`,
  :func:`clean_stale`).
"""

from __future__ import annotations

from .asnread import (
    StoredAssociation,
    load_asn,
    parse_jsonl,
    parse_text,
    read_associations,
    read_one,
    read_text,
    split_jsonl_pick,
    validate_file,
)
from .asnschema import KNOWN_EXPTYPES, SCHEMAS, schema, validate
from .asnwrite import (
    FORMATS,
    JSON_LAYOUT,
    StagedWriter,
    check_names,
    dumps,
    stream_associations,
    write_associations,
)
from .publish import STAGING_MARK, clean_stale, publish_folder, write_file_atomic

__all__ = ["dumps", "write_associations", "write_file_atomic", "load_asn", "validate",
           "validate_file", "read_text", "parse_text", "schema", "SCHEMAS", "KNOWN_EXPTYPES",
           "JSON_LAYOUT", "StoredAssociation", "parse_jsonl", "read_associations", "read_one",
           "split_jsonl_pick", "STAGING_MARK", "clean_stale", "publish_folder", "FORMATS",
           "StagedWriter", "check_names", "stream_associations"]
