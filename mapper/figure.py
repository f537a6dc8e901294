"""Static figures of a briefing for reports: PNG, SVG or PDF, drawn offline.

A print layout around the map of :mod:`mapper.figure_map`: title and
subtitle above; legend beside; sources (outlet, title, date), basemap and
projection below, and the "generated on" stamp when asked for.  matplotlib's
own fonts and the bundled Natural Earth basemap are all it needs: no browser
and no network.  SVG and PDF stay vector, and the same inputs give the same
bytes (no dates in the metadata).
"""

import textwrap
from dataclasses import dataclass
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from shapely.geometry import shape

from mapper import __version__, figure_map
from mapper.errors import InputError, OutputExistsError
from mapper.export import FIGURE_FORMATS
from mapper.geodata import BASEMAP_ATTRIBUTION, basemap_path, read_json
from mapper.layers import layer_bounds
from mapper.output import atomic_path
from mapper.paper import page_size
from mapper.projection import figure_projection
from mapper.style import legend_entries

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
    """A figure's page size (see :func:`mapper.paper.page_size`; default A4 landscape), in range.

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


def cited_sources(geodata, layers):
    """The articles the shown features cite, in the order of sources.json."""
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
            walk(feature["properties"])
    return [source for source_id, source in geodata.sources.items() if source_id in cited]


def footer_lines(sources, projection_label, stamp):
    """The footer: sources by outlet, title and printed date; then basemap and projection."""
    cites = "; ".join(f"{s['outlet']}, “{s['title']}”, {s['date_printed']}" for s in sources)
    lines = [f"Sources: {cites}." if cites else "Sources: none cited by the features shown.",
             f"{BASEMAP_ATTRIBUTION}. Projection: {projection_label}. Distances and range rings are "
             "geodesic (WGS84)."]
    if stamp:
        lines.append(stamp)
    return lines


def _wrap(text, width_in, fontsize_pt):
    # DejaVu Sans averages a little over half an em per character.
    chars = max(20, int(width_in * 72 / (fontsize_pt * 0.55)))
    return textwrap.wrap(text, chars) or [""]


def _legend_rows(entries):
    handles, labels, headers = [], [], []
    for title, styles in entries:
        headers.append(len(labels))
        handles.append(figure_map.Line2D([], [], linestyle="none"))
        labels.append(title)
        for style, is_point in styles:
            handles.append(figure_map.legend_handle(style, is_point))
            labels.append(style.label)
    handles.append(figure_map.assumption_handle())
    labels.append("Dashed: analyst’s assumption, not stated in the articles")
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


def _place_legend(fig, entries, area):
    """Put the legend beside the map if it fits there, else in columns under it.

    Returns the part of ``area`` left for the map.
    """
    rows = _legend_rows(entries)
    panel_in = min(LEGEND_WIDTH_IN, (area.right - area.left) * 0.3)
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


def draw_figure(geodata, briefing, layers, projection=None, size=None, dpi=DEFAULT_DPI, stamp="", fmt="png"):
    """The briefing as a matplotlib Figure with a print layout.

    Parameters
    ----------
    layers : list of Layer
        From :func:`mapper.layers.build_layers`.
    projection : str, optional
        See :func:`mapper.projection.figure_projection`; default ``lcc``.
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
    proj = figure_projection(projection, bounds, geodata)
    projector = figure_map.Projector(proj.crs)
    projected = {id(f): projector.geometry(shape(f["geometry"])) for layer in layers for f in layer.features}

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

    footer = [line for text in footer_lines(cited_sources(geodata, layers), proj.label, stamp)
              for line in _wrap(text, text_w, 6.8)]
    footer_h = 0.135 * len(footer) + 0.12
    fig.text(MARGIN_IN / width_in, (MARGIN_IN - 0.05) / height_in, "\n".join(footer), ha="left", va="bottom",
             fontsize=6.8, color="#374151", linespacing=1.35)

    area = _Frame(MARGIN_IN, MARGIN_IN + footer_h + 0.1, width_in - MARGIN_IN, height_in - top)
    frame = _place_legend(fig, [(title, styles) for title, styles in legend_entries(layers) if styles], area)
    # Room for the graticule's tick labels left of and below the frame.
    map_left, map_right, map_bottom, map_top = frame.left + 0.3, frame.right, frame.bottom + 0.1, frame.top
    if map_right - map_left < 2 or map_top - map_bottom < 1.5:
        raise InputError(f"size {size!r}: too small for a map with its title, legend and sources")
    ax = fig.add_axes((map_left / width_in, map_bottom / height_in, (map_right - map_left) / width_in,
                       (map_top - map_bottom) / height_in))
    view = figure_map.fit_view(projector, list(projected.values()), (map_right - map_left) / (map_top - map_bottom))
    ax.set_xlim(view.xmin, view.xmax)
    ax.set_ylim(view.ymin, view.ymax)
    ax.set_aspect("equal", adjustable="box")
    for spine in ax.spines.values():
        spine.set_color(TEXT_COLOR)

    figure_map.draw_basemap(ax, projector, view, read_json(basemap_path(geodata.data_dir)))
    figure_map.draw_graticule(ax, projector, view)
    figure_map.draw_layers(ax, layers, projected)
    obstacles = [figure_map.draw_scale_bar(ax, projector, view), figure_map.draw_north_arrow(ax, projector, view)]
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
