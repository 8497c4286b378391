"""``asnsql diff``: compare two sets of associations (``compare_asn_files`` of jwst)."""

from __future__ import annotations

import click

_RIGHT = "asnsql.diff.right"


class _SplitAtDoubleDash(click.Command):
    """A command whose arguments are ``LEFT... -- RIGHT...``.

    click drops ``--`` while parsing, so the arguments after it are set aside first.
    """

    def parse_args(self, ctx, args):
        args = list(args)
        if "--" in args:
            cut = args.index("--")
            ctx.meta[_RIGHT] = args[cut + 1:]
            args = args[:cut]
        else:
            ctx.meta[_RIGHT] = None
        return super().parse_args(ctx, args)


class _Differs(click.ClickException):
    """Exit status 1 after the report was printed (the sides differ; not an error)."""

    exit_code = 1

    def show(self, file=None):
        pass


@click.command(name="diff", cls=_SplitAtDoubleDash)
@click.argument("left", nargs=-1, metavar="LEFT... [-- RIGHT...]")
@click.option("--strict-expname", is_flag=True,
              help="Pair members by exact expname (default: by exposure name, so _cal, "
                   "_calints and _x1d of one exposure are the same member).")
@click.option("--as-reference", is_flag=True,
              help="Reproduce compare_asn_files' shortcuts: stop comparing asn_type and "
                   "candidate level after the first product that differs, and call a "
                   "product a subset even when both sides have unmatched members.")
def diff(left, strict_expname, as_reference):
    """Compare two sets of associations, product by product.

    Give two folders (or two files), or any number of files and folders on each side
    separated by --. A .jsonl file (generate --format jsonl) gives its associations, one
    per line. Products must have the same names, asn_type, candidate level (first
    letter of asn_id) and members (exposure name and exptype), as jwst's compare_asn_files
    requires; file names, sequence numbers, asn_rule, version_id and order are ignored.
    Prints "equal: N products" (exit 0), or one line per difference grouped by product
    (exit 1).

    \b
    Examples:
      asnsql diff truth/ out/
      asnsql diff a_asn.json b_asn.json
      asnsql diff truth/ out/associations.jsonl
      asnsql diff truth/*_image3_*.json -- out/*_image3_*.json
      asnsql diff --strict-expname truth/ out/
    """
    from ..tools.diff import compare, load_associations

    right = click.get_current_context().meta.get(_RIGHT)
    if right is None:
        if len(left) != 2:
            raise click.UsageError("give two folders or files (LEFT RIGHT), or "
                                   "LEFT... -- RIGHT...")
        left, right = left[:1], left[1:]
    if not left or not right:
        raise click.UsageError("both sides need at least one file or folder: "
                               "LEFT... -- RIGHT...")
    lside = load_associations(left)
    rside = load_associations(right)
    differences = compare(lside, rside, strict_expname=strict_expname,
                          as_reference=as_reference)
    names = {p["name"] for side in (lside, rside) for e in side for p in e.data["products"]}
    if not differences:
        click.echo(f"equal: {len(names)} products")
        return
    grouped: dict[str, list] = {}
    for difference in differences:
        grouped.setdefault(difference.product, []).append(difference)
    for product in sorted(grouped):
        click.echo(product)
        for difference in grouped[product]:
            click.echo(f"  {difference}")
    click.echo(f"differ: {len(differences)} differences in {len(grouped)} of "
               f"{len(names)} products")
    raise _Differs("associations differ")


commands = [diff]
