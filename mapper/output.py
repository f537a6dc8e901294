"""Write output files whole or not at all, and never clobber by surprise."""

import os
import tempfile
from pathlib import Path

from mapper.errors import OutputError, OutputExistsError


def write_atomic(path, data, overwrite=False):
    """Write ``data`` (str or bytes) to ``path`` through a temporary file.

    The temporary file lives in the target folder and is renamed into place,
    so readers see the old file or the new one, never half of one.

    Raises
    ------
    OutputExistsError
        If ``path`` exists and ``overwrite`` is false.
    OutputError
        If the folder is missing or not writable.
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if path.is_dir():
        raise OutputError(f"{path}: is a folder, not a file")
    if path.exists() and not overwrite:
        raise OutputExistsError(f"{path}: already exists")
    folder = path.parent
    if not folder.is_dir():
        raise OutputError(f"{path}: folder {folder} does not exist")
    tmp_name = None
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{path.name}.", suffix=".tmp", delete=False) as tmp:
            tmp_name = tmp.name
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp_name, 0o644)
        if overwrite:
            os.replace(tmp_name, path)
        else:
            # link() fails if the name appeared meanwhile: no silent clobber.
            os.link(tmp_name, path)
            os.unlink(tmp_name)
        tmp_name = None
    except FileExistsError:
        raise OutputExistsError(f"{path}: already exists") from None
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror}") from None
    finally:
        if tmp_name is not None and os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return path
