"""Two fragments with point layers on one report page, in a real headless Chromium.

Each map must read its own data blocks: with ids shared between fragments,
the second map drew the first map's points under its own title and source,
silently when both layers had the same number of rows.
"""

import re

import numpy as np
import pytest
from test_browser import OpenedMap

from mapper import api
from mapper.html import csp

ROWS = 40  # the same in both layers: the case a count could not catch
BOX = [[46.0, 29.0], [52.0, 39.0]]  # both maps are set to this view to compare their drawings

# Each map on the page, by its container: its point layer's data and drawing, and its panel.
MAPS_STATE = """() => Array.from(document.querySelectorAll('.folium-map')).map(element => {
  const map = window[element.id];
  let layer = null;
  map.eachLayer(l => { if (l.drawMs) layer = l; });
  const panel = element.querySelector('.mapper-point-panel');
  return {
    id: element.id,
    points: element.getAttribute('data-mapper-points'),
    blocks: [layer.meta.coords, layer.meta.cats, layer.meta.labels],
    coords: Array.from(layer.coords),
    labels: layer.labels,
    title: panel.querySelector('.mapper-point-title').textContent,
    source: panel.querySelector('.mapper-point-source').textContent,
    count: panel.querySelector('.mapper-point-count').textContent,
  };
})"""

# For one map, set to a view: whether its canvas is painted at each (lat, lon) of each list
# (the canvas is read once: repeated reads make Chromium warn).
PAINTED_AT = """([index, box, lists]) => {
  const element = document.querySelectorAll('.folium-map')[index];
  const map = window[element.id];
  let layer = null;
  map.eachLayer(l => { if (l.drawMs) layer = l; });
  map.fitBounds(box, {animate: false});
  layer.redraw();
  const canvas = element.querySelector('.mapper-point-canvas');
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  const ratio = canvas.width / canvas.getBoundingClientRect().width;
  return lists.map(places => places.map(([lat, lon]) => {
    const p = map.latLngToContainerPoint([lat, lon]);
    return pixels[4 * (Math.round(p.y * ratio) * canvas.width + Math.round(p.x * ratio)) + 3] > 0;
  }));
}"""


def _points(seed, west, east):
    """ROWS points between ``west`` and ``east`` (degrees of longitude), at least 0.3 degrees apart."""
    rng = np.random.default_rng(seed)
    lon = west + (np.arange(ROWS) % 8) * (east - west) / 8 + rng.uniform(0, 0.05, ROWS)
    lat = 47.0 + (np.arange(ROWS) // 8) * 0.8 + rng.uniform(0, 0.05, ROWS)
    return np.round(lon, 6), np.round(lat, 6)


def _briefing(folder, name, title, west, east, seed):
    lon, lat = _points(seed, west, east)
    rows = "".join(f"{y},{x},2024-06-{1 + n % 28:02d},{'ab'[n % 2]},{name} report {n + 1}\n"
                   for n, (x, y) in enumerate(zip(lon, lat)))
    (folder / f"{name}.csv").write_text("lat,lon,date,type,name\n" + rows, encoding="utf-8")
    path = folder / f"{name}.toml"
    path.write_text(f'title = "{title}"\ndata = ["iran-russia"]\nlayers = ["places"]\n[[points]]\nfile = "{name}.csv"\n'
                    f'title = "Reports {name}"\nsource = "Export {name}"\ncategory = "type"\n', encoding="utf-8")
    return path, lon, lat


@pytest.mark.browser
@pytest.mark.parametrize("mode", ["offline", "online"])
def test_two_fragments_each_show_their_own_points(browser, tmp_path, mode):
    offline = mode == "offline"
    west_path, west_lon, west_lat = _briefing(tmp_path, "west", "Strikes in the west", 29.5, 33.5, 1)
    east_path, east_lon, east_lat = _briefing(tmp_path, "east", "Strikes in the east", 34.5, 38.5, 2)
    fragments = [api.export(path, tmp_path / f"{path.stem}.html", "fragment", offline=offline).path
                 .read_text(encoding="utf-8") for path in (west_path, east_path)]
    block_ids = [re.findall(r'<script type="application/x-mapper-points" id="([^"]+)"', f) for f in fragments]
    assert [len(ids) for ids in block_ids] == [4, 4]  # coordinates, days, categories, labels
    assert not set(block_ids[0]) & set(block_ids[1])
    assert all(re.fullmatch(r"[a-z0-9-]+", i) for ids in block_ids for i in ids)  # csp._DATA_BLOCK's form
    assert all(csp._DATA_BLOCK.search(f) for f in fragments)
    page_path = tmp_path / "report.html"
    page_path.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Report</title></head><body>"
                         "<h1>Report</h1><p>West:</p>" + fragments[0] + "<p>East:</p>" + fragments[1] +
                         "</body></html>", encoding="utf-8")
    opened = OpenedMap(browser, page_path, serve_assets=not offline)
    try:
        page = opened.page
        page.wait_for_function("() => document.querySelectorAll('[data-mapper-ready]').length === 2")
        # No id is used twice on the page.
        assert page.evaluate("""() => { const ids = Array.from(document.querySelectorAll('[id]')).map(e => e.id);
            return ids.length - new Set(ids).size; }""") == 0
        west, east = page.evaluate(MAPS_STATE)
        assert west["id"] != east["id"] and west["points"] != east["points"]
        assert not set(west["blocks"]) & set(east["blocks"])
        for state, name, lon, lat in ((west, "west", west_lon, west_lat), (east, "east", east_lon, east_lat)):
            coords = np.array(state["coords"]).reshape(-1, 2) / 1e6
            np.testing.assert_allclose(coords[:, 0], lon, atol=1e-6)
            np.testing.assert_allclose(coords[:, 1], lat, atol=1e-6)
            assert state["labels"][0] == f"{name} report 1"
            assert state["title"] == f"Reports {name}" and state["source"] == f"Source: Export {name}"
            assert state["count"] == f"{ROWS} of {ROWS} points shown"
        # Drawn at the same view, each map paints its own points and not the other's.
        west_places = np.column_stack([west_lat, west_lon]).tolist()
        east_places = np.column_stack([east_lat, east_lon]).tolist()
        for index, own, other in ((0, west_places, east_places), (1, east_places, west_places)):
            painted_own, painted_other = page.evaluate(PAINTED_AT, [index, BOX, [own, other]])
            assert all(painted_own) and not any(painted_other)
        assert opened.errors == [] and opened.dialogs == []
        if offline:
            assert opened.requests == []
    finally:
        opened.close()


def test_the_same_layer_in_two_maps_gets_different_ids(tmp_path):
    """Ids come from the layer and the map: the same points under two titles do not share blocks."""
    first, _, _ = _briefing(tmp_path, "same", "First map", 29.5, 33.5, 1)
    second = tmp_path / "second.toml"
    second.write_text(first.read_text(encoding="utf-8").replace("First map", "Second map"), encoding="utf-8")
    ids = []
    for path in (first, first, second):
        html = api.export(path, tmp_path / f"{len(ids)}.html", "fragment").path.read_text(encoding="utf-8")
        ids.append(re.findall(r'<script type="application/x-mapper-points" id="([^"]+)"', html))
    assert ids[0] == ids[1]  # reproducible
    assert not set(ids[0]) & set(ids[2])
