"""mapper coverage: what a system reaches from a place or an area, checked against independent geodesy.

The independent reference: Natural Earth outlines read straight from the
committed file, densified with shapely (every 0.005°, edges straight in
lon/lat as drawn) and measured with pyproj's WGS84 geodesics.
"""

import json
from functools import lru_cache

import numpy as np
import pytest
import rfc7946
import shapely
from click.testing import CliRunner
from conftest import DATA_DIR
from pyproj import Geod
from shapely.geometry import Point, box, shape

from mapper.cli.main import cli
from mapper.geo.coverage import area_buffer, coverage
from mapper.geo.rings import RING_TOLERANCE
from mapper.load.areas import find_country

WGS84 = Geod(ellps="WGS84")
RADIUS_M = 120_000.0
SPACING_DEG = 0.005
# Everything here lies in this window; outlines outside it are never nearest.
WINDOW = (20.0, 40.0, 50.0, 60.0)
# Vertices nearer than this (in degrees, ≥ 1 km) to Ukraine's border or to Russia lie on a border, not on the buffer.
BORDER_DEG = 0.02


@lru_cache(maxsize=None)
def country(name):
    doc = json.loads((DATA_DIR / "basemap" / "countries-50m.geojson").read_text(encoding="utf-8"))
    return next(shape(f["geometry"]) for f in doc["features"] if f["properties"]["name"] == name)


@lru_cache(maxsize=None)
def outline_samples(name):
    """(lon, lat) rows along the country's outline inside WINDOW, at most SPACING_DEG apart."""
    lines = country(name).boundary.intersection(box(*WINDOW))
    return shapely.get_coordinates(shapely.segmentize(lines, SPACING_DEG))


def _haversine_m(lon, lat, samples):
    lon0, lat0, lons, lats = np.radians(lon), np.radians(lat), np.radians(samples[:, 0]), np.radians(samples[:, 1])
    h = np.sin((lats - lat0) / 2) ** 2 + np.cos(lat0) * np.cos(lats) * np.sin((lons - lon0) / 2) ** 2
    return 2 * 6_371_008.8 * np.arcsin(np.sqrt(h))


def min_distance_m(lon, lat, samples):
    """Shortest WGS84 geodesic from (lon, lat) to any sample (a sphere only preselects the candidates)."""
    rough = _haversine_m(lon, lat, samples)
    near = samples[rough <= rough.min() * 1.01 + 100.0]
    count = len(near)
    return float(WGS84.inv(np.full(count, lon), np.full(count, lat), near[:, 0], near[:, 1])[2].min())


def distance_to_russia_m(lon, lat):
    if country("Russia").covers(Point(lon, lat)):
        return 0.0
    return min_distance_m(lon, lat, outline_samples("Russia"))


def buffer_vertices(geometry, *avoid):
    """Outline vertices of ``geometry`` farther than BORDER_DEG from every geometry in ``avoid``."""
    vertices = shapely.get_coordinates(geometry.boundary)
    return [(lon, lat) for lon, lat in vertices
            if all(g.distance(Point(lon, lat)) > BORDER_DEG for g in avoid)]


def vertex_distances_m(geometry, *avoid):
    vertices = buffer_vertices(geometry, *avoid)
    return np.array([distance_to_russia_m(lon, lat) for lon, lat in vertices])


def cli_json(*args):
    result = CliRunner().invoke(cli, ["--data-dir", str(DATA_DIR), "coverage", *args, "--json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def places_of(answer):
    return {p["id"]: p for p in answer["places"]}


@pytest.fixture(scope="module")
def from_russia():
    return cli_json("fath-360", "--from", "russia")


@pytest.fixture(scope="module")
def into_ukraine():
    return cli_json("fath-360", "--from", "russia", "--within", "ukraine")


@pytest.fixture(scope="module")
def ukraine_reach(geodata):
    return coverage(geodata.places, find_country("Russia"), RADIUS_M, find_country("Ukraine"))


# -- places and distances from an area ------------------------------------------------------


def test_fath_360_from_russia(from_russia):
    assert from_russia["system"] == {"id": "fath-360", "name": "Fath-360", "range_m": RADIUS_M}
    assert from_russia["radius_m"] == RADIUS_M
    assert from_russia["from"]["label"] == "Russia" and from_russia["from"]["kind"] == "area"
    assert "Natural Earth" in from_russia["from"]["source"]
    assert from_russia["within"] is None
    # All that lies within 120 km: Russia itself and the band around it, out to Chukotka and the islands.
    russia_km2 = abs(WGS84.geometry_area_perimeter(country("Russia"))[0]) / 1e6
    assert russia_km2 * 1.05 < from_russia["area_in_range_km2"] < russia_km2 * 1.6
    assert {"kharkiv", "sumy"} <= set(from_russia["in_range"])
    assert "kyiv" in from_russia["out_of_range"]
    assert "kyiv" not in from_russia["in_range"]


@pytest.mark.parametrize("place_id, km", [("kharkiv", 32.4), ("sumy", 28.1), ("kyiv", 203.2), ("chernihiv", 75.0),
                                          ("poltava", 114.4), ("kramatorsk", 135.5), ("odesa", 182.1),
                                          ("tehran", 686.6)])
def test_distance_to_russia_agrees_with_independent_geodesy(from_russia, geodata, place_id, km):
    place = places_of(from_russia)[place_id]
    lon, lat = geodata.place(place_id)["geometry"]["coordinates"][:2]
    assert (place["lon"], place["lat"]) == (lon, lat)
    assert place["distance_m"] == pytest.approx(km * 1000, abs=500)
    assert place["distance_m"] == pytest.approx(distance_to_russia_m(lon, lat), abs=100)
    assert place["distance_km"] == pytest.approx(place["distance_m"] / 1000)
    assert place["in_range"] is (place["distance_m"] <= RADIUS_M)
    assert place["inside_origin"] is False


def test_places_in_the_origin_area_are_inside_at_zero(from_russia):
    places = places_of(from_russia)
    for place_id in ("moscow", "belgorod", "kursk", "bryansk", "alabuga-sez", "astrakhan"):
        assert places[place_id]["inside_origin"] is True
        assert places[place_id]["distance_m"] == 0.0
        assert places[place_id]["in_range"] is True
        assert place_id not in from_russia["in_range"] and place_id not in from_russia["out_of_range"]


def test_lists_are_consistent(from_russia):
    places = from_russia["places"]
    assert [p["distance_m"] for p in places] == sorted(p["distance_m"] for p in places)
    assert from_russia["in_range"] == [p["id"] for p in places if p["in_range"] and not p["inside_origin"]]
    assert from_russia["out_of_range"] == [p["id"] for p in places if not p["in_range"]]
    assert from_russia["in_range"] == ["sumy", "kharkiv", "chernihiv", "poltava"]


def test_within_ukraine(into_ukraine, geodata):
    ukrainian = {p["properties"]["id"] for p in geodata.places if p["properties"].get("country") == "UA"}
    assert {p["id"] for p in into_ukraine["places"]} == ukrainian
    assert into_ukraine["within"]["label"] == "Ukraine"
    assert set(into_ukraine["in_range"]) == {"sumy", "kharkiv", "chernihiv", "poltava"}
    assert "kyiv" in into_ukraine["out_of_range"]
    ukraine_km2 = abs(WGS84.geometry_area_perimeter(country("Ukraine"))[0]) / 1e6
    assert 500_000 < ukraine_km2 < 600_000
    assert 0 < into_ukraine["area_in_range_km2"] < ukraine_km2
    assert into_ukraine["area_in_range_km2"] == pytest.approx(162_600, rel=0.01)


def test_coverage_text_output(run):
    result = run("coverage", "fath-360", "--from", "russia", "--within", "ukraine")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Fath-360, 120 km from Russia inside Ukraine (geodesic, WGS84): ")
    assert lines[0].endswith(" km² in range")
    assert "In range (4):" in lines and "Out of range (5):" in lines
    assert any(line.split() == ["Kharkiv", "32.4", "km"] for line in lines)


# -- the geodesic buffer, vertex by vertex ----------------------------------------------------


def test_reach_outline_is_120_km_from_russia(ukraine_reach):
    geometry = ukraine_reach.geometry
    assert geometry.geom_type in ("Polygon", "MultiPolygon") and geometry.is_valid
    assert ukraine_reach.area_km2 == pytest.approx(abs(WGS84.geometry_area_perimeter(geometry)[0]) / 1e6)
    distances = vertex_distances_m(geometry, country("Ukraine").boundary, country("Russia"))
    assert len(distances) > 100
    worst = np.abs(distances - RADIUS_M).max()
    assert worst <= 120.0, f"a reach vertex is {worst:.0f} m off 120 km"


def test_reach_outline_meets_its_documented_tolerance(ukraine_reach):
    """mapper.geo.coverage promises the outline falls short of the true buffer by at most RING_TOLERANCE of the radius.

    The independent distances are upper bounds (the outline is sampled), so a shortfall here is real.
    """
    distances = vertex_distances_m(ukraine_reach.geometry, country("Ukraine").boundary, country("Russia"))
    assert distances.max() <= RADIUS_M + 1.0  # never beyond the buffer
    shortfall = RADIUS_M - distances.min()
    allowed = RING_TOLERANCE * RADIUS_M + 1.0
    assert shortfall <= allowed, f"outline {shortfall:.0f} m short of the buffer; documented bound {allowed:.0f} m"


def test_planar_buffer_in_degrees_would_fail_the_check():
    planar = country("Russia").buffer(RADIUS_M / 1000 / 111).intersection(country("Ukraine"))
    distances = vertex_distances_m(planar, country("Ukraine").boundary, country("Russia"))
    assert len(distances) > 50
    assert np.abs(distances - RADIUS_M).max() > 5_000


def test_area_buffer_in_a_window_near_kharkiv():
    window = (35.0, 49.0, 38.5, 51.0)
    russia = country("Russia")
    reach = area_buffer(find_country("Russia").area, RADIUS_M, window)
    assert reach.covers(russia.intersection(box(*window)))
    distances = vertex_distances_m(reach, box(*window).boundary, russia)
    assert len(distances) > 20
    assert np.abs(distances - RADIUS_M).max() <= 120.0
    # Kharkiv (32 km out) is inside; a point 120 km farther southwest, well beyond the range, is not.
    assert reach.covers(Point(36.2311, 49.9925))
    lon, lat, _ = WGS84.fwd(36.2311, 49.9925, 225.0, RADIUS_M)
    assert distance_to_russia_m(lon, lat) > 125_000
    assert not reach.covers(Point(lon, lat))


# -- other origins ------------------------------------------------------------------------------


def test_point_origin_belgorod(run, geodata):
    result = run("coverage", "fath-360", "--from", "belgorod", "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["from"] == {"label": "Belgorod", "kind": "point", "place_id": "belgorod", "source": None,
                              "lat": 50.6, "lon": 36.6}
    places = places_of(answer)
    assert "belgorod" not in places
    _, _, expected_m = WGS84.inv(36.6, 50.6, *geodata.place("kharkiv")["geometry"]["coordinates"][:2])
    assert places["kharkiv"]["distance_m"] == pytest.approx(expected_m, abs=0.01)
    assert places["kharkiv"]["distance_m"] == pytest.approx(72_500, abs=100)
    assert answer["in_range"] == ["kharkiv"]
    assert all(not p["inside_origin"] for p in answer["places"])
    ring_km2 = answer["area_in_range_km2"]
    assert ring_km2 == pytest.approx(np.pi * 120**2, rel=0.01)  # a geodesic circle of 120 km


def test_lat_lon_origin(run):
    answer = json.loads(run("coverage", "fath-360", "--from", "50.6,36.6", "--json").stdout)
    assert answer["from"]["kind"] == "point" and answer["from"]["place_id"] is None
    assert "belgorod" in places_of(answer)  # not the origin now
    assert places_of(answer)["kharkiv"]["distance_m"] == pytest.approx(72_500, abs=100)


def test_bare_radius(run):
    result = run("coverage", "300km", "--from", "belgorod", "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["radius_m"] == 300_000
    assert answer["system"]["name"] == "300 km radius"
    assert answer["in_range"] == ["kharkiv", "kursk", "sumy", "poltava", "kramatorsk", "dnipro"]
    assert "zaporizhzhia" in answer["out_of_range"]


def test_line_origin(run, tmp_path, geodata):
    line = [[36.0, 50.1], [36.5, 50.1]]
    (tmp_path / "line.geojson").write_text(json.dumps(
        {"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": line}}))
    result = run("coverage", "fath-360", "--from", "line.geojson", "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["from"]["kind"] == "area" and answer["from"]["label"] == "line"
    assert answer["from"]["source"] == "GeoJSON file line.geojson"
    samples = shapely.get_coordinates(shapely.segmentize(shapely.LineString(line), 0.0005))
    for place_id in ("kharkiv", "belgorod", "poltava", "kyiv"):
        lon, lat = geodata.place(place_id)["geometry"]["coordinates"][:2]
        got = places_of(answer)[place_id]
        assert got["inside_origin"] is False
        assert got["distance_m"] == pytest.approx(min_distance_m(lon, lat, samples), abs=20)
    kharkiv = places_of(answer)["kharkiv"]["distance_m"]
    to_ends = [WGS84.inv(36.2311, 49.9925, *end)[2] for end in line]
    assert kharkiv < min(to_ends) - 5_000  # measured to the line, not to its ends
    assert answer["in_range"][:2] == ["kharkiv", "belgorod"]


# -- errors -------------------------------------------------------------------------------------


POINT_FILE = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [36.0, 50.0]}}]}
BOWTIE_FILE = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [
        [[36, 50], [37, 51], [37, 50], [36, 51], [36, 50]]]}}]}
OUT_OF_RANGE_FILE = {"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [
    [36.0, 50.0], [36.5, 95.0]]}}


@pytest.mark.parametrize("args, files, code, message", [
    (("fath-999", "--from", "russia"), {}, 2,
     "Error: unknown system 'fath-999'; use one of fath-360 or a radius with its unit, such as 300km"),
    (("fath-360", "--from", "atlantis"), {}, 2,
     "Error: 'atlantis' is not a place, LAT,LON, Natural Earth country or .geojson file; "
     "run 'mapper places' for the list"),
    (("fath-360", "--from", "belgorod", "--within", "narnia"), {}, 2,
     "Error: --within: unknown country 'narnia'; did you mean 'Armenia'?"),
    (("fath-360", "--from", "point.geojson"), {"point.geojson": POINT_FILE}, 1,
     "Error: point.geojson: feature 1: a Point is not an area; give a polygon or a line (or use a place or LAT,LON)"),
    (("fath-360", "--from", "bowtie.geojson"), {"bowtie.geojson": BOWTIE_FILE}, 1,
     "Error: bowtie.geojson: feature 1: invalid Polygon: it crosses itself at lon 36.5, lat 50.5"),
    (("fath-360", "--from", "lat95.geojson"), {"lat95.geojson": OUT_OF_RANGE_FILE}, 1,
     "Error: lat95.geojson: feature 1: coordinates outside -180..180 / -90..90 (is it [lon, lat]?)"),
    (("fath-360", "--from", "missing.geojson"), {}, 1, "Error: missing.geojson: area file not found"),
    (("0km", "--from", "belgorod"), {}, 2, "Error: radius must be greater than zero, got 0 m"),
], ids=["unknown-system", "unknown-from", "unknown-within", "point-file", "self-crossing", "latitude-95",
        "missing-file", "zero-radius"])
def test_errors_are_one_line(run, tmp_path, args, files, code, message):
    for name, doc in files.items():
        (tmp_path / name).write_text(json.dumps(doc))
    result = run("coverage", *args)
    assert result.exit_code == code
    assert result.stderr == message + "\n"
    assert result.stdout == ""


def test_unknown_system_lists_the_known_ones(run):
    result = run("coverage", "shahed", "--from", "russia")
    assert result.exit_code == 2
    assert "fath-360" in result.stderr


def test_close_place_name_is_suggested(run):
    result = run("coverage", "fath-360", "--from", "belgorad")
    assert result.exit_code == 2
    assert result.stderr == ("Error: 'belgorad' is not a place, LAT,LON, Natural Earth country or .geojson file; "
                             "did you mean 'Belgorod'?\n")


# -- drawing it ----------------------------------------------------------------------------------


def test_writes_html_and_refuses_to_overwrite(run, tmp_path):
    out = tmp_path / "reach.html"
    result = run("coverage", "fath-360", "--from", "belgorod", "-o", "reach.html")
    assert result.exit_code == 0, result.output
    assert "wrote reach.html" in result.stderr
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "<title>Fath-360 reach from Belgorod</title>" in html
    assert "Kharkiv" in html and "mapperRuntime.fit(map_" in html
    before = out.read_bytes()
    again = run("coverage", "300km", "--from", "kursk", "-o", "reach.html")
    assert again.exit_code == 1
    assert again.stderr == "Error: reach.html: already exists; use --overwrite to replace it\n"
    assert out.read_bytes() == before
    assert run("coverage", "300km", "--from", "kursk", "-o", "reach.html", "--overwrite").exit_code == 0
    assert "<title>300 km radius reach from Kursk</title>" in out.read_text(encoding="utf-8")


def test_writes_geojson(run, tmp_path):
    result = run("coverage", "fath-360", "--from", "russia", "--within", "ukraine", "-o", "reach.geojson")
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "reach.geojson").read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    ranges = [f for f in doc["features"] if f["properties"].get("layer") == "ranges"]
    area = next(f for f in ranges if f["properties"]["id"] == "coverage")
    assert area["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert area["properties"]["name"] == "Fath-360 reach from Russia into Ukraine"
    markers = {f["properties"]["name"] for f in ranges if f["properties"].get("marker") == "in-range"}
    assert markers == {"Sumy", "Kharkiv", "Chernihiv", "Poltava"}
    assert rfc7946.problems(doc) == []  # the export claims RFC 7946: exterior rings counter-clockwise


# -- review fixes ------------------------------------------------------------------------------


@pytest.mark.parametrize("lon, lat, inside", [
    (25.7, 66.5, False),  # Rovaniemi, Finland
    (20.2, 67.85, False),  # Kiruna, Sweden
    (33.08, 68.97, True),  # Murmansk
    (64.0, 67.5, True),  # Vorkuta
    (55.0, 71.5, True),  # Novaya Zemlya
    (40.0, 71.0, False),  # the Barents Sea
])
def test_russia_outline_is_not_bent_across_the_antimeridian(lon, lat, inside):
    assert find_country("Russia").area.covers(Point(lon, lat)) is inside


@pytest.mark.parametrize("args, first_line", [
    (("--from", "iran", "--within", "ukraine"), "Fath-360, 120 km from Iran inside Ukraine (geodesic, WGS84): 0 km²"),
    (("--from", "russia", "--within", "georgia"), "Fath-360, 120 km from Russia inside Georgia (geodesic, WGS84): "),
])
def test_nothing_in_range_is_an_answer_not_a_crash(run, tmp_path, args, first_line):
    result = run("coverage", "fath-360", *args, "-o", "nothing.html")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(first_line)
    assert (tmp_path / "nothing.html").is_file()


@pytest.mark.parametrize("geometry, message", [
    ({"type": "Polygon", "coordinates": []}, "feature 1: the Polygon has no coordinates"),
    ({"type": "Polygon", "coordinates": [[[170, 50], [-170, 50], [-170, 51], [170, 51], [170, 50]]]},
     "feature 1: spans 340° of longitude; areas across ±180° are not supported"),
    ({"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [36, 50]},
                                                   {"type": "LineString", "coordinates": [[36, 50], [37, 50]]}]},
     "feature 1: a GeometryCollection is not an area; give a polygon or a line (or use a place or LAT,LON)"),
])
def test_bad_area_files_are_one_line(run, tmp_path, geometry, message):
    (tmp_path / "area.geojson").write_text(json.dumps(geometry), encoding="utf-8")
    result = run("coverage", "fath-360", "--from", "area.geojson")
    assert result.exit_code == 1
    assert result.stderr == f"Error: area.geojson: {message}\n"


def test_within_needs_polygons_and_a_radius_needs_a_unit(run, tmp_path):
    line = {"type": "LineString", "coordinates": [[36, 50], [37, 50]]}
    (tmp_path / "line.geojson").write_text(json.dumps(line), encoding="utf-8")
    result = run("coverage", "fath-360", "--from", "russia", "--within", "line.geojson")
    assert result.exit_code == 1
    assert result.stderr == "Error: line.geojson: needs polygons here (nothing lies inside a line)\n"
    result = run("coverage", "300", "--from", "kyiv")
    assert result.exit_code == 2
    assert "or a radius with its unit, such as 300km" in result.stderr
    result = run("coverage", "fath-360", "--from", "kyiv", "-o", "reach.txt")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: reach.txt: cannot tell the format from the suffix; use .html or one of ")
