"""Likely LON,LAT swaps are spotted, and right coordinates are left alone."""

import warnings

import pytest
from conftest import REPO

from mapper.core.points import LonLat
from mapper.errors import CoordinateWarning
from mapper.load.swaps import swap_reasons, warn_if_swapped


def _lonlat(place):
    return place["geometry"]["coordinates"]


def test_no_bundled_place_looks_swapped(geodata):
    """Ports on coasts and lakes, and towns near borders, raise no false alarm."""
    lons, lats = zip(*map(_lonlat, geodata.places))
    reasons = swap_reasons(lons, lats, [p["properties"].get("country") for p in geodata.places],
                           at_sea=[p["properties"]["kind"] == "sea" for p in geodata.places])
    assert reasons == [None] * len(geodata.places)
    assert swap_reasons([50.6667], [41.6667]) == ["lies in the sea, but swapped it is well inland"]  # the Caspian


def test_no_border_town_looks_swapped():
    import csv

    with open(REPO / "data" / "geo" / "briefings" / "border-towns.csv", encoding="utf-8") as rows:
        towns = list(csv.DictReader(rows))
    reasons = swap_reasons([float(t["lon"]) for t in towns], [float(t["lat"]) for t in towns],
                           [t.get("country") or None for t in towns])
    assert reasons == [None] * len(towns)


def test_a_place_swapped_out_of_its_country(geodata):
    kyiv = geodata.place("kyiv")
    lon, lat = _lonlat(kyiv)
    assert swap_reasons([lat], [lon], ["UA"]) == ["lies outside Ukraine (UA), but swapped it is inside"]
    assert swap_reasons([lat], [lon], [None]) == [None]  # swapped Kyiv lands in Iran, on land


def test_a_coordinate_swapped_onto_a_known_place(geodata):
    known = [(p["properties"]["name"], *_lonlat(p)) for p in geodata.places]
    assert swap_reasons([55.7517], [37.6178], known=known) == [
        "is near no known place, but swapped it is 0 km from Moscow"]
    assert swap_reasons([37.6178], [55.7517], known=known) == [None]  # Moscow itself


def test_a_data_folder_without_land_gives_no_verdict(data_copy):
    (data_copy / "basemap" / "natural-earth-50m.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    assert swap_reasons([51.67], [39.2], data_dir=data_copy) == [None]


@pytest.mark.parametrize("lon, lat, expected", [
    (51.67, 39.2, "lies in the sea, but swapped it is well inland"),  # Voronezh typed LON,LAT: the Caspian
    (50.5, 42.0, "lies in the sea, but swapped it is well inland"),  # the same for a real ship: the known limit
    (30.204, 45.255, None),  # Snake Island, missing from the 1:50m land: land within 50 km
    (62.0, 20.0, None),  # the Arabian Sea, but swapped it is the Gulf of Bothnia: both sea
    (49.4622, 37.4728, None),  # Bandar-e Anzali, on the coast
    (-30.0, 40.0, None),  # outside the basemap: no verdict
])
def test_sea_verdicts(lon, lat, expected):
    assert swap_reasons([lon], [lat]) == [expected]


def test_warning_names_the_suggestion_and_keeps_the_point():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warn_if_swapped(LonLat(51.67, 39.2), "coordinate '39.2,51.67'")
    assert [(w.category, str(w.message)) for w in caught] == [(
        CoordinateWarning, "coordinate '39.2,51.67' lies in the sea, but swapped it is well inland: did you mean "
                           "51.67,39.2 (LAT,LON)? Used as given")]
