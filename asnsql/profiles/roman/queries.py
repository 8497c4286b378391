"""The Roman grouping queries, compiled from the rule file with sqlglot (run on an Engine).

Each query is a fixed skeleton (its placeholders written ``__like_this``) into which the rule
file's group keys, fields and name templates are put as sqlglot expressions; values given
by the user (the output root, the data release id) and by the rule file (the file pattern)
enter as literals (``exp.convert``), never pasted into SQL text. :mod:`.skycell` and
:mod:`.multiband` run them on :class:`~asnsql.engine.Engine`; ``--explain`` prints them.

Relations the queries read (registered by the caller):

``roman_files``
    ``row`` (input position), ``path`` (the name as given) and, for skycell, ``visit_id``
    (read from the file name: :func:`.footprints.visit_id_from_name`) and ``filter`` (the
    optical element as read, lower-cased; ``unknown`` or NULL for a file not read).
``roman_matches``
    ``row``, ``skycell_index``, ``skycell_name``: the skycells each file's footprint overlaps.
"""

from __future__ import annotations

from functools import lru_cache

import sqlglot
from sqlglot import exp

from .rules import RomanRules, template_fields

__all__ = ["FILES", "MATCHES", "multiband_query", "run", "skycell_query", "template_sql"]

FILES = "roman_files"
MATCHES = "roman_matches"

# Placeholders: __fields (the visit-id field columns), __group_keys, __product_fields
# (arg_min of each field by row), __name, __program.
_SKYCELL = f"""
WITH exposures AS (
    SELECT row, path, lower(coalesce(filter, __unreadable)) AS filter, visit_id FROM {FILES}
), keyed AS (
    SELECT *, __fields FROM exposures
), grouped AS (
    -- a group is named by the input position of its first file (its first appearance)
    SELECT *, min(row) OVER (PARTITION BY __group_keys) AS group_row FROM keyed
), overlaps AS (
    SELECT DISTINCT row, skycell_index, skycell_name FROM {MATCHES}
), firsts AS (
    -- one association per group, skycell and filter; members in input order
    SELECT g.group_row, o.skycell_index, any_value(o.skycell_name) AS skycell, g.filter,
           min(g.row) AS first_row, __product_fields,
           list(g.path ORDER BY g.row) AS members
    FROM grouped AS g JOIN overlaps AS o ON o.row = g.row
    GROUP BY g.group_row, o.skycell_index, g.filter
)
SELECT __name AS name, __program AS program, skycell, skycell_index, filter, members
FROM firsts
ORDER BY group_row, skycell_index, first_row
"""

_MULTIBAND = f"""
WITH coadds AS (
    SELECT row, path, __prefix AS prefix, __skycell AS skycell
    FROM {FILES} WHERE regexp_matches(path, __pattern)
), groups AS (
    -- skycells in order of first appearance, then their prefixes likewise
    SELECT skycell, prefix, min(row) AS first_row,
           min(min(row)) OVER (PARTITION BY skycell) AS skycell_row
    FROM coadds GROUP BY skycell, prefix
)
SELECT __name AS name, __release AS release, list(n.path ORDER BY n.row) AS members
FROM groups AS g
JOIN coadds AS n ON n.skycell = g.skycell AND starts_with(n.path, g.prefix || g.skycell)
GROUP BY g.skycell, g.prefix, g.first_row, g.skycell_row
ORDER BY g.skycell_row, g.first_row
"""


def template_sql(template: str, values: dict[str, exp.Expression]) -> exp.Expression:
    """A name template (``"{root}_{release}"``) as a SQL text concatenation.

    Parameters
    ----------
    template : str
        ``str.format`` fields only.
    values : dict of str -> sqlglot expression
        What each field stands for.

    Returns
    -------
    sqlglot expression
        ``literal || value || ...`` (a NULL value makes the result NULL).

    Raises
    ------
    KeyError
        When the template names a field not in ``values``.
    """
    parts: list[exp.Expression] = []
    for literal, field in template_fields(template):
        if literal:
            parts.append(exp.Literal.string(literal))
        if field is not None:
            parts.append(values[field].copy())
    if not parts:
        return exp.Literal.string("")
    result = parts[0]
    for part in parts[1:]:
        result = exp.DPipe(this=result, expression=part, safe=True)
    return result


def _fill(skeleton: str, values: dict[str, exp.Expression | list[exp.Expression]]
          ) -> exp.Expression:
    """Parse ``skeleton`` and put ``values`` in place of its ``__placeholders``."""
    tree = sqlglot.parse_one(skeleton, read="duckdb")

    def put(node):
        if isinstance(node, exp.Column) and not node.table and node.name.startswith("__"):
            value = values[node.name[2:]]
            return value.copy() if isinstance(value, exp.Expression) else value
        return node

    tree = tree.transform(put)
    # Lists (several columns or keys) were put as a Tuple marker: splice them.
    for select in tree.find_all(exp.Select, exp.Window):
        for key in ("expressions", "partition_by"):
            items = select.args.get(key)
            if items and any(isinstance(i, exp.Tuple) and i.meta.get("splice") for i in items):
                spliced = []
                for item in items:
                    if isinstance(item, exp.Tuple) and item.meta.get("splice"):
                        spliced += [e.copy() for e in item.expressions]
                    else:
                        spliced.append(item)
                select.set(key, spliced)
    return tree


def _splice(expressions: list[exp.Expression]) -> exp.Tuple:
    marker = exp.Tuple(expressions=expressions)
    marker.meta["splice"] = True
    return marker


def _field(name: str, span: tuple[int, int]) -> exp.Expression:
    start, end = span
    value = exp.Substring(this=exp.column("visit_id"), start=exp.convert(start + 1),
                          length=exp.convert(end - start))
    return exp.alias_(value, name)


@lru_cache(maxsize=32)
def _skycell_cached(rules: RomanRules, product_type: str, root: str, release: str) -> str:
    kind = rules.product_type(product_type)
    fields = rules.fields
    firsts = {f: exp.column(f"first_{f}") for f in fields}
    product = template_sql(kind.product, firsts)
    name = template_sql(rules.skycell_name, {
        "root": exp.convert(root), "release": exp.convert(release), "product": product,
        "skycell": exp.column("skycell"), "filter": exp.column("filter")})
    tree = _fill(_SKYCELL, {
        "unreadable": exp.convert(rules.unreadable_filter),
        "fields": _splice([_field(f, span) for f, span in fields.items()]),
        "group_keys": _splice([exp.column(f) for f in kind.group_by]),
        "product_fields": _splice([
            exp.alias_(exp.func("arg_min", exp.column(f, table="g"), exp.column("row", table="g")),
                       f"first_{f}") for f in fields]),
        "name": name,
        "program": firsts["program"],
    })
    return tree.sql(dialect="duckdb", pretty=True)


def skycell_query(rules: RomanRules, product_type: str, output_file_root: str,
                  data_release_id: str) -> str:
    """The skycell grouping query (``skycell_asn``) for one product type.

    Parameters
    ----------
    rules : RomanRules
    product_type : str
        ``visit``, ``pass``, ``full``, ``daily``, ``user`` (any other: the ``'*'`` entry).
    output_file_root, data_release_id : str
        The ``{root}`` and ``{release}`` of the name template.

    Returns
    -------
    str
        DuckDB SQL over :data:`FILES` and :data:`MATCHES`; one row per association
        (``name``, ``program``, ``skycell``, ``skycell_index``, ``filter``, ``members``), in
        the reference's order: groups by first appearance, skycells ascending, filters by
        first appearance.

    Notes
    -----
    romancal 1.1.0 (``skycell_asn._process_groups``): the product part of the name and the
    ``program`` come from the visit id of the association's first member; groups are
    keyed on the visit-id fields of the product type.
    """
    return _skycell_cached(rules, product_type.lower(), output_file_root, data_release_id)


@lru_cache(maxsize=4)
def multiband_query(rules: RomanRules) -> str:
    """The multiband grouping query (``multiband_asn``).

    Returns
    -------
    str
        DuckDB SQL over :data:`FILES`; one row per association (``name``, ``release``,
        ``members``): skycells in order of first appearance, then prefixes likewise.

    Notes
    -----
    romancal 1.1.0 (``MultibandAssociation``): a file takes part when its whole name matches
    the pattern; the members of (skycell, prefix) are the skycell's files whose name starts
    with prefix + skycell; the release id is the prefix's second ``_`` field. romancal walks
    the prefixes of a skycell in set order; each makes its own file, so the order is moot.
    """
    import re

    groups = re.compile(rules.multiband_pattern).groupindex
    pattern = exp.convert(rules.multiband_pattern)

    def part(name):
        return exp.RegexpExtract(this=exp.column("path"), expression=pattern.copy(),
                                 group=exp.convert(groups[name]))

    columns = {"prefix": exp.column("prefix", table="g"),
               "skycell": exp.column("skycell", table="g")}
    tree = _fill(_MULTIBAND, {
        "prefix": part("prefix"),
        "skycell": part("skycell"),
        "pattern": pattern,
        "name": template_sql(rules.multiband_name, columns),
        "release": exp.func("split_part", columns["prefix"].copy(), exp.convert("_"),
                            exp.convert(rules.multiband_release_field)),
    })
    return tree.sql(dialect="duckdb", pretty=True)


def run(sql: str, tables: dict, engine=None):
    """Run ``sql`` with ``tables`` registered under their names; return an Arrow table.

    Parameters
    ----------
    sql : str
    tables : dict of str -> pyarrow.Table
        E.g. ``{FILES: ..., MATCHES: ...}``; unregistered afterwards.
    engine : asnsql.engine.Engine, optional
        Default: a new in-memory engine, closed afterwards.

    Returns
    -------
    pyarrow.Table
    """
    from ...engine import Engine

    own = engine is None
    engine = engine or Engine()
    try:
        for name, table in tables.items():
            engine.register(name, table)
        try:
            return engine.arrow(sql)
        finally:
            for name in tables:
                engine.unregister(name)
    finally:
        if own:
            engine.close()

