"""Distances and ranges in an article ("a range of 75 miles (120 kilometers)", "about 1,500 km from").

A number with a length unit is one quantity; a second figure in brackets
right after it ("75 miles (120 kilometers)") is the same length in other
units, and the metric one is kept as ``value_m``.  A quantity is a
``range`` when the words just before it speak of range or reach, else a
``distance``.  "N units DIRECTION of PLACE" is a relative position, kept as
``direction`` for a claim.
"""

import bisect
import re
from dataclasses import dataclass

from mapper.text.spans import quote_of, sentence_at

UNITS_M = {"km": 1000.0, "kilometer": 1000.0, "kilometre": 1000.0, "kms": 1000.0,
           "mile": 1609.344, "mi": 1609.344, "nautical mile": 1852.0, "nmi": 1852.0, "nm": 1852.0,
           "meter": 1.0, "metre": 1.0, "m": 1.0}
METRIC = {"km", "kilometer", "kilometre", "kms", "meter", "metre", "m"}
UNIT_CODES = {"mile": "mi", "mi": "mi", "nautical mile": "nmi", "nmi": "nmi", "nm": "nmi"}
_UNIT = r"(nautical[ -]miles?|nmi|nm|kilomet(?:er|re)s?|kms?|km|miles?|mi|met(?:er|re)s?|m)\b"
_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
# "1,650 and 1,948 km", "between 300 and 500 miles": the first figure takes the unit of the second.
SHARED_UNIT = re.compile(rf"{_NUMBER}(?=\s*(?:and|or|to|-|–)\s*{_NUMBER}\s*{_UNIT})", re.IGNORECASE)
QUANTITY = re.compile(rf"{_NUMBER}\s*(?:-|‑)?\s*{_UNIT}(?:\s*\(\s*(?:about\s+|some\s+|~)?{_NUMBER}\s*{_UNIT}\s*\))?",
                      re.IGNORECASE)
RANGE_WORDS = re.compile(r"\b(range|ranges|reach|strike|striking|radius|flight)\b[^.;]{0,40}$", re.IGNORECASE)
QUALIFIERS = {"about": "about", "around": "about", "some": "about", "roughly": "about", "approximately": "about",
              "nearly": "nearly", "almost": "nearly", "up to": "up to", "more than": "more than",
              "over": "more than", "at least": "at least", "less than": "less than"}
DIRECTIONS = ("north-east", "north-west", "south-east", "south-west", "northeast", "northwest", "southeast",
              "southwest", "north", "south", "east", "west")
DIRECTION_AFTER = re.compile(rf"\s+({'|'.join(DIRECTIONS)})\s+of\s+", re.IGNORECASE)
MAX_QUANTITIES = 2_000
MIN_METRES = 1_000  # lengths in metres below this are sizes of things, not distances
BEFORE_CHARS = 80  # the words before a figure that say what it is ("a range of", "about")
CURRENCY = "$£€¥₽"


@dataclass
class Quantity:
    text: str
    start: int
    end: int
    value: float  # as stated, in ``unit``
    unit: str  # the stated unit's code: km, mi, nmi or m
    value_m: float
    kind: str  # range or distance
    quote: str
    quote_start: int
    qualifier: str = ""
    stated: tuple = ()  # ((value, unit), ...) every figure the text gives for it
    direction: str = ""  # "east" in "600 miles east of Moscow"
    reference_at: int = -1  # offset just after "east of ", where the reference place's name starts


def _unit(text):
    text = text.lower().rstrip("s") if text.lower() not in ("kms",) else "km"
    text = text.replace("-", " ")
    if text.startswith("nautical"):
        return "nautical mile"
    if text.startswith("kilomet"):
        return "kilometer"
    if text.startswith("met"):
        return "meter"
    return text


def _code(unit):
    return "km" if unit in ("kilometer", "km") else "m" if unit in ("meter", "m") else UNIT_CODES.get(unit, unit)


def find_quantities(text, sentences, start=0):
    """Every length with a unit in ``text`` from ``start``, as :class:`Quantity`s in text order."""
    found = []
    for match in QUANTITY.finditer(text, start):
        if len(found) >= MAX_QUANTITIES:
            break
        number, unit = float(match.group(1).replace(",", "")), _unit(match.group(2))
        if unit in ("m", "meter") and number < MIN_METRES:
            continue  # "3 m", "200 meters long": a size, not a distance on a map
        stated = [(number, _code(unit))]
        value_m = number * UNITS_M[unit]
        if match.group(3):
            other, other_unit = float(match.group(3).replace(",", "")), _unit(match.group(4))
            stated.append((other, _code(other_unit)))
            if other_unit in METRIC and unit not in METRIC:
                value_m = other * UNITS_M[other_unit]
        if match.start() > 0 and text[match.start() - 1] in CURRENCY:
            continue  # "$1,500m": money
        sentence = sentence_at(sentences, match.start())
        before = text[max(sentence.start, match.start() - BEFORE_CHARS):match.start()]
        qualifier = ""
        for words, meaning in QUALIFIERS.items():
            if before.lower().rstrip().endswith(words):
                qualifier = meaning
        kind = "range" if RANGE_WORDS.search(before) else "distance"
        direction, reference_at = "", -1
        after = DIRECTION_AFTER.match(text, match.end(), sentence.end)
        if after:
            direction, reference_at = after.group(1).lower().replace("-", ""), after.end()
        found.append(Quantity(match.group(0), match.start(), match.end(), number, _code(unit), value_m, kind,
                              *quote_of(text, sentence, match.start(), match.end()), qualifier, tuple(stated),
                              direction, reference_at))
    spans = sorted((q.start, q.end) for q in found)
    for match in SHARED_UNIT.finditer(text, start):
        if len(found) >= MAX_QUANTITIES:
            break
        at = bisect.bisect_right(spans, (match.start(), float("inf"))) - 1
        if at >= 0 and spans[at][0] <= match.start() < spans[at][1]:
            continue  # the figure of a quantity already found
        unit = _unit(match.group(3))
        number = float(match.group(1).replace(",", ""))
        if unit in ("m", "meter") and number < MIN_METRES:
            continue
        sentence = sentence_at(sentences, match.start())
        before = text[max(sentence.start, match.start() - BEFORE_CHARS):match.start()]
        kind = "range" if RANGE_WORDS.search(before) else "distance"
        found.append(Quantity(match.group(1), match.start(), match.end(), number, _code(unit),
                              number * UNITS_M[unit], kind, *quote_of(text, sentence, match.start(), match.end()),
                              stated=((number, _code(unit)),)))
    return sorted(found, key=lambda q: q.start)
