"""The water router: sea lanes that never cross land, on every sea; canals and straits named and closable; refusals."""

import json
import math
import re

import numpy as np
import pytest
import rfc7946
import shapely
from conftest import DATA_DIR
from shapely.geometry import LineString, shape

from mapper.compose.layers import build_layers
from mapper.core.points import LonLat
from mapper.core.units import parse_speed_m_s
from mapper.core.vocab import MODE_ALIASES, MODES
from mapper.errors import DataError, InputError, NoRouteError
from mapper.geo import geodesy, routing, waternet
from mapper.load import watercache
from mapper.load.basemap import fine_land_files, fine_land_parts
from mapper.load.briefing import default_briefing_path, load_briefing
from mapper.load.bundled import basemap_path
from mapper.load.files import read_json
from mapper.load.lookup import NamedPoint, resolve_point
from mapper.load.waterways import load_registry

LAND_SHRINK_M = 1_000.0
PORT_SNAP_LIMIT_M = 5_000.0
SAMPLE_M = 500.0  # sea legs are sampled this often against the land
M_PER_DEG = 111_320.0

# Port pairs on every ocean, through the canals and straits that matter (LAT,LON as the CLI takes them).
PAIRS = {
    "suez": ("35.52,35.78", "12.8,45.0"),  # Latakia → Aden
    "cape": ("35.52,35.78", "12.8,45.0", "suez"),  # the same, around Africa
    "panama": ("17.95,-76.8", "-12.05,-77.15"),  # Kingston → Callao
    "bosporus": ("44.17,28.66", "37.94,23.62"),  # Constanța → Piraeus
    "gibraltar": ("51.98,4.05", "41.35,2.17"),  # Rotterdam (Europoort) → Barcelona
    "malacca": ("6.93,79.85", "22.28,114.17"),  # Colombo → Hong Kong
    "pacific": ("35.45,139.65", "33.75,-118.2"),  # Yokohama → Long Beach, across ±180°
    "danish": ("54.4,18.66", "59.9,10.7"),  # Gdańsk → Oslo
    "korea": ("35.1,129.04", "43.1,131.9"),  # Busan → Vladivostok
    "tasman": ("-33.87,151.21", "-36.85,174.77"),  # Sydney → Auckland
    "gulf": ("21.5,39.15", "25.27,55.3"),  # Jeddah → Dubai
    "kola": ("68.98,33.05", "51.98,4.05"),  # Murmansk, up the Kola Bay → Rotterdam
    "harbour": ("22.27,114.2", "-23.95,-46.3"),  # Hong Kong's harbour → Santos, up its channel
    "skerries": ("59.33,18.07", "60.17,24.95"),  # Stockholm, through its archipelago → Helsinki
}


@pytest.fixture(scope="module")
def land():
    """Natural Earth 1:10m land (the tiles `make basemap` builds), with an index."""
    parts = np.array(fine_land_parts(fine_land_files()), dtype=object)
    return parts, shapely.STRtree(parts)


def m_over_shrunk_land(coords, land):
    """Metres of the line through ``coords`` (lon, lat) over the 1:10m land shrunk by LAND_SHRINK_M.

    The line is sampled every SAMPLE_M; a sample counts when it is inside
    the land and more than LAND_SHRINK_M from its coast (measured in a
    local equirectangular frame, good to a fraction of a percent here).
    """
    parts, tree = land
    coords = np.array(coords, dtype=float)
    samples = []
    for (lon0, lat0), (lon1, lat1) in zip(coords, coords[1:]):
        dlon = (lon1 - lon0 + 180.0) % 360.0 - 180.0
        span_m = math.hypot(dlon * math.cos(math.radians(lat0)), lat1 - lat0) * M_PER_DEG
        t = np.linspace(0.0, 1.0, max(2, math.ceil(span_m / SAMPLE_M) + 1))
        lon = (lon0 + t * dlon + 180.0) % 360.0 - 180.0
        samples.append(np.column_stack([lon, lat0 + t * (lat1 - lat0)]))
    samples = np.concatenate(samples)
    points = shapely.points(samples)
    inside, part = tree.query(points, predicate="within")
    over = 0
    for i, p in zip(inside, part):
        lon, lat = samples[i]
        scale = math.cos(math.radians(lat))
        local = shapely.transform(shapely.clip_by_rect(parts[p], lon - 0.2 / scale, lat - 0.2, lon + 0.2 / scale,
                                                       lat + 0.2), lambda xy: (xy - [lon, lat]) * [scale, 1.0])
        if shapely.distance(local.boundary, shapely.Point(0, 0)) * M_PER_DEG > LAND_SHRINK_M:
            over += 1
    return over * SAMPLE_M


def stops_of(geodata, *queries):
    return [resolve_point(geodata, q) for q in queries]


def sea_routes(geodata):
    for route in geodata.routes:
        props = route["properties"]
        if props["kind"] == "sea-route":
            stops = [NamedPoint(props[end], LonLat(*geodata.place(props[end])["geometry"]["coordinates"]), props[end])
                     for end in ("from", "to")]
            yield props["id"], routing.route(DATA_DIR, stops, props["routing"]["mode"])


@pytest.fixture(scope="module")
def rivers():
    parts = [shape(f["geometry"]) for f in read_json(basemap_path(DATA_DIR))["features"]
             if f["properties"]["layer"] == "river"]
    return shapely.union_all(parts)


# -- the default briefing's lanes keep their meaning ------------------------------------------


def test_default_sea_routes_cross_no_land(geodata, land, rivers):
    routes = dict(sea_routes(geodata))
    assert len(routes) == 4
    for route_id, route in routes.items():
        for leg in route.legs:
            if leg.kind == "sea":
                assert leg.water == "caspian-sea", route_id
                assert m_over_shrunk_land(leg.coords(), land) == 0, route_id
            elif leg.kind == "port-snap":
                assert leg.length_m <= PORT_SNAP_LIMIT_M, (route_id, leg)
            elif leg.kind == "connection":  # the Volga delta: from the river's end to open water
                assert leg.water == "volga-delta" and leg.length_m < 5_000 and leg.passes == ("volga-delta",)
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
        assert [p["id"] for p in drawn[route_id]["properties"]["passes"]] == list(route.passes)


def test_route_length_is_the_geodesic_length_of_the_drawn_line(geodata):
    for _, route in sea_routes(geodata):
        assert geodesy.line_length_m(route.line()) == pytest.approx(route.length_m, rel=1e-9)


def test_cli_anzali_to_astrakhan_stays_in_the_caspian_and_the_delta(run, land):
    result = run("route", "bandar anzali", "astrakhan", "--json")
    assert result.exit_code == 0, result.output
    feature = json.loads(result.stdout)
    props = feature["properties"]
    assert [leg["kind"] for leg in props["legs"]] == ["port-snap", "sea", "connection", "river", "port-snap"]
    assert [leg["water"] for leg in props["legs"]][1:4] == ["caspian-sea", "volga-delta", "volga-kama"]
    assert [p["id"] for p in props["passes"]] == ["volga-delta"]
    assert props["length_km"] == pytest.approx(props["length_m"] / 1000)
    assert props["length_nmi"] == pytest.approx(props["length_m"] / 1852)
    assert 900 < props["length_km"] < 1200
    assert props["sailing_time_h"] == pytest.approx(props["length_m"] / (10 * 1852 / 3600) / 3600)
    sea = props["legs"][1]
    assert m_over_shrunk_land(sea["geometry"]["coordinates"], land) == 0


def test_cli_text_reports_length_time_and_snaps(run):
    result = run("route", "astara", "makhachkala", "--speed", "12kn")
    assert result.exit_code == 0, result.output
    first, *rest = result.stdout.splitlines()
    assert first.startswith("Astara → Makhachkala (sea): ") and " nmi); " in first and first.endswith("at 12kn")
    assert any(line.strip().startswith("Astara joins caspian-sea") for line in rest)
    assert not any(line.strip().startswith("passes:") for line in rest)  # open water all the way


def test_river_route_follows_the_volga_and_kama(geodata):
    route = routing.route(DATA_DIR, stops_of(geodata, "astrakhan", "alabuga"), "river")
    river = next(leg for leg in route.legs if leg.kind == "river")
    coords = np.array([(p.lon, p.lat) for p in river.points])
    # Up the Volga past Volgograd and Samara, then up the Kama from its mouth below Kazan.
    for lon, lat in ((44.5, 48.7), (50.1, 53.2), (49.24, 55.11)):
        assert np.hypot(coords[:, 0] - lon, coords[:, 1] - lat).min() < 0.3, (lon, lat)
    straight_m = geodesy.inverse(route.legs[0].points[0], route.legs[-1].points[-1]).distance_m
    assert route.length_m > 1.4 * straight_m
    assert route.passes == ()


# -- every sea: pairs on every ocean stay off the 1:10m land ---------------------------------


@pytest.mark.parametrize("name", PAIRS)
def test_sea_legs_cross_no_land(geodata, land, name):
    start, end, *avoid = PAIRS[name]
    route = routing.route(DATA_DIR, stops_of(geodata, start, end), "sea", avoid)
    for leg in route.legs:
        if leg.kind == "sea":
            assert m_over_shrunk_land(leg.coords(), land) == 0, (name, leg.water)
        if leg.kind == "port-snap":
            assert leg.length_m <= PORT_SNAP_LIMIT_M, name
    # Open-water legs are long geodesics pulled tight, not a grid's staircase.
    sea = [leg for leg in route.legs if leg.kind == "sea"]
    assert sum(len(leg.points) for leg in sea) < route.length_m / 30_000 + 30, name
    assert route.length_m < 1.6 * geodesy.inverse(route.legs[0].points[0], route.legs[-1].points[-1]).distance_m \
        or name in ("cape", "panama", "gulf", "bosporus", "malacca", "gibraltar", "harbour")


@pytest.mark.parametrize("name, passes", [
    ("suez", ["suez", "bab-el-mandeb"]),
    ("cape", ["gibraltar"]),
    ("panama", ["panama"]),
    ("bosporus", ["bosporus", "dardanelles"]),
    ("gibraltar", ["dover", "gibraltar"]),
    ("malacca", ["malacca", "singapore"]),
    ("danish", ["danish-straits"]),
    ("korea", ["korea-strait"]),
    ("gulf", ["bab-el-mandeb", "hormuz"]),
    ("pacific", []),
])
def test_straits_and_canals_passed_are_named_in_order(geodata, name, passes):
    start, end, *avoid = PAIRS[name]
    assert list(routing.route(DATA_DIR, stops_of(geodata, start, end), "sea", avoid).passes) == passes


def test_mediterranean_to_indian_ocean_goes_through_suez_and_around_africa_without_it(run):
    through = json.loads(run("route", "35.52,35.78", "12.8,45.0", "--json").stdout)
    around = json.loads(run("route", "35.52,35.78", "12.8,45.0", "--avoid", "suez", "--json").stdout)
    assert [p["id"] for p in through["properties"]["passes"]] == ["suez", "bab-el-mandeb"]
    assert [leg["kind"] for leg in through["properties"]["legs"]] == ["port-snap", "sea", "connection", "sea",
                                                                       "port-snap"]
    assert through["properties"]["legs"][2]["water"] == "suez"
    assert 3_000 < through["properties"]["length_km"] < 3_300
    assert around["properties"]["avoid"] == ["suez"]
    assert "suez" not in [p["id"] for p in around["properties"]["passes"]]
    assert around["properties"]["length_km"] > 5 * through["properties"]["length_km"]
    lats = [c[1] for part in _parts(around["geometry"]) for c in part]
    assert min(lats) < -34.5  # south of the Cape of Good Hope


def _parts(geometry):
    return geometry["coordinates"] if geometry["type"] == "MultiLineString" else [geometry["coordinates"]]


def test_avoid_takes_names_and_aliases(geodata):
    stops = stops_of(geodata, *PAIRS["suez"][:2])
    by_id = routing.route(DATA_DIR, stops, "sea", ["suez"])
    by_name = routing.route(DATA_DIR, stops, "sea", ["Suez Canal"])
    assert by_id.avoid == by_name.avoid == ("suez",)
    assert by_id.length_m == pytest.approx(by_name.length_m)


def test_a_closed_strait_is_a_wall(geodata, land):
    stops = stops_of(geodata, *PAIRS["danish"])
    route = routing.route(DATA_DIR, stops, "sea", ["danish-straits"])
    assert "danish-straits" not in route.passes and "kiel" in route.passes  # through the Kiel Canal instead
    for leg in route.legs:
        if leg.kind == "sea":
            assert m_over_shrunk_land(leg.coords(), land) == 0


def test_unknown_avoid_name_is_a_usage_error_with_close_names(run):
    result = run("route", "35.52,35.78", "12.8,45.0", "--avoid", "suex")
    assert result.exit_code == 2
    line, = result.stderr.strip().splitlines()
    assert line.startswith("Error: avoid: 'suex' is not a canal or strait of waterways.json; did you mean ")
    assert "suez" in line


def test_straight_mode_takes_no_avoid(run):
    result = run("route", "tehran", "moscow", "--mode", "straight", "--avoid", "suez")
    assert result.exit_code == 2 and "--avoid: a straight line passes no canal or strait" in result.stderr


def test_route_stops_and_avoid_names_are_bounded(geodata):
    stops = stops_of(geodata, "astara", "makhachkala")
    with pytest.raises(InputError, match="at most 25 places"):
        routing.route(DATA_DIR, stops * 13, "sea")
    with pytest.raises(InputError, match="at most 30 canals and straits"):
        routing.route(DATA_DIR, stops, "sea", ["suez"] * 31)


# -- the Caspian joins the rest only through the Volga ----------------------------------------


def test_caspian_to_black_sea_goes_through_the_volga_don(run):
    result = run("route", "bandar anzali", "44.72,37.77", "--json")  # Novorossiysk
    assert result.exit_code == 0, result.output
    props = json.loads(result.stdout)["properties"]
    passes = [p["id"] for p in props["passes"]]
    assert passes == ["volga-delta", "volga-don", "kerch"]
    kinds = [(leg["kind"], leg["water"]) for leg in props["legs"] if leg["kind"] != "port-snap"]
    assert kinds == [("sea", "caspian-sea"), ("connection", "volga-delta"), ("river", "volga-kama"),
                     ("connection", "volga-don"), ("river", "don"), ("connection", "don-mouth"),
                     ("sea", "world-ocean")]


def test_caspian_to_black_sea_is_refused_with_its_connections_closed(run, tmp_path):
    result = run("route", "bandar anzali", "44.72,37.77", "--avoid", "volga-don", "--avoid", "volga-baltic",
                 "-o", "lane.geojson")
    assert result.exit_code == 1
    assert result.stderr.strip() == ("Error: Bandar Anzali is on the Caspian Sea and 44.72000,37.77000 on the World "
                                     "Ocean: the connections that join them are closed (volga-baltic, volga-don) "
                                     f"(see {DATA_DIR / 'waterways.json'})")
    assert not (tmp_path / "lane.geojson").exists()


def test_without_the_volga_don_the_caspian_to_black_sea_is_refused_naming_it(run, tmp_path):
    """The Volga–Baltic is open, but a river-sea route does not go on round Europe: one line names the closure."""
    result = run("route", "bandar anzali", "44.72,37.77", "--avoid", "volga-don", "-o", "lane.geojson")
    assert result.exit_code == 1 and not (tmp_path / "lane.geojson").exists()
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in line
    assert line.startswith("Error: no route over water from Bandar Anzali to 44.72000,37.77000 with volga-don closed: "
                           "between inland water and the sea a route keeps to the seas the inland waterways open onto")
    assert "Strait of Gibraltar" in line and "Danish straits" in line and "White Sea mouth" in line


@pytest.mark.parametrize("start, end, passes", [
    ("astrakhan", "35.52,35.78", ("volga-don", "kerch", "bosporus", "dardanelles")),  # Latakia: the Mediterranean
    ("59.93,30.2", "bandar anzali", ("volga-baltic", "volga-delta")),  # St Petersburg: the Baltic
    ("astrakhan", "64.55,40.5", ("volga-baltic", "white-sea-baltic")),  # Arkhangelsk: the White Sea
])
def test_inland_routes_reach_the_seas_the_waterways_open_onto(geodata, start, end, passes):
    assert routing.route(DATA_DIR, stops_of(geodata, start, end), "sea").passes == passes


@pytest.mark.parametrize("start, end", [
    ("astrakhan", "51.9,4.3"),  # Rotterdam: past the Danish straits
    ("bandar anzali", "12.8,45.0"),  # Aden: past Suez
    ("astrakhan", "69.0,33.1"),  # Murmansk: out of the White Sea
])
def test_inland_routes_do_not_go_on_past_those_seas(geodata, start, end):
    with pytest.raises(NoRouteError, match=r"keeps to the seas the inland waterways open onto.*by way of a sea port"):
        routing.route(DATA_DIR, stops_of(geodata, start, end), "sea")


def test_a_route_by_way_of_a_sea_port_goes_on(geodata):
    route = routing.route(DATA_DIR, stops_of(geodata, "astrakhan", "44.72,37.77", "51.9,4.3"), "sea")
    assert route.passes[:2] == ("volga-don", "kerch") and route.passes[-2:] == ("gibraltar", "dover")


def test_ocean_to_ocean_keeps_to_the_canals_of_sea_going_ships(geodata):
    """The inland waterways take river-sea ships only: St Petersburg to Novorossiysk goes round Europe."""
    route = routing.route(DATA_DIR, stops_of(geodata, "59.93,30.2", "44.72,37.77"), "sea")
    assert not {"volga-baltic", "volga-don", "white-sea-baltic"} & set(route.passes)
    assert route.passes[-2:] == ("dardanelles", "bosporus") and "gibraltar" in route.passes
    # By way of a river port, the route is an inland one: the Volga–Baltic, the Volga, the Volga–Don, the Don.
    inland = routing.route(DATA_DIR, stops_of(geodata, "59.93,30.2", "48.7,44.52", "44.72,37.77"), "sea")
    assert inland.passes == ("volga-baltic", "volga-don", "kerch")


def test_river_mode_uses_the_volga_don_but_not_the_sea(geodata):
    route = routing.route(DATA_DIR, stops_of(geodata, "astrakhan", "47.9,43.0"), "river")  # on the Tsimlyansk
    assert route.passes == ("volga-don",)
    assert [leg.kind for leg in route.legs if leg.kind != "port-snap"] == ["river", "connection", "river"]
    with pytest.raises(NoRouteError, match=r"the connections that join them are closed \(volga-don\)"):
        routing.route(DATA_DIR, stops_of(geodata, "astrakhan", "47.9,43.0"), "river", ["volga-don"])


# -- ends: snapped to the water, or refused in one honest line ---------------------------------


def test_no_water_near_a_point(run):
    """More than 25 km from any water: inland."""
    result = run("route", "50.0,48.5", "astrakhan")  # the steppe between the Volga and the Ural
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: 50.00000,48.50000: no navigable water within 25 km (nearest: "
                                    "Volga–Kama waterway, ")
    far = run("route", "tehran", "astrakhan")
    assert far.exit_code == 1
    assert re.match(r"Error: Tehran: no navigable water within 25 km \(nearest: Caspian Sea, [0-9]+ km\); ",
                    far.stderr)


@pytest.mark.parametrize("port", [
    "-33.87,151.21",  # Sydney
    "35.52,35.78",  # Latakia, on the Mediterranean
    "40.65,27.8",  # the Sea of Marmara
    "21.5,39.15",  # Jeddah, on the Red Sea
    "43.1,131.9",  # Vladivostok, on the Sea of Japan
    "12.8,45.0",  # Aden
    "1.26,103.84",  # Singapore
    "64.52,34.8",  # Belomorsk, on the White Sea
    "64.53,40.52",  # Arkhangelsk, in the Northern Dvina's delta
    "68.98,33.05",  # Murmansk, up the Kola Bay
    "22.27,114.2",  # Hong Kong, in Victoria Harbour
    "-23.95,-46.3",  # Santos, up its channel
    "59.33,18.07",  # Stockholm, in its archipelago
    "45.43,12.33",  # Venice, in its lagoon
    "-54.8,-68.3",  # Ushuaia, on the Beagle Channel
])
def test_a_port_on_a_covered_sea_is_never_told_there_is_no_water(run, port):
    result = run("route", port, "-33.9,18.4")  # to Cape Town
    assert result.exit_code == 0, result.stderr
    assert "no navigable water" not in result.stderr


def test_water_too_narrow_to_reach_the_sea_is_named_as_such(run):
    result = run("route", "45.5,-73.55", "-33.9,18.4")  # Montreal: the St Lawrence is too narrow at 1:10m
    assert result.exit_code == 1
    assert re.match(r"Error: 45.50000,-73.55000: no navigable water within 25 km joined to the seas mapper routes on "
                    r"\(the water [0-9.]+ km away does not reach them: a lake or lagoon, or a river or channel too "
                    r"narrow at the 1:10m scale\); ", result.stderr)


def test_river_mode_covers_only_the_rivers(run):
    result = run("route", "astara", "astrakhan", "--mode", "river")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Astara is outside the water network's coverage (it covers Volga–Kama "
                                    "waterway, 45.5°N–59.5°N, 37°E–57°E; Lower Don, 46.9°N–49.6°N, 38.9°E–44°E; see ")


# -- legs: each with its own geometry, kind, water and passes ----------------------------------


def test_json_is_one_feature_whose_legs_carry_their_geometry(run):
    result = run("route", "35.52,35.78", "12.8,45.0", "--json")
    feature = json.loads(result.stdout)
    assert feature["type"] == "Feature"
    legs = feature["properties"]["legs"]
    assert sum(leg["length_m"] for leg in legs) == pytest.approx(feature["properties"]["length_m"])
    for leg in legs:
        assert set(leg) == {"kind", "water", "length_m", "passes", "geometry"}
        assert leg["geometry"]["type"] in ("LineString", "MultiLineString")
        assert geodesy.line_length_m(shape(leg["geometry"])) == pytest.approx(leg["length_m"], rel=1e-6, abs=1e-3)
    joined = [c for leg in legs for part in _parts(leg["geometry"]) for c in part]
    assert joined[0] == feature["geometry"]["coordinates"][0] and joined[-1] == feature["geometry"]["coordinates"][-1]
    assert [leg["passes"] for leg in legs] == [[], [], ["suez"], ["bab-el-mandeb"], []]


def test_a_trans_pacific_route_is_one_route_split_only_in_its_geojson(run, geodata):
    result = run("route", *PAIRS["pacific"], "--json")
    feature = json.loads(result.stdout)
    assert rfc7946.problems(feature) == []
    assert all(rfc7946.geometry_problems(leg["geometry"]) == [] for leg in feature["properties"]["legs"])
    assert feature["geometry"]["type"] == "MultiLineString"  # cut at ±180°, as RFC 7946 asks
    first, second = feature["geometry"]["coordinates"]
    assert abs(first[-1][0]) == 180.0 and abs(second[0][0]) == 180.0 and first[-1][1] == pytest.approx(second[0][1])
    sea = [leg for leg in feature["properties"]["legs"] if leg["kind"] == "sea"]
    assert len(sea) == 1 and sea[0]["geometry"]["type"] == "MultiLineString"
    direct_m = geodesy.inverse(*(p.point for p in stops_of(geodata, *PAIRS["pacific"]))).distance_m
    assert feature["properties"]["length_m"] < 1.1 * direct_m  # across the Pacific, not around the world


def test_cli_text_lists_the_passes(run):
    result = run("route", "44.17,28.66", "37.94,23.62")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1] == "  passes: Bosporus, Dardanelles"
    assert any(line.endswith("world-ocean  (passes Bosporus, Dardanelles)") for line in lines)


# -- straight lines -----------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["straight", "great-circle"])
def test_cli_straight_is_a_line_not_a_route(run, mode):
    result = run("route", "tehran", "moscow", "--mode", mode)
    assert result.exit_code == 0, result.output
    line, = result.stdout.splitlines()
    assert line.startswith("Tehran → Moscow (great circle): 2,464.0 km (1,330.5 nmi); the straight geodesic line")
    assert "not a route" in line and " at " not in line and " d " not in line and " h " not in line
    props = json.loads(run("route", "tehran", "moscow", "--mode", mode, "--json").stdout)["properties"]
    assert props["kind"] == "great-circle" and props["mode"] == "straight"
    assert "sailing_time_h" not in props and "speed_m_s" not in props and "passes" not in props
    assert props["length_m"] == pytest.approx(2_464_000, abs=100)


def test_cli_great_circle_refuses_a_speed(run):
    result = run("route", "tehran", "moscow", "--mode", "great-circle", "--speed", "400kn")
    assert result.exit_code == 2
    assert "--speed: a great circle is a straight line, not a route anything sails" in result.stderr


def test_great_circle_is_the_geodesic(geodata):
    a, b = stops_of(geodata, "tehran", "moscow")
    route = routing.route(DATA_DIR, [a, b], "great-circle")
    assert route.mode == "straight"
    assert route.length_m == pytest.approx(geodesy.inverse(a.point, b.point).distance_m)


def test_via_joins_routes(geodata):
    stops = stops_of(geodata, "astara", "makhachkala", "olya")
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


def test_cli_offers_every_mode_and_the_old_name():
    from mapper.cli.route import route

    mode = next(param for param in route.params if param.name == "mode")
    assert tuple(mode.type.choices) == (*MODES, *MODE_ALIASES)


# -- the registry and the cache -----------------------------------------------------------------


def test_waterways_registry_faults_are_named(data_copy):
    path = data_copy / "waterways.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["connections"][0]["between"] = ["caspian-sea", "amazon"]
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(DataError, match=r"waterways.json: connections\[0\]: between must name two listed waters"):
        load_registry(data_copy)


@pytest.mark.parametrize("change, message", [
    (lambda d: d["waters"][1].update(seed="here"), r"waters\[1\]: caspian-sea: needs seed \[lon, lat\]"),
    (lambda d: d["connections"][5].update(path=[[32.3, 95.0]]), r"connections\[5\]: suez: path must be 1 to 200"),
    (lambda d: d["connections"][5].update(vessels="barges"), r"suez: vessels must be one of sea, river-sea"),
    (lambda d: d["connections"][5].update(aliases="suez"), r"connections\[5\]: suez: aliases must be a list"),
    (lambda d: d["connections"][5].update(max_gap_m=True), r"suez: max_gap_m must be a number of metres"),
    (lambda d: d["straits"][0].update(gates=[[[-5.6, 36.0]]]), r"straits\[0\]: gibraltar: gates must be lines"),
    (lambda d: d["straits"][1].update(fine=[28.9, 40.9, 29.2, 41.3]), r"bosporus: fine must be a list of boxes"),
    (lambda d: d["straits"][1].update(aliases=["suez canal"]), r"'suez canal' names both suez and bosporus"),
    (lambda d: d["straits"][0].update(river_sea_limit="yes"), r"gibraltar: river_sea_limit must be true or false"),
    (lambda d: d["connections"][5].update(river_sea_limit=1), r"connections\[5\]: suez: river_sea_limit must be true"),
])
def test_waterways_registry_entries_are_checked(data_copy, change, message):
    from conftest import edit_json

    edit_json(data_copy, "waterways.json", change)
    with pytest.raises(DataError, match=message):
        load_registry(data_copy)


def test_every_canal_and_strait_has_a_source_and_gates_end_on_land(land):
    registry = load_registry(DATA_DIR)
    parts, tree = land
    for connection in registry.connections:
        assert connection.get("source") and connection.get("note") and connection.get("name"), connection["id"]
    for strait_id, strait in registry.straits.items():
        assert strait.get("source") and strait.get("name"), strait_id
        for gate in strait["gates"]:
            ends = shapely.points(np.array([gate[0], gate[-1]]))
            assert len(set(tree.query(ends, predicate="within")[0])) == 2, strait_id


def test_a_damaged_cache_is_not_trusted(tmp_path):
    path = waternet.sea_graph_path(DATA_DIR)
    digest = path.name.removeprefix(watercache.CACHE_PREFIX).removesuffix(".npz")
    good = watercache.read_graph(path, _full_digest())
    assert good is not None
    cases = {
        "truncated": path.read_bytes()[:100_000],
        "not a zip": b"not a graph",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        assert watercache.read_graph(tmp_path / name, _full_digest()) is None, name
    assert watercache.read_graph(path, "0" * 64) is None  # built from other inputs
    broken = dict(good, indices=good["indices"] + len(good["points"]))  # indices past the nodes
    assert watercache.write_graph(tmp_path / "broken.npz", broken) == tmp_path / "broken.npz"
    assert watercache.read_graph(tmp_path / "broken.npz", _full_digest()) is None
    assert digest and _full_digest().startswith(digest)


def _full_digest():
    registry = load_registry(DATA_DIR)
    return waternet.graph_digest(watercache.files_digest(fine_land_files()), waternet.fine_zones(registry))


def test_a_stored_route_closes_only_what_the_registry_knows(data_copy):
    from conftest import edit_json

    from mapper.load.geodata import load_geodata

    def close(doc, names):
        next(f for f in doc["features"] if f["properties"]["id"] == "caspian-anzali-astrakhan")[
            "properties"]["routing"]["avoid"] = names

    edit_json(data_copy, "routes.geojson", lambda doc: close(doc, ["suex"]))
    with pytest.raises(DataError, match=r"caspian-anzali-astrakhan: routing.avoid: 'suex' is not a canal or strait "
                                        r"of waterways.json; did you mean suez\?"):
        load_geodata(data_copy)
    edit_json(data_copy, "routes.geojson", lambda doc: close(doc, ["Suez Canal"]))
    assert load_geodata(data_copy).routes
