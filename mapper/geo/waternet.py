"""The navigable water that routes may use, as one graph: the world's seas, listed rivers, canals and straits.

``data/geo/waterways.json`` (:mod:`mapper.load.waterways`) names the waters,
the connections allowed between them and the straits a route may pass:

- a **sea** is the part of the world sea graph (:mod:`mapper.geo.seagraph`,
  built from Natural Earth 1:10m land and cached on disk) joined to its
  seed point: the World Ocean, every sea joined to it, and the Caspian, a
  hole in the land that only the Volga joins;
- a **river system** is the Natural Earth 1:50m centre lines in its box
  joined to its seed, with the gaps the registry bridges;
- a **connection** (a canal, a river mouth) joins two waters (or two points
  of one sea) along its listed path; closing it (``avoid``) takes it out;
- a **strait** is plain water with a gate line across it: a route that
  crosses the gate passes the strait, and closing it makes the gate a wall.

Everything a route needs is one sparse graph per mode and set of closed
names (built once per process), searched with ``scipy.sparse.csgraph``.
Sea paths are then pulled tight against the land (:meth:`Sea.pull_tight`):
the waypoints kept are joined by geodesics that stay clear of it.
"""

import hashlib
import json
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
import shapely.errors
from scipy import sparse
from scipy.sparse import csgraph
from shapely.geometry import LineString, MultiLineString, Point

from mapper.core.points import LonLat
from mapper.errors import DataError
from mapper.geo import geodesy, seagraph
from mapper.load.basemap import fine_land_files, fine_land_parts
from mapper.load.bundled import FINE_BASEMAP_TARGET, basemap_layer
from mapper.load.watercache import files_digest, graph_path, read_graph, write_graph
from mapper.load.waterways import load_registry

# Bump when the graph's build changes, so that caches of the old one are not used.
GRAPH_VERSION = "sea-graph-1"
BUCKET_DEG = 1  # nodes are found by 1° cells of longitude and latitude
SHORT_SEGMENT_M = 300_000.0  # segments up to this long are checked as one straight line on one face
NUDGE_M = 2.0  # a point snapped to the edge of open water is moved this far into it
ATTACH_RADII_M = (6_000.0, 30_000.0, 160_000.0, 400_000.0)  # where an end looks for graph nodes, nearest first
ATTACH_NODES = 12  # an end joins at most this many visible nodes
NODE_ROUND_DEG = 1e-3  # river line ends closer than this are one junction
BRIDGE_GAP_M = 3_000.0  # a bridge's ends join river nodes at most this far away
SNAP_PARTS = 6  # pieces of open water an end tries, nearest first
# Where no graph node is in sight, a path through the water is sought this far around (face metres), on a
# raster of this step: near first and finely, then further (a fjord such as the Kola Bay) and coarsely.
LOCAL_SEARCHES = ((30_000.0, 150.0), (80_000.0, 200.0))
LOCAL_REACH_M = LOCAL_SEARCHES[0][0]
START_SLOTS = 16  # edges a route's start may have (ATTACH_NODES at most; two for a river)
MIN_EDGE_M = 1e-3  # a sparse matrix drops zeros: an edge of no length (a joint on its node) costs a millimetre


def _sphere(points):
    """Unit vectors of LonLat points."""
    return seagraph.xyz([p.lon for p in points], [p.lat for p in points])


def _lonlat(vector):
    lon, lat = seagraph.lonlat(vector)
    return LonLat(float(lon), float(lat))


class Walls:
    """Lines a route may not cross (the gates of closed straits), by face."""

    def __init__(self, lines):
        self.lines = tuple(lines)  # shapely LineStrings in (lon, lat)
        self._faces = {}

    def __bool__(self):
        return bool(self.lines)

    def face(self, f):
        if f not in self._faces:
            face = seagraph.Face(f)
            parts = []
            for line in self.lines:
                coords = shapely.get_coordinates(line)
                if (seagraph.xyz(coords[:, 0], coords[:, 1]) @ face.centre).min() > 0.2:
                    parts.append(face.project(line))
            self._faces[f] = shapely.union_all(parts) if parts else shapely.GeometryCollection()
            shapely.prepare(self._faces[f])
        return self._faces[f]


NO_WALLS = Walls(())


def _pulled_in(piece, xy):
    """The fewest of the points ``xy`` (face coordinates) whose straight segments stay in ``piece``."""
    kept, i = [xy[0]], 0
    while i < len(xy) - 1:
        ahead = shapely.linestrings([[xy[i], xy[j]] for j in range(i + 1, len(xy))])
        seen = np.nonzero(shapely.covers(piece, ahead))[0]
        i = i + 1 + (int(seen.max()) if len(seen) else 0)
        kept.append(xy[i])
    return kept


class Sea:
    """The world sea graph, loaded: nodes, edges, components and the blocked area of each face."""

    def __init__(self, arrays):
        self.points = arrays["points"]
        n = len(self.points)
        # Lengths stay float32 here (a centimetre at 400 km); each search graph is float64 (see _with_edges).
        self.graph = sparse.csr_matrix((arrays["lengths"], arrays["indices"], arrays["indptr"]), shape=(n, n))
        self.component = arrays["component"]
        self.bucket_start = arrays["bucket_start"]
        self._blocked = [shapely.from_wkb(arrays[f"blocked{f}"].tobytes()) for f in range(seagraph.FACES)]
        for geometry in self._blocked:
            shapely.prepare(geometry)

    def __len__(self):
        return len(self.points)

    def blocked(self, f):
        """Face ``f``'s blocked area (land and its clearance), in face coordinates, prepared."""
        return self._blocked[f]

    def near(self, point, radius_m):
        """(indices, metres) of the nodes within ``radius_m`` of ``point`` (a unit vector)."""
        lon, lat = (float(v) for v in seagraph.lonlat(point))
        dlat = radius_m / 111_000.0 + BUCKET_DEG
        south, north = max(-90.0, lat - dlat), min(90.0, lat + dlat)
        widest = math.cos(math.radians(min(89.0, max(abs(south), abs(north)))))
        dlon = radius_m / (111_000.0 * widest) + BUCKET_DEG
        columns = 360 // BUCKET_DEG
        rows = range(max(0, int((south + 90) // BUCKET_DEG)),
                     min(180 // BUCKET_DEG, int((north + 90) // BUCKET_DEG) + 1))
        if dlon >= 180.0:
            spans = [(0, columns - 1)]
        else:
            first, last = int((lon - dlon + 180) // BUCKET_DEG), int((lon + dlon + 180) // BUCKET_DEG)
            spans = [(first, last)] if first >= 0 and last < columns else \
                [(first % columns, columns - 1), (0, last % columns)]
        chunks = []
        for row in rows:
            for first, last in spans:
                start, stop = self.bucket_start[row * columns + first], self.bucket_start[row * columns + last + 1]
                if stop > start:
                    chunks.append(np.arange(start, stop))
        if not chunks:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        index = np.concatenate(chunks)
        distance = seagraph.arc_m(self.points[index], point[None, :])
        inside = distance <= radius_m
        return index[inside], distance[inside]

    def clear_short(self, starts, ends, walls=NO_WALLS):
        """For pairs of unit vectors at most SHORT_SEGMENT_M apart: True where the great circle misses the land."""
        starts, ends = np.atleast_2d(starts), np.atleast_2d(ends)
        faces = seagraph.face_of(starts)
        clear = np.ones(len(starts), dtype=bool)
        for f in np.unique(faces):
            mine = faces == f
            face = seagraph.Face(int(f))
            lines = shapely.linestrings(np.stack([face.plane(starts[mine]), face.plane(ends[mine])], axis=1))
            hit = shapely.intersects(self.blocked(int(f)), lines)
            if walls:
                hit |= shapely.intersects(walls.face(int(f)), lines)
            clear[mine] = ~hit
        return clear

    def clear_geodesic(self, a, b, walls=NO_WALLS):
        """True if the geodesic from LonLat ``a`` to ``b``, as it is drawn, misses the land (and ``walls``)."""
        coords = np.array(geodesy.geodesic_coords([a, b]))
        points = seagraph.xyz(coords[:, 0], coords[:, 1])
        faces = seagraph.face_of(points[:-1] + points[1:])
        breaks = np.nonzero(np.diff(faces))[0] + 1
        for start, stop in zip(np.r_[0, breaks], np.r_[breaks, len(faces)]):
            f = int(faces[start])
            face = seagraph.Face(f)
            line = LineString(face.plane(points[start:stop + 1]))
            if self.blocked(f).intersects(line) or (walls and walls.face(f).intersects(line)):
                return False
        return True

    def clear(self, a, b, walls=NO_WALLS):
        """True if the drawn geodesic between LonLat ``a`` and ``b`` stays on open water."""
        if geodesy.inverse(a, b).distance_m <= SHORT_SEGMENT_M:
            return bool(self.clear_short(_sphere([a]), _sphere([b]), walls)[0])
        return self.clear_geodesic(a, b, walls)

    def open_water_near(self, point, limit_m, narrow=False):
        """Open-water points near ``point`` (LonLat), nearest first: (LonLat, ground metres) pairs within ``limit_m``.

        A point on open water is its own nearest; otherwise each piece of open
        water near it gives its nearest point, moved NUDGE_M into it.  Open
        water keeps CLEARANCE_M off the coast; with ``narrow``, only
        FINE_CLEARANCE_M, so that a port on a channel narrower than twice the
        clearance finds it (and :meth:`attach` a way out of it).
        """
        vector = _sphere([point])[0]
        f = int(seagraph.face_of(vector))
        face = seagraph.Face(f)
        x, y = face.plane(vector)
        here = Point(x, y)
        if not narrow and not self.blocked(f).intersects(here):
            return [(point, 0.0)]
        reach = 3.2 * limit_m  # face metres are up to 3 times ground metres, in a face's corners
        window = shapely.box(x - reach, y - reach, x + reach, y + reach)
        local = shapely.make_valid(shapely.clip_by_rect(self.blocked(f), x - reach, y - reach, x + reach, y + reach))
        if narrow:
            local = shapely.buffer(local, seagraph.FINE_CLEARANCE_M - seagraph.CLEARANCE_M, quad_segs=2)
            if not local.intersects(here):
                return [(point, 0.0)]
        water = shapely.difference(window, local)
        parts = [p for p in shapely.get_parts(water) if p.area > 1.0]
        parts.sort(key=here.distance)
        found = []
        for part in parts[:4 * SNAP_PARTS]:
            edge = shapely.shortest_line(here, part).coords[-1]
            dx, dy = edge[0] - x, edge[1] - y
            norm = math.hypot(dx, dy) or 1.0
            xy = (edge[0] + NUDGE_M * dx / norm, edge[1] + NUDGE_M * dy / norm)
            if not part.contains(Point(xy)):
                xy = part.representative_point().coords[0]
            at = _lonlat(face.sphere(np.array([xy]))[0])
            distance_m = geodesy.inverse(point, at).distance_m
            if distance_m <= limit_m:
                found.append((at, distance_m))
            if len(found) >= SNAP_PARTS:
                break
        return sorted(found, key=lambda item: item[1])

    def attach(self, point, components, walls=NO_WALLS):
        """Graph nodes in ``components`` that ``point`` (LonLat, on open water) reaches: ((node, metres, via), ...).

        ``via`` are the LonLat points between ``point`` and the node: none
        for a straight leg, or, where no node is in sight (a winding
        channel or a harbour behind a narrows), a path through the open
        water around it, found on a fine raster and pulled tight.
        """
        vector = _sphere([point])[0]
        for radius_m in ATTACH_RADII_M:
            index, distance = self.near(vector, radius_m)
            mine = np.isin(self.component[index], components)
            index, distance = index[mine], distance[mine]
            order = np.argsort(distance, kind="stable")[:4 * ATTACH_NODES]
            index, distance = index[order], distance[order]
            if not len(index):
                continue
            clear = self.clear_short(np.repeat(vector[None, :], len(index), axis=0), self.points[index], walls)
            index, distance = index[clear][:ATTACH_NODES], distance[clear][:ATTACH_NODES]
            if len(index):
                return tuple((int(n), float(d), ()) for n, d in zip(index, distance))
            if radius_m >= LOCAL_REACH_M:
                break
        for reach, step in LOCAL_SEARCHES:
            found = self._attach_through(point, components, walls, reach, step)
            if found:
                return found
        return ()

    def _attach_through(self, point, components, walls, reach, step):
        """:meth:`attach` where no node is in sight: shortest paths through the open water within ``reach``.

        The water is a raster of ``step`` (face metres) around ``point``.
        """
        vector = _sphere([point])[0]
        f = int(seagraph.face_of(vector))
        face = seagraph.Face(f)
        x, y = face.plane(vector)
        local = shapely.clip_by_rect(self.blocked(f), x - reach, y - reach, x + reach, y + reach)
        # A channel narrower than twice the clearance is closed to the graph; a port's way out may still use it,
        # keeping FINE_CLEARANCE_M off the coast (the blocked area shrunk back by the difference).
        local = shapely.buffer(shapely.make_valid(local), seagraph.FINE_CLEARANCE_M - seagraph.CLEARANCE_M,
                               quad_segs=2)
        water = shapely.difference(shapely.box(x - reach, y - reach, x + reach, y + reach), local)
        if walls:
            water = shapely.difference(water, shapely.buffer(walls.face(f), 1.0))
        here = Point(x, y)
        piece = next((p for p in shapely.get_parts(water) if p.intersects(here.buffer(NUDGE_M))), None)
        if piece is None:
            return ()
        shapely.prepare(piece)
        index, _ = self.near(vector, reach)
        index = index[np.isin(self.component[index], components)]
        if not len(index):
            return ()
        node_xy = face.plane(self.points[index])
        inside = shapely.contains_xy(piece, node_xy[:, 0], node_xy[:, 1])
        index, node_xy = index[inside], node_xy[inside]
        if not len(index):
            return ()
        count = int(2 * reach / step) + 1
        grid_x = x - reach + step * np.arange(count)
        gx, gy = np.meshgrid(grid_x, y - reach + step * np.arange(count))
        wet = shapely.contains_xy(piece, gx, gy).ravel()
        cells = np.nonzero(wet)[0]
        number = -np.ones(count * count, dtype=np.int64)
        number[cells] = np.arange(len(cells))
        rows, cols, lengths = [], [], []
        row, col = np.divmod(cells, count)
        for d_row, d_col in ((0, 1), (1, 0), (1, 1), (1, -1)):
            to_row, to_col = row + d_row, col + d_col
            ok = (to_row < count) & (to_col >= 0) & (to_col < count)
            target = np.where(ok, to_row * count + np.clip(to_col, 0, count - 1), 0)
            ok &= wet[target]
            rows.append(number[cells[ok]]), cols.append(number[target[ok]])
            lengths.append(np.full(ok.sum(), step * math.hypot(d_row, d_col)))
        # The point itself, and each graph node, join the cells in sight within two steps.
        extra = len(cells)
        ends = [np.array([x, y]), *node_xy]
        for k, (ex, ey) in enumerate(ends):
            near_cells = np.nonzero((np.abs(gx.ravel()[cells] - ex) <= 2 * step)
                                    & (np.abs(gy.ravel()[cells] - ey) <= 2 * step))[0]
            if not len(near_cells):
                continue
            xy = np.column_stack([gx.ravel()[cells[near_cells]], gy.ravel()[cells[near_cells]]])
            seen = shapely.covers(piece, shapely.linestrings(np.stack([np.repeat([[ex, ey]], len(xy), axis=0), xy],
                                                                      axis=1)))
            near_cells = near_cells[seen]
            rows.append(np.full(len(near_cells), extra + k)), cols.append(near_cells)
            lengths.append(np.hypot(xy[seen][:, 0] - ex, xy[seen][:, 1] - ey) + MIN_EDGE_M)
        size = extra + len(ends)
        rows, cols, lengths = np.concatenate(rows), np.concatenate(cols), np.concatenate(lengths)
        graph = sparse.csr_matrix((np.r_[lengths, lengths], (np.r_[rows, cols], np.r_[cols, rows])),
                                  shape=(size, size))
        distance, previous = csgraph.dijkstra(graph, indices=extra, return_predecessors=True)
        reached = [k for k in range(len(index)) if math.isfinite(distance[extra + 1 + k])]
        reached.sort(key=lambda k: distance[extra + 1 + k])
        cell_xy = np.column_stack([gx.ravel()[cells], gy.ravel()[cells]])
        found = []
        for k in reached[:ATTACH_NODES]:
            chain = [extra + 1 + k]
            while chain[-1] != extra:
                chain.append(int(previous[chain[-1]]))
            xy = [ends[n - extra] if n >= extra else cell_xy[n] for n in chain[::-1]]
            tight = _pulled_in(piece, xy)
            via = tuple(_lonlat(v) for v in face.sphere(np.array(tight[1:-1]))) if len(tight) > 2 else ()
            waypoints = [point, *via, _lonlat(self.points[index[k]])]
            found.append((int(index[k]), sum(geodesy.inverse(a, b).distance_m
                                              for a, b in zip(waypoints, waypoints[1:])), via))
        return tuple(found)

    def crossing(self, line):
        """Positions in ``graph.data`` of the edges whose great circle crosses ``line`` (a (lon, lat) LineString)."""
        coords = shapely.get_coordinates(line)
        ends = seagraph.xyz(coords[:, 0], coords[:, 1])
        middle = ends.mean(axis=0)
        middle /= np.linalg.norm(middle)
        span_m = float(seagraph.arc_m(ends[:1], ends[-1:])[0])
        rows, _ = self.near(middle, span_m / 2 + 2 * SHORT_SEGMENT_M)
        if not len(rows):
            return np.zeros(0, dtype=np.int64)
        face = seagraph.Face(int(seagraph.face_of(middle)))
        gate = face.project(line)
        indptr, indices = self.graph.indptr, self.graph.indices
        counts = indptr[rows + 1] - indptr[rows]
        positions = np.concatenate([np.arange(indptr[r], indptr[r + 1]) for r in rows])
        starts = np.repeat(rows, counts)
        ends_ = indices[positions]
        front = (self.points[ends_] @ face.centre) > 0.3
        positions, starts, ends_ = positions[front], starts[front], ends_[front]
        segments = shapely.linestrings(np.stack([face.plane(self.points[starts]), face.plane(self.points[ends_])],
                                                axis=1))
        return positions[shapely.intersects(gate, segments)]

    def pull_tight(self, points, walls=NO_WALLS):
        """The fewest of ``points`` (LonLat, a path on open water) whose geodesics still miss the land, in order.

        From each kept point, the farthest point it sees is found by probing
        1, 2, 4, ... points ahead, then bisecting; only checked legs are kept.
        """
        points = list(points)
        if len(points) <= 2:
            return points
        vectors = _sphere(points)

        def clear(i, j):
            if seagraph.arc_m(vectors[i:i + 1], vectors[j:j + 1])[0] <= SHORT_SEGMENT_M:
                return bool(self.clear_short(vectors[i], vectors[j], walls)[0])
            return self.clear_geodesic(points[i], points[j], walls)

        kept = [0]
        i = 0
        last = len(points) - 1
        while i < last:
            probes = []
            step = 1
            while i + step < last:
                probes.append(i + step)
                step *= 2
            probes.append(last)
            short = [j for j in probes if seagraph.arc_m(vectors[i:i + 1], vectors[j:j + 1])[0] <= SHORT_SEGMENT_M]
            seen = dict(zip(short, self.clear_short(np.repeat(vectors[i:i + 1], len(short), axis=0),
                                                    vectors[short], walls))) if short else {}
            best, after = i + 1, None
            for j in probes:
                ok = seen[j] if j in seen else clear(i, j)
                if ok:
                    best, after = j, None
                elif after is None:
                    after = j
            if after is not None and after > best + 1:
                low, high = best, after
                while high - low > 1:
                    middle = (low + high) // 2
                    if clear(i, middle):
                        low = middle
                    else:
                        high = middle
                best = low
            kept.append(best)
            i = best
        # A second look: a kept point whose neighbours see each other is not needed.
        k = 1
        while k < len(kept) - 1:
            if clear(kept[k - 1], kept[k + 1]):
                del kept[k]
            else:
                k += 1
        return [points[k] for k in kept]


@dataclass
class River:
    """A river system: its nodes (LonLat), edges (a, b, metres) and centre-line segments."""

    id: str
    name: str
    nodes: list
    edges: np.ndarray  # (m, 3): a, b, length in metres
    geometry: object  # MultiLineString in (lon, lat)

    def nearest(self, point):
        """The segment (a, b) nearest ``point`` (LonLat), and the nearest point on it (LonLat)."""
        scale = math.cos(math.radians(point.lat))
        ends = np.array([[(self.nodes[int(a)].lon * scale, self.nodes[int(a)].lat),
                          (self.nodes[int(b)].lon * scale, self.nodes[int(b)].lat)] for a, b, _ in self.edges])
        lines = shapely.linestrings(ends)
        here = Point(point.lon * scale, point.lat)
        best = int(np.argmin(shapely.distance(lines, here)))
        line = lines[best]
        on = line.interpolate(line.project(here))
        a, b, _ = self.edges[best]
        return (int(a), int(b)), LonLat(on.x / scale, on.y)

    def nearest_node(self, point):
        """(node index, metres) of the node nearest ``point``."""
        lon = np.array([n.lon for n in self.nodes])
        lat = np.array([n.lat for n in self.nodes])
        distance = seagraph.arc_m(seagraph.xyz(lon, lat), _sphere([point]))
        best = int(np.argmin(distance))
        return best, geodesy.inverse(point, self.nodes[best]).distance_m


def build_river(entry, data_dir):
    """A river system: the Natural Earth centre lines in its box joined to its seed, bridged where listed."""
    lines = []
    for river in basemap_layer(data_dir, "river"):
        clipped = shapely.clip_by_rect(river, *entry["bbox"])
        lines.extend(part for part in getattr(clipped, "geoms", [clipped]) if isinstance(part, LineString))
    nodes, at, edges = [], {}, {}

    def node(lon, lat):
        key = (round(lon / NODE_ROUND_DEG), round(lat / NODE_ROUND_DEG))
        if key not in at:
            at[key] = len(nodes)
            nodes.append(LonLat(lon, lat))
        return at[key]

    def join(a, b):
        if a != b:
            edges[(min(a, b), max(a, b))] = geodesy.inverse(nodes[a], nodes[b]).distance_m

    for line in lines:
        ids = [node(*coord[:2]) for coord in line.coords]
        for a, b in zip(ids, ids[1:]):
            join(a, b)
    if not nodes:
        raise DataError(f"waterways.json: river {entry['id']}: no Natural Earth river line inside its box")
    vectors = _sphere(nodes)
    for n, bridge in enumerate(entry.get("bridges", [])):
        ends = []
        for lon, lat in bridge:
            distance = seagraph.arc_m(vectors, seagraph.xyz([lon], [lat]))
            best = int(np.argmin(distance))
            if distance[best] > BRIDGE_GAP_M:
                raise DataError(f"waterways.json: river {entry['id']}: bridges[{n}]: no river line within "
                                f"{BRIDGE_GAP_M / 1000:g} km of {lat:.4f},{lon:.4f}")
            ends.append(best)
        join(*ends)
    pairs = np.array(list(edges), dtype=np.int64).reshape(-1, 2)
    lengths = np.array(list(edges.values()), dtype=float)
    matrix = sparse.coo_matrix((lengths, (pairs[:, 0], pairs[:, 1])), shape=(len(nodes), len(nodes)))
    _, labels = csgraph.connected_components(matrix, directed=False)
    seed = int(np.argmin(seagraph.arc_m(vectors, seagraph.xyz([entry["seed"][0]], [entry["seed"][1]]))))
    keep = labels == labels[seed]
    renumber = -np.ones(len(nodes), dtype=np.int64)
    renumber[keep] = np.arange(keep.sum())
    kept_edges = keep[pairs[:, 0]]
    pairs, lengths = renumber[pairs[kept_edges]], lengths[kept_edges]
    kept_nodes = [n for n, k in zip(nodes, keep) if k]
    geometry = MultiLineString([[(kept_nodes[a].lon, kept_nodes[a].lat), (kept_nodes[b].lon, kept_nodes[b].lat)]
                                for a, b in pairs])
    return River(entry["id"], entry["name"], kept_nodes, np.column_stack([pairs, lengths]), geometry)


def fine_zones(registry):
    """The boxes (lon/lat polygons) of the straits the graph resolves finely."""
    return [shapely.box(*zone) for strait in registry.straits.values() for zone in strait.get("fine", [])]


def graph_digest(land_digest, zones):
    """The digest a cached graph is filed under: the code's version, its settings, the land and the fine zones."""
    settings = {"version": GRAPH_VERSION, "clearance_m": seagraph.CLEARANCE_M,
                "fine_clearance_m": seagraph.FINE_CLEARANCE_M, "levels": [seagraph.OPEN_LEVEL, seagraph.COAST_LEVEL,
                                                                         seagraph.FINE_LEVEL],
                "land": land_digest, "zones": [list(zone.bounds) for zone in zones], "bucket_deg": BUCKET_DEG}
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()


def graph_arrays(built, digest):
    """The arrays to cache of a built :class:`~mapper.geo.seagraph.SeaGraph`: nodes in 1° buckets, components."""
    lon, lat = seagraph.lonlat(built.points)
    columns = 360 // BUCKET_DEG
    row = np.clip(((lat + 90) // BUCKET_DEG).astype(np.int64), 0, 180 // BUCKET_DEG - 1)
    column = np.clip(((lon + 180) // BUCKET_DEG).astype(np.int64), 0, columns - 1)
    bucket = row * columns + column
    order = np.lexsort((lat, lon, bucket))
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    graph = built.graph.tocoo()
    graph = sparse.csr_matrix((graph.data, (rank[graph.row], rank[graph.col])), shape=graph.shape)
    graph.sort_indices()
    _, component = csgraph.connected_components(graph, directed=False)
    arrays = {
        "digest": np.frombuffer(digest.encode("ascii"), dtype=np.uint8),
        "points": built.points[order],
        "indptr": graph.indptr.astype(np.int64),
        "indices": graph.indices.astype(np.int32),
        "lengths": graph.data.astype(np.float32),
        "component": component.astype(np.int32),
        "bucket_start": np.searchsorted(bucket[order], np.arange(columns * 180 // BUCKET_DEG + 1)).astype(np.int64),
    }
    for f, wkb in enumerate(built.blocked_wkb):
        arrays[f"blocked{f}"] = np.frombuffer(wkb, dtype=np.uint8)
    return arrays


def _land_files():
    files = fine_land_files()
    if files is None:
        raise DataError(f"sea routes need the 1:10m basemap, which is not built: run `{FINE_BASEMAP_TARGET}` in "
                        "mapper's source folder")
    return files


def load_sea(data_dir):
    """The world sea graph for the registry of ``data_dir``: from the cache, else built (about a minute) and cached.

    Folders whose registries give the same fine zones share one graph in memory.
    """
    files = _land_files()
    zones = fine_zones(load_registry(data_dir))
    return _sea(graph_digest(files_digest(files), zones), tuple(files), tuple(zone.bounds for zone in zones))


@lru_cache(maxsize=2)
def _sea(digest, files, zone_bounds):
    path = graph_path(digest)
    arrays = read_graph(path, digest)
    if arrays is not None:
        try:
            return Sea(arrays)
        except (shapely.errors.ShapelyError, ValueError):
            pass  # a damaged cache: built again below
    arrays = graph_arrays(seagraph.build(fine_land_parts(files), [shapely.box(*b) for b in zone_bounds]), digest)
    write_graph(path, arrays)
    return Sea(arrays)


def prepare(data_dir):
    """Load the sea graph of ``data_dir``'s registry, building and caching it first if need be.

    Returns ``{path, size_bytes, nodes, edges}`` of the cached graph.
    """
    sea = load_sea(data_dir)
    path = sea_graph_path(data_dir)
    return {"path": path, "size_bytes": path.stat().st_size if path.is_file() else 0, "nodes": len(sea),
            "edges": sea.graph.nnz // 2}


def sea_graph_path(data_dir):
    """Where the sea graph of ``data_dir``'s registry is cached (whether or not it is there yet)."""
    registry = load_registry(data_dir)
    files = _land_files()
    return graph_path(graph_digest(files_digest(files), fine_zones(registry)))


@lru_cache(maxsize=8)
def river_graph(data_dir, water_id):
    """The built :class:`River` ``water_id`` of the registry in ``data_dir`` (once per process)."""
    return build_river(load_registry(data_dir).waters[water_id], data_dir)


@dataclass(frozen=True)
class Joint:
    """One end of a connection: the water it joins, where, and the graph nodes it reaches (see :meth:`Sea.attach`)."""

    water: str
    point: LonLat
    nodes: tuple  # (node index, metres, via LonLats) triples


@dataclass(frozen=True)
class Link:
    """A connection resolved on the graph: its two joints, its drawn path and length."""

    id: str
    ends: tuple  # two Joints
    points: tuple  # LonLat, from the first joint to the second
    length_m: float


class Network:
    """Every water of a registry on one graph: sea nodes first, then each river's, then two per connection."""

    def __init__(self, data_dir):
        self.data_dir = data_dir
        self.registry = load_registry(data_dir)
        self.sea = load_sea(data_dir)
        self.sea_water = self._sea_components()
        self.offsets = {}
        size = len(self.sea)
        self.rivers = {}
        for water_id, entry in self.registry.waters.items():
            if entry["kind"] == "river":
                self.rivers[water_id] = river_graph(data_dir, water_id)
                self.offsets[water_id] = size
                size += len(self.rivers[water_id].nodes)
        self.links = {}
        self.link_offset = {}
        for connection in self.registry.connections:
            self.links[connection["id"]] = self._link(connection)
            self.link_offset[connection["id"]] = size
            size += 2
        self.size = size  # then the two ends of a route: size and size + 1

    def _sea_components(self):
        """{component: water id} of the listed seas, from their seeds."""
        found = {}
        for water_id, entry in self.registry.waters.items():
            if entry["kind"] != "sea":
                continue
            vector = seagraph.xyz([entry["seed"][0]], [entry["seed"][1]])[0]
            index, distance = self.sea.near(vector, ATTACH_RADII_M[-1])
            if not len(index):
                raise DataError(f"{self.registry.data_dir / 'waterways.json'}: {water_id}: no open water near its seed")
            component = int(self.sea.component[index[np.argmin(distance)]])
            found[component] = water_id
        return found

    def components(self, waters):
        """The sea components of ``waters`` (ids)."""
        return np.array([c for c, w in self.sea_water.items() if w in waters], dtype=np.int64)

    def link_at(self, node):
        """The id of the connection whose joint ``node`` is, or None."""
        for link_id, offset in self.link_offset.items():
            if offset <= node < offset + 2:
                return link_id
        return None

    def position(self, node):
        """The LonLat of a graph node."""
        if node < len(self.sea):
            return _lonlat(self.sea.points[node])
        for water_id, offset in self.offsets.items():
            if offset <= node < offset + len(self.rivers[water_id].nodes):
                return self.rivers[water_id].nodes[node - offset]
        for link_id, offset in self.link_offset.items():
            if offset <= node < offset + 2:
                return self.links[link_id].ends[node - offset].point
        raise IndexError(node)

    def _joint(self, connection, water_id, lonlat):
        """Where a connection's end at ``lonlat`` joins ``water_id``."""
        entry = self.registry.waters[water_id]
        gap_m = connection.get("max_gap_m", 5_000.0)
        point = LonLat(*lonlat)
        where = f"{self.registry.data_dir / 'waterways.json'}: connection {connection['id']}"
        if entry["kind"] == "river":
            river = self.rivers[water_id]
            node, distance_m = river.nearest_node(point)
            if distance_m > gap_m:
                raise DataError(f"{where}: its end {point.lat:.4f},{point.lon:.4f} is {distance_m / 1000:,.1f} km "
                                f"from {entry['name']}")
            return Joint(water_id, river.nodes[node], ((self.offsets[water_id] + node, 0.0, ()),))
        components = self.components({water_id})
        for at, distance_m in self.sea.open_water_near(point, gap_m):
            nodes = self.sea.attach(at, components)
            if nodes:
                return Joint(water_id, at, nodes)
        raise DataError(f"{where}: its end {point.lat:.4f},{point.lon:.4f} is not within {gap_m / 1000:g} km of "
                        f"{entry['name']}")

    def _link(self, connection):
        path = [LonLat(*p) for p in connection["path"]]
        first, second = connection["between"]
        ends = (self._joint(connection, first, connection["path"][0]),
                self._joint(connection, second, connection["path"][-1]))
        points = [ends[0].point]
        for p in [*path, ends[1].point]:
            if geodesy.inverse(points[-1], p).distance_m >= 1.0:
                points.append(p)
        if len(points) < 2:
            points.append(ends[1].point)
        return Link(connection["id"], ends, tuple(points),
                    sum(geodesy.inverse(a, b).distance_m for a, b in zip(points, points[1:])))

    def walls(self, closed):
        """The gates of the closed straits, as walls."""
        return Walls(LineString(gate) for strait_id, strait in self.registry.straits.items() if strait_id in closed
                     for gate in strait["gates"])

    @lru_cache(maxsize=16)  # noqa: B019  one Network per data folder lives for the process
    def base(self, mode, closed):
        """The graph of ``mode`` with the ``closed`` connections and straits taken out (CSR, size + 1 nodes).

        The last node is a route's start: its row ends the arrays, START_SLOTS self-loops that each search
        fills in (see :meth:`shortest`).
        """
        rows, cols, lengths = [], [], []

        def add(a, b, length):
            length = max(length, MIN_EDGE_M)
            rows.extend([a, b])
            cols.extend([b, a])
            lengths.extend([length, length])

        n = self.size + 1
        sea = self.sea.graph
        keep = np.ones(len(sea.data), dtype=bool)
        if mode != "sea":
            keep[:] = False
        for strait_id in closed:
            for gate in self.registry.straits.get(strait_id, {}).get("gates", []):
                keep[self.sea.crossing(LineString(gate))] = False
        for water_id, river in self.rivers.items():
            offset = self.offsets[water_id]
            for a, b, length in river.edges:
                add(offset + int(a), offset + int(b), float(length))
        for connection in self.registry.connections:
            link = self.links[connection["id"]]
            if connection["id"] in closed:
                continue
            kinds = {self.registry.waters[w]["kind"] for w in connection["between"]}
            if mode == "river" and kinds != {"river"}:
                continue
            offset = self.link_offset[link.id]
            add(offset, offset + 1, link.length_m)
            for side, joint in enumerate(link.ends):
                for node, cost, _ in joint.nodes:
                    add(offset + side, node, cost)
        # The start's row: START_SLOTS places that each search fills in (self-loops until then).
        rows.extend([self.size] * START_SLOTS)
        cols.extend([self.size] * START_SLOTS)
        lengths.extend([1.0] * START_SLOTS)
        return _with_edges(sea, keep, np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64),
                           np.array(lengths, dtype=float), n)

    def shortest(self, mode, closed, start_edges, end_edges, direct_m=None, bound_m=None):
        """Node path (list) from the route's start to its end, or None: the ends join the graph by the given edges.

        The start is the base graph's spare node; the end is reached
        from the nodes it joins, after the search.  With ``bound_m``, the
        search first stops at that distance, and goes on only if the end is
        not reached within it.
        """
        graph = self.base(mode, closed)
        start, end = self.size, self.size + 1
        # The start's edges go in the slots its row keeps at the end of the arrays: no copy of the graph.
        start_edges = sorted(start_edges, key=lambda item: item[1])[:START_SLOTS]
        graph.indices[-START_SLOTS:] = [node for node, *_ in start_edges] + [start] * (START_SLOTS - len(start_edges))
        graph.data[-START_SLOTS:] = [max(cost, MIN_EDGE_M) for _, cost, *_ in start_edges] + \
            [1.0] * (START_SLOTS - len(start_edges))
        graph.has_sorted_indices = False
        # First within a bound (most routes are not much longer than the straight line), then without.
        for limit in ((bound_m, np.inf) if bound_m is not None else (np.inf,)):
            distance, previous = csgraph.dijkstra(graph, indices=start, return_predecessors=True, limit=limit)
            best, via = math.inf, None
            for node, cost, *_ in end_edges:
                if distance[node] + cost < best:
                    best, via = distance[node] + cost, node
            if best <= limit:
                break
        if direct_m is not None and direct_m <= best:
            return [start, end]
        if via is None:
            return None
        path = [end, via]
        while path[-1] != start:
            path.append(int(previous[path[-1]]))
        return path[::-1]


def _with_edges(graph, keep, rows, cols, lengths, n):
    """``graph`` (CSR) with only its ``keep`` entries, grown to ``n`` nodes, plus the edges (rows, cols, lengths)."""
    indptr, indices, data = graph.indptr, graph.indices, graph.data.astype(np.float64)
    if not keep.any():  # none of the graph's edges: only the new ones
        indptr, indices, data = np.zeros_like(indptr), indices[:0], data[:0]
    elif not keep.all():
        kept = np.r_[0, np.cumsum(keep)]
        indptr, indices, data = kept[indptr], indices[keep], data[keep]
    size = graph.shape[0]
    order = np.lexsort((cols, rows))
    rows, cols, lengths = rows[order], cols[order], lengths[order]
    inside = rows < size
    # Edges from the graph's own nodes go at the end of their rows; those of new nodes after all of them.
    at = indptr[rows[inside] + 1]
    indices = np.insert(indices, at, cols[inside].astype(indices.dtype))
    data = np.insert(data, at, lengths[inside])
    indptr = indptr + np.r_[0, np.cumsum(np.bincount(rows[inside], minlength=size))]
    beyond = np.bincount(rows[~inside] - size, minlength=n - size)
    indptr = np.r_[indptr, indptr[-1] + np.cumsum(beyond)]
    indices = np.concatenate([indices, cols[~inside].astype(indices.dtype)])
    data = np.concatenate([data, lengths[~inside]])
    return sparse.csr_matrix((data, indices, indptr), shape=(n, n))


@lru_cache(maxsize=2)
def network(data_dir):
    """The :class:`Network` of the registry in ``data_dir`` (once per process)."""
    return Network(data_dir)
