"""``asnsql validate``: check association files against the Level-2b / Level-3 schemas."""

from __future__ import annotations

import click


class _Invalid(click.ClickException):
    """Exit status 1 after the report was printed (some file is not valid)."""

    exit_code = 1

    def show(self, file=None):
        click.echo(f"asnsql: {self.message}", err=True)


@click.command(name="validate")
@click.argument("associations", nargs=-1, required=True, type=click.Path(dir_okay=False),
                metavar="ASSOCIATION...")
@click.option("--level", type=click.Choice(["level2b", "level3"]), default=None,
              help="Schema to use (default: level3 when asn_type ends in 3, else level2b).")
@click.option("--strict", is_flag=True,
              help="Also report unknown member exptypes and expnames with a folder.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the problems.")
def validate_command(associations, level, strict, quiet):
    """Check association files against the association JSON schemas.

    Prints "OK FILE" for each valid file and one line per problem otherwise
    ("FILE: $.products[0].members[2]: 'exptype' is a required property"); files that cannot
    be read or parsed are reported the same way. A .jsonl file (generate --format jsonl) is
    checked line by line ("FILE: NAME: $..."). Exit status 0 when every file is valid,
    1 otherwise.

    \b
    Examples:
      asnsql validate out/*_asn.json
      asnsql validate -q --level level3 my_asn.json
      asnsql validate --strict mosaic_asn.json
    """
    from ..asnread import validate_file

    invalid = 0
    for path in associations:
        problems = validate_file(path, level, strict)
        if problems:
            invalid += 1
            for problem in problems:
                click.echo(f"{path}: {problem}")
        elif not quiet:
            click.echo(f"OK {path}")
    if invalid:
        raise _Invalid(f"{invalid} of {len(associations)} files not valid")


commands = [validate_command]
