"""``mapper ring``: a geodesic range ring as GeoJSON."""

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


@click.command(cls=PointCommand)
@click.argument("center")
@click.option("-r", "--radius", required=True, help="Radius with a unit: 120km, 75mi, 65nmi or 120000m.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str),
              help="Write the ring as a GeoJSON FeatureCollection to this file.")
@overwrite_option
@json_option
@briefing_option
@click.pass_context
@reports_errors
def ring(ctx, center, radius, output, overwrite, as_json, briefing):
    """Geodesic circle of RADIUS around CENTER (a place or LAT,LON).

    Every vertex is a WGS84 geodesic destination from the centre; output is
    RFC 7946 (split at ±180°, counter-clockwise, closed over a pole).

    \b
    Example:
        mapper ring "50.45,30.52" --radius 120km --json
        mapper ring belgorod -r 75mi -o belgorod-fath360.geojson
    """
    from mapper import api  # here, not at the top: --help loads no library code

    feature = api.ring(center, radius, data_dir_of(ctx), briefing)
    if output:
        api.write_features(output, [feature], overwrite=overwrite)
        log.info("wrote %s", output)
    if as_json:
        echo_json(feature)
    elif not output:
        props = feature["properties"]
        say(f"{props['radius_m'] / 1000:,.3f} km ring around {props['centre_label']}: "
                   f"{props['vertex_count']} vertices, {feature['geometry']['type']}")
