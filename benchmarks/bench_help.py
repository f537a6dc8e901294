"""How fast ``mapper --help`` starts, against importing geopandas and folium, side by side.

Usage:  .venv/bin/python benchmarks/bench_help.py [--runs 15]

Each round runs every command once, in turn, as a fresh process (the
``mapper`` console script beside this Python), so the machine's load falls on
all of them alike.  Prints the median wall time of each and the ratio of
``mapper --help`` to the geopandas + folium import; the target is at most 0.25.
"""

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_RATIO = 0.25


def commands():
    mapper = str(Path(sys.executable).with_name("mapper"))
    return {
        "mapper --help": [mapper, "--help"],
        "mapper distance --help": [mapper, "distance", "--help"],
        "mapper render --help": [mapper, "render", "--help"],
        "python -c 'import geopandas, folium'": [sys.executable, "-c", "import geopandas, folium"],
    }


def wall_s(argv):
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="rounds (default 15)")
    runs = parser.parse_args().runs
    table = commands()
    for argv in table.values():  # warm the file cache once
        wall_s(argv)
    times = {name: [] for name in table}
    for _ in range(runs):
        for name, argv in table.items():
            times[name].append(wall_s(argv))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, median in medians.items():
        print(f"{name:<40} median {median * 1000:7.1f} ms  (min {min(times[name]) * 1000:.1f} ms, {runs} runs)")
    ratio = medians["mapper --help"] / medians["python -c 'import geopandas, folium'"]
    print(f"mapper --help / import geopandas, folium = {ratio:.3f} (target <= {TARGET_RATIO})")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
