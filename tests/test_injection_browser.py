"""The injection corpus (tests/hostile.py) in every kind of HTML mapper writes, in a real headless Chromium.

Each kind is rendered once from the hostile geodata copy and opened once:
the online page (CDN requests answered from the pinned assets), the offline
page, and the online and offline fragments pasted into a host page (which
has no security policy, so a slip would run).  Every popup and tooltip is
opened, every hostile point clicked, and the title, legend, layer control
and point panel read; then the tests check that nothing ran, that no
element came from the text, that the text shows as typed, and that direction
controls reorder nothing outside their own field.
"""

import re

import pytest
from conftest import DATA_DIR
from hostile import (
    BIDI_CONTROLS,
    HOSTILE_NAME,
    HOSTILE_QUOTE,
    HOSTILE_SUBTITLE,
    HOSTILE_TITLE,
    JOINED,
    NAMED_PAYLOADS,
    PAYLOADS,
    POINT_SOURCE,
    POINT_TITLE,
    ROUTE_NAME,
    ROUTE_NOTE,
    SCRIPT_NAMES,
    USER_PLACE,
    USER_PLACES_FILE,
    bidi_balanced,
    make_hostile_corpus,
    point_lonlat,
    point_text,
    strip_bidi,
)
from test_browser import OpenedMap

from mapper import api
from mapper.html import assets
from mapper.load.bundled import ARTICLES_ENV

pytestmark = pytest.mark.browser

KINDS = ("html-offline", "html-online", "fragment-offline", "fragment-online")
HOST_TITLE = "Report"
MAP = "window[document.querySelector('.folium-map').id]"

# Elements that mapper's own markup uses where data text goes; anything else was made from the text.
POPUP_TAGS = {"div", "h4", "p", "b", "i", "ul", "ol", "li", "blockquote", "span", "table", "tbody", "tr", "td", "th",
              "br"}
PANEL_TAGS = {
    "title": {"div"},
    "legend": {"div", "button", "b", "span", "svg", "circle", "rect", "line"},
    "layers": {"section", "div", "label", "span", "input", "a"},
    "points": {"div", "ul", "li", "label", "input", "span"},
    "timeline": {"div", "label", "span", "input", "ul", "li", "button", "select", "option"},
}
POINT_POPUP_TAGS = {"div", "span"}

# JS helpers: what an element holds, and where its text is laid out the wrong way.
HELPERS = r"""
const BIDI = /[\u202a-\u202e\u2066-\u2069]/;
// Text after the last direction control of each text node is mapper's own
// or another field's, and in an LTR page with no RTL letters it must run left
// to right; a control that escaped its field would reverse it.
function spill(root) {
  const found = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const data = node.data;
    let start = 0;
    for (let i = 0; i < data.length; i++) if (BIDI.test(data[i])) start = i + 1;
    let previous = null;
    for (let i = start; i < data.length; i++) {
      if (/\s/.test(data[i])) continue;
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const box = range.getBoundingClientRect();
      if (!box.width) continue;
      if (previous && Math.abs(box.top - previous.top) < 2 && box.left < previous.left - 0.5) {
        found.push(data.slice(start, start + 80));
        break;
      }
      previous = box;
    }
  }
  return found;
}
function describe(root) {
  const tags = new Set();
  root.querySelectorAll('*').forEach(e => tags.add(e.localName));
  const h4 = root.querySelector('h4');
  return {text: root.textContent, tags: [...tags].sort(), spill: spill(root), h4: h4 ? h4.textContent : null};
}
"""

# Open every popup and tooltip of the map, one at a time, and describe it.
INSPECT_LAYERS = """() => {
  %s
  const map = %s;
  const popups = [], tooltips = [], seen = new Set();
  const layers = [];
  const walk = layer => { layers.push(layer); if (layer.eachLayer) layer.eachLayer(walk); };
  map.eachLayer(walk);
  for (const layer of layers) {
    if (seen.has(L.stamp(layer))) continue;
    seen.add(L.stamp(layer));
    const popup = layer.getPopup && layer.getPopup();
    if (popup && popup._source === layer) {  // bound to the layer (the point layer keeps one of its own)
      popup.options.autoPan = false;
      layer.openPopup();
      popups.push(describe(popup.getElement().querySelector('.leaflet-popup-content')));
      map.closePopup();
    }
    const tooltip = layer.getTooltip && layer.getTooltip();
    if (tooltip) {
      const open = layer.isTooltipOpen();
      if (!open) layer.openTooltip();
      tooltips.push(describe(tooltip.getElement()));
      if (!open) layer.closeTooltip();
    }
  }
  return {popups, tooltips};
}""" % (HELPERS, MAP)

INSPECT_PANELS = """() => {
  %s
  const panels = {title: '.mapper-title', legend: '.mapper-legend', layers: '.leaflet-control-layers',
                  points: '.mapper-point-panel', timeline: '.mapper-timeline'};
  const out = {};
  for (const [name, selector] of Object.entries(panels)) {
    const element = document.querySelector(selector);
    out[name] = element ? describe(element) : null;
  }
  const text = selector => Array.from(document.querySelectorAll(selector)).map(e => e.textContent);
  out.titleText = text('.mapper-title-text');
  out.subtitle = text('.mapper-subtitle');
  out.legendRows = text('.mapper-legend .mapper-legend-row span');  // the panel's, not the printed page's
  out.layerLabels = text('.leaflet-control-layers-overlays label');
  out.pointTitle = text('.mapper-point-title');
  out.pointSource = text('.mapper-point-source');
  out.categories = text('.mapper-point-categories label');
  return out;
}""" % HELPERS

# Anywhere in the document: handlers, script URLs and embedding elements that text could have made.
INSPECT_DOCUMENT = """() => {
  const handlers = [], urls = [];
  for (const element of document.querySelectorAll('*')) {
    for (const attribute of element.attributes) {
      if (/^on/i.test(attribute.name) || attribute.name === 'autofocus' || attribute.name === 'srcdoc') {
        handlers.push(element.localName + ' ' + attribute.name);
      }
      if (['href', 'src', 'action', 'formaction', 'data'].includes(attribute.name)
          && /^\\s*(javascript|data|vbscript):/i.test(attribute.value)) {
        urls.push(element.localName + ' ' + attribute.name + '=' + attribute.value.slice(0, 60));
      }
    }
  }
  return {
    handlers, urls,
    embedded: Array.from(document.querySelectorAll(
      'iframe, frame, object, embed, img, details, base, form, video, audio, math, textarea, meta[http-equiv="refresh"]'
    )).map(e => e.outerHTML.slice(0, 80)),
    pwned: typeof window.__pwned === 'undefined' ? null : String(window.__pwned),
    title: document.title,
    titleElement: Array.from(document.querySelectorAll('title')).map(e => e.textContent),
  };
}"""

POINT_POSITIONS = """(lonlats) => {
  const map = %s;
  const box = map.getContainer().getBoundingClientRect();
  return lonlats.map(([lon, lat]) => {
    const p = map.latLngToContainerPoint([lat, lon]);
    const x = box.left + p.x, y = box.top + p.y;
    const hit = document.elementFromPoint(x, y);
    return [x, y, !!hit && map.getContainer().contains(hit) && !hit.closest('.leaflet-control, .leaflet-popup')];
  });
}""" % MAP

POINT_POPUP = """() => {
  const popup = document.querySelector('.mapper-point-popup:not([data-seen])');
  const tags = new Set();
  popup.querySelectorAll('*').forEach(e => tags.add(e.localName));
  return {title: popup.querySelector('.mapper-popup-title').textContent,
          rows: Array.from(popup.children).slice(1).map(e => e.textContent), tags: [...tags].sort()};
}"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, articles_dir):
    return make_hostile_corpus(DATA_DIR, articles_dir, tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def outputs(corpus, tmp_path_factory):
    """Each kind of HTML output, rendered once: {kind: path of the page to open}."""
    folder = tmp_path_factory.mktemp("outputs")
    paths = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ARTICLES_ENV, str(corpus.articles_dir))
        for kind in KINDS:
            offline = kind.endswith("-offline")
            if kind.startswith("html"):
                paths[kind] = api.render(corpus.briefing, folder / f"{kind}.html", data_dir=corpus.data_dir,
                                              offline=offline).path
                continue
            fragment = api.export(corpus.briefing, folder / f"{kind}-fragment.html", "fragment",
                                   data_dir=corpus.data_dir, offline=offline).path
            page = folder / f"{kind}.html"
            page.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{HOST_TITLE}</title></head>"
                            "<body><h1>Report</h1><p>Before the map.</p>" + fragment.read_text(encoding="utf-8")
                            + "<p>After the map.</p></body></html>", encoding="utf-8")
            paths[kind] = page
    return paths


def _click_points(page):
    """Click each point of the hostile point layer; what each popup shows, in CSV order."""
    lons, lats = zip(*(point_lonlat(i) for i in range(len(PAYLOADS))))
    page.evaluate(f"void {MAP}.setView([{(min(lats) + max(lats)) / 2}, {(min(lons) + max(lons)) / 2}], 7, "
                  "{animate: false})")
    shown = {}
    # Top row first: a popup opens above its point, so it covers none of those still to click.
    for index in sorted(range(len(PAYLOADS)), key=lambda i: -point_lonlat(i)[1]):
        # Where it is now (a popup opened near the edge pans the map, animated); the popup shown so far, marked.
        page.wait_for_function("() => { const a = %s._panAnim; return !(a && a._inProgress); }" % MAP)
        [(x, y, free)] = page.evaluate(POINT_POSITIONS, [point_lonlat(index)])
        if not free:  # under the open popup after all
            _close_popups(page)
            [(x, y, free)] = page.evaluate(POINT_POSITIONS, [point_lonlat(index)])
        assert free, f"a control covers point {index}"
        page.evaluate("document.querySelectorAll('.mapper-point-popup').forEach(e => e.dataset.seen = '1')")
        page.mouse.click(x, y)
        page.wait_for_selector(".mapper-point-popup:not([data-seen])")
        shown[index] = page.evaluate(POINT_POPUP)
    _close_popups(page)
    return [shown[index] for index in range(len(PAYLOADS))]


def _click_place(page, prefix):
    """Click the place whose label starts with ``prefix`` (as the user would); the popup's text."""
    x, y = page.evaluate("""(prefix) => {
      const map = %s;
      let found = null;
      map.eachLayer(l => {
        if (l.getTooltip && l.getTooltip() && l.getLatLng && l.getTooltip().getContent().startsWith(prefix)) found = l;
      });
      map.setView(found.getLatLng(), 8, {animate: false});
      const p = map.latLngToContainerPoint(found.getLatLng());
      const box = map.getContainer().getBoundingClientRect();
      return [box.left + p.x, box.top + p.y];
    }""" % MAP, prefix)
    page.mouse.click(x, y)
    page.wait_for_function("() => { const p = %s._popup; return !!(p && p.isOpen() && p.getElement()"
                           ".querySelector('.mapper-popup')); }" % MAP)
    text = page.evaluate("%s._popup.getElement().querySelector('.leaflet-popup-content').textContent" % MAP)
    _close_popups(page)
    return text


def _close_popups(page):
    """Close the open popup, and wait until closed ones have faded out of the page."""
    page.evaluate(f"void {MAP}.closePopup()")
    page.wait_for_function("() => !document.querySelector('.leaflet-popup')")


@pytest.fixture(scope="module", params=KINDS)
def seen(request, browser, outputs):
    """One output kind, opened and gone through; what the page showed and did."""
    kind = request.param
    opened = OpenedMap(browser, outputs[kind], serve_assets=kind.endswith("-online"))
    try:
        page = opened.page
        report = {"kind": kind, "opened": opened}
        report["panels"] = page.evaluate(INSPECT_PANELS)
        report.update(page.evaluate(INSPECT_LAYERS))
        _close_popups(page)
        report["clicked"] = {prefix: _click_place(page, prefix) for prefix in ("Port ", "Depot ")}
        report["points"] = _click_points(page)
        page.wait_for_timeout(100)  # let anything that was scheduled run, e.g. an autofocus or a toggle event
        report["document"] = page.evaluate(INSPECT_DOCUMENT)
        yield report
    finally:
        opened.close()


def _shows(text, field):
    """``field`` is in ``text`` as typed: every character, in order (closers of its direction controls may follow)."""
    return field in text


def _popup(seen, h4):
    found = [p for p in seen["popups"] if p["h4"] is not None and strip_bidi(p["h4"]) == strip_bidi(h4)]
    assert found, f"no popup titled {h4[:40]!r}"
    return found[0]


def test_nothing_ran(seen):
    opened = seen["opened"]
    assert opened.dialogs == []
    assert opened.errors == []
    assert opened.console == []
    assert opened.csp_violations == []
    assert seen["document"]["pwned"] is None
    expected_title = HOST_TITLE if seen["kind"].startswith("fragment") else HOSTILE_TITLE
    assert seen["document"]["titleElement"] == [expected_title]  # as typed
    # No payload set it; Chromium's document.title turns control characters into spaces, then collapses them.
    assert seen["document"]["title"] == " ".join(re.sub("[\x00-\x1f\x7f]", " ", expected_title).split())


def test_network(seen):
    requests = seen["opened"].requests
    if seen["kind"].endswith("-offline"):
        assert requests == []
    else:
        assert sorted(requests) == sorted(a.cdn_url for a in assets.SCRIPTS + assets.STYLESHEETS)


def test_no_element_made_from_text(seen):
    document = seen["document"]
    assert document["handlers"] == []
    assert document["urls"] == []
    assert document["embedded"] == []
    for popup in seen["popups"]:
        assert set(popup["tags"]) <= POPUP_TAGS, (popup["h4"] or popup["text"])[:60]
    for tooltip in seen["tooltips"]:
        assert tooltip["tags"] == [], tooltip["text"][:60]
    for name, allowed in PANEL_TAGS.items():
        panel = seen["panels"][name]
        assert panel is not None, name
        assert set(panel["tags"]) <= allowed, name
    for point in seen["points"]:
        assert set(point["tags"]) <= POINT_POPUP_TAGS


def test_title_and_subtitle_shown_as_typed(seen):
    panels = seen["panels"]
    [title], [subtitle] = panels["titleText"], panels["subtitle"]
    assert strip_bidi(title) == strip_bidi(HOSTILE_TITLE) and _shows(title, HOSTILE_TITLE)
    assert strip_bidi(subtitle) == strip_bidi(HOSTILE_SUBTITLE) and _shows(subtitle, HOSTILE_SUBTITLE)


def test_place_popups_and_labels_shown_as_typed(seen):
    olya = _popup(seen, HOSTILE_NAME)
    assert strip_bidi(olya["h4"]) == strip_bidi(HOSTILE_NAME) and _shows(olya["h4"], HOSTILE_NAME)
    source_title = NAMED_PAYLOADS["template-literal"] + " title"
    for field in ("Description " + JOINED, "Note " + JOINED, HOSTILE_QUOTE, source_title):
        assert _shows(olya["text"], field), field[:40]

    depot = _popup(seen, USER_PLACE["name"])
    for field in (USER_PLACE["description"], USER_PLACE["note"], USER_PLACE["source"], f"({USER_PLACES_FILE}:2"):
        assert _shows(depot["text"], field), field[:40]
    # The file and line it came from, the file name's override closed before the bracket.
    assert strip_bidi(f"({USER_PLACES_FILE}:2)") in strip_bidi(depot["text"])
    rings = [p for p in seen["popups"] if "Named places inside" in p["text"] and USER_PLACE["name"] in p["text"]]
    assert len(rings) == 2  # the Belgorod and Kursk rings list it

    route = _popup(seen, ROUTE_NAME)
    assert _shows(route["text"], ROUTE_NOTE)

    labels = [t["text"] for t in seen["tooltips"]]
    for name in (HOSTILE_NAME, USER_PLACE["name"], ROUTE_NAME):
        assert any(strip_bidi(label) == strip_bidi(name) and _shows(label, name) for label in labels), name[:20]
    # A click, as the reader does it, opens the same text.
    assert _shows(seen["clicked"]["Port "], HOSTILE_QUOTE)
    assert _shows(seen["clicked"]["Depot "], USER_PLACE["note"])


def test_legend_and_layer_control_shown_as_typed(seen):
    panels = seen["panels"]
    route_rows = [row for row in panels["legendRows"] if row.startswith("Route ")]
    assert len(route_rows) == 1
    assert strip_bidi(route_rows[0]) == strip_bidi(ROUTE_NAME) + " (computed)"
    assert _shows(route_rows[0], ROUTE_NAME)
    assert point_text(POINT_TITLE) in [label.strip() for label in panels["layerLabels"]]


def test_point_layer_text_shown_as_its_loader_keeps_it(seen):
    """Point layers keep one printable line: control characters, direction controls too, become spaces."""
    panels = seen["panels"]
    title, source = point_text(POINT_TITLE), point_text(POINT_SOURCE)
    assert panels["pointTitle"] == [title]
    assert panels["pointSource"] == ["Source: " + source]
    assert sorted(panels["categories"]) == sorted(f"{point_text(p)} (1)" for p in PAYLOADS)
    for row, (payload, popup) in enumerate(zip(PAYLOADS, seen["points"]), start=1):
        assert popup["title"] == point_text(payload)
        assert popup["rows"][0] == "Category: " + point_text(payload)
        assert popup["rows"][-1] == f"Source: {source}, row {row} ({title})"
    every = " ".join([title, source] + panels["categories"] + [p["title"] for p in seen["points"]])
    assert not any(c in every for c in BIDI_CONTROLS)


def test_direction_controls_stay_in_their_field(seen):
    """Every text holds its own direction controls closed, and mapper's text after them runs left to right."""
    described = seen["popups"] + seen["tooltips"] + [p for p in seen["panels"].values() if isinstance(p, dict)]
    for item in described:
        assert item["spill"] == [], (item.get("h4") or item["text"])[:60]
        assert bidi_balanced(item["text"]), (item.get("h4") or item["text"])[:60]
    # The corpus reached the layout check: some popups hold every direction control.
    assert any(all(c in p["text"] for c in BIDI_CONTROLS if c != "\u202c") for p in seen["popups"])


def test_every_script_payload_was_on_the_page(seen):
    """Each payload that tries to run reached the page as text (so 'nothing ran' means something)."""
    text = " ".join(p["text"] for p in seen["popups"])
    for name in SCRIPT_NAMES:
        assert NAMED_PAYLOADS[name] in text, name
