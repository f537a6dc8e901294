"""One step of a briefing's story as a still: what ``mapper export --step N`` draws.

A step shows its layers (all of the briefing's if it names none), what is
known by its date (:func:`mapper.compose.dates.shown_at`; an events marker
keeps the events up to the date), in its view (the briefing's if it gives
none), under its own title, with its caption and quotes as the subtitle.
The features it highlights get ``emphasis`` "lit", the others "dim", as the
map's story mode draws them.
"""

from dataclasses import replace

from mapper.compose.dates import date_key, shown_at
from mapper.compose.layers import Layer
from mapper.errors import InputError


def step_of(briefing, number):
    """Step ``number`` (from 1) of ``briefing``'s story.

    Raises
    ------
    InputError
        If the briefing has no story, or no such step.
    """
    if not briefing.steps:
        raise InputError(f"step {number}: {briefing.path.name} has no story; add [[steps]] to it")
    if not 1 <= number <= len(briefing.steps):
        raise InputError(f"step {number}: the story of {briefing.path.name} has steps 1 to {len(briefing.steps)}")
    return briefing.steps[number - 1]


def highlight_ids(layer_key, props):
    """The ids a step's ``highlight`` may name to emphasise a drawn feature.

    A flow's arrow answers to its flow, a ring's centre and the places in
    range to their range, an events marker to its events and its place.
    """
    marker = props.get("marker")
    if marker == "arrow":
        return [props["id"].removesuffix("-arrow")]
    if marker in ("centre", "in-range"):
        return [props["range_id"]]
    if layer_key == "events":
        return [event["id"] for event in props["events"]] + [props["place"]]
    return [props["id"]] if props.get("id") else []


def _emphasised(layer_key, feature, wanted):
    lit = bool(wanted & set(highlight_ids(layer_key, feature["properties"])))
    return {**feature, "properties": {**feature["properties"], "emphasis": "lit" if lit else "dim"}}


def _events_until(feature, date):
    """An events marker with only the events up to ``date``, or None if it has none left."""
    events = [e for e in feature["properties"]["events"] if date is None or date_key(e["date"]) <= date_key(date)]
    if not events:
        return None
    return {**feature, "properties": {**feature["properties"], "events": events}}


def at_step(briefing, layers, number, sources):
    """``(briefing, layers)`` as step ``number`` (from 1) shows them.

    ``sources`` are the geodata's sources by id, to name the caption's
    quotes.  The briefing keeps its story; its title, subtitle and view are
    the step's.
    """
    step = step_of(briefing, number)
    keys = step.layers if step.layers is not None else [layer.key for layer in layers]
    shown = []
    for layer in layers:
        if layer.key not in keys:
            continue
        if layer.key == "events":
            features = [f for f in (_events_until(f, step.date) for f in layer.features) if f is not None]
        else:
            features = [f for f in layer.features if shown_at(f["properties"], step.date)]
        if step.highlight:
            features = [_emphasised(layer.key, f, set(step.highlight)) for f in features]
        shown.append(Layer(layer.key, layer.title, features))
    quotes = [f"“{cite['quote']}” ({sources.get(cite['source'], {}).get('outlet', cite['source'])})"
              for cite in step.sources]
    when = f", {step.date}" if step.date else ""
    subtitle = " ".join([f"{briefing.title}: step {number} of {len(briefing.steps)}{when}.", step.caption, *quotes])
    return replace(briefing, title=step.title, subtitle=subtitle.strip(), view=step.view or briefing.view), shown
