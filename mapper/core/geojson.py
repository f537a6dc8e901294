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
