"""Lanes that run together are given slots to be drawn apart; lanes that only cross or touch are not."""

import pytest
from shapely.geometry import LineString, MultiLineString, mapping

from mapper import api
from mapper.compose.lanes import SHARED_AT_LEAST_M, set_lane_slots
from mapper.core.points import LonLat
from mapper.geo.geodesy import destination
from mapper.geo.overlap import shared_length_m


def _line(*points):
    return LineString(points)


def _pair(point):
    return point.lon, point.lat


def _feature(line, name="lane"):
    return {"type": "Feature", "geometry": mapping(line), "properties": {"id": name}}


def _slots(*lines):
    features = [_feature(line, str(n)) for n, line in enumerate(lines)]
    set_lane_slots(features)
    return [f["properties"].get("lane_slot") for f in features]


def test_shared_length_is_in_metres_anywhere():
    # Two meridian stretches 1 km apart at 60°N, 100 km long: within 2 km all along, not within 500 m.
    start = LonLat(30.0, 60.0)
    beside = destination(start, 90.0, 1_000.0)
    a = _line((start.lon, start.lat), _pair(destination(start, 0.0, 100_000.0)))
    b = _line(_pair(beside), _pair(destination(beside, 0.0, 100_000.0)))
    assert shared_length_m(a, b, 2_000.0) == pytest.approx(100_000.0, rel=0.01)
    assert shared_length_m(a, b, 500.0) == 0.0


def test_shared_length_across_the_antimeridian():
    a = MultiLineString([[(179.0, -17.0), (180.0, -17.0)], [(-180.0, -17.0), (-179.0, -17.0)]])
    b = MultiLineString([[(179.2, -17.005), (180.0, -17.005)], [(-180.0, -17.005), (-179.2, -17.005)]])
    # 1.6° of longitude at 17°S, and the 2 km the buffer of b reaches past each of its ends.
    assert shared_length_m(a, b, 2_000.0) == pytest.approx(1.6 * 106_460 + 2 * 2_000, rel=0.005)


def test_two_lanes_on_one_track_are_drawn_apart_in_the_order_they_lie():
    west = _line((49.0, 38.0), (50.0, 40.0), (48.0, 43.0))
    east = _line((50.5, 37.5), (50.0, 40.0), (48.0, 43.0))  # joins the same track from the east
    slots = _slots(west, east)
    assert slots[0] == -0.5 and slots[1] == 0.5  # going north, the west lane is on the left


def test_a_lane_run_the_other_way_counts_its_right_from_the_other_side():
    north = _line((49.0, 38.0), (50.0, 40.0), (48.0, 43.0))
    south = _line((48.0, 43.0), (50.0, 40.0), (50.5, 37.5))
    slots = _slots(north, south)
    # Each moves to its own left: the lane from the west port north-west of the track, the other east of it.
    assert slots == [-0.5, -0.5]


def test_lanes_that_cross_or_share_a_port_keep_their_place():
    assert _slots(_line((48.0, 40.0), (52.0, 44.0)), _line((48.0, 44.0), (52.0, 40.0))) == [None, None]
    assert _slots(_line((50.0, 40.0), (48.0, 44.0)), _line((50.0, 40.0), (52.0, 44.0))) == [None, None]


def test_a_short_shared_stretch_is_not_running_together():
    track = (SHARED_AT_LEAST_M * 0.5) / 111_000.0  # half the threshold, in degrees of latitude
    a = _line((50.0, 40.0), (50.0, 40.0 + track), (48.0, 44.0))
    b = _line((50.0, 40.0), (50.0, 40.0 + track), (52.0, 44.0))
    assert _slots(a, b) == [None, None]


def test_lanes_that_never_meet_may_share_a_slot():
    """a runs with b in the south, c with b in the north: a and c share the slot west of b."""
    a = _line((39.99, 40.0), (39.99, 42.0))
    b = _line((40.0, 41.0), (40.0, 45.0))
    c = _line((39.99, 44.0), (39.99, 46.0))
    assert _slots(a, b, c) == [-0.5, 0.5, -0.5]


def test_the_default_briefings_makhachkala_lanes_are_drawn_apart():
    briefing = api.open_briefing()
    lanes = {f["properties"]["id"]: f["properties"].get("lane_slot")
             for layer in api.build_layers(briefing.geodata, briefing) if layer.key == "sea-routes"
             for f in layer.features}
    astara, nowshahr = lanes["caspian-astara-makhachkala"], lanes["caspian-nowshahr-makhachkala"]
    assert astara is not None and nowshahr is not None and astara < nowshahr  # Astara is the western port
    assert all(abs(slot) <= 1.0 for slot in lanes.values() if slot is not None)
