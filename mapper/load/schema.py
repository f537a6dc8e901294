"""The records of a geodata folder, checked field by field: every problem, one line each.

Each :class:`Problem` names the file, the feature id, the field and what is
wrong, so an analyst can fix data without reading Python.
"""

import hashlib
import math
import re
from dataclasses import dataclass

from mapper.core.text import CONTROL_CHARS
from mapper.core.vocab import (
    BASES,
    CHECKS,
    DATE_PATTERN,
    DIRECTIONS,
    DISTANCE_UNITS,
    FILES,
    ID_PATTERN,
    MODE_ALIASES,
    MODES,
    PLACE_KINDS,
    QUALIFIER_BOUNDS_PCT,
    ROUTE_KINDS,
)
from mapper.errors import DataError, InputError
from mapper.load.files import read_bytes
from mapper.load.waterways import load_registry

# The work a geodata folder can cause: records per registry file, and the
# routes' positions and length (drawn as geodesics densified every 25 km).
MAX_RECORDS = 10_000
MAX_ROUTE_POSITIONS = 200_000
MAX_ROUTE_LENGTH_M = 2_000_000_000.0  # 80,000 densified points; the bundled routes are about 10,000 km
MEAN_EARTH_RADIUS_M = 6_371_008.8
# A route must start and end on its places; allow for rounding only.
ENDPOINT_TOLERANCE_DEG = 1e-6


@dataclass(frozen=True)
class Problem:
    """One fault in one field of one feature."""

    file: str
    feature_id: str
    field: str
    message: str

    def __str__(self):
        return f"{self.file}: {self.feature_id}: {self.field}: {self.message}"


# Control characters (C0, DEL, C1) in text: they drive terminals and are no part of a name.  Tab
# and newline may stand in a note, a description or a quote.  Direction controls are allowed:
# right-to-left names may need them, and mapper closes them at the end of their field
# (mapper.core.bidi); so are the joiners U+200C and U+200D, which Persian names need.
_CONTROL_IN_LINE = re.compile(f"[{CONTROL_CHARS}]")
_CONTROL_IN_TEXT = re.compile(f"(?![\t\n])[{CONTROL_CHARS}]")
_MULTILINE_FIELDS = ("note", "description")


class _Checker:
    def __init__(self, geodata, controls=False):
        self.geodata = geodata
        self.controls = controls
        self.problems = []
        self.seen_ids = {}
        self.source_ids = set()
        self.place_ids = set()
        self.place_positions = {}  # place id: its [lon, lat], or None if that is invalid
        self.route_positions = 0
        self.route_length_m = 0.0

    def fault(self, registry, feature_id, field, message):
        self.problems.append(Problem(FILES[registry], feature_id or "?", field, message))

    # -- shared field checks ------------------------------------------------

    def text(self, registry, fid, record, field, required=True):
        value = record.get(field)
        if value is None:
            if required:
                self.fault(registry, fid, field, "missing")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fault(registry, fid, field, "must be a non-empty string")
            return None
        self.control_characters(registry, fid, field, value)
        return value

    def control_characters(self, registry, fid, field, value):
        """A fault for the first control character in a text field (only if asked for: see validate_geodata)."""
        if not self.controls or not isinstance(value, str):
            return
        multiline = field.rsplit(".", 1)[-1] in (*_MULTILINE_FIELDS, "quote")
        found = (_CONTROL_IN_TEXT if multiline else _CONTROL_IN_LINE).search(value)
        if found:
            self.fault(registry, fid, field, f"holds a control character (U+{ord(found.group()):04X}); remove it")

    def identity(self, registry, record, index):
        fid = record.get("id")
        if not isinstance(fid, str) or not ID_PATTERN.match(fid):
            shown = f"#{index}" if fid is None else repr(fid)
            self.fault(registry, shown, "id", "missing or not kebab-case (a-z, 0-9, single hyphens)")
            return None
        if fid in self.seen_ids:
            self.fault(registry, fid, "id", f"duplicate id, also used in {FILES[self.seen_ids[fid]]}")
        else:
            self.seen_ids[fid] = registry
        return fid

    def citations(self, registry, fid, field, citations):
        if not isinstance(citations, list) or not citations:
            self.fault(registry, fid, field, "must be a non-empty list of {source, quote}")
            return
        for n, cite in enumerate(citations):
            where = f"{field}[{n}]"
            if not isinstance(cite, dict):
                self.fault(registry, fid, where, "must be an object with source and quote")
                continue
            missing = [k for k in ("source", "quote") if not cite.get(k)]
            if missing:
                self.fault(registry, fid, where, f"missing {', '.join(missing)}")
                continue
            if not _known(cite["source"], self.source_ids):
                self.fault(registry, fid, f"{where}.source", f"unknown source {cite['source']!r}")
                continue
            if not isinstance(cite["quote"], str):
                self.fault(registry, fid, f"{where}.quote", "must be a string")
                continue
            self.control_characters(registry, fid, f"{where}.quote", cite["quote"])
            article = self.geodata.article_text(cite["source"])
            if article is not None and cite["quote"] not in article:
                self.fault(registry, fid, f"{where}.quote", f"not found word for word in {cite['source']}")

    def provenance(self, registry, fid, record):
        has_sources = "sources" in record
        basis = record.get("basis")
        if has_sources:
            self.citations(registry, fid, "sources", record["sources"])
        if basis is not None:
            if basis not in BASES:
                self.fault(registry, fid, "basis", f"must be one of {', '.join(BASES)}")
            self.text(registry, fid, record, "note")
        if not has_sources and basis is None:
            self.fault(registry, fid, "sources", "missing: give sources, or a basis with a note")

    def aliases(self, registry, fid, record):
        aliases = record.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            self.fault(registry, fid, "aliases", "must be a list of non-empty strings")
            return
        for n, alias in enumerate(aliases):
            self.control_characters(registry, fid, f"aliases[{n}]", alias)

    def kind(self, registry, fid, record, kinds):
        if record.get("kind") not in kinds:
            self.fault(registry, fid, "kind", f"{record.get('kind')!r} is not one of {', '.join(kinds)}")

    def position(self, registry, fid, field, value):
        """Check a [lon, lat] pair; return it or None."""
        if (
            not isinstance(value, list)
            or len(value) not in (2, 3)
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
        ):
            self.fault(registry, fid, field, "must be [lon, lat] numbers")
            return None
        lon, lat = value[0], value[1]
        if not (_finite_number(lon) and _finite_number(lat)):
            self.fault(registry, fid, field, "is not finite")
            return None
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            self.fault(registry, fid, field, f"[{lon}, {lat}] is out of range; GeoJSON order is [lon, lat]")
            return None
        return value

    def features(self, registry, geometry_type):
        collection = self.geodata.raw[registry]
        if collection.get("type") != "FeatureCollection" or not isinstance(collection.get("features"), list):
            self.fault(registry, "-", "type", "must be a GeoJSON FeatureCollection with a features list")
            return []
        if len(collection["features"]) > MAX_RECORDS:
            self.fault(registry, "-", "features", f"{len(collection['features']):,} features; at most {MAX_RECORDS:,}")
            return []
        good = []
        for index, feature in enumerate(collection["features"]):
            props = feature.get("properties") if isinstance(feature, dict) else None
            if not isinstance(props, dict) or feature.get("type") != "Feature":
                self.fault(registry, f"#{index}", "properties", "not a GeoJSON Feature with properties")
                continue
            fid = self.identity(registry, props, index)
            geometry = feature.get("geometry")
            if not isinstance(geometry, dict) or geometry.get("type") != geometry_type:
                got = geometry.get("type") if isinstance(geometry, dict) else geometry
                self.fault(registry, fid, "geometry", f"must be a {geometry_type}, got {got!r}")
                continue
            good.append((fid, props, geometry.get("coordinates")))
        return good

    def records(self, registry, key):
        items = self.geodata.raw[registry].get(key)
        if not isinstance(items, list):
            self.fault(registry, "-", key, f"must be a list under the key {key!r}")
            return []
        if len(items) > MAX_RECORDS:
            self.fault(registry, "-", key, f"{len(items):,} records; at most {MAX_RECORDS:,}")
            return []
        good = []
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                self.fault(registry, f"#{index}", key, "entry must be an object")
                continue
            good.append((self.identity(registry, item, index), item))
        return good

    def place_ref(self, registry, fid, record, field):
        ref = record.get(field)
        if not _known(ref, self.place_ids):
            self.fault(registry, fid, field, f"unknown place {ref!r}")
            return None
        return ref

    # -- registries ---------------------------------------------------------

    def sources(self):
        for fid, source in self.records("sources", "sources"):
            self.text("sources", fid, source, "title")
            # A source without a saved text is allowed: its quotes are shown as not checked.
            for field in ("outlet", "date_printed", "seed_file"):
                self.text("sources", fid, source, field, required=False)
            published = source.get("published")
            if published is not None and not (isinstance(published, str) and DATE_PATTERN.match(published)):
                self.fault("sources", fid, "published", "must be YYYY, YYYY-MM or YYYY-MM-DD")
            if fid:
                self.source_ids.add(fid)
            self.article_digest(fid, source)

    def article_digest(self, fid, source):
        expected = source.get("sha256")
        path = self.geodata.article_path(fid) if fid else None
        if path is None:
            return
        try:
            digest = hashlib.sha256(read_bytes(path, "article")).hexdigest()
        except DataError as exc:
            self.fault("sources", fid, "seed_file", str(exc))
            return
        if expected is not None and digest != expected:
            self.fault("sources", fid, "sha256", f"{path} has changed since the quotes were taken")

    def places(self):
        for fid, props, coords in self.features("places", "Point"):
            position = self.position("places", fid, "geometry", coords)
            self.text("places", fid, props, "name")
            self.control_characters("places", fid, "description", props.get("description"))
            self.aliases("places", fid, props)
            self.kind("places", fid, props, PLACE_KINDS)
            self.text("places", fid, props, "location_source")
            self.provenance("places", fid, props)
            if fid:
                self.place_ids.add(fid)
                self.place_positions[fid] = position

    def routes(self):
        for fid, props, coords in self.features("routes", "LineString"):
            self.text("routes", fid, props, "name")
            self.kind("routes", fid, props, ROUTE_KINDS)
            self.provenance("routes", fid, props)
            if "date" in props and not (isinstance(props["date"], str) and DATE_PATTERN.match(props["date"])):
                self.fault("routes", fid, "date", "must be YYYY, YYYY-MM or YYYY-MM-DD")
            ends = [self.place_ref("routes", fid, props, f) for f in ("from", "to")]
            if not isinstance(coords, list) or len(coords) < 2:
                self.fault("routes", fid, "geometry", "a LineString needs at least two positions")
                continue
            self.route_positions += len(coords)
            if self.route_positions > MAX_ROUTE_POSITIONS:
                self.fault("routes", fid, "geometry", f"the routes have more than {MAX_ROUTE_POSITIONS:,} positions "
                           "in all; simplify them")
                return
            points = [self.position("routes", fid, f"geometry[{n}]", c) for n, c in enumerate(coords)]
            self.route_length_m += _rough_length_m([p for p in points if p])
            if self.route_length_m > MAX_ROUTE_LENGTH_M:
                self.fault("routes", fid, "geometry", f"the routes are more than {MAX_ROUTE_LENGTH_M / 1000:,.0f} km "
                           "long in all; each is drawn as a geodesic every 25 km")
                return
            for end, point, field in ((ends[0], points[0], "from"), (ends[1], points[-1], "to")):
                # A place without a valid position has a fault of its own: nothing to compare with.
                place = self.place_positions.get(end)
                if point and place and not _same_position(point, place):
                    self.fault("routes", fid, field, f"line does not {'start' if field == 'from' else 'end'} at {end}")
            self.routing(fid, props.get("routing"))
            waypoints = props.get("waypoints")
            if not isinstance(waypoints, list) or len(waypoints) != len(coords):
                self.fault("routes", fid, "waypoints", "must name the source of every position, one entry each")
            cargo = props.get("cargo", [])
            if not isinstance(cargo, list):
                self.fault("routes", fid, "cargo", "must be a list of {item, status, sources}")
                cargo = []
            for n, item in enumerate(cargo):
                if not isinstance(item, dict) or not item.get("item") or not item.get("status"):
                    self.fault("routes", fid, f"cargo[{n}]", "needs item and status")
                    continue
                self.citations("routes", fid, f"cargo[{n}].sources", item.get("sources"))

    def routing(self, fid, routing):
        """A route the water router computes: its mode, and any places it must pass."""
        if routing is None:
            return
        if not isinstance(routing, dict) or routing.get("mode") not in (*MODES, *MODE_ALIASES):
            self.fault("routes", fid, "routing.mode", f"must be one of {', '.join((*MODES, *MODE_ALIASES))}")
            return
        avoid = routing.get("avoid", [])
        if not isinstance(avoid, list) or not all(isinstance(name, str) and name.strip() for name in avoid):
            self.fault("routes", fid, "routing.avoid", "must be a list of canal and strait names")
        elif avoid:
            try:
                load_registry(self.geodata.data_dir).closed_ids(avoid)
            except (DataError, InputError) as exc:
                self.fault("routes", fid, "routing.avoid", str(exc))
        via = routing.get("via", [])
        if not isinstance(via, list):
            self.fault("routes", fid, "routing.via", "must be a list of place ids")
            return
        for n, place_id in enumerate(via):
            if not _known(place_id, self.place_ids):
                self.fault("routes", fid, f"routing.via[{n}]", f"unknown place {place_id!r}")

    def systems(self):
        for fid, system in self.records("systems", "systems"):
            self.text("systems", fid, system, "name")
            range_m = system.get("range_m")
            if not isinstance(range_m, (int, float)) or isinstance(range_m, bool) or not _finite_number(range_m) \
                    or not range_m > 0:
                self.fault("systems", fid, "range_m", "must be a number of metres greater than zero")
            self.provenance("systems", fid, system)

    def claims(self):
        for fid, claim in self.records("claims", "claims"):
            check = claim.get("check", "distance")
            if check not in CHECKS:
                self.fault("claims", fid, "check", f"must be one of {', '.join(CHECKS)}")
            elif check == "unit-conversion":
                if not _known(claim.get("system"), self.geodata.systems):
                    self.fault("claims", fid, "system", f"unknown weapon system {claim.get('system')!r}")
                stated = claim.get("stated")
                if not isinstance(stated, list) or len(stated) != 2 or not all(self.figure(s) for s in stated):
                    self.fault("claims", fid, "stated", "must be two figures [{value, unit}, {value, unit}] "
                               f"with units in {', '.join(DISTANCE_UNITS)}")
            else:
                self.place_ref("claims", fid, claim, "subject")
                self.place_ref("claims", fid, claim, "reference")
                if not self.figure(claim.get("distance")):
                    self.fault("claims", fid, "distance", "needs a value greater than zero, a unit in "
                               f"{', '.join(DISTANCE_UNITS)} and an optional qualifier in "
                               f"{', '.join(QUALIFIER_BOUNDS_PCT)}")
                direction = claim.get("direction")
                if direction is not None and not _known(direction, DIRECTIONS):
                    self.fault("claims", fid, "direction", f"must be one of {', '.join(DIRECTIONS)}")
                if check == "coordinate" and direction is None:
                    self.fault("claims", fid, "direction", "a coordinate check needs a direction")
            self.citations("claims", fid, "sources", claim.get("sources"))

    @staticmethod
    def figure(value):
        """True for {value > 0, unit[, qualifier]}."""
        return (isinstance(value, dict) and isinstance(value.get("value"), (int, float))
                and not isinstance(value["value"], bool) and _finite_number(value["value"]) and value["value"] > 0
                and value.get("unit") in DISTANCE_UNITS
                and _known(value.get("qualifier", "exact"), QUALIFIER_BOUNDS_PCT))

    def events(self):
        for fid, event in self.records("events", "events"):
            self.text("events", fid, event, "name")
            self.text("events", fid, event, "date_text")
            if not isinstance(event.get("date"), str) or not DATE_PATTERN.match(event["date"]):
                self.fault("events", fid, "date", "must be YYYY, YYYY-MM or YYYY-MM-DD")
            self.place_ref("events", fid, event, "place")
            self.provenance("events", fid, event)


def _known(value, names):
    """True if ``value`` is one of ``names``; JSON lists and objects are unhashable, so never."""
    return isinstance(value, str) and value in names


def _finite_number(number):
    """math.isfinite, False for a JSON integer too big for a float (which isfinite refuses with OverflowError)."""
    try:
        return math.isfinite(number)
    except OverflowError:
        return False


def _rough_length_m(positions):
    """Length of a [lon, lat] polyline on the mean sphere: enough to bound the work of drawing it."""
    length_m = 0.0
    for (lon1, lat1, *_), (lon2, lat2, *_) in zip(positions, positions[1:]):
        phi1, phi2 = math.radians(lat1), math.radians(lat2)
        h = (math.sin((phi2 - phi1) / 2) ** 2
             + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
        length_m += 2 * MEAN_EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))
    return length_m


def _same_position(a, b):
    return abs(a[0] - b[0]) <= ENDPOINT_TOLERANCE_DEG and abs(a[1] - b[1]) <= ENDPOINT_TOLERANCE_DEG


def validate_geodata(geodata, controls=False):
    """Return every :class:`Problem` in ``geodata``, in file order.

    With ``controls``, a control character in a text field (a name, alias,
    title, note, description or quote) is a problem too.  ``mapper validate``
    asks for that; loading does not, so that such text still loads, and is
    escaped wherever it is shown (HTML, XML, the terminal).

    Quotes are checked word for word against the seed articles when their
    folder is found (``geodata.articles_dir``); otherwise that check is
    skipped and the caller should say so.
    """
    checker = _Checker(geodata, controls)
    checker.sources()
    checker.places()
    checker.routes()
    checker.systems()
    checker.claims()
    checker.events()
    return checker.problems
