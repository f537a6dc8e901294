"""Maps in a real headless Chromium (Debian's), driven by Playwright.

Every request that is not ``file:`` or ``data:`` is counted.  The offline
map must make none; the online map's CDN requests are answered with the
pinned asset files (its tests have no internet either) and everything else
is aborted.  Console messages, page errors, dialogs and CSP violations are
all recorded.
"""

import re

import pytest
from conftest import DATA_DIR
from hostile import HOSTILE_QUOTE, HOSTILE_TITLE, PAYLOADS, make_hostile_copy
from pyproj import Geod

from mapper import api
from mapper.core.style import LAND_COLOR
from mapper.export.browser import route_network
from mapper.html import assets
from mapper.load.briefing import default_briefing_path

pytestmark = pytest.mark.browser

LAYER_NAMES = ["Weapon ranges", "Sea routes", "River routes", "Supply flows", "Dated events", "Places"]
GEOD = Geod(ellps="WGS84")

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener('securitypolicyviolation',
  e => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
"""
MAP = "window[document.querySelector('.folium-map').id]"

COUNT_LAYERS = """() => {
  const control = Object.keys(window).find(k => k.startsWith('layer_control_') && k.endsWith('_layers'));
  const overlays = window[control].overlays;
  const counts = {};
  for (const [name, group] of Object.entries(overlays)) {
    let n = 0;
    group.eachLayer(g => g.eachLayer ? g.eachLayer(() => n++) : n++);
    counts[name] = n;
  }
  return counts;
}"""

PLACE_POINT = """(name) => {
  const map = %s;
  let found = null;
  map.eachLayer(l => {
    if (l.getTooltip && l.getTooltip() && l.getLatLng && l.getTooltip().getContent() === name) found = l;
  });
  const p = map.latLngToContainerPoint(found.getLatLng());
  const box = map.getContainer().getBoundingClientRect();
  return [box.left + p.x, box.top + p.y];
}""" % MAP

# The basemap canvas's pixel at a (lat, lon): [r, g, b, alpha].
BASEMAP_PIXEL = """([lat, lon]) => {
  const map = %s;
  const canvas = document.querySelector('.leaflet-mapper-basemap-pane canvas');
  const box = canvas.getBoundingClientRect();
  const p = map.latLngToContainerPoint([lat, lon]);
  const mapBox = map.getContainer().getBoundingClientRect();
  const scale = canvas.width / box.width;
  const x = Math.round((p.x + mapBox.left - box.left) * scale);
  const y = Math.round((p.y + mapBox.top - box.top) * scale);
  return Array.from(canvas.getContext('2d').getImageData(x, y, 1, 1).data);
}""" % MAP


class OpenedMap:
    """A map page with everything it does recorded."""

    def __init__(self, browser, path, serve_assets=False):
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.requests, self.console, self.errors, self.dialogs = [], [], [], []
        route_network(self.page, self.requests, serve_assets=serve_assets)
        self.page.add_init_script(RECORD_VIOLATIONS)
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_selector("[data-mapper-ready]")

    def _on_console(self, message):
        self.console.append(message.text)
        if message.type in ("error", "warning"):
            self.errors.append(message.text)

    @property
    def csp_violations(self):
        return self.page.evaluate("window.cspViolations")

    def click_place(self, name):
        x, y = self.page.evaluate(PLACE_POINT, name)
        self.page.mouse.click(x, y)
        self.page.wait_for_selector(".leaflet-popup-content")
        return self.page.inner_text(".leaflet-popup-content")

    def close(self):
        self.page.close()


@pytest.fixture(scope="module", params=["offline", "online"])
def default_map(request, browser, tmp_path_factory):
    offline = request.param == "offline"
    path = api.render(output_path=tmp_path_factory.mktemp("map") / "iran-russia.html", offline=offline).path
    opened = OpenedMap(browser, path, serve_assets=not offline)
    opened.offline = offline
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def offline_map(browser, tmp_path_factory):
    path = api.render(output_path=tmp_path_factory.mktemp("offline") / "iran-russia.html").path
    opened = OpenedMap(browser, path)
    yield opened
    opened.close()


def test_network_requests(default_map):
    if default_map.offline:
        assert default_map.requests == []
    else:
        assert sorted(default_map.requests) == sorted(a.cdn_url for a in assets.SCRIPTS + assets.STYLESHEETS)


def test_no_console_errors_dialogs_or_csp_violations(default_map):
    assert default_map.errors == []
    assert default_map.console == []
    assert default_map.dialogs == []
    assert default_map.csp_violations == []


def test_leaflet_map_with_every_layer(default_map):
    counts = default_map.page.evaluate(COUNT_LAYERS)
    assert list(counts) == LAYER_NAMES
    assert all(n > 0 for n in counts.values()), counts
    labels = default_map.page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert [label.strip() for label in labels] == LAYER_NAMES


def test_basemap_drawn_with_the_caspian_as_water(default_map):
    land = [int(LAND_COLOR[i:i + 2], 16) for i in (1, 3, 5)]
    # Steppe between the Don and the Volga; the middle of the Caspian.
    assert default_map.page.evaluate(BASEMAP_PIXEL, [50.0, 42.0]) == land + [255]
    assert default_map.page.evaluate(BASEMAP_PIXEL, [42.0, 50.5])[3] == 0
    assert "Natural Earth" in default_map.page.inner_text(".leaflet-control-attribution")


def test_legend_title_and_scale(default_map):
    legend = default_map.page.inner_text(".mapper-legend")
    for entry in ("Fath-360 range, 120 km (geodesic)", "Sea route", "River route",
                  "Iran → Russia", "Russia → Iran", "Dashed: analyst’s assumption"):
        assert entry in legend
    assert "Iran–Russia military supply" in default_map.page.inner_text(".mapper-title")
    assert default_map.page.locator(".leaflet-control-scale-line").count() == 2


def test_popup_cites_outlet_date_and_quote(default_map):
    text = default_map.click_place("Alabuga special economic zone")
    assert "about 600 miles east of Moscow" in text
    assert "CNN, Friday, June 21, 2024" in text
    default_map.page.keyboard.press("Escape")


def test_toggling_a_layer_hides_it(default_map):
    page = default_map.page
    checkbox = page.locator(".leaflet-control-layers-overlays label", has_text="Sea routes").locator("input")
    checkbox.uncheck()
    shown = page.evaluate("""() => {
      const control = Object.keys(window).find(k => k.startsWith('layer_control_') && k.endsWith('_layers'));
      return %s.hasLayer(window[control].overlays['Sea routes']);
    }""" % MAP)
    assert shown is False
    checkbox.check()


def test_fullscreen_button(default_map):
    page = default_map.page
    page.click(".mapper-fullscreen a")
    page.wait_for_selector(".folium-map.mapper-is-fullscreen")
    assert page.evaluate("document.fullscreenElement.classList.contains('folium-map')")
    page.click(".mapper-fullscreen a")
    page.wait_for_function("() => !document.fullscreenElement && !document.querySelector('.mapper-is-fullscreen')")


@pytest.mark.parametrize("a, b", [
    ((55.7558, 37.6173), (55.8328, 52.0372)),  # Moscow to Alabuga
    ((-33.0, 179.5), (-20.0, -178.0)),  # across the antimeridian
    ((0.0, 0.0), (0.5, 179.7)),  # nearly antipodal: where Vincenty's method fails
    ((89.9, 10.0), (89.9, -170.0)),  # over the pole
])
def test_measure_tool_is_ellipsoidal(offline_map, a, b):
    """The page's GeographicLib gives pyproj's geodesic distances, to the millimetre."""
    got = offline_map.page.evaluate("([a, b]) => mapperRuntime.inverse(L.latLng(a), L.latLng(b))", [a, b])
    azimuth_deg, _, distance_m = GEOD.inv(a[1], a[0], b[1], b[0])
    assert got["distance_m"] == pytest.approx(distance_m, abs=1e-3)
    assert got["azimuth_deg"] == pytest.approx(azimuth_deg, abs=1e-6)
    path = offline_map.page.evaluate("([a, b]) => mapperRuntime.geodesicPath(L.latLng(a), L.latLng(b))", [a, b])
    assert path[0] == pytest.approx(list(a)) and GEOD.inv(path[-1][1], path[-1][0], b[1], b[0])[2] < 1e-3
    for lat, lon in path:  # every drawn vertex lies on the geodesic from a to b
        via_m = GEOD.inv(a[1], a[0], lon, lat)[2] + GEOD.inv(lon, lat, b[1], b[0])[2]
        assert via_m == pytest.approx(distance_m, abs=1e-3)


def test_measure_tool_clicks(offline_map):
    """Clicks on places and on empty map alike add points, and open no popups."""
    page = offline_map.page
    clicks = [offline_map.page.evaluate(PLACE_POINT, name) for name in ("Moscow", "Alabuga special economic zone")]
    page.click(".mapper-measure a")
    box = page.locator(".folium-map").bounding_box()
    clicks.append((box["x"] + 700, box["y"] + 600))
    for x, y in clicks:
        page.mouse.click(x, y)
    readout = page.inner_text(".mapper-measure-total")
    latlngs = page.evaluate("(points) => points.map(p => %s.mouseEventToLatLng({clientX: p[0], clientY: p[1]}))"
                            % MAP, clicks)
    total_m = sum(GEOD.inv(p["lng"], p["lat"], q["lng"], q["lat"])[2] for p, q in zip(latlngs, latlngs[1:]))
    km = float(re.match(r"([\d,.]+) km", readout).group(1).replace(",", ""))
    assert km == pytest.approx(total_m / 1000, abs=0.051)
    assert f"{total_m / 1852:,.1f} nmi" in readout
    assert page.locator(".leaflet-popup").count() == 0  # clicks measure; they open no popups
    page.click(".mapper-measure-readout")  # e.g. to select the distance: adds no point
    assert page.inner_text(".mapper-measure-total") == readout
    page.keyboard.press("Escape")
    assert page.locator(".mapper-measure-readout").count() == 0


def test_offline_page_asks_for_nothing_even_without_its_csp(browser, offline_map):
    """The CSP would block requests before they reach the router; bypass it to see what the page asks for."""
    context = browser.new_context(bypass_csp=True)
    requests = []
    route_network(context, requests, serve_assets=False)
    page = context.new_page()
    page.goto(offline_map.page.url)
    page.wait_for_selector("[data-mapper-ready]")
    page.click(".mapper-measure a")  # open the tools too
    page.wait_for_timeout(200)
    context.close()
    assert requests == []


def test_csp_blocks_script_injected_after_load(offline_map):
    """The lock works in the browser: injected markup cannot run script or fetch."""
    page = offline_map.page
    page.evaluate("""() => {
      document.body.insertAdjacentHTML('beforeend',
        '<img id="probe" src="https://example.invalid/x.png" onerror="console.log(\\'ran\\')">');
      const s = document.createElement('script');
      s.textContent = "console.log('ran')";
      document.body.appendChild(s);
    }""")
    page.wait_for_function("() => window.cspViolations.length >= 3")
    directives = " ".join(offline_map.csp_violations)
    assert "script-src" in directives and "img-src" in directives
    assert "ran" not in offline_map.console
    assert offline_map.requests == []
    page.evaluate("window.cspViolations.length = 0; document.getElementById('probe').remove()")


@pytest.mark.parametrize("mode", ["offline", "online"])
def test_hostile_text_shows_as_text_and_never_runs(browser, tmp_path, articles_dir, monkeypatch, mode):
    data_copy, articles_copy = make_hostile_copy(DATA_DIR, articles_dir, tmp_path)
    monkeypatch.setenv("MAPPER_ARTICLES_DIR", str(articles_copy))
    path = api.render(output_path=tmp_path / "hostile.html", data_dir=data_copy,
                           offline=mode == "offline").path
    opened = OpenedMap(browser, path, serve_assets=mode == "online")
    try:
        hostile_label = opened.page.evaluate("""() => {
          const labels = Array.from(document.querySelectorAll('.leaflet-tooltip')).map(t => t.textContent);
          return labels.find(t => t.startsWith('Port <img')) || null;
        }""")
        assert hostile_label is not None and all(p in hostile_label for p in PAYLOADS)
        x, y = opened.page.evaluate(PLACE_POINT.replace("getContent() === name", "getContent().startsWith(name)"),
                                    "Port &lt;img")
        opened.page.mouse.click(x, y)
        opened.page.wait_for_selector(".leaflet-popup-content")
        popup = opened.page.inner_text(".leaflet-popup-content")
        assert HOSTILE_QUOTE in popup
        assert PAYLOADS[2] + " title" in popup  # the poisoned article title, shown literally
        assert opened.page.evaluate("document.querySelector('title').textContent") == HOSTILE_TITLE
        assert opened.page.locator(".leaflet-popup-content img, .leaflet-popup-content svg").count() == 0
        assert opened.dialogs == []
        assert opened.errors == []
        assert opened.csp_violations == []
        assert opened.console == []  # not one message, from a payload or anything else
    finally:
        opened.close()


@pytest.mark.parametrize("mode", ["offline", "online"])
def test_two_fragments_side_by_side(browser, tmp_path, data_copy, mode):
    """Two different maps pasted into one report page: both draw, ids do not clash, Leaflet loads once."""
    from mapper import api

    other = data_copy / "briefings" / "other.toml"
    other.write_text(default_briefing_path(data_copy).read_text(encoding="utf-8")
                     .replace("Iran–Russia military supply", "Fath-360 reach only")
                     .replace('layers = ["places", "sea-routes", "river-routes", "supply-flows", "ranges", "events"]',
                              'layers = ["places", "ranges"]').split("[[steps]]")[0], encoding="utf-8")  # no story
    offline = mode == "offline"
    fragments = [
        api.export(None, tmp_path / "a.html", "fragment", data_dir=data_copy, offline=offline).path,
        api.export(other, tmp_path / "b.html", "fragment", data_dir=data_copy, offline=offline, height_px=400).path,
    ]
    page_path = tmp_path / "report.html"
    page_path.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Report</title></head><body>"
                         "<h1>Report</h1><p>First map:</p>" + fragments[0].read_text(encoding="utf-8") +
                         "<p>Second map:</p>" + fragments[1].read_text(encoding="utf-8") + "</body></html>",
                         encoding="utf-8")
    opened = OpenedMap(browser, page_path, serve_assets=not offline)
    try:
        opened.page.wait_for_function("() => document.querySelectorAll('[data-mapper-ready]').length === 2")
        ids = opened.page.evaluate("() => Array.from(document.querySelectorAll('.folium-map')).map(e => e.id)")
        assert len(set(ids)) == 2
        state = opened.page.evaluate("""(ids) => ({
          maps: ids.map(id => window[id] instanceof L.Map),
          heights: ids.map(id => document.getElementById(id).getBoundingClientRect().height),
          titles: Array.from(document.querySelectorAll('.mapper-title-text')).map(e => e.textContent),
          loaded: Object.keys(window.mapperRuntime.loaded).length,
        })""", ids)
        assert state["maps"] == [True, True]
        assert state["heights"] == [600, 400]
        assert state["titles"] == ["Iran–Russia military supply, 2023–2024", "Fath-360 reach only, 2023–2024"]
        assert state["loaded"] == 5  # Leaflet, GeographicLib and three stylesheets, once each
        assert opened.errors == [] and opened.dialogs == []
        if offline:
            assert opened.requests == []
        else:
            assert sorted(opened.requests) == sorted(a.cdn_url for a in assets.SCRIPTS + assets.STYLESHEETS)
        text = opened.click_place("Alabuga special economic zone")
        assert "about 600 miles east of Moscow" in text
    finally:
        opened.close()


# The events markers on the map now (a hidden one leaves its layer), and the slider's state.
TIMELINE_STATE = """() => {
  const map = %s;
  const shown = [];
  map.eachLayer(l => { if (l.feature && l.feature.properties.dates) shown.push(l.getTooltip().getContent()); });
  return {
    date: map.getContainer().getAttribute('data-mapper-timeline-date'),
    markers: shown.sort(),
    label: document.querySelector('.mapper-timeline').innerText,
    valuetext: document.querySelector('.mapper-timeline input').getAttribute('aria-valuetext'),
    center: map.getCenter(),
  };
}""" % MAP

# Each item of the open popup: its date and whether it is shown.
POPUP_ITEMS = """() => Array.from(document.querySelectorAll('.leaflet-popup-content li[data-mapper-date]'))
  .map(li => [li.getAttribute('data-mapper-date'), li.offsetParent !== null])"""


def test_timeline_slider_filters_markers_and_popups(offline_map, geodata):
    """Keyboard on the slider: Home is the earliest date, arrows step, End is every event again."""
    from mapper.export.figure import date_key  # the rule the map's script follows too

    page = offline_map.page
    errors_before = len(offline_map.errors)  # the page is shared: earlier tests provoke CSP reports on purpose
    page.evaluate("window.cspViolations.length = 0")
    events = geodata.events
    steps = sorted({e["date"] for e in events}, key=lambda d: (date_key(d), d))
    first_dates = {}
    for e in events:
        first_dates[e["place"]] = min(first_dates.get(e["place"], "9999"), date_key(e["date"]))
    names = {e["place"]: "Events at " + geodata.place(e["place"])["properties"]["name"] for e in events}

    def shown_at(step):
        return sorted(names[p] for p, first in first_dates.items() if first <= date_key(step))

    slider = page.get_by_role("slider", name="Timeline of dated events")
    assert slider.count() == 1
    everything = page.evaluate(TIMELINE_STATE)
    assert everything["date"] == "all"
    assert everything["markers"] == sorted(names.values())
    assert f"{len(events)} of {len(events)} events shown" in everything["label"]

    slider.focus()
    page.keyboard.press("Home")
    first = page.evaluate(TIMELINE_STATE)
    assert first["date"] == steps[0] == "2023"
    assert first["markers"] == shown_at(steps[0]) and len(first["markers"]) < len(everything["markers"])
    earliest = [e for e in events if e["date"] == steps[0]]
    assert steps[0] in first["label"] and all(e["name"] in first["label"] for e in earliest)
    assert f"{len(earliest)} of {len(events)} events shown" in first["label"]
    assert first["valuetext"].startswith(steps[0])
    assert first["center"] == everything["center"]  # the arrow keys moved the slider, not the map

    middle = steps.index("2024-06-21")
    for _ in range(middle):
        page.keyboard.press("ArrowRight")
    state = page.evaluate(TIMELINE_STATE)
    assert state["date"] == "2024-06-21" and state["markers"] == shown_at("2024-06-21")
    assert state["center"] == everything["center"]
    # Tehran's events ring, beside the Tehran dot it surrounds (a click on the dot opens the city's popup).
    x, y = page.evaluate(PLACE_POINT, "Events at Tehran")
    page.mouse.click(x - 9.5, y)
    page.wait_for_selector(".leaflet-popup-content li[data-mapper-date]")
    items = page.evaluate(POPUP_ITEMS)
    tehran = sorted(e["date"] for e in events if e["place"] == "tehran")
    assert sorted(date for date, _ in items) == tehran
    assert {date: visible for date, visible in items} == {d: date_key(d) <= "2024-06-21" for d in tehran}
    assert {True, False} == {visible for _, visible in items}  # some shown, some hidden
    popup = page.inner_text(".leaflet-popup-content")
    assert "Russia buys hundreds of Iranian drones" in popup and "New sanctions announced" not in popup

    # Back to every event: the open popup shows all its items again.
    slider.focus()
    page.keyboard.press("End")
    back = page.evaluate(TIMELINE_STATE)
    assert back["date"] == "all" and back["markers"] == everything["markers"]
    assert f"{len(events)} of {len(events)} events shown" in back["label"]
    assert all(visible for _, visible in page.evaluate(POPUP_ITEMS))
    assert "New sanctions announced" in page.inner_text(".leaflet-popup-content")
    page.evaluate("%s.closePopup()" % MAP)
    assert offline_map.errors[errors_before:] == []
    assert offline_map.requests == [] and offline_map.csp_violations == []


def test_timeline_slider_by_input_events(offline_map):
    """Setting the value and sending 'input' (as a pointer drag does) moves the timeline too."""
    page = offline_map.page
    errors_before = len(offline_map.errors)
    set_step = """(value) => {
      const input = document.querySelector('.mapper-timeline input');
      input.value = String(value);
      input.dispatchEvent(new Event('input', {bubbles: true}));
      return [input.max, %s.getContainer().getAttribute('data-mapper-timeline-date')];
    }""" % MAP
    last, date = page.evaluate(set_step, 0)
    assert date == "2023"
    assert page.evaluate(set_step, int(last)) == [last, "all"]
    assert offline_map.errors[errors_before:] == [] and offline_map.requests == []


def test_timeline_shows_a_hostile_event_name_as_text(browser, tmp_path, data_copy):
    import json

    events_path = data_copy / "events.json"
    data = json.loads(events_path.read_text(encoding="utf-8"))
    data["events"][0]["name"] = " ".join(PAYLOADS)  # the earliest event, "2023"
    events_path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    path = api.render(output_path=tmp_path / "hostile-events.html", data_dir=data_copy).path
    opened = OpenedMap(browser, path)
    try:
        opened.page.focus(".mapper-timeline input")
        opened.page.keyboard.press("Home")
        assert " ".join(PAYLOADS) in opened.page.inner_text(".mapper-timeline-names")
        assert " ".join(PAYLOADS) in opened.page.get_attribute(".mapper-timeline input", "aria-valuetext")
        assert opened.page.locator(".mapper-timeline img, .mapper-timeline svg, .mapper-timeline script").count() == 0
        assert opened.dialogs == [] and opened.errors == [] and opened.csp_violations == []
    finally:
        opened.close()


def test_no_timeline_without_dated_events(browser, tmp_path, data_copy):
    """Places have no dates; ranges, routes and flows do (tests/test_story.py), and so do a story's steps."""
    briefing = default_briefing_path(data_copy)
    text = briefing.read_text(encoding="utf-8").replace(
        'layers = ["places", "sea-routes", "river-routes", "supply-flows", "ranges", "events"]', 'layers = ["places"]')
    text = text[:text.index("[[ranges]]")]
    briefing.write_text(text, encoding="utf-8")
    path = api.render(output_path=tmp_path / "no-events.html", data_dir=data_copy).path
    opened = OpenedMap(browser, path)
    try:
        assert opened.page.locator(".mapper-timeline").count() == 0
        assert opened.page.evaluate("document.querySelector('.folium-map').hasAttribute('data-mapper-timeline-date')") \
            is False
        assert opened.errors == [] and opened.requests == []
    finally:
        opened.close()
