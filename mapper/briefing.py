"""Briefing files: a map as code, in TOML.

A briefing names the title, the layers to draw and where weapon systems sit.
:func:`load_briefing` checks it against the geodata so that every error names
the file, the key and what is wrong.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path

from mapper.errors import DataError, InputError
from mapper.geodata import place_lonlat, read_text
from mapper.points import LonLat, checked_lonlat
from mapper.style import LAYER_TITLES

DEFAULT_BRIEFING = "iran-russia"


@dataclass(frozen=True)
class RangePlacement:
    """A weapon system placed at a centre; its ring is computed at render time."""

    id: str
    system_id: str
    centre: LonLat
    centre_label: str
    centre_place_id: str | None
    note: str


@dataclass(frozen=True)
class Briefing:
    """A parsed, checked briefing."""

    path: Path
    title: str
    subtitle: str
    layers: tuple
    ranges: tuple
    stamp: bool = False  # show a "generated on" line

    @property
    def name(self):
        """The briefing's file stem, used for the default output name."""
        return self.path.stem


def default_briefing_path(data_dir):
    """Path of the default briefing inside ``data_dir``."""
    return Path(data_dir) / "briefings" / f"{DEFAULT_BRIEFING}.toml"


def _fail(path, key, message):
    raise DataError(f"{path}: {key}: {message}")


def _string(path, table, key, required=True, default=""):
    value = table.get(key, None)
    if value is None:
        if required:
            _fail(path, key, "missing")
        return default
    if not isinstance(value, str) or not value.strip():
        _fail(path, key, "must be a non-empty string")
    return value


def _centre(path, key, value, geodata):
    """A centre is a place id or a table {lat = .., lon = ..}."""
    if isinstance(value, str):
        try:
            place = geodata.place(value)
        except KeyError:
            _fail(path, key, f"unknown place {value!r}")
        return place_lonlat(place), place["properties"]["name"], value
    if isinstance(value, dict) and set(value) == {"lat", "lon"}:
        try:
            point = checked_lonlat(float(value["lon"]), float(value["lat"]))
        except (TypeError, ValueError, InputError) as exc:
            _fail(path, key, f"bad coordinate: {exc}")
        return point, f"{point.lat:.4f}, {point.lon:.4f}", None
    _fail(path, key, "must be a place id or a table { lat = .., lon = .. }")


def _ranges(path, doc, geodata):
    entries = doc.get("ranges", [])
    if not isinstance(entries, list):
        _fail(path, "ranges", "must be an array of tables ([[ranges]])")
    placements = []
    for n, entry in enumerate(entries):
        where = f"ranges[{n}]"
        if not isinstance(entry, dict):
            _fail(path, where, "must be a table")
        range_id = _string(path, entry, "id") if "id" in entry else f"range-{n + 1}"
        system_id = _string(path, entry, "system")
        if system_id not in geodata.systems:
            _fail(path, f"{where}.system", f"unknown weapon system {system_id!r}")
        if "centre" not in entry:
            _fail(path, f"{where}.centre", "missing")
        centre, label, place_id = _centre(path, f"{where}.centre", entry["centre"], geodata)
        note = _string(path, entry, "note", required=False, default="Analyst-chosen centre.")
        placements.append(RangePlacement(range_id, system_id, centre, label, place_id, note))
    return tuple(placements)


def load_briefing(path, geodata):
    """Read and check the briefing at ``path`` against ``geodata``.

    Raises
    ------
    DataError
        If the file is unreadable, not TOML, or names unknown things.
    """
    path = Path(path)
    text = read_text(path, what="briefing file")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{path}: invalid TOML: {exc}") from None
    layers = doc.get("layers", list(LAYER_TITLES))
    if not isinstance(layers, list) or not all(isinstance(x, str) for x in layers):
        _fail(path, "layers", "must be a list of layer names")
    unknown = [x for x in layers if x not in LAYER_TITLES]
    if unknown:
        _fail(path, "layers", f"unknown layer {unknown[0]!r}; use {', '.join(LAYER_TITLES)}")
    stamp = doc.get("stamp", False)
    if not isinstance(stamp, bool):
        _fail(path, "stamp", "must be true or false")
    return Briefing(
        path=path,
        title=_string(path, doc, "title"),
        subtitle=_string(path, doc, "subtitle", required=False),
        layers=tuple(layers),
        ranges=_ranges(path, doc, geodata),
        stamp=stamp,
    )
