"""Routes over water: shortest paths that stay in a sea or follow a river, in legs.

Each end snaps to the nearest listed water (reported as a ``port-snap`` leg);
a sea leg is the shortest path on the sea's grid, pulled tight where the
water allows; a river leg follows the river's centre line; a ``connection``
leg joins two waters where ``waterways.json`` allows it.  Two points in
waters that no allowed connection joins get :class:`NoRouteError`, never a
line over land; so does a point outside every listed water's box, which the
network does not cover.  ``great-circle`` mode is the plain geodesic: a
straight line, not a path, so it has no sailing time.
"""

import math
from dataclasses import dataclass

import antimeridian
import numpy as np
import shapely
from shapely.geometry import LineString, Point
from shapely.ops import nearest_points

from mapper.core.geojson import feature
from mapper.core.points import LonLat
from mapper.core.units import DEFAULT_SPEED_KN, M_S_PER_SPEED_UNIT, metres_to
from mapper.core.vocab import MODES
from mapper.errors import InputError, NoRouteError
from mapper.geo import geodesy
from mapper.geo.waternet import GRID_SPACING_M, shortest_path, water_graph
from mapper.load.lookup import resolve_point
from mapper.load.waterways import load_registry

MAX_SNAP_M = 25_000.0
SNAP_MIN_M = 1.0  # closer than this, an end is already on the water
NEAR_BOX_DEG = 0.5  # a water is a candidate for an end inside its box grown by this


@dataclass(frozen=True)
class Leg:
    """One stretch of a route: ``kind`` is port-snap, sea, river, connection or great-circle."""

    kind: str
    water: str  # water id, or "" for great-circle
    points: tuple  # LonLat waypoints; sea legs are drawn as geodesics between them
    length_m: float


@dataclass(frozen=True)
class Snap:
    """Where an end joined the water, and how far it had to move."""

    label: str
    water: str
    point: LonLat
    distance_m: float


@dataclass(frozen=True)
class Route:
    """A routed line: its legs in order, the snaps of its ends, and its geodesic length."""

    mode: str
    legs: tuple
    snaps: tuple

    @property
    def length_m(self):
        return sum(leg.length_m for leg in self.legs)

    def line(self):
        """The whole route as (lon, lat) geometry, geodesics densified, split at ±180° if it crosses."""
        coords = []
        for leg in self.legs:
            part = geodesy.geodesic_coords(leg.points) if leg.kind != "river" else [(p.lon, p.lat) for p in leg.points]
            coords.extend(part[1:] if coords and coords[-1] == part[0] else part)
        return antimeridian.fix_line_string(LineString(coords), great_circle=True)

    def leg_summary(self):
        """Each leg as ``{kind, water, length_m}``, for feature properties."""
        return [{"kind": leg.kind, "water": leg.water, "length_m": leg.length_m} for leg in self.legs]


def _length_m(points):
    return sum(geodesy.inverse(a, b).distance_m for a, b in zip(points, points[1:]))


def _candidates(registry, point, kinds):
    for water_id, entry in registry.waters.items():
        west, south, east, north = entry["bbox"]
        if entry["kind"] in kinds and (west - NEAR_BOX_DEG <= point.lon <= east + NEAR_BOX_DEG
                                       and south - NEAR_BOX_DEG <= point.lat <= north + NEAR_BOX_DEG):
            yield water_id


def _snap_to(water, point):
    """The nearest navigable point of ``water`` to ``point``, in (lon, lat)."""
    if water.kind == "sea":
        xy = Point(water.projector.xy(point))
        if water.geometry.covers(xy):
            return point
        near = nearest_points(water.geometry, xy)[0]
        return water.projector.lonlat(near.x, near.y)
    return _nearest_segment(water, point)[1]


def _local_xy(points, lat0):
    """Equirectangular (x, y) in degrees of latitude: good enough to compare nearby distances."""
    scale = math.cos(math.radians(lat0))
    return [(p.lon * scale, p.lat) for p in points]


def _nearest_segment(water, point):
    """The river segment (a, b) nearest ``point``, and the nearest point on it."""
    pairs = water.segments
    ends = np.array([_local_xy([water.nodes[a], water.nodes[b]], point.lat) for a, b in pairs])
    lines = shapely.linestrings(ends)
    (x, y), = _local_xy([point], point.lat)
    best = int(np.argmin(shapely.distance(lines, Point(x, y))))
    line = lines[best]
    on = line.interpolate(line.project(Point(x, y)))
    return pairs[best], LonLat(on.x / math.cos(math.radians(point.lat)), on.y)


def _degrees(value, positive, negative):
    return f"{abs(value):g}°{positive if value >= 0 else negative}"


def _box_text(bbox):
    west, south, east, north = bbox
    return (f"{_degrees(south, 'N', 'S')}–{_degrees(north, 'N', 'S')}, "
            f"{_degrees(west, 'E', 'W')}–{_degrees(east, 'E', 'W')}")


def covers(registry, point, kinds):
    """True if ``point`` lies in the box of a listed water of ``kinds``: the part of the world the network knows."""
    return any(entry["kind"] in kinds and entry["bbox"][0] <= point.lon <= entry["bbox"][2]
               and entry["bbox"][1] <= point.lat <= entry["bbox"][3] for entry in registry.waters.values())


def snap(data_dir, label, point, kinds):
    """Snap ``point`` to the nearest listed water of ``kinds``.

    Raises
    ------
    NoRouteError
        If no such water is within MAX_SNAP_M: either ``point`` is outside
        every listed water's box (the network does not cover it, at sea or
        inland alike), or it is in one but far from its water.
    """
    registry = load_registry(data_dir)
    best = None
    for water_id in _candidates(registry, point, kinds):
        water = water_graph(data_dir, water_id)
        at = _snap_to(water, point)
        distance_m = geodesy.inverse(point, at).distance_m
        if best is None or distance_m < best.distance_m:
            best = Snap(label, water_id, at, distance_m)
    if (best is None or best.distance_m > MAX_SNAP_M) and not covers(registry, point, kinds):
        near = f"nearest: {registry.waters[best.water]['name']}, {best.distance_m / 1000:,.0f} km; " if best else ""
        listed = "; ".join(f"{w['name']}, {_box_text(w['bbox'])}" for w in registry.waters.values()
                           if w["kind"] in kinds)
        raise NoRouteError(f"{label} is outside the water network's coverage ({near}it covers {listed}; see "
                           f"{registry.data_dir / 'waterways.json'})")
    if best is None or best.distance_m > MAX_SNAP_M:
        names = ", ".join(w["name"] for w in registry.waters.values() if w["kind"] in kinds)
        near = f" (nearest: {registry.waters[best.water]['name']}, {best.distance_m / 1000:,.0f} km)" if best else ""
        raise NoRouteError(f"{label}: no navigable water within {MAX_SNAP_M / 1000:g} km{near}; "
                           f"mapper routes on: {names}")
    return best


def _pull_tight(navigable, points):
    """Drop waypoints while the straight line between those kept stays in ``navigable``."""
    kept = [points[0]]
    i = 0
    while i < len(points) - 1:
        reach = shapely.linestrings([[points[i], points[j]] for j in range(i + 1, len(points))])
        visible = shapely.covers(navigable, reach)
        j = i + 1 + int(np.nonzero(visible)[0].max()) if visible.any() else i + 1
        kept.append(points[j])
        i = j
    return kept


def _attach(water, xy, radius_m):
    """Grid nodes within ``radius_m`` of ``xy`` that a straight segment in the water reaches, with costs."""
    nodes = np.array(water.nodes)
    distances = np.hypot(nodes[:, 0] - xy[0], nodes[:, 1] - xy[1])
    near = np.nonzero(distances <= radius_m)[0]
    near = near[np.argsort(distances[near])][:24]
    if not len(near):
        return {}
    visible = shapely.covers(water.reach, shapely.linestrings([[xy, tuple(nodes[n])] for n in near]))
    return {int(n): float(distances[n]) for n, ok in zip(near, visible) if ok}


def sea_path(water, start, end):
    """Waypoints (LonLat) of the shortest path in a sea from ``start`` to ``end`` (both on its water)."""
    a, b = water.projector.xy(start), water.projector.xy(end)
    if water.reach.covers(LineString([a, b])):
        return [start, end]
    for radius_m in (3 * GRID_SPACING_M, 10 * GRID_SPACING_M):
        sources, targets = _attach(water, a, radius_m), _attach(water, b, radius_m)
        if sources and targets:
            break
    nodes = shortest_path(water.edges, sources, targets) if sources and targets else None
    if nodes is None:
        raise NoRouteError(f"no path within {water.name} from {start.lat:.4f},{start.lon:.4f} to "
                           f"{end.lat:.4f},{end.lon:.4f}")
    tight = _pull_tight(water.reach, [a, *(water.nodes[n] for n in nodes), b])
    return [start, *(water.projector.lonlat(*xy) for xy in tight[1:-1]), end]


def river_path(water, start, end):
    """Waypoints (LonLat) along a river system from ``start`` to ``end`` (both on its lines)."""
    (a1, a2), _ = _nearest_segment(water, start)
    (b1, b2), _ = _nearest_segment(water, end)
    if {a1, a2} == {b1, b2}:
        return [start, end]
    sources = {n: geodesy.inverse(start, water.nodes[n]).distance_m for n in (a1, a2)}
    targets = {n: geodesy.inverse(water.nodes[n], end).distance_m for n in (b1, b2)}
    nodes = shortest_path(water.edges, sources, targets)
    if nodes is None:
        raise NoRouteError(f"no path along {water.name} between the two points")
    return [start, *(water.nodes[n] for n in nodes), end]


def _water_path(water, start, end):
    return sea_path(water, start, end) if water.kind == "sea" else river_path(water, start, end)


def _junction(data_dir, connection, from_id):
    """Where a connection joins its two waters: (point in the first, point in the second)."""
    first, second = (from_id, *(w for w in connection["between"] if w != from_id))
    waters = {w: water_graph(data_dir, w) for w in (first, second)}
    sea = next((w for w in waters.values() if w.kind == "sea"), None)
    river = next((w for w in waters.values() if w.kind == "river"), None)
    if sea is None or river is None:
        raise NoRouteError(f"connection {connection['id']}: only sea–river connections are supported")
    # The river node nearest to the sea's open water is where the river meets it.
    nodes = list(river.edges)
    xy = [Point(sea.projector.xy(river.nodes[n])) for n in nodes]
    gaps = shapely.distance(sea.geometry, xy)
    mouth = river.nodes[nodes[int(np.argmin(gaps))]]
    sea_point = _snap_to(sea, mouth)
    if geodesy.inverse(mouth, sea_point).distance_m > connection.get("max_gap_m", MAX_SNAP_M):
        raise NoRouteError(f"connection {connection['id']}: {river.name} ends too far from {sea.name}")
    points = {sea.id: sea_point, river.id: mouth}
    return points[first], points[second]


def _chain(registry, a, b):
    """Waters from ``a`` to ``b`` through allowed connections, with the connection used at each step."""
    previous = registry.reachable(a)
    steps = []
    here = b
    while previous[here] is not None:
        before, connection = previous[here]
        steps.append((before, connection, here))
        here = before
    return steps[::-1]


def route_pair(data_dir, start, end, mode):
    """The :class:`Route` between two NamedPoints in ``mode`` (sea, river or great-circle)."""
    if mode not in MODES:
        raise InputError(f"mode {mode!r}: use one of {', '.join(MODES)}")
    if mode == "great-circle":
        points = [start.point, end.point]
        return Route(mode, (Leg("great-circle", "", tuple(points), _length_m(points)),), ())
    kinds = ("sea", "river") if mode == "sea" else ("river",)
    snap_a, snap_b = snap(data_dir, start.label, start.point, kinds), snap(data_dir, end.label, end.point, kinds)
    registry = load_registry(data_dir)
    if snap_b.water not in registry.reachable(snap_a.water):
        raise NoRouteError(f"{start.label} is on the {registry.waters[snap_a.water]['name']} and {end.label} on the "
                           f"{registry.waters[snap_b.water]['name']}: no allowed connection joins them "
                           f"(see {registry.data_dir / 'waterways.json'})")
    legs = []
    if snap_a.distance_m >= SNAP_MIN_M:
        legs.append(Leg("port-snap", snap_a.water, (start.point, snap_a.point), snap_a.distance_m))
    here_water, here_point = snap_a.water, snap_a.point
    for before, connection, after in _chain(registry, snap_a.water, snap_b.water):
        leave, arrive = _junction(data_dir, connection, before)
        points = _water_path(water_graph(data_dir, before), here_point, leave)
        legs.append(Leg(registry.waters[before]["kind"], before, tuple(points), _length_m(points)))
        legs.append(Leg("connection", connection["id"], (leave, arrive), _length_m([leave, arrive])))
        here_water, here_point = after, arrive
    points = _water_path(water_graph(data_dir, here_water), here_point, snap_b.point)
    legs.append(Leg(registry.waters[here_water]["kind"], here_water, tuple(points), _length_m(points)))
    if snap_b.distance_m >= SNAP_MIN_M:
        legs.append(Leg("port-snap", snap_b.water, (snap_b.point, end.point), snap_b.distance_m))
    return Route(mode, tuple(leg for leg in legs if leg.length_m > 0 or leg.kind == "great-circle"),
                 (snap_a, snap_b))


def route(data_dir, stops, mode):
    """The :class:`Route` through ``stops`` (NamedPoints, at least two) in order."""
    if len(stops) < 2:
        raise InputError("a route needs at least two places")
    parts = [route_pair(data_dir, a, b, mode) for a, b in zip(stops, stops[1:])]
    return Route(mode, tuple(leg for part in parts for leg in part.legs),
                 tuple(s for part in parts for s in part.snaps))


def sailing_time_h(length_m, speed_m_s):
    """Hours to cover ``length_m`` at ``speed_m_s``."""
    return length_m / speed_m_s / 3600


def route_feature(geodata, queries, mode="sea", speed_m_s=None):
    """A route through ``queries`` (place names, ids or LAT,LON) as a GeoJSON Feature.

    Its properties give the length, the sailing time at ``speed_m_s``
    (default DEFAULT_SPEED_KN), each leg and each end's snap to the water.
    In ``great-circle`` mode the feature is a ``great-circle`` line with its
    length and legs only: a straight line is not a path that anything sails.
    """
    stops = [resolve_point(geodata, query) for query in queries]
    routed = route(geodata.data_dir, stops, mode)
    props = {
        "kind": "great-circle" if mode == "great-circle" else "route",
        "mode": mode,
        "stops": [stop.label for stop in stops],
        "length_m": routed.length_m,
        "length_km": metres_to(routed.length_m, "km"),
        "length_nmi": metres_to(routed.length_m, "nmi"),
    }
    if mode != "great-circle":
        speed_m_s = speed_m_s or DEFAULT_SPEED_KN * M_S_PER_SPEED_UNIT["kn"]
        props.update(speed_m_s=speed_m_s, sailing_time_h=sailing_time_h(routed.length_m, speed_m_s))
    props["legs"] = routed.leg_summary()
    props["snaps"] = [{"place": s.label, "water": s.water, "distance_m": s.distance_m,
                       "at": [s.point.lon, s.point.lat]} for s in routed.snaps]
    return feature(routed.line(), props)
