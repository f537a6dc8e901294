"""Areas that ranges are measured from or clipped to: Natural Earth countries and GeoJSON files.

An area is read into an :class:`Origin`, as is a place or LAT,LON given
where an area could be (``--from``).  Everything is (lon, lat) and regional:
an area must not straddle ±180°.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from shapely.errors import GeometryTypeError, ShapelyError
from shapely.geometry import shape
from shapely.ops import unary_union
from shapely.validation import explain_validity

from mapper.core.points import LonLat
from mapper.errors import DataError, UnknownPlaceError
from mapper.load import countries
from mapper.load.bundled import COUNTRIES_SOURCE
from mapper.load.files import read_json
from mapper.load.lookup import resolve_point, scored_place_names

# An area's work grows with its positions (validity, union, the outline that
# distances and reach are measured from): bounded before shapely sees it.
MAX_AREA_FEATURES = 10_000
MAX_AREA_POSITIONS = 100_000
# Nested lists waiting in count_positions at once: GeoJSON needs a handful per ring.
GEOMETRY_DEPTH_ITEMS = MAX_AREA_POSITIONS + 4 * MAX_AREA_FEATURES


@dataclass(frozen=True)
class Origin:
    """Where a system's range is measured from: a point, or an area (lines and polygons)."""

    label: str
    point: LonLat | None = None
    area: object = None  # shapely (Multi)Polygon or (Multi)LineString, lon/lat
    place_id: str | None = None
    source: str = ""

    @property
    def is_area(self):
        return self.area is not None


def find_country(name, data_dir=None):
    """The Natural Earth country that ``name`` names (a name or alias in any case and accents, or an
    ISO 3166-1 alpha-2 or alpha-3 code) as an :class:`Origin`.

    Raises
    ------
    UnknownPlaceError
        If no country has that name; the message suggests close country names.
    """
    found = countries.find_country(name, data_dir)
    return Origin(label=found.name, area=found.shape, source=COUNTRIES_SOURCE)


def count_positions(coordinates, limit):
    """The number of positions in a GeoJSON ``coordinates`` array, counting no further than ``limit`` + 1.

    Walks the nested lists with a stack of its own, so neither the depth nor
    the size of the nesting can exhaust the interpreter.  A list of numbers
    is one position; anything else is left for the geometry reader to refuse.
    """
    count, todo = 0, [coordinates]
    while todo and count <= limit:
        item = todo.pop()
        if not isinstance(item, list) or not item:
            continue
        if not isinstance(item[0], list):
            count += 1
        elif len(todo) + len(item) > GEOMETRY_DEPTH_ITEMS:
            return limit + 1  # more nested lists than any area of ``limit`` positions can hold
        else:
            todo.extend(item)
    return count


def read_area(path):
    """The union of the polygons and lines in a GeoJSON file, as an :class:`Origin`.

    Raises
    ------
    DataError
        If the file holds no polygon or line, a geometry is invalid, or the
        file has more than MAX_AREA_FEATURES features or MAX_AREA_POSITIONS
        positions.
    """
    doc = read_json(path, "area file")
    features = doc.get("features", [doc]) if isinstance(doc, dict) else []
    if not isinstance(features, list):
        raise DataError(f"{path}: 'features' must be a list of GeoJSON features")
    if len(features) > MAX_AREA_FEATURES:
        raise DataError(f"{path}: {len(features):,} features; an area file may have at most {MAX_AREA_FEATURES:,}")
    positions = 0
    for feature in features:
        is_feature = isinstance(feature, dict) and feature.get("type") == "Feature"
        geometry = feature.get("geometry") if is_feature else feature
        coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
        positions += count_positions(coordinates, MAX_AREA_POSITIONS - positions)
        if positions > MAX_AREA_POSITIONS:
            raise DataError(f"{path}: more than {MAX_AREA_POSITIONS:,} positions; an area file may have at most "
                            f"{MAX_AREA_POSITIONS:,} (simplify it, e.g. with ogr2ogr -simplify)")
    parts = []
    for n, feature in enumerate(features):
        is_feature = isinstance(feature, dict) and feature.get("type") == "Feature"
        geometry = feature.get("geometry") if is_feature else feature
        try:
            part = shape(geometry)
        # OverflowError: a coordinate too big for a float; RecursionError: lists nested hundreds deep.
        except (AttributeError, KeyError, TypeError, ValueError, IndexError, OverflowError, RecursionError):
            raise DataError(f"{path}: feature {n + 1}: not a GeoJSON geometry") from None
        except GeometryTypeError:  # repr: the type is user text, and may hold a newline
            raise DataError(f"{path}: feature {n + 1}: unknown geometry type {geometry.get('type')!r}") from None
        except ShapelyError as exc:  # e.g. a line of one point, a ring of three
            reason = str(exc).split(": ", 1)[-1]
            if "0 or >1 elements" in reason:
                reason = "a line needs at least two positions"
            raise DataError(f"{path}: feature {n + 1}: invalid {geometry.get('type')}: {reason}") from None
        kinds = {g.geom_type for g in getattr(part, "geoms", [part])}
        if kinds & {"Point", "MultiPoint", "GeometryCollection"}:
            raise DataError(f"{path}: feature {n + 1}: a {part.geom_type} is not an area; give a polygon or a line "
                            "(or use a place or LAT,LON)")
        if part.is_empty:
            raise DataError(f"{path}: feature {n + 1}: the {part.geom_type} has no coordinates")
        if not part.is_valid:
            raise DataError(f"{path}: feature {n + 1}: invalid {part.geom_type}: {_why_invalid(part)}")
        west, south, east, north = part.bounds
        if west < -180 or east > 180 or south < -90 or north > 90:
            raise DataError(f"{path}: feature {n + 1}: coordinates outside -180..180 / -90..90 (is it [lon, lat]?)")
        if east - west > 180:
            raise DataError(f"{path}: feature {n + 1}: spans {east - west:.0f}° of longitude; areas across ±180° "
                            "are not supported")
        parts.append(part)
    if not parts:
        raise DataError(f"{path}: no polygon or line to measure from")
    return Origin(label=Path(path).stem, area=unary_union(parts), source=f"GeoJSON file {Path(path).name}")


def _why_invalid(geometry):
    """GEOS's reason, worded for people: 'it crosses itself at lon 31, lat 51'."""
    reason = explain_validity(geometry)
    match = re.fullmatch(r"(.+?)\[(\S+) (\S+)\]", reason)
    if not match:
        return reason
    what, lon, lat = match.groups()
    what = "it crosses itself" if "self-intersection" in what.lower() else what.lower()
    return f"{what} at lon {float(lon):g}, lat {float(lat):g}"


def find_area(text, data_dir=None, base_dir=None, polygons_only=False):
    """A Natural Earth country, or the polygons and lines of a .geojson file (relative to ``base_dir``).

    Raises
    ------
    UnknownPlaceError
        For an unknown country.
    DataError
        For a bad file, or a file of lines where ``polygons_only``.
    """
    if not text.lower().endswith((".geojson", ".json")):
        return find_country(text, data_dir)
    try:
        path = Path(base_dir or ".") / Path(text).expanduser()
    except RuntimeError as exc:  # "~nobody/x.geojson": no such user
        raise DataError(f"{text}: {exc}") from None
    origin = read_area(path)
    if polygons_only and origin.area.geom_type not in ("Polygon", "MultiPolygon"):
        raise DataError(f"{path}: needs polygons here (nothing lies inside a line)")
    return origin


def resolve_origin(geodata, text, base_dir=None):
    """Read ``--from``: LAT,LON, a place, a Natural Earth country, or a GeoJSON file.

    Relative file paths are taken from ``base_dir`` (default: the current folder).
    """
    if text.lower().endswith((".geojson", ".json")):
        return find_area(text, geodata.data_dir, base_dir)
    try:
        named = resolve_point(geodata, text)
        return Origin(label=named.label, point=named.point, place_id=named.place_id)
    except UnknownPlaceError:
        found = countries.lookup_country(text, geodata.data_dir)
        if found is not None:
            return Origin(label=found.name, area=found.shape, source=COUNTRIES_SOURCE)
        # The closest names, of places and countries alike: "Japn" gets Japan, "belgorad" Belgorod.
        close = countries.nearly_best(scored_place_names(geodata, text) +
                                      countries.scored_country_names(text, geodata.data_dir))
        hint = countries.did_you_mean(close, otherwise="; run 'mapper places' for the list")
        raise UnknownPlaceError(f"{text!r} is not a place, LAT,LON, Natural Earth country or .geojson file{hint}") \
            from None
