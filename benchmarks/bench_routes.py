"""Benchmark: computing the default briefing's water routes in a fresh process.

Each run is a new Python process, so the world sea graph is loaded from
its disk cache (see bench_sea_graph.py for its build) and the river graphs
are built: this is the time a `mapper render` spends on routes.  Prints
each run and the median.

Usage:  python benchmarks/bench_routes.py [RUNS]
"""

import statistics
import subprocess
import sys

CHILD = """
import time
from mapper.load.geodata import load_geodata
from mapper.load.lookup import NamedPoint
from mapper.core.points import LonLat
from mapper.geo import routing
geodata = load_geodata()
start = time.perf_counter()
for feature in geodata.routes:
    props = feature["properties"]
    if "routing" in props:
        stops = [NamedPoint(p, LonLat(*geodata.place(p)["geometry"]["coordinates"]), p) for p in (props["from"], props["to"])]
        routing.route(geodata.data_dir, stops, props["routing"]["mode"])
print(time.perf_counter() - start)
"""


def main(runs=5):
    times_s = [float(subprocess.run([sys.executable, "-c", CHILD], check=True, capture_output=True, text=True).stdout)
               for _ in range(int(runs))]
    for n, seconds in enumerate(times_s, 1):
        print(f"run {n}: {seconds:.3f} s")
    print(f"median of {len(times_s)}: {statistics.median(times_s):.3f} s for the default briefing's routes "
          "(the sea graph loaded from its cache, the rivers built)")


if __name__ == "__main__":
    main(*sys.argv[1:])
