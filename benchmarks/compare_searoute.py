"""mapper's sea routes against the `searoute` package's, port pair by port pair, on every ocean.

For each pair in ``sea_route_pairs.csv`` (ports and the source of each
coordinate in ``sea_route_ports.csv``) the script routes with both tools and
reports: the geodesic length, the km over Natural Earth 1:10m land, the km
over that land shrunk by 1 km (for mapper: its sea legs only, as port-snap
legs join a port to the water, river legs run inland and connection legs are
canals), and the time per route.  The land is world-atlas@2.0.2's
``land-10m.json`` (npm), decoded by ``sea_land.py`` beside this script.

- mapper: ``mapper.api.route(["LAT,LON", "LAT,LON"], mode="sea")``, one GeoJSON
  Feature; its ``legs`` give ``kind`` and each leg's ``geometry``.
- searoute: ``searoute.searoute(origin, destination, append_orig_dest=True)``,
  so its line starts and ends at the ports too.  searoute is an optional
  benchmark dependency (``benchmarks/requirements.txt``), not one of mapper's.

Both lines are measured the same way: each segment a WGS84 geodesic,
densified to 1 km, split at ±180°.  Each tool first routes one pair untimed
(its graph is loaded or built then; that time is in the JSON as
``first_call_s``); the times in the table are of the routes after that, in
one process.  A failure of one tool on one pair is recorded as its one-line
error and the run goes on.

The JSON (``--out``, default ``benchmarks/sea_routes.json``) is rewritten
after every pair, so an interrupted run keeps what it measured; a Markdown
table is printed at the end.

Usage:
    .venv/bin/pip install -r benchmarks/requirements.txt      # searoute
    (npm ci)                                                   # node_modules/world-atlas, as `make` does
    .venv/bin/python benchmarks/compare_searoute.py
    .venv/bin/python benchmarks/compare_searoute.py --pairs odesa-piraeus,tokyo-seattle --tools mapper
    .venv/bin/python benchmarks/compare_searoute.py --pairs ci      # the pairs the CI test checks
"""

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import sea_land  # noqa: E402  (beside this script; benchmarks/ is not a package)

PORTS_CSV = HERE / "sea_route_ports.csv"
PAIRS_CSV = HERE / "sea_route_pairs.csv"
OUT = HERE / "sea_routes.json"
TOOLS = ("mapper", "searoute")
# mapper's route may be at most this much longer than searoute's where searoute stays on water (issue 19).
LONGER_BY = 0.05


# -- the pairs ----------------------------------------------------------------------------------------

def read_ports(path=PORTS_CSV):
    """Ports by id: name, country, lat, lon and the source of the coordinates."""
    with open(path, newline="", encoding="utf-8") as handle:
        return {row["id"]: {**row, "lat": float(row["lat"]), "lon": float(row["lon"])}
                for row in csv.DictReader(handle)}


def read_pairs(path=PAIRS_CSV, ports=None):
    """The pairs in file order, each with its two ports; an unknown port id is an error."""
    ports = read_ports() if ports is None else ports
    with open(path, newline="", encoding="utf-8") as handle:
        pairs = list(csv.DictReader(handle))
    for pair in pairs:
        for end in ("from", "to"):
            if pair[end] not in ports:
                raise SystemExit(f"{path}: pair {pair['id']}: no port {pair[end]!r} in {PORTS_CSV.name}")
        pair["ci"] = pair.get("ci", "").strip().lower() == "yes"
    return pairs


def select(pairs, wanted):
    """``wanted``: comma-separated pair ids, or ``ci`` for the pairs the CI test checks."""
    if not wanted:
        return pairs
    names = [w.strip() for w in wanted.split(",") if w.strip()]
    if names == ["ci"]:
        return [p for p in pairs if p["ci"]]
    unknown = sorted(set(names) - {p["id"] for p in pairs})
    if unknown:
        raise SystemExit(f"--pairs: unknown pair(s) {', '.join(unknown)}")
    return [p for p in pairs if p["id"] in names]


def stops_of(pair, ports):
    return [ports[pair[end]] for end in ("from", "to")]


def one_line(error):
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


# -- the two tools ------------------------------------------------------------------------------------

def route_mapper(stops):
    """mapper's route between two ports: (GeoJSON Feature, seconds)."""
    from mapper import api  # the CLI's front door, the one entry point a user has

    queries = [f"{s['lat']},{s['lon']}" for s in stops]
    start = time.perf_counter()
    feature = api.route(queries, mode="sea")
    return feature, time.perf_counter() - start


def route_searoute(stops):
    """searoute's route between two ports: (GeoJSON Feature, seconds)."""
    import searoute

    start = time.perf_counter()
    feature = searoute.searoute([stops[0]["lon"], stops[0]["lat"]], [stops[1]["lon"], stops[1]["lat"]],
                                units="km", append_orig_dest=True)
    return feature, time.perf_counter() - start


def mapper_legs(feature):
    """The feature's legs, each with its own geometry (``geometry`` of each leg, as mapper gives them)."""
    return [leg for leg in feature["properties"].get("legs", []) if leg.get("geometry")]


def measure_mapper(feature, land):
    props = feature["properties"]
    land_km, _ = land.measure(feature["geometry"])
    legs = mapper_legs(feature)
    result = {
        "length_km": sea_land.geodesic_km(feature["geometry"]),
        "reported_length_km": props.get("length_m", 0.0) / 1000.0,
        "land_km": land_km,
        "passes": props.get("passes"),
        "legs": [{"kind": leg.get("kind"), "water": leg.get("water"), "length_km": leg.get("length_m", 0.0) / 1000.0}
                 for leg in props.get("legs", [])],
    }
    if not legs and props.get("legs"):
        result["sea_error"] = "the legs carry no geometry: the sea legs cannot be measured on their own"
        return result
    sea_land_km = sea_shrunk_km = 0.0
    for leg in legs:
        if leg.get("kind") != "sea":
            continue
        over, shrunk = land.measure(leg["geometry"])
        sea_land_km += over
        sea_shrunk_km += shrunk
    result.update(sea_land_km=sea_land_km, sea_shrunk_km=sea_shrunk_km,
                  sea_legs=sum(1 for leg in legs if leg.get("kind") == "sea"))
    return result


def measure_searoute(feature, land):
    over, shrunk = land.measure(feature["geometry"])
    return {"length_km": sea_land.geodesic_km(feature["geometry"]),
            "reported_length_km": feature["properties"].get("length"),
            "land_km": over, "shrunk_km": shrunk}


ROUTERS = {"mapper": (route_mapper, measure_mapper), "searoute": (route_searoute, measure_searoute)}


# -- the run -------------------------------------------------------------------------------------------

def environment():
    def version(name):
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    def git(*args):
        try:
            done = subprocess.run(["git", *args], cwd=HERE.parent, capture_output=True, text=True, check=True)
            return done.stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return None

    return {
        "machine": platform.machine(), "system": platform.platform(), "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "packages": {name: version(name) for name in ("mapper", "searoute", "shapely", "pyproj", "networkx")},
        "mapper_commit": git("rev-parse", "HEAD"),
        "mapper_tree_dirty": bool(git("status", "--porcelain", "--", "mapper")),
        "land": "Natural Earth 4.1.0 1:10m land, npm world-atlas@2.0.2 land-10m.json",
        "shrink_m": sea_land.SHRINK_M, "densify_m": sea_land.DENSIFY_M,
    }


def run_tool(name, stops, land):
    route, measure = ROUTERS[name]
    try:
        feature, seconds = route(stops)
    except Exception as error:  # one pair's failure is a result, not the end of the run
        return {"error": one_line(error)}
    try:
        return {"time_s": seconds, **measure(feature, land)}
    except Exception as error:
        return {"time_s": seconds, "error": f"measuring: {one_line(error)}"}


def warm_up(name, stops):
    """Route one pair untimed: the first call loads (or builds) the tool's graph."""
    try:
        return {"first_call_s": ROUTERS[name][0](stops)[1]}
    except Exception as error:
        return {"first_call_error": one_line(error)}


def write_json(path, document):
    tmp = Path(str(path) + ".tmp")
    tmp.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", help="comma-separated pair ids (see sea_route_pairs.csv), or 'ci'")
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated: mapper,searoute")
    parser.add_argument("--out", type=Path, default=OUT, help=f"JSON results (default {OUT.relative_to(HERE.parent)})")
    args = parser.parse_args(argv)
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    if not tools or set(tools) - set(TOOLS):
        parser.error(f"--tools: choose from {', '.join(TOOLS)}")

    ports = read_ports()
    pairs = select(read_pairs(ports=ports), args.pairs)
    started = time.perf_counter()
    land = sea_land.natural_earth_land()
    document = {"environment": environment(), "land_load_s": time.perf_counter() - started,
                "tools": {}, "pairs": []}
    for name in tools:
        document["tools"][name] = warm_up(name, stops_of(pairs[0], ports))
        print(f"{name}: first call {document['tools'][name]}", file=sys.stderr)
    for pair in pairs:
        stops = stops_of(pair, ports)
        row = {"id": pair["id"], "from": pair["from"], "to": pair["to"], "ocean": pair["ocean"], "via": pair["via"],
               "ci": pair["ci"], "ends": [[s["lat"], s["lon"]] for s in stops]}
        for name in tools:
            row[name] = run_tool(name, stops, land)
        document["pairs"].append(row)
        write_json(args.out, document)
        print(f"{pair['id']}: " + "; ".join(f"{n} {_short(row[n])}" for n in tools), file=sys.stderr)
    print(markdown(document["pairs"], tools))
    notes = longer_notes(document["pairs"])
    if notes:
        print("\nmapper more than 5 % longer than searoute where searoute stays on water:")
        print("\n".join(f"- {n}" for n in notes))
    return document


# -- the table ------------------------------------------------------------------------------------------

def _short(result):
    if "error" in result:
        return result["error"]
    return f"{result['length_km']:,.0f} km, {_ms(result['time_s'])}"


def _km(value, digits=0):
    return "–" if value is None else f"{value:,.{digits}f}"


def ratio(row):
    """mapper's length over searoute's, or None."""
    ours, theirs = row.get("mapper", {}), row.get("searoute", {})
    if "length_km" in ours and "length_km" in theirs and "error" not in ours and theirs["length_km"]:
        return ours["length_km"] / theirs["length_km"]
    return None


def longer_notes(rows):
    """Pairs where mapper is more than LONGER_BY longer and searoute's line stays off the shrunk land."""
    notes = []
    for row in rows:
        r = ratio(row)
        if r is not None and r > 1.0 + LONGER_BY and row["searoute"].get("shrunk_km", 1.0) == 0.0:
            notes.append(f"{row['id']}: {r - 1.0:+.1%}")
    return notes


def markdown(rows, tools=TOOLS):
    """The results as one Markdown table, errors as footnotes."""
    head = ["pair", "expected via"]
    if "mapper" in tools:
        head += ["mapper passes", "mapper km", "over land", "sea legs over land −1 km", "time"]
    if "searoute" in tools:
        head += ["searoute km", "over land", "over land −1 km", "time"]
    if set(tools) == set(TOOLS):
        head.append("mapper / searoute")
    text_columns = 3 if "mapper" in tools else 2
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join(["---"] * text_columns + ["---:"] * (len(head) - text_columns)) + "|"]
    errors = []
    for row in rows:
        cells = [row["id"], row["via"] or "–"]
        if "mapper" in tools:
            cells.append(_passes(row["mapper"]))
            cells += _cells(row["mapper"], "sea_shrunk_km", f"mapper, {row['id']}", errors)
        if "searoute" in tools:
            cells += _cells(row["searoute"], "shrunk_km", f"searoute, {row['id']}", errors)
        if set(tools) == set(TOOLS):
            r = ratio(row)
            cells.append("–" if r is None else f"{r:.3f}")
        lines.append("| " + " | ".join(cells) + " |")
    if errors:
        lines.append("")
        lines += [f"{n}. {text}" for n, text in enumerate(errors, 1)]
    return "\n".join(lines)


def _passes(result):
    """The straits and canals mapper's route passes, by name, as it lists them."""
    passes = result.get("passes")
    if passes is None:
        return "–"
    return "; ".join(p.get("name", p.get("id", "?")) if isinstance(p, dict) else str(p) for p in passes) or "none"


def _cells(result, shrunk_key, label, errors):
    if "error" in result and "length_km" not in result:
        errors.append(f"{label}: {result['error']}")
        return [f"error ({len(errors)})", "–", "–", "–"]
    shrunk = result.get(shrunk_key)
    if shrunk is None and result.get("sea_error"):
        errors.append(f"{label}: {result['sea_error']}")
        shrunk_cell = f"n/a ({len(errors)})"
    else:
        shrunk_cell = _km(shrunk, 1)
    return [_km(result.get("length_km")), _km(result.get("land_km"), 1), shrunk_cell, _ms(result["time_s"])]


def _ms(seconds):
    return f"{seconds * 1000:,.0f} ms"


if __name__ == "__main__":
    main()
