"""Find places by id, name or alias, and read points typed by a user."""

import difflib
import re
from dataclasses import dataclass

from mapper.core.points import LonLat, looks_like_latlon, parse_latlon
from mapper.core.vocab import MINUS_SIGN
from mapper.errors import UnknownPlaceError
from mapper.load.geodata import place_lonlat
from mapper.load.swaps import warn_if_swapped

# Text made only of digits, signs and separators was meant as a coordinate.
_COORDINATE_CHARS = re.compile(rf"[\d\s.,;:+\-{MINUS_SIGN}]+")


@dataclass(frozen=True)
class NamedPoint:
    """A point with the label to show for it, and its place id if it has one."""

    label: str
    point: LonLat
    place_id: str | None = None


def _key(text):
    """Fold case, hyphens and repeated spaces: 'Bandar-e  Anzali' ~ 'bandar e anzali'."""
    return re.sub(r"[\s_-]+", " ", text).strip().casefold()


def _names(place):
    props = place["properties"]
    return [props["id"], props["name"], *props.get("aliases", [])]


def find_place(geodata, query):
    """Return the place feature whose id, name or alias matches ``query``.

    Matching ignores case, hyphens and extra spaces.

    Raises
    ------
    UnknownPlaceError
        If nothing matches; the message suggests close names.
    """
    wanted = _key(query)
    for place in geodata.places:
        if any(_key(name) == wanted for name in _names(place)):
            return place
    every_name = {_key(n): n for place in geodata.places for n in _names(place)}
    close = difflib.get_close_matches(wanted, list(every_name), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(every_name[c]) for c in close)}?" if close else \
        "; run 'mapper places' for the list"
    raise UnknownPlaceError(f"unknown place {query!r}{hint}")


def scored_place_names(geodata, query, cutoff=0.6):
    """(likeness 0–1, name) of the places whose id, name or alias is like ``query``, most alike first."""
    matcher = difflib.SequenceMatcher(b=_key(query))
    every_name = {_key(n): n for place in geodata.places for n in _names(place)}  # a name over its id
    scored = []
    for key, name in every_name.items():
        matcher.set_seq1(key)
        if matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff and matcher.ratio() >= cutoff:
            scored.append((matcher.ratio(), name))
    return sorted(scored, key=lambda item: (-item[0], item[1]))


def resolve_point(geodata, text):
    """Read ``text`` as ``LAT,LON`` or as a place id, name or alias.

    A coordinate that looks like LON,LAT (see :mod:`mapper.load.swaps`) gives a
    :class:`~mapper.errors.CoordinateWarning` and is used as given.

    Returns
    -------
    NamedPoint
    """
    if looks_like_latlon(text) or _COORDINATE_CHARS.fullmatch(text):
        point = parse_latlon(text)
        known = [(p["properties"]["name"], *p["geometry"]["coordinates"][:2]) for p in geodata.places]
        warn_if_swapped(point, f"coordinate {text.strip()!r}", data_dir=geodata.data_dir, known=known)
        return NamedPoint(label=f"{point.lat:.5f},{point.lon:.5f}", point=point)
    place = find_place(geodata, text)
    return NamedPoint(label=place["properties"]["name"], point=place_lonlat(place), place_id=place["properties"]["id"])
