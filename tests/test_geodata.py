"""Data integrity: every record has an id, provenance and exact quotes."""

import json

import pytest
from conftest import DATA_DIR

from mapper.core.vocab import FILES, ID_PATTERN
from mapper.load.geodata import read_geodata
from mapper.load.lookup import find_place
from mapper.load.schema import validate_geodata

RAW = read_geodata(DATA_DIR).raw
FEATURES = [(name, f) for name in ("places", "routes") for f in RAW[name]["features"]]
CITATIONS = []
for _, feature in FEATURES:
    props = feature["properties"]
    CITATIONS += [(props["id"], c) for c in props.get("sources", [])]
    for item in props.get("cargo", []):
        CITATIONS += [(props["id"], c) for c in item["sources"]]
for registry, key in (("systems", "systems"), ("claims", "claims"), ("events", "events")):
    for record in RAW[registry][key]:
        CITATIONS += [(record["id"], c) for c in record["sources"]]


def test_bundled_geodata_has_no_problems(geodata):
    assert validate_geodata(geodata) == []


def test_quotes_were_checked_against_the_articles(geodata):
    assert geodata.articles_dir is not None


@pytest.mark.parametrize("feature_id, citation", CITATIONS, ids=[f"{i}-{n}" for n, (i, _) in enumerate(CITATIONS)])
def test_every_quote_is_in_its_article(geodata, feature_id, citation):
    article = geodata.article_text(citation["source"])
    assert article is not None, f"{feature_id}: article {citation['source']} not found"
    assert citation["quote"] in article, f"{feature_id}: quote not in {citation['source']}"


@pytest.mark.parametrize("registry, feature", FEATURES, ids=[f["properties"]["id"] for _, f in FEATURES])
def test_every_feature_has_identity_and_provenance(registry, feature):
    props = feature["properties"]
    assert ID_PATTERN.match(props["id"])
    assert props["name"].strip()
    assert props.get("sources") or (props.get("basis") in ("assumption", "gazetteer") and props.get("note"))
    if registry == "places":
        assert props["location_source"].strip()
    else:
        assert len(props["waypoints"]) == len(feature["geometry"]["coordinates"])


def test_required_places_exist(geodata):
    for name in ("Tehran", "Moscow", "Kyiv", "Alabuga", "Caspian Sea", "Amirabad", "Bandar Anzali",
                 "Nowshahr", "Astara", "Astrakhan", "Olya", "Makhachkala"):
        assert find_place(geodata, name)


@pytest.mark.parametrize("alias, place_id", [
    ("Alabuka", "alabuga-sez"), ("yelabuga", "yelabuga"), ("Enzeli", "bandar-anzali"), ("Anzali", "bandar-anzali"),
    ("KIEV", "kyiv"), ("Kyiv", "kyiv"), ("bandar-e anzali", "bandar-anzali"),
])
def test_aliases_resolve(geodata, alias, place_id):
    assert find_place(geodata, alias)["properties"]["id"] == place_id


def test_ports_are_assumptions(geodata):
    ports = [p["properties"] for p in geodata.places if p["properties"]["kind"] == "port"]
    assert len(ports) == 7
    assert all(p["basis"] == "assumption" for p in ports)


def test_routes_cover_the_supply_picture(geodata):
    kinds = {r["properties"]["kind"] for r in geodata.routes}
    assert kinds == {"sea-route", "river-route", "supply-flow"}
    ends = {(r["properties"]["from"], r["properties"]["to"]) for r in geodata.routes}
    assert ("astrakhan", "alabuga-sez") in ends
    assert ("tehran", "moscow") in ends and ("moscow", "tehran") in ends
    assert ("alabuga-sez", "kyiv") in ends
    # Sea lanes and the river route are computed over water, from their places.
    for route in geodata.routes:
        if route["properties"]["kind"] != "supply-flow":
            assert route["properties"]["routing"]["mode"] in ("sea", "river")
    iranian = {r["properties"]["from"] for r in geodata.routes if r["properties"]["kind"] == "sea-route"}
    assert iranian == {"amirabad", "bandar-anzali", "nowshahr", "astara"}


def test_cargo_moves_both_ways(geodata):
    cargo = {r["properties"]["direction"]: " ".join(c["item"] for c in r["properties"].get("cargo", []))
             for r in geodata.routes if r["properties"]["kind"] == "supply-flow"}
    for item in ("drones", "Bullets", "mortars", "Fath-360", "plant"):
        assert item.lower() in cargo["iran-to-russia"].lower()
    for item in ("Su-35", "Yak-130", "helicopters", "Radars", "missiles", "electronics", "air defense"):
        assert item.lower() in cargo["russia-to-iran"].lower()


def test_fath_360_range(geodata):
    system = geodata.systems["fath-360"]
    assert system["range_m"] == 120_000
    assert "75 miles (120 kilometers)" in system["range_stated"]


def test_claim_and_events_recorded(geodata):
    claim = geodata.claims[0]
    assert claim["distance"] == {"value": 600, "unit": "mi", "qualifier": "about"}
    assert claim["direction"] == "east"
    dates = {e["date"] for e in geodata.events}
    assert {"2024-04-03", "2024-06-21", "2024-09-10"} <= dates


def test_files_are_plain_json():
    for filename in FILES.values():
        json.loads((DATA_DIR / filename).read_text(encoding="utf-8"))


def test_an_article_that_is_not_utf8_is_an_error_not_a_pass(data_copy, articles_dir, tmp_path, monkeypatch):
    """Its quotes cannot be checked; a silent skip would let a misquote through."""
    import hashlib
    import shutil

    from mapper.errors import DataError
    from mapper.load.bundled import ARTICLES_ENV
    from mapper.load.geodata import load_geodata

    articles = tmp_path / "articles"
    shutil.copytree(articles_dir, articles)
    sources = json.loads((data_copy / "sources.json").read_text(encoding="utf-8"))
    cnn = sources["sources"][0]
    article = articles / cnn["seed_file"]
    article.write_bytes(article.read_text(encoding="utf-8").encode("cp1252", "replace"))
    cnn["sha256"] = hashlib.sha256(article.read_bytes()).hexdigest()
    (data_copy / "sources.json").write_text(json.dumps(sources), encoding="utf-8")
    monkeypatch.setenv(ARTICLES_ENV, str(articles))
    with pytest.raises(DataError, match=r"000_9236aacd133b9ed3\.txt: not UTF-8 text \(byte \d+\); its quotes cannot"):
        load_geodata(data_copy)
