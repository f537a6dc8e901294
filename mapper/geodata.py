"""Load the geodata folder: places, routes, weapon systems, claims, events.

The folder holds GeoJSON for what has a location of its own (places, routes)
and plain JSON registries for the rest.  :func:`load_geodata` reads and
validates; :func:`read_geodata` only reads, for ``mapper validate``.
"""

import json
import os
from dataclasses import dataclass, field, replace
from functools import cached_property
from importlib import resources
from pathlib import Path

from mapper.errors import DataError
from mapper.points import LonLat

FILES = {
    "sources": "sources.json",
    "places": "places.geojson",
    "routes": "routes.geojson",
    "systems": "systems.json",
    "claims": "claims.json",
    "events": "events.json",
}

# The list in each registry file.
RECORDS_KEY = {"sources": "sources", "places": "features", "routes": "features", "systems": "systems",
               "claims": "claims", "events": "events"}

ARTICLES_ENV = "MAPPER_ARTICLES_DIR"
# Geodata, briefings and areas are hand-made; anything larger is a mistake,
# and is refused before it is read into memory.
MAX_TEXT_FILE_BYTES = 64 * 1024 * 1024
BASEMAP_FILE = Path("basemap") / "natural-earth-50m.geojson"
BASEMAP_ATTRIBUTION = "Basemap: Natural Earth (public domain)"


@dataclass
class Geodata:
    """The parsed contents of one geodata folder.

    ``raw`` maps each registry name to the decoded JSON of its file, so that
    validation can report on exactly what was read.
    """

    data_dir: Path
    raw: dict
    articles_dir: Path | None = None
    # Sources merged from another folder, and that folder's articles.
    source_articles: dict = field(default_factory=dict)

    @cached_property
    def sources(self):
        """Source articles by id (entries without an id are left to validation)."""
        return _by_id(self.raw["sources"].get("sources"))

    @property
    def places(self):
        """Place features (GeoJSON dicts)."""
        return self.raw["places"].get("features", [])

    @property
    def routes(self):
        """Route features (GeoJSON dicts)."""
        return self.raw["routes"].get("features", [])

    @cached_property
    def systems(self):
        """Weapon systems by id."""
        return _by_id(self.raw["systems"].get("systems"))

    @property
    def claims(self):
        """Distance and direction claims made by the articles."""
        return self.raw["claims"].get("claims", [])

    @property
    def events(self):
        """Dated events, each tied to a place id."""
        return self.raw["events"].get("events", [])

    @cached_property
    def _places_by_id(self):
        return {
            f["properties"]["id"]: f for f in self.places
            if isinstance(f, dict) and isinstance(f.get("properties"), dict)
            and isinstance(f["properties"].get("id"), str)
        }

    def place(self, place_id):
        """The place feature with id ``place_id``; KeyError if there is none."""
        return self._places_by_id[place_id]

    def article_text(self, source_id):
        """Text of a source article, or None if its seed file is not found.

        Raises
        ------
        DataError
            If the article is there but is not UTF-8: its quotes could not
            be checked, which must not pass for checked.
        """
        seed_file = self.sources.get(source_id, {}).get("seed_file")
        articles_dir = self.source_articles.get(source_id, self.articles_dir)
        if articles_dir is None or not isinstance(seed_file, str):
            return None
        path = articles_dir / seed_file
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise DataError(f"{path}: not UTF-8 text (byte {exc.start}); its quotes cannot be checked") from None
        except (OSError, ValueError):  # ValueError: a NUL in the name
            return None


def _by_id(records):
    """Map each record's ``id`` to the record, skipping malformed entries."""
    if not isinstance(records, list):
        return {}
    return {r["id"]: r for r in records if isinstance(r, dict) and isinstance(r.get("id"), str)}


def place_lonlat(place):
    """The (lon, lat) of a place feature, as a LonLat."""
    lon, lat = place["geometry"]["coordinates"][:2]
    return LonLat(lon, lat)


def too_large(path, size_bytes, limit_bytes, what):
    """The DataError for a file over its size limit: '…: 600 MiB; point files may be at most 512 MiB'."""

    def size_text(n):
        if n < 2**20:
            return f"{n:,} bytes"
        tenths = -(-n * 10 // 2**20)  # rounded up, so that a file just over the limit does not show as at it
        return f"{tenths // 10:,} MiB" if tenths % 10 == 0 else f"{tenths / 10:,.1f} MiB"

    return DataError(f"{path}: {size_text(size_bytes)}; {what}s may be at most {size_text(limit_bytes)}")


def read_text(path, what="file"):
    """Read a UTF-8 file, raising DataError that names it and what went wrong."""
    try:
        size_bytes = os.stat(path).st_size
        if size_bytes > MAX_TEXT_FILE_BYTES:
            raise too_large(path, size_bytes, MAX_TEXT_FILE_BYTES, what)
        # utf-8-sig: a byte-order mark, as Windows editors write, is dropped.
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError(f"{path}: {what} not found") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a folder, not a file") from None
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from None
    except ValueError as exc:  # a NUL in the name
        raise DataError(f"{path}: cannot read: {exc}") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror}") from None
    if not text.strip():
        raise DataError(f"{path}: {what} is empty")
    return text


def default_data_dir():
    """The bundled geodata: installed package data, else the source checkout."""
    bundled = resources.files("mapper") / "data" / "geo"
    if bundled.is_dir():
        return Path(str(bundled))
    return Path(__file__).resolve().parent.parent / "data" / "geo"


def basemap_path(data_dir):
    """The data folder's own basemap if it has one, else the bundled one."""
    own = Path(data_dir) / BASEMAP_FILE
    return own if own.is_file() else default_data_dir() / BASEMAP_FILE


def find_articles_dir(data_dir):
    """Folder of the seed articles that quotes are checked against, or None.

    Looks at ``$MAPPER_ARTICLES_DIR``, then ``DATA_DIR/articles``, then the
    ``shared/seeds`` folder beside a source checkout.
    """
    candidates = []
    if os.environ.get(ARTICLES_ENV):
        candidates.append(Path(os.environ[ARTICLES_ENV]))
    candidates.append(Path(data_dir) / "articles")
    candidates.append(Path(data_dir).resolve().parent.parent.parent / "shared" / "seeds")
    return next((c for c in candidates if c.is_dir()), None)


def read_json(path, what="file"):
    """Decode one JSON file, raising DataError that names the file and line."""
    text = read_text(path, what)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise DataError(f"{path}: invalid JSON: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise DataError(f"{path}: invalid JSON: {exc}") from None
    try:
        # A "\ud800"-style escape decodes to a lone surrogate, which is not text
        # and could not be written out again.
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise DataError(f"{path}: a string holds a lone surrogate escape "
                        f"(\\u{ord(exc.object[exc.start]):04x}), which is not text") from None
    return data


def read_geodata(data_dir=None):
    """Read every registry file of ``data_dir`` without validating content.

    Raises
    ------
    DataError
        If the folder or a file is missing, unreadable or not JSON.
    """
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    if not data_dir.is_dir():
        raise DataError(f"{data_dir}: geodata folder not found")
    raw = {}
    for name, filename in FILES.items():
        decoded = read_json(data_dir / filename, "geodata file")
        if not isinstance(decoded, dict):
            raise DataError(f"{data_dir / filename}: top level must be a JSON object")
        raw[name] = decoded
    return Geodata(data_dir=data_dir, raw=raw, articles_dir=find_articles_dir(data_dir))


def _record_ids(records):
    return {r.get("id") if r.get("type") != "Feature" else r.get("properties", {}).get("id"): r
            for r in records if isinstance(r, dict)}


def _checked(geodata, what):
    from mapper.validate import validate_geodata

    problems = validate_geodata(geodata)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise DataError(f"{what}: {problems[0]}{more}")
    return geodata


def merge_folder(geodata, folder):
    """``geodata`` with the records of another geodata folder added.

    The folder may hold any of the registry files; its ``articles/`` folder,
    if any, is where its own sources' quotes are checked.

    Raises
    ------
    DataError
        If the folder is missing, a file is invalid, an id is already taken,
        or the merged data does not validate.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(f"{folder}: data folder not found")
    raw = {name: dict(value) for name, value in geodata.raw.items()}
    source_articles = dict(geodata.source_articles)
    found = False
    for name, filename in FILES.items():
        path = folder / filename
        if not path.is_file():
            continue
        found = True
        decoded = read_json(path, "geodata file")
        records = decoded.get(RECORDS_KEY[name]) if isinstance(decoded, dict) else None
        if not isinstance(records, list):
            raise DataError(f"{path}: needs a top-level object with a {RECORDS_KEY[name]!r} list")
        taken = _record_ids(raw[name].get(RECORDS_KEY[name], []))
        for record_id in _record_ids(records):
            if record_id in taken:
                raise DataError(f"{path}: id {record_id!r} is already defined in the geodata it is merged into")
        raw[name][RECORDS_KEY[name]] = [*raw[name].get(RECORDS_KEY[name], []), *records]
        if name == "sources" and (folder / "articles").is_dir():
            source_articles.update({r.get("id"): folder / "articles" for r in records if isinstance(r, dict)})
    if not found:
        raise DataError(f"{folder}: no geodata files ({', '.join(FILES.values())})")
    return _checked(replace(geodata, raw=raw, source_articles=source_articles), f"with {folder} merged")


def merge_places(geodata, features):
    """``geodata`` with user place features added (from :mod:`mapper.userplaces`).

    Raises
    ------
    DataError
        If a place's id is already taken, naming the file and line it came from.
    """
    taken = _record_ids(geodata.places)
    for feature in features:
        props = feature["properties"]
        if props["id"] in taken:
            raise DataError(f"{props.get('origin', props['id'])}: id {props['id']!r} is already a place; "
                            "give it another id (an 'id' column) or leave it out")
    raw = dict(geodata.raw)
    raw["places"] = {**geodata.raw["places"], "features": [*geodata.places, *features]}
    return _checked(replace(geodata, raw=raw), "with the places files merged")


def load_geodata(data_dir=None):
    """Read and validate a geodata folder.

    Raises
    ------
    DataError
        Naming the first problem found, and how many more there are.
    """
    from mapper.validate import validate_geodata

    geodata = read_geodata(data_dir)
    problems = validate_geodata(geodata)
    if problems:
        more = f" (and {len(problems) - 1} more; run 'mapper validate')" if len(problems) > 1 else ""
        raise DataError(f"{problems[0]}{more}")
    return geodata
