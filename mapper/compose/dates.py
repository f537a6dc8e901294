"""When a drawn feature is known from: the dates the timeline filters by, and what a story's step shows.

A feature's ``date`` is

- its own ``date``, where the record gives one (a briefing's ``[[flows]]``
  and a routes file's records may: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``);
- else the earliest ``published`` date of the sources it cites: its own, its
  cargo's, and for a range its weapon system's.  A lane the articles report
  in June 2024 is known from June 2024; a Fath-360 ring from the September
  2024 article that gives the range;
- else none: the feature has no date, and every step of the timeline shows
  it (places, analyst's assumptions without sources, routes computed for a
  briefing).

Events keep their own dates (``events.json``).  Drawing aids follow the
feature they belong to: a flow's arrow its flow, a ring's centre and the
places marked in range their range.  A partial date counts as its start
(:func:`date_key`), as on the HTML map's timeline and in the figure's.
"""

from mapper.core.vocab import DATE_PATTERN

DATED_LAYERS = ("sea-routes", "river-routes", "supply-flows", "ranges")


def date_key(date):
    """A sortable key for a date: a partial date counts as its start ("2024" is "2024-01-01")."""
    return (str(date) + "-01-01")[:10]


def _valid(date):
    return isinstance(date, str) and DATE_PATTERN.match(date) is not None


def _cited(value, found):
    """Every source id cited anywhere in ``value`` (a citation is a dict with ``source`` and ``quote``)."""
    if isinstance(value, dict):
        if isinstance(value.get("source"), str) and "quote" in value:
            found.add(value["source"])
        for item in value.values():
            _cited(item, found)
    elif isinstance(value, list):
        for item in value:
            _cited(item, found)
    return found


def known_date(record, sources):
    """The date ``record`` (a feature's properties, or a system) is known from, or None.

    ``sources`` are the geodata's sources by id; see the module's docstring.
    """
    if _valid(record.get("date")):
        return record["date"]
    published = [sources[s].get("published") for s in _cited({k: v for k, v in record.items() if k != "claims"},
                                                            set()) if s in sources]
    published = [date for date in published if _valid(date)]
    return min(published, key=lambda d: (date_key(d), d)) if published else None


def add_dates(features, geodata):
    """Give each feature of the dated layers in ``features`` (layer key: [features]) its ``date``, in place.

    Features without a date are left without the property.
    """
    by_id = {}
    for key in DATED_LAYERS:
        for feature in features.get(key, []):
            props = feature["properties"]
            if props.get("marker"):
                continue
            record = geodata.systems.get(props.get("system"), {}) if key == "ranges" else props
            date = known_date(record, geodata.sources)
            if date is not None:
                props["date"] = date
                by_id[props.get("id")] = date
    for key in DATED_LAYERS:
        for feature in features.get(key, []):
            props = feature["properties"]
            marker = props.get("marker")
            owner = props.get("range_id") if marker in ("centre", "in-range") else \
                props["id"].removesuffix("-arrow") if marker == "arrow" else None
            if owner in by_id:
                props["date"] = by_id[owner]
    return features


def shown_at(props, date):
    """True if a feature with these properties is shown at ``date`` (None: every date)."""
    return date is None or "date" not in props or date_key(props["date"]) <= date_key(date)
