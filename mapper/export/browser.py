"""Headless Chromium for screenshots and browser tests (optional: Playwright).

Chromium comes from the system (Debian's ``chromium`` package); Playwright
from PyPI drives it.  :func:`route_network` keeps pages off the network:
offline maps must ask for nothing, and an online map's CDN requests are
answered from the identical pinned files on disk.
"""

import os
import shutil
from pathlib import Path

from mapper.errors import MapperError
from mapper.html import assets

CHROMIUM_ENV = "MAPPER_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
# Without the background-networking flags Chromium keeps dialling out.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def find_chromium():
    """Path of a Chromium binary: ``$MAPPER_CHROMIUM`` or one on PATH.

    Raises
    ------
    MapperError
        If none is found.
    """
    explicit = os.environ.get(CHROMIUM_ENV)
    if explicit:
        if not Path(explicit).is_file():
            raise MapperError(f"{CHROMIUM_ENV}={explicit}: no such file")
        return explicit
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise MapperError("no Chromium found: install Debian's 'chromium' package or set MAPPER_CHROMIUM")


def launch(playwright):
    """Launch headless Chromium through a started Playwright instance."""
    return playwright.chromium.launch(executable_path=find_chromium(), headless=True, args=CHROMIUM_ARGS)


def route_network(page_or_context, requests=None, serve_assets=True):
    """Route every request: ``file:``/``data:`` through, the rest answered locally or aborted.

    With ``serve_assets``, requests for a pinned asset's CDN URL get the
    pinned file (with the CORS header that Subresource Integrity needs);
    everything else is aborted.  ``requests``, if a list, collects the URL
    of every request that was not ``file:`` or ``data:``, served or not.
    """
    served = {asset.cdn_url: asset for asset in assets.ALL} if serve_assets else {}

    def handle(route):
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
            return
        if requests is not None:
            requests.append(url)
        asset = served.get(url)
        if asset is None:
            route.abort()
        else:
            route.fulfill(body=assets.read_asset(asset), content_type=asset.media_type,
                          headers={"Access-Control-Allow-Origin": "*"})

    page_or_context.route("**/*", handle)
