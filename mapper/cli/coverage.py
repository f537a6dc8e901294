"""``mapper coverage``: which places lie within a system's range of a place or an area."""

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
    visible,
)


def _table(rows, width):
    return [f"  {visible(r['name']):<{width}}  {r['distance_km']:8,.1f} km" for r in rows]


@click.command(cls=PointCommand)
@click.argument("system")
@click.option("--from", "origin", required=True, metavar="PLACE|LAT,LON|AREA",
              help="Where the range is measured from: a place, LAT,LON, a Natural Earth country "
                   "(e.g. Russia) or a .geojson file of polygons or lines.")
@click.option("--within", metavar="AREA",
              help="Only places inside this country or .geojson area; the drawn reach is clipped to it.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str),
              help="Also draw it: .html (offline map), or .geojson, .kml, .gpkg, .png, .svg, .pdf.")
@json_option
@overwrite_option
@briefing_option
@click.pass_context
@reports_errors
def coverage(ctx, system, origin, within, output, as_json, overwrite, briefing):
    """List the places within SYSTEM's range of --from, with geodesic distances.

    SYSTEM is a weapon system's id or name (fath-360) or a radius (300km).
    From an area, a place's distance is to the nearest point of the area
    (0 inside it), and the area in range is the area's geodesic buffer.
    Countries are Natural Earth 1:50m, which draws Crimea inside Russia.

    \b
    Example:
        mapper coverage fath-360 --from russia --within ukraine
        mapper coverage fath-360 --from belgorod --json
        mapper coverage 300km --from "50.6,36.6" -o reach.html
        mapper coverage fath-360 --from front-line.geojson -o reach.png
    """
    from mapper import api  # here, not at the top: --help loads no library code

    reach = api.reach(system, origin, within, data_dir_of(ctx), briefing_path=briefing)
    answer = api.reach_dict(reach)
    if output:
        path = api.write_reach(reach, output, overwrite)
        log.info("wrote %s", path)
    if as_json:
        echo_json(answer)
        return
    places = answer["places"]
    into = f" inside {answer['within']['label']}" if answer["within"] else ""
    area = answer["area_in_range_km2"]
    say(f"{reach.system_name}, {answer['radius_m'] / 1000:g} km from {answer['from']['label']}{into} "
               f"(geodesic, WGS84){f': {area:,.0f} km² in range' if area is not None else ''}")
    if answer["from"]["source"]:
        say(f"  {answer['from']['source']}")
    for heading, rows in (("In range", [p for p in places if p["in_range"] and not p["inside_origin"]]),
                          ("Out of range", [p for p in places if not p["in_range"]])):
        say(f"{heading} ({len(rows)}):")
        for line in _table(rows, max((len(visible(p["name"])) for p in places), default=0)) or ["  none"]:
            say(line)
    inside = [p["name"] for p in places if p["inside_origin"]]
    if inside:
        say(f"Inside {answer['from']['label']} ({len(inside)}): {', '.join(inside)}")
    if not answer["in_range"]:
        hint = "" if briefing else "; for your own places, give --briefing FILE"
        log.warning("note: none of the %d places known is in range%s", len(places), hint)
