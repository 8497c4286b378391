"""``asnsql edit``: add or remove members of an association file (``asn_edit`` of jwst)."""

from __future__ import annotations

import click


@click.command(name="edit")
@click.argument("association", type=click.Path(dir_okay=False))
@click.argument("filenames", nargs=-1, required=True, metavar="FILE...")
@click.option("-a", "--add", "add", is_flag=True, help="Add the files to every product.")
@click.option("-r", "--remove", "remove", is_flag=True,
              help="Remove the members of the files.")
@click.option("-t", "--type", "exptype", default="science", show_default=True,
              help="Exptype of added files (science, background, imprint, psf, ...).")
@click.option("-i", "--ignore", is_flag=True,
              help="With -r: match names without extension and suffix (a_cal.fits also "
                   "removes a_rate.fits).")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write to this .json file instead of replacing ASSOCIATION.")
def edit(association, filenames, add, remove, exptype, ignore, output):
    """Add (-a) or remove (-r) the FILEs in the association file ASSOCIATION.

    Added files become members of every product, named by their base name. Removing drops
    every member with that name, and products left empty. Names not found give a warning.
    The result is checked against the association schema and written whole: the original
    is replaced only once the new file is complete. Without -a or -r the file is re-written.
    One association of a .jsonl file is edited as FILE.jsonl:N (line from 0) or
    FILE.jsonl:NAME, written to -o OUT.json.

    \b
    Examples:
      asnsql edit jw00623-o001_image3_00001_asn.json -a new_cal.fits
      asnsql edit asn.json -a bkg_rate.fits -t background -o with_bkg_asn.json
      asnsql edit asn.json -r -i jw00623001001_02101_00001_nrca1_cal.fits
    """
    from ..tools.edit import edit_file

    if add and remove:
        raise click.UsageError("-a/--add and -r/--remove are mutually exclusive")
    operation = "add" if add else "remove" if remove else None
    edit_file(association, filenames, operation=operation, exptype=exptype,
              ignore_suffix=ignore, output=output)


commands = [edit]
