"""A saved news article: its text, its hash, and the title, outlet and date it prints.

Two layouts are read:

- header lines first (``Title:``, ``Outlet:``, ``Date:``, ``Source:`` or ``URL:``), then a blank line;
- or the page as copied: a date line among the first lines ("Friday, June 21, 2024",
  "Tue Sep 10 2024", "10 September 2024", "2024-09-10"), the title as the first other short
  line, and the outlet from a dateline such as "(CNN) —".

What the text does not print comes from the caller (``mapper ingest --title --outlet --date``),
which also wins over what it does print.
"""

import datetime
import hashlib
import re
from dataclasses import dataclass

from mapper.errors import DataError
from mapper.load.files import read_bytes

HEAD_LINES = 8  # where a page's date and title are looked for
MAX_TITLE_CHARS = 200
HEADER = re.compile(r"^(title|outlet|date|source|url|author|byline)\s*:\s*(.+)$", re.IGNORECASE)
DATELINE_OUTLET = re.compile(r"^\(([A-Z][A-Za-z .&]{1,40})\)\s*[—–-]")
MONTHS = {name: n for n, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
     ("november", "nov"), ("december", "dec")], start=1) for name in names}
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|" \
         r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
PRINTED_DATES = (
    (re.compile(rf"^{_WEEKDAY}{_MONTH}\s+(\d{{1,2}}),?\s+(\d{{4}})$", re.I), ("month", "day", "year")),
    (re.compile(rf"^{_WEEKDAY}(\d{{1,2}})\s+{_MONTH},?\s+(\d{{4}})$", re.I), ("day", "month", "year")),
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), ("year", "month", "day")),
    (re.compile(rf"^{_MONTH},?\s+(\d{{4}})\b", re.I), ("month", "year")),  # a month: "December 2023"
)


@dataclass(frozen=True)
class Article:
    """A saved article: ``text`` as read, and what its head says about it."""

    path: object
    text: str
    sha256: str
    title: str | None
    outlet: str | None
    date: str | None  # ISO YYYY-MM-DD, or YYYY-MM where the text gives only the month
    date_printed: str | None
    url: str | None
    body_start: int = 0  # offset of the text after the header lines, or after a copied page's date and title


def printed_date(text):
    """``(ISO date, text)`` if ``text`` is a date as pages print it, else None."""
    text = text.strip()
    for pattern, order in PRINTED_DATES:
        found = pattern.match(text)
        if found:
            parts = dict(zip(order, found.groups()))
            month = parts["month"]
            month = int(month) if month.isdigit() else MONTHS.get(month.lower().rstrip("."))
            try:
                day = datetime.date(int(parts["year"]), month, int(parts.get("day", 1)))
            except (TypeError, ValueError):
                return None
            return (day.isoformat() if "day" in parts else day.isoformat()[:7]), text
    return None


def _from_headers(lines):
    """The header lines' values by lower-case key, and how many lines they take."""
    found = {}
    for count, line in enumerate(lines):
        match = HEADER.match(line.strip("\ufeff \t\r\n"))
        if not match:
            return found, count
        found[match.group(1).lower()] = match.group(2).strip()
    return found, len(lines)


def _from_page(lines):
    """(title, date, date as printed, outlet, lines of the head) from a page's first lines and its dateline.

    The head is the lines up to the last of the date and the title: what the page prints about
    the article, not the article.
    """
    title = date = printed = outlet = None
    head_end = 0
    shown = [(n, line.strip("\ufeff \t\r\n")) for n, line in enumerate(lines)
             if line.strip("\ufeff \t\r\n")][:HEAD_LINES]
    for n, line in shown:
        parsed = printed_date(line)
        if parsed and date is None:
            date, printed = parsed
            head_end = n + 1
        elif title is None and len(line) <= MAX_TITLE_CHARS and not line.endswith((".", ":")):
            title = line
            head_end = n + 1
    for line in lines:
        match = DATELINE_OUTLET.match(line.strip())
        if match:
            outlet = match.group(1).strip()
            break
    return title, date, printed, outlet, head_end


def read_article(path):
    """The :class:`Article` saved at ``path`` (a regular UTF-8 text file, within the size limit of an article).

    The text is the file's, byte for byte (no newline translation), so offsets, quotes and the hash
    are those of the file, as `mapper validate` reads it to check quotes.
    """
    raw = read_bytes(path, "article")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from None
    if not text.strip("\ufeff \t\r\n"):
        raise DataError(f"{path}: article is empty")
    lines = text.splitlines()
    headers, header_lines = _from_headers(lines)
    if headers:
        date = headers.get("date")
        parsed = printed_date(date) if date else None
        iso = parsed[0] if parsed else None
        title, printed, outlet = headers.get("title"), date, headers.get("outlet")
        url = headers.get("source") or headers.get("url")
    else:
        title, iso, printed, outlet, header_lines = _from_page(lines)
        url = None
    body_start = sum(len(line) for line in text.splitlines(keepends=True)[:header_lines])
    return Article(path, text, hashlib.sha256(raw).hexdigest(), title, outlet, iso, printed, url, body_start)
