"""Time and check range rings: 10,000 geodesic circles of 120 km, all at once.

Run: .venv/bin/python benchmarks/bench_rings.py [--count 10000] [--radius-km 120] [--repeat 5]

Prints the wall time of ``mapper.geo.rings.rings`` (best and median of the
repeats), the vertex counts it chose, and the worst deviation of the drawn
outline from the true circle over a sample of the rings (16 points along
every edge, straight in degrees and in Web Mercator). For comparison it
also measures the "obvious" geopandas ring: a buffer in the estimated UTM
zone, 64-ish vertices, checked the same way.
"""

import argparse
import statistics
import time

import numpy as np
from pyproj import Geod

from mapper.geo import rings

GEOD = Geod(ellps="WGS84")


def outline_error(lon, lat, radius_m, outline, samples=16):
    """Worst |distance from the centre - radius| / radius along straight edges (degrees and Mercator)."""
    lons, lats = outline[:, 0], outline[:, 1]
    next_lons, next_lats = np.roll(lons, -1), np.roll(lats, -1)
    t = np.linspace(0.0, 1.0, samples + 1)[:, None]
    sample_lons = (lons + t * ((next_lons - lons + 180.0) % 360.0 - 180.0)).ravel()
    mercator = lambda la: np.arctanh(np.sin(np.radians(np.clip(la, -89.999999, 89.999999))))  # noqa: E731
    worst = 0.0
    for sample_lats in ((lats + t * (next_lats - lats)).ravel(),
                        np.degrees(np.arcsin(np.tanh(mercator(lats) + t * (mercator(next_lats) - mercator(lats)))))
                        .ravel()):
        n = len(sample_lons)
        _, _, d_m = GEOD.inv(np.full(n, lon), np.full(n, lat), sample_lons, sample_lats)
        worst = max(worst, float(np.max(np.abs(d_m - radius_m)) / radius_m))
    return worst


def geopandas_ring(lon, lat, radius_m):
    """The usual shortcut: buffer the point in its estimated UTM zone, back to degrees."""
    import geopandas

    point = geopandas.GeoSeries(geopandas.points_from_xy([lon], [lat]), crs="EPSG:4326")
    utm = point.estimate_utm_crs()
    return np.asarray(point.to_crs(utm).buffer(radius_m).to_crs("EPSG:4326").iloc[0].exterior.coords)[:-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--radius-km", type=float, default=120.0)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    radius_m = args.radius_km * 1000.0
    rng = np.random.default_rng(2024)
    lons, lats = rng.uniform(-180.0, 180.0, args.count), rng.uniform(-80.0, 80.0, args.count)

    times_s = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        geometries = rings.rings(lons, lats, radius_m)
        times_s.append(time.perf_counter() - started)
    counts = [rings.vertex_count(g) for g in geometries]
    print(f"{args.count:,} rings of {args.radius_km:g} km: best {min(times_s):.3f} s, "
          f"median {statistics.median(times_s):.3f} s over {args.repeat} runs")
    print(f"vertices per ring: {min(counts)} to {max(counts)} (median {statistics.median(counts):g})")

    sample = rng.choice(args.count, size=min(300, args.count), replace=False)
    outlines = rings.ring_outlines(lons[sample], lats[sample], radius_m)
    worst = max(outline_error(lons[i], lats[i], radius_m, o) for i, o in zip(sample, outlines))
    print(f"worst outline deviation over {len(sample)} sampled rings: {worst * 100:.4f} % of the radius "
          f"(tolerance {rings.RING_TOLERANCE * 100:g} %)")
    shortcut = [outline_error(lons[i], lats[i], radius_m, geopandas_ring(lons[i], lats[i], radius_m))
                for i in sample[:50]]
    print(f"geopandas UTM buffer, same check on 50 rings: worst {max(shortcut) * 100:.3f} % "
          f"({max(shortcut) * radius_m / 1000:.2f} km)")


if __name__ == "__main__":
    main()
