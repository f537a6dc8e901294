"""A commented starter briefing that renders as it is, for ``mapper new-briefing``."""

import json
import os
import re
from pathlib import Path

from mapper.core.output import write_atomic
from mapper.core.text import UNSAFE_CHARS
from mapper.errors import InputError

STARTER = '''\
# @TITLE@: a mapper briefing.  Render it from any folder with
#
#   mapper render @FILE@
#
# Paths below are relative to this file.  Lines starting with # are notes;
# remove the # in front of a setting to use it.  Every key is optional
# except title.

title = @TITLE_TOML@
subtitle = "What this map shows, and from which reporting"

# Show a "generated on" line (UTC) under the title.
stamp = false

# Your own places: CSV with the columns name, lat, lon, kind, source (and
# optionally id, aliases, country, note, description), or GeoJSON points, or
# KML placemarks.  kind is one of: town, site, city, port, sea, capital,
# industrial-zone.  source says where the coordinate comes from.
# places = ["my-places.csv"]

# Other geodata folders to merge (sources.json, places.geojson, routes.geojson,
# systems.json, claims.json, events.json: any of them).
# data = ["../my-geodata"]

# Layers to draw: places, sea-routes, river-routes, supply-flows, ranges, events.
layers = ["places", "sea-routes", "river-routes", "supply-flows", "ranges", "events"]

# "offline" (the built-in Natural Earth basemap; the map needs no network),
# or an online tile basemap by xyzservices name, e.g. "OpenStreetMap.Mapnik".
basemap = "offline"

# Tables ([name] and [[name]]) come after the plain keys above: TOML puts a
# key below a table header inside that table.

# Which places, stored routes and events to draw (ranges and routes still see
# every place).  sources takes source ids or a basis: gazetteer, assumption, user.
# [filter]
# kinds = ["capital", "city", "town", "port"]
# ids = ["kyiv", "kharkiv"]
# exclude = ["caspian-sea"]
# sources = ["wenews-2024-09-10", "user"]

# A weapon system's range from a centre: a place, or { lat = .., lon = .. }.
[[ranges]]
id = "fath-360-belgorod"
system = "fath-360"
centre = "belgorod"
note = "Assumed launch area near Belgorod; the reporting names no launch site."

# ... or from an area: a Natural Earth country or a .geojson polygon or line,
# optionally only the part inside another area.
# [[ranges]]
# id = "fath-360-from-russia"
# system = "fath-360"
# area = "Russia"
# within = "Ukraine"

# Routes for mapper to compute: over water (sea, river) or as a great circle.
# [[routes]]
# from = "bandar anzali"
# to = "astrakhan"
# mode = "sea"
# speed = "10kn"
# note = "Assumed port pair."

# The first view: a centre and zoom, or bounds in degrees.  Default: fit everything.
# [view]
# centre = "kharkiv"
# zoom = 7
# bounds = { south = 44.0, west = 29.5, north = 53.5, east = 41.0 }
'''


# Not in a file name (mapper.core.text.UNSAFE_CHARS): controls, which TOML comments cannot hold and
# which drive terminals, separators, direction controls, which disguise a name, and lone surrogates.
_NOT_IN_NAME = re.compile(f"[{UNSAFE_CHARS}]")


def starter_path(name):
    """``name`` as a .toml path (the suffix is added if missing)."""
    path = Path(name)
    return path if path.suffix.lower() == ".toml" else path.with_name(path.name + ".toml")


def write_starter(name, overwrite=False):
    """Write a commented starter briefing called ``name``; returns its path.

    Raises
    ------
    InputError
        If ``name`` is blank, ends in a slash or holds a control character.
    OutputExistsError
        If the file exists and ``overwrite`` is false.
    """
    name = str(name)
    if name.endswith(tuple(filter(None, (os.sep, os.altsep)))):
        raise InputError(f"{name}: ends in '{name[-1]}', so it names a folder, not a file to write")
    if not name.strip() or not Path(name).name.strip(". "):
        raise InputError(f"briefing name {name!r}: give a file name such as my-briefing")
    control = _NOT_IN_NAME.search(name)
    if control:
        what = "a byte that is not UTF-8" if "\ud800" <= control.group() <= "\udfff" else \
            f"a control character (U+{ord(control.group()):04X})"
        raise InputError(f"briefing name {name!r}: holds {what}; give a file name such as my-briefing")
    path = starter_path(name)
    title = path.stem.replace("-", " ").replace("_", " ").strip().capitalize() or "Briefing"
    # A JSON string is a valid TOML basic string, whatever the name holds.
    text = (STARTER.replace("@TITLE_TOML@", json.dumps(title, ensure_ascii=False))
            .replace("@TITLE@", title.replace("\n", " ")).replace("@FILE@", path.name.replace("\n", " ")))
    return write_atomic(path, text, overwrite)
