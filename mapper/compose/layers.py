"""Compose a briefing into map layers: pure geometry, no drawing.

Stored routes are waypoints; here they become geodesic lines densified to
25 km.  Ranges are computed rings.  The result is plain GeoJSON-like dicts
in (lon, lat) order that the renderer and exporters share.
"""

from collections import defaultdict
from dataclasses import dataclass

from mapper.compose.dates import add_dates
from mapper.compose.lanes import set_lane_slots
from mapper.core.bidi import contain_bidi
from mapper.core.geojson import feature as _feature
from mapper.core.geojson import point_feature as _point
from mapper.core.points import LonLat
from mapper.core.style import FLOW_COLORS
from mapper.core.units import DEFAULT_SPEED_KN, M_S_PER_SPEED_UNIT
from mapper.core.vocab import LAYER_TITLES, MODE_ALIASES, PLACE_KINDS
from mapper.errors import InputError
from mapper.geo import geodesy, rings
from mapper.geo.claims import claims_by_subject, verify_claims
from mapper.geo.coverage import coverage, place_reach
from mapper.geo.routing import passes_named, sailing_time_h
from mapper.geo.routing import route as water_route
from mapper.load.geodata import place_lonlat
from mapper.load.lookup import NamedPoint

ROUTE_LAYERS = {"sea-route": "sea-routes", "river-route": "river-routes", "supply-flow": "supply-flows"}

# Flows bow to their left, so the two directions between two places part.
FLOW_BULGE_FRACTION = 0.20


@dataclass
class Layer:
    """One toggleable map layer: a key from LAYER_TITLES and its features."""

    key: str
    title: str
    features: list


def _routed_features(geodata, route):
    """A route the water router computes between its places, with its legs, passes and sailing time.

    A great circle is a straight line, not a path anything sails: its length and legs, no speed or time.
    """
    props = dict(route["properties"])
    routing = props.pop("routing")
    stop_ids = [props["from"], *routing.get("via", []), props["to"]]
    stops = [NamedPoint(geodata.place(i)["properties"]["name"], place_lonlat(geodata.place(i)), i) for i in stop_ids]
    mode = MODE_ALIASES.get(routing["mode"], routing["mode"])
    routed = water_route(geodata.data_dir, stops, mode, routing.get("avoid", ()))
    props.update(length_m=routed.length_m, routing_mode=mode)
    if mode != "straight":
        speed_kn = routing.get("speed_kn", DEFAULT_SPEED_KN)
        props.update(speed_kn=speed_kn,
                     sailing_time_h=sailing_time_h(routed.length_m, speed_kn * M_S_PER_SPEED_UNIT['kn']),
                     passes=passes_named(geodata.data_dir, routed.passes))
        if routed.avoid:
            props["avoid"] = list(routed.avoid)
    props["legs"] = routed.leg_summary()
    return [_feature(routed.line(), props)]


def _route_features(geodata, route, color=None):
    if "routing" in route["properties"]:
        return _routed_features(geodata, route)
    props = dict(route["properties"])
    if props["kind"] == "supply-flow":
        props.update(legend_label=props.get("legend_label") or props["name"], color=color)
    points = [LonLat(*c[:2]) for c in route["geometry"]["coordinates"]]
    if props["kind"] == "supply-flow" and len(points) == 2:
        span_m = geodesy.inverse(points[0], points[1]).distance_m
        points = geodesy.offset_arc(points[0], points[1], span_m * FLOW_BULGE_FRACTION)
    line = geodesy.geodesic_line(points)
    props["length_m"] = geodesy.line_length_m(line)
    features = [_feature(line, props)]
    if props["kind"] == "supply-flow":
        features.append(_flow_arrow(points, props))
    return features


def _flow_arrow(points, props):
    """A point at the flow's middle, rotated along it, to show direction."""
    middle = points[len(points) // 2] if len(points) % 2 else points[0]
    onward = geodesy.inverse(middle, points[-1]).azimuth_deg
    return _point(middle, {"id": f"{props['id']}-arrow", "name": props["name"], "marker": "arrow",
                           "rotation_deg": onward, "direction": props.get("direction"), "kind": props["kind"],
                           "legend_label": props.get("legend_label"), "color": props.get("color")})


def _system(geodata, placement):
    """The weapon system a range draws, or a stand-in named by its radius: a plain radius cites nothing."""
    if placement.system_id is not None:
        return geodata.systems[placement.system_id]
    return {"name": f"{placement.radius_m / 1000:g} km radius", "range_m": placement.radius_m}


def _range_features(geodata, placement):
    if placement.origin.is_area or placement.within is not None:
        return _area_range_features(geodata, placement)
    system = _system(geodata, placement)
    radius_m = placement.radius_m
    inside = [r for r in place_reach(geodata.places, placement.origin, radius_m) if r.in_range]
    props = {
        "id": placement.id,
        "name": f"{contain_bidi(system['name'])} range from {placement.centre_label}"
                if placement.system_id else f"{system['name']} from {placement.centre_label}",
        "legend_label": f"{contain_bidi(system['name'])} range, {radius_m / 1000:g} km (geodesic)"
                        if placement.system_id else f"{system['name']} (geodesic)",
        "kind": "range",
        "system": placement.system_id,
        "system_name": system["name"],
        "radius_m": radius_m,
        "range_stated": system.get("range_stated"),
        "centre": [placement.centre.lon, placement.centre.lat],
        "centre_label": placement.centre_label,
        "places_inside": [{"id": p.place_id, "name": p.name, "distance_m": p.distance_m} for p in inside],
        "sources": system.get("sources", []),
        "basis": "assumption",
        "note": placement.note,
    }
    ring = rings.ring(placement.centre, radius_m)
    centre_props = {"id": f"{placement.id}-centre", "name": placement.centre_label, "kind": "range",
                    "marker": "centre", "basis": "assumption", "note": placement.note, "range_id": placement.id}
    return [_feature(ring, props), _point(placement.centre, centre_props)]


def _area_range_features(geodata, placement):
    """A system's reach from an area (or from a centre into an area), with the places in range highlighted."""
    system = _system(geodata, placement)
    radius_m = placement.radius_m
    origin, within = placement.origin, placement.within
    result = coverage(geodata.places, origin, radius_m, within)
    into = f" into {within.label}" if within else ""
    props = {
        "id": placement.id,
        "name": f"{contain_bidi(system['name'])} reach from {contain_bidi(origin.label)}{into}",
        "legend_label": f"{contain_bidi(system['name'])} reach, {radius_m / 1000:g} km "
                        f"{'from an area' if origin.is_area else 'inside ' + contain_bidi(within.label)} (geodesic)",
        "kind": "range",
        "origin_kind": "area" if origin.is_area else "point",
        "system": placement.system_id,
        "system_name": system["name"],
        "radius_m": radius_m,
        "range_stated": system.get("range_stated"),
        "centre_label": origin.label,
        "origin_source": origin.source,
        "within": within.label if within else None,
        "area_km2": result.area_km2,
        "places_inside": [{"id": r.place_id, "name": r.name, "distance_m": r.distance_m}
                          for r in result.reaches if r.in_range and not r.inside_origin],
        "sources": system.get("sources", []),
        "basis": "assumption",
        "note": placement.note,
    }
    features = [_feature(result.geometry, props)] if not result.geometry.is_empty else []
    for reach in result.reaches:
        if reach.in_range and not reach.inside_origin:
            features.append(_point(place_lonlat(geodata.place(reach.place_id)), {
                "id": f"{placement.id}-{reach.place_id}", "name": reach.name, "kind": "range", "marker": "in-range",
                "distance_m": reach.distance_m, "radius_m": radius_m, "system_name": system["name"],
                "centre_label": origin.label, "range_id": placement.id}))
    return features


def _events_by_place(geodata, keep):
    """One marker per place, listing that place's events by date."""
    by_place = defaultdict(list)
    for event in geodata.events:
        if not keep(event):
            continue
        by_place[event["place"]].append(event)
    features = []
    for place_id, events in by_place.items():
        place = geodata.place(place_id)
        events = sorted(events, key=lambda e: e["date"])
        features.append(_point(place_lonlat(place), {
            "id": f"events-at-{place_id}",
            "name": f"Events at {place['properties']['name']}",
            "kind": "event",
            "place": place_id,
            "events": events,
            **({"status": "draft"} if all(e.get("status") == "draft" for e in events) else {}),
        }))
    return features


def claim_verdicts(checks):
    """What a popup shows of each claim check: verdict, finding and quote."""
    return [{"id": c.id, "check": c.check, "verdict": c.verdict, "summary": c.summary,
             "relative_difference_pct": c.relative_difference_pct,
             "sources": [{"source": c.source, "quote": c.quote}]} for c in checks]


def _with_claims(feature, checks):
    """A copy of ``feature`` carrying the verdicts of the claims about it."""
    if not checks:
        return feature
    return {**feature, "properties": {**feature["properties"], "claims": claim_verdicts(checks)}}


def _briefing_route(spec):
    """A route the briefing asks for, as a routes.geojson-style record for :func:`_route_features`."""
    return {"properties": {
        "id": spec.id, "name": spec.name, "kind": spec.kind, "from": spec.stops[0], "to": spec.stops[-1],
        "direction": "briefing", "basis": "assumption", "note": spec.note,
        "legend_label": f"{contain_bidi(spec.name)} (computed)",
        "routing": {"mode": spec.mode, "via": list(spec.stops[1:-1]), "speed_kn": spec.speed_kn,
                    "avoid": list(spec.avoid)},
        **({"date": spec.date} if spec.date else {}),
    }}


def build_layers(geodata, briefing):
    """The briefing's layers, in LAYER_TITLES order, with computed geometry.

    The briefing's filter chooses which places, stored routes and events are
    drawn; ranges, claims and routes still see every place.
    """
    keeps = briefing.filter.keeps
    claims = claims_by_subject(verify_claims(geodata))
    features = defaultdict(list)
    places = sorted((p for p in geodata.places if keeps(p["properties"])),
                    key=lambda p: PLACE_KINDS.index(p["properties"]["kind"]))
    features["places"] = [_with_claims(p, claims.get(p["properties"]["id"])) for p in places]
    routes = [r for r in geodata.routes if keeps(r["properties"], kinds=False)]
    routes += [_briefing_route(spec) for spec in briefing.routes]
    flows = [r for r in routes if r["properties"]["kind"] == "supply-flow" and "routing" not in r["properties"]]
    colors = {id(r): FLOW_COLORS[n % len(FLOW_COLORS)] for n, r in enumerate(flows)}
    for route in routes:
        features[ROUTE_LAYERS[route["properties"]["kind"]]].extend(
            _route_features(geodata, route, colors.get(id(route))))
    for placement in briefing.ranges:
        system_claims = claims.get(placement.system_id)
        features["ranges"].extend(_with_claims(f, system_claims) if f["geometry"]["type"] != "Point" else f
                                  for f in _range_features(geodata, placement))
    features["events"] = _events_by_place(geodata, briefing.filter.keeps_event)
    for key in ("sea-routes", "river-routes"):
        set_lane_slots(features[key])
    add_dates(features, geodata)  # for the timeline: when each line and ring is known from
    return [Layer(key, title, features[key]) for key, title in LAYER_TITLES.items() if key in briefing.layers]


def select_layers(layers, keys):
    """``layers`` limited to ``keys`` (all if empty), checked against the briefing."""
    if not keys:
        return layers
    known = {layer.key for layer in layers}
    for key in keys:
        if key not in known:
            raise InputError(f"layer {key!r}: not in this briefing; choose from {', '.join(sorted(known))}")
    return [layer for layer in layers if layer.key in keys]


def layer_bounds(layers):
    """(west, south, east, north) of every feature, from its coordinates."""
    lons, lats = [], []

    def walk(coords):
        if coords and isinstance(coords[0], (int, float)):
            lons.append(coords[0])
            lats.append(coords[1])
        else:
            for item in coords:
                walk(item)

    for layer in layers:
        for feature in layer.features:
            walk(feature["geometry"]["coordinates"])
    if not lons:
        return None
    return min(lons), min(lats), max(lons), max(lats)


def ring_feature(centre, radius_m):
    """A range ring around a :class:`~mapper.load.lookup.NamedPoint` as a GeoJSON Feature."""
    ring = rings.ring(centre.point, radius_m)
    return _feature(ring, {
        "kind": "range",
        "centre_label": centre.label,
        "centre_place_id": centre.place_id,
        "centre": [centre.point.lon, centre.point.lat],
        "radius_m": radius_m,
        "vertex_count": rings.vertex_count(ring),
    })
