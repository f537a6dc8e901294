"""Check the articles' claims of distance and direction against geodesy.

Three kinds of claim (``check`` in ``claims.json``):

- ``distance``: is the stated figure right?  The geodesic distance and initial
  bearing between the stored subject and reference are compared with it.
- ``unit-conversion``: do two figures given for one length agree ("75 miles
  (120 kilometers)"), and does the stored ``range_m`` agree with them?
- ``coordinate``: does our stored coordinate agree with the article?  The
  words define a region (a distance band in a compass sector); the stored
  point must lie in it, and its offset from the article's nominal point is
  reported.  A swapped or mistyped coordinate fails here.

The tolerance comes from the wording: "about 600 miles" allows more than a
bare "600 miles".
"""

import math
from dataclasses import asdict, dataclass

from mapper.core.units import METRES_PER_UNIT, metres_to
from mapper.core.vocab import DIRECTIONS, QUALIFIER_BOUNDS_PCT
from mapper.geo import geodesy
from mapper.load.geodata import place_lonlat


@dataclass(frozen=True)
class Stated:
    """A figure as the article gives it."""

    value: float
    unit: str
    qualifier: str = "exact"
    direction: str | None = None


@dataclass(frozen=True)
class DirectionCheck:
    """Whether an initial azimuth falls in the sector a compass word names."""

    stated: str
    azimuth_deg: float
    sector_deg: tuple
    holds: bool


@dataclass(frozen=True)
class ClaimCheck:
    """The outcome of checking one claim."""

    id: str
    check: str
    stated: Stated
    computed_value: float
    computed_unit: str
    difference: float  # computed - stated, in computed_unit
    relative_difference_pct: float  # (computed - stated) / stated
    tolerance_pct: tuple  # allowed relative difference (low, high)
    tolerance_basis: str
    direction: DirectionCheck | None
    verdict: str  # "holds" or "fails"
    summary: str
    quote: str
    source: str
    subject: str | None = None  # place or system id the claim is about
    details: dict | None = None

    def as_dict(self):
        """JSON-ready: infinite bounds become None."""
        out = asdict(self)
        out["tolerance_pct"] = [b if math.isfinite(b) else None for b in self.tolerance_pct]
        return out


def sector_bounds_deg(direction):
    """(start, end) azimuths of the sector a compass word names, clockwise."""
    centre_deg, half_deg = DIRECTIONS[direction]
    return ((centre_deg - half_deg) % 360.0, (centre_deg + half_deg) % 360.0)


def direction_holds(direction, azimuth_deg):
    """True if ``azimuth_deg`` lies in the sector of ``direction`` (ends included)."""
    centre_deg, half_deg = DIRECTIONS[direction]
    off_deg = abs((azimuth_deg - centre_deg + 180.0) % 360.0 - 180.0)
    return off_deg <= half_deg


def _tolerance(qualifier):
    low, high = QUALIFIER_BOUNDS_PCT[qualifier]
    if qualifier == "exact":
        return (low, high), f"a bare figure allows ±{high:g} % for rounding"
    if math.isinf(high):
        return (low, high), f"“{qualifier}” needs the computed value at or above the figure"
    if math.isinf(low):
        return (low, high), f"“{qualifier}” needs the computed value at or below the figure"
    if high == 0.0:
        return (low, high), f"“{qualifier}” allows up to {-low:g} % below the figure, none above"
    return (low, high), f"“{qualifier}” allows ±{high:g} %"


def _within(relative_pct, bounds):
    return bounds[0] <= relative_pct <= bounds[1]


def _stated(claim):
    distance = claim["distance"]
    return Stated(float(distance["value"]), distance["unit"], distance.get("qualifier", "exact"),
                  claim.get("direction"))


def _direction_check(stated, azimuth_deg):
    if stated.direction is None:
        return None
    return DirectionCheck(stated.direction, azimuth_deg, sector_bounds_deg(stated.direction),
                          direction_holds(stated.direction, azimuth_deg))


def _fmt(value, unit):
    return f"{value:,.1f} {unit}"


def _stated_words(stated):
    qualifier = "" if stated.qualifier == "exact" else f"{stated.qualifier} "
    direction = f" {stated.direction}" if stated.direction else ""
    return f"{qualifier}{stated.value:g} {stated.unit}{direction}"


def _relative_pct(computed, stated_value):
    return (computed - stated_value) / stated_value * 100.0


def _result(claim, stated, computed, direction, summary, subject, details, extra_ok=True):
    """A ClaimCheck: the verdict needs the figure in tolerance, the direction and ``extra_ok``."""
    relative_pct = _relative_pct(computed, stated.value)
    bounds, basis = _tolerance(stated.qualifier)
    holds = _within(relative_pct, bounds) and (direction is None or direction.holds) and extra_ok
    cite = claim["sources"][0]
    return ClaimCheck(
        id=claim["id"], check=claim.get("check", "distance"), stated=stated, computed_value=computed,
        computed_unit=stated.unit, difference=computed - stated.value, relative_difference_pct=relative_pct,
        tolerance_pct=bounds, tolerance_basis=basis, direction=direction, verdict="holds" if holds else "fails",
        summary=summary(relative_pct, basis, holds), quote=cite["quote"], source=cite["source"],
        subject=subject, details=details,
    )


def _check_distance(geodata, claim):
    """Is the article's figure right, between our stored coordinates?"""
    stated = _stated(claim)
    subject, reference = geodata.place(claim["subject"]), geodata.place(claim["reference"])
    bearing = geodesy.inverse(place_lonlat(reference), place_lonlat(subject))
    computed = metres_to(bearing.distance_m, stated.unit)
    direction = _direction_check(stated, bearing.azimuth_deg)

    def summary(relative_pct, basis, holds):
        text = (f"{reference['properties']['name']} → {subject['properties']['name']}: "
                f"{_fmt(computed, stated.unit)} against “{_stated_words(stated)}”, {relative_pct:+.1f} % ({basis})")
        if direction is not None:
            text += (f"; initial bearing {bearing.azimuth_deg:.1f}° is {'' if direction.holds else 'not '}"
                     f"“{direction.stated}” ({direction.sector_deg[0]:g}–{direction.sector_deg[1]:g}°)")
        return text

    details = {"distance_m": bearing.distance_m, "from": claim["reference"], "to": claim["subject"]}
    return _result(claim, stated, computed, direction, summary, claim["subject"], details)


def _check_coordinate(geodata, claim):
    """Does the stored subject lie in the region the claim's words describe?"""
    stated = _stated(claim)
    subject, reference = geodata.place(claim["subject"]), geodata.place(claim["reference"])
    origin, stored = place_lonlat(reference), place_lonlat(subject)
    bearing = geodesy.inverse(origin, stored)
    computed = metres_to(bearing.distance_m, stated.unit)
    direction = _direction_check(stated, bearing.azimuth_deg)
    # Validation makes sure a coordinate claim has a direction.
    nominal = geodesy.destination(origin, DIRECTIONS[stated.direction][0], stated.value * METRES_PER_UNIT[stated.unit])
    offset_m = geodesy.inverse(nominal, stored).distance_m

    def summary(relative_pct, basis, holds):
        return (f"stored {subject['properties']['name']} ({stored.lat:.4f}, {stored.lon:.4f}) "
                f"{'lies' if holds else 'does not lie'} where “{_stated_words(stated)} of "
                f"{reference['properties']['name']}” puts it: {_fmt(computed, stated.unit)} "
                f"({relative_pct:+.1f} %; {basis})"
                f", bearing {bearing.azimuth_deg:.1f}°; "
                f"{offset_m / 1000:,.0f} km from the article's nominal point ({nominal.lat:.4f}, {nominal.lon:.4f})")

    details = {"stored": [stored.lon, stored.lat], "nominal_point": [nominal.lon, nominal.lat],
               "offset_from_nominal_m": offset_m, "from": claim["reference"], "to": claim["subject"]}
    return _result(claim, stated, computed, direction, summary, claim["subject"], details)


def _check_units(geodata, claim):
    """Two figures for one length ("75 miles (120 kilometers)"), and the stored range_m."""
    given, stated = (Stated(float(s["value"]), s["unit"], s.get("qualifier", "exact")) for s in claim["stated"][:2])
    given_m = given.value * METRES_PER_UNIT[given.unit]
    computed = metres_to(given_m, stated.unit)
    system = geodata.systems[claim["system"]]
    stored_m = float(system["range_m"])
    bounds, _ = _tolerance(stated.qualifier)
    stored_pct = {f"{s.value:g} {s.unit}": _relative_pct(stored_m, s.value * METRES_PER_UNIT[s.unit])
                  for s in (given, stated)}
    stored_ok = all(_within(p, bounds) for p in stored_pct.values())

    def summary(relative_pct, basis, holds):
        stored = ", ".join(f"{p:+.2f} % from {figure}" for figure, p in stored_pct.items())
        return (f"{system['name']}: {given.value:g} {given.unit} is {_fmt(computed, stated.unit)}, "
                f"{relative_pct:+.2f} % from the article's {stated.value:g} {stated.unit} ({basis}); "
                f"the stored range_m {stored_m:,.0f} m is {stored}")

    details = {"converted_from": asdict(given), "stored_range_m": stored_m,
               "stored_relative_difference_pct": stored_pct}
    return _result(claim, stated, computed, None, summary, claim["system"], details, extra_ok=stored_ok)


_CHECKERS = {"distance": _check_distance, "coordinate": _check_coordinate, "unit-conversion": _check_units}


def check_claim(geodata, claim):
    """Check one claim record of ``claims.json``; returns a :class:`ClaimCheck`."""
    return _CHECKERS[claim.get("check", "distance")](geodata, claim)


def verify_claims(geodata):
    """Check every claim in ``geodata``, in file order."""
    return [check_claim(geodata, claim) for claim in geodata.claims]


def claims_by_subject(checks):
    """{place or system id: [ClaimCheck, ...]}, for popups."""
    by_subject = {}
    for check in checks:
        by_subject.setdefault(check.subject, []).append(check)
    return by_subject
