"""``mapper export``: a briefing's layers as GeoJSON, KML, GeoPackage or CSV."""

import click

from mapper.cli.options import data_dir_of, log, overwrite_option, reports_errors
from mapper.style import LAYER_TITLES

FORMAT_NAMES = ("geojson", "kml", "gpkg", "csv", "distances")  # mapper.export.FORMATS, without importing it


@click.command()
@click.argument("briefing", required=False, type=click.Path(dir_okay=False, path_type=str))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str),
              help="File to write [default: outputs/BRIEFING-NAME.EXT].")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMAT_NAMES),
              help="geojson (RFC 7946, provenance as properties), kml (Google Earth), gpkg (a table per "
                   "layer), csv (places), distances (CSV of geodesic distances between places) "
                   "[default: from the output's suffix, else geojson].")
@click.option("-l", "--layer", "layers", multiple=True, type=click.Choice(list(LAYER_TITLES)),
              help="Export only this layer; repeat for more [default: all].")
@click.option("-p", "--place", "places", multiple=True, metavar="PLACE",
              help="For distances: a place name, id or LAT,LON; repeat [default: every place].")
@overwrite_option
@click.pass_context
@reports_errors
def export(ctx, briefing, output, fmt, layers, places, overwrite):
    """Export BRIEFING's layers (default: the Iran–Russia briefing) for other tools.

    Range rings and geodesic routes are exported as computed; direction
    arrows and ring centres, which only help drawing, are left out.

    \b
    Example:
        mapper export -o briefing.geojson
        mapper export -f kml --layer ranges --layer places -o rings.kml
        mapper export -o layers.gpkg
        mapper export -f distances -p moscow -p alabuga -p tehran -o distances.csv
    """
    from mapper.export import export_file

    result = export_file(briefing, output, fmt, data_dir=data_dir_of(ctx), overwrite=overwrite,
                         layer_keys=layers, places=places)
    counts = ", ".join(f"{n} {key}" for key, n in result.feature_counts.items())
    log.info("wrote %s (%s: %s)", result.path, result.format, counts)
