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
    assert layer.day.tolist() == [19723]  # "2024" starts on 2024-01-01 ...
    assert layer.day_end.tolist() == [20088] and layer.precision.tolist() == [pointfiles.YEAR]  # ... to 12-31
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
    with pytest.raises(DataError, match=r"more than 2 data lines; a point layer holds at most 2 points"):
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
    ids = re.findall(r'<script type="application/x-mapper-points" id="(mapper-points-[0-9a-f]{16})-\w+">', html)
    assert len(ids) == 4 and len(set(ids)) == 1  # from content (tests/test_fragment_points_browser.py)
    assert len(csp._DATA_BLOCK.findall(html)) == 4
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
    ('[[points]]\nfile = "nope.csv"\n', r"b\.toml:4: points\[0\]\.file: .*nope\.csv: point file not found"),
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
    assert re.search(r'id="mapper-points-[0-9a-f]{16}-coords"', (tmp_path / "m.html").read_text(encoding="utf-8"))
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


# -- dates given as a year or a month -----------------------------------------


def _iso(days):
    return [str(d) for d in np.asarray(days).astype("datetime64[D]")]


def test_a_year_or_month_keeps_its_precision_as_a_span():
    times = ["2024", "2024-06", "2024-2", "2024-06-21", "2024-06-21T23:30-05:00", "", "0001", "2023-12"]
    layer = point_layer(np.zeros(8), np.zeros(8), title="t", source="s", time=times)
    DAY, MONTH, YEAR = pointfiles.DAY, pointfiles.MONTH, pointfiles.YEAR
    assert layer.precision.tolist() == [YEAR, MONTH, MONTH, DAY, DAY, DAY, YEAR, MONTH]
    assert layer.undated.tolist() == [False] * 5 + [True, False, False]
    dated = ~layer.undated
    assert _iso(layer.day[dated]) == ["2024-01-01", "2024-06-01", "2024-02-01", "2024-06-21", "2024-06-22",
                                      "0001-01-01", "2023-12-01"]
    assert _iso(layer.day_end[dated]) == ["2024-12-31", "2024-06-30", "2024-02-29", "2024-06-21", "2024-06-22",
                                          "0001-12-31", "2023-12-31"]


def test_full_dates_and_datetimes_are_days():
    layer = point_layer([0, 0], [0, 0], title="t", source="s", time=["2024-06-21", "2024-06-22T14:30Z"])
    assert layer.precision.tolist() == [pointfiles.DAY] * 2 and layer.day_end is layer.day
    stamps = np.array(["2024-01-01T10:00", "2024-02-03"], dtype="datetime64[ns]")
    layer = point_layer([0, 0], [0, 0], title="t", source="s", time=stamps)
    assert layer.precision.tolist() == [pointfiles.DAY] * 2 and _iso(layer.day) == ["2024-01-01", "2024-02-03"]


def test_pack_full_dates_as_before_without_a_precision_block():
    layer = point_layer([0, 1, 2], [0, 1, 2], title="t", source="s", time=["2024-06-21", "", "2024-06-25"])
    packed = pointpack.pack_points(layer, "p")
    days = packed.meta["days"]
    assert [block for block, _ in packed.blocks] == ["p-coords", "p-days"]
    assert days["precision"] is None and days["partial_count"] == 0
    assert (days["type"], days["last_day"] - days["first_day"]) == ("u16", 4)
    assert _decode(packed, "p-days", "<u2").tolist() == [0, pointpack.UNDATED_U16, 4]


def test_pack_years_and_months_with_one_byte_of_precision():
    layer = point_layer([0, 1, 2, 3], [0, 1, 2, 3], title="t", source="s",
                        time=["2024-06-21", "2023", "2024-07", ""])
    packed = pointpack.pack_points(layer, "p")
    days = packed.meta["days"]
    assert [block for block, _ in packed.blocks] == ["p-coords", "p-days", "p-precision"]
    assert days["precision"] == "p-precision" and days["partial_count"] == 2
    # The window runs from the first span's first day to the last span's last day.
    assert _iso([days["first_day"], days["last_day"]]) == ["2023-01-01", "2024-07-31"]
    offsets = _decode(packed, "p-days", "<u2")
    assert _iso(offsets[:3] + days["first_day"]) == ["2024-06-21", "2023-01-01", "2024-07-01"]
    precision = _decode(packed, "p-precision", "u1").tolist()
    assert precision == [pointfiles.DAY, pointfiles.YEAR, pointfiles.MONTH, pointfiles.DAY]


def test_digest_tells_a_year_from_its_first_day():
    def digest(time):
        return hashlib.sha256(b"".join(point_layer([1.0], [2.0], title="t", source="s", time=[time]).digest_parts))

    assert len({digest(time).digest() for time in ("2024", "2024-01", "2024-01-01")}) == 3


# -- bounded reading (issue 17): every limit is checked before the rows are decoded -------------------


def _geoparquet(path, geometry, crs=None, plain=False, **columns):
    """GeoParquet of WKB ``geometry`` (a pyarrow array), with no Arrow schema, as other writers leave it."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"geometry": geometry, **columns})
    column = {"encoding": "WKB", "geometry_types": ["Point"], **({"crs": crs} if crs else {})}
    with pq.ParquetWriter(path, table.schema, store_schema=False,
                          **({"compression": "none", "use_dictionary": False, "write_statistics": False}
                             if plain else {})) as out:
        out.write_table(table)
        out.add_key_value_metadata({"geo": json.dumps({"version": "1.1.0", "primary_column": "geometry",
                                                       "columns": {"geometry": column}})})
    return path


def _repeated(value, rows):
    """``value`` ``rows`` times as a dictionary array: a few bytes in a Parquet file, however long it is."""
    import pyarrow as pa

    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(rows, dtype=np.int32)), pa.array([value]))


def test_csv_lines_are_counted_before_pandas_reads_them(tmp_path, monkeypatch):
    monkeypatch.setattr(pointfiles, "MAX_POINTS", 3)
    read = []
    monkeypatch.setattr("pandas.read_csv", lambda *args, **kwargs: read.append(1))
    for name, text in (("lf", "lat,lon\n1,2\n1,2\n1,2\n1,2\n"), ("cr", "lat,lon\r1,2\r1,2\r1,2\r1,2"),
                       ("quoted", 'lat,lon,name\n1,2,"a\nb"\n1,2,"c\nd"\n')):  # 2 rows, 4 lines
        with pytest.raises(DataError, match=r"more than 3 data lines; a point layer holds at most 3 points$"):
            read_point_layer(write(tmp_path / f"{name}.csv", text))
    assert not read
    monkeypatch.undo()
    monkeypatch.setattr(pointfiles, "MAX_POINTS", 3)
    for text in ("\n\nlat,lon\r\n1,2\r\n1,2\r\n1,2\r\n", "lat,lon\n1,2\n1,2\n1,2"):  # blank lines before the header
        assert len(read_point_layer(write(tmp_path / "three.csv", text))) == 3


def test_csv_header_is_read_within_its_bound(tmp_path):
    names = ",".join(f"column {i}" for i in range(7000)) + "\n1,2\n"  # 7,000 names, 80 KB
    for text, expected in ((names, "the header (the first line) is longer than 64 KiB; a point file may have at "
                                   "most 1,000 columns"),
                           ("lat,lon" + ",x" * 999 + "\n1,2\n", "1,001 columns; a point file may have at most 1,000"),
                           ('"lat\n' + "\n" * 70_000 + '",lon\n1,2\n', "the header (the first line) is longer"),
                           ("\ufeff\n\n", "empty file")):
        with pytest.raises(DataError, match=re.escape(expected)):
            read_point_layer(write(tmp_path / "wide.csv", text))


def test_csv_converts_only_the_columns_used(tmp_path, monkeypatch):
    import pandas

    calls = []
    real = pandas.read_csv
    monkeypatch.setattr(pandas, "read_csv", lambda *a, **k: calls.append(k.get("usecols")) or real(*a, **k))
    extra = ",".join(f"x{i}" for i in range(500))
    path = write(tmp_path / "wide.csv", f"{extra},lat,name,lon\n" + f"{',' * 500}50.5,Kyiv,30.5\n" * 3)
    layer = read_point_layer(path)
    assert calls[-1] == [500, 501, 502] and layer.labels == ("Kyiv",) * 3 and layer.lat.tolist() == [50.5] * 3
    with pytest.raises(DataError, match=r"not valid CSV: line 5 has 504 fields, but the header has 503$"):
        read_point_layer(write(tmp_path / "ragged.csv", path.read_text() + f"{',' * 501}50.5,Kyiv,30.5\n"))


def test_csv_faults_name_the_line_and_the_byte(tmp_path, monkeypatch):
    monkeypatch.setattr(pointfiles, "_CHUNK_BYTES", 5)  # so that the byte at fault is in a later chunk
    cases = {
        "long-field.csv": ("lat,lon,name\n1,2," + "x" * 200_000 + "\n1,2,a,b\n",
                           "not valid CSV: line 2: a field is longer than 131,072 characters (is a quote left open?)"),
        "latin1.csv": (b"\xef\xbb\xbflat,lon,name\n1,2,Kyiv\n1,2,Ky\xffv\n",
                       "not UTF-8 text (byte 31); save the file as UTF-8"),
        "cut.csv": ("lat,lon,name\n1,2,Ky".encode() + "ï".encode()[:1], "not UTF-8 text (byte 19)"),
    }
    for name, (content, expected) in cases.items():
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        with pytest.raises(DataError, match=re.escape(f"{path}: {expected}")):
            read_point_layer(path)


def test_plain_parquet_is_read_like_a_csv_file(tmp_path):
    import pandas as pd

    frame = pd.DataFrame({"Latitude": [50.45, 49.99], "lng": ["30.52", " 36.23 "], "when": ["2024-06-21", ""],
                          "Kind": pd.Categorical(["strike", "shelling"]), "name": ["Kyiv", None], "n": [1, 2]})
    frame.to_parquet(tmp_path / "p.parquet")
    layer = read_point_layer(tmp_path / "p.parquet", time="when")
    assert dict(layer.columns) == {"lat": "Latitude", "lon": "lng", "time": "when", "category": "Kind",
                                   "label": "name"}
    assert (layer.lat.tolist(), layer.lon.tolist()) == ([50.45, 49.99], [30.52, 36.23])
    assert layer.labels == ("Kyiv", "") and layer.categories == ("shelling", "strike")
    assert layer.undated.tolist() == [False, True]
    frame.assign(lng=["30.5", "east"]).to_parquet(tmp_path / "bad.parquet")
    with pytest.raises(DataError, match=r"bad\.parquet: row 2: column 'lng': 'east' is not a number$"):
        read_point_layer(tmp_path / "bad.parquet")
    pd.DataFrame({"lat": [1.0], "lon": [2.0], "tags": [[1, 2]]}).to_parquet(tmp_path / "lists.parquet")
    with pytest.raises(DataError, match=r"column 'tags' holds 'list<element: int64>'; a point layer reads text"):
        read_point_layer(tmp_path / "lists.parquet", label="tags")


def test_parquet_limits_come_from_the_footer_before_decoding(tmp_path, monkeypatch):
    import pyarrow as pa
    import pyarrow.parquet as pq

    point = shapely.to_wkb(shapely.Point(30.5, 50.4))
    path = _geoparquet(tmp_path / "p.parquet", _repeated(point, 3).cast(pa.binary()), name=["a", "b", "c"])
    decoded = []
    real = pq.ParquetFile.read
    monkeypatch.setattr(pq.ParquetFile, "read", lambda *a, **k: decoded.append(1) or real(*a, **k))
    for name, value, expected in (
            ("MAX_POINTS", 2, "3 features; a point layer holds at most 2 points"),
            ("MAX_COLUMNS", 1, "2 columns; a point file may have at most 1"),
            ("MAX_ROW_GROUPS", 0, "1 row groups; a point file may have at most 0"),
            ("MAX_PARQUET_METADATA_BYTES", 100, "bytes of Parquet metadata; a point file may have at most 100 bytes"),
            ("MAX_DECODED_BYTES", 20, "columns 'geometry', 'name' take ")):
        with monkeypatch.context() as patch:
            patch.setattr(pointfiles, name, value)
            with pytest.raises(DataError, match=re.escape(expected)):
                read_point_layer(path)
    assert not decoded
    assert read_point_layer(path).labels == ("a", "b", "c") and decoded


def test_parquet_dictionaries_are_counted_before_they_are_decoded(tmp_path):
    # 2 KB on disk: one name of 100 KB for each of 100,000 rows, 10 GB once decoded.
    rows = 100_000
    point = shapely.to_wkb(shapely.Point(30.5, 50.4))
    path = _geoparquet(tmp_path / "p.parquet", _repeated(point, rows), name=_repeated("x" * 100_000, rows))
    assert path.stat().st_size < 20_000
    with pytest.raises(DataError, match=r"column 'name' holds 9,536.8 MiB of text once decoded; the columns a point "
                                        r"layer uses may hold at most 512 MiB$"):
        read_point_layer(path)
    # A LineString repeated the same way is named, not decoded.
    line = shapely.to_wkb(shapely.LineString(np.zeros((50_000, 2))))
    path = _geoparquet(tmp_path / "line.parquet", _repeated(line, rows))
    with pytest.raises(DataError, match=r"line\.parquet: feature 1: a LineString; a point layer needs a Point"):
        read_point_layer(path)


def test_parquet_faults_are_one_line(tmp_path):
    import pyarrow as pa

    point = shapely.to_wkb(shapely.Point(30.5, 50.4))
    path = _geoparquet(tmp_path / "p.parquet", pa.array([point, point]), plain=True, name=["Kyiv", "Lviv"])
    data = path.read_bytes()
    assert data.count(b"Lviv") == 1
    path.write_bytes(data.replace(b"Lviv", b"L\xffiv"))
    with pytest.raises(DataError, match=r"p\.parquet: column 'name' holds text that is not UTF-8$"):
        read_point_layer(path)
    path.write_bytes(data[:-4] + b"PAR2")
    with pytest.raises(DataError, match=r"p\.parquet: not a Parquet file \(it does not end in PAR1\)$"):
        read_point_layer(path)
    path.write_bytes(data[:-8] + (10**6).to_bytes(4, "little") + b"PAR1")
    with pytest.raises(DataError, match=r"not a Parquet file \(its footer names 1,000,000 bytes of metadata"):
        read_point_layer(path)


def test_damaged_parquet_metadata_does_not_abort_the_process(tmp_path):
    """pyarrow's RowGroupMetaData.column aborts on some damaged column metadata (an uncaught C++ exception):
    the footer is read without it.  Here a column says it is required, though its statistics count nulls."""
    import subprocess
    import sys

    frame = geopandas.GeoDataFrame({"date": ["2024-06-21", None]}, geometry=[shapely.Point(1, 2)] * 2)
    frame.to_parquet(tmp_path / "p.parquet")
    data = (tmp_path / "p.parquet").read_bytes()
    optional = b"\x25\x02\x18\x04date"  # field 3 (repetition_type) = OPTIONAL, then field 4 (name) = "date"
    assert data.count(optional) == 1
    (tmp_path / "p.parquet").write_bytes(data.replace(optional, b"\x25\x00\x18\x04date"))
    code = ("from mapper.load.pointfiles import read_point_layer\nfrom mapper.errors import DataError\n"
            f"try:\n    read_point_layer({str(tmp_path / 'p.parquet')!r})\nexcept DataError as exc:\n    print(exc)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stdout.startswith(f"{tmp_path / 'p.parquet'}: "), run


def test_geoparquet_geometry_kinds_and_crs(tmp_path):
    import pyarrow as pa

    mercator = shapely.to_wkb(shapely.Point(3_339_584.72, 6_446_275.84))
    path = _geoparquet(tmp_path / "m.parquet", pa.array([mercator]), crs=pyproj_json("EPSG:3857"))
    layer = read_point_layer(path)
    np.testing.assert_allclose([layer.lon[0], layer.lat[0]], [30.0, 50.0], atol=1e-6)
    for geometry, expected in (([shapely.to_wkb(shapely.Point(1, 2)), None], "feature 2: an empty geometry"),
                               ([b"\x01\x07\x00\x00\x00" + b"\x00" * 60], "feature 1: a GeometryCollection"),
                               ([b"not wkb"], "feature 1: an invalid WKB geometry")):
        with pytest.raises(DataError, match=re.escape(expected)):
            read_point_layer(_geoparquet(tmp_path / "g.parquet", pa.array(geometry, pa.binary())))


def pyproj_json(crs):
    import pyproj

    return pyproj.CRS(crs).to_json_dict()


def test_geojson_is_read_a_feature_at_a_time(tmp_path, monkeypatch):
    monkeypatch.setattr(pointfiles, "_CHUNK_BYTES", 7)  # every value crosses a chunk boundary
    features = [{"type": "Feature", "properties": {"Name": f"n{i} \U0001F600", "type": ["a", i], "when": "2024-01-02"},
                 "geometry": {"type": "Point", "coordinates": [30 + i, 50]}} for i in range(3)]
    text = "\ufeff" + json.dumps({"features": features, "type": "FeatureCollection"}, indent=2, ensure_ascii=False)
    layer = read_point_layer(write(tmp_path / "p.geojson", text), time="when")
    assert layer.lon.tolist() == [30, 31, 32] and layer.labels == ("n0 \U0001F600", "n1 \U0001F600", "n2 \U0001F600")
    assert layer.categories == ('["a", 0]', '["a", 1]', '["a", 2]') and layer.day.tolist() == [19724] * 3
    broken = text.replace('"when": "2024-01-02"\n', '"when": "2024-01-02",\n', 1)
    with pytest.raises(json.JSONDecodeError) as where:
        json.loads(broken[1:])
    with pytest.raises(DataError, match=f"cannot read: invalid JSON at line {where.value.lineno}, column "
                                        f"{where.value.colno}: Expecting property name enclosed in double quotes$"):
        read_point_layer(write(tmp_path / "broken.geojson", broken))


def test_geojson_bounds(tmp_path, monkeypatch):
    def collection(*features):
        return json.dumps({"type": "FeatureCollection", "features": list(features)})

    def point(**properties):
        return {"type": "Feature", "properties": properties, "geometry": {"type": "Point", "coordinates": [1, 2]}}

    for name, value, text, expected in (
            ("MAX_POINTS", 2, collection(point(), point(), point()),
             "more than 2 features; a point layer holds at most 2 points"),
            ("MAX_COLUMNS", 2, collection(point(a=1), point(b=1), point(c=1)),
             "more than 2 property names; a point file may have at most 2 columns"),
            ("MAX_FEATURE_BYTES", 1000, collection(point(name="x" * 2000)),
             "the JSON value at line 1, column 44 is longer than 1,000 bytes; a point file's features may be at "
             "most 1,000 bytes each")):
        with monkeypatch.context() as patch:
            patch.setattr(pointfiles, name, value)
            with pytest.raises(DataError, match=re.escape(expected)):
                read_point_layer(write(tmp_path / "p.geojson", text))
    for text, expected in ((collection(point(name="a\\ud800")), "feature 1: property 'name' holds a lone surrogate "
                                                                  "escape (\\ud800), which is not text"),
                           (collection({"type": "Feature", "geometry": {"type": "Point", "coordinates": ["1", 2]}}),
                            "feature 1: a Point whose coordinates are not [lon, lat]"),
                           ("[]", "not a GeoJSON FeatureCollection"),
                           (collection(point()) + "]",
                            f"invalid JSON at line 1, column {len(collection(point())) + 1}: Extra data")):
        with pytest.raises(DataError, match=re.escape(expected)):
            read_point_layer(write(tmp_path / "p.geojson", text.replace("\\\\ud800", "\\ud800")))


def test_geojson_point_files_have_a_smaller_size_limit(tmp_path):
    with open(tmp_path / "p.geojson", "wb") as out:
        out.truncate(files.MAX_BYTES["GeoJSON point file"] + 1)
    with pytest.raises(DataError, match=r"p\.geojson: 256\.1 MiB; GeoJSON point files may be at most 256 MiB$"):
        read_point_layer(tmp_path / "p.geojson")


def test_labels_are_cut_as_before_and_shorter_in_large_layers(tmp_path, monkeypatch):
    import unicodedata

    def old_clean(text):  # before issue 17: a loop over characters
        text = "".join(" " if unicodedata.category(c)[0] in "CZ" and c not in " \u200c\u200d" else c for c in text)
        return text.strip() if len(text.strip()) <= 200 else text.strip()[:199] + "…"

    rng = np.random.default_rng(17)
    for _ in range(200):
        text = "".join(map(chr, rng.integers(0, 0x30000, int(rng.integers(0, 400)))))
        assert pointfiles._clean(text) == old_clean(text)
    monkeypatch.setattr(pointfiles, "MAX_LABEL_TEXT", 20)  # 5 characters each for 4 points
    labels = [" Kyiv report ", "Lviv", "Khar\x01kiv report", "Odesa"]
    cut = ("Kyiv…", "Lviv", "Khar…", "Odesa")
    assert point_layer(np.zeros(4), np.zeros(4), title="t", source="s", label=labels).labels == cut
    # The same cut in Arrow, before any longer Python string is made.
    path = write(tmp_path / "p.csv", "lat,lon,name\n" + "".join(f'1,2,"{label}"\n' for label in labels))
    assert read_point_layer(path).labels == cut
