"""Compare mapper's Caspian lanes with the `searoute` package's for the same port pairs.

For each default sea lane: length (geodesic, km) and km over the bundled
Natural Earth 1:50m land, for both routers.  searoute is not a dependency of
mapper; install it beside mapper to run this (``pip install searoute``).

Usage:  python scripts/compare_searoute.py
"""

import searoute
import shapely
from shapely.geometry import LineString, shape

from mapper.core.points import LonLat
from mapper.geo import geodesy, routing
from mapper.load.bundled import basemap_path
from mapper.load.files import read_json
from mapper.load.geodata import load_geodata
from mapper.load.lookup import NamedPoint


def km_over_land(line, land):
    """Geodesic km of ``line`` (densified to 1 km) inside ``land``."""
    dense = LineString(geodesy.geodesic_coords([LonLat(*c) for c in line.coords], max_segment_m=1_000))
    return geodesy.line_length_m(dense.intersection(land)) / 1000 if dense.intersects(land) else 0.0


def main():
    geodata = load_geodata()
    land = shapely.union_all([shape(f["geometry"]) for f in read_json(basemap_path(geodata.data_dir))["features"]
                              if f["properties"]["layer"] == "land"])
    shapely.prepare(land)
    print("| lane | mapper km | mapper km over land (sea legs only) | searoute km | searoute km over land |")
    print("|---|---:|---:|---:|---:|")
    for feature in geodata.routes:
        props = feature["properties"]
        if props["kind"] != "sea-route":
            continue
        ends = [NamedPoint(p, LonLat(*geodata.place(p)["geometry"]["coordinates"]), p) for p in (props["from"], props["to"])]
        ours = routing.route(geodata.data_dir, ends, "sea")
        theirs = LineString(searoute.searoute([ends[0].point.lon, ends[0].point.lat],
                                              [ends[1].point.lon, ends[1].point.lat])["geometry"]["coordinates"])
        sea_km = sum(km_over_land(LineString([(p.lon, p.lat) for p in leg.points]), land)
                     for leg in ours.legs if leg.kind == "sea")
        print(f"| {props['from']} → {props['to']} | {ours.length_m / 1000:,.0f} | "
              f"{km_over_land(ours.line(), land):.1f} ({sea_km:.1f}) "
              f"| {geodesy.line_length_m(theirs) / 1000:,.0f} | {km_over_land(theirs, land):.1f} |")


if __name__ == "__main__":
    main()
