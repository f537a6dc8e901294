"""The default map in a real headless Chromium (Debian's), driven by Playwright.

The test machines have no internet: Leaflet's CDN URLs are answered from
PyPI's XStatic-Leaflet (the same files), every other request is aborted and
counted.
"""

import pytest
from playwright.sync_api import sync_playwright

from mapper.browser import launch, serve_leaflet_locally
from mapper.render import render_briefing
from hostile import HOSTILE_QUOTE, PAYLOADS, make_hostile_copy
from conftest import DATA_DIR

pytestmark = pytest.mark.browser

LAYER_NAMES = ["Weapon ranges", "Sea routes", "River routes", "Supply flows", "Dated events", "Places"]

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
  const map = window[Object.keys(window).find(k => k.startsWith('map_'))];
  let found = null;
  map.eachLayer(l => {
    if (l.getTooltip && l.getTooltip() && l.getLatLng && l.getTooltip().getContent() === name) found = l;
  });
  const p = map.latLngToContainerPoint(found.getLatLng());
  const box = map.getContainer().getBoundingClientRect();
  return [box.left + p.x, box.top + p.y];
}"""


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


class OpenedMap:
    def __init__(self, browser, path):
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.blocked, self.errors, self.dialogs = [], [], []
        serve_leaflet_locally(self.page, self.blocked)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_selector("[data-mapper-ready]")

    def click_place(self, name):
        x, y = self.page.evaluate(PLACE_POINT, name)
        self.page.mouse.click(x, y)
        self.page.wait_for_selector(".leaflet-popup-content")
        return self.page.inner_text(".leaflet-popup-content")


@pytest.fixture(scope="module")
def default_map(browser, tmp_path_factory):
    path = render_briefing(output_path=tmp_path_factory.mktemp("map") / "iran-russia.html").path
    opened = OpenedMap(browser, path)
    yield opened
    opened.page.close()


def test_leaflet_map_with_every_layer(default_map):
    counts = default_map.page.evaluate(COUNT_LAYERS)
    assert list(counts) == LAYER_NAMES
    assert all(n > 0 for n in counts.values()), counts
    labels = default_map.page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert [label.strip() for label in labels] == LAYER_NAMES


def test_legend_title_and_scale(default_map):
    legend = default_map.page.inner_text(".mapper-legend")
    for entry in ("Fath-360 range, 120 km (geodesic)", "Caspian sea lane (assumed)", "Volga–Kama river route",
                  "Iran → Russia", "Russia → Iran", "Dashed: analyst’s assumption"):
        assert entry in legend
    assert "Iran–Russia military supply" in default_map.page.inner_text(".mapper-title")
    assert default_map.page.locator(".leaflet-control-scale-line").count() == 2


def test_no_javascript_errors_and_no_network(default_map):
    assert default_map.errors == []
    assert default_map.blocked == []


def test_popup_cites_outlet_date_and_quote(default_map):
    text = default_map.click_place("Alabuga special economic zone")
    assert "about 600 miles east of Moscow" in text
    assert "CNN, Friday, June 21, 2024" in text


def test_toggling_a_layer_hides_it(default_map):
    page = default_map.page
    page.locator(".leaflet-control-layers-overlays label", has_text="Sea routes").locator("input").uncheck()
    hidden = page.evaluate("""() => {
      const map = window[Object.keys(window).find(k => k.startsWith('map_'))];
      const control = Object.keys(window).find(k => k.startsWith('layer_control_') && k.endsWith('_layers'));
      return map.hasLayer(window[control].overlays['Sea routes']);
    }""")
    assert hidden is False
    page.locator(".leaflet-control-layers-overlays label", has_text="Sea routes").locator("input").check()


def test_hostile_text_shows_as_text_and_never_runs(browser, tmp_path, articles_dir, monkeypatch):
    data_copy, articles_copy = make_hostile_copy(DATA_DIR, articles_dir, tmp_path)
    monkeypatch.setenv("MAPPER_ARTICLES_DIR", str(articles_copy))
    path = render_briefing(output_path=tmp_path / "hostile.html", data_dir=data_copy).path
    opened = OpenedMap(browser, path)
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
    assert opened.page.title() == PAYLOADS[1] + PAYLOADS[0]
    assert opened.page.locator(".leaflet-popup-content img, .leaflet-popup-content svg").count() == 0
    assert opened.dialogs == []
    assert opened.errors == []
    opened.page.close()
