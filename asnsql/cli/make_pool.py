"""``asnsql make-pool``: a pool from the headers of FITS exposures (``asn_make_pool``)."""

from __future__ import annotations

import click


@click.command(name="make-pool",
               short_help="Make a pool from the headers of FITS exposures.")
@click.argument("pool", type=click.Path(dir_okay=False))
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--asn-candidate", metavar="TEXT",
              help="Candidates added to every row after its observation candidate, as a "
                   "list of (id, type) pairs, e.g. \"[('c1000', 'background')]\"; "
                   "'[]' or empty adds nothing.")
@click.option("--dms-note", default="", help="Value of the dms_note column (default empty).")
@click.option("--is-imprt", default="f", show_default=True,
              help="Value of the is_imprt column (t marks NIRSpec imprint exposures).")
@click.option("--pntgtype", default="science", show_default=True,
              help="Value of the pntgtype column (e.g. target_acquisition).")
@click.option("--ext", metavar="HDU",
              help="Read the header of this HDU (number or EXTNAME) instead of the "
                   "primary header.")
@click.option("--fits-booleans", type=click.Choice(["python", "t"]), default="python",
              show_default=True,
              help="How FITS logicals are written: python = True/False, as asn_make_pool "
                   "(the rules' t matches, e.g. tsovisit, then fail); t = t/f, as "
                   "operations pools.")
@click.option("--targetid", "targetids", type=click.Choice(["counter", "per-target"]),
              default="counter", show_default=True,
              help="counter: targets seen so far, as asn_make_pool (targets A, B, A get "
                   "1, 2, 2); per-target: one id per TARGNAME (1, 2, 1).")
@click.option("--basename", is_flag=True,
              help="Store only the file name in the filename column (asn_make_pool stores "
                   "the path as given, which then appears in member and product names).")
@click.option("-v", "--verbose", count=True, help="Report the rows and columns written.")
def make_pool(pool, files, asn_candidate, dms_note, is_imprt, pntgtype, ext, fits_booleans,
              targetids, basename, verbose):
    """Write POOL (|-delimited) from the headers of the FITS exposures FILES.

    One row per file: every header keyword becomes a lower-cased column (sorted), plus
    asn_candidate ('o<OBSERVTN>', observation), dms_note, is_imprt, pntgtype, targetid,
    mostilno and dithptin, as asn_make_pool (jwst 3.0.0) writes them. Every file needs
    OBSERVTN and TARGNAME. POOL is replaced; nothing is written if a file is bad.

    \b
    Examples:
      asnsql make-pool pool.csv jw*_uncal.fits
      asnsql make-pool pool.csv *_rate.fits --asn-candidate "[('c1000', 'background')]"
      asnsql make-pool pool.csv *_uncal.fits --fits-booleans t && asnsql generate pool.csv
    """
    from ..tools.mkpool import make_pool as build, write_pool

    hdu = None
    if ext is not None:
        hdu = int(ext) if ext.lstrip("-").isdigit() else ext
    table = build(files, asn_candidate=asn_candidate, dms_note=dms_note, is_imprt=is_imprt,
                  pntgtype=pntgtype, ext=hdu, fits_booleans=fits_booleans,
                  targetids=targetids, basename=basename)
    write_pool(table, pool)
    if verbose:
        click.echo(f"wrote {pool}: {len(table)} rows, {len(table.colnames)} columns",
                   err=True)


commands = [make_pool]
