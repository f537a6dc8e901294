"""The legend: only what is drawn, in words true for any story, and folded away on a small map."""

import re

import pytest

from mapper import api
from mapper.core.style import STYLES
from mapper.export.screenshot import PICTURE_PANELS

# Words that belong to one story, not to a kind of feature.
STORY_WORDS = ("Caspian", "Volga", "Kama", "Drone", "drone", "Iran", "Russia", "Ukraine", "Kyiv")

ONLY_CAPITALS = """
title = "Two capitals"
data = ["iran-russia"]
layers = ["places", "sea-routes", "river-routes", "ranges", "events"]

[filter]
ids = ["moscow", "tehran"]
"""

MAP = "window[document.querySelector('.folium-map').id]"
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.cspViolations.push(e.violatedDirective));
"""
LEGEND_SHARE = """() => {
  const map = document.querySelector('.folium-map').getBoundingClientRect();
  const legend = document.querySelector('.mapper-legend').getBoundingClientRect();
  return (legend.width * legend.height) / (map.width * map.height);
}"""


def _legend_call(html):
    """The rows the page gives the runtime's legend."""
    return re.search(r"mapperRuntime\.legend\(map_\w+, (.*)\);", html).group(1)


def test_style_labels_hold_for_any_story():
    for key, style in STYLES.items():
        if key.startswith("flow-") or key == "supply-flow":  # flows are labelled by their briefing
            continue
        assert not any(word in style.label for word in STORY_WORDS), (key, style.label)
    assert STYLES["place-industrial-zone"].label == "Industrial zone"
    assert (STYLES["sea-route"].label, STYLES["river-route"].label) == ("Sea route", "River route")


def test_no_section_for_an_empty_layer(tmp_path):
    briefing = tmp_path / "capitals.toml"
    briefing.write_text(ONLY_CAPITALS, encoding="utf-8")
    html = api.render(briefing, tmp_path / "capitals.html").path.read_text(encoding="utf-8")
    legend = _legend_call(html)
    assert "Places" in legend and "Capital" in legend
    for absent in ("Sea routes", "River routes", "Weapon ranges", "Industrial zone", "Port", "Town", "Dashed"):
        assert absent not in legend, absent
    # Nor a line in the layer control for a layer that draws nothing.
    for empty in ("Sea routes", "River routes", "Weapon ranges"):
        assert empty not in html


def test_default_legend_explains_dashes(tmp_path):
    html = api.render(output_path=tmp_path / "map.html").path.read_text(encoding="utf-8")
    legend = _legend_call(html)
    assert "Dashed: analyst’s assumption" in legend
    assert "Sea route" in legend and "River route" in legend and "Caspian sea lane" not in legend


@pytest.fixture(scope="module")
def default_map_path(tmp_path_factory):
    return api.render(output_path=tmp_path_factory.mktemp("legend") / "map.html").path


def _open(browser, path, width, height, url_hash=""):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(path.resolve().as_uri() + url_hash)
    page.wait_for_selector("[data-mapper-ready]")
    return page


@pytest.mark.browser
def test_small_map_starts_folded_and_opens_from_the_keyboard(browser, default_map_path):
    page = _open(browser, default_map_path, 800, 600)
    button = page.locator(".mapper-legend-toggle")
    assert button.get_attribute("aria-expanded") == "false"
    assert page.locator(".mapper-legend-body").is_hidden()
    assert page.get_attribute(".mapper-legend-toggle", "aria-controls") == page.get_attribute(".mapper-legend-body",
                                                                                               "id")
    folded = page.evaluate(LEGEND_SHARE)
    assert folded < 0.02

    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    assert page.locator(".mapper-legend-body").is_visible()
    assert "Sea route" in page.inner_text(".mapper-legend-body")
    shown = page.evaluate(LEGEND_SHARE)
    assert shown < 0.25, shown  # well under half the map
    # It stays clear of the layer control above it.
    legend = page.locator(".mapper-legend").bounding_box()
    layers = page.locator(".leaflet-control-layers").bounding_box()
    assert legend["y"] >= layers["y"] + layers["height"]

    page.keyboard.press("Space")
    assert button.get_attribute("aria-expanded") == "false"
    assert page.locator(".mapper-legend-body").is_hidden()
    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    assert page.evaluate("window.cspViolations") == []
    page.close()


@pytest.mark.browser
def test_large_map_starts_open(browser, default_map_path):
    page = _open(browser, default_map_path, 1600, 1000)
    assert page.get_attribute(".mapper-legend-toggle", "aria-expanded") == "true"
    assert "Fath-360 range, 120 km (geodesic)" in page.inner_text(".mapper-legend-body")
    # Clicking the legend neither pans nor zooms the map.
    centre = page.evaluate(f"() => {MAP}.getCenter()")
    page.click(".mapper-legend-toggle")
    assert page.evaluate(f"() => {MAP}.getCenter()") == centre
    assert page.get_attribute(".mapper-legend-toggle", "aria-expanded") == "false"
    page.close()


@pytest.mark.browser
def test_screenshots_show_the_whole_legend(browser, default_map_path):
    """A picture can be neither clicked nor scrolled: the screenshot unfolds the legend and shows every row."""
    page = _open(browser, default_map_path, 800, 600)
    page.evaluate(PICTURE_PANELS)
    assert page.get_attribute(".mapper-legend-toggle", "aria-expanded") == "true"
    scroll, height = page.evaluate("() => { const l = document.querySelector('.mapper-legend'); "
                                   "return [l.scrollHeight, l.clientHeight]; }")
    assert scroll <= height
    last = page.locator(".mapper-legend-row").last.bounding_box()
    assert last["y"] + last["height"] <= 600
    page.close()


PANEL_BOXES = """() => Array.from(document.querySelectorAll('.leaflet-control'))
  .filter(el => el.offsetParent !== null)
  .map(el => { const b = el.getBoundingClientRect(); return [el.className, b.left, b.top, b.right, b.bottom]; })"""


@pytest.mark.browser
@pytest.mark.parametrize("width, height, url_hash", [(800, 600, ""), (800, 600, "#step=2"), (1366, 768, "")])
def test_a_pictures_panels_never_lie_over_each_other(browser, default_map_path, width, height, url_hash):
    """Where a clicking-only panel would cover another, the picture leaves it out; where it fits, it stays."""
    page = _open(browser, default_map_path, width, height, url_hash)
    page.evaluate(PICTURE_PANELS)
    boxes = page.evaluate(PANEL_BOXES)
    for n, (name, *a) in enumerate(boxes):
        for other, *b in boxes[n + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (name, other)
    assert any("mapper-legend" in name for name, *_ in boxes)
    if width >= 1366:
        assert any("leaflet-control-layers" in name for name, *_ in boxes)
    page.close()
