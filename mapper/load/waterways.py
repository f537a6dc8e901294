"""The registry of navigable waters: ``waterways.json``, its seas, river systems and allowed connections."""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from mapper.errors import DataError
from mapper.load.files import read_json

WATERWAYS_FILE = "waterways.json"


@dataclass(frozen=True)
class Registry:
    """The waters and allowed connections of ``waterways.json``."""

    data_dir: Path
    waters: dict
    connections: tuple

    def reachable(self, start):
        """``{water: (previous water, connection)}`` for every water ``start`` reaches (``start``: None)."""
        previous = {start: None}
        todo = [start]
        while todo:
            here = todo.pop(0)
            for connection in self.connections:
                if here in connection["between"]:
                    there = next(w for w in connection["between"] if w != here)
                    if there not in previous:
                        previous[there] = (here, connection)
                        todo.append(there)
        return previous


@lru_cache(maxsize=8)
def load_registry(data_dir):
    """Read and check ``waterways.json`` in ``data_dir`` (once per process)."""
    path = Path(data_dir) / WATERWAYS_FILE
    doc = read_json(path)
    waters = {}
    for n, entry in enumerate(doc.get("waters", []) if isinstance(doc, dict) else []):
        where = f"{path}: waters[{n}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise DataError(f"{where}: needs an id")
        if entry.get("kind") not in ("sea", "river"):
            raise DataError(f"{where}: {entry['id']}: kind must be sea or river")
        bbox, seed = entry.get("bbox"), entry.get("seed")
        if not (isinstance(bbox, list) and len(bbox) == 4 and isinstance(seed, list) and len(seed) == 2):
            raise DataError(f"{where}: {entry['id']}: needs bbox [west, south, east, north] and seed [lon, lat]")
        waters[entry["id"]] = entry
    if not waters:
        raise DataError(f"{path}: waters: none listed")
    connections = []
    for n, entry in enumerate(doc.get("connections", [])):
        between = entry.get("between") if isinstance(entry, dict) else None
        if not (isinstance(between, list) and len(between) == 2 and all(w in waters for w in between)):
            raise DataError(f"{path}: connections[{n}]: between must name two listed waters")
        connections.append(entry)
    return Registry(Path(data_dir), waters, tuple(connections))
