"""Headless Chromium for screenshots and browser tests (optional: Playwright).

Chromium comes from the system (Debian's ``chromium`` package); Playwright
from PyPI drives it.  Until maps inline their assets, pages ask for Leaflet
from its CDN; :func:`serve_leaflet_locally` answers those requests from the
identical files in PyPI's XStatic-Leaflet, and refuses everything else.
"""

import os
import shutil
from pathlib import Path

from mapper.errors import MapperError

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
LEAFLET_CDN_PREFIX = "https://cdn.jsdelivr.net/npm/leaflet@{version}/dist/"


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


def leaflet_dist_dir():
    """Folder holding leaflet.js, leaflet.css and images/ from XStatic-Leaflet."""
    import xstatic.pkg.leaflet as xleaflet

    return Path(xleaflet.BASE_DIR), xleaflet.VERSION


def serve_leaflet_locally(page_or_context, blocked=None):
    """Route every request: Leaflet's CDN files from disk, ``file:``/``data:`` through, the rest aborted.

    ``blocked``, if a list, collects the URLs that were aborted.
    """
    dist_dir, version = leaflet_dist_dir()
    prefix = LEAFLET_CDN_PREFIX.format(version=version)

    def handle(route):
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        elif url.startswith(prefix) and (dist_dir / url[len(prefix):].split("?")[0]).is_file():
            route.fulfill(path=str(dist_dir / url[len(prefix):].split("?")[0]))
        else:
            if blocked is not None:
                blocked.append(url)
            route.abort()

    page_or_context.route("**/*", handle)
