"""Briefing files: the example, the starter, merged data, routes, views, basemaps and every error's file:line."""

import csv
import json
import re
from pathlib import Path

import numpy as np
import pytest
import shapely
from conftest import DATA_DIR
from pyproj import Geod
from shapely.geometry import Point, box, shape

from mapper.compose.layers import build_layers
from mapper.core.points import LonLat
from mapper.errors import DataError
from mapper.export.starter import write_starter
from mapper.html import assets
from mapper.html.page import render_html
from mapper.html.popups import feature_popup
from mapper.load.briefing import load_briefing

WGS84 = Geod(ellps="WGS84")
BRIEFINGS = DATA_DIR / "briefings"
BORDER_REACH = BRIEFINGS / "border-reach.toml"
TOP_KEYS = ("title, subtitle, stamp, data, places, sources, systems, flows, claims, events, layers, filter, ranges, "
            "routes, points, view, basemap, steps")
# The bundled Iran–Russia story (its places, systems, routes, ...): a briefing starts empty without it.
STORY = 'data = ["iran-russia"]\n'
TOWNS = [row["name"] for row in csv.DictReader((BRIEFINGS / "border-towns.csv").open(encoding="utf-8"))]


def _russia_m(lon, lat):
    """Independent geodesic distance to Russia's Natural Earth outline (densified every 0.005°)."""
    doc = json.loads((DATA_DIR / "basemap" / "countries-50m.geojson").read_text(encoding="utf-8"))
    russia = next(shape(f["geometry"]) for f in doc["features"] if f["properties"]["name"] == "Russia")
    samples = shapely.get_coordinates(shapely.segmentize(russia.boundary.intersection(box(20, 40, 50, 60)), 0.005))
    if russia.covers(Point(lon, lat)):
        return 0.0
    count = len(samples)
    return float(WGS84.inv(np.full(count, lon), np.full(count, lat), samples[:, 0], samples[:, 1])[2].min())


def _layers(geodata, path):
    briefing = load_briefing(path, geodata)
    return briefing, {layer.key: layer.features for layer in build_layers(briefing.geodata, briefing)}


def _write(folder, name, text):
    path = folder.resolve() / name
    path.write_text(text, encoding="utf-8")
    return path


# -- the example: border-reach.toml with border-towns.csv ------------------------------------


@pytest.fixture(scope="module")
def border_reach(geodata):
    return _layers(geodata, BORDER_REACH)


def test_example_renders_from_an_unrelated_folder(run, tmp_path):
    assert not (tmp_path / "border-towns.csv").exists()
    result = run("render", str(BORDER_REACH), "-o", "out.html")
    assert result.exit_code == 0, result.output
    assert "(offline, " in result.stderr
    html = (tmp_path / "out.html").read_text(encoding="utf-8")
    assert "<title>Fath-360 reach into Ukraine from Russian territory</title>" in html
    for town in TOWNS:
        assert town in html, town
    assert "mapperRuntime.fit(map_" in html and "[[44.0,29.5],[53.5,41.0]]" in html
    assert "From border-towns.csv, line 2." in html  # each user place names the line it came from


def test_example_keeps_only_the_filtered_kinds(border_reach):
    briefing, layers = border_reach
    assert list(layers) == ["ranges", "places"]
    kinds = {f["properties"]["kind"] for f in layers["places"]}
    assert kinds == {"capital", "city", "town"}
    names = {f["properties"]["name"] for f in layers["places"]}
    assert set(TOWNS) <= names
    assert not names & {"Bandar Anzali", "Caspian Sea", "Alabuga special economic zone"}
    town = next(f for f in layers["places"] if f["properties"]["name"] == "Okhtyrka")
    assert town["properties"]["basis"] == "user"
    assert town["properties"]["origin"] == "border-towns.csv:6"
    assert town["geometry"]["coordinates"] == [34.8919, 50.3031]


def test_example_reach_and_in_range_markers(border_reach):
    _, layers = border_reach
    area = [f for f in layers["ranges"] if f["properties"].get("marker") is None]
    assert [f["properties"]["id"] for f in area] == ["fath-360-from-russia"]
    props = area[0]["properties"]
    assert props["origin_kind"] == "area" and props["within"] == "Ukraine" and props["radius_m"] == 120_000
    assert area[0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert 0 < props["area_km2"] < 600_000
    markers = {f["properties"]["name"]: f["properties"] for f in layers["ranges"]
               if f["properties"].get("marker") == "in-range"}
    assert {"Vovchansk", "Okhtyrka", "Kharkiv", "Sumy"} <= set(markers)
    assert not {"Myrhorod", "Pryluky", "Kyiv"} & set(markers)
    assert {p["name"] for p in props["places_inside"]} == set(markers)
    assert all(m["distance_m"] <= 120_000 for m in markers.values())


@pytest.mark.parametrize("town", TOWNS)
def test_example_town_in_range_agrees_with_independent_geodesy(border_reach, town):
    briefing, layers = border_reach
    place = next(f for f in briefing.geodata.places if f["properties"]["name"] == town)
    independent_m = _russia_m(*place["geometry"]["coordinates"])
    markers = {f["properties"]["name"]: f["properties"] for f in layers["ranges"]
               if f["properties"].get("marker") == "in-range"}
    assert (town in markers) is (independent_m <= 120_000)
    if town in markers:
        assert markers[town]["distance_m"] == pytest.approx(independent_m, abs=100)


# -- the starter -------------------------------------------------------------------------------


def test_new_briefing_renders_as_it_is(run, tmp_path):
    result = run("new-briefing", "my-plan")
    assert result.exit_code == 0, result.output
    path = tmp_path / "my-plan.toml"
    text = path.read_text(encoding="utf-8")
    assert 'title = "My plan"' in text
    assert "mapper render my-plan.toml" in text
    assert "wrote my-plan.toml" in result.stderr
    rendered = run("render", "my-plan.toml", "-o", "plan.html")
    assert rendered.exit_code == 0, rendered.output
    assert "<title>My plan</title>" in (tmp_path / "plan.html").read_text(encoding="utf-8")


def test_new_briefing_refuses_to_overwrite(run, tmp_path):
    assert run("new-briefing", "my-plan").exit_code == 0
    path = tmp_path / "my-plan.toml"
    path.write_text('title = "Mine"\n', encoding="utf-8")
    again = run("new-briefing", "my-plan")
    assert again.exit_code == 1
    assert again.stderr == "Error: my-plan.toml: already exists; use --overwrite to replace it\n"
    assert path.read_text(encoding="utf-8") == 'title = "Mine"\n'
    assert run("new-briefing", "my-plan.toml", "--overwrite").exit_code == 0
    assert 'title = "My plan"' in path.read_text(encoding="utf-8")


def test_starter_loads(geodata, tmp_path):
    briefing = load_briefing(write_starter(tmp_path / "starter"), geodata)
    assert briefing.title == "Starter" and briefing.tiles is None
    # A briefing starts empty: the starter names no data and every table is commented out.
    assert briefing.ranges == () and briefing.routes == ()
    assert not briefing.geodata.places and not briefing.geodata.sources and not briefing.geodata.routes


# -- errors: PATH:LINE: KEY: message ---------------------------------------------------------


BAD_CSV = "name,lat,lon,kind,source\nAkhtyrka,50.3,34.9,town,gazetteer\nRomny,abc,33.47,town,gazetteer\n"
KYIV_CSV = "id,name,lat,lon,kind,source\nfoo,Foo,50.1,30.1,town,s\nkyiv,Kyiv again,50.45,30.52,city,s\n"

ERRORS = {
    "unknown-top-key": ('titel = "x"\n', {}, "{path}:1: titel: unknown key; use " + TOP_KEYS),
    "second-range-system": ('title = "x"\n' + STORY + '\n[[ranges]]\nsystem = "fath-360"\ncentre = "kyiv"\n\n'
                            '[[ranges]]\nid = "b"\nsystem = "fath-999"\ncentre = "kursk"\n', {},
                            "{path}:10: ranges[1].system: unknown weapon system 'fath-999'; known: fath-360"),
    "zoom-out-of-range": ('title = "x"\n' + STORY + '[view]\ncentre = "kharkiv"\nzoom = 25\n', {},
                          "{path}:5: view.zoom: must be a whole number from 0 to 18"),
    "zoom-not-whole": ('title = "x"\n' + STORY + '[view]\ncentre = "kharkiv"\nzoom = 6.5\n', {},
                       "{path}:5: view.zoom: must be a whole number from 0 to 18"),
    "centre-and-area": ('title = "x"\n' + STORY + '[[ranges]]\nsystem = "fath-360"\ncentre = "kyiv"\n'
                        'area = "Russia"\n', {},
                        "{path}:3: ranges[0]: give either centre (a place or {{lat, lon}}) or area "
                        "(a country or .geojson file)"),
    "centre-and-area-second-table": ('title = "x"\n' + STORY + '\n[[ranges]]\nsystem = "fath-360"\ncentre = "kyiv"\n\n'
                                     '[[ranges]]\nsystem = "fath-360"\ncentre = "kursk"\narea = "Russia"\n', {},
                                     "{path}:8: ranges[1]: give either centre (a place or {{lat, lon}}) or area "
                                     "(a country or .geojson file)"),
    "view-without-zoom": ('title = "x"\n\n[view]\ncentre = "kyiv"\n', {},
                          "{path}:3: view: zoom missing: give centre and zoom, or bounds"),
    "route-mode": ('title = "x"\n' + STORY + '[[routes]]\nfrom = "bandar anzali"\nto = "astrakhan"\nmode = "air"\n', {},
                   "{path}:6: routes[0].mode: 'air': use one of sea, river, straight, great-circle"),
    "route-place": ('title = "x"\n' + STORY + '[[routes]]\nfrom = "bandar anzali"\nto = "atlantis"\n', {},
                    "{path}:5: routes[0].to: unknown place 'atlantis'; run 'mapper places' for the list"),
    "range-area-country": ('title = "x"\n' + STORY + '[[ranges]]\nsystem = "fath-360"\narea = "Narnia"\n', {},
                           "{path}:5: ranges[0].area: unknown country 'Narnia'; did you mean 'Armenia'?"),
    "places-file-missing": ('title = "x"\nplaces = ["nope.csv"]\n', {},
                            "{path}:2: places: {folder}/nope.csv: places file not found"),
    "csv-lat-abc": ('title = "x"\nplaces = ["bad.csv"]\n', {"bad.csv": BAD_CSV},
                    "{path}:2: places: {folder}/bad.csv: line 3: column 'lat': not a number: 'abc'"),
    "csv-duplicates-kyiv": ('title = "x"\n' + STORY + 'places = ["dup.csv"]\n', {"dup.csv": KYIV_CSV},
                            "{path}:3: places: dup.csv:3: id 'kyiv' is already a place; give it another id "
                            "(an 'id' column) or leave it out"),
    "data-folder-missing": ('title = "x"\ndata = ["nowhere"]\n', {},
                            "{path}:2: data: {folder}/nowhere: data folder not found"),
    "layer-unknown": ('title = "x"\nlayers = ["places", "roads"]\n', {},
                      "{path}:2: layers: unknown layer 'roads'; use ranges, sea-routes, river-routes, supply-flows, "
                      "events, places"),
    "title-missing": ('subtitle = "x"\n', {}, "{path}: title: missing"),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_briefing_error_names_file_line_and_key(geodata, tmp_path, case):
    text, files, expected = ERRORS[case]
    for name, content in files.items():
        _write(tmp_path, name, content)
    path = _write(tmp_path, "brief.toml", text)
    with pytest.raises(DataError) as caught:
        load_briefing(path, geodata)
    assert str(caught.value) == expected.format(path=path, folder=tmp_path.resolve())


def test_unknown_basemap_is_named_with_its_line(geodata, tmp_path):
    path = _write(tmp_path, "brief.toml", 'title = "x"\nbasemap = "OpenStreetMap.Mapnk"\n')
    with pytest.raises(DataError) as caught:
        load_briefing(path, geodata)
    message = str(caught.value)
    assert message.startswith(f"{path}:2: basemap: tile provider 'OpenStreetMap.Mapnk': not an xyzservices provider")
    assert message.endswith('or "offline"') and "\n" not in message


def test_invalid_toml_names_the_line(geodata, tmp_path):
    path = _write(tmp_path, "brief.toml", 'title = "x"\nlayers = [\n"places",,\n]\n')
    with pytest.raises(DataError) as caught:
        load_briefing(path, geodata)
    message = str(caught.value)
    assert message.startswith(f"{path}: invalid TOML: ")
    assert "line 3" in message
    assert "\n" not in message


def test_cli_reports_a_briefing_error_in_one_line(run, tmp_path):
    path = _write(tmp_path, "brief.toml", 'title = "x"\n' + STORY + '[view]\ncentre = "kharkiv"\nzoom = 25\n')
    result = run("render", str(path), "-o", "map.html")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {path}:5: view.zoom: must be a whole number from 0 to 18\n"
    assert not (tmp_path / "map.html").exists()


# -- what a briefing can ask for ------------------------------------------------------------------


ROUTES = '''title = "Routes"
data = ["iran-russia"]
layers = ["sea-routes", "supply-flows"]

[filter]
exclude = ["caspian-anzali-astrakhan", "caspian-amirabad-olya", "caspian-astara-makhachkala",
           "caspian-nowshahr-makhachkala", "flow-iran-to-russia", "flow-russia-to-iran", "flow-alabuga-to-kyiv"]

[[routes]]
from = "bandar anzali"
to = "astrakhan"
mode = "sea"

[[routes]]
id = "tehran-moscow"
from = "tehran"
to = "moscow"
mode = "great-circle"
'''


@pytest.fixture(scope="module")
def routed(geodata, tmp_path_factory):
    return _layers(geodata, _write(tmp_path_factory.mktemp("routes"), "routes.toml", ROUTES))


def test_sea_route_is_computed(routed):
    briefing, layers = routed
    assert [f["properties"]["id"] for f in layers["sea-routes"]] == ["route-1"]
    props = layers["sea-routes"][0]["properties"]
    assert props["kind"] == "sea-route" and props["routing_mode"] == "sea"
    assert props["length_m"] == pytest.approx(1_044_000, abs=2_000)
    assert [p["id"] for p in props["passes"]] == ["volga-delta"]
    assert props["name"] == "Bandar Anzali → Astrakhan"
    assert props["basis"] == "assumption"
    line = layers["sea-routes"][0]["geometry"]
    assert line["type"] == "LineString"
    start, end = line["coordinates"][0], line["coordinates"][-1]
    assert start == pytest.approx(briefing.geodata.place("bandar-anzali")["geometry"]["coordinates"])
    assert end == pytest.approx(briefing.geodata.place("astrakhan")["geometry"]["coordinates"])


def test_great_circle_route_is_a_supply_flow(routed, geodata):
    _, layers = routed
    flows = [f for f in layers["supply-flows"] if f["properties"]["id"] == "tehran-moscow"]
    assert len(flows) == 1
    props = flows[0]["properties"]
    # mode = "great-circle" is the old name of straight, and still read.
    assert props["kind"] == "supply-flow" and props["routing_mode"] == "straight"
    _, _, expected_m = WGS84.inv(51.4231, 35.6961, 37.6178, 55.7517)
    assert props["length_m"] == pytest.approx(expected_m, rel=1e-6)
    # A straight line is not a path anything sails: no speed, no sailing time.
    assert "speed_kn" not in props and "sailing_time_h" not in props
    assert [leg["kind"] for leg in props["legs"]] == ["great-circle"]


AVOID = STORY + '''
title = "Around Africa"
places = [
  { id = "latakia", name = "Latakia", lat = 35.52, lon = 35.78, kind = "port", source = "Gazetteer" },
  { id = "aden", name = "Aden", lat = 12.8, lon = 45.0, kind = "port", source = "Gazetteer" },
]
layers = ["sea-routes", "places"]

[[routes]]
id = "through-suez"
from = "latakia"
to = "aden"

[[routes]]
id = "around-africa"
from = "latakia"
to = "aden"
avoid = ["Suez Canal"]
'''


def test_a_briefing_route_avoids_what_it_names(geodata, tmp_path):
    briefing, layers = _layers(geodata, _write(tmp_path, "avoid.toml", AVOID))
    assert [spec.avoid for spec in briefing.routes] == [(), ("suez",)]
    through, around = ({f["properties"]["id"]: f["properties"] for f in layers["sea-routes"]}[k]
                       for k in ("through-suez", "around-africa"))
    assert [p["id"] for p in through["passes"]] == ["suez", "bab-el-mandeb"] and "avoid" not in through
    assert around["avoid"] == ["suez"] and "suez" not in [p["id"] for p in around["passes"]]
    assert around["length_m"] > 5 * through["length_m"]
    html = feature_popup(through, geodata.sources)
    assert "<b>Passes:</b> Suez Canal, Bab-el-Mandeb." in html


def test_a_briefing_route_names_an_unknown_avoid_at_its_line(geodata, tmp_path):
    path = _write(tmp_path, "avoid.toml", AVOID.replace('avoid = ["Suez Canal"]', 'avoid = ["suez canel"]'))
    with pytest.raises(DataError) as caught:
        load_briefing(path, geodata)
    assert str(caught.value) == (f"{path}:19: routes[1].avoid: 'suez canel' is not a canal or strait of "
                                 "waterways.json; did you mean suez canal, suez-canal, kiel canal?")


def test_great_circle_popup_says_it_is_a_straight_line(routed, geodata):
    _, layers = routed
    props = next(f["properties"] for f in layers["supply-flows"] if f["properties"]["id"] == "tehran-moscow")
    html = feature_popup(props, geodata.sources)
    assert "Straight great-circle line</b> between its places" in html and "not a path" in html
    assert "Sailing time" not in html and "Leg" not in html
    assert all(f["properties"]["id"] == "tehran-moscow" for f in layers["supply-flows"])  # stored ones filtered


def _calls(html, function):
    return re.findall(rf"{function}\(map_[0-9a-f]+, (.*)\);", html)


def test_view_bounds_and_centre_reach_the_html(geodata, tmp_path):
    bounds = _write(tmp_path, "bounds.toml", 'title = "x"\n' + STORY + 'layers = ["places"]\n[view]\n'
                                             'bounds = { south = 44.0, west = 29.5, north = 53.5, east = 41.0 }\n')
    briefing = load_briefing(bounds, geodata)
    assert briefing.view.bounds == (29.5, 44.0, 41.0, 53.5)  # (west, south, east, north)
    html = render_html(briefing.geodata, briefing)
    assert _calls(html, r"mapperRuntime\.fit") == ["[[44.0,29.5],[53.5,41.0]]"]
    assert _calls(html, r"mapperRuntime\.view") == []
    centre = _write(tmp_path, "centre.toml", 'title = "x"\n' + STORY + 'layers = ["places"]\n[view]\n'
                                             'centre = "kharkiv"\nzoom = 7\n')
    briefing = load_briefing(centre, geodata)
    assert briefing.view.centre == LonLat(36.2311, 49.9925) and briefing.view.zoom == 7
    html = render_html(briefing.geodata, briefing)
    assert _calls(html, r"mapperRuntime\.view") == ["[49.9925,36.2311], 7"]
    assert _calls(html, r"mapperRuntime\.fit") == []
    lat_lon = _write(tmp_path, "latlon.toml", 'title = "x"\n' + STORY + 'layers = ["places"]\n[view]\n'
                                              'centre = { lat = 50.0, lon = 36.25 }\nzoom = 0\n')
    assert load_briefing(lat_lon, geodata).view.centre == LonLat(36.25, 50.0)


def test_no_view_fits_the_content(geodata, tmp_path):
    path = _write(tmp_path, "fit.toml", 'title = "x"\n' + STORY + 'layers = ["places"]\n[filter]\n'
                                        'ids = ["kyiv", "moscow"]\n')
    briefing = load_briefing(path, geodata)
    assert briefing.view is None
    html = render_html(briefing.geodata, briefing)
    assert _calls(html, r"mapperRuntime\.fit") == ["[[50.45,30.5233],[55.7517,37.6178]]"]


def test_online_basemap(run, tmp_path):
    _write(tmp_path, "online.toml", 'title = "Online"\nbasemap = "OpenStreetMap.Mapnik"\nlayers = ["places"]\n')
    result = run("render", "online.toml", "-o", "on.html")
    assert result.exit_code == 0, result.output
    assert "(online, " in result.stderr
    html = (tmp_path / "on.html").read_text(encoding="utf-8")
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in html
    assert "mapperRuntime.basemap(map_" not in html
    assert assets.LEAFLET_JS.cdn_url in html
    assert assets.asset_text(assets.LEAFLET_JS) not in html  # not inlined
    offline = run("render", "online.toml", "--offline", "-o", "off.html")
    assert offline.exit_code == 0, offline.output
    assert "(offline, " in offline.stderr
    html = (tmp_path / "off.html").read_text(encoding="utf-8")
    assert "tile.openstreetmap.org" not in html
    assert f"<script>{assets.asset_text(assets.LEAFLET_JS)}</script>" in html
    assert "mapperRuntime.basemap(map_" in html


def test_offline_basemap_is_the_default(geodata, tmp_path):
    path = _write(tmp_path, "b.toml", 'title = "x"\nbasemap = "offline"\n')
    assert load_briefing(path, geodata).tiles is None


# -- merged data ---------------------------------------------------------------------------------


def _place_feature(place_id, name, lon, lat):
    return {"type": "Feature", "id": place_id, "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"id": place_id, "name": name, "aliases": [], "kind": "town", "country": "UA",
                           "basis": "gazetteer", "note": "Added for a test.",
                           "location_source": "Wikipedia, “Izium”, 49°12′46″N 37°15′25″E"}}


def _data_folder(tmp_path, name, *features):
    folder = tmp_path.resolve() / name
    folder.mkdir()
    (folder / "places.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": list(features)}),
                                           encoding="utf-8")
    return folder


def test_merged_folder_place_is_a_range_centre(geodata, tmp_path):
    _data_folder(tmp_path, "extra", _place_feature("izium-test", "Izium Test", 37.2569, 49.2128))
    path = _write(tmp_path, "extra.toml", 'title = "x"\ndata = ["iran-russia", "extra"]\n'
                                          'layers = ["places", "ranges"]\n'
                                          '[[ranges]]\nsystem = "fath-360"\ncentre = "izium test"\n')
    briefing, layers = _layers(geodata, path)
    assert briefing.ranges[0].centre_place_id == "izium-test"
    assert "izium-test" in {f["properties"]["id"] for f in layers["places"]}
    ring = next(f for f in layers["ranges"] if f["properties"]["id"] == "range-1")
    assert ring["properties"]["centre"] == [37.2569, 49.2128]
    inside = {p["id"]: p["distance_m"] for p in ring["properties"]["places_inside"]}
    _, _, to_kramatorsk = WGS84.inv(37.2569, 49.2128, 37.5839, 48.7392)
    assert inside["kramatorsk"] == pytest.approx(to_kramatorsk, abs=0.01)
    assert "izium-test" not in inside
    assert "izium-test" not in {p["properties"]["id"] for p in geodata.places}  # the given geodata is untouched


def test_merged_folder_id_already_taken(geodata, tmp_path):
    folder = _data_folder(tmp_path, "dup", _place_feature("kharkiv", "Kharkiv again", 36.23, 49.99))
    path = _write(tmp_path, "dup.toml", 'title = "x"\ndata = ["iran-russia", "dup"]\n')
    with pytest.raises(DataError) as caught:
        load_briefing(path, geodata)
    assert str(caught.value) == (f"{path}:2: data: {folder / 'places.geojson'}: id 'kharkiv' is already defined "
                                 "in the geodata it is merged into")


def test_merged_folder_with_a_duplicate_inside(geodata, tmp_path):
    twice = _place_feature("izium-test", "Izium Test", 37.2569, 49.2128)
    folder = _data_folder(tmp_path, "twice", twice, twice)
    path = _write(tmp_path, "twice.toml", 'title = "x"\ndata = ["twice"]\n')
    with pytest.raises(DataError) as caught:
        load_briefing(path, geodata)
    assert str(caught.value) == f"{path}:2: data: {folder / 'places.geojson'}: id 'izium-test' is defined twice"


def test_user_places_are_relative_to_the_briefing(geodata, tmp_path):
    sub = tmp_path / "sub"
    sub.mkdir()
    _write(sub, "towns.csv", "name,lat,lon,kind,source\nOkhtyrka,50.3031,34.8919,town,Wikipedia\n")
    path = _write(sub, "b.toml", 'title = "x"\n' + STORY + 'places = ["towns.csv"]\nlayers = ["places", "ranges"]\n'
                                 '[[ranges]]\nsystem = "fath-360"\ncentre = "okhtyrka"\n')
    briefing = load_briefing(Path(path), geodata)
    assert briefing.ranges[0].centre_place_id == "okhtyrka"
    assert briefing.geodata.place("okhtyrka")["properties"]["origin"] == "towns.csv:2"


# -- review fixes ------------------------------------------------------------------------------


@pytest.mark.parametrize("table, message", [
    ('[filter]\nkinds = ["citys"]\n', "filter.kinds: unknown 'citys'; use town, site, city"),
    ('[filter]\nexclude = ["kyyiv"]\n', "filter.exclude: unknown 'kyyiv' (ids of places, routes or events"),
    ('[[ranges]]\nid = "kyiv"\nsystem = "fath-360"\ncentre = "kursk"\n', "ranges[0].id: 'kyiv' is already used"),
])
def test_filter_names_and_ids_are_checked(geodata, tmp_path, table, message):
    path = _write(tmp_path, "brief.toml", f'title = "x"\n{STORY}\n{table}')
    with pytest.raises(DataError) as caught:
        load_briefing(path, geodata)
    assert str(caught.value).startswith(f"{path}:") and message in str(caught.value)


def test_events_follow_their_place_in_the_filter(geodata, tmp_path):
    path = _write(tmp_path, "brief.toml", 'title = "x"\n' + STORY + 'layers = ["events", "sea-routes"]\n\n'
                                          '[filter]\nids = ["tehran"]\nkinds = ["capital"]\n')
    briefing = load_briefing(path, geodata)
    layers = {layer.key: layer.features for layer in build_layers(geodata, briefing)}
    assert [f["properties"]["place"] for f in layers["events"]] == ["tehran"]
    assert layers["sea-routes"] == []  # ids choose routes too; kinds choose places only


@pytest.mark.parametrize("name", ["", "   ", "."])
def test_new_briefing_refuses_an_empty_name(run, name):
    result = run("new-briefing", name)
    assert result.exit_code == 2
    assert result.stderr == f"Error: briefing name {name!r}: give a file name such as my-briefing\n"


def test_new_briefing_with_an_awkward_name_still_renders(run, tmp_path, geodata):
    assert run("new-briefing", 'we\\ird {name} "x"').exit_code == 0
    result = run("render", 'we\\ird {name} "x".toml', "-o", "map.html")
    assert result.exit_code == 0, result.output
    assert load_briefing(tmp_path / 'we\\ird {name} "x".toml', geodata).title == 'We\\ird {name} "x"'
