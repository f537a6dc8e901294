"""Options and error handling shared by every command, defined once."""

import functools
import json
import logging
import os
import re
import sys
import warnings

import click

from mapper.core.text import UNSAFE_CHARS
from mapper.core.vocab import LATLON_PATTERN, MINUS_SIGN
from mapper.errors import InputError, MapperError, MapperWarning, OutputExistsError

log = logging.getLogger("mapper")


# Characters that never reach a terminal as they are (mapper.core.text.UNSAFE_CHARS): ESC starts
# colour, cursor, title (OSC) and hyperlink sequences; CR and backspace overwrite what was printed.
_CONTROL = re.compile(f"[{UNSAFE_CHARS}]")
_CONTROL_BUT_NEWLINE = re.compile(f"(?!\n)[{UNSAFE_CHARS}]")
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match):
    char = match.group()
    code = ord(char)
    return _NAMED_ESCAPES.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def visible(text):
    """``text`` with each control character as a visible escape, as Python writes it.

    ESC becomes ``\\x1b``, U+009B ``\\x9b``, U+202E ``\\u202e``, a newline
    ``\\n``: a name from the data can neither drive the terminal nor fake a
    line.  A backslash already in the text stays as it is.
    """
    return _CONTROL.sub(_escape, str(text))


class PipeClosed(click.exceptions.Exit):
    """The reader of mapper's output went away (``mapper places | head -1``): stop, quietly, with status 0."""

    def __init__(self):
        super().__init__(0)


def _write(text, err=False):
    """The one place where the CLI prints: lines of ``text``, no control character but the newlines between them.

    If the reader of stdout has gone, the run stops (:class:`PipeClosed`);
    if only the reader of stderr has, the work goes on without its log, and
    its status says how it went.
    """
    try:
        click.echo(_CONTROL_BUT_NEWLINE.sub(_escape, text), err=err)
    except BrokenPipeError:
        quiet_after_broken_pipe(sys.stderr if err else sys.stdout)
        if not err:
            raise PipeClosed from None


def quiet_after_broken_pipe(*streams):
    """Point ``streams`` (default stdout and stderr) at /dev/null, so that what is left to flush fails no more."""
    for stream in streams or (sys.stdout, sys.stderr):
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, stream.fileno())
            finally:
                os.close(devnull)
        except (OSError, ValueError):  # not a file with a descriptor (e.g. click's test runner): nothing to flush
            pass


def say(line="", err=False):
    """Print one line on stdout (or stderr), its control characters made visible (see :func:`visible`)."""
    _write(visible(line), err)


class _StderrHandler(logging.Handler):
    """Log through :func:`say`, so messages reach whatever stderr is current, one line each."""

    def emit(self, record):
        say(self.format(record), err=True)


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
    """``text`` on one line, safe for a terminal: a newline in a file name, say, shows as \\n (see :func:`visible`)."""
    return visible(text)


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
        except MemoryError:
            raise click.ClickException("ran out of memory; nothing was written (is a limit such as ulimit -v set "
                                       "low?)") from None

    return wrapper


class PointCommand(click.Command):
    """A command whose arguments may be points south or west: ``mapper distance -33.87,151.21 51.5,-0.13``.

    click reads every argument that starts with ``-`` as an option.  Before it
    parses, an argument shaped like LAT,LON that is not an option's value has
    its leading ``-`` swapped for U+2212 MINUS SIGN, so that it reaches the
    command as a value; after parsing it is given back as it was typed.  Any
    other argument starting with ``-`` is still an option, and an unknown one
    still a usage error.
    """

    def parse_args(self, ctx, args):
        takes_value = {name for param in self.get_params(ctx) if isinstance(param, click.Option)
                       and not param.is_flag and not param.count for name in param.opts}
        typed, swapped = {}, []
        after_value_option = False
        for n, arg in enumerate(args):
            if arg == "--":  # the rest are values already
                swapped.extend(args[n:])
                break
            if not after_value_option and arg.startswith("-") and LATLON_PATTERN.match(arg):
                typed[MINUS_SIGN + arg[1:]] = arg
                arg = MINUS_SIGN + arg[1:]
            after_value_option = not after_value_option and arg in takes_value
            swapped.append(arg)
        rest = super().parse_args(ctx, swapped)
        for name, value in ctx.params.items():
            if isinstance(value, str):
                ctx.params[name] = typed.get(value, value)
            elif isinstance(value, tuple):
                ctx.params[name] = tuple(typed.get(v, v) if isinstance(v, str) else v for v in value)
        return rest


json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON on stdout.")
overwrite_option = click.option("--overwrite", is_flag=True, help="Replace the output file if it exists.")
stamp_option = click.option("--stamp/--no-stamp", default=None,
                            help="Show a 'generated on' line (UTC; $SOURCE_DATE_EPOCH if set) [default: the "
                                 "briefing's 'stamp' key, else no].")


def echo_json(value):
    """Write ``value`` as JSON to stdout.

    The encoder escapes C0 controls in strings; the other controls (see
    :func:`visible`) are written as JSON escapes too, so the text decodes to
    the same value and shows no control character raw.
    """
    text = json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False)
    _write(_CONTROL_BUT_NEWLINE.sub(lambda match: f"\\u{ord(match.group()):04x}", text))


briefing_option = click.option(
    "-b", "--briefing", "briefing", type=click.Path(dir_okay=False, path_type=str), default=None,
    help="Answer for this briefing (a TOML file): its places, systems, sources and claims. "
         "Default: the bundled Iran–Russia story.")


def data_dir_of(ctx):
    """The --data-dir given to the group (None: the bundled geodata)."""
    return ctx.find_root().obj.get("data_dir")
