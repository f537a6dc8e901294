"""The one style table: it styles the map's features and builds its legend."""

from dataclasses import dataclass, replace

# Places labelled permanently; minor labels show only when zoomed in (on
# figures: only where they fit).
LABELLED_KINDS = ("capital", "industrial-zone", "sea", "port", "city", "town")
MINOR_LABEL_KINDS = ("port", "city", "town")

ASSUMPTION_DASH = "7 6"
# A story step's emphasis, the same in the map (mapper-story.js: DIM, LIT_WEIGHT) and in figures.
STEP_DIM_OPACITY = 0.3
STEP_LIT_WEIGHT_PX = 2.5
LANE_GAP_PX = 2.5  # between lanes drawn side by side (compose/lanes.py): a lane's slot moves it weight + gap
ASSUMPTION_DOTS = "2 3"  # for the outline of small point markers

LAND_COLOR = "#f3efe6"
SEA_COLOR = "#cfe2ee"
RIVER_COLOR = "#6fa8d0"
BORDER_COLOR = "#a8a294"

# Leaflet styles of the Natural Earth basemap's layers (the "layer" property
# written by scripts/make_basemap.py).  Solid lines only: dashes mean
# "assumption" on these maps.
BASEMAP_STYLES = {
    "land": {"stroke": False, "fillColor": LAND_COLOR, "fillOpacity": 1},
    "lake": {"stroke": False, "fillColor": SEA_COLOR, "fillOpacity": 1},
    "river": {"color": RIVER_COLOR, "weight": 1.5, "opacity": 1, "fill": False},
    "border": {"color": BORDER_COLOR, "weight": 1, "opacity": 1, "fill": False},
}


# The colours of what is drawn over the basemap (lines, rings, halos) come from the Okabe–Ito palette, which
# stays distinct for colour-blind viewers; tests/test_palette.py checks every pair with CIEDE2000, as seen
# and with deuteranopia simulated.  Each supply flow drawn gets the next flow colour, in drawing order (the
# legend tells them apart by their own labels); the first three are kept apart from every other colour.
SEA_ROUTE_COLOR = "#0072B2"
RIVER_ROUTE_COLOR = "#009E73"
COMPUTED_ROUTE_COLOR = "#56B4E9"
RANGE_COLOR = "#E69F00"
EVENT_COLOR = "#000000"
FLOW_COLORS = ("#D55E00", "#CC79A7", "#882255", "#4B0092", "#661100", "#225555", "#999933", "#666633", "#777777",
               "#EE3377")
DISTINCT_FLOWS = 3


@dataclass(frozen=True)
class Style:
    """How one kind of feature is drawn, and how the legend names it.

    ``radius_px`` > 0 draws points as circles of that radius; lines and
    polygons use ``weight_px`` and ``fill_opacity``.
    """

    label: str
    color: str
    weight_px: float = 3.0
    fill_color: str | None = None
    fill_opacity: float = 0.0
    radius_px: float = 0.0

    def leaflet_options(self, assumption=False):
        """Leaflet path options for this style; dashed for an assumption."""
        options = {
            "color": self.color,
            "weight": self.weight_px,
            "opacity": 0.95,
            "fillColor": self.fill_color or self.color,
            "fillOpacity": self.fill_opacity,
        }
        if self.radius_px:
            options["radius"] = self.radius_px
        if assumption:
            options["dashArray"] = ASSUMPTION_DOTS if self.radius_px else ASSUMPTION_DASH
        return options


# Legend labels hold for any story: what a feature is, never whose it is.  Whether it is an
# assumption shows in the drawing (dashed lines, dotted outlines) and in ASSUMPTION_LABEL.
STYLES = {
    "place-capital": Style("Capital", "#1f2937", 2, "#1f2937", 0.9, 6),
    "place-industrial-zone": Style("Industrial zone", "#b91c1c", 2, "#ef4444", 0.9, 7),
    "place-port": Style("Port", "#075985", 2, "#ffffff", 1.0, 5),
    "place-city": Style("City", "#4b5563", 1.5, "#9ca3af", 0.9, 4),
    "place-town": Style("Town", "#4b5563", 1.5, "#d1d5db", 0.9, 3),
    "place-sea": Style("Sea", "#075985", 1, "#7dd3fc", 0.6, 3),
    "place-site": Style("Site", "#4b5563", 1.5, "#e5e7eb", 0.9, 4),
    "sea-route": Style("Sea route", SEA_ROUTE_COLOR, 3.5),
    "river-route": Style("River route", RIVER_ROUTE_COLOR, 3.5),
    "supply-flow": Style("Supply flow", FLOW_COLORS[0], 3),
    "flow-briefing": Style("Route computed for the briefing", COMPUTED_ROUTE_COLOR, 3),
    "range": Style("Weapon range ring (geodesic)", RANGE_COLOR, 2, RANGE_COLOR, 0.15),
    "range-centre": Style("Range centre", RANGE_COLOR, 2, "#ffffff", 1.0, 4),
    "range-area": Style("Weapon reach from an area (geodesic buffer)", RANGE_COLOR, 2, RANGE_COLOR, 0.22),
    "range-place": Style("Place within range", "#b91c1c", 2.5, "#ffffff", 0.0, 9),
    "event": Style("Dated event(s) at a place", EVENT_COLOR, 2.5, None, 0.0, 11),
}


def style_key(layer_key, props):
    """The STYLES key for a feature of ``layer_key`` with properties ``props``."""
    if layer_key == "places":
        return f"place-{props['kind']}"
    if layer_key == "supply-flows":
        return "flow-briefing" if props.get("direction") == "briefing" else "supply-flow"
    if layer_key == "ranges":
        marker = props.get("marker")
        if marker:
            return "range-centre" if marker == "centre" else "range-place"  # "in-range"
        return "range-area" if props.get("origin_kind") == "area" else "range"
    if layer_key == "events":
        return "event"
    return props["kind"]


def feature_style(layer_key, props):
    """The Style of one feature: its kind's, in the feature's own colour (a flow's) if it has one."""
    style = STYLES[style_key(layer_key, props)]
    return replace(style, color=props["color"]) if props.get("color") else style


ASSUMPTION_LABEL = "Dashed: analyst’s assumption, not stated in the sources"
DRAFT_LABEL = "Dashed: analyst’s assumption, or a draft of mapper ingest not yet confirmed"


def legend_entries(layers):
    """``[(layer title, [(Style, is_point)])]``: each style a layer uses, once, in drawing order.

    A feature's ``legend_label`` (say, a ring's system and radius) overrides
    its style's label.  A layer without features has no entry.
    """
    entries = []
    for layer in layers:
        if not layer.features:
            continue
        seen = {}
        for feature in layer.features:
            props = feature["properties"]
            style = feature_style(layer.key, props)
            if props.get("legend_label"):
                style = replace(style, label=props["legend_label"])
            seen.setdefault(style, feature["geometry"]["type"] == "Point")
        items = list(seen.items())
        # Places draw minor-first; the legend reads better major-first.
        entries.append((layer.title, items[::-1] if layer.key == "places" else items))
    return entries


def drawn_dashed(props):
    """True for a feature drawn dashed: an analyst's assumption, or a draft not yet confirmed."""
    return props.get("basis") == "assumption" or props.get("status") == "draft"


def draws_assumption(layers):
    """True if any feature of ``layers`` is drawn dashed: the legend then explains the dashes."""
    return any(drawn_dashed(feature["properties"]) for layer in layers for feature in layer.features)


def has_drafts(layers):
    """True if any feature of ``layers`` is a draft (``mapper ingest``) not yet confirmed."""
    return any(feature["properties"].get("status") == "draft" for layer in layers for feature in layer.features)
