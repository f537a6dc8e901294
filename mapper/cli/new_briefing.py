"""``mapper new-briefing``: write a commented starter briefing."""

import click

from mapper.cli.options import log, overwrite_option, reports_errors


@click.command("new-briefing")
@click.argument("name")
@overwrite_option
@reports_errors
def new_briefing(name, overwrite):
    """Write NAME.toml, a commented briefing that renders as it is.

    Edit its title, add your places (CSV, GeoJSON or KML), ranges, routes
    and view, then render it.  Paths inside it are relative to the file.

    \b
    Example:
        mapper new-briefing my-briefing
        mapper render my-briefing.toml --open
    """
    from mapper import api  # here, not at the top: --help loads no library code

    path = api.new_briefing(name, overwrite)
    log.info("wrote %s; edit it, then: mapper render %s", path, path)
