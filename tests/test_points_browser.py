"""Large point layers in a real headless Chromium: drawn, clickable, filtered, and inert text."""

import numpy as np
import pytest
from hostile import NAMED_PAYLOADS, PAYLOADS
from playwright.sync_api import sync_playwright
from test_browser import OpenedMap

from mapper import api
from mapper.export.browser import launch
from mapper.load.pointfiles import point_layer

pytestmark = pytest.mark.browser

MAP = "window[document.querySelector('.folium-map').id]"
LAYER = "(() => { let found = null; %s.eachLayer(l => { if (l.drawMs) found = l; }); return found; })()" % MAP
HOSTILE_LABEL = "Depot " + PAYLOADS[0] + " " + NAMED_PAYLOADS["entities"]  # within the 200-character limit
COUNT = 3000


def _layer():
    rng = np.random.default_rng(11)
    lon, lat = rng.uniform(30.0, 36.0, COUNT), rng.uniform(47.0, 51.0, COUNT)
    # One known point apart from the rest, with a hostile label.
    lon[0], lat[0] = 38.5, 52.5
    dates = np.array(["2024-01-%02d" % d for d in rng.integers(1, 29, COUNT)], dtype=object)
    dates[0], dates[1] = "2024-03-01", ""
    categories = rng.choice(["drone strike", "shelling"], COUNT).astype(object)
    categories[0] = "drone strike"
    labels = [f"Report {i + 1}" for i in range(COUNT)]
    labels[0] = HOSTILE_LABEL
    return point_layer(lon, lat, title="Reports <b>bold</b>", source="Test export " + PAYLOADS[0], time=dates,
                       category=categories, label=labels)


@pytest.fixture(scope="module")
def points_map(tmp_path_factory):
    folder = tmp_path_factory.mktemp("points")
    briefing = folder / "b.toml"
    briefing.write_text('title = "Points"\nlayers = ["places"]\n', encoding="utf-8")
    path = api.render(briefing, folder / "points.html", point_layers=[_layer()]).path
    with sync_playwright() as playwright:
        browser = launch(playwright)
        opened = OpenedMap(browser, path)
        yield opened
        opened.close()
        browser.close()


def _state(page):
    return page.evaluate("""() => { const l = %s; return {mode: l.mode, visible: l.visibleCount,
        shown: l.shownCount(), count: document.querySelector('.mapper-point-count').textContent}; }""" % LAYER)


def _click_point(page, index):
    x, y = page.evaluate("""(i) => { const l = %s, map = %s;
        const p = map.latLngToContainerPoint([l.coords[2 * i + 1] / 1e6, l.coords[2 * i] / 1e6]);
        const box = map.getContainer().getBoundingClientRect(); return [box.left + p.x, box.top + p.y]; }"""
                         % (LAYER, MAP), index)
    page.mouse.click(x, y)
    page.wait_for_selector(".mapper-point-popup")
    return page.inner_text(".mapper-point-popup")


def test_ready_and_drawn_without_errors_or_requests(points_map):
    page = points_map.page
    assert page.evaluate("performance.getEntriesByName('mapper-ready').length") == 1
    assert _state(page)["shown"] == COUNT
    # The canvas has the points' pixels in it.
    painted = page.evaluate("""() => { const c = document.querySelector('.mapper-point-canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; }""")
    assert painted > 10_000
    # The panel is a box over the map, as the timeline is.
    background = page.evaluate("getComputedStyle(document.querySelector('.mapper-point-panel')).backgroundColor")
    assert background == "rgba(255, 255, 255, 0.94)"
    assert points_map.requests == [] and points_map.errors == [] and points_map.dialogs == []
    assert points_map.csp_violations == []


def test_click_shows_the_points_row_with_hostile_text_inert(points_map):
    page = points_map.page
    page.evaluate(f"void {MAP}.setView([52.5, 38.5], 9, {{animate: false}})")
    assert _state(page)["mode"] == "dots"
    text = _click_point(page, 0)
    assert HOSTILE_LABEL in text and "drone strike" in text and "2024-03-01" in text
    assert "52.500000, 38.500000" in text and "row 1" in text
    assert "Test export " + PAYLOADS[0] in text and "Reports <b>bold</b>" in text  # shown as typed
    assert page.locator(".leaflet-popup-content img, .leaflet-popup-content svg, .leaflet-popup-content b").count() == 0
    assert points_map.dialogs == [] and points_map.errors == [] and points_map.csp_violations == []
    page.evaluate(f"void {MAP}.closePopup()")


def test_categories_and_date_window_filter(points_map):
    page = points_map.page
    page.evaluate(f"void {MAP}.fitBounds([[47, 30], [52.5, 38.5]], {{animate: false}})")
    boxes = page.locator(".mapper-point-categories input")
    assert boxes.count() == 2
    boxes.nth(1).uncheck()  # shelling
    page.wait_for_timeout(100)
    shown = _state(page)["shown"]
    assert 0 < shown < COUNT
    boxes.nth(1).check()
    # The window 2024-01-01 .. 2024-01-10 leaves out the point of 2024-03-01 and keeps undated ones.
    sliders = page.locator(".mapper-point-date input")
    sliders.nth(1).fill("9")
    page.wait_for_timeout(100)
    assert page.inner_text(".mapper-point-dates") == "2024-01-01 to 2024-01-10"
    window = page.evaluate("""() => { const l = %s; let n = 0;
        for (let i = 0; i < l.meta.count; i++) if (l.isShown(i)) n++; return [n, l.isShown(0), l.isShown(1)]; }"""
                           % LAYER)
    assert window[1:] == [False, True] and 0 < window[0] < COUNT
    assert _state(page)["count"] == f"{window[0]:,} of {COUNT:,} points shown"
    page.locator(".mapper-point-undated input").uncheck()
    page.wait_for_timeout(100)
    assert page.evaluate(f"{LAYER}.isShown(1)") is False
    page.locator(".mapper-point-undated input").check()
    sliders.nth(1).fill(str(page.evaluate(f"{LAYER}.meta.days.last_day - {LAYER}.meta.days.first_day")))
    page.wait_for_timeout(100)
    assert _state(page)["shown"] == COUNT


def test_density_cells_when_many_points_are_in_view(points_map):
    page = points_map.page
    page.evaluate(f"mapperRuntime.pointsDotLimit = 100; {MAP}.fitBounds([[47, 30], [51, 36]], {{animate: false}}); "
                  f"{LAYER}.redraw()")
    state = _state(page)
    assert state["mode"] == "cells" and state["visible"] > 100
    assert "Zoomed out" in page.inner_text(".mapper-point-mode")
    # A click on a cell with points gives their count by category.
    x, y = page.evaluate("""() => { const l = %s, c = l._cells; let best = 0;
        for (let i = 0; i < c.totals.length; i++) if (c.totals[i] > c.totals[best]) best = i;
        const box = %s.getContainer().getBoundingClientRect();
        return [box.left + (best %% c.columns + 0.5) * mapperRuntime.pointsCellPx,
                box.top + (Math.floor(best / c.columns) + 0.5) * mapperRuntime.pointsCellPx]; }""" % (LAYER, MAP))
    page.mouse.click(x, y)
    page.wait_for_selector(".mapper-point-popup")
    text = page.inner_text(".mapper-point-popup")
    assert " here" in text and "Zoom in to see and pick single points." in text
    page.evaluate(f"mapperRuntime.pointsDotLimit = 25000; {MAP}.closePopup(); {LAYER}.redraw()")


def test_layer_control_hides_the_layer_and_its_panel(points_map):
    page = points_map.page
    box = page.get_by_label("Reports <b>bold</b>", exact=True)
    box.uncheck()
    assert page.locator(".mapper-point-canvas").count() == 0
    assert page.locator(".mapper-point-panel").is_hidden()
    box.check()
    assert page.locator(".mapper-point-canvas").count() == 1 and page.locator(".mapper-point-panel").is_visible()
