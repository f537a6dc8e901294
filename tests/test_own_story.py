"""An analyst's own story, anywhere on Earth, from user files only (issue 18's acceptance).

The story is invented: places east of 100°E and in the southern and western
hemispheres, its own saved source text, a places CSV and inline places, a
system defined in the briefing, two flows with their own labels, a claim
checked against its source and dated events.  Nothing of the bundled
Iran–Russia story may show.
"""

import json
import math
import subprocess
import sys
from pathlib import Path

import pyogrio
import pytest
from rfc7946 import problems as rfc7946_problems

from mapper import api
from mapper.core.style import LAND_COLOR
from mapper.errors import DataError

ARTICLE = """\
KESTREL WIRE, 2 November 2026 (an invented article for mapper's tests)

Investigators say guidance kits were shipped from Chengdu to Santa Cruz de la Sierra in October.
The Kestrel-7 missile has a range of 690 kilometers, according to the manufacturer's brochure.
Propellant is moving from Johannesburg to Irkutsk by air, officials said.
Santa Cruz lies about 1,000 miles west of Brasília.
A first shipment reached Santa Cruz on 14 October 2026.
On 20 October 2026 a second cargo was unloaded in Irkutsk.
"""

PLACES_CSV = """\
name,lat,lon,kind,source,country
Chengdu,30.66,104.07,city,Gazetteer (city centre),China
Irkutsk,52.29,104.28,city,Gazetteer (city centre),Russia
"""

BRIEFING = """\
title = "Kestrel-7 parts: an invented two-flow story"
subtitle = "Test story: Chengdu, Santa Cruz, Johannesburg, Irkutsk"

[[places]]
file = "places.csv"

[[places]]
id = "santa-cruz"
name = "Santa Cruz de la Sierra"
lat = -17.78
lon = -63.18
kind = "city"
source = "Gazetteer"
country = "BO"

[[places]]
name = "Johannesburg"
lat = -26.20
lon = 28.05
kind = "city"
source = "Gazetteer"
country = "South Africa"

[[places]]
name = "Brasília"
aliases = ["Brasilia"]
lat = -15.79
lon = -47.88
kind = "capital"
source = "Gazetteer"

[[places]]
name = "Ulaanbaatar"
lat = 47.92
lon = 106.91
kind = "capital"
source = "Gazetteer"
country = "MNG"

[[sources]]
id = "kestrel-wire-2026-11-02"
title = "Guidance kits and propellant on the move"
outlet = "Kestrel Wire"
date = "2026-11-02"
file = "articles/kestrel-wire.txt"

[[systems]]
id = "kestrel-7"
name = "Kestrel-7"
range = "690 km"
sources = [{ source = "kestrel-wire-2026-11-02", quote = "The Kestrel-7 missile has a range of 690 kilometers" }]

[[flows]]
id = "kits-to-santa-cruz"
from = "Chengdu"
to = "santa-cruz"
label = "Chengdu → Santa Cruz: guidance kits"
date = "2026-10"
sources = [{ source = "kestrel-wire-2026-11-02", quote = "guidance kits were shipped from Chengdu" }]

[[flows.cargo]]
item = "Guidance kits"
status = "shipped"
sources = [{ source = "kestrel-wire-2026-11-02", quote = "guidance kits were shipped from Chengdu to Santa Cruz" }]

[[flows]]
id = "propellant-to-irkutsk"
from = "johannesburg"
to = "irkutsk"
label = "Johannesburg → Irkutsk: propellant by air"
sources = [{ source = "kestrel-wire-2026-11-02", quote = "Propellant is moving from Johannesburg to Irkutsk by air" }]

[[claims]]
id = "santa-cruz-1000-miles-west-of-brasilia"
check = "distance"
subject = "Santa Cruz de la Sierra"
reference = "brasilia"
distance = { value = 1000, unit = "mi", qualifier = "about" }
direction = "west"
sources = [{ source = "kestrel-wire-2026-11-02", quote = "Santa Cruz lies about 1,000 miles west of Brasília." }]

[[events]]
id = "first-shipment-santa-cruz"
name = "First shipment reaches Santa Cruz"
date = 2026-10-14
place = "santa-cruz"
sources = [{ source = "kestrel-wire-2026-11-02", quote = "A first shipment reached Santa Cruz on 14 October 2026." }]

[[events]]
id = "second-cargo-irkutsk"
name = "Second cargo unloaded in Irkutsk"
date = "2026-10-20"
place = "Irkutsk"
sources = [{ source = "kestrel-wire-2026-11-02", quote = "On 20 October 2026 a second cargo was unloaded in Irkutsk." }]

[[ranges]]
id = "kestrel-7-from-ulaanbaatar"
system = "kestrel-7"
centre = "ulaanbaatar"
note = "Assumed launch site; the article names none."
"""

MAPPER = Path(sys.executable).parent / "mapper"
# What only the bundled story holds: none of it may reach this briefing's outputs.
SEED_WORDS = ("Tehran", "Caspian", "Alabuga", "Fath-360", "Kyiv", "Iran", "cnn-2024-06-21", "wenews-2024-09-10")
FLOW_LABELS = ("Chengdu → Santa Cruz: guidance kits", "Johannesburg → Irkutsk: propellant by air")
PLACES = {"chengdu": (30.66, 104.07), "irkutsk": (52.29, 104.28), "santa-cruz": (-17.78, -63.18),
          "johannesburg": (-26.20, 28.05), "brasilia": (-15.79, -47.88), "ulaanbaatar": (47.92, 106.91)}


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    folder = tmp_path_factory.mktemp("own-story")
    (folder / "articles").mkdir()
    (folder / "articles" / "kestrel-wire.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "places.csv").write_text(PLACES_CSV, encoding="utf-8")
    (folder / "kestrel.toml").write_text(BRIEFING, encoding="utf-8")
    return folder / "kestrel.toml"


def mapper_cli(*args, cwd):
    """The installed CLI in a child process: what an analyst types."""
    return subprocess.run([MAPPER, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_the_world_is_the_briefings_own(story):
    geodata = api.open_briefing(story).geodata
    assert sorted(p["properties"]["id"] for p in geodata.places) == sorted(PLACES)
    assert list(geodata.sources) == ["kestrel-wire-2026-11-02"]
    assert list(geodata.systems) == ["kestrel-7"]
    assert geodata.systems["kestrel-7"]["range_m"] == 690_000
    assert geodata.quotes_checked("kestrel-wire-2026-11-02")
    assert [e["date"] for e in geodata.events] == ["2026-10-14", "2026-10-20"]  # a TOML date is read as its text
    countries = {p["properties"]["id"]: p["properties"].get("country") for p in geodata.places}
    assert countries["chengdu"] == "CN" and countries["irkutsk"] == "RU" and countries["johannesburg"] == "ZA"


def test_a_quote_not_in_the_saved_text_is_refused(story, tmp_path):
    text = story.read_text(encoding="utf-8").replace("a range of 690 kilometers", "a range of 990 kilometers")
    changed = story.parent / "changed-quote.toml"
    changed.write_text(text, encoding="utf-8")
    try:
        with pytest.raises(DataError, match=r"changed-quote.toml:\d+: systems\[0\]\.sources\[0\]\.quote: "
                                                  r"not found word for word"):
            api.open_briefing(changed)
    finally:
        changed.unlink()


def test_renders_html_figure_kml_and_geojson(story, tmp_path):
    result = api.render(story, tmp_path / "story.html")
    html = result.path.read_text(encoding="utf-8")
    for word in SEED_WORDS:
        assert word not in html, word
    for label in FLOW_LABELS:
        assert json.dumps(label, ensure_ascii=False)[1:-1] in html or label in html

    geojson = api.export(story, tmp_path / "story.geojson").path
    collection = json.loads(geojson.read_text(encoding="utf-8"))
    assert rfc7946_problems(collection) == []
    names = {f["properties"].get("name") for f in collection["features"]}
    assert set(FLOW_LABELS) <= names
    assert not any(word in geojson.read_text(encoding="utf-8") for word in SEED_WORDS)

    kml = api.export(story, tmp_path / "story.kml").path
    layers = [row[0] for row in pyogrio.list_layers(kml)]
    flows = pyogrio.read_dataframe(kml, layer="Supply flows")
    assert "Places" in layers and sorted(flows["Name"]) == sorted(FLOW_LABELS)
    assert len(pyogrio.read_dataframe(kml, layer="Places")) == len(PLACES)

    png = api.export(story, tmp_path / "story.png", figure=api.FigureOptions(None, "8x5in", 80, False)).path
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_commands_answer_for_the_briefings_places_and_system(story):
    folder = story.parent
    distance = mapper_cli("distance", "-b", "kestrel.toml", "brasilia", "santa-cruz", "--json", cwd=folder)
    assert distance.returncode == 0, distance.stderr
    assert math.isclose(json.loads(distance.stdout)["distance_m"], 1_645_373, rel_tol=1e-3)

    coverage = mapper_cli("coverage", "kestrel-7", "--from", "Ulaanbaatar", "-b", "kestrel.toml", "--json",
                          cwd=folder)
    assert coverage.returncode == 0, coverage.stderr
    answer = json.loads(coverage.stdout)
    assert answer["radius_m"] == 690_000 and answer["in_range"] == ["irkutsk"]

    verify = mapper_cli("verify", "--briefing", "kestrel.toml", "--json", cwd=folder)
    assert verify.returncode == 0, verify.stderr
    [claim] = json.loads(verify.stdout)
    assert claim["id"] == "santa-cruz-1000-miles-west-of-brasilia" and claim["verdict"] == "holds", claim

    route = mapper_cli("route", "-b", "kestrel.toml", "chengdu", "santa-cruz", "--mode", "great-circle", "--json",
                       cwd=folder)
    assert route.returncode == 0, route.stderr
    assert math.isclose(json.loads(route.stdout)["properties"]["length_m"], 18_092_630, rel_tol=1e-3)

    places = mapper_cli("places", "-b", "kestrel.toml", "--json", cwd=folder)
    assert sorted(row["id"] for row in json.loads(places.stdout)) == sorted(PLACES)

    validate = mapper_cli("validate", "kestrel.toml", cwd=folder)
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert "not checked" not in validate.stderr


def test_the_default_world_is_still_the_seed_story(story):
    """Without --briefing, commands answer as the README documents: the bundled story."""
    unknown = mapper_cli("distance", "chengdu", "irkutsk", cwd=story.parent)
    assert unknown.returncode == 2 and "unknown place 'chengdu'" in unknown.stderr
    seed = mapper_cli("distance", "moscow", "alabuga", cwd=story.parent)
    assert seed.returncode == 0, seed.stderr


@pytest.mark.browser
def test_in_chromium_land_lies_under_every_place_and_the_legend_is_the_story(story, tmp_path, browser):
    from test_browser import BASEMAP_PIXEL, OpenedMap

    path = api.render(story, tmp_path / "story.html").path
    opened = OpenedMap(browser, path)
    try:
        assert opened.requests == [] and opened.errors == [] and opened.csp_violations == []
        land = [int(LAND_COLOR[i:i + 2], 16) for i in (1, 3, 5)]
        for place_id, (lat, lon) in PLACES.items():
            assert opened.page.evaluate(BASEMAP_PIXEL, [lat, lon]) == land + [255], place_id
        legend = opened.page.inner_text(".mapper-legend")
        for label in FLOW_LABELS:
            assert label in legend
        assert "Kestrel-7 range, 690 km (geodesic)" in legend
        for word in SEED_WORDS:
            assert word not in legend, word
    finally:
        opened.close()


def test_briefing_tables_are_checked_with_their_line(story):
    text = story.read_text(encoding="utf-8")
    bad = text.replace('range = "690 km"', 'range = "690"')
    (story.parent / "bad-range.toml").write_text(bad, encoding="utf-8")
    with pytest.raises(DataError, match=r"bad-range.toml:\d+: systems\[0\]\.range: "):
        api.open_briefing(story.parent / "bad-range.toml")
    bad = text.replace('from = "Chengdu"', 'from = "Chengdoo"')
    (story.parent / "bad-flow.toml").write_text(bad, encoding="utf-8")
    with pytest.raises(DataError, match=r"bad-flow.toml:\d+: flows\[0\]\.from: unknown place 'Chengdoo'; "
                                            r"did you mean 'Chengdu'"):
        api.open_briefing(story.parent / "bad-flow.toml")


def test_a_source_without_its_text_shows_as_not_checked(story, tmp_path):
    text = story.read_text(encoding="utf-8").replace('file = "articles/kestrel-wire.txt"\n', "")
    unsaved = story.parent / "unsaved.toml"
    unsaved.write_text(text, encoding="utf-8")
    html = api.render(unsaved, tmp_path / "unsaved.html").path.read_text(encoding="utf-8")
    assert "quote not checked" in html
    validate = mapper_cli("validate", "unsaved.toml", cwd=story.parent)
    assert validate.returncode == 0 and "not checked (no saved text) for: kestrel-wire-2026-11-02" in validate.stderr
