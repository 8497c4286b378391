"""The SQL that makes a load's pool tables: ``pool_index`` (each source's column
positions), ``pool_defined`` (every row split once: the columns the rules read as defined
values, the raw columns as read, the profile's derived columns), ``pool`` (each row's pool
unit, by source or by program) and the ``pool_raw`` view; built with sqlglot, run by
:func:`asnsql.pool.load_pools` (spec section 1.1 for what "defined" means).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from .profiles import Profile

__all__ = ["CORE_RAW_COLUMNS", "pool_tables_sql", "table_columns"]

#: Values (as read) the core reads beside a profile's raw columns: a row's program (pool
#: units by program) and candidates (spec section 6.2).
CORE_RAW_COLUMNS = ("program", "asn_candidate")


def _c(name: str):
    from sqlglot import exp

    return exp.column(name, quoted=True)


def _ident(name: str):
    from sqlglot import exp

    return exp.to_identifier(name, quoted=True)


def _raw_columns(profile: Profile) -> tuple[str, ...]:
    """The values ``pool_defined`` keeps as read: the profile's and the core's."""
    return tuple(dict.fromkeys(profile.raw_columns + CORE_RAW_COLUMNS))


def table_columns(profile: Profile, columns: Iterable[str] | None = None,
                  defined: Iterable[str] | None = None) -> tuple[list[str], list[str]]:
    """The columns of ``pool_raw`` and ``pool_defined`` for a load (see :func:`load_pools`).

    Parameters
    ----------
    profile : Profile
        Its required, raw and derived-input columns are always there.
    columns : iterable of str, optional
        Columns ``pool_raw`` gives (default: the profile's standard columns).
    defined : iterable of str, optional
        Columns ``pool_defined`` gives as defined values (default: ``columns``).

    Returns
    -------
    (list of str, list of str)
        ``pool_raw``'s and ``pool_defined``'s columns, sorted.
    """
    always = set(profile.pool.required) | set(_raw_columns(profile))
    columns = set(profile.pool.standard if columns is None else columns)
    return (sorted(columns | always),
            sorted(set(columns if defined is None else defined) | always
                   | set(profile.derived_inputs)))


def pool_tables_sql(profile: Profile, columns: list[str], defined_columns: list[str],
                    split_programs: bool) -> str:
    """The statements making ``pool_index``, ``pool_defined``, ``pool`` and ``pool_raw``
    from ``pool_rows`` (``;\n``-separated SQL text, built with sqlglot).

    Each row is split once, into ``pool_defined``; ``pool`` (the row's unit and raw
    ``program`` and ``asn_candidate``) is taken from there. ``columns`` and
    ``defined_columns`` come from :func:`table_columns`.
    """
    from sqlglot import exp

    index = exp.select(_c("src"), *[
        exp.alias_(exp.func("list_position", _c("header"), exp.Literal.string(c)),
                   _ident(f"i_{c}")) for c in columns]).from_("pool_sources")
    # pool_raw: every column the rules read, as read (a view: split for the rows asked).
    raw = (exp.select(exp.column("src", table="r"), exp.column("pos", table="r"), *[
        exp.alias_(exp.Anonymous(this="list_extract", expressions=[
            exp.column("fields", table="r", quoted=True),
            exp.column(f"i_{c}", table="i", quoted=True)]), _ident(c)) for c in columns])
        .from_(exp.alias_(exp.to_table("pool_rows"), "r"))
        .join(exp.alias_(exp.to_table("pool_index"), "i"), on="r.src = i.src"))
    statements = [
        exp.Create(this=exp.to_table("pool_index"), kind="TABLE", replace=True,
                   expression=index),
        exp.Create(this=exp.to_table("pool_defined"), kind="TABLE", replace=True,
                   expression=_defined_select(profile, defined_columns)),
        exp.Create(this=exp.to_table("pool"), kind="TABLE", replace=True,
                   expression=_units_select(split_programs)),
        exp.Create(this=exp.to_table("pool_raw"), kind="VIEW", replace=True, expression=raw),
    ]
    return ";\n".join(s.sql(dialect="duckdb") for s in statements)


def _defined_select(profile: Profile, defined_columns: list[str]):
    """``pool_defined``: every column the rules read as *defined* values, the raw columns as
    read (``pool`` takes program and asn_candidate from them) and the derived columns.

    Each row is split once, after its columns' positions are joined to it (a list carried
    through a join is copied); text lines and rows stored split are two branches (a CASE
    choosing between lists copies them too). The EMPTY test runs once per value as a list
    transform (cheaper than one expression per column); an empty field of a text line reads
    as 'null' (asn_as_read, as in asn_fields), which the raw columns restore.
    """
    from sqlglot import exp

    raw_columns = _raw_columns(profile)
    needed = sorted(set(defined_columns) | set(raw_columns))

    def lines(values: exp.Expression, text: bool) -> exp.Select:
        kind = exp.column("line", table="l").is_(exp.null())
        return (exp.select(exp.column("src", table="l"), exp.column("lineno", table="l"),
                           exp.column("pos", table="l"),
                           *[exp.column(f"i_{c}", table="i", quoted=True) for c in needed],
                           exp.alias_(values, "fields"))
                .from_(exp.alias_(exp.to_table("pool_lines"), "l"))
                .join(exp.alias_(exp.to_table("pool_sources"), "f"), using=["src"])
                .join(exp.alias_(exp.to_table("pool_index"), "i"), on="l.src = i.src")
                .where(exp.and_(exp.Not(this=exp.column("pos", table="l").is_(exp.null())),
                                exp.Not(this=kind) if text else kind)))

    split = exp.union(
        lines(exp.func("string_split", exp.column("line", table="l"),
                       exp.column("delim", table="f")), text=True),
        lines(exp.column("fields", table="l"), text=False), distinct=False)
    with_defined = exp.select("*", exp.alias_(
        exp.func("list_transform", exp.column("fields"),
                 exp.Lambda(this=exp.func("asn_value", exp.column("v")),
                            expressions=[exp.to_identifier("v")])),
        "defined")).from_(split.subquery("s"))

    def value(column: str, values: str) -> exp.Expression:
        return exp.Anonymous(this="list_extract", expressions=[
            exp.column(values, table="r", quoted=True),
            exp.column(f"i_{column}", table="r", quoted=True)])

    defined = exp.select(
        exp.column("src", table="r"), exp.column("pos", table="r"),
        exp.column("lineno", table="r"),
        exp.alias_(exp.func("len", exp.column("fields", table="r", quoted=True)), "n_fields"),
        *[exp.alias_(exp.func("asn_as_read", value(c, "fields")), _ident(f"raw_{c}"))
          for c in raw_columns],
        *[exp.alias_(value(c, "defined"), _ident(c)) for c in defined_columns],
    ).from_(with_defined.subquery("r"))
    return exp.select(
        "*",
        *[exp.alias_(exp.func(d.macro, *[_c(a) for a in d.arguments]), _ident(d.name))
          for d in profile.pool.derived],
    ).from_(defined.subquery("d"))


def _units_select(split_programs: bool):
    """``pool``: each row's unit and the raw values the candidate runs read."""
    from sqlglot import exp

    wide = exp.select(_c("src"), _c("pos"), _c("lineno"),
                      exp.alias_(_c("raw_program"), "program"),
                      exp.alias_(_c("raw_asn_candidate"), "asn_candidate")).from_("pool_defined")
    if not split_programs:
        return exp.select(exp.alias_(_c("src"), "pool_id"), "*").from_(wide.subquery("w"))
    # One pool unit per (source, program), numbered by first appearance.
    pool_id = exp.Window(this=exp.func("dense_rank"), order=exp.Order(expressions=[
        exp.Ordered(this=_c("src")), exp.Ordered(this=_c("first_pos"))]))
    units = exp.select(_c("src"), _c("program"),
                       exp.alias_(exp.Sub(this=pool_id, expression=exp.Literal.number(1)),
                                  "pool_id")).from_(
        exp.select(_c("src"), _c("program"),
                   exp.alias_(exp.Min(this=_c("pos")), "first_pos"))
        .from_("w").group_by(_c("src"), _c("program")).subquery("u0"))
    return (exp.select(exp.column("pool_id", table="u"), "w.*")
            .from_("w").join(exp.alias_(exp.to_table("units"), "u"),
                             on="w.src = u.src AND w.program IS NOT DISTINCT FROM u.program")
            .order_by(exp.column("pos", table="w"))
            .with_("w", as_=wide).with_("units", as_=units))
