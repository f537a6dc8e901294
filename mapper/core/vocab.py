"""Every vocabulary the data files, briefings and command line use, in one place.

Loaders check against these names and behaviour modules act on them; both
import them from here, so a checker never has to import the code it checks.
"""

import math
import re

# The registry files of a geodata folder, and the list each one holds.
FILES = {
    "sources": "sources.json",
    "places": "places.geojson",
    "routes": "routes.geojson",
    "systems": "systems.json",
    "claims": "claims.json",
    "events": "events.json",
}
RECORDS_KEY = {"sources": "sources", "places": "features", "routes": "features", "systems": "systems",
               "claims": "claims", "events": "events"}

# Every record id: kebab-case.
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
DATE_PATTERN = re.compile(r"^\d{4}(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?\Z")

# A point typed as text: LAT,LON in decimal degrees (a comma or spaces between).  A minus
# may be U+2212 MINUS SIGN, as documents print it (and as the command line carries a leading
# minus past click: see mapper.cli.options.PointCommand).
MINUS_SIGN = "\u2212"
_NUMBER = rf"[+\-{MINUS_SIGN}]?(?:\d+(?:\.\d*)?|\.\d+)"
LATLON_PATTERN = re.compile(rf"^\s*({_NUMBER})\s*[,\s]\s*({_NUMBER})\s*\Z")

# Where a record stands in review: a draft (made by `mapper ingest`, drawn dashed and marked) until an
# analyst confirms it.
STATUSES = ("draft", "confirmed")

# A record without sources gives one of these as its basis, with a note.
BASES = ("assumption", "gazetteer", "user")

# Every place kind, in drawing order: major places last, so they draw on top
# of (and win clicks over) minor ones nearby.
PLACE_KINDS = ("town", "site", "city", "port", "sea", "capital", "industrial-zone")
ROUTE_KINDS = ("sea-route", "river-route", "supply-flow")

# Layer keys in drawing and legend order, with the title shown for each.
LAYER_TITLES = {
    "ranges": "Weapon ranges",
    "sea-routes": "Sea routes",
    "river-routes": "River routes",
    "supply-flows": "Supply flows",
    "events": "Dated events",
    "places": "Places",
}

# How a route is computed: over water, along rivers, or the plain geodesic (a straight line).
MODES = ("sea", "river", "straight")
# Older names that briefings and the command line still accept, and the mode each means.
MODE_ALIASES = {"great-circle": "straight"}

# Claims: what is checked, in which units, and how loosely the wording allows.
CHECKS = ("distance", "unit-conversion", "coordinate")
DISTANCE_UNITS = ("m", "km", "mi", "nmi")
# Allowed (computed - stated) / stated, in %, by the qualifier's wording.
# A bare figure in a news report is rounded, so even "exact" allows 2 %.
QUALIFIER_BOUNDS_PCT = {
    "exact": (-2.0, 2.0),
    "about": (-10.0, 10.0),
    "approximately": (-10.0, 10.0),
    "around": (-10.0, 10.0),
    "roughly": (-10.0, 10.0),
    "some": (-10.0, 10.0),
    "nearly": (-10.0, 0.0),
    "almost": (-10.0, 0.0),
    "more than": (0.0, math.inf),
    "over": (0.0, math.inf),
    "less than": (-math.inf, 0.0),
    "under": (-math.inf, 0.0),
    "within": (-math.inf, 0.0),
}
# Compass words as (centre azimuth, half-width) in degrees: a cardinal word
# covers the quarter around it ("east" is 45-135), an intercardinal one the
# eighth around it.
DIRECTIONS = {
    "north": (0.0, 45.0), "east": (90.0, 45.0), "south": (180.0, 45.0), "west": (270.0, 45.0),
    "northeast": (45.0, 22.5), "southeast": (135.0, 22.5),
    "southwest": (225.0, 22.5), "northwest": (315.0, 22.5),
}

# Export format names and their file suffixes; a suffix shared by two formats means the first.
FORMATS = {"geojson": ".geojson", "kml": ".kml", "gpkg": ".gpkg", "csv": ".csv", "distances": ".csv",
           "fragment": ".html", "png": ".png", "svg": ".svg", "pdf": ".pdf", "screenshot": ".png"}
FIGURE_FORMATS = ("png", "svg", "pdf")

# The JSON Schemas shipped in data/schema (NAME.schema.json): the briefing's, and one per registry file.
SCHEMAS = ("briefing", *FILES)
