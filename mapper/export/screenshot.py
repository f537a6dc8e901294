"""A PNG of the interactive map as headless Chromium draws it.

For when the look of the browser map is wanted in a report.  The offline
page is rendered to a private temporary folder and opened with every
network request refused, so the picture shows exactly what a briefer would
see with no connection.  Needs Playwright (PyPI) and a system Chromium.
"""

import tempfile
from pathlib import Path

from mapper.core.output import write_atomic
from mapper.errors import InputError, MapperError, OutputExistsError
from mapper.export import browser
from mapper.export.paper import page_size
from mapper.html.page import render_html

CSS_PX_PER_INCH = 96
DEFAULT_VIEWPORT = "1600x1000px"
DEFAULT_SCREEN_DPI = CSS_PX_PER_INCH
VIEWPORT_RANGE_PX = (320, 8000)
SCREEN_DPI_RANGE = (CSS_PX_PER_INCH // 2, 4 * CSS_PX_PER_INCH)  # half to four device pixels per CSS pixel
LOAD_TIMEOUT_MS = 30_000
# A picture can be neither clicked nor scrolled: its legend is shown unfolded and whole, though a
# small window starts it folded and a small map keeps it short with a scroll bar.  A panel that
# is only for clicking or typing (the layer switch, the search box, the cursor readout) is left
# out of the picture where it would lie over another panel, as it would on a small window.
PICTURE_PANELS = """() => {
  const button = document.querySelector('.mapper-legend-toggle');
  if (button) {
    if (button.getAttribute('aria-expanded') === 'false') button.click();
    button.parentElement.classList.add('mapper-legend-whole');
  }
  const box = el => el.getBoundingClientRect();
  const meet = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const panels = () => Array.from(document.querySelectorAll('.leaflet-control'))
    .filter(el => el.offsetParent !== null);
  // Under a whole legend on a short map, the story's panel would run off the top: it goes to the top right.
  const story = document.querySelector('.mapper-story');
  const caption = story && story.querySelector('.mapper-story-caption');
  if (caption) caption.style.maxHeight = '';  // as tall as the page allows, before it is placed
  const top = story && story.closest('.leaflet-control-container').querySelector('.leaflet-top.leaflet-right');
  if (story && top && story.closest('.leaflet-bottom') &&
      (box(story).top < 0 || panels().some(other => other !== story && meet(box(story), box(other))))) {
    top.prepend(story);
    // Still too tall beside the legend: the caption gives up lines (the figure's subtitle has it whole).
    const across = other => box(other).left < box(story).right && box(story).left < box(other).right;
    const below = panels().filter(other => other !== story && across(other) && box(other).top >= box(story).top)
      .map(other => box(other).top);
    const short = below.length ? box(story).bottom + 10 - Math.min(...below) : 0;
    if (caption && short > 0) {
      caption.style.maxHeight = Math.max(32, caption.clientHeight - short) + 'px';
      caption.style.overflow = 'hidden';
    }
  }
  for (const selector of ['.leaflet-control-layers', '.mapper-find', '.mapper-coords']) {
    const panel = document.querySelector(selector);
    const control = panel && panel.closest('.leaflet-control');
    if (control && panels().some(other => other !== control && meet(box(control), box(other)))) {
      control.classList.add('mapper-off-picture');
    }
  }
  // The opening view, clear of the panels as the picture shows them (mapper-layout.js).
  const map = window[document.querySelector('.folium-map').id];
  if (window.mapperRuntime && window.mapperRuntime.refit) window.mapperRuntime.refit(map);
}"""


def viewport_px(size, dpi):
    """(width, height) in CSS pixels and the device scale factor for ``size`` at ``dpi``.

    ``size`` is as :func:`mapper.export.paper.page_size` reads it: px are the
    window itself; paper sizes and lengths are taken at 96 CSS px per inch.
    """
    text = size or DEFAULT_VIEWPORT
    page = page_size(text, CSS_PX_PER_INCH)
    width, height = round(page.width_in * CSS_PX_PER_INCH), round(page.height_in * CSS_PX_PER_INCH)
    low, high = VIEWPORT_RANGE_PX
    if not (low <= width <= high and low <= height <= high):
        raise InputError(f"size {text!r}: a {width} × {height} px window; each side must be {low}–{high} px")
    low_dpi, high_dpi = SCREEN_DPI_RANGE
    if not low_dpi <= dpi <= high_dpi:
        raise InputError(f"dpi {dpi}: a screenshot takes {low_dpi}–{high_dpi} (96 is one device pixel per "
                         "CSS pixel)")
    return width, height, dpi / CSS_PX_PER_INCH


def _playwright():
    try:
        from playwright.sync_api import Error, sync_playwright  # optional: mapper[screenshot]
    except ImportError:
        raise MapperError("screenshot: needs Playwright; install it with  pip install 'mapper[screenshot]'") from None
    return sync_playwright, Error


def screenshot_png(html, width_px, height_px, scale, url_hash=""):
    """PNG bytes of ``html`` (an offline map page) in a ``width_px`` × ``height_px`` window.

    ``url_hash`` opens the page at a view, date, step or layers, as a permalink does (``"#step=3"``).
    """
    sync_playwright, PlaywrightError = _playwright()
    browser.find_chromium()  # fail with its clear message before Playwright starts
    with tempfile.TemporaryDirectory(prefix="mapper-shot-") as folder:
        page_path = Path(folder) / "map.html"
        page_path.write_text(html, encoding="utf-8")
        try:
            with sync_playwright() as playwright:
                chromium = browser.launch(playwright)
                try:
                    page = chromium.new_page(viewport={"width": width_px, "height": height_px},
                                             device_scale_factor=scale)
                    browser.route_network(page, serve_assets=False)
                    page.goto(page_path.as_uri() + url_hash)
                    page.wait_for_selector("[data-mapper-ready]", timeout=LOAD_TIMEOUT_MS)
                    page.evaluate(PICTURE_PANELS)
                    if url_hash:  # once more, fitted beside the legend as the picture shows it
                        page.evaluate("() => window.dispatchEvent(new HashChangeEvent('hashchange'))")
                    # Two frames: the canvas layers have painted once ready is set.
                    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
                    return page.screenshot(type="png")
                finally:
                    chromium.close()
        except PlaywrightError as exc:
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise MapperError(f"screenshot: Chromium failed: {first_line}") from None


def render_screenshot(geodata, briefing, layers, path, size=None, dpi=DEFAULT_SCREEN_DPI, stamp="", overwrite=False,
                      point_layers=(), url_hash=""):
    """Screenshot the offline interactive map of ``briefing`` to ``path`` (PNG); returns the path.

    ``url_hash`` opens the map at a view, date, step or layers (see :func:`screenshot_png`).
    """
    width_px, height_px, scale = viewport_px(size, dpi)
    if Path(path).exists() and not overwrite:  # before the slow part
        raise OutputExistsError(f"{path}: already exists")
    html = render_html(geodata, briefing, layers, offline=True, stamp=stamp, point_layers=point_layers)
    return write_atomic(path, screenshot_png(html, width_px, height_px, scale, url_hash), overwrite)
