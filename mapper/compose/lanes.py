"""Lanes side by side: routes of one layer that run together get slots, so the map draws them apart.

Two lanes run together when one stays within SHARED_WITHIN_M of the other
for SHARED_AT_LEAST_M or more.  Lanes joined that way form a bundle; each
lane in it gets a ``lane_slot`` (0, ±0.5, ±1, …), counted to the right of
its own direction, ordered across the bundle so that lanes that run
together are drawn apart and in the order they lie.  The slot is cartographic only: the runtime moves the drawn line by
that many line spacings on screen, and the geometry (and every export)
stays where the route is.
"""

import math

import shapely
from shapely.geometry import shape

from mapper.geo.overlap import shared_length_m

SHARED_WITHIN_M = 2_000.0
SHARED_AT_LEAST_M = 20_000.0
MAX_PAIRS = 5_000  # pairs measured per layer; beyond that the lanes are drawn where they are
NEAR_DEG = 0.05  # bounding boxes grown by this much (more than SHARED_WITHIN_M) find the pairs to measure


def _partners(lines):
    """For each line, the set of the other lines it runs together with."""
    if len(lines) < 2:
        return [set() for _ in lines]
    boxes = [shapely.box(*line.bounds).buffer(NEAR_DEG, join_style="mitre") for line in lines]
    tree = shapely.STRtree(boxes)
    pairs = [(int(i), int(j)) for i, j in zip(*tree.query(boxes, predicate="intersects")) if i < j]
    partners = [set() for _ in lines]
    for i, j in pairs[:MAX_PAIRS]:
        if max(shared_length_m(lines[i], lines[j], SHARED_WITHIN_M),
               shared_length_m(lines[j], lines[i], SHARED_WITHIN_M)) >= SHARED_AT_LEAST_M:
            partners[i].add(j)
            partners[j].add(i)
    return partners


def _bundles(partners):
    """Groups (lists of indices, in order) of the lines joined by running together; lone lines left out."""
    seen, groups = set(), []
    for start in range(len(partners)):
        if start in seen or not partners[start]:
            continue
        group, todo = [], [start]
        seen.add(start)
        while todo:
            i = todo.pop()
            group.append(i)
            todo.extend(j for j in partners[i] if j not in seen)
            seen.update(partners[i])
        groups.append(sorted(group))
    return groups


def _direction(line):
    """Unit (east, north) vector from the line's first point to its last, on a local flat plane."""
    coords = shapely.get_coordinates(line)
    (lon0, lat0), (lon1, lat1) = coords[0], coords[-1]
    east = ((lon1 - lon0 + 180.0) % 360.0 - 180.0) * math.cos(math.radians((lat0 + lat1) / 2))
    north = lat1 - lat0
    size = math.hypot(east, north) or 1.0
    return east / size, north / size


def _slots(lines, partners):
    """The slot of each of ``lines`` (one bundle; ``partners`` by index in it), right of the bundle's direction.

    Lanes are taken across the bundle from left to right, each in the first
    slot right of every partner already placed: lanes that never meet may
    share a slot, so a long chain of lanes stays narrow.
    """
    directions = [_direction(line) for line in lines]
    ahead = directions[0]
    # A lane run the other way counts its right from the other side.
    signs = [1 if d[0] * ahead[0] + d[1] * ahead[1] >= 0 else -1 for d in directions]
    east = sum(s * d[0] for s, d in zip(signs, directions))
    north = sum(s * d[1] for s, d in zip(signs, directions))
    right = (north, -east)  # the bundle's direction turned a quarter clockwise
    middles = [line.centroid for line in lines]
    scale = math.cos(math.radians(middles[0].y))
    across = [((m.x - middles[0].x + 180.0) % 360.0 - 180.0) * scale * right[0] + m.y * right[1] for m in middles]
    placed = {}
    for i in sorted(range(len(lines)), key=lambda i: (across[i], i)):
        placed[i] = max((placed[j] + 1 for j in partners[i] if j in placed), default=0)
    middle = (max(placed.values()) + min(placed.values())) / 2
    return [signs[i] * (placed[i] - middle) for i in range(len(lines))]


def set_lane_slots(features):
    """Give each line feature of one layer that runs with others its ``lane_slot`` (in place)."""
    drawn = [f for f in features if f["geometry"]["type"] in ("LineString", "MultiLineString")]
    lines = [shape(f["geometry"]) for f in drawn]
    partners = _partners(lines)
    for group in _bundles(partners):
        local = {i: n for n, i in enumerate(group)}
        slots = _slots([lines[i] for i in group], [{local[j] for j in partners[i]} for i in group])
        for i, slot in zip(group, slots):
            drawn[i]["properties"]["lane_slot"] = slot
