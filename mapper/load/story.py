"""A briefing's own story: its [[sources]], [[systems]], inline places, [[flows]], [[claims]] and [[events]].

Each table becomes a record of the matching geodata registry (sources.json,
systems.json, places.geojson, routes.geojson, claims.json, events.json), so
that the rest of mapper draws, checks and exports the briefing's story as it
does a data folder's.  Places may be named by id, name or alias; they are
stored by id.  The merged geodata is validated once, by the caller, after
every table is in.
"""

import datetime
from dataclasses import replace

from mapper.core.text import shown
from mapper.core.units import parse_length_m
from mapper.core.vocab import STATUSES
from mapper.errors import DataError, InputError
from mapper.load.geodata import merge_places, merge_records
from mapper.load.lookup import find_place
from mapper.load.places import inline_place

SOURCE_KEYS = ("id", "title", "outlet", "date", "file", "url", "note")
SYSTEM_KEYS = ("id", "name", "range", "class", "note", "sources", "basis", "status")
PLACE_KEYS = ("id", "name", "lat", "lon", "source", "kind", "country", "aliases", "description", "note", "sources",
              "status")
FLOW_KEYS = ("id", "from", "to", "label", "cargo", "date", "description", "note", "sources", "basis", "status")
CARGO_KEYS = ("item", "status", "sources", "note")
CLAIM_KEYS = ("id", "check", "subject", "reference", "distance", "direction", "system", "stated", "sources", "note",
              "status")
EVENT_KEYS = ("id", "name", "date", "date_text", "place", "sources", "basis", "note", "description", "status")
# Which table of the briefing holds the records of each registry (for messages).
TABLE_OF_REGISTRY = {"sources": "sources", "systems": "systems", "places": "places", "routes": "flows",
                     "claims": "claims", "events": "events"}


def _plain(value):
    """TOML values as JSON ones: a TOML date (``date = 2024-04-03``) becomes its ISO text."""
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(v) for key, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _place_id(reader, geodata, value, where):
    """The id of the place named ``value`` (an id, name or alias)."""
    if not isinstance(value, str) or not value.strip():
        reader.fail(where, "must be a place id or name")
    try:
        return find_place(geodata, value)["properties"]["id"]
    except InputError as exc:
        reader.fail(where, str(exc))


def _merge(reader, geodata, name, records, table):
    try:
        return merge_records(geodata, name, records, str(reader.path))
    except DataError as exc:
        reader.fail(table, str(exc).removeprefix(f"{reader.path}: "))


def _check_status(reader, entry, where):
    """The table's ``status`` (draft or confirmed), if it gives one."""
    if "status" in entry and entry["status"] not in STATUSES:
        reader.fail(f"{where}.status", f"{entry['status']!r}: use {' or '.join(STATUSES)}")
    return entry.get("status")


def add_sources(reader, doc, geodata):
    """``geodata`` with the briefing's [[sources]]; a source's ``file`` is its saved text, its quotes' check."""
    records, files = [], {}
    for _, where, entry in reader.tables(doc, "sources", SOURCE_KEYS):
        record = {"id": reader.string(entry, "id", f"{where}.id"),
                  "title": reader.string(entry, "title", f"{where}.title")}
        for key in ("outlet", "url", "note"):
            if key in entry:
                record[key] = reader.string(entry, key, f"{where}.{key}")
        if "date" in entry:
            record["published"] = record["date_printed"] = reader.string(_plain(entry), "date", f"{where}.date")
        if "file" in entry:
            path = reader.file(reader.string(entry, "file", f"{where}.file"), f"{where}.file")
            if not path.is_file():
                reader.fail(f"{where}.file", f"{shown(entry['file'])}: no such file beside the briefing "
                                             "(the saved text of the source)")
            record["file"] = entry["file"]
            files[record["id"]] = path
        records.append(record)
    geodata = _merge(reader, geodata, "sources", records, "sources")
    return replace(geodata, source_files={**geodata.source_files, **files})


def add_systems(reader, doc, geodata):
    """``geodata`` with the briefing's [[systems]]: ``range`` is a length with its unit, such as "690 km"."""
    records = []
    for _, where, entry in reader.tables(doc, "systems", SYSTEM_KEYS):
        record = {key: entry[key] for key in ("id", "name", "class", "note", "sources", "basis", "status")
                  if key in entry}
        _check_status(reader, entry, where)
        record["id"] = reader.string(entry, "id", f"{where}.id")
        record["name"] = reader.string(entry, "name", f"{where}.name")
        stated = reader.string(entry, "range", f"{where}.range")
        try:
            record["range_m"] = parse_length_m(stated, "range")
        except InputError as exc:
            reader.fail(f"{where}.range", str(exc))
        record["range_stated"] = stated
        records.append(_plain(record))
    return _merge(reader, geodata, "systems", records, "systems")


def add_inline_places(reader, entries, geodata):
    """``geodata`` with places given inline: (index, table) pairs of the briefing's ``places`` list."""
    features = []
    for n, entry in entries:
        where = f"places[{n}]"
        reader.keys(entry, PLACE_KEYS, where)
        line = reader.line_of(where)
        origin = f"{reader.path.name}:{line}" if line else reader.path.name
        fields = {key: value for key, value in entry.items() if key != "sources"}
        fields.setdefault("source", f"Given in {reader.path.name}")
        try:
            feature = inline_place(fields, where, origin)
        except DataError as exc:
            key, _, message = str(exc).partition(": ")
            reader.fail(key, message)
        if "sources" in entry:
            feature["properties"]["sources"] = _plain(entry["sources"])
        if "status" in entry:
            feature["properties"]["status"] = _check_status(reader, entry, where)
        features.append(feature)
    try:
        return merge_places(geodata, features)
    except DataError as exc:
        reader.fail("places", str(exc))


def add_flows(reader, doc, geodata):
    """``geodata`` with the briefing's [[flows]]: supply flows between two places, drawn as great circles."""
    records = []
    for _, where, entry in reader.tables(doc, "flows", FLOW_KEYS):
        flow_id = reader.string(entry, "id", f"{where}.id")
        ends = {}
        for key in ("from", "to"):
            if key not in entry:
                reader.fail(f"{where}.{key}", "missing")
            ends[key] = _place_id(reader, geodata, entry[key], f"{where}.{key}")
        label = reader.string(entry, "label", f"{where}.label")
        cargo = entry.get("cargo", [])
        if not isinstance(cargo, list) or not all(isinstance(item, dict) for item in cargo):
            reader.fail(f"{where}.cargo", "must be a list of tables { item, status, sources }")
        for n, item in enumerate(cargo):
            reader.keys(item, CARGO_KEYS, f"{where}.cargo[{n}]")
        props = {"id": flow_id, "name": label, "kind": "supply-flow", "from": ends["from"], "to": ends["to"],
                 "direction": flow_id, "legend_label": label}
        props.update({key: entry[key] for key in ("description", "cargo", "date", "sources", "basis", "note",
                                                  "status") if key in entry})
        _check_status(reader, entry, where)
        props["waypoints"] = [{"name": ends["from"], "source": "place"}, {"name": ends["to"], "source": "place"}]
        coordinates = [geodata.place(ends[key])["geometry"]["coordinates"][:2] for key in ("from", "to")]
        records.append({"type": "Feature", "id": flow_id, "properties": _plain(props),
                        "geometry": {"type": "LineString", "coordinates": coordinates}})
    return _merge(reader, geodata, "routes", records, "flows")


def add_claims(reader, doc, geodata):
    """``geodata`` with the briefing's [[claims]], the fields of claims.json; places by id or name."""
    records = []
    for _, where, entry in reader.tables(doc, "claims", CLAIM_KEYS):
        _check_status(reader, entry, where)
        record = _plain(entry)
        for key in ("subject", "reference"):
            if key in record:
                record[key] = _place_id(reader, geodata, record[key], f"{where}.{key}")
        records.append(record)
    return _merge(reader, geodata, "claims", records, "claims")


def add_events(reader, doc, geodata):
    """``geodata`` with the briefing's [[events]], the fields of events.json; ``date_text`` defaults to the date."""
    records = []
    for _, where, entry in reader.tables(doc, "events", EVENT_KEYS):
        _check_status(reader, entry, where)
        record = _plain(entry)
        if "place" in record:
            record["place"] = _place_id(reader, geodata, record["place"], f"{where}.place")
        if isinstance(record.get("date"), str):
            record.setdefault("date_text", record["date"])
        records.append(record)
    return _merge(reader, geodata, "events", records, "events")


def inline_index(doc, registry, record_id):
    """The [[table]] index of the briefing's own record ``record_id`` of ``registry``, or None."""
    entries = doc.get(TABLE_OF_REGISTRY[registry], [])
    if not isinstance(entries, list):
        return None
    for n, entry in enumerate(entries):
        if isinstance(entry, dict) and entry.get("id") == record_id:
            return n
    return None
