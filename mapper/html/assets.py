"""Browser assets of a map, each pinned by version and SHA-256.

Offline maps inline these files; online maps load the same bytes from a CDN
with Subresource Integrity.  Leaflet comes from PyPI's XStatic-Leaflet (an
install requirement); GeographicLib's JavaScript geodesics from npm, copied
into ``mapper/html/static/vendor/`` by ``make assets``.  A file that is missing,
or whose bytes are not the pinned ones, is refused: an offline map contains
exactly the code that was reviewed.
"""

import base64
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from mapper.errors import AssetError

VENDOR_DIR = Path(__file__).parent / "static" / "vendor"
LEAFLET_VERSION = "1.9.3"
GEOGRAPHICLIB_VERSION = "2.2.0"
_LEAFLET_CDN = f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/"
_XSTATIC_PACKAGE = "XStatic-Leaflet 1.9.3.0 (PyPI)"
_XSTATIC_HINT = "install it with `pip install XStatic-Leaflet==1.9.3.0` (a mapper requirement)"
_VENDOR_HINT = "run `make assets` in the mapper checkout (npm ci, then a copy into mapper/html/static/vendor)"


@dataclass(frozen=True)
class Asset:
    """One pinned file: where it comes from and what its bytes must hash to."""

    path: str  # inside its folder
    package: str  # registry package and version it ships in
    sha256: str
    cdn_url: str
    origin: str  # "xstatic-leaflet" or "vendor"
    media_type: str = "text/javascript"


LEAFLET_JS = Asset("leaflet.js", _XSTATIC_PACKAGE,
                   "5819285cec137b229c94e1ee5ad73e8b6b84345a4367d60f75fe477fe0fb7b03",
                   _LEAFLET_CDN + "leaflet.js", "xstatic-leaflet")
LEAFLET_CSS = Asset("leaflet.css", _XSTATIC_PACKAGE,
                    "90b693d86392a4779c861b28cf307e7e59c3fb35328c4d8b95f58f814d38c722",
                    _LEAFLET_CDN + "leaflet.css", "xstatic-leaflet", "text/css")
LEAFLET_IMAGES = tuple(
    Asset(f"images/{name}", _XSTATIC_PACKAGE, digest, _LEAFLET_CDN + f"images/{name}",
          "xstatic-leaflet", "image/png")
    for name, digest in (
        ("layers.png", "1dbbe9d028e292f36fcba8f8b3a28d5e8932754fc2215b9ac69e4cdecf5107c6"),
        ("layers-2x.png", "066daca850d8ffbef007af00b06eac0015728dee279c51f3cb6c716df7c42edf"),
        ("marker-icon.png", "574c3a5cca85f4114085b6841596d62f00d7c892c7b03f28cbfa301deb1dc437"),
    )
)
GEOGRAPHICLIB_JS = Asset("geographiclib-geodesic.min.js", f"geographiclib-geodesic {GEOGRAPHICLIB_VERSION} (npm)",
                         "06e3512904b346575f475f14d0b27ea0979dbcd2b0eddebf5f1eeefd234395b5",
                         f"https://cdn.jsdelivr.net/npm/geographiclib-geodesic@{GEOGRAPHICLIB_VERSION}/"
                         "geographiclib-geodesic.min.js", "vendor")
# What every map loads, in order.
SCRIPTS = (LEAFLET_JS, GEOGRAPHICLIB_JS)
STYLESHEETS = (LEAFLET_CSS,)
ALL = SCRIPTS + STYLESHEETS + LEAFLET_IMAGES


def asset_folder(asset):
    """The folder ``asset`` is read from."""
    if asset.origin == "vendor":
        return VENDOR_DIR
    try:
        import xstatic.pkg.leaflet as xstatic_leaflet  # for start-up speed: only offline maps inline it
    except ImportError:
        raise AssetError(f"{asset.path} ({asset.package}): package not installed; {_XSTATIC_HINT}") from None
    return Path(xstatic_leaflet.BASE_DIR)


def read_asset(asset):
    """The bytes of ``asset``, checked against its pinned SHA-256.

    Raises
    ------
    AssetError
        If the file is missing or its bytes differ from the pin.
    """
    path = asset_folder(asset) / asset.path
    hint = _VENDOR_HINT if asset.origin == "vendor" else _XSTATIC_HINT
    try:
        data = path.read_bytes()
    except OSError:
        raise AssetError(f"{path}: offline asset from {asset.package} is missing; {hint}") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != asset.sha256:
        raise AssetError(f"{path}: SHA-256 {digest[:16]}… is not the pinned {asset.sha256[:16]}… of "
                         f"{asset.package}; the file was altered or is another version; {hint}")
    return data


def asset_text(asset):
    """``asset`` as text, with line ends as an HTML parser would see them."""
    return read_asset(asset).decode("utf-8").replace("\r\n", "\n")


def data_uri(asset):
    return f"data:{asset.media_type};base64,{base64.b64encode(read_asset(asset)).decode('ascii')}"


def integrity(asset):
    """The Subresource Integrity value of ``asset``, from its pin."""
    return "sha256-" + base64.b64encode(bytes.fromhex(asset.sha256)).decode("ascii")


def leaflet_css_inline():
    """Leaflet's stylesheet with its images turned into ``data:`` URIs."""
    css = asset_text(LEAFLET_CSS)
    for image in LEAFLET_IMAGES:
        css = css.replace(f"url({image.path})", f"url({data_uri(image)})")
    leftover = re.search(r"url\((?!data:|#)[^)]*\)", css)
    if leftover:
        raise AssetError(f"{LEAFLET_CSS.path}: refers to {leftover.group(0)}, which has no pinned asset")
    return css
