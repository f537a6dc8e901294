"""``mapper export``: a briefing as data files, a report figure, a fragment or a screenshot."""

import click

from mapper.cli.options import (
    PointCommand,
    briefing_option,
    data_dir_of,
    log,
    overwrite_option,
    reports_errors,
    stamp_option,
)
from mapper.core.vocab import FORMATS, LAYER_TITLES


@click.command(cls=PointCommand)
@click.argument("briefing_arg", metavar="[BRIEFING]", required=False,
                type=click.Path(dir_okay=False, readable=False, path_type=str))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str),
              help="File to write [default: outputs/BRIEFING-NAME.EXT].")
@click.option("-f", "--format", "fmt", type=click.Choice(list(FORMATS)),
              help="geojson (RFC 7946, provenance as properties), kml (Google Earth), gpkg (a table per "
                   "layer), csv (places), distances (CSV of geodesic distances between places), fragment "
                   "(an HTML <div> and its scripts to paste into a report), png/svg/pdf (a print figure, "
                   "drawn offline), screenshot (PNG of the interactive map in headless Chromium) "
                   "[default: from the output's suffix (.png means png), else geojson].")
@click.option("-l", "--layer", "layers", multiple=True, type=click.Choice(list(LAYER_TITLES)),
              help="Export only this layer; repeat for more [default: all].")
@click.option("-p", "--place", "places", multiple=True, metavar="PLACE",
              help="For distances: a place name, id or LAT,LON; repeat [default: every place].")
@click.option("--offline/--online", default=True,
              help="For fragment: inline every asset, or load Leaflet and GeographicLib from their CDN "
                   "[default: offline].")
@click.option("--height", "height_px", type=click.IntRange(100, 5000), metavar="PX",
              help="For fragment: the map's height in pixels [default: 600].")
@click.option("--projection", metavar="NAME",
              help="For figures: lcc (Lambert conformal conic fitted to the map), aeqd:PLACE (azimuthal "
                   "equidistant on a place: its range rings are true circles), aeqd, mercator, lonlat, or a "
                   "CRS such as EPSG:3035 [default: lcc].")
@click.option("--size", metavar="SIZE",
              help="For figures: a4, a3, a5, letter or legal (landscape; add -portrait), or WIDTHxHEIGHT "
                   "in in, cm, mm or px, e.g. 8x6in [default: a4]. For screenshot: the window "
                   "[default: 1600x1000px].")
@click.option("--step", type=click.IntRange(min=1), metavar="N",
              help="For figures and screenshot: draw step N (from 1) of the briefing's story ([[steps]]), in its "
                   "view, with its layers and date.")
@click.option("--dpi", type=int, metavar="N",
              help="For png: pixels per inch [default: 200]. For screenshot: 96 per CSS pixel, so 192 "
                   "doubles the detail [default: 96].")
@stamp_option
@overwrite_option
@briefing_option
@click.pass_context
@reports_errors
def export(ctx, briefing_arg, output, fmt, layers, places, offline, height_px, projection, size, step, dpi, stamp,
           overwrite, briefing):
    """Export BRIEFING (default: the Iran–Russia briefing) for other tools and for reports.

    Range rings and geodesic routes are exported as computed; direction
    arrows and ring centres, which only help drawing, are left out of the
    data formats.  Figures carry a title, legend, scale bar, north arrow and
    the sources; they need no browser and no network.

    \b
    Example:
        mapper export -o briefing.geojson
        mapper export -f kml --layer ranges --layer places -o rings.kml
        mapper export -o layers.gpkg
        mapper export -f distances -p moscow -p alabuga -p tehran -o distances.csv
        mapper export -f fragment --height 500 -o map-fragment.html
        mapper export -o figure.pdf --size a4 --stamp
        mapper export -o rings.png --projection aeqd:belgorod --size 8x6in --dpi 300
        mapper export -f screenshot -o interactive.png
        mapper export --step 3 -o plant.pdf
    """
    from mapper import api  # here, not at the top: --help loads no library code

    if briefing_arg is not None and briefing is not None:
        raise click.UsageError("give BRIEFING or --briefing, not both")
    result = api.export(briefing_arg or briefing, output, fmt, data_dir=data_dir_of(ctx), overwrite=overwrite,
                         layer_keys=layers, places=places, offline=offline, height_px=height_px,
                         figure=api.FigureOptions(projection, size, dpi, stamp), step=step)
    counts = ", ".join(f"{n} {key}" for key, n in result.feature_counts.items())
    log.info("wrote %s (%s: %s)", result.path, result.format, counts)
    for title in result.points_left_out:
        log.warning("warning: point layer %s is not in %s files; it is drawn in HTML maps, fragments and "
                    "screenshots", title, result.format)
