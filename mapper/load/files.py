"""Reading input files: every size limit and every read goes through here.

Files come from other people, so each is checked before it is read: it
must be a regular file (a device or a pipe could be read forever) and no
larger than the limit for its kind.  Errors are :class:`DataError` lines
that name the file and what is wrong.
"""

import json
import os
import stat
from pathlib import Path

from mapper.errors import DataError

# Geodata, briefings and areas are hand-made; anything larger is a mistake,
# and is refused before it is read into memory.
MAX_TEXT_FILE_BYTES = 64 * 1024 * 1024
# Kinds of file with limits of their own, by the name messages use for them.
MAX_BYTES = {
    # Decoded JSON takes up to ten times its text: these keep a refusal by
    # count (places, records, vertices) under 500 MB.
    "geodata file": 16 * 1024 * 1024,
    "area file": 16 * 1024 * 1024,
    "places file": 16 * 1024 * 1024,
    "point file": 512 * 1024 * 1024,  # up to 2,000,000 points with a few columns each
    # GeoJSON spends 100 bytes a point on syntax, and its properties are decoded one
    # Python object each: 512 MiB of it took 2.07 GB to draw, 256 MiB 1.5 GB.
    "GeoJSON point file": 256 * 1024 * 1024,
    # Hand-written TOML: the bundled briefings are about 1 KB.  Within 1 MiB and the
    # bounds of load/tomltext.py, tomllib parses any text in about a second and 200 MB.
    "briefing file": 1024 * 1024,
    # A news article or report saved as text (mapper ingest): a long report is some 100 kB, and
    # the extraction's work grows with the text.
    "article": 2 * 1024 * 1024,
    # Made by mapper itself (mapper.load.watercache): the world sea graph is about 80 MB.
    "sea graph cache": 1024 * 1024 * 1024,
}


def limit_bytes(what):
    """The size limit of a kind of file (``"point file"``); MAX_TEXT_FILE_BYTES for any other."""
    return MAX_BYTES.get(what, MAX_TEXT_FILE_BYTES)


def size_text(n_bytes):
    """'1,234 bytes' or '16 MiB', as messages show sizes."""
    if n_bytes < 2**20:
        return f"{n_bytes:,} bytes"
    tenths = -(-n_bytes * 10 // 2**20)  # rounded up, so that a file just over the limit does not show as at it
    return f"{tenths // 10:,} MiB" if tenths % 10 == 0 else f"{tenths / 10:,.1f} MiB"


def too_large(path, size_bytes, limit_bytes, what):
    """The DataError for a file over its size limit: '…: 600 MiB; point files may be at most 512 MiB'."""
    return DataError(f"{path}: {size_text(size_bytes)}; {what}s may be at most {size_text(limit_bytes)}")


def checked_size(path, what="file"):
    """The size in bytes of the regular file ``path``, within the limit for ``what`` it is.

    Raises
    ------
    DataError
        If the file is missing, a folder or another special file, cannot be
        read, or is over the limit.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise DataError(f"{path}: {what} not found") from None
    except ValueError as exc:  # a NUL in the name
        raise DataError(f"{path}: cannot read: {exc}") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise DataError(f"{path}: is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise DataError(f"{path}: not a regular file")
    if info.st_size > limit_bytes(what):
        raise too_large(path, info.st_size, limit_bytes(what), what)
    return info.st_size


def read_bytes(path, what="file"):
    """The bytes of the regular file ``path``, within the size limit for ``what`` it is (see :func:`checked_size`)."""
    checked_size(path, what)
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror}") from None


def read_text(path, what="file"):
    """Read a UTF-8 file, raising DataError that names it and what went wrong."""
    checked_size(path, what)
    try:
        # utf-8-sig: a byte-order mark, as Windows editors write, is dropped.
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror}") from None
    if not text.strip():
        raise DataError(f"{path}: {what} is empty")
    return text


def read_json(path, what="file"):
    """Decode one JSON file, raising DataError that names the file and line."""
    text = read_text(path, what)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise DataError(f"{path}: invalid JSON: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise DataError(f"{path}: invalid JSON: {exc}") from None
    try:
        # A "\ud800"-style escape decodes to a lone surrogate, which is not text
        # and could not be written out again.
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise DataError(f"{path}: a string holds a lone surrogate escape "
                        f"(\\u{ord(exc.object[exc.start]):04x}), which is not text") from None
    return data
