"""mapper verify: the articles' distance, direction and unit claims against WGS84 geodesy."""

import json
import math

import pytest
from click.testing import CliRunner
from conftest import DATA_DIR, edit_json
from pyproj import Geod

from mapper.cli.main import cli
from mapper.compose.layers import build_layers
from mapper.core.vocab import DIRECTIONS, QUALIFIER_BOUNDS_PCT
from mapper.geo.claims import check_claim, direction_holds, sector_bounds_deg
from mapper.html.popups import feature_popup
from mapper.load.briefing import default_briefing_path, load_briefing
from mapper.load.check import check_folder
from mapper.load.geodata import load_geodata

WGS84 = Geod(ellps="WGS84")
MILE_M = 1609.344
QUOTE_600_MILES = ("The U.S. also believes Iran is sending materials Russia uses to build its own drone factory "
                   "inside Russia’s Alabuka special economic zone, about 600 miles east of Moscow.")
QUOTE_FATH = "the Fath-360 missiles, with a range of 75 miles (120 kilometers), have already been shipped to Russia."
DISTANCE_CLAIM = "alabuga-600-miles-east-of-moscow"
UNITS_CLAIM = "fath-360-range-units"
COORDINATE_CLAIM = "alabuga-coordinate-agrees-with-article"


def _claim(doc, claim_id):
    return next(c for c in doc["claims"] if c["id"] == claim_id)


def _by_id(checks):
    return {c["id"]: c for c in checks}


def _verify_json(run, *args):
    result = run(*args, "verify", "--json")
    assert result.exit_code == 0, result.output
    return _by_id(json.loads(result.stdout))


@pytest.fixture(scope="module")
def bundled_checks():
    result = CliRunner().invoke(cli, ["--data-dir", str(DATA_DIR), "verify", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return _by_id(json.loads(result.stdout))


def _lonlat(geodata, place_id):
    return geodata.place(place_id)["geometry"]["coordinates"][:2]


# -- the bundled claims ---------------------------------------------------------


def test_every_bundled_claim_is_checked_in_file_order(bundled_checks, geodata):
    assert list(bundled_checks) == [c["id"] for c in geodata.claims]
    assert list(bundled_checks) == [DISTANCE_CLAIM, UNITS_CLAIM, COORDINATE_CLAIM]
    assert [c["check"] for c in bundled_checks.values()] == ["distance", "unit-conversion", "coordinate"]
    assert all(c["verdict"] == "holds" for c in bundled_checks.values())


def test_600_miles_east_of_moscow(bundled_checks, geodata):
    check = bundled_checks[DISTANCE_CLAIM]
    assert check["computed_unit"] == "mi"
    assert check["computed_value"] == pytest.approx(561.0, abs=0.5)
    assert check["relative_difference_pct"] == pytest.approx(-6.5, abs=0.1)
    assert check["difference"] == pytest.approx(check["computed_value"] - 600.0)
    assert check["stated"] == {"value": 600.0, "unit": "mi", "qualifier": "about", "direction": "east"}
    assert check["tolerance_pct"] == [-10.0, 10.0]
    assert "about" in check["tolerance_basis"] and "10" in check["tolerance_basis"]
    assert check["direction"]["stated"] == "east"
    assert check["direction"]["holds"] is True
    assert check["direction"]["sector_deg"] == [45, 135]
    assert 45 <= check["direction"]["azimuth_deg"] <= 135
    assert check["verdict"] == "holds"
    assert check["quote"] == QUOTE_600_MILES
    assert check["source"] == "cnn-2024-06-21"
    assert check["subject"] == "alabuga-sez"


def test_600_miles_agrees_with_pyproj(bundled_checks, geodata):
    check = bundled_checks[DISTANCE_CLAIM]
    azimuth, _, distance_m = WGS84.inv(*_lonlat(geodata, "moscow"), *_lonlat(geodata, "alabuga-sez"))
    assert check["details"]["distance_m"] == pytest.approx(distance_m, abs=0.01)
    assert check["computed_value"] == pytest.approx(distance_m / MILE_M, abs=1e-6)
    assert check["direction"]["azimuth_deg"] == pytest.approx(azimuth % 360, abs=1e-9)


def test_fath_360_units(bundled_checks):
    check = bundled_checks[UNITS_CLAIM]
    assert check["check"] == "unit-conversion"
    assert check["computed_unit"] == "km"
    assert check["computed_value"] == pytest.approx(120.70, abs=0.005)
    assert check["computed_value"] == pytest.approx(75 * MILE_M / 1000)
    assert check["relative_difference_pct"] == pytest.approx(0.58, abs=0.005)
    assert check["tolerance_pct"] == [-2.0, 2.0]
    assert check["direction"] is None
    assert check["verdict"] == "holds"
    assert check["quote"] == QUOTE_FATH
    assert check["subject"] == "fath-360"
    assert check["details"]["stored_range_m"] == 120_000
    assert check["details"]["stored_relative_difference_pct"]["120 km"] == pytest.approx(0.0)
    assert check["details"]["stored_relative_difference_pct"]["75 mi"] == pytest.approx(-0.58, abs=0.005)


def test_alabuga_coordinate(bundled_checks, geodata):
    check = bundled_checks[COORDINATE_CLAIM]
    assert check["check"] == "coordinate"
    assert check["verdict"] == "holds"
    assert check["direction"]["holds"] is True
    assert check["quote"] == QUOTE_600_MILES
    moscow, alabuga = _lonlat(geodata, "moscow"), _lonlat(geodata, "alabuga-sez")
    nominal_lon, nominal_lat, _ = WGS84.fwd(*moscow, 90.0, 600 * MILE_M)
    _, _, offset_m = WGS84.inv(nominal_lon, nominal_lat, *alabuga)
    assert check["details"]["offset_from_nominal_m"] == pytest.approx(offset_m, abs=1.0)
    assert 100_000 < check["details"]["offset_from_nominal_m"] < 150_000
    assert check["details"]["nominal_point"] == pytest.approx([nominal_lon, nominal_lat], abs=1e-9)
    assert check["details"]["stored"] == alabuga


def test_verify_text_output_and_strict_pass(run):
    result = run("verify", "--strict")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert f"{DISTANCE_CLAIM}: HOLDS" in lines
    assert f"{UNITS_CLAIM}: HOLDS" in lines
    assert f"{COORDINATE_CLAIM}: HOLDS" in lines
    assert f"  quote: “{QUOTE_600_MILES}” (CNN, Friday, June 21, 2024)" in lines
    assert "  difference: -38.97 mi (-6.49 %), allowed -10 % to +10 %" in lines


# -- claims that must fail ------------------------------------------------------


def _distance_change(**changes):
    def change(doc):
        claim = _claim(doc, DISTANCE_CLAIM)
        for key, value in changes.items():
            if key == "direction":
                claim["direction"] = value
            else:
                claim["distance"][key] = value
    return change


FAILURES = {
    "400-miles": (_distance_change(value=400), {"relative_difference_pct": (40.26, 0.1), "direction_holds": True,
                                                 "tolerance_pct": [-10.0, 10.0]}),
    "west": (_distance_change(direction="west"), {"relative_difference_pct": (-6.5, 0.1), "direction_holds": False,
                                                   "sector_deg": [225, 315], "tolerance_pct": [-10.0, 10.0]}),
    "exact-600": (_distance_change(qualifier="exact"), {"relative_difference_pct": (-6.5, 0.1),
                                                         "direction_holds": True, "tolerance_pct": [-2.0, 2.0]}),
    "more-than-600": (_distance_change(qualifier="more than"), {"relative_difference_pct": (-6.5, 0.1),
                                                                 "direction_holds": True,
                                                                 "tolerance_pct": [0.0, None]}),
    "nearly-550": (_distance_change(qualifier="nearly", value=550), {"relative_difference_pct": (2.0, 0.1),
                                                                      "direction_holds": True,
                                                                      "tolerance_pct": [-10.0, 0.0]}),
}


@pytest.mark.parametrize("case", sorted(FAILURES))
def test_distance_claim_can_fail(run, data_copy, case):
    change, expected = FAILURES[case]
    edit_json(data_copy, "claims.json", change)
    check = _verify_json(run, "--data-dir", str(data_copy))[DISTANCE_CLAIM]
    assert check["verdict"] == "fails"
    assert check["relative_difference_pct"] == pytest.approx(expected["relative_difference_pct"][0],
                                                             abs=expected["relative_difference_pct"][1])
    assert check["direction"]["holds"] is expected["direction_holds"]
    assert check["tolerance_pct"] == expected["tolerance_pct"]
    if "sector_deg" in expected:
        assert check["direction"]["sector_deg"] == expected["sector_deg"]
    strict = run("--data-dir", str(data_copy), "verify", "--strict")
    assert strict.exit_code == 1
    assert strict.stderr == f"Error: 1 of 3 claims fail: {DISTANCE_CLAIM}\n"
    assert f"{DISTANCE_CLAIM}: FAILS" in strict.stdout


def test_failing_claim_without_strict_exits_0(run, data_copy):
    edit_json(data_copy, "claims.json", _distance_change(value=400))
    result = run("--data-dir", str(data_copy), "verify")
    assert result.exit_code == 0
    assert f"{DISTANCE_CLAIM}: FAILS" in result.stdout.splitlines()
    assert result.stderr == ""


def test_unit_conversion_can_fail(run, data_copy):
    edit_json(data_copy, "claims.json", lambda d: _claim(d, UNITS_CLAIM)["stated"][1].update(value=100))
    edit_json(data_copy, "systems.json", lambda d: d["systems"][0].update(range_m=100_000))
    check = _verify_json(run, "--data-dir", str(data_copy))[UNITS_CLAIM]
    assert check["relative_difference_pct"] == pytest.approx(20.7, abs=0.01)
    assert check["verdict"] == "fails"


def test_stored_range_that_disagrees_fails_the_unit_claim(run, data_copy):
    edit_json(data_copy, "systems.json", lambda d: d["systems"][0].update(range_m=130_000))
    check = _verify_json(run, "--data-dir", str(data_copy))[UNITS_CLAIM]
    assert check["relative_difference_pct"] == pytest.approx(0.58, abs=0.005)  # the article's figures still agree
    assert check["details"]["stored_relative_difference_pct"]["120 km"] == pytest.approx(8.33, abs=0.01)
    assert check["verdict"] == "fails"


def _swap_alabuga(folder):
    """Store alabuga-sez as [lat, lon]; move the routes' ends with it so the data still loads."""
    good = None

    def places(doc):
        nonlocal good
        feature = next(f for f in doc["features"] if f["properties"]["id"] == "alabuga-sez")
        good = feature["geometry"]["coordinates"][:2]
        feature["geometry"]["coordinates"] = good[::-1]

    def routes(doc):
        for feature in doc["features"]:
            feature["geometry"]["coordinates"] = [c[:2][::-1] if c[:2] == good else c
                                                  for c in feature["geometry"]["coordinates"]]

    edit_json(folder, "places.geojson", places)
    edit_json(folder, "routes.geojson", routes)
    return good


def test_swapped_coordinate_fails_the_coordinate_check(run, data_copy):
    good = _swap_alabuga(data_copy)
    checks = _verify_json(run, "--data-dir", str(data_copy))
    check = checks[COORDINATE_CLAIM]
    assert check["verdict"] == "fails"
    assert check["details"]["stored"] == good[::-1]
    assert check["details"]["offset_from_nominal_m"] > 300_000
    assert "does not lie where" in check["summary"]
    strict = run("--data-dir", str(data_copy), "verify", "--strict")
    assert strict.exit_code == 1
    assert strict.stderr == f"Error: 2 of 3 claims fail: {DISTANCE_CLAIM}, {COORDINATE_CLAIM}\n"


# -- compass sectors and qualifiers ---------------------------------------------


@pytest.mark.parametrize("direction, azimuth_deg, holds", [
    ("north", 0.0, True), ("north", 350.0, True), ("north", 315.0, True), ("north", 45.0, True),
    ("north", 46.0, False), ("north", 314.0, False), ("north", 180.0, False), ("north", -10.0, True),
    ("north", 360.0, True), ("north", 710.0, True),
    ("east", 45.0, True), ("east", 135.0, True), ("east", 83.5, True), ("east", 44.9, False), ("east", 135.1, False),
    ("south", 180.0, True), ("south", 225.0, True), ("south", 226.0, False),
    ("west", 270.0, True), ("west", 83.5, False), ("west", 315.0, True), ("west", 316.0, False),
    ("northeast", 22.5, True), ("northeast", 67.5, True), ("northeast", 45.0, True),
    ("northeast", 22.4, False), ("northeast", 67.6, False), ("northeast", 90.0, False),
    ("northwest", 337.5, True), ("northwest", 292.5, True), ("northwest", 0.0, False), ("northwest", 340.0, False),
    ("southeast", 135.0, True), ("southwest", 225.0, True), ("southwest", 180.0, False),
])
def test_direction_holds(direction, azimuth_deg, holds):
    assert direction_holds(direction, azimuth_deg) is holds


@pytest.mark.parametrize("direction, bounds", [
    ("north", (315.0, 45.0)), ("east", (45.0, 135.0)), ("south", (135.0, 225.0)), ("west", (225.0, 315.0)),
    ("northeast", (22.5, 67.5)), ("southeast", (112.5, 157.5)), ("southwest", (202.5, 247.5)),
    ("northwest", (292.5, 337.5)),
])
def test_sector_bounds(direction, bounds):
    assert sector_bounds_deg(direction) == bounds


def test_every_direction_has_a_sector():
    assert set(DIRECTIONS) == {"north", "east", "south", "west", "northeast", "southeast", "southwest", "northwest"}


def _variant(geodata, value, qualifier, direction="east", unit="mi"):
    claim = json.loads(json.dumps(_claim({"claims": geodata.claims}, DISTANCE_CLAIM)))
    claim["distance"] = {"value": value, "unit": unit, "qualifier": qualifier}
    claim["direction"] = direction
    return check_claim(geodata, claim)


@pytest.mark.parametrize("qualifier, value, verdict", [
    # the computed distance is 561.03 mi
    ("nearly", 600, "holds"),  # -6.5 %: below the figure, within 10 %
    ("nearly", 561, "fails"),  # +0.006 %: "nearly" allows nothing above the figure
    ("nearly", 550, "fails"),  # +2.0 %
    ("nearly", 640, "fails"),  # -12.3 %: too far below
    ("almost", 600, "holds"),
    ("almost", 560, "fails"),  # +0.2 %
    ("about", 520, "holds"),  # +7.9 %
    ("about", 640, "fails"),  # -12.3 %
    ("about", 500, "fails"),  # +12.2 %
    ("approximately", 600, "holds"),
    ("exact", 561, "holds"),  # +0.006 %
    ("exact", 575, "fails"),  # -2.4 %
    ("more than", 550, "holds"),
    ("more than", 600, "fails"),
    ("over", 500, "holds"),
    ("less than", 600, "holds"),
    ("under", 550, "fails"),
    ("within", 600, "holds"),
    ("within", 500, "fails"),
])
def test_qualifier_bounds(geodata, qualifier, value, verdict):
    check = _variant(geodata, value, qualifier)
    low, high = QUALIFIER_BOUNDS_PCT[qualifier]
    assert check.tolerance_pct == (low, high)
    assert (low <= check.relative_difference_pct <= high) is (verdict == "holds")
    assert check.verdict == verdict


def test_nearly_means_at_or_below_the_figure(geodata):
    computed = _variant(geodata, 600, "nearly").computed_value
    assert QUALIFIER_BOUNDS_PCT["nearly"] == (-10.0, 0.0)
    assert _variant(geodata, computed, "nearly").verdict == "holds"
    assert _variant(geodata, computed * 0.999, "nearly").verdict == "fails"  # computed above the figure
    assert _variant(geodata, computed * 1.001, "nearly").verdict == "holds"
    assert _variant(geodata, computed / 0.899, "nearly").verdict == "fails"  # more than 10 % below


def test_exact_allows_two_percent_for_rounding(geodata):
    computed = _variant(geodata, 600, "exact").computed_value
    assert _variant(geodata, computed / 1.019, "exact").verdict == "holds"
    assert _variant(geodata, computed / 1.021, "exact").verdict == "fails"
    assert _variant(geodata, computed / 0.981, "exact").verdict == "holds"
    assert _variant(geodata, computed / 0.979, "exact").verdict == "fails"


def test_unbounded_tolerance_is_null_in_json(geodata):
    check = _variant(geodata, 500, "more than")
    assert check.tolerance_pct == (0.0, math.inf)
    out = check.as_dict()
    assert out["tolerance_pct"] == [0.0, None]
    json.dumps(out, allow_nan=False)
    assert _variant(geodata, 600, "less than").as_dict()["tolerance_pct"] == [None, 0.0]


def test_distance_in_other_units(geodata):
    in_km = _variant(geodata, 900, "about", unit="km")
    in_nmi = _variant(geodata, 490, "about", unit="nmi")
    in_m = _variant(geodata, 900_000, "about", unit="m")
    assert in_km.computed_value == pytest.approx(902.896, abs=0.01)
    assert in_nmi.computed_value == pytest.approx(902_896.14 / 1852, abs=0.01)
    assert in_m.computed_value == pytest.approx(902_896.14, abs=0.1)
    assert {in_km.verdict, in_nmi.verdict, in_m.verdict} == {"holds"}


# -- validation of claims.json ---------------------------------------------------


@pytest.mark.parametrize("change, expected", [
    (lambda d: _claim(d, DISTANCE_CLAIM).update(check="bogus"),
     f"claims.json: {DISTANCE_CLAIM}: check: must be one of distance, unit-conversion, coordinate"),
    (lambda d: _claim(d, DISTANCE_CLAIM).update(direction="up"),
     f"claims.json: {DISTANCE_CLAIM}: direction: must be one of north, east, south, west, northeast, southeast, "
     "southwest, northwest"),
    (lambda d: _claim(d, DISTANCE_CLAIM)["distance"].update(qualifier="maybe"),
     f"claims.json: {DISTANCE_CLAIM}: distance: needs a value greater than zero, a unit in m, km, mi, nmi and an "
     "optional qualifier in exact, about, approximately, around, roughly, some, nearly, almost, more than, over, "
     "less than, under, within"),
    (lambda d: _claim(d, DISTANCE_CLAIM)["distance"].update(unit="furlong"),
     f"claims.json: {DISTANCE_CLAIM}: distance: needs a value greater than zero"),
    (lambda d: _claim(d, DISTANCE_CLAIM)["distance"].update(value=0),
     f"claims.json: {DISTANCE_CLAIM}: distance: needs a value greater than zero"),
    (lambda d: _claim(d, COORDINATE_CLAIM).pop("direction"),
     f"claims.json: {COORDINATE_CLAIM}: direction: a coordinate check needs a direction"),
    (lambda d: _claim(d, COORDINATE_CLAIM).update(subject="atlantis"),
     f"claims.json: {COORDINATE_CLAIM}: subject: unknown place 'atlantis'"),
    (lambda d: _claim(d, UNITS_CLAIM).update(system="fath-999"),
     f"claims.json: {UNITS_CLAIM}: system: unknown weapon system 'fath-999'"),
    (lambda d: _claim(d, UNITS_CLAIM)["stated"].pop(),
     f"claims.json: {UNITS_CLAIM}: stated: must be two figures [{{value, unit}}, {{value, unit}}] with units in "
     "m, km, mi, nmi"),
    (lambda d: _claim(d, UNITS_CLAIM)["sources"][0].update(quote="a range of 90 miles"),
     f"claims.json: {UNITS_CLAIM}: sources[0].quote: not found word for word in wenews-2024-09-10"),
], ids=["bogus-check", "direction-up", "qualifier-maybe", "unit-furlong", "zero-value", "coordinate-no-direction",
        "unknown-subject", "unknown-system", "one-figure", "quote"])
def test_validate_names_bad_claim(run, data_copy, change, expected):
    edit_json(data_copy, "claims.json", change)
    result = run("validate", str(data_copy))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    assert lines[0].startswith(expected)
    assert result.stderr.strip().splitlines()[-1] == f"Error: 1 problem(s) in {data_copy}"
    assert check_folder(data_copy).problems == lines
    verify = run("--data-dir", str(data_copy), "verify")
    assert verify.exit_code == 1
    assert verify.stderr.startswith(f"Error: {expected}")
    assert verify.stderr.count("\n") == 1


# -- verdicts in popups ------------------------------------------------------------


@pytest.fixture(scope="module")
def default_layers(geodata):
    briefing = load_briefing(default_briefing_path(DATA_DIR), geodata)
    return {layer.key: layer.features for layer in build_layers(briefing.geodata, briefing)}


def test_alabuga_place_carries_its_two_claims(default_layers):
    alabuga = next(f for f in default_layers["places"] if f["properties"]["id"] == "alabuga-sez")
    claims = alabuga["properties"]["claims"]
    assert [c["id"] for c in claims] == [DISTANCE_CLAIM, COORDINATE_CLAIM]
    assert [c["verdict"] for c in claims] == ["holds", "holds"]
    assert claims[0]["relative_difference_pct"] == pytest.approx(-6.5, abs=0.1)
    assert claims[0]["sources"] == [{"source": "cnn-2024-06-21", "quote": QUOTE_600_MILES}]
    others = [f["properties"]["id"] for f in default_layers["places"] if "claims" in f["properties"]]
    assert others == ["alabuga-sez"]


def test_fath_rings_carry_the_unit_claim(default_layers):
    rings = [f for f in default_layers["ranges"] if f["properties"].get("marker") is None]
    assert [f["properties"]["id"] for f in rings] == ["fath-360-belgorod", "fath-360-kursk", "fath-360-bryansk"]
    for ring in rings:
        claims = ring["properties"]["claims"]
        assert [(c["id"], c["check"], c["verdict"]) for c in claims] == [(UNITS_CLAIM, "unit-conversion", "holds")]
        assert claims[0]["sources"] == [{"source": "wenews-2024-09-10", "quote": QUOTE_FATH}]
    markers = [f for f in default_layers["ranges"] if f["properties"].get("marker")]
    assert markers and all("claims" not in f["properties"] for f in markers)


def test_popup_shows_the_verdict(default_layers, geodata):
    alabuga = next(f for f in default_layers["places"] if f["properties"]["id"] == "alabuga-sez")
    html = feature_popup(alabuga["properties"], geodata.sources)
    assert html.count("Claim check: holds") == 2
    assert 'class="mapper-claim mapper-claim-holds"' in html
    assert "561.0 mi against “about 600 mi east”" in html
    ring = next(f for f in default_layers["ranges"] if f["properties"]["id"] == "fath-360-belgorod")
    assert "Claim check: holds" in feature_popup(ring["properties"], geodata.sources)


def test_popup_shows_a_failing_verdict(data_copy):
    edit_json(data_copy, "claims.json", _distance_change(direction="west"))
    geodata = load_geodata(data_copy)
    briefing = load_briefing(default_briefing_path(data_copy), geodata)
    places = next(layer for layer in build_layers(briefing.geodata, briefing) if layer.key == "places")
    alabuga = next(f for f in places.features if f["properties"]["id"] == "alabuga-sez")
    html = feature_popup(alabuga["properties"], geodata.sources)
    assert "Claim check: fails" in html and "Claim check: holds" in html
    assert "is not “west” (225–315°)" in html
