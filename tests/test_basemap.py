"""The drawn basemap: the world at 1:110m, 1:10m inside a map's own extent, across ±180° too, and bounded in size.

The 1:10m tiles are built by `make basemap` (which `make test` runs); these
tests say so if they are missing.
"""

import json
import warnings

import pytest
import shapely
from shapely.geometry import LineString, Point, box, shape

import mapper.load.basemap as basemap_module
from mapper.errors import MapperWarning
from mapper.export import figure_map
from mapper.load.basemap import FINE_SCALES, basemap_for, padded_extent
from mapper.load.bundled import fine_basemap_dir

BOSPORUS = (28.9, 40.95, 29.2, 41.25)
BAB_EL_MANDEB = (42.8, 12.2, 43.8, 13.0)
HORMUZ = (55.5, 25.5, 57.5, 27.0)
TSUGARU = (139.8, 41.0, 141.2, 41.8)
BLACK_SEA = (27.0, 40.5, 42.0, 47.0)
EUROPE = (-12.0, 34.0, 45.0, 72.0)
ASIA = (60.0, -10.0, 150.0, 60.0)
WORLD = (-180.0, -90.0, 180.0, 90.0)


@pytest.fixture(scope="module", autouse=True)
def fine_tiles():
    if not (fine_basemap_dir() / "index.json").is_file():
        pytest.fail(f"the 1:10m basemap tiles are not built ({fine_basemap_dir()}): run `make basemap`")


def layer(collection, name):
    parts = [shape(f["geometry"]) for f in collection["features"] if f["properties"]["layer"] == name]
    return shapely.union_all(parts) if parts else shapely.GeometryCollection()


def size_bytes(collection):
    return len(json.dumps(collection, separators=(",", ":")))


def coarse_land():
    return layer(basemap_for(None).collection, "land")


def test_a_strait_gets_its_real_coastline():
    """The Bosporus: 1:10m land on both shores with water between; at 1:110m the strait does not exist."""
    chosen = basemap_for(BOSPORUS)
    land = layer(chosen.collection, "land")
    europe, asia = Point(29.0, 41.05), Point(29.1, 41.0)  # Beşiktaş, Kadıköy
    assert land.covers(europe) and land.covers(asia)
    assert not land.covers(LineString([europe, asia]))  # the strait lies between
    assert not coarse_land().covers(europe)  # 1:110m has no such detail
    assert chosen.scales == (*FINE_SCALES, "1:110m")
    assert chosen.attribution == "Basemap: Natural Earth 1:10m/1:50m/1:110m (public domain)"
    assert chosen.tolerance_deg == pytest.approx(0.001)


@pytest.mark.parametrize("extent, water, shore", [
    (BAB_EL_MANDEB, (43.35, 12.55), (43.43, 12.66)),  # the strait; Perim island in it
    (HORMUZ, (56.4, 26.4), (56.25, 26.1)),  # the strait; Musandam
    (TSUGARU, (140.6, 41.35), (140.73, 41.77)),  # the strait; Hakodate
])
def test_straits_are_open_water_between_fine_shores(extent, water, shore):
    land = layer(basemap_for(extent).collection, "land")
    assert not land.covers(Point(*water))
    assert land.covers(Point(*shore))


def test_coarse_outside_the_extent_and_cut_out_inside():
    chosen = basemap_for(BOSPORUS)
    land = layer(chosen.collection, "land")
    fine_box = box(*chosen.fine_box)
    assert fine_box.contains(box(*BOSPORUS))
    # Far away, the 1:110m world: Australia is there, with 1:110m's few vertices.
    far = box(110, -45, 155, -10)
    assert land.covers(Point(134.0, -25.0))
    assert shapely.get_num_coordinates(land.intersection(far)) == pytest.approx(
        shapely.get_num_coordinates(coarse_land().intersection(far)), rel=0.05)
    # Inside the extent nothing of the 1:110m coast is left: the land there is the 1:10m land.
    inside_coarse = coarse_land().intersection(fine_box)
    inside = land.intersection(fine_box)
    assert shapely.get_num_coordinates(inside) > 5 * shapely.get_num_coordinates(inside_coarse)
    assert inside.symmetric_difference(inside_coarse).area > 0.01  # different coastlines, not the coarse one kept


@pytest.mark.parametrize("extent, east_lon, west_lon", [
    ((165.0, 55.0, 200.0, 72.0), (177.0, 64.5), (185.5, 66.0)),  # Chukotka: Anadyr, and east of 180°
    ((165.0, 55.0, -160.0, 72.0), (177.0, 64.5), (185.5, 66.0)),  # the same, given west > east
    ((176.0, -20.0, 182.5, -15.0), (177.8, -17.8), (180.05, -16.8)),  # Fiji: Viti Levu, and Vanua Levu past 180°
])
def test_an_extent_across_the_antimeridian_joins_both_sides(extent, east_lon, west_lon):
    chosen = basemap_for(extent)
    land = layer(chosen.collection, "land")
    assert chosen.fine_box[2] > 180.0
    assert land.covers(Point(*east_lon)) and land.covers(Point(*west_lon))
    # No polygon bridges the map from one side to the other (Antarctica aside, which rings the pole).
    for part in getattr(land, "geoms", [land]):
        west, south, east, north = part.bounds
        assert east - west < 300 or north < -60


def test_world_and_continents_stay_small():
    sizes = {name: size_bytes(basemap_for(extent).collection)
             for name, extent in (("strait", BOSPORUS), ("sea", BLACK_SEA), ("europe", EUROPE), ("asia", ASIA),
                                  ("world", WORLD))}
    assert sizes["world"] < 250_000
    assert max(sizes.values()) < 900_000, sizes
    world = basemap_for(WORLD)
    assert world.scales == ("1:110m",) and world.fine_box is None


def test_the_detail_follows_the_extent():
    """A larger extent is simplified more: its tolerance grows with its size."""
    tolerances = [basemap_for(extent).tolerance_deg for extent in (BOSPORUS, BLACK_SEA, EUROPE)]
    assert tolerances == sorted(tolerances) and tolerances[0] < tolerances[-1] / 5


def test_padding_keeps_a_screen_shaped_margin():
    west, south, east, north = padded_extent(BLACK_SEA)
    assert west < BLACK_SEA[0] and east > BLACK_SEA[2] and south < BLACK_SEA[1] and north > BLACK_SEA[3]
    assert padded_extent((170.0, -10.0, 190.0, 10.0))[2] > 190.0  # kept past 180°, not clamped


def test_without_fine_tiles_the_world_is_coarse_and_one_line_says_so(monkeypatch, tmp_path):
    monkeypatch.setattr(basemap_module, "fine_basemap_dir", lambda: tmp_path / "missing")
    basemap_module._fine_index.cache_clear()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            chosen = basemap_for(BOSPORUS)
    finally:
        basemap_module._fine_index.cache_clear()
    messages = [str(w.message) for w in caught if issubclass(w.category, MapperWarning)]
    assert len(messages) == 1 and "\n" not in messages[0] and "make basemap" in messages[0]
    assert chosen.scales == ("1:110m",)
    assert layer(chosen.collection, "land").covers(Point(134.0, -25.0))


# -- in the page and in the figure -------------------------------------------------------------


def page_basemap(html):
    """The FeatureCollection the page hands to mapperRuntime.basemap, and the attribution after it."""
    start = html.index("mapperRuntime.basemap(map_")
    decoder = json.JSONDecoder()
    collection, end = decoder.raw_decode(html, html.index("{", start))
    return collection, html[end:html.index(");", end)]


@pytest.mark.parametrize("country, inland", [
    ("Japan", [(139.7, 35.7), (141.35, 43.06), (126.98, 37.57)]),  # Tokyo, Sapporo, Seoul
    ("Bolivia", [(-68.15, -16.5), (-47.9, -15.8), (-58.4, -34.6)]),  # La Paz, Brasília, Buenos Aires
])
def test_a_page_far_from_the_story_has_fine_land_there(run, tmp_path, country, inland):
    result = run("coverage", "300km", "--from", country, "-o", "reach.html")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "reach.html").read_text(encoding="utf-8")
    collection, rest = page_basemap(html)
    land = layer(collection, "land")
    for lon, lat in inland:
        assert land.covers(Point(lon, lat)), (lon, lat)
    assert "Natural Earth 1:10m/1:50m/1:110m" in rest


def test_the_default_map_stays_under_one_and_a_half_megabytes(run, tmp_path):
    result = run("render", "-o", "map.html")
    assert result.exit_code == 0, result.output
    size = (tmp_path / "map.html").stat().st_size
    assert size < 1_500_000
    collection, _ = page_basemap((tmp_path / "map.html").read_text(encoding="utf-8"))
    assert layer(collection, "land").covers(Point(49.1, 55.8))  # Kazan


def test_the_figure_draws_the_same_data_for_its_own_frame(run, tmp_path, monkeypatch):
    drawn = []
    original = figure_map.draw_basemap

    def spy(ax, projector, extent, collection):
        drawn.append((figure_map.extent_lonlat_box(projector, extent), collection))
        return original(ax, projector, extent, collection)

    monkeypatch.setattr(figure_map, "draw_basemap", spy)
    result = run("coverage", "300km", "--from", "Japan", "-o", "reach.png")
    assert result.exit_code == 0, result.output
    (frame, collection), = drawn
    expected = basemap_for(frame, pad_fraction=0, world=False)
    assert collection == expected.collection
    assert expected.scales == FINE_SCALES
    land = layer(collection, "land")
    assert land.covers(Point(139.7, 35.7))
    # Only the frame: nothing of the world outside it, so no cut line can show.
    assert box(*frame).buffer(0.02).contains(land)  # within the rounding of the coordinates
