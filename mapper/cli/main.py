"""The ``mapper`` group and its commands, registered explicitly, and :func:`run`, which reports errors."""

import click
from click.exceptions import NoArgsIsHelpError

from mapper import __version__
from mapper.cli import coverage, distance, export, new_briefing, places, render, ring, route, validate, verify
from mapper.cli.entry import main  # noqa: F401  (the console script, also as mapper.cli.main.main)
from mapper.cli.options import configure_logging, one_line


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
    (the order map apps show), e.g. 50.45,30.52 for Kyiv.

    \b
    Example:
        mapper render            # writes outputs/iran-russia.html
        mapper distance moscow alabuga --units mi
    """
    configure_logging(verbose, quiet)
    ctx.obj = {"data_dir": data_dir}


cli.add_command(render.render)
cli.add_command(new_briefing.new_briefing)
cli.add_command(export.export)
cli.add_command(coverage.coverage)
cli.add_command(places.places)
cli.add_command(distance.distance)
cli.add_command(ring.ring)
cli.add_command(route.route)
cli.add_command(validate.validate)
cli.add_command(verify.verify)


def run():
    """Run the CLI on ``sys.argv``; its exit status.

    Every error is one line on stderr: usage errors exit 2, other failures 1.
    """
    try:
        status = cli.main(prog_name="mapper", standalone_mode=False)
    except NoArgsIsHelpError as exc:  # plain `mapper`: the help, as click shows it
        exc.show()
        status = exc.exit_code
    except click.UsageError as exc:
        # One line, not click's usage block: the --help hint goes at its end.
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
        click.echo(f"Error: {one_line(exc.format_message().rstrip('.'))}{hint}", err=True)
        status = exc.exit_code
    except click.ClickException as exc:
        click.echo(f"Error: {one_line(exc.format_message())}", err=True)
        status = exc.exit_code
    except click.Abort:
        click.echo("Aborted!", err=True)
        status = 1
    return status if isinstance(status, int) else 0
