"""``mapper render``: draw a briefing as an interactive HTML map."""

import click

from mapper.cli.options import (
    InputFailure,
    briefing_option,
    data_dir_of,
    log,
    overwrite_option,
    reports_errors,
    stamp_option,
)


@click.command()
@click.argument("briefing_arg", metavar="[BRIEFING]", required=False,
                type=click.Path(dir_okay=False, readable=False, path_type=str))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str),
              help="HTML file to write [default: outputs/BRIEFING-NAME.html].")
@click.option("--offline/--online", default=None,
              help="Offline: one self-contained file that needs no network, locked down by a "
                   "Content-Security-Policy (the default without --tiles). Online: Leaflet and GeographicLib "
                   "load from their CDN.")
@click.option("--tiles", metavar="PROVIDER",
              help="Online tile basemap by xyzservices name, e.g. OpenStreetMap.Mapnik "
                   "[default: the built-in Natural Earth basemap].")
@click.option("--points", "point_files", multiple=True, metavar="FILE",
              type=click.Path(dir_okay=False, readable=False, path_type=str),
              help="Draw a large point layer from FILE (CSV, GeoJSON or GeoParquet; up to 2,000,000 points); "
                   "repeat for more. Columns are found by name: lat/latitude, lon/lng/longitude, and optionally "
                   "date/time, category/type/kind and name/label. For other names, use [[points]] in a briefing.")
@stamp_option
@click.option("--open", "open_after", is_flag=True, help="Open the map in the default browser.")
@overwrite_option
@briefing_option
@click.pass_context
@reports_errors
def render(ctx, briefing_arg, output, offline, tiles, point_files, stamp, open_after, overwrite, briefing):
    """Render BRIEFING (a TOML file) to an HTML map; default: the Iran–Russia briefing.

    The same inputs and mapper version give a byte-identical file, so maps
    can be diffed and checked by hash (with --stamp, set SOURCE_DATE_EPOCH).

    \b
    Example:
        mapper render                         # offline: outputs/iran-russia.html
        mapper render my-briefing.toml -o map.html --overwrite --stamp
        mapper render --tiles OpenStreetMap.Mapnik -o online.html
        mapper render --points strikes.csv -o strikes.html
    """
    from mapper import api  # here, not at the top: --help loads no library code

    if briefing_arg is not None and briefing is not None:
        raise click.UsageError("give BRIEFING or --briefing, not both")
    if offline and tiles is not None:
        raise InputFailure("--offline and --tiles: tiles come from the network; drop one of the two")
    result = api.render(briefing_arg or briefing, output, data_dir=data_dir_of(ctx), overwrite=overwrite,
                             offline=offline, tiles=tiles, stamp=stamp, point_files=point_files)
    features = sum(result.feature_counts.values())
    log.info("wrote %s (%s, %s bytes, %d features, sha256 %s)", result.path,
             "offline" if result.offline else "online", f"{result.size_bytes:,}", features, result.sha256)
    if open_after:
        click.launch(str(result.path))
