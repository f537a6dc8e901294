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
_HELD = (signal.SIGINT, signal.SIGTERM)


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
        with _signals_held():
            os.chmod(tmp, 0o644)
            if overwrite:
                os.replace(tmp, path)
            else:
                # link() fails if the name appeared meanwhile: no silent clobber.
                os.link(tmp, path)
                tmp.unlink()
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

    A signal that arrives meanwhile is handed to its handler at the end, so a
    handler that raises (as the CLI's does) cannot leave a step half done.
    Handlers run in the main thread, whichever thread the signal reaches, so
    masking the signal would not do; the handlers are swapped instead.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers, and only it runs them
        return
    caught = []
    previous = {signum: signal.signal(signum, lambda signum, _frame: caught.append(signum)) for signum in _HELD}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for signum in caught[:1]:
            handler = previous[signum]
            if callable(handler):
                handler(signum, None)
            elif handler == signal.SIG_DFL:
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
