"""Write output files whole or not at all, and never clobber by surprise."""

import os
import re
import signal
import stat
import tempfile
import threading
import warnings
from contextlib import contextmanager
from pathlib import Path

from mapper.errors import InputError, MapperWarning, OutputError, OutputExistsError

# Temporary files being written now (see remove_temporary_files).
_PENDING = set()

# Signals held back while a temporary file is made, renamed or removed (see _signals_held).
_HELD = (signal.SIGINT, signal.SIGTERM)
_held_depth = 0
_held_signals = []  # those that arrived meanwhile
_handlers = {}  # each held signal's own handler, to call once the step is done

# A temporary file's name: ``.NAME.mapper-PID-START-NS-XXXXXXXX.SUFFIX``, hidden, beside the output.
# PID is the writer's process id, START its start time (clock ticks after boot) and NS its PID
# namespace's inode (both 0 where /proc cannot tell), so that a file a killed writer left behind
# can be told from one being written now, even once the PID is reused (see remove_stale_temporary_files).
_TEMP_TAG = "mapper"
_TEMP_NAME = re.compile(r"\.(?P<name>.+)\.mapper-(?P<pid>[1-9][0-9]*)-(?P<start>[0-9]+)-(?P<ns>[0-9]+)-"
                        r"[a-z0-9_]{8}\.[^.]*\Z", re.DOTALL)
# Room for the parts after the name, within the usual limit of 255 bytes per file name.
_NAME_MAX_BYTES = 255


def check_output_path(path, overwrite=False):
    """``path`` as a Path, if a file may be written there; callers check early, before the slow part.

    Raises
    ------
    InputError
        If ``path`` ends in a slash: it names a folder.
    OutputExistsError
        If ``path`` exists (or is a symlink to nothing) and ``overwrite`` is false.
    OutputError
        If ``path`` is a folder, a device or a pipe, or its folder is missing.
    """
    text = os.fspath(path)
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path}: is a folder, not a file")
    if isinstance(text, str) and text.endswith(tuple(filter(None, (os.sep, os.altsep)))):
        raise InputError(f"{text}: ends in '{text[-1]}', so it names a folder, not a file to write")
    if path.exists() and not path.is_file():
        raise OutputError(f"{path}: is a device or pipe, not a file; mapper writes only files")
    if path.exists() and not overwrite:
        raise OutputExistsError(f"{path}: already exists")
    if path.is_symlink() and not path.exists() and not overwrite:
        raise OutputExistsError(f"{path}: is a symlink to {_link_target(path)}, which does not exist")
    folder = path.parent
    if not folder.is_dir():
        raise OutputError(f"{path}: folder {folder} does not exist")
    return path


@contextmanager
def atomic_path(path, overwrite=False):
    """A temporary path beside ``path``, moved into place if the block succeeds.

    The temporary file lives in the target folder and is renamed into place,
    so readers see the old file or the new one, never half of one.  If the
    block raises, the temporary file is removed and ``path`` is untouched.

    Before that, temporary files that killed writers left in the folder are
    removed, with a warning (see :func:`remove_stale_temporary_files`).

    Raises
    ------
    InputError, OutputExistsError, OutputError
        As :func:`check_output_path`; OutputError also if the folder is not writable.
    """
    path = check_output_path(path, overwrite)
    folder = path.parent
    remove_stale_temporary_files(folder)
    with _signals_held():
        try:
            suffix = path.suffix or ".tmp"
            handle, tmp_name = tempfile.mkstemp(dir=folder, prefix=_temp_prefix(path.name, suffix), suffix=suffix)
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


def _link_target(path):
    try:
        return os.readlink(path)
    except OSError:  # gone meanwhile
        return "?"


def process_start(pid):
    """When process ``pid`` started, in clock ticks after boot (Linux); None if it is not running or unknown."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()  # after the command name, which may hold anything
        return int(fields[19])  # field 22 of proc_pid_stat(5), counted from field 3
    except (OSError, IndexError, ValueError):
        return None


def pid_namespace():
    """The inode of this process's PID namespace (Linux), 0 if unknown: PIDs mean something only inside one."""
    try:
        return os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        return 0


def _temp_prefix(name, suffix):
    """``.NAME.mapper-PID-START-NS-`` for this process, NAME cut so that the whole name fits in 255 bytes."""
    pid = os.getpid()
    tag = f".{_TEMP_TAG}-{pid}-{process_start(pid) or 0}-{pid_namespace()}-"
    room = _NAME_MAX_BYTES - 1 - len(tag) - 8 - len(os.fsencode(suffix))  # the dot, mkstemp's 8 characters
    while len(os.fsencode(name)) > room and len(name) > 1:
        name = name[:-1]
    return f".{name}{tag}"


def _stale(name, own_namespace):
    """Whether ``name`` is one of mapper's temporary files whose writer has gone; False if in doubt."""
    match = _TEMP_NAME.match(name)
    if match is None:
        return False
    pid, start, namespace = int(match["pid"]), int(match["start"]), int(match["ns"])
    if namespace != own_namespace:
        return False  # another container's PIDs: nothing can be told from them here
    if pid != os.getpid():
        try:
            os.kill(pid, 0)  # signal 0: only asks whether the process exists
        except ProcessLookupError:
            return True
        except OSError:  # e.g. another user's process: it exists
            return False
    running_since = process_start(pid)
    # The PID is in use: by the writer itself, or (if it started at another time) by a process it was reused for.
    return bool(start) and running_since is not None and running_since != start


def remove_stale_temporary_files(folder):
    """Remove the temporary files that killed writers (``kill -9``, the out-of-memory killer) left in ``folder``.

    Only regular files of this user whose name has the exact form of
    mapper's temporary files (see :data:`_TEMP_NAME`) are removed, and only
    when the process named in it has ended (or its PID now belongs to a
    process started at another time).  A :class:`MapperWarning` says which.

    Returns
    -------
    list of Path
        The files removed.
    """
    removed = []
    if os.name != "posix":  # elsewhere os.kill(pid, 0) would end the process, not ask about it
        return removed
    uid, own_namespace = os.geteuid(), pid_namespace()
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return removed  # cannot list the folder: writing there will say what is wrong
    for entry in entries:
        if not entry.name.startswith(".") or f".{_TEMP_TAG}-" not in entry.name:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode) or info.st_uid != uid or not _stale(entry.name, own_namespace):
                continue
            os.unlink(entry.path)
        except OSError:  # gone meanwhile (another mapper cleaning up), or not ours to remove
            continue
        removed.append(Path(entry.path))
    if removed:
        names = ", ".join(path.name for path in removed[:3]) + (f" and {len(removed) - 3} more" if len(removed) > 3
                                                               else "")
        warnings.warn(f"removed {len(removed)} partial file{'s' if len(removed) > 1 else ''} left in {Path(folder)} "
                      f"by a mapper that was killed: {names}", MapperWarning, stacklevel=3)
    return removed


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
