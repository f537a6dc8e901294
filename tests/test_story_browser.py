"""Story mode, timeline playback and permalinks in headless Chromium, on the default map, offline.

Every request that is not ``file:`` is refused and counted; console messages,
page errors and CSP violations are recorded, and each test ends with none.
"""

import json

import pytest
from hostile import JOINED, strip_bidi
from test_browser import MAP, OpenedMap

from mapper import api

pytestmark = pytest.mark.browser

STEP_COUNT = 6
TITLES = ["Across the Caspian", "Up the Volga and the Kama to Alabuga", "The drone plant", "Support flows both ways",
          "Fath-360: 120 km from Russia", "Kyiv"]
QUOTES = ["Kirby confirmed earlier CNN reports that Iran is using the Caspian Sea",
          "inside Russia’s Alabuka special economic zone, about 600 miles east of Moscow",
          "Washington released a satellite image taken on April 3",
          "Support flows in both directions: from Iran to Russia and from Russia to Iran",
          "the Fath-360 missiles, with a range of 75 miles (120 kilometers)",
          "Russia has been using Iranian drones to attack Kiev"]
DATES = ["2024-06-21", "2024-06-21", "2024-04-03", "2024-06-21", "2024-09-10", "all"]
LAYERS = {"ranges": "Weapon ranges", "sea-routes": "Sea routes", "river-routes": "River routes",
          "supply-flows": "Supply flows", "events": "Dated events", "places": "Places"}
STEP_LAYERS = [["places", "sea-routes", "events"], ["places", "sea-routes", "river-routes", "events"],
               ["places", "events"], ["places", "supply-flows", "events"], ["places", "ranges", "events"],
               list(LAYERS)]

# The map's state: the story's step, the timeline's date, the layers shown, the features drawn, the view.
STATE = """() => {
  const map = %s;
  const container = map.getContainer();
  const shown = [];
  const drawn = {};
  map.eachLayer(l => {
    if (l.mapperLayer) shown.push(l.mapperLayer);
    const props = l.feature && l.feature.properties;
    if (props && props.ids && l._map) for (const id of props.ids) drawn[id] = true;
  });
  const checked = Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))
    .filter(label => label.querySelector('input').checked).map(label => label.textContent.trim());
  const c = map.getCenter();
  return {
    step: container.getAttribute('data-mapper-step'),
    date: container.getAttribute('data-mapper-timeline-date'),
    progress: document.querySelector('.mapper-story-progress').textContent,
    title: document.querySelector('.mapper-story-title').textContent,
    caption: document.querySelector('.mapper-story-caption').innerText,
    layers: shown.sort(), checked: checked, drawn: Object.keys(drawn).sort(),
    view: [map.getZoom(), c.lat, c.lng], bounds: map.getBounds().toBBoxString().split(',').map(Number),
    hash: location.hash, history: history.length,
  };
}""" % MAP

AT_STEP = "document.querySelector('.folium-map').getAttribute('data-mapper-step')"
# Each drawn feature's first id: [line weight, opacity].
WEIGHTS = """() => {
  const out = {};
  %s.eachLayer(l => {
    const p = l.feature && l.feature.properties;
    if (p && p.ids && l.options && l.options.weight !== undefined) {
      out[p.ids[0]] = [l.options.weight, l.options.opacity];
    }
  });
  return out;
}""" % MAP


@pytest.fixture(scope="module")
def map_path(tmp_path_factory):
    return api.render(output_path=tmp_path_factory.mktemp("story") / "iran-russia.html").path


@pytest.fixture
def opened(browser, map_path):
    page = OpenedMap(browser, map_path)
    yield page
    assert page.errors == [] and page.console == [], page.console
    assert page.requests == [] and page.csp_violations == [] and page.dialogs == []
    page.close()


def _state(opened):
    return opened.page.evaluate(STATE)


def _wait_for_step(opened, step):
    opened.page.wait_for_function(f"{AT_STEP} === '{step}'")
    # The flight ends with moveend; the hash follows it.
    opened.page.wait_for_function("(s) => location.hash.includes('step=' + s) || s === 0", arg=step)
    opened.page.wait_for_timeout(1600)  # the flight (1.2 s) and the hash's update


def _inside(bounds, lon, lat):
    west, south, east, north = bounds
    return west <= lon <= east and south <= lat <= north


def test_arrow_key_steps_through_the_story(opened):
    page = opened.page
    start = _state(opened)
    entries = start["history"]
    assert start["step"] == "0" and start["progress"] == "Story" and start["title"] == f"{STEP_COUNT} steps"
    assert start["date"] == "all" and start["layers"] == sorted(LAYERS)
    page.locator(".folium-map").focus()  # the map has the focus: → is the story's, not Leaflet's panning
    for n in range(1, STEP_COUNT + 1):
        page.keyboard.press("ArrowRight")
        _wait_for_step(opened, n)
        state = _state(opened)
        assert state["progress"] == f"Step {n} of {STEP_COUNT}"
        assert state["title"] == TITLES[n - 1]
        assert QUOTES[n - 1] in state["caption"], n
        assert state["date"] == DATES[n - 1]
        assert state["layers"] == sorted(STEP_LAYERS[n - 1])
        assert state["checked"] == [LAYERS[key] for key in LAYERS if key in STEP_LAYERS[n - 1]]
        assert f"step={n}" in state["hash"]
    # The flights ended where the steps are.
    state = _state(opened)
    assert _inside(state["bounds"], 30.52, 50.45) and _inside(state["bounds"], 52.04, 55.83)  # Kyiv and Alabuga
    page.keyboard.press("ArrowRight")  # past the last step: stays
    assert _state(opened)["step"] == str(STEP_COUNT)
    assert _state(opened)["history"] == entries  # the hash was replaced, never pushed


def test_clicker_keys_and_buttons(opened):
    page = opened.page
    page.keyboard.press("PageDown")
    _wait_for_step(opened, 1)
    page.keyboard.press("End")
    _wait_for_step(opened, STEP_COUNT)
    page.keyboard.press("PageUp")
    _wait_for_step(opened, STEP_COUNT - 1)
    page.keyboard.press("Home")
    _wait_for_step(opened, 1)
    assert page.get_by_role("button", name="Back").is_enabled()
    page.get_by_role("button", name="Back").click()
    _wait_for_step(opened, 0)
    assert _state(opened)["layers"] == sorted(LAYERS) and _state(opened)["date"] == "all"
    assert page.get_by_role("button", name="Back").is_disabled()
    page.get_by_role("button", name="Next step").click()
    _wait_for_step(opened, 1)
    assert _state(opened)["title"] == TITLES[0]


def test_highlight_emphasises_and_dims(opened):
    page = opened.page
    page.keyboard.press("ArrowRight")
    _wait_for_step(opened, 1)
    weights = page.evaluate(WEIGHTS)
    lane, port = weights["caspian-anzali-astrakhan"], weights["astrakhan"]
    assert lane[0] > 4 and lane[1] == 1  # emphasised
    assert port[1] < 0.5  # dimmed
    page.keyboard.press("ArrowLeft")  # the overview: as drawn
    _wait_for_step(opened, 0)
    assert page.evaluate(WEIGHTS)["caspian-anzali-astrakhan"][0] < lane[0]


def test_timeline_keys_stay_with_the_slider(opened):
    page = opened.page
    slider = page.get_by_role("slider", name="Timeline of dated events")
    slider.focus()
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    state = _state(opened)
    assert state["step"] == "0" and state["date"] == "2024"


def test_measuring_keeps_the_arrows(opened):
    """While measuring, the arrows move the map under the measuring cross, not the story."""
    page = opened.page
    page.get_by_role("button", name="Measure geodesic distance").click()
    page.locator(".folium-map").focus()
    before = _state(opened)["view"]
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(400)
    state = _state(opened)
    assert state["step"] == "0" and state["view"][2] > before[2]
    page.keyboard.press("Escape")


def test_hash_restores_step_view_date_and_layers(browser, map_path):
    url = map_path.resolve().as_uri() + "#view=6.5/51.2000/36.5000&date=2024-06&step=5&layers=places,ranges"
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors = []
    page.on("console", lambda m: errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector("[data-mapper-ready]")
    state = page.evaluate(STATE)
    entries = state["history"]
    assert state["step"] == "5" and state["title"] == TITLES[4]
    assert state["view"][0] == 6.5
    assert state["view"][1] == pytest.approx(51.2, abs=1e-4) and state["view"][2] == pytest.approx(36.5, abs=1e-4)
    assert state["date"] == "2024-06"  # a date between the steps shows the one before it
    assert state["layers"] == ["places", "ranges"] and state["checked"] == ["Weapon ranges", "Places"]
    assert "fath-360-kursk" not in state["drawn"]  # reported in September 2024
    # The hash follows the map, in place.
    page.evaluate("%s.setView([50, 40], 5, {animate: false})" % MAP)
    page.wait_for_function("location.hash.startsWith('#view=5/50.0000/40.0000')")
    assert page.evaluate("history.length") == entries
    # A link followed within the page (hashchange) restores too.
    page.evaluate("location.hash = '#step=2'")
    page.wait_for_function(f"{AT_STEP} === '2'")
    assert errors == []
    page.close()


def test_a_bad_hash_is_ignored(browser, map_path):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text))
    page.goto(map_path.resolve().as_uri() + "#view=99/x/1e999&date=<img>&step=-1&layers=<script>")
    page.wait_for_selector("[data-mapper-ready]")
    state = page.evaluate(STATE)
    assert state["step"] == "0" and state["date"] == "all" and state["layers"] == []
    assert errors == []
    page.close()


def test_play_moves_the_timeline_and_filters_rings_and_flows(opened):
    page = opened.page
    page.select_option(".mapper-timeline-speed select", label="Fast")
    seen = []
    page.get_by_role("button", name="Play the timeline").click()
    assert page.get_by_role("button", name="Pause the timeline").count() == 1
    for _ in range(60):
        state = _state(opened)
        if not seen or seen[-1][0] != state["date"]:
            seen.append((state["date"], state["drawn"]))
        if state["date"] == "all" and len(seen) > 1:
            break
        page.wait_for_timeout(150)
    dates = [date for date, _ in seen]
    assert dates[:3] == ["2023", "2024", "2024-04-03"] and dates[-1] == "all", dates
    drawn = dict(seen)
    for date in ("2023", "2024-04-03"):
        assert "fath-360-kursk" not in drawn[date] and "flow-iran-to-russia" not in drawn[date], date
        assert "caspian-anzali-astrakhan" not in drawn[date]
    assert "flow-iran-to-russia" in drawn["2024-06-21"] and "fath-360-kursk" not in drawn["2024-06-21"]
    assert "fath-360-kursk" in drawn["2024-09-10"] and "fath-360-kursk" in drawn["all"]
    assert "tehran" in drawn["2023"]  # places have no date
    page.wait_for_selector(".mapper-timeline-play:not(.mapper-timeline-playing)")  # stopped at every date
    # Stepping event by event.
    page.get_by_role("button", name="Previous date").click()
    assert _state(opened)["date"] == "2024-09-10"
    page.get_by_role("button", name="Next date").click()
    assert _state(opened)["date"] == "all"


def test_controls_are_keyboard_operable_with_visible_focus(opened):
    page = opened.page
    outline = """(selector) => { const s = getComputedStyle(document.querySelector(selector));
      return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"""
    for selector in (".mapper-story-next", ".mapper-timeline-play", ".mapper-timeline-prev",
                     ".mapper-timeline-speed select"):
        page.focus(selector)
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focus by keyboard: :focus-visible
        assert page.evaluate("(selector) => document.activeElement.matches(selector)", selector)
        style, width = page.evaluate(outline, selector)
        assert style == "solid" and width >= 2, selector
    page.focus(".mapper-story-next")
    page.keyboard.press("Enter")
    _wait_for_step(opened, 1)
    page.keyboard.press("Space")
    _wait_for_step(opened, 2)
    for name in ("Back to the previous step", "Next step", "Play the timeline", "Previous date", "Next date"):
        assert page.get_by_role("button", name=name).count() == 1, name
    assert page.get_by_role("combobox", name="Speed").count() == 1
    assert page.get_by_role("region", name=TITLES[1]).count() == 1  # the story's panel, named by its step


def test_story_in_full_screen(opened):
    page = opened.page
    page.get_by_role("button", name="Full screen").click()
    page.wait_for_function("document.fullscreenElement === document.querySelector('.folium-map')")
    page.keyboard.press("ArrowRight")
    _wait_for_step(opened, 1)
    visible = page.evaluate("""() => { const r = document.querySelector('.mapper-story').getBoundingClientRect();
      return r.width > 0 && r.bottom <= innerHeight && r.right <= innerWidth &&
        document.fullscreenElement.contains(document.querySelector('.mapper-story')); }""")
    assert visible
    page.evaluate("document.exitFullscreen()")
    page.wait_for_function("document.fullscreenElement === null")



def _toml(text):
    return json.dumps(text, ensure_ascii=False)


def test_hostile_step_text_is_shown_as_text(browser, tmp_path):
    """A step's title, caption, quote and source are the briefing's text: shown as typed, never run."""
    briefing = tmp_path / "hostile.toml"
    briefing.write_text(
        'title = "Hostile story"\ndata = ["iran-russia"]\nlayers = ["places"]\n\n'
        f'[[sources]]\nid = "src"\ntitle = {_toml("Source " + JOINED)}\noutlet = {_toml("Outlet " + JOINED)}\n\n'
        f'[[steps]]\ntitle = {_toml("Step " + JOINED)}\ncaption = {_toml("Caption " + JOINED)}\n'
        f'sources = [{{ source = "src", quote = {_toml("Quote " + JOINED)} }}]\n', encoding="utf-8")
    opened = OpenedMap(browser, api.render(briefing, tmp_path / "hostile.html").path)
    try:
        page = opened.page
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"{AT_STEP} === '1'")
        tags = page.evaluate("() => Array.from(document.querySelectorAll('.mapper-story *')).map(e => e.localName)")
        assert set(tags) <= {"div", "span", "button", "h2", "p", "ul", "li", "blockquote"}
        text = page.inner_text(".mapper-story")
        for shown in ("Step ", "Caption ", "Quote ", "Outlet "):
            assert strip_bidi(shown + JOINED) in strip_bidi(text).replace("\n", " "), shown
        assert page.evaluate("window.__pwned") is None and opened.dialogs == []
        assert opened.errors == [] and opened.csp_violations == [] and opened.requests == []
    finally:
        opened.close()


PANEL_BOXES = """() => Array.from(document.querySelectorAll('.leaflet-control'))
  .filter(el => el.offsetParent !== null)
  .map(el => { const b = el.getBoundingClientRect(); return [el.className, b.left, b.top, b.right, b.bottom]; })"""


@pytest.mark.parametrize("width, height", [(1366, 768), (1024, 700), (800, 600)])
def test_every_step_keeps_its_panel_clear_of_the_others(browser, map_path, width, height):
    """A long caption scrolls in its panel rather than run it into the tools above or off the map."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(map_path.resolve().as_uri())
    page.wait_for_selector("[data-mapper-ready]")
    for step in range(1, STEP_COUNT + 1):
        page.evaluate(f"() => {MAP}.mapperStory.go({step}, false)")
        boxes = page.evaluate(PANEL_BOXES)
        for n, (name, *a) in enumerate(boxes):
            assert a[1] >= 0 and a[3] <= height, (step, name)
            for other, *b in boxes[n + 1:]:
                assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (step, name, other)
    page.close()
