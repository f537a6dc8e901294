"""Points: the one (lon, lat) type inside mapper, and ``LAT,LON`` text."""

import math
from dataclasses import dataclass

from mapper.core.vocab import LATLON_PATTERN, MINUS_SIGN
from mapper.errors import InputError


@dataclass(frozen=True)
class LonLat:
    """A WGS84 position in decimal degrees, in GeoJSON order."""

    lon: float
    lat: float


def checked_lonlat(lon, lat, what="coordinate"):
    """Return ``LonLat(lon, lat)`` after checking both are finite and in range.

    Raises
    ------
    InputError
        If a value is not finite, ``lat`` is outside [-90, 90] or ``lon``
        outside [-180, 180].
    """
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise InputError(f"{what} ({lat}, {lon}) is not a finite number")
    if not -90.0 <= lat <= 90.0:
        raise InputError(f"{what}: latitude {lat} is outside -90..90")
    if not -180.0 <= lon <= 180.0:
        raise InputError(f"{what}: longitude {lon} is outside -180..180")
    return LonLat(float(lon), float(lat))


def looks_like_latlon(text):
    """True when ``text`` has the shape ``LAT,LON`` (two numbers)."""
    return bool(LATLON_PATTERN.match(text))


def parse_latlon(text):
    """Parse ``"LAT,LON"`` in decimal degrees (the order map apps show).

    A minus may be ``-`` or U+2212 MINUS SIGN: ``−33.87,151.21`` is Sydney.

    Returns
    -------
    LonLat
        The point, in GeoJSON (lon, lat) order.

    Raises
    ------
    InputError
        If the text is not two numbers or they are out of range.
    """
    match = LATLON_PATTERN.match(text)
    if not match:
        raise InputError(f"cannot read {text!r} as LAT,LON in decimal degrees, e.g. 50.45,30.52")
    lat, lon = (float(match.group(n).replace(MINUS_SIGN, "-")) for n in (1, 2))
    return checked_lonlat(lon, lat, what=f"coordinate {text.strip()!r}")
