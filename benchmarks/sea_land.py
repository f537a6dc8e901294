"""How far a line runs over Natural Earth 1:10m land, and over that land shrunk by a distance.

The land is ``land-10m.json`` of the npm package ``world-atlas@2.0.2``
(Natural Earth 4.1.0, TopoJSON quantized to 0.0036° × 0.0017°), decoded here
on its own, so that a route is checked against data that mapper's router did
not build itself.  The Caspian is a hole in that land, so it counts as water;
other lakes do not.

Lines are GeoJSON ``LineString`` or ``MultiLineString`` geometries in
(lon, lat).  Each segment is taken as a geodesic (WGS84), densified to
``DENSIFY_M`` and split at ±180°.  "Over land" is the geodesic length of the
densified line inside the land polygons.  "Over land shrunk by d" is the part
of that which is more than ``d`` from every coast, measured in a local
azimuthal equidistant projection around each stretch over land (exact to well
under a metre at these sizes).

Used by ``benchmarks/compare_searoute.py`` and by ``tests/test_sea_routes_on_water.py``
(which loads this file by its path: ``benchmarks`` is not a package).
"""

import json
import math
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.affinity import translate
from shapely.geometry import LineString, Polygon, box

REPO = Path(__file__).resolve().parent.parent
LAND_10M = REPO / "node_modules" / "world-atlas" / "land-10m.json"
GEOD = Geod(ellps="WGS84")
DENSIFY_M = 1_000.0
SHRINK_M = 1_000.0
# Land is queried along the line in stretches of about this many densified points (about 200 km).
CHUNK_POINTS = 200
# A stretch over land longer than this is measured in pieces, each in its own local projection.
PIECE_M = 400_000.0


# -- decoding the TopoJSON ------------------------------------------------------------------------

def _arcs(topology):
    """Every arc as a list of absolute (lon, lat): TopoJSON arcs are delta-encoded integers."""
    (kx, ky), (dx, dy) = topology["transform"]["scale"], topology["transform"]["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for step_x, step_y in arc:
            x += step_x
            y += step_y
            points.append((x * kx + dx, y * ky + dy))
        decoded.append(points)
    return decoded


def _ring(arcs, indexes):
    """A ring joined from arcs; index ~i is arc i backwards.  Consecutive arcs share their end point."""
    ring = []
    for index in indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points if not ring else points[1:])
    return ring


def _unwrap(ring):
    """The ring with longitudes made continuous where it steps across ±180° (beyond 180 if need be)."""
    out, shift = [ring[0]], 0.0
    for (x0, _), (x1, y1) in zip(ring, ring[1:]):
        if x1 - x0 > 180.0:
            shift -= 360.0
        elif x0 - x1 > 180.0:
            shift += 360.0
        out.append((x1 + shift, y1))
    return out


def _polygons(arcs, geometry):
    """Plane polygons of one TopoJSON (Multi)Polygon, unwrapped across ±180°.

    A ring that goes once around the Earth (Antarctica's coast) is closed
    over its pole.  world-atlas keeps such a polygon in d3's spherical form,
    a cap ring at ±90° with the coast as a hole: on the plane the coast is
    the shell, and the cap is dropped.
    """
    groups = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    polygons = []
    for group in groups:
        rings = [_unwrap(_ring(arcs, r)) for r in group]
        rings = [r for r in rings if not all(abs(y) > 89.99 for _, y in r)]  # the cap around a pole
        around = [r for r in rings if abs(r[-1][0] - r[0][0]) > 180.0]
        if around:
            shell = around[0]
            pole = -90.0 if sum(y for _, y in shell) < 0 else 90.0
            shell = [*shell, (shell[-1][0], pole), (shell[0][0], pole), shell[0]]
            holes = [r for r in rings if r is not around[0]]
        elif rings:
            shell, holes = rings[0], rings[1:]
        else:
            continue
        if len(shell) >= 4:
            # Each ring was unwrapped from its own first point: move the holes into the shell's frame (the
            # Caspian, a hole in Eurasia, whose shell may have been unwrapped to beyond -180°).
            centre = _mid_lon(shell)
            holes = [_shift(h, 360.0 * round((centre - _mid_lon(h)) / 360.0)) for h in holes if len(h) >= 4]
            polygons.append(Polygon(shell, holes))
    return polygons


def _mid_lon(ring):
    lons = [x for x, _ in ring]
    return (min(lons) + max(lons)) / 2.0


def _shift(ring, dx):
    return [(x + dx, y) for x, y in ring] if dx else ring


def _to_world(polygon):
    """An unwrapped polygon cut into parts within [-180, 180] (parts beyond are shifted back)."""
    polygon = shapely.make_valid(polygon) if not polygon.is_valid else polygon
    west, _, east, _ = polygon.bounds
    if west >= -180.0 and east <= 180.0:
        return [polygon]
    parts = []
    for turns in (-1, 0, 1):
        window = box(-180.0 + 360.0 * turns, -90.0, 180.0 + 360.0 * turns, 90.0)
        if polygon.intersects(window):
            parts.append(translate(polygon.intersection(window), -360.0 * turns))
    return parts


def _flat_polygons(geometry):
    if geometry.is_empty:
        return []
    if isinstance(geometry, Polygon):
        return [geometry]
    return [p for g in getattr(geometry, "geoms", []) for p in _flat_polygons(g)]


class Land:
    """Land polygons in [-180, 180], indexed, with the measures of a line over them."""

    def __init__(self, polygons, source=""):
        self.polygons = polygons
        self.source = source
        self.tree = shapely.STRtree(polygons)
        shapely.prepare(polygons)

    @classmethod
    def from_topojson(cls, path=LAND_10M):
        topology = json.loads(Path(path).read_text(encoding="utf-8"))
        arcs = _arcs(topology)
        polygons = []
        for geometry in topology["objects"]["land"]["geometries"]:
            for polygon in _polygons(arcs, geometry):
                for part in _to_world(polygon):
                    polygons.extend(_flat_polygons(shapely.make_valid(part)))
        return cls([p for p in polygons if p.area > 0], source=str(path))

    # -- measures ---------------------------------------------------------------------------------

    def km_over(self, geometry, shrink_m=0.0):
        """Geodesic km of ``geometry`` over land (more than ``shrink_m`` inland if given)."""
        return sum(self._piece_m(piece, shrink_m) for piece in self.pieces_over(geometry)) / 1000.0

    def measure(self, geometry, shrink_m=SHRINK_M):
        """(km over land, km over land shrunk by ``shrink_m``) of ``geometry``."""
        pieces = self.pieces_over(geometry)
        return (sum(_length_m(p) for p in pieces) / 1000.0,
                sum(self._piece_m(p, shrink_m) for p in pieces) / 1000.0)

    def pieces_over(self, geometry):
        """The stretches of ``geometry`` (densified, split at ±180°) inside land, as (lon, lat) LineStrings."""
        pieces = []
        for part in densified_parts(geometry):
            for start in range(0, len(part) - 1, CHUNK_POINTS):
                chunk = LineString(part[start:start + CHUNK_POINTS + 1])
                for index in self.tree.query(chunk, predicate="intersects"):
                    inside = self.polygons[index].intersection(chunk)
                    pieces.extend(g for g in _flat_lines(inside) if g.length > 0)
        return pieces

    def _piece_m(self, piece, shrink_m):
        if not shrink_m:
            return _length_m(piece)
        total = 0.0
        for sub in _split_m(piece, PIECE_M):
            total += self._inland_m(sub, shrink_m)
        return total

    def _inland_m(self, piece, shrink_m):
        """Metres of ``piece`` (a stretch over land) more than ``shrink_m`` from the coast."""
        west, south, east, north = piece.bounds
        lat0, lon0 = (south + north) / 2.0, (west + east) / 2.0
        # Land up to three times the shrink distance around the piece: enough for its coasts, and the window's
        # own edges (which the negative buffer also shrinks from) stay clear of it.
        margin_lat = 3.0 * shrink_m / 110_000.0
        highest = min(max(abs(south), abs(north)) + margin_lat, 89.9)
        margin_lon = margin_lat / max(math.cos(math.radians(highest)), 0.001)
        window = (west - margin_lon, max(south - margin_lat, -90.0), east + margin_lon, min(north + margin_lat, 90.0))
        near = []
        for shift in (-360.0, 0.0, 360.0):  # land beyond ±180° joins the window from the other side
            shifted = box(window[0] - shift, window[1], window[2] - shift, window[3])
            for index in self.tree.query(shifted):
                clipped = shapely.clip_by_rect(self.polygons[index], *shifted.bounds)
                if not clipped.is_empty:
                    near.append(translate(clipped, shift) if shift else clipped)
        if not near:
            return 0.0
        land = shapely.make_valid(shapely.union_all(near))
        to_local = Transformer.from_crs("EPSG:4326", f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m",
                                        always_xy=True)
        local_land = shapely.transform(land, lambda xy: _project(to_local, xy))
        local_piece = shapely.transform(piece, lambda xy: _project(to_local, xy))
        inland = local_land.buffer(-shrink_m)
        return 0.0 if inland.is_empty else local_piece.intersection(inland).length


def _project(transformer, xy):
    x, y = transformer.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def _flat_lines(geometry):
    if geometry.is_empty:
        return []
    if geometry.geom_type == "LineString":
        return [geometry]
    return [g for part in getattr(geometry, "geoms", []) for g in _flat_lines(part)]


def _length_m(line):
    lons, lats = zip(*line.coords)
    return GEOD.line_length(lons, lats)


def _split_m(line, most_m):
    """``line`` in consecutive pieces of at most about ``most_m`` (by its vertices)."""
    coords = list(line.coords)
    pieces, current, length = [], [coords[0]], 0.0
    for a, b in zip(coords, coords[1:]):
        step = GEOD.inv(a[0], a[1], b[0], b[1])[2]
        if length + step > most_m and len(current) > 1:
            pieces.append(LineString(current))
            current, length = [a], 0.0
        current.append(b)
        length += step
    if len(current) > 1:
        pieces.append(LineString(current))
    return pieces


# -- lines ------------------------------------------------------------------------------------------

def parts_of(geometry):
    """The coordinate lists of a GeoJSON (Multi)LineString geometry (a list of lists is taken as parts)."""
    if isinstance(geometry, dict):
        kind, coords = geometry.get("type"), geometry.get("coordinates") or []
        if kind == "LineString":
            return [[tuple(c[:2]) for c in coords]]
        if kind == "MultiLineString":
            return [[tuple(c[:2]) for c in part] for part in coords]
        if kind == "GeometryCollection":
            return [p for g in geometry.get("geometries", []) for p in parts_of(g)]
        return []
    return [[tuple(c[:2]) for c in part] for part in geometry]


def _wrap(lon):
    return (lon + 180.0) % 360.0 - 180.0 if not -180.0 <= lon <= 180.0 else lon


def densified_parts(geometry, spacing_m=DENSIFY_M):
    """Each part with every segment a geodesic sampled every ``spacing_m`` or less, split where it crosses ±180°."""
    out = []
    for part in parts_of(geometry):
        if len(part) < 2:
            continue
        points = [(_wrap(part[0][0]), part[0][1])]
        for (lon1, lat1), (lon2, lat2) in zip(part, part[1:]):
            distance = GEOD.inv(lon1, lat1, lon2, lat2)[2]
            steps = int(math.ceil(distance / spacing_m)) - 1
            if steps > 0:
                points.extend((_wrap(x), y) for x, y in GEOD.npts(lon1, lat1, lon2, lat2, steps))
            points.append((_wrap(lon2), lat2))
        current = [points[0]]
        for (x0, y0), (x1, y1) in zip(points, points[1:]):
            if abs(x1 - x0) > 180.0:  # across ±180°: end this part at the meridian, start the next there
                edge = 180.0 if x0 > 0 else -180.0
                unwrapped = x1 + (360.0 if edge > 0 else -360.0)
                t = (edge - x0) / (unwrapped - x0) if unwrapped != x0 else 0.0
                y_edge = y0 + t * (y1 - y0)
                current.append((edge, y_edge))
                if len(current) > 1:
                    out.append(current)
                current = [(-edge, y_edge)]
            current.append((x1, y1))
        if len(current) > 1:
            out.append(current)
    return out


def geodesic_km(geometry):
    """The geodesic length of ``geometry`` (each segment a geodesic), in km."""
    total = 0.0
    for part in parts_of(geometry):
        for (lon1, lat1), (lon2, lat2) in zip(part, part[1:]):
            total += GEOD.inv(lon1, lat1, lon2, lat2)[2]
    return total / 1000.0


@lru_cache(maxsize=1)
def natural_earth_land():
    """The Natural Earth 1:10m land of world-atlas@2.0.2, decoded once per process."""
    return Land.from_topojson(LAND_10M)

