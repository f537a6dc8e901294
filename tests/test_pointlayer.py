"""Large point layers: reading, checking, packing for the browser, rendering, CLI."""

import base64
import hashlib
import json
import re

import geopandas
import numpy as np
import pytest
import shapely

from mapper import api
from mapper.errors import DataError
from mapper.html import csp, pointpack
from mapper.load import files, pointfiles
from mapper.load.pointfiles import point_layer, read_point_layer

HEADER = "lat,lon,date,type,name\n"
ROWS = [
    "50.45,30.52,2024-06-21,drone strike,Kyiv report\n",
    "49.99,36.23,2024-06-22T14:30Z,missile strike,Kharkiv report\n",
    "46.48,30.73,,shelling,Odesa report\n",
]


def write(path, text, encoding="utf-8"):
    path.write_text(text, encoding=encoding)
    return path


@pytest.fixture
def csv_file(tmp_path):
    return write(tmp_path / "reports.csv", HEADER + "".join(ROWS))


def test_csv_columns_found_by_name(csv_file):
    layer = read_point_layer(csv_file)
    assert layer.title == layer.source == "reports.csv"
    assert dict(layer.columns) == {"lat": "lat", "lon": "lon", "time": "date", "category": "type", "label": "name"}
    assert layer.lon.tolist() == [30.52, 36.23, 30.73]
    assert layer.lat.tolist() == [50.45, 49.99, 46.48]
    assert layer.categories == ("drone strike", "missile strike", "shelling")
    assert layer.category.tolist() == [0, 1, 2]
    assert layer.labels == ("Kyiv report", "Kharkiv report", "Odesa report")
    # 2024-06-21 is day 19895 since 1970-01-01; the time of day is dropped; an empty time is undated.
    assert layer.day[:2].tolist() == [19895, 19896]
    assert layer.undated.tolist() == [False, False, True]


def test_other_column_names_and_spreadsheet_quirks(tmp_path):
    # A byte-order mark, CRLF line ends, upper-case names, spaces around values.
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffLatitude,Longitude,When\r\n 50.1 , 30.2 ,2024\r\n".encode())
    layer = read_point_layer(path, time="When", title="Excel", source="Colleague's sheet")
    assert (layer.lat[0], layer.lon[0], layer.title, layer.source) == (50.1, 30.2, "Excel", "Colleague's sheet")
    assert layer.day.tolist() == [19723]  # "2024" counts from its start
    assert layer.category is None and layer.labels is None


BAD_CSV = {
    "no-lat": ("lon,x2\n1,2\n", "no lat column (looked for lat, latitude)"),
    "bad-number": (HEADER + ROWS[0] + "fifty,30,2024-01-01,a,b\n", "row 2: column 'lat': 'fifty' is not a number"),
    "lat-out-of-range": (HEADER + "95.5,30,2024-01-01,a,b\n", "row 1: lat 95.5 is outside -90 to 90"),
    "lon-out-of-range": (HEADER + ROWS[0] + ROWS[1] + "50,190,,a,b\n", "row 3: lon 190 is outside -180 to 180"),
    "nan": (HEADER + "nan,30,,a,b\n", "row 1: column 'lat': 'nan' is not a number"),
    "bad-date": (HEADER + ROWS[0] + "50,30,21/06/2024,a,b\n", "row 2: time '21/06/2024' is not an ISO 8601 date"),
    "empty": ("", "empty file"),
    "ragged": (HEADER + "50,30,2024-01-01,a,b,extra,more\n",
               "not valid CSV: line 2 has 7 fields, but the header has 5"),
}


@pytest.mark.parametrize("case", BAD_CSV)
def test_bad_csv_is_one_line_naming_file_and_row(tmp_path, case):
    text, expected = BAD_CSV[case]
    path = write(tmp_path / "bad.csv", text)
    with pytest.raises(DataError) as raised:
        read_point_layer(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: ") and expected in message and "\n" not in message


def test_latin1_and_unknown_type_and_missing_file(tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("lat,lon,name\n50,30,Bila Tserkva caf\xe9\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"latin\.csv: not UTF-8 text"):
        read_point_layer(latin)
    with pytest.raises(DataError, match=r"points\.xlsx: unknown file type '\.xlsx'"):
        read_point_layer(write(tmp_path / "points.xlsx", "x"))
    with pytest.raises(DataError, match=r"gone\.csv: point file not found"):
        read_point_layer(tmp_path / "gone.csv")
    with pytest.raises(DataError, match=r"no column 'when'; the columns are 'lat', 'lon', 'name'"):
        read_point_layer(write(tmp_path / "ok.csv", "lat,lon,name\n50,30,x\n"), time="when")


def test_limits_refuse_before_running_out_of_memory(csv_file, monkeypatch):
    monkeypatch.setitem(files.MAX_BYTES, "point file", 100)
    with pytest.raises(DataError, match=r"; point files may be at most 100 bytes$"):
        read_point_layer(csv_file)
    monkeypatch.setitem(files.MAX_BYTES, "point file", 10**9)
    monkeypatch.setattr(pointfiles, "MAX_POINTS", 2)
    with pytest.raises(DataError, match=r"3 points; a point layer holds at most 2"):
        read_point_layer(csv_file)


def test_too_many_categories_is_refused():
    ids = [f"id-{i}" for i in range(300)]
    with pytest.raises(DataError, match=r"300 different values; a category column may have at most 255"):
        point_layer(np.zeros(300), np.zeros(300), title="t", source="s", category=ids)


def test_geojson_and_geoparquet_read_points_from_geometry(tmp_path):
    frame = geopandas.GeoDataFrame(
        {"kind": ["a", "b"], "date": ["2024-01-02", "2024-01-03"], "title": ["one", "two"]},
        geometry=geopandas.points_from_xy([30.5, 36.2], [50.4, 49.9]), crs="EPSG:4326")
    frame.to_file(tmp_path / "p.geojson", driver="GeoJSON")
    frame.to_parquet(tmp_path / "p.parquet")
    # A projected GeoParquet file is turned back into degrees.
    frame.to_crs("EPSG:3857").to_parquet(tmp_path / "mercator.parquet")
    for name in ("p.geojson", "p.parquet", "mercator.parquet"):
        layer = read_point_layer(tmp_path / name)
        np.testing.assert_allclose(layer.lon, [30.5, 36.2], atol=1e-9)
        np.testing.assert_allclose(layer.lat, [50.4, 49.9], atol=1e-9)
        assert layer.categories == ("a", "b") and layer.labels == ("one", "two")
        assert layer.day.tolist() == [19724, 19725]


def test_geojson_that_is_not_points_names_the_feature(tmp_path):
    frame = geopandas.GeoDataFrame(geometry=[shapely.Point(1, 2), shapely.LineString([(0, 0), (1, 1)])],
                                   crs="EPSG:4326")
    frame.to_file(tmp_path / "mixed.geojson", driver="GeoJSON")
    with pytest.raises(DataError, match=r"mixed\.geojson: feature 2: a LineString; a point layer needs a Point"):
        read_point_layer(tmp_path / "mixed.geojson")
    write(tmp_path / "broken.geojson", '{"type": "FeatureCollection", "features": [')
    with pytest.raises(DataError, match=r"broken\.geojson: cannot read"):
        read_point_layer(tmp_path / "broken.geojson")


def _decode(packed, block_id, dtype):
    text = dict(packed.blocks)[block_id]
    return np.frombuffer(base64.b64decode(text), dtype=dtype)


def test_pack_round_trips_within_a_micro_degree():
    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(-180, 180, 500), rng.uniform(-90, 90, 500)
    dates = np.where(rng.random(500) < 0.1, "", "2023-05-0" + rng.integers(1, 10, 500).astype(str))
    layer = point_layer(lon, lat, title="t", source="s", time=dates, category=rng.choice(["x", "y", "z"], 500))
    packed = pointpack.pack_points(layer, "p1")
    coords = _decode(packed, packed.meta["coords"], "<i4").reshape(-1, 2) / 1e6
    assert np.abs(coords[:, 0] - lon).max() <= 5e-7 and np.abs(coords[:, 1] - lat).max() <= 5e-7
    days = packed.meta["days"]
    assert days["type"] == "u16" and days["undated_count"] == int((dates == "").sum())
    offsets = _decode(packed, days["block"], "<u2")
    assert (offsets == pointpack.UNDATED_U16).tolist() == (dates == "").tolist()
    np.testing.assert_array_equal(offsets[dates != ""] + days["first_day"], layer.day[dates != ""])
    assert _decode(packed, packed.meta["cats"], "u1").tolist() == layer.category.tolist()
    assert sorted(c["count"] for c in packed.meta["categories"]) == sorted(np.bincount(layer.category).tolist())


def test_pack_dates_over_centuries_use_four_bytes():
    layer = point_layer([0, 1], [0, 1], title="t", source="s", time=["1800-01-01", "2024-01-01"])
    days = pointpack.pack_points(layer, "p").meta["days"]
    assert days["type"] == "i32" and days["last_day"] - days["first_day"] == 81_814


def test_most_frequent_categories_get_the_palette():
    names = ["rare"] + ["common"] * 5 + [f"c{i}" for i in range(12) for _ in range(2)]
    layer = point_layer(np.zeros(len(names)), np.zeros(len(names)), title="t", source="s", category=names)
    categories = {c["name"]: c for c in pointpack.pack_points(layer, "p").meta["categories"]}
    assert categories["common"]["color"] == pointpack.PALETTE[0]
    assert categories["rare"]["color"] == pointpack.OTHER_COLOR
    assert len({c["color"] for c in categories.values()}) == len(pointpack.PALETTE) + 1


def test_labels_cannot_close_their_data_block():
    hostile = "</script><script>alert(1)</script>"
    layer = point_layer([0], [0], title="t", source="s", label=[hostile + "\n\u2028line"])
    html = pointpack.data_blocks_html(pointpack.pack_points(layer, "p"))
    assert html.count("</script>") == 2 and "<script>" not in html  # two blocks, each closed once
    assert layer.labels == (hostile + "  line",)  # one line: control and separator characters become spaces


def test_labels_keep_persian_joiners_and_lose_direction_overrides():
    mi_ravam = "\u0645\u06cc\u200c\u0631\u0648\u0645"  # "I go": ZWNJ between the prefix and the verb
    layer = point_layer([0, 0], [0, 0], title="t", source="s", label=[mi_ravam, "a\u202eb"])
    assert layer.labels == (mi_ravam, "a b")


def _briefing(tmp_path, extra=""):
    return write(tmp_path / "b.toml", f'title = "Strikes"\nlayers = ["places"]\n{extra}')


def test_render_with_points_is_locked_down_and_reproducible(tmp_path, csv_file):
    briefing = _briefing(tmp_path)
    first = api.render(briefing, tmp_path / "a.html", point_files=[csv_file])
    second = api.render(briefing, tmp_path / "b.html", point_files=[csv_file])
    assert first.sha256 == second.sha256
    assert first.feature_counts["points: reports.csv"] == 3
    html = first.path.read_text(encoding="utf-8")
    assert len(re.findall(r'<script type="application/x-mapper-points" id="mapper-points-1-\w+">', html)) == 4
    assert "Content-Security-Policy" in html
    assert csp.policy_for(html.replace(html[html.index("<meta http-equiv"):html.index(">", html.index(
        "<meta http-equiv")) + 1], "")).startswith("default-src 'none'")
    # Different points give a different file.
    other = write(tmp_path / "other.csv", HEADER + ROWS[0])
    assert api.render(briefing, tmp_path / "c.html", point_files=[other]).sha256 != first.sha256


def test_a_smuggled_script_block_is_still_refused():
    page = ("<html><head></head><body>"
            '<script type="application/x-mapper-points" id="x">AAAA</script>'
            '<script type="application/x-mapper-points" id="y">alert(1)</script></body></html>')
    with pytest.raises(Exception, match="cannot be hashed"):
        csp.policy_for(page)


def test_briefing_points_table(tmp_path, csv_file):
    briefing = _briefing(tmp_path, '[[points]]\nfile = "reports.csv"\ntitle = "Reported strikes"\n'
                                   'source = "Analyst export, 2024-06-30"\ncategory = "type"\nlabel = "name"\n')
    result = api.render(briefing, tmp_path / "m.html")
    assert result.feature_counts["points: Reported strikes"] == 3
    html = result.path.read_text(encoding="utf-8")
    meta = json.loads(re.search(r"mapperRuntime\.pointLayer\(\w+, (\{.*?\})\);", html).group(1))
    assert meta["source"] == "Analyst export, 2024-06-30" and meta["count"] == 3


@pytest.mark.parametrize("table, expected", [
    ('[[points]]\nfile = "nope.csv"\n', r"b\.toml:4: points\[0\]\.file: .*nope\.csv: no such file"),
    ('[[points]]\nfile = "reports.csv"\ncolour = "red"\n', r"b\.toml:5: points\[0\]\.colour: unknown key"),
])
def test_briefing_points_errors(tmp_path, csv_file, table, expected):
    from mapper.load.briefing import load_briefing
    from mapper.load.geodata import load_geodata

    with pytest.raises(DataError, match=expected):
        load_briefing(_briefing(tmp_path, table), load_geodata())


def test_cli_render_points(run, tmp_path, csv_file):
    result = run("render", "--points", str(csv_file), "-o", "m.html")
    assert result.exit_code == 0, result.output
    assert 'id="mapper-points-1-coords"' in (tmp_path / "m.html").read_text(encoding="utf-8")
    bad = write(tmp_path / "bad.csv", HEADER + "95,30,,a,b\n")
    result = run("render", "--points", str(bad), "-o", "n.html")
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {bad}: row 1: lat 95 is outside -90 to 90 (are lat and lon swapped?)"
    assert not (tmp_path / "n.html").exists()


def test_digest_changes_with_any_column():
    base = dict(title="t", source="s", time=["2024-01-01"], category=["a"], label=["x"])

    def digest(**changed):
        return hashlib.sha256(b"".join(point_layer([1.0], [2.0], **{**base, **changed}).digest_parts)).digest()

    variants = [digest(), digest(time=["2024-01-02"]), digest(category=["b"]), digest(label=["y"]), digest(title="u")]
    assert len(set(variants)) == len(variants)
