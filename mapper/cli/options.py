"""Options and error handling shared by every command, defined once."""

import functools
import json
import logging
import warnings

import click

from mapper.errors import InputError, MapperError, MapperWarning, OutputExistsError

log = logging.getLogger("mapper")


class _StderrHandler(logging.Handler):
    """Log through click so messages reach whatever stderr is current."""

    def emit(self, record):
        click.echo(self.format(record), err=True)


def configure_logging(verbose, quiet):
    """Logs go to stderr: errors only with -q, info by default, debug with -vv."""
    level = logging.ERROR if quiet else (logging.DEBUG if verbose > 1 else logging.INFO)
    log.handlers[:] = [_StderrHandler()]
    log.setLevel(level)
    log.propagate = False


def _show_warning(message, category, *_):
    """mapper's warnings as one line each; other libraries' go to the debug log."""
    if issubclass(category, MapperWarning):
        log.warning("warning: %s", one_line(message))
    else:
        log.debug("%s: %s", category.__name__, message)


class InputFailure(click.ClickException):
    """A bad value on the command line: one line, exit code 2."""

    exit_code = 2


def one_line(text):
    """``text`` on one line: a newline in a file name, say, is shown as \\n."""
    return str(text).replace("\r", "\\r").replace("\n", "\\n")


def reports_errors(command):
    """Turn mapper's errors into one-line click errors (exit 2 for input, 1 otherwise), and its warnings into lines."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("always", MapperWarning)
                warnings.showwarning = _show_warning
                return command(*args, **kwargs)
        except InputError as exc:
            raise InputFailure(one_line(exc)) from None
        except OutputExistsError as exc:
            raise click.ClickException(f"{one_line(exc)}; use --overwrite to replace it") from None
        except MapperError as exc:
            raise click.ClickException(one_line(exc)) from None

    return wrapper


json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON on stdout.")
overwrite_option = click.option("--overwrite", is_flag=True, help="Replace the output file if it exists.")
stamp_option = click.option("--stamp/--no-stamp", default=None,
                            help="Show a 'generated on' line (UTC; $SOURCE_DATE_EPOCH if set) [default: the "
                                 "briefing's 'stamp' key, else no].")


def echo_json(value):
    """Write ``value`` as JSON to stdout."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False))


def data_dir_of(ctx):
    """The --data-dir given to the group (None: the bundled geodata)."""
    return ctx.find_root().obj.get("data_dir")
