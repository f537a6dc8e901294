"""Write output files whole or not at all, and never clobber by surprise."""

import os
import signal
import tempfile
from contextlib import contextmanager
from pathlib import Path

from mapper.errors import OutputError, OutputExistsError


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
    try:
        handle, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=path.suffix or ".tmp")
        os.close(handle)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror}") from None
    tmp = Path(tmp_name)
    try:
        # Writers such as GDAL want to create the file themselves.
        tmp.unlink()
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
        # Also on Ctrl-C or SIGTERM (turned into an exception by the CLI).
        with _signals_held():
            if tmp.exists():
                tmp.unlink()


@contextmanager
def _signals_held():
    """Hold SIGINT and SIGTERM back while a file is renamed or removed, so neither is left half done."""
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


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
