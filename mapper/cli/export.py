"""``mapper export``: a briefing's layers as GeoJSON, KML, GeoPackage or CSV."""

import click

from mapper.cli.options import data_dir_of, log, overwrite_option, reports_errors
from mapper.style import LAYER_TITLES

FORMAT_NAMES = ("geojson", "kml", "gpkg", "csv", "distances", "fragment")  # mapper.export.FORMATS, without importing it


@click.command()
@click.argument("briefing", required=False, type=click.Path(dir_okay=False, path_type=str))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str),
              help="File to write [default: outputs/BRIEFING-NAME.EXT].")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMAT_NAMES),
              help="geojson (RFC 7946, provenance as properties), kml (Google Earth), gpkg (a table per "
                   "layer), csv (places), distances (CSV of geodesic distances between places), fragment "
                   "(an HTML <div> and its scripts to paste into a report) "
                   "[default: from the output's suffix, else geojson].")
@click.option("-l", "--layer", "layers", multiple=True, type=click.Choice(list(LAYER_TITLES)),
              help="Export only this layer; repeat for more [default: all].")
@click.option("-p", "--place", "places", multiple=True, metavar="PLACE",
              help="For distances: a place name, id or LAT,LON; repeat [default: every place].")
@click.option("--offline/--online", default=True,
              help="For fragment: inline every asset, or load Leaflet and GeographicLib from their CDN "
                   "[default: offline].")
@click.option("--height", "height_px", type=click.IntRange(100, 5000), metavar="PX",
              help="For fragment: the map's height in pixels [default: 600].")
@overwrite_option
@click.pass_context
@reports_errors
def export(ctx, briefing, output, fmt, layers, places, offline, height_px, overwrite):
    """Export BRIEFING's layers (default: the Iran–Russia briefing) for other tools.

    Range rings and geodesic routes are exported as computed; direction
    arrows and ring centres, which only help drawing, are left out.

    \b
    Example:
        mapper export -o briefing.geojson
        mapper export -f kml --layer ranges --layer places -o rings.kml
        mapper export -o layers.gpkg
        mapper export -f distances -p moscow -p alabuga -p tehran -o distances.csv
        mapper export -f fragment --height 500 -o map-fragment.html
    """
    from mapper.export import export_file

    result = export_file(briefing, output, fmt, data_dir=data_dir_of(ctx), overwrite=overwrite,
                         layer_keys=layers, places=places, offline=offline, height_px=height_px)
    counts = ", ".join(f"{n} {key}" for key, n in result.feature_counts.items())
    log.info("wrote %s (%s: %s)", result.path, result.format, counts)
