"""The map's coordinate forms (mapper/html/static/mapper-coords.js): MGRS, UTM, UPS, degrees.

The runtime computes MGRS itself (UTM by Krüger's series, UPS at the poles,
the grid zones with Norway's and Svalbard's exceptions, the 100 km square
letters).  It is checked here against values that do not come from it:

- GeographicLib's GeoConvert (Karney's C++, an independent implementation)
  for 439 points: every zone and band edge, both polar areas, Norway and
  Svalbard, and random points (tests/data/mgrs_geoconvert.tsv);
- pyproj (PROJ) for the UTM and UPS eastings and northings of random points,
  and the MGRS digits that follow from them by truncation;
- reference points published with their MGRS, each with its source.
"""

import math
import random

import pytest
from conftest import REPO
from pyproj import Proj

from mapper.export.browser import route_network

pytestmark = pytest.mark.browser

COORDS_JS = REPO / "mapper" / "html" / "static" / "mapper-coords.js"
GEOCONVERT_TABLE = REPO / "tests" / "data" / "mgrs_geoconvert.tsv"
BLANK = "<!DOCTYPE html><html><head><meta charset='utf-8'><title>blank</title></head><body></body></html>"
UTM_ROWS = "ABCDEFGHJKLMNPQRSTUV"

# (lat, lon, digits per axis, MGRS) published with their sources.
PUBLISHED = [
    # proj4js/mgrs test suite (test/test.js), "MGRS reference with 5-digit accuracy, northing all zeros";
    # GeographicLib's GeoConvert gives the same.
    (0.0, 0.0, 5, "31N AA 66021 00000"),
    # proj4js/mgrs test suite, "First MGRS set": the centre of 33UXP04 and its 1 m reference.
    (48.24949, 16.41450, 5, "33U XP 05004 44997"),
    # proj4js/mgrs test suite, "Second MGRS set": 24XWT783908 (in zone 24, beside its standard zone) is 25XEN041865.
    (83.62778, -32.66433, 3, "25X EN 041 865"),
    # GeographicLib's GeoConvert page (geographiclib.sourceforge.io/cgi-bin/GeoConvert): Cape Morris Jesup,
    # 83°37'39"N 32°39'52"W, is UTM 25n 504158 9286521.
    (83 + 37 / 60 + 39 / 3600, -(32 + 39 / 60 + 52 / 3600), 3, "25X EN 041 865"),
    # Palantir Foundry's documentation, "Convert GeoPoint to MGRS" (geoPointToMgrsV1): three points in Honolulu,
    # each on the corner of a square, where truncation (not rounding) decides the digits.
    (21.409796671597924, -157.91608117421092, 5, "4Q FJ 12345 67889"),
    (21.338665624760598, -157.93921670599434, 5, "4Q FJ 10000 59999"),
    (21.40898645576642, -157.91652127483704, 5, "4Q FJ 12300 67799"),
]


@pytest.fixture(scope="module")
def coords(browser):
    """A blank page running mapper-coords.js alone, with no network."""
    tab = browser.new_page()
    requests, errors = [], []
    route_network(tab, requests, serve_assets=False)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.set_content(BLANK)
    tab.add_script_tag(content=COORDS_JS.read_text(encoding="utf-8"))
    yield tab
    assert errors == [] and requests == []
    tab.close()


def _mgrs(tab, points, precision=5):
    return tab.evaluate("([points, p]) => points.map(([lat, lon]) => window.mapperRuntime.mgrs(lat, lon, p))",
                        [list(points), precision])


def _compact(reference):
    """GeoConvert pads the zone to two digits ("04QFJ..."); the runtime writes "4Q FJ ..." with spaces."""
    reference = reference.replace(" ", "")
    return reference[1:] if reference[0] == "0" else reference


def test_matches_geographiclib_geoconvert(coords):
    rows = [line.split("\t") for line in GEOCONVERT_TABLE.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    assert len(rows) == 439
    got = _mgrs(coords, [(float(lat), float(lon)) for lat, lon, _ in rows])
    wrong = [(lat, lon, want, mine) for (lat, lon, want), mine in zip(rows, got) if _compact(want) != _compact(mine)]
    assert wrong == []
    # The polar areas (UPS: A, B, Y, Z) and the exceptional zones are among them.
    zones = {_compact(want)[:3] for _, _, want in rows}
    assert {"32V", "31X", "33X", "35X", "37X"} <= zones
    assert {code[0] for code in zones} >= {"A", "B", "Y", "Z"}


@pytest.mark.parametrize("lat, lon, digits, reference", PUBLISHED)
def test_published_reference_points(coords, lat, lon, digits, reference):
    assert _mgrs(coords, [(lat, lon)], digits) == [reference]


def test_a_square_of_geographiclib_documentation(coords):
    """GeoConvert's page: UTM zone 38n, easting in [444, 445) km and northing in [3688, 3689) km, is 38SMB4488."""
    lon, lat = Proj(proj="utm", zone=38, ellps="WGS84")(444_500, 3_688_500, inverse=True)
    assert _mgrs(coords, [(lat, lon)], 2) == ["38S MB 44 88"]


def _digits_from(value_m):
    """The five MGRS digits of an easting or northing: truncated, not rounded."""
    return f"{math.floor(value_m) % 100_000:05d}"


def test_utm_against_pyproj(coords):
    rng = random.Random(7)
    points = [(rng.uniform(-80, 84), rng.uniform(-180, 180)) for _ in range(1500)]
    points += [(rng.uniform(56, 84), rng.uniform(0, 42)) for _ in range(300)]  # Norway and Svalbard
    mine = coords.evaluate("(points) => points.map(([lat, lon]) => [window.mapperRuntime.utm(lat, lon), "
                           "window.mapperRuntime.mgrs(lat, lon)])", points)
    for (lat, lon), (utm, grid) in zip(points, mine):
        zone = utm["zone"]
        nominal = math.floor((lon + 180) / 6) + 1
        if not (56 <= lat < 64 and 3 <= lon < 12) and not (72 <= lat and 0 <= lon < 42):
            assert zone == nominal, (lat, lon)
        east, north = Proj(proj="utm", zone=zone, south=lat < 0, ellps="WGS84")(lon, lat)
        assert abs(utm["easting"] - east) < 1e-3 and abs(utm["northing"] - north) < 1e-3, (lat, lon)
        gzd, square, e_digits, n_digits = grid.split(" ")
        assert gzd == f"{zone}{'CDEFGHJKLMNPQRSTUVWX'[min(19, math.floor((lat + 80) / 8))]}"
        # The row letter counts 100 km of northing (shifted by 5 in even zones), the column the easting.
        assert UTM_ROWS.index(square[1]) == (math.floor(north / 100_000) + (0 if zone % 2 else 5)) % 20
        assert ["ABCDEFGH", "JKLMNPQR", "STUVWXYZ"][(zone - 1) % 3].index(square[0]) == math.floor(east / 100_000) - 1
        if min(east % 1, 1 - east % 1, north % 1, 1 - north % 1) > 1e-6:  # not on a metre line, where float decides
            assert (e_digits, n_digits) == (_digits_from(east), _digits_from(north)), (lat, lon)


def test_ups_against_pyproj(coords):
    rng = random.Random(11)
    points = [(rng.uniform(84, 90), rng.uniform(-180, 180)) for _ in range(200)]
    points += [(-rng.uniform(80, 90), rng.uniform(-180, 180)) for _ in range(200)]
    mine = coords.evaluate("(points) => points.map(([lat, lon]) => [window.mapperRuntime.ups(lat, lon), "
                           "window.mapperRuntime.mgrs(lat, lon)])", points)
    for (lat, lon), (ups, grid) in zip(points, mine):
        east, north = Proj(proj="ups", south=lat < 0, ellps="WGS84")(lon, lat)
        assert abs(ups["easting"] - east) < 1e-3 and abs(ups["northing"] - north) < 1e-3, (lat, lon)
        zone, _, e_digits, n_digits = grid.split(" ")
        assert zone == ("YZ" if lat > 0 else "AB")[east >= 2_000_000]
        if min(east % 1, 1 - east % 1, north % 1, 1 - north % 1) > 1e-6:
            assert (e_digits, n_digits) == (_digits_from(east), _digits_from(north)), (lat, lon)


@pytest.mark.parametrize("lat, lon, decimal, dms", [
    (55.7558, 37.6173, "55.75580, 37.61730", "55°45′20.9″ N, 037°37′02.3″ E"),
    (-33.8688, 151.2093, "-33.86880, 151.20930", "33°52′07.7″ S, 151°12′33.5″ E"),
    (40.7128, -74.006, "40.71280, -74.00600", "40°42′46.1″ N, 074°00′21.6″ W"),
    (10.99999999, -0.00000001, "11.00000, 0.00000", "11°00′00.0″ N, 000°00′00.0″ E"),  # carried up, no "S"
    (0.0, 190.0, "0.00000, -170.00000", "00°00′00.0″ N, 170°00′00.0″ W"),  # a world copy east of 180
])
def test_decimal_and_dms(coords, lat, lon, decimal, dms):
    forms = coords.evaluate("([lat, lon]) => window.mapperRuntime.coordinateForms(lat, lon)", [lat, lon])
    assert (forms["decimal"], forms["dms"]) == (decimal, dms)


def test_mgrs_of_no_point(coords):
    assert coords.evaluate("() => [window.mapperRuntime.mgrs(91, 0), window.mapperRuntime.mgrs(NaN, 0), "
                           "window.mapperRuntime.coordinateForms(95, 0).mgrs]") == [None, None, "not defined here"]
