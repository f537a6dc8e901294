"""Draw a briefing as an interactive Leaflet map with folium.

This is the one place where coordinates meet folium's (lat, lon) order: the
layers stay GeoJSON (lon, lat) and are drawn by ``L.geoJSON``; only the
fitted bounds are swapped, in :func:`_fit`.

An offline map is one self-contained file: pinned assets inlined, a Natural
Earth basemap, and a Content-Security-Policy that allows no network.  An
online map loads the same assets from a CDN (with Subresource Integrity) and
may use a tile basemap.  Either way the output is byte-for-byte reproducible:
element ids are derived from content and coordinates have fixed precision.
"""

import hashlib
import json
import re
from pathlib import Path

import folium
from branca.element import Element

from mapper.compose.layers import build_layers, layer_bounds
from mapper.core.bidi import contain_bidi
from mapper.core.geojson import rounded, shifted_east
from mapper.core.safejson import safe_json
from mapper.core.style import (
    ASSUMPTION_DASH,
    ASSUMPTION_LABEL,
    BASEMAP_STYLES,
    DRAFT_LABEL,
    LABELLED_KINDS,
    LANE_GAP_PX,
    MINOR_LABEL_KINDS,
    SEA_COLOR,
    drawn_dashed,
    draws_assumption,
    feature_style,
    has_drafts,
    legend_entries,
)
from mapper.errors import InputError
from mapper.html import assets, popups, story
from mapper.html.csp import charset_first, lock_down
from mapper.html.find import SEARCH_TEXTS, find_terms
from mapper.html.pointpack import data_blocks_html, pack_points
from mapper.html.printout import print_head, print_side
from mapper.load.basemap import basemap_for

COORD_DIGITS = 6  # 0.11 m at most
SEA_CSS = f".folium-map.leaflet-container {{ background: {SEA_COLOR}; }}"
# Quarter zoom levels: a map opens as large as fits (mapper-layout.js), not at the whole level below.
ZOOM_SNAP = 0.25


# One runtime for every map: its layers, controls and timeline, and large point layers.
# Its one global is this namespace object; the page's script calls only the
# entry points in RUNTIME_CALLS on it (tests/test_js_runtime.py checks both).
RUNTIME_NAMESPACE = "mapperRuntime"
RUNTIME_CALLS = ("setup", "basemap", "addFeatures", "pointLayer", "legend", "timeline", "fit", "view", "story",
                 "permalink", "search", "coordinates", "printLayout", "accessible")
RUNTIME_JS = "\n".join((Path(__file__).parent / "static" / name).read_text(encoding="utf-8")
                       for name in ("mapper.js", "mapper-points.js", "mapper-timeline.js", "mapper-story.js",
                                    "mapper-layout.js", "mapper-find.js", "mapper-coords.js",
                                    "mapper-access.js"))
RUNTIME_CSS = "\n".join((Path(__file__).parent / "static" / name).read_text(encoding="utf-8")
                        for name in ("mapper.css", "mapper-story.css", "mapper-find.css", "mapper-print.css"))


class _Text(Element):
    """Text placed in the page as it is: never parsed as a template."""

    def __init__(self, text):
        super().__init__("{{ this.text }}")
        self.text = text


class _Script(Element):
    """A line of JS calling an entry point of the mapper runtime with this element's parent.

    ``_Script("fit", bounds)`` writes ``mapperRuntime.fit(map_..., bounds);``;
    ``function`` is one of :data:`RUNTIME_CALLS`.  The line goes into the
    page's script as text.  Not a MacroElement: branca compiles a macro's
    output as a Jinja template again, and would run any ``{{ ... }}`` that
    data put into the arguments (Python, at render time).
    """

    def __init__(self, function, *args):
        if function not in RUNTIME_CALLS:
            raise ValueError(f"{function!r} is not in RUNTIME_CALLS, the runtime's entry points")
        super().__init__()
        self.function = function
        self.args = args

    def render(self, **kwargs):
        parent = self._parent.get_name()
        code = f"{RUNTIME_NAMESPACE}.{self.function}({parent}, {', '.join(safe_json(a) for a in self.args)});"
        self.get_root().script.add_child(_Text(code), name=self.get_name())


def _draw_props(layer_key, feature, sources_by_id):
    """The few properties the browser needs: style, popup, label."""
    props = feature["properties"]
    style = feature_style(layer_key, props)
    assumption = drawn_dashed(props)
    out = {"style": style.leaflet_options(assumption=assumption), **story.feature_marks(layer_key, props)}
    if props.get("lane_slot"):  # drawn beside the lanes it runs with (compose/lanes.py, mapper.js)
        out["style"].update(laneSlot=props["lane_slot"], laneGap=LANE_GAP_PX)
    if props.get("marker") == "arrow":
        out.update(marker="arrow", rotation_deg=round(props["rotation_deg"], 1))
        return out
    if props.get("marker") == "centre":
        out["popup"] = popups.centre_popup(props)
    elif props.get("marker") == "in-range":
        out["popup"] = popups.in_range_popup(props)
    elif layer_key == "events":
        out["popup"] = popups.events_popup(props, sources_by_id)
        # For the timeline slider: dates (validated YYYY[-MM[-DD]]) in order, names escaped.
        events = props["events"]  # in date order (layers sorts them)
        out["dates"] = [e["date"] for e in events]
        out["event_names"] = [popups.esc(e["name"]) for e in events]
    else:
        out["popup"] = popups.feature_popup(props, sources_by_id)
    find = find_terms(layer_key, props)
    if find:
        out["find"] = find
    name = popups.esc(props["name"])
    if layer_key == "places" and props["kind"] in LABELLED_KINDS:
        out["label"] = name
        minor = " mapper-label-minor" if props["kind"] in MINOR_LABEL_KINDS else ""
        out["label_class"] = f"mapper-label mapper-label-{props['kind']}{minor}"
    else:
        out["tooltip"] = name
    return out


def _collection(layer_key, features, sources_by_id, cutoff_lon=None):
    """The features as drawn; with ``cutoff_lon``, parts west of it 360° east (a map across ±180°)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature",
             "geometry": rounded(f["geometry"] if cutoff_lon is None else shifted_east(f["geometry"], cutoff_lon),
                                 COORD_DIGITS),
             "properties": _draw_props(layer_key, f, sources_by_id)}
            for f in features
        ],
    }


def _legend(layers):
    """The legend's rows: only what the layers draw, and the dashes only if something is drawn dashed."""
    label = (DRAFT_LABEL if has_drafts(layers) else ASSUMPTION_LABEL) if draws_assumption(layers) else None
    return popups.legend_html(legend_entries(layers), ASSUMPTION_DASH, label)


def _fit(fmap, layers, view=None, point_layers=()):
    """Set the briefing's view, else fit the content; the one place (lon, lat) turns into Leaflet's (lat, lon)."""
    if view is not None and view.bounds:
        west, south, east, north = view.bounds
        fmap.add_child(_Script("fit", [[south, west], [north, east]]))
        return
    if view is not None:
        fmap.add_child(_Script("view", [view.centre.lat, view.centre.lon], view.zoom))
        return
    bounds = map_extent(layers, None, point_layers)
    if bounds is not None:
        west, south, east, north = (round(value, COORD_DIGITS) for value in bounds)
        fmap.add_child(_Script("fit", [[south, west], [north, east]]))


def map_extent(layers, view=None, point_layers=()):
    """(west, south, east, north) the map opens on: the briefing's view, else what it draws; None if nothing."""
    if view is not None:
        return view.lonlat_bounds()
    boxes = [layer_bounds(layers)] + [(p.lon.min(), p.lat.min(), p.lon.max(), p.lat.max())
                                      for p in point_layers if len(p)]
    boxes = [box for box in boxes if box]
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _add_assets(root, offline):
    """Leaflet and GeographicLib: inlined offline, from the CDN with SRI online."""
    if offline:
        root.header.add_child(Element(f"<style>{assets.leaflet_css_inline()}</style>"), name="leaflet_css")
        for n, script in enumerate(assets.SCRIPTS):
            root.header.add_child(Element(f"<script>{assets.asset_text(script)}</script>"), name=f"asset_js_{n}")
        return
    for n, sheet in enumerate(assets.STYLESHEETS):
        root.header.add_child(Element(f'<link rel="stylesheet" href="{sheet.cdn_url}" '
                                      f'integrity="{assets.integrity(sheet)}" crossorigin="anonymous"/>'),
                              name=f"asset_css_{n}")
    for n, script in enumerate(assets.SCRIPTS):
        root.header.add_child(Element(f'<script src="{script.cdn_url}" integrity="{assets.integrity(script)}" '
                                      'crossorigin="anonymous"></script>'), name=f"asset_js_{n}")


def content_seed(briefing, layers, *extra, point_layers=()):
    """A digest of what a map shows: the same inputs give the same ids, and
    maps whose title or features differ get different ones."""
    content = json.dumps([briefing.title, briefing.subtitle, *extra, [(layer.key, layer.features) for layer in layers]],
                         sort_keys=True, default=str)
    digest = hashlib.sha256(content.encode("utf-8"))
    for point_layer in point_layers:
        for part in point_layer.digest_parts:
            digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def stable_ids(fmap, seed):
    """Replace branca's random element ids with ids derived from ``seed`` and tree position.

    branca has no public hook for this: it keeps the id in ``_id`` and the
    children in ``_children`` (tests render twice and compare the bytes).
    """
    def walk(element, path):
        element._id = hashlib.sha256(f"{seed}/{path}".encode()).hexdigest()[:16]
        for n, child in enumerate(element._children.values()):
            walk(child, f"{path}/{n}.{type(child).__name__}")

    walk(fmap.get_root(), "root")


def build_map(geodata, briefing, layers=None, offline=True, tile_provider=None, stamp="", point_layers=(), seed=None,
              standalone=False):
    """Build the folium Map for ``briefing`` (``layers`` if already built).

    Parameters
    ----------
    offline : bool
        Inline every asset (else load them from the CDN).
    tile_provider : xyzservices.TileProvider, optional
        Tile basemap, online only; without it the Natural Earth basemap is drawn.
    stamp : str
        A "generated on" line for the title block, or "".
    point_layers : sequence of PointLayer
        Large point layers (:mod:`mapper.load.pointfiles`), drawn on a canvas
        above the article's areas and lines.
    seed : str, optional
        The map's content digest (:func:`content_seed`), which names the point
        layers' data blocks; computed here if not given.
    standalone : bool
        A page of its own (:func:`render_html`): the story's keys work
        anywhere on it, and the URL's hash follows the map (a permalink).
        Else (a fragment, a notebook) the keys work when the map has the
        focus, and the URL is left alone.

    Returns
    -------
    folium.Map
    """
    if offline and tile_provider is not None:
        raise InputError("tiles come from the network, so an offline map cannot have them")
    layers = layers if layers is not None else build_layers(geodata, briefing)
    # Canvas, not SVG: it scales to many features, and headless Chromium
    # here paints large SVG layers only in part.
    fmap = folium.Map(location=None, tiles=None, zoom_control=False, control_scale=True, prefer_canvas=True,
                      zoom_snap=ZOOM_SNAP)
    # Plain Leaflet is all the map uses: no jQuery, Bootstrap or icon fonts.
    fmap.default_js = []
    fmap.default_css = []
    root = fmap.get_root()
    # branca's template does not escape; the title bar is a line of its own, so its text is kept exactly.
    root.title = popups.esc(briefing.title, contain=False)
    _add_assets(root, offline)
    root.header.add_child(_Text(f"<style>{RUNTIME_CSS}</style>"), name="mapper_css")
    root.header.add_child(_Text(f"<script>{RUNTIME_JS}</script>"), name="mapper_js")

    fmap.add_child(_Script("setup", popups.title_html(briefing.title, briefing.subtitle, stamp)))
    extent = map_extent(layers, briefing.view, point_layers)
    # A view across ±180° (a reach from Fiji, say) runs east of 180: what RFC 7946 keeps west of the
    # antimeridian is drawn 360° east, beside the rest.
    cutoff_lon = (extent[0] + extent[2]) / 2 - 180.0 if extent is not None and extent[2] > 180.0 else None
    if tile_provider is None:
        root.header.add_child(Element(f"<style>{SEA_CSS}</style>"), name="mapper_sea")
        # The world coarsely, and finely where the map opens (the basemap's docstring tells how).
        basemap = basemap_for(extent)
        fmap.add_child(_Script("basemap", basemap.collection, BASEMAP_STYLES, basemap.attribution))
    else:
        folium.TileLayer(tile_provider, name=tile_provider.name, control=False).add_to(fmap)
    # A source without its saved text: its quotes are shown as not checked.
    sources_by_id = {source_id: {**source, "quote_checked": geodata.quotes_checked(source_id)}
                     for source_id, source in geodata.sources.items()}
    for layer in layers:
        if not layer.features:  # nothing to show or hide: no line in the layer control
            continue
        group = folium.FeatureGroup(name=layer.title, show=True)
        group.add_child(_Script("addFeatures", _collection(layer.key, layer.features, sources_by_id, cutoff_lon),
                                layer.key))
        fmap.add_child(group)
    if point_layers:
        _add_point_layers(fmap, point_layers, seed or content_seed(briefing, layers, point_layers=point_layers))
    folium.LayerControl(collapsed=False, position="topright").add_to(fmap)
    legend = _legend(layers)
    if legend:
        fmap.add_child(_Script("legend", legend))
    _add_tools(fmap, briefing, layers, legend, sources_by_id, stamp)
    step_dates = [step.date for step in briefing.steps if step.date]
    if story.has_dates(layers) or step_dates:
        fmap.add_child(_Script("timeline", popups.esc("Timeline of dated events"), step_dates))
    _fit(fmap, layers, briefing.view, point_layers)
    if briefing.steps:
        steps = [{**story.step_html(step, sources_by_id), **_leaflet_view(step.view)} for step in briefing.steps]
        fmap.add_child(_Script("story", steps, {"keys": "document" if standalone else "map"}))
    if standalone:  # a page of its own, not a fragment in someone's report: its URL holds the view
        fmap.add_child(_Script("permalink"))
    return fmap


def _leaflet_view(view):
    """A step's view for the runtime: bounds [[south, west], [north, east]], or a centre [lat, lon] and zoom."""
    if view is None:
        return {}
    if view.bounds is not None:
        west, south, east, north = view.bounds
        return {"bounds": [[south, west], [north, east]]}
    return {"centre": [view.centre.lat, view.centre.lon], "zoom": view.zoom}


def _add_tools(fmap, briefing, layers, legend, sources_by_id, stamp):
    """The search box, the coordinates readout, the keyboard's ways around the map, and what the page prints."""
    fmap.add_child(_Script("search", SEARCH_TEXTS))
    fmap.add_child(_Script("coordinates", {}))
    fmap.add_child(_Script("printLayout", {}))
    fmap.add_child(_Script("accessible", {"label": f"Map: {contain_bidi(briefing.title)}"}))
    html = fmap.get_root().html
    html.add_child(_Text(print_head(briefing.title, briefing.subtitle, stamp)), name="mapper_print_head")
    html.add_child(_Text(print_side(legend, layers, sources_by_id)), name="mapper_print_side")

def _add_point_layers(fmap, point_layers, seed):
    """Each layer's data blocks in the page body, and a group drawing them.

    The blocks' ids come from content, as every element id does: the map's
    content ``seed`` (its title, features and point layers) and the layer's
    place in it.  Two fragments pasted into one page then never read each
    other's blocks, even when they show the same layer.
    """
    for number, point_layer in enumerate(point_layers, start=1):
        block_id = "mapper-points-" + hashlib.sha256(f"{seed}/{number}".encode()).hexdigest()[:16]
        packed = pack_points(point_layer, block_id)
        group = folium.FeatureGroup(name=popups.esc(point_layer.title), show=True)
        group.add_child(_Script("pointLayer", packed.meta))
        fmap.add_child(group)
        fmap.get_root().html.add_child(_Text(data_blocks_html(packed)), name=f"mapper_points_{number}")


def render_html(geodata, briefing, layers=None, offline=True, tile_provider=None, stamp="", point_layers=()):
    """The complete HTML page for ``briefing``, as a string (see :func:`build_map`)."""
    layers = layers if layers is not None else build_layers(geodata, briefing)
    # One digest of the content (the point layers' data may be large) for the element ids and the data blocks.
    seed = content_seed(briefing, layers, "page", stamp, offline, tile_provider and tile_provider.name,
                        point_layers=point_layers)
    fmap = build_map(geodata, briefing, layers, offline=offline, tile_provider=tile_provider, stamp=stamp,
                     point_layers=point_layers, seed=seed, standalone=True)
    stable_ids(fmap, seed)
    html = _accessible(fmap.get_root().render())
    return charset_first(lock_down(html) if offline else html)


# folium's page keeps a reader from zooming it on a phone and names no language.
_FOLIUM_VIEWPORT = re.compile(r'<meta name="viewport" content="width=device-width,\s*initial-scale=1\.0, '
                              r'maximum-scale=1\.0, user-scalable=no" />')


def _accessible(html):
    """``html`` in English (for screen readers' voices), and zoomable by its reader."""
    html = _FOLIUM_VIEWPORT.sub('<meta name="viewport" content="width=device-width, initial-scale=1.0" />', html, 1)
    return html.replace("<!DOCTYPE html>\n<html>", '<!DOCTYPE html>\n<html lang="en">', 1)
