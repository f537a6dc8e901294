"""Points south of the equator and west of Greenwich on the command line: LAT,LON with a leading minus."""

import csv
import json
import subprocess
import sys

import pytest

from mapper.core.points import LonLat, parse_latlon
from mapper.geo.geodesy import inverse

SYDNEY, LONDON = "-33.87,151.21", "51.5,-0.13"
CAPE_TOWN, BUENOS_AIRES = "-33.9,18.4", "-34.6,-58.4"


def test_sydney_to_london(run):
    result = run("distance", SYDNEY, LONDON, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["from"]["lat"], data["from"]["lon"]) == (-33.87, 151.21)
    assert (data["to"]["lat"], data["to"]["lon"]) == (51.5, -0.13)
    assert data["distance_m"] == pytest.approx(inverse(LonLat(151.21, -33.87), LonLat(-0.13, 51.5)).distance_m)
    assert data["distance_m"] == pytest.approx(16_990_000, abs=1_000)


def test_both_ends_negative_and_options_between(run):
    result = run("distance", CAPE_TOWN, "--units", "mi", BUENOS_AIRES)
    assert result.exit_code == 0, result.output
    expected_mi = inverse(LonLat(18.4, -33.9), LonLat(-58.4, -34.6)).distance_m / 1609.344
    assert result.stdout.startswith(f"-33.90000,18.40000 → -34.60000,-58.40000: {expected_mi:,.1f} mi")


def test_ring_around_cape_town(run):
    result = run("ring", CAPE_TOWN, "--radius", "100km", "--json")
    assert result.exit_code == 0, result.output
    props = json.loads(result.stdout)["properties"]
    assert props["centre"] == [18.4, -33.9] and props["radius_m"] == 100_000


def test_route_great_circle_with_a_negative_via(run):
    result = run("route", CAPE_TOWN, "--via", SYDNEY, BUENOS_AIRES, "--mode", "great-circle", "--json")
    assert result.exit_code == 0, result.output
    props = json.loads(result.stdout)["properties"]
    assert props["stops"] == ["-33.90000,18.40000", "-33.87000,151.21000", "-34.60000,-58.40000"]
    cape, sydney, buenos = LonLat(18.4, -33.9), LonLat(151.21, -33.87), LonLat(-58.4, -34.6)
    assert props["length_m"] == pytest.approx(inverse(cape, sydney).distance_m + inverse(sydney, buenos).distance_m)


def test_coverage_from_a_negative_point(run):
    for args in (("--from", CAPE_TOWN), (f"--from={CAPE_TOWN}",)):
        result = run("coverage", "300km", *args, "--json")
        assert result.exit_code == 0, result.output
        origin = json.loads(result.stdout)["from"]
        assert origin["label"] == "-33.90000,18.40000"


def test_export_distances_between_negative_points(run, tmp_path):
    result = run("export", "-f", "distances", "-p", SYDNEY, "-p", LONDON, "-o", "d.csv")
    assert result.exit_code == 0, result.output
    with open(tmp_path / "d.csv", encoding="utf-8", newline="") as rows:
        row, = csv.DictReader(rows)
    # A leading minus is written behind an apostrophe, so that no spreadsheet reads a formula.
    assert (row["from"], row["to"]) == ("'-33.87000,151.21000", "51.50000,-0.13000")
    assert float(row["distance_km"]) == pytest.approx(16_990, abs=1)


def test_minus_sign_as_documents_print_it(run):
    assert parse_latlon("\u221233.87,151.21") == LonLat(151.21, -33.87)
    assert parse_latlon("51.5 \u22120.13") == LonLat(-0.13, 51.5)
    result = run("distance", "\u221233.87,151.21", "51.5,\u22120.13", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["distance_m"] == pytest.approx(16_990_000, abs=1_000)


@pytest.mark.parametrize("args, message", [
    (("distance", "--bogus"), "Error: No such option '--bogus'"),
    (("distance", SYDNEY, "-x"), "Error: No such option '-x'"),
    (("distance", "-33.87;151.21", LONDON), "Error: No such option '-3'"),  # not LAT,LON: an option, as before
    (("ring", CAPE_TOWN), "Error: Missing option '-r' / '--radius'"),
])
def test_unknown_options_are_still_usage_errors(args, message):
    done = _console(*args)
    assert done.returncode == 2
    assert done.stderr.startswith(message) and len(done.stderr.splitlines()) == 1, done.stderr


def test_errors_quote_the_point_as_typed(run):
    result = run("distance", "-95,30", "kyiv")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: coordinate '-95,30': latitude -95.0 is outside -90..90")


def test_option_values_and_after_double_dash_are_left_alone(run, tmp_path):
    result = run("ring", "kyiv", "-r", "10km", "-o", "-1,2")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "-1,2").is_file()
    result = run("distance", "--", SYDNEY, LONDON)
    assert result.exit_code == 0, result.output
    assert "16,990" in result.stdout


def _console(*args):
    """The console script as a shell runs it (click's runner skips its one-line usage errors)."""
    command = [sys.executable, "-c", "from mapper.cli.entry import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_console_script_takes_negative_points():
    done = _console("distance", SYDNEY, LONDON)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("-33.87000,151.21000 → 51.50000,-0.13000: 16,990.")
