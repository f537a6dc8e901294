"""Every Natural Earth country, anywhere: found by name, alias or ISO code, and a reach measured from each.

The reach test runs `coverage 300km --from COUNTRY` for every country of
the countries file (in-process, through mapper.api), and once through the
CLI with a map written; all of it takes well under a minute on two cores.
"""

import json

import pytest
from pyproj import Geod
from shapely.geometry import Point

from mapper import api
from mapper.errors import UnknownPlaceError
from mapper.load.countries import all_countries, close_country_names, find_country, fold, lookup_country
from mapper.load.places import read_places
from mapper.load.swaps import swap_reasons

WGS84 = Geod(ellps="WGS84")
COUNTRIES = all_countries()


def test_every_country_is_there():
    assert len(COUNTRIES) >= 240
    names = {c.name for c in COUNTRIES}
    assert {"Japan", "Yemen", "Oman", "Eritrea", "Djibouti", "Brazil", "Fiji", "New Zealand", "Antarctica"} <= names
    codes = [c.iso_a2 for c in COUNTRIES if c.iso_a2]
    assert len(codes) == len(set(codes))  # each code names one country


@pytest.mark.parametrize("text, name, iso_a2", [
    ("North Korea", "North Korea", "KP"), ("DPRK", "North Korea", "KP"), ("kp", "North Korea", "KP"),
    ("PRK", "North Korea", "KP"), ("Democratic People's Republic of Korea", "North Korea", "KP"),
    ("South Korea", "South Korea", "KR"), ("Republic of Korea", "South Korea", "KR"), ("KOR", "South Korea", "KR"),
    ("Türkiye", "Türkiye", "TR"), ("turkiye", "Türkiye", "TR"), ("Turkey", "Türkiye", "TR"),
    ("Iran", "Iran", "IR"), ("Islamic Republic of Iran", "Iran", "IR"),
    ("Russia", "Russia", "RU"), ("Russian Federation", "Russia", "RU"), ("RUS", "Russia", "RU"),
    ("UK", "United Kingdom", "GB"), ("Britain", "United Kingdom", "GB"), ("GB", "United Kingdom", "GB"),
    ("USA", "United States", "US"), ("US", "United States", "US"), ("United States of America", "United States", "US"),
    ("UAE", "United Arab Emirates", "AE"), ("Syria", "Syria", "SY"), ("Syrian Arab Republic", "Syria", "SY"),
    ("Laos", "Laos", "LA"), ("Lao PDR", "Laos", "LA"), ("Vietnam", "Vietnam", "VN"), ("Viet Nam", "Vietnam", "VN"),
    ("Czechia", "Czechia", "CZ"), ("Czech Republic", "Czechia", "CZ"),
    ("Ivory Coast", "Côte d'Ivoire", "CI"), ("cote d'ivoire", "Côte d'Ivoire", "CI"),
    ("Côte d’Ivoire", "Côte d'Ivoire", "CI"),
    ("Congo", "Republic of the Congo", "CG"), ("Congo-Brazzaville", "Republic of the Congo", "CG"),
    ("DR Congo", "Democratic Republic of the Congo", "CD"), ("DRC", "Democratic Republic of the Congo", "CD"),
    ("COD", "Democratic Republic of the Congo", "CD"),
    ("Taiwan", "Taiwan", "TW"), ("Palestine", "Palestine", "PS"), ("Myanmar", "Myanmar", "MM"),
    ("Burma", "Myanmar", "MM"),
    ("Eswatini", "Eswatini", "SZ"), ("Swaziland", "Eswatini", "SZ"), ("North Macedonia", "North Macedonia", "MK"),
    ("Macedonia", "North Macedonia", "MK"), ("Bosnia", "Bosnia and Herzegovina", "BA"), ("Moldova", "Moldova", "MD"),
    ("Tanzania", "Tanzania", "TZ"), ("Bolivia", "Bolivia", "BO"), ("Venezuela", "Venezuela", "VE"),
    ("Micronesia", "Micronesia", "FM"), ("The Gambia", "Gambia", "GM"), ("  japan ", "Japan", "JP"),
    ("Kosovo", "Kosovo", None), ("N. Cyprus", "Northern Cyprus", None),
])
def test_countries_by_name_alias_and_iso_code(text, name, iso_a2):
    found = find_country(text)
    assert (found.name, found.iso_a2) == (name, iso_a2)
    assert find_country(found.name) == found
    if found.iso_a3:
        assert lookup_country(found.iso_a3.lower()) == found


def test_names_fold_accents_case_and_punctuation():
    assert fold("  Côte d’Ivoire ") == fold("cote d'ivoire") == "cote d ivoire"
    assert fold("The Gambia") == "gambia" and fold("Bosnia & Herzegovina") == "bosnia and herzegovina"
    assert lookup_country("Narnia") is None and lookup_country("") is None


def test_an_unknown_country_gets_country_suggestions(run):
    assert close_country_names("Japn") == ["Japan"]
    assert close_country_names("Ukrane") == ["Ukraine"]
    with pytest.raises(UnknownPlaceError, match=r"^unknown country 'Germny'; did you mean 'Germany'\?$"):
        find_country("Germny")
    result = run("coverage", "300km", "--from", "Japn")
    assert result.exit_code == 2
    assert result.stderr == ("Error: 'Japn' is not a place, LAT,LON, Natural Earth country or .geojson file; "
                             "did you mean 'Japan'?\n")
    result = run("coverage", "300km", "--from", "belgorod", "--within", "Japn")
    assert result.stderr == "Error: --within: unknown country 'Japn'; did you mean 'Japan'?\n"


def test_a_places_file_names_its_countries_any_way(tmp_path):
    path = tmp_path / "places.csv"
    path.write_text("name,lat,lon,source,country\n"
                    "Ankara,39.93,32.86,Gazetteer,Türkiye\n"
                    "Pyongyang,39.03,125.75,Gazetteer,prk\n"
                    "Abidjan,5.32,-4.03,Gazetteer,Ivory Coast\n"
                    "Pristina,42.66,21.17,Gazetteer,Kosovo\n"
                    "Kyiv,50.45,30.52,Gazetteer,UA\n", encoding="utf-8")
    assert [p["properties"]["country"] for p in read_places(path)] == ["TR", "KP", "CI", "Kosovo", "UA"]


def test_a_swap_out_of_a_country_is_seen_anywhere():
    # Buenos Aires given as lat -58.38, lon -34.60: at sea off Argentina; swapped, inside it.
    assert swap_reasons([-34.60], [-58.38], ["AR"]) == ["lies outside Argentina (AR), but swapped it is inside"]
    assert swap_reasons([-58.38], [-34.60], ["Argentina"]) == [None]


# -- a reach from every country ------------------------------------------------------------


def geodesic_km2(geometry):
    return abs(WGS84.geometry_area_perimeter(geometry)[0]) / 1e6


@pytest.mark.parametrize("country", COUNTRIES, ids=[c.name for c in COUNTRIES])
def test_coverage_300km_from_every_country(country):
    reach = api.reach("300km", country.iso_a3 or country.name)
    answer = api.reach_dict(reach)
    assert answer["from"]["label"] == country.name
    geometry = reach.coverage.geometry
    assert not geometry.is_empty and geometry.is_valid
    assert geometry.geom_type in ("Polygon", "MultiPolygon")
    west, south, east, north = geometry.bounds
    assert -180 <= west and east <= 180 and -90 <= south and north <= 90
    own_km2 = geodesic_km2(country.shape)
    assert answer["area_in_range_km2"] > own_km2 > 0
    # The band drawn around the country holds the rest of what is in range.
    assert geodesic_km2(geometry) == pytest.approx(answer["area_in_range_km2"] - own_km2, rel=0.02)


def test_coverage_from_a_country_far_away_draws_its_reach(run, tmp_path):
    result = run("coverage", "300km", "--from", "Yemen", "-o", "yemen.html", "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["from"]["label"] == "Yemen" and answer["area_in_range_km2"] > 1_000_000
    html = (tmp_path / "yemen.html").read_text(encoding="utf-8")
    assert "<title>300 km radius reach from Yemen</title>" in html
    start = html.index('"features":', html.index("mapperRuntime.addFeatures("))
    features, _ = json.JSONDecoder().raw_decode(html, start + len('"features":'))
    areas = [f for f in features if f["geometry"]["type"] in ("Polygon", "MultiPolygon")]
    assert areas  # the reach is drawn
    ring = areas[0]["geometry"]["coordinates"][0] if areas[0]["geometry"]["type"] == "Polygon" else \
        areas[0]["geometry"]["coordinates"][0][0]
    assert all(35 < lon < 60 and 5 < lat < 25 for lon, lat in ring)  # around Yemen, not the story's places
    assert not find_country("Yemen").shape.covers(Point(45.0, 10.0))  # the Gulf of Aden, in range


def test_a_reach_across_the_antimeridian_opens_on_it(run, tmp_path):
    """Fiji's reach is cut at ±180° (RFC 7946); its map opens across 180°, with both halves side by side."""
    reach = api.reach("300km", "Fiji")
    view = api.reach_briefing(reach).view
    west, south, east, north = view.bounds
    assert 165 < west < 180 < east < 195 and -30 < south < north < -5
    result = run("coverage", "300km", "--from", "Fiji", "-o", "fiji.html")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "fiji.html").read_text(encoding="utf-8")
    fit = json.loads(html[html.index("mapperRuntime.fit(map_"):].split(", ", 1)[1].split(");", 1)[0])
    assert fit[1][1] > 180  # [[south, west], [north, east]]
    start = html.index('"features":', html.index("mapperRuntime.addFeatures("))
    features, _ = json.JSONDecoder().raw_decode(html, start + len('"features":'))
    lons = [lon for f in features if f["geometry"]["type"] == "MultiPolygon"
            for polygon in f["geometry"]["coordinates"] for lon, _ in polygon[0]]
    assert min(lons) > 165 and max(lons) > 180  # the half beyond 180° drawn beside the rest
    assert run("coverage", "300km", "--from", "Fiji", "-o", "fiji.png").exit_code == 0
