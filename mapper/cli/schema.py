"""``mapper schema``: print or write the JSON Schema of a briefing or of a geodata file."""

import click

from mapper.cli.options import echo_json, log, overwrite_option, reports_errors, say
from mapper.core.vocab import FILES, SCHEMAS


@click.command()
@click.argument("name", required=False, metavar="[NAME]")
@click.option("--list", "list_names", is_flag=True, help="List the schemas (as NAME is left out does).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str),
              help="Write the schema to this file instead of printing it.")
@overwrite_option
@reports_errors
def schema(name, list_names, output, overwrite):
    """Print the JSON Schema NAME (briefing, or a geodata file's) for editors and tools.

    NAME is one of: briefing (a TOML briefing, as parsed to JSON), places,
    routes, sources, systems, claims, events (the geodata files).  Point an
    editor at the briefing's schema (e.g. a '#:schema' line for Taplo / Even
    Better TOML) to have keys completed and typos marked as you type.  The
    schemas describe the rules; `mapper validate` stays the final word.

    \b
    Example:
        mapper schema --list
        mapper schema briefing -o briefing.schema.json
    """
    if list_names or name is None:
        width = max(len(n) for n in SCHEMAS)
        for schema_name in SCHEMAS:
            say(f"{schema_name:<{width}}  {FILES.get(schema_name, 'a briefing (TOML)')}")
        return
    from mapper import api  # here, not at the top: --help loads no library code

    document = api.schema(name, output, overwrite)
    if output:
        log.info("wrote %s", output)
    else:
        echo_json(document)
