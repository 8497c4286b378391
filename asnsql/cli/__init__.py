"""The ``asnsql`` command line; the only package that imports click.

Each command turns its options into one library call and formats the result. Errors
(:class:`~asnsql.errors.AsnsqlError`) become one line on stderr and a non-zero exit code,
in one place (:func:`main`).
"""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from pathlib import Path

import click

from ..errors import AsnsqlError, AsnsqlWarning, Interrupted

__all__ = ["main", "cli"]


class _GreedyOption(click.Option):
    """An option taking one or more values: ``-i o001 c1000`` (argparse's ``nargs='+'``).

    Values are read up to the next option, as ``asn_generate -i`` does; give the pool before
    ``-i``, as with the reference.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("multiple", True)
        super().__init__(*args, **kwargs)
        self._previous_process = None

    def add_to_parser(self, parser, ctx):
        result = super().add_to_parser(parser, ctx)
        prefixes = set()
        for opt in self.opts:
            prefixes.add(opt)
        for name in prefixes:
            option = parser._long_opt.get(name) or parser._short_opt.get(name)
            if option is None:
                continue
            previous = option.process

            def process(value, state, previous=previous):
                values = [value]
                while state.rargs and not state.rargs[0].startswith("-"):
                    values.append(state.rargs.pop(0))
                for v in values:
                    previous(v, state)

            option.process = process
        return result


class _Progress:
    """A progress bar on stderr for long runs; silent when stderr is not a terminal."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and sys.stderr.isatty()
        self.bar = None
        self.shown = 0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < 50_000:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="pool rows", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.shown)
        self.shown = done

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)


def _warn_to_stderr(message, category, filename, lineno, file=None, line=None):
    prefix = "warning" if issubclass(category, AsnsqlWarning) else category.__name__
    click.echo(f"asnsql: {prefix}: {message}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="asnsql", prog_name="asnsql")
@click.option("--debug", is_flag=True,
              help="On an error, print its full text and the Python traceback.")
def cli(debug):
    """Generate JWST associations from pools with SQL (DuckDB).

    \b
    Examples:
      asnsql generate jw00623_20220802t123456_pool.csv -p out/
      asnsql generate pool.csv --version-id v0 -i o001 c1000
      asnsql sql pool.csv "SELECT exp_type, count(*) FROM pool GROUP BY ALL"
      asnsql why pool.csv jw00623001001_02101_00001_mirimage_rate.fits
      asnsql from-list -o my_asn.json --product-name mosaic *_cal.fits
      asnsql diff truth/ out/
      asnsql explain Asn_Lv3Image
      asnsql rules
    """


def _per_pool_note(given: bool) -> None:
    """``--per-pool-algorithm``: one line saying why it changes nothing."""
    if given:
        # (asn_generate: the original algorithm over the whole pool instead of candidate by
        # candidate; asnsql's queries give the default per-candidate algorithm's output)
        click.echo("asnsql: note: --per-pool-algorithm changes nothing: asnsql has one "
                   "algorithm, whose output is asn_generate's default (per candidate)",
                   err=True)


@contextlib.contextmanager
def _debug_errors(enabled: bool):
    """``generate -D``: on any error, print its full text and traceback (stderr), then let
    :func:`main` report it and choose the exit code as usual."""
    try:
        yield
    except Exception as err:
        if enabled:
            import traceback

            traceback.print_exception(type(err), err, err.__traceback__, file=sys.stderr)
        raise


def _print_timings(timings: dict[str, float] | None) -> None:
    """``generate -v``: the seconds of each phase, and their total, on stderr."""
    if timings is None:
        return
    for phase, seconds in timings.items():
        click.echo(f"asnsql: {phase:>16s} {seconds:8.3f} s", err=True)
    click.echo(f"asnsql: {'total':>16s} {sum(timings.values()):8.3f} s", err=True)


@cli.command()
@click.argument("pool", type=click.Path(dir_okay=False))
@click.option("-p", "--path", "path", default=".", show_default=True,
              type=click.Path(file_okay=False), help="Folder to write associations into.")
@click.option("--version-id", is_flag=False, flag_value="", default=None,
              help="Version id in file names; without a value, the current UTC time.")
@click.option("-i", "--ids", "ids", cls=_GreedyOption,
              help="Only these candidates (e.g. -i o001 c1000); give POOL first.")
@click.option("--discover", is_flag=True, help="Discovered associations only.")
@click.option("--all-candidates", is_flag=True, help="Candidate associations only.")
@click.option("--dry-run", is_flag=True, help="Generate but write nothing.")
@click.option("-d", "--delimiter", default="|", show_default=True,
              help="Field delimiter of the pool.")
@click.option("--pool-format", default=None,
              help="Read the pool with astropy in this format (e.g. ascii.ecsv, fits).")
@click.option("--DMS", "dms", is_flag=True,
              help="With -i: also run background candidates of those rows, and keep only the "
                   "associations of the ids given.")
@click.option("--no-finalize", is_flag=True,
              help="Skip finalisation (no splitting or pruning; invalid ones not written).")
@click.option("--merge", is_flag=True,
              help="Merge Level-2 associations of one candidate and type into one file.")
@click.option("--no-merge", is_flag=True, hidden=True,
              help="Deprecated no-op (not merging is the default).")
@click.option("--save-orphans", is_flag=False, flag_value="orphaned.csv", default=None,
              help="Write the pool rows in no association to this file in PATH "
                   "(default name orphaned.csv).")
@click.option("--orphans-whole-pool", is_flag=True,
              help="With --save-orphans, write every pool row, as asn_generate does.")
@click.option("-r", "--rules", "rule_files", multiple=True, type=click.Path(dir_okay=False),
              help="Extra rule file (asnsql YAML); repeatable.")
@click.option("--ignore-default", is_flag=True, help="Do not load the default JWST rules.")
@click.option("--format", "fmt", type=click.Choice(["json", "yaml", "jsonl", "parquet"]),
              default="json", show_default=True,
              help="json/yaml: a file per association (as asn_generate); jsonl: one "
                   "associations.jsonl; parquet: associations/products/members tables.")
@click.option("--by-program", is_flag=True,
              help="Take each program of an archive pool as a pool of its own.")
@click.option("--db", "database", type=click.Path(dir_okay=False),
              help="Also store the pool and its associations in this DuckDB database "
                   "(created if missing; a pool of the same file name is replaced).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary line.")
@click.option("-v", "--verbose", is_flag=True,
              help="Also print the time each phase took (on stderr).")
@click.option("-D", "--debug", is_flag=True,
              help="As -v, and on an error print its full text and the Python traceback.")
@click.option("--skip-undefined-exptype", is_flag=True,
              help="Leave out rows without exp_type (and no non-science pntgtype) instead "
                   "of stopping as asn_generate does.")
@click.option("--per-pool-algorithm", is_flag=True,
              help="Accepted for asn_generate compatibility; changes nothing (see the note).")
@click.option("--engine", "run_on", type=click.Choice(["duckdb", "spark"]), default="duckdb",
              show_default=True,
              help="spark: generate on Apache Spark (asnsql[spark]; with --by-program the "
                   "programs spread over the cluster) and write Parquet tables into PATH.")
@click.option("--master", default=None,
              help="With --engine spark: the Spark master URL (default: spark-submit's, "
                   "else local[*]).")
@click.version_option(package_name="asnsql", prog_name="asnsql generate",
                      help="Show the version and exit.")
def generate(pool, path, version_id, ids, discover, all_candidates, dry_run, delimiter,
             pool_format, dms, no_finalize, merge, no_merge, save_orphans,
             orphans_whole_pool, rule_files, ignore_default, fmt, by_program, database,
             quiet, verbose, debug, skip_undefined_exptype, per_pool_algorithm, run_on,
             master):
    """Generate associations from POOL and write them into PATH.

    Options follow asn_generate (jwst 3.0.0). Without -i, --discover or --all-candidates,
    both candidate and discovered associations are made.

    \b
    Examples:
      asnsql generate examples/jw88600_20171108T051731_pool.csv -p out/ --version-id v0
      asnsql generate pool.csv --discover --dry-run
      asnsql generate pool.csv -i o001 c1000 --DMS --save-orphans
      asnsql generate pool.csv -p out/ --db archive.duckdb
    """
    from ..generate import Options, generate_files
    from ..ruleset import load_rules

    if sum([bool(ids), discover, all_candidates]) > 1:
        raise click.UsageError("-i/--ids, --discover and --all-candidates are mutually "
                               "exclusive")
    rules = None
    if rule_files or ignore_default:
        rules = load_rules(list(rule_files), include_default=not ignore_default)
    if no_merge:
        warnings.warn("--no-merge is deprecated: not merging is the default", AsnsqlWarning)
    _per_pool_note(per_pool_algorithm)
    timings = {} if (verbose or debug) else None
    options = Options(ids=list(ids) or None, discover=discover, all_candidates=all_candidates,
                      dms=dms, version_id=version_id, finalize=not no_finalize, merge=merge,
                      delimiter=delimiter, pool_format=pool_format, split_programs=by_program,
                      skip_undefined_exptype=skip_undefined_exptype)
    if run_on == "spark":
        if dry_run or save_orphans or database or fmt not in ("json", "parquet"):
            raise click.UsageError("--engine spark writes Parquet tables only: no --dry-run, "
                                   "--save-orphans, --db or --format other than parquet")
        from ..spark import generate_file

        with _debug_errors(debug):
            counts = generate_file(pool, path, options, rules, master=master)
        if not quiet:
            click.echo(f"wrote {counts['associations']} associations (Parquet tables, "
                       f"Spark) to {path}", err=True)
        return
    result = None
    try:
        with _debug_errors(debug), _Progress(enabled=not quiet) as progress:
            result = generate_files(pool, path, rules=rules, options=options, fmt=fmt,
                                    dry_run=dry_run, save_orphans=save_orphans,
                                    orphans_whole_pool=orphans_whole_pool,
                                    database=database, progress=progress, timings=timings,
                                    keep_associations=False)
        _print_timings(timings)
        if not quiet:
            _print_summary(result, path, dry_run)
    except KeyboardInterrupt as err:
        # (once the output is in place, Ctrl-C must not say that nothing was changed)
        if result is None or isinstance(err, Interrupted) or (dry_run and not database):
            raise
        from ..generate import written_note

        raise Interrupted(written_note(path, dry_run, database)) from None


def _print_summary(result, path, dry_run: bool) -> None:
    """The one-line summary of ``asnsql generate`` (on stderr)."""
    counts = result.type_counts()
    detail = ", ".join(f"{t} {n}" for t, n in sorted(counts.items())) or "none"
    verb = "would write" if dry_run else "wrote"
    click.echo(f"{verb} {sum(counts.values())} associations ({detail}) to {path}; "
               f"{len(result.orphans)} of {result.pool.rows} pool rows in no association",
               err=True)


@cli.command()
@click.argument("rule", required=False)
@click.option("-r", "--rules", "rule_files", multiple=True, type=click.Path(dir_okay=False),
              help="Extra rule file (asnsql YAML); repeatable.")
@click.option("--ignore-default", is_flag=True, help="Do not load the default JWST rules.")
@click.option("--checks", is_flag=True,
              help="Print the rule's conditions one by one, as `asnsql why` evaluates them.")
@click.option("--roman", is_flag=True,
              help="Print Roman's SQL instead: the skycell overlap, skycell_wcs_info, and the "
                   "skycell-asn (default product type) and multiband-asn groupings.")
def explain(rule, rule_files, ignore_default, checks, roman):
    """Print the SQL that RULE compiles to (every rule without RULE).

    \b
    Examples:
      asnsql explain Asn_Lv2Image
      asnsql explain Lv3Image
      asnsql explain Lv3Image --checks
      asnsql explain --roman
    """
    from dataclasses import replace

    from ..compile import checks_text, rule_sql
    from ..ruleset import load_rules

    if roman:
        _explain_roman()
        return
    ruleset = load_rules(list(rule_files), include_default=not ignore_default)
    if rule:
        try:
            chosen = [ruleset.get(rule)]
        except KeyError:
            raise click.UsageError(ruleset.unknown(rule)) from None
    else:
        chosen = list(ruleset)
    for r in chosen:
        if checks:
            if r.product != "none":
                click.echo(checks_text(r))
            continue
        click.echo(f"-- {r.name} ({r.asn_type}): {r.doc}")
        click.echo(rule_sql(r).rstrip() + ("" if r.product == "none" else ";"))
        click.echo()
        if r.locks and r.makes_associations:
            click.echo(f"-- {r.name} without its locks: run where the screen finds no row "
                       "that can take a locking role (the same rows, planned faster)")
            click.echo(rule_sql(replace(r, locks=())).rstrip() + ";")
            click.echo()


def _explain_roman() -> None:
    """Print the Roman profile's queries (``asnsql explain --roman``)."""
    from ..profiles.roman import overlap, queries, skymap_views
    from ..profiles.roman.rules import load_rules as load_roman_rules

    rules = load_roman_rules()
    parts = [
        ("skycell overlap: the skycells each footprint overlaps (find_skycell_matches)",
         overlap.overlap_sql()),
        ("skycell_wcs_info of the matched skycells", skymap_views.skycell_wcs_info_sql()),
        (f"skycell-asn grouping (--product-type {rules.default_product_type})",
         queries.skycell_query(rules, rules.default_product_type, "r00001", "p")),
        ("multiband-asn grouping", queries.multiband_query(rules)),
    ]
    for title, sql in parts:
        click.echo(f"-- roman: {title}")
        click.echo(sql.rstrip().rstrip(";") + ";")
        click.echo()


@cli.command(name="rules")
@click.option("-r", "--rules", "rule_files", multiple=True, type=click.Path(dir_okay=False),
              help="Extra rule file (asnsql YAML); repeatable.")
@click.option("--ignore-default", is_flag=True, help="Do not load the default JWST rules.")
def list_rules(rule_files, ignore_default):
    """List the rules in registry order, with their asn_type and description.

    \b
    Example:
      asnsql rules -r my_rules.yaml
    """
    from ..ruleset import load_rules

    for r in load_rules(list(rule_files), include_default=not ignore_default):
        click.echo(f"{r.name:28s} {r.asn_type:14s} {r.doc}")


#: Modules of this package that define more commands (each has a ``commands`` list).
_COMMAND_MODULES = ("sql", "from_list", "make_pool", "edit", "gather", "diff", "validate", "roman")


def _register() -> None:
    import importlib

    for name in _COMMAND_MODULES:
        for command in importlib.import_module(f"{__name__}.{name}").commands:
            cli.add_command(command)


_register()


def _debug_requested(argv) -> bool:
    """Whether ``--debug`` comes before the command name (the group's option)."""
    for arg in argv:
        if arg == "--debug":
            return True
        if not arg.startswith("-"):
            return False
    return False


#: Exit code of an unexpected exception (a bug or an unforeseen input): EX_SOFTWARE.
INTERNAL_ERROR = 70
#: Exit code when stdout's reader has gone (128 + SIGPIPE, as a shell reports it).
BROKEN_PIPE = 141


def _drop_stdout() -> None:
    """Point stdout at the null device (its reader has closed the pipe)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def main(argv=None) -> int:
    """Run the command line; return the exit code.

    Every failure ends here, as one line on stderr: an :class:`AsnsqlError` with its exit
    code; Ctrl-C (``KeyboardInterrupt``, click's ``Abort`` and DuckDB's interrupted query
    alike) as ``interrupted; nothing was changed`` with 130; anything else as an internal
    error (70). Long quoted values are cut (:func:`asnsql.safety.one_line`); ``--debug``
    before the command prints the full message and the traceback instead.
    """
    import traceback

    from ..safety import one_line

    argv = list(sys.argv[1:] if argv is None else argv)
    debug = _debug_requested(argv)
    warnings.showwarning = _warn_to_stderr

    def report(err: BaseException, text: str) -> None:
        if debug:
            traceback.print_exception(type(err), err, err.__traceback__, file=sys.stderr)
            click.echo(f"asnsql: {text}", err=True)
        else:
            click.echo(f"asnsql: {one_line(text)}", err=True)

    try:
        # As click's own main without standalone mode, but Ctrl-C reaches the handler
        # below directly (click's main would print an empty line first).
        with cli.make_context("asnsql", argv) as ctx:
            code = cli.invoke(ctx)
        if isinstance(code, int) and not isinstance(code, bool):
            return code
    except click.exceptions.Exit as err:
        return err.exit_code
    except (KeyboardInterrupt, click.exceptions.Abort) as err:
        report(err, str(err) if isinstance(err, Interrupted) else
               "interrupted; nothing was changed")
        return 130
    except click.ClickException as err:
        err.show()
        return err.exit_code
    except AsnsqlError as err:
        if _interrupted(err):
            report(err, "interrupted; nothing was changed")
            return 130
        report(err, f"error: {err}")
        return err.exit_code
    except RecursionError as err:
        report(err, "error: input nested too deeply to read (RecursionError)")
        return INTERNAL_ERROR
    except BrokenPipeError:
        # The reader of stdout went away (``asnsql explain | head``): not an error of
        # asnsql; stop quietly, as a program killed by SIGPIPE would (128 + 13). Output
        # still buffered for the closed pipe goes nowhere, so that flushing it when the
        # interpreter exits raises nothing.
        _drop_stdout()
        return BROKEN_PIPE
    except Exception as err:  # noqa: BLE001 - the one place that turns bugs into one line
        report(err, f"internal error: {type(err).__name__}: {err} (run 'asnsql --debug "
                    "...' for the traceback and report it)")
        return INTERNAL_ERROR
    return 0


def run() -> None:
    """The ``asnsql`` program (and ``python -m asnsql``): :func:`main`, then exit with its
    code.

    Once :func:`main` has returned, Ctrl-C is ignored: the command's work is done (its
    output in place), and a SIGINT while the interpreter shuts down would otherwise kill the
    process with Python's default handler (exit -2) instead of ending through main's one
    interrupt path (130).
    """
    import signal

    _keep_pandas_out(sys.argv[1:])
    code = None
    try:
        code = main()
    except KeyboardInterrupt:  # (only between main's return and the next line)
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.exit(130 if code is None else code)


def _keep_pandas_out(argv: list[str]) -> None:
    """Stop DuckDB importing pandas in the ``asnsql`` program.

    Where pandas is installed (the ``spark`` extra brings it), DuckDB's parameter binder
    imports it on the first bound value, to test for pandas types: about 1.3 s, four times a
    small pool's whole run. The command line binds no pandas object, and only ``--engine
    spark`` (PySpark) needs pandas, so elsewhere the program makes importing it fail
    (ImportError, as where it is not installed). The library (:func:`main` in-process, the
    Python API) leaves the import system alone.

    Not ``sys.modules["pandas"] = None``: Cython modules (pyarrow's pandas shim, used by
    ``--format parquet``) look a module up in ``sys.modules`` without the import system's
    check for None, and take None for pandas itself.
    """
    if "pandas" not in sys.modules and not any(a.endswith("spark") for a in argv):
        sys.meta_path.insert(0, _NoPandas())


class _NoPandas:
    """An import finder that refuses pandas (and its submodules): the import fails with
    :class:`ModuleNotFoundError`, as where pandas is not installed.

    It finds a spec whose loader refuses to make the module, rather than raising in
    :meth:`find_spec`: ``importlib.util.find_spec("pandas")`` (astropy's optional
    dependency check, met when reading Roman files) must not raise.
    """

    def find_spec(self, name, path=None, target=None):
        """A spec this finder's loader refuses, for pandas; ``None`` (not mine) otherwise."""
        if name == "pandas" or name.startswith("pandas."):
            from importlib.machinery import ModuleSpec

            return ModuleSpec(name, self)
        return None

    def create_module(self, spec):
        """Refuse: pandas is kept out of the asnsql program."""
        raise ModuleNotFoundError(f"No module named {spec.name!r} (kept out of the asnsql "
                                  "program)", name=spec.name)

    def exec_module(self, module):  # pragma: no cover - create_module refused
        """Never reached."""


def _interrupted(err: AsnsqlError) -> bool:
    """Whether an error is DuckDB's report of a query stopped by Ctrl-C."""
    return "INTERRUPT Error" in str(err) or "Query interrupted" in str(err)


if __name__ == "__main__":  # pragma: no cover
    run()
