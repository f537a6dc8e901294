"""The water router: sea lanes that never cross land, river legs on the rivers, clear refusals."""

import json
import re

import numpy as np
import pytest
import shapely
from conftest import DATA_DIR
from shapely.geometry import LineString, shape

from mapper.compose.layers import build_layers
from mapper.core.points import LonLat
from mapper.core.units import parse_speed_m_s
from mapper.core.vocab import MODES
from mapper.errors import DataError
from mapper.geo import geodesy, routing, waternet
from mapper.load.briefing import default_briefing_path, load_briefing
from mapper.load.bundled import basemap_path
from mapper.load.files import read_json
from mapper.load.lookup import NamedPoint, resolve_point
from mapper.load.waterways import load_registry

LAND_SHRINK_M = 1_000.0
PORT_SNAP_LIMIT_M = 5_000.0


@pytest.fixture(scope="module")
def land():
    parts = [shape(f["geometry"]) for f in read_json(basemap_path(DATA_DIR))["features"]
             if f["properties"]["layer"] == "land"]
    return shapely.union_all(parts)


@pytest.fixture(scope="module")
def caspian_land(land):
    """The land around the Caspian shrunk by 1 km, in the Caspian's gnomonic projection (metres)."""
    projector = waternet.Gnomonic(50.5, 42.0)
    shrunk = projector.geometry(shapely.clip_by_rect(land, 44, 34, 58, 49)).buffer(-LAND_SHRINK_M)
    shapely.prepare(shrunk)
    return projector, shrunk


@pytest.fixture(scope="module")
def rivers():
    parts = [shape(f["geometry"]) for f in read_json(basemap_path(DATA_DIR))["features"]
             if f["properties"]["layer"] == "river"]
    return shapely.union_all(parts)


def sea_routes(geodata):
    for route in geodata.routes:
        props = route["properties"]
        if props["kind"] == "sea-route":
            stops = [NamedPoint(props[end], LonLat(*geodata.place(props[end])["geometry"]["coordinates"]), props[end])
                     for end in ("from", "to")]
            yield props["id"], routing.route(DATA_DIR, stops, props["routing"]["mode"])


def test_default_sea_routes_cross_no_land(geodata, caspian_land, rivers):
    projector, shrunk_land = caspian_land
    routes = dict(sea_routes(geodata))
    assert len(routes) == 4
    for route_id, route in routes.items():
        for leg in route.legs:
            line = LineString(geodesy.geodesic_coords(leg.points, max_segment_m=1_000))
            if leg.kind == "sea":
                assert shrunk_land.intersection(projector.geometry(line)).is_empty, route_id
            elif leg.kind == "port-snap":
                assert leg.length_m <= PORT_SNAP_LIMIT_M, (route_id, leg)
            elif leg.kind == "connection":  # the Volga delta: from the river's end to open water
                assert leg.water == "volga-delta" and leg.length_m < 5_000, route_id
            else:  # up the delta to Astrakhan or Olya, on Natural Earth's Volga
                assert leg.kind == "river" and rivers.distance(LineString([(p.lon, p.lat) for p in leg.points])
                                                               .interpolate(0.5, normalized=True)) < 1e-3
                assert all(rivers.distance(shapely.Point(p.lon, p.lat)) < 1e-3 for p in leg.points[1:-1])
        assert [leg.kind for leg in route.legs if leg.kind != "port-snap"][0] == "sea"


def test_the_map_draws_the_routes_that_were_checked(geodata):
    briefing = load_briefing(default_briefing_path(DATA_DIR), geodata)
    drawn = {f["properties"]["id"]: f for layer in build_layers(geodata, briefing) if layer.key == "sea-routes"
             for f in layer.features}
    for route_id, route in sea_routes(geodata):
        assert drawn[route_id]["geometry"]["coordinates"] == [list(c) for c in route.line().coords]
        assert drawn[route_id]["properties"]["length_m"] == pytest.approx(route.length_m)
        assert [leg["kind"] for leg in drawn[route_id]["properties"]["legs"]] == [leg.kind for leg in route.legs]


def test_route_length_is_the_geodesic_length_of_the_drawn_line(geodata):
    for _, route in sea_routes(geodata):
        assert geodesy.line_length_m(route.line()) == pytest.approx(route.length_m, rel=1e-9)


def test_cli_anzali_to_astrakhan_stays_in_the_caspian_and_the_delta(run, caspian_land, rivers):
    result = run("route", "bandar anzali", "astrakhan", "--json")
    assert result.exit_code == 0, result.output
    feature = json.loads(result.stdout)
    props = feature["properties"]
    assert [leg["kind"] for leg in props["legs"]] == ["port-snap", "sea", "connection", "river", "port-snap"]
    assert props["length_km"] == pytest.approx(props["length_m"] / 1000)
    assert props["length_nmi"] == pytest.approx(props["length_m"] / 1852)
    assert 900 < props["length_km"] < 1200
    assert props["sailing_time_h"] == pytest.approx(props["length_m"] / (10 * 1852 / 3600) / 3600)
    projector, shrunk_land = caspian_land
    line = shape(feature["geometry"])
    over_land = shrunk_land.intersection(projector.geometry(line))
    # What crosses land is the delta: within 1 km of Natural Earth's Volga, or the 5 km port snaps.
    volga = projector.geometry(rivers).buffer(1_000)
    ends = shapely.union_all([shapely.Point(projector.xy(LonLat(*line.coords[i]))).buffer(PORT_SNAP_LIMIT_M)
                              for i in (0, -1)])
    assert over_land.difference(volga.union(ends)).length < 1.0


def test_cli_text_reports_length_time_and_snaps(run):
    result = run("route", "astara", "makhachkala", "--speed", "12kn")
    assert result.exit_code == 0, result.output
    first, *rest = result.stdout.splitlines()
    assert first.startswith("Astara → Makhachkala (sea): ") and " nmi); " in first and first.endswith("at 12kn")
    assert any(line.strip().startswith("Astara joins caspian-sea") for line in rest)


def test_river_route_follows_the_volga_and_kama(geodata):
    route = routing.route(DATA_DIR, [resolve_point(geodata, "astrakhan"), resolve_point(geodata, "alabuga")], "river")
    river = next(leg for leg in route.legs if leg.kind == "river")
    coords = np.array([(p.lon, p.lat) for p in river.points])
    # Up the Volga past Volgograd and Samara, then up the Kama from its mouth below Kazan.
    for lon, lat in ((44.5, 48.7), (50.1, 53.2), (49.24, 55.11)):
        assert np.hypot(coords[:, 0] - lon, coords[:, 1] - lat).min() < 0.3, (lon, lat)
    straight_m = geodesy.inverse(route.legs[0].points[0], route.legs[-1].points[-1]).distance_m
    assert route.length_m > 1.4 * straight_m


def test_different_waters_are_refused(run, tmp_path):
    result = run("route", "bandar anzali", "44.72,37.77", "-o", "lane.geojson")  # Novorossiysk, Black Sea
    assert result.exit_code == 1
    assert result.stderr.strip() == ("Error: Bandar Anzali is on the Caspian Sea and 44.72000,37.77000 on the Black "
                                     "Sea and Sea of Azov: no allowed connection joins them (see "
                                     f"{DATA_DIR / 'waterways.json'})")
    assert not (tmp_path / "lane.geojson").exists()


def test_no_water_near_a_point(run):
    """Inside the network's boxes but far from its water: inland, as far as the network knows."""
    result = run("route", "50.0,48.5", "astrakhan")  # the steppe between the Volga and the Ural
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: 50.00000,48.50000: no navigable water within 25 km (nearest: "
                                    "Volga–Kama waterway, ")


@pytest.mark.parametrize("start, label, nearest", [
    ("-33.87,151.21", "-33.87000,151.21000", ""),  # Sydney: nothing listed anywhere near
    ("35.52,35.78", "35.52000,35.78000", ""),  # Latakia, on the Mediterranean
    ("40.65,27.8", "40.65000,27.80000", "nearest: Black Sea and Sea of Azov, [0-9]+ km; "),  # the Sea of Marmara
    ("tehran", "Tehran", "nearest: Caspian Sea, [0-9]+ km; "),  # inland, south of the Caspian's box
])
def test_water_outside_the_network_is_named_as_such(run, start, label, nearest):
    result = run("route", start, "astrakhan")
    assert result.exit_code == 1
    message = result.stderr.strip()
    assert re.match(rf"Error: {re.escape(label)} is outside the water network's coverage \({nearest}it covers Caspian "
                    "Sea, 36°N–47.5°N, 46°E–55.5°E; ", message), message
    assert "no navigable water" not in message and len(message.splitlines()) == 1


def test_river_mode_covers_only_the_rivers(run):
    result = run("route", "astara", "astrakhan", "--mode", "river")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Astara is outside the water network's coverage (it covers Volga–Kama "
                                    "waterway, 45.5°N–58.6°N, 44°E–57°E; see ")


def test_cli_great_circle_is_a_line_not_a_route(run):
    result = run("route", "tehran", "moscow", "--mode", "great-circle")
    assert result.exit_code == 0, result.output
    line, = result.stdout.splitlines()
    assert line.startswith("Tehran → Moscow (great circle): 2,464.0 km (1,330.5 nmi); the straight geodesic line")
    assert "not a route" in line and " at " not in line and " d " not in line and " h " not in line
    props = json.loads(run("route", "tehran", "moscow", "--mode", "great-circle", "--json").stdout)["properties"]
    assert props["kind"] == "great-circle" and "sailing_time_h" not in props and "speed_m_s" not in props
    assert props["length_m"] == pytest.approx(2_464_000, abs=100)


def test_cli_great_circle_refuses_a_speed(run):
    result = run("route", "tehran", "moscow", "--mode", "great-circle", "--speed", "400kn")
    assert result.exit_code == 2
    assert "--speed: a great circle is a straight line, not a route anything sails" in result.stderr


def test_great_circle_is_the_geodesic(geodata):
    a, b = resolve_point(geodata, "tehran"), resolve_point(geodata, "moscow")
    route = routing.route(DATA_DIR, [a, b], "great-circle")
    assert route.length_m == pytest.approx(geodesy.inverse(a.point, b.point).distance_m)


def test_via_joins_routes(geodata):
    stops = [resolve_point(geodata, q) for q in ("astara", "makhachkala", "olya")]
    whole = routing.route(DATA_DIR, stops, "sea")
    parts = [routing.route(DATA_DIR, pair, "sea") for pair in (stops[:2], stops[1:])]
    assert whole.length_m == pytest.approx(sum(p.length_m for p in parts))


@pytest.mark.parametrize("text, m_s", [("12kn", 12 * 1852 / 3600), ("20 km/h", 20 / 3.6), ("5m/s", 5.0),
                                        ("15mph", 15 * 1609.344 / 3600)])
def test_speeds(text, m_s):
    assert parse_speed_m_s(text) == pytest.approx(m_s)


@pytest.mark.parametrize("args, message", [
    (["--speed", "0kn"], "Error: speed '0kn' must be greater than zero"),
    (["--speed", "fast"], "Error: cannot read 'fast' as a speed"),
    (["--mode", "air"], "Invalid value for '--mode'"),
    (["--via", "atlantis"], "Error: unknown place 'atlantis'"),
])
def test_route_usage_errors(run, args, message):
    result = run("route", "astara", "makhachkala", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_waterways_registry_faults_are_named(data_copy):
    path = data_copy / "waterways.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["connections"][0]["between"] = ["caspian-sea", "amazon"]
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(DataError, match=r"waterways.json: connections\[0\]: between must name two listed waters"):
        load_registry(data_copy)


def test_cli_offers_every_mode():
    from mapper.cli.route import route

    mode = next(param for param in route.params if param.name == "mode")
    assert tuple(mode.type.choices) == MODES
