"""``mapper distance``: geodesic distance and bearings between two points."""

import click

from mapper.cli.options import PointCommand, briefing_option, data_dir_of, echo_json, json_option, reports_errors, say

COMPASS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")


def _compass(azimuth_deg):
    return COMPASS[int((azimuth_deg + 22.5) // 45) % 8]


def _endpoint(named):
    return {"label": named.label, "place_id": named.place_id, "lat": named.point.lat, "lon": named.point.lon}


@click.command(cls=PointCommand)
@click.argument("a")
@click.argument("b")
@click.option("--units", type=click.Choice(["km", "mi", "nmi", "m"]), default="km", show_default=True,
              help="Units for the printed distance.")
@json_option
@briefing_option
@click.pass_context
@reports_errors
def distance(ctx, a, b, units, as_json, briefing):
    """Geodesic (WGS84) distance from A to B, with the bearing each way.

    A and B are place ids, names or aliases (any case), or LAT,LON in
    decimal degrees.

    \b
    Example:
        mapper distance moscow alabuga --units mi
        mapper distance "50.45,30.52" kharkiv --json
    """
    from mapper import api  # here, not at the top: --help loads no library code

    found = api.distance(a, b, data_dir_of(ctx), briefing)
    value = found.length_in(units)
    if as_json:
        echo_json({
            "from": _endpoint(found.start), "to": _endpoint(found.end),
            "distance_m": found.distance_m, "distance": value, "units": units,
            "azimuth_deg": found.azimuth_deg, "back_azimuth_deg": found.back_azimuth_deg,
            "ellipsoid": "WGS84",
        })
        return
    say(f"{found.start.label} → {found.end.label}: {value:,.1f} {units} "
               f"(initial bearing {found.azimuth_deg:.1f}° {_compass(found.azimuth_deg)}, "
               f"back bearing {found.back_azimuth_deg:.1f}°)")
