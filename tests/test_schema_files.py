"""The JSON Schemas in data/schema: valid, shipped, true to the data, the vocabularies and the briefing parser."""

import configparser
import copy
import dataclasses
import datetime
import fnmatch
import json
import re
import tomllib

import pytest
from conftest import DATA_DIR, REPO
from jsonschema import Draft202012Validator

from mapper.core import vocab
from mapper.core.units import _SPEED_ALIASES, _UNIT_ALIASES, parse_length_m, parse_speed_m_s
from mapper.errors import DataError
from mapper.load import briefing as briefing_module
from mapper.load import steps, story
from mapper.load.geodata import read_geodata
from mapper.load.schema import MAX_RECORDS, validate_geodata
from mapper.load.schemas import read_schema, schema_path

SCHEMA_DIR = REPO / "data" / "schema"
GEODATA_SCHEMAS = tuple(vocab.FILES)


def _schema(name):
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))


def _validator(name):
    return Draft202012Validator(_schema(name))


def _errors(name, document):
    return [e.message for e in _validator(name).iter_errors(document)]


def _as_json(value):
    """A parsed TOML value as JSON has it: TOML dates as ISO text (as mapper.load.story reads them)."""
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _as_json(v) for key, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    return value


def _toml(text):
    return _as_json(tomllib.loads(text))


def _walk(node, pointer=""):
    """(JSON pointer, subschema) of every object in a schema."""
    if isinstance(node, dict):
        yield pointer, node
        for key, value in node.items():
            yield from _walk(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from _walk(value, f"{pointer}/{n}")


def _at(schema, pointer):
    node = schema
    for part in pointer.strip("/").split("/"):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


# -- the files themselves ---------------------------------------------------

def test_one_schema_per_name():
    assert sorted(p.name for p in SCHEMA_DIR.iterdir()) == sorted(f"{n}.schema.json" for n in vocab.SCHEMAS)


@pytest.mark.parametrize("name", vocab.SCHEMAS)
def test_schema_is_valid_draft_2020_12(name):
    schema = _schema(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    # Every $ref points into the file itself, so one file is the whole schema (mapper schema NAME -o FILE).
    refs = [node["$ref"] for _, node in _walk(schema) if "$ref" in node]
    assert refs and all(ref.startswith("#/$defs/") and ref[len("#/$defs/"):] in schema["$defs"] for ref in refs)


@pytest.mark.parametrize("name", vocab.SCHEMAS)
def test_schema_file_is_what_mapper_schema_writes(name):
    """Canonical JSON (indent 2, UTF-8): the file, `mapper schema NAME` and `-o FILE` are the same bytes."""
    text = (SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"


def test_schemas_ship_in_the_package():
    """setup.cfg's package data for mapper.data (the data/ folder) takes in every schema file."""
    config = configparser.ConfigParser()
    config.read(REPO / "setup.cfg", encoding="utf-8")
    patterns = [p.strip() for p in config["options.package_data"]["mapper.data"].replace("\n", ",").split(",")]
    for path in SCHEMA_DIR.iterdir():
        relative = path.relative_to(REPO / "data").as_posix()
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), relative


def test_reader_finds_the_bundled_schemas():
    for name in vocab.SCHEMAS:
        assert schema_path(name).resolve() == (SCHEMA_DIR / f"{name}.schema.json").resolve()
        assert read_schema(name) == _schema(name)


# -- true to the data -------------------------------------------------------

@pytest.mark.parametrize("name", GEODATA_SCHEMAS)
def test_bundled_geodata_file_validates(name):
    document = json.loads((DATA_DIR / vocab.FILES[name]).read_text(encoding="utf-8"))
    assert _errors(name, document) == []


BRIEFINGS = sorted((DATA_DIR / "briefings").glob("*.toml"))


@pytest.mark.parametrize("path", BRIEFINGS, ids=lambda p: p.name)
def test_bundled_briefing_validates(path):
    assert _errors("briefing", _toml(path.read_text(encoding="utf-8"))) == []


def test_there_are_bundled_briefings():
    assert len(BRIEFINGS) >= 2


# A briefing with every table, as the README's "Briefing reference" shows them.
FULL_BRIEFING = '''\
title = "Caspian drone shipments"
subtitle = "Where the drones are reported to go, and how far a System X reaches"
stamp = false
data = ["iran-russia"]
layers = ["places", "sea-routes", "river-routes", "supply-flows", "ranges", "events"]
basemap = "offline"
places = [
  "my-places.csv",
  { file = "more-places.geojson" },
  { id = "port-x", name = "Port X", lat = 44.0, lon = 50.2, kind = "port", country = "KZ", source = "Imagery" },
  { name = "Place C", lat = 45.0, lon = 48.0, aliases = "C; Ce", description = "A place", note = "A note" },
]

[[sources]]
id = "outlet-2025-01-31"
title = "Headline of the article"
outlet = "Outlet"
date = 2025-01-31
url = "https://example.org/article"

[[systems]]
id = "system-x"
name = "System X"
range = "300 km"
class = "short-range ballistic missile"
sources = [{ source = "outlet-2025-01-31", quote = "a range of 300 kilometres" }]

[[systems]]
id = "system-y"
name = "System Y"
range = "75 mi"
basis = "assumption"
note = "No source gives a range; 75 miles is the analyst's assumption."

[[flows]]
id = "port-x-to-astrakhan"
from = "port-x"
to = "Astrakhan"
label = "Port X → Astrakhan: drones"
date = "2025-01"
cargo = [{ item = "Drones", status = "shipped", sources = [{ source = "outlet-2025-01-31", quote = "drones" }] }]
sources = [{ source = "outlet-2025-01-31", quote = "drones were shipped from Port X to Astrakhan" }]

[[claims]]
id = "port-x-400-km-from-astrakhan"
check = "distance"
subject = "port-x"
reference = "astrakhan"
distance = { value = 400, unit = "km", qualifier = "about" }
direction = "southeast"
sources = [{ source = "outlet-2025-01-31", quote = "about 400 km southeast of Astrakhan" }]

[[events]]
id = "shipment-seen"
name = "Shipment seen at Port X"
date = "2025-01-15"
date_text = "in mid-January"
place = "port-x"
sources = [{ source = "outlet-2025-01-31", quote = "a shipment was seen in mid-January" }]

[[ranges]]
id = "system-x-from-belgorod"
system = "system-x"
centre = "belgorod"
note = "Assumed launch site; the reporting names none."

[[ranges]]
id = "120-km-from-russia"
radius = "120 km"
area = "Russia"
within = "Ukraine"

[[routes]]
id = "port-x-to-olya"
from = "port-x"
to = "olya"
via = ["astrakhan"]
mode = "sea"
speed = "10kn"
note = "Assumed port pair."

[[points]]
file = "sightings.csv"
title = "Sightings"
label = "label"

[filter]
exclude = ["kyiv"]

[view]
bounds = { south = 40.0, west = 30.0, north = 56.0, east = 56.0 }

[[steps]]
title = "Port X"
caption = "A shipment was seen at Port X in mid-January."
sources = [{ source = "outlet-2025-01-31", quote = "a shipment was seen in mid-January" }]
view = { centre = "port-x", zoom = 7 }
layers = ["places", "supply-flows", "events"]
date = "2025-01-15"
highlight = ["port-x", "port-x-to-astrakhan"]
'''


def test_briefing_with_every_table_validates():
    doc = _toml(FULL_BRIEFING)
    assert _errors("briefing", doc) == []
    assert set(doc) == set(briefing_module.TOP_KEYS)


def test_briefing_with_every_table_loads(tmp_path, geodata):
    """The example is a real briefing: mapper reads it (the files it names are made here)."""
    (tmp_path / "my-places.csv").write_text("name,lat,lon,kind,source\nVovchansk,50.29,36.94,town,OpenStreetMap\n",
                                            encoding="utf-8")
    (tmp_path / "more-places.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [36.0, 50.0]},
         "properties": {"name": "Place B", "source": "A map"}}]}), encoding="utf-8")
    (tmp_path / "sightings.csv").write_text("lat,lon,label\n46.3,47.9,sighting\n", encoding="utf-8")
    path = tmp_path / "example.toml"
    path.write_text(FULL_BRIEFING, encoding="utf-8")
    loaded = briefing_module.load_briefing(path, geodata)
    assert [r.id for r in loaded.ranges] == ["system-x-from-belgorod", "120-km-from-russia"]
    assert loaded.geodata.systems["system-y"]["basis"] == "assumption"
    assert [(s.title, s.date, s.layers, s.highlight) for s in loaded.steps] == [
        ("Port X", "2025-01-15", ("places", "supply-flows", "events"), ("port-x", "port-x-to-astrakhan"))]


# -- true to the vocabularies and the parser ---------------------------------

ID = vocab.ID_PATTERN.pattern.replace("\\Z", "$")
DATE = vocab.DATE_PATTERN.pattern.replace("\\Z", "$")

# Where each enum of each schema comes from; an enum not listed here fails the test below.
ENUMS = {
    **{(name, "/$defs/basis/enum"): vocab.BASES for name in ("places", "routes", "systems", "events", "briefing")},
    **{(name, "/$defs/status/enum"): vocab.STATUSES for name in ('places', 'systems', 'claims', 'events', 'briefing')},
    ("places", "/$defs/place/properties/kind/enum"): vocab.PLACE_KINDS,
    ("routes", "/$defs/route/properties/kind/enum"): vocab.ROUTE_KINDS,
    ("routes", "/$defs/route/properties/routing/properties/mode/enum"): (*vocab.MODES, *vocab.MODE_ALIASES),
    **{(name, "/$defs/claim/properties/check/enum"): vocab.CHECKS for name in ("claims", "briefing")},
    **{(name, "/$defs/claim/properties/direction/enum"): tuple(vocab.DIRECTIONS) for name in ("claims", "briefing")},
    **{(name, "/$defs/figure/properties/unit/enum"): vocab.DISTANCE_UNITS for name in ("claims", "briefing")},
    **{(name, "/$defs/figure/properties/qualifier/enum"): tuple(vocab.QUALIFIER_BOUNDS_PCT)
       for name in ("claims", "briefing")},
    ("briefing", "/properties/layers/items/enum"): tuple(vocab.LAYER_TITLES),
    ("briefing", "/$defs/place/properties/kind/enum"): vocab.PLACE_KINDS,
    ("briefing", "/$defs/filter/properties/kinds/anyOf/0/enum"): vocab.PLACE_KINDS,
    ("briefing", "/$defs/filter/properties/kinds/anyOf/1/items/enum"): vocab.PLACE_KINDS,
    ("briefing", "/$defs/route/properties/mode/enum"): (*vocab.MODES, *vocab.MODE_ALIASES),
    ("briefing", "/$defs/route/properties/kind/enum"): vocab.ROUTE_KINDS,
    ("briefing", "/$defs/step/properties/layers/items/enum"): tuple(vocab.LAYER_TITLES),
}


@pytest.mark.parametrize("name", vocab.SCHEMAS)
def test_enums_are_the_vocabularies(name):
    schema = _schema(name)
    found = {pointer + "/enum": node["enum"] for pointer, node in _walk(schema) if "enum" in node}
    expected = {pointer: list(values) for (schema_name, pointer), values in ENUMS.items() if schema_name == name}
    assert found == expected


def test_route_kinds_of_a_briefing_are_its_parsers():
    assert set(vocab.ROUTE_KINDS) == set(briefing_module.ROUTE_KIND_BY_MODE.values())


@pytest.mark.parametrize("name", vocab.SCHEMAS)
def test_id_and_date_patterns_are_the_vocabularies(name):
    schema = _schema(name)
    assert schema["$defs"]["id"]["pattern"] == ID
    if "date" in schema["$defs"]:
        assert schema["$defs"]["date"]["pattern"] == DATE


@pytest.mark.parametrize("name", GEODATA_SCHEMAS)
def test_record_limit_is_the_loaders(name):
    key = vocab.RECORDS_KEY[name]
    assert _schema(name)["properties"][key]["maxItems"] == MAX_RECORDS
    assert key in _schema(name)["required"]


def test_briefing_limits_are_the_parsers():
    schema = _schema("briefing")
    assert schema["properties"]["ranges"]["maxItems"] == briefing_module.MAX_RANGES
    assert schema["properties"]["routes"]["maxItems"] == briefing_module.MAX_ROUTES
    assert schema["$defs"]["view"]["properties"]["zoom"]["maximum"] == briefing_module.MAX_ZOOM
    assert schema["properties"]["steps"]["maxItems"] == steps.MAX_STEPS
    assert schema["$defs"]["step"]["properties"]["highlight"]["maxItems"] == steps.MAX_HIGHLIGHT


def _keys(schema, ref):
    return set(schema["$defs"][ref]["properties"])


def test_briefing_tables_take_the_keys_the_parser_takes():
    """additionalProperties is false on every table: its keys must be exactly the ones mapper reads."""
    schema = _schema("briefing")
    assert set(schema["properties"]) == set(briefing_module.TOP_KEYS)
    assert _keys(schema, "range") == set(briefing_module.RANGE_KEYS)
    assert _keys(schema, "route") == set(briefing_module.ROUTE_KEYS)
    assert _keys(schema, "points") == set(briefing_module.POINT_KEYS)
    assert _keys(schema, "filter") == set(briefing_module.FILTER_KEYS)
    assert _keys(schema, "view") == set(briefing_module.VIEW_KEYS)
    assert _keys(schema, "step") == set(steps.STEP_KEYS)
    assert set(schema["$defs"]["citation"]["properties"]) == set(steps.CITATION_KEYS)
    assert _keys(schema, "source") == set(story.SOURCE_KEYS)
    assert _keys(schema, "system") == set(story.SYSTEM_KEYS)
    assert _keys(schema, "flow") == set(story.FLOW_KEYS)
    assert _keys(schema, "cargo") == set(story.CARGO_KEYS)
    assert _keys(schema, "claim") == set(story.CLAIM_KEYS)
    assert _keys(schema, "event") == set(story.EVENT_KEYS)
    # A table of only `file` is a places file; the schema leaves `file` out of an inline place.
    assert _keys(schema, "place") == set(story.PLACE_KEYS)
    closed = [pointer for pointer, node in _walk(schema) if node.get("type") == "object"
              and "properties" in node and node.get("additionalProperties") is not False]
    assert closed == []


def _rules(node):
    """A subschema without its annotations (description, examples): the rules only."""
    if isinstance(node, dict):
        return {k: _rules(v) for k, v in node.items() if k not in ("description", "examples")}
    if isinstance(node, list):
        return [_rules(v) for v in node]
    return node


def test_shared_definitions_agree_across_files():
    """A definition of the same name means the same in every geodata schema; the briefing's is the same, closed."""
    seen = {}
    for name in GEODATA_SCHEMAS:
        for def_name, definition in _schema(name)["$defs"].items():
            seen.setdefault(def_name, _rules(definition))
            assert _rules(definition) == seen[def_name], (name, def_name)
    briefing = _schema("briefing")["$defs"]
    shared = set(seen) & set(briefing)
    assert {"id", "date", "text", "citation", "citations", "basis", "provenance", "cargo", "figure", "claim",
            "event"} <= shared
    for def_name in shared:
        expected = copy.deepcopy(seen[def_name])
        if expected.get("type") == "object":
            expected["additionalProperties"] = False
        if def_name == "event":  # a briefing's event may leave date_text out: it defaults to the date
            expected["required"].remove("date_text")
        if def_name in ("place", "route", "system", "source"):
            continue  # the briefing's own tables of those names differ from the records they become
        assert _rules(briefing[def_name]) == expected, def_name


# -- lengths and speeds as the parser reads them ------------------------------

LENGTH = re.compile(_schema("briefing")["$defs"]["length"]["pattern"])
SPEED = re.compile(_schema("briefing")["$defs"]["speed"]["pattern"])


@pytest.mark.parametrize("unit", sorted(_UNIT_ALIASES))
def test_length_pattern_takes_every_unit(unit):
    for text in (f"120 {unit}", f"120{unit}", f"1.5 {unit.upper()}", f" 7 {unit.title()} "):
        assert LENGTH.search(text), text
        parse_length_m(text)


@pytest.mark.parametrize("text", ["120", "120 parsecs", "-5 km", "km", "1,000 km", "12 0km", "120 kmh", ""])
def test_length_pattern_refuses(text):
    assert not LENGTH.search(text)


@pytest.mark.parametrize("unit", sorted(_SPEED_ALIASES))
def test_speed_pattern_takes_every_unit(unit):
    for text in (f"10{unit}", f"10 {unit.upper()}"):
        assert SPEED.search(text), text
        parse_speed_m_s(text)


@pytest.mark.parametrize("text", ["10", "10 parsecs/s", "-10kn", "kn"])
def test_speed_pattern_refuses(text):
    assert not SPEED.search(text)


# -- broken records fail: in the schema and in mapper ------------------------

def _first(items, record_id):
    return next(r for r in items if (r.get("properties", r)).get("id") == record_id)


def _props(doc, record_id):
    return _first(doc["features"], record_id)["properties"]


GEODATA_BREAKAGES = {
    "place-kind": ("places", lambda d: _props(d, "kyiv").update(kind="village")),
    "place-id": ("places", lambda d: _props(d, "kyiv").update(id="Kyiv_City")),
    "place-latitude": ("places", lambda d: _first(d["features"], "kyiv")["geometry"].update(coordinates=[30.5, 95.0])),
    "place-no-provenance": ("places", lambda d: _props(d, "kyiv").pop("sources")),
    "place-basis-without-note": ("places", lambda d: _props(d, "kyiv").update(basis="assumption")
                                 or _props(d, "kyiv").pop("sources")),
    "place-name-blank": ("places", lambda d: _props(d, "kyiv").update(name="  ")),
    "route-mode": ("routes", lambda d: d["features"][0]["properties"].update(routing={"mode": "air"})),
    "route-geometry": ("routes", lambda d: d["features"][0].update(geometry={"type": "Point", "coordinates": [1, 2]})),
    "route-cargo-status": ("routes", lambda d: d["features"][0]["properties"]["cargo"][0].pop("status")),
    "source-title": ("sources", lambda d: d["sources"][0].pop("title")),
    "source-published": ("sources", lambda d: d["sources"][0].update(published="June 2024")),
    "system-range": ("systems", lambda d: d["systems"][0].update(range_m=0)),
    "system-no-provenance": ("systems", lambda d: d["systems"][0].pop("sources")),
    "claim-unit": ("claims", lambda d: d["claims"][0]["distance"].update(unit="leagues")),
    "claim-qualifier": ("claims", lambda d: d["claims"][0]["distance"].update(qualifier="perhaps")),
    "claim-direction": ("claims", lambda d: d["claims"][0].update(direction="up")),
    "claim-coordinate-without-direction": ("claims", lambda d: d["claims"][0].update(check="coordinate")
                                           or d["claims"][0].pop("direction")),
    "claim-conversion-without-figures": ("claims", lambda d: d["claims"][0].update(check="unit-conversion",
                                                                                 system="fath-360")),
    "claim-empty-sources": ("claims", lambda d: d["claims"][0].update(sources=[])),
    "event-date": ("events", lambda d: d["events"][0].update(date="last summer")),
    "event-date-month": ("events", lambda d: d["events"][0].update(date="2024-13")),
    "event-no-provenance": ("events", lambda d: d["events"][0].pop("sources")),
    "event-quote-missing": ("events", lambda d: d["events"][0]["sources"][0].pop("quote")),
    "records-not-a-list": ("events", lambda d: d.update(events={"a": 1})),
}


@pytest.fixture(scope="module")
def raw_geodata(articles_dir):
    return read_geodata(DATA_DIR)


@pytest.mark.parametrize("case", sorted(GEODATA_BREAKAGES))
def test_broken_geodata_fails_the_schema_and_mapper(case, raw_geodata):
    name, change = GEODATA_BREAKAGES[case]
    document = copy.deepcopy(raw_geodata.raw[name])
    change(document)
    assert _errors(name, document), case
    assert validate_geodata(dataclasses.replace(raw_geodata, raw={**raw_geodata.raw, name: document})), case


BRIEFING_BREAKAGES = {
    "no-title": ('subtitle = "x"\n', "title"),
    "typo-in-a-top-key": ('title = "x"\ntitel = "y"\n', "titel"),
    "unknown-layer": ('title = "x"\nlayers = ["places", "rivers"]\n', "rivers"),
    "stamp-text": ('title = "x"\nstamp = "yes"\n', "stamp"),
    "typo-in-a-range": ('title = "x"\ndata = ["iran-russia"]\n[[ranges]]\nsystem = "fath-360"\ncentre = "kursk"\n'
                        'centr = "kursk"\n', "centr"),
    "range-system-and-radius": ('title = "x"\ndata = ["iran-russia"]\n[[ranges]]\nsystem = "fath-360"\n'
                                'radius = "100 km"\ncentre = "kursk"\n', "radius"),
    "range-neither-centre-nor-area": ('title = "x"\ndata = ["iran-russia"]\n[[ranges]]\nsystem = "fath-360"\n',
                                      "centre"),
    "range-radius-without-unit": ('title = "x"\ndata = ["iran-russia"]\n[[ranges]]\nradius = "100"\n'
                                  'centre = "kursk"\n', "radius"),
    "range-centre-latitude": ('title = "x"\n[[ranges]]\nradius = "100 km"\ncentre = { lat = 95, lon = 30 }\n',
                              "centre"),
    "view-bounds-and-zoom": ('title = "x"\n[view]\nzoom = 5\ncentre = { lat = 50, lon = 30 }\n'
                             'bounds = { south = 40.0, west = 30.0, north = 56.0, east = 56.0 }\n', "bounds"),
    "view-zoom-too-far": ('title = "x"\n[view]\nzoom = 19\ncentre = { lat = 50, lon = 30 }\n', "zoom"),
    "place-without-lat": ('title = "x"\nplaces = [{ name = "A", lon = 30.0 }]\n', "lat"),
    "place-kind": ('title = "x"\nplaces = [{ name = "A", lat = 50.0, lon = 30.0, kind = "village" }]\n', "kind"),
    "place-typo": ('title = "x"\nplaces = [{ name = "A", lat = 50.0, lon = 30.0, kinds = "city" }]\n', "kinds"),
    "source-bad-id": ('title = "x"\n[[sources]]\nid = "CNN 2024"\ntitle = "t"\n', "id"),
    "source-bad-date": ('title = "x"\n[[sources]]\nid = "cnn-2024"\ntitle = "t"\ndate = "June 2024"\n', "date"),
    "system-without-range": ('title = "x"\n[[systems]]\nid = "s"\nname = "S"\nbasis = "assumption"\nnote = "n"\n',
                             "range"),
    "system-basis-without-note": ('title = "x"\n[[systems]]\nid = "s"\nname = "S"\nrange = "90 km"\n'
                                  'basis = "assumption"\n', "note"),
    "flow-without-label": ('title = "x"\ndata = ["iran-russia"]\nlayers = ["supply-flows"]\n[[flows]]\nid = "f"\n'
                           'from = "tehran"\nto = "moscow"\nbasis = "assumption"\nnote = "n"\n', "label"),
    "flow-cargo-typo": ('title = "x"\ndata = ["iran-russia"]\nlayers = ["supply-flows"]\n[[flows]]\nid = "f"\n'
                        'from = "tehran"\nto = "moscow"\nlabel = "l"\nbasis = "assumption"\nnote = "n"\n'
                        'cargo = [{ item = "drones", state = "shipped", sources = [] }]\n', "state"),
    "claim-unit": ('title = "x"\ndata = ["iran-russia"]\n[[claims]]\nid = "c"\nsubject = "kursk"\n'
                   'reference = "moscow"\ndistance = { value = 5, unit = "leagues" }\n'
                   'sources = [{ source = "cnn-2024-06-21", quote = "q" }]\n', "leagues"),
    "event-date": ('title = "x"\ndata = ["iran-russia"]\n[[events]]\nid = "e"\nname = "E"\ndate = "summer"\n'
                   'place = "kursk"\nsources = [{ source = "cnn-2024-06-21", quote = "q" }]\n', "summer"),
    "route-mode": ('title = "x"\ndata = ["iran-russia"]\n[[routes]]\nfrom = "astrakhan"\nto = "olya"\n'
                   'mode = "air"\n', "air"),
    "filter-kind": ('title = "x"\n[filter]\nkinds = ["village"]\n', "village"),
    "points-without-file": ('title = "x"\n[[points]]\ntitle = "Sightings"\n', "file"),
}


@pytest.mark.parametrize("case", sorted(BRIEFING_BREAKAGES))
def test_broken_briefing_fails_the_schema_and_mapper(case, tmp_path, geodata):
    text, word = BRIEFING_BREAKAGES[case]
    errors = _errors("briefing", _toml(text))
    assert errors, case
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError):
        briefing_module.load_briefing(path, geodata)


def test_a_schema_error_names_the_key():
    errors = _errors("briefing", _toml('title = "x"\n[[ranges]]\nradius = "9 km"\ncentre = "kursk"\ncentr = "k"\n'))
    assert any("'centr'" in e for e in errors), errors


# -- mapper schema ----------------------------------------------------------

def test_cli_lists_the_schemas(run):
    for args in (("schema",), ("schema", "--list")):
        result = run(*args)
        assert result.exit_code == 0, result.stderr
        assert [line.split()[0] for line in result.stdout.splitlines()] == list(vocab.SCHEMAS)
    assert "places.geojson" in result.stdout


@pytest.mark.parametrize("name", vocab.SCHEMAS)
def test_cli_prints_the_schema(run, name):
    result = run("schema", name)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8")


def test_cli_writes_the_schema_and_refuses_to_clobber(run, tmp_path):
    out = tmp_path / "briefing.schema.json"
    result = run("schema", "briefing", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert out.read_bytes() == (SCHEMA_DIR / "briefing.schema.json").read_bytes()
    out.write_text("{}", encoding="utf-8")
    again = run("schema", "events", "-o", str(out))
    assert again.exit_code == 1
    assert "already exists; use --overwrite" in again.stderr
    assert out.read_text(encoding="utf-8") == "{}"
    assert run("schema", "events", "-o", str(out), "--overwrite").exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == _schema("events")


def test_cli_unknown_schema_is_a_one_line_usage_error(run, tmp_path):
    result = run("schema", "briefings", "-o", str(tmp_path / "x.json"))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines == ["Error: unknown schema 'briefings'; use one of " + ", ".join(vocab.SCHEMAS)]
    assert not (tmp_path / "x.json").exists()


def test_cli_help_ends_with_an_example(run):
    result = run("schema", "--help")
    assert result.exit_code == 0
    assert "mapper schema" in result.output.split("Example:")[1]
