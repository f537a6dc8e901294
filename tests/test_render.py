"""The rendered HTML: what it loads, what it contains, and that text stays text."""

import re

import pytest
from conftest import DATA_DIR
from hostile import HOSTILE_NAME, HOSTILE_TITLE, make_hostile_corpus

from mapper import api
from mapper.compose.layers import build_layers
from mapper.core.bidi import contain_bidi
from mapper.core.safejson import safe_json
from mapper.html.assets import GEOGRAPHICLIB_JS, LEAFLET_CSS, LEAFLET_JS, integrity
from mapper.html.page import render_html
from mapper.html.popups import esc
from mapper.load.briefing import default_briefing_path, load_briefing
from mapper.load.geodata import load_geodata
from mapper.load.pointfiles import point_layer


@pytest.fixture(scope="module")
def default_html(geodata):
    return render_html(geodata, load_briefing(default_briefing_path(DATA_DIR), geodata))


def test_online_map_loads_pinned_assets_with_integrity(geodata):
    html = render_html(geodata, load_briefing(default_briefing_path(DATA_DIR), geodata), offline=False)
    loaded = re.findall(r'<(?:script src|link rel="stylesheet" href)="([^"]+)" integrity="([^"]+)"', html)
    assert loaded == [(LEAFLET_CSS.cdn_url, integrity(LEAFLET_CSS)), (LEAFLET_JS.cdn_url, integrity(LEAFLET_JS)),
                      (GEOGRAPHICLIB_JS.cdn_url, integrity(GEOGRAPHICLIB_JS))]
    assert len(re.findall(r'(?:src|href)="https?:', html)) == 3
    assert "<meta http-equiv=\"Content-Security-Policy\"" not in html


def test_loads_only_what_it_uses(default_html):
    for unused in ("jquery", "bootstrap", "font-awesome", "awesome-markers", "glyphicon"):
        assert unused not in default_html.lower()


def test_has_title_layers_scale_and_legend(default_html):
    assert "<title>Iran–Russia military supply, 2023–2024</title>" in default_html
    for layer in ("Weapon ranges", "Sea routes", "River routes", "Supply flows", "Dated events", "Places"):
        assert f'"{layer}"' in default_html
    assert "L.control.scale" in default_html
    assert "mapperRuntime.legend(map_" in default_html


def test_layers_have_content(geodata):
    briefing = load_briefing(default_briefing_path(DATA_DIR), geodata)
    layers = {layer.key: layer for layer in build_layers(geodata, briefing)}
    assert len(layers["ranges"].features) == 6  # three rings and their centres
    assert len(layers["sea-routes"].features) == 4  # from each Iranian port
    assert len(layers["river-routes"].features) == 1
    belgorod = next(f for f in layers["ranges"].features if f["properties"]["id"] == "fath-360-belgorod")
    assert [p["name"] for p in belgorod["properties"]["places_inside"]] == ["Kharkiv"]
    assert belgorod["properties"]["basis"] == "assumption"


def test_popups_carry_citations(default_html):
    assert "Alabuka special economic zone, about 600 miles east of Moscow." in default_html
    assert "CNN, Friday, June 21, 2024" in default_html
    assert "WE News English, Tue Sep 10 2024" in default_html
    assert "Analyst’s assumption." in default_html


def test_safe_json_cannot_close_a_script():
    assert "</script>" not in safe_json({"a": "</script><script>"})
    assert "\u2028" not in safe_json("x\u2028y")


@pytest.mark.parametrize("text, shown", [
    ("Kharkiv", "Kharkiv"),  # no direction controls: as it is
    ("\u2067rtl\u2069 ok", "\u2067rtl\u2069 ok"),  # closed already
    ("a\u202eb", "a\u202eb\u202c"),  # an override left open is closed at the end
    ("\u2066x\u202ey", "\u2066x\u202ey\u202c\u2069"),  # innermost first
    ("\u2067a\u202eb\u2069c", "\u2067a\u202eb\u2069c"),  # the isolate's closer ends the override in it too
    ("\u2069\u202ex", "\u2068\u2069\u202ex\u202c"),  # a stray isolate closer gets an opener
    ("x\u202c", "x\u202c"),  # a stray PDF closes nothing (Unicode ignores it)
])
def test_direction_controls_are_closed_within_their_text(text, shown):
    assert contain_bidi(text) == shown
    assert contain_bidi(shown) == shown
    assert esc(text) == shown and esc(text, contain=False) == text


def test_hostile_text_is_escaped(tmp_path, articles_dir, monkeypatch):
    corpus = make_hostile_corpus(DATA_DIR, articles_dir, tmp_path)
    monkeypatch.setenv("MAPPER_ARTICLES_DIR", str(corpus.articles_dir))
    html = api.render(corpus.briefing, tmp_path / "m.html", data_dir=corpus.data_dir).path.read_text(
        encoding="utf-8")
    # Template syntax stays as it is in the point layer's JSON strings (JS does not interpolate them, and
    # Jinja never sees them); in HTML it is escaped.
    for raw in ("<img src=x", "</script><script>window", "<svg onload", "<iframe", "<details"):
        assert raw not in html, raw
    assert HOSTILE_NAME not in html  # only its escaped form is present
    # The title is escaped once, as typed; nothing Jinja would make of the text is there.
    assert f"<title>{esc(HOSTILE_TITLE, contain=False)}</title>" in html
    assert "&lt;img src=x onerror=window.__pwned=&#x27;img-onerror&#x27;" in html
    assert "{{ 6*111111 }}" in html and "666666" not in html


def test_jinja_in_data_is_never_rendered(tmp_path):
    """folium renders element output as a template again: data with {{ }} must not reach it as syntax."""
    briefing = tmp_path / "b.toml"
    briefing.write_text('title = "T {{ 6*111111 }}"\nlayers = ["places"]\n', encoding="utf-8")
    layer = point_layer([30.0], [50.0], title="{{ 7*111111 }}",
                        source="{% for x in range(3) %}jinja{{ x }}{% endfor %}",
                        category=["{{ 8*111111 }}"], label=["{{ 9*111111 }}"])
    html = api.render(briefing, tmp_path / "m.html", point_layers=[layer]).path.read_text(encoding="utf-8")
    for product in ("666666", "777777", "888888", "999999", "jinja0"):
        assert product not in html, product


def test_render_briefing_result(tmp_path):
    result = api.render(output_path=tmp_path / "m.html")
    assert result.path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert result.size_bytes == (tmp_path / "m.html").stat().st_size
    assert result.feature_counts["places"] == len(load_geodata().places)
