"""Benchmark: mapper's large point layers against folium GeoJson, FastMarkerCluster and GeoDataFrame.explore.

For each size N, the parent writes one seeded data set, then builds a map with
each tool in a fresh Python process (import, build + save, HTML size, peak
memory) and opens each page in one headless Chromium (time to the first
drawn layer, time per zoom/pan frame).  See benchmarks/README.md.

Usage:  .venv/bin/python benchmarks/bench_points.py [--sizes 10000,100000] [--tools mapper,explore] [--skip-browser]
"""

import argparse
import importlib
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

# Only the standard library at the top: a child process times its tool's imports from a clean start.
HERE = Path(__file__).resolve().parent
SEED = 20220224
CATEGORIES = ("drone strike", "missile strike", "shelling", "air defence", "explosion")
FIRST_DAY, LAST_DAY = "2022-02-24", "2024-09-30"
LON_RANGE, LAT_RANGE = (22.0, 41.0), (44.0, 53.0)
TOOLS = ("mapper", "folium-geojson", "fast-marker-cluster", "explore")
# explore() imports matplotlib.pyplot and mapclassify on every call (about 1 s); counted here, not in build_s.
IMPORTS = {"mapper": ("mapper.html.page", "mapper.load.pointfiles"), "folium-geojson": ("folium",),
           "fast-marker-cluster": ("folium", "folium.plugins"),
           "explore": ("geopandas", "folium", "matplotlib.pyplot", "mapclassify")}
VIEWPORT = {"width": 1400, "height": 900}
ROUNDS = 2  # of the four view changes in VIEW_CHANGES_JS

# After the window load event and any zoom animation still running (explore() fits its view with one), two
# frames later: the first frame after the layer's last update has been painted.
PEER_READY_JS = """window.addEventListener("load", function () {
  function mark() {
    requestAnimationFrame(function () { requestAnimationFrame(function () { performance.mark("peer-ready"); }); });
  }
  var element = document.querySelector(".folium-map"), map = element && window[element.id];
  if (map && map._animatingZoom) map.once("zoomend", mark); else mark();
});"""
# Functions, not expressions: Playwright evaluates an expression with eval, which mapper's CSP forbids.
HAS_MARK_JS = "name => performance.getEntriesByName(name).length > 0"
MARK_MS_JS = "name => performance.getEntriesByName(name)[0].startTime"  # from navigation start
# Each change without animation, timed from the call to the second animation frame after it.
VIEW_CHANGES_JS = """async (rounds) => {
  const map = window[document.querySelector(".folium-map").id];
  const twoFrames = () => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  const changes = [() => map.setZoom(map.getZoom() + 1, {animate: false}), () => map.panBy([300, 0], {animate: false}),
                   () => map.setZoom(map.getZoom() - 1, {animate: false}), () => map.panBy([-300, 0], {animate: false})];
  await twoFrames();
  const frameMs = [];
  for (let r = 0; r < rounds; r++) {
    for (const change of changes) {
      const started = performance.now();
      change();
      await twoFrames();
      frameMs.push(performance.now() - started);
    }
  }
  let drawMs = null;
  map.eachLayer(layer => { if (layer.drawMs) drawMs = layer.drawMs.slice(); });
  return {frameMs, drawMs};
}"""


# -- data ----------------------------------------------------------------------


def write_data(n, path):
    """Write N seeded points (lon, lat, date, category, name) to an .npz that every tool reads."""
    import numpy as np

    rng = np.random.default_rng(SEED)
    lon = rng.uniform(*LON_RANGE, n)
    lat = rng.uniform(*LAT_RANGE, n)
    span_days = int((np.datetime64(LAST_DAY) - np.datetime64(FIRST_DAY)).astype(int))
    days = np.datetime64(FIRST_DAY) + rng.integers(0, span_days + 1, n).astype("timedelta64[D]")
    date = np.datetime_as_string(days, unit="D")
    category = np.array(CATEGORIES)[rng.integers(0, len(CATEGORIES), n)]
    name = np.char.add("Report ", np.arange(1, n + 1).astype(str))
    np.savez(path, lon=lon, lat=lat, date=date, category=category, name=name)


# -- builds, each in a child process -------------------------------------------


def _fit(fmap, d):
    """Fit the view to the data, as mapper and explore() do (folium.Map() alone shows the whole world).

    Called before the layer is added, so that the layer is drawn at the final view only (folium writes the
    scripts in the order of the calls)."""
    fmap.fit_bounds([[float(d["lat"].min()), float(d["lon"].min())], [float(d["lat"].max()), float(d["lon"].max())]])


def build_mapper(d, html_path, briefing_path):
    from mapper.html.page import render_briefing
    from mapper.load.pointfiles import point_layer

    layer = point_layer(d["lon"], d["lat"], title="Reports", source=f"generated, seed {SEED}",
                        time=d["date"], category=d["category"], label=d["name"])
    render_briefing(briefing_path, html_path, overwrite=True, point_layers=[layer])


def build_folium_geojson(d, html_path, _):
    import folium

    rows = zip(d["lon"].tolist(), d["lat"].tolist(), d["date"].tolist(), d["category"].tolist(), d["name"].tolist())
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                 "properties": {"date": date, "category": category, "name": name}}
                for lon, lat, date, category, name in rows]
    fmap = folium.Map()
    _fit(fmap, d)
    folium.GeoJson({"type": "FeatureCollection", "features": features}).add_to(fmap)
    fmap.save(html_path)


def build_fast_marker_cluster(d, html_path, _):
    import folium
    from folium.plugins import FastMarkerCluster

    fmap = folium.Map()
    _fit(fmap, d)
    FastMarkerCluster([[lat, lon] for lat, lon in zip(d["lat"].tolist(), d["lon"].tolist())]).add_to(fmap)
    fmap.save(html_path)


def build_explore(gdf, html_path, _):
    gdf.explore().save(html_path)


def prepare_explore(d):
    """The GeoDataFrame is explore()'s natural input, so making it is not timed."""
    import geopandas

    return geopandas.GeoDataFrame({"date": d["date"], "category": d["category"], "name": d["name"]},
                                  geometry=geopandas.points_from_xy(d["lon"], d["lat"]), crs="EPSG:4326")


BUILDERS = {"mapper": build_mapper, "folium-geojson": build_folium_geojson,
            "fast-marker-cluster": build_fast_marker_cluster, "explore": build_explore}


def child(tool, data_path, html_path):
    """Time the tool's imports, load the data (untimed), time build + save; print one JSON line."""
    started = time.perf_counter()
    for module in IMPORTS[tool]:
        importlib.import_module(module)
    import_s = time.perf_counter() - started
    import numpy as np

    with np.load(data_path) as npz:
        data = {key: npz[key] for key in npz.files}
    briefing_path = Path(html_path).with_suffix(".toml")  # mapper's map needs a briefing: an empty one
    if tool == "mapper":
        briefing_path.write_text('title = "Benchmark"\nlayers = []\n', encoding="utf-8")
    data = prepare_explore(data) if tool == "explore" else data
    started = time.perf_counter()
    BUILDERS[tool](data, html_path, briefing_path)
    build_s = time.perf_counter() - started
    print(json.dumps({"import_s": import_s, "build_s": build_s, "html_bytes": os.path.getsize(html_path),
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))  # KiB on Linux


def run_build(tool, data_path, html_path, timeout_s):
    """One child process; a timeout or a failure is a result too."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", tool, str(data_path), str(html_path)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, cwd=html_path.parent)
    except subprocess.TimeoutExpired:
        return {"status": "timeout"}
    if done.returncode != 0:
        return {"status": "failed", "error": done.stderr.strip()[-2000:]}
    return {"status": "ok", **json.loads(done.stdout.strip().splitlines()[-1])}


# -- browser -------------------------------------------------------------------


def local_files():
    """CDN URL patterns answered from disk, each with the folder holding the file name it captures.

    Leaflet from XStatic-Leaflet; Leaflet.markercluster and Leaflet.awesome-markers from npm, at the versions
    folium asks for (FastMarkerCluster's markers call L.AwesomeMarkers.icon(): without it nothing is drawn).
    """
    import xstatic.pkg.leaflet

    modules = HERE / "node_modules"
    awesome = modules / "drmonty-leaflet-awesome-markers"
    if not awesome.is_dir() or not (modules / "leaflet.markercluster").is_dir():
        sys.exit(f"{modules} is incomplete: run `npm ci` in {HERE}")
    return [(re.compile(r"/leaflet@1\.9\.\d+/dist/(leaflet\.(?:js|css))$"), Path(xstatic.pkg.leaflet.BASE_DIR)),
            (re.compile(r"/leaflet\.markercluster/1\.1\.0/(leaflet\.markercluster\.js|MarkerCluster[.\w]*\.css)$"),
             modules / "leaflet.markercluster" / "dist"),
            (re.compile(r"/Leaflet\.awesome-markers/2\.0\.2/(leaflet\.awesome-markers\.js)$"), awesome / "js"),
            (re.compile(r"/Leaflet\.awesome-markers/2\.0\.2/(leaflet\.awesome-markers\.css)$"), awesome / "css")]


def route_handler(files, aborted):
    """Let file:/data: through, answer the pinned CDN files locally, abort (and record) the rest."""
    def handle(route):
        url = route.request.url
        if url.startswith(("file:", "data:")):
            return route.continue_()
        for pattern, folder in files:
            match = pattern.search(url)
            if match:
                kind = "text/css" if url.endswith(".css") else "application/javascript"
                return route.fulfill(path=folder / match.group(1), content_type=kind)
        aborted.append(url)
        return route.abort()
    return handle


def measure_page(browser, html_path, tool, files, timeout_s):
    """Open one page in a fresh context: time to the ready mark, then timed view changes."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    aborted, errors = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route("**/*", route_handler(files, aborted))
    page.add_init_script(PEER_READY_JS)  # on every page, mapper's too, for a like-for-like load_ready_ms
    result = {"status": "ok"}
    try:
        _time_page(page, html_path, "mapper-ready" if tool == "mapper" else "peer-ready", timeout_s * 1000, result)
    except PlaywrightTimeout:
        result["status"] = "timeout"
    except PlaywrightError as error:  # a crashed page (out of memory) is a result too
        result.update(status="failed", error=str(error).strip().splitlines()[0])
    result.update(aborted_requests=len(aborted), aborted_hosts=sorted({u.split("/")[2] for u in aborted if "//" in u}),
                  page_errors=errors)
    context.close()
    return result


def _time_page(page, html_path, mark, timeout_ms, result):
    page.goto(html_path.as_uri(), wait_until="commit", timeout=timeout_ms)
    page.wait_for_function(HAS_MARK_JS, arg=mark, timeout=timeout_ms, polling=50)
    result["ready_ms"] = page.evaluate(MARK_MS_JS, mark)
    page.wait_for_function(HAS_MARK_JS, arg="peer-ready", timeout=timeout_ms, polling=50)
    result["load_ready_ms"] = page.evaluate(MARK_MS_JS, "peer-ready")
    views = page.evaluate(VIEW_CHANGES_JS, ROUNDS)
    result.update(zoom_frame_ms=views["frameMs"], zoom_frame_median_ms=statistics.median(views["frameMs"]),
                  zoom_frame_max_ms=max(views["frameMs"]))
    if views["drawMs"]:
        result.update(draw_ms=views["drawMs"], draw_median_ms=statistics.median(views["drawMs"]))


# -- report --------------------------------------------------------------------


def machine():
    """What the numbers were measured on."""
    cpuinfo, meminfo = Path("/proc/cpuinfo").read_text(), Path("/proc/meminfo").read_text()
    chromium = subprocess.run(["chromium", "--version"], capture_output=True, text=True).stdout.strip()
    versions = {package: _version(package) for package in
                ("mapper", "folium", "geopandas", "mapclassify", "playwright", "numpy", "shapely")}
    return {"cpu": re.search(r"model name\s*:\s*(.*)", cpuinfo).group(1), "cores": os.cpu_count(),
            "ram_gb": round(int(re.search(r"MemTotal:\s*(\d+)", meminfo).group(1)) / 1024**2, 1),
            "python": platform.python_version(), "platform": platform.platform(), "chromium": chromium,
            "versions": versions}


def _version(package):
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _cell(value, fmt):
    return "–" if value is None else format(value, fmt)


def table(rows):
    """The results as Markdown: one line per size and tool, then the import times."""
    lines = ["| N | tool | build and save (s) | HTML size (MB) | peak memory (MB) | browser ready (s) "
             "| zoom/pan frame median/max (ms) |", "|---:|---|---:|---:|---:|---:|---|"]
    for row in rows:
        page = row.get("browser") or {}
        build, size, memory = (row["status"], "–", "–") if row["status"] != "ok" else (
            _cell(row["build_s"], ".2f"), _cell(row["html_bytes"] / 1e6, ".1f"), _cell(row["peak_rss_mb"], ".0f"))
        ready = _cell(page["ready_ms"] / 1000, ".2f") if "ready_ms" in page else page.get("status", "–")
        frames = (f"{page['zoom_frame_median_ms']:.0f} / {page['zoom_frame_max_ms']:.0f}"
                  if "zoom_frame_ms" in page else "–")
        if "draw_median_ms" in page:
            frames += f" (draw median {page['draw_median_ms']:.1f})"
        lines.append(f"| {row['n']:,} | {row['tool']} | {build} | {size} | {memory} | {ready} | {frames} |")
    lines += ["", "| tool | import (s), one per run |", "|---|---|"]
    for tool in dict.fromkeys(row["tool"] for row in rows):
        times = [f"{row['import_s']:.2f}" for row in rows if row["tool"] == tool and "import_s" in row]
        lines.append(f"| {tool} | {', '.join(times) or '–'} |")
    problems = []  # why a build failed, and what went wrong in a page
    for row in rows:
        page, where = row.get("browser") or {}, f"- N={row['n']:,} {row['tool']}:"
        problems += [f"{where} build failed: {row['error'].splitlines()[-1]}"] if row.get("error") else []
        problems += [f"{where} page failed: {page['error']}"] if page.get("error") else []
        problems += [f"{where} page error: {error}" for error in page.get("page_errors", [])]
    lines += ["", *problems] if problems else []
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated point counts")
    parser.add_argument("--tools", default=",".join(TOOLS), help=f"comma-separated, of {', '.join(TOOLS)}")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per build process")
    parser.add_argument("--browser-timeout", type=float, default=300, help="seconds to wait for a page's ready mark")
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    tools = [tool for tool in args.tools.split(",") if tool]
    unknown = set(tools) - set(TOOLS)
    if unknown:
        parser.error(f"unknown tools: {', '.join(sorted(unknown))}")
    report = {"machine": machine(), "seed": SEED, "viewport": VIEWPORT, "results": []}
    with tempfile.TemporaryDirectory(prefix="mapper-bench-") as work:
        run_all(sizes, tools, args, Path(work), report)
    print(table(report["results"]))


def run_all(sizes, tools, args, work, report):
    """Build, then open, every tool's map at every size; save the JSON after each result."""
    playwright = browser = None
    if not args.skip_browser:
        from playwright.sync_api import sync_playwright

        from mapper.export.browser import launch

        playwright = sync_playwright().start()
        browser = launch(playwright)
        files = local_files()
    try:
        for n in sizes:
            data_path = work / f"points-{n}.npz"
            write_data(n, data_path)
            for tool in tools:
                html_path = work / f"{tool}-{n}.html"
                print(f"N={n:,} {tool}: building", file=sys.stderr, flush=True)
                row = {"n": n, "tool": tool, **run_build(tool, data_path, html_path, args.timeout)}
                if browser is not None and row["status"] == "ok":
                    print(f"N={n:,} {tool}: browser", file=sys.stderr, flush=True)
                    row["browser"] = measure_page(browser, html_path, tool, files, args.browser_timeout)
                report["results"].append(row)
                args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
                html_path.unlink(missing_ok=True)
            data_path.unlink()
    finally:
        if browser is not None:
            browser.close()
            playwright.stop()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(*sys.argv[2:5])
    else:
        main()
