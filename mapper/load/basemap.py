"""The offline basemap a map draws: the whole world coarsely, and finely inside the map's own extent.

Two Natural Earth sources, both made by ``scripts/make_basemap.py``:

- the world at 1:110m (``data/geo/basemap/natural-earth-110m.geojson``,
  committed), drawn wherever a map has no finer data;
- land and borders at 1:10m with lakes and rivers at 1:50m, in tiles of
  10° × 10° (``data/basemap-10m/``), built by the set-up step
  (``make basemap``, which ``make map`` and ``make test`` run).  Only the
  tiles of the map's extent are read.

:func:`basemap_for` picks by the extent: inside it (padded), the 1:10m
data simplified to a tolerance proportional to the extent's size, so a map
of a strait shows its real coastline and a map of a continent stays small;
outside it, and for a map wider than :data:`FINE_MAX_SPAN_DEG`, the 1:110m
world, with the extent cut out of it so its coarse coast never sticks out
over the fine one.  An extent may cross ±180° (east > 180 or west < -180):
the data beyond is shifted to join it.  Without the tiles, the world is
drawn at 1:110m and a :class:`~mapper.errors.MapperWarning` names the make
target.
"""

import math
import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from shapely.affinity import translate
from shapely.geometry import GeometryCollection, box, mapping, shape

from mapper.core.geojson import rounded
from mapper.errors import DataError, MapperWarning
from mapper.load.bundled import FINE_BASEMAP_TARGET, fine_basemap_dir, world_basemap_path
from mapper.load.files import read_json

ATTRIBUTION = "Basemap: Natural Earth (public domain)"
LAYERS = ("land", "lake", "river", "border")  # in drawing order
POLYGON_LAYERS = ("land", "lake")
FINE_SCALES = ("1:10m", "1:50m")  # land and borders; lakes and rivers
COARSE_SCALE = "1:110m"
# Around the extent, finer data for this fraction of its size (a screen is rarely the extent's shape).
PAD_FRACTION = 0.2
MIN_PAD_DEG = 0.5
ASPECT = 1.6  # a map window's usual width over height
# Beyond this (the larger of the extent's ground width and height, in degrees of latitude), 1:110m only.
FINE_MAX_SPAN_DEG = 100.0
# The fine data are simplified to the extent's span over this: about a pixel of a 2,000-pixel-wide map.
DETAIL_STEPS = 2000
FINEST_TOLERANCE_DEG = 0.001  # the tiles' own grid
# A level of detail simplified by up to this times the wanted tolerance is used as it is.
LEVEL_SLACK = 1.5
# At most this many fine vertices: the tolerance doubles until they fit (about 16 bytes each in a page).
MAX_FINE_VERTICES = 45_000
WORLD = (-180.0, -90.0, 180.0, 90.0)


@dataclass(frozen=True)
class Basemap:
    """The basemap to draw: a GeoJSON FeatureCollection (property ``layer``) and what it is made of."""

    collection: dict
    scales: tuple  # e.g. ("1:10m", "1:50m", "1:110m"), finest first
    fine_box: tuple | None  # (west, south, east, north) drawn from the fine tiles, None if none
    tolerance_deg: float | None  # the fine data's simplification, None if none

    @property
    def attribution(self):
        """'Basemap: Natural Earth 1:10m/1:50m/1:110m (public domain)'."""
        return attribution(self.scales)


def attribution(scales=()):
    """The credit line of a Natural Earth basemap drawn at ``scales`` (none named if none are given)."""
    return f"Basemap: Natural Earth {'/'.join(scales)} (public domain)" if scales else ATTRIBUTION


def padded_extent(extent, pad_fraction=PAD_FRACTION):
    """``extent`` made at least ASPECT:1 on the ground, then grown by ``pad_fraction`` of its size.

    A map window seldom has the extent's shape: Leaflet shows more of the
    world around it, so the fine data reach a little further.
    """
    west, south, east, north = extent
    mid_lat = math.radians(max(-80.0, min(80.0, (south + north) / 2)))
    ground_width = (east - west) * math.cos(mid_lat)
    height = north - south
    if ground_width < ASPECT * height:
        extra = (ASPECT * height - ground_width) / math.cos(mid_lat) / 2
        west, east = west - extra, east + extra
    elif height < ground_width / ASPECT:
        extra = (ground_width / ASPECT - height) / 2
        south, north = south - extra, north + extra
    pad_lat = max(MIN_PAD_DEG, pad_fraction * max(north - south, (east - west) * math.cos(mid_lat)))
    pad_lon = pad_lat / math.cos(mid_lat)
    west, east = west - pad_lon, east + pad_lon
    if east - west >= 360.0:
        west, east = -180.0, 180.0
    return west, max(-90.0, south - pad_lat), east, min(90.0, north + pad_lat)


def ground_span_deg(extent):
    """The larger of an extent's width on the ground (at its middle latitude) and its height, in degrees."""
    west, south, east, north = extent
    mid_lat = math.radians(max(-80.0, min(80.0, (south + north) / 2)))
    return max((east - west) * math.cos(mid_lat), north - south)


def basemap_for(extent, pad_fraction=PAD_FRACTION, world=True, digits=None):
    """The basemap for a map showing ``extent`` (west, south, east, north in degrees).

    Parameters
    ----------
    extent : tuple of float
        What the map shows; None for the whole world.  ``east`` may exceed
        180 (or ``west`` be below -180) for an extent across ±180°.
    pad_fraction : float
        How far around the extent the fine data reach (see :func:`padded_extent`); 0 for exactly the extent.
    world : bool
        Add the 1:110m world outside the fine data (an interactive map can be
        panned anywhere); False for a figure, which shows only its extent.
    digits : int, optional
        Decimals of the coordinates; by default from the simplification.

    Returns
    -------
    Basemap
    """
    extent = _normal(extent or WORLD)
    fine_box = padded_extent(extent, pad_fraction) if pad_fraction else extent
    fine = None
    if ground_span_deg(extent) <= FINE_MAX_SPAN_DEG and fine_box[2] - fine_box[0] < 360.0:
        fine = _fine(fine_box, ground_span_deg(extent) / DETAIL_STEPS)
    coarse = _coarse()
    layers, scales = {}, []
    if fine is not None:
        fine_layers, tolerance = fine
        scales += FINE_SCALES
        cut = _boxes(fine_box)
        for name in LAYERS:
            outside = shapely.difference(coarse[name], cut) if world else GeometryCollection()
            layers[name] = _joined(name, outside, fine_layers[name])
        if world:
            scales.append(COARSE_SCALE)
    else:
        tolerance = None
        fine_box = None
        scales.append(COARSE_SCALE)
        layers = {name: coarse[name] if world else _in_frame(coarse[name], extent) for name in LAYERS}
    if digits is None:
        digits = 2 if tolerance is None else min(3, max(2, math.ceil(-math.log10(tolerance / 2))))
    features = []
    for name, geometry in layers.items():
        # Snapped to the grid the coordinates are rounded to: rounding alone could make polygons cross themselves.
        geometry = shapely.set_precision(geometry, 10.0 ** -digits)
        if not geometry.is_empty:
            features.append({"type": "Feature", "properties": {"layer": name},
                             "geometry": rounded(mapping(geometry), digits)})
    return Basemap({"type": "FeatureCollection", "features": features}, tuple(scales), fine_box, tolerance)


def _normal(extent):
    """(west, south, east, north) with west in [-180, 180) and west < east ≤ west + 360."""
    west, south, east, north = (float(v) for v in extent)
    if east - west >= 360.0:
        return (*WORLD[:1], south, WORLD[2], north)
    if east < west:  # given across ±180° as e.g. (170, .., -170, ..)
        east += 360.0
    shift = 360.0 * math.floor((west + 180.0) / 360.0)
    return west - shift, max(-90.0, south), east - shift, min(90.0, north)


def _in_frame(geometry, extent):
    """The part of a geometry (within ±180°) inside ``extent``, in the extent's longitudes (beyond 180° if it is)."""
    window = box(*extent)
    parts = [shapely.intersection(translate(geometry, turn) if turn else geometry, window)
             for turn in (-360.0, 0.0, 360.0)]
    parts = [part for part in parts if not part.is_empty]
    return shapely.union_all(parts) if len(parts) > 1 else parts[0] if parts else GeometryCollection()


def _boxes(extent):
    """The extent as polygons within ±180°: two where it crosses the antimeridian."""
    west, south, east, north = extent
    parts = [box(max(west, -180.0), south, min(east, 180.0), north)]
    if east > 180.0:
        parts.append(box(-180.0, south, east - 360.0, north))
    if west < -180.0:
        parts.append(box(west + 360.0, south, 180.0, north))
    return shapely.union_all(parts)


def _joined(name, outside, inside):
    if name in POLYGON_LAYERS:
        # One land: no hairline seam where the coarse world meets the fine extent.
        return shapely.union(outside, inside) if not outside.is_empty else inside
    parts = [g for g in (outside, inside) if not g.is_empty]
    return shapely.multilinestrings([q for g in parts for q in _lines(g)]) if parts else GeometryCollection()


def _flat(geometry):
    """The single parts (Polygon, LineString, Point) of any geometry, collections opened."""
    if geometry.is_empty:
        return []
    if hasattr(geometry, "geoms"):
        return [part for item in geometry.geoms for part in _flat(item)]
    return [geometry]


def _lines(geometry):
    return [p for p in _flat(geometry) if p.geom_type == "LineString"]


def _polygons(geometry):
    return [p for p in _flat(geometry) if p.geom_type == "Polygon"]


@lru_cache(maxsize=1)
def _coarse():
    """The 1:110m world, by layer."""
    doc = read_json(world_basemap_path())
    layers = {name: [] for name in LAYERS}
    for item in doc.get("features", []):
        name = item.get("properties", {}).get("layer")
        if name in layers:
            layers[name].append(shape(item["geometry"]))
    return {name: parts[0] if len(parts) == 1 else shapely.union_all(parts) if parts else GeometryCollection()
            for name, parts in layers.items()}


@dataclass(frozen=True)
class _Level:
    folder: str
    tolerance_deg: float
    tiles: frozenset


@lru_cache(maxsize=1)
def _fine_index():
    """(tile size in degrees, levels of detail finest first), or None (with a warning) if the tiles are not built."""
    folder = fine_basemap_dir()
    index = folder / "index.json"
    if not index.is_file():
        warnings.warn(f"the 1:10m basemap is not built ({folder}): drawing Natural Earth 1:110m only; run "
                      f"`{FINE_BASEMAP_TARGET}` in mapper's source folder", MapperWarning, stacklevel=4)
        return None
    doc = read_json(index)
    try:
        levels = [_Level(str(level["folder"]), float(level["tolerance_deg"]), frozenset(level["tiles"]))
                  for level in doc["levels"]]
        return int(doc["tile_deg"]), sorted(levels, key=lambda level: level.tolerance_deg)
    except (KeyError, TypeError, ValueError):
        raise DataError(f"{index}: not an index of basemap tiles; rebuild it with `{FINE_BASEMAP_TARGET}`") from None


@lru_cache(maxsize=512)
def _tile(folder, name):
    """One tile's geometries by layer."""
    doc = read_json(fine_basemap_dir() / folder / name)
    return {item["properties"]["layer"]: shape(item["geometry"]) for item in doc.get("features", [])}


def _tile_name(west, south):
    return f"W{west:+04d}S{south:+03d}.geojson"


def _read_level(level, tile_deg, fine_box):
    """The pieces of each layer in the tiles of ``level`` that ``fine_box`` touches (shifted across ±180°)."""
    west, south, east, north = fine_box
    parts = {name: [] for name in LAYERS}
    for turn in (-360.0, 0.0, 360.0):  # the tiles beyond ±180° join an extent that crosses it
        lo, hi = max(west - turn, -180.0), min(east - turn, 180.0)
        if lo >= hi:
            continue
        for tile_west in range(math.floor(lo / tile_deg) * tile_deg, math.ceil(hi / tile_deg) * tile_deg, tile_deg):
            for tile_south in range(math.floor(south / tile_deg) * tile_deg, math.ceil(north / tile_deg) * tile_deg,
                                    tile_deg):
                name = _tile_name(tile_west, tile_south)
                if name not in level.tiles:
                    continue
                for layer, geometry in _tile(level.folder, name).items():
                    if layer in parts:
                        parts[layer].append(translate(geometry, turn) if turn else geometry)
    return parts


def _fine(fine_box, tolerance_deg):
    """(layers, tolerance) of the 1:10m tiles inside ``fine_box``, simplified; None if the tiles are not built.

    The tiles come in levels of detail, each the world simplified before it
    was cut: the coarsest level within ``tolerance_deg`` is read, then
    simplified further, doubling the tolerance until the vertices fit
    MAX_FINE_VERTICES.
    """
    index = _fine_index()
    if index is None:
        return None
    tile_deg, levels = index
    tolerance = max(tolerance_deg, FINEST_TOLERANCE_DEG)
    level = ([lv for lv in levels if lv.tolerance_deg <= tolerance * LEVEL_SLACK] or levels[:1])[-1]
    window = box(*fine_box)
    whole = {}
    for name, pieces in _read_level(level, tile_deg, fine_box).items():
        if not pieces:
            whole[name] = GeometryCollection()
            continue
        if name in POLYGON_LAYERS:
            merged = _tiles_joined(pieces, tile_deg)
        else:
            merged = shapely.line_merge(shapely.multilinestrings([q for p in pieces for q in _lines(p)]))
        whole[name] = shapely.intersection(merged, window)
    while True:
        if tolerance <= max(level.tolerance_deg, FINEST_TOLERANCE_DEG) * LEVEL_SLACK:
            tolerance = max(level.tolerance_deg, FINEST_TOLERANCE_DEG)
            simple = {name: _dropped_specks(name, g, tolerance) for name, g in whole.items()}
        else:
            simple = {name: _simplified(name, g, tolerance) for name, g in whole.items()}
        if sum(shapely.get_num_coordinates(g) for g in simple.values()) <= MAX_FINE_VERTICES:
            return simple, tolerance
        tolerance *= 2


def _tiles_joined(pieces, tile_deg):
    """The polygons of adjacent tiles as one, without a seam: only those that reach a tile's edge are unioned."""
    polygons = np.array([p for piece in pieces for p in _polygons(piece)], dtype=object)
    if not len(polygons):
        return GeometryCollection()
    bounds = shapely.bounds(polygons)
    on_edge = (np.abs(bounds - np.round(bounds / tile_deg) * tile_deg) < 1e-9).any(axis=1)
    joined = shapely.union_all(polygons[on_edge]) if on_edge.any() else GeometryCollection()
    return shapely.multipolygons(_polygons(joined) + list(polygons[~on_edge]))


def _simplified(name, geometry, tolerance):
    if geometry.is_empty:
        return geometry
    return _dropped_specks(name, shapely.simplify(geometry, tolerance, preserve_topology=True), tolerance)


def _dropped_specks(name, simple, tolerance):
    """Without islands, lakes and river bits smaller than the tolerance: they would only be specks."""
    if name in POLYGON_LAYERS:
        parts = [p for p in _polygons(simple) if p.area > tolerance * tolerance]
        return shapely.multipolygons(parts) if parts else GeometryCollection()
    parts = [q for q in _lines(simple) if q.length > tolerance]
    return shapely.multilinestrings(parts) if parts else GeometryCollection()



def fine_land_files():
    """The tiles of the finest level (paths, sorted), or None (with a warning) if the 1:10m basemap is not built."""
    index = _fine_index()
    if index is None:
        return None
    _, levels = index
    folder = fine_basemap_dir() / levels[0].folder
    return [folder / name for name in sorted(levels[0].tiles)]


def fine_land_parts(paths):
    """The land polygons of the tiles at ``paths`` (from :func:`fine_land_files`), each within its 10° tile."""
    parts = []
    for path in paths:
        doc = read_json(path, "basemap tile")
        for item in doc.get("features", []) if isinstance(doc, dict) else []:
            if item.get("properties", {}).get("layer") == "land":
                parts.extend(_polygons(shape(item["geometry"])))
    return parts
