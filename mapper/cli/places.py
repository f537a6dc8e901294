"""``mapper places``: list the places in the geodata."""

import click

from mapper.cli.options import data_dir_of, echo_json, json_option, reports_errors
from mapper.geodata import load_geodata, place_lonlat


def _provenance(props):
    if props.get("basis"):
        return props["basis"]
    return ",".join(sorted({c["source"] for c in props.get("sources", [])}))


@click.command()
@json_option
@click.pass_context
@reports_errors
def places(ctx, as_json):
    """List every place: id, name, kind, LAT,LON and where it comes from.

    \b
    Example:
        mapper places
        mapper places --json
    """
    geodata = load_geodata(data_dir_of(ctx))
    rows = []
    for place in geodata.places:
        props = place["properties"]
        point = place_lonlat(place)
        rows.append({
            "id": props["id"], "name": props["name"], "kind": props["kind"], "lat": point.lat, "lon": point.lon,
            "aliases": props.get("aliases", []), "provenance": _provenance(props),
        })
    if as_json:
        echo_json(rows)
        return
    width = max(len(r["id"]) for r in rows)
    for r in rows:
        click.echo(f"{r['id']:<{width}}  {r['lat']:9.4f},{r['lon']:9.4f}  {r['kind']:<15}  "
                   f"{r['name']}  [{r['provenance']}]")
