"""Places that users bring in their own files: CSV, GeoJSON or KML.

A briefing names such files (``places = ["my-places.csv"]``).
:func:`read_places` turns one into GeoJSON Point features shaped like the
bundled places, with ``basis: "user"``, the user's ``location_source`` and an
``origin`` naming the file and row, so every dot on the map can be traced
back to the line it came from.

Every problem is one :class:`~mapper.errors.DataError` of one line that names
the file and the row: ``line N`` (CSV), ``feature N`` (GeoJSON) or
``placemark N`` (KML), counted from 1.
"""

import csv
import io
import json
import math
import re
import unicodedata
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from mapper.core.text import shown
from mapper.core.vocab import ID_PATTERN, PLACE_KINDS
from mapper.errors import CoordinateWarning, DataError
from mapper.load.countries import close_country_names, did_you_mean, lookup_country
from mapper.load.files import checked_size, read_json, read_text
from mapper.load.swaps import swap_reasons

MAX_SWAP_WARNINGS = 5
# A places file is typed or exported by a person: beyond these it is a mistake,
# and a map of more places is a point layer (mapper.load.pointfiles).
MAX_PLACES = 10_000
MAX_KML_ELEMENTS = 500_000  # 10,000 placemarks with their names, points and data
MAX_KML_DEPTH = 64
KML_CHUNK_CHARS = 1 << 16

REQUIRED_COLUMNS = ("name", "lat", "lon", "source")
OPTIONAL_COLUMNS = ("id", "kind", "aliases", "country", "note", "description")
DEFAULT_KIND = "site"
USER_BASIS = "user"
ALIAS_SEPARATOR = ";"

# KML 2.2, Google Earth's older names for it, and none at all.
KML_NAMESPACES = ("http://www.opengis.net/kml/2.2", "http://earth.google.com/kml/2.2",
                  "http://earth.google.com/kml/2.1", "")
# ExtendedData fields read from a placemark; others (tool-specific) are ignored.
KML_DATA_KEYS = ("kind", "source", "location_source", "id", "country", "note", "aliases")

# Plain decimal numbers only: float() would also take "nan", "1_000" and
# non-ASCII digits such as "٥٠".
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# Entity declarations can expand to gigabytes ("billion laughs"); a KML file
# of places never needs one.
_XML_DECLARATIONS = re.compile(r"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


class _Fault(Exception):
    """A bad value in one row; the caller adds the file and the row."""


@dataclass(frozen=True)
class _Row:
    """One place as read from a file, before its values are checked."""

    where: str  # "line 4", "feature 2 ('kyiv')", "placemark 3 ('Olya')"
    origin: str  # "my-places.csv:4"
    note: str  # used when the file gives no note
    fields: dict  # raw values by key: name, lon, lat, source, id, kind, ...
    label: Callable[[str], str]  # how a message names a field: "column 'lat'"


def read_places(path):
    """Read user places from a CSV, GeoJSON or KML file, chosen by suffix.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.csv``, ``.geojson``, ``.json`` or ``.kml`` file (suffix in any
        case), UTF-8, at most ``MAX_BYTES["places file"]`` long (:mod:`mapper.load.files`).

    Returns
    -------
    list of dict
        GeoJSON Point features in file order, coordinates ``[lon, lat]``
        (WGS84 degrees). Properties: ``id``, ``name``, ``kind``,
        ``basis`` (``"user"``), ``note``, ``location_source``, ``origin``
        (``"file name:row"``) and, when given, ``aliases``, ``country``
        (the file may name it by name, alias or ISO 3166-1 code; kept as
        the alpha-2 code, or the Natural Earth name of an area without
        one), ``description``.

    Raises
    ------
    DataError
        One line naming the file, the row and the fault, for any bad input.
    """
    suffix = Path(path).suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        raise DataError(f"{path}: unknown file type {suffix or '(no suffix)'!r}; "
                        f"places files end in {', '.join(_READERS)}")
    _check_size(path)
    return reader(path)


# -- the three formats --------------------------------------------------------


def _read_places_csv(path):
    file_name = Path(path).name
    # read_text turns CRLF into LF; the BOM is what Excel writes first.
    text = read_text(path, "places file")
    reader = csv.reader(io.StringIO(text, newline=""))
    records, start_line = [], 1
    try:
        for record in reader:
            records.append((start_line, record))
            start_line = reader.line_num + 1  # a quoted field may span lines
            if len(records) > MAX_PLACES + 1:  # and the header
                raise DataError(f"{path}: more than {MAX_PLACES:,} rows; a places file may have at most "
                                f"{MAX_PLACES:,} places")
    except csv.Error as exc:
        raise DataError(f"{path}: line {reader.line_num}: not valid CSV: {exc}") from None
    if not records or _blank(records[0][1]):
        raise DataError(f"{path}: line 1: no header row; the first line names the columns, "
                        f"e.g. {','.join(REQUIRED_COLUMNS)}")
    try:
        columns = _csv_columns(records[0][1])
    except _Fault as exc:
        raise DataError(f"{path}: line 1: {exc}") from None
    rows = []
    for line, record in records[1:]:
        if _blank(record):
            continue
        if len(record) != len(columns):
            raise DataError(f"{path}: line {line}: {len(record)} fields, but the header has {len(columns)}")
        rows.append(_Row(f"line {line}", f"{file_name}:{line}", f"From {file_name}, line {line}.",
                         dict(zip(columns, record)), _csv_label))
    return _places(path, rows, "no places: the file has a header row but no data rows")


def _csv_label(key):
    return f"column {key!r}"


def _blank(record):
    """True for an empty line, or a row of empty cells as spreadsheets write."""
    return not any(cell.strip() for cell in record)


def _csv_columns(header):
    """The header's column keys (stripped, lower case); _Fault if any is wrong."""
    columns = [cell.strip().lower() for cell in header]
    if len(columns) == 1 and any(sep in columns[0] for sep in ";\t"):
        raise _Fault(f"the header is one column {shown(header[0])}; separate columns with commas")
    known = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    seen = set()
    for number, column in enumerate(columns, start=1):
        if not column:
            raise _Fault(f"header column {number} has no name")
        if column in seen:
            raise _Fault(f"column {shown(column)} appears more than once in the header")
        seen.add(column)
    unknown = [c for c in columns if c not in known]
    if unknown:
        named = ", ".join(map(shown, unknown[:5])) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        raise _Fault(f"unknown column{'s' if len(unknown) > 1 else ''} {named}; the columns are {', '.join(known)}")
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise _Fault(f"missing column{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))}")
    return columns


def _read_geojson(path):
    file_name = Path(path).name
    data = read_json(path, "places file")
    kind = data.get("type") if isinstance(data, dict) else None
    if kind == "Feature":
        features = [data]
    elif kind == "FeatureCollection" and isinstance(data.get("features"), list):
        features = data["features"]
    else:
        raise DataError(f"{path}: top level must be a GeoJSON FeatureCollection (with a features list) or Feature")
    if len(features) > MAX_PLACES:
        raise DataError(f"{path}: {len(features):,} features; a places file may have at most {MAX_PLACES:,} places")
    rows = []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise DataError(f"{path}: feature {number}: not a GeoJSON Feature")
        props = feature.get("properties")
        props = {} if props is None else props
        if not isinstance(props, dict):
            raise DataError(f"{path}: feature {number}: properties must be an object")
        where = _where("feature", number, props.get("id"), feature.get("id"), props.get("name"))
        rows.append(_Row(where, f"{file_name}:{number}", f"From {file_name}, feature {number}.",
                         _geojson_fields(path, where, feature, props), _geojson_label))
    return _places(path, rows, "no places: the file has no features")


def _geojson_fields(path, where, feature, props):
    """The raw place fields of one GeoJSON feature; DataError on bad geometry."""
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        got = shown(geometry.get("type")) if isinstance(geometry, dict) else "no geometry"
        raise DataError(f"{path}: {where}: geometry must be a Point, got {got}")
    coords = geometry.get("coordinates")
    if not isinstance(coords, list) or len(coords) not in (2, 3) or not all(_is_number(c) for c in coords):
        raise DataError(f"{path}: {where}: coordinates must be [lon, lat] or [lon, lat, alt] numbers, "
                        f"got {shown(coords)}")
    fields = {key: props.get(key) for key in REQUIRED_COLUMNS + OPTIONAL_COLUMNS}
    # RFC 7946 allows the id on the feature; numeric ids (QGIS) are not ours.
    if fields["id"] is None and isinstance(feature.get("id"), str):
        fields["id"] = feature["id"]
    fields.update(lon=coords[0], lat=coords[1], source=_one_source(path, where, props))
    return fields


def _one_source(path, where, props):
    """``source`` or ``location_source`` (the bundled places' name for it)."""
    source, location_source = props.get("source"), props.get("location_source")
    if source is not None and location_source is not None and source != location_source:
        raise DataError(f"{path}: {where}: properties 'source' and 'location_source' differ; give one")
    return location_source if source is None else source


def _geojson_label(key):
    if key in ("lon", "lat"):
        return _coordinate_label(key)
    return "property 'source' (or 'location_source')" if key == "source" else f"property {key!r}"


def _read_kml(path):
    file_name = Path(path).name
    text = read_text(path, "places file")
    if _XML_DECLARATIONS.search(text):
        raise DataError(f"{path}: refusing KML with a DOCTYPE or ENTITY declaration "
                        "(entity expansion can exhaust memory)")
    root = _parse_kml(path, text)
    namespace, _, local = root.tag.rpartition("}")
    namespace = namespace.removeprefix("{")
    if local != "kml" or namespace not in KML_NAMESPACES:
        raise DataError(f"{path}: not KML: the root element is {shown(root.tag)}, not kml "
                        f"(in namespace {KML_NAMESPACES[0]} or none)")

    def tag(name):
        return f"{{{namespace}}}{name}" if namespace else name

    rows = []
    # Placemarks are numbered in document order, skipped ones included, so
    # the number finds the placemark in the file.
    for number, placemark in enumerate(root.iter(tag("Placemark")), start=1):
        if number > MAX_PLACES:
            raise DataError(f"{path}: more than {MAX_PLACES:,} placemarks; a places file may have at most "
                            f"{MAX_PLACES:,} places")
        point = placemark.find(tag("Point"))
        if point is None:  # a LineString, Polygon or MultiGeometry: not a place
            continue
        name = placemark.findtext(tag("name"))
        where = _where("placemark", number, name)
        fields = _kml_data(placemark, tag)
        fields.update(name=name, description=placemark.findtext(tag("description")))
        fields["lon"], fields["lat"] = _kml_lonlat(path, where, point.findtext(tag("coordinates")) or "")
        note = f"From {file_name}, placemark {number}."
        if fields.get("location_source") and not fields.get("source"):
            fields["source"] = fields["location_source"]  # as mapper's own KML export writes it
        if not (fields.get("source") or "").strip():
            # Google Earth files rarely cite anything: cite the file, and say so.
            fields["source"] = f"KML file {file_name}, placemark {number}"
            remark = "The file gives no source for this location."
            note = f"{note} {remark}"
            if (fields.get("note") or "").strip():
                fields["note"] = f"{fields['note'].strip()} {remark}"
        rows.append(_Row(where, f"{file_name}:{number}", note, fields, _kml_label))
    return _places(path, rows, "no placemark with a Point (lines and polygons are skipped)")


def _parse_kml(path, text):
    """The root element of a KML text, parsed as a stream that stops at MAX_KML_ELEMENTS or MAX_KML_DEPTH."""
    parser = ET.XMLPullParser(events=("start", "end"))
    root, depth, elements = None, 0, 0
    try:
        for start in range(0, len(text), KML_CHUNK_CHARS):
            parser.feed(text[start:start + KML_CHUNK_CHARS])
            for event, element in parser.read_events():
                if event == "end":
                    depth -= 1
                    continue
                root = element if root is None else root
                depth, elements = depth + 1, elements + 1
                if depth > MAX_KML_DEPTH:
                    raise DataError(f"{path}: elements nested more than {MAX_KML_DEPTH} deep; KML places need a few")
                if elements > MAX_KML_ELEMENTS:
                    raise DataError(f"{path}: more than {MAX_KML_ELEMENTS:,} XML elements; a places file may have "
                                    f"at most {MAX_KML_ELEMENTS:,}")
        parser.close()
    except ET.ParseError as exc:
        raise DataError(f"{path}: malformed XML: {exc}") from None
    return root


def _kml_data(placemark, tag):
    """ExtendedData values by name: <Data name><value> and <SimpleData name>."""
    fields = {}
    extended = placemark.find(tag("ExtendedData"))
    if extended is None:
        return fields
    for data in extended.iter(tag("Data")):
        if data.get("name") in KML_DATA_KEYS:
            fields[data.get("name")] = data.findtext(tag("value"))
    for data in extended.iter(tag("SimpleData")):
        if data.get("name") in KML_DATA_KEYS:
            fields[data.get("name")] = data.text
    return fields


def _kml_lonlat(path, where, text):
    """The (lon, lat) texts of a Point's ``lon,lat[,alt]`` coordinates."""
    # Some tools write "30.5, 50.4"; KML wants no space inside a tuple.
    tuples = re.sub(r"\s*,\s*", ",", text.strip()).split()
    values = tuples[0].split(",") if len(tuples) == 1 else []
    if len(values) not in (2, 3):
        raise DataError(f"{path}: {where}: <coordinates> must be one lon,lat[,alt], got {shown(text.strip())}")
    return values[0], values[1]


def _kml_label(key):
    if key in ("lon", "lat"):
        return _coordinate_label(key)
    return f"<{key}>" if key in ("name", "description") else f"Data {key!r}"


# -- shared checks --------------------------------------------------------------


def _check_size(path):
    """Refuse a missing, special, oversized or empty file before reading it."""
    if checked_size(path, "places file") == 0:
        raise DataError(f"{path}: file is empty")


def _where(what, number, *labels):
    """``feature 3 ('kyiv')`` with the first text label, or ``feature 3``."""
    label = next((x.strip() for x in labels if isinstance(x, str) and x.strip()), None)
    return f"{what} {number} ({shown(label)})" if label else f"{what} {number}"


def _coordinate_label(key):
    # GeoJSON and KML both put longitude first, which users often swap.
    return "longitude (first coordinate)" if key == "lon" else "latitude (second coordinate)"


def _places(path, rows, when_empty):
    """Check every row and its id's uniqueness; return the features."""
    if not rows:
        raise DataError(f"{path}: {when_empty}")
    features, first_where = [], {}
    for row in rows:
        try:
            feature = _feature(row)
        except _Fault as exc:
            raise DataError(f"{path}: {row.where}: {exc}") from None
        place_id = feature["id"]
        if place_id in first_where:
            raise DataError(f"{path}: {row.where}: duplicate id {place_id!r}; {first_where[place_id]} has it too")
        first_where[place_id] = row.where
        features.append(feature)
    _warn_swapped(path, rows, features)
    return features


def _warn_swapped(path, rows, features):
    """A warning for each place whose coordinates look swapped (see :mod:`mapper.load.swaps`)."""
    lons, lats = zip(*(f["geometry"]["coordinates"] for f in features))
    reasons = swap_reasons(lons, lats, [f["properties"].get("country") for f in features],
                           at_sea=[f["properties"]["kind"] == "sea" for f in features])
    suspects = [(row, lon, lat, reason) for row, lon, lat, reason in zip(rows, lons, lats, reasons) if reason]
    for row, lon, lat, reason in suspects[:MAX_SWAP_WARNINGS]:
        warnings.warn(f"{path}: {row.where}: lat {lat:g}, lon {lon:g} {reason}: are latitude and longitude "
                      "the wrong way round? Used as given", CoordinateWarning, stacklevel=2)
    if len(suspects) > MAX_SWAP_WARNINGS:
        warnings.warn(f"{path}: {len(suspects) - MAX_SWAP_WARNINGS} more places look swapped the same way",
                      CoordinateWarning, stacklevel=2)


def _feature(row):
    """The GeoJSON feature of one row; _Fault names the first bad value."""
    name = _text(row, "name")
    if name is None:
        raise _Fault(f"{row.label('name')}: missing; every place needs a name")
    lon = _degrees(row.fields.get("lon"), row.label("lon"), 180)
    lat = _degrees(row.fields.get("lat"), row.label("lat"), 90)
    source = _text(row, "source")
    if source is None:
        raise _Fault(f"{row.label('source')}: missing; every place needs the source of its location")
    place_id = _new_place_id(row, name)
    kind = (_text(row, "kind") or DEFAULT_KIND).lower()
    if kind not in PLACE_KINDS:
        raise _Fault(f"{row.label('kind')}: {shown(kind)} is not one of {', '.join(PLACE_KINDS)}")
    props = {"id": place_id, "name": name}
    aliases = _aliases(row)
    if aliases:
        props["aliases"] = aliases
    props["kind"] = kind
    country = _text(row, "country")
    if country is not None:
        # Any Natural Earth country by name, alias or ISO code; kept as its alpha-2 code where it has one.
        found = lookup_country(country)
        if found is None:
            raise _Fault(f"{row.label('country')}: {shown(country)} is not a country"
                         f"{did_you_mean(close_country_names(country))}")
        props["country"] = found.code
    description = _text(row, "description")
    if description is not None:
        props["description"] = description
    props.update(basis=USER_BASIS, note=_text(row, "note") or row.note, location_source=source, origin=row.origin)
    return {"type": "Feature", "id": place_id, "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": props}


def _text(row, key):
    """A field's text, stripped; None when absent or blank."""
    value = row.fields.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Fault(f"{row.label(key)}: must be text, got {shown(value)}")
    return value.strip() or None


def _degrees(value, label, limit_deg):
    """A finite coordinate in decimal degrees within ±limit_deg, from text or a JSON number."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise _Fault(f"{label}: missing")
        if not _DECIMAL.fullmatch(text):
            raise _Fault(f"{label}: not a number: {shown(value)}")
        degrees = float(text)
    elif _is_number(value):
        try:
            degrees = float(value)
        except OverflowError:  # a JSON integer too big for a float
            degrees = math.inf
    else:
        raise _Fault(f"{label}: not a number: {shown(value)}")
    if not math.isfinite(degrees):  # "1e999" in text, 1e999 or NaN in JSON
        raise _Fault(f"{label}: not a finite number: {shown(value)}")
    if not -limit_deg <= degrees <= limit_deg:
        raise _Fault(f"{label}: {degrees} is outside -{limit_deg}..{limit_deg}")
    return degrees


def _is_number(value):
    """True for a JSON number (bool is an int in Python, but not a number here)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _new_place_id(row, name):
    """The given id, checked, or a slug of the name."""
    given = _text(row, "id")
    if given is not None:
        if not ID_PATTERN.match(given):
            raise _Fault(f"{row.label('id')}: {shown(given)} is not kebab-case (a-z, 0-9, single hyphens)")
        return given
    slug = slug_of(name)
    if not slug:
        raise _Fault(f"{row.label('name')}: cannot make an id from {shown(name)} "
                     f"(no Latin letters or digits); give an id")
    return slug


def slug_of(name):
    """Kebab-case ASCII id from a name: 'Bandar-e Anzalī' -> 'bandar-e-anzali'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def _aliases(row):
    """Aliases from 'a; b' text or a JSON list; blanks and repeats dropped."""
    value = row.fields.get("aliases")
    if value is None:
        return []
    if isinstance(value, str) and value.strip().startswith("["):
        # mapper's own KML export writes lists as JSON text.
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            pass
    if isinstance(value, str):
        value = value.split(ALIAS_SEPARATOR)
    if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
        raise _Fault(f"{row.label('aliases')}: must be text separated by {ALIAS_SEPARATOR!r} or a list of texts")
    return list(dict.fromkeys(a.strip() for a in value if a.strip()))


_READERS = {".csv": _read_places_csv, ".geojson": _read_geojson, ".json": _read_geojson, ".kml": _read_kml}


def inline_place(fields, where, origin):
    """The GeoJSON feature of a place given inline (a briefing's ``[[places]]`` table).

    ``fields`` are the table's keys, as in a places file (name, lat, lon,
    source, id, kind, country, aliases, note, description); ``where`` names
    the table in messages (``places[2]``) and ``origin`` in the map
    (``my.toml:14``).

    Raises
    ------
    DataError
        Naming ``where`` and the first bad value.
    """
    row = _Row(where=where, origin=origin, note=f"Given in {origin}.", fields=fields, label=lambda key: key)
    try:
        return _feature(row)
    except _Fault as exc:
        raise DataError(f"{where}.{exc}") from None
