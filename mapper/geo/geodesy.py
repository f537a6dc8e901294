"""Ellipsoidal geodesy on WGS84: distances, destinations and lines (rings: mapper.geo.rings).

Everything here is pure computation in (lon, lat) order.  Geometry returned
as shapely objects is valid RFC 7946: split at the antimeridian, exterior
rings counter-clockwise, pole-enclosing rings closed over the pole.
"""

import math
from dataclasses import dataclass

import antimeridian
import numpy as np
from pyproj import Geod
from shapely.geometry import LineString
from shapely.geometry.polygon import orient

from mapper.core.points import LonLat
from mapper.errors import InputError

GEOD = Geod(ellps="WGS84")

# Half the meridian circumference: no geodesic circle is larger.
MAX_RADIUS_M = 20_003_931.0
# Below a metre a ring means nothing on a map, and floating point noise would give it some 10**5 vertices.
MIN_RADIUS_M = 1.0

MAX_SEGMENT_M = 25_000.0


@dataclass(frozen=True)
class Bearing:
    """Geodesic from A to B: length and azimuths in degrees clockwise from north."""

    distance_m: float
    azimuth_deg: float
    back_azimuth_deg: float


def _norm_deg(angle_deg):
    return float(angle_deg) % 360.0


def inverse(a, b):
    """Solve the inverse problem between points ``a`` and ``b``.

    Parameters
    ----------
    a, b : LonLat
        Start and end.

    Returns
    -------
    Bearing
        ``distance_m``; ``azimuth_deg``, the initial bearing at ``a`` toward
        ``b``; ``back_azimuth_deg``, the bearing at ``b`` toward ``a``; both
        in [0, 360).
    """
    az_ab, az_ba, distance_m = GEOD.inv(a.lon, a.lat, b.lon, b.lat)
    return Bearing(float(distance_m), _norm_deg(az_ab), _norm_deg(az_ba))


def destination(start, azimuth_deg, distance_m):
    """Return the point ``distance_m`` from ``start`` along ``azimuth_deg``."""
    lon, lat, _ = GEOD.fwd(start.lon, start.lat, azimuth_deg, distance_m)
    return LonLat(float(lon), float(lat))


def check_radius_m(radius_m):
    """Raise InputError unless ``MIN_RADIUS_M <= radius_m <= MAX_RADIUS_M``."""
    if not math.isfinite(radius_m) or radius_m <= 0:
        raise InputError(f"radius must be greater than zero, got {radius_m:g} m")
    if radius_m < MIN_RADIUS_M:
        raise InputError(f"radius {radius_m:g} m is less than {MIN_RADIUS_M:g} m, the smallest ring mapper draws")
    if radius_m > MAX_RADIUS_M:
        raise InputError(
            f"radius {radius_m / 1000:,.0f} km is more than half the Earth's circumference "
            f"({MAX_RADIUS_M / 1000:,.0f} km)"
        )


def orient_rfc7946(geometry):
    """Orient polygon parts counter-clockwise (RFC 7946 right-hand rule)."""
    if geometry.geom_type == "Polygon":
        return orient(geometry, 1.0)
    return type(geometry)([orient(part, 1.0) for part in geometry.geoms])


def geodesic_line(points, max_segment_m=MAX_SEGMENT_M):
    """Join ``points`` with geodesics, densified to ``max_segment_m``.

    Returns
    -------
    shapely LineString or MultiLineString
        Split at ±180° where the line crosses it.
    """
    return antimeridian.fix_line_string(LineString(geodesic_coords(points, max_segment_m)), great_circle=True)


def geodesic_coords(points, max_segment_m=MAX_SEGMENT_M):
    """(lon, lat) positions of ``points`` joined by geodesics densified to ``max_segment_m``, not split."""
    if len(points) < 2:
        raise InputError("a line needs at least two points")
    coords = [(points[0].lon, points[0].lat)]
    for a, b in zip(points, points[1:]):
        length_m = GEOD.inv(a.lon, a.lat, b.lon, b.lat)[2]
        between = max(0, math.ceil(length_m / max_segment_m) - 1)
        if between:
            coords.extend(GEOD.npts(a.lon, a.lat, b.lon, b.lat, between))
        coords.append((b.lon, b.lat))
    return coords


def line_length_m(geometry):
    """Geodesic length of a (Multi)LineString in metres."""
    return float(GEOD.geometry_length(geometry))


def offset_arc(a, b, bulge_m, point_count=33):
    """Points of a smooth arc from ``a`` to ``b``, bowed ``bulge_m`` to the left.

    Used to draw the two directions of a flow between the same places side
    by side.  Each point is the geodesic point a fraction t of the way,
    pushed ``bulge_m * sin(pi t)`` perpendicular to the geodesic.
    """
    azimuth_deg, _, length_m = GEOD.inv(a.lon, a.lat, b.lon, b.lat)
    fractions = np.linspace(0.0, 1.0, point_count)
    lons, lats, back_deg = GEOD.fwd(
        np.full(point_count, a.lon), np.full(point_count, a.lat),
        np.full(point_count, azimuth_deg), fractions * length_m,
    )
    # fwd returns the azimuth back toward a; +90 from it points left of travel.
    out_lons, out_lats, _ = GEOD.fwd(lons, lats, back_deg + 90.0, bulge_m * np.sin(np.pi * fractions))
    points = [LonLat(float(lon), float(lat)) for lon, lat in zip(out_lons, out_lats)]
    return [a, *points[1:-1], b]
