"""Dates in an article, absolute or relative to the article's own date, each with how it was worked out.

- "June 21, 2024", "21 June 2024", "2024-06-21": as written;
- "April 3", "on 3 April": that day in the article's year, or the year before if it would
  fall more than a month after the article;
- "February 2022", "in 2023": the month, the year;
- "on Friday", "Tuesday night": the last such day on or before the article's date;
- "today", "yesterday", "last week", "last month", "this year", "earlier this year",
  "last year", "next year", "last summer": from the article's date.

An article without a date of its own keeps only the absolute dates.
"""

import bisect
import datetime
import re
from dataclasses import dataclass

from mapper.load.article import MONTHS
from mapper.text.spans import quote_of, sentence_at

_MONTH = (r"(January|February|March|April|May|June|July|August|September|October|November|December|"
          r"Jan\.|Feb\.|Mar\.|Apr\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)")
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"((?:19|20)\d{2})(?![\d,.]\d)"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
PATTERNS = (
    ("month-day-year", re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}")),
    ("day-month-year", re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR}")),
    ("iso", re.compile(r"\b((?:19|20)\d{2})-(\d{2})-(\d{2})\b")),
    ("month-year", re.compile(rf"\b{_MONTH},?\s+{_YEAR}")),
    ("month-day", re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?!,?\s+\d)")),
    ("day-month", re.compile(rf"\b{_DAY}\s+{_MONTH}(?!,?\s+\d)")),
    ("year", re.compile(rf"\b(?:in|since|by|until|from|of|early|late|mid-?|during|before|after)\s+{_YEAR}\b",
                        re.IGNORECASE)),
    ("month", re.compile(rf"\b(?i:in|since|by|until|from|during|early|late|mid-?|last|this|next)\s+{_MONTH}"
                         r"(?![\w,]*\s+\d)")),
    ("weekday", re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")),
    ("relative", re.compile(r"\b(today|yesterday|last week|last month|earlier this year|this year|"
                            r"last year|next year|early next year|later this year|the previous year|"
                            r"the year before|later this week|earlier this week|this week|next week|"
                            r"last (?:spring|summer|autumn|fall|winter)|this (?:spring|summer|autumn|fall|winter))\b",
                            re.IGNORECASE)),
)
AHEAD_DAYS = 31  # "April 3" in an article of 21 June is this year's; "December 3" is last year's
MAX_DATES = 2_000


@dataclass
class Dated:
    text: str
    start: int
    end: int
    date: str  # YYYY, YYYY-MM or YYYY-MM-DD
    inferred: str  # how: "as written", "the article's year", "the Friday before the article's date", ...
    quote: str
    quote_start: int


def _month(name):
    return MONTHS[name.lower().rstrip(".")]


def _on_or_before(day, reference):
    """``day`` in its year, or a year earlier if it falls well after ``reference``."""
    if (day - reference).days > AHEAD_DAYS:
        return day.replace(year=day.year - 1), "the year before the article's (it would fall after it)"
    return day, "the article's year"


def _resolve(kind, groups, article_date):
    """(date, how) for a match, or None where it cannot be worked out."""
    reference, exact = None, False
    if article_date and len(article_date) == 10:
        reference, exact = datetime.date.fromisoformat(article_date), True
    elif article_date and len(article_date) == 7:  # only the month: its last day stands in, for the year
        year, month = int(article_date[:4]), int(article_date[5:])
        reference = datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)
    try:
        if kind == "month-day-year":
            return datetime.date(int(groups[2]), _month(groups[0]), int(groups[1])).isoformat(), "as written"
        if kind == "day-month-year":
            return datetime.date(int(groups[2]), _month(groups[1]), int(groups[0])).isoformat(), "as written"
        if kind == "iso":
            return datetime.date(int(groups[0]), int(groups[1]), int(groups[2])).isoformat(), "as written"
        if kind == "month-year":
            return f"{int(groups[1]):04d}-{_month(groups[0]):02d}", "as written"
        if kind == "year":
            return groups[0], "as written"
        if reference is None:
            return None
        if kind in ("month-day", "day-month"):
            month, day = (groups[0], groups[1]) if kind == "month-day" else (groups[1], groups[0])
            found, how = _on_or_before(datetime.date(reference.year, _month(month), int(day)), reference)
            return found.isoformat(), how
        if kind == "month":
            found, how = _on_or_before(datetime.date(reference.year, _month(groups[0]), 1), reference)
            return found.isoformat()[:7], how
        if kind == "weekday" and not exact:
            return None
        if kind == "weekday":
            back = (reference.weekday() - WEEKDAYS.index(groups[0].lower())) % 7
            found = reference - datetime.timedelta(days=back)
            return found.isoformat(), f"the last {groups[0]} on or before the article's date ({reference})"
    except ValueError:
        return None
    if not exact and groups[0].lower() in ("today", "yesterday", "last week", "this week", "later this week",
                                           "earlier this week", "next week"):
        return None
    return _relative(groups[0].lower(), reference)


def _relative(words, reference):
    year = reference.year
    if words == "today":
        return reference.isoformat(), "the article's date"
    if words == "yesterday":
        return (reference - datetime.timedelta(days=1)).isoformat(), "the day before the article's date"
    if words == "last week":
        monday = reference - datetime.timedelta(days=reference.weekday() + 7)
        return monday.isoformat()[:10], "the week before the article's (its Monday)"
    if words == "last month":
        first = reference.replace(day=1) - datetime.timedelta(days=1)
        return first.isoformat()[:7], "the month before the article's"
    if words in ("this year", "earlier this year", "later this year"):
        return str(year), "the article's year"
    if words in ("this week", "later this week", "earlier this week"):
        return reference.isoformat()[:7], "the month of the article's week"
    if words == "next week":
        return (reference + datetime.timedelta(days=7)).isoformat()[:7], "the month of the week after the article's"
    if words in ("last year", "the previous year", "the year before"):
        return str(year - 1), "the year before the article's"
    if words in ("next year", "early next year"):
        return str(year + 1), "the year after the article's"
    season = words.split()[-1]
    if words.startswith("this"):
        return str(year), f"the article's year (this {season})"
    # "last summer": the last one that was over (three months on from its start) by the article's date;
    # kept to the year, as a season has no date of its own.
    start = datetime.date(year, SEASONS[season], 1)
    over = start + datetime.timedelta(days=92) <= reference
    return str(year if over else year - 1), f"the year of the last {season} over by the article's date"


def find_dates(text, sentences, article_date, start=0):
    """Every date in ``text`` from ``start`` that can be worked out, as :class:`Dated`s in text order."""
    taken, found = [], []  # taken: sorted (start, end) of the dates found, which never overlap
    for kind, pattern in PATTERNS:
        if len(found) >= MAX_DATES:
            break
        for match in pattern.finditer(text, start):
            at = bisect.bisect_left(taken, (match.start(), match.start()))
            if (at < len(taken) and taken[at][0] < match.end()) or (at > 0 and taken[at - 1][1] > match.start()):
                continue  # inside a longer date already found
            resolved = _resolve(kind, match.groups(), article_date)
            if resolved is None:
                continue
            bisect.insort(taken, (match.start(), match.end()))
            text_start = match.start(1) if kind in ("year", "month") else match.start()
            sentence = sentence_at(sentences, match.start())
            found.append(Dated(text[text_start:match.end()], text_start, match.end(), resolved[0], resolved[1],
                               *quote_of(text, sentence, text_start, match.end())))
            if len(found) >= MAX_DATES:
                break
    return sorted(found, key=lambda d: d.start)
