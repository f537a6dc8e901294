"""What lies within a weapon's range of a place, a country or a drawn area.

The reach of an area is its geodesic buffer: every point within the radius
of some point of the area.  It is built as the union of geodesic circles
around the area's boundary, sampled densely enough that the outline falls
short of the true buffer by at most RING_TOLERANCE of the radius, the same
bound as a ring.  Distances from a place to an area are geodesic, to the
nearest point of the area's boundary (0 inside it).

Origins and areas come from :mod:`mapper.load.areas` (Natural Earth
countries, GeoJSON files, places).  Everything is (lon, lat); a country
across ±180° (Russia, Fiji) comes cut there into parts, and its reach is
cut the same way.
"""

import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, box
from shapely.geometry.polygon import orient
from shapely.ops import unary_union

from mapper.core.points import LonLat
from mapper.errors import InputError
from mapper.geo import geodesy, rings
from mapper.load.areas import Origin
from mapper.load.geodata import place_lonlat

# Outline samples for distances: every 1 km, then every 50 m near the nearest one.
OUTLINE_SPACING_M = 1000.0
REFINE_SPACING_M = 50.0
MEAN_RADIUS_M = 6_371_008.8
ROUGH_SLACK = 1.02  # sphere vs ellipsoid differ by < 0.6 %; keep a margin
# Degrees of slack around a window, beyond the radius itself.
WINDOW_MARGIN_DEG = 0.5
# A reach is a union of geodesic circles along the outline: 25,000 take about
# 5 s and 700 MB.  Circles that the area and a coarse inner reach already hold
# are found first, at a sixteenth of the cost each (100,000: about 3 s), and
# skipped: a 50 km reach of Russia tests 35,000 and draws 18,000 (4 s, 570 MB);
# a 1 km reach would test 1.6 million.
MAX_BUFFER_CENTRES = 100_000
MAX_BUFFER_CIRCLES = 25_000
# Skipping circles that an inner reach holds (area_buffer) pays from this many circles on.
INNER_REACH_MIN_CIRCLES = 200
INNER_RADIUS_FRACTION = 0.98
INNER_SPACING_FRACTION = 0.25
# Outline samples, one per km (the whole Earth's coastline at 1:50m is about 400,000 km).
MAX_OUTLINE_SAMPLES = 2_000_000
# Places times outline samples (one per km) in place_reach: 20-45 ns each,
# so at most about 2-5 s a range (all of Russia's outline, 75,000 km, against 1,300 places).
MAX_OUTLINE_MEASURES = 100_000_000


@dataclass(frozen=True)
class PlaceReach:
    """One place, its geodesic distance from the origin and whether it is in range."""

    place_id: str
    name: str
    kind: str
    distance_m: float  # 0 inside the origin area
    in_range: bool
    inside_origin: bool
    point: LonLat


@dataclass(frozen=True)
class Coverage:
    """A system's reach from an origin: the places with their distances, and the area in range."""

    origin: Origin
    radius_m: float
    within: Origin | None
    reaches: list  # PlaceReach, nearest first
    geometry: object  # shapely (Multi)Polygon in lon/lat; empty if nothing is in reach; an area's band without within
    area_km2: float  # all that lies in range (inside ``within``), the origin area included


def _boundary_coords(area):
    """(lon, lat) arrays of the area's outline: polygon rings, or the lines themselves."""
    outline = area.boundary if area.geom_type in ("Polygon", "MultiPolygon") else area
    parts = getattr(outline, "geoms", [outline])
    return [np.asarray(part.coords)[:, :2] for part in parts if not part.is_empty]


def _edge_lengths_m(coords):
    """Geodesic length of each edge of a lon/lat polyline (empty for fewer than two points)."""
    if len(coords) < 2:
        return np.empty(0)
    return np.atleast_1d(geodesy.GEOD.inv(coords[:-1, 0], coords[:-1, 1], coords[1:, 0], coords[1:, 1])[2])


def _densified_count(coords, lengths_m, spacing_m):
    """How many points :func:`_densify` makes of ``coords``, without making them."""
    if len(coords) < 2:
        return len(coords)
    return 1 + int(np.sum(np.maximum(1, np.ceil(lengths_m / spacing_m))))


def _densify(coords, lengths_m, spacing_m):
    """Points along a lon/lat polyline, at most about ``spacing_m`` apart (edges straight in lon/lat, as drawn)."""
    if len(coords) < 2:
        return coords
    pieces = [coords[:1]]
    for (a, b), length_m in zip(zip(coords[:-1], coords[1:]), lengths_m):
        steps = max(1, math.ceil(length_m / spacing_m))
        t = np.arange(1, steps + 1)[:, None] / steps
        pieces.append(a + (b - a) * t)
    return np.vstack(pieces)


class Outline:
    """An area's outline, prepared for many distance queries.

    The outline is sampled every OUTLINE_SPACING_M; for each query the
    samples are measured, then the stretches near the nearest one are
    sampled every REFINE_SPACING_M, so a distance is short of the exact
    distance to the drawn outline by at most a few metres.
    """

    def __init__(self, area, label="the area"):
        self.area = area
        shapely.prepare(area)  # many point-in-area tests
        boundary = [coords for coords in _boundary_coords(area) if len(coords)]
        lengths_m = [_edge_lengths_m(coords) for coords in boundary]
        sample_count = sum(_densified_count(c, m, OUTLINE_SPACING_M) for c, m in zip(boundary, lengths_m))
        if sample_count > MAX_OUTLINE_SAMPLES:
            raise InputError(f"{label}: its outline is {sample_count:,} km long; an area's outline may be at most "
                             f"{MAX_OUTLINE_SAMPLES:,} km")
        runs = [_densify(c, m, OUTLINE_SPACING_M) for c, m in zip(boundary, lengths_m)]
        # All rings in one array, so a query is a few vectorized steps however many islands there are.
        self.coords = np.vstack(runs) if runs else np.empty((0, 2))
        self.segment_m = np.atleast_1d(geodesy.GEOD.inv(self.coords[:-1, 0], self.coords[:-1, 1],
                                                        self.coords[1:, 0], self.coords[1:, 1])[2]) \
            if len(self.coords) > 1 else np.empty(0)
        starts = np.cumsum([0] + [len(r) for r in runs])[:-1]
        self.joined = np.ones(max(len(self.coords) - 1, 0), dtype=bool)  # False where one ring ends, the next starts
        self.joined[starts[1:] - 1] = False
        self.is_polygon = area.geom_type in ("Polygon", "MultiPolygon")
        self.sample_count = len(self.coords)

    def distance_m(self, point):
        """Geodesic distance from ``point`` to the area (0 inside a polygon)."""
        if self.is_polygon and self.area.covers(Point(point.lon, point.lat)):
            return 0.0
        # A spherical estimate (within 0.6 % of the ellipsoid) picks the
        # samples worth measuring exactly.
        rough_m = _spherical_m(point, self.coords)
        candidates = rough_m <= float(np.min(rough_m)) * ROUGH_SLACK
        exact_m = _distances_m(point, self.coords[candidates])
        best_m = float(np.min(exact_m))
        # A segment can hold a nearer point only if one of its ends is within best + its length: its exact
        # distance where measured, else a bound below it (the estimate less its slack).
        lower_m = rough_m / ROUGH_SLACK
        lower_m[candidates] = exact_m
        near = np.nonzero(self.joined & (np.minimum(lower_m[:-1], lower_m[1:]) <= best_m + self.segment_m))[0]
        if len(near):
            best_m = min(best_m, float(np.min(_distances_m(point, _segment_samples(self.coords, near,
                                                                                   self.segment_m)))))
        return best_m


def _segment_samples(coords, segments, segment_m):
    """Points every REFINE_SPACING_M or less along the given segments (index i joins rows i and i+1)."""
    steps = np.maximum(1, np.ceil(segment_m[segments] / REFINE_SPACING_M).astype(int))
    which = np.repeat(segments, steps + 1)
    # t runs 0..1 within each segment: position in the run over its step count.
    first = np.repeat(np.cumsum(steps + 1) - (steps + 1), steps + 1)
    t = ((np.arange(len(which)) - first) / np.repeat(steps, steps + 1))[:, None]
    return coords[which] + (coords[which + 1] - coords[which]) * t


def _spherical_m(point, coords):
    """Great-circle distances on the mean sphere (haversine): fast, within 0.6 % of the ellipsoid."""
    lon0, lat0 = np.radians(point.lon), np.radians(point.lat)
    lons, lats = np.radians(coords[:, 0]), np.radians(coords[:, 1])
    h = np.sin((lats - lat0) / 2) ** 2 + np.cos(lat0) * np.cos(lats) * np.sin((lons - lon0) / 2) ** 2
    return 2.0 * MEAN_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def _distances_m(point, coords):
    """Geodesic distances from ``point`` to each (lon, lat) row of ``coords``."""
    count = len(coords)
    _, _, d_m = geodesy.GEOD.inv(np.full(count, point.lon), np.full(count, point.lat), coords[:, 0], coords[:, 1])
    return np.atleast_1d(d_m)


def circle_spacing_m(radius_m, tolerance=rings.RING_TOLERANCE):
    """Spacing of circle centres along an outline so the union's scallops stay within ``tolerance``.

    Between two circles ``s`` apart the union dips r - sqrt(r² - (s/2)²)
    below the true buffer; setting that to ``tolerance * r`` gives ``s``.
    """
    return 2.0 * radius_m * math.sqrt(1.0 - (1.0 - tolerance) ** 2)


def expand_window(bounds, radius_m):
    """(west, south, east, north) grown by ``radius_m`` and a margin, in degrees."""
    west, south, east, north = bounds
    dlat = radius_m / 110_574.0 + WINDOW_MARGIN_DEG
    widest = math.cos(math.radians(min(85.0, max(abs(south), abs(north)) + dlat)))
    dlon = radius_m / (111_320.0 * widest) + WINDOW_MARGIN_DEG
    return (max(-180.0, west - dlon), max(-90.0, south - dlat), min(180.0, east + dlon), min(90.0, north + dlat))


def area_buffer(area, radius_m, window, label="the area"):
    """The geodesic buffer of ``area`` within ``window`` (west, south, east, north), area included.

    Only outline points within reach of the window are used, so a country
    the size of Russia costs no more than the part near the window.  Circles
    across ±180° are cut there, and circles around a pole closed over it;
    the edges where an area is cut at ±180° (Russia, Fiji) or closed over a
    pole (Antarctica) are not part of its outline.  Circles that the area
    and a coarse inner reach already hold are skipped (:func:`_needed`).

    Raises
    ------
    InputError
        If the buffer would take more than MAX_BUFFER_CENTRES circles, or
        more than MAX_BUFFER_CIRCLES that the inner reach does not hold: a
        small radius along a long outline (``label`` names the area).
    """
    geodesy.check_radius_m(radius_m)
    reach = box(*expand_window(window, radius_m))
    # Half the tolerance for the dips between circles, half for each circle's chords.
    tolerance = rings.RING_TOLERANCE / 2
    spacing_m = circle_spacing_m(radius_m, tolerance)
    inside = area.intersection(reach)
    outline = _boundary_coords(inside)
    lengths_m = [_edge_lengths_m(coords) for coords in outline]
    circle_count = sum(_densified_count(c, m, spacing_m) for c, m in zip(outline, lengths_m))
    if circle_count > MAX_BUFFER_CENTRES:
        raise InputError(f"{label}: a reach of {radius_m / 1000:,g} km around it takes {circle_count:,} geodesic "
                         f"circles along its outline; at most {MAX_BUFFER_CENTRES:,} (give a larger radius, a "
                         "simpler area, or an area to look within)")
    runs = [_densify(c, m, spacing_m) for c, m in zip(outline, lengths_m)]
    # Not the outline: points on a cut at ±180° or over a pole.
    runs = [run[(np.abs(run[:, 0]) != 180.0) & (np.abs(run[:, 1]) != 90.0)] for run in runs]
    parts = [inside] if area.geom_type in ("Polygon", "MultiPolygon") else []
    centres = np.vstack(runs) if runs else np.empty((0, 2))
    if len(centres) >= INNER_REACH_MIN_CIRCLES:
        core = _inner_reach(runs, parts, radius_m, spacing_m)
        centres = centres[_needed(centres, core, radius_m)]
        parts.append(core)
    if len(centres) > MAX_BUFFER_CIRCLES:
        raise InputError(f"{label}: a reach of {radius_m / 1000:,g} km around it takes {len(centres):,} geodesic "
                         f"circles beyond what it holds already; at most {MAX_BUFFER_CIRCLES:,} (give a larger "
                         "radius, a simpler area, or an area to look within)")
    if len(centres):
        parts.extend(rings.rings(centres[:, 0], centres[:, 1], radius_m, tolerance))
    return unary_union(parts).intersection(box(*window))


def _plain_circles(lons, lats, radius_m, count):
    """Polygons of ``count`` geodesic destinations at ``radius_m`` around each centre; None for any that crosses ±180°
    or comes near a pole (these are left to the exact circles)."""
    azimuths = np.linspace(360.0, 0.0, count, endpoint=False)
    n = len(lons)
    ring_lons, ring_lats, _ = geodesy.GEOD.fwd(np.repeat(lons, count), np.repeat(lats, count),
                                               np.tile(azimuths, n), np.full(n * count, radius_m))
    ring_lons, ring_lats = ring_lons.reshape(n, count), ring_lats.reshape(n, count)
    plain = (np.abs(np.diff(ring_lons, axis=1, append=ring_lons[:, :1])).max(axis=1) < 180.0) \
        & (np.abs(ring_lats).max(axis=1) < 89.0)
    coords = np.stack([ring_lons, ring_lats], axis=2)
    closed = np.concatenate([coords, coords[:, :1]], axis=1)
    polygons = np.full(n, None, dtype=object)
    if plain.any():
        polygons[plain] = shapely.polygons(closed[plain])
    return polygons


def _inner_reach(runs, parts, radius_m, spacing_m):
    """A coarse reach that lies wholly inside the true one: the area and 32-gons inscribed in circles of
    INNER_RADIUS_FRACTION of the radius, every INNER_SPACING_FRACTION of the radius along the outline."""
    step = max(1, math.floor(INNER_SPACING_FRACTION * radius_m / spacing_m))
    coarse = np.vstack([run[::step] for run in runs if len(run)])
    circles = _plain_circles(coarse[:, 0], coarse[:, 1], INNER_RADIUS_FRACTION * radius_m, 32)
    core = unary_union([*parts, *(c for c in circles if c is not None)])
    shapely.prepare(core)
    return core


def _needed(centres, core, radius_m):
    """Which circles around ``centres`` the ``core`` does not hold (tested on 16-gons drawn around each circle)."""
    # A 16-gon around a circle reaches r / cos(pi / 16); 2 % more for straight edges in degrees.
    around = _plain_circles(centres[:, 0], centres[:, 1], radius_m / math.cos(math.pi / 16) * 1.02, 16)
    held = np.zeros(len(centres), dtype=bool)
    known = np.array([c is not None for c in around], dtype=bool)
    if known.any():
        held[known] = shapely.contains(core, around[known].tolist())
    return ~held


def place_reach(geodata_places, origin, radius_m):
    """Every place with its geodesic distance from ``origin``, nearest first."""
    outline = Outline(origin.area, origin.label) if origin.is_area else None
    if outline is not None:
        measures = outline.sample_count * len(geodata_places)
        if measures > MAX_OUTLINE_MEASURES:
            raise InputError(f"{origin.label}: measuring {len(geodata_places):,} places against "
                             f"{outline.sample_count:,} points of its outline takes {measures:,} distances; at most "
                             f"{MAX_OUTLINE_MEASURES:,} (draw fewer places or use a simpler area)")
    reaches = []
    for place in geodata_places:
        props = place["properties"]
        if props["id"] == origin.place_id:
            continue
        point = place_lonlat(place)
        if origin.is_area:
            distance_m = outline.distance_m(point)
        else:
            distance_m = geodesy.inverse(origin.point, point).distance_m
        inside = origin.is_area and distance_m == 0.0
        reaches.append(PlaceReach(props["id"], props["name"], props["kind"], distance_m, distance_m <= radius_m, inside,
                             point))
    return sorted(reaches, key=lambda r: r.distance_m)


def geodesic_area_km2(geometry):
    """Area on the WGS84 ellipsoid of a lon/lat (Multi)Polygon, in km²."""
    if geometry.is_empty:
        return 0.0
    return abs(geodesy.GEOD.geometry_area_perimeter(geometry)[0]) / 1e6


def polygon_parts(geometry):
    """The polygonal parts of a shapely result (clipping can leave lines and points), counter-clockwise (RFC 7946)."""
    if geometry.geom_type == "Polygon":
        return orient(geometry, 1.0)
    polygons = [g for g in getattr(geometry, "geoms", []) if g.geom_type == "Polygon"]
    polygons += [p for g in getattr(geometry, "geoms", []) if g.geom_type == "MultiPolygon" for p in g.geoms]
    return MultiPolygon([orient(p, 1.0) for p in polygons]) if polygons else Polygon()


def coverage(places, origin, radius_m, within=None):
    """What lies within ``radius_m`` of ``origin``: places with distances, and the area in reach.

    With ``within`` (an area), only places inside it are listed and the
    geometry is the part of the reach inside it.  Without it, the geometry
    of an area origin is the band beyond the area, all around it.  The area
    in range is all that lies within ``radius_m`` (inside ``within``), the
    origin area included.
    """
    geodesy.check_radius_m(radius_m)
    reaches = place_reach(places, origin, radius_m)
    if within is not None:
        reaches = [r for r in reaches if within.area.covers(Point(r.point.lon, r.point.lat))]
    if origin.is_area:
        # All of the reach (or all of it inside ``within``), wherever it goes.
        window = within.area.bounds if within is not None else expand_window(origin.area.bounds, radius_m)
        reach = area_buffer(origin.area, radius_m, window, origin.label)
    else:
        reach = rings.ring(origin.point, radius_m)
    if within is not None:
        reach = reach.intersection(within.area)
    area_km2 = geodesic_area_km2(polygon_parts(reach))
    if within is None and origin.is_area and origin.area.geom_type in ("Polygon", "MultiPolygon"):
        reach = reach.difference(origin.area)  # drawn: the band around the area
    return Coverage(origin, radius_m, within, reaches, polygon_parts(reach), area_km2)
