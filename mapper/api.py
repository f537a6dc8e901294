"""mapper's front door: open a briefing, render it, export it, and answer the CLI's questions.

Every command of the ``mapper`` CLI is one call here, and so is every step a
notebook needs.  This is the one place that loads geodata, loads a briefing
and picks the default output path; the stages below it (``load``, ``geo``,
``compose``, ``html``, ``export``) never orchestrate.

Heavy libraries (folium, matplotlib, geopandas) are imported inside the
functions that draw, for start-up speed: asking for a distance should not
pay for a map.
"""

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path

from mapper.compose.layers import build_layers, ring_feature, select_layers
from mapper.compose.reach import SystemReach, reach_briefing, reach_dict, reach_of
from mapper.compose.story import at_step, step_of
from mapper.core.geojson import dumps, feature_collection
from mapper.core.output import check_output_path, write_atomic
from mapper.core.stamp import stamp_line
from mapper.core.units import format_hours, metres_to, parse_length_m, parse_speed_m_s
from mapper.core.vocab import FIGURE_FORMATS, FORMATS
from mapper.errors import DataError, InputError
from mapper.export.formats import POINT_FORMATS, ExportResult, FigureOptions, export_briefing, format_for
from mapper.export.starter import write_starter
from mapper.geo.claims import verify_claims
from mapper.geo.geodesy import inverse
from mapper.geo.routing import route_feature
from mapper.geo.waternet import prepare as prepare_water
from mapper.load.briefing import Briefing, default_briefing_path, load_briefing
from mapper.load.check import Report, check_briefing, check_folder
from mapper.load.geodata import Geodata, load_geodata, place_lonlat
from mapper.load.lookup import NamedPoint, resolve_point
from mapper.load.pointfiles import PointLayer, point_layer, read_point_layer
from mapper.load.schemas import read_schema
from mapper.load.tiles import find_tile_provider

__all__ = [
    # results and values
    "Briefing", "Distance", "ExportResult", "FigureOptions", "Geodata", "NamedPoint", "PointLayer", "RenderResult",
    "Report", "SystemReach",
    # briefings, maps and exports
    "build_layers", "default_output_path", "export", "interactive_map", "load_geodata", "open_briefing", "render",
    "render_html", "write_features",
    # the CLI's questions
    "distance", "format_hours", "new_briefing", "place_rows", "point_layer", "prepare_routes", "reach", "reach_dict",
    "ring", "route", "schema", "validate", "verify", "world", "write_reach",
]

OUTPUTS_DIR = Path("outputs")
HTML_SUFFIXES = (".html", ".htm")


@dataclass(frozen=True)
class RenderResult:
    """What :func:`render` wrote."""

    path: Path
    size_bytes: int
    sha256: str
    offline: bool
    feature_counts: dict


@dataclass(frozen=True)
class Distance:
    """The geodesic from one point to another, on WGS84."""

    start: NamedPoint
    end: NamedPoint
    distance_m: float
    azimuth_deg: float  # initial bearing at ``start``
    back_azimuth_deg: float  # bearing from ``end`` back to ``start``

    def length_in(self, unit):
        """The distance in ``unit``: m, km, mi or nmi."""
        return metres_to(self.distance_m, unit)


def open_briefing(briefing_path=None, data_dir=None):
    """Load the geodata and the briefing at ``briefing_path`` (default: the bundled one).

    Returns
    -------
    Briefing
        Its ``geodata`` holds the folder's data plus the briefing's own.

    Raises
    ------
    DataError
        If the geodata or the briefing is missing or invalid.
    """
    geodata = load_geodata(data_dir)
    return load_briefing(briefing_path or default_briefing_path(geodata.data_dir), geodata)


def world(briefing_path=None, data_dir=None):
    """The geodata a command sees: the briefing's world (its data, places and story), else the folder in use.

    Without a briefing, that is the geodata folder (default: the bundled
    Iran–Russia story, which the default briefing draws).
    """
    if briefing_path is None:
        return load_geodata(data_dir)
    return open_briefing(briefing_path, data_dir).geodata


def default_output_path(briefing, suffix, qualifier=""):
    """``outputs/<briefing name><qualifier><suffix>`` under the current folder, the folder made if needed."""
    OUTPUTS_DIR.mkdir(parents=True, exist_ok=True)
    return OUTPUTS_DIR / f"{briefing.name}{qualifier}{suffix}"


def render_html(briefing, layers=None, offline=True, tiles=None, stamp="", point_layers=()):
    """The HTML page of an opened briefing, as a string (see :func:`mapper.html.page.render_html`)."""
    provider = find_tile_provider(tiles) if tiles is not None else None
    return _page_html(briefing, layers, offline, provider, stamp, point_layers)


def interactive_map(briefing, layers=None, offline=True):
    """The folium Map of an opened briefing, as ``mapper render`` draws it; Jupyter shows it inline."""
    from mapper.html.page import build_map  # for start-up speed: folium

    return build_map(briefing.geodata, briefing, layers, offline=offline)


def _page_html(briefing, layers, offline, tile_provider, stamp, point_layers):
    from mapper.html.page import render_html as page_html  # for start-up speed: folium

    return page_html(briefing.geodata, briefing, layers, offline=offline, tile_provider=tile_provider, stamp=stamp,
                     point_layers=point_layers)


def render(briefing_path=None, output_path=None, data_dir=None, overwrite=False, offline=None, tiles=None,
           stamp=None, point_files=(), point_layers=()):
    """Render a briefing to an interactive HTML map, written atomically.

    Parameters
    ----------
    briefing_path : path, optional
        Briefing TOML; default the bundled ``iran-russia`` briefing.
    output_path : path, optional
        Where to write; default ``outputs/<briefing name>.html``.
    data_dir : path, optional
        Geodata folder; default the bundled one.
    overwrite : bool
        Replace an existing output.
    offline : bool, optional
        One self-contained, locked-down file; default: offline unless
        ``tiles`` is given.
    tiles : str, optional
        xyzservices provider name of an online tile basemap.
    stamp : bool, optional
        Show a "generated on" line; default: the briefing's ``stamp``.
    point_files : sequence of path
        Large point files (CSV, GeoJSON, GeoParquet) to draw on top of the
        briefing's own ``[[points]]``, their columns found by name.
    point_layers : sequence of PointLayer
        Point layers already in memory, drawn after those.

    Returns
    -------
    RenderResult

    Raises
    ------
    InputError
        For an unknown tile provider, or tiles asked for offline.
    AssetError
        If an asset of an offline map is missing or altered.
    """
    briefing = open_briefing(briefing_path, data_dir)
    if tiles is None and offline is not True:
        tiles = briefing.tiles
    provider = find_tile_provider(tiles) if tiles is not None else None
    if offline is None:
        offline = provider is None
    if output_path is None:
        output_path = default_output_path(briefing, ".html")
    check_output_path(output_path, overwrite)  # before the slow part; checked again when written
    # Point files before the layers: a bad one is refused before routes load the sea graph.
    points = [spec.read() for spec in briefing.points] + [read_point_layer(f) for f in point_files]
    points += list(point_layers)
    layers = build_layers(briefing.geodata, briefing)
    stamp_text = stamp_line(briefing.stamp if stamp is None else stamp)
    data = _page_html(briefing, layers, offline, provider, stamp_text, points).encode("utf-8")
    path = write_atomic(output_path, data, overwrite=overwrite)
    counts = {layer.key: len(layer.features) for layer in layers}
    counts.update({f"points: {p.title}": len(p) for p in points})
    return RenderResult(path=Path(path), size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest(),
                        offline=offline, feature_counts=counts)


def export(briefing_path=None, output_path=None, fmt=None, data_dir=None, overwrite=False, layer_keys=(),
           places=(), offline=True, height_px=None, figure=None, step=None):
    """Export a briefing as data, a figure, a fragment or a screenshot: the one call behind ``mapper export``.

    Parameters
    ----------
    output_path : path, optional
        Default ``outputs/<briefing name><suffix of fmt>``.
    fmt : str, optional
        One of FORMATS; default from ``output_path``'s suffix, else geojson.
    layer_keys : sequence of str
        Layers to export (default all of the briefing's).
    places : sequence of str
        For ``distances``: place names, ids or LAT,LON (default every place).
    offline, height_px, figure
        For ``fragment`` and the pictures: see :func:`mapper.export.formats.export_briefing`.
    step : int, optional
        For a figure (png, svg, pdf) or a screenshot: draw step ``step``
        (from 1) of the briefing's story, in its view, with its layers and
        date (:func:`mapper.compose.story.at_step`; a screenshot opens the
        map at that step).

    Returns
    -------
    ExportResult
    """
    fmt = format_for(output_path, fmt) if output_path or fmt else "geojson"
    if step is not None and fmt not in (*FIGURE_FORMATS, "screenshot"):
        raise InputError(f"step {step}: a step is drawn as a figure ({', '.join(FIGURE_FORMATS)}) or a screenshot, "
                         f"not as {fmt}")
    briefing = open_briefing(briefing_path, data_dir)
    geodata = briefing.geodata
    if step is not None:
        step_of(briefing, step)  # before the slow part
    if output_path is None:
        qualifier = f"-{fmt}" if fmt in ("distances", "screenshot") else ""
        qualifier += f"-step-{step}" if step is not None else ""
        output_path = default_output_path(briefing, FORMATS[fmt], qualifier)
    check_output_path(output_path, overwrite)  # before the slow part; checked again when written
    layers = select_layers(build_layers(geodata, briefing), layer_keys)
    if step is not None and fmt in FIGURE_FORMATS:
        briefing, layers = at_step(briefing, layers, step, geodata.sources)
    queries = places or [place["properties"]["id"] for place in geodata.places]
    named_points = [resolve_point(geodata, query) for query in queries] if fmt == "distances" else ()
    point_layers = [spec.read() for spec in briefing.points] if fmt in POINT_FORMATS else []
    result = export_briefing(geodata, briefing, layers, output_path, fmt, overwrite, named_points, offline, height_px,
                             figure, point_layers, step if fmt == "screenshot" else None)
    if fmt not in POINT_FORMATS and briefing.points:
        left_out = tuple(spec.title or spec.file.name for spec in briefing.points)
        result = ExportResult(result.path, result.format, result.feature_counts, left_out)
    return result


def reach(system, origin, within=None, data_dir=None, base_dir=None, briefing_path=None):
    """What ``system`` (an id, a name or a radius such as ``300km``) reaches from ``origin``.

    ``origin`` is LAT,LON, a place, a Natural Earth country or a GeoJSON
    file; ``within`` a country or a GeoJSON file; places and systems are
    the briefing's (see :func:`world`).  See :func:`reach_dict` for the
    answer as JSON-ready data.
    """
    return reach_of(world(briefing_path, data_dir), system, origin, within, base_dir)


def write_reach(system_reach, path, overwrite=False):
    """Draw a :class:`SystemReach` to ``path``: an offline HTML map (.html), or any export format by suffix."""
    check_output_path(path, overwrite)  # before the slow part; checked again when written
    briefing = reach_briefing(system_reach, path)
    layers = build_layers(system_reach.geodata, briefing)
    if Path(path).suffix.lower() in HTML_SUFFIXES:
        return write_atomic(path, render_html(briefing, layers).encode("utf-8"), overwrite)
    try:
        fmt = format_for(path, None)
    except InputError:
        raise InputError(f"{path}: cannot tell the format from the suffix; use .html or one of "
                         f"{', '.join(sorted(set(FORMATS.values())))}") from None
    return export_briefing(system_reach.geodata, briefing, layers, path, fmt, overwrite).path


def place_rows(data_dir=None, briefing_path=None):
    """Every place as a dict: id, name, kind, lat, lon, aliases and provenance (source ids or basis)."""
    rows = []
    for place in world(briefing_path, data_dir).places:
        props = place["properties"]
        point = place_lonlat(place)
        provenance = props.get("basis") or ",".join(sorted({c["source"] for c in props.get("sources", [])}))
        rows.append({"id": props["id"], "name": props["name"], "kind": props["kind"], "lat": point.lat,
                     "lon": point.lon, "aliases": props.get("aliases", []), "provenance": provenance})
    return rows


def distance(a, b, data_dir=None, briefing_path=None):
    """The :class:`Distance` from ``a`` to ``b`` (place ids, names, aliases or LAT,LON)."""
    geodata = world(briefing_path, data_dir)
    start, end = resolve_point(geodata, a), resolve_point(geodata, b)
    bearing = inverse(start.point, end.point)
    return Distance(start, end, bearing.distance_m, bearing.azimuth_deg, bearing.back_azimuth_deg)


def ring(centre, radius, data_dir=None, briefing_path=None):
    """A geodesic range ring of ``radius`` (a length with its unit) around ``centre``, as a GeoJSON Feature."""
    radius_m = parse_length_m(radius)
    return ring_feature(resolve_point(world(briefing_path, data_dir), centre), radius_m)


def route(stops, mode="sea", speed="10kn", data_dir=None, briefing_path=None, avoid=()):
    """The route through ``stops`` (places or LAT,LON) in ``mode``, as a GeoJSON Feature with legs and sailing time.

    ``mode`` is sea, river or straight (``great-circle`` is another name for
    straight); ``avoid`` names canals and straits to close (ids, names or
    aliases of ``waterways.json``).  The properties list the straits and
    canals passed (``passes``) and each leg with its own geometry.
    """
    speed_m_s = parse_speed_m_s(speed)
    return route_feature(world(briefing_path, data_dir), stops, mode, speed_m_s, avoid)


def prepare_routes(data_dir=None):
    """Build the world sea graph that ``route`` uses, if it is not cached yet (about a minute), and describe it.

    Returns ``{path, size_bytes, nodes, edges}``: where it is cached (the
    user's cache folder, see :mod:`mapper.load.watercache`), its size on disk,
    and its nodes and edges.  ``make map`` and ``make test`` call this.
    """
    return prepare_water(load_geodata(data_dir).data_dir)


def verify(data_dir=None, briefing_path=None):
    """Every claim checked: (list of ClaimCheck, sources by id)."""
    geodata = world(briefing_path, data_dir)
    return verify_claims(geodata), geodata.sources


def validate(data_dir=None, briefing_path=None):
    """The :class:`Report` of a geodata folder and its briefings, or of one briefing (a .toml file)."""
    if briefing_path is not None:
        return check_briefing(briefing_path, data_dir)
    return check_folder(data_dir)


def new_briefing(name, overwrite=False):
    """Write a commented starter briefing called ``name``; its path."""
    return write_starter(name, overwrite)


def write_features(path, features, overwrite=False):
    """Write ``features`` as an RFC 7946 FeatureCollection, atomically."""
    return write_atomic(path, dumps(feature_collection(features)) + "\n", overwrite=overwrite)


def schema(name, output_path=None, overwrite=False):
    """The JSON Schema called ``name``: ``briefing``, or a geodata file's (``places``, ``routes``, ...), as a dict.

    The names are :data:`mapper.core.vocab.SCHEMAS`.  With ``output_path``,
    the schema is also written there as JSON, atomically; an existing file is
    replaced only with ``overwrite``.
    """
    document = read_schema(name)
    if output_path is not None:
        write_atomic(output_path, json.dumps(document, ensure_ascii=False, indent=2) + "\n", overwrite=overwrite)
    return document


@dataclass(frozen=True)
class IngestResult:
    """What :func:`ingest` found in an article, and the files it wrote."""

    found: dict  # JSON-ready: source, places, quantities, claims, systems, events, flows
    draft_path: Path | None
    review_path: Path | None


def ingest(article_path, draft_path=None, review_path=None, title=None, outlet=None, date=None,
           briefing_path=None, data_dir=None, overwrite=False):
    """Read the article at ``article_path`` and find its places, quantities, dates, claims and flows.

    ``title``, ``outlet`` and ``date`` (YYYY-MM-DD) stand in for, or
    correct, what the article prints.  With ``briefing_path``, the
    briefing's places are looked up first (else the gazetteer's alone).
    With ``draft_path``, a draft briefing is written there (every item
    ``status = "draft"``); with ``review_path``, the review page (HTML).
    Files are written atomically, and an existing one only with ``overwrite``.
    """
    from mapper.export.draft import draft_briefing  # start-up speed: only ingest reads articles
    from mapper.html.review import review_page  # start-up speed, as above
    from mapper.load.article import MAX_TITLE_CHARS, printed_date, read_article  # start-up speed
    from mapper.load.gazetteer import load_gazetteer  # start-up speed
    from mapper.text.extract import extract  # start-up speed

    outputs = [Path(p) for p in (draft_path, review_path) if p is not None]
    for path in outputs:
        check_output_path(path, overwrite)
        if path.resolve() == Path(article_path).resolve():
            raise InputError(f"{path}: that is the article itself; write the draft and the review elsewhere")
    if len(outputs) == 2 and outputs[0].resolve() == outputs[1].resolve():
        raise InputError(f"{outputs[0]}: the draft and the review page need two different files")
    article = read_article(Path(article_path))
    if date is not None:
        parsed = printed_date(date)
        if parsed is None or len(parsed[0]) != 10:
            raise InputError(f"date {date!r}: give the article's date as YYYY-MM-DD")
        article = replace(article, date=parsed[0], date_printed=date)
    article = replace(article, title=title or article.title, outlet=outlet or article.outlet)
    if article.title is not None and len(article.title) > MAX_TITLE_CHARS:
        raise DataError(f"{article_path}: the title line is over {MAX_TITLE_CHARS} characters; give --title")
    places = world(briefing_path, data_dir).places if briefing_path is not None else ()
    gazetteer = load_gazetteer(data_dir, places)
    found = extract(article, gazetteer)
    if draft_path is not None:
        write_atomic(draft_path, draft_briefing(article, found, gazetteer, draft_path), overwrite)
    if review_path is not None:
        name = Path(draft_path).name if draft_path is not None else None
        write_atomic(review_path, review_page(article, found, name), overwrite)
    return IngestResult(found, Path(draft_path) if draft_path else None, Path(review_path) if review_path else None)

