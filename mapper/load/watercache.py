"""The cache of the world sea graph: where it lives, and reading it back without trusting it.

The graph (:mod:`mapper.geo.seagraph`) takes about a minute to build, so it
is built once and kept as an uncompressed ``.npz`` file (plain arrays, no
pickles) in the user's cache folder: ``$MAPPER_CACHE_DIR``, else
``$XDG_CACHE_HOME/mapper``, else ``~/.cache/mapper``.  Its name carries a
digest of everything it is built from (the land, the fine zones, the
code's version), so a change to any of them makes a new file.  A file that
cannot be read, or whose arrays do not fit together, is not used: the
graph is built again and the file replaced.
"""

import hashlib
import os
import zipfile
from pathlib import Path

import numpy as np

from mapper.core.output import atomic_path
from mapper.errors import DataError, MapperError
from mapper.load.files import checked_size, read_bytes

CACHE_ENV = "MAPPER_CACHE_DIR"
CACHE_PREFIX = "seagraph-"
FACES = 6


def cache_dir():
    """The folder of mapper's caches (it may not exist yet)."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "mapper"
    return Path.home() / ".cache" / "mapper"


def graph_path(digest):
    """Where the graph built from inputs with ``digest`` (hex) is cached."""
    return cache_dir() / f"{CACHE_PREFIX}{digest[:24]}.npz"


def _consistent(arrays, digest):
    """True if the arrays are a whole graph built from ``digest``: shapes, types and indices all fit."""
    points, indptr, indices, lengths = (arrays[k] for k in ("points", "indptr", "indices", "lengths"))
    component, bucket_start = arrays["component"], arrays["bucket_start"]
    n = len(points)
    return (bytes(arrays["digest"]).decode("ascii", "replace") == digest
            and points.dtype == np.float64 and points.ndim == 2 and points.shape[1] == 3
            and np.isfinite(points).all()
            and indptr.dtype.kind == "i" and indices.dtype.kind == "i" and lengths.dtype.kind == "f"
            and indptr.shape == (n + 1,) and indptr[0] == 0 and indptr[-1] == len(indices) == len(lengths)
            and bool(np.all(np.diff(indptr) >= 0))
            and (not len(indices) or (indices.min() >= 0 and indices.max() < n))
            and bool(np.all(np.isfinite(lengths))) and (not len(lengths) or lengths.min() >= 0)
            and component.shape == (n,) and component.dtype.kind == "i"
            and bucket_start.dtype.kind == "i" and bucket_start[0] == 0 and bucket_start[-1] == n
            and bool(np.all(np.diff(bucket_start) >= 0))
            and all(arrays[f"blocked{f}"].dtype == np.uint8 for f in range(FACES)))


def read_graph(path, digest):
    """The cached arrays at ``path`` if they are a whole graph built from ``digest``, else None."""
    path = Path(path)
    if not path.is_file():
        return None
    try:
        checked_size(path, "sea graph cache")
        with np.load(path, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
        return arrays if _consistent(arrays, digest) else None
    except (OSError, ValueError, KeyError, TypeError, DataError, zipfile.BadZipFile, EOFError):
        return None


def write_graph(path, arrays):
    """Write the graph's arrays to ``path`` atomically (its folder made if needed); the path, or None if it cannot."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path, overwrite=True) as tmp:
            np.savez(tmp, **arrays)
    except (OSError, MapperError):  # a cache that cannot be written only makes the next run slower
        return None
    return path


def files_digest(paths):
    """A SHA-256 (hex) of the names and contents of ``paths``: what a cached graph was built from."""
    digest = hashlib.sha256()
    for path in paths:
        data = read_bytes(path, "basemap tile")
        digest.update(f"{Path(path).name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()
