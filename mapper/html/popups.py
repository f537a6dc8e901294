"""HTML for popups, labels, title and legend: every data string escaped.

Leaflet sets popup and tooltip content as innerHTML, so text from data must
be escaped here, once, before it reaches the page.  Backticks and ``$`` are
escaped as well because some templates place text in JS template strings,
and braces because folium renders some elements' output as a Jinja template
a second time (layer names in the layer control).

Direction controls in data (U+202E RIGHT-TO-LEFT OVERRIDE and the like) are
kept, but closed at the end of their own text (:mod:`mapper.core.bidi`), so
that they cannot reverse the rest of a popup line, the legend or a list of
places.
"""

import html

from mapper.core.bidi import contain_bidi
from mapper.core.units import format_hours, metres_to

_EXTRA = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"})

KIND_LABELS = {
    "capital": "Capital city",
    "city": "City",
    "town": "Town",
    "port": "Port",
    "industrial-zone": "Industrial zone",
    "sea": "Sea",
    "site": "Site",
    "sea-route": "Sea route",
    "river-route": "River route",
    "supply-flow": "Supply flow",
    "range": "Weapon range",
    "event": "Dated events",
}


def esc(text, contain=True):
    """Escape ``text`` for HTML, for JS template strings and for Jinja; see :func:`contain_bidi`.

    ``contain=False`` keeps direction controls exactly as given, for text
    that is a line of its own, such as the page's ``<title>``.
    """
    text = contain_bidi(text) if contain else str(text)
    return html.escape(text, quote=True).translate(_EXTRA)


def format_length(length_m):
    """'903 km (561 mi, 488 nmi)'."""
    return (f"{metres_to(length_m, 'km'):,.0f} km ({metres_to(length_m, 'mi'):,.0f} mi, "
            f"{metres_to(length_m, 'nmi'):,.0f} nmi)")


def _citations(sources_by_id, citations):
    items = []
    for cite in citations:
        source = sources_by_id.get(cite["source"], {})
        unchecked = ' <span class="mapper-unchecked">(quote not checked: no saved text of this source)</span>' \
            if source.get("quote_checked") is False else ""
        items.append(
            '<li class="mapper-cite">'
            f'<blockquote>“{esc(cite["quote"])}”</blockquote>'
            f'<span>{esc(source.get("outlet", cite["source"]))}, {esc(source.get("date_printed", ""))}: '
            f'<i>{esc(source.get("title", ""))}</i></span>{unchecked}</li>'
        )
    return f'<ul class="mapper-cites">{"".join(items)}</ul>'


def _provenance(props):
    parts = []
    basis = props.get("basis")
    if basis == "assumption":
        parts.append(f'<p class="mapper-assumption"><b>Analyst’s assumption.</b> {esc(props.get("note", ""))}</p>')
    elif basis == "gazetteer":
        parts.append(f'<p class="mapper-gazetteer"><b>Not from the articles (gazetteer).</b> '
                     f'{esc(props.get("note", ""))}</p>')
    elif basis == "user":
        origin, note = props.get("origin", ""), props.get("note", "")
        # The default note already names the file and line; a note of the user's own may not.
        where = f" ({esc(origin)})" if origin.split(":")[0] not in note else ""
        parts.append(f'<p class="mapper-gazetteer"><b>From the analyst’s own file</b>{where}. {esc(note)}</p>')
    elif props.get("note"):
        parts.append(f"<p>{esc(props['note'])}</p>")
    return "".join(parts)


LEG_LABELS = {
    "port-snap": "To navigable water (drawn straight)",
    "sea": "Open water: shortest path, computed",
    "connection": "Canal or river mouth (drawn straight between its listed points)",
    "river": "River: Natural Earth centre line",
    "great-circle": "Great circle (geodesic)",
}


def _legs(props):
    if all(leg["kind"] == "great-circle" for leg in props["legs"]):
        between = "its places" if len(props["legs"]) == 1 else "each stop and the next"
        return (f"<p><b>Straight great-circle line</b> between {between} (the geodesic on the WGS84 ellipsoid), "
                f"not a path: it crosses land and water alike. <b>Length:</b> {format_length(props['length_m'])}.</p>")
    rows = "".join(f"<tr><td>{esc(LEG_LABELS.get(leg['kind'], leg['kind']))}</td>"
                   f"<td>{metres_to(leg['length_m'], 'km'):,.1f} km</td>"
                   f"<td>{metres_to(leg['length_m'], 'nmi'):,.1f} nmi</td></tr>" for leg in props["legs"])
    names = ", ".join(item["name"] for item in props.get("passes", []))
    passes = f"<p><b>Passes:</b> {esc(names)}.</p>" if names else ""
    return (f"<p><b>Length:</b> {format_length(props['length_m'])}. <b>Sailing time</b> at an assumed "
            f"{props['speed_kn']:g} kn: {format_hours(props['sailing_time_h'])}.</p>{passes}"
            f'<table class="mapper-legs"><tr><th>Leg</th><th>km</th><th>nmi</th></tr>{rows}</table>')


def _claims(claims, sources_by_id):
    """Each claim check's verdict and finding (from ``mapper verify``)."""
    items = "".join(
        f'<li class="mapper-claim mapper-claim-{esc(c["verdict"])}"><b>Claim check: {esc(c["verdict"])}.</b> '
        f'{esc(c["summary"])}.{_citations(sources_by_id, c["sources"])}</li>' for c in claims)
    return f'<ul class="mapper-claims">{items}</ul>'


DRAFT_NOTE = ("<b>Draft</b>: found in the article by <code>mapper ingest</code>, not yet confirmed by an "
              "analyst (set <code>status = \"confirmed\"</code> in the briefing once checked).")


DRAFT_MARK = ' <b class="mapper-draft">(draft)</b>'


def feature_popup(props, sources_by_id):
    """Popup HTML for a place, route or range feature's properties."""
    kind = KIND_LABELS.get(props.get("kind"), props.get("kind", ""))
    body = [f'<div class="mapper-popup"><h4>{esc(props["name"])}</h4>', f'<p class="mapper-kind">{esc(kind)}</p>']
    if props.get("status") == "draft":
        body.append(f'<p class="mapper-draft">{DRAFT_NOTE}</p>')
    if props.get("description"):
        body.append(f"<p>{esc(props['description'])}</p>")
    if props.get("legs"):
        body.append(_legs(props))
    elif "length_m" in props:
        body.append(f"<p><b>Drawn length:</b> {format_length(props['length_m'])}</p>")
    if "radius_m" in props:
        stated = f" (stated: “{esc(props['range_stated'])}”)" if props.get("range_stated") else ""
        if props.get("origin_kind") is None:
            drawn = f"drawn as a geodesic circle around {esc(props['centre_label'])}"
        else:
            into = f", inside {esc(props['within'])}" if props.get("within") else ""
            drawn = f"drawn as the area within that geodesic distance of {esc(props['centre_label'])}{into}"
            if props.get("area_km2") is not None:
                drawn += f": {props['area_km2']:,.0f} km²"
            if props.get("origin_source"):
                drawn += f" ({esc(props['origin_source'])})"
        body.append(f"<p><b>Range:</b> {format_length(props['radius_m'])}{stated}, {drawn}.</p>")
        inside = props.get("places_inside", [])
        listed = ", ".join(f"{esc(p['name'])} ({metres_to(p['distance_m'], 'km'):,.0f} km)" for p in inside)
        body.append(f"<p><b>Named places inside:</b> {listed or 'none'}</p>")
    if props.get("cargo"):
        rows = "".join(
            f"<tr><td>{esc(c['item'])}</td><td>{esc(c['status'])}</td>"
            f"<td>{_citations(sources_by_id, c['sources'])}</td></tr>" for c in props["cargo"]
        )
        body.append(f'<table class="mapper-cargo"><tr><th>Cargo</th><th>Status</th><th>Source</th></tr>{rows}</table>')
    if props.get("claims"):
        body.append(_claims(props["claims"], sources_by_id))
    body.append(_provenance(props))
    if props.get("sources"):
        body.append(f"<p><b>Sources</b></p>{_citations(sources_by_id, props['sources'])}")
    if props.get("location_source"):
        body.append(f'<p class="mapper-location"><b>Coordinate:</b> {esc(props["location_source"])}</p>')
    body.append("</div>")
    return "".join(body)


def in_range_popup(props):
    """Popup HTML for a place highlighted as within a system's reach."""
    return (f'<div class="mapper-popup"><h4>{esc(props["name"])}</h4><p class="mapper-kind">Within range</p>'
            f'<p>{metres_to(props["distance_m"], "km"):,.1f} km (geodesic) from {esc(props["centre_label"])}: '
            f'within the {esc(props["system_name"])}’s {metres_to(props["radius_m"], "km"):,.0f} km.</p></div>')


def centre_popup(props):
    """Popup HTML for a range's centre (where its distance is measured from)."""
    return (f'<div class="mapper-popup"><h4>{esc(props["name"])}</h4><p class="mapper-kind">Range centre</p>'
            f"{_provenance(props)}</div>")


def events_popup(props, sources_by_id):
    """Popup HTML listing dated events at one place.

    Each item carries its date in ``data-mapper-date``, for the map's timeline slider.
    """
    items = "".join(
        f'<li data-mapper-date="{esc(e["date"])}"><b>{esc(e["date"])}</b> ({esc(e["date_text"])}): {esc(e["name"])}'
        f'{DRAFT_MARK if e.get("status") == "draft" else ""}'
        f'{"<br><i>" + esc(e["note"]) + "</i>" if e.get("note") else ""}'
        f'{_citations(sources_by_id, e["sources"])}</li>'
        for e in props["events"]
    )
    return f'<div class="mapper-popup"><h4>{esc(props["name"])}</h4><ol class="mapper-events">{items}</ol></div>'


def title_html(title, subtitle, stamp=""):
    """The map's title block; ``stamp`` is an optional "generated on" line."""
    sub = f'<div class="mapper-subtitle">{esc(subtitle)}</div>' if subtitle else ""
    stamp_line = f'<div class="mapper-stamp">{esc(stamp)}</div>' if stamp else ""
    return f'<div class="mapper-title-text">{esc(title)}</div>{sub}{stamp_line}'


def legend_html(entries, assumption_dash, assumption_label=None):
    """The legend's rows from (layer title, [(Style, is_point)]) pairs, and a row for dashes if ``assumption_label``.

    The runtime puts them in its collapsible legend panel, under a button
    named "Legend" (``mapperRuntime.legend``).
    """
    groups = []
    for layer_title, styles in entries:
        rows = []
        for style, is_point in styles:
            if is_point:
                # A halo (no fill on the map, as around a place with events) is a ring here too.
                fill = esc(style.fill_color or style.color) if style.fill_opacity else "none"
                swatch = (f'<svg width="22" height="14"><circle cx="11" cy="7" r="{min(style.radius_px, 6)}" '
                          f'fill="{fill}" stroke="{esc(style.color)}" stroke-width="1.5"/></svg>')
            elif style.fill_opacity:
                swatch = (f'<svg width="22" height="14"><rect x="2" y="2" width="18" height="10" '
                          f'fill="{esc(style.fill_color)}" fill-opacity="0.35" stroke="{esc(style.color)}" '
                          f'stroke-width="2" stroke-dasharray="4 3"/></svg>')
            else:
                swatch = (f'<svg width="22" height="14"><line x1="1" y1="7" x2="21" y2="7" '
                          f'stroke="{esc(style.color)}" stroke-width="{style.weight_px}"/></svg>')
            rows.append(f'<div class="mapper-legend-row">{swatch}<span>{esc(style.label)}</span></div>')
        groups.append(f'<div class="mapper-legend-group"><b>{esc(layer_title)}</b>{"".join(rows)}</div>')
    if assumption_label:
        groups.append(f'<div class="mapper-legend-row"><svg width="22" height="14"><line x1="1" y1="7" x2="21" '
                      f'y2="7" stroke="#374151" stroke-width="2.5" stroke-dasharray="{esc(assumption_dash)}"/></svg>'
                      f"<span>{esc(assumption_label)}</span></div>")
    return "".join(groups)
