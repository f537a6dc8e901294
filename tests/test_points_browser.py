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
    briefing.write_text('title = "Points"\ndata = ["iran-russia"]\nlayers = ["places"]\n', encoding="utf-8")
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


# -- dates given as a year or a month ------------------------------------------

# One point per kind of date, 1 degree apart: shown as given, filtered as the span each names
# (December's month ends in the next year's January, in the page's date arithmetic).
DATED = ["2024", "2024-06", "2024-06-21", "2023-12-31", "2025-01-15", "", "2023-12"]


@pytest.fixture(scope="module")
def dated_map(points_map, tmp_path_factory):
    folder = tmp_path_factory.mktemp("dated")
    briefing = folder / "b.toml"
    briefing.write_text('title = "Dated points"\ndata = ["iran-russia"]\nlayers = ["places"]\n', encoding="utf-8")
    count = len(DATED)
    layer = point_layer(30.0 + np.arange(count), np.full(count, 48.0), title="Partly dated", source="Test",
                        time=DATED, label=[f"Dated {d or 'never'}" for d in DATED])
    path = api.render(briefing, folder / "dated.html", point_layers=[layer]).path
    opened = OpenedMap(points_map.page.context.browser, path)
    opened.layer = layer
    opened.page.evaluate(f"void {MAP}.fitBounds([[47, 29], [49, 36]], {{animate: false}})")
    yield opened
    opened.close()


def _window(page, first, last):
    """Set the date window to ``first``..``last`` (ISO days) with the sliders; the points shown, by index."""
    start = page.evaluate(f"{LAYER}.meta.days.first_day")
    offset = {day: int((np.datetime64(day) - np.datetime64(0, "D")).astype(int)) - start for day in (first, last)}
    sliders = page.locator(".mapper-point-date input")
    sliders.nth(0).fill("0")
    sliders.nth(1).fill(str(offset[last]))
    sliders.nth(0).fill(str(offset[first]))
    page.wait_for_timeout(100)
    assert page.inner_text(".mapper-point-dates") == f"{first} to {last}"
    shown = page.evaluate("""() => { const l = %s; const out = [];
        for (let i = 0; i < l.meta.count; i++) if (l.isShown(i)) out.push(i); return out; }""" % LAYER)
    assert _state(page)["count"] == f"{len(shown)} of {len(DATED)} points shown"
    return shown


def test_a_year_and_a_month_are_shown_as_given(dated_map):
    page = dated_map.page
    for index, given in enumerate(DATED):
        page.evaluate(f"void {MAP}.closePopup()")
        text = _click_point(page, index)
        assert f"Dated {given or 'never'}" in text
        assert f"Date: {given or 'undated'}\n" in text + "\n"
    page.evaluate(f"void {MAP}.closePopup()")
    note = page.inner_text(".mapper-point-partial")
    assert note == "3 dated to a year or month only: shown while From\u2013To overlaps that span."
    assert dated_map.errors == [] and dated_map.csp_violations == [] and dated_map.requests == []


def test_the_window_runs_to_the_last_span_and_the_spans_agree_with_python(dated_map):
    page = dated_map.page
    days = page.evaluate(f"{LAYER}.meta.days")
    # From the first day of December 2023 to 2025-01-15; the slider covers it all.
    assert (days["first_day"], days["last_day"]) == (19692, 20103)
    assert page.inner_text(".mapper-point-dates") == "2023-12-01 to 2025-01-15"
    ends = page.evaluate(f"Array.from({LAYER}.ends)")
    layer = dated_map.layer
    dated = ~layer.undated
    assert (np.array(ends)[dated] + days["first_day"]).tolist() == layer.day_end[dated].tolist()
    assert ends[5] == days["undated"]  # an undated point keeps its mark


@pytest.mark.parametrize("first, last, shown", [
    # The rule is overlap: a point shows while its span and the window share a day.
    ("2024-06-15", "2024-06-20", [0, 1, 5]),      # inside June 2024: the year and the month, not 06-21
    ("2024-06-30", "2024-06-30", [0, 1, 5]),      # the month's last day still shows it
    ("2024-07-01", "2024-07-31", [0, 5]),         # after June: only the year
    ("2023-12-31", "2023-12-31", [3, 5, 6]),      # the day before 2024: not the year, but December
    ("2023-12-01", "2023-12-30", [5, 6]),         # December 2023, not its last day
    ("2024-12-31", "2025-01-15", [0, 4, 5]),      # the year's last day, and 2025
    ("2024-06-21", "2024-06-21", [0, 1, 2, 5]),   # a day inside both spans
    ("2023-12-01", "2025-01-15", [0, 1, 2, 3, 4, 5, 6]),
])
def test_a_year_and_a_month_filter_as_spans(dated_map, first, last, shown):
    assert _window(dated_map.page, first, last) == shown


def test_drawn_dots_follow_the_window(dated_map):
    """The canvas, not only the count: in July 2024 the year's dot is drawn and the month's is not."""
    page = dated_map.page
    _window(page, "2024-07-01", "2024-07-31")
    painted = page.evaluate("""() => { const l = %s, map = %s;
        const c = document.querySelector('.mapper-point-canvas');
        const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const ratio = c.width / c.getBoundingClientRect().width;
        return [0, 1, 2].map(i => {
          const p = map.latLngToContainerPoint([l.coords[2 * i + 1] / 1e6, l.coords[2 * i] / 1e6]);
          return pixels[4 * (Math.round(p.y * ratio) * c.width + Math.round(p.x * ratio)) + 3] > 0; }); }"""
                            % (LAYER, MAP))
    assert painted == [True, False, False]
    _window(page, "2023-12-01", "2025-01-15")
