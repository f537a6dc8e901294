"""``mapper places``: list the places in the geodata."""

import click

from mapper.cli.options import briefing_option, data_dir_of, echo_json, json_option, reports_errors, say


@click.command()
@json_option
@briefing_option
@click.pass_context
@reports_errors
def places(ctx, as_json, briefing):
    """List every place: id, name, kind, LAT,LON and where it comes from.

    \b
    Example:
        mapper places
        mapper places --json
    """
    from mapper import api  # here, not at the top: --help loads no library code

    rows = api.place_rows(data_dir_of(ctx), briefing)
    if as_json:
        echo_json(rows)
        return
    width = max(len(r["id"]) for r in rows)
    for r in rows:
        say(f"{r['id']:<{width}}  {r['lat']:9.4f},{r['lon']:9.4f}  {r['kind']:<15}  "
                   f"{r['name']}  [{r['provenance']}]")
