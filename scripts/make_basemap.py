"""Derive the committed offline basemap from Natural Earth (public domain).

Source: the Natural Earth 1:110m admin-0 countries file that pyogrio ships
as a test fixture (``pyogrio/tests/fixtures/naturalearth_lowres``), so the
input comes from a registry package.  The output keeps country names and
outlines within the briefing region, with coordinates rounded to 0.001°.

Run:  python scripts/make_basemap.py  (writes data/geo/basemap/countries-110m.geojson)
"""

import json
from pathlib import Path

import geopandas
import pyogrio
from shapely import box, set_precision

REGION = box(-10.0, 12.0, 95.0, 72.0)  # west, south, east, north in degrees
OUT = Path(__file__).resolve().parent.parent / "data" / "geo" / "basemap" / "countries-110m.geojson"


def main():
    source = Path(pyogrio.__file__).parent / "tests" / "fixtures" / "naturalearth_lowres" / "naturalearth_lowres.shp"
    countries = geopandas.read_file(source)[["name", "iso_a3", "geometry"]]
    countries = countries[countries.intersects(REGION)].copy()
    countries["geometry"] = set_precision(countries.geometry.intersection(REGION), 0.001)
    countries = countries[~countries.geometry.is_empty].sort_values("name")
    features = [
        {"type": "Feature", "properties": {"name": row.name, "iso_a3": row.iso_a3},
         "geometry": json.loads(geopandas.GeoSeries([row.geometry]).to_json())["features"][0]["geometry"]}
        for row in countries.itertuples()
    ]
    collection = {
        "type": "FeatureCollection",
        "source": "Natural Earth 1:110m admin-0 countries (public domain), via pyogrio's naturalearth_lowres fixture",
        "features": features,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(collection, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(features)} countries, {OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
