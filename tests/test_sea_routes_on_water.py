"""mapper's sea legs stay on water: 0 km over Natural Earth 1:10m land shrunk by 1 km (issue 19).

The pairs are those of ``benchmarks/sea_route_pairs.csv`` marked ``ci``: through
Suez, Panama, Gibraltar, the Bosporus, Malacca, around the Cape of Good Hope,
across the Pacific and ±180°, the Kiel Canal or Danish straits, Hormuz and
Bab-el-Mandeb, and two of the Caspian lanes.  Each is routed with
``mapper.api.route(..., mode="sea")``; each leg of kind ``sea`` is measured on
its own (port-snap legs join a port to the water, so they may cross land).

The land is world-atlas@2.0.2's ``land-10m.json`` (``npm ci``, as ``make``
does), decoded by ``benchmarks/sea_land.py`` independently of mapper's own
water network; a coast may be crossed by up to 1 km, which the 1:10m
coastline's own detail does not settle.
"""

import csv
import importlib.util
from pathlib import Path

import pytest

from mapper import api

REPO = Path(__file__).resolve().parent.parent
BENCHMARKS = REPO / "benchmarks"


def _load(name):
    """A module of benchmarks/ by its path (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sea_land = _load("sea_land")


def _rows(name):
    with open(BENCHMARKS / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


PORTS = {row["id"]: row for row in _rows("sea_route_ports.csv")}
CI_PAIRS = [row for row in _rows("sea_route_pairs.csv") if row["ci"].strip().lower() == "yes"]


@pytest.fixture(scope="module")
def land():
    assert sea_land.LAND_10M.is_file(), f"{sea_land.LAND_10M} is missing: run `npm ci` (make does)"
    return sea_land.natural_earth_land()


def test_the_ci_pairs_cover_the_passages():
    via = " ".join(row["via"] for row in CI_PAIRS)
    for passage in ("Suez", "Panama", "Gibraltar", "Bosporus", "Malacca", "Cape of Good Hope", "±180°", "Caspian"):
        assert passage in via, passage
    assert 8 <= len(CI_PAIRS) <= 12


@pytest.mark.parametrize("pair", CI_PAIRS, ids=[row["id"] for row in CI_PAIRS])
def test_sea_legs_stay_off_land_shrunk_by_1_km(pair, land):
    stops = [f"{PORTS[pair[end]]['lat']},{PORTS[pair[end]]['lon']}" for end in ("from", "to")]
    feature = api.route(stops, mode="sea")
    legs = feature["properties"]["legs"]
    assert all(leg.get("geometry") for leg in legs), "every leg carries its own geometry"
    sea_legs = [leg for leg in legs if leg["kind"] == "sea"]
    assert sea_legs, f"no sea leg in {[leg['kind'] for leg in legs]}"
    over = []
    for leg in sea_legs:
        pieces = land.pieces_over(leg["geometry"])
        inland_km = sum(land._piece_m(piece, sea_land.SHRINK_M) for piece in pieces) / 1000.0
        if inland_km > 0.0:
            where = next(p for p in pieces if land._piece_m(p, sea_land.SHRINK_M) > 0.0).coords[0]
            over.append(f"{leg.get('water')}: {inland_km:.2f} km more than 1 km inland, first near "
                        f"{where[1]:.4f},{where[0]:.4f}")
    assert not over, "; ".join(over)
