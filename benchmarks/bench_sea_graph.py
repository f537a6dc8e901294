"""Benchmark: the world sea graph that `mapper route` searches: its build, its cache and route times.

- **build**: in a fresh process, read the 1:10m land tiles and build the
  graph (`mapper.geo.seagraph.build`), then write it as the cache does, to a
  temporary folder (the user's cache is left alone): wall time, the peak
  memory of that process, and the file's size.
- **cold route**: a fresh process per pair that loads the cached graph and
  routes once: the time of the `mapper.api.route` call (loading the graph
  and building the search graph included), and the wall time of the whole
  `mapper route` command (Python's start and imports included).
- **warm route**: one process, each pair routed once untimed, then again
  timed: what a notebook or a render with many routes pays per route.

Usage:  python benchmarks/bench_sea_graph.py [--skip-build] [--out benchmarks/sea_graph.json]
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MAPPER = Path(sys.executable).parent / "mapper"

# Port pairs (LAT,LON) on every ocean, and through canals and straits.
PAIRS = {
    "anzali-astrakhan (Caspian, Volga delta)": ("bandar anzali", "astrakhan"),
    "latakia-aden (Suez)": ("35.52,35.78", "12.8,45.0"),
    "latakia-aden, --avoid suez (the Cape)": ("35.52,35.78", "12.8,45.0", "suez"),
    "kingston-callao (Panama)": ("17.95,-76.8", "-12.05,-77.15"),
    "constanta-piraeus (Bosporus)": ("44.17,28.66", "37.94,23.62"),
    "colombo-hong-kong (Malacca)": ("6.93,79.85", "22.28,114.17"),
    "yokohama-long-beach (±180°)": ("35.45,139.65", "33.75,-118.2"),
    "anzali-novorossiysk (Volga–Don)": ("bandar anzali", "44.72,37.77"),
}

BUILD = """
import json, resource, sys, time
from mapper.geo import seagraph, waternet
from mapper.load.basemap import fine_land_files, fine_land_parts
from mapper.load.bundled import default_data_dir
from mapper.load.watercache import files_digest, write_graph
from mapper.load.waterways import load_registry
start = time.perf_counter()
files = fine_land_files()
zones = waternet.fine_zones(load_registry(default_data_dir()))
digest = waternet.graph_digest(files_digest(files), zones)
built = seagraph.build(fine_land_parts(files), zones)
arrays = waternet.graph_arrays(built, digest)
built_s = time.perf_counter() - start
path = write_graph(sys.argv[1], arrays)
print(json.dumps({"build_s": built_s, "build_and_write_s": time.perf_counter() - start,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "nodes": len(arrays["points"]), "edges": len(arrays["indices"]) // 2,
                  "cache_bytes": path.stat().st_size}))
"""

COLD = """
import json, sys, time
from mapper import api
stops, avoid = json.loads(sys.argv[1])
start = time.perf_counter()
feature = api.route(stops, avoid=avoid)
print(json.dumps({"route_s": time.perf_counter() - start, "km": feature["properties"]["length_km"],
                  "passes": [p["id"] for p in feature["properties"]["passes"]]}))
"""

WARM = """
import json, sys, time
from mapper import api
pairs = json.loads(sys.argv[1])
for stops, avoid in pairs:
    api.route(stops, avoid=avoid)
times = []
for stops, avoid in pairs:
    start = time.perf_counter()
    api.route(stops, avoid=avoid)
    times.append(time.perf_counter() - start)
print(json.dumps(times))
"""


def _child(code, *args):
    run = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True)
    return json.loads(run.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-build", action="store_true", help="do not time a build (about a minute, 1 GB)")
    parser.add_argument("--out", default=str(Path(__file__).with_name("sea_graph.json")))
    options = parser.parse_args()
    from mapper import api

    cached = api.prepare_routes()  # the user's cache, for the route timings
    results = {"machine": {"python": platform.python_version(), "platform": platform.platform(),
                           "cpus": os.cpu_count()},
               "cache": {"path": str(cached["path"]), "bytes": cached["size_bytes"], "nodes": cached["nodes"],
                         "edges": cached["edges"]}}
    if not options.skip_build:
        with tempfile.TemporaryDirectory() as folder:
            results["build"] = _child(BUILD, str(Path(folder) / "seagraph.npz"))
        build = results["build"]
        print(f"build: {build['build_s']:.1f} s ({build['build_and_write_s']:.1f} s with the write), "
              f"peak {build['peak_rss_mb']:,.0f} MB; {build['nodes']:,} nodes, {build['edges']:,} edges; "
              f"cache {build['cache_bytes'] / 1e6:,.1f} MB")
    pairs = [(list(p[:2]), list(p[2:])) for p in PAIRS.values()]
    warm = _child(WARM, json.dumps(pairs))
    rows = []
    for (name, pair), warm_s in zip(PAIRS.items(), warm):
        stops, avoid = list(pair[:2]), list(pair[2:])
        cold = _child(COLD, json.dumps([stops, avoid]))
        start = time.perf_counter()
        subprocess.run([str(MAPPER), "route", *stops, *(arg for closed in avoid for arg in ("--avoid", closed))],
                       check=True, capture_output=True)
        command_s = time.perf_counter() - start
        rows.append({"pair": name, "km": cold["km"], "passes": cold["passes"], "cold_route_s": cold["route_s"],
                     "cold_command_s": command_s, "warm_route_s": warm_s})
    results["routes"] = rows
    Path(options.out).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"cache: {cached['path']} ({cached['size_bytes'] / 1e6:,.1f} MB)")
    print("| pair | km | passes | cold route (s) | cold `mapper route` (s) | warm route (s) |")
    print("|---|---:|---|---:|---:|---:|")
    for row in rows:
        print(f"| {row['pair']} | {row['km']:,.0f} | {', '.join(row['passes']) or '–'} | {row['cold_route_s']:.2f} "
              f"| {row['cold_command_s']:.2f} | {row['warm_route_s']:.3f} |")
    print(f"median: cold route {statistics.median(r['cold_route_s'] for r in rows):.2f} s, cold command "
          f"{statistics.median(r['cold_command_s'] for r in rows):.2f} s, warm route "
          f"{statistics.median(r['warm_route_s'] for r in rows):.3f} s")


if __name__ == "__main__":
    main()
