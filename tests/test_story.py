"""Story mode without a browser: [[steps]] read and checked, the dates lines and rings are known from,
the page's story and timeline calls, a step as a figure, and KML time and tour.

The map's own behaviour (stepping, playing, permalinks) is in tests/test_story_browser.py.
"""

import json
import re
import xml.etree.ElementTree as ET

import pyogrio
import pytest
from conftest import DATA_DIR

from mapper import api
from mapper.compose.dates import add_dates, date_key, known_date, shown_at
from mapper.compose.layers import build_layers
from mapper.compose.story import at_step
from mapper.errors import DataError, InputError
from mapper.load.briefing import default_briefing_path, load_briefing
from mapper.load.steps import MAX_STEPS

KML = "{http://www.opengis.net/kml/2.2}"
GX = "{http://www.google.com/kml/ext/2.2}"
STORY = 'title = "Story"\ndata = ["iran-russia"]\nlayers = ["places", "sea-routes", "supply-flows", "events"]\n'
CASPIAN = "U.S. officials believe Iran is sending drones and equipment for the plant to Russia via the Caspian Sea."


@pytest.fixture(scope="module")
def briefing(geodata):
    return load_briefing(default_briefing_path(DATA_DIR), geodata)


@pytest.fixture(scope="module")
def layers(briefing):
    return build_layers(briefing.geodata, briefing)


def _write(tmp_path, text):
    path = tmp_path / "story.toml"
    path.write_text(STORY + text, encoding="utf-8")
    return path


# -- the default briefing's story ------------------------------------------------------------

def test_default_story_tells_the_articles_in_order(briefing):
    titles = [step.title for step in briefing.steps]
    assert 5 <= len(titles) <= 7
    assert titles == ["Across the Caspian", "Up the Volga and the Kama to Alabuga", "The drone plant",
                      "Support flows both ways", "Fath-360: 120 km from Russia", "Kyiv"]
    assert all(step.caption and step.sources for step in briefing.steps)
    assert [step.date for step in briefing.steps] == ["2024-06-21", "2024-06-21", "2024-04-03", "2024-06-21",
                                                      "2024-09-10", None]


def test_default_story_quotes_the_saved_articles_word_for_word(briefing, articles_dir):
    for step in briefing.steps:
        for cite in step.sources:
            source = briefing.geodata.sources[cite["source"]]
            article = (articles_dir / source["seed_file"]).read_text(encoding="utf-8")
            assert cite["quote"] in article, (step.title, cite["quote"])


def test_default_story_highlights_what_it_draws(briefing, layers):
    drawn = {i for layer in layers for f in layer.features for i in [f["properties"].get("id")]}
    events = {e["id"] for e in briefing.geodata.events}
    for step in briefing.steps:
        assert set(step.highlight) <= drawn | events, step.title
        assert step.layers is None or set(step.layers) <= set(briefing.layers)


# -- faults, one line each, at the step's line ---------------------------------------------------

STEP = '[[steps]]\ntitle = "Caspian"\n'


@pytest.mark.parametrize("text, message", [
    (STEP + 'view = { centre = "astrakhan", zoom = 40 }\n',
     ":6: steps[0].view.zoom: must be a whole number from 0 to 18"),
    (STEP + "view = { bounds = { south = 50.0, west = 40.0, north = 45.0, east = 50.0 } }\n",
     ":6: steps[0].view.bounds: south must be less than north and west less than east"),
    (STEP + 'view = { centre = "atlantis", zoom = 5 }\n', ":6: steps[0].view.centre: unknown place 'atlantis'"),
    (STEP + 'sources = [{ source = "cnn-2024-06-21", quote = "via the Black Sea" }]\n',
     ":6: steps[0].sources[0].quote: not found word for word in cnn-2024-06-21"),
    (STEP + 'sources = [{ source = "nyt", quote = "x" }]\n', ":6: steps[0].sources[0].source: unknown source 'nyt'"),
    (STEP + 'sources = [{ source = "cnn-2024-06-21", words = "x" }]\n',
     ":6: steps[0].sources[0].words: unknown key; use source, quote"),
    (STEP + 'layers = ["ranges"]\n',
     ":6: steps[0].layers: 'ranges' is not one of the briefing's layers (places, sea-routes, supply-flows, events)"),
    (STEP + 'date = "June 2024"\n', ":6: steps[0].date: must be YYYY, YYYY-MM or YYYY-MM-DD"),
    (STEP + 'highlight = ["atlantis"]\n', ":6: steps[0].highlight: unknown id 'atlantis'"),
    (STEP + 'caption = ""\n', ":6: steps[0].caption: must be a non-empty string"),
    (STEP + 'captoin = "x"\n', ":6: steps[0].captoin: unknown key; use title, caption, sources, view, layers, date, "
                               "highlight"),
    ('[[steps]]\ncaption = "No title"\n', ":4: steps[0].title: missing"),
    ("steps = 3\n", ":4: steps: must be an array of tables ([[steps]])"),
])
def test_step_faults_name_file_line_and_key(tmp_path, geodata, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(DataError) as caught:
        load_briefing(path, geodata)
    assert str(caught.value).startswith(f"{path}{message}")
    assert "\n" not in str(caught.value)


def test_a_step_takes_a_toml_date_and_a_centre(tmp_path, geodata):
    path = _write(tmp_path, STEP + 'date = 2024-06-21\nview = { centre = { lat = 45.0, lon = 50.0 }, zoom = 6 }\n')
    [step] = load_briefing(path, geodata).steps
    assert step.date == "2024-06-21" and step.view.zoom == 6 and step.view.centre.lat == 45.0
    assert step.layers is None and step.sources == () and step.caption == ""


def test_steps_are_bounded(tmp_path, geodata):
    path = _write(tmp_path, STEP * (MAX_STEPS + 1))
    with pytest.raises(DataError, match=f"steps: {MAX_STEPS + 1} steps; a briefing may have at most {MAX_STEPS}"):
        load_briefing(path, geodata)
    assert len(load_briefing(_write(tmp_path, STEP * MAX_STEPS), geodata).steps) == MAX_STEPS


# -- dates -------------------------------------------------------------------------------------

def test_a_records_own_date_comes_first_then_its_earliest_source():
    sources = {"a": {"published": "2024-09-10"}, "b": {"published": "2024-06"}, "c": {}}
    assert known_date({"date": "2023", "sources": [{"source": "a", "quote": "x"}]}, sources) == "2023"
    cited = {"sources": [{"source": "a", "quote": "x"}],
             "cargo": [{"item": "y", "sources": [{"source": "b", "quote": "z"}]}]}
    assert known_date(cited, sources) == "2024-06"
    assert known_date({"sources": [{"source": "c", "quote": "x"}]}, sources) is None
    assert known_date({"basis": "assumption", "note": "n"}, sources) is None
    assert known_date({"date": "next week", "sources": [{"source": "a", "quote": "x"}]}, sources) == "2024-09-10"


def test_partial_dates_count_as_their_start():
    assert date_key("2024") == "2024-01-01" and date_key("2024-06") == "2024-06-01"
    assert shown_at({"date": "2024-06"}, "2024-06-01") and not shown_at({"date": "2024-06-21"}, "2024-06")
    assert shown_at({}, "1900") and shown_at({"date": "2024"}, None)


def test_the_default_maps_lines_and_rings_are_dated_by_their_articles(layers):
    dates = {f["properties"]["id"]: f["properties"].get("date") for layer in layers for f in layer.features}
    for route in ("caspian-anzali-astrakhan", "volga-kama-astrakhan-alabuga", "flow-iran-to-russia",
                  "flow-iran-to-russia-arrow", "flow-alabuga-to-kyiv"):
        assert dates[route] == "2024-06-21", route  # CNN, June 21, 2024
    for ring in ("fath-360-belgorod", "fath-360-belgorod-centre", "fath-360-bryansk"):
        assert dates[ring] == "2024-09-10", ring  # the Fath-360's range: WE News, September 10, 2024
    assert dates["tehran"] is None and dates["events-at-tehran"] is None  # places have none; events their own


def test_a_flows_own_date_and_a_plain_radius(tmp_path, geodata):
    path = _write(tmp_path, '[[flows]]\nid = "f"\nfrom = "tehran"\nto = "moscow"\nlabel = "F"\ndate = "2023-07"\n'
                  'basis = "assumption"\nnote = "n"\n')
    briefing = load_briefing(path, geodata)
    flows = {f["properties"]["id"]: f["properties"] for layer in build_layers(briefing.geodata, briefing)
             for f in layer.features if layer.key == "supply-flows"}
    assert flows["f"]["date"] == flows["f-arrow"]["date"] == "2023-07"
    features = {"ranges": [{"properties": {"id": "r", "system": None}}]}
    assert add_dates(features, briefing.geodata)["ranges"][0]["properties"] == {"id": "r", "system": None}


def test_a_briefing_route_takes_a_date_for_the_timeline(tmp_path, geodata):
    path = _write(tmp_path, '[[routes]]\nid = "lane"\nfrom = "bandar-anzali"\nto = "astrakhan"\ndate = 2024-05-02\n'
                  '[[routes]]\nid = "undated"\nfrom = "bandar-anzali"\nto = "astrakhan"\n')
    briefing = load_briefing(path, geodata)
    routes = {f["properties"]["id"]: f["properties"] for layer in build_layers(briefing.geodata, briefing)
              for f in layer.features if layer.key == "sea-routes"}
    assert routes["lane"]["date"] == "2024-05-02" and "date" not in routes["undated"]
    assert shown_at(routes["lane"], "2024-05-02") and not shown_at(routes["lane"], "2024-05-01")
    bad = _write(tmp_path, '[[routes]]\nfrom = "bandar-anzali"\nto = "astrakhan"\ndate = "May 2024"\n')
    with pytest.raises(DataError, match=r"routes\[0\]\.date: must be YYYY, YYYY-MM or YYYY-MM-DD"):
        load_briefing(bad, geodata)


# -- the page ----------------------------------------------------------------------------------

def _call(html, name):
    found = re.search(rf"mapperRuntime\.{name}\(map_\w+(?:, (.*))?\);", html)
    return found and found.group(1)


def test_page_calls_story_timeline_and_permalink(tmp_path):
    html = api.render(output_path=tmp_path / "map.html").path.read_text(encoding="utf-8")
    steps, options = json.loads(f"[{_call(html, 'story')}]")
    assert [s["title"] for s in steps][:2] == ["Across the Caspian", "Up the Volga and the Kama to Alabuga"]
    assert options == {"keys": "document"}
    assert steps[0]["bounds"] == [[36.2, 45.0], [47.0, 55.0]]  # [[south, west], [north, east]]
    assert steps[2]["centre"] == [55.8328, 52.0372] and steps[2]["zoom"] == 7
    assert steps[0]["layers"] == ["places", "sea-routes", "events"] and steps[5]["layers"] is None
    assert "“U.S. officials believe Iran is sending drones" in steps[0]["caption"]
    title, dates = json.loads(f"[{_call(html, 'timeline')}]")
    assert dates == ["2024-06-21", "2024-06-21", "2024-04-03", "2024-06-21", "2024-09-10"]
    assert re.search(r"mapperRuntime\.permalink\(map_\w+, \);|mapperRuntime\.permalink\(map_\w+\);", html)
    # Each drawn feature says when it is known from and what ids a step may highlight it by.
    assert '"date":"2024-09-10","ids":["fath-360-belgorod"]' in html.replace(" ", "")
    assert '"ids":["drone-purchases-since-2023","su-35-deal"' in html.replace(" ", "")


def test_fragment_keys_stay_in_its_map_and_leave_the_url(tmp_path):
    html = api.export(None, tmp_path / "f.html", "fragment").path.read_text(encoding="utf-8")
    assert json.loads(f"[{_call(html, 'story')}]")[1] == {"keys": "map"}
    assert "mapperRuntime.permalink(" not in html


def test_a_story_escapes_its_text(tmp_path, geodata):
    path = _write(tmp_path, '[[steps]]\ntitle = "<img src=x onerror=alert(1)>"\ncaption = "a & b <script>"\n')
    html = api.render(path, tmp_path / "x.html").path.read_text(encoding="utf-8")
    steps, _ = json.loads(f"[{_call(html, 'story')}]")
    assert steps[0]["title"] == "&lt;img src=x onerror=alert(1)&gt;"
    assert "a &amp; b &lt;script&gt;" in steps[0]["caption"]


def test_no_story_no_story_call(tmp_path):
    path = tmp_path / "plain.toml"
    path.write_text(STORY, encoding="utf-8")
    html = api.render(path, tmp_path / "plain.html").path.read_text(encoding="utf-8")
    assert "mapperRuntime.story(" not in html and "mapperRuntime.permalink(" in html


# -- a step as a figure --------------------------------------------------------------------------

def test_at_step_shows_its_layers_date_and_view(briefing, layers):
    shown, shown_layers = at_step(briefing, layers, 3, briefing.geodata.sources)
    assert shown.title == "The drone plant" and shown.view == briefing.steps[2].view
    assert shown.subtitle.startswith("Iran–Russia military supply, 2023–2024: step 3 of 6, 2024-04-03. Washington")
    assert "“Washington released a satellite image taken on April 3" in shown.subtitle and "(CNN)" in shown.subtitle
    assert [layer.key for layer in shown_layers] == ["events", "places"]
    events = [e["date"] for f in shown_layers[0].features for e in f["properties"]["events"]]
    assert sorted(events) == ["2023", "2024", "2024-04-03"]
    _, fath = at_step(briefing, layers, 5, briefing.geodata.sources)
    assert {f["properties"]["id"] for f in fath[0].features} >= {"fath-360-kursk", "fath-360-kursk-centre"}
    _, caspian = at_step(briefing, layers, 1, briefing.geodata.sources)
    assert all(f["properties"]["date"] <= "2024-06-21" for f in caspian[0].features)


def test_at_step_lights_what_it_highlights_and_dims_the_rest(briefing, layers):
    _, shown = at_step(briefing, layers, 4, briefing.geodata.sources)  # the flows both ways
    emphasis = {f["properties"]["id"]: f["properties"]["emphasis"] for layer in shown for f in layer.features}
    assert emphasis["flow-iran-to-russia"] == emphasis["flow-iran-to-russia-arrow"] == "lit"
    assert emphasis["tehran"] == emphasis["moscow"] == "lit"
    assert emphasis["flow-alabuga-to-kyiv"] == emphasis["kyiv"] == "dim"
    # The briefing's own layers are left as they were: a step marks copies.
    assert not any("emphasis" in f["properties"] for layer in layers for f in layer.features)


def test_a_figure_draws_a_steps_highlights_wider_and_the_rest_faded(briefing, layers):
    from matplotlib.colors import to_hex

    from mapper.core.style import STEP_DIM_OPACITY
    from mapper.export.figure import draw_figure

    shown_briefing, shown = at_step(briefing, layers, 4, briefing.geodata.sources)
    colors = {f["properties"]["id"]: f["properties"]["color"] for layer in shown if layer.key == "supply-flows"
              for f in layer.features if "color" in f["properties"]}
    figure = draw_figure(briefing.geodata, shown_briefing, shown)
    lines = {}
    for patch in (p for ax in figure.axes for p in ax.patches):
        lines.setdefault(to_hex(patch.get_edgecolor()[:3]), []).append(patch)
    lit = lines[colors["flow-iran-to-russia"].lower()][0]
    dim = lines[colors["flow-alabuga-to-kyiv"].lower()][0]
    assert lit.get_linewidth() > dim.get_linewidth()
    assert lit.get_edgecolor()[3] == 1.0 and dim.get_edgecolor()[3] == pytest.approx(STEP_DIM_OPACITY)


def test_the_story_emphasis_is_the_same_on_the_map_and_in_figures():
    from mapper.core.style import STEP_DIM_OPACITY, STEP_LIT_WEIGHT_PX

    script = (DATA_DIR.parent.parent / "mapper" / "html" / "static" / "mapper-story.js").read_text(encoding="utf-8")
    assert re.search(r"var DIM = ([0-9.]+);", script).group(1) == str(STEP_DIM_OPACITY)
    assert re.search(r"var LIT_WEIGHT = ([0-9.]+);", script).group(1) == str(STEP_LIT_WEIGHT_PX)


def test_export_step_as_figure_and_its_faults(tmp_path, run):
    result = run("export", "--step", "5", "-o", "fath.svg")
    assert result.exit_code == 0, result.output
    svg = (tmp_path / "fath.svg").read_text(encoding="utf-8")
    assert "<title>Fath-360: 120 km from Russia</title>" in svg
    result = run("export", "--step", "7", "-o", "x.png")
    assert result.exit_code == 2 and "Error: step 7: the story of iran-russia.toml has steps 1 to 6" in result.output
    result = run("export", "--step", "2", "-o", "x.geojson")
    assert result.exit_code == 2 and "not as geojson" in result.output
    assert not (tmp_path / "x.png").exists() and not (tmp_path / "x.geojson").exists()
    path = tmp_path / "plain.toml"
    path.write_text(STORY, encoding="utf-8")
    with pytest.raises(InputError, match="step 1: plain.toml has no story; add \\[\\[steps\\]\\] to it"):
        api.export(path, tmp_path / "y.pdf", step=1)


def test_export_step_default_name(tmp_path, run):
    result = run("export", "--step", "1", "-f", "pdf")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "outputs" / "iran-russia-step-1.pdf").is_file()


@pytest.mark.browser
def test_screenshot_of_a_step(tmp_path):
    """The interactive map opened at a step (#step=4): Chromium draws it as the briefer sees it."""
    result = api.export(None, tmp_path / "step.png", "screenshot", step=4, figure=api.FigureOptions(size="1366x768px"))
    data = result.path.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 50_000


# -- KML: time for the time slider, and the story as a tour ----------------------------------------

@pytest.fixture(scope="module")
def kml(tmp_path_factory):
    path = tmp_path_factory.mktemp("kml") / "story.kml"
    api.export(None, path)
    return path


def test_kml_dated_features_carry_time(kml):
    root = ET.parse(kml).getroot()
    placemarks = {p.get("id"): p for p in root.iter(f"{KML}Placemark")}
    assert placemarks["drone-purchases-since-2023"].find(f"{KML}TimeStamp/{KML}when").text == "2023"
    assert placemarks["alabuga-satellite-image"].find(f"{KML}TimeStamp/{KML}when").text == "2024-04-03"
    assert placemarks["caspian-anzali-astrakhan"].find(f"{KML}TimeSpan/{KML}begin").text == "2024-06-21"
    assert placemarks["caspian-anzali-astrakhan"].find(f"{KML}TimeSpan/{KML}end") is None  # shown from then on
    assert placemarks["fath-360-kursk"].find(f"{KML}TimeSpan/{KML}begin").text == "2024-09-10"
    assert placemarks["moscow"].find(f"{KML}TimeStamp") is None and placemarks["moscow"].find(f"{KML}TimeSpan") is None
    # KML's order: the time after the description, before the style.
    tags = [child.tag.removeprefix(KML) for child in placemarks["fath-360-kursk"]]
    assert tags.index("description") < tags.index("TimeSpan") < tags.index("styleUrl")


def test_kml_story_is_a_tour(kml, briefing):
    root = ET.parse(kml).getroot()
    [tour] = root.iter(f"{GX}Tour")
    flights = list(tour.iter(f"{GX}FlyTo"))
    assert len(flights) == len(briefing.steps) == 6
    looks = [f.find(f"{KML}LookAt") for f in flights]
    first = looks[0]
    assert float(first.find(f"{KML}longitude").text) == pytest.approx(50.0)
    assert float(first.find(f"{KML}latitude").text) == pytest.approx(41.6)
    assert 500_000 < float(first.find(f"{KML}range").text) < 3_000_000
    assert first.find(f"{GX}TimeSpan/{KML}end").text == "2024-06-21"
    assert looks[5].find(f"{GX}TimeSpan") is None  # the last step: every date
    # The first step shows its layers' folders and hides the others.
    first_update = tour.find(f"{GX}Playlist/{GX}AnimatedUpdate/{KML}Update/{KML}Change")
    shown = {f.get("targetId"): f.find(f"{KML}visibility").text for f in first_update.iter(f"{KML}Folder")}
    assert shown == {"ranges": "0", "sea-routes": "1", "river-routes": "0", "supply-flows": "0", "events": "1",
                     "places": "1"}
    balloons = {p.get("id"): p for p in root.iter(f"{KML}Placemark") if p.get("id", "").startswith("story.")}
    assert len(balloons) == 6 and CASPIAN in balloons["story.step.1"].find(f"{KML}description").text


def test_gdal_reads_the_kml_with_its_time(kml):
    layers = [row[0] for row in pyogrio.list_layers(kml)]
    assert layers[-1] == "Story" and "Weapon ranges" in layers
    rings = pyogrio.read_dataframe(kml, layer="Weapon ranges").set_index("id")
    assert str(rings.loc["fath-360-kursk", "begin"])[:10] == "2024-09-10"
    events = pyogrio.read_dataframe(kml, layer="Dated events").set_index("id")
    assert str(events.loc["alabuga-satellite-image", "timestamp"])[:10] == "2024-04-03"
    assert len(pyogrio.read_dataframe(kml, layer="Story")) == 6


def test_no_tour_without_steps(tmp_path):
    path = tmp_path / "plain.toml"
    path.write_text(STORY, encoding="utf-8")
    text = api.export(path, tmp_path / "plain.kml").path.read_text(encoding="utf-8")
    assert "gx:Tour" not in text and "story.step" not in text
    assert "<TimeSpan>" in text  # its lines still carry their dates
