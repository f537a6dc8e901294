"""`mapper ingest`: a news article becomes a cited draft briefing, a review page and JSON findings.

The seeds and the eight development articles stay in ../shared: the tests
read them there.  Every quote must be an exact slice of its article, and
every draft must load, validate (quotes checked word for word) and render.
"""

import hashlib
import json
import re
import shutil
import time

import pytest
from conftest import DATA_DIR, SEEDS_DIR

from mapper import api
from mapper.export.draft import MAX_DRAFTED
from mapper.load.article import read_article
from mapper.load.gazetteer import load_gazetteer
from mapper.text.dates import find_dates
from mapper.text.places import find_places
from mapper.text.quantities import find_quantities
from mapper.text.spans import sentences

ARTICLES_DIR = SEEDS_DIR.parent / "articles"
CNN = SEEDS_DIR / "000_9236aacd133b9ed3.txt"
WENEWS = SEEDS_DIR / "003_588adadaf5377122.txt"
FINDINGS = ("places", "quantities", "claims", "systems", "events", "flows")


def _articles():
    if not ARTICLES_DIR.is_dir():
        pytest.fail(f"development articles not found at {ARTICLES_DIR}")
    return [CNN, WENEWS, *sorted(ARTICLES_DIR.glob("*.txt"))]


@pytest.fixture(scope="module")
def drafts(tmp_path_factory):
    """Each article's findings and draft, made once: {article path: (found, draft path)}."""
    folder = tmp_path_factory.mktemp("drafts")
    made = {}
    for article in _articles():
        draft = folder / f"{article.stem}-draft.toml"
        result = api.ingest(article, draft, folder / f"{article.stem}-review.html")
        made[article] = (result.found, draft)
    return made


def _places(found):
    return {p["name"]: p for p in found["places"]}


# -- the seeds: what the acceptance asks for -------------------------------------------------------

def test_the_cnn_seed_names_its_places(drafts):
    found, draft = drafts[CNN]
    places = _places(found)
    for name in ("Tehran", "Moscow", "Kyiv", "Caspian Sea"):
        assert name in places and "lat" in places[name], name
    assert places["Kyiv"]["mention"] == "Kiev"  # the article's spelling, resolved
    briefing = api.open_briefing(draft)
    drawn = {p["properties"]["name"] for p in briefing.geodata.places}
    assert {"Tehran", "Moscow", "Kyiv", "Caspian Sea"} <= drawn


def test_the_alabuga_zone_is_placed_by_its_spelling_and_says_so(drafts):
    found, _ = drafts[CNN]
    zone = next(p for p in found["places"] if p["mention"].startswith("Alabuka"))
    suggested = any(s.startswith("Yelabuga") for s in zone.get("suggestions", []))
    if zone["status"] == "resolved":
        assert zone["name"] == "Yelabuga" and zone["confidence"] <= 0.5 and "Check it" in zone["note"]
    else:
        assert zone["status"] == "unresolved"
    assert suggested


def test_the_600_miles_claim_is_drafted_and_verified_as_the_bundled_one(drafts):
    found, draft = drafts[CNN]
    bundled = next(c for c in json.loads((DATA_DIR / "claims.json").read_text(encoding="utf-8"))["claims"]
                   if c["id"] == "alabuga-600-miles-east-of-moscow")
    claim = next(c for c in api.open_briefing(draft).geodata.claims if c.get("status") == "draft")
    assert claim["distance"] == bundled["distance"] and claim["direction"] == bundled["direction"]
    assert claim["reference"] == "moscow" and claim["check"] == "distance"
    checks, _ = api.verify(briefing_path=draft)
    [check] = [c for c in checks if c.id == claim["id"]]
    assert check.verdict == "holds", check


def test_the_fath_360_range_is_a_system_with_both_figures(drafts):
    found, draft = drafts[WENEWS]
    [system] = found["systems"]
    assert system["name"] == "Fath-360" and system["range_m"] == 120_000
    assert system["stated"] == [{"value": 75.0, "unit": "mi"}, {"value": 120.0, "unit": "km"}]
    [drafted] = [s for s in api.open_briefing(draft).geodata.systems.values() if s["name"] == "Fath-360"]
    assert drafted["range_m"] == 120_000 and drafted["status"] == "draft"


@pytest.mark.parametrize("article, date", [(CNN, "2024-04-03"), (CNN, "2023"), (WENEWS, "2024-09-10")])
def test_dated_events_are_drafted(drafts, article, date):
    found, draft = drafts[article]
    events = api.open_briefing(draft).geodata.events
    assert any(e["date"] == date and e["status"] == "draft" for e in events), date


def test_the_suggested_flows_go_from_iran_to_russia(drafts):
    found, draft = drafts[CNN]
    flows = [r for r in api.open_briefing(draft).geodata.routes if r["properties"]["kind"] == "supply-flow"]
    pairs = {(f["properties"]["from"], f["properties"]["to"]) for f in flows}
    assert ("tehran", "moscow") in pairs and ("moscow", "tehran") in pairs
    assert all(f["properties"]["status"] == "draft" for f in flows)


# -- every article: exact quotes, a draft that loads and validates ----------------------------------

def test_every_quote_and_mention_is_an_exact_slice_of_its_article(drafts):
    for article, (found, _) in drafts.items():
        text = read_article(article).text
        for kind in FINDINGS:
            for item in found[kind]:
                quote = item["quote"]
                assert text[item["quote_start"]:item["quote_start"] + len(quote)] == quote, (article.name, kind)
                for mention in item.get("mentions", [item]):
                    span = text[mention["start"]:mention["end"]]
                    assert span == mention.get("text", item.get("text", span)), (article.name, kind, span)
                    assert item["quote_start"] <= item["start"] <= item["quote_start"] + len(quote)


def test_every_draft_quotes_its_article_word_for_word_and_validates(drafts):
    for article, (_, draft) in drafts.items():
        text = read_article(article).text
        quotes = re.findall(r'quote = "((?:[^"\\]|\\.)*)"', draft.read_text(encoding="utf-8"))
        assert quotes, article.name
        for quote in quotes:
            assert json.loads(f'"{quote}"') in text, (article.name, quote)
        report = api.validate(briefing_path=draft)
        assert report.problems == [] and report.quotes_checked, (article.name, report.problems)


def test_every_drafted_item_is_a_draft(drafts):
    for _, (_, draft) in drafts.items():
        briefing = api.open_briefing(draft)
        records = [*(p["properties"] for p in briefing.geodata.places), *briefing.geodata.claims,
                   *briefing.geodata.events, *(r["properties"] for r in briefing.geodata.routes)]
        assert records and all(r.get("status") == "draft" for r in records)


def test_a_draft_renders_dashed_and_marked(drafts, tmp_path):
    _, draft = drafts[CNN]
    html = api.render(draft, tmp_path / "draft.html").path.read_text(encoding="utf-8")
    assert "mapper-draft" in html and "a draft of mapper ingest not yet confirmed" in html
    assert re.search(r'"dashArray": ?"7 6"', html)


def test_the_review_page_marks_each_finding_and_links_it(drafts, tmp_path):
    article = CNN
    page = (tmp_path / "review.html")
    api.ingest(article, review_path=page)
    html = page.read_text(encoding="utf-8")
    assert html.count("<mark") >= 10 and "Content-Security-Policy" in html
    for anchor in set(re.findall(r'<a href="#((?:places|quantities|events)-\d+)">', html)):
        assert f'id="{anchor}"' in html, anchor
    assert "<script" not in html


# -- the parts, on text of our own ---------------------------------------------------------------

@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def _found(text, gazetteer):
    return {m.mention: m for m in find_places(text, sentences(text), gazetteer)}


def test_a_namesake_is_chosen_by_the_countries_around_it_or_left_ambiguous(gazetteer):
    assert _found("Ships sailed from Tripoli to Benghazi.", gazetteer)["Tripoli"].entry.country == "LY"
    assert _found("Lebanon says ships sailed from Tripoli.", gazetteer)["Tripoli"].entry.country == "LB"
    valencia = _found("Cargo went to Valencia.", gazetteer)["Valencia"]
    assert valencia.status == "ambiguous" and valencia.entry is None
    assert {e.country for e, _ in valencia.candidates} >= {"ES", "VE"}


def test_names_of_people_and_codes_are_not_places(gazetteer):
    found = _found("John Kirby said so. The SAN admiral spoke to NIS reporters in Washington.", gazetteer)
    assert "Kirby" not in found and "SAN" not in found and "NIS" not in found
    assert found["Washington"].entry.country == "US"


def test_an_unknown_name_where_a_place_stands_is_listed_with_suggestions(gazetteer):
    found = _found("The ship docked at Simonstown on Tuesday.", gazetteer)
    assert found["Simonstown"].status == "unresolved"
    assert any(s.startswith("Simon's Town") for s in found["Simonstown"].suggestions)


def test_quantities_keep_the_metric_figure_and_the_kind():
    text = ("The missiles have a range of 75 miles (120 kilometers). The plant is about 600 miles east of "
            "Moscow. Ranges of 1,650 and 1,948 km. The ship is 140 m long.")
    found = find_quantities(text, sentences(text))
    assert [(q.value_m, q.kind) for q in found] == [(120_000, "range"), (600 * 1609.344, "distance"),
                                                     (1_650_000, "range"), (1_948_000, "range")]
    assert found[1].direction == "east" and found[1].qualifier == "about"


@pytest.mark.parametrize("phrase, date", [
    ("on Friday", "2024-06-21"), ("on Tuesday", "2024-06-18"), ("April 3", "2024-04-03"),
    ("December 3", "2023-12-03"), ("last year", "2023"), ("earlier this year", "2024"),
    ("last summer", "2023"), ("in February 2022", "2022-02"), ("in 2019", "2019"), ("in March", "2024-03"),
    ("yesterday", "2024-06-20"), ("21 June 2024", "2024-06-21"), ("next year", "2025"),
])
def test_dates_relative_to_the_article(phrase, date):
    text = f"Something happened {phrase}."
    [found] = find_dates(text, sentences(text), "2024-06-21")
    assert found.date == date and found.inferred


def test_relative_dates_need_the_articles_date():
    text = "It happened on Friday, and on 3 March 2023."
    assert [d.date for d in find_dates(text, sentences(text), None)] == ["2023-03-03"]


# -- the command -----------------------------------------------------------------------------------

def test_cli_writes_the_draft_and_the_review_and_keeps_them(run, tmp_path):
    shutil.copy(WENEWS, tmp_path / "wenews.txt")
    result = run("ingest", "wenews.txt", "--outlet", "WE News English")
    assert result.exit_code == 0, result.output
    draft = (tmp_path / "wenews-draft.toml").read_text(encoding="utf-8")
    assert 'outlet = "WE News English"' in draft and 'file = "wenews.txt"' in draft
    assert (tmp_path / "wenews-review.html").is_file()
    again = run("ingest", "wenews.txt")
    assert again.exit_code == 1 and "exists" in again.stderr and again.stderr.count("\n") == 1
    assert run("validate", "wenews-draft.toml").exit_code == 0


def test_cli_json_is_one_line_of_findings(run, tmp_path):
    shutil.copy(CNN, tmp_path / "cnn.txt")
    result = run("ingest", "cnn.txt", "--json")
    assert result.exit_code == 0 and result.stdout.count("\n") == 1
    found = json.loads(result.stdout)
    assert set(FINDINGS) <= set(found) and found["source"]["outlet"] == "CNN"
    assert not list(tmp_path.glob("*.toml"))


@pytest.mark.parametrize("args, code, message", [
    (["missing.txt"], 1, "missing.txt: article not found"),
    (["cnn.txt", "--date", "June 2024"], 2, "give the article's date as YYYY-MM-DD"),
    (["cnn.txt", "--json", "-o", "x.toml"], 2, "--json prints the findings"),
])
def test_cli_faults_are_one_line(run, tmp_path, args, code, message):
    shutil.copy(CNN, tmp_path / "cnn.txt")
    result = run("ingest", *args)
    assert result.exit_code == code and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and result.stderr.strip().splitlines()[-1].startswith("Error: ")
    assert not list(tmp_path.glob("*.toml")) and not list(tmp_path.glob("*.html"))


def test_an_article_over_the_size_limit_is_refused(run, tmp_path):
    (tmp_path / "huge.txt").write_text("Ships sailed to Tartus. " * 100_000, encoding="utf-8")
    result = run("ingest", "huge.txt")
    assert result.exit_code == 1 and "huge.txt" in result.stderr and "at most" in result.stderr


def test_a_long_article_gives_a_draft_within_bounds_that_validates(tmp_path):
    """Many findings: the draft keeps a bounded number of each, says how many it left out, and validates."""
    sentence = "Ships sailed 40 km east of Tartus to Novorossiysk on 3 March 2023 and in April 2022"
    (tmp_path / "long.txt").write_text("\n".join(f"{sentence}, convoy {n}." for n in range(3000)), encoding="utf-8")
    draft = tmp_path / "long-draft.toml"
    result = api.ingest(tmp_path / "long.txt", draft)
    assert len(result.found["events"]) > 200
    text = draft.read_text(encoding="utf-8")
    assert "# Left out of this draft" in text and text.count("[[events]]") == MAX_DRAFTED["events"]
    assert "subtitle" not in text  # no outlet and no date: none invented
    report = api.validate(briefing_path=draft)
    assert report.problems == [], report.problems


def test_a_long_sentence_is_quoted_around_the_finding(tmp_path):
    words = " ".join(f"word{n}" for n in range(400))
    text = f"{words} the ship reached Tartus {words}."
    (tmp_path / "run-on.txt").write_text(text, encoding="utf-8")
    found = api.ingest(tmp_path / "run-on.txt").found
    [tartus] = [p for p in found["places"] if p["mention"] == "Tartus"]
    quote = tartus["quote"]
    assert "Tartus" in quote and len(quote) <= 400
    assert text[tartus["quote_start"]:tartus["quote_start"] + len(quote)] == quote


def test_a_crlf_article_is_read_byte_for_byte(tmp_path):
    """Offsets, quotes and the hash are the file's: a draft of a CRLF file validates, and a name
    wrapped onto the next line is still found."""
    article = tmp_path / "crlf.txt"
    article.write_bytes("Date: 2024-01-05\r\nTitle: T\r\n\r\nShips sailed from Tartus\r\nto Novorossiysk and on to "
                        "Nizhny\r\nNovgorod. Prices hit $1,500m. A boat came within 5 nm of Tartus.\r\n".encode())
    result = api.ingest(article, tmp_path / "crlf-draft.toml")
    found = result.found
    assert found["source"]["sha256"] == hashlib.sha256(article.read_bytes()).hexdigest()
    assert "Nizhny\r\nNovgorod" in {p["mention"] for p in found["places"]}
    assert [q["text"] for q in found["quantities"]] == ["5 nm"]  # not the money
    assert all("\r" not in item["quote"] for kind in FINDINGS for item in found[kind])
    assert api.validate(briefing_path=tmp_path / "crlf-draft.toml").problems == []


def test_a_flow_is_sent_by_a_country_or_city_not_a_sea(drafts):
    found, _ = drafts[CNN]
    assert found["flows"] and all(f["from"] != "Caspian Sea" for f in found["flows"])


def test_no_claim_measures_from_a_country(tmp_path):
    (tmp_path / "a.txt").write_text("Russia is about 600 miles east of Moscow. Kazan lies 450 miles east of Moscow.",
                                    encoding="utf-8")
    claims = api.ingest(tmp_path / "a.txt").found["claims"]
    assert [(c["subject"], c["reference"]) for c in claims] == [("Kazan", "Moscow")]


@pytest.mark.parametrize("args, message", [
    (["-o", "x.toml", "--review", "x.toml"], "the draft and the review page need two different files"),
    (["-o", "cnn.txt", "--overwrite"], "that is the article itself"),
    (["--review", "cnn.txt", "--overwrite"], "that is the article itself"),
])
def test_outputs_never_replace_the_article_or_each_other(run, tmp_path, args, message):
    shutil.copy(CNN, tmp_path / "cnn.txt")
    before = (tmp_path / "cnn.txt").read_bytes()
    result = run("ingest", "cnn.txt", *args)
    assert result.exit_code == 2 and message in result.stderr
    assert (tmp_path / "cnn.txt").read_bytes() == before and not (tmp_path / "x.toml").exists()


def test_a_long_title_can_be_given(run, tmp_path):
    (tmp_path / "t.txt").write_text("Title: " + "Long " * 60 + "\n\nShips sailed to Tartus.\n", encoding="utf-8")
    refused = run("ingest", "t.txt")
    assert refused.exit_code == 1 and "give --title" in refused.stderr
    assert run("ingest", "t.txt", "--title", "Short").exit_code == 0


def test_hostile_text_costs_bounded_work(tmp_path):
    """Half a megabyte of findings with no full stop: no step grows with the square of the text."""
    piece = "Zorbaz Kreltor 600 miles east of Moscow June 21, 2024 Mr. Iran ships arms to Tartus "
    (tmp_path / "hostile.txt").write_text(piece * (500_000 // len(piece)), encoding="utf-8")
    started = time.perf_counter()
    found = api.ingest(tmp_path / "hostile.txt", tmp_path / "hostile-draft.toml").found
    assert time.perf_counter() - started < 60
    assert len(found["quantities"]) <= 2_000 and len(found["events"]) <= 2_000
    assert all(len(item["quote"]) <= 400 for kind in FINDINGS for item in found[kind])
    assert api.validate(briefing_path=tmp_path / "hostile-draft.toml").problems == []
