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
"""

import html
import re
import xml.etree.ElementTree as ET

from mapper.core.bidi import contain_bidi
from mapper.core.geojson import flat_properties
from mapper.core.style import STYLES, feature_style, style_key
from mapper.core.vocab import LAYER_TITLES

KML_NS = "http://www.opengis.net/kml/2.2"
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


def _coordinates(points):
    return " ".join(",".join(f"{round(c, COORD_DIGITS):g}" for c in point[:2]) for point in points)


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


def _style_id(layer_key, props):
    key = style_key(layer_key, props)
    return f"{key}-{props['color'].lstrip('#')}" if props.get("color") else key


def kml_document(title, exported, sources_by_id):
    """The KML text for ``exported`` (``{layer key: [features]}``)."""
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
            _sub(placemark, "styleUrl", f"#{_style_id(layer_key, props)}")
            extended = _sub(placemark, "ExtendedData")
            for field, value in flat_properties(props).items():
                if value is not None:
                    _sub(_sub(extended, "Data", name=field), "value", value)
            _geometry(placemark, feature["geometry"])
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
