"""What the map's search box finds: each drawn feature's name, kind and other names.

The runtime's search (``mapper/html/static/mapper-find.js``) matches these
words offline and shows them with ``textContent``, never as HTML, so they are
kept as the data gives them (not HTML-escaped), with only their direction
controls closed; :func:`mapper.core.safejson.safe_json` keeps them inside the
page's script.
"""

from mapper.core.bidi import contain_bidi
from mapper.html.popups import KIND_LABELS

# What the search box says, in the page's words.
SEARCH_TEXTS = {"label": "Find", "placeholder": "Place, route, event…", "listLabel": "Matches on the map"}

_MARKER_KINDS = {"centre": "Range centre"}


def find_terms(layer_key, props):
    """``{"name", "kind", "also"}`` for a feature the search box finds, or None.

    ``also`` holds a place's aliases and the names of the events at a place.
    A place highlighted as within a range is the place itself, found once
    under its own layer; the arrows of flows are not features of their own.
    """
    marker = props.get("marker")
    if marker in ("arrow", "in-range") or not props.get("name"):
        return None
    kind = _MARKER_KINDS.get(marker) or KIND_LABELS.get(props.get("kind"), props.get("kind") or "")
    also = [str(alias) for alias in props.get("aliases") or () if alias]
    if layer_key == "events":
        also += [str(event["name"]) for event in props.get("events", ()) if event.get("name")]
    name = contain_bidi(props["name"])
    also = list(dict.fromkeys(contain_bidi(word) for word in also if contain_bidi(word) != name))
    return {"name": name, "kind": kind, "also": also}
