"""Write output files whole or not at all, and never clobber by surprise."""

import os
import signal
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

from mapper.errors import OutputError, OutputExistsError

# Temporary files being written now (see remove_temporary_files).
_PENDING = set()

# Signals held back while a temporary file is made, renamed or removed (see _signals_held).
_HELD = (signal.SIGINT, signal.SIGTERM)
_held_depth = 0
_held_signals = []  # those that arrived meanwhile
_handlers = {}  # each held signal's own handler, to call once the step is done


@contextmanager
def atomic_path(path, overwrite=False):
    """A temporary path beside ``path``, moved into place if the block succeeds.

    The temporary file lives in the target folder and is renamed into place,
    so readers see the old file or the new one, never half of one.  If the
    block raises, the temporary file is removed and ``path`` is untouched.

    Raises
    ------
    OutputExistsError
        If ``path`` exists and ``overwrite`` is false.
    OutputError
        If the folder is missing or not writable.
    """
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path}: is a folder, not a file")
    if path.exists() and not path.is_file():
        raise OutputError(f"{path}: is a device or pipe, not a file; mapper writes only files")
    if path.exists() and not overwrite:
        raise OutputExistsError(f"{path}: already exists")
    folder = path.parent
    if not folder.is_dir():
        raise OutputError(f"{path}: folder {folder} does not exist")
    with _signals_held():
        try:
            handle, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=path.suffix or ".tmp")
            os.close(handle)
        except OSError as exc:
            raise OutputError(f"{path}: cannot write: {exc.strerror}") from None
        tmp = Path(tmp_name)
        _PENDING.add(tmp)
        # Writers such as GDAL want to create the file themselves.
        tmp.unlink()
    try:
        yield tmp
        if not tmp.is_file():
            raise OutputError(f"{path}: nothing was written")
        with _signals_held() as arrived:
            os.chmod(tmp, 0o644)
            # After a signal, stop short: the old file stays, and the signal acts as the block ends.
            renaming = not arrived
            if renaming:
                if overwrite:
                    os.replace(tmp, path)
                else:
                    # link() fails if the name appeared meanwhile: no silent clobber.
                    os.link(tmp, path)
                    tmp.unlink()
        if not renaming:  # the signal's handler let the program go on
            raise OutputError(f"{path}: not written: a signal arrived as it was about to be")
    except FileExistsError:
        raise OutputExistsError(f"{path}: already exists") from None
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror}") from None
    finally:
        with _signals_held():
            tmp.unlink(missing_ok=True)
            _PENDING.discard(tmp)


def remove_temporary_files():
    """Remove the temporary files of writes still under way: for a program stopped by a signal.

    A signal can land where no ``finally`` will run, e.g. between a ``with``
    statement's entry and its block; this is the backstop.
    """
    for tmp in list(_PENDING):
        tmp.unlink(missing_ok=True)
        _PENDING.discard(tmp)


@contextmanager
def _signals_held():
    """Hold SIGINT and SIGTERM back while a temporary file is made, renamed or removed.

    Yields the list of signals that arrived meanwhile; the first is handed to
    its own handler as the block ends, so a handler that raises (as the CLI's
    does) cannot leave a step half done.  Handlers run in the main thread,
    whichever thread the signal reaches, so masking it would not do: a
    stand-in handler is set instead, one that passes a signal straight on
    once nothing is held, so that it is harmless if a signal lands while the
    handlers are being put back.
    """
    global _held_depth
    if threading.current_thread() is not threading.main_thread():
        yield []  # only the main thread may set handlers, and only it runs them
        return
    if _held_depth == 0:
        for signum in _HELD:
            handler = signal.getsignal(signum)
            if handler is not None and handler is not _hold:  # None: set from C, left alone
                _handlers[signum] = handler
                signal.signal(signum, _hold)
    _held_depth += 1
    try:
        yield _held_signals
    finally:
        _held_depth -= 1
        if _held_depth == 0:
            for signum, handler in _handlers.items():
                signal.signal(signum, handler)
            if _held_signals:
                signum = _held_signals[0]
                _held_signals.clear()
                _pass_on(signum)


def _hold(signum, frame):
    if _held_depth:
        _held_signals.append(signum)
    else:
        _pass_on(signum, frame)


def _pass_on(signum, frame=None):
    """Do what the signal's own handler does."""
    handler = _handlers.get(signum, signal.SIG_DFL)
    if callable(handler):
        handler(signum, frame)
    elif handler == signal.SIG_DFL:
        signal.signal(signum, signal.SIG_DFL)
        signal.raise_signal(signum)


def write_atomic(path, data, overwrite=False):
    """Write ``data`` (str or bytes) to ``path`` through a temporary file (see :func:`atomic_path`)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    with atomic_path(path, overwrite) as tmp:
        with open(tmp, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    return Path(path)
