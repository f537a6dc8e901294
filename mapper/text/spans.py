"""Sentences and words of an article, as character offsets into its text (so every quote is exact)."""

import re
from dataclasses import dataclass

ABBREVIATIONS = {"u.s", "u.k", "u.n", "e.u", "mr", "mrs", "ms", "dr", "st", "no", "gen", "lt", "col", "capt", "sgt",
                 "adm", "gov", "sen", "rep", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
                 "nov", "dec", "vs", "etc", "inc", "corp", "co", "ltd", "jr", "sr", "approx"}
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
        before = text[begin:match.start()].split()
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
    """The sentence span holding ``offset``."""
    for span in spans:
        if span.start <= offset < span.end:
            return span
    return spans[-1]


def words(text, start, end):
    """(start, end) of each word of ``text[start:end]`` (letters, inner apostrophes, hyphens and dots)."""
    return [(m.start(), m.end()) for m in WORD.finditer(text, start, end)]
