"""Sentences and words of an article, as character offsets into its text (so every quote is exact)."""

import bisect
import re
from dataclasses import dataclass

from mapper.core.text import CONTROL_CHARS

ABBREVIATIONS = {"u.s", "u.k", "u.n", "e.u", "mr", "mrs", "ms", "dr", "st", "no", "gen", "lt", "col", "capt", "sgt",
                 "adm", "gov", "sen", "rep", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
                 "nov", "dec", "vs", "etc", "inc", "corp", "co", "ltd", "jr", "sr", "approx"}
LAST_WORD_CHARS = 12  # longer than any abbreviation above
MAX_QUOTE_CHARS = 400  # a longer sentence is quoted around the finding
# Characters a quote may not hold (mapper.load.schema refuses them): control characters but tab and newline.
_NOT_IN_QUOTE = re.compile(f"(?![\t\n])[{CONTROL_CHARS}]")
_END = re.compile(r"[.!?]+[\"”’)\]]*(?=\s)|\n\s*\n")
WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿĀ-ſ][A-Za-zÀ-ÖØ-öø-ÿĀ-ſ'’.\-]*[A-Za-zÀ-ÖØ-öø-ÿĀ-ſ]|[A-Za-zÀ-ÖØ-öø-ÿĀ-ſ]")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def sentences(text, start=0):
    """Spans of the sentences of ``text`` from offset ``start``, trimmed; a blank line always ends one."""
    found, begin = [], start
    for match in _END.finditer(text, start):
        # The word before the stop (looked at in a short window: a long run-on text stays linear).
        before = text[max(begin, match.start() - LAST_WORD_CHARS):match.start()].split()
        last = before[-1].lower().rstrip(".") if before else ""
        if match.group().strip() and (last in ABBREVIATIONS or re.fullmatch(r"[a-z]", last)):
            continue  # "U.S. officials": not the end of a sentence
        found.append((begin, match.end()))
        begin = match.end()
    found.append((begin, len(text)))
    spans = []
    for a, b in found:
        piece = text[a:b]
        a += len(piece) - len(piece.lstrip())
        b -= len(piece) - len(piece.rstrip())
        if b > a:
            spans.append(Span(a, b))
    return spans


def sentence_at(spans, offset):
    """The sentence span holding ``offset`` (or the last one before it): ``spans`` are in text order."""
    at = bisect.bisect_right(spans, offset, key=lambda span: span.start) - 1
    return spans[max(at, 0)]


def words(text, start, end):
    """(start, end) of each word of ``text[start:end]`` (letters, inner apostrophes, hyphens and dots)."""
    return [(m.start(), m.end()) for m in WORD.finditer(text, start, end)]


def quote_of(text, sentence, start, end):
    """``(quote, offset)``: the sentence holding ``text[start:end]``, or the words around it if the
    sentence is long, without the control characters a quote may not hold (a CR ends it there); an exact
    slice of ``text``.  The work is bounded by MAX_QUOTE_CHARS, however long the sentence."""
    low, high = sentence.start, sentence.end
    end = min(end, start + MAX_QUOTE_CHARS)
    left, right = low, high
    if high - low > MAX_QUOTE_CHARS:
        half = max(0, MAX_QUOTE_CHARS - (end - start)) // 2
        left, right = max(low, start - half), min(high, end + half)
        right = min(high, max(right, left + MAX_QUOTE_CHARS))  # a side cut short gives its room to the other
        left = max(low, min(left, right - MAX_QUOTE_CHARS))
    for bad in _NOT_IN_QUOTE.finditer(text, left, right):
        if bad.end() <= start:
            left = bad.end()
        else:  # after the finding, or in it ("Nizhny\r\nNovgorod"): the quote stops there
            right = bad.start()
            end = min(end, right)
            break
    if (left, right) != (low, high):
        while low < left < start and not text[left - 1].isspace():
            left += 1  # begin on a word
        while end < right < high and not text[right].isspace():
            right -= 1  # end on a word
    piece = text[left:right]
    stripped = piece.strip()
    return stripped, left + (len(piece) - len(piece.lstrip()))
