"""Hand-built rules and a tiny ``run_items`` for the compiler's unit tests.

The rules are written in the IR (:mod:`asnsql.model`), not read from rule files, so each
test pins one pass of the compiler. :func:`run` executes a compiled query on a few rows in
an in-memory DuckDB with the two exposure-type macros the rules use.
"""

from __future__ import annotations

from asnsql.model import AttrTest, ExptypeTest, Key, Role, Rule

#: run_items columns of :func:`run`'s rows, in order.
COLUMNS = ("run", "pos", "filename", "base_exptype", "exp_type", "cand_kind", "cand_type",
           "program", "filter", "pupil", "obs_num")


def rule(name="Asn_Test", *, keys=(), record=(), roles=(Role("science"),), where=None,
         product="per_group", exptype="level3", validity=()) -> Rule:
    return Rule(name=name, level=3, asn_type="image3", index=0, where=where,
                keys=tuple(keys), record=tuple(record), roles=tuple(roles), product=product,
                exptype=exptype, validity=tuple(validity))


def image_rule(**more) -> Rule:
    """program fixed, filter fixed, pupil optional (a wildcard where undefined)."""
    return rule(keys=[Key("program", ("program",)), Key("opt_elem", ("filter",)),
                      Key("opt_elem2", ("pupil",), optional=True)],
                where=AttrTest(("exp_type",), "match", ("nrc_image",)), **more)


def science_rule(**more) -> Rule:
    """One association per science exposure; backgrounds attach to every one."""
    return rule(keys=[Key("program", ("program",))], product="per_science",
                exptype="level2",
                roles=[Role("science", when=ExptypeTest(("science",), base=True), joins="own"),
                       Role("background", when=ExptypeTest(("background",), base=True),
                            joins="all", creates=False)], **more)


def row(pos, base="science", exp_type="nrc_image", program="1", filter="f1", pupil=None,
        obs_num="1", run=0):
    return (run, pos, f"f{pos}.fits", base, exp_type, "discovered", "observation", program,
            filter, pupil, obs_num)


def run(query_sql: str, rows: list[tuple]) -> list[tuple]:
    """Rows of ``query_sql`` over ``run_items`` holding ``rows``."""
    import duckdb

    con = duckdb.connect()
    con.execute("CREATE MACRO asn_exptype_level3(base, exp_type) AS base")
    con.execute("CREATE MACRO asn_exptype_level2(base, exp_type) AS "
                "CASE WHEN base = 'psf' THEN 'science' ELSE base END")
    columns = ", ".join(f"{c} {'INTEGER' if c in ('run', 'pos') else 'VARCHAR'}"
                        for c in COLUMNS)
    con.execute(f"CREATE TABLE given_items ({columns})")
    if rows:
        con.executemany(f"INSERT INTO given_items VALUES ({', '.join('?' * len(COLUMNS))})",
                        rows)
    # (as sql/candidates.sql: whether the row's file name is on another row, or undefined)
    con.execute("CREATE VIEW run_items AS SELECT *, filename IS NULL OR "
                "count(*) OVER (PARTITION BY filename) > 1 AS filename_repeated "
                "FROM given_items")
    return con.execute(query_sql).fetchall()
