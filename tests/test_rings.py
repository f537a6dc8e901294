"""Range rings: the whole drawn outline, not only its vertices, within 0.05 % of the radius."""

import numpy as np
import pytest
import rfc7946
from pyproj import Geod
from shapely.geometry import mapping

from mapper.core.points import LonLat
from mapper.geo import rings

GEOD = Geod(ellps="WGS84")
SAMPLES_PER_EDGE = 16
CENTRES = [(36.6, 50.6), (0.0, 0.0), (30.0, 60.0), (-70.0, 75.0), (120.0, 85.0), (179.9, 10.0), (-180.0, 45.0),
           (0.0, 89.99), (45.0, -89.5), (10.0, -60.0)]


def _mercator(lat):
    return np.arctanh(np.sin(np.radians(np.clip(lat, -89.999999, 89.999999))))


def outline_error(centre, radius_m, outline):
    """Largest |distance from centre - radius| / radius over points sampled along every straight edge,
    straight in degrees (a GeoJSON file) and straight in Web Mercator (the map on screen)."""
    lons, lats = outline[:, 0], outline[:, 1]
    next_lons, next_lats = np.roll(lons, -1), np.roll(lats, -1)
    steps = (next_lons - lons + 180.0) % 360.0 - 180.0
    t = np.linspace(0.0, 1.0, SAMPLES_PER_EDGE + 1)[:, None]
    sample_lons = (lons + t * steps).ravel()
    worst = 0.0
    mercator_lats = np.degrees(np.arcsin(np.tanh(_mercator(lats) + t * (_mercator(next_lats) - _mercator(lats)))))
    for sample_lats in ((lats + t * (next_lats - lats)).ravel(), mercator_lats.ravel()):
        count = len(sample_lons)
        _, _, d_m = GEOD.inv(np.full(count, centre[0]), np.full(count, centre[1]), sample_lons, sample_lats)
        worst = max(worst, float(np.max(np.abs(d_m - radius_m)) / radius_m))
    return worst


@pytest.mark.parametrize("radius_m", [1_000.0, 120_000.0, 1_000_000.0, 3_000_000.0, 10_000_000.0])
def test_whole_outline_within_tolerance(radius_m):
    lons, lats = zip(*CENTRES)
    outlines = rings.ring_outlines(lons, lats, radius_m)
    for centre, outline in zip(CENTRES, outlines):
        assert outline_error(centre, radius_m, outline) <= rings.RING_TOLERANCE, centre


def test_the_old_fixed_count_was_not_enough():
    """100 vertices (the planar rule) leave a 120 km ring at 60°N more than 0.05 % short between vertices."""
    lons, lats, _ = GEOD.fwd(np.full(100, 30.0), np.full(100, 60.0), np.linspace(360, 0, 100, endpoint=False),
                             np.full(100, 120_000.0))
    assert outline_error((30.0, 60.0), 120_000.0, np.column_stack([lons, lats])) > rings.RING_TOLERANCE


def test_every_vertex_at_the_radius_and_counter_clockwise():
    for (lon, lat), outline in zip(CENTRES, rings.ring_outlines(*zip(*CENTRES), 500_000.0)):
        count = len(outline)
        _, _, d_m = GEOD.inv(np.full(count, lon), np.full(count, lat), outline[:, 0], outline[:, 1])
        assert np.abs(d_m - 500_000.0).max() < 1e-3
        azimuths, _, _ = GEOD.inv(np.full(count, lon), np.full(count, lat), outline[:, 0], outline[:, 1])
        assert np.all(np.diff(np.unwrap(np.radians(azimuths))) < 0)  # decreasing azimuth: counter-clockwise


def test_many_centres_at_once_match_one_at_a_time():
    rng = np.random.default_rng(5)
    lons, lats = rng.uniform(-180, 180, 300), rng.uniform(-85, 85, 300)
    together = rings.rings(lons, lats, 120_000.0)
    for n in (0, 17, 150, 299):
        alone = rings.rings([lons[n]], [lats[n]], 120_000.0)[0]
        assert together[n].equals_exact(alone, 1e-12)
    for geometry in together:
        assert rfc7946.problems(mapping(geometry)) == []


def test_ring_across_the_antimeridian_covers_both_sides():
    geometry = rings.ring(LonLat(179.5, -17.0), 120_000.0)
    assert geometry.geom_type == "MultiPolygon"
    xs = [x for part in geometry.geoms for x, _ in part.exterior.coords]
    assert min(xs) < -179.0 and max(xs) > 179.0 and all(-180.0 <= x <= 180.0 for x in xs)
    assert rfc7946.problems(mapping(geometry)) == []
    assert abs(GEOD.geometry_area_perimeter(geometry)[0] / 1e6 - np.pi * 120.0 ** 2) < 0.01 * np.pi * 120.0 ** 2


def test_vertex_count_counts_real_vertices():
    outline = rings.ring_outlines([30.0], [10.0], 120_000.0)[0]
    assert rings.vertex_count(rings.ring(LonLat(30.0, 10.0), 120_000.0)) == len(outline)
    assert len(outline) >= rings.ring_vertex_count()
