"""Everything `mapper ingest` finds in one article, as plain JSON-ready dicts with their quotes and offsets.

Places come one per place (every mention listed), quantities and dates one
per mention.  From them: claims ("about 600 miles east of Moscow"),
weapon systems (a named system with a range), events (a date and the place
its sentence names) and suggested flows (someone ships, sends or supplies
something to somewhere).  Every quote is the whole sentence, an exact slice
of the text at ``quote_start``.
"""

import bisect
import re

from mapper.load.countries import fold
from mapper.text.dates import find_dates
from mapper.text.places import find_places
from mapper.text.quantities import find_quantities
from mapper.text.spans import quote_of
from mapper.text.spans import sentences as split_sentences

FLOW_VERB = re.compile(r"\b(ship|send|suppl|deliver|transport|transfer|provid|export|sell|sold|carr|ferr|smuggl)"
                       r"(?:s|es|ed|ied|ies|ing|y|ying|ied)?\b", re.IGNORECASE)
SYSTEM_NAME = re.compile(r"\b([A-Z][A-Za-z]*-?\d+[A-Za-z0-9-]*|[A-Z][a-z]+-[A-Z0-9][\w-]*)\b")
TO_WORD = re.compile(r"\b(?:to|into)\s+", re.IGNORECASE)
FROM_WORD = re.compile(r"\bfrom\s+", re.IGNORECASE)
MAX_CARGO_CHARS = 120


def _place_dict(group):
    first = group[0]
    entry = first.entry
    out = {"name": entry.name if entry else first.mention, "mention": first.mention, "start": first.start,
           "end": first.end, "quote": first.quote, "quote_start": first.quote_start, "status": first.status,
           "confidence": first.confidence, "kind": first.kind,
           "mentions": [{"text": m.mention, "start": m.start, "end": m.end} for m in group]}
    if entry is not None:
        out.update(lon=round(entry.lon, 5), lat=round(entry.lat, 5), gazetteer=entry.origin,
                   reference=entry.reference, country=entry.country, gazetteer_kind=entry.kind)
        if entry.place_id:
            out["place_id"] = entry.place_id
    out["candidates"] = [_candidate(e, s) for e, s in first.candidates[:5]]
    if first.suggestions:
        out["suggestions"] = first.suggestions
    if first.note:
        out["note"] = first.note
    return out


def _candidate(entry, score):
    item = {"name": entry.name, "lon": round(entry.lon, 5), "lat": round(entry.lat, 5), "country": entry.country,
            "reference": entry.reference}
    if entry.population:
        item["population"] = entry.population
    if score is not None:
        item["score"] = round(score, 2)
    return item


def _grouped(mentions):
    """Mentions grouped by the place chosen (or by the folded name, for the others), in first-mention order."""
    groups = {}
    for mention in mentions:
        key = ("entry", mention.entry) if mention.entry is not None else ("name", fold(mention.mention))
        groups.setdefault(key, []).append(mention)
    return list(groups.values())


def _nearest_before(mentions, offset, lower, skip=(), senders=False):
    """The last resolved place mention within ``lower``–``offset``; with ``senders``, no sea or region.

    ``mentions`` are in text order, so the search starts where ``offset`` falls.
    """
    at = bisect.bisect_right(mentions, offset, key=lambda m: m.start)
    for m in reversed(mentions[:at]):
        if m.start < lower:
            return None
        if m.entry is not None and m.end <= offset and m not in skip \
                and not (senders and m.entry.origin == "waters"):
            return m
    return None


def _first_after(mentions, offset, upper):
    at = bisect.bisect_left(mentions, offset, key=lambda m: m.start)
    for m in mentions[at:]:
        if m.start >= upper:
            return None
        if m.entry is not None:
            return m
    return None


def _claims(text, quantities, mentions):
    claims = []
    by_start = {m.start: m for m in mentions if m.entry is not None}
    for q in quantities:
        if not q.direction:
            continue
        reference = by_start.get(q.reference_at)
        subject = _nearest_before(mentions, q.start, q.quote_start)
        # A claim of distance is between two places; a country has no one point to measure from.
        if reference is None or subject is None or subject.entry == reference.entry \
                or "country" in (subject.entry.origin, reference.entry.origin):
            continue
        claims.append({"subject": subject.entry.name, "subject_mention": subject.mention,
                       "reference": reference.entry.name, "distance": {"value": q.value, "unit": q.unit,
                                                                        **({"qualifier": q.qualifier}
                                                                           if q.qualifier else {})},
                       "direction": q.direction, "text": text[q.start:reference.end], "start": q.start,
                       "end": reference.end, "quote": q.quote, "quote_start": q.quote_start})
    return claims


def _systems(text, quantities):
    systems = []
    for q in quantities:
        if q.kind != "range":
            continue
        sentence = text[q.quote_start:q.start]
        names = SYSTEM_NAME.findall(sentence)
        name = names[-1] if names else None
        systems.append({"name": name, "range": f"{q.value_m / 1000:g} km", "range_m": q.value_m,
                        "stated": [{"value": v, "unit": u} for v, u in q.stated], "text": q.text,
                        "start": q.start, "end": q.end, "quote": q.quote, "quote_start": q.quote_start})
    return systems


def _events(dates, mentions):
    events = []
    for d in dates:
        end = d.quote_start + len(d.quote)
        here = [m for m in mentions if m.entry is not None and d.quote_start <= m.start < end]
        place = next((m for m in here if m.entry.origin != "country"), here[0] if here else None)
        events.append({"text": d.text, "date": d.date, "inferred": d.inferred, "start": d.start, "end": d.end,
                       "quote": d.quote, "quote_start": d.quote_start,
                       "place": place.entry.name if place else None})
    return events


def _flows(text, sentences, mentions):
    flows = []
    for sentence in sentences:
        for verb in FLOW_VERB.finditer(text, sentence.start, sentence.end):
            to_word = TO_WORD.search(text, verb.end(), sentence.end)
            if not to_word:
                continue
            target = _first_after(mentions, to_word.end(), min(sentence.end, to_word.end() + 3))
            if target is None:
                continue
            origin = None
            from_word = FROM_WORD.search(text, verb.end(), sentence.end)
            if from_word:  # "from areas near the cities of Chongjin ... to Vladivostok": the first place named
                upper = to_word.start() if to_word.start() > from_word.end() else sentence.end
                origin = _first_after(mentions, from_word.end(), upper)
            if origin is None:  # the sender: a country or city before the verb ("Iran is using the Caspian Sea to")
                origin = _nearest_before(mentions, verb.start(), sentence.start, skip=(target,), senders=True)
            if origin is None or origin.entry == target.entry:
                continue
            cargo = text[verb.end():to_word.start()].strip(" ,")
            if from_word and from_word.start() < to_word.start():
                cargo = text[verb.end():from_word.start()].strip(" ,")
            flows.append({"from": origin.entry.name, "to": target.entry.name, "verb": verb.group(0),
                          "cargo": cargo[:MAX_CARGO_CHARS], "start": verb.start(), "end": target.end,
                          "text": text[verb.start():target.end],
                          **dict(zip(("quote", "quote_start"), quote_of(text, sentence, verb.start(), target.end))),
                          "from_country": origin.entry.country if origin.entry.origin == "country" else "",
                          "to_country": target.entry.country if target.entry.origin == "country" else ""})
            break  # one flow a sentence: its first verb that sends something somewhere
    return flows


def extract(article, gazetteer):
    """``{source, places, quantities, claims, systems, events, flows}`` found in ``article``."""
    text, start = article.text, article.body_start
    sentences = split_sentences(text, start)
    mentions = find_places(text, sentences, gazetteer, start)
    quantities = find_quantities(text, sentences, start)
    dates = find_dates(text, sentences, article.date, start)
    found = {
        "source": {"title": article.title, "outlet": article.outlet, "date": article.date,
                   "date_printed": article.date_printed, "url": article.url, "sha256": article.sha256},
        "places": [_place_dict(group) for group in _grouped(mentions)],
        "quantities": [{"text": q.text, "value": q.value, "unit": q.unit, "value_m": q.value_m, "kind": q.kind,
                        "qualifier": q.qualifier, "stated": [{"value": v, "unit": u} for v, u in q.stated],
                        "direction": q.direction, "start": q.start, "end": q.end, "quote": q.quote,
                        "quote_start": q.quote_start} for q in quantities],
        "claims": _claims(text, quantities, mentions),
        "systems": _systems(text, quantities),
        "events": _events(dates, mentions),
        "flows": _flows(text, sentences, mentions),
    }
    return found
