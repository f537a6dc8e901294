"""A print figure's footer cites exactly the sources of what it draws, and nothing when nothing drawn cites one."""

import pytest

from mapper import api
from mapper.export import figure

CNN = "CNN, “US reveals details of “military partnership” between Russia and Iran… and vows sanctions”"
WE_NEWS = "WE News English, “US Accuses Iran of Supplying Missiles to Russia to Hit Ukraine”, Tue Sep 10 2024"


def _footer(tmp_path, toml, layer_keys=()):
    path = tmp_path / "briefing.toml"
    path.write_text(toml, encoding="utf-8")
    briefing = api.open_briefing(path)
    layers = api.select_layers(api.build_layers(briefing.geodata, briefing), layer_keys)
    fig = figure.draw_figure(briefing.geodata, briefing, layers, dpi=72)
    footer, = [t.get_text() for t in fig.texts if "Basemap:" in t.get_text()]
    return " ".join(footer.split())


DEFAULT = 'title = "T"\ndata = ["iran-russia"]\nlayers = ["places", "sea-routes", "river-routes", "supply-flows", ' \
          '"ranges", "events"]\n[[ranges]]\nid = "r"\nsystem = "fath-360"\ncentre = "belgorod"\nnote = "n"\n'


def test_every_layer_cites_both_articles(tmp_path):
    footer = _footer(tmp_path, DEFAULT)
    assert footer.startswith(f"Sources: {CNN}") and WE_NEWS in footer


def test_only_the_ranges_cite_only_the_missile_article(tmp_path):
    """The Fath-360 ring cites its system's source (WE News); the CNN article is not drawn."""
    footer = _footer(tmp_path, DEFAULT, layer_keys=("ranges",))
    assert footer.startswith(f"Sources: {WE_NEWS}.")
    assert "CNN" not in footer


def test_nothing_cited_no_sources_line(tmp_path):
    """Gazetteer cities cite no article: the footer has no Sources line at all."""
    footer = _footer(tmp_path, 'title = "T"\ndata = ["iran-russia"]\nlayers = ["places"]\n'
                               '[filter]\nids = ["kharkiv", "sumy", "poltava"]\n')
    assert "Sources" not in footer and "CNN" not in footer and "WE News" not in footer
    assert footer.startswith("Basemap: Natural Earth")


@pytest.mark.parametrize("view, cited", [
    ("", True),  # the whole content is framed: Tehran is drawn, and cites CNN
    ("[view]\nbounds = { south = 48.5, west = 33.0, north = 51.5, east = 38.0 }\n", False),  # Tehran is off the map
])
def test_features_outside_the_frame_are_not_cited(tmp_path, view, cited):
    footer = _footer(tmp_path, 'title = "T"\ndata = ["iran-russia"]\nlayers = ["places"]\n'
                               f'[filter]\nids = ["kharkiv", "sumy", "tehran"]\n{view}')
    assert ("CNN" in footer) is cited
    assert "WE News" not in footer


def test_a_briefing_source_without_outlet_or_date(tmp_path):
    """A briefing's own [[sources]] need only an id and a title; the footer cites what there is."""
    footer = _footer(tmp_path, 'title = "T"\nlayers = ["places"]\n'
                               '[[sources]]\nid = "memo"\ntitle = "Field memo"\n'
                               '[[places]]\nid = "depot"\nname = "Depot"\nlat = -33.9\nlon = 18.4\nkind = "site"\n'
                               'sources = [{ source = "memo", quote = "the depot" }]\n')
    assert footer.startswith("Sources: “Field memo”.")


def test_footer_lines():
    assert figure.footer_lines([], "Plate carrée", "") == [
        "Basemap: Natural Earth (public domain). Projection: Plate carrée. Distances and range rings are geodesic "
        "(WGS84)."]
