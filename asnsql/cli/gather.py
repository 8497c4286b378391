"""``asnsql gather``: copy an association and its members into a folder (``asn_gather``)."""

from __future__ import annotations

import click


@click.command(name="gather")
@click.argument("association", type=click.Path(dir_okay=False))
@click.argument("destination", type=click.Path(file_okay=False))
@click.option("-s", "--source", "source", type=click.Path(file_okay=False),
              help="Folder holding the member files. Default: the association's folder.")
@click.option("-t", "--exp-types", "exp_types", multiple=True, metavar="EXPTYPE",
              help="Gather only members of this exptype (repeatable). Default: all.")
@click.option("-x", "--exclude-types", "exclude_types", multiple=True, metavar="EXPTYPE",
              help="Do not gather members of this exptype (repeatable).")
@click.option("-c", "--cmd", "command", metavar="CMD",
              help="Copy with this command, run as CMD SOURCE_FILE DEST/FILE (e.g. "
                   "\"rsync -urv --no-perms --chmod=ugo=rwX\", asn_gather's default). "
                   "Default: copy in Python as that rsync command does.")
@click.option("--allow-outside", is_flag=True,
              help="Also copy members named by an absolute path or one with '..', as "
                   "asn_gather does (refused by default).")
@click.option("-v", "--verbose", count=True, help="List every member file.")
def gather(association, destination, source, exp_types, exclude_types, command, verbose,
           allow_outside):
    """Copy ASSOCIATION and its member files into DESTINATION.

    Members whose exptype is not selected are left out (and products left empty); every
    member's expname becomes its file name, and the association is written into
    DESTINATION under its own file name. DESTINATION is created if missing. Missing member
    files are reported before anything is copied. Of a .jsonl file (generate --format
    jsonl), give one association as FILE.jsonl:N (line from 0) or FILE.jsonl:NAME.

    \b
    Examples:
      asnsql gather jw00623-o001_spec3_00001_asn.json work/
      asnsql gather asn.json work/ -s /data/cal -t science -t background
      asnsql gather asn.json work/ -x target_acquisition -c "rsync -urv"
      asnsql gather out/associations.jsonl:0 work/
    """
    from ..tools.gather import gather as gather_files

    def progress(src, target, copied):
        if verbose:
            verb = "copied" if copied else "up to date"
            click.echo(f"{verb}: {src} -> {target}", err=True)

    result = gather_files(association, destination, source=source,
                          exp_types=list(exp_types) or None, exclude_types=exclude_types,
                          command=command, progress=progress, allow_outside=allow_outside)
    members = sum(len(p["members"]) for p in result.data["products"])
    click.echo(f"gathered {members} members of {len(result.data['products'])} products: "
               f"{len(result.copied)} files copied, {len(result.unchanged)} up to date; "
               f"wrote {result.association}", err=True)


commands = [gather]
