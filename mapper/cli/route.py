"""``mapper route``: the water route between places, its length and sailing time."""

import click
from click.core import ParameterSource

from mapper.cli.options import (
    InputFailure,
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
                   "rivers only; great-circle: the straight geodesic line, which is not a route (no sailing time).")
@click.option("--speed", default="10kn", show_default=True,
              help="Speed for the sailing time (sea and river): 12kn, 20km/h, 15mph or 5m/s.")
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
    joins, or outside the waters listed, are refused: no line is drawn over
    land instead.  With --mode great-circle the answer is the straight
    geodesic line and its length: not a path, so no sailing time.

    \b
    Example:
        mapper route "bandar anzali" astrakhan
        mapper route astrakhan alabuga --mode river --speed 8kn
        mapper route amirabad makhachkala --json -o lane.geojson
        mapper route tehran moscow --mode great-circle
    """
    from mapper import api  # here, not at the top: --help loads no library code

    great_circle = mode == "great-circle"
    if great_circle and ctx.get_parameter_source("speed") is ParameterSource.COMMANDLINE:
        raise InputFailure("--speed: a great circle is a straight line, not a route anything sails; it has no "
                           "sailing time")

    feature = api.route([start, *vias, end], mode, speed, data_dir_of(ctx), briefing)
    if output:
        api.write_features(output, [feature], overwrite=overwrite)
        log.info("wrote %s", output)
    if as_json:
        echo_json(feature)
        return
    props = feature["properties"]
    stops = " → ".join(props["stops"])
    length = f"{props['length_m'] / 1000:,.1f} km ({props['length_m'] / 1852:,.1f} nmi)"
    if great_circle and len(props["legs"]) == 1:
        say(f"{stops} (great circle): {length}; the straight geodesic line on the WGS84 ellipsoid, not a route: "
            "it crosses land and water alike")
        return
    if great_circle:
        say(f"{stops} (great circles): {length}; straight geodesic lines between the stops, not a route: they "
            "cross land and water alike")
        for leg in props["legs"]:
            say(f"  {'great circle':<12} {leg['length_m'] / 1000:>9,.1f} km")
        return
    say(f"{stops} ({mode}): {length}; {api.format_hours(props['sailing_time_h'])} at {speed}")
    for leg in props["legs"]:
        say(f"  {leg['kind']:<12} {leg['length_m'] / 1000:>9,.1f} km  {leg['water']}")
    for snap in props["snaps"]:
        say(f"  {snap['place']} joins {snap['water']} {snap['distance_m'] / 1000:,.1f} km away")
