"""read_places loads users' own CSV, GeoJSON and KML places, or says exactly what is wrong."""

import json
import random

import pytest
import rfc7946

from mapper.core.vocab import PLACE_KINDS
from mapper.errors import DataError
from mapper.load import files
from mapper.load.places import read_places

HEADER = "name,lat,lon,source"
KML_NS = "http://www.opengis.net/kml/2.2"


def _write(tmp_path, name, content):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def _error(path):
    """The one-line message read_places raises for ``path``."""
    with pytest.raises(DataError) as excinfo:
        read_places(path)
    message = str(excinfo.value)
    assert "\n" not in message
    return message


# -- CSV ---------------------------------------------------------------------------

GOOD_CSV = """\
Name , LAT,lon,Source,kind,aliases,country,id,note,description
Bilopillia,51.15,34.31,"Wikipedia, “Bilopillia”",town,Білопілля; Belopolye ;,ua,,,Town near the border.
Bandar-e Anzalī,37.4728,49.4622,OSM node 123,Port,,IR,,Checked by hand.,
Білопілля,51.15,34.31,Ukrainian Wikipedia,,,,bilopillia-uk,,
"""


def test_good_csv_values_and_defaults(tmp_path):
    path = _write(tmp_path, "mine.csv", GOOD_CSV)
    bilopillia, anzali, cyrillic = read_places(path)
    assert bilopillia == {
        "type": "Feature",
        "id": "bilopillia",
        "geometry": {"type": "Point", "coordinates": [34.31, 51.15]},
        "properties": {
            "id": "bilopillia", "name": "Bilopillia", "aliases": ["Білопілля", "Belopolye"], "kind": "town",
            "country": "UA", "description": "Town near the border.", "basis": "user",
            "note": "From mine.csv, line 2.", "location_source": "Wikipedia, “Bilopillia”", "origin": "mine.csv:2",
        },
    }
    assert anzali["id"] == "bandar-e-anzali"  # ASCII-folded slug
    assert anzali["properties"]["kind"] == "port"
    assert anzali["properties"]["note"] == "Checked by hand."
    assert "aliases" not in anzali["properties"] and "description" not in anzali["properties"]
    assert cyrillic["id"] == "bilopillia-uk"
    assert cyrillic["properties"]["kind"] == "site"  # the default kind
    assert cyrillic["properties"]["origin"] == "mine.csv:4"


def test_csv_minimal_columns(tmp_path):
    path = _write(tmp_path, "mine.csv", f"{HEADER}\nKyiv,50.45,30.5233,Wikipedia\n")
    [kyiv] = read_places(path)
    assert set(kyiv["properties"]) == {"id", "name", "kind", "basis", "note", "location_source", "origin"}
    assert kyiv["properties"]["kind"] == "site" and kyiv["properties"]["kind"] in PLACE_KINDS


def test_csv_numbers_may_have_spaces_around_them(tmp_path):
    # str.strip also removes separators such as U+001C, which float() rejects.
    path = _write(tmp_path, "mine.csv", f"{HEADER}\nKyiv, 50.45\x1c ,\t+3.0523e1 ,W\n")
    [kyiv] = read_places(path)
    assert kyiv["geometry"]["coordinates"] == [30.523, 50.45]


def test_csv_bom_crlf_and_blank_rows(tmp_path):
    plain = read_places(_write(tmp_path, "a.csv", f"{HEADER}\nKyiv,50.45,30.52,W\n\nSumy,50.9,34.8,W\n"))
    text = f"{HEADER}\r\nKyiv,50.45,30.52,W\r\n,,,\r\nSumy,50.9,34.8,W\r\n"
    bom = read_places(_write(tmp_path, "a.CSV", b"\xef\xbb\xbf" + text.encode("utf-8")))
    assert [f["geometry"] for f in bom] == [f["geometry"] for f in plain]
    assert [f["properties"]["origin"] for f in bom] == ["a.CSV:2", "a.CSV:4"]  # blank row skipped, still counted


def test_csv_line_numbers_count_quoted_newlines(tmp_path):
    path = _write(tmp_path, "m.csv", f"{HEADER},description\r\nKyiv,50.45,30.52,W,\"two\r\nlines\"\r\nX,abc,1,W,\r\n")
    assert _error(path) == f"{path}: line 4: column 'lat': not a number: 'abc'"


def _csv_row(**values):
    row = {"name": "Kyiv", "lat": "50.45", "lon": "30.52", "source": "Wikipedia"} | values
    return ",".join(row) + "\n" + ",".join(row.values()) + "\n"


CSV_ERRORS = {
    "lat-not-number": (_csv_row(lat="abc"), "line 2: column 'lat': not a number: 'abc'"),
    "lat-degrees-minutes": (_csv_row(lat="50°27′N"), "line 2: column 'lat': not a number: '50°27′N'"),
    "lat-nan": (_csv_row(lat="NaN"), "line 2: column 'lat': not a number: 'NaN'"),
    "lon-infinity": (_csv_row(lon="Infinity"), "line 2: column 'lon': not a number: 'Infinity'"),
    "lon-overflow": (_csv_row(lon="1e999"), "line 2: column 'lon': not a finite number: '1e999'"),
    "lat-arabic-digits": (_csv_row(lat="٥٠"), "line 2: column 'lat': not a number: '٥٠'"),
    "lat-empty": (_csv_row(lat=" "), "line 2: column 'lat': missing"),
    "lat-range": (_csv_row(lat="95"), "line 2: column 'lat': 95.0 is outside -90..90"),
    "lon-range": (_csv_row(lon="-180.5"), "line 2: column 'lon': -180.5 is outside -180..180"),
    "no-source": (_csv_row(source=" "),
                  "line 2: column 'source': missing; every place needs the source of its location"),
    "no-name": (_csv_row(name=""), "line 2: column 'name': missing; every place needs a name"),
    "bad-kind": (_csv_row(kind="airport"), f"line 2: column 'kind': 'airport' is not one of {', '.join(PLACE_KINDS)}"),
    "bad-country": (_csv_row(country="Ukrane"),
                    "line 2: column 'country': 'Ukrane' is not a country; did you mean 'Ukraine'?"),
    "bad-id": (_csv_row(id="Kyiv City"),
               "line 2: column 'id': 'Kyiv City' is not kebab-case (a-z, 0-9, single hyphens)"),
    "no-slug": (_csv_row(name="Білопілля"),
                "line 2: column 'name': cannot make an id from 'Білопілля' (no Latin letters or digits); give an id"),
    "unknown-column": (_csv_row(latitude="50"), "line 1: unknown column 'latitude'; the columns are "
                       "name, lat, lon, source, id, kind, aliases, country, note, description"),
    "typo-columns": ("name,lat,lon,source,knd,notes\n", "line 1: unknown columns 'knd', 'notes'; the columns are "
                     "name, lat, lon, source, id, kind, aliases, country, note, description"),
    "many-unknown": (",".join(f"c{n}" for n in range(9)) + "\n", "line 1: unknown columns 'c0', 'c1', 'c2', 'c3', "
                     "'c4' and 4 more; the columns are name, lat, lon, source, id, kind, aliases, country, note, "
                     "description"),
    "missing-columns": ("name,lat\nKyiv,50\n", "line 1: missing columns 'lon', 'source'"),
    "repeated-column": ("name,lat,lon,source,LAT\n", "line 1: column 'lat' appears more than once in the header"),
    "unnamed-column": ("name,lat,lon,source,\n", "line 1: header column 5 has no name"),
    "semicolons": ("name;lat;lon;source\nKyiv;50;30;W\n",
                   "line 1: the header is one column 'name;lat;lon;source'; separate columns with commas"),
    "no-header": ("\nKyiv,50,30,W\n", "line 1: no header row; the first line names the columns, "
                  "e.g. name,lat,lon,source"),
    "header-only": (HEADER + "\n", "no places: the file has a header row but no data rows"),
    "field-count": (f"{HEADER}\nKyiv,50.45,30.52,W\nSumy,50.9,34.8\n", "line 3: 3 fields, but the header has 4"),
    "duplicate-id": (f"{HEADER},id\nKyiv,50.45,30.52,W,kyiv\nSumy,50.9,34.8,W,\nKiev,50.4,30.5,W,kyiv\n",
                     "line 4: duplicate id 'kyiv'; line 2 has it too"),
    "duplicate-slug": (f"{HEADER}\nKyiv,50.45,30.52,W\nKYIV,50.4,30.5,W\n",
                       "line 3: duplicate id 'kyiv'; line 2 has it too"),
    "not-utf8": ("name,lat,lon,source\nKy\xefv,50,30,W\n".encode("latin-1"),
                 "not UTF-8 text (byte 22); save the file as UTF-8"),
    "empty": ("", "file is empty"),
    "huge-field": (f'{HEADER}\nKyiv,50,30,"{"x" * 200_000}"\n',
                   "line 2: not valid CSV: field larger than field limit (131072)"),
}


@pytest.mark.parametrize("content, expected", CSV_ERRORS.values(), ids=CSV_ERRORS.keys())
def test_csv_errors(tmp_path, content, expected):
    path = _write(tmp_path, "mine.csv", content)
    assert _error(path) == f"{path}: {expected}"


def test_missing_file(tmp_path):
    path = tmp_path / "gone.csv"
    assert _error(path) == f"{path}: places file not found"


def test_folder_is_refused(tmp_path):
    path = tmp_path / "folder.csv"
    path.mkdir()
    assert _error(path) == f"{path}: is a folder, not a file"  # one wording for every input (mapper.load.files)


# -- GeoJSON -----------------------------------------------------------------------


def _point(props, coords=(30.5233, 50.45), **extra):
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(coords)}, "properties": props} | extra


def _collection(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)}, ensure_ascii=False)


def test_good_geojson(tmp_path):
    path = _write(tmp_path, "mine.geojson", _collection(
        _point({"id": "kyiv", "name": "Kyiv", "kind": "capital", "aliases": ["Kiev", " ", "Kiev"],
                "country": "UA", "location_source": "Wikipedia", "marker-color": "#f00"}, (30.5233, 50.45, 179.0)),
        _point({"name": "Sumy", "source": "OSM"}, (34.8, 50.9), id="sumy-city"),
        _point({"name": "Olya", "source": "OSM"}, (47.53, 45.78), id=7),
    ))
    kyiv, sumy, olya = read_places(path)
    assert kyiv["geometry"]["coordinates"] == [30.5233, 50.45]  # altitude dropped
    assert kyiv["properties"] == {
        "id": "kyiv", "name": "Kyiv", "aliases": ["Kiev"], "kind": "capital", "country": "UA", "basis": "user",
        "note": "From mine.geojson, feature 1.", "location_source": "Wikipedia", "origin": "mine.geojson:1",
    }
    assert sumy["id"] == "sumy-city" and sumy["properties"]["location_source"] == "OSM"
    assert olya["id"] == "olya"  # a numeric feature id is not ours: slug of the name


def test_lone_feature_json(tmp_path):
    path = _write(tmp_path, "one.json", json.dumps(_point({"name": "Kyiv", "source": "W"})))
    [kyiv] = read_places(path)
    assert kyiv["properties"]["origin"] == "one.json:1"


GEOJSON_ERRORS = {
    "line-string": (_collection(_point({"name": "Kyiv", "source": "W"}),
                                {"type": "Feature", "properties": {"id": "volga", "name": "Volga"},
                                 "geometry": {"type": "LineString", "coordinates": [[45, 46], [49, 55]]}}),
                    "feature 2 ('volga'): geometry must be a Point, got 'LineString'"),
    "null-geometry": (_collection({"type": "Feature", "properties": {"name": "Kyiv"}, "geometry": None}),
                      "feature 1 ('Kyiv'): geometry must be a Point, got no geometry"),
    "swapped": (_collection(_point({"name": "Kyiv", "source": "W"}, (50.45, 130.5))),
                "feature 1 ('Kyiv'): latitude (second coordinate): 130.5 is outside -90..90"),
    "nan": ('{"type": "Feature", "properties": {"name": "Kyiv", "source": "W"}, '
            '"geometry": {"type": "Point", "coordinates": [NaN, 50]}}',
            "feature 1 ('Kyiv'): longitude (first coordinate): not a finite number: nan"),
    "huge-int": ('{"type": "Feature", "properties": {"name": "Kyiv", "source": "W"}, '
                 f'"geometry": {{"type": "Point", "coordinates": [1{"0" * 400}, 50]}}}}',
                 "feature 1 ('Kyiv'): longitude (first coordinate): not a finite number: "
                 f"{'1' + '0' * 27}...{'0' * 29}"),
    "string-coordinate": (_collection(_point({"name": "Kyiv", "source": "W"}, ("30.5", 50))),
                          "feature 1 ('Kyiv'): coordinates must be [lon, lat] or [lon, lat, alt] numbers, "
                          "got ['30.5', 50]"),
    "one-coordinate": (_collection(_point({"name": "Kyiv", "source": "W"}, (30.5,))),
                       "feature 1 ('Kyiv'): coordinates must be [lon, lat] or [lon, lat, alt] numbers, got [30.5]"),
    "no-source": (_collection(_point({"id": "kyiv", "name": "Kyiv"})),
                  "feature 1 ('kyiv'): property 'source' (or 'location_source'): missing; "
                  "every place needs the source of its location"),
    "two-sources": (_collection(_point({"name": "Kyiv", "source": "W", "location_source": "OSM"})),
                    "feature 1 ('Kyiv'): properties 'source' and 'location_source' differ; give one"),
    "name-not-text": (_collection(_point({"name": 1905, "source": "W"})),
                      "feature 1: property 'name': must be text, got 1905"),
    "aliases-not-texts": (_collection(_point({"name": "Kyiv", "source": "W", "aliases": [1]})),
                          "feature 1 ('Kyiv'): property 'aliases': must be text separated by ';' or a list of texts"),
    "duplicate-id": (_collection(_point({"name": "Kyiv", "source": "W"}), _point({"name": "kyiv", "source": "W"})),
                     "feature 2 ('kyiv'): duplicate id 'kyiv'; feature 1 ('Kyiv') has it too"),
    "not-a-feature": (_collection({"type": "Point", "coordinates": [30, 50]}), "feature 1: not a GeoJSON Feature"),
    "properties-list": (_collection(_point([])), "feature 1: properties must be an object"),
    "top-level-list": ("[]", "top level must be a GeoJSON FeatureCollection (with a features list) or Feature"),
    "no-features": (_collection(), "no places: the file has no features"),
    "invalid-json": ('{"type": "Feature",\n}', "invalid JSON at line 2, column 1: Expecting property name "
                     "enclosed in double quotes"),
    "deep-nesting": ("[" * 100_000, "invalid JSON: nested too deeply"),
    "long-integer": ("1" * 5000, "invalid JSON: Exceeds the limit (4300 digits) for integer string conversion: "
                     "value has 5000 digits; use sys.set_int_max_str_digits() to increase the limit"),
}


@pytest.mark.parametrize("content, expected", GEOJSON_ERRORS.values(), ids=GEOJSON_ERRORS.keys())
def test_geojson_errors(tmp_path, content, expected):
    path = _write(tmp_path, "mine.geojson", content)
    assert _error(path) == f"{path}: {expected}"


# -- KML ---------------------------------------------------------------------------


def _kml(body, namespace=KML_NS):
    xmlns = f' xmlns="{namespace}"' if namespace else ""
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<kml{xmlns}><Document><Folder>{body}</Folder></Document></kml>\n'


KML_BODY = """
<Placemark><name>Olya</name><description>Port on the Volga delta.</description>
  <ExtendedData>
    <Data name="kind"><value>port</value></Data><Data name="source"><value>Wikipedia, “Olya”</value></Data>
    <Data name="id"><value>olya-port</value></Data><Data name="country"><value>RU</value></Data>
    <Data name="aliases"><value>Olia; Olya port</value></Data><Data name="styleHash"><value>x</value></Data>
  </ExtendedData>
  <Point><coordinates> 47.5339, 45.785,0 </coordinates></Point></Placemark>
<Placemark><name>Volga</name><LineString><coordinates>45,46 49,55</coordinates></LineString></Placemark>
<Placemark><name>Kazan</name><Point><coordinates>49.106,55.796</coordinates></Point></Placemark>
"""


@pytest.mark.parametrize("namespace", [KML_NS, "", "http://earth.google.com/kml/2.2"],
                         ids=["kml-2.2", "no-namespace", "google-earth"])
def test_good_kml(tmp_path, namespace):
    path = _write(tmp_path, "mine.kml", _kml(KML_BODY, namespace))
    olya, kazan = read_places(path)
    assert olya == {
        "type": "Feature",
        "id": "olya-port",
        "geometry": {"type": "Point", "coordinates": [47.5339, 45.785]},
        "properties": {
            "id": "olya-port", "name": "Olya", "aliases": ["Olia", "Olya port"], "kind": "port", "country": "RU",
            "description": "Port on the Volga delta.", "basis": "user", "note": "From mine.kml, placemark 1.",
            "location_source": "Wikipedia, “Olya”", "origin": "mine.kml:1",
        },
    }
    # The LineString is skipped but counted, so "placemark 3" finds Kazan in the file.
    assert kazan["properties"] == {
        "id": "kazan", "name": "Kazan", "kind": "site", "basis": "user",
        "note": "From mine.kml, placemark 3. The file gives no source for this location.",
        "location_source": "KML file mine.kml, placemark 3", "origin": "mine.kml:3",
    }


def test_kml_simple_data_and_own_note(tmp_path):
    body = ('<Placemark><name>Kazan</name><ExtendedData><SchemaData schemaUrl="#s">'
            '<SimpleData name="note">Seen on a map.</SimpleData><SimpleData name="kind">city</SimpleData>'
            '</SchemaData></ExtendedData><Point><coordinates>49.106,55.796</coordinates></Point></Placemark>')
    [kazan] = read_places(_write(tmp_path, "mine.kml", _kml(body)))
    assert kazan["properties"]["kind"] == "city"
    assert kazan["properties"]["note"] == "Seen on a map. The file gives no source for this location."


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<kml><Placemark><name>&b;</name><Point><coordinates>30,50</coordinates></Point></Placemark></kml>
"""

KML_ERRORS = {
    "doctype": (BILLION_LAUGHS, "refusing KML with a DOCTYPE or ENTITY declaration "
                "(entity expansion can exhaust memory)"),
    "entity-only": ("<kml><!ENTITY a 'x'></kml>", "refusing KML with a DOCTYPE or ENTITY declaration "
                    "(entity expansion can exhaust memory)"),
    "malformed": ("<kml><Placemark></kml>", "malformed XML: mismatched tag: line 1, column 18"),
    "not-kml": ('<gpx xmlns="http://www.topografix.com/GPX/1/1"/>',
                "not KML: the root element is '{http://www.topografix.com/GPX/1/1}gpx', not kml "
                "(in namespace http://www.opengis.net/kml/2.2 or none)"),
    "no-points": (_kml("<Placemark><name>Volga</name><LineString><coordinates>45,46 49,55</coordinates>"
                       "</LineString></Placemark>"),
                  "no placemark with a Point (lines and polygons are skipped)"),
    "no-name": (_kml("<Placemark><Point><coordinates>30,50</coordinates></Point></Placemark>"),
                "placemark 1: <name>: missing; every place needs a name"),
    "one-number": (_kml("<Placemark><name>X</name><Point><coordinates>30.5</coordinates></Point></Placemark>"),
                   "placemark 1 ('X'): <coordinates> must be one lon,lat[,alt], got '30.5'"),
    "two-tuples": (_kml("<Placemark><name>X</name><Point><coordinates>30,50 31,51</coordinates></Point>"
                        "</Placemark>"),
                   "placemark 1 ('X'): <coordinates> must be one lon,lat[,alt], got '30,50 31,51'"),
    "lat-range": (_kml("<Placemark><name>X</name><Point><coordinates>30,95</coordinates></Point></Placemark>"),
                  "placemark 1 ('X'): latitude (second coordinate): 95.0 is outside -90..90"),
    "bad-kind": (_kml('<Placemark><name>X</name><ExtendedData><Data name="kind"><value>airport</value></Data>'
                      "</ExtendedData><Point><coordinates>30,50</coordinates></Point></Placemark>"),
                 f"placemark 1 ('X'): Data 'kind': 'airport' is not one of {', '.join(PLACE_KINDS)}"),
    "duplicate-id": (_kml("<Placemark><name>X</name><Point><coordinates>30,50</coordinates></Point></Placemark>"
                          "<Placemark><name>x</name><Point><coordinates>31,51</coordinates></Point></Placemark>"),
                     "placemark 2 ('x'): duplicate id 'x'; placemark 1 ('X') has it too"),
    "latin-1": ('<kml><Placemark><name>Ky\xefv</name></Placemark></kml>'.encode("latin-1"),
                "not UTF-8 text (byte 24); save the file as UTF-8"),
}


@pytest.mark.parametrize("content, expected", KML_ERRORS.values(), ids=KML_ERRORS.keys())
def test_kml_errors(tmp_path, content, expected):
    path = _write(tmp_path, "mine.kml", content)
    assert _error(path) == f"{path}: {expected}"


# -- any format ----------------------------------------------------------------------


@pytest.mark.parametrize("name, shown", [("places.txt", "'.txt'"), ("places", "'(no suffix)'")])
def test_unknown_suffix(tmp_path, name, shown):
    path = _write(tmp_path, name, f"{HEADER}\nKyiv,50.45,30.52,W\n")
    assert _error(path) == f"{path}: unknown file type {shown}; places files end in .csv, .geojson, .json, .kml"


def test_size_limit(tmp_path, monkeypatch):
    monkeypatch.setitem(files.MAX_BYTES, "places file", 20)
    path = _write(tmp_path, "big.csv", f"{HEADER}\nKyiv,50.45,30.52,W\n")
    assert _error(path) == f"{path}: 39 bytes; places files may be at most 20 bytes"


def test_features_pass_strict_rfc7946_check(tmp_path):
    features = (read_places(_write(tmp_path, "a.csv", GOOD_CSV))
                + read_places(_write(tmp_path, "b.kml", _kml(KML_BODY)))
                + read_places(_write(tmp_path, "c.geojson", _collection(
                    _point({"name": "Edge", "source": "W"}, (-180, -90)), _point({"name": "Other", "source": "W"},
                                                                               (180, 90))))))
    assert rfc7946.problems({"type": "FeatureCollection", "features": features}) == []
    for feature in features:
        assert feature["id"] == feature["properties"]["id"]
        assert json.loads(json.dumps(feature, allow_nan=False)) == feature


def _mutated(rng, seed):
    data = bytearray(seed)
    for _ in range(rng.randint(1, 8)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


def test_random_bytes_raise_only_data_error(tmp_path):
    rng = random.Random(20240621)
    seeds = {".csv": GOOD_CSV.encode(), ".geojson": _collection(_point({"name": "Kyiv", "source": "W"})).encode(),
             ".kml": _kml(KML_BODY).encode()}
    for n in range(210):
        suffix = (".csv", ".geojson", ".kml")[n % 3]
        # Half pure noise, half valid files with a few bytes changed.
        data = rng.randbytes(rng.randint(0, 300)) if n % 2 else _mutated(rng, seeds[suffix])
        path = _write(tmp_path, f"fuzz{n}{suffix}", data)
        try:
            features = read_places(path)
        except DataError as exc:
            assert str(exc).startswith(f"{path}: ") and "\n" not in str(exc)
        else:
            assert rfc7946.problems({"type": "FeatureCollection", "features": features}) == []
