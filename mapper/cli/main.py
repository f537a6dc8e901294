"""The ``mapper`` group, its command table, and :func:`run`, which reports errors.

Commands are registered by name in :data:`COMMANDS` and imported only when
one runs (or its own ``--help`` is asked for), so ``mapper --help`` loads
click and this table and nothing else.
"""

import importlib

import click
from click.exceptions import NoArgsIsHelpError

from mapper import __version__
from mapper.cli.options import PipeClosed, configure_logging, one_line, quiet_after_broken_pipe, say

# Command name: (module in mapper.cli, function, one-line summary for the group's --help).
COMMANDS = {
    "render": ("render", "render", "Render BRIEFING (a TOML file) to an HTML map; default: the Iran–Russia briefing."),
    "new-briefing": ("new_briefing", "new_briefing", "Write NAME.toml, a commented briefing that renders as it is."),
    "export": ("export", "export", "Export BRIEFING (default: the Iran–Russia briefing) for other tools and for "
                                   "reports."),
    "coverage": ("coverage", "coverage", "List the places within SYSTEM's range of --from, with geodesic distances."),
    "places": ("places", "places", "List every place: id, name, kind, LAT,LON and where it comes from."),
    "distance": ("distance", "distance", "Geodesic (WGS84) distance from A to B, with the bearing each way."),
    "ring": ("ring", "ring", "Geodesic circle of RADIUS around CENTER (a place or LAT,LON)."),
    "route": ("route", "route", "The route from FROM to TO (places or LAT,LON) over water."),
    "validate": ("validate", "validate", "Check TARGET: a geodata folder (default: the one in use) and its "
                                       "briefings, or one briefing (a .toml file)."),
    "verify": ("verify", "verify", "Check every claim of distance and direction in the geodata against WGS84 "
                                   "geodesy."),
    "ingest": ("ingest", "ingest", "Find the places, distances, ranges, dates, claims and flows in ARTICLE (a text "
                                   "file)."),
    "schema": ("schema", "schema", "Print the JSON Schema NAME (briefing, or a geodata file's) for editors and tools."),
}


class CommandTable(click.Group):
    """A group whose commands are imported from :data:`COMMANDS` on first use."""

    def list_commands(self, ctx):
        return list(COMMANDS)

    def get_command(self, ctx, cmd_name):
        if cmd_name not in COMMANDS:
            return None
        module, function, _ = COMMANDS[cmd_name]
        return getattr(importlib.import_module(f"mapper.cli.{module}"), function)

    def format_commands(self, ctx, formatter):
        """The command list from the table's summaries, without importing any command."""
        rows = [(name, summary) for name, (_, _, summary) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=CommandTable, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=str),
    envvar="MAPPER_DATA_DIR",
    show_envvar=True,
    help="Geodata folder to use instead of the bundled data/geo.",
)
@click.option("-v", "--verbose", count=True, help="More log output on stderr.")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
@click.version_option(__version__, prog_name="mapper")
@click.pass_context
def cli(ctx, data_dir, verbose, quiet):
    """Citable, geodesically correct maps of weapons supply chains.

    Coordinates on the command line are LAT,LON in decimal degrees
    (the order map apps show), e.g. 50.45,30.52 for Kyiv; south and west
    are negative: -33.87,151.21 for Sydney, 51.5,-0.13 for London.

    \b
    Example:
        mapper render            # writes outputs/iran-russia.html
        mapper distance moscow alabuga --units mi
    """
    configure_logging(verbose, quiet)
    ctx.obj = {"data_dir": data_dir}


def run():
    """Run the CLI on ``sys.argv``; its exit status.

    Every error is one line on stderr: usage errors exit 2, other failures 1.
    If the reader of the output goes away (``mapper places | head -1``),
    mapper stops there, quietly, with status 0; a failure keeps its status
    even if its line cannot be written.
    """
    status = 0
    try:
        try:
            status = cli.main(prog_name="mapper", standalone_mode=False)
        except NoArgsIsHelpError as exc:  # plain `mapper`: the help, as click shows it
            status = exc.exit_code
            exc.show()
        except click.UsageError as exc:
            status = exc.exit_code
            # One line, not click's usage block: the --help hint goes at its end.
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
            say(f"Error: {one_line(exc.format_message().rstrip('.'))}{hint}", err=True)
        except click.ClickException as exc:
            status = exc.exit_code
            say(f"Error: {one_line(exc.format_message())}", err=True)
        except click.Abort:
            status = 1
            say("Aborted!", err=True)
    except PipeClosed:  # a line could not be written (see options.say); in a command, click returns its 0
        pass
    except BrokenPipeError:  # click's own output (plain `mapper`'s help) to a closed pipe
        quiet_after_broken_pipe()
    return status if isinstance(status, int) else 0
