"""``asnsql sql`` (ad-hoc SQL over pools and associations) and ``asnsql why``."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import click

FORMATS = ["table", "csv", "json", "jsonl", "parquet"]


class _StdinPool:
    """``-`` as a pool: standard input copied to a temporary file named ``stdin``."""

    def __init__(self, pools: tuple[str, ...]):
        self.pools = list(pools)
        self.folder = None

    def __enter__(self) -> list[str]:
        if "-" in self.pools:
            self.folder = tempfile.mkdtemp(prefix="asnsql-stdin-")
            path = Path(self.folder) / "stdin"
            with open(path, "wb") as out:
                shutil.copyfileobj(sys.stdin.buffer, out)
            self.pools = [str(path) if p == "-" else p for p in self.pools]
        return self.pools

    def __exit__(self, *exc):
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)


@click.command(name="sql")
@click.argument("pools", nargs=-1, metavar="[POOL]...")
@click.argument("statement", metavar="SQL", required=False)
@click.option("--associations", is_flag=True,
              help="Also run the generator: tables associations, products, members.")
@click.option("--db", "database", type=click.Path(dir_okay=False),
              help="A DuckDB database keeping pools and associations across runs.")
@click.option("--write", is_flag=True,
              help="Open --db for writing (pools given are stored; statements may change it).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table",
              show_default=True, help="Output format of the result.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the result to this file (whole or not at all) instead of stdout.")
@click.option("-d", "--delimiter", default="|", show_default=True,
              help="Field delimiter of the pools.")
@click.option("--pool-format", default=None, help="astropy table format of the pools.")
@click.option("--version-id", is_flag=False, flag_value="", default=None,
              help="With --associations: as for generate.")
@click.option("--schema", is_flag=True,
              help="Print the tables' columns and types (of the pools given, or of a "
                   "sample pool; of --db) instead of running SQL.")
def sql(pools, statement, associations, database, write, fmt, output, delimiter, pool_format,
        version_id, schema):
    """Run SQL over pools (and their associations).

    One pool is the table `pool`; several are tables named by file stem
    (jw00623_20220802t123456_pool). Also: pools (one row per pool), pool_candidates
    (pool, pool_row, candidate, type, position) and, with --associations or a database
    made by `generate --db`, associations, products and members. Values are as generate
    reads them: lower-cased strings, 'null' for empty cells. POOL `-` reads standard input.

    \b
    Examples:
      asnsql sql pool.csv "SELECT exp_type, count(*) FROM pool GROUP BY ALL ORDER BY 2 DESC"
      asnsql sql pool.csv --associations \\
          "SELECT asn_type, count(*) FROM associations GROUP BY ALL"
      asnsql sql pool.csv --associations "SELECT p.filename FROM pool p ANTI JOIN members m
          USING (pool_row)" --format csv -o orphans.csv
      cat pool.csv | asnsql sql - "SELECT count(*) FROM pool"
      asnsql sql --db archive.duckdb "SELECT pool, rows FROM pools"
      asnsql sql --db archive.duckdb --write new_pool.csv --associations "SELECT 1"
      asnsql sql --schema                  # every table's columns (docs/TABLES.md)
    """
    from ..publish import write_file_atomic
    from ..session import Session, write_result

    if schema:
        # (no SQL: the last argument is a pool too)
        _print_schema(pools + ((statement,) if statement else ()), database,
                      delimiter=delimiter, pool_format=pool_format)
        return
    if statement is None:
        raise click.UsageError("Missing argument 'SQL'.")

    if write and not database:
        raise click.UsageError("--write needs --db FILE")
    if fmt == "parquet" and not output:
        raise click.UsageError("--format parquet needs -o FILE")
    if output:
        _refuse_input_as_output(output, [database, *pools])
    with _StdinPool(pools) as paths, Session(database, write=write) as session:
        names = [Path(p).name if p != "-" else "stdin" for p in pools]
        tables = session.add_pools(paths, associations=associations, names=names,
                                   delimiter=delimiter, pool_format=pool_format,
                                   version_id=version_id) if paths else []
        if len(tables) == 1:
            session.name_pool(tables[0])
        result = session.query(statement)
    if result is None:
        return
    data = write_result(result, fmt)
    if output:
        write_file_atomic(output, data)
    else:
        stream = sys.stdout.buffer
        stream.write(data)
        stream.flush()


def _refuse_input_as_output(output: str, inputs: list) -> None:
    """-o must not name the database or a pool read (it would be overwritten)."""
    import os

    for given in inputs:
        if not given or given == "-":
            continue
        try:
            same = os.path.samefile(output, given)
        except OSError:
            same = os.path.abspath(output) == os.path.abspath(given)
        if same:
            raise click.UsageError(f"-o {output} names an input ({given}); the result "
                                   "would overwrite it. Give another file")


def _print_schema(pools: tuple[str, ...], database: str | None, **options) -> None:
    """``sql --schema``: one line per column, ``table column TYPE``, read from DuckDB."""
    from ..schema import describe, table_columns
    from ..session import Session

    if database:
        with Session(database) as session:
            rows = table_columns(session)
    else:
        with _StdinPool(pools) as paths:
            rows = describe(paths, **options)
    for table, column, kind in rows:
        click.echo(f"{table:16s} {column:18s} {kind}")


@click.command(name="why")
@click.argument("pool", type=click.Path(dir_okay=False))
@click.argument("exposure", metavar="EXPNAME_OR_ROW")
@click.option("-r", "--rules", "rule_files", multiple=True, type=click.Path(dir_okay=False),
              help="Extra rule file (asnsql YAML); repeatable.")
@click.option("--ignore-default", is_flag=True, help="Do not load the default JWST rules.")
@click.option("-d", "--delimiter", default="|", show_default=True,
              help="Field delimiter of the pool.")
@click.option("--pool-format", default=None, help="astropy table format of the pool.")
@click.option("--failing/--all", "failing_only", default=False,
              help="Only the rules that do not take the exposure (default: all).")
def why(pool, exposure, rule_files, ignore_default, delimiter, pool_format, failing_only):
    """Explain what the rules make of one exposure of POOL.

    EXPNAME_OR_ROW is the pool's filename value (another suffix also finds it) or a row
    number (from 0, as pool_row in `asnsql sql`). Prints the associations it joined and,
    for every rule, the first condition it fails (with the values read) or that it passes
    all; computed by evaluating the compiled rules' conditions in SQL.

    \b
    Examples:
      asnsql why jw00623_pool.csv jw00623001001_02101_00001_mirimage_rate.fits
      asnsql why jw00623_pool.csv 12
    """
    from ..ruleset import load_rules
    from ..why import explain

    rules = None
    if rule_files or ignore_default:
        rules = load_rules(list(rule_files), include_default=not ignore_default)
    found = explain(pool, exposure, rules, delimiter=delimiter, pool_format=pool_format)
    line = f", line {found.lineno}" if found.lineno else ""
    click.echo(f"{found.filename} (pool row {found.pool_row}{line}; exp_type "
               f"{found.exp_type})")
    if found.memberships:
        click.echo(f"member of {len(found.memberships)} association product(s):")
        for m in found.memberships:
            click.echo(f"  {m.association}  {m.asn_type}  rule {m.rule}  product {m.product}"
                       f"  as {m.exptype}")
    else:
        click.echo("member of no association")
    width = max((len(v.rule) for v in found.rules), default=0)
    click.echo("rules:")
    for verdict in found.rules:
        if failing_only and verdict.ok:
            continue
        click.echo(f"  {verdict.rule:{width}s}  {verdict.describe()}")
    if found.note:
        click.echo(f"note: {found.note}")


commands = [sql, why]
