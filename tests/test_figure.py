"""Static figures: file types and sizes, vector stays vector, offline, reproducible, the print
layout's parts, and projections and a scale bar that are true on the ellipsoid."""

import itertools
import re
import socket
import struct
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from conftest import DATA_DIR
from matplotlib.image import imread
from pyproj import Geod
from shapely.geometry import shape

from mapper import api
from mapper.compose.layers import build_layers
from mapper.core.style import FLOW_COLORS, LAND_COLOR, SEA_COLOR, STYLES
from mapper.errors import InputError
from mapper.export import figure, figure_map
from mapper.export.formats import FigureOptions
from mapper.export.projection import figure_projection
from mapper.load.briefing import default_briefing_path, load_briefing

GEOD = Geod(ellps="WGS84")
A4_PT = (841.89, 595.28)  # 297 × 210 mm


@pytest.fixture(scope="module")
def briefing(geodata):
    return load_briefing(default_briefing_path(DATA_DIR), geodata)


@pytest.fixture(scope="module")
def layers(geodata, briefing):
    return build_layers(geodata, briefing)


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    """The default briefing as PNG (100 dpi, to keep it quick), SVG and PDF, made with no network."""
    folder = tmp_path_factory.mktemp("figures")
    real_connect = socket.socket.connect

    def refuse(self, address):
        raise AssertionError(f"a figure tried to reach {address}")

    socket.socket.connect = refuse
    try:
        for fmt in figure.FIGURE_FORMATS:
            api.export(output_path=folder / f"map.{fmt}", data_dir=DATA_DIR, figure=FigureOptions(dpi=100))
    finally:
        socket.socket.connect = real_connect
    return folder


def test_png_is_a_png_of_the_asked_size(figures):
    data = (figures / "map.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # IHDR
    assert (width, height) == (int(297 / 25.4 * 100), int(210 / 25.4 * 100))  # A4 at 100 dpi, truncated
    assert 100_000 < len(data) < 3_000_000


def test_png_shows_basemap_and_layers(figures):
    pixels = (imread(figures / "map.png")[:, :, :3] * 255).round().astype(int)

    def share(hex_color, tolerance=6):
        rgb = np.array([int(hex_color[i:i + 2], 16) for i in (1, 3, 5)])
        return (np.abs(pixels - rgb).max(axis=2) <= tolerance).mean()

    assert share(SEA_COLOR) > 0.03  # the Caspian and the Black Sea; the timeline takes part of the page
    assert share(LAND_COLOR) > 0.2
    for key in ("river-route", "sea-route"):
        assert share(STYLES[key].color, tolerance=30) > 0.0003, key
    # Each supply flow takes the next colour in drawing order: Iran → Russia, Russia → Iran, Alabuga → Kyiv.
    for n, (color, least) in enumerate(zip(FLOW_COLORS, (0.0003, 0.0003, 0.0001))):
        assert share(color, tolerance=30) > least, f"flow {n}: {color}"
    assert share(STYLES["place-industrial-zone"].fill_color, tolerance=30) > 0.00005  # one marker: Alabuga


def test_svg_is_vector_with_a4_page(figures):
    root = ET.parse(figures / "map.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    size_pt = (float(root.get("width").removesuffix("pt")), float(root.get("height").removesuffix("pt")))
    assert size_pt == pytest.approx(A4_PT, abs=0.01)
    tags = [element.tag.split("}")[1] for element in root.iter()]
    assert "image" not in tags  # nothing rasterized
    assert tags.count("path") + tags.count("use") > 1000
    title = root.find(".//{http://purl.org/dc/elements/1.1/}title")
    assert title is not None and title.text == "Iran–Russia military supply, 2023–2024"
    assert 100_000 < (figures / "map.svg").stat().st_size < 5_000_000


def test_pdf_is_vector_with_a4_page_and_real_fonts(figures):
    data = (figures / "map.pdf").read_bytes()
    assert data.startswith(b"%PDF-1.") and data.rstrip().endswith(b"%%EOF")
    box = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert box and (float(box[1]), float(box[2])) == pytest.approx(A4_PT, abs=0.01)
    assert b"/Subtype /Image" not in data
    assert b"/FontFile2" in data  # TrueType embedded: text stays text
    assert b"/CreationDate" not in data  # no clock in the bytes
    assert 50_000 < len(data) < 3_000_000


@pytest.mark.parametrize("fmt", figure.FIGURE_FORMATS)
def test_same_inputs_same_bytes(fmt, figures, tmp_path):
    again = tmp_path / f"again.{fmt}"
    api.export(output_path=again, data_dir=DATA_DIR, figure=FigureOptions(dpi=100))
    assert again.read_bytes() == (figures / f"map.{fmt}").read_bytes()


def test_layout_has_title_legend_sources_scale_and_stamp(geodata, briefing, layers):
    fig = figure.draw_figure(geodata, briefing, layers, dpi=72, stamp="Generated 2024-09-10 00:00 UTC by mapper")
    page_text = "\n".join(t.get_text() for t in fig.texts)
    assert briefing.title in page_text
    cnn = "CNN, “US reveals details of “military partnership” between Russia and Iran… and vows sanctions”"
    assert cnn in page_text
    assert "WE News English" in page_text and "Tue Sep 10 2024" in page_text
    assert "Natural Earth" in page_text and "Lambert conformal conic" in page_text
    assert "Generated 2024-09-10 00:00 UTC by mapper" in page_text
    legend_text = " ".join(t.get_text().replace("\n", " ") for t in fig.legends[0].get_texts())
    for label in ("Fath-360 range, 120 km (geodesic)", "Sea route", "Industrial zone",
                  "Dashed: analyst’s assumption"):
        assert label in legend_text
    ax = fig.axes[0]
    map_text = [t.get_text() for t in ax.texts]
    assert {"km", "mi", "N"} <= set(map_text)
    labels = {t.get_text().replace("\n", " ") for t in ax.texts if hasattr(t, "xy")}
    assert {"Moscow", "Tehran", "Kyiv", "Alabuga special economic zone", "Caspian Sea"} <= labels
    assert any(label.endswith("°E") for label in (t.get_text() for t in ax.get_xticklabels()))


def test_no_stamp_unless_asked(geodata, briefing, layers):
    fig = figure.draw_figure(geodata, briefing, layers, dpi=72)
    assert "Generated" not in "\n".join(t.get_text() for t in fig.texts)


def test_aeqd_on_a_place_draws_its_rings_as_true_circles(geodata, layers):
    ring = next(f for layer in layers for f in layer.features if f["properties"].get("id") == "fath-360-belgorod")
    projection = figure_projection("aeqd:belgorod", (30, 35, 55, 56), geodata)
    projected = figure_map.Projector(projection.crs).geometry(shape(ring["geometry"]))
    radii_m = np.hypot(*np.asarray(projected.exterior.coords).T)
    assert np.abs(radii_m - 120_000).max() < 0.01
    assert "Belgorod" in projection.label
    # On the default conic the same ring is close to, but not exactly, a circle about its centre.
    conic = figure_map.Projector(figure_projection(None, (30, 35, 55, 56)).crs)
    centre = np.array(conic.point(*ring["properties"]["centre"]))
    spread_m = np.ptp(np.hypot(*(np.asarray(conic.geometry(shape(ring["geometry"])).exterior.coords) - centre).T))
    assert spread_m > 1.0


def test_scale_bar_length_is_measured_on_the_ellipsoid(geodata):
    projector = figure_map.Projector(figure_projection("aeqd:moscow", (30, 35, 55, 56), geodata).crs)
    # Radially from the centre of an azimuthal equidistant projection, 1 projected metre is 1 m on the ground.
    assert figure_map.ground_length_m(projector, 0, 0, 500_000) == pytest.approx(500_000, abs=0.5)
    # On Web Mercator at 60°N a projected metre is half a metre on the ground.
    mercator = figure_map.Projector(figure_projection("mercator", (30, 35, 55, 56)).crs)
    x, y = mercator.point(30, 60)
    # The bar follows the parallel, which is a little longer than the geodesic between its ends.
    east = mercator.lonlat(x + 200_000, y)
    lons = np.linspace(30, east.lon, 2001)
    along_parallel_m = GEOD.line_length(lons, np.full_like(lons, 60.0))
    assert figure_map.ground_length_m(mercator, x, y, x + 200_000) == pytest.approx(along_parallel_m, rel=1e-6)
    assert figure_map.ground_length_m(mercator, x, y, x + 200_000) == pytest.approx(100_000, rel=0.01)


@pytest.mark.parametrize("limit, nice", [(7.3, 5), (1.0, 1), (19.9, 10), (250, 200), (0.42, 0.2)])
def test_nice_scale_lengths(limit, nice):
    assert figure_map._nice_length(limit) == pytest.approx(nice)


@pytest.mark.parametrize("text, inches", [
    ("a4", (297 / 25.4, 210 / 25.4)), ("A4-portrait", (210 / 25.4, 297 / 25.4)), ("letter", (11, 8.5)),
    ("8x6in", (8, 6)), ("20x15cm", (20 / 2.54, 15 / 2.54)), ("1600 x 1000px", (8, 5)),
])
def test_sizes(text, inches):
    size = figure.parse_size(text, dpi=200)
    assert (size.width_in, size.height_in) == pytest.approx(inches)


@pytest.mark.parametrize("text, message", [
    ("huge", "size 'huge': use a paper name"),
    ("2x2in", "each side must be 4–60 in"),
    ("a4-sideways", "use a paper name"),
    ("100x80in", "each side must be 4–60 in"),
])
def test_bad_sizes(text, message):
    with pytest.raises(InputError, match=re.escape(message)):
        figure.parse_size(text)


@pytest.mark.parametrize("spec, message", [
    ("bogus", "projection 'bogus': unknown; use lcc"),
    ("EPSG:4978", "is not a map projection"),
    ("aeqd:atlantis", "atlantis"),
])
def test_bad_projections(geodata, spec, message):
    with pytest.raises(InputError, match=re.escape(message)):
        figure_projection(spec, (30, 35, 55, 56), geodata)


def test_cli_figure(run, tmp_path):
    result = run("export", "-o", "fig.pdf", "--projection", "aeqd:kyiv", "--size", "letter-portrait")
    assert result.exit_code == 0, result.output
    assert "wrote fig.pdf (pdf:" in result.output
    box = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", (tmp_path / "fig.pdf").read_bytes())
    assert (float(box[1]), float(box[2])) == (612, 792)


@pytest.mark.parametrize("args, message", [
    (["--size", "nonsense"], "Error: size 'nonsense': use a paper name"),
    (["--size", "6x4.5in"], "too small for"),
    (["--projection", "bogus"], "Error: projection 'bogus': unknown"),
    (["--dpi", "5"], "Error: dpi 5: must be 50–1200"),
    (["--dpi", "1200", "--size", "a3"], "more than 100,000,000 pixels"),
])
def test_cli_bad_figure_options(run, tmp_path, args, message):
    result = run("export", "-o", "fig.png", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not list(tmp_path.iterdir())  # nothing written, not even a temporary file


def test_cli_refuses_to_overwrite_a_figure(run, tmp_path):
    (tmp_path / "fig.svg").write_text("mine")
    result = run("export", "-o", "fig.svg")
    assert result.exit_code == 1
    assert "fig.svg: already exists; use --overwrite" in result.output
    assert (tmp_path / "fig.svg").read_text() == "mine"


def test_lcc_falls_back_to_mercator_across_the_equator():
    assert figure_projection("lcc", (30, -5, 40, 5)).crs.to_epsg() == 3857
    assert "Lambert" in figure_projection("lcc", (30, 35, 55, 56)).label


def test_mile_bar_is_measured_where_it_is_drawn(geodata, briefing, layers):
    fig = figure.draw_figure(geodata, briefing, layers, projection="mercator", dpi=72)
    ax = fig.axes[0]
    projector = figure_map.Projector(figure_projection("mercator", (30, 35, 55, 56)).crs)
    bars = {}
    for patch in ax.patches:
        if type(patch).__name__ == "Rectangle" and patch.get_zorder() == 12:
            bars.setdefault(round(patch.get_y()), []).append(patch)
    labels = {t.get_text(): t for t in ax.texts if t.get_text() in ("km", "mi")}
    for unit, unit_m in (("km", 1000.0), ("mi", 1609.344)):
        y = min(bars, key=lambda key: abs(key - labels[unit].get_position()[1]))
        x0 = min(p.get_x() for p in bars[y])
        x1 = max(p.get_x() + p.get_width() for p in bars[y])
        values = [float(t.get_text()) for t in ax.texts
                  if t.get_text().replace(".", "").isdigit() and abs(t.get_position()[0] - x1) < 1]
        ground_m = figure_map.ground_length_m(projector, x0, bars[y][0].get_y(), x1)
        assert ground_m / unit_m == pytest.approx(max(values), rel=0.002), unit


def test_cli_dpi_zero_is_refused(run, tmp_path):
    result = run("export", "-o", "fig.png", "--dpi", "0")
    assert result.exit_code == 2 and "dpi 0: must be 50–1200" in result.output


def _timeline_texts(fig):
    return {t.get_gid(): t for t in fig.texts if (t.get_gid() or "").startswith("timeline-")}


def test_timeline_entries_sort_partial_dates_as_their_start(geodata, layers):
    entries = figure.timeline_entries(geodata, layers)
    assert sorted(e.event_id for e in entries) == sorted(e["id"] for e in geodata.events)
    keys = [figure.date_key(e.date) for e in entries]
    assert keys == sorted(keys)
    assert figure.date_key("2024") == "2024-01-01" and figure.date_key("2024-06") == "2024-06-01"
    dates = [e.date for e in entries]
    assert dates.index("2024") < dates.index("2024-04-03") < dates.index("2024-06") < dates.index("2024-06-21")
    su35 = next(e for e in entries if e.event_id == "su-35-deal")
    assert (su35.date, su35.place) == ("2024", "Tehran")


@pytest.mark.parametrize("size", ["a4", "a5", "a5-portrait", "letter"])
def test_timeline_lists_every_event_clear_of_map_legend_and_footer(geodata, briefing, layers, size):
    fig = figure.draw_figure(geodata, briefing, layers, size=size, dpi=100)
    renderer = fig.canvas.get_renderer()
    texts = _timeline_texts(fig)
    assert texts["timeline-title"].get_text() == "Timeline"
    places = {p["properties"]["id"]: p["properties"]["name"] for p in geodata.places}
    for event in geodata.events:
        date = texts[f"timeline-date-{event['id']}"]
        body = texts[f"timeline-event-{event['id']}"]
        assert date.get_text() == event["date"]
        assert " ".join(body.get_text().split()) == f"{event['name']} ({places[event['place']]})"
        assert date.get_fontsize() >= 6 and body.get_fontsize() >= 6  # readable in print
        assert date.get_position()[1] == body.get_position()[1]  # on one line
    # Read down each column, then across: dates in order.
    entries = figure.timeline_entries(geodata, layers)
    positions = [texts[f"timeline-date-{e.event_id}"].get_position() for e in entries]
    assert positions == sorted(positions, key=lambda p: (round(p[0], 6), -p[1]))

    page = fig.bbox
    map_box = fig.axes[0].get_tightbbox(renderer)  # the frame with its tick labels
    others = [("map", map_box), ("legend", fig.legends[0].get_window_extent(renderer))]
    others += [(t.get_text()[:20], t.get_window_extent(renderer)) for t in fig.texts if t not in texts.values()]
    boxes = {gid: t.get_window_extent(renderer) for gid, t in texts.items()}
    for gid, box in boxes.items():
        assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 and box.y1 <= page.y1, gid
        for name, other in others:
            assert not box.overlaps(other), (gid, name)
    for (a, box_a), (b, box_b) in itertools.combinations(boxes.items(), 2):
        assert not box_a.overlaps(box_b), (a, b)


def test_no_timeline_without_the_events_layer(geodata, briefing, layers):
    fig = figure.draw_figure(geodata, briefing, [layer for layer in layers if layer.key != "events"], dpi=72)
    assert _timeline_texts(fig) == {}


def test_svg_carries_the_timeline(figures, geodata):
    """SVG text is drawn as outlines, but each timeline line keeps its id."""
    root = ET.parse(figures / "map.svg").getroot()
    ids = {element.get("id") for element in root.iter("{http://www.w3.org/2000/svg}g")}
    assert "timeline-title" in ids
    for event in geodata.events:
        assert {f"timeline-date-{event['id']}", f"timeline-event-{event['id']}"} <= ids
