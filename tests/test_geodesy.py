"""Geodesy against GeographicLib's published values, and RFC 7946 output."""

import math
from pathlib import Path

import pytest
import rfc7946
from shapely.geometry import Point, mapping, shape

from mapper.core.points import LonLat
from mapper.errors import InputError
from mapper.geo import geodesy, rings

CASES = [
    [float(x) for x in line.split()]
    for line in (Path(__file__).parent / "data" / "geodtest.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
]


def _angle_diff(a, b):
    return abs((a - b + 180.0) % 360.0 - 180.0)


@pytest.mark.parametrize("lat1, lon1, azi1, lat2, lon2, azi2, s12", CASES)
def test_inverse_matches_geographiclib_to_1mm(lat1, lon1, azi1, lat2, lon2, azi2, s12):
    result = geodesy.inverse(LonLat(lon1, lat1), LonLat(lon2, lat2))
    assert abs(result.distance_m - s12) < 1e-3
    assert _angle_diff(result.azimuth_deg, azi1) < 1e-9
    # The back azimuth points from B to A: the forward azimuth at B reversed.
    assert _angle_diff(result.back_azimuth_deg, azi2 + 180.0) < 1e-9


@pytest.mark.parametrize("lat1, lon1, azi1, lat2, lon2, azi2, s12", CASES)
def test_destination_matches_geographiclib(lat1, lon1, azi1, lat2, lon2, azi2, s12):
    end = geodesy.destination(LonLat(lon1, lat1), azi1, s12)
    back = geodesy.inverse(end, LonLat(lon2, lat2))
    assert back.distance_m < 1e-3


def test_moscow_to_alabuga_is_about_561_miles(geodata):
    moscow = LonLat(*geodata.place("moscow")["geometry"]["coordinates"])
    alabuga = LonLat(*geodata.place("alabuga-sez")["geometry"]["coordinates"])
    result = geodesy.inverse(moscow, alabuga)
    assert 555 < result.distance_m / 1609.344 < 567
    assert 45 <= result.azimuth_deg <= 135  # "east of Moscow"


CENTRES = [
    LonLat(30.52, 50.45),  # Kyiv
    LonLat(179.9, 10.0),  # on the antimeridian
    LonLat(-179.5, -65.0),
    LonLat(0.0, 89.9),  # encloses the north pole
    LonLat(45.0, -89.5),  # encloses the south pole
    LonLat(0.0, 0.0),
]


@pytest.mark.parametrize("centre", CENTRES, ids=lambda c: f"{c.lat},{c.lon}")
@pytest.mark.parametrize("radius_m", [120_000.0, 1_500_000.0])
def test_ring_is_valid_rfc7946_with_every_vertex_at_radius(centre, radius_m):
    ring = rings.ring(centre, radius_m)
    assert rfc7946.problems(mapping(ring)) == []
    parts = ring.geoms if ring.geom_type == "MultiPolygon" else [ring]
    radius_error_m = 0.0
    for part in parts:
        for lon, lat in part.exterior.coords:
            if abs(lat) == 90 or abs(lon) == 180:
                continue  # points added where the ring is cut or closed over a pole
            radius_error_m = max(radius_error_m, abs(geodesy.inverse(centre, LonLat(lon, lat)).distance_m - radius_m))
    assert radius_error_m < 1.0


def test_ring_over_pole_contains_the_pole():
    ring = rings.ring(LonLat(0.0, 89.0), 500_000.0)
    assert ring.contains(Point(10.0, 89.99))
    assert not ring.contains(Point(10.0, 80.0))


def test_ring_across_antimeridian_is_split_in_two():
    ring = rings.ring(LonLat(180.0, 0.0), 200_000.0)
    assert ring.geom_type == "MultiPolygon"
    assert len(ring.geoms) == 2


def test_ring_edges_stay_close_to_true_circle():
    centre, radius_m = LonLat(36.6, 50.6), 120_000.0
    ring = rings.ring(centre, radius_m)
    coords = list(ring.exterior.coords)
    worst = 0.0
    for (lon1, lat1), (lon2, lat2) in zip(coords, coords[1:]):
        mid_lon, mid_lat = geodesy.GEOD.npts(lon1, lat1, lon2, lat2, 1)[0]
        worst = max(worst, radius_m - geodesy.inverse(centre, LonLat(mid_lon, mid_lat)).distance_m)
    assert worst < radius_m * rings.RING_TOLERANCE


@pytest.mark.parametrize("radius_m", [0.0, -5.0, math.nan, 25_000_000.0])
def test_ring_rejects_bad_radius(radius_m):
    with pytest.raises(InputError):
        rings.ring(LonLat(0, 0), radius_m)


def test_geodesic_line_segments_at_most_25_km_and_split_at_antimeridian():
    line = geodesy.geodesic_line([LonLat(170.0, 10.0), LonLat(-170.0, 12.0)])
    assert line.geom_type == "MultiLineString"
    assert rfc7946.problems(mapping(line)) == []
    longest = max(
        geodesy.inverse(LonLat(*a), LonLat(*b)).distance_m
        for part in line.geoms for a, b in zip(part.coords, part.coords[1:])
    )
    assert longest <= geodesy.MAX_SEGMENT_M + 1e-6


def test_geodesic_line_follows_the_great_circle():
    tehran, moscow = LonLat(51.4231, 35.6961), LonLat(37.6178, 55.7517)
    line = geodesy.geodesic_line([tehran, moscow])
    assert geodesy.line_length_m(line) == pytest.approx(geodesy.inverse(tehran, moscow).distance_m, abs=1.0)


def test_offset_arc_bows_left_of_travel():
    south, north = LonLat(40.0, 40.0), LonLat(40.0, 50.0)
    arc = geodesy.offset_arc(south, north, 100_000.0)
    assert arc[0] == south and arc[-1] == north
    assert min(p.lon for p in arc) < 39.0  # heading north, left is west


def test_rfc7946_checker_catches_clockwise_and_crossing():
    clockwise = {"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]}
    crossing = {"type": "LineString", "coordinates": [[179, 0], [-179, 1]]}
    assert any("clockwise" in p for p in rfc7946.problems(clockwise))
    assert any("antimeridian" in p for p in rfc7946.problems(crossing))
    assert rfc7946.problems(mapping(shape(clockwise).reverse())) == []
