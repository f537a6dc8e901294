"""The world's navigable sea water as a graph: built once from Natural Earth 1:10m land, then cached.

The sphere is cut into the six faces of a cube, each drawn in its own
gnomonic projection (:class:`Face`), where straight lines are great circles:
a segment that misses the land there misses it on the globe too.  On each
face the land, grown by :data:`CLEARANCE_M`, is what a ship must keep out
of (the *blocked* area).  An adaptive quadtree splits the face: cells of
open water stay large (at most :data:`OPEN_LEVEL` deep), cells on the coast
are split down to :data:`COAST_LEVEL` (about 3 km), and down to
:data:`FINE_LEVEL` (about 200 m, with the clearance cut to
:data:`FINE_CLEARANCE_M`) inside the *fine zones* the waterways registry
gives for narrow straits such as the Bosporus.  Every open cell is a node at
its centre; a coastal cell at the finest depth gives a node in each piece of
its open water.  Neighbouring cells are joined where the great circle
between their nodes misses the blocked area, and cells on the edges of
neighbouring faces are joined the same way.

The result is a handful of arrays (:class:`SeaGraph`): node positions, a
sparse matrix of edge lengths, and the blocked area cut into tiles stored as
WKB, which routes load only where they go (:class:`Obstacles`).  Nothing
here reads or writes files; :mod:`mapper.geo.waternet` caches the arrays.
"""

from dataclasses import dataclass

import numpy as np
import shapely
import shapely.errors
from scipy import sparse
from scipy.spatial import cKDTree

FACES = 6
EARTH_RADIUS_M = 6_371_008.8  # the mean radius: faces are gnomonic projections of this sphere
CLEARANCE_M = 500.0  # routes keep this far off the 1:10m coast
FINE_CLEARANCE_M = 100.0  # inside a fine zone (a narrow strait), this far
OPEN_LEVEL = 6  # open-water cells are at most 2R / 2**6, about 200 km, across
COAST_LEVEL = 12  # coastal cells are split down to 2R / 2**12, about 3.1 km (1 km in a face's corner)
FINE_LEVEL = 16  # inside a fine zone, 2R / 2**16, about 200 m
TILE_LEVEL = 6  # the blocked area is stored in tiles of 2R / 2**6
EXTEND = 1.25  # a face's blocked area reaches this far past its edge (in face units), for segments that cross it
MIN_PIECE_M2 = 50.0 * 50.0  # open water smaller than this in a coastal cell is not a node
DENSIFY_DEG = 0.2  # land edges are densified to this before projection (parallels are not great circles)

# The six faces: centre, east-ish and north-ish unit vectors of the tangent plane.
_FACES = (
    ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
    ((0, 1, 0), (-1, 0, 0), (0, 0, 1)),
    ((-1, 0, 0), (0, -1, 0), (0, 0, 1)),
    ((0, -1, 0), (1, 0, 0), (0, 0, 1)),
    ((0, 0, 1), (0, 1, 0), (-1, 0, 0)),
    ((0, 0, -1), (0, 1, 0), (1, 0, 0)),
)
FACE_CENTRES = np.array([f[0] for f in _FACES], dtype=float)


def xyz(lon, lat):
    """Unit vectors of (lon, lat) in degrees (arrays), as an (n, 3) array."""
    lon, lat = np.radians(np.asarray(lon, dtype=float)), np.radians(np.asarray(lat, dtype=float))
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)


def lonlat(points):
    """(lon, lat) in degrees of unit vectors (n, 3): two arrays."""
    points = np.asarray(points, dtype=float)
    return (np.degrees(np.arctan2(points[..., 1], points[..., 0])),
            np.degrees(np.arcsin(np.clip(points[..., 2], -1.0, 1.0))))


def face_of(points):
    """The face each unit vector (n, 3) falls on."""
    return np.argmax(np.asarray(points) @ FACE_CENTRES.T, axis=-1)


def arc_m(a, b):
    """Great-circle distances in metres between unit vectors (n, 3) ``a`` and ``b`` on the sphere."""
    cross = np.linalg.norm(np.cross(a, b), axis=-1)
    return EARTH_RADIUS_M * np.arctan2(cross, np.sum(a * b, axis=-1))


@dataclass(frozen=True)
class Face:
    """One face of the cube: a gnomonic projection in metres centred on ``centre``."""

    index: int

    @property
    def centre(self):
        return np.array(_FACES[self.index][0], dtype=float)

    def plane(self, points):
        """Face coordinates (x, y) in metres, (n, 2), of unit vectors (n, 3) in front of the face."""
        centre, east, north = (np.array(v, dtype=float) for v in _FACES[self.index])
        points = np.asarray(points, dtype=float)
        depth = points @ centre
        return EARTH_RADIUS_M * np.stack([points @ east, points @ north], axis=-1) / depth[..., None]

    def sphere(self, xy):
        """Unit vectors (n, 3) of face coordinates (n, 2)."""
        centre, east, north = (np.array(v, dtype=float) for v in _FACES[self.index])
        xy = np.asarray(xy, dtype=float) / EARTH_RADIUS_M
        points = centre + xy[..., :1] * east + xy[..., 1:2] * north
        return points / np.linalg.norm(points, axis=-1, keepdims=True)

    def from_lonlat(self, coords):
        """Face coordinates of (lon, lat) coordinates (n, 2)."""
        coords = np.asarray(coords, dtype=float)
        return self.plane(xyz(coords[:, 0], coords[:, 1]))

    def project(self, geometry):
        """A (lon, lat) shapely geometry in face coordinates (vertices only: densify first)."""
        return shapely.transform(geometry, self.from_lonlat)


def cell_size_m(level):
    """The side of a quadtree cell at ``level``, in face metres."""
    return 2.0 * EARTH_RADIUS_M / 2 ** level


def _cell_boxes(level, i, j):
    size = cell_size_m(level)
    x0, y0 = -EARTH_RADIUS_M + i * size, -EARTH_RADIUS_M + j * size
    return shapely.box(x0, y0, x0 + size, y0 + size)


@dataclass
class SeaGraph:
    """The built graph: everything :mod:`mapper.geo.waternet` caches, as plain arrays.

    ``points`` are unit vectors of the nodes, ``graph`` a symmetric CSR
    matrix of great-circle edge lengths (metres), ``blocked_wkb`` each
    face's blocked area (face coordinates) as WKB.
    """

    points: np.ndarray
    graph: object
    blocked_wkb: list


def face_land(face, land_parts):
    """The land (lon/lat polygons, each at most a 10° tile) that reaches ``face``, in its coordinates."""
    limit = np.cos(np.radians(62.0))  # a 10° tile with a vertex this near reaches no further than 76°
    chosen = []
    for part in land_parts:
        coords = shapely.get_coordinates(part)
        if (xyz(coords[:, 0], coords[:, 1]) @ face.centre).max() > limit:
            chosen.append(part)
    if not chosen:
        return shapely.GeometryCollection()
    projected = face.project(shapely.segmentize(shapely.union_all(chosen), DENSIFY_DEG))
    projected = shapely.make_valid(projected)
    reach = EXTEND * EARTH_RADIUS_M
    return shapely.clip_by_rect(projected, -reach, -reach, reach, reach)


def blocked_area(land, fine_zones):
    """Land grown by the clearance: CLEARANCE_M, and FINE_CLEARANCE_M inside ``fine_zones`` (a geometry)."""
    wide = shapely.buffer(land, CLEARANCE_M, quad_segs=4)
    if fine_zones.is_empty:
        return shapely.make_valid(wide)
    narrow = shapely.buffer(land, FINE_CLEARANCE_M, quad_segs=4)
    return shapely.make_valid(shapely.union(shapely.difference(wide, fine_zones), shapely.intersection(narrow,
                                                                                                       fine_zones)))


def _area_ratio(pieces, level):
    return shapely.area(pieces) / cell_size_m(level) ** 2


def _clip(geometry, xmin, ymin, xmax, ymax):
    """``geometry`` inside the box; GEOS's fast clip, or an exact one where the fast one's output cannot be used."""
    if geometry.is_empty:
        return geometry
    try:
        return shapely.clip_by_rect(geometry, xmin, ymin, xmax, ymax)
    except shapely.errors.GEOSException:  # the fast clip of a dirty clip can leave a ring of three points
        return shapely.intersection(shapely.make_valid(geometry), shapely.box(xmin, ymin, xmax, ymax))


def quadtree(blocked, fine_zones):
    """The leaves of the face's quadtree: (open cells, coastal pieces).

    Open cells are (level, i, j) arrays; coastal pieces are (level, i, j)
    of finest coastal cells with the open water's pieces (polygons) in each.
    """
    open_cells = []
    coastal = []
    level = 0
    i = np.zeros(1, dtype=np.int64)
    j = np.zeros(1, dtype=np.int64)
    pieces = np.array([blocked], dtype=object)
    while len(i):
        boxes = _cell_boxes(level, i, j)
        ratio = _area_ratio(pieces, level)
        empty = np.array([p.is_empty for p in pieces]) | (ratio <= 1e-12)
        full = ratio >= 1 - 1e-9
        fine = shapely.intersects(fine_zones, boxes) if not fine_zones.is_empty else np.zeros(len(i), bool)
        deepest = np.where(fine, FINE_LEVEL, COAST_LEVEL)
        mixed = ~empty & ~full
        done_open = empty & (level >= OPEN_LEVEL)
        open_cells.append(np.stack([np.full(done_open.sum(), level), i[done_open], j[done_open]], axis=1))
        at_bottom = mixed & (level >= deepest)
        if at_bottom.any():
            water = shapely.difference(boxes[at_bottom], shapely.make_valid(pieces[at_bottom]))
            coastal.append((level, i[at_bottom], j[at_bottom], water))
        split = (empty & ~done_open) | (mixed & ~at_bottom)
        if not split.any():
            break
        i, j, pieces = i[split], j[split], pieces[split]
        children_i = np.concatenate([2 * i, 2 * i + 1, 2 * i, 2 * i + 1])
        children_j = np.concatenate([2 * j, 2 * j, 2 * j + 1, 2 * j + 1])
        parent = np.concatenate([pieces] * 4)
        level += 1
        size = cell_size_m(level)
        x0 = -EARTH_RADIUS_M + children_i * size
        y0 = -EARTH_RADIUS_M + children_j * size
        pieces = np.array([_clip(p, a, b, a + size, b + size) for p, a, b in zip(parent, x0, y0)], dtype=object)
        i, j = children_i, children_j
    return np.concatenate(open_cells), coastal


_KEY_BITS = 20


def _keys(level, i, j):
    return (np.asarray(level, dtype=np.int64) << (2 * _KEY_BITS)) | (np.asarray(i, dtype=np.int64) << _KEY_BITS) | j


_DIRECTIONS = ((1, 0), (0, 1), (-1, 0), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1))


def face_nodes(face, open_cells, coastal):
    """Nodes of one face: (plane xy (n, 2), leaf level, i, j of each node, coastal flag)."""
    levels, iis, jjs, xys, coast = [], [], [], [], []
    level, i, j = open_cells.T
    size = cell_size_m(level)
    xys.append(np.stack([-EARTH_RADIUS_M + (i + 0.5) * size, -EARTH_RADIUS_M + (j + 0.5) * size], axis=1))
    levels.append(level), iis.append(i), jjs.append(j), coast.append(np.zeros(len(i), bool))
    for level, i, j, water in coastal:
        parts, index = shapely.get_parts(water, return_index=True)
        keep = shapely.area(parts) >= MIN_PIECE_M2
        parts, index = parts[keep], index[keep]
        points = shapely.get_coordinates(shapely.point_on_surface(parts))
        xys.append(points)
        levels.append(np.full(len(index), level)), iis.append(i[index]), jjs.append(j[index])
        coast.append(np.ones(len(index), bool))
    return (np.concatenate(xys), np.concatenate(levels), np.concatenate(iis), np.concatenate(jjs),
            np.concatenate(coast))


def face_edges(xy, level, i, j, coast, blocked):
    """Edges (a, b) between the nodes of neighbouring leaves of one face whose segment misses ``blocked``."""
    keys = _keys(level, i, j)
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    pairs = []
    for di, dj in _DIRECTIONS:
        ni, nj = i + di, j + dj
        inside = (ni >= 0) & (nj >= 0) & (ni < (1 << level)) & (nj < (1 << level))
        found = np.full(len(i), -1, dtype=np.int64)
        for up in range(0, FINE_LEVEL + 1):
            todo = inside & (found < 0) & (level - up >= 0)
            if not todo.any():
                break
            k = _keys(level[todo] - up, ni[todo] >> up, nj[todo] >> up)
            at = np.searchsorted(sorted_keys, k)
            at = np.minimum(at, len(sorted_keys) - 1)
            hit = sorted_keys[at] == k
            idx = np.nonzero(todo)[0]
            found[idx[hit]] = at[hit]
        ok = found >= 0
        a = np.nonzero(ok)[0]
        first = found[ok]
        # every node of the neighbouring leaf: the sorted run of equal keys from ``first`` on
        start = np.searchsorted(sorted_keys, sorted_keys[first], side="left")
        stop = np.searchsorted(sorted_keys, sorted_keys[first], side="right")
        counts = stop - start
        rep_a = np.repeat(a, counts)
        offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        rep_b = order[np.repeat(start, counts) + offsets]
        diagonal = bool(di and dj)
        pairs.append((rep_a, rep_b, np.full(len(rep_a), diagonal)))
    a = np.concatenate([p[0] for p in pairs])
    b = np.concatenate([p[1] for p in pairs])
    diagonal = np.concatenate([p[2] for p in pairs])
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    keyed = np.unique(np.stack([lo, hi, diagonal], axis=1), axis=0)
    lo, hi, diagonal = keyed[:, 0], keyed[:, 1], keyed[:, 2].astype(bool)
    # Segments between the centres of open cells that share a side stay in those two cells.
    free = ~coast[lo] & ~coast[hi] & ~diagonal
    check = np.nonzero(~free)[0]
    segments = shapely.linestrings(np.stack([xy[lo[check]], xy[hi[check]]], axis=1))
    shapely.prepare(blocked)
    clear = ~shapely.intersects(blocked, segments)
    keep = free.copy()
    keep[check[clear]] = True
    return lo[keep], hi[keep]


def _face_zones(face, zones):
    """Fine zones (lon/lat polygons) in front of ``face``, in its coordinates."""
    chosen = []
    for zone in zones:
        coords = shapely.get_coordinates(zone)
        if (xyz(coords[:, 0], coords[:, 1]) @ face.centre).min() > 0.2:
            chosen.append(face.project(shapely.segmentize(zone, DENSIFY_DEG)))
    return shapely.union_all(chosen) if chosen else shapely.GeometryCollection()


def _cross_face_edges(faces):
    """Edges between nodes in cells on the edges of neighbouring faces, where the great circle misses the land."""
    points, face_ids, sizes, index = [], [], [], []
    offset = 0
    for f, (xy, level, i, j, coast, blocked, sphere) in enumerate(faces):
        last = (1 << level) - 1
        edge = (i == 0) | (j == 0) | (i == last) | (j == last)
        points.append(sphere[edge])
        face_ids.append(np.full(edge.sum(), f))
        sizes.append(cell_size_m(level[edge]))
        index.append(np.nonzero(edge)[0] + offset)
        offset += len(xy)
    points, face_ids = np.concatenate(points), np.concatenate(face_ids)
    sizes, index = np.concatenate(sizes), np.concatenate(index)
    tree = cKDTree(points)
    near_m, near = tree.query(points, k=12)
    lo_all, hi_all = [], []
    for f in range(6):
        mine = np.nonzero(face_ids == f)[0]
        a = np.repeat(mine, near.shape[1])
        b = near[mine].ravel()
        chord = near_m[mine].ravel() * EARTH_RADIUS_M
        ok = (b < len(points)) & (face_ids[np.minimum(b, len(points) - 1)] != f)
        a, b, chord = a[ok], b[ok], chord[ok]
        ok = chord < 1.5 * np.maximum(sizes[a], sizes[b])
        a, b = a[ok], b[ok]
        if not len(a):
            continue
        face = Face(f)
        segments = shapely.linestrings(np.stack([face.plane(points[a]), face.plane(points[b])], axis=1))
        clear = ~shapely.intersects(faces[f][5], segments)
        lo_all.append(index[a[clear]])
        hi_all.append(index[b[clear]])
    return np.concatenate(lo_all), np.concatenate(hi_all)


def build(land_parts, fine_zones=(), progress=None):
    """The :class:`SeaGraph` of the world's water outside ``land_parts`` (lon/lat polygons of at most a 10° tile).

    ``fine_zones`` are lon/lat polygons where narrow water is resolved finely.
    """
    faces = []
    blocked_wkb = []
    for f in range(6):
        face = Face(f)
        zones = _face_zones(face, fine_zones)
        blocked = blocked_area(face_land(face, land_parts), zones)
        open_cells, coastal = quadtree(blocked, zones)
        xy, level, i, j, coast = face_nodes(face, open_cells, coastal)
        # Nodes of one face in a fixed order, so that the same land gives the same graph.
        order = np.lexsort((xy[:, 1], xy[:, 0]))
        xy, level, i, j, coast = xy[order], level[order], i[order], j[order], coast[order]
        faces.append((xy, level, i, j, coast, blocked, face.sphere(xy)))
        blocked_wkb.append(shapely.to_wkb(blocked))
        if progress:
            progress(f"face {f}: {len(xy):,} nodes")
    lo_all, hi_all = [], []
    offset = 0
    for xy, level, i, j, coast, blocked, sphere in faces:
        lo, hi = face_edges(xy, level, i, j, coast, blocked)
        lo_all.append(lo + offset)
        hi_all.append(hi + offset)
        offset += len(xy)
    lo, hi = _cross_face_edges(faces)
    lo_all.append(lo), hi_all.append(hi)
    points = np.concatenate([face[6] for face in faces])
    lo, hi = np.concatenate(lo_all), np.concatenate(hi_all)
    length = arc_m(points[lo], points[hi])
    n = len(points)
    graph = sparse.coo_matrix((np.concatenate([length, length]), (np.concatenate([lo, hi]), np.concatenate([hi, lo]))),
                              shape=(n, n)).tocsr()
    graph.sum_duplicates()
    return SeaGraph(points, graph, blocked_wkb)
