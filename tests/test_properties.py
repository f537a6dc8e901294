"""Properties for any input: rings and distances for every centre, loaders that fail only with MapperError."""

import csv
import io
import json
import math
import re
import shutil
import warnings
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import pytest
import rfc7946
from conftest import DATA_DIR
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from pyproj import Geod
from shapely.geometry import Point

from mapper.compose.layers import ring_feature
from mapper.core import geojson
from mapper.core.points import LonLat, parse_latlon
from mapper.core.units import parse_length_m
from mapper.core.vocab import FILES, RECORDS_KEY
from mapper.errors import InputError, MapperError
from mapper.geo import geodesy, rings
from mapper.load.areas import read_area
from mapper.load.briefing import FILTER_KEYS, POINT_KEYS, RANGE_KEYS, ROUTE_KEYS, TOP_KEYS, VIEW_KEYS, load_briefing
from mapper.load.files import read_json
from mapper.load.geodata import load_geodata
from mapper.load.lookup import NamedPoint
from mapper.load.places import read_places
from mapper.load.pointfiles import read_point_layer
from mapper.load.steps import STEP_KEYS
from mapper.load.story import CLAIM_KEYS, EVENT_KEYS, FLOW_KEYS, SOURCE_KEYS, SYSTEM_KEYS

WGS84 = Geod(ellps="WGS84")
# GeographicLib round trips (fwd, then inv) agree to about 1e-7 m; a micrometre leaves room, nothing more.
VERTEX_TOLERANCE_M = 1e-6
DISTANCE_TOLERANCE_M = 1e-6
AZIMUTH_TOLERANCE_DEG = 1e-6
MAX_TEST_RADIUS_M = 10_000_000.0
SNAP_DEG = 180.0 * 1e-9  # math.isclose(lon, 180)
# Pole to pole: no geodesic is longer.  (geodesy.MAX_RADIUS_M is this rounded down, 0.46 m short.)
HALF_MERIDIAN_M = WGS84.inv(0.0, -90.0, 0.0, 90.0)[2]

GEOMETRY = settings(max_examples=150, deadline=None)
LOADING = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- strategies: places on the globe ----------------------------------------------------------

# The poles, ±180° and the last floats before them, mixed with any float in range.
latitudes = st.one_of(st.sampled_from([-90.0, 90.0, 0.0, -89.999999, 89.999999]), st.floats(-90.0, 90.0))
longitudes = st.one_of(st.sampled_from([-180.0, 180.0, 0.0, -179.999999, 179.999999]), st.floats(-180.0, 180.0))
points = st.builds(LonLat, longitudes, latitudes)
# Log-uniform, so a metre is as likely as a thousand kilometres.
radii_m = st.one_of(st.sampled_from([1.0, MAX_TEST_RADIUS_M]),
                    st.floats(0.0, math.log10(MAX_TEST_RADIUS_M)).map(lambda e: 10.0 ** e))


def _antipode(p):
    return LonLat(p.lon - 180.0 if p.lon > 0 else p.lon + 180.0, -p.lat)


def _wrap_lon(lon):
    return lon if -180.0 <= lon <= 180.0 else (lon + 180.0) % 360.0 - 180.0


@st.composite
def near(draw, p):
    """``p``, or a point up to about 100 m from it (across ±180° or a pole as it happens)."""
    dlon, dlat = (draw(st.one_of(st.just(0.0), st.floats(-1e-3, 1e-3))) for _ in range(2))
    return LonLat(_wrap_lon(p.lon + dlon), min(90.0, max(-90.0, p.lat + dlat)))


@st.composite
def related(draw, a):
    """Any point, or one near ``a``, or one near its antipode (where geodesics are hardest)."""
    kind = draw(st.sampled_from(["any", "near", "antipodal"]))
    if kind == "any":
        return draw(points)
    return draw(near(a if kind == "near" else _antipode(a)))


# -- rings ------------------------------------------------------------------------------------


def _ring_vertices(ring):
    """(n, 2) array of every part's exterior vertices, without the closing repeats."""
    parts = ring.geoms if ring.geom_type == "MultiPolygon" else [ring]
    return np.vstack([np.asarray(part.exterior.coords)[:-1] for part in parts])


def _added_by_split(coords):
    """True for positions on ±180° or on a pole's latitude: where a split or a closure over a pole adds points.

    rings.vertex_count leaves out exactly these.
    """
    return (np.abs(coords[:, 0]) == 180.0) | (np.abs(coords[:, 1]) == 90.0)


@GEOMETRY
@given(centre=points, radius_m=radii_m)
def test_ring_covers_its_centre(centre, radius_m):
    ring = rings.ring(centre, radius_m)
    assert all(not part.interiors for part in getattr(ring, "geoms", [ring]))
    centre_point = Point(centre.lon, centre.lat)
    if abs(centre.lon) == 180.0 or abs(centre.lat) == 90.0:
        # In plate carrée a centre on ±180° lies on the cut between the two parts, and a pole on the edge
        # along lat ±90 that closes the ring over it: on the boundary, which covers() counts and contains() not.
        assert ring.covers(centre_point)
    else:
        assert ring.contains(centre_point)


@GEOMETRY
@given(centre=points, radius_m=radii_m)
@example(centre=LonLat(0.0, 89.999999), radius_m=1.0)  # never converged: 114,688 vertices, 3 s
def test_every_vertex_lies_at_the_radius(centre, radius_m):
    ring = rings.ring(centre, radius_m)
    coords = _ring_vertices(ring)
    on_circle = coords[~_added_by_split(coords)]
    count = len(on_circle)
    _, _, distance_m = WGS84.inv(np.full(count, centre.lon), np.full(count, centre.lat),
                                 on_circle[:, 0], on_circle[:, 1])
    assert np.abs(distance_m - radius_m).max() <= VERTEX_TOLERANCE_M
    # The split keeps the outline's vertices and adds none off the cut.  Closing over a pole, the antimeridian
    # package snaps a vertex within 1.8e-7° (2 cm) of ±180° onto it (math.isclose), where it merges with the
    # crossing point: only such vertices may leave the count.
    outline = rings.ring_outlines([centre.lon], [centre.lat], radius_m)[0]
    assert len(outline) < rings.MAX_RING_VERTICES  # reaching the cap means the tolerance check gave up
    at_cut = (180.0 - np.abs(outline[:, 0]) <= SNAP_DEG) | (90.0 - np.abs(outline[:, 1]) <= SNAP_DEG)
    assert len(outline) - np.count_nonzero(at_cut) <= rings.vertex_count(ring) == count <= len(outline)


@GEOMETRY
@given(centre=points, radius_m=radii_m)
def test_ring_feature_is_valid_rfc7946(centre, radius_m):
    feature = ring_feature(NamedPoint("centre", centre), radius_m)
    # Serialized as `mapper ring` writes it: NaN refused, tuples become lists.
    written = json.loads(geojson.dumps(geojson.feature_collection([feature])))
    assert rfc7946.problems(written) == []
    assert written["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")


# -- distances --------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_distance_is_symmetric(data):
    a = data.draw(points, label="a")
    b = data.draw(related(a), label="b")
    there, back = geodesy.inverse(a, b), geodesy.inverse(b, a)
    assert math.isclose(there.distance_m, back.distance_m, rel_tol=1e-12, abs_tol=DISTANCE_TOLERANCE_M)
    assert 0.0 <= there.distance_m <= HALF_MERIDIAN_M + DISTANCE_TOLERANCE_M
    # The bearing at b toward a is b's own initial bearing toward a; undefined at a pole, for one point
    # and for (nearly) antipodal points, where many geodesics are shortest.
    if abs(a.lat) < 90.0 and abs(b.lat) < 90.0 and 1.0 < there.distance_m < geodesy.MAX_RADIUS_M - 1000.0:
        difference_deg = (there.back_azimuth_deg - back.azimuth_deg + 180.0) % 360.0 - 180.0
        assert abs(difference_deg) <= AZIMUTH_TOLERANCE_DEG


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_triangle_inequality(data):
    a = data.draw(points, label="a")
    b = data.draw(related(a), label="b")
    c = data.draw(st.one_of(related(a), related(b)), label="c")

    def d(p, q):
        return geodesy.inverse(p, q).distance_m

    assert d(a, c) <= d(a, b) + d(b, c) + DISTANCE_TOLERANCE_M


# -- loaders: arbitrary bytes, text, and documents shaped like the real ones -------------------


def _vocabulary():
    """Every key, and every key and short string, in the bundled geodata: names the checks know."""
    keys, words = set(), set()

    def walk(value):
        if isinstance(value, dict):
            keys.update(value)
            words.update(value)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str) and len(value) <= 40:
            words.add(value)

    for filename in FILES.values():
        walk(json.loads((DATA_DIR / filename).read_text(encoding="utf-8")))
    return sorted(keys), sorted(words)


KEYS, WORDS = _vocabulary()
GEOMETRY_TYPES = ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
                  "GeometryCollection", "Feature", "FeatureCollection"]
words = st.sampled_from(WORDS + GEOMETRY_TYPES)
numbers = st.one_of(st.integers(), st.floats(), st.sampled_from([0, -0.0, 90, -90, 180, -180, 1e308]))
scalars = st.one_of(st.none(), st.booleans(), numbers, words, st.text(max_size=12))
json_values = st.recursive(
    scalars, lambda inner: st.one_of(st.lists(inner, max_size=5),
                                     st.dictionaries(st.one_of(words, st.text(max_size=6)), inner, max_size=6)),
    max_leaves=30)
positions = st.lists(numbers, min_size=2, max_size=3)
coordinates = st.one_of(positions, st.lists(positions, max_size=6),
                        st.lists(st.lists(positions, max_size=6), max_size=2), json_values)
geometries = st.fixed_dictionaries({"type": st.sampled_from(GEOMETRY_TYPES), "coordinates": coordinates})
features = st.fixed_dictionaries(
    {"type": st.sampled_from(["Feature", "Feature", "Point"]),
     "geometry": st.one_of(geometries, json_values),
     "properties": st.one_of(st.dictionaries(words, st.one_of(scalars, json_values), max_size=8), json_values)},
    optional={"id": scalars})
collections = st.fixed_dictionaries({"type": st.sampled_from(["FeatureCollection", "Feature"]),
                                     "features": st.one_of(st.lists(features, max_size=4), json_values)})
any_bytes = st.one_of(st.binary(max_size=400), st.text(max_size=200).map(lambda s: s.encode("utf-8")))
records = st.fixed_dictionaries({"id": st.one_of(words, scalars)}, optional={
    key: st.one_of(scalars, json_values) for key in KEYS if key != "id"})


def _json_bytes(doc):
    return json.dumps(doc, ensure_ascii=False).encode("utf-8", "surrogatepass")


json_docs = st.one_of(json_values, features, collections).map(_json_bytes)
# Each registry file as read_geodata expects it ({"sources": [records]}, a FeatureCollection), or anything.
registry_files = st.sampled_from(sorted(FILES.items())).flatmap(lambda item: st.tuples(st.just(item[1]), st.one_of(
    any_bytes, json_docs,
    (collections if item[1].endswith(".geojson") else st.fixed_dictionaries(
        {RECORDS_KEY[item[0]]: st.lists(records, max_size=3)})).map(_json_bytes))))

CSV_COLUMNS = ["name", "lat", "lon", "source", "id", "kind", "aliases", "country", "note", "description",
               "latitude", "longitude", "lng", "date", "time", "category", "type", "label", "title"]
cells = st.one_of(words, numbers.map(str), st.text(max_size=12),
                  st.sampled_from(["", " ", "nan", "1e999", "2024-06-21", "2024-13-40", "UA", "town"]))
csv_docs = st.tuples(st.lists(st.sampled_from(CSV_COLUMNS) | st.text(max_size=6), min_size=1, max_size=7),
                     st.lists(st.lists(cells, max_size=8), max_size=5)).map(
    lambda doc: _csv_text(*doc).encode("utf-8", "surrogatepass"))


def _csv_text(header, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


KML_NAMESPACES = ["http://www.opengis.net/kml/2.2", "http://earth.google.com/kml/2.2", ""]
placemarks = st.builds(
    lambda name, data, coords: (
        f"<Placemark><name>{escape(name)}</name><ExtendedData>"
        + "".join(f"<Data name={quoteattr(k)}><value>{escape(v)}</value></Data>" for k, v in data)
        + f"</ExtendedData><Point><coordinates>{escape(coords)}</coordinates></Point></Placemark>"),
    st.one_of(words, st.text(max_size=12)),
    st.lists(st.tuples(st.sampled_from(["kind", "source", "location_source", "id", "country", "note", "aliases"]),
                       st.one_of(words, st.text(max_size=12))), max_size=4),
    st.one_of(st.lists(cells, max_size=4).map(",".join), st.text(max_size=20)))
kml_docs = st.builds(
    lambda namespace, body: (f'<kml xmlns="{namespace}"><Document>{"".join(body)}</Document></kml>'
                             .encode("utf-8", "surrogatepass")),
    st.sampled_from(KML_NAMESPACES), st.lists(placemarks, max_size=4))


def _toml_key(key):
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def _toml_value(value):
    """A TOML value: JSON's strings are TOML basic strings; tables and arrays written inline."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)  # inf, -inf and nan are TOML too
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(map(_toml_value, value)) + "]"
    return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"


# What briefings refer to: the bundled story, places, systems, countries, files beside the briefing, layers, modes.
BRIEFING_WORDS = ["iran-russia", "belgorod", "kursk", "tehran", "olya", "astrakhan", "Kazan", "fath-360", "Russia",
                  "Ukraine", "Atlantis", "border-towns.csv", "../places.geojson", "area.geojson", "points.csv",
                  "nowhere.kml", ".", "..", "places", "ranges", "events", "sea-routes", "sea", "river", "great-circle",
                  "sea-route", "12kn", "0kn", "fast", "offline", "OpenStreetMap.Mapnik", "50.4,30.5", "town",
                  "gazetteer", "cnn-2024-06-21", "lat", "lon", "date", "type", "name", "~nobody-here/x.csv",
                  "x\x00.geojson"]
briefing_leaves = st.one_of(st.sampled_from(BRIEFING_WORDS), numbers, st.booleans(), st.text(max_size=10))
coordinate_tables = st.fixed_dictionaries({"lat": numbers, "lon": numbers})
bounds_tables = st.dictionaries(st.sampled_from(["south", "west", "north", "east"]), numbers, max_size=4)
briefing_values = st.one_of(briefing_leaves, st.lists(briefing_leaves, max_size=3), coordinate_tables,
                            bounds_tables)


def _tables(keys):
    return st.lists(st.dictionaries(st.sampled_from(keys), briefing_values, max_size=len(keys)), max_size=3)


briefing_docs = st.fixed_dictionaries({}, optional={
    **{key: briefing_values for key in TOP_KEYS},
    "ranges": _tables(RANGE_KEYS), "routes": _tables(ROUTE_KEYS), "points": _tables(POINT_KEYS),
    "sources": _tables(SOURCE_KEYS), "systems": _tables(SYSTEM_KEYS), "flows": _tables(FLOW_KEYS),
    "claims": _tables(CLAIM_KEYS), "events": _tables(EVENT_KEYS), "steps": _tables(STEP_KEYS),
    "filter": st.dictionaries(st.sampled_from(FILTER_KEYS), briefing_values, max_size=3),
    "view": st.dictionaries(st.sampled_from(VIEW_KEYS), briefing_values, max_size=3),
    "": briefing_values,
}).map(lambda doc: "\n".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in doc.items()).encode(
    "utf-8", "surrogatepass"))


VALID_AREA = json.dumps({"type": "Feature", "properties": {}, "geometry": {
    "type": "Polygon", "coordinates": [[[30, 50], [31, 50], [31, 51], [30, 51], [30, 50]]]}})
VALID_POINTS = "lat,lon,date,type,name\n50.45,30.52,2024-06-21,strike,Kyiv\n49.99,36.23,,shelling,Kharkiv\n"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A copy of data/geo (briefings beside their files), with an area and a points file for briefings to name."""
    target = tmp_path_factory.mktemp("properties") / "geo"
    shutil.copytree(DATA_DIR, target)
    (target / "briefings" / "area.geojson").write_text(VALID_AREA, encoding="utf-8")
    (target / "briefings" / "points.csv").write_text(VALID_POINTS, encoding="utf-8")
    return target


@contextmanager
def holding(path, data):
    """``path`` holding ``data`` while inside; what was there before (or nothing) afterwards."""
    before = path.read_bytes() if path.exists() else None
    path.write_bytes(data)
    try:
        yield path
    finally:
        if before is None:
            path.unlink()
        else:
            path.write_bytes(before)


def only_mapper_errors(load, path, names=None):
    """Call ``load(path)``: success, or a one-line MapperError naming the file; anything else propagates."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # swapped-coordinate hints and library chatter are not failures
        try:
            load(path)
        except MapperError as exc:
            message = str(exc)
            assert "\n" not in message, message
            assert any(name in message for name in (names or [str(path)])), message
            # Where inputs end up, for --hypothesis-show-statistics: the message's first words, without numbers.
            event(" ".join(re.sub(r"\d+", "N", message.replace(str(path), "")).split()[:6]))
        else:
            event("loaded")


@LOADING
@given(data=st.one_of(any_bytes, json_docs))
def test_read_json(folder, data):
    with holding(folder / "fuzz.json", data) as path:
        only_mapper_errors(read_json, path)


def _places(geometry):
    """places.geojson holding one place, Bandar Anzali (where a stored route starts), with ``geometry``."""
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "bandar-anzali"}, "geometry": geometry}]}).encode()


HUGE = 10 ** 400  # a JSON or TOML integer too big for a float


@LOADING
@given(file=registry_files)
# Each was a crash in mapper.load.schema, the exception in the comment.
@example(file=("places.geojson", _places({"type": "Point"})))  # KeyError: 'coordinates'
@example(file=("places.geojson", _places({"type": "Point", "coordinates": ["49", "37"]})))  # float - str
@example(file=("places.geojson", _places({"type": "Point", "coordinates": [HUGE, 0]})))  # OverflowError
@example(file=("events.json", b'{"events": [{"id": "e", "place": ["kyiv"]}]}'))  # unhashable type: 'list'
@example(file=("events.json", b'{"events": [{"id": "e", "sources": [{"source": {}, "quote": "q"}]}]}'))
@example(file=("events.json",  # 'in <string>' requires string as left operand, not int
               b'{"events": [{"id": "e", "sources": [{"source": "cnn-2024-06-21", "quote": 1}]}]}'))
@example(file=("claims.json", b'{"claims": [{"id": "c", "check": "unit-conversion", "system": []}]}'))
@example(file=("claims.json", b'{"claims": [{"id": "c", "direction": {}, "distance": {"value": 1, "unit": "km"}}]}'))
@example(file=("claims.json", b'{"claims": [{"id": "c", "distance": {"value": 1, "unit": "km", "qualifier": []}}]}'))
@example(file=("claims.json", _json_bytes({"claims": [{"id": "c", "distance": {"value": HUGE, "unit": "km"}}]})))
@example(file=("sources.json", b'{"sources": [{"id": "s", "seed_file": "a\\u0000b"}]}'))  # ValueError: NUL
@example(file=("routes.geojson", b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
               b'{"id": "r", "routing": {"mode": "sea", "via": [[]]}, "cargo": 1}, "geometry": '
               b'{"type": "LineString", "coordinates": [[0, 0], [1, 1]]}}]}'))  # TypeError, twice
def test_load_geodata_with_one_file_replaced(folder, file):
    filename, data = file
    with holding(folder / filename, data):
        # A problem may show in another file (a route to a place now gone), so any registry name will do.
        only_mapper_errors(load_geodata, folder, names=list(FILES.values()))


@LOADING
@given(data=st.one_of(any_bytes, briefing_docs, briefing_docs))
# OverflowError: int too large to convert to float
@example(data=f'title = "t"\n[[ranges]]\nradius = "120 km"\ncentre = {{ lat = 50, lon = {HUGE} }}\n'.encode())
@example(data=f'title = "t"\n[view]\nbounds = {{ south = 1, west = {HUGE}, north = 2, east = 3 }}\n'.encode())
@example(data=b'title = "t"\nplaces = ["a\\nb.csv"]\n')  # the message broke onto two lines
# A file name with a NUL was ValueError: embedded null byte; "~user/..." for no such user RuntimeError.
@example(data=b'title = "t"\nplaces = ["a\\u0000b.csv"]\n')
@example(data=b'title = "t"\nplaces = ["~no-such-user-here/b.csv"]\n')
@example(data=b'title = "t"\n[[ranges]]\nradius = "120 km"\narea = "a\\u0000.geojson"\n')
@example(data=b'title = "t"\n[[ranges]]\nradius = "120 km"\narea = "~no-such-user-here/a.geojson"\n')
def test_load_briefing(folder, geodata, data):
    with holding(folder / "briefings" / "fuzz.toml", data) as path:
        only_mapper_errors(lambda p: load_briefing(p, geodata), path)


@LOADING
@given(suffix_and_data=st.one_of(
    st.tuples(st.sampled_from([".csv", ".geojson", ".kml"]), any_bytes),
    st.tuples(st.just(".csv"), csv_docs), st.tuples(st.just(".geojson"), json_docs),
    st.tuples(st.just(".kml"), kml_docs)))
def test_read_places(folder, suffix_and_data):
    suffix, data = suffix_and_data
    with holding(folder / f"places{suffix}", data) as path:
        only_mapper_errors(read_places, path)


@LOADING
@given(suffix_and_data=st.one_of(
    st.tuples(st.sampled_from([".csv", ".geojson", ".parquet"]), any_bytes),
    st.tuples(st.just(".csv"), csv_docs), st.tuples(st.just(".geojson"), json_docs)))
def test_read_point_layer(folder, suffix_and_data):
    suffix, data = suffix_and_data
    with holding(folder / f"layer{suffix}", data) as path:
        only_mapper_errors(read_point_layer, path)


@LOADING
@given(moment=st.datetimes(), written=st.sampled_from(["date", "datetime", "datetime-utc"]))
@example(moment=datetime(1, 1, 1), written="date")  # was day -78651 (1754), not -719162: nanoseconds wrapped
def test_point_layer_days_for_any_date(folder, moment, written):
    """A time from year 1 to 9999 is kept as its UTC day, counted from 1970-01-01."""
    text = {"date": moment.date().isoformat(), "datetime": moment.isoformat(),
            "datetime-utc": moment.isoformat() + "Z"}[written]
    with holding(folder / "dated.csv", f"lat,lon,date\n50.45,30.52,{text}\n".encode()) as path:
        layer = read_point_layer(path)
    assert layer.day.tolist() == [(moment.date() - date(1970, 1, 1)).days]
    assert layer.undated.tolist() == [False]


@LOADING
@given(data=st.one_of(any_bytes, json_docs))
@example(data=b'{"features": null}')  # was TypeError: 'NoneType' object is not iterable
@example(data=b'{"type": "\\n", "coordinates": []}')  # the message broke onto two lines
@example(data=_json_bytes({"type": "LineString", "coordinates": [[0, 0], [HUGE, 0]]}))  # OverflowError
@example(data=b'{"type": "Polygon", "coordinates": ' + b"[" * 500 + b"]" * 500 + b"}")  # RecursionError
def test_read_area(folder, data):
    with holding(folder / "fuzz-area.geojson", data) as path:
        only_mapper_errors(read_area, path)


# -- typed values ------------------------------------------------------------------------------

number_texts = st.one_of(numbers.map(str), st.from_regex(r"[+-]?\d{0,30}(\.\d{0,30})?([eE][+-]?\d{1,4})?",
                                                          fullmatch=True))
units = st.one_of(st.sampled_from(["", "m", "km", "mi", "nmi", "nm", "KM", "nautical miles", "furlongs", "e5"]),
                 st.text(max_size=5))
length_texts = st.one_of(st.text(), st.builds(lambda n, space, unit: f"{n}{space}{unit}", number_texts,
                                              st.sampled_from(["", " ", "  "]), units))
latlon_texts = st.one_of(st.text(), st.builds(lambda a, sep, b: f"{a}{sep}{b}", number_texts,
                                              st.sampled_from([",", " ", ", ", ";", ",,"]), number_texts))


@settings(max_examples=300, deadline=None)
@given(text=length_texts)
def test_parse_length_raises_only_input_error(text):
    try:
        parse_length_m(text)
    except InputError:
        pass


@settings(max_examples=300, deadline=None)
@given(text=latlon_texts)
def test_parse_latlon_raises_only_input_error(text):
    try:
        point = parse_latlon(text)
    except InputError:
        pass
    else:
        assert -90.0 <= point.lat <= 90.0 and -180.0 <= point.lon <= 180.0


def test_the_folder_copy_is_restored(folder):
    """After the loader tests above (pytest runs them in file order) the copy holds what it did before."""
    for filename in FILES.values():
        assert (folder / filename).read_bytes() == (DATA_DIR / filename).read_bytes()
    added = {p.relative_to(folder) for p in folder.rglob("*")} - {p.relative_to(DATA_DIR) for p in DATA_DIR.rglob("*")}
    assert added == {Path("briefings", "area.geojson"), Path("briefings", "points.csv")}
