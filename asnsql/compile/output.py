"""The final select of every rule query: one row per member (:data:`RESULT_COLUMNS`), the
association's found values encoded as :mod:`asnsql.compile.results` describes."""

from __future__ import annotations

from sqlglot import exp

from . import exprs as x
from .layout import Cte
from .results import NAME_SEPARATOR, RESULT_COLUMNS, VALUE_SEPARATOR
from .rows import RuleQuery


def _separator(char: str) -> exp.Expression:
    return exp.func("chr", x.num(ord(char)))


def _found_sources(q: RuleQuery) -> dict[str, list[tuple[str, list[int], bool]]]:
    """Found-value name -> (column, roles it applies to, fixed) of each key or record."""
    layout = q.layout
    named: dict[str, list] = {}
    for i, key in enumerate(layout.keys):
        # a role that locks the key gives its value where the lock held (per_group)
        lockers = list(layout.lockers[i]) if layout.lockers else []
        named.setdefault(key.name, []).append(
            (layout.key_value(i), layout.roles_of_key(key) + lockers, i in layout.fixed))
    for i, key in enumerate(layout.records):
        named.setdefault(key.name, []).append(
            (layout.record_value(i), layout.roles_of_key(key), False))
    return named


def found_text(q: RuleQuery, members: str) -> exp.Expression:
    """The found-values text of an association, an aggregate over its ``members`` rows."""
    index = x.col("role_index", members)
    parts = []
    for name, sources in _found_sources(q).items():
        column, roles, fixed = sources[0]    # the reference reads the first node of a name
        if fixed:
            # Every member joined on this key's value, which is never undefined: the
            # one value of the association.
            parts.append(exp.DPipe(this=x.lit(name + "="),
                                   expression=exp.AnyValue(this=x.col(column, members))))
            continue
        # (the values deduplicated as a list, not by ARRAY_AGG(DISTINCT): DuckDB sets up a
        # hash table of its own for each DISTINCT aggregate, nine for Asn_Lv3Image, which
        # cost 2.4 ms against 0.5 ms on a 2-row pool; at 100k rows the same, within 1%)
        values = exp.ArrayAgg(this=x.col(column, members))
        cond = x.and_(x.not_null(x.col(column, members)),
                      exp.In(this=index.copy(), expressions=[x.num(j) for j in roles]))
        values = exp.func("list_distinct",
                          exp.Filter(this=values, expression=exp.Where(this=cond)))
        values = exp.func("list_sort", exp.func("coalesce", values, exp.Array(expressions=[])))
        parts.append(exp.DPipe(this=x.lit(name + "="), expression=exp.func(
            "array_to_string", values, _separator(VALUE_SEPARATOR))))
    # Each part is text, never NULL (an empty list joins to ''), so a plain ``||``
    # chain does what concat_ws would, in a much smaller expression.
    found = x.lit("")
    for n, part in enumerate(parts):
        found = part if n == 0 else exp.DPipe(
            this=exp.DPipe(this=found, expression=_separator(NAME_SEPARATOR)),
            expression=part)
    return found


def _found_values(q: RuleQuery, members: str) -> exp.Select:
    """Per association: its found text and the member row that carries it; with
    finalisation, only the associations holding the member exptypes the rule needs."""
    index = x.col("role_index", members)
    found = (exp.select(x.col("run", members), x.col("gid", members),
                        x.alias(found_text(q, members), "found"),
                        x.alias(exp.Min(this=x.col("pos", members)), "found_pos"))
             .from_(members, copy=False)
             .group_by(x.col("run", members), x.col("gid", members), copy=False))
    needed = q.member_types()
    if needed:
        exptype = q.role_exptype_case(index.copy(), x.col("exptype", members))
        found = found.having(x.and_(*[exp.func("bool_or", x.eq(exptype.copy(), x.lit(t)))
                                      for t in needed]), copy=False)
    return found


def result_select(q: RuleQuery, assoc: str, members: str) -> exp.Select:
    """One row per member: the association (rule, run, gid, created), the member (pos,
    role, exptype, phase) and the association's found values, on the row of its first
    member only (NULL on the others). Rows come by association (``run``, ``gid``), each
    association's in member order (``phase``, ``pos``).

    Flat rows reach Python many times faster than nested lists of structs.
    """
    found_values = Cte.FOUND
    index = x.col("role_index", members)
    columns = {
        "rule": x.alias(x.lit(q.rule.name), "rule"),
        "run": x.col("run", assoc),
        "gid": x.col("gid", assoc),
        "created": x.col("created", assoc),
        "pos": x.col("pos", members),
        "role": x.alias(q.role_name_case(index.copy()), "role"),
        "exptype": x.alias(q.role_exptype_case(index.copy(), x.col("exptype", members)),
                           "exptype"),
        "phase": x.col("phase", members),
        # on one member row of each association only: the text is the same for all
        "found": x.alias(x.case((x.eq(x.col("pos", members),
                                      x.col("found_pos", found_values)),
                                 x.col("found", found_values))), "found"),
    }
    same_association = [x.eq(x.col("run", members), x.col("run", assoc)),
                        x.eq(x.col("gid", members), x.col("gid", assoc))]
    return (exp.select(*[columns[name] for name in RESULT_COLUMNS])
            .from_(assoc, copy=False)
            .join(members, on=x.and_(*same_association), copy=False)
            .join(exp.alias_(_found_values(q, members).subquery(), found_values),
                  on=x.and_(x.eq(x.col("run", found_values), x.col("run", assoc)),
                            x.eq(x.col("gid", found_values), x.col("gid", assoc))), copy=False)
            # each association's rows together, in member order (assembly reads them so)
            .order_by(x.col("run", assoc), x.col("gid", assoc), x.col("phase", members),
                      x.col("pos", members), copy=False))
