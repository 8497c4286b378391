"""``asnsql roman``: Roman's association tools (romancal 1.1.0), same arguments.

``from-list`` is ``asn_from_list``, ``skycell-asn`` is ``skycell_asn``, ``multiband-asn`` is
``multiband_asn``; each writes the files the reference writes, where it writes them.
"""

from __future__ import annotations

import warnings

import click

from ..errors import AsnsqlWarning


@click.group(name="roman")
def roman():
    """Roman associations, as romancal 1.1.0 makes them.

    \b
    Examples:
      asnsql roman from-list -o mosaic_asn.json --product-name my_mosaic *_cal.asdf
      asnsql roman skycell-asn --product-type visit -o r00001 --skymap skycells.asdf *_cal.asdf
      asnsql roman multiband-asn '*_coadd.asdf'
    """


def _warn(messages) -> None:
    for message in messages:
        warnings.warn(message, AsnsqlWarning, stacklevel=1)


@roman.command(name="from-list")
@click.argument("files", nargs=-1, required=True)
@click.option("-o", "--output-file", required=True, type=click.Path(dir_okay=False),
              help="File to write the association to.")
@click.option("--product-name", required=True, help="Name of the Level-3 product.")
@click.option("--data-release-id", default="p", show_default=True,
              help="Data release id written after program.")
@click.option("-t", "--target", default="None", show_default=True, help="The target name.")
@click.option("--psf-match-reference-filter", default=None,
              help="Reference filter for PSF matching (read by the multiband catalog step).")
@click.option("--_tweakreg-catalogs", "tweakreg_catalogs", is_flag=True,
              help="Give each member a tweakreg_catalog named after it (x_cal.asdf -> "
                   "x_cat.parquet).")
@click.option("-r", "--rule", default="DMS_ELPP_Base", hidden=True,
              help="Deprecated, ignored (with the reference's warning).")
@click.option("--ruledefs", multiple=True, hidden=True,
              help="Deprecated, ignored (with the reference's warning).")
@click.option("-i", "--id", "acid", default="o999", hidden=True,
              help="Deprecated, ignored (with the reference's warning).")
def from_list(files, output_file, product_name, data_release_id, target,
              psf_match_reference_filter, tweakreg_catalogs, rule, ruledefs, acid):
    """Write an association of the FILES as one product (asn_from_list of romancal).

    \b
    Examples:
      asnsql roman from-list -o mosaic_asn.json --product-name my_mosaic *_cal.asdf
      asnsql roman from-list -o m_asn.json --product-name m --_tweakreg-catalogs *_cal.asdf
    """
    from ..asnwrite import dumps
    from ..publish import write_file_atomic
    from ..profiles.roman.fromlist import deprecation_warnings, from_list as make

    _warn(deprecation_warnings(rule=rule, ruledefs=list(ruledefs), acid=acid))
    asn = make(list(files), product_name, target=target, data_release_id=data_release_id,
               psf_match_reference_filter=psf_match_reference_filter,
               tweakreg_catalogs=tweakreg_catalogs)
    write_file_atomic(output_file, dumps(asn))


@roman.command(name="skycell-asn")
@click.argument("files", nargs=-1)
@click.option("-o", "--output-file-root", required=True,
              help="Start of every association file name (may hold a folder).")
@click.option("--product-type", default=None,
              help="visit (default), pass, full, daily or user.")
@click.option("--data-release-id", default="p", show_default=True,
              help="Data release id, in the file names and the associations.")
@click.option("--skymap", "skymap", type=click.Path(dir_okay=False), default=None,
              help="The SKYCELLS reference file (default: $SKYMAP_PATH).")
@click.option("--footprints", "footprint_table", type=click.Path(dir_okay=False), default=None,
              help="Read the exposures and footprints from this CSV/Parquet table instead "
                   "of FILES (columns as the corpus manifest.csv).")
@click.option("--save-footprints", type=click.Path(dir_okay=False), default=None,
              help="Also write the footprints read from FILES to this CSV/Parquet table.")
@click.option("--strict", is_flag=True,
              help="Stop on a file that cannot be read or an unknown product type (romancal "
                   "leaves the file out, and names the type 'unknown').")
@click.option("--explain", is_flag=True, help="Print the grouping SQL and stop.")
@click.option("-f", "--format", "fmt", default="json", hidden=True,
              help="Deprecated, ignored (with the reference's warning).")
@click.option("-r", "--rule", default="DMS_ELPP_Base", hidden=True,
              help="Deprecated, ignored (with the reference's warning).")
@click.option("-i", "--id", "acid", default="o999", hidden=True,
              help="Deprecated, ignored (with the reference's warning).")
def skycell_asn(files, output_file_root, product_type, data_release_id, skymap,
                footprint_table, save_footprints, strict, explain, fmt, rule, acid):
    """Write an association per group, skycell and filter of the Level-2 FILES
    (skycell_asn of romancal).

    Groups: one per visit, pass or program (from the visit id in each file name), as
    --product-type says; skycells: those the file footprints overlap (in SQL); files
    are written as <root>_<release>_<product>_<skycell>_<filter>_asn.json.

    \b
    Examples:
      asnsql roman skycell-asn -o r00001 --skymap skymap.asdf l2/*_cal.asdf
      SKYMAP_PATH=skymap.asdf asnsql roman skycell-asn --product-type full -o r00001 *_cal.asdf
      asnsql roman skycell-asn -o r00001 --skymap skymap.asdf --footprints manifest.csv
    """
    from ..errors import AsnsqlError
    from ..profiles.roman.fromlist import deprecation_warnings, write_associations
    from ..profiles.roman.queries import skycell_query
    from ..profiles.roman.rules import load_rules
    from ..profiles.roman.skycell import read_inputs, skycell_associations

    if not files and not (footprint_table or explain):
        raise click.UsageError("Missing argument 'FILES...' (or --footprints TABLE).")
    if files and footprint_table:
        raise click.UsageError("give FILES or --footprints, not both")
    rules = load_rules()
    product_type = (product_type or rules.default_product_type).lower()
    if explain:
        click.echo(skycell_query(rules, product_type, output_file_root, data_release_id))
        return
    _warn(deprecation_warnings(rules, format=fmt, rule=rule, acid=acid))
    if not rules.is_known_type(product_type):
        known = ", ".join(t for t in rules.product_types if t != "*")
        if strict:
            raise click.BadParameter(f"{product_type!r} is not one of {known}",
                                     param_hint="--product-type")
        _warn([f"--product-type {product_type!r} is not one of {known}: grouped by "
               "program and named 'unknown', as romancal does (--strict refuses it)"])
    inputs = read_inputs(list(files), skymap, footprint_table, save_footprints)
    if inputs.problems:
        listed = "; ".join(inputs.problems)
        total = inputs.files.num_rows
        if strict:
            raise AsnsqlError(f"{len(inputs.problems)} of {total} files cannot be used "
                              f"({listed}); nothing was written")
        _warn([f"{len(inputs.problems)} of {total} files left out of every "
               f"association, as romancal does (--strict stops instead): {listed}"])
    write_associations(skycell_associations(inputs, output_file_root, product_type,
                                            data_release_id, rules))


@roman.command(name="multiband-asn")
@click.argument("files", nargs=-1, required=True)
@click.option("--psf-match-reference-filter", default=None,
              help="Reference filter for PSF matching, written into every association.")
def multiband_asn(files, psf_match_reference_filter):
    """Write an association per skycell and product of the Level-3 coadd FILES, across
    filters (multiband_asn of romancal). FILES may be one quoted wildcard pattern.

    Coadds are recognised by name (<prefix><skycell>_<filter>_coadd.asdf); each
    association is written as <prefix><skycell>_asn.json, beside its coadds.

    \b
    Examples:
      asnsql roman multiband-asn r00001_p_full_*_coadd.asdf
      asnsql roman multiband-asn 'coadds/*_coadd.asdf' --psf-match-reference-filter f213
    """
    from ..profiles.roman.fromlist import write_associations
    from ..profiles.roman.multiband import multiband_associations

    write_associations(multiband_associations(list(files), psf_match_reference_filter))


commands = [roman]
