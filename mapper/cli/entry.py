"""The ``mapper`` console script: the signal handlers first, then the commands.

The handlers are set before click and the commands are imported, so that
Ctrl-C or SIGTERM at any moment gives one line and no traceback.  A file
being written is removed (see :mod:`mapper.core.output`), the line is printed,
and mapper then dies by the signal itself, so that a shell script running
it in a loop stops too (its status is 128 + N, e.g. 130 for Ctrl-C).
"""

import os
import signal
import sys

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived; raised wherever Python was, so writes under way clean up."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


def _interrupt(signum, _frame):
    raise Interrupted(signum)


def main():
    """Console-script entry point: run the CLI (see :func:`mapper.cli.main.run`) and exit with its status."""
    # Arrow's default allocator reserves about 1 GiB of address space up front: under a memory
    # limit (ulimit -v) the largest point files would fail that draw within 2 GiB with the system's.
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    for signum in STOP_SIGNALS:
        if signal.getsignal(signum) is not signal.SIG_IGN:  # a job started to ignore them keeps doing so
            signal.signal(signum, _interrupt)
    try:
        from mapper.cli.main import run  # only now: a signal during these imports is handled too

        status = run()
    except Interrupted as stop:
        _stop(stop.signum)
        status = 128 + stop.signum  # only if the signal did not end the process
    finally:
        for signum in STOP_SIGNALS:  # from here on, leave quietly
            signal.signal(signum, signal.SIG_IGN)
    sys.exit(status)


def _stop(signum):
    for each in STOP_SIGNALS:  # a second signal waits while this one is dealt with
        signal.signal(each, signal.SIG_IGN)
    output = sys.modules.get("mapper.core.output")
    if output is not None:
        output.remove_temporary_files()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    sys.stderr.write(f"mapper: stopped by {signal.Signals(signum).name}; no output was left half written\n")
    sys.stderr.flush()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)
