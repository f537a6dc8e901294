"""Briefing files: a map as code, in TOML.

A briefing stands on its own: it starts empty, and holds what it draws.  It
names the title; the data to include (``"iran-russia"``, the bundled story,
and geodata folders); its own story (sources, systems, places, flows, claims
and events: :mod:`mapper.load.story`); which layers and features to draw;
where weapon systems sit (at centres or along areas); routes to compute, the
view and the basemap.
:func:`load_briefing` checks it against the geodata; every error names the
file, the line when it can be found, the key and what is wrong.  Paths in a
briefing are relative to the briefing file, so it renders from any folder.
"""

import math
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from mapper.core.bidi import contain_bidi
from mapper.core.points import LonLat, checked_lonlat
from mapper.core.units import DEFAULT_SPEED_KN, M_S_PER_SPEED_UNIT, parse_length_m, parse_speed_m_s
from mapper.core.vocab import BASES, FILES, LAYER_TITLES, MODE_ALIASES, MODES, PLACE_KINDS, RECORDS_KEY
from mapper.errors import DataError, InputError, UnknownPlaceError
from mapper.load import story
from mapper.load.areas import Origin, find_area
from mapper.load.files import checked_size, read_text
from mapper.load.geodata import empty_geodata, merge_folder, merge_places, merge_records
from mapper.load.lookup import resolve_point
from mapper.load.places import read_places
from mapper.load.pointfiles import read_point_layer
from mapper.load.schema import validate_geodata
from mapper.load.steps import read_steps, timeline_date
from mapper.load.tiles import find_tile_provider
from mapper.load.tomltext import check_text
from mapper.load.waterways import load_registry

DEFAULT_BRIEFING = "iran-russia"
# The name in a briefing's `data` list for the bundled story: the geodata folder in use.
BUNDLED_STORY = "iran-russia"
ROUTE_KIND_BY_MODE = {"sea": "sea-route", "river": "river-route", "straight": "supply-flow"}
ROUTE_LAYER_BY_KIND = {"sea-route": "sea-routes", "river-route": "river-routes", "supply-flow": "supply-flows"}
TOP_KEYS = ("title", "subtitle", "stamp", "data", "places", "sources", "systems", "flows", "claims", "events",
            "layers", "filter", "ranges", "routes", "points", "view", "basemap", "steps")
RANGE_KEYS = ("id", "system", "radius", "centre", "area", "within", "note")
ROUTE_KEYS = ("id", "name", "from", "to", "via", "mode", "speed", "avoid", "kind", "note", "date")
POINT_KEYS = ("file", "title", "source", "lat", "lon", "time", "category", "label")
FILTER_KEYS = ("kinds", "ids", "exclude", "sources")
VIEW_KEYS = ("centre", "zoom", "bounds")
MAX_ZOOM = 18
# What a briefing asks mapper to compute at render time, bounded: a range from
# an area can take seconds (mapper.geo.coverage.MAX_OUTLINE_MEASURES).
MAX_RANGES = 50
MAX_AREA_RANGES = 4
MAX_ROUTES = 50
OFFLINE_BASEMAP = "offline"


@dataclass(frozen=True)
class RangePlacement:
    """A weapon system placed at a centre or along an area; geometry is computed at render time."""

    id: str
    system_id: str | None  # None: a plain radius
    origin: Origin
    note: str
    within: Origin | None = None  # show only the part of the reach inside this area
    radius_m: float = 0.0  # the system's range, or the plain radius

    @property
    def centre(self):
        """The centre point (None for an area)."""
        return self.origin.point

    @property
    def centre_label(self):
        return self.origin.label

    @property
    def centre_place_id(self):
        return self.origin.place_id


@dataclass(frozen=True)
class RouteSpec:
    """A route the briefing asks mapper to compute."""

    id: str
    name: str
    kind: str
    stops: tuple  # place ids: from, via..., to
    mode: str
    speed_kn: float
    note: str
    avoid: tuple = ()  # ids of the canals and straits the route may not pass
    date: str | None = None  # when the route is known from, for the timeline (YYYY[-MM[-DD]]); None: always


@dataclass(frozen=True)
class FeatureFilter:
    """Which places, stored routes and events to draw; empty means all.

    ``kinds`` are place kinds and choose places only; ``ids``, ``exclude``
    and ``sources`` apply to places, routes and events (an event also by
    its place).
    """

    kinds: tuple = ()
    ids: tuple = ()
    exclude: tuple = ()
    sources: tuple = ()  # source ids, or a basis: gazetteer, assumption, user

    def keeps_event(self, event):
        """An event passes if it, or the place it happened at, is chosen and neither is excluded."""
        if event.get("id") in self.exclude or event.get("place") in self.exclude:
            return False
        if self.ids and event.get("id") not in self.ids and event.get("place") not in self.ids:
            return False
        return self._cites(event)

    def _cites(self, record):
        """True without a sources filter, else if ``record`` cites one of them or has one as its basis."""
        if not self.sources:
            return True
        cited = {c.get("source") for c in record.get("sources", []) if isinstance(c, dict)}
        return bool(cited & set(self.sources)) or record.get("basis") in self.sources

    def keeps(self, props, kinds=True):
        """True if a feature with these properties passes (``kinds=False``: ignore the kinds)."""
        if props.get("id") in self.exclude:
            return False
        if self.ids and props.get("id") not in self.ids:
            return False
        if kinds and self.kinds and props.get("kind") not in self.kinds:
            return False
        return self._cites(props)


@dataclass(frozen=True)
class View:
    """The initial view: a centre and zoom, or bounds (west, south, east, north) in degrees."""

    centre: LonLat | None = None
    zoom: int | None = None
    bounds: tuple | None = None

    def lonlat_bounds(self, width_px=1024, height_px=640):
        """(west, south, east, north) in degrees; a centre and zoom as a Web Mercator window of that size."""
        if self.bounds is not None:
            return self.bounds
        lon, lat = self.centre.lon, self.centre.lat
        world_px = 256.0 * 2 ** self.zoom
        half_lon = width_px / world_px * 180.0
        y = math.log(math.tan(math.pi / 4 + math.radians(max(-85.0, min(85.0, lat))) / 2))
        half_y = height_px / world_px * math.pi
        south, north = (math.degrees(2 * math.atan(math.exp(y + d)) - math.pi / 2) for d in (-half_y, half_y))
        return max(-180.0, lon - half_lon), south, min(180.0, lon + half_lon), north


@dataclass(frozen=True)
class PointSpec:
    """A [[points]] table: a large point file and which of its columns to use (None: found by name)."""

    file: Path
    title: str | None = None
    source: str | None = None
    lat: str | None = None
    lon: str | None = None
    time: str | None = None
    category: str | None = None
    label: str | None = None

    def read(self):
        """The :class:`~mapper.load.pointfiles.PointLayer` this spec names (reads the file)."""
        options = {key: getattr(self, key) for key in POINT_KEYS if key != "file"}
        return read_point_layer(self.file, **options)


@dataclass(frozen=True)
class Briefing:
    """A parsed, checked briefing, with the geodata it draws from."""

    path: Path
    title: str
    subtitle: str
    layers: tuple
    ranges: tuple
    stamp: bool = False  # show a "generated on" line
    routes: tuple = ()
    filter: FeatureFilter = field(default_factory=FeatureFilter)
    view: View | None = None
    tiles: str | None = None  # an xyzservices name; None: the offline basemap
    geodata: object = None  # the geodata given, plus the briefing's own data and places
    points: tuple = ()  # PointSpec of each [[points]] table; read at render time
    steps: tuple = ()  # the story: mapper.load.steps.Step of each [[steps]] table

    @property
    def name(self):
        """The briefing's file stem, used for the default output name."""
        return self.path.stem


def default_briefing_path(data_dir):
    """Path of the default briefing inside ``data_dir``."""
    return Path(data_dir) / "briefings" / f"{DEFAULT_BRIEFING}.toml"


class _Reader:
    """Reads one briefing's TOML and reports errors with file, line and key."""

    def __init__(self, path, text):
        self.path = path
        self.lines = text.splitlines()

    def line_of(self, key):
        """The line of ``key`` such as ``ranges[1].system``, ``view.zoom``, ``view`` or ``title``, or None."""
        parts = re.findall(r"[^.\[\]]+|\[\d+\]", key)
        if not parts:
            return None
        table, rest, index = parts[0], parts[1:], 0
        if rest and rest[0].startswith("["):
            index, rest = int(rest[0][1:-1]), rest[1:]
        headers = [n for n, line in enumerate(self.lines)
                   if re.match(rf"^\s*\[\[?\s*{re.escape(table)}\s*\]\]?\s*(#.*)?$", line)]
        if len(headers) <= index:
            return self._key_line(table, 0)  # a top-level key
        # The innermost key written at the start of a line: `view = { bounds = ... }` is on view's line.
        found = (self._key_line(name, headers[index] + 1) for name in reversed(rest) if not name.startswith("["))
        return next((line for line in found if line), None) or headers[index] + 1

    def _key_line(self, name, start):
        """The line of ``name = ...`` from line index ``start`` up to the next table header, or None."""
        for n in range(start, len(self.lines)):
            if re.match(r"^\s*\[", self.lines[n]):
                return None
            if re.match(rf"^\s*{re.escape(name)}\s*=", self.lines[n]):
                return n + 1
        return None

    def fail(self, key, message):
        line = self.line_of(key)
        where = f"{self.path}:{line}" if line else str(self.path)
        # A file name in the briefing may hold a newline (TOML "a\nb.csv"): keep the message on one line.
        raise DataError(f"{where}: {key}: {message}".replace("\r", "\\r").replace("\n", "\\n"))

    def string(self, table, key, where, required=True, default=""):
        value = table.get(key)
        if value is None:
            if required:
                self.fail(where, "missing")
            return default
        if not isinstance(value, str) or not value.strip():
            self.fail(where, "must be a non-empty string")
        return value

    def strings(self, table, key, where):
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(x, str) and x.strip() for x in value):
            self.fail(where, "must be a list of strings")
        return tuple(value)

    def keys(self, table, allowed, where):
        unknown = [k for k in table if k not in allowed]
        if unknown:
            key = f"{where}.{unknown[0]}" if where else unknown[0]
            self.fail(key, f"unknown key; use {', '.join(allowed)}")

    def tables(self, doc, name, allowed):
        """(index, key path, table) of each [[name]] table, its keys checked."""
        entries = doc.get(name, [])
        if not isinstance(entries, list):
            self.fail(name, f"must be an array of tables ([[{name}]])")
        for n, entry in enumerate(entries):
            where = f"{name}[{n}]"
            if not isinstance(entry, dict):
                self.fail(where, "must be a table")
            self.keys(entry, allowed, where)
            yield n, where, entry

    def file(self, name, where):
        """A path from the briefing, relative to the briefing's folder."""
        try:
            return (self.path.parent / Path(name).expanduser()).resolve()
        except (RuntimeError, ValueError) as exc:  # "~nobody/x": no such user; a NUL in the name
            self.fail(where, f"cannot use {name!r} as a file name: {exc}")


def _point_or_place(reader, value, where, geodata):
    """A place id/name or { lat = .., lon = .. } as an Origin."""
    if isinstance(value, str):
        try:
            named = resolve_point(geodata, value)
        except InputError as exc:
            reader.fail(where, str(exc))
        return Origin(label=named.label, point=named.point, place_id=named.place_id)
    if isinstance(value, dict) and set(value) == {"lat", "lon"}:
        try:
            point = checked_lonlat(float(value["lon"]), float(value["lat"]))
        except (TypeError, ValueError, OverflowError, InputError) as exc:  # Overflow: an integer too big for a float
            reader.fail(where, f"bad coordinate: {exc}")
        return Origin(label=f"{point.lat:.4f}, {point.lon:.4f}", point=point)
    reader.fail(where, "must be a place id or name, or a table { lat = .., lon = .. }")


def _area(reader, value, where, geodata, polygons_only=False):
    """A Natural Earth country name or a GeoJSON file (relative to the briefing)."""
    if not isinstance(value, str) or not value.strip():
        reader.fail(where, "must be a country name or a .geojson file")
    try:
        return find_area(value, geodata.data_dir, reader.path.parent, polygons_only)
    except (DataError, UnknownPlaceError) as exc:
        reader.fail(where, str(exc))


def _at_most(reader, doc, name, limit, why):
    """Refuse more than ``limit`` [[name]] tables before any of them is read."""
    entries = doc.get(name, [])
    if isinstance(entries, list) and len(entries) > limit:
        reader.fail(name, f"{len(entries):,} tables; a briefing may have at most {limit:,} ({why})")


def _ranges(reader, doc, geodata):
    _at_most(reader, doc, "ranges", MAX_RANGES, "each is computed at render time")
    area_ranges = sum(1 for entry in doc.get("ranges", []) if isinstance(entry, dict) and "area" in entry)
    if area_ranges > MAX_AREA_RANGES:
        reader.fail("ranges", f"{area_ranges} ranges from an area; a briefing may have at most {MAX_AREA_RANGES} "
                              "(each measures every place against the area's outline)")
    placements = []
    for n, where, entry in reader.tables(doc, "ranges", RANGE_KEYS):
        range_id = reader.string(entry, "id", f"{where}.id") if "id" in entry else f"range-{n + 1}"
        if ("system" in entry) == ("radius" in entry):
            reader.fail(where, "give either system (a weapon system's id) or radius (a length such as \"300 km\")")
        system_id = None
        if "system" in entry:
            system_id = reader.string(entry, "system", f"{where}.system")
            if system_id not in geodata.systems:
                known = ", ".join(geodata.systems) or "none: define one in [[systems]], or give a radius"
                reader.fail(f"{where}.system", f"unknown weapon system {system_id!r}; known: {known}")
            radius_m = float(geodata.systems[system_id]["range_m"])
        else:
            try:
                radius_m = parse_length_m(reader.string(entry, "radius", f"{where}.radius"))
            except InputError as exc:
                reader.fail(f"{where}.radius", str(exc))
        if ("centre" in entry) == ("area" in entry):
            reader.fail(where, "give either centre (a place or {lat, lon}) or area (a country or .geojson file)")
        if "centre" in entry:
            origin = _point_or_place(reader, entry["centre"], f"{where}.centre", geodata)
        else:
            origin = _area(reader, entry["area"], f"{where}.area", geodata)
        within = _area(reader, entry["within"], f"{where}.within", geodata, polygons_only=True) \
            if "within" in entry else None
        default_note = "Analyst-chosen centre." if "centre" in entry else "Analyst-chosen launch area."
        note = reader.string(entry, "note", f"{where}.note", required=False, default=default_note)
        placements.append(RangePlacement(range_id, system_id, origin, note, within, radius_m))
    return tuple(placements)


def _stop_place_id(reader, value, where, geodata):
    if not isinstance(value, str):
        reader.fail(where, "must be a place id or name")
    try:
        named = resolve_point(geodata, value)
    except InputError as exc:
        reader.fail(where, str(exc))
    if named.place_id is None:
        reader.fail(where, "must be a place (add it to a places file), not LAT,LON")
    return named.place_id


def _avoid(reader, entry, where, mode, geodata):
    """A route's ``avoid``: the ids of the canals and straits it names (ids, names or aliases of waterways.json)."""
    names = reader.strings(entry, "avoid", f"{where}.avoid")
    if not names:
        return ()
    if mode == "straight":
        reader.fail(f"{where}.avoid", "a straight line passes no canal or strait; leave avoid out, or use mode "
                                      "sea or river")
    try:
        return load_registry(geodata.data_dir).closed_ids(names)
    except (DataError, InputError) as exc:
        reader.fail(f"{where}.avoid", str(exc))


def _routes(reader, doc, geodata):
    _at_most(reader, doc, "routes", MAX_ROUTES, "each is routed over water at render time")
    specs = []
    for n, where, entry in reader.tables(doc, "routes", ROUTE_KEYS):
        for key in ("from", "to"):
            if key not in entry:
                reader.fail(f"{where}.{key}", "missing")
        stops = [_stop_place_id(reader, entry["from"], f"{where}.from", geodata)]
        stops += [_stop_place_id(reader, v, f"{where}.via", geodata)
                  for v in reader.strings(entry, "via", f"{where}.via")]
        stops.append(_stop_place_id(reader, entry["to"], f"{where}.to", geodata))
        mode = entry.get("mode", "sea")
        if mode not in MODES and mode not in MODE_ALIASES:
            reader.fail(f"{where}.mode", f"{mode!r}: use one of {', '.join((*MODES, *MODE_ALIASES))}")
        mode = MODE_ALIASES.get(mode, mode)
        kind = entry.get("kind", ROUTE_KIND_BY_MODE[mode])
        if kind not in ROUTE_KIND_BY_MODE.values():
            reader.fail(f"{where}.kind", f"{kind!r}: use one of {', '.join(ROUTE_KIND_BY_MODE.values())}")
        speed_kn = DEFAULT_SPEED_KN
        if "speed" in entry and mode == "straight":
            reader.fail(f"{where}.speed", "a great circle is a straight line, not a voyage: it has no speed; "
                                          "leave speed out, or use mode sea or river")
        avoid = _avoid(reader, entry, where, mode, geodata)
        if "speed" in entry:
            try:
                speed_kn = parse_speed_m_s(entry["speed"]) / M_S_PER_SPEED_UNIT["kn"]
            except InputError as exc:
                reader.fail(f"{where}.speed", str(exc))
        names = [contain_bidi(geodata.place(s)["properties"]["name"]) for s in (stops[0], stops[-1])]
        specs.append(RouteSpec(
            id=reader.string(entry, "id", f"{where}.id") if "id" in entry else f"route-{n + 1}",
            name=reader.string(entry, "name", f"{where}.name", required=False, default=" → ".join(names)),
            kind=kind, stops=tuple(stops), mode=mode, speed_kn=speed_kn, avoid=avoid,
            date=timeline_date(reader, entry, f"{where}.date"),
            note=reader.string(entry, "note", f"{where}.note", required=False,
                               default=f"Route computed by mapper for {reader.path.name}; the articles do not "
                                       "give it."),
        ))
    return tuple(specs)


def _points(reader, doc):
    specs = []
    for _, where, entry in reader.tables(doc, "points", POINT_KEYS):
        path = reader.file(reader.string(entry, "file", f"{where}.file"), f"{where}.file")
        try:
            checked_size(path, "point file")
        except DataError as exc:
            reader.fail(f"{where}.file", str(exc))
        options = {key: reader.string(entry, key, f"{where}.{key}", required=False, default=None)
                   for key in POINT_KEYS if key != "file"}
        specs.append(PointSpec(path, **options))
    return tuple(specs)


def _filter(reader, doc, geodata):
    """The [filter] table; every kind, id and source it names must exist, so a typo cannot empty the map."""
    table = doc.get("filter", {})
    if not isinstance(table, dict):
        reader.fail("filter", "must be a table ([filter])")
    reader.keys(table, FILTER_KEYS, "filter")
    chosen = {key: reader.strings(table, key, f"filter.{key}") for key in FILTER_KEYS}
    ids = {p["properties"]["id"] for p in geodata.places} | {r["properties"]["id"] for r in geodata.routes} \
        | {e["id"] for e in geodata.events}
    known = {"kinds": PLACE_KINDS, "ids": ids, "exclude": ids, "sources": (*geodata.sources, *BASES)}
    for key, values in chosen.items():
        unknown = [v for v in values if v not in known[key]]
        if unknown:
            hint = f"; use {', '.join(known[key])}" if key in ("kinds", "sources") else \
                " (ids of places, routes or events; see 'mapper places')"
            reader.fail(f"filter.{key}", f"unknown {unknown[0]!r}{hint}")
    return FeatureFilter(**chosen)


def _view(reader, doc, geodata):
    table = doc.get("view")
    if table is None:
        return None
    return read_view(reader, table, "view", geodata)


def read_view(reader, table, where, geodata):
    """A view table (the briefing's [view], or a step's ``view``) at key path ``where``."""
    if not isinstance(table, dict):
        reader.fail(where, "must be a table ([view], or { bounds = .. } or { centre = .., zoom = .. })")
    reader.keys(table, VIEW_KEYS, where)
    if "bounds" in table:
        if "centre" in table or "zoom" in table:
            reader.fail(f"{where}.bounds", "give bounds, or centre and zoom, not both")
        bounds = table["bounds"]
        if not isinstance(bounds, dict) or set(bounds) != {"south", "west", "north", "east"}:
            reader.fail(f"{where}.bounds", "must be { south = .., west = .., north = .., east = .. } in degrees")
        try:
            south_west = checked_lonlat(float(bounds["west"]), float(bounds["south"]))
            north_east = checked_lonlat(float(bounds["east"]), float(bounds["north"]))
        except (TypeError, ValueError, OverflowError, InputError) as exc:  # Overflow: an integer too big for a float
            reader.fail(f"{where}.bounds", f"bad coordinate: {exc}")
        if not (south_west.lat < north_east.lat and south_west.lon < north_east.lon):
            reader.fail(f"{where}.bounds", "south must be less than north and west less than east")
        return View(bounds=(south_west.lon, south_west.lat, north_east.lon, north_east.lat))
    for key in ("centre", "zoom"):
        if key not in table:
            reader.fail(where, f"{key} missing: give centre and zoom, or bounds")
    centre = _point_or_place(reader, table["centre"], f"{where}.centre", geodata).point
    zoom = table["zoom"]
    if not isinstance(zoom, int) or isinstance(zoom, bool) or not 0 <= zoom <= MAX_ZOOM:
        reader.fail(f"{where}.zoom", f"must be a whole number from 0 to {MAX_ZOOM}")
    return View(centre=centre, zoom=zoom)


def _drawn_ids(geodata, ranges, routes):
    """The ids of what a briefing may draw: places, routes and flows, events, and its ranges and routes."""
    return ({p["properties"]["id"] for p in geodata.places} | {r["properties"]["id"] for r in geodata.routes}
            | {e["id"] for e in geodata.events} | {item.id for item in (*ranges, *routes)})


def _check_unique_ids(reader, geodata, ranges, routes):
    """Range and route ids name features in exports: no two alike, and none taken by the geodata."""
    taken = {p["properties"]["id"] for p in geodata.places} | {r["properties"]["id"] for r in geodata.routes}
    for table, items in (("ranges", ranges), ("routes", routes)):
        for n, item in enumerate(items):
            if item.id in taken:
                reader.fail(f"{table}[{n}].id", f"{item.id!r} is already used; give another id")
            taken.add(item.id)


def _merge_story(geodata, bundled):
    """``geodata`` with every record of the bundled story (already loaded and checked) added."""
    for name in FILES:
        records = bundled.raw[name].get(RECORDS_KEY[name], [])
        geodata = merge_records(geodata, name, records, str(bundled.data_dir))
    articles = {source_id: bundled.articles_dir for source_id in bundled.sources} if bundled.articles_dir else {}
    return replace(geodata, source_articles={**geodata.source_articles, **bundled.source_articles, **articles},
                   source_files={**geodata.source_files, **bundled.source_files})


def _place_entries(reader, doc):
    """The ``places`` list split into places files (paths) and inline places ((index, table) pairs)."""
    value = doc.get("places", [])
    if isinstance(value, (str, dict)):
        value = [value]
    if not isinstance(value, list):
        reader.fail("places", "must be a list of places files and places ({ name, lat, lon, ... })")
    files, inline = [], []
    for n, entry in enumerate(value):
        if isinstance(entry, dict) and "file" in entry:
            if set(entry) != {"file"}:
                reader.fail(f"places[{n}]", "a places file takes only file; give a place's keys in a table of its own")
            entry = entry["file"]
        if isinstance(entry, str) and entry.strip():
            files.append(reader.file(entry, "places"))
        elif isinstance(entry, dict):
            inline.append((n, entry))
        else:
            reader.fail(f"places[{n}]", "must be a places file name or a table { name, lat, lon, ... }")
    return files, inline


def _check_drawn(reader, doc, layers, routes):
    """Refuse a range, route or flow that the briefing asks for in a layer it leaves out: never drop one silently."""
    wanted = [("ranges", "ranges", bool(doc.get("ranges"))), ("flows", "supply-flows", bool(doc.get("flows")))]
    wanted += [(f"routes[{n}]", ROUTE_LAYER_BY_KIND[spec.kind], True) for n, spec in enumerate(routes)]
    for table, layer, asked in wanted:
        if asked and layer not in layers:
            reader.fail(table, f"drawn in the {layer!r} layer, which 'layers' leaves out; add it to layers")


def _with_own_data(reader, doc, bundled):
    """The briefing's world: its data folders, the bundled story if it asks, its places and its own story."""
    geodata = empty_geodata(bundled.data_dir)
    for name in reader.strings(doc, "data", "data"):
        try:
            if name == BUNDLED_STORY:
                geodata = _merge_story(geodata, bundled)
            else:
                geodata = merge_folder(geodata, reader.file(name, "data"))
        except DataError as exc:
            reader.fail("data", str(exc))
    geodata = story.add_sources(reader, doc, geodata)
    files, inline = _place_entries(reader, doc)
    for places_file in files:
        try:
            geodata = merge_places(geodata, read_places(places_file))
        except DataError as exc:
            reader.fail("places", str(exc))
    geodata = story.add_inline_places(reader, inline, geodata)
    for add in (story.add_systems, story.add_flows, story.add_claims, story.add_events):
        geodata = add(reader, doc, geodata)
    return _validated(reader, doc, geodata)


# A record's field as the briefing's table names it, where the two differ.
BRIEFING_KEY = {("sources", "seed_file"): "file", ("systems", "range_m"): "range", ("routes", "name"): "label"}


def _validated(reader, doc, geodata):
    """``geodata`` if it validates; else the first problem, at the briefing's line when it is the briefing's own."""
    problems = validate_geodata(geodata)
    if not problems:
        return geodata
    first = problems[0]
    more = f" (and {len(problems) - 1} more; run 'mapper validate {reader.path.name}')" if len(problems) > 1 else ""
    registry = next(name for name, filename in FILES.items() if filename == first.file)
    index = story.inline_index(doc, registry, first.feature_id)
    if index is not None:
        table = story.TABLE_OF_REGISTRY[registry]
        field = BRIEFING_KEY.get((registry, first.field), first.field)
        reader.fail(f"{table}[{index}].{field}", first.message + more)
    reader.fail("data", f"{first}{more}")


def load_briefing(path, geodata):
    """Read and check the briefing at ``path``; ``geodata`` is the bundled story (or the folder in use).

    Returns
    -------
    Briefing
        Its ``geodata`` is the briefing's world: ``geodata`` only if the
        briefing's ``data`` names it, plus its data folders, places and own
        story; draw from that.

    Raises
    ------
    DataError
        If the file is unreadable, not TOML, or has an unknown key, a bad
        value or a reference to something that does not exist.
    """
    path = Path(path)
    text = read_text(path, what="briefing file")
    check_text(text, path)  # tomllib's work grows faster than the text: bound it first
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:  # a backstop: check_text bounds the nesting
        raise DataError(f"{path}: invalid TOML: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise DataError(f"{path}: invalid TOML: {exc}") from None
    reader = _Reader(path, text)
    reader.keys(doc, TOP_KEYS, "")
    geodata = _with_own_data(reader, doc, geodata)
    layers = doc.get("layers", list(LAYER_TITLES))
    if not isinstance(layers, list) or not all(isinstance(x, str) for x in layers):
        reader.fail("layers", "must be a list of layer names")
    unknown = [x for x in layers if x not in LAYER_TITLES]
    if unknown:
        reader.fail("layers", f"unknown layer {unknown[0]!r}; use {', '.join(LAYER_TITLES)}")
    stamp = doc.get("stamp", False)
    if not isinstance(stamp, bool):
        reader.fail("stamp", "must be true or false")
    ranges, routes = _ranges(reader, doc, geodata), _routes(reader, doc, geodata)
    _check_unique_ids(reader, geodata, ranges, routes)
    _check_drawn(reader, doc, layers, routes)
    basemap = reader.string(doc, "basemap", "basemap", required=False, default=OFFLINE_BASEMAP)
    if basemap != OFFLINE_BASEMAP:
        try:
            find_tile_provider(basemap)
        except InputError as exc:
            reader.fail("basemap", f"{exc}; or \"{OFFLINE_BASEMAP}\"")
    return Briefing(
        path=path,
        title=reader.string(doc, "title", "title"),
        subtitle=reader.string(doc, "subtitle", "subtitle", required=False),
        layers=tuple(layers),
        ranges=ranges,
        stamp=stamp,
        routes=routes,
        filter=_filter(reader, doc, geodata),
        view=_view(reader, doc, geodata),
        tiles=None if basemap == OFFLINE_BASEMAP else basemap,
        geodata=geodata,
        points=_points(reader, doc),
        steps=read_steps(reader, doc, geodata, tuple(layers), _drawn_ids(geodata, ranges, routes), read_view),
    )

