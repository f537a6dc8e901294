"""The registry of navigable waters: ``waterways.json``, its seas, river systems, connections and straits.

- ``waters``: a sea (``seed``: a point of its open water; ``bbox`` optional,
  the whole world by default) or a river system (``bbox`` and ``seed``;
  ``bridges``, pairs of points that join gaps in Natural Earth's lines);
- ``connections``: a canal or a river mouth (``kind``) joining two waters,
  or two points of one sea, along ``path`` ([lon, lat] points, the first in
  or near the first water of ``between``); ``vessels`` is ``sea`` (the
  default) or ``river-sea`` for the inland waterways that only river-sea
  ships use, which a sea route takes only from or to inland water (a river,
  or a sea marked ``inland``: the Caspian);
- ``straits``: natural passages, plain water, each with ``gates`` (lines
  from shore to shore: a route that crosses one passes the strait) and optional
  ``fine`` boxes where the sea graph resolves narrow water.

A connection or strait marked ``river_sea_limit`` bounds the seas the inland
waterways open onto (the Black Sea and the Mediterranean, the Baltic, the
White Sea): a sea route between inland water and the sea does not pass it.

Connections and straits can be closed by id, name or alias (``avoid``).
"""

import difflib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from mapper.errors import DataError, InputError
from mapper.load.files import read_json

WATERWAYS_FILE = "waterways.json"
WORLD_BBOX = [-180.0, -90.0, 180.0, 90.0]
CONNECTION_KINDS = ("canal", "river-mouth")
VESSELS = ("sea", "river-sea")  # who a connection takes: sea-going ships, or only river-sea ships
MAX_PATH_POINTS = 200
MAX_ENTRIES = 200
MAX_AVOID = 30  # names a route may close: each closed strait takes its edges out of a copy of the graph


@dataclass(frozen=True)
class Registry:
    """The waters, connections and straits of ``waterways.json``."""

    data_dir: Path
    waters: dict
    connections: tuple
    straits: dict
    closable: dict  # lower-case id, name or alias -> connection or strait id

    @property
    def path(self):
        return self.data_dir / WATERWAYS_FILE

    @property
    def river_sea_limits(self):
        """Ids of the connections and straits a route between inland water and the sea does not pass."""
        return frozenset(item["id"] for item in (*self.connections, *self.straits.values())
                         if item.get("river_sea_limit"))

    def name(self, item_id):
        """The name of a water, connection or strait."""
        for table in (self.waters, self.straits, {c["id"]: c for c in self.connections}):
            if item_id in table:
                return table[item_id].get("name", item_id)
        return item_id

    def closed_ids(self, names):
        """The ids of the connections and straits that ``names`` (ids, names or aliases, any case) close.

        Raises
        ------
        InputError
            For more than MAX_AVOID names, or a name not in the registry (the
            message suggests close ones).
        """
        names = list(names)
        if len(names) > MAX_AVOID:
            raise InputError(f"at most {MAX_AVOID} canals and straits may be closed, got {len(names)}")
        ids = []
        for name in names:
            key = str(name).strip().lower()
            if key not in self.closable:
                close = difflib.get_close_matches(key, sorted(self.closable), n=4, cutoff=0.6)
                hint = f"did you mean {', '.join(close)}?" if close else \
                    f"they are {', '.join(sorted({c['id'] for c in self.connections} | set(self.straits)))}"
                raise InputError(f"{name!r} is not a canal or strait of {self.path.name}; {hint}")
            ids.append(self.closable[key])
        return tuple(dict.fromkeys(ids))

    def reachable(self, start, closed=frozenset()):
        """``{water: (previous water, connection)}`` for every water ``start`` reaches (``start``: None)."""
        previous = {start: None}
        todo = [start]
        while todo:
            here = todo.pop(0)
            for connection in self.connections:
                if connection["id"] not in closed and here in connection["between"]:
                    there = next((w for w in connection["between"] if w != here), here)
                    if there not in previous:
                        previous[there] = (here, connection)
                        todo.append(there)
        return previous


def _point(value):
    return (isinstance(value, list) and len(value) == 2
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
            and -180 <= value[0] <= 180 and -90 <= value[1] <= 90)


def _line(value, at_least=2):
    return isinstance(value, list) and at_least <= len(value) <= MAX_PATH_POINTS and all(_point(p) for p in value)


def _bbox(value):
    return (isinstance(value, list) and len(value) == 4
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
            and -180 <= value[0] < value[2] <= 180 and -90 <= value[1] < value[3] <= 90)


def _entries(doc, key, path):
    entries = doc.get(key, []) if isinstance(doc, dict) else []
    if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
        raise DataError(f"{path}: {key}: a list of at most {MAX_ENTRIES}")
    for n, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not entry["id"].strip():
            raise DataError(f"{path}: {key}[{n}]: needs an id")
        where = f"{path}: {key}[{n}]: {entry['id']}"
        for text in ("name", "note", "source"):
            if text in entry and not isinstance(entry[text], str):
                raise DataError(f"{where}: {text} must be text")
        aliases = entry.get("aliases", [])
        if not (isinstance(aliases, list) and all(isinstance(a, str) for a in aliases)):
            raise DataError(f"{where}: aliases must be a list of names")
        gap = entry.get("max_gap_m", 1.0)
        if isinstance(gap, bool) or not isinstance(gap, (int, float)) or not 0 < gap <= 1e6:
            raise DataError(f"{where}: max_gap_m must be a number of metres, more than 0 and at most 1,000,000")
        yield n, entry


def _check_limit(entry, where):
    if not isinstance(entry.get("river_sea_limit", False), bool):
        raise DataError(f"{where}: river_sea_limit must be true or false")


@lru_cache(maxsize=8)
def load_registry(data_dir):
    """Read and check ``waterways.json`` in ``data_dir`` (once per process)."""
    path = Path(data_dir) / WATERWAYS_FILE
    doc = read_json(path)
    waters = {}
    for n, entry in _entries(doc, "waters", path):
        where = f"{path}: waters[{n}]: {entry['id']}"
        if entry.get("kind") not in ("sea", "river"):
            raise DataError(f"{where}: kind must be sea or river")
        if not _point(entry.get("seed")):
            raise DataError(f"{where}: needs seed [lon, lat]")
        if entry["kind"] == "river" and not _bbox(entry.get("bbox")):
            raise DataError(f"{where}: needs bbox [west, south, east, north] and seed [lon, lat]")
        if "bbox" in entry and not _bbox(entry["bbox"]):
            raise DataError(f"{where}: bbox must be [west, south, east, north]")
        bridges = entry.get("bridges", [])
        if not (isinstance(bridges, list) and all(_line(bridge, 2) and len(bridge) == 2 for bridge in bridges)):
            raise DataError(f"{where}: bridges: each is two points [[lon, lat], [lon, lat]]")
        waters[entry["id"]] = {"bbox": WORLD_BBOX, **entry}
    if not waters:
        raise DataError(f"{path}: waters: none listed")
    connections = []
    for n, entry in _entries(doc, "connections", path):
        where = f"{path}: connections[{n}]"
        between = entry.get("between")
        if not (isinstance(between, list) and len(between) == 2 and all(w in waters for w in between)):
            raise DataError(f"{where}: between must name two listed waters")
        if not _line(entry.get("path"), 1):
            raise DataError(f"{where}: {entry['id']}: path must be 1 to {MAX_PATH_POINTS} points [lon, lat]")
        if entry.get("kind", "canal") not in CONNECTION_KINDS:
            raise DataError(f"{where}: {entry['id']}: kind must be one of {', '.join(CONNECTION_KINDS)}")
        if entry.get("vessels", "sea") not in VESSELS:
            raise DataError(f"{where}: {entry['id']}: vessels must be one of {', '.join(VESSELS)}")
        _check_limit(entry, f"{where}: {entry['id']}")
        connections.append({"kind": "canal", "vessels": "sea", **entry})
    straits = {}
    for n, entry in _entries(doc, "straits", path):
        where = f"{path}: straits[{n}]: {entry['id']}"
        gates = entry.get("gates")
        if not (isinstance(gates, list) and gates and all(_line(gate) for gate in gates)):
            raise DataError(f"{where}: gates must be lines of [lon, lat] points")
        if not (isinstance(entry.get("fine", []), list) and all(_bbox(zone) for zone in entry.get("fine", []))):
            raise DataError(f"{where}: fine must be a list of boxes [west, south, east, north]")
        _check_limit(entry, where)
        straits[entry["id"]] = entry
    closable = {}
    for item in [*connections, *straits.values()]:
        for name in (item["id"], item.get("name", ""), *item.get("aliases", [])):
            if isinstance(name, str) and name.strip():
                key = name.strip().lower()
                if closable.get(key, item["id"]) != item["id"]:
                    raise DataError(f"{path}: {name!r} names both {closable[key]} and {item['id']}")
                closable[key] = item["id"]
    return Registry(Path(data_dir), waters, tuple(connections), straits, closable)
