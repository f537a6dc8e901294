"""Draw a briefing's map into a matplotlib Axes, in projected metres.

Everything is projected with pyproj from WGS84 (lon, lat): the Natural Earth
basemap (clipped to the extent first, so far-off land cannot wrap or blow up),
a graticule whose ticks label the frame, the layers in the map's styles,
place labels that do not overlap, and a scale bar and north arrow that are
measured on the ellipsoid where they stand, because on a projected page
neither scale nor north is the same everywhere.
"""

import textwrap
from dataclasses import dataclass, replace

import numpy as np
import pyproj
import shapely
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.patheffects import withStroke
from shapely.geometry import LineString, Polygon, shape
from shapely.geometry.polygon import orient

from mapper.core.points import LonLat
from mapper.core.style import (
    BASEMAP_STYLES,
    LABELLED_KINDS,
    MINOR_LABEL_KINDS,
    SEA_COLOR,
    STEP_DIM_OPACITY,
    STEP_LIT_WEIGHT_PX,
    STYLES,
    drawn_dashed,
    feature_style,
    style_key,
)
from mapper.core.vocab import PLACE_KINDS
from mapper.errors import InputError
from mapper.geo import geodesy

# Leaflet's CSS pixels to points on paper, so line weights keep the map's proportions.
PT_PER_PX = 0.6
DASHES = (0, (3.0, 2.2))  # in line widths: matplotlib scales dashes with the line
LABEL_HALO = [withStroke(linewidth=2.4, foreground="white")]
PAD_FRACTION = 0.08
GRATICULE_COLOR = "#9aa5b1"
TEXT_COLOR = "#1f2937"


@dataclass(frozen=True)
class Extent:
    """What the map shows: a projection and its extent in projected units."""

    crs: pyproj.CRS
    xmin: float
    ymin: float
    xmax: float
    ymax: float

    @property
    def width(self):
        return self.xmax - self.xmin

    @property
    def height(self):
        return self.ymax - self.ymin


class Projector:
    """WGS84 (lon, lat) to a CRS and back, for shapely geometries and points."""

    def __init__(self, crs):
        self.crs = crs
        self.forward = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        self.inverse = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)

    def geometry(self, geometry):
        def project(coords):
            x, y = self.forward.transform(coords[:, 0], coords[:, 1])
            return np.column_stack([x, y])

        return shapely.transform(geometry, project)

    def point(self, lon, lat):
        return self.forward.transform(lon, lat)

    def lonlat(self, x, y):
        return LonLat(*self.inverse.transform(x, y))


def _finite_coordinates(geometry):
    return geometry.is_empty or bool(np.isfinite(shapely.get_coordinates(geometry)).all())


def fit_extent(projector, geometries, aspect):
    """The extent around projected ``geometries``, padded and widened to ``aspect`` (width / height)."""
    if not geometries:
        raise InputError("figure: the briefing's layers have no features to draw")
    xmin, ymin, xmax, ymax = shapely.total_bounds(geometries)
    if not np.isfinite([xmin, ymin, xmax, ymax]).all():
        raise InputError(f"projection {projector.crs.name}: cannot show this briefing's area")
    # A lone point still gets an extent of about 2° of latitude around it.
    middle = projector.lonlat((xmin + xmax) / 2, (ymin + ymax) / 2)
    _, away_y = projector.point(middle.lon, middle.lat - 1 if middle.lat > 0 else middle.lat + 1)
    min_span = abs(away_y - (ymin + ymax) / 2) * 2
    if not (np.isfinite(min_span) and min_span > 0):
        raise InputError(f"projection {projector.crs.name}: cannot show this briefing's area")
    width = max(xmax - xmin, min_span) * (1 + 2 * PAD_FRACTION)
    height = max(ymax - ymin, min_span) * (1 + 2 * PAD_FRACTION)
    if width / height < aspect:
        width = height * aspect
    else:
        height = width / aspect
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    return Extent(projector.crs, cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)


def extent_lonlat_box(projector, extent, pad_deg=3.0):
    """(west, south, east, north) in degrees covering ``extent``, padded.

    West is within ±180°; east exceeds 180° where the frame crosses the
    antimeridian.  A frame around a pole covers every longitude.
    """
    t = np.linspace(0, 1, 101)
    xs = np.concatenate([extent.xmin + t * extent.width, np.full_like(t, extent.xmax),
                         extent.xmax - t * extent.width, np.full_like(t, extent.xmin)])
    ys = np.concatenate([np.full_like(t, extent.ymin), extent.ymin + t * extent.height,
                         np.full_like(t, extent.ymax), extent.ymax - t * extent.height])
    lons, lats = projector.inverse.transform(xs, ys)
    ok = np.isfinite(lons) & np.isfinite(lats)
    if not ok.all():
        return -180.0, -90.0, 180.0, 90.0
    south, north = max(-90.0, lats.min() - pad_deg), min(90.0, lats.max() + pad_deg)
    for pole in (90.0, -90.0):  # a frame around a pole: every longitude, up to the pole
        x, y = projector.point(0.0, pole)
        if np.isfinite([x, y]).all() and extent.xmin <= x <= extent.xmax and extent.ymin <= y <= extent.ymax:
            return -180.0, min(south, pole), 180.0, max(north, pole)
    # Longitudes around the frame's middle, so a frame across ±180° gets one box (east of 180° if need be).
    middle = projector.lonlat((extent.xmin + extent.xmax) / 2, (extent.ymin + extent.ymax) / 2).lon
    lons = middle + (lons - middle + 180.0) % 360.0 - 180.0
    west, east = lons.min() - pad_deg, lons.max() + pad_deg
    if east - west >= 360.0:
        west, east = -180.0, 180.0
    elif west < -180.0 or east > 180.0:
        shift = 360.0 if west < -180.0 else 0.0
        west, east = west + shift, east + shift  # west within ±180°, east beyond 180° if the frame crosses it
    return west, south, east, north


def _paths(geometry):
    """matplotlib Paths of a projected shapely geometry: one per part, holes kept."""
    paths = []
    for part in getattr(geometry, "geoms", [geometry]):
        if part.is_empty:
            continue
        if isinstance(part, Polygon):
            part = orient(part)  # exterior counter-clockwise, holes clockwise: holes stay empty
            rings = [part.exterior, *part.interiors]
            paths.append(MplPath.make_compound_path(*(MplPath(np.asarray(r.coords)[:, :2], closed=True)
                                                      for r in rings)))
        elif isinstance(part, LineString):
            paths.append(MplPath(np.asarray(part.coords)[:, :2]))
        elif part.geom_type.startswith("Multi") or part.geom_type == "GeometryCollection":
            paths.extend(_paths(part))
    return paths


def _draw_geometry(ax, geometry, zorder, **style):
    for path in _paths(geometry):
        ax.add_patch(PathPatch(path, zorder=zorder, **style))


def draw_basemap(ax, projector, extent, basemap):
    """Natural Earth land, lakes, rivers and borders in the map's colours, clipped to the extent."""
    ax.set_facecolor(SEA_COLOR)
    box = extent_lonlat_box(projector, extent)
    margin = max(extent.width, extent.height) * 0.02
    frame = (extent.xmin - margin, extent.ymin - margin, extent.xmax + margin, extent.ymax + margin)
    for feature in basemap.get("features", []):
        layer = feature.get("properties", {}).get("layer")
        style = BASEMAP_STYLES.get(layer)
        if style is None:
            continue
        geometry = shapely.clip_by_rect(shape(feature["geometry"]), *box)
        if geometry.is_empty:
            continue
        geometry = projector.geometry(geometry)
        if not _finite_coordinates(geometry):
            continue
        geometry = shapely.clip_by_rect(geometry, *frame)  # keeps SVG and PDF small
        if style.get("stroke") is False:
            _draw_geometry(ax, geometry, 0.5, facecolor=style["fillColor"], edgecolor="none", linewidth=0)
        else:
            _draw_geometry(ax, geometry, 0.8, facecolor="none", edgecolor=style["color"],
                           linewidth=style["weight"] * PT_PER_PX * 0.6, capstyle="round", joinstyle="round")


def _graticule_step_deg(span_deg):
    for step in (1, 2, 5, 10, 20, 30):
        if span_deg / step <= 10:
            return step
    return 45


def _degrees(value, positive, negative):
    return f"{abs(value):g}°{positive if value >= 0 else negative}" if value else "0°"


def draw_graticule(ax, projector, extent):
    """Meridians and parallels, labelled where they cross the bottom and left edges of the frame."""
    west, south, east, north = extent_lonlat_box(projector, extent, pad_deg=1.0)
    step = _graticule_step_deg(max(east - west, north - south))
    lats = np.linspace(south, north, 200)
    lons = np.linspace(west, east, 400)
    bottom = LineString([(extent.xmin, extent.ymin), (extent.xmax, extent.ymin)])
    left = LineString([(extent.xmin, extent.ymin), (extent.xmin, extent.ymax)])
    xticks, yticks = {}, {}
    for lon in np.arange(np.ceil(west / step) * step, east + 1e-9, step):
        line = projector.geometry(LineString(np.column_stack([np.full_like(lats, lon), lats])))
        if _finite_coordinates(line):
            _draw_geometry(ax, line, 0.9, facecolor="none", edgecolor=GRATICULE_COLOR, linewidth=0.35)
            for hit in _crossings(line, bottom):
                xticks[hit.x] = _degrees(round((lon + 180.0) % 360.0 - 180.0, 6), "E", "W")
    for lat in np.arange(np.ceil(south / step) * step, north + 1e-9, step):
        line = projector.geometry(LineString(np.column_stack([lons, np.full_like(lons, lat)])))
        if _finite_coordinates(line):
            _draw_geometry(ax, line, 0.9, facecolor="none", edgecolor=GRATICULE_COLOR, linewidth=0.35)
            for hit in _crossings(line, left):
                yticks[hit.y] = _degrees(round(lat, 6), "N", "S")
    ax.set_xticks(sorted(xticks), [xticks[x] for x in sorted(xticks)])
    ax.set_yticks(sorted(yticks), [yticks[y] for y in sorted(yticks)])
    ax.tick_params(labelsize=6.5, colors="#4b5563", length=2.5, width=0.5, pad=1.5)


def _crossings(line, edge):
    hit = line.intersection(edge)
    return [point for point in getattr(hit, "geoms", [hit]) if point.geom_type == "Point"]


def _point_style(style, zorder):
    return {"marker": "o", "linestyle": "none", "markersize": style.radius_px * 1.5,
            "markerfacecolor": style.fill_color or style.color, "markeredgecolor": style.color,
            "markeredgewidth": style.weight_px * PT_PER_PX, "zorder": zorder}


def _emphasis(style, props, zorder):
    """A story step's look: what it highlights drawn wider and on top, the rest faded (as mapper-story.js does)."""
    emphasis = props.get("emphasis")
    if emphasis == "lit":
        return replace(style, weight_px=style.weight_px + STEP_LIT_WEIGHT_PX), zorder + 0.05, 1.0
    return style, zorder, STEP_DIM_OPACITY if emphasis == "dim" else 1.0


def _draw_feature(ax, layer_key, feature, geometry, zorder):
    props = feature["properties"]
    style, zorder, alpha = _emphasis(feature_style(layer_key, props), props, zorder)
    dashed = drawn_dashed(props)
    if geometry.geom_type == "Point":
        if not style.fill_opacity:  # a halo around the place (events, places in range), as on the map
            ax.plot([geometry.x], [geometry.y], marker="o", linestyle="none", markersize=style.radius_px * 1.6,
                    markerfacecolor="none", markeredgecolor=style.color, markeredgewidth=style.weight_px * PT_PER_PX,
                    zorder=zorder, alpha=alpha)
        else:
            ax.plot([geometry.x], [geometry.y], alpha=alpha, **_point_style(style, zorder))
        return
    line = {"edgecolor": _rgba(style.color, alpha), "linewidth": style.weight_px * PT_PER_PX,
            "linestyle": DASHES if dashed else "solid", "capstyle": "round", "joinstyle": "round"}
    if geometry.geom_type.endswith("Polygon"):
        _draw_geometry(ax, geometry, zorder,
                       facecolor=_rgba(style.fill_color or style.color, style.fill_opacity * alpha), **line)
    else:
        _draw_geometry(ax, geometry, zorder, facecolor="none", **line)
        if layer_key == "supply-flows":
            _draw_direction(ax, geometry, style, zorder, alpha)


def _rgba(color, alpha):
    color = color.lstrip("#")
    return tuple(int(color[i:i + 2], 16) / 255 for i in (0, 2, 4)) + (alpha,)


def _draw_direction(ax, line, style, zorder, alpha=1.0):
    """An arrowhead at the middle of a flow, pointing along the projected line."""
    if line.geom_type != "LineString" or line.length == 0:
        return
    tail = line.interpolate(0.46, normalized=True)
    head = line.interpolate(0.54, normalized=True)
    ax.add_patch(FancyArrowPatch((tail.x, tail.y), (head.x, head.y), arrowstyle="-|>", mutation_scale=14,
                                 color=_rgba(style.color, alpha), linewidth=0, zorder=zorder + 0.01))


def draw_layers(ax, layers, projected):
    """Every feature in the map's style; ``projected`` maps id(feature) to its projected geometry."""
    for n, layer in enumerate(layers):
        for feature in layer.features:
            if feature["properties"].get("marker") == "arrow":
                continue  # drawn from the projected line instead, so it points the right way on the page
            _draw_feature(ax, layer.key, feature, projected[id(feature)], zorder=2 + n * 0.1)


def _label_font(kind):
    if kind == "sea":
        return {"fontsize": 8.5, "fontstyle": "italic", "color": "#075985"}
    if kind in MINOR_LABEL_KINDS:
        return {"fontsize": 6.8, "color": "#374151"}
    return {"fontsize": 8.2, "fontweight": "bold", "color": TEXT_COLOR}


def _marker_radius_pt(style):
    return style.radius_px * 1.5 / 2


def draw_labels(ax, layers, projected, obstacles=()):
    """Place names beside their markers, biggest places first.

    A label may not cover another label, a place's marker, or an
    ``obstacle`` (a display-space box such as the scale bar's), nor leave the
    frame.  It tries the right, left, top and bottom of its marker in turn and
    is left out if none is free.  Long names wrap onto two lines.
    """
    places = [f for layer in layers if layer.key == "places" for f in layer.features]
    event_places = {f["properties"]["place"] for layer in layers if layer.key == "events" for f in layer.features}
    halo_pt = STYLES["event"].radius_px * 1.6 / 2
    to_px = ax.transData.transform
    px_per_pt = ax.figure.dpi / 72
    centres = {id(f): to_px((projected[id(f)].x, projected[id(f)].y)) for f in places}
    radii_pt = {id(f): _marker_radius_pt(STYLES[style_key("places", f["properties"])]) for f in places}
    markers = {id(f): (x - r * px_per_pt, y - r * px_per_pt, x + r * px_per_pt, y + r * px_per_pt)
               for f in places for (x, y), r in [(centres[id(f)], radii_pt[id(f)])]}
    placed = [tuple(box) for box in obstacles]
    frame = ax.get_window_extent()
    labelled = [f for f in places if f["properties"]["kind"] in LABELLED_KINDS]
    labelled.sort(key=lambda f: -PLACE_KINDS.index(f["properties"]["kind"]))
    for feature in labelled:
        props = feature["properties"]
        font = _label_font(props["kind"])
        text = "\n".join(textwrap.wrap(props["name"], max(16, len(props["name"]) // 2 + 1)))
        em = 0.64 if font.get("fontweight") == "bold" else 0.58
        width = max(len(line) for line in text.split("\n")) * font["fontsize"] * em * px_per_pt
        height = (text.count("\n") + 1) * font["fontsize"] * 1.2 * px_per_pt
        reach_pt = max(radii_pt[id(feature)], halo_pt if props["id"] in event_places else 0) + 2
        gap = reach_pt * px_per_pt
        others = [box for key, box in markers.items() if key != id(feature)]
        x_px, y_px = centres[id(feature)]
        for dx, dy, ha, va in ((gap, 0, "left", "center"), (-gap, 0, "right", "center"),
                               (0, gap, "center", "bottom"), (0, -gap, "center", "top")):
            left = x_px + dx - {"left": 0, "right": width, "center": width / 2}[ha]
            bottom = y_px + dy - {"center": height / 2, "bottom": 0, "top": height}[va]
            box = (left, bottom, left + width, bottom + height)
            inside = frame.x0 <= box[0] and box[2] <= frame.x1 and frame.y0 <= box[1] and box[3] <= frame.y1
            if inside and not any(_overlap(box, other) for other in placed + others):
                placed.append(box)
                ax.annotate(text, (projected[id(feature)].x, projected[id(feature)].y),
                            xytext=(dx / px_per_pt, dy / px_per_pt), textcoords="offset points", ha=ha, va=va,
                            multialignment={"right": "right", "left": "left"}.get(ha, "center"),
                            path_effects=LABEL_HALO, zorder=10, annotation_clip=True, **font)
                break


def _overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _nice_length(limit):
    """The largest 1, 2 or 5 × 10ⁿ not above ``limit``."""
    if not limit > 0:
        raise InputError("figure: the map is too small to draw a scale bar")
    power = 10 ** np.floor(np.log10(limit))
    return max(m * power for m in (1, 2, 5) if m * power <= limit)


def ground_length_m(projector, x0, y, x1, pieces=32):
    """Geodesic length on the ground of the projected segment (x0, y)–(x1, y)."""
    xs = np.linspace(x0, x1, pieces + 1)
    points = [projector.lonlat(x, y) for x in xs]
    return sum(geodesy.inverse(a, b).distance_m for a, b in zip(points, points[1:]))


def _display_box(ax, x0, y0, x1, y1):
    (left, bottom), (right, top) = ax.transData.transform([(x0, y0), (x1, y1)])
    return left, bottom, right, top


def _units_per_pt(ax, extent):
    """Projected units per typographic point: so furniture keeps its size on any page."""
    return extent.height / (ax.get_window_extent().height * 72 / ax.figure.dpi)


def draw_scale_bar(ax, projector, extent):
    """Kilometre and mile bars at the lower left, each as long on the ground as it says.

    Returns the display-space box it covers.
    """
    pt = _units_per_pt(ax, extent)
    x0 = extent.xmin + 14 * pt
    y = extent.ymin + 34 * pt
    # At least long enough for "0", the middle and the end to stand apart on a narrow map.
    span = min(max(extent.width * 0.22, 64 * pt), 150 * pt, extent.width * 0.5)
    thickness = 3 * pt
    longest = 0.0
    for unit, unit_m, offset in (("km", 1000.0, 0.0), ("mi", 1609.344, -20 * pt)):
        # Each bar is measured where it is drawn: the scale changes with y.
        metres_per_unit = ground_length_m(projector, x0, y + offset, x0 + span) / span
        length = _nice_length(span * metres_per_unit / unit_m)
        bar = length * unit_m / metres_per_unit
        longest = max(longest, bar)
        for k in range(4):
            ax.add_patch(Rectangle((x0 + bar * k / 4, y + offset), bar / 4, thickness, zorder=12,
                                   facecolor=TEXT_COLOR if k % 2 == 0 else "white", edgecolor=TEXT_COLOR,
                                   linewidth=0.5))
        ticks = [(0, 0), (length / 2, bar / 2), (length, bar)]
        # DejaVu Sans digits are 0.64 em wide; leave the middle out where it would touch the end.
        half_pt = bar / 2 / pt
        if half_pt < (len(f"{length / 2:g}") + len(f"{length:g}")) / 2 * 6.5 * 0.64 + 3:
            ticks.pop(1)
        for value, at in ticks:
            ax.text(x0 + at, y + offset + thickness + 1.5 * pt, f"{value:g}", ha="center", va="bottom",
                    fontsize=6.5, color=TEXT_COLOR, zorder=12)
        ax.text(x0 + bar + 5 * pt, y + offset + thickness / 2, unit, ha="left", va="center", fontsize=6.5,
                color=TEXT_COLOR, zorder=12)
    box = (x0 - 8 * pt, y - 26 * pt, x0 + longest + 22 * pt, y + 17 * pt)
    ax.add_patch(Rectangle(box[:2], box[2] - box[0], box[3] - box[1], facecolor="white", alpha=0.8,
                           edgecolor="none", zorder=11))
    return _display_box(ax, *box)


def draw_north_arrow(ax, projector, extent):
    """An arrow to true north where it stands (on a conic projection north leans with longitude).

    Returns the display-space box it covers.
    """
    pt = _units_per_pt(ax, extent)
    x = extent.xmax - 22 * pt
    y = extent.ymax - 52 * pt
    here = projector.lonlat(x, y)
    north_x, north_y = projector.point(here.lon, min(here.lat + 0.05, 90))
    direction = np.array([north_x - x, north_y - y])
    if not np.isfinite(direction).all() or not direction.any():
        return _display_box(ax, x, y, x, y)
    direction = direction / np.hypot(*direction) * 26 * pt
    ax.add_patch(FancyArrowPatch((x, y), (x + direction[0], y + direction[1]), arrowstyle="-|>",
                                 mutation_scale=14, color=TEXT_COLOR, linewidth=1.2, zorder=12))
    tip_x, tip_y = x + direction[0] * 1.3, y + direction[1] * 1.3
    ax.text(tip_x, tip_y, "N", ha="center", va="center", fontsize=9, fontweight="bold", color=TEXT_COLOR,
            path_effects=LABEL_HALO, zorder=12)
    pad = 10 * pt
    return _display_box(ax, min(x, tip_x) - pad, min(y, tip_y) - pad, max(x, tip_x) + pad, max(y, tip_y) + pad)


def legend_handle(style, is_point):
    """A legend swatch that looks like the feature on the map."""
    if is_point:
        # A halo (no fill on the map) is a ring in the legend too.
        ring = {} if style.fill_opacity else {"markerfacecolor": "none"}
        return Line2D([], [], **_point_style(style, 1) | {"markersize": min(style.radius_px, 6) * 1.5} | ring)
    if style.fill_opacity:
        return PathPatch(MplPath.unit_rectangle(), facecolor=_rgba(style.fill_color or style.color, 0.35),
                         edgecolor=style.color, linewidth=style.weight_px * PT_PER_PX, linestyle=DASHES)
    return Line2D([], [], color=style.color, linewidth=style.weight_px * PT_PER_PX)


def assumption_handle():
    return Line2D([], [], color="#374151", linewidth=2.5 * PT_PER_PX, linestyle=DASHES)
