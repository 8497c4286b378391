"""Associations as relational tables, for ETL (one file instead of one per association).

Three tables, as pyarrow Tables (written as Parquet, or loaded into DuckDB):

``associations``  one row per association: ``association`` (the file stem), ``file_name``
                  (as ``generate`` writes it), ``asn_type``,
                  ``asn_rule``, ``asn_id``, ``candidate_type``, ``program``, ``target``,
                  ``version_id``, ``code_version``, ``degraded_status``, ``constraints``,
                  ``pool`` (``asn_pool``), ``level`` (2 or 3)
``products``      ``association``, ``pool``, ``product`` (0-based position), ``name``
``members``       ``association``, ``pool``, ``product``, ``member`` (position), ``expname``,
                  ``exptype``, ``exposerr``, ``asn_candidate``, ``pool_row`` (the pool row
                  number, from 0, NULL for catalog members), and ``has_exposerr`` /
                  ``has_asn_candidate`` (whether the member carries the key)

Their columns and Arrow types are fixed (:data:`COLUMNS`, :func:`schema`; published as
:data:`asnsql.arrow.ASSOCIATIONS_SCHEMA` etc.). :func:`from_tables` rebuilds the
association dicts exactly as ``generate`` writes them.
"""

from __future__ import annotations

import json
from pathlib import Path

from .assemble import AssociationDict

__all__ = ["to_tables", "from_tables", "write_parquet", "write_jsonl", "write_jsonl_lines",
           "ParquetTables", "TABLES", "COLUMNS", "schema"]

TABLES = ("associations", "products", "members")

#: The columns of each table and their Arrow types (names of ``pyarrow`` type factories):
#: the published, fixed schemas (:func:`schema`; :mod:`asnsql.arrow` exports them).
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "associations": (
        ("association", "string"), ("file_name", "string"), ("asn_type", "string"),
        ("asn_rule", "string"), ("asn_id", "string"), ("candidate_type", "string"),
        ("program", "string"), ("target", "string"), ("version_id", "string"),
        ("code_version", "string"), ("degraded_status", "string"),
        ("constraints", "string"), ("pool", "string"), ("level", "int8")),
    "products": (
        ("association", "string"), ("pool", "string"), ("product", "int32"),
        ("name", "string")),
    "members": (
        ("association", "string"), ("pool", "string"), ("product", "int32"),
        ("member", "int32"), ("expname", "string"), ("exptype", "string"),
        ("exposerr", "string"), ("asn_candidate", "string"), ("pool_row", "int64"),
        ("has_exposerr", "bool_"), ("has_asn_candidate", "bool_")),
}


def schema(table: str):
    """The Arrow schema of ``table`` (one of :data:`TABLES`), from :data:`COLUMNS`.

    Parameters
    ----------
    table : str
        ``associations``, ``products`` or ``members``.

    Returns
    -------
    pyarrow.Schema
        Every field nullable.
    """
    import pyarrow as pa

    return pa.schema([(name, getattr(pa, kind)()) for name, kind in COLUMNS[table]])

_LEVEL2_KEYS = ("asn_type", "asn_rule", "version_id", "code_version", "degraded_status",
                "program", "constraints", "asn_id", "asn_pool", "target", "products")
_LEVEL3_KEYS = ("asn_type", "asn_rule", "version_id", "code_version", "degraded_status",
                "program", "constraints", "asn_id", "target", "asn_pool", "products")


def _level(asn: dict) -> int:
    keys = list(asn)
    return 3 if keys.index("target") < keys.index("asn_pool") else 2


def to_tables(associations, candidate_types: dict | None = None, row_offset: int = 0) -> dict:
    """Turn association dicts into the three tables.

    Parameters
    ----------
    associations : iterable of AssociationDict
        As :func:`asnsql.generate` returns them (``.name`` is the file stem).
    candidate_types : dict, optional
        ``asn_id`` -> candidate type, to fill ``candidate_type``.
    row_offset : int
        Subtracted from each member's global row number, to number ``pool_row`` from 0
        within its pool when several pools were loaded together.

    Returns
    -------
    dict of pyarrow.Table
        ``associations``, ``products`` and ``members``.
    """
    import pyarrow as pa

    candidate_types = candidate_types or {}
    a_cols: dict[str, list] = {k: [] for k, _ in COLUMNS["associations"]}
    p_cols: dict[str, list] = {k: [] for k, _ in COLUMNS["products"]}
    m_cols: dict[str, list] = {k: [] for k, _ in COLUMNS["members"]}
    # (the list appends bound once: this loop runs for every member of an archive run)
    a_name, a_file, a_type, a_pool, a_level, a_ctype = (
        a_cols[k].append for k in ("association", "file_name", "asn_type", "pool", "level",
                                   "candidate_type"))
    a_rest = [(k, a_cols[k].append) for k in ("asn_rule", "asn_id", "program", "target",
                                             "version_id", "code_version",
                                             "degraded_status", "constraints")]
    p_assoc, p_pool, p_index_, p_name = (p_cols[k].append
                                        for k in ("association", "pool", "product", "name"))
    (m_assoc, m_pool, m_product, m_member, m_expname, m_exptype, m_exposerr, m_candidate,
     m_row, m_has_err, m_has_cand) = (m_cols[k].append for k in (
        "association", "pool", "product", "member", "expname", "exptype", "exposerr",
        "asn_candidate", "pool_row", "has_exposerr", "has_asn_candidate"))
    for asn in associations:
        name = getattr(asn, "name", "")
        pool = asn.get("asn_pool")
        a_name(name)
        a_file(f"{name}.json")
        a_type(asn.get("asn_type"))
        for key, append in a_rest:
            append(asn.get(key))
        a_ctype(candidate_types.get(asn.get("asn_id")))
        a_pool(pool)
        a_level(_level(asn))
        for p_index, product in enumerate(asn["products"]):
            p_assoc(name)
            p_pool(pool)
            p_index_(p_index)
            p_name(product["name"])
            for m_index, member in enumerate(product["members"]):
                item = getattr(member, "item", None)
                m_assoc(name)
                m_pool(pool)
                m_product(p_index)
                m_member(m_index)
                m_expname(member["expname"])
                m_exptype(member["exptype"])
                m_exposerr(member.get("exposerr"))
                m_candidate(member.get("asn_candidate"))
                m_row(item["pos"] - row_offset if item else None)
                m_has_err("exposerr" in member)
                m_has_cand("asn_candidate" in member)
    return {name: pa.table(cols, schema=schema(name))
            for name, cols in (("associations", a_cols), ("products", p_cols),
                               ("members", m_cols))}


def from_tables(associations, products, members) -> list[AssociationDict]:
    """Rebuild association dicts from the three tables (inverse of :func:`to_tables`).

    Parameters
    ----------
    associations, products, members : pyarrow.Table (or anything with ``to_pylist``)

    Returns
    -------
    list of AssociationDict
        In the order of ``associations``, with keys in the order the reference writes.
    """
    by_product: dict[tuple, list] = {}
    for m in sorted(members.to_pylist(), key=lambda r: (str(r.get("pool")), r["association"],
                                                       r["product"], r["member"])):
        member = {"expname": m["expname"], "exptype": m["exptype"]}
        if m["has_exposerr"]:
            member["exposerr"] = m["exposerr"]
        if m["has_asn_candidate"]:
            member["asn_candidate"] = m["asn_candidate"]
        by_product.setdefault((m.get("pool"), m["association"], m["product"]), []).append(member)
    by_association: dict[tuple, list] = {}
    for p in sorted(products.to_pylist(), key=lambda r: (str(r.get("pool")), r["association"],
                                                        r["product"])):
        key = (p.get("pool"), p["association"])
        by_association.setdefault(key, []).append(
            {"name": p["name"], "members": by_product.get(key + (p["product"],), [])})
    out = []
    for a in associations.to_pylist():
        products_ = by_association.get((a["pool"], a["association"]), [])
        values = dict(a, asn_pool=a["pool"], products=products_)
        keys = _LEVEL3_KEYS if a["level"] == 3 else _LEVEL2_KEYS
        asn = AssociationDict((k, values[k]) for k in keys)
        asn.name = a["association"]
        out.append(asn)
    return out


def write_parquet(associations, folder, candidate_types: dict | None = None) -> list[Path]:
    """Write the three tables as ``<table>.parquet`` files in ``folder``."""
    writer = ParquetTables(folder, candidate_types)
    try:
        writer.write(associations)
    finally:
        paths = writer.close()
    return paths


class ParquetTables:
    """The three tables written as ``<table>.parquet`` files in ``folder``, part by part.

    Each :meth:`write` appends its associations' rows to the three files (one Parquet row
    group each), so a run need not hold every association at once; read back, the files
    hold the tables :func:`to_tables` makes of all the parts in order. The files exist
    (with the fixed schemas, :func:`schema`) from the start, empty tables included.

    Parameters
    ----------
    folder : path
        An existing folder.
    candidate_types : dict, optional
        As for :func:`to_tables`.
    """

    def __init__(self, folder, candidate_types: dict | None = None):
        import pyarrow.parquet as pq

        self.paths = [Path(folder) / f"{name}.parquet" for name in TABLES]
        self._candidate_types = candidate_types
        self._writers = []
        try:
            for name, path in zip(TABLES, self.paths):
                self._writers.append(pq.ParquetWriter(path, schema(name)))
        except BaseException:
            self.close()
            raise

    def write(self, associations) -> None:
        """Append the rows of ``associations`` (association dicts) to the three files."""
        tables = to_tables(associations, self._candidate_types)
        for name, writer in zip(TABLES, self._writers):
            if tables[name].num_rows:
                writer.write_table(tables[name])

    def close(self) -> list[Path]:
        """Finish the files; their paths (associations, products, members)."""
        writers, self._writers = self._writers, []
        for writer in writers:
            writer.close()
        return self.paths


def write_jsonl(associations, path) -> Path:
    """Write one association per line: ``{"name": <file stem>, "association": {...}}``."""
    path = Path(path)
    with open(path, "w", encoding="utf-8") as out:
        write_jsonl_lines(associations, out)
    return path


def write_jsonl_lines(associations, out) -> None:
    """Write the lines of :func:`write_jsonl` for ``associations`` to the text file ``out``."""
    for asn in associations:
        out.write(json.dumps({"name": getattr(asn, "name", ""), "association": asn},
                             separators=(",", ":")))
        out.write("\n")
