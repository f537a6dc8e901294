"""The map's palette: no two colours drawn together clash, as seen or with deuteranopia (CIEDE2000)."""

from itertools import combinations

import pytest
from colour import ciede2000, deuteranopia, difference

from mapper.core import style

# Colours that mean different things and are drawn over each other: routes, flows, ranges, event halos.
THEMATIC = {
    "sea route": style.SEA_ROUTE_COLOR,
    "river route": style.RIVER_ROUTE_COLOR,
    "computed route": style.COMPUTED_ROUTE_COLOR,
    "range": style.RANGE_COLOR,
    "event": style.EVENT_COLOR,
    **{f"flow {n + 1}": color for n, color in enumerate(style.FLOW_COLORS[:style.DISTINCT_FLOWS])},
}
BACKGROUNDS = {"land": style.LAND_COLOR, "sea": style.SEA_COLOR}
MIN_SEEN = 20.0  # CIEDE2000: well past "clearly different"
MIN_DEUTERANOPIA = 10.0
MIN_ON_BACKGROUND = 18.0
MIN_FLOWS_SEEN = 10.0  # flows past the first three: still told apart by normal vision, and by their labels

# Sharma, Wu and Dalal (2005), Table 1: (L, a, b) pairs and their CIEDE2000 difference.
SHARMA_PAIRS = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, -1.3802, -84.2814), (50.0, 0.0, -82.7485), 1.0000),
    ((50.0, 2.5, 0.0), (50.0, 3.1736, 0.5854), 1.0000),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
    ((90.8027, -2.0831, 1.4410), (91.1528, -1.6435, 0.0447), 1.4441),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
]


@pytest.mark.parametrize("lab1, lab2, expected", SHARMA_PAIRS)
def test_ciede2000_matches_the_published_test_data(lab1, lab2, expected):
    assert ciede2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)
    assert ciede2000(lab2, lab1) == pytest.approx(expected, abs=1e-4)


def test_deuteranopia_merges_red_and_green_and_keeps_grey():
    assert difference("#d00000", "#008800", deuteranopia) < difference("#d00000", "#008800") / 3
    assert deuteranopia((0.5, 0.5, 0.5)) == pytest.approx((0.5, 0.5, 0.5), abs=2e-3)


@pytest.mark.parametrize("first, second", list(combinations(THEMATIC.items(), 2)))
def test_no_two_thematic_colours_clash(first, second):
    (name1, color1), (name2, color2) = first, second
    assert difference(color1, color2) >= MIN_SEEN, (name1, name2)
    assert difference(color1, color2, deuteranopia) >= MIN_DEUTERANOPIA, (name1, name2, "deuteranopia")


@pytest.mark.parametrize("name, color", list(THEMATIC.items()))
def test_every_thematic_colour_stands_out_from_land_and_sea(name, color):
    for background, under in BACKGROUNDS.items():
        assert difference(color, under) >= MIN_ON_BACKGROUND, (name, background)


def test_every_flow_colour_differs_from_every_other_colour():
    every = [*style.FLOW_COLORS, *THEMATIC.values()]
    for color1, color2 in combinations(dict.fromkeys(every), 2):
        assert difference(color1, color2) >= MIN_FLOWS_SEEN, (color1, color2)


def test_the_styles_use_the_palette():
    assert style.STYLES["sea-route"].color == style.SEA_ROUTE_COLOR
    assert style.STYLES["river-route"].color == style.RIVER_ROUTE_COLOR
    assert style.STYLES["flow-briefing"].color == style.COMPUTED_ROUTE_COLOR
    assert {style.STYLES[k].color for k in ("range", "range-centre", "range-area")} == {style.RANGE_COLOR}
    assert style.STYLES["event"].color == style.EVENT_COLOR
    assert style.STYLES["supply-flow"].color == style.FLOW_COLORS[0]


def test_the_check_can_fail():
    """The old map's clash: a range ring and the third flow, both orange (issue 20), and red against green."""
    assert difference("#b45309", "#ea580c") < MIN_SEEN
    assert difference("#dc2626", "#4d7c0f", deuteranopia) < MIN_DEUTERANOPIA
