"""Entry point: the ``mapper`` group and its commands, registered explicitly."""

import signal
import sys

import click

from mapper import __version__
from mapper.cli import coverage, distance, export, new_briefing, places, render, ring, route, validate, verify
from mapper.cli.options import configure_logging


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


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived; raised where Python was, so files being written are cleaned up."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


def _interrupt(signum, _frame):
    raise Interrupted(signum)


def main():
    """Console-script entry point: one line and exit 128 + N on signal N, never a half-written file."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupt)
    try:
        cli(prog_name="mapper")
    except Interrupted as stop:
        # Ignore a second signal while saying goodbye.
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_IGN)
        click.echo(f"mapper: stopped by {signal.Signals(stop.signum).name}; no output was left half written",
                   err=True)
        sys.exit(128 + stop.signum)
