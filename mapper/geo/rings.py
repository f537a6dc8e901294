"""Geodesic circles (range rings), many at once, dense enough to be right.

Every vertex is a geodesic destination from the centre (GeographicLib via
pyproj), so it lies at the radius.  Between vertices a map draws a straight
line: in longitude and latitude for a GeoJSON file (RFC 7946), in Web
Mercator on screen.  Either line falls short of, or bulges past, the true
circle; each ring gets as many vertices as it needs for both to stay within
:data:`RING_TOLERANCE` of the radius all along the outline.

The check is per edge, vectorized over every ring: the deviation of the
edge's midpoint from the circle point at the middle azimuth.  That circle
point is interpolated from four neighbouring vertices (its error is some
1e-7 of the radius for the smallest count) or, for rings that come near a
pole, cross ±180° or are larger than :data:`INTERPOLATION_MAX_RADIUS_M`,
solved exactly.  Rings that fail get twice the vertices, until all pass.
"""

import math

import antimeridian
import numpy as np
import shapely
import shapely.affinity
from shapely.geometry import MultiPolygon, Polygon

from mapper.geo.geodesy import GEOD, check_radius_m, orient_rfc7946

# The outline may stray from the true circle by at most this fraction of
# the radius (0.05 %).
RING_TOLERANCE = 5e-4
MIN_RING_VERTICES = 64
MAX_RING_VERTICES = 2**16
# Interpolated midpoints only where the circle is smooth in degrees.
INTERPOLATION_MAX_RADIUS_M = 2_500_000.0
INTERPOLATION_MAX_LAT_DEG = 80.0

_WGS84_A = 6_378_137.0
_WGS84_E2 = 6.69437999014e-3


def ring_vertex_count(tolerance=RING_TOLERANCE):
    """The starting vertex count: a planar circle's chords would use 80 % of ``tolerance``.

    A chord across angle 2π/n falls short of a circle by r(1 - cos(π/n)).
    The other 20 % is room for the distortion of degrees and Mercator.
    """
    return max(MIN_RING_VERTICES, math.ceil(math.pi / math.acos(1.0 - 0.8 * tolerance)))


def ring_outlines(lons, lats, radius_m, tolerance=RING_TOLERANCE):
    """Vertices of geodesic circles of ``radius_m`` around each (lon, lat) centre.

    Returns
    -------
    list of numpy.ndarray
        One (n, 2) array of (lon, lat) per centre, not closed, counter-
        clockwise (decreasing azimuth from north), not split at ±180°.
        ``n`` is at least :func:`ring_vertex_count` and a power of two
        times it, chosen per ring so that straight edges in degrees and in
        Web Mercator stay within ``tolerance`` of the radius.

    Raises
    ------
    InputError
        If ``radius_m`` is not in (0, half the meridian].
    """
    check_radius_m(radius_m)
    lons = np.atleast_1d(np.asarray(lons, dtype=np.float64))
    lats = np.atleast_1d(np.asarray(lats, dtype=np.float64))
    outlines = [None] * len(lons)
    pending = np.arange(len(lons))
    count = ring_vertex_count(tolerance)
    while len(pending):
        ring_lons, ring_lats = _vertices(lons[pending], lats[pending], radius_m, count)
        worst = _worst_deviation(lons[pending], lats[pending], ring_lons, ring_lats, radius_m, count)
        passed = (worst <= tolerance * radius_m) | (count >= MAX_RING_VERTICES)
        for row in np.flatnonzero(passed):
            outlines[pending[row]] = np.column_stack([ring_lons[row], ring_lats[row]])
        pending = pending[~passed]
        count *= 2
    return outlines


def _vertices(lons, lats, radius_m, count, offset=0.0):
    """(rings × count) destinations at azimuths 360 - 360 i / count (- offset), i.e. counter-clockwise."""
    azimuths = np.linspace(360.0, 0.0, count, endpoint=False) - offset
    rings = len(lons)
    out_lons, out_lats, _ = GEOD.fwd(np.repeat(lons, count), np.repeat(lats, count), np.tile(azimuths, rings),
                                     np.full(rings * count, radius_m))
    return out_lons.reshape(rings, count), out_lats.reshape(rings, count)


def _worst_deviation(lons, lats, ring_lons, ring_lats, radius_m, count):
    """Per ring, the largest distance in metres between an edge's midpoint and the circle at mid-azimuth."""
    next_lons, next_lats = np.roll(ring_lons, -1, axis=1), np.roll(ring_lats, -1, axis=1)
    step_lons = _wrap(next_lons - ring_lons)
    exact = (radius_m > INTERPOLATION_MAX_RADIUS_M) | (np.abs(ring_lats).max(axis=1) > INTERPOLATION_MAX_LAT_DEG) \
        | (np.abs(next_lons - ring_lons).max(axis=1) > 180.0)
    mid_lons, mid_lats = np.empty_like(ring_lons), np.empty_like(ring_lats)
    if exact.any():
        mid_lons[exact], mid_lats[exact] = _vertices(lons[exact], lats[exact], radius_m, count, 180.0 / count)
    smooth = ~exact
    if smooth.any():
        # Four-point Lagrange at the half step, around each vertex p1: (-p0 + 9 p1 + 9 p2 - p3) / 16.
        for values, out in ((ring_lons[smooth], mid_lons), (ring_lats[smooth], mid_lats)):
            before, after, after2 = (np.roll(values, k, axis=1) for k in (1, -1, -2))
            out[smooth] = (-before + 9.0 * values + 9.0 * after - after2) / 16.0
    worst = np.zeros(len(lons))
    # A straight edge in degrees, and one in Web Mercator (same longitude, other latitude).
    edge_lons = _wrap(ring_lons + step_lons / 2.0)
    for edge_lats in ((ring_lats + next_lats) / 2.0, _mercator_mid_lat(ring_lats, next_lats)):
        worst = np.maximum(worst, _local_distance_m(edge_lons, edge_lats, mid_lons, mid_lats).max(axis=1))
    return worst


def _wrap(degrees):
    return (degrees + 180.0) % 360.0 - 180.0


def _mercator_mid_lat(lat1, lat2):
    clip = 89.999999
    # asinh(tan), not atanh(sin): a metre from a pole sin rounds by a centimetre, more than a small ring's
    # tolerance, and its check never passed (2**16+ vertices, seconds per ring).
    y1, y2 = (np.arcsinh(np.tan(np.radians(np.clip(lat, -clip, clip)))) for lat in (lat1, lat2))
    return np.degrees(np.arctan(np.sinh((y1 + y2) / 2.0)))


def _local_distance_m(lon1, lat1, lon2, lat2):
    """Distance between nearby points on the ellipsoid (a local flat metric; exact near the pole)."""
    mid_lat = np.radians((lat1 + lat2) / 2.0)
    w = 1.0 - _WGS84_E2 * np.sin(mid_lat) ** 2
    north_m = np.radians(lat2 - lat1) * _WGS84_A * (1.0 - _WGS84_E2) / w ** 1.5
    east_m = np.radians(_wrap(lon2 - lon1)) * _WGS84_A / np.sqrt(w) * np.cos(mid_lat)
    flat = np.hypot(north_m, east_m)
    polar = np.abs(mid_lat) > math.radians(89.0)
    if polar.any():
        flat[polar] = GEOD.inv(lon1[polar], lat1[polar], lon2[polar], lat2[polar])[2]
    return flat


def rings(lons, lats, radius_m, tolerance=RING_TOLERANCE):
    """Geodesic circles around each centre as RFC 7946-valid shapely geometries.

    A ring that crosses ±180° is split into a MultiPolygon, and one that
    encloses a pole is closed over it; the others are built in one
    vectorized call.  See :func:`ring_outlines` for the vertices.
    """
    outlines = ring_outlines(lons, lats, radius_m, tolerance)
    lons = np.atleast_1d(np.asarray(lons, dtype=np.float64))
    lats = np.atleast_1d(np.asarray(lats, dtype=np.float64))
    # A pole lies inside if it is nearer than the radius.
    to_pole_m = GEOD.inv(lons, lats, lons, np.where(lats >= 0, 90.0, -90.0))[2]
    result = np.empty(len(outlines), dtype=object)
    plain = []
    for n, outline in enumerate(outlines):
        if to_pole_m[n] < radius_m:
            closed = np.vstack([outline, outline[:1]])
            result[n] = orient_rfc7946(antimeridian.fix_polygon(Polygon(closed)))
        elif np.abs(np.diff(outline[:, 0], append=outline[:1, 0])).max() > 180.0:
            result[n] = _split_at_antimeridian(outline)
        else:
            plain.append(n)
    by_count = {}
    for n in plain:
        by_count.setdefault(len(outlines[n]), []).append(n)
    for indexes in by_count.values():
        stacked = np.stack([outlines[n] for n in indexes])
        closed = np.concatenate([stacked, stacked[:, :1]], axis=1)
        result[indexes] = shapely.polygons(closed)
    return list(result)


def _split_at_antimeridian(outline):
    """A ring across ±180° (not around a pole) as two polygons, cut where its straight edges meet ±180°."""
    lons = outline[0, 0] + np.concatenate([[0.0], np.cumsum(_wrap(np.diff(outline[:, 0])))])
    lons -= 360.0 * np.floor((lons.mean() + 180.0) / 360.0)  # centre the ring in [-180, 180)
    whole = Polygon(np.column_stack([lons, outline[:, 1]]))
    shift = 360.0 if lons.min() < -180.0 else -360.0
    inside = whole.intersection(shapely.box(-180.0, -90.0, 180.0, 90.0))
    beyond = shapely.affinity.translate(whole.difference(shapely.box(-180.0, -90.0, 180.0, 90.0)), xoff=shift)
    parts = [p for g in (inside, beyond) for p in getattr(g, "geoms", [g]) if not p.is_empty]
    return orient_rfc7946(MultiPolygon(parts))


def vertex_count(geometry):
    """Vertices of a ring's outline, without the closing repeat and the points added at ±180° or a pole."""
    parts = geometry.geoms if geometry.geom_type == "MultiPolygon" else [geometry]
    coords = np.vstack([np.asarray(part.exterior.coords)[:-1] for part in parts])
    return int(np.count_nonzero((np.abs(coords[:, 0]) != 180.0) & (np.abs(coords[:, 1]) != 90.0)))


def ring(centre, radius_m):
    """The geodesic circle of ``radius_m`` around ``centre`` (a LonLat); see :func:`rings`."""
    return rings([centre.lon], [centre.lat], radius_m)[0]
