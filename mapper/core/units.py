"""Lengths typed by people: ``120km``, ``75 mi``, ``65nmi``, ``120000m``."""

import math
import re

from mapper.errors import InputError

METRES_PER_UNIT = {
    "m": 1.0,
    "km": 1000.0,
    "mi": 1609.344,  # international statute mile
    "nmi": 1852.0,  # international nautical mile
}

_UNIT_ALIASES = {
    "m": "m", "metre": "m", "metres": "m", "meter": "m", "meters": "m",
    "km": "km", "kilometre": "km", "kilometres": "km", "kilometer": "km", "kilometers": "km",
    "mi": "mi", "mile": "mi", "miles": "mi",
    "nmi": "nmi", "nm": "nmi", "nautical mile": "nmi", "nautical miles": "nmi",
}

_LENGTH = re.compile(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*([A-Za-z ]*?)\s*$")


def unit_name(text):
    """Return the canonical unit (``m``, ``km``, ``mi``, ``nmi``) for ``text``.

    Raises
    ------
    InputError
        If the unit is not known.
    """
    canonical = _UNIT_ALIASES.get(text.strip().lower())
    if canonical is None:
        known = ", ".join(METRES_PER_UNIT)
        raise InputError(f"unknown unit {text.strip()!r}; use one of {known}")
    return canonical


def parse_length_m(text, what="radius"):
    """Parse a length such as ``"120km"`` or ``"75 mi"`` into metres.

    A bare number is refused: ``120`` as 120 m is never what was meant.

    Parameters
    ----------
    text : str
        Number followed by its unit (m, km, mi, nmi).
    what : str
        What the length is, for the messages (``radius '120' needs a unit``).

    Returns
    -------
    float
        The length in metres.

    Raises
    ------
    InputError
        If the text is not a finite number with a known unit.
    """
    match = _LENGTH.match(str(text))
    if not match:
        raise InputError(f"cannot read {text!r} as a length; write it like 120km, 75mi or 65nmi")
    number = match.group(1)
    if not match.group(2):
        raise InputError(f"{what} {str(text).strip()!r} needs a unit: "
                         f"{', '.join(number + unit for unit in ('km', 'mi', 'nmi'))} or {number}m")
    value = float(number)
    unit = unit_name(match.group(2))
    if not math.isfinite(value):
        raise InputError(f"{what} {text!r} is not a finite number")
    return value * METRES_PER_UNIT[unit]


def metres_to(length_m, unit):
    """Convert ``length_m`` metres to ``unit`` (m, km, mi or nmi)."""
    return length_m / METRES_PER_UNIT[unit_name(unit)]


# Speeds typed by people: ``12kn``, ``20 km/h``, ``15mph``, ``5m/s``.
# Sailing times assume this speed unless told otherwise: a typical coaster's
# or river-sea ship's service speed (an assumption, and labelled so).
DEFAULT_SPEED_KN = 10.0
M_S_PER_SPEED_UNIT = {
    "kn": 1852.0 / 3600,
    "km/h": 1000.0 / 3600,
    "mph": 1609.344 / 3600,
    "m/s": 1.0,
}
_SPEED_ALIASES = {"kn": "kn", "kt": "kn", "kts": "kn", "knot": "kn", "knots": "kn",
                  "km/h": "km/h", "kmh": "km/h", "kph": "km/h", "mph": "mph", "m/s": "m/s", "mps": "m/s"}
_SPEED = re.compile(r"^\s*((?:\d+(?:\.\d*)?|\.\d+))\s*([A-Za-z/]*)\s*$")


def parse_speed_m_s(text):
    """Parse a speed such as ``"12kn"`` or ``"20 km/h"`` into metres per second (a bare number is refused).

    Raises
    ------
    InputError
        If the text is not a positive number with a known unit.
    """
    match = _SPEED.match(str(text))
    if match and not match.group(2):
        number = match.group(1)
        raise InputError(f"speed {str(text).strip()!r} needs a unit: "
                         f"{', '.join(number + unit for unit in ('kn', 'km/h', 'mph'))} or {number}m/s")
    unit = _SPEED_ALIASES.get(match.group(2).lower()) if match else None
    if not match or unit is None:
        raise InputError(f"cannot read {text!r} as a speed; write it like 12kn, 20km/h, 15mph or 5m/s")
    value = float(match.group(1))
    if not value > 0:
        raise InputError(f"speed {text!r} must be greater than zero")
    if not math.isfinite(value):
        raise InputError(f"speed {text!r} is not a finite number")
    return value * M_S_PER_SPEED_UNIT[unit]


def format_hours(hours):
    """'2 d 3 h (51 h)' or '7.5 h'."""
    if hours < 24:
        return f"{hours:.1f} h"
    return f"{int(hours // 24)} d {hours % 24:.0f} h ({hours:,.0f} h)"
