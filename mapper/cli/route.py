"""``mapper route``: the water route between places, its length, sailing time and the straits and canals it passes."""

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
from mapper.core.vocab import MODE_ALIASES, MODES


@click.command(cls=PointCommand)
@click.argument("start", metavar="FROM")
@click.argument("end", metavar="TO")
@click.option("--via", "vias", multiple=True, metavar="PLACE", help="Pass through this place; repeat for more.")
@click.option("--mode", type=click.Choice((*MODES, *MODE_ALIASES)), default="sea", show_default=True,
              help="sea: over the world's seas, and through canals and up rivers where the waterways registry "
                   "joins them; river: along rivers (and the canals between them) only; straight: the straight "
                   "geodesic line, which is not a route (no sailing time). great-circle is another name for "
                   "straight.")
@click.option("--avoid", "avoid", multiple=True, metavar="NAME",
              help="Close this canal or strait (suez, panama, bosporus, volga-don, ...; see data/geo/waterways.json); "
                   "repeat for more.")
@click.option("--speed", default="10kn", show_default=True,
              help="Speed for the sailing time (sea and river): 12kn, 20km/h, 15mph or 5m/s.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str),
              help="Write the route as a GeoJSON FeatureCollection (one LineString, legs as properties).")
@overwrite_option
@json_option
@briefing_option
@click.pass_context
@reports_errors
def route(ctx, start, end, vias, mode, avoid, speed, output, overwrite, as_json, briefing):
    """The route from FROM to TO (places or LAT,LON) over water.

    Each end joins the nearest navigable water (within 25 km), and the
    snap is reported.  Sea legs are the shortest path on every sea and
    ocean, kept 500 m off the Natural Earth 1:10m coast; canals (Suez,
    Panama, Kiel, Corinth, Volga–Don, ...) and rivers are used where
    data/geo/waterways.json joins them.  The answer lists the straits and
    canals passed; --avoid closes one.  Points in waters that no open
    connection joins are refused: no line is drawn over land instead.
    With --mode straight the answer is the straight geodesic line and its
    length: not a path, so no sailing time.  The world sea graph is built
    on first use (about a minute) and cached in ~/.cache/mapper.

    \b
    Example:
        mapper route "bandar anzali" astrakhan
        mapper route 35.52,35.78 12.8,45.0 --avoid suez
        mapper route astrakhan alabuga --mode river --speed 8kn
        mapper route amirabad makhachkala --json -o lane.geojson
        mapper route tehran moscow --mode straight
    """
    from mapper import api  # here, not at the top: --help loads no library code

    straight = MODE_ALIASES.get(mode, mode) == "straight"
    if straight and ctx.get_parameter_source("speed") is ParameterSource.COMMANDLINE:
        raise InputFailure("--speed: a great circle is a straight line, not a route anything sails; it has no "
                           "sailing time")
    if straight and avoid:
        raise InputFailure("--avoid: a straight line passes no canal or strait; use it with --mode sea or river")

    feature = api.route([start, *vias, end], mode, speed, data_dir_of(ctx), briefing, avoid=avoid)
    if output:
        api.write_features(output, [feature], overwrite=overwrite)
        log.info("wrote %s", output)
    if as_json:
        echo_json(feature)
        return
    props = feature["properties"]
    stops = " → ".join(props["stops"])
    length = f"{props['length_m'] / 1000:,.1f} km ({props['length_m'] / 1852:,.1f} nmi)"
    if straight and len(props["legs"]) == 1:
        say(f"{stops} (great circle): {length}; the straight geodesic line on the WGS84 ellipsoid, not a route: "
            "it crosses land and water alike")
        return
    if straight:
        say(f"{stops} (great circles): {length}; straight geodesic lines between the stops, not a route: they "
            "cross land and water alike")
        for leg in props["legs"]:
            say(f"  {'great circle':<12} {leg['length_m'] / 1000:>9,.1f} km")
        return
    say(f"{stops} ({props['mode']}): {length}; {api.format_hours(props['sailing_time_h'])} at {speed}")
    names = {item["id"]: item["name"] for item in props["passes"]}
    if props["passes"]:
        say(f"  passes: {', '.join(item['name'] for item in props['passes'])}")
    if props["avoid"]:
        say(f"  closed: {', '.join(props['avoid'])}")
    for leg in props["legs"]:
        passing = f"  (passes {', '.join(names.get(i, i) for i in leg['passes'])})" if leg["passes"] else ""
        say(f"  {leg['kind']:<12} {leg['length_m'] / 1000:>9,.1f} km  {leg['water']}{passing}")
    for snap in props["snaps"]:
        say(f"  {snap['place']} joins {snap['water']} {snap['distance_m'] / 1000:,.1f} km away")
