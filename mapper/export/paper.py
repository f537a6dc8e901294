"""Page and window sizes as people write them: ``a4``, ``letter-portrait``, ``8x6in``, ``1600x1000px``."""

import re
from dataclasses import dataclass

from mapper.errors import InputError

# Paper sizes in millimetres, landscape: maps are wider than tall.
PAPER_MM = {"a3": (420, 297), "a4": (297, 210), "a5": (210, 148), "letter": (279.4, 215.9),
            "legal": (355.6, 215.9)}
UNIT_INCHES = {"in": 1.0, "cm": 1 / 2.54, "mm": 1 / 25.4}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[x×]\s*(\d+(?:\.\d+)?)\s*(in|cm|mm|px)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class PageSize:
    """A size in inches."""

    width_in: float
    height_in: float


def page_size(text, dpi):
    """The size ``text`` names: a paper (``a4``, landscape; ``a4-portrait``) or WIDTHxHEIGHT in
    in, cm, mm or px (pixels at ``dpi``).

    Raises
    ------
    InputError
        If ``text`` is none of those, or has a zero side.
    """
    raw = text.strip().lower()
    name, _, orientation = raw.partition("-")
    if name in PAPER_MM and orientation in ("", "landscape", "portrait"):
        long_mm, short_mm = PAPER_MM[name]
        width_mm, height_mm = (short_mm, long_mm) if orientation == "portrait" else (long_mm, short_mm)
        return PageSize(width_mm / 25.4, height_mm / 25.4)
    match = _SIZE.match(raw)
    if not match or not float(match[1]) or not float(match[2]):
        raise InputError(f"size {text!r}: use a paper name ({', '.join(PAPER_MM)}, add -portrait) or "
                         "WIDTHxHEIGHT with in, cm, mm or px, e.g. 297x210mm")
    width, height, unit = float(match[1]), float(match[2]), match[3]
    per_inch = 1 / dpi if unit == "px" else UNIT_INCHES[unit]
    return PageSize(width * per_inch, height * per_inch)
