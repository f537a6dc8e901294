"""Place labels in Chromium: important places first, none overlapping, more as the map zooms in."""

import pytest

from mapper import api

pytestmark = pytest.mark.browser

MAP = "window[document.querySelector('.folium-map').id]"
LABELS = """() => Array.from(document.querySelectorAll('.mapper-label')).map(el => {
  const box = el.getBoundingClientRect();
  return {text: el.textContent.trim(), shown: getComputedStyle(el).visibility === 'visible',
          box: [box.left, box.top, box.right, box.bottom]};
})"""
PANELS = """() => Array.from(document.querySelectorAll('.leaflet-control')).map(el => {
  const box = el.getBoundingClientRect();
  return [box.left, box.top, box.right, box.bottom];
})"""


def _overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.fixture(scope="module")
def page(browser, tmp_path_factory):
    path = api.render(output_path=tmp_path_factory.mktemp("labels") / "map.html").path
    opened = browser.new_page(viewport={"width": 1366, "height": 768})
    opened.goto(path.resolve().as_uri())
    opened.wait_for_selector("[data-mapper-ready]")
    yield opened
    opened.close()


def test_labels_never_overlap_each_other_or_a_panel(page):
    labels = page.evaluate(LABELS)
    shown = [label for label in labels if label["shown"]]
    for n, first in enumerate(shown):
        for second in shown[n + 1:]:
            assert not _overlap(first["box"], second["box"]), (first["text"], second["text"])
        for panel in page.evaluate(PANELS):
            assert not _overlap(first["box"], panel), first["text"]


def test_most_places_are_named_at_the_first_view_and_capitals_always(page):
    labels = page.evaluate(LABELS)
    shown = {label["text"] for label in labels if label["shown"]}
    assert {"Moscow", "Tehran", "Kyiv", "Alabuga special economic zone"} <= shown
    assert len(shown) >= 0.6 * len(labels), sorted(shown)


def test_a_label_hidden_at_the_first_view_shows_when_zoomed_in(page):
    hidden = [label for label in page.evaluate(LABELS) if not label["shown"]]
    assert hidden, "every label fits at the first view: this test needs a crowded map"
    name = hidden[0]["text"]
    page.evaluate("""(name) => {
      const map = %s;
      map.eachLayer(l => {
        if (l.getTooltip && l.getTooltip() && l.getLatLng && l.getTooltip().getContent() === name)
          map.setView(l.getLatLng(), map.getZoom() + 3, {animate: false});
      });
    }""" % MAP, name)
    page.wait_for_timeout(200)
    [label] = [label for label in page.evaluate(LABELS) if label["text"] == name]
    assert label["shown"], name
