"""What lies within a weapon's range of a place, a country or a drawn area.

The reach of an area is its geodesic buffer: every point within the radius
of some point of the area.  It is built as the union of geodesic circles
around the area's boundary, sampled densely enough that the outline falls
short of the true buffer by at most RING_TOLERANCE of the radius, the same
bound as a ring.  Distances from a place to an area are geodesic, to the
nearest point of the area's boundary (0 inside it).

Areas are countries from the committed Natural Earth 1:50m file, or
polygons and lines from a GeoJSON file.  Everything is (lon, lat) and
regional: an area must not straddle ±180°.
"""

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from shapely.geometry import MultiPolygon, Point, Polygon, box, shape
from shapely.geometry.polygon import orient
from shapely.ops import unary_union
from shapely.errors import GeometryTypeError, ShapelyError
from shapely.validation import explain_validity

from mapper import geodesy, rings
from mapper.errors import DataError, UnknownPlaceError
from mapper.geodata import default_data_dir, place_lonlat, read_json
from mapper.lookup import resolve_point
from mapper.points import LonLat

COUNTRIES_FILE = Path("basemap") / "countries-50m.geojson"
COUNTRIES_SOURCE = ("Natural Earth 4.1.0 1:50m admin-0 countries, clipped to 12°W–100°E, 10–72°N (de facto "
                    "boundaries: Crimea is drawn inside Russia; other occupied areas of Ukraine inside Ukraine)")
# Outline samples for distances: every 1 km, then every 50 m near the nearest one.
OUTLINE_SPACING_M = 1000.0
REFINE_SPACING_M = 50.0
MEAN_RADIUS_M = 6_371_008.8
ROUGH_SLACK = 1.02  # sphere vs ellipsoid differ by < 0.6 %; keep a margin
# Degrees of slack around a window, beyond the radius itself.
WINDOW_MARGIN_DEG = 0.5


@dataclass(frozen=True)
class Origin:
    """Where a system's range is measured from: a point, or an area (lines and polygons)."""

    label: str
    point: LonLat | None = None
    area: object = None  # shapely (Multi)Polygon or (Multi)LineString, lon/lat
    place_id: str | None = None
    source: str = ""

    @property
    def is_area(self):
        return self.area is not None


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
    geometry: object  # shapely (Multi)Polygon in lon/lat; empty if nothing is in reach
    area_km2: float | None  # None for an area origin without ``within``


@lru_cache(maxsize=4)
def _countries(path):
    """Each country of a countries file: (name, ISO 3166-1 alpha-2 code or None, shape)."""
    return tuple((f["properties"]["name"], f["properties"].get("iso_a2"), shape(f["geometry"]))
                 for f in read_json(path).get("features", []))


def countries_path(data_dir=None):
    """The data folder's own countries file if it has one, else the bundled one."""
    own = Path(data_dir) / COUNTRIES_FILE if data_dir is not None else None
    return own if own is not None and own.is_file() else default_data_dir() / COUNTRIES_FILE


def find_country(name, data_dir=None):
    """The Natural Earth country called ``name`` (any case) as an :class:`Origin`.

    Raises
    ------
    UnknownPlaceError
        If no country has that name.
    """
    wanted = name.strip().casefold()
    found = next((c for c in _countries(str(countries_path(data_dir))) if c[0].casefold() == wanted), None)
    if found is None:
        raise UnknownPlaceError(f"unknown country {name!r} (Natural Earth names, e.g. Russia, Ukraine, Iran)")
    return Origin(label=found[0], area=found[2], source=COUNTRIES_SOURCE)


def country_by_code(code, data_dir=None):
    """(name, shape) of the country whose ISO 3166-1 alpha-2 code is ``code``, or None."""
    return next(((name, area) for name, iso_a2, area in _countries(str(countries_path(data_dir)))
                 if iso_a2 == code), None)


def read_area(path):
    """The union of the polygons and lines in a GeoJSON file, as an :class:`Origin`.

    Raises
    ------
    DataError
        If the file holds no polygon or line, or a geometry is invalid.
    """
    doc = read_json(path, "area file")
    features = doc.get("features", [doc]) if isinstance(doc, dict) else []
    if not isinstance(features, list):
        raise DataError(f"{path}: 'features' must be a list of GeoJSON features")
    parts = []
    for n, feature in enumerate(features):
        is_feature = isinstance(feature, dict) and feature.get("type") == "Feature"
        geometry = feature.get("geometry") if is_feature else feature
        try:
            part = shape(geometry)
        # OverflowError: a coordinate too big for a float; RecursionError: lists nested hundreds deep.
        except (AttributeError, KeyError, TypeError, ValueError, IndexError, OverflowError, RecursionError):
            raise DataError(f"{path}: feature {n + 1}: not a GeoJSON geometry") from None
        except GeometryTypeError:  # repr: the type is user text, and may hold a newline
            raise DataError(f"{path}: feature {n + 1}: unknown geometry type {geometry.get('type')!r}") from None
        except ShapelyError as exc:  # e.g. a line of one point, a ring of three
            reason = str(exc).split(": ", 1)[-1]
            if "0 or >1 elements" in reason:
                reason = "a line needs at least two positions"
            raise DataError(f"{path}: feature {n + 1}: invalid {geometry.get('type')}: {reason}") from None
        kinds = {g.geom_type for g in getattr(part, "geoms", [part])}
        if kinds & {"Point", "MultiPoint", "GeometryCollection"}:
            raise DataError(f"{path}: feature {n + 1}: a {part.geom_type} is not an area; give a polygon or a line "
                            "(or use a place or LAT,LON)")
        if part.is_empty:
            raise DataError(f"{path}: feature {n + 1}: the {part.geom_type} has no coordinates")
        if not part.is_valid:
            raise DataError(f"{path}: feature {n + 1}: invalid {part.geom_type}: {_why_invalid(part)}")
        west, south, east, north = part.bounds
        if west < -180 or east > 180 or south < -90 or north > 90:
            raise DataError(f"{path}: feature {n + 1}: coordinates outside -180..180 / -90..90 (is it [lon, lat]?)")
        if east - west > 180:
            raise DataError(f"{path}: feature {n + 1}: spans {east - west:.0f}° of longitude; areas across ±180° "
                            "are not supported")
        parts.append(part)
    if not parts:
        raise DataError(f"{path}: no polygon or line to measure from")
    return Origin(label=Path(path).stem, area=unary_union(parts), source=f"GeoJSON file {Path(path).name}")


def _why_invalid(geometry):
    """GEOS's reason, worded for people: 'it crosses itself at lon 31, lat 51'."""
    reason = explain_validity(geometry)
    match = re.fullmatch(r"(.+?)\[(\S+) (\S+)\]", reason)
    if not match:
        return reason
    what, lon, lat = match.groups()
    what = "it crosses itself" if "self-intersection" in what.lower() else what.lower()
    return f"{what} at lon {float(lon):g}, lat {float(lat):g}"


def find_area(text, data_dir=None, base_dir=None, polygons_only=False):
    """A Natural Earth country, or the polygons and lines of a .geojson file (relative to ``base_dir``).

    Raises
    ------
    UnknownPlaceError
        For an unknown country.
    DataError
        For a bad file, or a file of lines where ``polygons_only``.
    """
    if not text.lower().endswith((".geojson", ".json")):
        return find_country(text, data_dir)
    try:
        path = Path(base_dir or ".") / Path(text).expanduser()
    except RuntimeError as exc:  # "~nobody/x.geojson": no such user
        raise DataError(f"{text}: {exc}") from None
    origin = read_area(path)
    if polygons_only and origin.area.geom_type not in ("Polygon", "MultiPolygon"):
        raise DataError(f"{path}: needs polygons here (nothing lies inside a line)")
    return origin


def resolve_origin(geodata, text, base_dir=None):
    """Read ``--from``: LAT,LON, a place, a Natural Earth country, or a GeoJSON file.

    Relative file paths are taken from ``base_dir`` (default: the current folder).
    """
    if text.lower().endswith((".geojson", ".json")):
        return find_area(text, geodata.data_dir, base_dir)
    try:
        named = resolve_point(geodata, text)
        return Origin(label=named.label, point=named.point, place_id=named.place_id)
    except UnknownPlaceError as place_error:
        try:
            return find_country(text, geodata.data_dir)
        except UnknownPlaceError:
            raise UnknownPlaceError(str(place_error).replace(
                f"unknown place {text!r}", f"{text!r} is not a place, LAT,LON, Natural Earth country or .geojson file",
                1)) from None


def _boundary_coords(area):
    """(lon, lat) arrays of the area's outline: polygon rings, or the lines themselves."""
    outline = area.boundary if area.geom_type in ("Polygon", "MultiPolygon") else area
    parts = getattr(outline, "geoms", [outline])
    return [np.asarray(part.coords)[:, :2] for part in parts if not part.is_empty]


def _densify(coords, spacing_m):
    """Points along a lon/lat polyline, at most about ``spacing_m`` apart (edges straight in lon/lat, as drawn)."""
    if len(coords) < 2:
        return coords
    _, _, lengths_m = geodesy.GEOD.inv(coords[:-1, 0], coords[:-1, 1], coords[1:, 0], coords[1:, 1])
    pieces = [coords[:1]]
    for (a, b), length_m in zip(zip(coords[:-1], coords[1:]), np.atleast_1d(lengths_m)):
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

    def __init__(self, area):
        self.area = area
        self.rings = [_densify(coords, OUTLINE_SPACING_M) for coords in _boundary_coords(area) if len(coords)]
        self.segment_m = [geodesy.GEOD.inv(c[:-1, 0], c[:-1, 1], c[1:, 0], c[1:, 1])[2] if len(c) > 1
                          else np.empty(0) for c in self.rings]
        self.is_polygon = area.geom_type in ("Polygon", "MultiPolygon")

    def distance_m(self, point):
        """Geodesic distance from ``point`` to the area (0 inside a polygon)."""
        if self.is_polygon and self.area.covers(Point(point.lon, point.lat)):
            return 0.0
        # A spherical estimate (within 0.6 % of the ellipsoid) picks the
        # samples worth measuring exactly.
        rough_m = [_spherical_m(point, coords) for coords in self.rings]
        nearest_rough_m = min(float(np.min(d_m)) for d_m in rough_m)
        best_m = min(float(np.min(_distances_m(point, coords[d_m <= nearest_rough_m * ROUGH_SLACK])))
                     for coords, d_m in zip(self.rings, rough_m) if np.any(d_m <= nearest_rough_m * ROUGH_SLACK))
        for coords, d_m, segment_m in zip(self.rings, rough_m, self.segment_m):
            if len(coords) < 2:
                continue
            # A segment can hold a nearer point only if one of its ends is within best + its length.
            near = np.nonzero(np.minimum(d_m[:-1], d_m[1:]) <= (best_m + segment_m) * ROUGH_SLACK)[0]
            if len(near):
                best_m = min(best_m, float(np.min(_distances_m(point, _segment_samples(coords, near, segment_m)))))
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


def _circles(lons, lats, radius_m, tolerance):
    """Geodesic circles around many centres at once (vectorized), as plain polygons in degrees."""
    return [Polygon(outline) for outline in rings.ring_outlines(lons, lats, radius_m, tolerance)]


def expand_window(bounds, radius_m):
    """(west, south, east, north) grown by ``radius_m`` and a margin, in degrees."""
    west, south, east, north = bounds
    dlat = radius_m / 110_574.0 + WINDOW_MARGIN_DEG
    widest = math.cos(math.radians(min(85.0, max(abs(south), abs(north)) + dlat)))
    dlon = radius_m / (111_320.0 * widest) + WINDOW_MARGIN_DEG
    return (max(-180.0, west - dlon), max(-90.0, south - dlat), min(180.0, east + dlon), min(90.0, north + dlat))


def area_buffer(area, radius_m, window):
    """The geodesic buffer of ``area`` within ``window`` (west, south, east, north), area included.

    Only outline points within reach of the window are used, so a country
    the size of Russia costs no more than the part near the window.
    """
    geodesy.check_radius_m(radius_m)
    reach = box(*expand_window(window, radius_m))
    # Half the tolerance for the dips between circles, half for each circle's chords.
    tolerance = rings.RING_TOLERANCE / 2
    spacing_m = circle_spacing_m(radius_m, tolerance)
    centres = [_densify(coords, spacing_m) for coords in _boundary_coords(area.intersection(reach))]
    centres = np.vstack(centres) if centres else np.empty((0, 2))
    parts = _circles(centres[:, 0], centres[:, 1], radius_m, tolerance) if len(centres) else []
    if area.geom_type in ("Polygon", "MultiPolygon"):
        parts.append(area.intersection(reach))
    return unary_union(parts).intersection(box(*window))


def place_reach(geodata_places, origin, radius_m):
    """Every place with its geodesic distance from ``origin``, nearest first."""
    outline = Outline(origin.area) if origin.is_area else None
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
    of an area origin is the band beyond the area, around ``places``.
    """
    geodesy.check_radius_m(radius_m)
    reaches = place_reach(places, origin, radius_m)
    if within is not None:
        reaches = [r for r in reaches if within.area.covers(Point(r.point.lon, r.point.lat))]
    if origin.is_area:
        if within is not None:
            window = within.area.bounds
        else:
            lons, lats = [r.point.lon for r in reaches], [r.point.lat for r in reaches]
            window = expand_window((min(lons), min(lats), max(lons), max(lats)) if reaches else origin.area.bounds,
                                   radius_m)
        reach = area_buffer(origin.area, radius_m, window)
        if within is None and origin.area.geom_type in ("Polygon", "MultiPolygon"):
            reach = reach.difference(origin.area)
    else:
        reach = rings.ring(origin.point, radius_m)
    if within is not None:
        reach = reach.intersection(within.area)
    geometry = polygon_parts(reach)
    # Without ``within`` an area's band is cut to a window, so its size means nothing.
    area_km2 = geodesic_area_km2(geometry) if within is not None or not origin.is_area else None
    return Coverage(origin, radius_m, within, reaches, geometry, area_km2)
