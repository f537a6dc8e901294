"""Lengths and coordinates typed by users."""

import pytest

from mapper.core.points import LonLat, parse_latlon
from mapper.core.units import metres_to, parse_length_m
from mapper.errors import InputError


@pytest.mark.parametrize("text, metres", [
    ("120km", 120_000.0), ("120 km", 120_000.0), ("75mi", 120_700.8), ("65nmi", 120_380.0),
    ("120000m", 120_000.0), ("1.5 KM", 1_500.0), ("2 miles", 3_218.688),
])
def test_parse_length(text, metres):
    assert parse_length_m(text) == pytest.approx(metres)


@pytest.mark.parametrize("text, message", [
    ("120 parsecs", "unknown unit 'parsecs'"), ("km", "cannot read"), ("", "cannot read"), ("12e999km", "finite"),
    ("120000", "radius '120000' needs a unit: 120000km, 120000mi, 120000nmi or 120000m"),
])
def test_parse_length_errors(text, message):
    with pytest.raises(InputError, match=message):
        parse_length_m(text)


def test_metres_to():
    assert metres_to(1852.0, "nmi") == pytest.approx(1.0)
    assert metres_to(1609.344, "mi") == pytest.approx(1.0)


@pytest.mark.parametrize("text, point", [
    ("50.45,30.52", LonLat(30.52, 50.45)), (" -33.9 , 151.2 ", LonLat(151.2, -33.9)), ("0 0", LonLat(0.0, 0.0)),
])
def test_parse_latlon_is_lat_first(text, point):
    assert parse_latlon(text) == point


@pytest.mark.parametrize("text, message", [
    ("95,30", "latitude 95.0 is outside"), ("50,190", "longitude 190.0 is outside"), ("50;30;1", "cannot read"),
    ("kyiv", "cannot read"),
])
def test_parse_latlon_errors(text, message):
    with pytest.raises(InputError, match=message):
        parse_latlon(text)


@pytest.mark.parametrize("text, message", [
    ("10", "speed '10' needs a unit: 10kn, 10km/h, 10mph or 10m/s"),
    (" 7.5 ", "speed '7.5' needs a unit: 7.5kn, 7.5km/h, 7.5mph or 7.5m/s"),
    (12, "speed '12' needs a unit: 12kn, 12km/h, 12mph or 12m/s"),  # a TOML number in a briefing
    ("0kn", "speed '0kn' must be greater than zero"),
])
def test_a_speed_needs_a_unit(text, message):
    from mapper.core.units import parse_speed_m_s

    with pytest.raises(InputError) as caught:
        parse_speed_m_s(text)
    assert str(caught.value) == message


@pytest.mark.parametrize("text", ["120", "-5", "0", "1.5", "1e3"])
def test_a_radius_needs_a_unit(text):
    with pytest.raises(InputError) as caught:
        parse_length_m(text)
    assert str(caught.value) == f"radius {text!r} needs a unit: {text}km, {text}mi, {text}nmi or {text}m"


@pytest.mark.parametrize("text, message", [
    ("1e-9km", "radius 1e-06 m is less than 1 m, the smallest ring mapper draws"),
    ("0.5m", "radius 0.5 m is less than 1 m, the smallest ring mapper draws"),
    ("0km", "radius must be greater than zero, got 0 m"),
])
def test_a_radius_below_a_metre_is_refused(text, message):
    from mapper.geo.geodesy import check_radius_m

    with pytest.raises(InputError) as caught:
        check_radius_m(parse_length_m(text))
    assert str(caught.value) == message
    check_radius_m(parse_length_m("1m"))  # the smallest ring is drawn
