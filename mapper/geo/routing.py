"""Routes over water: shortest paths on the world's seas, listed rivers and canals, in legs.

Each end joins the nearest navigable water (a ``port-snap`` leg if it had
to move); the route is the shortest path on the water network
(:mod:`mapper.geo.waternet`), cut into legs where it changes water: ``sea``
legs pulled tight into geodesics that stay clear of the land, ``river`` legs
along Natural Earth's centre lines, and a ``connection`` leg for each canal
or river mouth it uses, along the registry's path.  Each leg names the
straits and canals it passes.  Two points that no open connection joins get
:class:`NoRouteError`, never a line over land; so does a point with no
navigable water within :data:`MAX_SNAP_M`.  ``straight`` mode (also called
``great-circle``) is the plain geodesic: a straight line, not a path, so it
has no sailing time.
"""

from dataclasses import dataclass

import antimeridian
import numpy as np
import shapely
import shapely.affinity
from shapely.geometry import LineString, mapping

from mapper.core.geojson import feature
from mapper.core.points import LonLat
from mapper.core.units import DEFAULT_SPEED_KN, M_S_PER_SPEED_UNIT, metres_to
from mapper.core.vocab import MODE_ALIASES, MODES
from mapper.errors import InputError, NoRouteError
from mapper.geo import geodesy
from mapper.geo.waternet import network
from mapper.load.lookup import resolve_point
from mapper.load.waterways import load_registry

MAX_SNAP_M = 25_000.0
SNAP_MIN_M = 1.0  # closer than this, an end is already on the water
NEAR_BOX_DEG = 0.5  # a river system is a candidate for an end inside its box grown by this
NEAREST_HINT_M = 300_000.0  # how far an end with no water near it looks for the water to name
MAX_STOPS = 25  # each pair of stops is one search of the whole network
# A search first looks this far (most routes are less than twice the straight line), then everywhere.
SEARCH_BOUND_FACTOR = 2.5
SEARCH_BOUND_M = 1_000_000.0


@dataclass(frozen=True)
class Leg:
    """One stretch of a route: ``kind`` is port-snap, sea, river, connection or great-circle."""

    kind: str
    water: str  # water id (a connection's id for a connection leg), or "" for great-circle
    points: tuple  # LonLat waypoints; all but river legs are drawn as geodesics between them
    length_m: float
    passes: tuple = ()  # ids of the straits and canals passed, in order

    def coords(self):
        """(lon, lat) positions of the leg as drawn, not split at ±180°."""
        if self.kind == "river":
            return [(p.lon, p.lat) for p in self.points]
        return geodesy.geodesic_coords(self.points)

    def geometry(self):
        """The leg's own line, split at ±180° if it crosses it."""
        return antimeridian.fix_line_string(LineString(self.coords()), great_circle=True)


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
    avoid: tuple = ()

    @property
    def length_m(self):
        return sum(leg.length_m for leg in self.legs)

    @property
    def passes(self):
        """Ids of the straits and canals passed, in order (one passage repeated only after another)."""
        found = []
        for leg in self.legs:
            for item in leg.passes:
                if not found or found[-1] != item:
                    found.append(item)
        return tuple(found)

    def line(self):
        """The whole route as (lon, lat) geometry, geodesics densified, split at ±180° if it crosses."""
        coords = []
        for leg in self.legs:
            part = leg.coords()
            coords.extend(part[1:] if coords and coords[-1] == tuple(part[0]) else part)
        return antimeridian.fix_line_string(LineString(coords), great_circle=True)

    def leg_summary(self, geometry=False):
        """Each leg as ``{kind, water, length_m, passes}`` (and its GeoJSON ``geometry``), for feature properties."""
        legs = []
        for leg in self.legs:
            item = {"kind": leg.kind, "water": leg.water, "length_m": leg.length_m, "passes": list(leg.passes)}
            if geometry:
                item["geometry"] = mapping(leg.geometry())
            legs.append(item)
        return legs


def normal_mode(mode):
    """``mode`` by its own name: ``great-circle`` is ``straight``."""
    mode = MODE_ALIASES.get(mode, mode)
    if mode not in MODES:
        raise InputError(f"mode {mode!r}: use one of {', '.join((*MODES, *MODE_ALIASES))}")
    return mode


def _length_m(points):
    return sum(geodesy.inverse(a, b).distance_m for a, b in zip(points, points[1:]))


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


def _inland(registry, water_id):
    """True for a river system or a sea marked ``inland`` (the Caspian): water river-sea ships reach the sea from."""
    water = registry.waters[water_id]
    return water["kind"] == "river" or bool(water.get("inland"))


@dataclass(frozen=True)
class _End:
    snap: Snap
    nodes: tuple  # (graph node, metres, via LonLats) triples
    segment: tuple = ()  # a river end: the segment (a, b) it is on


def _sea_end(net, label, point, walls, limit_m):
    """The nearest open water of a listed sea within ``limit_m`` that joins the graph, as an _End; or None."""
    components = net.components(set(net.sea_water.values()))
    # Open water off the coast first; then the narrow water along it (a channel, a harbour behind a narrows).
    for narrow in (False, True):
        for at, distance_m in net.sea.open_water_near(point, limit_m, narrow):
            nodes = net.sea.attach(at, components, walls)
            if nodes:
                component = int(net.sea.component[nodes[0][0]])
                nodes = tuple(item for item in nodes if int(net.sea.component[item[0]]) == component)
                return _End(Snap(label, net.sea_water[component], at, distance_m), nodes)
    return None


def _river_ends(net, label, point):
    for water_id, river in net.rivers.items():
        west, south, east, north = net.registry.waters[water_id]["bbox"]
        if not (west - NEAR_BOX_DEG <= point.lon <= east + NEAR_BOX_DEG
                and south - NEAR_BOX_DEG <= point.lat <= north + NEAR_BOX_DEG):
            continue
        (a, b), at = river.nearest(point)
        offset = net.offsets[water_id]
        nodes = tuple((offset + n, geodesy.inverse(at, river.nodes[n]).distance_m, ()) for n in (a, b))
        yield _End(Snap(label, water_id, at, geodesy.inverse(point, at).distance_m), nodes, (offset + a, offset + b))


def _end(net, label, point, mode, walls):
    """Where a route's end joins the water of ``mode``.

    Raises
    ------
    NoRouteError
        If no such water is within MAX_SNAP_M: in river mode, outside every
        river system's box, "outside the water network's coverage"; else
        "no navigable water within 25 km", naming the nearest water found.
    """
    registry = net.registry
    found = list(_river_ends(net, label, point))
    if mode == "sea":
        sea = _sea_end(net, label, point, walls, MAX_SNAP_M)
        found += [sea] if sea else []
    found = [end for end in found if end.snap.distance_m <= MAX_SNAP_M]
    if found:
        return min(found, key=lambda end: end.snap.distance_m)
    kinds = ("sea", "river") if mode == "sea" else ("river",)
    if mode == "river" and not covers(registry, point, kinds):
        listed = "; ".join(f"{w['name']}, {_box_text(w['bbox'])}" for w in registry.waters.values()
                           if w["kind"] == "river")
        raise NoRouteError(f"{label} is outside the water network's coverage (it covers {listed}; see "
                           f"{registry.path})")
    near = _nearest_hint(net, label, point, mode, walls)
    names = ", ".join(w["name"] for w in registry.waters.values() if w["kind"] in kinds)
    raise NoRouteError(f"{label}: no navigable water within {MAX_SNAP_M / 1000:g} km{near}; "
                       f"mapper routes on: {names}")


def _nearest_hint(net, label, point, mode, walls):
    """' (nearest: NAME, N km)' for an end too far from the water, or ''."""
    candidates = [end for end in _river_ends(net, label, point)]
    if mode == "sea":
        sea = _sea_end(net, label, point, walls, NEAREST_HINT_M)
        candidates += [sea] if sea else []
        water = net.sea.open_water_near(point, MAX_SNAP_M, narrow=True)
        if water and not sea:
            return (f" joined to the seas mapper routes on (the water {water[0][1] / 1000:,.1f} km away does not "
                    "reach them: a lake or lagoon, or a river or channel too narrow at the 1:10m scale)")
    if not candidates:
        return ""
    best = min(candidates, key=lambda end: end.snap.distance_m)
    return f" (nearest: {net.registry.waters[best.snap.water]['name']}, {best.snap.distance_m / 1000:,.0f} km)"


def _unwrapped(coords):
    """(lon, lat) coordinates with longitudes made continuous across ±180°."""
    coords = np.array(coords, dtype=float)
    if len(coords) > 1:
        steps = (np.diff(coords[:, 0]) + 180.0) % 360.0 - 180.0
        coords[1:, 0] = coords[0, 0] + np.cumsum(steps)
    return coords


def _gates_crossed(registry, coords):
    """Ids of the straits whose gates the line through ``coords`` crosses, in order along it."""
    line = LineString(_unwrapped(coords))
    hits = []
    for strait_id, strait in registry.straits.items():
        for gate in strait["gates"]:
            for turn in (-360.0, 0.0, 360.0):
                crossing = line.intersection(shapely.affinity.translate(LineString(gate), turn))
                if not crossing.is_empty:
                    points = [p for p in shapely.get_parts(crossing)]
                    hits.append((min(line.project(p) for p in points), strait_id))
    return [strait_id for _, strait_id in sorted(hits)]


def _sea_leg(net, water, points, walls):
    tight = net.sea.pull_tight(points, walls)
    leg = Leg("sea", water, tuple(tight), _length_m(tight))
    return Leg(leg.kind, leg.water, leg.points, leg.length_m, tuple(_gates_crossed(net.registry, leg.coords())))


def _legs(net, path, start, end, walls):
    """The legs of a node path from ``start`` to ``end`` (_Ends) on ``net``.

    Where an end or a connection's joint reaches its first node through a
    channel rather than in a straight line, the leg goes through the
    channel's points (the ``via`` of its attachment).
    """
    registry = net.registry
    legs = []
    via_from = {("start", n): via for n, _, via in start.nodes}
    via_from.update({("end", n): via for n, _, via in end.nodes})
    for link_id, link in net.links.items():
        for side, joint in enumerate(link.ends):
            via_from.update({(net.link_offset[link_id] + side, n): via for n, _, via in joint.nodes})
    water, points, previous = start.snap.water, [start.snap.point], "start"

    def close(kind_water, anchor, last_point):
        points.extend(via_from.get((anchor, previous), ())[::-1])
        points.append(last_point)
        if _length_m(points) <= 0:
            return
        if registry.waters[kind_water]["kind"] == "sea":
            legs.append(_sea_leg(net, kind_water, points, walls))
        else:
            legs.append(Leg("river", kind_water, tuple(points), _length_m(points)))

    inner = path[1:-1]
    k = 0
    while k < len(inner):
        node = inner[k]
        link_id = net.link_at(node)
        partner = inner[k + 1] if k + 1 < len(inner) else None
        if link_id and partner is not None and net.link_at(partner) == link_id:
            side = node - net.link_offset[link_id]
            link = net.links[link_id]
            close(water, node, link.ends[side].point)
            link_points = link.points if side == 0 else link.points[::-1]
            passes = (link_id,) if next(c for c in registry.connections if c["id"] == link_id)["kind"] == "canal" \
                else ()
            legs.append(Leg("connection", link_id, tuple(link_points), link.length_m, passes))
            water, points, previous = link.ends[1 - side].water, [link.ends[1 - side].point], partner
            k += 2
            continue
        points.extend(via_from.get((previous, node), ()))
        points.append(net.position(node))
        previous = node
        k += 1
    close(water, "end", end.snap.point)
    return legs


def route_pair(data_dir, start, end, mode, closed=()):
    """The :class:`Route` between two NamedPoints in ``mode``, with the ``closed`` connections and straits (ids)."""
    mode = normal_mode(mode)
    if mode == "straight":
        points = [start.point, end.point]
        return Route(mode, (Leg("great-circle", "", tuple(points), _length_m(points)),), ())
    net = network(data_dir)
    registry = net.registry
    closed = frozenset(closed)
    walls = net.walls(closed)
    first, last = _end(net, start.label, start.point, mode, walls), _end(net, end.label, end.point, mode, walls)
    a, b = first.snap, last.snap
    # River mode keeps to the rivers: a connection to a sea is not one it may use.  A sea route from ocean to
    # ocean keeps to the canals sea-going ships use: the inland waterways are for routes from or to inland water.
    inland = [_inland(registry, w) for w in (a.water, b.water)]
    off_mode = frozenset(c["id"] for c in registry.connections
                         if (mode == "river" and any(registry.waters[w]["kind"] == "sea" for w in c["between"]))
                         or (mode == "sea" and not any(inland) and c["vessels"] == "river-sea"))
    # Between inland water and the sea, the route is a river-sea ship's: it keeps to the seas the inland waterways
    # open onto, inside the registry's river_sea_limit straits and canals.
    limits = registry.river_sea_limits - closed if mode == "sea" and any(inland) and not all(inland) else frozenset()
    if b.water not in registry.reachable(a.water, closed | off_mode):
        shut = sorted(closed & {c["id"] for c in registry.connections})
        why = "no allowed connection joins them"
        if b.water in registry.reachable(a.water, off_mode):
            why = f"the connections that join them are closed ({', '.join(shut)})"
        raise NoRouteError(f"{start.label} is on the {registry.waters[a.water]['name']} and {end.label} on the "
                           f"{registry.waters[b.water]['name']}: {why} (see {registry.path})")
    direct_m = None
    if a.water == b.water:
        if registry.waters[a.water]["kind"] == "sea" and net.sea.clear(a.point, b.point, walls):
            direct_m = geodesy.inverse(a.point, b.point).distance_m
        elif first.segment and set(first.segment) == set(last.segment):
            direct_m = geodesy.inverse(a.point, b.point).distance_m
    bound_m = SEARCH_BOUND_FACTOR * geodesy.inverse(a.point, b.point).distance_m + SEARCH_BOUND_M
    # The limits take their edges out of a copy of the graph: only searched for when the open search passes one.
    path = net.shortest(mode, closed | off_mode, first.nodes, last.nodes, direct_m, bound_m)
    middle = _legs(net, path, first, last, walls) if path else None
    if middle and limits & {item for leg in middle for item in leg.passes}:
        path = net.shortest(mode, closed | off_mode | limits, first.nodes, last.nodes, direct_m, bound_m)
        middle = _legs(net, path, first, last, net.walls(closed | limits)) if path else None
    if middle is None:
        shut = f" with {', '.join(sorted(closed))} closed" if closed else ""
        inside = ", ".join(registry.name(i) for i in sorted(limits))
        bounds = (f": between inland water and the sea a route keeps to the seas the inland waterways open onto "
                  f"(inside {inside}); route it by way of a sea port") if limits else ""
        raise NoRouteError(f"no route over water from {start.label} to {end.label}{shut}{bounds}")
    legs = []
    if a.distance_m >= SNAP_MIN_M:
        legs.append(Leg("port-snap", a.water, (start.point, a.point), a.distance_m))
    legs += middle
    if b.distance_m >= SNAP_MIN_M:
        legs.append(Leg("port-snap", b.water, (b.point, end.point), b.distance_m))
    return Route(mode, tuple(legs), (a, b), tuple(sorted(closed)))


def route(data_dir, stops, mode, avoid=()):
    """The :class:`Route` through ``stops`` (NamedPoints, at least two) in order, closing the ``avoid`` names."""
    if len(stops) < 2:
        raise InputError("a route needs at least two places")
    if len(stops) > MAX_STOPS:
        raise InputError(f"a route goes through at most {MAX_STOPS} places, got {len(stops)}")
    mode = normal_mode(mode)
    if avoid and mode == "straight":
        raise InputError("avoid: a straight line passes no canal or strait; use it with mode sea or river")
    try:
        closed = load_registry(data_dir).closed_ids(avoid) if avoid else ()
    except InputError as exc:
        raise InputError(f"avoid: {exc}") from None
    parts = [route_pair(data_dir, a, b, mode, closed) for a, b in zip(stops, stops[1:])]
    return Route(mode, tuple(leg for part in parts for leg in part.legs),
                 tuple(s for part in parts for s in part.snaps), tuple(closed))


def sailing_time_h(length_m, speed_m_s):
    """Hours to cover ``length_m`` at ``speed_m_s``."""
    return length_m / speed_m_s / 3600


def passes_named(data_dir, ids):
    """``[{id, name, kind}]`` of the straits and canals ``ids``, for properties and text."""
    registry = load_registry(data_dir)
    kinds = {c["id"]: c["kind"] for c in registry.connections}
    return [{"id": i, "name": registry.name(i), "kind": kinds.get(i, "strait")} for i in ids]


def route_feature(geodata, queries, mode="sea", speed_m_s=None, avoid=()):
    """A route through ``queries`` (place names, ids or LAT,LON) as a GeoJSON Feature.

    Its properties give the length, the sailing time at ``speed_m_s``
    (default DEFAULT_SPEED_KN), each leg (with its own geometry and the
    straits and canals it passes), the passes in order and each end's snap
    to the water.  In ``straight`` mode the feature is a ``great-circle``
    line with its length and legs only: a straight line is not a path that
    anything sails.
    """
    mode = normal_mode(mode)
    if len(queries) > MAX_STOPS:
        raise InputError(f"a route goes through at most {MAX_STOPS} places, got {len(queries)}")
    stops = [resolve_point(geodata, query) for query in queries]
    routed = route(geodata.data_dir, stops, mode, avoid)
    props = {
        "kind": "great-circle" if mode == "straight" else "route",
        "mode": mode,
        "stops": [stop.label for stop in stops],
        "length_m": routed.length_m,
        "length_km": metres_to(routed.length_m, "km"),
        "length_nmi": metres_to(routed.length_m, "nmi"),
    }
    if mode != "straight":
        speed_m_s = speed_m_s or DEFAULT_SPEED_KN * M_S_PER_SPEED_UNIT["kn"]
        props.update(speed_m_s=speed_m_s, sailing_time_h=sailing_time_h(routed.length_m, speed_m_s),
                     avoid=list(routed.avoid), passes=passes_named(geodata.data_dir, routed.passes))
    props["legs"] = routed.leg_summary(geometry=True)
    props["snaps"] = [{"place": s.label, "water": s.water, "distance_m": s.distance_m,
                       "at": [s.point.lon, s.point.lat]} for s in routed.snaps]
    return feature(routed.line(), props)

