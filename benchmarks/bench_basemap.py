"""The offline basemap's size in a page, and its time, for extents from a strait to the world; and the default map.

Usage:  .venv/bin/python benchmarks/bench_basemap.py [--runs 3]

For each extent, ``mapper.load.basemap.basemap_for`` picks the data as the
page does (1:10m inside the padded extent, 1:110m outside); the size is its
FeatureCollection as JSON, which is what the page inlines.  Times are the
median of ``--runs`` calls in a fresh process: the first call (tiles read
from disk) and a warm one.  Then ``mapper render`` of the default briefing,
as a fresh process: its file size and wall time (median), against the
limit of 1.5 MB.  Needs the 1:10m tiles (``make basemap``).
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXTENTS = {
    "strait: Bosporus": (28.9, 40.95, 29.2, 41.25),
    "strait: Bab-el-Mandeb": (42.8, 12.2, 43.8, 13.0),
    "strait: Hormuz": (55.5, 25.5, 57.5, 27.0),
    "strait: Tsugaru": (139.8, 41.0, 141.2, 41.8),
    "sea: Black Sea": (27.0, 40.5, 42.0, 47.0),
    "sea: Caspian": (46.0, 36.0, 55.0, 47.5),
    "across 180°: Bering Strait": (165.0, 55.0, 200.0, 72.0),
    "continent: Europe": (-12.0, 34.0, 45.0, 72.0),
    "continent: South America": (-85.0, -56.0, -33.0, 13.0),
    "continent: Asia": (60.0, -10.0, 150.0, 60.0),
    "world": (-180.0, -90.0, 180.0, 90.0),
}
PAGE_LIMIT_BYTES = 1_500_000

MEASURE = """
import json, sys, time
extent = json.loads(sys.argv[1])
start = time.perf_counter()
from mapper.load.basemap import basemap_for
imported = time.perf_counter()
chosen = basemap_for(extent)
cold = time.perf_counter()
basemap_for(extent)
warm = time.perf_counter()
print(json.dumps({"bytes": len(json.dumps(chosen.collection, separators=(",", ":"))), "cold_s": cold - imported,
                  "warm_s": warm - cold, "scales": "/".join(chosen.scales), "tolerance_deg": chosen.tolerance_deg}))
"""


def measure(extent, runs):
    results = [json.loads(subprocess.run([sys.executable, "-c", MEASURE, json.dumps(extent)], check=True,
                                         capture_output=True, text=True).stdout) for _ in range(runs)]
    first = results[0]
    first["cold_s"] = statistics.median(r["cold_s"] for r in results)
    first["warm_s"] = statistics.median(r["warm_s"] for r in results)
    return first


def default_map(runs):
    mapper = str(Path(sys.executable).with_name("mapper"))
    times, size = [], None
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "map.html"
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([mapper, "render", "-o", str(out), "--overwrite"], check=True, capture_output=True)
            times.append(time.perf_counter() - start)
            size = out.stat().st_size
    return size, statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per extent (default 3)")
    runs = parser.parse_args().runs
    print(f"{'extent':28s} {'basemap bytes':>14s} {'first call':>11s} {'warm':>7s}  scales (tolerance)")
    for name, extent in EXTENTS.items():
        r = measure(extent, runs)
        tolerance = f" ({r['tolerance_deg']:.4f}°)" if r["tolerance_deg"] else ""
        print(f"{name:28s} {r['bytes']:>14,d} {r['cold_s']:>10.2f}s {r['warm_s']:>6.2f}s  {r['scales']}{tolerance}")
    size, wall_s = default_map(runs)
    verdict = "within" if size <= PAGE_LIMIT_BYTES else "OVER"
    print(f"\nmapper render (default briefing): {size:,} bytes ({verdict} {PAGE_LIMIT_BYTES:,}), {wall_s:.2f} s wall")


if __name__ == "__main__":
    main()
