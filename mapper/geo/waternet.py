"""The navigable water that routes may use, as a graph.

``data/geo/waterways.json`` names the waters (seas and river systems) and the
connections allowed between them.  A sea is the open water the bundled
Natural Earth land leaves inside its box, around a seed point, kept
:data:`SHORE_CLEARANCE_M` off the coast; it becomes a grid of nodes joined
where the straight segment stays in that water.  Each sea is worked in its
own gnomonic projection, where straight lines are great circles, so a
segment that stays in the water there stays in it as a geodesic too.  A river
system is the Natural Earth centre lines joined to its seed point.

Building a sea's grid takes a fraction of a second; it is done once per
process and only for the waters a route needs.
"""

import heapq
import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pyproj
import shapely
from shapely.geometry import LineString, MultiLineString, Point, box
from shapely.ops import unary_union

from mapper.core.points import LonLat
from mapper.geo import geodesy
from mapper.load.bundled import basemap_layer
from mapper.load.waterways import load_registry

SHORE_CLEARANCE_M = 2_000.0
GRID_SPACING_M = 8_000.0
ROUND_TRIP_TOLERANCE_M = 5.0  # snapped points come back from (lon, lat) a fraction of a metre off
NODE_ROUND_DEG = 1e-3  # river line ends closer than this are one junction


@dataclass
class Water:
    """One sea or river system: its graph nodes (lon, lat) and weighted edges."""

    id: str
    name: str
    kind: str
    note: str
    nodes: list = field(default_factory=list)
    edges: dict = field(default_factory=dict)  # node index -> {neighbour index: length in metres}
    geometry: object = None  # sea: navigable polygon (projected); river: MultiLineString (lon, lat)
    projector: object = None  # sea only
    reach: object = None  # sea only: ``geometry`` a few metres wider, for the round trip through (lon, lat)
    segments: list = field(default_factory=list)  # river only: node pairs (a < b) of its centre lines

    def add_node(self, lonlat):
        self.nodes.append(lonlat)
        self.edges[len(self.nodes) - 1] = {}
        return len(self.nodes) - 1

    def add_edge(self, a, b, length_m):
        self.edges[a][b] = length_m
        self.edges[b][a] = length_m


class Gnomonic:
    """(lon, lat) to a gnomonic plane in metres and back: straight lines there are great circles."""

    def __init__(self, lon0, lat0):
        crs = pyproj.CRS.from_proj4(f"+proj=gnom +lat_0={lat0} +lon_0={lon0} +R=6371008.8 +units=m +no_defs")
        self.forward = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        self.inverse = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)

    def geometry(self, geometry):
        return shapely.transform(geometry, lambda xy: np.column_stack(self.forward.transform(xy[:, 0], xy[:, 1])))

    def xy(self, lonlat):
        return self.forward.transform(lonlat.lon, lonlat.lat)

    def lonlat(self, x, y):
        lon, lat = self.inverse.transform(x, y)
        return LonLat(float(lon), float(lat))


def _component_at(geometry, seed):
    """The part of ``geometry`` holding (or nearest to) ``seed``."""
    parts = list(getattr(geometry, "geoms", [geometry]))
    return min(parts, key=lambda part: part.distance(seed))


def build_sea(entry, land):
    """A sea's navigable polygon (gnomonic metres, off the shore) and its grid graph."""
    west, south, east, north = entry["bbox"]
    seed = Point(entry["seed"])
    water_lonlat = _component_at(box(west, south, east, north).difference(land), seed)
    projector = Gnomonic(seed.x, seed.y)
    navigable = _component_at(projector.geometry(water_lonlat).buffer(-SHORE_CLEARANCE_M),
                              Point(projector.xy(LonLat(seed.x, seed.y))))
    reach = navigable.buffer(ROUND_TRIP_TOLERANCE_M)
    shapely.prepare(reach)
    water = Water(entry["id"], entry["name"], "sea", entry.get("note", ""), geometry=navigable,
                  projector=projector, reach=reach)

    xmin, ymin, xmax, ymax = navigable.bounds
    xs = np.arange(xmin, xmax + GRID_SPACING_M, GRID_SPACING_M)
    ys = np.arange(ymin, ymax + GRID_SPACING_M, GRID_SPACING_M)
    grid_x, grid_y = np.meshgrid(xs, ys)
    inside = shapely.contains_xy(navigable, grid_x, grid_y)
    index = -np.ones(inside.shape, dtype=int)
    for row, col in zip(*np.nonzero(inside)):
        index[row, col] = water.add_node((float(grid_x[row, col]), float(grid_y[row, col])))
    # Deep nodes' edges cannot leave the water: only edges near the shore are checked.
    deep = navigable.buffer(-GRID_SPACING_M * 1.5)
    pairs = []
    for d_row, d_col in ((0, 1), (1, 0), (1, 1), (1, -1)):
        rows, cols = np.nonzero(inside)
        to_rows, to_cols = rows + d_row, cols + d_col
        ok = (to_rows < inside.shape[0]) & (to_cols >= 0) & (to_cols < inside.shape[1])
        rows, cols, to_rows, to_cols = rows[ok], cols[ok], to_rows[ok], to_cols[ok]
        ok = inside[to_rows, to_cols]
        pairs.append(np.column_stack([index[rows[ok], cols[ok]], index[to_rows[ok], to_cols[ok]]]))
    pairs = np.concatenate(pairs)
    xy = np.array(water.nodes)
    starts, ends = xy[pairs[:, 0]], xy[pairs[:, 1]]
    safe = shapely.contains_xy(deep, starts[:, 0], starts[:, 1]) & shapely.contains_xy(deep, ends[:, 0], ends[:, 1])
    check = ~safe
    segments = shapely.linestrings(np.stack([starts[check], ends[check]], axis=1))
    safe[check] = shapely.covers(navigable, segments)
    lengths = np.hypot(*(ends - starts).T)
    for (a, b), length, ok in zip(pairs, lengths, safe):
        if ok:
            water.add_edge(int(a), int(b), float(length))
    return water


def build_river(entry, data_dir):
    """A river system's graph: Natural Earth centre lines joined to the seed, in (lon, lat)."""
    lines = []
    for river in basemap_layer(data_dir, "river"):
        clipped = shapely.clip_by_rect(river, *entry["bbox"])
        lines.extend(part for part in getattr(clipped, "geoms", [clipped]) if isinstance(part, LineString))
    water = Water(entry["id"], entry["name"], "river", entry.get("note", ""))
    at = {}

    def node(lon, lat):
        key = (round(lon / NODE_ROUND_DEG), round(lat / NODE_ROUND_DEG))
        if key not in at:
            at[key] = water.add_node(LonLat(lon, lat))
        return at[key]

    for line in lines:
        ids = [node(*coord[:2]) for coord in line.coords]
        for a, b in zip(ids, ids[1:]):
            if a != b:
                water.add_edge(a, b, geodesy.inverse(water.nodes[a], water.nodes[b]).distance_m)
    # Keep the system joined to the seed; other rivers in the box are not part of it.
    start = min(range(len(water.nodes)), key=lambda n: _deg_distance(water.nodes[n], entry["seed"]))
    keep = _reachable(water, start)
    water.nodes = [water.nodes[n] if n in keep else None for n in range(len(water.nodes))]
    water.edges = {n: nbrs for n, nbrs in water.edges.items() if n in keep}
    water.segments = [(a, b) for a, nbrs in water.edges.items() for b in nbrs if a < b]
    water.geometry = MultiLineString([[(water.nodes[a].lon, water.nodes[a].lat),
                                       (water.nodes[b].lon, water.nodes[b].lat)] for a, b in water.segments])
    return water


def _deg_distance(lonlat, seed):
    return math.hypot(lonlat.lon - seed[0], lonlat.lat - seed[1])


def _reachable(water, start):
    seen, todo = {start}, [start]
    while todo:
        for neighbour in water.edges[todo.pop()]:
            if neighbour not in seen:
                seen.add(neighbour)
                todo.append(neighbour)
    return seen


@lru_cache(maxsize=8)
def water_graph(data_dir, water_id):
    """The built :class:`Water` ``water_id`` of the registry in ``data_dir`` (cached per process)."""
    registry = load_registry(data_dir)
    entry = registry.waters[water_id]
    if entry["kind"] == "river":
        return build_river(entry, data_dir)
    return build_sea(entry, unary_union(basemap_layer(data_dir, "land")))


def shortest_path(edges, sources, targets):
    """Dijkstra from several sources ({node: start cost}) to the cheapest of ``targets`` ({node: end cost}).

    Returns the node list, or None if no target is reachable.
    """
    best = dict(sources)
    previous = {}
    queue = [(cost, node) for node, cost in sources.items()]
    heapq.heapify(queue)
    finished = None
    finished_cost = math.inf
    while queue:
        cost, node = heapq.heappop(queue)
        if cost > best.get(node, math.inf) or cost >= finished_cost:
            continue
        if node in targets and cost + targets[node] < finished_cost:
            finished, finished_cost = node, cost + targets[node]
        for neighbour, length in edges[node].items():
            new = cost + length
            if new < best.get(neighbour, math.inf):
                best[neighbour] = new
                previous[neighbour] = node
                heapq.heappush(queue, (new, neighbour))
    if finished is None:
        return None
    path = [finished]
    while path[-1] in previous:
        path.append(previous[path[-1]])
    return path[::-1]
