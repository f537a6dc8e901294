"""Screenshot a rendered map in headless Chromium: the README figure.

Usage:  python scripts/screenshot.py outputs/iran-russia.html docs/iran-russia.png [WIDTHxHEIGHT]
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from mapper.browser import launch, route_network


def main(html_path, png_path, size="1600x1000"):
    width, height = (int(n) for n in size.split("x"))
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": width, "height": height})
        route_network(page)
        page.goto(Path(html_path).resolve().as_uri())
        page.wait_for_selector("[data-mapper-ready]")
        page.wait_for_timeout(500)
        page.screenshot(path=png_path)
        browser.close()
    print(f"wrote {png_path}")


if __name__ == "__main__":
    main(*sys.argv[1:])
