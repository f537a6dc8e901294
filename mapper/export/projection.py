"""Map projections for static figures, chosen by name or as any CRS pyproj knows.

Figures are drawn in projected metres, so the projection decides what the
page gets right: a Lambert conformal conic keeps shapes over a region, and
an azimuthal equidistant projection keeps true distances (and so draws range
rings as true circles) from its centre.
"""

from dataclasses import dataclass

import pyproj

from mapper.core.points import LonLat
from mapper.errors import InputError
from mapper.load.lookup import resolve_point

DEFAULT_PROJECTION = "lcc"
PROJECTION_NAMES = ("lcc", "aeqd", "aeqd:PLACE", "mercator", "lonlat", "EPSG:CODE")


@dataclass(frozen=True)
class Projection:
    """A figure's CRS and the words that name it in the figure's footer."""

    crs: pyproj.CRS
    label: str


def _lat(lat):
    return f"{abs(lat):.1f}°{'N' if lat >= 0 else 'S'}"


def _lon(lon):
    return f"{abs(lon):.1f}°{'E' if lon >= 0 else 'W'}"


def _middle_lon(west, east):
    """The middle longitude of (west, east), within ±180° (east may exceed 180 for bounds across ±180°)."""
    return ((west + east) / 2 + 180.0) % 360.0 - 180.0


def _lcc(bounds):
    west, south, east, north = bounds
    # Standard parallels at a sixth of the span from each edge: Kavrayskiy's rule.
    span = max(north - south, 1.0)
    lat_0 = (south + north) / 2
    lat_1, lat_2 = max(lat_0 - span / 3, -89.0), min(lat_0 + span / 3, 89.0)
    lon_0 = _middle_lon(west, east)
    if lat_1 < 0 < lat_2 or abs(lat_0) < 1.0:
        # A cone cannot straddle the equator; near it Mercator is conformal too.
        if east <= 180.0:
            return Projection(pyproj.CRS.from_epsg(3857), "Web Mercator (the map spans the equator)")
        # Across ±180°: Mercator centred on the map, so it is not cut in two.
        crs = pyproj.CRS.from_proj4(f"+proj=merc +lon_0={lon_0} +ellps=WGS84 +units=m +no_defs")
        return Projection(crs, f"Mercator centred on {_lon(lon_0)} (the map spans the equator)")
    crs = pyproj.CRS.from_proj4(f"+proj=lcc +lat_0={lat_0} +lon_0={lon_0} +lat_1={lat_1} "
                                f"+lat_2={lat_2} +ellps=WGS84 +units=m +no_defs")
    return Projection(crs, f"Lambert conformal conic, standard parallels {_lat(lat_1)} and {_lat(lat_2)}")


def _aeqd(centre, label):
    crs = pyproj.CRS.from_proj4(f"+proj=aeqd +lat_0={centre.lat} +lon_0={centre.lon} +ellps=WGS84 +units=m +no_defs")
    return Projection(crs, f"Azimuthal equidistant centred on {label}: distances and bearings from it are true")


def figure_projection(spec, bounds, geodata=None):
    """The projection a figure of ``bounds`` is drawn in.

    Parameters
    ----------
    spec : str or None
        ``lcc`` (default: Lambert conformal conic fitted to ``bounds``),
        ``aeqd`` (azimuthal equidistant on the centre of ``bounds``),
        ``aeqd:PLACE`` (on a place name, id or LAT,LON), ``mercator`` (as
        the interactive map), ``lonlat`` (plate carrée), or any projected
        or geographic CRS pyproj reads, such as ``EPSG:3035``.
    bounds : tuple
        (west, south, east, north) of what the figure shows, in degrees;
        east beyond 180 for a figure across ±180°.
    geodata : Geodata, optional
        Needed to look up ``aeqd:PLACE``.

    Returns
    -------
    Projection

    Raises
    ------
    InputError
        If ``spec`` names no projection pyproj knows, or an unknown place.
    """
    spec = (spec or DEFAULT_PROJECTION).strip()
    name, _, argument = spec.partition(":")
    west, south, east, north = bounds
    middle = LonLat(_middle_lon(west, east), (south + north) / 2)
    name = name.lower()
    if name == "lcc" and not argument:
        try:
            return _lcc(bounds)
        except pyproj.exceptions.CRSError as exc:
            raise InputError(f"projection lcc: cannot fit this briefing's area ({exc}); try aeqd") from None
    if name == "aeqd":
        if not argument:
            return _aeqd(middle, f"{_lat(middle.lat)} {_lon(middle.lon)}")
        if geodata is None:
            raise InputError(f"projection {spec!r}: a place needs the geodata to look it up")
        centre = resolve_point(geodata, argument)
        return _aeqd(centre.point, centre.label)
    if name == "mercator" and not argument:
        return Projection(pyproj.CRS.from_epsg(3857), "Web Mercator, as the interactive map (areas grow poleward)")
    if name in ("lonlat", "platecarree", "plate-carree") and not argument:
        return Projection(pyproj.CRS.from_epsg(4326), "Plate carrée: longitude and latitude as x and y")
    try:
        crs = pyproj.CRS.from_user_input(spec)
    except pyproj.exceptions.CRSError:
        raise InputError(f"projection {spec!r}: unknown; use {', '.join(PROJECTION_NAMES)} "
                         "or a CRS pyproj knows") from None
    if not (crs.is_projected or crs.is_geographic):
        raise InputError(f"projection {spec!r}: {crs.name} is not a map projection")
    return Projection(crs, crs.name)
