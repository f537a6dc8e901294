"""mapper validate names the file, feature, field and fault in broken copies."""


import pytest
from conftest import edit_json

from mapper.load.check import check_folder


def _place(doc, place_id):
    return next(f for f in doc["features"] if f["properties"]["id"] == place_id)


BREAKAGES = {
    "quote-not-in-article": ("places.geojson", lambda d: _place(d, "tehran")["properties"]["sources"][0]
                             .update(quote="Tehran sells 1,000 tanks."),
                             "places.geojson: tehran: sources[0].quote: not found word for word"),
    "unknown-source": ("places.geojson", lambda d: _place(d, "moscow")["properties"]["sources"][0]
                       .update(source="nyt-2024"),
                       "places.geojson: moscow: sources[0].source: unknown source 'nyt-2024'"),
    "duplicate-id": ("places.geojson", lambda d: _place(d, "kyiv")["properties"].update(id="moscow"),
                     "places.geojson: moscow: id: duplicate id"),
    "latitude-out-of-range": ("places.geojson",
                              lambda d: _place(d, "kyiv")["geometry"].update(coordinates=[30.5, 95.0]),
                              "places.geojson: kyiv: geometry: [30.5, 95.0] is out of range"),
    "no-provenance": ("places.geojson", lambda d: [_place(d, "kyiv")["properties"].pop("sources")],
                      "places.geojson: kyiv: sources: missing"),
    "bad-basis": ("places.geojson", lambda d: _place(d, "olya")["properties"].update(basis="hunch"),
                  "places.geojson: olya: basis: must be one of assumption, gazetteer"),
    "route-end-moved": ("routes.geojson", lambda d: d["features"][0]["geometry"]["coordinates"][0].__setitem__(0, 40.0),
                        "routes.geojson: caspian-anzali-astrakhan: from: line does not start at bandar-anzali"),
    "wrong-geometry": ("routes.geojson",
                       lambda d: d["features"][0].update(geometry={"type": "Point", "coordinates": [1, 2]}),
                       "routes.geojson: caspian-anzali-astrakhan: geometry: must be a LineString"),
    "zero-range": ("systems.json", lambda d: d["systems"][0].update(range_m=0),
                   "systems.json: fath-360: range_m: must be a number of metres greater than zero"),
    "bad-date": ("events.json", lambda d: d["events"][0].update(date="last summer"),
                 "events.json: drone-purchases-since-2023: date: must be YYYY"),
    "unknown-place": ("claims.json", lambda d: d["claims"][0].update(reference="berlin"),
                      "claims.json: alabuga-600-miles-east-of-moscow: reference: unknown place 'berlin'"),
}


def test_bundled_folder_passes(articles_dir):
    from conftest import DATA_DIR

    report = check_folder(DATA_DIR)
    assert report.problems == []
    assert report.quotes_checked
    assert report.briefing_count >= 1


@pytest.mark.parametrize("case", sorted(BREAKAGES))
def test_broken_copy_is_named(data_copy, case):
    filename, change, expected = BREAKAGES[case]
    edit_json(data_copy, filename, change)
    report = check_folder(data_copy)
    assert any(p.startswith(expected) for p in report.problems), report.problems


def test_malformed_json_names_file_and_line(data_copy):
    (data_copy / "events.json").write_text('{"events": [\n  {"id": "x",}\n]}', encoding="utf-8")
    report = check_folder(data_copy)
    assert len(report.problems) == 1
    assert "events.json: invalid JSON at line 2" in report.problems[0]


def test_broken_briefing_is_named(data_copy):
    (data_copy / "briefings" / "iran-russia.toml").write_text('title = "x"\n[[ranges]]\nsystem = "fath-999"\n'
                                                              'centre = "kyiv"\n', encoding="utf-8")
    report = check_folder(data_copy)
    assert any("iran-russia.toml:3: ranges[0].system: unknown weapon system 'fath-999'" in p for p in report.problems)


def test_source_without_id_is_reported_not_crashed(data_copy):
    edit_json(data_copy, "sources.json", lambda d: d["sources"][0].pop("id"))
    report = check_folder(data_copy)
    assert any(p.startswith("sources.json: #0: id: missing or not kebab-case") for p in report.problems)
    assert any("unknown source 'cnn-2024-06-21'" in p for p in report.problems)
