"""Every command through click's CliRunner: exit codes, messages, outputs."""

import hashlib
import json
import os
import shutil
import stat
from pathlib import Path

import pytest
import rfc7946

from mapper import __version__
from mapper.core.points import LonLat
from mapper.geo.geodesy import inverse


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


@pytest.mark.parametrize("command", ["render", "places", "distance", "ring", "validate"])
def test_help_ends_with_an_example(run, command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"mapper {command}" in result.output.split("Example:")[1]


def test_distance_moscow_alabuga_in_miles(run):
    result = run("distance", "moscow", "alabuga", "--units", "mi")
    assert result.exit_code == 0
    assert "561.0 mi" in result.stdout


def test_distance_json(run):
    data = json.loads(run("distance", "Moscow", "Alabuka", "--json").stdout)
    assert data["distance_m"] == pytest.approx(902_896, abs=1)
    assert 80 < data["azimuth_deg"] < 90
    assert 270 < data["back_azimuth_deg"] < 280
    assert data["to"]["place_id"] == "alabuga-sez"


def test_distance_accepts_lat_lon(run):
    data = json.loads(run("distance", "50.45,30.52", "kharkiv", "--json").stdout)
    assert data["from"]["lat"] == 50.45 and data["from"]["lon"] == 30.52
    assert 400_000 < data["distance_m"] < 420_000


@pytest.mark.parametrize("args, code, message", [
    (("distance", "moscw", "kyiv"), 2, "Error: unknown place 'moscw'; did you mean 'Moscow'?"),
    (("distance", "atlantis", "kyiv"), 2, "Error: unknown place 'atlantis'"),
    (("distance", "95,30", "kyiv"), 2, "Error: coordinate '95,30': latitude 95.0 is outside -90..90"),
    (("distance", "50.1,30,7", "kyiv"), 2, "Error: cannot read '50.1,30,7' as LAT,LON"),
    (("ring", "kyiv", "--radius", "120 parsecs"), 2, "Error: unknown unit 'parsecs'"),
    (("ring", "kyiv", "--radius", "0km"), 2, "Error: radius must be greater than zero"),
    (("ring", "kyiv", "--radius", "-5km"), 2, "Error: radius must be greater than zero"),
    (("render", "missing.toml"), 1, "Error: missing.toml: briefing file not found"),
    (("--data-dir", "nowhere", "places"), 1, "Error: nowhere: geodata folder not found"),
])
def test_errors_are_one_line_with_exit_code(run, args, code, message):
    result = run(*args)
    assert result.exit_code == code
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(message)
    assert "Traceback" not in result.output


def test_places_lists_every_place(run, geodata):
    result = run("places", "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert {r["id"] for r in rows} == {p["properties"]["id"] for p in geodata.places}
    text = run("places").stdout
    assert "alabuga-sez" in text and "assumption" in text


def test_ring_json_vertices_at_120_km(run):
    result = run("ring", "50.45,30.52", "--radius", "120km", "--json")
    assert result.exit_code == 0
    feature = json.loads(result.stdout)
    assert feature["geometry"]["type"] == "Polygon"
    assert rfc7946.problems(feature) == []
    centre = LonLat(30.52, 50.45)
    ring = feature["geometry"]["coordinates"][0]
    assert len(ring) > 64
    assert all(abs(inverse(centre, LonLat(*v)).distance_m - 120_000) < 1.0 for v in ring)


def test_ring_writes_geojson_and_refuses_to_clobber(run, tmp_path):
    out = tmp_path / "ring.geojson"
    assert run("ring", "belgorod", "-r", "75mi", "-o", str(out)).exit_code == 0
    collection = json.loads(out.read_text())
    assert collection["type"] == "FeatureCollection"
    assert rfc7946.problems(collection) == []
    before = out.read_bytes()
    again = run("ring", "kursk", "-r", "75mi", "-o", str(out))
    assert again.exit_code == 1
    assert "already exists; use --overwrite" in again.stderr
    assert out.read_bytes() == before
    assert run("ring", "kursk", "-r", "75mi", "-o", str(out), "--overwrite").exit_code == 0
    assert out.read_bytes() != before


def test_render_default_writes_outputs_file(run, tmp_path):
    result = run("render")
    assert result.exit_code == 0, result.output
    out = tmp_path / "outputs" / "iran-russia.html"
    assert out.is_file() and out.stat().st_size > 50_000
    assert "wrote outputs/iran-russia.html" in result.stderr
    assert result.stdout == ""


def test_render_refuses_existing_output_and_leaves_it(run, tmp_path):
    out = tmp_path / "map.html"
    out.write_text("keep me")
    result = run("render", "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {out}: already exists; use --overwrite to replace it"
    assert out.read_text() == "keep me"
    assert run("render", "-o", str(out), "--overwrite").exit_code == 0
    assert "leaflet" in out.read_text()


def test_render_into_missing_folder(run, tmp_path):
    result = run("render", "-o", str(tmp_path / "nope" / "map.html"))
    assert result.exit_code == 1
    assert "does not exist" in result.stderr


def test_render_into_unwritable_folder(run, tmp_path):
    if os.geteuid() == 0:
        folder = Path("/sys")  # root ignores file modes; sysfs refuses new files
    else:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    before = sorted(folder.iterdir())
    result = run("render", "-o", str(folder / "map.html"))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {folder / 'map.html'}: cannot write: Permission denied"
    assert sorted(folder.iterdir()) == before


def test_render_leaves_no_temporary_files(run, tmp_path):
    assert run("render", "-o", str(tmp_path / "a.html")).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_validate_passes_on_bundled_data(run):
    result = run("validate")
    assert result.exit_code == 0
    assert "no problems" in result.stderr


def test_validate_names_fault_in_broken_copy(run, data_copy):
    places = data_copy / "places.geojson"
    doc = json.loads(places.read_text())
    doc["features"][2]["properties"]["sources"][0]["quote"] = "Kyiv was never attacked."
    places.write_text(json.dumps(doc))
    result = run("validate", str(data_copy))
    assert result.exit_code == 1
    assert result.stdout.strip() == "places.geojson: kyiv: sources[0].quote: not found word for word in cnn-2024-06-21"
    assert "1 problem(s)" in result.stderr


def test_data_dir_option_and_env(run, data_copy):
    doc = json.loads((data_copy / "places.geojson").read_text())
    doc["features"][0]["properties"]["aliases"].append("Tehran-alias-only-here")
    (data_copy / "places.geojson").write_text(json.dumps(doc))
    assert run("--data-dir", str(data_copy), "distance", "Tehran-alias-only-here", "moscow").exit_code == 0
    assert run("distance", "Tehran-alias-only-here", "moscow", env={"MAPPER_DATA_DIR": str(data_copy)}).exit_code == 0
    assert run("distance", "Tehran-alias-only-here", "moscow").exit_code == 2


def test_invalid_data_file_is_one_line_error(run, data_copy):
    (data_copy / "places.geojson").write_text("{not json", encoding="utf-8")
    result = run("--data-dir", str(data_copy), "places")
    assert result.exit_code == 1
    assert result.stderr.strip().startswith(f"Error: {data_copy / 'places.geojson'}: invalid JSON at line 1")


def test_render_is_offline_by_default_and_says_so(run, tmp_path):
    result = run("render", "-o", "map.html")
    assert result.exit_code == 0, result.output
    digest = hashlib.sha256((tmp_path / "map.html").read_bytes()).hexdigest()
    assert "(offline, " in result.stderr and f"sha256 {digest}" in result.stderr
    assert '<meta http-equiv="Content-Security-Policy"' in (tmp_path / "map.html").read_text(encoding="utf-8")


def test_render_with_tiles_is_online(run, tmp_path):
    result = run("render", "--tiles", "openstreetmap.mapnik", "-o", "map.html")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "map.html").read_text(encoding="utf-8")
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in html
    assert "mapperRuntime.basemap(map_" not in html  # tiles replace the vector basemap
    assert "(online, " in result.stderr


def keyed_tile_provider():
    """A provider that needs an API key, whichever xyzservices is installed."""
    import xyzservices.providers as providers

    return next(name for name, provider in providers.flatten().items() if provider.requires_token())


@pytest.mark.parametrize("args, message", [
    (["--offline", "--tiles", "OpenStreetMap.Mapnik"],
     "Error: --offline and --tiles: tiles come from the network; drop one of the two\n"),
    (["--tiles", ""], "Error: tile provider '': give a name such as OpenStreetMap.Mapnik\n"),
    (["--tiles", "OpenStreetMap.Mapnk"],
     "Error: tile provider 'OpenStreetMap.Mapnk': not an xyzservices provider; did you mean OpenStreetMap.Mapnik"),
    (["--tiles", "KEYED"], "Error: tile provider 'KEYED': needs an API key, which mapper does not pass on; "
                           "pick another\n"),
])
def test_render_tile_errors_are_usage_errors(run, tmp_path, args, message):
    if "KEYED" in args:
        keyed = keyed_tile_provider()
        args, message = [a.replace("KEYED", keyed) for a in args], message.replace("KEYED", keyed)
    result = run("render", *args, "-o", "map.html")
    assert result.exit_code == 2
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
    assert not (tmp_path / "map.html").exists()


def test_render_stamp(run, tmp_path):
    result = run("render", "--stamp", "-o", "stamped.html", env={"SOURCE_DATE_EPOCH": "1725926400"})
    assert result.exit_code == 0, result.output
    html = (tmp_path / "stamped.html").read_text(encoding="utf-8")
    assert "Generated 2024-09-10 00:00 UTC by mapper " + __version__ in html
    run("render", "-o", "plain.html")
    assert "Generated " not in (tmp_path / "plain.html").read_text(encoding="utf-8")


def test_render_stamp_from_briefing_and_bad_epoch(run, tmp_path, data_copy):
    briefing = data_copy / "briefings" / "iran-russia.toml"
    original = briefing.read_text(encoding="utf-8")
    briefing.write_text("stamp = true\n" + original, encoding="utf-8")
    result = run("--data-dir", str(data_copy), "render", "-o", "a.html", env={"SOURCE_DATE_EPOCH": "0"})
    assert "Generated 1970-01-01 00:00 UTC" in (tmp_path / "a.html").read_text(encoding="utf-8")
    result = run("--data-dir", str(data_copy), "render", "--no-stamp", "-o", "b.html")
    assert "Generated " not in (tmp_path / "b.html").read_text(encoding="utf-8")
    result = run("--data-dir", str(data_copy), "render", "-o", "c.html", env={"SOURCE_DATE_EPOCH": "soon"})
    assert result.exit_code == 2
    assert result.stderr == "Error: SOURCE_DATE_EPOCH='soon': not a Unix time in seconds\n"
    briefing.write_text("stamp = 'yes'\n" + original, encoding="utf-8")
    result = run("--data-dir", str(data_copy), "render", "-o", "d.html")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {briefing}:1: stamp: must be true or false\n"


def test_render_own_data_without_basemap_uses_the_bundled_one(run, tmp_path, data_copy):
    shutil.rmtree(data_copy / "basemap")
    result = run("--data-dir", str(data_copy), "render", "-o", "map.html")
    assert result.exit_code == 0, result.output
    assert "mapperRuntime.basemap(map_" in (tmp_path / "map.html").read_text(encoding="utf-8")


def test_lone_surrogate_is_a_one_line_data_error(run, data_copy):
    places = data_copy / "places.geojson"
    places.write_text(places.read_text(encoding="utf-8").replace('"name": "Tehran"', '"name": "Tehran\\ud800"'),
                      encoding="utf-8")
    message = f"{places}: a string holds a lone surrogate escape (\\ud800), which is not text"
    result = run("--data-dir", str(data_copy), "render")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {message}\n"
    result = run("validate", str(data_copy))
    assert result.exit_code == 1
    assert message in result.stdout


HEAVY_MODULES = ("geopandas", "folium", "branca", "pandas", "matplotlib", "pyogrio", "pyarrow")


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["places"], ["distance", "moscow", "alabuga"],
                                  ["ring", "alabuga", "-r", "120km"], ["verify"]], ids=" ".join)
def test_commands_without_a_map_never_import_geopandas_or_folium(args):
    """They start in a fraction of a second: importing geopandas and folium alone takes over a second."""
    import subprocess
    import sys

    probe = ("import atexit, sys\n"
             f"atexit.register(lambda: print('LOADED', [m for m in {HEAVY_MODULES!r} if m in sys.modules]))\n"
             "from mapper.cli.entry import main\nmain()\n")
    done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "LOADED []"


@pytest.mark.parametrize("args", [["--help"], ["distance", "--help"], ["render", "--help"], ["export", "--help"]],
                         ids=" ".join)
def test_help_loads_only_click_and_the_command_table(args):
    """--help imports no library stage: the command table, its options and the vocabularies at most."""
    import subprocess
    import sys

    probe = ("import atexit, json, sys\n"
             "atexit.register(lambda: print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
             "('mapper', 'numpy', 'shapely', 'pyproj')))))\n"
             "from mapper.cli.entry import main\nmain()\n")
    done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    allowed = {"mapper", "mapper.errors", "mapper.core", "mapper.core.text", "mapper.core.vocab", "mapper.cli",
               "mapper.cli.entry",
               "mapper.cli.main", "mapper.cli.options"}
    command = {f"mapper.cli.{args[0].replace('-', '_')}"} if args[0] != "--help" else set()
    assert set(loaded) - allowed - command == set()


def test_command_table_summaries_match_the_commands():
    """``mapper --help`` lists the commands from the table; each summary is its command's own first line."""
    from mapper.cli.main import COMMANDS, cli

    for name, (_, _, summary) in COMMANDS.items():
        command = cli.get_command(None, name)
        assert command.name == name
        assert command.help.strip().splitlines()[0] == summary


def test_group_help_lists_every_command(run):
    from mapper.cli.main import COMMANDS

    listed = run("--help").stdout.split("Commands:")[1].strip().splitlines()
    assert [line.split()[0] for line in listed if not line.startswith("   ")] == list(COMMANDS)
