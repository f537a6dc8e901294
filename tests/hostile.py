"""The injection corpus: texts that try to run script or reorder the page, and a geodata copy carrying them.

Every payload that could run script reports itself three ways, so that a
test sees it whichever way it ran: ``window.__pwned = name``, ``document.title
= "pwned:name"`` and ``alert("pwned:name")`` (a dialog).  The others must
simply show as typed: template syntax (``${}``, backticks, Jinja's ``{{ }}``
and ``{% %}``) would show rendered, entities would show decoded, and
direction controls (U+202A-U+202E, U+2066-U+2069) must stay inside their
own field.

:func:`make_hostile_copy` puts the corpus into every text a briefing can
bring: a place's name, aliases, description, note and quote (and its
article), a source title, the briefing's title and subtitle, a route the
briefing computes, a user places CSV (name, aliases, note, description,
source, even its file name) and a point-layer CSV (label, category, title,
source).
"""

import csv
import hashlib
import json
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path


def run(name):
    """JS that marks ``name`` as having run, three ways; no spaces, so it also works as an unquoted attribute."""
    return f"window.__pwned='{name}';document.title='pwned:{name}';alert('pwned:{name}')"


# Name -> payload.  No payload has leading or trailing spaces, double spaces,
# CR or NUL: those are changed on the way in (or by the HTML parser) and are
# not what this corpus is about.
NAMED_PAYLOADS = {
    "img-onerror": f"<img src=x onerror={run('img-onerror')}>",
    "script": f"<script>{run('script')}</script>",
    "template-literal": "${" + run("template-literal") + "}",
    "backtick": f"`);{run('backtick')};(`",
    "javascript-url": f"javascript:{run('javascript-url')}",
    "svg-onload": f'"><svg onload={run("svg-onload")}>',
    "script-break": f"</script><script>{run('script-break')}</script>",
    "title-break": f"</title></style></textarea><img src=x onerror={run('title-break')}>",
    "attr-break-double": f'" autofocus onfocus={run("attr-break-double")} x="',
    "attr-break-single": f"' autofocus onfocus={run('attr-break-single')} x='",
    "details-ontoggle": f"<details open ontoggle={run('details-ontoggle')}>",
    "a-javascript": f'<a href="javascript:{run("a-javascript")}">a-javascript</a>',
    "data-url": f"data:text/html,<script>{run('data-url')}</script>",
    "a-data-url": f"<a href=data:text/html,%3Cscript%3E{run('a-data-url')}%3C/script%3E>a-data-url</a>",
    "iframe-srcdoc": f'<iframe srcdoc="<script>{run("iframe-srcdoc")}</script>"></iframe>',
    "style": "<style>*{display:none!important}</style>",
    # Rendered by Jinja, these would show 49 and 666666 and run Python (os.getcwd) on the analyst's machine.
    "jinja-expression": "{{7*7}}{{ 6*111111 }}{{ cycler.__init__.__globals__.os.getcwd() }}{{''.__class__}}",
    "jinja-statement": "{% for x in range(3) %}jinja{% endfor %}{# hidden #}",
    "entities": "&lt;script&gt;&amp;amp;&#x27;&#36;&quot;",
    "comment-cdata": "<!--x--><![CDATA[]]>]]>",
    "rlo": "invoice\u202eexe.fdp",  # U+202E RIGHT-TO-LEFT OVERRIDE, left open
    "lro": "\u202dforced left-to-right",  # U+202D LEFT-TO-RIGHT OVERRIDE, left open
    "embeddings": "\u202alre \u202brle",  # U+202A and U+202B embeddings, left open
    "isolates": "\u2066lri \u2067rli \u2068fsi",  # U+2066-U+2068 isolates, left open
    "stray-pdi": "\u2069\u202eescaped",  # U+2069 with no isolate to close, then an override
    "balanced": "\u2067rtl isolate\u2069",  # well formed: shown exactly as is
    "terminal": "\x1b[31mansi\x1b[0m",  # an ANSI escape for a terminal
}
PAYLOADS = list(NAMED_PAYLOADS.values())
# The payloads that could run script if they were markup, JS or a URL.
SCRIPT_NAMES = [name for name, text in NAMED_PAYLOADS.items() if f"'{name}'" in text]
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
JOINED = " ".join(PAYLOADS)

HOSTILE_NAME = "Port " + JOINED
HOSTILE_QUOTE = "Iran ships drones " + JOINED
HOSTILE_TITLE = "Briefing " + JOINED
HOSTILE_SUBTITLE = "Subtitle " + JOINED

# User places (CSV): one hostile place inside the Belgorod and Kursk rings,
# so the rings' popups list its name among the places in range.
USER_PLACE_ID = "hostile-depot"
USER_PLACE = {
    "id": USER_PLACE_ID, "name": "Depot " + JOINED, "lat": "50.9", "lon": "36.0", "kind": "site",
    "source": "Source " + JOINED, "aliases": json.dumps(PAYLOADS, ensure_ascii=False),
    "note": "Note " + JOINED, "description": "Description " + JOINED,
}
# Its file name: no "/" possible, so a payload without one.
USER_PLACES_FILE = f"places <svg onload={run('file-name')}> \u202eelif.csv"

# A route the briefing computes: its name is in the legend.
ROUTE_NAME = "Route " + JOINED
ROUTE_NOTE = "Route note " + JOINED

# Point layer (CSV): a point per payload, the payload as its label and its
# category; the layer's title and source are hostile too.
POINT_TITLE = "Strikes <img src=x onerror=" + run("point-title") + "> ${x} {{7*7}} \u202eeltit"
POINT_SOURCE = "Export <svg onload=" + run("point-source") + "> `x` {% raw %} \u2067source"
POINT_LON0, POINT_LAT0, POINT_STEP = 60.0, 48.0, 0.5  # an empty steppe east of the Caspian
POINT_COLUMNS = 6


def point_lonlat(index):
    """Where point ``index`` (of the point CSV) is: a grid, far from every other feature."""
    return POINT_LON0 + POINT_STEP * (index % POINT_COLUMNS), POINT_LAT0 + POINT_STEP * (index // POINT_COLUMNS)


def strip_bidi(text):
    return "".join(c for c in text if c not in BIDI_CONTROLS)


def point_text(text):
    """What a point layer makes of ``text``: control, format and separator characters become spaces.

    That is mapper.load.pointfiles's rule (direction controls included), restated
    here so that the tests say what they expect; none of the corpus is over
    its 200-character limit.
    """
    return "".join(" " if unicodedata.category(c)[0] in "CZ" and c != " " else c for c in text).strip()


def bidi_balanced(text):
    """True if every embedding, override and isolate that ``text`` opens is closed, and no isolate closer is stray."""
    stack = []
    for c in text:
        if c in "\u202a\u202b\u202d\u202e":
            stack.append("e")
        elif c in "\u2066\u2067\u2068":
            stack.append("i")
        elif c == "\u202c" and stack and stack[-1] == "e":
            stack.pop()
        elif c == "\u2069":
            if "i" not in stack:
                return False
            while stack.pop() != "i":
                pass
    return not stack


@dataclass(frozen=True)
class HostileCopy:
    data_dir: Path
    articles_dir: Path
    briefing: Path
    places_file: Path
    points_file: Path


def _toml(text):
    """A TOML basic string: JSON's escapes are TOML's too."""
    return json.dumps(text, ensure_ascii=True)


def make_hostile_copy(data_dir, articles_dir, target):
    """Copy data and articles into ``target`` and poison every text a briefing draws.

    Returns (data copy, articles copy); :func:`make_hostile_corpus` also
    returns where the briefing and its CSV files are.
    """
    corpus = make_hostile_corpus(data_dir, articles_dir, target)
    return corpus.data_dir, corpus.articles_dir


def make_hostile_corpus(data_dir, articles_dir, target):
    """See :func:`make_hostile_copy`; returns a :class:`HostileCopy`."""
    data_copy, articles_copy = target / "geo", target / "articles"
    shutil.copytree(data_dir, data_copy)
    shutil.copytree(articles_dir, articles_copy)
    sources = json.loads((data_copy / "sources.json").read_text(encoding="utf-8"))
    source = sources["sources"][0]
    article = articles_copy / source["seed_file"]
    article.write_text(article.read_text(encoding="utf-8") + "\n" + HOSTILE_QUOTE + "\n", encoding="utf-8")
    source["sha256"] = hashlib.sha256(article.read_bytes()).hexdigest()
    source["title"] = NAMED_PAYLOADS["template-literal"] + " title"
    (data_copy / "sources.json").write_text(json.dumps(sources, ensure_ascii=False), encoding="utf-8")

    places = json.loads((data_copy / "places.geojson").read_text(encoding="utf-8"))
    olya = next(f for f in places["features"] if f["properties"]["id"] == "olya")["properties"]
    olya.update(name=HOSTILE_NAME, description="Description " + JOINED, note="Note " + JOINED,
                aliases=PAYLOADS, sources=[{"source": source["id"], "quote": HOSTILE_QUOTE}])
    olya.pop("basis")
    (data_copy / "places.geojson").write_text(json.dumps(places, ensure_ascii=False), encoding="utf-8")

    briefings = data_copy / "briefings"
    places_file = briefings / USER_PLACES_FILE
    with open(places_file, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(USER_PLACE))
        writer.writeheader()
        writer.writerow(USER_PLACE)
    points_file = briefings / "hostile-points.csv"
    with open(points_file, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["lon", "lat", "category", "label"])
        for index, payload in enumerate(PAYLOADS):
            lon, lat = point_lonlat(index)
            writer.writerow([f"{lon:.6f}", f"{lat:.6f}", payload, payload])

    briefing = briefings / "iran-russia.toml"
    text = briefing.read_text(encoding="utf-8")
    old_title = 'title = "Iran–Russia military supply, 2023–2024"'
    assert old_title in text and text.count("\nsubtitle = ") == 1
    text = text.replace(old_title, f"title = {_toml(HOSTILE_TITLE)}")
    text = "\n".join(f"subtitle = {_toml(HOSTILE_SUBTITLE)}" if line.startswith("subtitle = ") else line
                     for line in text.splitlines())
    # Top-level keys first: TOML puts any key after a [[table]] header into that table.
    text = f"places = [{_toml(USER_PLACES_FILE)}]\n" + text
    text += (f"\n[[routes]]\nid = \"hostile-route\"\nname = {_toml(ROUTE_NAME)}\nnote = {_toml(ROUTE_NOTE)}\n"
             'from = "tehran"\nto = "moscow"\nmode = "great-circle"\n'
             f"\n[[points]]\nfile = \"hostile-points.csv\"\ntitle = {_toml(POINT_TITLE)}\n"
             f"source = {_toml(POINT_SOURCE)}\n")
    briefing.write_text(text, encoding="utf-8")
    return HostileCopy(data_copy, articles_copy, briefing, places_file, points_file)
