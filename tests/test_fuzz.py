"""Bounded fuzzing: valid input files with a few bytes changed, against the loaders and the briefing parser.

Each test starts from real, valid files (the bundled registries, places, briefings and border-towns CSV, and a
KML, points CSV, GeoParquet and area written here).  It flips, sets, inserts, deletes or duplicates bytes,
splices in chunks of another seed or syntax tokens, or replaces whole values, so that many inputs still parse
and reach the validators.  A loader passes if it returns or raises a one-line MapperError naming the file; any
other exception is a bug.

Runs are random and keep no example database.  MAPPER_FUZZ_EXAMPLES sets the examples per test (default
1000: 6000 in all, about 25 s on two cores); a developer can run a longer fuzz with, e.g.::

    MAPPER_FUZZ_EXAMPLES=20000 .venv/bin/python -m pytest -m fuzz tests/test_fuzz.py
"""

import os
import re
import shutil

import geopandas
import pytest
from conftest import DATA_DIR
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point
from test_properties import VALID_AREA, VALID_POINTS, holding, only_mapper_errors

from mapper.core.vocab import FILES
from mapper.load.areas import read_area
from mapper.load.briefing import load_briefing
from mapper.load.files import read_json
from mapper.load.geodata import load_geodata
from mapper.load.places import read_places
from mapper.load.pointfiles import read_point_layer

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("MAPPER_FUZZ_EXAMPLES", "1000"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=False, database=None,
                suppress_health_check=[HealthCheck.too_slow])

# Syntax of the formats read here, and values that validators must refuse.
TOKENS = [b'"', b"'", b"{", b"}", b"[", b"]", b",", b":", b"=", b"\\", b"\\u0000", b"\\ud800", b"null", b"true",
          b"0", b"-1", b"1e999", b"NaN", b"-Infinity", b"9" * 40, b"\x00", b"\xff", b"\xef\xbb\xbf", b"\r\n", b"\n",
          b"\t", b"[[", b"]]", b"[view]", b"#", b'"""', b"<", b">", b"</", b"/>", b"&amp;", b"&#0;", b"<![CDATA[",
          b"<!DOCTYPE", b"<Placemark>", b"<Point>", b"<coordinates>", b'""', b",,", b"nan", b"inf", b"{}", b"[]"]
# A value as JSON, TOML, CSV and KML write it (the group that matched): a string, number or literal after
# ':', '=', '[', ',' or '{' (not a key), an element's text, or a CSV cell.  Replacing one keeps the syntax and
# tests the checks behind the parser.
VALUE = re.compile(rb'[:=\[,{]\s*("(?:[^"\\\r\n]|\\.)*"(?!\s*[:=])|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)'
                   rb'|>([^<>]+)<|,([^,\r\n"{}\[\]:=]+)(?=[,\r\n])')
VALUES = [b"null", b"0", b"-0.0", b"-1", b"181", b"-91", b"1e999", b"1e308", b"NaN", b"true", b'""', b'" "', b'"x"',
          b"[]", b"{}", b"[0, 0]", b'{"type": "Point"}', b'"\\ud800"', b'"\\n"', b'"Feature"', b'"kursk"',
          b"2024-13-40", b"", b"x"]
BYTE_OPERATIONS = ["flip", "set", "insert", "token", "delete", "duplicate", "splice", "value", "swap"]
VALUE_OPERATIONS = ["value", "swap"]

KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>Fuzz seed</name>
<Placemark><name>Olya</name><description>Port on the Volga delta.</description>
  <ExtendedData><Data name="kind"><value>port</value></Data><Data name="source"><value>Wikipedia, “Olya”</value></Data>
  <Data name="country"><value>RU</value></Data><Data name="aliases"><value>Olia; Olya port</value></Data></ExtendedData>
  <Point><coordinates>47.5339,45.785,0</coordinates></Point></Placemark>
<Placemark><name>Volga</name><LineString><coordinates>45,46 49,55</coordinates></LineString></Placemark>
<Placemark><name>Kazan</name><ExtendedData><SchemaData schemaUrl="#s">
  <SimpleData name="note">Seen on a map.</SimpleData></SchemaData></ExtendedData>
  <Point><coordinates>49.106,55.796</coordinates></Point></Placemark>
</Document></kml>
"""

# A briefing that uses every table, so mutations reach each part of the parser.
BRIEFING = """title = "Fuzz seed: every table"
subtitle = "The bundled story and its own: ranges from a point and an area, a route, points, a filter and a view"
stamp = true
data = ["iran-russia"]
places = ["border-towns.csv", { id = "fuzz-port", name = "Fuzz Port", lat = 46.35, lon = 48.05, kind = "port", \
source = "Fuzz seed", country = "RU" }]
layers = ["places", "sea-routes", "supply-flows", "ranges", "events"]
basemap = "offline"

[[sources]]
id = "fuzz-source"
title = "A source of the briefing's own"
outlet = "Fuzz"
date = "2024-09-10"

[[systems]]
id = "fuzz-system"
name = "Fuzz system"
range = "75 mi"
basis = "assumption"
note = "A system of the briefing's own."

[[flows]]
id = "fuzz-flow"
from = "fuzz-port"
to = "tehran"
label = "Fuzz Port → Tehran"
date = "2024-09"
cargo = [{ item = "Parts", status = "reported", sources = [{ source = "fuzz-source", quote = "parts" }] }]
sources = [{ source = "fuzz-source", quote = "parts" }]

[[claims]]
id = "fuzz-claim"
check = "distance"
subject = "fuzz-port"
reference = "tehran"
distance = { value = 1200, unit = "km", qualifier = "about" }
sources = [{ source = "fuzz-source", quote = "about 1,200 km" }]

[[events]]
id = "fuzz-event"
name = "Fuzz event"
date = 2024-09-10
place = "Fuzz Port"
sources = [{ source = "fuzz-source", quote = "an event" }]

[filter]
kinds = ["capital", "city", "town", "port"]
exclude = ["kursk"]
sources = ["cnn-2024-06-21", "fuzz-source", "gazetteer", "user"]

[[ranges]]
id = "fath-360-at-a-point"
system = "fath-360"
centre = { lat = 50.6, lon = 36.6 }
note = "A point."

[[ranges]]
system = "fath-360"
area = "area.geojson"
within = "Ukraine"

[[ranges]]
id = "fuzz-radius"
radius = "300 km"
centre = "fuzz-port"

[[routes]]
id = "fuzz-route"
from = "bandar-anzali"
via = ["olya"]
to = "astrakhan"
mode = "sea"
speed = "12kn"

[[points]]
file = "points.csv"
title = "Strikes"
source = "Fuzz seed"
time = "date"
category = "type"

[view]
centre = "belgorod"
zoom = 5

[[steps]]
title = "Fuzz step"
caption = "A step of the briefing's story."
sources = [{ source = "fuzz-source", quote = "parts" }]
view = { bounds = { south = 45.0, west = 40.0, north = 52.0, east = 50.0 } }
layers = ["places", "supply-flows"]
date = "2024-09"
highlight = ["fuzz-port", "fuzz-flow"]

[[steps]]
title = "Fuzz step at a centre"
view = { centre = "fuzz-port", zoom = 6 }
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A copy of data/geo with the seeds written here beside the briefings."""
    target = tmp_path_factory.mktemp("fuzz") / "geo"
    shutil.copytree(DATA_DIR, target)
    briefings = target / "briefings"
    for name, text in (("area.geojson", VALID_AREA), ("points.csv", VALID_POINTS), ("seed.kml", KML),
                       ("seed.toml", BRIEFING)):
        (briefings / name).write_text(text, encoding="utf-8")
    frame = geopandas.GeoDataFrame({"date": ["2024-06-21", ""], "type": ["strike", "shelling"]},
                                   geometry=[Point(30.52, 50.45), Point(36.23, 49.99)], crs="EPSG:4326")
    frame.to_parquet(briefings / "points.parquet")
    return target


class Seeds(dict):
    """Valid bytes by suffix, with a short repr: Hypothesis prints it with a failing example."""

    def __repr__(self):
        return f"Seeds({', '.join(f'{suffix}: {len(files)} files' for suffix, files in self.items())})"

    def every(self):
        """Every seed, whatever its suffix: what splices copy from."""
        return [seed for files in self.values() for seed in files]


@pytest.fixture(scope="module")
def seeds(folder):
    """Valid bytes by suffix: what each loader is fuzzed from."""
    briefings = folder / "briefings"
    registries = [(folder / name).read_bytes() for name in FILES.values()]
    return Seeds({
        ".json": [*registries, (folder / "waterways.json").read_bytes()],
        ".toml": [(briefings / name).read_bytes() for name in ("iran-russia.toml", "border-reach.toml", "seed.toml")],
        ".csv": [(briefings / name).read_bytes() for name in ("border-towns.csv", "points.csv")],
        ".kml": [(briefings / "seed.kml").read_bytes()],
        ".geojson": [(folder / "places.geojson").read_bytes(), (briefings / "area.geojson").read_bytes()],
        ".parquet": [(briefings / "points.parquet").read_bytes()],
    })


@st.composite
def mutated(draw, seed, others):
    """``seed`` with one to four changes; a splice copies a chunk of one of ``others``.

    Half the time only whole values change, which keeps the syntax and so reaches the validators.
    """
    data = bytearray(seed)
    operations = draw(st.sampled_from([BYTE_OPERATIONS, VALUE_OPERATIONS]))
    for _ in range(draw(st.integers(1, 4))):
        operation = draw(st.sampled_from(operations))
        at = draw(st.integers(0, len(data)))
        size = draw(st.integers(1, 64))
        if operation in ("value", "swap"):
            values = list(VALUE.finditer(data))
            if values:
                # Another value of the same file (a place id where a number was), or one of VALUES.
                old, new = (draw(st.sampled_from(values)) for _ in range(2))
                data[slice(*old.span(old.lastindex))] = \
                    new.group(new.lastindex) if operation == "swap" else draw(st.sampled_from(VALUES))
        elif operation in ("flip", "set") and at < len(data):
            data[at] = data[at] ^ (1 << draw(st.integers(0, 7))) if operation == "flip" \
                else draw(st.one_of(st.integers(0x20, 0x7E), st.integers(0, 255)))
        elif operation == "insert":
            data[at:at] = draw(st.one_of(st.text(min_size=1, max_size=8).map(str.encode),
                                         st.binary(min_size=1, max_size=8)))
        elif operation == "token":
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif operation == "delete":
            del data[at:at + size]
        elif operation == "duplicate":
            data[at:at] = data[at:at + size]
        elif operation == "splice":
            other = draw(st.sampled_from(others))
            start = draw(st.integers(0, len(other)))
            data[at:at] = other[start:start + size]
    return bytes(data)


def _draw(data, seeds, suffix):
    """A mutation of one of the seeds for ``suffix``, splicing from every seed."""
    seed = data.draw(st.sampled_from(seeds[suffix]), label="seed")
    return data.draw(mutated(seed, seeds.every()), label="bytes")


@pytest.mark.filterwarnings("ignore::mapper.errors.CoordinateWarning")
def test_every_seed_loads(folder, geodata):
    """The fuzz starts from inputs that pass, so its mutations land in the validators, not only the parser."""
    briefings = folder / "briefings"
    load_geodata(folder)
    for name in ("iran-russia.toml", "border-reach.toml", "seed.toml"):
        load_briefing(briefings / name, geodata)
    for name in ("border-towns.csv", "seed.kml", "../places.geojson"):
        read_places(briefings / name)
    for name in ("points.csv", "border-towns.csv", "points.parquet", "../places.geojson"):
        read_point_layer(briefings / name)
    read_area(briefings / "area.geojson")


@FUZZ
@given(data=st.data())
def test_fuzz_read_json(folder, seeds, data):
    with holding(folder / "fuzz.json", _draw(data, seeds, ".json")) as path:
        only_mapper_errors(read_json, path)


@FUZZ
@given(data=st.data())
def test_fuzz_load_geodata(folder, seeds, data):
    filename = data.draw(st.sampled_from(sorted(FILES.values())), label="file")
    original = (folder / filename).read_bytes()
    changed = data.draw(mutated(original, seeds.every()), label="bytes")
    with holding(folder / filename, changed):
        only_mapper_errors(load_geodata, folder, names=list(FILES.values()))


@FUZZ
@given(data=st.data())
def test_fuzz_load_briefing(folder, seeds, geodata, data):
    with holding(folder / "briefings" / "fuzz.toml", _draw(data, seeds, ".toml")) as path:
        only_mapper_errors(lambda p: load_briefing(p, geodata), path)


@pytest.mark.parametrize("loader, suffixes", [(read_places, [".csv", ".geojson", ".kml"]),
                                               (read_point_layer, [".csv", ".geojson", ".parquet"])],
                         ids=["read_places", "read_point_layer"])
@FUZZ
@given(data=st.data())
def test_fuzz_file_loader(folder, seeds, data, loader, suffixes):
    suffix = data.draw(st.sampled_from(suffixes), label="suffix")
    with holding(folder / "briefings" / f"fuzz{suffix}", _draw(data, seeds, suffix)) as path:
        only_mapper_errors(loader, path)


@FUZZ
@given(data=st.data())
def test_fuzz_read_area(folder, seeds, data):
    with holding(folder / "briefings" / "fuzz-area.geojson", _draw(data, seeds, ".geojson")) as path:
        only_mapper_errors(read_area, path)
