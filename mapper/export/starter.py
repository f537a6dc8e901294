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
# A briefing starts empty: it draws only what it holds or names below.  Paths
# are relative to this file.  Lines starting with # are notes; remove the #
# in front of a setting or a table to use it.  Every key is optional except
# title.  `mapper schema briefing` prints the JSON Schema of this file.

title = @TITLE_TOML@
subtitle = "What this map shows, and from which reporting"

# Show a "generated on" line (UTC) under the title.
stamp = false

# Data to include: "iran-russia" is the story bundled with mapper; any other
# entry is a geodata folder (sources.json, places.geojson, routes.geojson,
# systems.json, claims.json, events.json: any of them).
# data = ["iran-russia", "../my-geodata"]

# Places: files (CSV with the columns name, lat, lon, kind, source, and
# optionally id, aliases, country, note, description; GeoJSON points; KML
# placemarks) and places given here, as tables { name, lat, lon, ... }.
# kind is one of: town, site, city, port, sea, capital, industrial-zone.
# source says where the coordinate comes from; country takes a name, a
# common alias or an ISO code.
# places = [
#   "my-places.csv",
#   { id = "port-a", name = "Port A", lat = -33.86, lon = 151.2, kind = "port", source = "Port authority" },
#   { id = "port-b", name = "Port B", lat = 1.26, lon = 103.84, kind = "port", source = "Gazetteer", country = "SG" },
# ]

# Layers to draw: places, sea-routes, river-routes, supply-flows, ranges, events.
layers = ["places", "sea-routes", "river-routes", "supply-flows", "ranges", "events"]

# "offline" (the built-in Natural Earth basemap; the map needs no network),
# or an online tile basemap by xyzservices name, e.g. "OpenStreetMap.Mapnik".
basemap = "offline"

# Tables ([name] and [[name]]) come after the plain keys above: TOML puts a
# key below a table header inside that table.

# The reporting: each source's saved text (file) is what its quotes are
# checked against, word for word; a source without a file is allowed, and
# its quotes show as not checked.
# [[sources]]
# id = "outlet-2025-01-31"
# title = "Headline of the article"
# outlet = "Outlet"
# date = "2025-01-31"
# file = "articles/outlet-2025-01-31.txt"

# A weapon system, with its range as a length and unit.  Cite the reporting
# (sources = [{ source, quote }]), or give a basis and a note.
# [[systems]]
# id = "system-x"
# name = "System X"
# range = "690 km"
# sources = [{ source = "outlet-2025-01-31", quote = "a range of 690 kilometers" }]

# A supply flow between two places, drawn as a great circle; label is its
# legend text; cargo items have a status and their own sources.
# [[flows]]
# id = "flow-a-to-b"
# from = "port-a"
# to = "port-b"
# label = "A → B: what moves"
# date = "2025-01"
# cargo = [{ item = "Missiles", status = "shipped", sources = [{ source = "outlet-2025-01-31", quote = "..." }] }]
# sources = [{ source = "outlet-2025-01-31", quote = "..." }]

# A distance claim of the reporting, checked against WGS84 geodesy
# (`mapper verify`); the fields of claims.json.
# [[claims]]
# id = "b-500-km-from-a"
# check = "distance"
# subject = "port-b"
# reference = "port-a"
# distance = { value = 500, unit = "km", qualifier = "about" }
# sources = [{ source = "outlet-2025-01-31", quote = "..." }]

# A dated event at a place; the fields of events.json.
# [[events]]
# id = "shipment-seen"
# name = "Shipment seen at Port A"
# date = "2025-01-15"
# place = "port-a"
# sources = [{ source = "outlet-2025-01-31", quote = "..." }]

# Which places, stored routes and events to draw (ranges and routes still see
# every place).  sources takes source ids or a basis: gazetteer, assumption, user.
# [filter]
# kinds = ["capital", "city", "port"]
# ids = ["port-a", "port-b"]
# exclude = ["port-c"]
# sources = ["outlet-2025-01-31", "user"]

# A range from a centre (a place, or { lat = .., lon = .. }) or from an area
# (a country, or a .geojson polygon or line), optionally only the part inside
# another area: a system's range, or a plain radius.
# [[ranges]]
# id = "system-x-from-port-b"
# system = "system-x"
# centre = "port-b"
# note = "Assumed launch site; the reporting names none."
#
# [[ranges]]
# id = "300-km-from-a-country"
# radius = "300 km"
# area = "Yemen"
# within = "Saudi Arabia"

# Routes for mapper to compute: over water (sea, river) or as a great circle.
# [[routes]]
# from = "port-a"
# to = "port-b"
# mode = "sea"
# speed = "10kn"
# date = "2024-06"          # shown on the timeline from this date
# note = "Assumed port pair."

# Large point layers (CSV, GeoJSON, GeoParquet), drawn on top.
# [[points]]
# file = "sightings.csv"
# title = "Sightings"

# The first view: a centre and zoom, or bounds in degrees.  Default: fit everything.
# [view]
# centre = "port-a"
# zoom = 7
# bounds = { south = -40.0, west = 110.0, north = -10.0, east = 155.0 }

# A story, told a step at a time (→ and ← on the map): each step a title, a
# caption and its quotes, and what the map shows (a view, layers, a date on the
# timeline, the features to highlight).  Only title is required.
# [[steps]]
# title = "Port A"
# caption = "Drones were shipped from Port A."
# sources = [{ source = "outlet-2025-01-31", quote = "..." }]
# view = { centre = "port-a", zoom = 7 }
# layers = ["places", "supply-flows", "events"]
# date = "2025-01-31"
# highlight = ["port-a"]
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
