"""KML for Google Earth: one folder per layer, styled like the map.

Text goes into the XML as text (ElementTree escapes it).  A description is
HTML to Google Earth, which shows it in a balloon (and may run script
there), so its text is HTML-escaped as well: ``<`` in data reaches the
balloon as ``&lt;``, and nothing from the data can become markup.
Characters that XML 1.0 cannot hold at all (control characters such as an
ANSI escape) become U+FFFD, in text and in attributes (an id) alike, so that
one of them cannot make the whole file unreadable.  Direction controls in
data are closed where mapper's own text follows (see
:func:`mapper.core.bidi.contain_bidi`).  KML has no dashes: an assumption
says so in its name and description.

Time, for Google Earth's time slider: an event is a ``<TimeStamp>`` at its
date; a line or an area known from a date (:mod:`mapper.compose.dates`) a
``<TimeSpan>`` that begins then and has no end, as the map's timeline shows
it from then on.  A briefing's story becomes a ``gx:Tour``: for each step,
its layers' folders shown and the others hidden, a flight to a ``LookAt``
over the step's view with the timeline at its date, and its title, caption
and quotes in a balloon (a placemark of the "Story" folder, with no icon).
"""

import html
import math
import re
import xml.etree.ElementTree as ET

from mapper.core.bidi import contain_bidi
from mapper.core.geojson import flat_properties
from mapper.core.points import LonLat
from mapper.core.style import STYLES, feature_style, style_key
from mapper.core.vocab import DATE_PATTERN, LAYER_TITLES
from mapper.geo import geodesy

KML_NS = "http://www.opengis.net/kml/2.2"
GX_NS = "http://www.google.com/kml/ext/2.2"
GX = f"{{{GX_NS}}}"
# A tour: seconds to fly to a step, and to stay there.
TOUR_FLY_S = 4.0
TOUR_WAIT_S = 6.0
# Google Earth's camera sees about 60° across: a view this many times the range wide fits in it.
VIEW_WIDTH_PER_RANGE = 2 * math.tan(math.radians(30)) / 1.15  # and a margin
# Ids of the story's folder and placemarks: a dot, which no mapper id holds, so none can clash.
STORY_FOLDER_ID = "story.steps"
STORY_STYLE_ID = "story.step"
COORD_DIGITS = 6
# Not a Char in XML 1.0 (https://www.w3.org/TR/xml/#charsets).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def kml_color(hex_rgb, opacity=1.0):
    """KML's aabbggrr from '#rrggbb' and an opacity in 0..1."""
    red, green, blue = hex_rgb[1:3], hex_rgb[3:5], hex_rgb[5:7]
    return f"{round(opacity * 255):02x}{blue}{green}{red}".lower()


def _xml_text(value):
    """``value`` as text XML 1.0 can hold: each character it cannot becomes U+FFFD."""
    return _NOT_XML.sub("\ufffd", str(value))


def _sub(parent, tag, text=None, **attrib):
    element = ET.SubElement(parent, tag, {key: _xml_text(value) for key, value in attrib.items()})
    if text is not None:
        element.text = _xml_text(text)
    return element


def _style(document, key, style):
    element = _sub(document, "Style", id=key)
    if style.radius_px:
        icon = _sub(element, "IconStyle")
        _sub(icon, "color", kml_color(style.fill_color or style.color))
        _sub(icon, "scale", f"{max(style.radius_px / 6, 0.5):.2f}")
    line = _sub(element, "LineStyle")
    _sub(line, "color", kml_color(style.color, 0.95))
    _sub(line, "width", f"{style.weight_px:g}")
    poly = _sub(element, "PolyStyle")
    _sub(poly, "color", kml_color(style.fill_color or style.color, style.fill_opacity))
    _sub(poly, "fill", "1" if style.fill_opacity else "0")


def _number(value):
    """``value`` to COORD_DIGITS decimals, without trailing zeros (``:g`` would keep 6 significant digits only)."""
    text = f"{value:.{COORD_DIGITS}f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _coordinates(points):
    return " ".join(",".join(_number(c) for c in point[:2]) for point in points)


def _geometry(parent, geometry):
    kind, coords = geometry["type"], geometry["coordinates"]
    if kind.startswith("Multi"):
        multi = _sub(parent, "MultiGeometry")
        for part in coords:
            _geometry(multi, {"type": kind[len("Multi"):], "coordinates": part})
    elif kind == "Point":
        _sub(_sub(parent, "Point"), "coordinates", _coordinates([coords]))
    elif kind == "LineString":
        line = _sub(parent, "LineString")
        _sub(line, "tessellate", "1")
        _sub(line, "coordinates", _coordinates(coords))
    elif kind == "Polygon":
        polygon = _sub(parent, "Polygon")
        _sub(polygon, "tessellate", "1")
        for n, ring in enumerate(coords):
            boundary = _sub(polygon, "outerBoundaryIs" if n == 0 else "innerBoundaryIs")
            _sub(_sub(boundary, "LinearRing"), "coordinates", _coordinates(ring))
    else:
        raise ValueError(f"no KML for geometry type {kind}")


def _description(props, sources_by_id):
    lines = [contain_bidi(props[key]) for key in ("description", "note") if props.get(key)]
    if props.get("basis") == "assumption":
        lines.insert(0, "Analyst's assumption, not stated in the articles.")
    for cite in props.get("sources", []):
        source = sources_by_id.get(cite["source"], {})
        lines.append(f"“{contain_bidi(cite['quote'])}” ({contain_bidi(source.get('outlet', cite['source']))}, "
                     f"{contain_bidi(source.get('date_printed', ''))})")
    return "\n".join(lines)


def _time(placemark, props):
    """``<TimeStamp>`` for an event, ``<TimeSpan>`` from the date on for a line or area known from one."""
    date = props.get("date")
    if not isinstance(date, str) or not DATE_PATTERN.match(date):
        return
    if props.get("kind") == "event":
        _sub(_sub(placemark, "TimeStamp"), "when", date)
    else:
        _sub(_sub(placemark, "TimeSpan"), "begin", date)


def _style_id(layer_key, props):
    key = style_key(layer_key, props)
    return f"{key}-{props['color'].lstrip('#')}" if props.get("color") else key


def _step_text(step, sources_by_id):
    """A step's caption and quotes, as a balloon shows them (escaped as any description is)."""
    lines = [contain_bidi(step.caption)] if step.caption else []
    for cite in step.sources:
        source = sources_by_id.get(cite["source"], {})
        lines.append(f"“{contain_bidi(cite['quote'])}” ({contain_bidi(source.get('outlet', cite['source']))}, "
                     f"{contain_bidi(source.get('date_printed', ''))})")
    return "\n".join(lines)


def _look_at(parent, bounds, date):
    """A ``LookAt`` straight down on the middle of ``bounds`` (west, south, east, north), far enough to see them."""
    west, south, east, north = bounds
    lon, lat = (west + east) / 2, (south + north) / 2
    across_m = geodesy.inverse(LonLat(west, lat), LonLat(east, lat)).distance_m
    down_m = geodesy.inverse(LonLat(lon, south), LonLat(lon, north)).distance_m
    look = _sub(parent, "LookAt")
    if date:  # the time slider up to the step's date: what is known by then
        _sub(_sub(look, f"{GX}TimeSpan"), "end", date)
    for tag, value in (("longitude", _number(lon)), ("latitude", _number(lat)), ("altitude", "0"), ("heading", "0"),
                       ("tilt", "0"), ("range", f"{max(across_m, down_m, 1000.0) / VIEW_WIDTH_PER_RANGE:.0f}")):
        _sub(look, tag, value)
    _sub(look, "altitudeMode", "clampToGround")


def _change(playlist, changes):
    """A ``gx:AnimatedUpdate`` that sets (tag, target id, child tag, value) at once."""
    update = _sub(_sub(playlist, f"{GX}AnimatedUpdate"), "Update")
    _sub(update, "targetHref", "")
    change = _sub(update, "Change")
    for tag, target, child, value in changes:
        _sub(_sub(change, tag, targetId=target), child, value)


def _story(document, title, steps, step_bounds, layer_keys, sources_by_id):
    """The "Story" folder (a balloon per step) and the ``gx:Tour`` that plays the steps."""
    style = _sub(document, "Style", id=STORY_STYLE_ID)
    _sub(_sub(style, "IconStyle"), "scale", "0")
    _sub(_sub(style, "LabelStyle"), "scale", "0")
    folder = _sub(document, "Folder", id=STORY_FOLDER_ID)
    _sub(folder, "name", "Story")
    for n, (step, bounds) in enumerate(zip(steps, step_bounds), start=1):
        placemark = _sub(folder, "Placemark", id=f"story.step.{n}")
        _sub(placemark, "name", f"{n}. {step.title}")
        _sub(placemark, "description", html.escape(_step_text(step, sources_by_id), quote=False))
        _sub(placemark, "styleUrl", f"#{STORY_STYLE_ID}")
        west, south, east, north = bounds
        _geometry(placemark, {"type": "Point", "coordinates": [(west + east) / 2, (south + north) / 2]})
    tour = _sub(folder, f"{GX}Tour")  # in the folder: GDAL then reads the document as its folders
    _sub(tour, "name", f"Story: {contain_bidi(title)}")
    playlist = _sub(tour, f"{GX}Playlist")
    for n, (step, bounds) in enumerate(zip(steps, step_bounds), start=1):
        shown = step.layers if step.layers is not None else layer_keys
        _change(playlist, [("Folder", key, "visibility", "1" if key in shown else "0") for key in layer_keys]
                + ([("Placemark", f"story.step.{n - 1}", f"{GX}balloonVisibility", "0")] if n > 1 else []))
        fly = _sub(playlist, f"{GX}FlyTo")
        _sub(fly, f"{GX}duration", f"{TOUR_FLY_S:g}")
        _sub(fly, f"{GX}flyToMode", "smooth")
        _look_at(fly, bounds, step.date)
        _change(playlist, [("Placemark", f"story.step.{n}", f"{GX}balloonVisibility", "1")])
        _sub(_sub(playlist, f"{GX}Wait"), f"{GX}duration", f"{TOUR_WAIT_S:g}")


def kml_document(title, exported, sources_by_id, steps=(), step_bounds=()):
    """The KML text for ``exported`` (``{layer key: [features]}``).

    ``steps`` are a briefing's story (:class:`mapper.load.steps.Step`), with
    the (west, south, east, north) each shows in ``step_bounds``; with them
    the document holds a ``gx:Tour``.
    """
    ET.register_namespace("gx", GX_NS)
    root = ET.Element("kml", xmlns=KML_NS)
    document = _sub(root, "Document")
    _sub(document, "name", title)
    # One style per kind, and one per feature colour (each flow has its own).
    styles = dict(STYLES)
    for layer_key, features in exported.items():
        for feature in features:
            styles.setdefault(_style_id(layer_key, feature["properties"]),
                              feature_style(layer_key, feature["properties"]))
    for key, style in styles.items():
        _style(document, key, style)
    for layer_key, features in exported.items():
        folder = _sub(document, "Folder", id=layer_key)
        _sub(folder, "name", LAYER_TITLES[layer_key])
        for feature in features:
            props = feature["properties"]
            placemark = _sub(folder, "Placemark", id=str(props.get("id", "")))
            name = props.get("name", props.get("id", ""))
            _sub(placemark, "name", f"{contain_bidi(name)} (assumed)" if props.get("basis") == "assumption" else name)
            _sub(placemark, "description", html.escape(_description(props, sources_by_id), quote=False))
            _time(placemark, props)
            _sub(placemark, "styleUrl", f"#{_style_id(layer_key, props)}")
            extended = _sub(placemark, "ExtendedData")
            for field, value in flat_properties(props).items():
                if value is not None:
                    _sub(_sub(extended, "Data", name=field), "value", value)
            _geometry(placemark, feature["geometry"])
    if steps:
        _story(document, title, steps, step_bounds, list(exported), sources_by_id)
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
