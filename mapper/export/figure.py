"""Static figures of a briefing for reports: PNG, SVG or PDF, drawn offline.

A print layout around the map of :mod:`mapper.export.figure_map`: title and
subtitle above; legend beside; a timeline of the dated events (a paper map
cannot have the HTML map's slider) where it leaves the map biggest; sources
(outlet, title, date), basemap and projection below, and the "generated on"
stamp when asked for.  matplotlib's
own fonts and the bundled Natural Earth basemap are all it needs: no browser
and no network.  SVG and PDF stay vector, and the same inputs give the same
bytes (no dates in the metadata).
"""

import bisect
import functools
import itertools
import textwrap
from dataclasses import dataclass
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath
from shapely.geometry import box, shape

from mapper import __version__
from mapper.compose.layers import layer_bounds
from mapper.core.output import atomic_path
from mapper.core.style import ASSUMPTION_LABEL, DRAFT_LABEL, draws_assumption, has_drafts, legend_entries
from mapper.core.vocab import FIGURE_FORMATS
from mapper.errors import InputError, OutputExistsError
from mapper.export import figure_map
from mapper.export.paper import page_size
from mapper.export.projection import figure_projection
from mapper.load.basemap import ATTRIBUTION, FINE_SCALES, attribution, basemap_for

DEFAULT_SIZE = "a4"
DEFAULT_DPI = 200
DPI_RANGE = (50, 1200)
SIZE_RANGE_IN = (4.0, 60.0)
MAX_PIXELS = 100_000_000  # a 10,000 × 10,000 PNG: beyond that memory, not detail, is the limit

MARGIN_IN = 0.35
LEGEND_WIDTH_IN = 2.9
TEXT_COLOR = figure_map.TEXT_COLOR
RC = {
    "font.family": "DejaVu Sans",  # ships with matplotlib: the same glyphs everywhere
    "svg.hashsalt": "mapper",  # stable SVG ids
    "svg.fonttype": "path",  # text as outlines: the SVG looks the same without the font
    "pdf.fonttype": 42,  # TrueType: PDF text stays text, selectable and searchable
    "axes.linewidth": 0.8,
}


def parse_size(text, dpi=DEFAULT_DPI):
    """A figure's page size (see :func:`mapper.export.paper.page_size`; default A4 landscape), in range.

    Raises
    ------
    InputError
        If ``text`` is not a size, or a side is outside SIZE_RANGE_IN.
    """
    size = page_size(text or DEFAULT_SIZE, dpi)
    low, high = SIZE_RANGE_IN
    if not (low <= size.width_in <= high and low <= size.height_in <= high):
        raise InputError(f"size {text!r}: {size.width_in:.1f} × {size.height_in:.1f} in; each side must be "
                         f"{low:g}–{high:g} in")
    return size


def check_dpi(dpi, size, fmt="png"):
    """Raise InputError unless ``dpi`` is in range and a PNG stays under MAX_PIXELS."""
    low, high = DPI_RANGE
    if not low <= dpi <= high:
        raise InputError(f"dpi {dpi}: must be {low}–{high}")
    if fmt != "png":
        return
    pixels = size.width_in * dpi * size.height_in * dpi
    if pixels > MAX_PIXELS:
        raise InputError(f"dpi {dpi}: {size.width_in * dpi:,.0f} × {size.height_in * dpi:,.0f} px is more than "
                         f"{MAX_PIXELS:,} pixels; lower --dpi or --size")


def cited_sources(geodata, layers, drawn=None):
    """The sources the drawn features cite, in the order of the geodata's sources registry.

    A feature cites a source wherever its properties hold a citation
    ``{source, quote}``: its own sources, its cargo's, its events', its
    claims', a range's system's.  ``drawn(layer, feature)`` says whether a
    feature is drawn (default: every feature is).
    """
    cited = set()

    def walk(value):
        if isinstance(value, dict):
            if isinstance(value.get("source"), str) and "quote" in value:
                cited.add(value["source"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for layer in layers:
        for feature in layer.features:
            if drawn is None or drawn(layer, feature):
                walk(feature["properties"])
    return [source for source_id, source in geodata.sources.items() if source_id in cited]


def _citation(source):
    """A source as the footer cites it: outlet, “title”, printed date (whichever it has)."""
    title = f"“{source['title']}”" if source.get("title") else ""
    parts = [source.get("outlet"), title, source.get("date_printed") or source.get("published"), source.get("url")]
    return ", ".join(part for part in parts if part) or source.get("id", "")


def footer_lines(sources, projection_label, stamp, basemap=ATTRIBUTION):
    """The footer: the sources cited (no line if none is); then basemap and projection."""
    cites = "; ".join(_citation(s) for s in sources)
    lines = [f"Sources: {cites}." if cites else None,
             f"{basemap}. Projection: {projection_label}. Distances and range rings are "
             "geodesic (WGS84)."]
    if stamp:
        lines.append(stamp)
    return [line for line in lines if line]


def _wrap(text, width_in, fontsize_pt):
    # DejaVu Sans averages a little over half an em per character.
    chars = max(20, int(width_in * 72 / (fontsize_pt * 0.55)))
    return textwrap.wrap(text, chars) or [""]


@dataclass(frozen=True)
class _Legend:
    """The figure's legend: (layer title, [(Style, is_point)]) entries, and whether to explain dashes."""

    entries: list
    dashed: bool
    drafts: bool = False


def _legend_groups(legend):
    handles, labels, headers = [], [], []
    for title, styles in legend.entries:
        headers.append(len(labels))
        handles.append(figure_map.Line2D([], [], linestyle="none"))
        labels.append(title)
        for style, is_point in styles:
            handles.append(figure_map.legend_handle(style, is_point))
            labels.append(style.label)
    if legend.dashed:
        handles.append(figure_map.assumption_handle())
        labels.append(DRAFT_LABEL if legend.drafts else ASSUMPTION_LABEL)
    return handles, labels, headers


def _try_legend(fig, rows, fontsize, ncols, anchor, loc, width_in):
    """A legend at ``anchor`` (inches from the lower left), or None if it is wider than ``width_in``."""
    handles, labels, headers = rows
    column_in = width_in / ncols
    wrapped = ["\n".join(textwrap.wrap(label, max(16, int(column_in * 72 / (fontsize * 0.56)) - 6)))
               for label in labels]
    legend = fig.legend(handles, wrapped, loc=loc, frameon=False, fontsize=fontsize, ncols=ncols,
                        bbox_to_anchor=(anchor[0] / fig.get_figwidth(), anchor[1] / fig.get_figheight()),
                        title="Legend", title_fontproperties={"weight": "bold", "size": fontsize + 1.5},
                        alignment="left", handlelength=2.2, borderaxespad=0, labelspacing=0.45,
                        columnspacing=1.2)
    for n in headers:
        legend.get_texts()[n].set_fontweight("bold")
    box = legend.get_window_extent(fig.canvas.get_renderer())
    return legend, box.width / fig.dpi, box.height / fig.dpi


@dataclass(frozen=True)
class _Frame:
    """Where the map goes, in inches from the lower left of the page."""

    left: float
    bottom: float
    right: float
    top: float


def _place_legend(fig, entries, area, panel_in=None):
    """Put the legend beside the map if it fits there (``panel_in`` wide; default
    from the area's width), else in columns under it.

    Returns the part of ``area`` left for the map.
    """
    rows = _legend_groups(entries)
    panel_in = panel_in or min(LEGEND_WIDTH_IN, (area.right - area.left) * 0.3)
    for fontsize in (8.0, 7.5, 7.0, 6.5):
        anchor = (area.right - panel_in, area.top)
        legend, width, height = _try_legend(fig, rows, fontsize, 1, anchor, "upper left", panel_in)
        if height <= area.top - area.bottom and width <= panel_in + 0.2:
            return _Frame(area.left, area.bottom, area.right - panel_in - 0.25, area.top)
        legend.remove()
    full_in = area.right - area.left
    for fontsize in (7.5, 7.0, 6.5, 6.0):
        for ncols in (3, 4):
            legend, width, height = _try_legend(fig, rows, fontsize, ncols, (area.left, area.bottom), "lower left",
                                                full_in)
            if height <= (area.top - area.bottom) * 0.45 and width <= full_in + 0.2:
                return _Frame(area.left, area.bottom + height + 0.3, area.right, area.top)
            legend.remove()
    raise InputError("size: too small for the map and its legend; choose a larger --size")


@dataclass(frozen=True)
class TimelineEntry:
    """One dated event as the figure's timeline lists it."""

    event_id: str
    date: str  # as in the data: YYYY, YYYY-MM or YYYY-MM-DD
    name: str
    place: str  # the place's name


def date_key(date):
    """A sortable key for a date: a partial date counts as its start ("2024" is "2024-01-01").

    The same rule as the HTML map's timeline slider.
    """
    return (date + "-01-01")[:10]


def timeline_entries(geodata, layers):
    """The events of the briefing's events layer, by date (ties in data order)."""
    order = {event["id"]: n for n, event in enumerate(geodata.events)}
    entries = []
    for layer in layers:
        if layer.key != "events":
            continue
        for feature in layer.features:
            place = geodata.place(feature["properties"]["place"])["properties"]["name"]
            entries.extend(TimelineEntry(event["id"], event["date"], event["name"], place)
                           for event in feature["properties"]["events"])
    return sorted(entries, key=lambda e: (date_key(e.date), e.date, order.get(e.event_id, 0)))


TIMELINE_TITLE = "Timeline"
TIMELINE_FONTS_PT = (7.0, 6.5, 6.0)
TIMELINE_LINESPACING = 1.25
TIMELINE_MIN_COLUMN_IN = 2.1
TIMELINE_COLUMN_GAP_IN = 0.25
TIMELINE_KEEP_SCALE = 0.88  # a layout may cost the map up to 12% of its best scale (see _layout)


def _text_width_in(text, fontsize, bold=False):
    """Width of ``text`` set in the current font, from its outlines: the same at any dpi."""
    return _text_width_pt(text, fontsize, bold, tuple(matplotlib.rcParams["font.family"])) / 72


@functools.lru_cache(maxsize=8192)  # the layout measures the same lines at several widths
def _text_width_pt(text, fontsize, bold, family):
    props = FontProperties(family=list(family), size=fontsize, weight="bold" if bold else "normal")
    width_pt, _, _ = TextToPath().get_text_width_height_descent(text, props, ismath=False)
    return width_pt


def _wrap_measured(text, width_in, fontsize):
    """Greedy word wrap with each line measured in the font (long words stay whole)."""
    lines = []
    for word in text.split():
        if lines and _text_width_in(f"{lines[-1]} {word}", fontsize) <= width_in:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


@dataclass(frozen=True)
class _TimelineBlock:
    """The timeline set in ``ncols`` columns of ``column_in`` inches at ``fontsize``."""

    fontsize: float
    column_in: float
    date_in: float
    columns: tuple  # per column: ((entry, lines), ...)
    height_in: float

    @property
    def width_in(self):
        return len(self.columns) * self.column_in + (len(self.columns) - 1) * TIMELINE_COLUMN_GAP_IN


def _line_in(fontsize):
    return fontsize * TIMELINE_LINESPACING / 72


def _entry_gap_in(fontsize):
    return fontsize * 0.45 / 72


def _title_in(fontsize):
    return (fontsize + 2) * 1.6 / 72


def _set_timeline(entries, width_in, fontsize, ncols):
    """Wrap and split ``entries`` into ``ncols`` columns filling ``width_in``; None if too narrow."""
    column_in = (width_in - (ncols - 1) * TIMELINE_COLUMN_GAP_IN) / ncols
    date_in = max(_text_width_in(e.date, fontsize, bold=True) for e in entries) + fontsize * 0.6 / 72
    body_in = column_in - date_in
    if body_in < 1.0:
        return None
    wrapped = [(e, tuple(_wrap_measured(f"{e.name} ({e.place})", body_in, fontsize))) for e in entries]
    heights = [len(lines) * _line_in(fontsize) + _entry_gap_in(fontsize) for _, lines in wrapped]

    def split(limit):
        columns, height = [[]], 0.0
        for item, h in zip(wrapped, heights):
            if columns[-1] and height + h > limit + 1e-9:
                columns.append([])
                height = 0.0
            columns[-1].append(item)
            height += h
        return columns

    # The lowest column height that fits the entries, in reading order, into ncols columns: it is the
    # height of some run of entries, and fewer columns are needed as it grows, so bisect those heights.
    sums = list(itertools.accumulate(heights, initial=0.0))
    limits = sorted({sums[j] - sums[i] for i in range(len(heights)) for j in range(i + 1, len(heights) + 1)})
    columns = split(limits[bisect.bisect_left(limits, True, key=lambda limit: len(split(limit)) <= ncols)])
    tallest = max(sum(len(lines) * _line_in(fontsize) + _entry_gap_in(fontsize) for _, lines in column)
                  for column in columns)
    return _TimelineBlock(fontsize, column_in, date_in, tuple(tuple(c) for c in columns),
                          _title_in(fontsize) + tallest - _entry_gap_in(fontsize))


def _draw_timeline(fig, block, left_in, top_in):
    """Draw ``block`` with its top left corner at (``left_in``, ``top_in``) from the page's lower left."""
    width_in, height_in = fig.get_figwidth(), fig.get_figheight()
    fontsize = block.fontsize
    fig.text(left_in / width_in, top_in / height_in, TIMELINE_TITLE, ha="left", va="top", color=TEXT_COLOR,
             fontsize=fontsize + 2, fontweight="bold", gid="timeline-title")
    for n, column in enumerate(block.columns):
        x_in = left_in + n * (block.column_in + TIMELINE_COLUMN_GAP_IN)
        y_in = top_in - _title_in(fontsize)
        for entry, lines in column:
            fig.text(x_in / width_in, y_in / height_in, entry.date, ha="left", va="top", fontsize=fontsize,
                     fontweight="bold", color=TEXT_COLOR, gid=f"timeline-date-{entry.event_id}")
            fig.text((x_in + block.date_in) / width_in, y_in / height_in, "\n".join(lines), ha="left", va="top",
                     fontsize=fontsize, color=TEXT_COLOR, linespacing=TIMELINE_LINESPACING,
                     gid=f"timeline-event-{entry.event_id}")
            y_in -= len(lines) * _line_in(fontsize) + _entry_gap_in(fontsize)


def _map_scale(fit, frame):
    """Page inches per projected unit of the map drawn in ``frame`` (0 if it is too small to draw)."""
    map_w, map_h = frame.right - frame.left - 0.3, frame.top - frame.bottom - 0.1
    if map_w < 2 or map_h < 1.5:
        return 0.0
    return map_w / fit(map_w / map_h).width


def _try_legend_in(fig, legend_groups, area, panel_in=None):
    """Where the legend would go in ``area``: (map frame, legend's left and bottom in inches), or None."""
    try:
        frame = _place_legend(fig, legend_groups, area, panel_in)
    except InputError:
        return None
    legend = fig.legends[-1]
    box = legend.get_window_extent(fig.canvas.get_renderer())
    legend.remove()
    return frame, (box.x0 / fig.dpi, box.y0 / fig.dpi)


def _band(entries, width_in, fontsize):
    """The timeline in as many columns as ``width_in`` holds, the shortest setting first."""
    settings = []
    for ncols in range(1, 5):
        if ncols > 1 and (width_in - (ncols - 1) * TIMELINE_COLUMN_GAP_IN) / ncols < TIMELINE_MIN_COLUMN_IN:
            break
        block = _set_timeline(entries, width_in, fontsize, ncols)
        if block is not None:
            settings.append(block)
    return min(settings, key=lambda b: (round(b.height_in, 6), len(b.columns)), default=None)


@dataclass(frozen=True)
class _TimelinePlan:
    """Where the timeline goes: ``kind``, its setting, and the area left for legend and map."""

    kind: str  # under-legend, under-map, right-column or bottom-band
    block: _TimelineBlock
    legend_area: _Frame
    legend_panel_in: float = None


def _timeline_spot(plan, area, frame, legend_corner):
    """The timeline's top left corner and the map's frame once the legend is in ``frame``'s margin."""
    block = plan.block
    if plan.kind == "under-legend":
        left, bottom = legend_corner
        return (left, bottom - 0.25), frame
    if plan.kind == "under-map":
        beside = frame.right < area.right - 0.1
        # Above the footer, or just above a legend set in rows under the map.
        bottom = frame.bottom if beside else frame.bottom - 0.1
        return (frame.left, bottom + block.height_in), _Frame(frame.left, bottom + block.height_in + 0.3,
                                                               frame.right, frame.top)
    if plan.kind == "right-column":
        return (area.right - block.width_in, area.top - 0.04), frame  # level with the legend's title
    return (area.left, area.bottom + block.height_in), frame  # bottom-band


def _layout(fig, legend_groups, entries, area, fit):
    """Place the legend and, if there are ``entries``, the timeline; returns the frame for the map.

    The timeline can go under a side legend (the map keeps its size), in a
    column at the right, or in a band of columns under the map or across the
    page.  Of the layouts that keep the map's scale within
    (1 - TIMELINE_KEEP_SCALE) of the best, the one with the largest type
    wins, then the one with the largest map (more room around the content).
    """
    if not entries:
        return _place_legend(fig, legend_groups, area)
    page_w = area.right - area.left
    plans = []  # (fontsize, scale, map area in square inches, plan)

    def consider(fontsize, plan, placed):
        if plan.block is None or placed is None:
            return
        frame, corner = placed
        (left, top), map_frame = _timeline_spot(plan, area, frame, corner)
        if top - plan.block.height_in < area.bottom - 1e-6:
            return
        map_in2 = (map_frame.right - map_frame.left) * (map_frame.top - map_frame.bottom)
        plans.append((fontsize, _map_scale(fit, map_frame), round(map_in2, 6), plan))

    plain = _try_legend_in(fig, legend_groups, area)
    column_w = min(LEGEND_WIDTH_IN, page_w * 0.3)
    beside_area = _Frame(area.left, area.bottom, area.right - column_w - 0.3, area.top)
    beside = _try_legend_in(fig, legend_groups, beside_area, column_w)  # as wide as without the timeline
    for fontsize in TIMELINE_FONTS_PT:
        if plain is not None:
            frame, (legend_left, _) = plain
            if frame.right < area.right - 0.1:  # the legend is beside the map
                consider(fontsize, _TimelinePlan("under-legend", _set_timeline(
                    entries, area.right - legend_left, fontsize, 1), area), plain)
            consider(fontsize, _TimelinePlan("under-map", _band(entries, frame.right - frame.left, fontsize), area),
                     plain)
        column = _set_timeline(entries, column_w, fontsize, 1)
        if column is not None and column.height_in <= area.top - area.bottom:
            consider(fontsize, _TimelinePlan("right-column", column, beside_area, column_w), beside)
        band = _band(entries, page_w, fontsize)
        if band is not None:
            raised = _Frame(area.left, area.bottom + band.height_in + 0.3, area.right, area.top)
            consider(fontsize, _TimelinePlan("bottom-band", band, raised), _try_legend_in(fig, legend_groups, raised))
    best = max((scale for _, scale, _, _ in plans), default=0.0)
    if best <= 0:
        raise InputError("size: too small for the map, its legend and its timeline; choose a larger --size")
    _, _, _, plan = max((p for p in plans if p[1] >= best * TIMELINE_KEEP_SCALE), key=lambda p: (p[0], p[2]))
    frame, corner = _try_legend_in(fig, legend_groups, plan.legend_area, plan.legend_panel_in)
    frame = _place_legend(fig, legend_groups, plan.legend_area, plan.legend_panel_in)  # this time it stays
    (left, top), map_frame = _timeline_spot(plan, area, frame, corner)
    _draw_timeline(fig, plan.block, left, top)
    return map_frame


def draw_figure(geodata, briefing, layers, projection=None, size=None, dpi=DEFAULT_DPI, stamp="", fmt="png"):
    """The briefing as a matplotlib Figure with a print layout.

    Parameters
    ----------
    layers : list of Layer
        From :func:`mapper.compose.layers.build_layers`.
    projection : str, optional
        See :func:`mapper.export.projection.figure_projection`; default ``lcc``.
    size : str, optional
        See :func:`parse_size`; default A4 landscape.
    dpi : int
        Pixels per inch of a PNG (also used to place labels).
    stamp : str
        A "generated on" line for the footer, or "".

    Returns
    -------
    matplotlib.figure.Figure
    """
    page = parse_size(size, dpi)
    check_dpi(dpi, page, fmt)
    bounds = layer_bounds(layers)
    if bounds is None:
        raise InputError("figure: the briefing's layers have no features to draw")
    if briefing.view is not None:  # the briefing's view, not the whole content
        bounds = briefing.view.lonlat_bounds()
    proj = figure_projection(projection, bounds, geodata)
    projector = figure_map.Projector(proj.crs)
    projected = {id(f): projector.geometry(shape(f["geometry"])) for layer in layers for f in layer.features}
    framed = list(projected.values()) if briefing.view is None else \
        [projector.geometry(box(*bounds).segmentize(0.25))]

    fig = Figure(figsize=(page.width_in, page.height_in), dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)  # a renderer to measure text with
    width_in, height_in = page.width_in, page.height_in
    text_w = width_in - 2 * MARGIN_IN

    top = MARGIN_IN
    title = _wrap(briefing.title, text_w, 15 * 1.1)  # bold runs wider
    fig.text(MARGIN_IN / width_in, 1 - top / height_in, "\n".join(title), ha="left", va="top", fontsize=15,
             fontweight="bold", color=TEXT_COLOR, linespacing=1.15)
    top += 0.28 * len(title) + 0.06
    if briefing.subtitle:
        sub = _wrap(briefing.subtitle, text_w, 9)
        fig.text(MARGIN_IN / width_in, 1 - top / height_in, "\n".join(sub), ha="left", va="top", fontsize=9,
                 color="#374151", linespacing=1.3)
        top += 0.165 * len(sub) + 0.08
    top += 0.05

    def footer(sources, basemap=attribution(FINE_SCALES)):  # by default the longest basemap line
        return [line for text in footer_lines(sources, proj.label, stamp, basemap) for line in _wrap(text, text_w, 6.8)]

    # Room for the footer as if every feature were in the frame: with a briefing's
    # view, what the frame leaves out is known only once the map is laid out.
    footer_h = 0.135 * len(footer(cited_sources(geodata, layers))) + 0.12
    area = _Frame(MARGIN_IN, MARGIN_IN + footer_h + 0.1, width_in - MARGIN_IN, height_in - top)
    frame = _layout(fig, _Legend(legend_entries(layers), draws_assumption(layers), has_drafts(layers)),
                    timeline_entries(geodata, layers), area,
                    lambda aspect: figure_map.fit_extent(projector, framed, aspect))
    # Room for the graticule's tick labels left of and below the frame.
    map_left, map_right, map_bottom, map_top = frame.left + 0.3, frame.right, frame.bottom + 0.1, frame.top
    if map_right - map_left < 2 or map_top - map_bottom < 1.5:
        raise InputError(f"size {size!r}: too small for a map with its title, legend and sources")
    ax = fig.add_axes((map_left / width_in, map_bottom / height_in, (map_right - map_left) / width_in,
                       (map_top - map_bottom) / height_in))
    extent = figure_map.fit_extent(projector, framed, (map_right - map_left) / (map_top - map_bottom))
    ax.set_xlim(extent.xmin, extent.xmax)
    ax.set_ylim(extent.ymin, extent.ymax)
    # The footer cites what the figure shows: the features in the frame, and every event (the timeline lists them).
    in_frame = box(extent.xmin, extent.ymin, extent.xmax, extent.ymax)
    shown = cited_sources(geodata, layers, lambda layer, f: layer.key == "events" or
                          projected[id(f)].intersects(in_frame))
    # The figure's own extent: 1:10m data all over it (none of the world outside it), unless it is too large.
    basemap = basemap_for(figure_map.extent_lonlat_box(projector, extent), pad_fraction=0, world=False)
    fig.text(MARGIN_IN / width_in, (MARGIN_IN - 0.05) / height_in, "\n".join(footer(shown, basemap.attribution)),
             ha="left", va="bottom", fontsize=6.8, color="#374151", linespacing=1.35)
    ax.set_aspect("equal", adjustable="box")
    for spine in ax.spines.values():
        spine.set_color(TEXT_COLOR)

    figure_map.draw_basemap(ax, projector, extent, basemap.collection)
    figure_map.draw_graticule(ax, projector, extent)
    figure_map.draw_layers(ax, layers, projected)
    obstacles = [figure_map.draw_scale_bar(ax, projector, extent), figure_map.draw_north_arrow(ax, projector, extent)]
    figure_map.draw_labels(ax, layers, projected, obstacles)
    return fig


def _metadata(fmt, title):
    creator = f"mapper {__version__} (matplotlib {matplotlib.__version__})"
    if fmt == "png":
        return {"Title": title, "Software": creator}
    if fmt == "svg":
        return {"Title": title, "Creator": creator, "Date": None}
    return {"Title": title, "Creator": creator, "Producer": creator, "CreationDate": None}


def write_figure(fig, path, fmt, title, overwrite=False):
    """Save ``fig`` to ``path`` as ``fmt`` (png, svg or pdf), atomically."""
    if fmt not in FIGURE_FORMATS:
        raise InputError(f"format {fmt!r}: not a figure format; use {', '.join(FIGURE_FORMATS)}")
    with atomic_path(path, overwrite) as tmp, matplotlib.rc_context(RC):
        fig.savefig(tmp, format=fmt, dpi=fig.dpi, metadata=_metadata(fmt, title), facecolor="white")


def render_figure(geodata, briefing, layers, path, fmt, projection=None, size=None, dpi=DEFAULT_DPI, stamp="",
                  overwrite=False):
    """Draw and save a figure (see :func:`draw_figure`); returns the path."""
    if Path(path).exists() and not overwrite:  # before the drawing
        raise OutputExistsError(f"{path}: already exists")
    with matplotlib.rc_context(RC):
        fig = draw_figure(geodata, briefing, layers, projection, size, dpi, stamp, fmt)
    write_figure(fig, path, fmt, briefing.title, overwrite)
    return path
