"""Place names in an article, resolved with the gazetteer: each with its quote, choice, confidence and rivals.

A place is a run of capitalised words (with "of", "al-" and the like inside)
that the gazetteer knows, the longest first.  A city name alone must look
like a place where it stands: a large city, or a name after "in", "to",
"from" and the like; next to another capitalised word it is part of a
person's or an organisation's name ("John Kirby"), not a place.

Where several places share a name, the one in a country the article names
wins, then the larger; when two in different countries stay close, the
mention is ``ambiguous`` and none is chosen.  A name the gazetteer does not
know but that stands where places stand ("the Alabuka special economic
zone", "in Gamztoz") is ``unresolved``, with suggestions by spelling; one
with a single close spelling and a place word after it is taken, with a low
confidence and a note that says so.  Nothing is guessed silently.
"""

import difflib
import math
import re
from dataclasses import dataclass, field

from mapper.load.countries import fold
from mapper.text.spans import quote_of, words

LOCATIVES = {"in", "to", "from", "near", "at", "via", "into", "across", "off", "outside", "toward", "towards",
             "through", "between", "and", "inside", "around", "reach", "reached", "hit", "struck", "attack",
             "against", "on", "of"}
# Words after a name that make it a place ("Tartus port", "Alabuka special economic zone"), with the kind.
PLACE_WORDS = {"port": "port", "harbour": "port", "harbor": "port", "naval base": "port", "base": "site",
               "air base": "site", "airbase": "site", "airfield": "site", "airport": "site", "refinery": "site",
               "plant": "industrial-zone", "factory": "industrial-zone", "special economic zone": "industrial-zone",
               "economic zone": "industrial-zone", "industrial zone": "industrial-zone", "zone": "site",
               "region": "site", "province": "site", "oblast": "site", "district": "site", "city": "city",
               "town": "town", "village": "town", "island": "site", "islands": "site", "peninsula": "site",
               "strait": "sea", "sea": "sea", "bay": "sea", "gulf": "sea", "river": "site", "lake": "site"}
# Capitalised words that begin sentences and titles but are never places.
NOT_PLACES = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
              "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
              "sunday", "president", "secretary", "minister", "ministry", "general", "state", "department",
              "council", "national", "security", "army", "navy", "force", "forces", "union", "the", "this",
              "that", "these", "those", "but", "and", "however", "according", "during", "after", "before",
              "while", "since", "also", "it", "he", "she", "they", "we", "in", "on", "at", "for", "with", "as",
              "by", "from", "to", "of", "a", "an", "is", "are", "was", "were", "said", "says", "if", "when",
              "there", "here", "its", "their", "his", "her", "our", "first", "last", "more", "most", "north",
              "south", "east", "west", "northern", "southern", "eastern", "western", "central"}
# A word that names a people or a language ("Iranian port") before an unknown name: not a place name.
ADJECTIVE_ENDINGS = ("ian", "ean", "ese", "ish", "ic", "an")
JOINERS = {"of", "the", "al", "el", "de", "del", "da", "di", "la", "le", "upon", "on", "and"}
BIG_CITY = 100_000  # people: a city this large is a place wherever its name stands
AMBIGUOUS_MARGIN = 1.0  # score: log10 of population, +2 in a country the article names
SPELLING_CUTOFF = 0.8
SPELLING_TAKEN = 0.85
SUGGESTIONS = 5
PLACE_WORD_CHARS = 30  # longer than any phrase of PLACE_WORDS
MAX_SPELLING_LOOKUPS = 200  # distinct unknown names given suggestions in one article (each scans many names)
NEARBY_BONUS = 0.1
NEARBY_WORDS = 40  # a country named this many words either side counts as the sentence's
TAKEN_LEAD = 0.02  # a spelling is taken only this far ahead of the next
NOT_PLACE_PHRASES = {"white house", "pentagon", "state department", "security council"}
MAX_MENTIONS = 5_000  # place mentions kept from one article


@dataclass
class Mention:
    """A place as the article names it, and what the gazetteer made of it."""

    mention: str
    start: int
    end: int
    quote: str
    quote_start: int
    status: str  # resolved, ambiguous or unresolved
    entry: object = None  # the chosen gazetteer Entry
    confidence: float = 0.0
    candidates: list = field(default_factory=list)  # (Entry, score) passed over or in the running
    suggestions: list = field(default_factory=list)  # names, for an unresolved one
    kind: str = ""  # a mapper place kind for the draft
    note: str = ""
    hits: list = field(default_factory=list, repr=False)  # the gazetteer's matches, for a second look


def _possessive(text, start, end):
    """``end`` without a trailing possessive ("Russia’s" -> "Russia")."""
    return end - 2 if text[start:end].endswith(("'s", "’s")) and end - start > 2 else end


def _capitalised(word):
    """True for a capitalised word, or one with a capitalised part ("al-Mandab", "ar-Raqqa")."""
    return any(part[:1].isupper() for part in re.split(r"[-'’]", word))


def _place_word_after(text, end, sentence_end):
    """(kind, end) of a place word right after ``end`` ("port", "special economic zone"), or None."""
    rest = text[end:min(sentence_end, end + PLACE_WORD_CHARS)].lower()
    stripped = rest.lstrip()
    gap = len(rest) - len(stripped)
    if gap > 1:
        return None
    for phrase in sorted(PLACE_WORDS, key=len, reverse=True):
        if stripped.startswith(phrase) and (len(stripped) == len(phrase) or not stripped[len(phrase)].isalpha()):
            return PLACE_WORDS[phrase], end + gap + len(phrase)
    return None


def _word_before(text, spans, i):
    return text[spans[i - 1][0]:spans[i - 1][1]].lower() if i > 0 else ""


def _score(entry, named_countries):
    return math.log10(entry.population + 10) + (2.0 if entry.country and entry.country in named_countries else 0.0)


def _choose(found, named_countries):
    """(status, entry, confidence, candidates) for gazetteer matches ``found`` [(Entry, is_alternate)]."""
    best, alternate = found[0]
    if best.origin != "city":
        return "resolved", best, 0.95 if best.origin == "own" else 0.9, [(e, None) for e, _ in found[1:]]
    cities = sorted(((entry, _score(entry, named_countries) + (0 if alt else 0.5)) for entry, alt in found),
                    key=lambda item: -item[1])
    (top, top_score), rivals = cities[0], cities[1:]
    close = [(e, s) for e, s in rivals if top_score - s < AMBIGUOUS_MARGIN and e.country != top.country]
    if close:
        return "ambiguous", None, 0.0, cities
    margin = top_score - rivals[0][1] if rivals else 3.0
    return "resolved", top, round(min(0.9, 0.5 + 0.15 * margin), 2), rivals


class _Suggester:
    """Close spellings among the gazetteer's names, by first letter (built once)."""

    def __init__(self, gazetteer):
        self.gazetteer = gazetteer
        self.by_letter = {}
        self.found = {}  # folded name -> its close spellings, each name looked up once

    def close(self, name):
        key = fold(name)
        if not key:
            return []
        if key not in self.found:
            self.found[key] = self._close(key) if len(self.found) < MAX_SPELLING_LOOKUPS else []
        return self.found[key]

    def _close(self, key):
        names = self.by_letter.get(key[0])
        if names is None:
            names = self.by_letter[key[0]] = [n for n in self.gazetteer.by_name if n[:1] == key[0]]
        near = [n for n in names if abs(len(n) - len(key)) <= 2]
        return [(n, difflib.SequenceMatcher(None, key, n).ratio())
                for n in difflib.get_close_matches(key, near, SUGGESTIONS, SPELLING_CUTOFF)]


def _suggested(gazetteer, suggester, name, nearby_countries):
    """[(label, Entry, score)] for the close spellings of ``name``, best first.

    A spelling's score is how alike it is, plus NEARBY_BONUS for a place in a country named in
    the same sentence ("Russia’s Alabuka": Alabuga in Russia before Ala-Buka in Kyrgyzstan).
    """
    out, seen = [], set()
    for key, ratio in suggester.close(name):
        entry, _ = gazetteer.lookup(key)[0]
        if entry in seen:
            continue
        seen.add(entry)
        label = f"{entry.name} ({key})" if fold(entry.name) != key else entry.name
        if entry.country:
            label += f", {entry.country}"
        out.append((label, entry, ratio + (NEARBY_BONUS if entry.country in nearby_countries else 0.0)))
    return sorted(out, key=lambda item: -item[2])


def find_places(text, sentences, gazetteer, start=0):
    """Every place mention in ``text`` from ``start``, as :class:`Mention`s in text order."""
    found = []
    suggester = _Suggester(gazetteer)
    spans_by_sentence = [(s, words(text, s.start, s.end)) for s in sentences if s.end > start]
    # First the countries the article names: a city in one of them wins over a namesake elsewhere.
    named = set()
    for _, spans in spans_by_sentence:
        for a, b in spans:
            for entry, _ in gazetteer.lookup(fold(text[a:_possessive(text, a, b)])):
                if entry.origin == "country" and entry.country:
                    named.add(entry.country)
    for sentence, spans in spans_by_sentence:
        i = 0
        while i < len(spans) and len(found) < MAX_MENTIONS:
            a, b = spans[i]
            if not _capitalised(text[a:b]) or a < start:
                i += 1
                continue
            match = _longest(text, spans, i, gazetteer)
            if fold(text[a:b]) in NOT_PLACES and not (match and match[0] > 1):
                i += 1  # "North" alone is no place; "North Korea" is
                continue
            if match and fold(text[a:match[1]]) in NOT_PLACE_PHRASES:
                i += match[0]
                continue
            if match:
                n, end, hits = match
                mention = _resolved(text, sentence, spans, i, n, end, hits, named)
                if mention:
                    found.append(mention)
                i += n
                continue
            unknown = _unknown(text, sentence, spans, i, gazetteer, suggester)
            if unknown:
                mention, n = unknown
                found.append(mention)
                i += n
                continue
            i += 1
    # A second look at the ambiguous: the countries of the places resolved around them count too
    # ("from Tripoli to Benghazi": Tripoli in Libya).
    around = named | {m.entry.country for m in found if m.status == "resolved" and m.entry.country}
    for mention in found:
        if mention.status == "ambiguous":
            status, entry, confidence, candidates = _choose(mention.hits, around)
            if status == "resolved":
                mention.status, mention.entry, mention.confidence, mention.candidates = \
                    status, entry, round(confidence * 0.9, 2), candidates
                mention.kind = mention.kind or _kind(entry)
                mention.note = "chosen as the namesake in a country of the places named around it"
    return found


def _longest(text, spans, i, gazetteer):
    """(words, end, matches) of the longest gazetteer name starting at word ``i``, or None."""
    best = None
    for n in range(1, min(6, len(spans) - i) + 1):
        a = spans[i][0]
        last_a, last_b = spans[i + n - 1]
        gap = text[spans[i + n - 2][1]:last_a] if n > 1 else ""
        if n > 1 and (gap.strip(" -\t\r\n") or gap.count("\n") > 1):
            break  # a comma, a full stop or a blank line between: not one name (a line break is: hard-wrapped text)
        word = text[last_a:last_b]
        if n > 1 and not _capitalised(word) and fold(word) not in JOINERS and best is None:
            continue
        end = _possessive(text, last_a, last_b)
        hits = gazetteer.lookup(fold(text[a:end]))
        if not hits:
            continue
        last = text[last_a:end]
        acronym = last.isupper() and len(last) <= 4 and len(fold(text[a:end]).split()) == 1
        if acronym:  # "SAN", "NIS": a country's code, never a city's name
            hits = [hit for hit in hits if hit[0].origin != "city"]
        if hits and (_capitalised(text[last_a:end]) or hits[0][0].origin in ("own", "waters")):
            best = (n, end, hits)
    return best


def _resolved(text, sentence, spans, i, n, end, hits, named):
    a = spans[i][0]
    status, entry, confidence, candidates = _choose(hits, named)
    if n == 1 and hits[0][0].origin == "waters" and hits[0][1] and i + 1 < len(spans) \
            and _capitalised(text[spans[i + 1][0]:spans[i + 1][1]]) and not text[end:spans[i + 1][0]].strip() \
            and not _place_word_after(text, end, sentence.end):
        return None  # "Pacific Fleet", "Caspian Flotilla": a short name inside a longer one
    lone_city = hits[0][0].origin == "city" and n == 1
    if lone_city:
        before = text[spans[i - 1][0]:spans[i - 1][1]] if i > 0 else ""
        after = text[spans[i + 1][0]:spans[i + 1][1]] if i + 1 < len(spans) else ""
        joined_before = (i > 0 and _capitalised(before) and not text[spans[i - 1][1]:a].strip()
                         and not before.endswith(("'s", "’s")))  # "Russia’s Astrakhan": two names
        joined_after = (i + 1 < len(spans) and _capitalised(after) and not text[end:spans[i + 1][0]].strip()
                        and not _place_word_after(text, end, sentence.end))
        if (joined_before and before.lower() not in NOT_PLACES) or joined_after:
            return None  # part of a longer name: a person ("John Kirby"), an outlet, a ship
        largest = max(entry.population for entry, _ in hits)
        if largest < BIG_CITY and _word_before(text, spans, i) not in LOCATIVES \
                and not _place_word_after(text, end, sentence.end):
            return None
    place_word = _place_word_after(text, end, sentence.end)
    kind = place_word[0] if place_word else _kind(entry or hits[0][0])
    return Mention(text[a:end], a, end, *quote_of(text, sentence, a, end), status, entry,
                   confidence, candidates, kind=kind, hits=hits)


def _kind(entry):
    if entry.origin == "own":
        return entry.kind
    if entry.origin == "waters":
        return "sea" if entry.kind in ("ocean", "sea", "gulf", "bay", "strait", "canal") else "site"
    if entry.origin == "country":
        return "site"
    return "city"


def _unknown(text, sentence, spans, i, gazetteer, suggester):
    """(Mention, words) for capitalised words that stand where a place would but that the gazetteer lacks."""
    n = 1
    while i + n < len(spans) and n < 4 and _capitalised(text[spans[i + n][0]:spans[i + n][1]]) \
            and not text[spans[i + n - 1][1]:spans[i + n][0]].strip() \
            and text[spans[i + n - 1][1]:spans[i + n][0]].count("\n") < 2:
        n += 1
    a = spans[i][0]
    end = _possessive(text, *spans[i + n - 1])
    name = text[a:end]
    place_word = _place_word_after(text, end, sentence.end)
    before = _word_before(text, spans, i)
    if not place_word and before not in ("in", "to", "from", "near", "via", "at", "into", "off"):
        return None
    if place_word is None and i == 0:
        return None
    if any(fold(text[x:y]) in NOT_PLACES for x, y in spans[i:i + n]) or fold(name) in NOT_PLACE_PHRASES:
        return None
    first = fold(text[spans[i][0]:spans[i][1]])
    if first.split()[0].endswith(ADJECTIVE_ENDINGS) and len(first.split()[0]) > 4:
        return None
    if n == 1 and name.isupper() and len(name) <= 4:
        return None  # an acronym ("NIS", "SAN"): an organisation far more often than a place
    around = spans[max(0, i - NEARBY_WORDS):i + n + NEARBY_WORDS]  # the words of the sentence near the name
    nearby = {entry.country for x, y in around for entry, _ in gazetteer.lookup(fold(text[x:_possessive(text, x, y)]))
              if entry.origin == "country" and entry.country}
    suggestions = _suggested(gazetteer, suggester, name, nearby)
    mention_end = place_word[1] if place_word else end
    words_used = n + (len(text[end:mention_end].split()) if place_word else 0)
    mention = Mention(text[a:mention_end], a, mention_end, *quote_of(text, sentence, a, mention_end),
                      "unresolved", kind=place_word[0] if place_word else "site",
                      suggestions=[label for label, _, _ in suggestions])
    if place_word and suggestions and len(name) >= 5:
        label, entry, score = suggestions[0]
        lead = score - suggestions[1][2] if len(suggestions) > 1 else 1.0
        if score >= SPELLING_TAKEN and entry.country in nearby and lead >= TAKEN_LEAD:
            mention.status, mention.entry, mention.confidence = "resolved", entry, 0.5
            mention.note = (f"taken by spelling: {name!r} is not in the gazetteer; {label} is the closest name "
                            f"in a country the sentence names ({entry.reference}). Check it.")
    return mention, words_used
