"""Load the geodata folder: places, routes, weapon systems, claims, events.

The folder holds GeoJSON for what has a location of its own (places, routes)
and plain JSON registries for the rest; a folder may hold only the files it
needs, and a missing one is empty.  :func:`load_geodata` reads and
validates; :func:`read_geodata` only reads, for ``mapper validate``.
Merging (:func:`merge_folder`, :func:`merge_places`, :func:`merge_records`)
does not validate: a briefing merges all its data, then validates once
(:mod:`mapper.load.briefing`), so that any record may refer to any place it knows.
"""

from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from mapper.core.points import LonLat
from mapper.core.vocab import FILES, RECORDS_KEY
from mapper.errors import DataError
from mapper.load.bundled import default_data_dir, find_articles_dir
from mapper.load.files import read_bytes, read_json
from mapper.load.schema import MAX_RECORDS, validate_geodata


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
    # Sources whose saved text is one file of its own (a briefing's [[sources]] file), by id.
    source_files: dict = field(default_factory=dict)

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

    def article_path(self, source_id):
        """Where the saved text of a source should be, or None if it names none."""
        if source_id in self.source_files:
            return self.source_files[source_id]
        seed_file = self.sources.get(source_id, {}).get("seed_file")
        articles_dir = self.source_articles.get(source_id, self.articles_dir)
        if articles_dir is None or not isinstance(seed_file, str):
            return None
        return articles_dir / seed_file

    def quotes_checked(self, source_id):
        """True if the quotes of ``source_id`` are checked against its saved text (the text is there)."""
        try:
            return self.article_text(source_id) is not None
        except DataError:
            return False

    def article_text(self, source_id):
        """Text of a source article, or None if its seed file is not found.

        Raises
        ------
        DataError
            If the article is there but is not UTF-8: its quotes could not
            be checked, which must not pass for checked.
        """
        path = self.article_path(source_id)
        if path is None:
            return None
        try:
            # Missing, or a folder (seed_file ""): validation names that fault (sources.json: seed_file).
            if path.is_dir() or not (path.exists() or path.is_symlink()):
                return None
        except (OSError, ValueError):  # a name too long, or with a NUL: validation names that fault too
            return None
        try:
            return read_bytes(path, "article").decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DataError(f"{path}: not UTF-8 text (byte {exc.start}); its quotes cannot be checked") from None


def _by_id(records):
    """Map each record's ``id`` to the record, skipping malformed entries."""
    if not isinstance(records, list):
        return {}
    return {r["id"]: r for r in records if isinstance(r, dict) and isinstance(r.get("id"), str)}


def place_lonlat(place):
    """The (lon, lat) of a place feature, as a LonLat."""
    lon, lat = place["geometry"]["coordinates"][:2]
    return LonLat(lon, lat)


def _empty_registry(name):
    if RECORDS_KEY[name] == "features":
        return {"type": "FeatureCollection", "features": []}
    return {RECORDS_KEY[name]: []}


def empty_geodata(data_dir=None):
    """Geodata with no records: where a briefing starts.  ``data_dir`` is the folder in use (for its basemap)."""
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    return Geodata(data_dir=data_dir, raw={name: _empty_registry(name) for name in FILES})


def _present(path):
    """True if ``path`` is there to be read (a device or a broken link is read, and refused)."""
    return path.exists() or path.is_symlink()


def read_geodata(data_dir=None):
    """Read the registry files of ``data_dir`` without validating content; a missing file is empty.

    Raises
    ------
    DataError
        If the folder is missing or holds none of the registry files, or a
        file is unreadable or not a JSON object.
    """
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    if not data_dir.is_dir():
        raise DataError(f"{data_dir}: geodata folder not found")
    raw = {}
    for name, filename in FILES.items():
        if not _present(data_dir / filename):
            raw[name] = _empty_registry(name)
            continue
        decoded = read_json(data_dir / filename, "geodata file")
        if not isinstance(decoded, dict):
            raise DataError(f"{data_dir / filename}: top level must be a JSON object")
        raw[name] = decoded
    if not any(_present(data_dir / filename) for filename in FILES.values()):
        raise DataError(f"{data_dir}: no geodata files ({', '.join(FILES.values())})")
    return Geodata(data_dir=data_dir, raw=raw, articles_dir=find_articles_dir(data_dir))


def _record_id(record):
    """A record's (or a feature's) id if it is text, else None: validation names a bad one."""
    if not isinstance(record, dict):
        return None
    if record.get("type") == "Feature":
        record = record.get("properties")
    record_id = record.get("id") if isinstance(record, dict) else None
    return record_id if isinstance(record_id, str) else None


def _record_ids(records):
    return {_record_id(r): r for r in records if _record_id(r) is not None}


def merge_records(geodata, name, records, where):
    """``geodata`` with ``records`` added to registry ``name``; ``where`` names their origin in errors.

    Raises
    ------
    DataError
        If an id is already taken, or the registry would hold too many records.
    """
    key = RECORDS_KEY[name]
    existing = geodata.raw[name].get(key, [])
    if not isinstance(existing, list):
        raise DataError(f"{where}: cannot merge into {FILES[name]}, whose {key!r} is not a list")
    if len(existing) + len(records) > MAX_RECORDS:
        raise DataError(f"{where}: more than {MAX_RECORDS:,} records in {FILES[name]} with it merged")
    taken = _record_ids(existing)
    added = set()
    for record in records:
        record_id = _record_id(record)
        if record_id is None:
            continue
        if record_id in taken:
            raise DataError(f"{where}: id {record_id!r} is already defined in the geodata it is merged into")
        if record_id in added:
            raise DataError(f"{where}: id {record_id!r} is defined twice")
        added.add(record_id)
    raw = dict(geodata.raw)
    raw[name] = {**geodata.raw[name], key: [*existing, *records]}
    return replace(geodata, raw=raw)


def merge_folder(geodata, folder):
    """``geodata`` with the records of another geodata folder added (not validated).

    The folder may hold any of the registry files; its ``articles/`` folder,
    if any, is where its own sources' quotes are checked.

    Raises
    ------
    DataError
        If the folder is missing or holds no registry file, a file is not a
        registry, or an id is already taken (the rest is validated once all
        of a briefing's data is merged).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(f"{folder}: data folder not found")
    source_articles = dict(geodata.source_articles)
    found = False
    for name, filename in FILES.items():
        path = folder / filename
        if not _present(path):
            continue
        found = True
        decoded = read_json(path, "geodata file")
        records = decoded.get(RECORDS_KEY[name]) if isinstance(decoded, dict) else None
        if not isinstance(records, list):
            raise DataError(f"{path}: needs a top-level object with a {RECORDS_KEY[name]!r} list")
        geodata = merge_records(geodata, name, records, str(path))
        if name == "sources" and (folder / "articles").is_dir():
            source_articles.update({r.get("id"): folder / "articles" for r in records if isinstance(r, dict)})
    if not found:
        raise DataError(f"{folder}: no geodata files ({', '.join(FILES.values())})")
    return replace(geodata, source_articles=source_articles)


def merge_places(geodata, features):
    """``geodata`` with user place features added (from :mod:`mapper.load.places`).

    Raises
    ------
    DataError
        If a place's id is already taken, naming the file and line it came from
        (not validated: the briefing validates all its data once merged).
    """
    taken = _record_ids(geodata.places)
    for feature in features:
        props = feature["properties"]
        if props["id"] in taken:
            raise DataError(f"{props.get('origin', props['id'])}: id {props['id']!r} is already a place; "
                            "give it another id (an 'id' column) or leave it out")
        taken[props["id"]] = feature
    return merge_records(geodata, "places", list(features), "places")


def load_geodata(data_dir=None):
    """Read and validate a geodata folder.

    Raises
    ------
    DataError
        Naming the first problem found, and how many more there are.
    """
    geodata = read_geodata(data_dir)
    problems = validate_geodata(geodata)
    if problems:
        more = f" (and {len(problems) - 1} more; run 'mapper validate')" if len(problems) > 1 else ""
        raise DataError(f"{problems[0]}{more}")
    return geodata
