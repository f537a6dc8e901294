"""``mapper route``: the water route between places, its length and sailing time."""

import click

from mapper.cli.options import (
    PointCommand,
    briefing_option,
    data_dir_of,
    echo_json,
    json_option,
    log,
    overwrite_option,
    reports_errors,
    say,
)
from mapper.core.vocab import MODES


@click.command(cls=PointCommand)
@click.argument("start", metavar="FROM")
@click.argument("end", metavar="TO")
@click.option("--via", "vias", multiple=True, metavar="PLACE", help="Pass through this place; repeat for more.")
@click.option("--mode", type=click.Choice(MODES), default="sea", show_default=True,
              help="sea: over open water, and up a river where an allowed connection joins it; river: along "
                   "rivers only; great-circle: the plain geodesic.")
@click.option("--speed", default="10kn", show_default=True,
              help="Speed for the sailing time: 12kn, 20km/h, 15mph or 5m/s.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str),
              help="Write the route as a GeoJSON FeatureCollection (one LineString, legs as properties).")
@overwrite_option
@json_option
@briefing_option
@click.pass_context
@reports_errors
def route(ctx, start, end, vias, mode, speed, output, overwrite, as_json, briefing):
    """The route from FROM to TO (places or LAT,LON) over water.

    Each end snaps to the nearest listed water (data/geo/waterways.json),
    and the snap is reported.  Points in waters that no allowed connection
    joins are refused: no line is drawn over land instead.

    \b
    Example:
        mapper route "bandar anzali" astrakhan
        mapper route astrakhan alabuga --mode river --speed 8kn
        mapper route amirabad makhachkala --json -o lane.geojson
    """
    from mapper import api  # here, not at the top: --help loads no library code

    feature = api.route([start, *vias, end], mode, speed, data_dir_of(ctx), briefing)
    if output:
        api.write_features(output, [feature], overwrite=overwrite)
        log.info("wrote %s", output)
    if as_json:
        echo_json(feature)
        return
    props = feature["properties"]
    say(f"{' → '.join(props['stops'])} ({mode}): {props['length_m'] / 1000:,.1f} km "
               f"({props['length_m'] / 1852:,.1f} nmi); {api.format_hours(props['sailing_time_h'])} at {speed}")
    for leg in props["legs"]:
        say(f"  {leg['kind']:<12} {leg['length_m'] / 1000:>9,.1f} km  {leg['water']}")
    for snap in props["snaps"]:
        say(f"  {snap['place']} joins {snap['water']} {snap['distance_m'] / 1000:,.1f} km away")
