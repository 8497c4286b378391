"""``asnsql validate``: check association files against the Level-2b / Level-3 schemas."""

from __future__ import annotations

import click


class _Invalid(click.ClickException):
    """Exit status 1 after the report was printed (some file is not valid)."""

    exit_code = 1

    def show(self, file=None):
        click.echo(f"asnsql: {self.message}", err=True)


def _problems(path: str, level: str | None, strict: bool) -> list[str]:
    """Every problem of one file, each ``$.json.path: message`` (``$`` for the whole file)."""
    import json
    from pathlib import Path, PurePath

    from ..io import validate

    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        return [f"$: cannot read: {getattr(err, 'strerror', None) or err}"]
    if Path(path).suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as err:
            return [f"$: not YAML: {' '.join(str(err).split())}"]
    else:
        try:
            data = json.loads(text)
        except ValueError as err:
            return [f"$: not JSON: {err}"]
    problems = validate(data, level)
    if strict and not problems:
        from ..fromlist import KNOWN_EXPTYPES

        for i, product in enumerate(data["products"]):
            for j, member in enumerate(product["members"]):
                where = f"$.products[{i}].members[{j}]"
                if member["exptype"] not in KNOWN_EXPTYPES:
                    problems.append(f"{where}.exptype: unknown exptype {member['exptype']!r}")
                if str(PurePath(member["expname"]).parent) != ".":
                    problems.append(f"{where}.expname: {member['expname']!r} has a folder; "
                                    "members are found relative to the association file")
    return problems


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
    be read or parsed are reported the same way. Exit status 0 when every file is valid,
    1 otherwise.

    \b
    Examples:
      asnsql validate out/*_asn.json
      asnsql validate -q --level level3 my_asn.json
      asnsql validate --strict mosaic_asn.json
    """
    invalid = 0
    for path in associations:
        problems = _problems(path, level, strict)
        if problems:
            invalid += 1
            for problem in problems:
                click.echo(f"{path}: {problem}")
        elif not quiet:
            click.echo(f"OK {path}")
    if invalid:
        raise _Invalid(f"{invalid} of {len(associations)} files not valid")


commands = [validate_command]
