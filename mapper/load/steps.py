"""A briefing's story: its [[steps]], shown one at a time (story mode).

Each step has a title, and may have a caption with its citations
(``sources = [{source, quote}]``, checked like any quote: the source must be
the briefing's, and the quote word for word in its saved text), a ``view``
(as the briefing's [view] reads it), the ``layers`` shown (of the
briefing's), a ``date`` on the timeline, and the feature ids to
``highlight``.  A step leaves out what it does not change: without a view it
shows the map's first view, without layers every layer, without a date every
date.  :func:`read_steps` is called by :mod:`mapper.load.briefing`, whose
reader reports each fault at its line (``steps[2].view.bounds: ...``).
"""

import datetime
from dataclasses import dataclass

from mapper.core.vocab import DATE_PATTERN
from mapper.errors import DataError

STEP_KEYS = ("title", "caption", "sources", "view", "layers", "date", "highlight")
CITATION_KEYS = ("source", "quote")
# A story is told to a room: a few steps.  Each costs a panel's worth of text in the page.
MAX_STEPS = 50
MAX_HIGHLIGHT = 200  # ids a step may emphasise


@dataclass(frozen=True)
class Step:
    """One step of a briefing's story."""

    title: str
    caption: str = ""
    sources: tuple = ()  # {"source": id, "quote": words} dicts
    view: object = None  # a mapper.load.briefing.View; None: the map's first view
    layers: tuple | None = None  # layer keys shown; None: every layer of the briefing
    date: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD on the timeline; None: every date
    highlight: tuple = ()  # ids of the features to emphasise


def _citations(reader, entry, where, geodata):
    value = entry.get("sources", [])
    if not isinstance(value, list):
        reader.fail(where, "must be a list of { source = .., quote = .. }")
    citations = []
    for n, cite in enumerate(value):
        at = f"{where}[{n}]"
        if not isinstance(cite, dict):
            reader.fail(at, "must be a table { source = .., quote = .. }")
        reader.keys(cite, CITATION_KEYS, at)
        source = reader.string(cite, "source", f"{at}.source")
        quote = reader.string(cite, "quote", f"{at}.quote")
        if source not in geodata.sources:
            known = ", ".join(geodata.sources) or "none: add [[sources]] or data = [\"iran-russia\"]"
            reader.fail(f"{at}.source", f"unknown source {source!r}; known: {known}")
        try:
            article = geodata.article_text(source)
        except DataError as exc:
            reader.fail(f"{at}.quote", str(exc))
        if article is not None and quote not in article:
            reader.fail(f"{at}.quote", f"not found word for word in {source}")
        citations.append({"source": source, "quote": quote})
    return tuple(citations)


def timeline_date(reader, entry, where):
    """``entry``'s ``date`` as YYYY, YYYY-MM or YYYY-MM-DD text (a TOML date too), or None if it has none."""
    value = entry.get("date")
    if value is None:
        return None
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        value = value.isoformat()
    if not isinstance(value, str) or not DATE_PATTERN.match(value):
        reader.fail(where, "must be YYYY, YYYY-MM or YYYY-MM-DD")
    return value


def _layers(reader, entry, where, layers):
    if "layers" not in entry:
        return None
    chosen = reader.strings(entry, "layers", where)
    for key in chosen:
        if key not in layers:
            reader.fail(where, f"{key!r} is not one of the briefing's layers ({', '.join(layers)})")
    return chosen


def _highlight(reader, entry, where, drawn_ids):
    chosen = reader.strings(entry, "highlight", where)
    if len(chosen) > MAX_HIGHLIGHT:
        reader.fail(where, f"{len(chosen):,} ids; a step may highlight at most {MAX_HIGHLIGHT}")
    for feature_id in chosen:
        if feature_id not in drawn_ids:
            reader.fail(where, f"unknown id {feature_id!r} (ids of places, routes, flows, ranges or events; "
                               "see 'mapper places')")
    return chosen


def read_steps(reader, doc, geodata, layers, drawn_ids, read_view):
    """The briefing's [[steps]] as :class:`Step` values, each checked.

    Parameters
    ----------
    reader
        The briefing's reader (:class:`mapper.load.briefing._Reader`): it
        fails with the file, line and key.
    layers : sequence of str
        The briefing's layers: a step shows some of them.
    drawn_ids : set of str
        The ids a step may highlight.
    read_view : callable
        ``read_view(reader, table, where, geodata)``: a view table as the
        briefing's [view] is read.
    """
    entries = doc.get("steps", [])
    if isinstance(entries, list) and len(entries) > MAX_STEPS:
        reader.fail("steps", f"{len(entries):,} steps; a briefing may have at most {MAX_STEPS} (a story is "
                             "told a step at a time)")
    steps = []
    for _, where, entry in reader.tables(doc, "steps", STEP_KEYS):
        view = entry.get("view")
        steps.append(Step(
            title=reader.string(entry, "title", f"{where}.title"),
            caption=reader.string(entry, "caption", f"{where}.caption", required=False),
            sources=_citations(reader, entry, f"{where}.sources", geodata),
            view=None if view is None else read_view(reader, view, f"{where}.view", geodata),
            layers=_layers(reader, entry, f"{where}.layers", layers),
            date=timeline_date(reader, entry, f"{where}.date"),
            highlight=_highlight(reader, entry, f"{where}.highlight", drawn_ids),
        ))
    return tuple(steps)
