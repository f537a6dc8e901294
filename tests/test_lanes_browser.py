"""Lanes that run together are drawn apart in Chromium, at every zoom, while their data stay put."""

import pytest
from shapely.geometry import LineString, Point

from mapper import api

pytestmark = pytest.mark.browser

MAP = "window[document.querySelector('.folium-map').id]"
ASTARA = "Caspian lane: Astara → Makhachkala"
NOWSHAHR = "Caspian lane: Nowshahr → Makhachkala"
# Each lane's points as drawn (offset on screen) and where its data put them, in layer pixels.
LANES = """(names) => {
  const map = %s, out = {};
  map.eachLayer(layer => {
    const tip = layer.getTooltip && layer.getTooltip();
    if (!(layer instanceof L.Polyline) || !tip || !names.includes(tip.getContent())) return;
    out[tip.getContent()] = {
      offset: (layer.options.laneSlot || 0) * (layer.options.weight + (layer.options.laneGap || 0)),
      drawn: layer._rings.flat().map(p => [p.x, p.y]),
      data: layer.getLatLngs().flat().map(ll => { const p = map.latLngToLayerPoint(ll); return [p.x, p.y]; })
    };
  });
  return out;
}""" % MAP


@pytest.fixture(scope="module")
def page(browser, tmp_path_factory):
    path = api.render(output_path=tmp_path_factory.mktemp("lanes") / "map.html").path
    opened = browser.new_page(viewport={"width": 1366, "height": 768})
    opened.goto(path.resolve().as_uri())
    opened.wait_for_selector("[data-mapper-ready]")
    yield opened
    opened.close()


def _gaps_where_the_data_meet(lanes):
    """Pixel gaps between the two lanes as drawn, where their data are under a pixel apart."""
    first, second = lanes[ASTARA], lanes[NOWSHAHR]
    data_second, drawn_second = LineString(second["data"]), LineString(second["drawn"])
    return [drawn_second.distance(Point(drawn)) for data, drawn in zip(first["data"], first["drawn"])
            if data_second.distance(Point(data)) < 1.0]


@pytest.mark.parametrize("zoom_in", [0, 2])
def test_the_makhachkala_lanes_are_drawn_apart_where_they_share_water(page, zoom_in):
    if zoom_in:
        page.evaluate(f"() => {{ const map = {MAP}; map.setView([41.5, 48.8], map.getZoom() + {zoom_in}, "
                      "{animate: false}); }")
    lanes = page.evaluate(LANES, [ASTARA, NOWSHAHR])
    gaps = _gaps_where_the_data_meet(lanes)
    assert len(gaps) >= 3, "the two lanes' data should run together for a stretch"
    spacing = abs(lanes[ASTARA]["offset"] - lanes[NOWSHAHR]["offset"])
    assert spacing >= 5
    assert min(gaps) >= 0.8 * spacing, gaps


def test_a_lane_is_moved_on_screen_only(page):
    lanes = page.evaluate(LANES, [ASTARA, NOWSHAHR])
    for lane in lanes.values():
        moved = [Point(d).distance(Point(p)) for d, p in zip(lane["data"][1:-1], lane["drawn"][1:-1])]
        # Each point moves by the offset (up to twice as far at a sharp corner), never more.
        assert all(abs(lane["offset"]) * 0.99 <= m <= 2.01 * abs(lane["offset"]) for m in moved), moved


def test_lanes_a_step_highlights_widen_and_stay_apart(browser, tmp_path):
    path = api.render(output_path=tmp_path / "map.html").path
    opened = browser.new_page(viewport={"width": 1366, "height": 768})
    opened.goto(path.resolve().as_uri() + "#step=1")  # the Caspian lanes, highlighted
    opened.wait_for_selector("[data-mapper-ready]")
    lanes = opened.evaluate(LANES, [ASTARA, NOWSHAHR])
    weights = opened.evaluate(f"""() => {{ const out = []; {MAP}.eachLayer(l => {{
      if (l.options && l.options.laneGap) out.push(l.options.weight); }}); return out; }}""")
    assert weights and min(weights) > 4, "step 1 highlights the lanes: they are drawn wider"
    gaps = _gaps_where_the_data_meet(lanes)
    spacing = abs(lanes[ASTARA]["offset"] - lanes[NOWSHAHR]["offset"])
    assert spacing > max(weights) and min(gaps) >= 0.8 * spacing, gaps
    opened.close()
