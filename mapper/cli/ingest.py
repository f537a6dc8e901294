"""``mapper ingest``: a draft briefing, a review page and the findings of a news article."""

import json

import click

from mapper.cli.options import log, overwrite_option, reports_errors, say


@click.command("ingest")
@click.argument("article", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "draft", type=click.Path(dir_okay=False),
              help="Write the draft briefing (TOML) here; default: beside the article, NAME-draft.toml.")
@click.option("--review", type=click.Path(dir_okay=False),
              help="Write the review page (HTML) here; default: beside the draft, NAME-review.html.")
@click.option("--json", "as_json", is_flag=True,
              help="Print every finding as JSON (quotes, offsets, confidence, candidates) and write no file.")
@click.option("--title", help="The article's title, if its text does not print it (or prints it wrong).")
@click.option("--outlet", help="The outlet that published it, e.g. \"CNN\".")
@click.option("--date", help="Its date, YYYY-MM-DD: relative dates (\"on Friday\", \"last year\") count from it.")
@click.option("-b", "--briefing", type=click.Path(dir_okay=False),
              help="Look names up among this briefing's places first (then the gazetteer).")
@overwrite_option
@reports_errors
def ingest(article, draft, review, as_json, title, outlet, date, briefing, overwrite):
    """Find the places, distances, ranges, dates, claims and flows in ARTICLE (a text file).

    Each finding keeps its exact quote.  The draft briefing cites the saved
    article, marks every item status = "draft" (drawn dashed), and lists
    the names it could not place with suggestions; `mapper validate` checks
    its quotes and `mapper render` draws it.  Review it, set confirmed items
    to status = "confirmed", then render.

    \b
    Example:
        mapper ingest article.txt
        mapper ingest article.txt -o draft.toml --outlet CNN --date 2024-06-21
        mapper ingest article.txt --json > findings.json
        mapper validate article-draft.toml && mapper render article-draft.toml
    """
    from pathlib import Path

    from mapper import api  # here, not at the top: --help loads no library code

    if as_json:
        if draft or review:
            raise click.UsageError("--json prints the findings; give -o or --review without it")
        result = api.ingest(article, title=title, outlet=outlet, date=date, briefing_path=briefing)
        say(json.dumps(result.found, ensure_ascii=False))
        return
    stem = Path(article).with_suffix("")
    draft = draft or f"{stem}-draft.toml"
    review = review or str(Path(draft).with_name(Path(draft).stem.removesuffix("-draft") + "-review.html"))
    result = api.ingest(article, draft, review, title=title, outlet=outlet, date=date, briefing_path=briefing,
                        overwrite=overwrite)
    found = result.found
    placed = sum(1 for p in found["places"] if "lat" in p)
    log.info("wrote %s (%d places, %d not placed, %d quantities, %d claims, %d events, %d suggested flows) and %s",
             result.draft_path, placed, len(found["places"]) - placed, len(found["quantities"]),
             len(found["claims"]), len(found["events"]), len(found["flows"]), result.review_path)
