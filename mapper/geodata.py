"""Load the geodata folder: places, routes, weapon systems, claims, events.

The folder holds GeoJSON for what has a location of its own (places, routes)
and plain JSON registries for the rest.  :func:`load_geodata` reads and
validates; :func:`read_geodata` only reads, for ``mapper validate``.
"""

import json
import os
from dataclasses import dataclass
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

ARTICLES_ENV = "MAPPER_ARTICLES_DIR"
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
        """Text of a source article, or None if its seed file is not found."""
        seed_file = self.sources.get(source_id, {}).get("seed_file")
        if self.articles_dir is None or not isinstance(seed_file, str):
            return None
        path = self.articles_dir / seed_file
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
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


def read_text(path, what="file"):
    """Read a UTF-8 file, raising DataError that names it and what went wrong."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"{path}: {what} not found") from None
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror}") from None


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


def read_json(path):
    """Decode one JSON file, raising DataError that names the file and line."""
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
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
        decoded = read_json(data_dir / filename)
        if not isinstance(decoded, dict):
            raise DataError(f"{data_dir / filename}: top level must be a JSON object")
        raw[name] = decoded
    return Geodata(data_dir=data_dir, raw=raw, articles_dir=find_articles_dir(data_dir))


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
