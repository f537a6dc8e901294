"""What the map's story, timeline and highlights need from Python: marks on features and each step's HTML.

The runtime (``static/mapper-story.js``, ``static/mapper-timeline.js``) reads
two marks on a drawn feature: ``date``, when it is known from (see
:mod:`mapper.compose.dates`), which the timeline filters by; and ``ids``,
the ids a step's ``highlight`` may name to emphasise it (a flow's arrow
answers to its flow, a ring's centre to its range, an events marker to its
events and its place).  Every string in a step's HTML is escaped here.
"""

from mapper.compose.story import highlight_ids
from mapper.html.popups import esc


def feature_marks(layer_key, props):
    """``{"date": ..., "ids": [...]}`` for a drawn feature, each only where it has one."""
    marks = {}
    if layer_key != "events" and props.get("date"):
        marks["date"] = props["date"]
    ids = highlight_ids(layer_key, props)
    if ids:
        marks["ids"] = ids
    return marks


def has_dates(layers):
    """True if anything drawn has a date: an event, or a line or area known from a date."""
    return any(layer.features and (layer.key == "events" or any("date" in f["properties"] for f in layer.features))
               for layer in layers)


def _citation(cite, sources_by_id):
    source = sources_by_id.get(cite["source"], {})
    outlet = source.get("outlet", cite["source"])
    printed = source.get("date_printed") or source.get("published") or ""
    unchecked = ' <span class="mapper-unchecked">(quote not checked: no saved text of this source)</span>' \
        if source.get("quote_checked") is False else ""
    when = f", {esc(printed)}" if printed else ""
    return (f'<li class="mapper-story-cite"><blockquote>“{esc(cite["quote"])}”</blockquote>'
            f'<span>{esc(outlet)}{when}</span>{unchecked}</li>')


def step_html(step, sources_by_id):
    """A step as the runtime shows it: title and caption HTML, layers, date and highlight (no view)."""
    caption = f'<p class="mapper-story-text">{esc(step.caption)}</p>' if step.caption else ""
    if step.sources:
        caption += ('<ul class="mapper-story-cites">'
                    + "".join(_citation(cite, sources_by_id) for cite in step.sources) + "</ul>")
    return {
        "title": esc(step.title),
        "caption": caption,
        "layers": list(step.layers) if step.layers is not None else None,
        "date": step.date,
        "highlight": list(step.highlight),
    }
