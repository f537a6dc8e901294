"""Lengths and coordinates typed by users."""

import pytest

from mapper.core.points import LonLat, parse_latlon
from mapper.core.units import metres_to, parse_length_m
from mapper.errors import InputError


@pytest.mark.parametrize("text, metres", [
    ("120km", 120_000.0), ("120 km", 120_000.0), ("75mi", 120_700.8), ("65nmi", 120_380.0),
    ("120000m", 120_000.0), ("120000", 120_000.0), ("1.5 KM", 1_500.0), ("2 miles", 3_218.688),
])
def test_parse_length(text, metres):
    assert parse_length_m(text) == pytest.approx(metres)


@pytest.mark.parametrize("text, message", [
    ("120 parsecs", "unknown unit 'parsecs'"), ("km", "cannot read"), ("", "cannot read"), ("12e999km", "finite"),
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
