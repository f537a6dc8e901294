"""Entry point: the ``mapper`` group and its commands, registered explicitly."""

import signal
import sys

import click

from mapper import __version__
from mapper.cli import coverage, distance, export, new_briefing, places, render, ring, route, validate, verify
from mapper.cli.options import configure_logging
from mapper.output import remove_temporary_files


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
    """Console-script entry point: every error is one line on stderr, and never a half-written file.

    Usage errors exit 2, other failures 1, and signal N exits 128 + N.
    """
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupt)
    try:
        status = cli.main(prog_name="mapper", standalone_mode=False)
    except click.UsageError as exc:
        # One line, not click's usage block: the --help hint goes at its end.
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
        click.echo(f"Error: {exc.format_message().rstrip('.')}{hint}", err=True)
        status = exc.exit_code
    except click.ClickException as exc:
        exc.show()
        status = exc.exit_code
    except click.Abort:
        click.echo("Aborted!", err=True)
        status = 1
    except BrokenPipeError:
        # The reader went away (e.g. `mapper places | head`): not an error to report.
        sys.stdout = None
        status = 1
    except Interrupted as stop:
        # Ignore a second signal while saying goodbye.
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_IGN)
        remove_temporary_files()
        click.echo(f"mapper: stopped by {signal.Signals(stop.signum).name}; no output was left half written",
                   err=True)
        status = 128 + stop.signum
    sys.exit(status if isinstance(status, int) else 0)
