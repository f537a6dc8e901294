"""What the browser prints of a map: its title above it, its legend and sources beside it.

A map page is one screen of Leaflet panels over the map.  On paper
(``@media print`` in ``mapper/html/static/mapper-print.css``) the panels are
hidden and these two blocks, which the screen never shows, take their place:
a heading with the title, and a column with the legend and the sources that
the drawn features cite.  Every data string is escaped here.
"""

from mapper.html.popups import esc


def cited_sources(layers):
    """The ids of the sources that the drawn features cite, in order of first citation.

    A citation is any ``{"source": id, "quote": ...}`` in a feature's
    properties: its own sources, its cargo's, its claim checks', its events'.
    """
    found = {}

    def walk(value):
        if isinstance(value, dict):
            if isinstance(value.get("source"), str) and "quote" in value:
                found.setdefault(value["source"], None)
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    for layer in layers:
        for feature in layer.features:
            walk(feature["properties"])
    return list(found)


def _source_line(source_id, source):
    outlet = esc(source.get("outlet") or source_id)
    date = esc(source.get("date_printed") or source.get("published") or "")
    title = esc(source.get("title") or "")
    url = f' <span class="mapper-print-url">{esc(source["url"])}</span>' if source.get("url") else ""
    return f"<li>{outlet}{', ' + date if date else ''}: <i>{title}</i>{url}</li>"


def print_head(title, subtitle, stamp=""):
    """The heading of the printed page (hidden on screen)."""
    sub = f'<div class="mapper-print-subtitle">{esc(subtitle)}</div>' if subtitle else ""
    stamp_line = f'<div class="mapper-print-stamp">{esc(stamp)}</div>' if stamp else ""
    return (f'<header class="mapper-print-head"><div class="mapper-print-title">{esc(title)}</div>'
            f"{sub}{stamp_line}</header>")


def print_side(legend_rows, layers, sources_by_id):
    """The printed page's column: the legend's rows (escaped HTML) and the sources cited by what is drawn."""
    # By date of publication, as a reference list reads; undated last.
    ids = sorted(cited_sources(layers), key=lambda i: (sources_by_id.get(i, {}).get("published") or "9999", i))
    if ids:
        items = "".join(_source_line(i, sources_by_id.get(i, {})) for i in ids)
        sources = f'<ol class="mapper-print-source-list">{items}</ol>'
    else:
        sources = "<p>The features drawn cite no sources.</p>"
    legend = f'<section class="mapper-print-legend"><h2>Legend</h2>{legend_rows}</section>' if legend_rows else ""
    return (f'<aside class="mapper-print-side">{legend}'
            f'<section class="mapper-print-sources"><h2>Sources</h2>{sources}</section></aside>')
