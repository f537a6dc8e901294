"""A strict RFC 7946 checker for the GeoJSON mapper writes.

Checks what readers rely on: WGS84 ranges, closed rings of four or more
positions, the right-hand rule (exteriors counter-clockwise, holes
clockwise), no segment crossing the antimeridian, and valid geometry.
"""

import math

from shapely.geometry import shape
from shapely.validation import explain_validity

GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")


def _signed_area(ring):
    return sum(x1 * y2 - x2 * y1 for (x1, y1, *_), (x2, y2, *_) in zip(ring, ring[1:])) / 2.0


def _positions(where, coords, problems):
    for pos in coords:
        if not isinstance(pos, (list, tuple)) or len(pos) < 2 or not all(
            isinstance(v, (int, float)) and math.isfinite(v) for v in pos
        ):
            problems.append(f"{where}: position {pos!r} is not two or three finite numbers")
            continue
        lon, lat = pos[0], pos[1]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            problems.append(f"{where}: position [{lon}, {lat}] is outside WGS84 range")
    for a, b in zip(coords, coords[1:]):
        along_pole = abs(a[1]) == 90 and a[1] == b[1]  # closing a ring over a pole
        if abs(a[0] - b[0]) > 180 and not along_pole:
            problems.append(f"{where}: segment {a} → {b} crosses the antimeridian; split it")


def _ring(where, ring, exterior, problems):
    if len(ring) < 4 or list(ring[0]) != list(ring[-1]):
        problems.append(f"{where}: a linear ring needs four or more positions, first equal to last")
        return
    _positions(where, ring, problems)
    area = _signed_area(ring)
    if exterior and area < 0:
        problems.append(f"{where}: exterior ring is clockwise; RFC 7946 wants counter-clockwise")
    if not exterior and area > 0:
        problems.append(f"{where}: hole is counter-clockwise; RFC 7946 wants clockwise")


def _polygon(where, rings, problems):
    for n, ring in enumerate(rings):
        _ring(f"{where} ring {n}", ring, n == 0, problems)


def geometry_problems(geometry, where="geometry"):
    """Problems with one GeoJSON geometry dict (empty list if none)."""
    problems = []
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind not in GEOMETRY_TYPES:
        return [f"{where}: unknown geometry type {kind!r}"]
    coords = geometry.get("coordinates")
    if kind == "Point":
        _positions(where, [coords], problems)
    elif kind in ("MultiPoint", "LineString"):
        _positions(where, coords, problems)
        if kind == "LineString" and len(coords) < 2:
            problems.append(f"{where}: a LineString needs two or more positions")
    elif kind == "MultiLineString":
        for n, line in enumerate(coords):
            _positions(f"{where} part {n}", line, problems)
    elif kind == "Polygon":
        _polygon(where, coords, problems)
    else:
        for n, polygon in enumerate(coords):
            _polygon(f"{where} part {n}", polygon, problems)
    if not problems and kind in ("Polygon", "MultiPolygon"):
        geom = shape(geometry)
        if not geom.is_valid:
            problems.append(f"{where}: invalid geometry: {explain_validity(geom)}")
    return problems


def problems(obj):
    """Problems with a GeoJSON Feature, FeatureCollection or geometry."""
    kind = obj.get("type") if isinstance(obj, dict) else None
    if kind == "FeatureCollection":
        found = []
        for n, feature in enumerate(obj.get("features", [])):
            found.extend(f"feature {n}: {p}" for p in problems(feature))
        return found
    if kind == "Feature":
        if "properties" not in obj:
            return ["Feature has no properties member"]
        return [] if obj.get("geometry") is None else geometry_problems(obj["geometry"])
    return geometry_problems(obj)
