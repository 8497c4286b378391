"""``asnsql from-list``: an association from a list of files (``asn_from_list`` of jwst)."""

from __future__ import annotations

import warnings

import click

from ..errors import AsnsqlWarning


@click.command(name="from-list")
@click.argument("files", nargs=-1, required=True, metavar="FILE[:EXPTYPE]...")
@click.option("-o", "--output-file", required=True, type=click.Path(dir_okay=False),
              help="File to write the association to.")
@click.option("-f", "--format", "fmt", type=click.Choice(["json", "yaml"]), default="json",
              show_default=True, help="Format of the association file (yaml is deprecated).")
@click.option("--product-name", help="Name of the product of a Level-3 association "
                                     "(required for Level 3).")
@click.option("-r", "--rule", default="DMS_Level3_Base", show_default=True,
              help="DMS_Level3_Base, DMSLevel2bBase or a rule name (Asn_Lv3Image, "
                   "Asn_Lv2Image...); a Level-2b rule makes one product per science file.")
@click.option("--ruledefs", multiple=True, type=click.Path(dir_okay=False),
              help="asnsql rule file to find the rule in; repeatable.")
@click.option("-i", "--id", "acid", default=None,
              help="Level 2b: candidate id, o... (observation) or c... (background; needs a "
                   "background member). Default: o999.")
@click.option("--background", multiple=True, metavar="FILE",
              help="Background member (every product on Level 2b); repeatable.")
@click.option("--imprint", multiple=True, metavar="FILE",
              help="Imprint member (every product on Level 2b); repeatable.")
@click.option("--psf", multiple=True, metavar="FILE", help="PSF member; repeatable.")
@click.option("--target-acquisition", multiple=True, metavar="FILE",
              help="Target-acquisition member; repeatable.")
def from_list(files, output_file, fmt, product_name, rule, ruledefs, acid, background,
              imprint, psf, target_acquisition):
    """Write an association made of the FILEs, as asn_from_list does.

    Level 3 (the default rule): one product named --product-name with the files as
    science members, in order. Level 2b (-r DMSLevel2bBase or a Level-2b rule): one
    product per science file, named after it. FILE:EXPTYPE gives a file another role
    (background, imprint, psf, target_acquisition, ...); on Level 2b, such files and the
    role options are added to every product. The association is checked (rule validity and
    schema) before it is written; on error nothing is written.

    \b
    Examples:
      asnsql from-list -o mosaic_asn.json --product-name my_mosaic *_cal.fits
      asnsql from-list -o image2_asn.json -r DMSLevel2bBase *_rate.fits
      asnsql from-list -o spec2_asn.json -r Asn_Lv2Spec sci_rate.fits --background bkg_rate.fits
      asnsql from-list -o coron_asn.json -r Asn_Lv3NRCCoron --product-name c \
        a_calints.fits b_calints.fits:psf
    """
    from ..tools.fromlist import from_arguments
    from ..asnwrite import dumps
    from ..publish import write_file_atomic

    data = from_arguments(list(files), rule, product_name=product_name, acid=acid,
                          background=background, imprint=imprint, psf=psf,
                          target_acquisition=target_acquisition, ruledefs=ruledefs)
    if fmt == "yaml":
        warnings.warn("YAML associations are deprecated (as in jwst); prefer JSON",
                      AsnsqlWarning, stacklevel=1)
    write_file_atomic(output_file, dumps(data, fmt))


commands = [from_list]
