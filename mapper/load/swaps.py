"""Spot a coordinate whose latitude and longitude were swapped.

A swap is likely when the numbers the other way round fit much better:

- the point is said to be in a country, lies far outside it, and swapped
  lies inside it;
- swapped, it lies at a known place (within 25 km), and as given it is
  near none;
- it lies far out at sea (no land within about 50 km), and swapped it is
  well inland (land all around for about 20 km).

The sea test is the weakest: around the Black Sea and the Caspian most
points at sea are on land when swapped, so a genuine position at sea can
be flagged too.  The country test works anywhere (every Natural Earth
country); the other two only in the region of the regional basemap
(12°W–100°E, 10–72°N), elsewhere they say nothing.  A likely swap is a
warning, not an error: the point is kept as given.
"""

import warnings
from functools import lru_cache

import numpy as np

from mapper.errors import CoordinateWarning, DataError
from mapper.load.bundled import basemap_path, default_data_dir
from mapper.load.countries import lookup_country
from mapper.load.files import read_json

SEA_MARGIN_DEG = 0.5
INLAND_MARGIN_DEG = 0.2
COUNTRY_MARGIN_DEG = 1.0  # about 100 km
NEAR_PLACE_KM = 25.0
_KM_PER_DEG = 111.2
_AROUND = np.array([(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (1, -1), (-1, 1), (-1, -1)], dtype=float)


@lru_cache(maxsize=4)
def _land(basemap):
    """The basemap's land, prepared for point tests; None if it has none that can be read."""
    # For start-up speed: commands that take no LAT,LON never load shapely.
    from shapely import prepare
    from shapely.geometry import shape

    try:
        features = read_json(basemap).get("features", [])
        land = next((shape(f["geometry"]) for f in features
                     if isinstance(f, dict) and (f.get("properties") or {}).get("layer") == "land"), None)
    except (DataError, AttributeError, KeyError, TypeError, ValueError):
        return None  # a data folder's own basemap may be anything; the check is only a courtesy
    if land is not None:
        prepare(land)
    return land


def swap_reasons(lons, lats, countries=None, data_dir=None, at_sea=None, known=None):
    """For each point, why it looks swapped, or None.

    Parameters
    ----------
    lons, lats : sequence of float
        Degrees, already checked to be in range.
    countries : sequence of str or None, optional
        The ISO 3166-1 alpha-2 code each point is said to be in, or None.
    data_dir : path, optional
        Geodata folder whose basemap and countries to use.
    at_sea : sequence of bool, optional
        True where the point is meant to be at sea (a place of kind "sea"),
        which turns the sea test off for it.
    known : sequence of (name, lon, lat), optional
        Known places, for the test of a swap onto one of them.

    Returns
    -------
    list of str or None
        E.g. ``"lies in the sea, but swapped it is well inland"``.
    """
    import shapely  # for start-up speed, as above

    lons, lats = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
    reasons = [None] * len(lons)
    if not len(lons):
        return reasons
    swappable = (np.abs(lons) <= 90.0) & (lons != lats)
    _swapped_into_country(reasons, lons, lats, swappable, countries, data_dir)
    land = _land(str(basemap_path(data_dir or default_data_dir())))
    if land is None:
        return reasons
    west, south, east, north = land.bounds
    judged = swappable & ((lons >= west) & (lons <= east) & (lats >= south) & (lats <= north)
                          & (lats >= west) & (lats <= east) & (lons >= south) & (lons <= north))

    def land_around(x, y, margin_deg):
        around = _AROUND * margin_deg
        return shapely.contains_xy(land, x[:, None] + around[:, 0], y[:, None] + around[:, 1])

    far_at_sea = ~land_around(lons, lats, SEA_MARGIN_DEG).any(axis=1)
    sea = judged & far_at_sea & land_around(lats, lons, INLAND_MARGIN_DEG).all(axis=1)
    if at_sea is not None:
        sea &= ~np.asarray(at_sea, dtype=bool)
    for i in np.flatnonzero(sea):
        reasons[i] = reasons[i] or "lies in the sea, but swapped it is well inland"

    if known:
        names = [name for name, _, _ in known]
        place_lons, place_lats = np.array([(lon, lat) for _, lon, lat in known], dtype=float).T

        def nearest(x, y):
            dx = (x[:, None] - place_lons) * np.cos(np.radians(y[:, None]))
            distance_km = np.hypot(dx, y[:, None] - place_lats) * _KM_PER_DEG
            return distance_km.argmin(axis=1), distance_km.min(axis=1)

        _, given_km = nearest(lons, lats)
        place, swapped_km = nearest(lats, lons)
        for i in np.flatnonzero(judged & (swapped_km <= NEAR_PLACE_KM) & (given_km > NEAR_PLACE_KM)):
            if reasons[i] is None:
                reasons[i] = f"is near no known place, but swapped it is {swapped_km[i]:.0f} km from {names[place[i]]}"
    return reasons


def _swapped_into_country(reasons, lons, lats, swappable, countries, data_dir):
    """The country test, anywhere in the world: fills ``reasons`` in place."""
    import shapely  # for start-up speed, as above

    if countries is None or not any(countries):
        return
    for i, code in enumerate(countries):
        found = _country(code, data_dir) if code and swappable[i] else None
        if found is None:
            continue
        name, area = found
        if area.distance(shapely.Point(lons[i], lats[i])) > COUNTRY_MARGIN_DEG \
                and area.contains(shapely.Point(lats[i], lons[i])):
            named = name if code == name else f"{name} ({code})"
            reasons[i] = f"lies outside {named}, but swapped it is inside"


def _country(code, data_dir):
    """(name, shape) of the country ``code`` names (an ISO code or a name), or None."""
    try:
        found = lookup_country(code, data_dir)
        return (found.name, found.shape) if found is not None else None
    except (DataError, AttributeError, KeyError, TypeError, ValueError):
        return None  # as for the land: a data folder's own countries file may be anything


def warn_if_swapped(point, what, data_dir=None, known=None):
    """Warn (:class:`CoordinateWarning`) if ``point`` (a LonLat) looks swapped; keep it either way.

    ``what`` names the point in the message, e.g. ``"coordinate '39.2,51.67'"``;
    ``known`` is as for :func:`swap_reasons`.
    """
    reason = swap_reasons([point.lon], [point.lat], data_dir=data_dir, known=known)[0]
    if reason:
        warnings.warn(f"{what} {reason}: did you mean {point.lon:g},{point.lat:g} (LAT,LON)? "
                      "Used as given", CoordinateWarning, stacklevel=2)
