"""Draw a briefing as an interactive Leaflet map with folium.

This is the one place where coordinates meet folium's (lat, lon) order: the
layers stay GeoJSON (lon, lat) and are drawn by ``L.geoJSON``; only the
fitted bounds are swapped, in :func:`_fit`.
"""

import json
from dataclasses import dataclass, replace
from pathlib import Path

import folium
from branca.element import Element, MacroElement
from folium.template import Template

from mapper import popups
from mapper.briefing import default_briefing_path, load_briefing
from mapper.geodata import load_geodata, read_json
from mapper.layers import build_layers, layer_bounds
from mapper.output import write_atomic
from mapper.style import ASSUMPTION_DASH, BORDER_COLOR, LAND_COLOR, SEA_COLOR, STYLES, style_key

LEAFLET_VERSION = "1.9.3"
LEAFLET_JS = ("leaflet", f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.js")
LEAFLET_CSS = ("leaflet_css", f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.css")
BASEMAP_FILE = Path("basemap") / "countries-110m.geojson"

# Places labelled permanently; minor labels show only when zoomed in.
LABELLED_KINDS = ("capital", "industrial-zone", "sea", "port", "city", "town")
MINOR_LABEL_KINDS = ("port", "city", "town")

_RUNTIME_JS = (Path(__file__).parent / "static" / "mapper.js").read_text(encoding="utf-8")
_RUNTIME_CSS = (Path(__file__).parent / "static" / "mapper.css").read_text(encoding="utf-8")


@dataclass(frozen=True)
class RenderResult:
    """What ``render_briefing`` wrote."""

    path: Path
    size_bytes: int
    feature_counts: dict


def safe_json(value):
    """JSON that cannot close a <script> element or break a JS string."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


class _Script(MacroElement):
    """A line of JS calling the mapper runtime with this element's parent."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.code }}{% endmacro %}")

    def __init__(self, function, *args):
        super().__init__()
        self.function = function
        self.args = args

    def render(self, **kwargs):
        parent = self._parent.get_name()
        self.code = f"{self.function}({parent}, {', '.join(safe_json(a) for a in self.args)});"
        super().render(**kwargs)


def _draw_props(layer_key, feature, sources_by_id):
    """The few properties the browser needs: style, popup, label."""
    props = feature["properties"]
    style = STYLES[style_key(layer_key, props)]
    assumption = props.get("basis") == "assumption"
    out = {"style": style.leaflet_options(assumption=assumption)}
    if props.get("marker") == "arrow":
        out.update(marker="arrow", rotation_deg=round(props["rotation_deg"], 1))
        return out
    if props.get("marker") == "centre":
        out["popup"] = popups.centre_popup(props)
    elif layer_key == "events":
        out["popup"] = popups.events_popup(props, sources_by_id)
    else:
        out["popup"] = popups.feature_popup(props, sources_by_id)
    name = popups.esc(props["name"])
    if layer_key == "places" and props["kind"] in LABELLED_KINDS:
        out["label"] = name
        minor = " mapper-label-minor" if props["kind"] in MINOR_LABEL_KINDS else ""
        out["label_class"] = f"mapper-label mapper-label-{props['kind']}{minor}"
    else:
        out["tooltip"] = name
    return out


def _collection(layer_key, features, sources_by_id):
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": f["geometry"], "properties": _draw_props(layer_key, f, sources_by_id)}
            for f in features
        ],
    }


def _legend(layers):
    entries = []
    for layer in layers:
        seen = {}
        for feature in layer.features:
            props = feature["properties"]
            style = STYLES[style_key(layer.key, props)]
            if props.get("legend_label"):
                style = replace(style, label=props["legend_label"])
            seen.setdefault(style, feature["geometry"]["type"] == "Point")
        items = list(seen.items())
        # Places draw minor-first; the legend reads better major-first.
        entries.append((layer.title, items[::-1] if layer.key == "places" else items))
    return popups.legend_html(entries, ASSUMPTION_DASH)


def _fit(fmap, layers):
    """Fit the view to the content; the one place (lon, lat) turns into Leaflet's (lat, lon)."""
    bounds = layer_bounds(layers)
    if bounds:
        west, south, east, north = bounds
        fmap.add_child(_Script("mapperFit", [[south, west], [north, east]]))


def build_map(geodata, briefing, layers=None):
    """Build the folium Map for ``briefing`` (``layers`` if already built).

    Returns
    -------
    folium.Map
    """
    layers = layers if layers is not None else build_layers(geodata, briefing)
    # Canvas, not SVG: it scales to many features, and headless Chromium
    # here paints large SVG layers only in part.
    fmap = folium.Map(location=None, tiles=None, zoom_control=False, control_scale=True, prefer_canvas=True)
    # Plain Leaflet is all the map uses: no jQuery, Bootstrap or icon fonts.
    fmap.default_js = [LEAFLET_JS]
    fmap.default_css = [LEAFLET_CSS]
    root = fmap.get_root()
    root.title = popups.esc(briefing.title)  # branca's template does not escape
    root.header.add_child(Element(f"<style>{_RUNTIME_CSS}</style>"), name="mapper_css")
    root.header.add_child(Element(f"<script>{_RUNTIME_JS}</script>"), name="mapper_js")
    root.header.add_child(Element(f"<style>.folium-map.leaflet-container {{ background: {SEA_COLOR}; }}</style>"),
                          name="mapper_sea")

    fmap.add_child(_Script("mapperSetup", popups.title_html(briefing.title, briefing.subtitle)))
    basemap = read_json(geodata.data_dir / BASEMAP_FILE)
    fmap.add_child(_Script("mapperBasemap", basemap, {"fillColor": LAND_COLOR, "color": BORDER_COLOR}))
    sources_by_id = geodata.sources
    for layer in layers:
        group = folium.FeatureGroup(name=layer.title, show=True)
        group.add_child(_Script("mapperAddFeatures", _collection(layer.key, layer.features, sources_by_id)))
        fmap.add_child(group)
    folium.LayerControl(collapsed=False, position="topright").add_to(fmap)
    fmap.add_child(_Script("mapperLegend", _legend(layers)))
    _fit(fmap, layers)
    return fmap


def render_html(geodata, briefing, layers=None):
    """The complete HTML page for ``briefing``, as a string."""
    return build_map(geodata, briefing, layers).get_root().render()


def render_briefing(briefing_path=None, output_path=None, data_dir=None, overwrite=False):
    """Load geodata and a briefing, render it, and write the HTML atomically.

    Parameters
    ----------
    briefing_path : path, optional
        Briefing TOML; default the bundled ``iran-russia`` briefing.
    output_path : path, optional
        Where to write; default ``outputs/<briefing name>.html`` under the
        current folder (created if needed).
    data_dir : path, optional
        Geodata folder; default the bundled one.
    overwrite : bool
        Replace an existing output.

    Returns
    -------
    RenderResult
    """
    geodata = load_geodata(data_dir)
    briefing = load_briefing(briefing_path or default_briefing_path(geodata.data_dir), geodata)
    if output_path is None:
        output_path = Path("outputs") / f"{briefing.name}.html"
        output_path.parent.mkdir(parents=True, exist_ok=True)
    layers = build_layers(geodata, briefing)
    html = render_html(geodata, briefing, layers)
    path = write_atomic(output_path, html, overwrite=overwrite)
    counts = {layer.key: len(layer.features) for layer in layers}
    return RenderResult(path=Path(path), size_bytes=len(html.encode("utf-8")), feature_counts=counts)
