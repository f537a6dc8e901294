"""Export a briefing for other tools and for reports.

Data formats (GeoJSON, KML, GeoPackage, CSV) carry the same features as the
map, minus drawing aids (direction arrows, ring-centre markers), with their
provenance; dated events become one feature per event.  Report formats are
an HTML fragment, a static figure (PNG, SVG, PDF) and a screenshot of the
interactive map.  All writes are atomic.
"""

import csv
import io
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from mapper.compose.layers import layer_bounds
from mapper.core.geojson import dumps, feature_collection, flat_properties
from mapper.core.output import atomic_path, write_atomic
from mapper.core.stamp import stamp_line
from mapper.core.units import metres_to
from mapper.core.vocab import FIGURE_FORMATS, FORMATS
from mapper.errors import InputError, OutputError
from mapper.export.kml import kml_document
from mapper.geo import geodesy
from mapper.load.geodata import place_lonlat

_DRAWING_AIDS = ("arrow", "centre")
_DRAWING_PROPS = ("legend_label",)


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    path: Path
    format: str
    feature_counts: dict
    points_left_out: tuple = ()  # titles of point layers this format does not carry


@dataclass(frozen=True)
class FigureOptions:
    """How a figure or screenshot looks; None means the format's default.

    See :func:`mapper.export.figure.draw_figure` and :func:`mapper.export.screenshot.viewport_px`.
    """

    projection: str | None = None
    size: str | None = None
    dpi: int | None = None
    stamp: bool | None = None  # None: the briefing's ``stamp``


def format_for(path, fmt=None):
    """The export format: ``fmt`` if given, else from ``path``'s suffix."""
    if fmt:
        if fmt not in FORMATS:
            raise InputError(f"format {fmt!r}: unknown; use one of {', '.join(FORMATS)}")
        return fmt
    suffix = Path(path).suffix.lower() if path else ""
    for name, ext in FORMATS.items():
        if suffix == ext:
            return name
    raise InputError(f"{path}: cannot tell the format from the suffix; give --format ({', '.join(FORMATS)})")


def export_layers(layers):
    """``{layer key: [features]}`` for export: drawing aids dropped, events one per feature."""
    exported = {}
    for layer in layers:
        features = []
        for feature in layer.features:
            props = feature["properties"]
            if props.get("marker") in _DRAWING_AIDS:
                continue
            if layer.key == "events":
                features.extend(_one_feature_per_event(feature))
                continue
            clean = {k: v for k, v in props.items() if k not in _DRAWING_PROPS}
            features.append({"type": "Feature", "geometry": feature["geometry"], "properties": clean})
        exported[layer.key] = features
    return exported


def _one_feature_per_event(grouped):
    return [{"type": "Feature", "geometry": grouped["geometry"],
             "properties": {"kind": "event", "place": grouped["properties"]["place"], **event}}
            for event in grouped["properties"]["events"]]


def to_geojson(exported):
    features = [{**f, "properties": {"layer": key, **f["properties"]}} for key, fs in exported.items() for f in fs]
    return dumps(feature_collection(features), indent=1) + "\n"


# A spreadsheet takes a cell that starts with one of these for a formula (OWASP, "CSV Injection"),
# and some skip leading blanks first.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value):
    """``value`` as a CSV text cell that a spreadsheet shows and never runs.

    A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return (after any blanks) gets a leading ``'``, which Excel and
    LibreOffice take to mean "text": ``=HYPERLINK(...)`` shows as typed.
    Numbers are written by the callers as they are, never through this.
    """
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) or text.lstrip().startswith(_FORMULA_STARTS) else text


def to_places_csv(geodata):
    """Every place, one row each; text cells through :func:`text_cell`, LAT and LON as plain numbers."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "name", "kind", "lat", "lon", "basis", "aliases", "quotes", "sources", "location_source"])
    for place in geodata.places:
        props = place["properties"]
        point = place_lonlat(place)
        cites = props.get("sources", [])
        writer.writerow([
            *map(text_cell, (props["id"], props["name"], props["kind"])),
            f"{point.lat:.6f}", f"{point.lon:.6f}",
            *map(text_cell, (props.get("basis", "sources"), "; ".join(props.get("aliases", [])),
                             " | ".join(c["quote"] for c in cites), "; ".join(c["source"] for c in cites),
                             props.get("location_source", ""))),
        ])
    return out.getvalue()


def to_distances_csv(named_points):
    """Every pair of :class:`~mapper.load.lookup.NamedPoint`: geodesic distance and bearings."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["from", "to", "distance_m", "distance_km", "distance_mi", "distance_nmi",
                     "initial_bearing_deg", "final_bearing_deg"])
    for a, b in combinations(named_points, 2):
        bearing = geodesy.inverse(a.point, b.point)
        writer.writerow([text_cell(a.label), text_cell(b.label), f"{bearing.distance_m:.3f}",
                         *(f"{metres_to(bearing.distance_m, unit):.3f}" for unit in ("km", "mi", "nmi")),
                         f"{bearing.azimuth_deg % 360:.3f}", f"{(bearing.back_azimuth_deg + 180) % 360:.3f}"])
    return out.getvalue()


def write_gpkg(exported, path, overwrite=False):
    """One table per layer, named by its key (``sea_routes``), with flat properties."""
    import geopandas  # for start-up speed: only GeoPackages need GDAL
    import pyogrio
    from shapely.geometry import shape

    with atomic_path(path, overwrite) as tmp:
        for key, features in exported.items():
            if not features:
                continue
            rows = [flat_properties(f["properties"]) for f in features]
            frame = geopandas.GeoDataFrame(rows, geometry=[shape(f["geometry"]) for f in features], crs="EPSG:4326")
            try:
                # One geometry type per table: Multi* only where the layer has some.
                promote = any(f["geometry"]["type"].startswith("Multi") for f in features)
                pyogrio.write_dataframe(frame, tmp, layer=key.replace("-", "_"), driver="GPKG",
                                        promote_to_multi=promote, append=tmp.exists())
            except Exception as exc:  # GDAL's errors are not OSError; report them in one line
                raise OutputError(f"{path}: GeoPackage layer {key}: {exc}") from None
    return Path(path)


# Formats drawn from the HTML map, which carry large point layers.
POINT_FORMATS = ("fragment", "screenshot")


def export_briefing(geodata, briefing, layers, path, fmt, overwrite=False, named_points=(), offline=True,
                    height_px=None, figure=None, point_layers=(), step=None):
    """Write ``layers`` (from :func:`mapper.compose.layers.build_layers`) to ``path`` as ``fmt``.

    Parameters
    ----------
    named_points : sequence of NamedPoint
        For ``distances``: the places to tabulate, pairwise.
    offline, height_px
        For ``fragment``: inline the assets (else CDN), and the map's height.
    figure : FigureOptions, optional
        For ``png``, ``svg``, ``pdf`` and ``screenshot``.
    point_layers : sequence of PointLayer
        For ``fragment`` and ``screenshot`` (see :data:`POINT_FORMATS`).
    step : int, optional
        For ``screenshot``: the map opened at this step of its story.

    Returns
    -------
    ExportResult
    """
    exported = export_layers(layers)
    counts = {key: len(features) for key, features in exported.items()}
    if fmt == "geojson":
        write_atomic(path, to_geojson(exported), overwrite)
    elif fmt == "kml":
        write_atomic(path, kml_document(briefing.title, exported, geodata.sources, briefing.steps,
                                        _step_bounds(briefing, layers)), overwrite)
    elif fmt == "gpkg":
        write_gpkg(exported, path, overwrite)
    elif fmt == "csv":
        write_atomic(path, to_places_csv(geodata), overwrite)
        counts = {"places": len(geodata.places)}
    elif fmt == "fragment":
        from mapper.html.fragment import FRAGMENT_HEIGHT_PX, render_fragment  # for start-up speed: folium

        html = render_fragment(geodata, briefing, layers, offline=offline, height_px=height_px or FRAGMENT_HEIGHT_PX,
                               point_layers=point_layers)
        write_atomic(path, html, overwrite)
    elif fmt in FIGURE_FORMATS or fmt == "screenshot":
        _write_picture(geodata, briefing, layers, path, fmt, figure or FigureOptions(), overwrite, point_layers, step)
    elif fmt == "distances":
        if len(named_points) < 2:
            raise InputError("distances: name at least two places")
        write_atomic(path, to_distances_csv(named_points), overwrite)
        counts = {"pairs": len(named_points) * (len(named_points) - 1) // 2}
    else:
        raise InputError(f"format {fmt!r}: unknown; use one of {', '.join(FORMATS)}")
    counts.update({f"points: {p.title}": len(p) for p in point_layers})
    return ExportResult(Path(path), fmt, counts)


WORLD = (-180.0, -85.0, 180.0, 85.0)


def _step_bounds(briefing, layers):
    """(west, south, east, north) each step of the story shows: its view, else the briefing's, else everything."""
    drawn = layer_bounds(layers) or WORLD
    views = [step.view or briefing.view for step in briefing.steps]
    return [view.lonlat_bounds() if view is not None else drawn for view in views]


def _write_picture(geodata, briefing, layers, path, fmt, options, overwrite, point_layers=(), step=None):
    stamp = stamp_line(briefing.stamp if options.stamp is None else options.stamp)
    if fmt == "screenshot":
        from mapper.export.screenshot import DEFAULT_SCREEN_DPI, render_screenshot  # start-up speed: folium

        dpi = DEFAULT_SCREEN_DPI if options.dpi is None else options.dpi
        render_screenshot(geodata, briefing, layers, path, options.size, dpi, stamp, overwrite, point_layers,
                          f"#step={step}" if step is not None else "")
        return
    from mapper.export.figure import DEFAULT_DPI, render_figure  # for start-up speed: matplotlib

    dpi = DEFAULT_DPI if options.dpi is None else options.dpi
    render_figure(geodata, briefing, layers, path, fmt, options.projection, options.size, dpi, stamp, overwrite)
