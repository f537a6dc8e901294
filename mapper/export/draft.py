"""The draft briefing `mapper ingest` writes: every item found in the article, cited, and marked a draft.

The briefing stands alone: its source is the saved article (by a path
relative to the draft, so `mapper validate` checks every quote word for
word), its places are inline, and its systems, claims, events and flows
name them.  A country that sends or receives is drawn at its capital.
What was not placed (ambiguous or unknown names) and what was measured
but not used is listed in comments at the top, for the analyst.
"""

import json
import os
from pathlib import Path

from mapper.core.vocab import ID_PATTERN, PLACE_KINDS
from mapper.load.countries import fold
from mapper.load.places import slug_of

MAX_NAME_CHARS = 120
# Items a draft holds of each kind: enough for any article, and a draft stays well within the
# 1 MiB a briefing may be; the rest are in --json and on the review page.
MAX_DRAFTED = {"places": 200, "systems": 40, "claims": 60, "events": 150, "flows": 60}
MAX_FLOW_SOURCES = 5


def _toml(value):
    """``value`` as a TOML value: JSON's strings, numbers and arrays are TOML's too; tables are inline."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{key} = {_toml(item)}" for key, item in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")  # TOML wants DEL escaped too


def _table(name, record):
    lines = [f"[[{name}]]"]
    lines += [f"{key} = {_toml(value)}" for key, value in record.items() if value not in (None, "", [])]
    return "\n".join(lines)


class _Ids:
    """Kebab-case ids, unique within the draft."""

    def __init__(self):
        self.taken = set()

    def __call__(self, text, fallback="item"):
        base = slug_of(text)[:60].strip("-") or fallback
        base = base if ID_PATTERN.match(base) else fallback
        candidate, n = base, 2
        while candidate in self.taken:
            candidate, n = f"{base}-{n}", n + 1
        self.taken.add(candidate)
        return candidate


def _plain(text):
    """``text`` on one line, printable: for names, labels and comments."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def _short(text):
    text = _plain(text)
    return text if len(text) <= MAX_NAME_CHARS else text[:MAX_NAME_CHARS - 1].rstrip() + "…"


class _Draft:
    def __init__(self, found, gazetteer, source_id, ids):
        self.found, self.gazetteer, self.source_id, self.ids = found, gazetteer, source_id, ids
        self.places = {}  # id -> place record
        self.places_left_out = 0
        self.place_of = {}  # folded name -> place id

    def cite(self, quote):
        return [{"source": self.source_id, "quote": quote}]

    def place(self, item):
        """The id of the place record for an extracted place (added once)."""
        key = fold(item["name"])
        if key in self.place_of:
            return self.place_of[key]
        if len(self.places) >= MAX_DRAFTED["places"]:
            self.places_left_out += 1
            return None
        kind = item.get("kind") if item.get("kind") in PLACE_KINDS else "site"
        if kind == "city" and self.gazetteer.capitals.get(item.get("country")) == item["name"]:
            kind = "capital"
        name = _plain(item["name"])
        aliases = sorted({_plain(m["text"]) for m in item["mentions"]} - {name})
        if item.get("note") and _plain(item["mention"]) != name:
            mention = _plain(item["mention"])
            name, aliases = mention, sorted({name, *aliases} - {mention})
        passed = "; ".join(f"{c['name']} ({c.get('country') or '?'})" for c in item.get("candidates", [])[:3])
        note = (f"mapper ingest: confidence {item['confidence']:.2f}, from {item['gazetteer']}"
                f"{'; passed over ' + passed if passed else ''}.{' ' + item['note'] if item.get('note') else ''}")
        record = {"id": self.ids(name, "place"), "name": name, "lat": item["lat"], "lon": item["lon"], "kind": kind,
                  "source": item["reference"], "country": item.get("country") or None,
                  "aliases": aliases, "status": "draft", "note": note, "sources": self.cite(item["quote"])}
        self.places[record["id"]] = record
        self.place_of[key] = record["id"]
        for alias in aliases:
            self.place_of.setdefault(fold(alias), record["id"])
        return record["id"]

    def by_name(self, name, country=""):
        """The place id for a name the extraction used; a country stands at its capital."""
        item = next((p for p in self.found["places"] if p["name"] == name and "lat" in p), None)
        if item is None:
            return None
        if item.get("gazetteer") == "country":
            capital = self.gazetteer.capitals.get(country or item.get("country"))
            found = [e for e, _ in self.gazetteer.lookup(fold(capital or ""))
                     if e.origin == "city" and e.country == item.get("country")]
            if not found:
                return None
            city = found[0]
            return self.place({"name": city.name, "mention": city.name, "mentions": [], "kind": "capital",
                               "country": city.country, "lat": round(city.lat, 5), "lon": round(city.lon, 5),
                               "reference": city.reference, "gazetteer": "city", "confidence": item["confidence"],
                               "quote": item["quote"],
                               "note": f"Standing for {item['name']}, which the article names (its capital)."})
        return self.place(item)


def draft_briefing(article, found, gazetteer, draft_path):
    """The TOML text of the draft briefing for ``article`` from ``found`` (:func:`mapper.text.extract.extract`)."""
    ids = _Ids()
    source = found["source"]
    source_id = ids(" ".join(x for x in (source.get("outlet"), source.get("date")) if x), "article")
    draft = _Draft(found, gazetteer, source_id, ids)
    for item in found["places"]:
        if "lat" in item and item.get("gazetteer") != "country":
            draft.place(item)
    systems, claims, events, flows = [], [], [], []
    for item in found["systems"]:
        name = item["name"] or f"System with a {item['range']} range"
        systems.append({"id": draft.ids(name, "system"), "name": name, "range": item["range"], "status": "draft",
                        "note": f"mapper ingest: stated as “{item['text']}”.", "sources": draft.cite(item["quote"])})
    for item in found["claims"]:
        subject, reference = draft.by_name(item["subject"]), draft.by_name(item["reference"])
        if subject and reference:
            claims.append({"id": draft.ids(item["text"], "claim"), "check": "distance", "subject": subject,
                           "reference": reference, "distance": item["distance"], "direction": item["direction"],
                           "status": "draft", "sources": draft.cite(item["quote"]),
                           "note": f"mapper ingest: “{item['text']}”, said of {item['subject_mention']}."})
    fallback = next((p["name"] for p in found["places"] if "lat" in p and p.get("gazetteer") != "country"),
                    next((p["name"] for p in found["places"] if "lat" in p), None))
    for item in found["events"]:
        place = draft.by_name(item["place"]) if item["place"] else None
        place = place or (draft.by_name(fallback) if fallback else None)
        if place is None:
            continue
        events.append({"id": draft.ids(f"{item['date']} {item['text']}", "event"), "name": _short(item["quote"]),
                       "date": item["date"], "date_text": item["text"], "place": place, "status": "draft",
                       "note": f"mapper ingest: date worked out from “{item['text']}”: {item['inferred']}.",
                       "sources": draft.cite(item["quote"])})
    pairs = {}
    for item in found["flows"]:
        origin = draft.by_name(item["from"], item.get("from_country"))
        target = draft.by_name(item["to"], item.get("to_country"))
        if not origin or not target or origin == target:
            continue
        if (origin, target) in pairs:  # one flow a direction: its other sentences are more evidence for it
            if len(pairs[(origin, target)]["sources"]) < MAX_FLOW_SOURCES:
                pairs[(origin, target)]["sources"] += draft.cite(item["quote"])
            continue
        label = _short(f"{item['from']} → {item['to']}: {item['cargo']}" if item["cargo"] else
                       f"{item['from']} → {item['to']}")
        flows.append({"id": draft.ids(f"{item['from']} to {item['to']}", "flow"), "from": origin, "to": target,
                      "label": label, "description": _short(item["text"]), "status": "draft",
                      "note": f"mapper ingest: suggested from “{item['verb']}” in the sentence; check who sends "
                              "what to whom.", "sources": draft.cite(item["quote"])})
        pairs[(origin, target)] = flows[-1]
    left_out = []
    tables = {"systems": systems, "claims": claims, "events": events, "flows": flows}
    for kind, records in tables.items():
        if len(records) > MAX_DRAFTED[kind]:
            left_out.append(f"{len(records) - MAX_DRAFTED[kind]:,} {kind}")
            del records[MAX_DRAFTED[kind]:]
    if draft.places_left_out:
        left_out.append(f"{draft.places_left_out:,} places")
    return _text(article, found, draft, draft_path, source_id, systems, claims, events, flows, left_out)


def _comments(found):
    lines = []
    for item in found["places"]:
        if "lat" not in item:
            suggestions = "; ".join(item.get("suggestions", [])) or "none close"
            candidates = "; ".join(f"{c['name']} ({c.get('country') or '?'})" for c in item.get("candidates", [])[:4])
            what = f"{item['status']}: candidates {candidates}" if item["status"] == "ambiguous" else \
                f"not in the gazetteer; suggestions: {suggestions}"
            lines.append(_plain(f"#   “{item['mention']}” ({what})"))
    return lines


def _text(article, found, draft, draft_path, source_id, systems, claims, events, flows, left_out=()):
    source = found["source"]
    relative = os.path.relpath(Path(article.path).resolve(), Path(draft_path).resolve().parent)
    header = [
        f"# Draft briefing made by `mapper ingest` from {Path(article.path).name} (sha256 {article.sha256[:16]}…).",
        "# Every item below is a draft (status = \"draft\", drawn dashed and marked): check each against the",
        "# article, correct it, then set status = \"confirmed\", or delete it. `mapper validate` checks the quotes.",
    ]
    unplaced = _comments(found)
    if unplaced:
        header += ["#", "# Names not placed (add them as places if they are places):",
                   *unplaced[:MAX_DRAFTED["places"]]]
    if left_out:
        header += ["#", f"# Left out of this draft, to keep it a readable size: {', '.join(left_out)} "
                        "(all are in `mapper ingest --json` and on the review page)."]
    title = source.get("title") or Path(article.path).stem
    subtitle = _short(", ".join(x for x in (source.get("outlet"), source.get("date_printed")) if x))
    parts = ["\n".join(header), "\n".join([f"title = {_toml('Draft: ' + title)}",
                                            *([f"subtitle = {_toml(subtitle)}"] if subtitle else [])])]
    parts.append(_table("sources", {"id": source_id, "title": title, "outlet": source.get("outlet"),
                                    "date": source.get("date"), "file": relative, "url": source.get("url")}))
    parts += [_table("places", record) for record in draft.places.values()]
    parts += [_table(name, record) for name, records in
              (("systems", systems), ("claims", claims), ("events", events), ("flows", flows)) for record in records]
    return "\n\n".join(parts) + "\n"
