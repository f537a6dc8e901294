"""The injection corpus (tests/hostile.py) through the data exports: text stays text and reads back as it was.

GeoJSON is JSON: every string round-trips exactly.  KML is XML: the text is
escaped into it (no element comes from the data), and GDAL reads it back;
XML 1.0 cannot hold control characters at all, so those become U+FFFD.
"""

import html
import json
import xml.etree.ElementTree as ET

import pyogrio
import pytest
import rfc7946
from conftest import DATA_DIR
from hostile import (
    HOSTILE_NAME,
    HOSTILE_QUOTE,
    HOSTILE_TITLE,
    JOINED,
    PAYLOADS,
    ROUTE_NAME,
    ROUTE_NOTE,
    USER_PLACE,
    USER_PLACE_ID,
    USER_PLACES_FILE,
    make_hostile_corpus,
    strip_bidi,
)

from mapper import api
from mapper.load.bundled import ARTICLES_ENV

KML = "{http://www.opengis.net/kml/2.2}"
# Every element mapper's KML has; anything else would have come from the text.
KML_TAGS = {"kml", "Document", "name", "Style", "IconStyle", "color", "scale", "LineStyle", "width", "PolyStyle",
            "fill", "Folder", "Placemark", "description", "styleUrl", "ExtendedData", "Data", "value", "Point",
            "coordinates", "LineString", "tessellate", "Polygon", "outerBoundaryIs", "innerBoundaryIs", "LinearRing",
            "MultiGeometry",
            # time for the time slider, and the story's folder and tour (mapper.export.kml)
            "TimeStamp", "when", "TimeSpan", "begin", "end", "LabelStyle", "Update", "targetHref", "Change",
            "visibility", "LookAt", "longitude", "latitude", "altitude", "heading", "tilt", "range", "altitudeMode",
            *(f"{{http://www.google.com/kml/ext/2.2}}{tag}" for tag in (
                "Tour", "Playlist", "AnimatedUpdate", "balloonVisibility", "FlyTo", "duration", "flyToMode", "TimeSpan",
                "Wait"))}


def xml_text(text):
    """``text`` as XML 1.0 can hold it: the corpus's only non-XML characters are ESC (U+001B)."""
    return text.replace("\x1b", "\ufffd")


@pytest.fixture(scope="module")
def exported(tmp_path_factory, articles_dir):
    """{format: path} of the hostile briefing's GeoJSON and KML exports."""
    folder = tmp_path_factory.mktemp("exports")
    corpus = make_hostile_corpus(DATA_DIR, articles_dir, folder)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ARTICLES_ENV, str(corpus.articles_dir))
        return {fmt: api.export(corpus.briefing, folder / f"hostile.{fmt}", fmt, data_dir=corpus.data_dir).path
                for fmt in ("geojson", "kml")}


def test_geojson_round_trips_every_string(exported):
    collection = json.loads(exported["geojson"].read_text(encoding="utf-8"))
    assert rfc7946.problems(collection) == []
    by_id = {f["properties"]["id"]: f["properties"] for f in collection["features"]}
    olya = by_id["olya"]
    assert olya["name"] == HOSTILE_NAME and olya["aliases"] == PAYLOADS
    assert olya["description"] == "Description " + JOINED and olya["note"] == "Note " + JOINED
    assert olya["sources"][0]["quote"] == HOSTILE_QUOTE
    depot = by_id[USER_PLACE_ID]
    assert depot["aliases"] == PAYLOADS
    for key in ("name", "note", "description"):
        assert depot[key] == USER_PLACE[key], key
    assert depot["location_source"] == USER_PLACE["source"] and depot["origin"] == f"{USER_PLACES_FILE}:2"
    assert (by_id["hostile-route"]["name"], by_id["hostile-route"]["note"]) == (ROUTE_NAME, ROUTE_NOTE)
    assert USER_PLACE["name"] in [p["name"] for p in by_id["fath-360-belgorod"]["places_inside"]]


def test_kml_holds_the_text_as_text(exported):
    raw = exported["kml"].read_text(encoding="utf-8")
    for markup in ("<img", "<script", "<svg", "<iframe", "<details", "<a href", "<style>", "<!--x", "<![CDATA"):
        assert markup not in raw, markup
    root = ET.fromstring(raw)  # well formed, control characters and all
    assert {element.tag.removeprefix(KML) for element in root.iter()} <= KML_TAGS
    assert root.find(f"{KML}Document/{KML}name").text == xml_text(HOSTILE_TITLE)
    olya = root.find(f".//{KML}Placemark[@id='olya']")
    assert olya.find(f"{KML}name").text == xml_text(HOSTILE_NAME)
    # A description is HTML to Google Earth: the text in it is HTML-escaped, so it shows as typed there.
    description = olya.find(f"{KML}description").text
    assert "<" not in description
    for text in ("Description " + JOINED, "Note " + JOINED, HOSTILE_QUOTE):
        assert html.escape(xml_text(text), quote=False) in description
        assert xml_text(text) in html.unescape(description)
    data = {d.get("name"): d.find(f"{KML}value").text for d in olya.iter(f"{KML}Data")}
    assert json.loads(data["aliases"]) == PAYLOADS  # JSON text: its escapes carry control characters too
    # An assumption's label says so after the name, the name's direction controls closed first.
    label = root.find(f".//{KML}Placemark[@id='hostile-route']/{KML}name").text
    assert label.startswith(xml_text(ROUTE_NAME)) and label.endswith("\u202c (assumed)")
    assert strip_bidi(label) == strip_bidi(xml_text(ROUTE_NAME)) + " (assumed)"


def test_kml_read_back_by_gdal(exported):
    places = pyogrio.read_dataframe(exported["kml"], layer="Places").set_index("id")
    olya, depot = places.loc["olya"], places.loc[USER_PLACE_ID]
    assert olya["Name"] == xml_text(HOSTILE_NAME)
    assert json.loads(olya["aliases"]) == PAYLOADS
    assert olya["note"] == xml_text("Note " + JOINED)
    assert depot["Name"] == xml_text(USER_PLACE["name"])
    assert depot["note"] == xml_text(USER_PLACE["note"]) and depot["location_source"] == xml_text(USER_PLACE["source"])
    assert depot["origin"] == xml_text(f"{USER_PLACES_FILE}:2") and json.loads(depot["aliases"]) == PAYLOADS
    assert depot["description"].startswith(xml_text(USER_PLACE["description"]))
    flows = pyogrio.read_dataframe(exported["kml"], layer="Supply flows").set_index("id")
    route = flows.loc["hostile-route"]
    assert route["Name"] == xml_text(ROUTE_NAME) and route["note"] == xml_text(ROUTE_NOTE)
