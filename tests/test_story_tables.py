"""A briefing's own tables and data folders: what each adds, and the one-line errors of each."""

import json

import pytest

from mapper import api
from mapper.core.style import FLOW_COLORS, legend_entries
from mapper.errors import DataError

PLACES = """\
places = [
  { id = "port-a", name = "Port A", lat = -33.86, lon = 151.2, kind = "port", source = "Port authority" },
  { id = "port-b", name = "Port B", lat = 1.26, lon = 103.84, kind = "port", source = "Gazetteer" },
  { id = "inland-c", name = "Inland C", lat = 19.43, lon = -99.13, kind = "city", source = "Gazetteer" },
]
"""


def briefing(tmp_path, text, name="b.toml"):
    path = tmp_path / name
    path.write_text('title = "T"\n' + text, encoding="utf-8")
    return path


def test_a_briefing_starts_empty(tmp_path):
    geodata = api.open_briefing(briefing(tmp_path, "")).geodata
    assert geodata.places == [] and geodata.routes == [] and geodata.events == []
    assert geodata.sources == {} and geodata.systems == {} and geodata.claims == []


def test_the_bundled_story_comes_in_by_name(tmp_path):
    geodata = api.open_briefing(briefing(tmp_path, 'data = ["iran-russia"]\n')).geodata
    assert "tehran" in {p["properties"]["id"] for p in geodata.places}
    assert "fath-360" in geodata.systems
    assert geodata.quotes_checked("cnn-2024-06-21") == (geodata.article_text("cnn-2024-06-21") is not None)


def test_a_range_takes_a_plain_radius(tmp_path):
    path = briefing(tmp_path, PLACES + '\n[[ranges]]\nradius = "300 km"\ncentre = "port-a"\n')
    briefed = api.open_briefing(path)
    [ranges] = [layer for layer in api.build_layers(briefed.geodata, briefed) if layer.key == "ranges"]
    [ring] = [f for f in ranges.features if f["geometry"]["type"] != "Point"]
    assert ring["properties"]["radius_m"] == 300_000
    assert ring["properties"]["name"] == "300 km radius from Port A"
    assert ring["properties"]["legend_label"] == "300 km radius (geodesic)"
    assert ring["properties"]["sources"] == [] and ring["properties"]["basis"] == "assumption"


@pytest.mark.parametrize("table, message", [
    ('radius = "300 km"\nsystem = "x"\ncentre = "port-a"', r"ranges\[0\]: give either system .* or radius"),
    ('centre = "port-a"', r"ranges\[0\]: give either system .* or radius"),
    ('radius = "300"\ncentre = "port-a"', r"ranges\[0\]\.radius: .*unit"),
    ('system = "x"\ncentre = "port-a"', r"ranges\[0\]\.system: unknown weapon system 'x'; known: none"),
])
def test_range_errors_name_the_key(tmp_path, table, message):
    path = briefing(tmp_path, PLACES + "\n[[ranges]]\n" + table + "\n")
    with pytest.raises(DataError, match=r"b\.toml:\d+: " + message):
        api.open_briefing(path)


def test_flows_get_their_own_labels_and_colours_in_the_legend(tmp_path):
    flows = "".join(f'\n[[flows]]\nid = "f{n}"\nfrom = "{a}"\nto = "{b}"\nlabel = "Flow {n}"\nbasis = "user"\n'
                    f'note = "Given."\n' for n, (a, b) in enumerate([("port-a", "port-b"), ("Port B", "inland-c")]))
    briefed = api.open_briefing(briefing(tmp_path, PLACES + flows))
    layers = api.build_layers(briefed.geodata, briefed)
    [(title, entries)] = [(t, e) for t, e in legend_entries(layers) if t == "Supply flows"]
    assert [(style.label, style.color) for style, _ in entries] == [("Flow 0", FLOW_COLORS[0]),
                                                                    ("Flow 1", FLOW_COLORS[1])]


def test_a_data_folder_may_hold_one_file_and_use_the_briefings_places(tmp_path):
    folder = tmp_path / "events-only"
    folder.mkdir()
    (folder / "events.json").write_text(json.dumps({"events": [{
        "id": "seen", "name": "Ship seen", "date": "2026-01-02", "date_text": "2 January", "place": "port-b",
        "basis": "user", "note": "Analyst's own sighting."}]}), encoding="utf-8")
    path = briefing(tmp_path, 'data = ["events-only"]\n' + PLACES)
    assert [e["id"] for e in api.open_briefing(path).geodata.events] == ["seen"]
    assert api.validate(briefing_path=path).problems == []
    # Alone, the folder does not know the briefing's places.
    assert api.validate(folder).problems == ["events.json: seen: place: unknown place 'port-b'"]


def test_an_unknown_place_in_a_data_folder_names_the_file(tmp_path):
    folder = tmp_path / "events-only"
    folder.mkdir()
    (folder / "events.json").write_text(json.dumps({"events": [{
        "id": "seen", "name": "Ship seen", "date": "2026-01-02", "date_text": "2 January", "place": "vladivostok",
        "basis": "user", "note": "Analyst's own sighting."}]}), encoding="utf-8")
    with pytest.raises(DataError, match=r"b\.toml:\d+: data: events\.json: seen: place: unknown place 'vladivostok'"):
        api.open_briefing(briefing(tmp_path, 'data = ["events-only"]\n' + PLACES))


def test_an_event_of_the_briefing_names_its_table(tmp_path):
    events = '\n[[events]]\nid = "e"\nname = "E"\ndate = "2026-13"\nplace = "port-a"\nbasis = "user"\nnote = "n"\n'
    with pytest.raises(DataError, match=r"b\.toml:\d+: events\[0\]\.date: must be YYYY, YYYY-MM or YYYY-MM-DD"):
        api.open_briefing(briefing(tmp_path, PLACES + events))


def test_a_range_in_a_layer_left_out_is_refused_not_dropped(tmp_path):
    path = briefing(tmp_path, 'layers = ["places"]\n' + PLACES + '\n[[ranges]]\nradius = "1 km"\ncentre = "port-a"\n')
    with pytest.raises(DataError, match=r"ranges: drawn in the 'ranges' layer, which 'layers' leaves out"):
        api.open_briefing(path)
    path = briefing(tmp_path, 'layers = ["places"]\n' + PLACES + '\n[[routes]]\nfrom = "port-a"\nto = "port-b"\n'
                              'mode = "great-circle"\n', "r.toml")
    with pytest.raises(DataError, match=r"routes\[0\]: drawn in the 'supply-flows' layer"):
        api.open_briefing(path)


def test_a_source_file_must_be_there(tmp_path):
    text = PLACES + '\n[[sources]]\nid = "s"\ntitle = "S"\nfile = "missing.txt"\n'
    with pytest.raises(DataError, match=r"b\.toml:\d+: sources\[0\]\.file: 'missing\.txt': no such file"):
        api.open_briefing(briefing(tmp_path, text))


def test_a_system_with_a_basis_instead_of_sources(tmp_path):
    text = PLACES + ('\n[[systems]]\nid = "guess"\nname = "Guess"\nrange = "75 mi"\nbasis = "assumption"\n'
                     'note = "Analyst estimate."\n')
    geodata = api.open_briefing(briefing(tmp_path, text)).geodata
    assert geodata.systems["guess"]["range_m"] == pytest.approx(120_700.8)
    assert geodata.systems["guess"]["range_stated"] == "75 mi"


def test_a_great_circle_route_has_no_speed(tmp_path):
    path = briefing(tmp_path, PLACES + '\n[[routes]]\nfrom = "port-a"\nto = "port-b"\nmode = "great-circle"\n'
                              'speed = "10kn"\n')
    with pytest.raises(DataError, match=r"b\.toml:\d+: routes\[0\]\.speed: a great circle is a straight line"):
        api.open_briefing(path)


def test_a_places_file_table_takes_only_file(tmp_path):
    path = briefing(tmp_path, '[[places]]\nfile = "p.csv"\nname = "X"\n')
    with pytest.raises(DataError, match=r"b\.toml:\d+: places\[0\]: a places file takes only file"):
        api.open_briefing(path)


def test_a_bad_system_name_is_reported_under_name(tmp_path):
    path = briefing(tmp_path, '[[systems]]\nid = "s"\nname = "S"\nrange = "1 km"\nsources = []\n')
    with pytest.raises(DataError, match=r"b\.toml:\d+: systems\[0\]\.sources: must be a non-empty list"):
        api.open_briefing(path)
