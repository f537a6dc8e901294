"""Natural Earth admin-0 countries, found by name, alias or ISO 3166-1 code, anywhere in the world.

The countries file (``data/geo/basemap/countries-50m.geojson``, made by
``scripts/make_basemap.py``; a data folder may carry its own) gives each
country a ``name`` and optionally ``iso_a2``, ``iso_a3`` and ``aliases``.
A name matches whatever its case, accents and punctuation, and without a
leading "the": ``turkiye``, ``cote d'ivoire``, ``The Gambia``.  Codes are
ISO 3166-1 alpha-2 (``KP``) or alpha-3 (``PRK``), in any case.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from mapper.errors import DataError, UnknownPlaceError
from mapper.load.bundled import countries_path
from mapper.load.files import read_json

SUGGESTIONS = 3
SUGGEST_CUTOFF = 0.7
SUGGEST_MARGIN = 0.15
_CODE = re.compile(r"[A-Za-z]{2,3}")


_NOT_ASCII_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text):
    """``text`` as names are compared: no accents, case, punctuation or leading "the"."""
    if text.isascii():  # the same, faster: the gazetteer folds some 600,000 names
        words = _NOT_ASCII_ALNUM.sub(" ", text.lower().replace("&", " and ")).split()
        return " ".join(words[1:] if words[:1] == ["the"] and len(words) > 1 else words)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold().replace("&", " and ")
    words = "".join(c if c.isalnum() else " " for c in text).split()
    return " ".join(words[1:] if words[:1] == ["the"] and len(words) > 1 else words)


@dataclass(frozen=True)
class Country:
    """One country of the countries file; its polygon is read into shapely when first asked for."""

    name: str
    iso_a2: str | None
    iso_a3: str | None
    aliases: tuple
    geometry: dict = field(repr=False, compare=False)

    @property
    def shape(self):
        """The country's (Multi)Polygon in lon/lat, longitudes within ±180° (cut there into parts)."""
        return _shape(self)

    @property
    def code(self):
        """The ISO 3166-1 alpha-2 code, else the name (for areas without a code, such as Kosovo)."""
        return self.iso_a2 or self.name


@lru_cache(maxsize=512)
def _shape(country):
    from shapely.geometry import shape  # for start-up speed: commands that only look names up skip shapely

    return shape(country.geometry)


@dataclass(frozen=True)
class _Table:
    countries: tuple
    by_code: dict
    by_name: dict  # folded name or alias -> Country


def _text(value):
    return value.strip() if isinstance(value, str) and value.strip() else None


@lru_cache(maxsize=4)
def _table(path):
    doc = read_json(path)
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        raise DataError(f"{path}: not a GeoJSON FeatureCollection of countries")
    countries, by_code, by_name = [], {}, {}
    for n, item in enumerate(features):
        props = item.get("properties") if isinstance(item, dict) else None
        name = _text(props.get("name")) if isinstance(props, dict) else None
        if name is None or not isinstance(item.get("geometry"), dict):
            raise DataError(f"{path}: feature {n + 1}: a country needs a name and a geometry")
        aliases = props.get("aliases") or []
        country = Country(name, _text(props.get("iso_a2")), _text(props.get("iso_a3")),
                          tuple(a for a in aliases if _text(a)) if isinstance(aliases, list) else (),
                          item["geometry"])
        countries.append(country)
        for code in (country.iso_a2, country.iso_a3):
            if code:
                by_code.setdefault(code.upper(), country)
        for key in (fold(name), *(fold(a) for a in country.aliases)):
            if key:
                by_name.setdefault(key, country)
    return _Table(tuple(countries), by_code, by_name)


def all_countries(data_dir=None):
    """Every country of the countries file, in its order."""
    return _table(str(countries_path(data_dir))).countries


def lookup_country(text, data_dir=None):
    """The country that ``text`` names (a name, an alias, an alpha-2 or alpha-3 code), or None."""
    if not isinstance(text, str) or not text.strip():
        return None
    table = _table(str(countries_path(data_dir)))
    text = text.strip()
    if _CODE.fullmatch(text) and text.upper() in table.by_code:
        return table.by_code[text.upper()]
    return table.by_name.get(fold(text))


def scored_country_names(text, data_dir=None):
    """(likeness 0–1, country name) of the countries whose name or alias is like ``text``, most alike first."""
    table = _table(str(countries_path(data_dir)))
    matcher = difflib.SequenceMatcher(b=fold(text))
    best = {}
    for key, country in table.by_name.items():
        if len(key) < 4:  # "uk", "uae", "drc": too short to be like anything
            continue
        matcher.set_seq1(key)
        if matcher.real_quick_ratio() >= SUGGEST_CUTOFF and matcher.quick_ratio() >= SUGGEST_CUTOFF:
            score = matcher.ratio()
            if score >= SUGGEST_CUTOFF and score > best.get(country.name, 0.0):
                best[country.name] = score
    return sorted(((score, name) for name, score in best.items()), key=lambda item: (-item[0], item[1]))


def nearly_best(scored, count=SUGGESTIONS):
    """The names of (likeness, name) pairs nearly as alike as the most alike: 'Ukrane' gets Ukraine, not France too."""
    best = max((score for score, _ in scored), default=0.0)
    names = []
    for score, name in sorted(scored, key=lambda item: -item[0]):
        if score >= best - SUGGEST_MARGIN and name not in names:
            names.append(name)
    return names[:count]


def close_country_names(text, data_dir=None, count=SUGGESTIONS):
    """Country names like ``text`` (by name or alias), best first, for a "did you mean"."""
    return nearly_best(scored_country_names(text, data_dir), count)


def find_country(text, data_dir=None):
    """The country that ``text`` names; see :func:`lookup_country`.

    Raises
    ------
    UnknownPlaceError
        If none does; the message suggests close country names.
    """
    found = lookup_country(text, data_dir)
    if found is None:
        raise UnknownPlaceError(f"unknown country {text!r}{did_you_mean(close_country_names(text, data_dir))}")
    return found


def did_you_mean(names, otherwise=" (a Natural Earth country name, or an ISO code such as UA or UKR)"):
    """'; did you mean 'A', 'B'?' for a list of names, else ``otherwise``."""
    return f"; did you mean {', '.join(repr(n) for n in names)}?" if names else otherwise
