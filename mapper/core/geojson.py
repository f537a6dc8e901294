"""Small GeoJSON helpers shared by layers, the CLI's ring output and exports."""

import json

from shapely.geometry import mapping


def feature(geometry, properties):
    """A GeoJSON Feature dict from a shapely geometry or a geometry dict."""
    geometry = geometry if isinstance(geometry, dict) else mapping(geometry)
    return {"type": "Feature", "geometry": _plain(geometry), "properties": properties}


def point_feature(point, properties):
    """A Point Feature at ``point`` (a LonLat)."""
    return feature({"type": "Point", "coordinates": [point.lon, point.lat]}, properties)


def feature_collection(features):
    """A FeatureCollection dict."""
    return {"type": "FeatureCollection", "features": list(features)}


def dumps(obj, indent=None):
    """Serialise GeoJSON; fails loudly on NaN, which RFC 7946 forbids."""
    return json.dumps(obj, ensure_ascii=False, allow_nan=False, indent=indent)


def _plain(value):
    """shapely's mapping() gives tuples; GeoJSON and JSON want lists."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def rounded(geometry, digits):
    """``geometry`` with every coordinate rounded to ``digits`` decimals.

    Fixed precision keeps rendered files stable and small; 6 decimals of a
    degree is 0.11 m or less.
    """
    def walk(coords):
        if coords and isinstance(coords[0], (int, float)):
            return [round(c, digits) for c in coords]
        return [walk(c) for c in coords]

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def flat_properties(props):
    """Properties as scalars: lists and tables become JSON text (for GPKG, KML, CSV)."""
    return {k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v for k, v in props.items()}


def shifted_east(geometry, cutoff_lon):
    """``geometry`` (a GeoJSON dict) with each part lying wholly west of ``cutoff_lon`` moved 360° east.

    For a map across ±180° that shows, say, 170° to 190°: the parts that
    RFC 7946 keeps at -180° to -170° are drawn beside the rest.  A part is a
    point, a line or a polygon (with its holes).
    """
    kind = geometry["type"]
    if kind == "GeometryCollection":
        return {"type": kind, "geometries": [shifted_east(g, cutoff_lon) for g in geometry["geometries"]]}

    def part(coords, depth):
        positions = coords if depth == 1 else [p for ring in coords for p in (ring if depth == 2 else [])]
        if depth == 0:
            return [coords[0] + 360.0, *coords[1:]] if coords[0] < cutoff_lon else coords
        if positions and max(p[0] for p in positions) < cutoff_lon:
            return [[p[0] + 360.0, *p[1:]] for p in coords] if depth == 1 else \
                [[[p[0] + 360.0, *p[1:]] for p in ring] for ring in coords]
        return coords

    coords = geometry["coordinates"]
    depth = {"Point": 0, "LineString": 1, "Polygon": 2}
    if kind in depth:
        return {"type": kind, "coordinates": part(coords, depth[kind])}
    single = kind.removeprefix("Multi")
    return {"type": kind, "coordinates": [part(c, depth[single]) for c in coords]}

