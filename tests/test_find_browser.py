"""The briefing room's tools on the default map, in Chromium with the network blocked.

Search (mapper-find.js), the cursor coordinates (mapper-coords.js), the
opening view clear of the panels (mapper-layout.js), print (mapper-print.css
and mapper/html/printout.py), and accessibility: the keyboard reaches every
control, each has a name and shows its focus, and axe-core (npm, a dev
dependency; injected by this test only, never shipped in a map) finds no
serious or critical violation.
"""

import math
import re

import pytest
from conftest import DATA_DIR, REPO
from hostile import HOSTILE_NAME, bidi_balanced, make_hostile_copy, strip_bidi
from pyproj import Proj
from test_browser import MAP, PLACE_POINT, OpenedMap

from mapper import api

pytestmark = pytest.mark.browser

AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
ALABUGA = (55.8328, 52.0571)  # lat, lon (data/geo/places.geojson)

# The drawn features' boxes in page pixels: markers and arrows, lines and areas, as Leaflet drew them.
FEATURE_BOXES = """() => {
  const map = %s;
  const box = map.getContainer().getBoundingClientRect();
  const out = [];
  function walk(layer) {
    const props = layer.feature && layer.feature.properties;
    if (props && props.style) {
      if (!map.hasLayer(layer)) return;
      if (layer.getElement && layer.getElement()) {
        const r = layer.getElement().getBoundingClientRect();
        out.push({name: 'arrow', x0: r.left, y0: r.top, x1: r.right, y1: r.bottom});
      } else if (layer.getLatLng) {
        const p = map.latLngToContainerPoint(layer.getLatLng());
        const r = layer.getRadius() + (layer.options.weight || 0) / 2;
        out.push({name: props.find ? props.find.name : 'marker', x0: box.left + p.x - r, y0: box.top + p.y - r,
                  x1: box.left + p.x + r, y1: box.top + p.y + r});
      } else {
        const b = layer.getBounds();
        const sw = map.latLngToContainerPoint(b.getSouthWest()), ne = map.latLngToContainerPoint(b.getNorthEast());
        out.push({name: props.find ? props.find.name : 'line', x0: box.left + sw.x, y0: box.top + ne.y,
                  x1: box.left + ne.x, y1: box.top + sw.y});
      }
    } else if (layer instanceof L.LayerGroup) {
      layer.eachLayer(walk);
    }
  }
  map.eachLayer(walk);
  return out;
}""" % MAP


@pytest.fixture(scope="module")
def map_path(tmp_path_factory):
    return api.render(output_path=tmp_path_factory.mktemp("find") / "iran-russia.html").path


@pytest.fixture
def opened(browser, map_path):
    page = OpenedMap(browser, map_path)
    yield page
    assert page.requests == [] and page.errors == [] and page.console == [] and page.dialogs == []
    assert page.csp_violations == []
    page.close()


def _rect(page, selector):
    r = page.locator(selector).bounding_box()
    return {"x0": r["x"], "y0": r["y"], "x1": r["x"] + r["width"], "y1": r["y"] + r["height"]}


def _overlap(a, b):
    return a["x0"] < b["x1"] and b["x0"] < a["x1"] and a["y0"] < b["y1"] and b["y0"] < a["y1"]


# Search

def _options(page):
    return page.get_by_role("listbox", name="Matches on the map").get_by_role("option")


def _type(page, text):
    box = page.get_by_role("combobox", name="Find")
    box.fill("")
    box.press_sequentially(text)
    return box


def test_search_finds_alabuga_and_opens_its_popup(opened):
    page = opened.page
    box = _type(page, "Alab")
    listbox = page.get_by_role("listbox", name="Matches on the map")
    assert listbox.is_visible() and box.get_attribute("aria-expanded") == "true"
    assert box.get_attribute("aria-controls") == listbox.get_attribute("id")
    options = _options(page)
    assert options.first.inner_text().startswith("Alabuga special economic zone")
    box.press("ArrowDown")
    first = options.first
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    assert first.get_attribute("aria-selected") == "true"
    box.press("Enter")
    page.wait_for_selector(".leaflet-popup-content .mapper-popup")
    assert page.inner_text(".leaflet-popup-content h4") == "Alabuga special economic zone"
    assert listbox.is_hidden() and box.get_attribute("aria-expanded") == "false"
    assert box.input_value() == "Alabuga special economic zone"
    assert "popup open" in page.inner_text(".mapper-find-status")
    # Zoomed to it: the place is in the map, at least at the search's zoom.
    zoom, inside = page.evaluate(f"() => [{MAP}.getZoom(), {MAP}.getBounds().contains({list(ALABUGA)})]")
    assert zoom >= 7 and inside


def test_search_by_alias_event_and_route_name(opened):
    page = opened.page
    _type(page, "Kiev")
    option = _options(page).first
    assert option.locator(".mapper-find-name").inner_text() == "Kyiv"
    assert option.locator(".mapper-find-also").inner_text() == "Kiev"
    _type(page, "su-35 jets")
    option = _options(page).first
    assert option.locator(".mapper-find-name").inner_text() == "Events at Tehran"
    assert "Su-35" in option.locator(".mapper-find-also").inner_text()
    box = _type(page, "volga kama")
    assert _options(page).first.locator(".mapper-find-name").inner_text().startswith("River route")
    box.press("Enter")
    page.wait_for_selector(".leaflet-popup-content .mapper-popup")
    assert page.inner_text(".leaflet-popup-content h4").startswith("River route: Astrakhan")


def test_search_keys_escape_and_mouse(opened):
    page = opened.page
    box = _type(page, "zapor")  # Zaporizhzhia, by the start of its name
    options = _options(page)
    assert options.count() == 1
    box.press("ArrowUp")  # from the box, up wraps to the last match
    assert options.last.get_attribute("aria-selected") == "true"
    box.press("Escape")
    assert page.get_by_role("listbox", name="Matches on the map").is_hidden() and box.input_value() == "zapor"
    box.press("Escape")
    assert box.input_value() == ""
    _type(page, "nothing like this")
    assert page.inner_text(".mapper-find-status") == "No match"
    assert page.get_by_role("listbox", name="Matches on the map").is_hidden()
    _type(page, "tehr")
    _options(page).first.click()
    page.wait_for_selector(".leaflet-popup-content .mapper-popup")
    assert page.inner_text(".leaflet-popup-content h4") == "Tehran"
    # Typing in the box neither pans the map nor reaches the map's keys.
    centre = page.evaluate(f"() => {MAP}.getCenter()")
    _type(page, "c")
    page.get_by_role("combobox", name="Find").press("ArrowLeft")
    assert page.evaluate(f"() => {MAP}.getCenter()") == centre


def test_search_turns_a_hidden_layer_back_on(opened):
    page = opened.page
    page.get_by_role("checkbox", name="Places").uncheck()
    assert not page.get_by_role("checkbox", name="Places").is_checked()
    _type(page, "moskva").press("Enter")
    page.wait_for_selector(".leaflet-popup-content .mapper-popup")
    assert page.inner_text(".leaflet-popup-content h4") == "Moscow"
    assert page.get_by_role("checkbox", name="Places").is_checked()


def test_search_shows_hostile_names_as_text(browser, tmp_path, articles_dir, monkeypatch):
    data_copy, articles_copy = make_hostile_copy(DATA_DIR, articles_dir, tmp_path)
    monkeypatch.setenv("MAPPER_ARTICLES_DIR", str(articles_copy))
    path = api.render(output_path=tmp_path / "hostile.html", data_dir=data_copy).path
    opened = OpenedMap(browser, path)
    try:
        page = opened.page
        _type(page, "Port <img")
        option = _options(page).first
        # As typed, every character in order; its direction controls closed after it.
        shown = option.locator(".mapper-find-name").text_content()
        assert shown.startswith(HOSTILE_NAME) and strip_bidi(shown) == strip_bidi(HOSTILE_NAME)
        assert bidi_balanced(shown)
        # Only the runtime's own elements: no element, handler or URL from the text.
        assert set(option.evaluate("o => [...o.querySelectorAll('*')].map(e => e.localName)")) == {"span"}
        option.click()
        page.wait_for_timeout(100)
        assert page.evaluate("() => window.__pwned") is None
        assert opened.dialogs == [] and opened.errors == [] and opened.csp_violations == []
    finally:
        opened.close()


# Cursor coordinates

def _expected_dms(value, positive, negative, width):
    tenths = round(abs(value) * 36000)
    deg, minutes, sec = tenths // 36000, tenths % 36000 // 600, tenths % 600 / 10
    return f"{deg:0{width}d}°{minutes:02d}′{sec:04.1f}″ {negative if value < 0 and tenths else positive}"


def _check_mgrs(grid, lat, lon):
    """The readout's MGRS against pyproj's UTM: zone, band, 100 km square and truncated metres."""
    gzd, square, e_digits, n_digits = grid.split(" ")
    zone = math.floor((lon + 180) / 6) + 1  # no Norway or Svalbard exception here
    east, north = Proj(proj="utm", zone=zone, ellps="WGS84")(lon, lat)
    assert gzd == f"{zone}{'CDEFGHJKLMNPQRSTUVWX'[math.floor((lat + 80) / 8)]}"
    assert square[0] == ["ABCDEFGH", "JKLMNPQR", "STUVWXYZ"][(zone - 1) % 3][math.floor(east / 100_000) - 1]
    assert square[1] == "ABCDEFGHJKLMNPQRSTUV"[(math.floor(north / 100_000) + (0 if zone % 2 else 5)) % 20]
    assert (e_digits, n_digits) == (f"{math.floor(east) % 100_000:05d}", f"{math.floor(north) % 100_000:05d}")


def test_cursor_readout_at_a_known_point(opened):
    page = opened.page
    x, y = page.evaluate("([lat, lon]) => { const map = %s; const p = map.latLngToContainerPoint([lat, lon]); "
                         "const box = map.getContainer().getBoundingClientRect(); "
                         "return [box.left + Math.round(p.x), box.top + Math.round(p.y)]; }" % MAP, list(ALABUGA))
    page.mouse.move(x, y)
    lat, lon, pixel_deg = page.evaluate("([x, y]) => { const map = %s; const box = map.getContainer()"
                                        ".getBoundingClientRect(); const a = map.containerPointToLatLng([x - box.left,"
                                        " y - box.top]); const b = map.containerPointToLatLng([x - box.left + 1, "
                                        "y - box.top]); return [a.lat, a.lng, b.lng - a.lng]; }" % MAP, [x, y])
    assert abs(lat - ALABUGA[0]) < pixel_deg and abs(lon - ALABUGA[1]) < pixel_deg  # the known point, to a pixel
    shown = {key: page.inner_text(f".mapper-coords-{key}") for key in ("decimal", "dms", "mgrs")}
    assert page.inner_text(".mapper-coords-what") == "Pointer"
    assert shown["decimal"] == f"{lat:.5f}, {lon:.5f}"
    assert shown["dms"] == f"{_expected_dms(lat, 'N', 'S', 2)}, {_expected_dms(lon, 'E', 'W', 3)}"
    assert shown["mgrs"].startswith("39U")
    _check_mgrs(shown["mgrs"], lat, lon)
    # Over a panel the readout keeps the last point on the map.
    box = page.locator(".mapper-title").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 10)
    assert page.inner_text(".mapper-coords-decimal") == shown["decimal"]


def test_a_click_copies_the_coordinates(browser, map_path):
    context = browser.new_context(viewport={"width": 1366, "height": 768},
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        page.goto(map_path.resolve().as_uri())
        page.wait_for_selector("[data-mapper-ready]")
        x, y = page.evaluate("() => { const p = %s.latLngToContainerPoint([40, 40]); return [p.x, p.y]; }" % MAP)
        page.mouse.click(x, y)  # eastern Turkey: nothing drawn there
        page.wait_for_function("() => document.querySelector('.mapper-coords-status').textContent.startsWith('Copied')")
        shown = [page.inner_text(f".mapper-coords-{key}") for key in ("decimal", "dms", "mgrs")]
        assert page.evaluate("() => navigator.clipboard.readText()") == " | ".join(shown)
        # A click that opens a popup copies nothing; C on the map copies the point under the pointer.
        page.evaluate("() => navigator.clipboard.writeText('kept')")
        page.mouse.click(*page.evaluate(PLACE_POINT, "Moscow"))
        page.wait_for_selector(".leaflet-popup-content")
        assert page.evaluate("() => navigator.clipboard.readText()") == "kept"
        page.mouse.click(x, y)  # closes the popup: copies nothing
        assert page.evaluate("() => navigator.clipboard.readText()") == "kept"
        page.locator(".folium-map").focus()
        page.keyboard.press("c")
        page.wait_for_function("() => navigator.clipboard.readText().then(t => t !== 'kept')")
        assert page.evaluate("() => navigator.clipboard.readText()").startswith(
            page.inner_text(".mapper-coords-decimal"))
    finally:
        context.close()


def test_keyboard_users_read_and_copy_the_centre(opened):
    page = opened.page
    assert page.inner_text(".mapper-coords-what") == "Map centre"
    centre = page.evaluate(f"() => {MAP}.getCenter()")
    assert page.inner_text(".mapper-coords-decimal") == f"{centre['lat']:.5f}, {centre['lng']:.5f}"
    page.locator(".folium-map").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("(old) => document.querySelector('.mapper-coords-decimal').textContent !== old",
                           arg=f"{centre['lat']:.5f}, {centre['lng']:.5f}")
    page.get_by_role("button", name="Copy the coordinates shown").press("Enter")
    assert page.get_attribute(".folium-map", "data-mapper-copied").startswith(
        page.inner_text(".mapper-coords-decimal") + " | ")


# The opening view

@pytest.mark.parametrize("width, height", [(1366, 768), (1600, 1000)])
def test_title_and_legend_cover_no_data(browser, map_path, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    try:
        page.goto(map_path.resolve().as_uri())
        page.wait_for_selector("[data-mapper-ready]")
        assert page.get_attribute(".mapper-legend-toggle", "aria-expanded") == "true"  # open at this size
        features = page.evaluate(FEATURE_BOXES)
        assert len(features) > 40
        panels = {"title": _rect(page, ".mapper-title"), "legend": _rect(page, ".mapper-legend")}
        covered = [(panel, f["name"]) for panel, box in panels.items() for f in features if _overlap(box, f)]
        assert covered == []
        # Nor do the other panels (layers, search, tools, story, timeline, coordinates) at this size.
        others = page.evaluate("() => [...document.querySelectorAll('.leaflet-control')].map(e => "
                               "{ const r = e.getBoundingClientRect(); return {cls: e.className, x0: r.left, "
                               "y0: r.top, x1: r.right, y1: r.bottom}; })")
        assert [(o["cls"], f["name"]) for o in others for f in features if _overlap(o, f)] == []
        # The important places keep their labels.
        labels = page.evaluate("() => [...document.querySelectorAll('.mapper-label:not(.mapper-label-hidden)')]"
                               ".map(e => e.textContent)")
        assert {"Moscow", "Tehran", "Kyiv", "Alabuga special economic zone", "Caspian Sea"} <= set(labels)
        # As large as fits, a quarter zoom level at a time.
        zoom = page.evaluate(f"() => {MAP}.getZoom()")
        assert zoom >= 4.75 and (zoom * 4) % 1 == 0
    finally:
        page.close()


# Print

def _pages(pdf):
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_print_is_one_clean_page(opened, tmp_path):
    page = opened.page
    view = page.evaluate(f"() => [{MAP}.getCenter(), {MAP}.getZoom()]")
    page.emulate_media(media="print")
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    assert page.get_attribute(".folium-map", "data-mapper-print") == "true"
    # Title, map, legend and sources; no buttons, boxes or panels over the map but its scale and attribution.
    assert page.inner_text(".mapper-print-title") == "Iran–Russia military supply, 2023–2024"
    assert page.locator(".mapper-print-legend").is_visible()
    assert "Fath-360 range, 120 km (geodesic)" in page.inner_text(".mapper-print-legend")
    sources = page.locator(".mapper-print-source-list li").all_inner_texts()
    assert [s.split(",")[0] for s in sources] == ["CNN", "WE News English"]
    shown = page.evaluate("() => [...document.querySelectorAll('.leaflet-control')].filter(e => e.offsetParent)"
                          ".map(e => e.className)")
    assert all("leaflet-control-scale" in c or "leaflet-control-attribution" in c for c in shown), shown
    # The map fills its box and shows all its data, with every label.
    map_box = _rect(page, ".folium-map")
    assert map_box["x1"] - map_box["x0"] > 600 and map_box["y1"] - map_box["y0"] > 550
    for f in page.evaluate(FEATURE_BOXES):
        assert map_box["x0"] <= f["x0"] and f["x1"] <= map_box["x1"] + 1 and map_box["y0"] <= f["y0"], f
        assert f["y1"] <= map_box["y1"] + 1, f
    side, head = _rect(page, ".mapper-print-side"), _rect(page, ".mapper-print-head")
    assert not _overlap(side, map_box) and not _overlap(head, map_box)
    assert page.evaluate("() => { const s = document.querySelector('.mapper-print-side'); "
                         "return s.scrollHeight <= s.clientHeight; }")  # nothing cut off
    page.screenshot(path=tmp_path / "print.png")
    for paper in ("A4", "Letter"):
        assert _pages(page.pdf(format=paper, print_background=True)) == 1, paper
    page.emulate_media(media="screen")
    assert page.get_attribute(".folium-map", "data-mapper-print") is None
    assert page.evaluate(f"() => [{MAP}.getCenter(), {MAP}.getZoom()]") == view


def test_print_shows_what_the_reader_zoomed_to(opened):
    page = opened.page
    page.evaluate(f"() => {MAP}.setView([44.0, 48.0], 6, {{animate: false}})")
    bounds = page.evaluate(f"() => {MAP}.getBounds().pad(-0.02)")
    page.emulate_media(media="print")
    inside = page.evaluate("(b) => %s.getBounds().contains(L.latLngBounds(b._southWest, b._northEast))" % MAP, bounds)
    assert inside
    page.emulate_media(media="screen")


# Accessibility

def _axe(page):
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5]) for v in result["violations"]]


@pytest.mark.parametrize("width, height", [(1366, 768), (800, 600)])
def test_axe_finds_no_serious_or_critical_violation(browser, map_path, width, height):
    if not AXE_JS.exists():
        pytest.fail(f"axe-core is missing ({AXE_JS.relative_to(REPO)}): run `make test`, or `npm ci`")
    opened = OpenedMap(browser, map_path)
    try:
        opened.page.set_viewport_size({"width": width, "height": height})
        violations = _axe(opened.page)
        assert [v for v in violations if v[1] in ("serious", "critical")] == []
        # With the search's list open and a popup shown, too.
        _type(opened.page, "kyiv")
        opened.page.get_by_role("combobox", name="Find").press("ArrowDown")
        assert [v for v in _axe(opened.page) if v[1] in ("serious", "critical")] == []
        opened.page.get_by_role("combobox", name="Find").press("Enter")
        opened.page.wait_for_selector(".leaflet-popup-content .mapper-popup")
        opened.page.wait_for_timeout(400)  # the popup fades in; its text's contrast is measured when in
        assert [v for v in _axe(opened.page) if v[1] in ("serious", "critical")] == []
        assert opened.csp_violations == [] and opened.errors == []
    finally:
        opened.close()


FOCUSED = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  const label = e.labels && e.labels.length ? e.labels[0].textContent : '';
  const name = (e.getAttribute('aria-label') || label || e.getAttribute('title') || e.textContent || '').trim();
  return {tag: e.localName, cls: e.className, name: name,
          outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2};
}"""


def test_every_control_is_reached_named_and_shows_its_focus(opened):
    page = opened.page
    page.locator("body").focus()
    seen = []
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["tag"] == "body":  # past the last control, before the first again
            continue
        if seen and focused == seen[0]:
            break
        seen.append(focused)
    names = [f["name"] for f in seen]
    for wanted in ("Find", "Zoom in", "Zoom out", "Full screen", "Measure geodesic distance", "Legend",
                   "Weapon ranges", "Places", "Copy the coordinates shown"):
        assert any(wanted.lower() in name.lower() for name in names), (wanted, names)
    assert any(f["cls"] == "mapper-timeline-input" for f in seen)
    assert any(f["cls"].startswith("folium-map") for f in seen)  # the map itself, for its keys
    assert [f for f in seen if not f["name"] and not f["cls"].startswith("folium-map")] == []
    assert [f for f in seen if not f["outline"]] == []


def test_measuring_from_the_keyboard(opened):
    page = opened.page
    page.get_by_role("button", name="Measure geodesic distance").focus()
    page.keyboard.press("Space")  # a link with role="button": Space presses it, as Enter does
    assert page.locator(".folium-map.mapper-measuring").count() == 1
    page.locator(".folium-map").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(400)  # the pan's animation
    page.keyboard.press("Enter")
    assert "Geodesic distance" in page.inner_text(".mapper-measure-readout")
    page.keyboard.press("Escape")
    assert page.locator(".folium-map.mapper-measuring").count() == 0
