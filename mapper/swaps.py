"""Spot a coordinate whose latitude and longitude were swapped.

A swap is likely when a point lies well out at sea, or far outside the
country it is said to be in, while the same numbers the other way round
land on land, or in that country.  Only the region of the bundled basemap
(12°W–100°E, 10–72°N) can be judged; elsewhere nothing is said.  A likely
swap is a warning, not an error: the point is kept as given.
"""

import warnings
from functools import lru_cache

import numpy as np

from mapper.errors import CoordinateWarning

# Out at sea: no land within this many degrees (about 30 km), so that
# ports and coasts drawn coarsely by a 1:50m basemap never count.
SEA_MARGIN_DEG = 0.3
# Outside its country: farther than this from it (about 100 km).
COUNTRY_MARGIN_DEG = 1.0
_PROBES = np.array([(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (1, -1), (-1, 1), (-1, -1)]) * SEA_MARGIN_DEG


@lru_cache(maxsize=4)
def _land(basemap):
    from shapely import prepare
    from shapely.geometry import shape

    from mapper.geodata import read_json

    land = next(shape(f["geometry"]) for f in read_json(basemap)["features"] if f["properties"]["layer"] == "land")
    prepare(land)
    return land


@lru_cache(maxsize=4)
def _countries(path):
    from shapely.geometry import shape

    from mapper.geodata import read_json

    return {f["properties"]["iso_a2"]: (f["properties"]["name"], shape(f["geometry"]))
            for f in read_json(path)["features"] if f["properties"].get("iso_a2")}


def swap_reasons(lons, lats, countries=None, data_dir=None, at_sea=None):
    """For each point, why it looks swapped, or None.

    Parameters
    ----------
    lons, lats : sequence of float
        Degrees, already checked to be in range.
    countries : sequence of str or None, optional
        The ISO 3166-1 alpha-2 code each point is said to be in; None where
        unknown, in which case only the sea test applies.
    data_dir : path, optional
        Geodata folder whose basemap and countries to use.
    at_sea : sequence of bool, optional
        True where the point is meant to be at sea (a place of kind "sea"),
        which turns the sea test off for it.

    Returns
    -------
    list of str or None
        E.g. ``"lies in the sea, but swapped it is on land"``.
    """
    import shapely

    from mapper.coverage import countries_path
    from mapper.geodata import basemap_path, default_data_dir

    lons, lats = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
    countries = list(countries) if countries is not None else [None] * len(lons)
    land = _land(str(basemap_path(data_dir or default_data_dir())))
    west, south, east, north = land.bounds

    def judged(x, y):
        return (x >= west) & (x <= east) & (y >= south) & (y <= north)

    def out_at_sea(x, y):
        probe_x = x[:, None] + _PROBES[:, 0]
        probe_y = y[:, None] + _PROBES[:, 1]
        return ~shapely.contains_xy(land, probe_x, probe_y).any(axis=1)

    both_judged = judged(lons, lats) & judged(lats, lons)
    sea = both_judged & out_at_sea(lons, lats) & shapely.contains_xy(land, lats, lons)
    if at_sea is not None:
        sea &= ~np.asarray(at_sea, dtype=bool)
    reasons = ["lies in the sea, but swapped it is on land" if s else None for s in sea]
    by_code = _countries(str(countries_path(data_dir))) if any(countries) else {}
    for i, code in enumerate(countries):
        if code not in by_code or not both_judged[i] or lons[i] == lats[i]:
            continue
        name, area = by_code[code]
        given = shapely.Point(lons[i], lats[i])
        swapped = shapely.Point(lats[i], lons[i])
        if area.distance(given) > COUNTRY_MARGIN_DEG and area.contains(swapped):
            reasons[i] = f"lies outside {name} ({code}), but swapped it is inside"
    return reasons


def warn_if_swapped(point, what, country=None, data_dir=None):
    """Warn (:class:`CoordinateWarning`) if ``point`` (a LonLat) looks swapped; keep it either way.

    ``what`` names the point in the message, e.g. ``"coordinate '39.2,51.67'"``.
    """
    reason = swap_reasons([point.lon], [point.lat], [country], data_dir)[0]
    if reason:
        warnings.warn(f"{what} {reason}: did you mean {point.lon:g},{point.lat:g} (LAT,LON)? "
                      "Used as given", CoordinateWarning, stacklevel=2)
