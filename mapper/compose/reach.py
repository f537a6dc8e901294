"""``mapper coverage`` as a library: which places a system reaches from a place or an area.

:func:`reach_of` answers the question; :func:`reach_briefing` turns the
answer into a briefing, so it can be drawn or exported like any other
(:func:`mapper.api.write_reach`).
"""

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from mapper.core.units import parse_length_m
from mapper.errors import InputError, UnknownPlaceError
from mapper.geo.coverage import Coverage, coverage
from mapper.load.areas import find_area, resolve_origin
from mapper.load.briefing import Briefing, RangePlacement, View


@dataclass(frozen=True)
class SystemReach:
    """A system (or a radius) and what it covers from an origin."""

    system_id: str
    system_name: str
    coverage: Coverage
    geodata: object  # with the system added when it was a bare radius


def find_system(geodata, text):
    """A system by id or name (any case), or a bare radius such as ``300km``: (id, name, geodata).

    Raises
    ------
    InputError
        If ``text`` is neither, listing the known systems.
    """
    wanted = text.strip().casefold()
    for system_id, system in geodata.systems.items():
        if wanted in (system_id.casefold(), str(system.get("name", "")).casefold()):
            return system_id, system["name"], geodata
    try:
        if not re.search(r"[A-Za-z]\s*$", text):
            raise InputError("a radius needs a unit")  # "300" as 300 m is never what was meant
        radius_m = parse_length_m(text)
    except InputError:
        raise InputError(f"unknown system {text!r}; use one of {', '.join(geodata.systems)} "
                         "or a radius with its unit, such as 300km") from None
    km = f"{radius_m / 1000:,.3f}".rstrip("0").rstrip(".")
    system_id = f"radius-{round(radius_m)}-m"
    system = {"id": system_id, "name": f"{km} km radius", "range_m": radius_m, "sources": []}
    raw = dict(geodata.raw)
    raw["systems"] = {**geodata.raw["systems"], "systems": [*geodata.raw["systems"].get("systems", []), system]}
    return system_id, system["name"], dataclasses.replace(geodata, raw=raw)


def reach_of(geodata, system_text, from_text, within_text=None, base_dir=None):
    """What ``system_text`` reaches from ``from_text`` (optionally only inside ``within_text``).

    ``from_text`` is LAT,LON, a place, a Natural Earth country or a GeoJSON
    file; ``within_text`` a country or a GeoJSON file.
    """
    system_id, system_name, geodata = find_system(geodata, system_text)
    origin = resolve_origin(geodata, from_text, base_dir)
    within = None
    if within_text is not None:
        try:
            within = find_area(within_text, geodata.data_dir, base_dir, polygons_only=True)
        except UnknownPlaceError as exc:
            raise InputError(f"--within: {exc}") from None
    radius_m = float(geodata.systems[system_id]["range_m"])
    return SystemReach(system_id, system_name, coverage(geodata.places, origin, radius_m, within), geodata)


def reach_dict(reach):
    """The answer as JSON-ready data: every place with its geodesic distance."""
    cov = reach.coverage
    origin = cov.origin
    return {
        "system": {"id": reach.system_id, "name": reach.system_name, "range_m": cov.radius_m},
        "radius_m": cov.radius_m,
        "from": {"label": origin.label, "kind": "area" if origin.is_area else "point", "place_id": origin.place_id,
                 "source": origin.source or None,
                 **({"lat": origin.point.lat, "lon": origin.point.lon} if origin.point else {})},
        "within": {"label": cov.within.label, "source": cov.within.source or None} if cov.within else None,
        "area_in_range_km2": cov.area_km2,
        "distance": "geodesic on WGS84, to the nearest point of the area (0 inside it)" if origin.is_area
                    else "geodesic on WGS84, from the point",
        "places": [{"id": r.place_id, "name": r.name, "kind": r.kind, "lat": r.point.lat, "lon": r.point.lon,
                    "distance_m": r.distance_m, "distance_km": r.distance_m / 1000.0, "in_range": r.in_range,
                    "inside_origin": r.inside_origin} for r in cov.reaches],
        "in_range": [r.place_id for r in cov.reaches if r.in_range and not r.inside_origin],
        "out_of_range": [r.place_id for r in cov.reaches if not r.in_range],
    }


def reach_briefing(reach, path=None):
    """A briefing drawing ``reach``: the places and the area in range, places in range highlighted."""
    cov = reach.coverage
    into = f" into {cov.within.label}" if cov.within else ""
    title = f"{reach.system_name} reach from {cov.origin.label}{into}"
    subtitle = (f"{cov.radius_m / 1000:g} km, geodesic (WGS84); "
                f"{sum(1 for r in cov.reaches if r.in_range and not r.inside_origin)} places in range")
    placement = RangePlacement(id="coverage", system_id=reach.system_id, origin=cov.origin, within=cov.within,
                               note="Range measured from the whole origin; the launch points are an assumption.",
                               radius_m=cov.radius_m)
    return Briefing(path=Path(path or "coverage.toml"), title=title, subtitle=subtitle, layers=("places", "ranges"),
                    ranges=(placement,), view=_view(cov), geodata=reach.geodata)


def _view(cov, margin=0.15):
    """Bounds around the area in range (and the origin point), with a margin; None if nothing is in range.

    A reach cut at ±180° (Fiji's, Russia's) gets bounds across it, east
    beyond 180, when they are narrower so: the map then opens on the reach,
    not on the whole world.
    """
    if cov.geometry.is_empty:
        return None
    boxes = [part.bounds for part in getattr(cov.geometry, "geoms", [cov.geometry])]
    if cov.origin.point is not None:
        boxes.append((cov.origin.point.lon, cov.origin.point.lat) * 2)
    west, south, east, north = _union(boxes)
    # The same boxes with the western hemisphere's moved 360° east.
    across = _union([(w + 360.0, s, e + 360.0, n) if e <= 0.0 else (w, s, e, n) for w, s, e, n in boxes])
    if across[2] - across[0] < east - west:
        west, east = across[0], across[2]
    dlon, dlat = (east - west) * margin, (north - south) * margin
    if east + dlon > 180.0 and west - dlon > -180.0 and east - west + 2 * dlon < 360.0:
        return View(bounds=(west - dlon, max(-90.0, south - dlat), east + dlon, min(90.0, north + dlat)))
    return View(bounds=(max(-180.0, west - dlon), max(-90.0, south - dlat), min(180.0, east + dlon),
                        min(90.0, north + dlat)))


def _union(boxes):
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
