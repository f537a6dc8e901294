"""Pack a point layer for the browser: typed arrays in base64, not GeoJSON.

A GeoJSON feature costs about 250 bytes and a Leaflet object per point;
here a point costs 8 bytes of coordinates (int32 micro-degrees, 0.11 m),
1 of category and 2 of day, which the page decodes into typed arrays and
draws on one canvas (``static/mapper-points.js``).  A layer with dates
given as a month or a year (``2024-06``, ``2024``) has one byte more per
point: its precision code, from which the page finds the span's last
day.  The arrays travel in
``<script type="application/x-mapper-points">`` data blocks: the browser
never runs them, and base64 and escaped JSON cannot close the element.
"""

import base64
from dataclasses import dataclass

import numpy as np

from mapper.core.safejson import safe_json
from mapper.load.pointfiles import DAY

DATA_TYPE = "application/x-mapper-points"
MICRODEGREES = 1_000_000
# Okabe & Ito's colour-blind-safe set, then two more; further categories share OTHER_COLOR.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442", "#000000",
           "#882255", "#44AA99")
OTHER_COLOR = "#8A8F98"
UNDATED_U16 = 0xFFFF
UNDATED_I32 = -(2**31)


@dataclass(frozen=True)
class PackedPoints:
    """What the page needs: ``meta`` for ``mapperRuntime.pointLayer`` and the data blocks by element id."""

    meta: dict
    blocks: tuple  # ((element id, text), ...)


def _b64(array, dtype):
    return base64.b64encode(np.ascontiguousarray(array, dtype=dtype).tobytes()).decode("ascii")


def pack_points(layer, element_id):
    """Pack ``layer`` (a :class:`~mapper.load.pointfiles.PointLayer`) under ids starting ``element_id``."""
    count = len(layer)
    coords = np.empty(2 * count, dtype=np.int64)
    coords[0::2] = np.rint(layer.lon * MICRODEGREES)
    coords[1::2] = np.rint(layer.lat * MICRODEGREES)
    blocks = [(f"{element_id}-coords", _b64(coords, "<i4"))]
    meta = {
        "id": element_id, "title": layer.title, "source": layer.source, "count": count,
        "coords": blocks[0][0], "days": None, "categories": None, "labels": None,
    }
    if layer.day is not None:
        meta["days"] = _pack_days(layer, element_id, blocks)
    if layer.category is not None:
        meta["categories"] = _colour_categories(layer)
        blocks.append((f"{element_id}-cats", _b64(layer.category, "u1")))
        meta["cats"] = blocks[-1][0]
    if layer.labels is not None:
        blocks.append((f"{element_id}-labels", safe_json(list(layer.labels))))
        meta["labels"] = blocks[-1][0]
    return PackedPoints(meta=meta, blocks=tuple(blocks))


def _pack_days(layer, element_id, blocks):
    """Days as offsets from the first: two bytes each unless they span more than 179 years.

    A point's day is the first of its span; ``last_day`` is the last day of
    the latest span.  Precision codes (:data:`~mapper.load.pointfiles.DAY`,
    ``MONTH``, ``YEAR``) follow in a block of their own only when some date
    is a month or a year, so a layer of full dates packs as it always has.
    """
    dated = ~layer.undated
    first = int(layer.day[dated].min()) if dated.any() else 0
    last = int(layer.day_end[dated].max()) if dated.any() else 0
    offsets = layer.day - first
    if last - first < UNDATED_U16:
        kind, undated, dtype = "u16", UNDATED_U16, "<u2"
    else:
        kind, undated, dtype = "i32", UNDATED_I32, "<i4"
    offsets = np.where(layer.undated, undated, offsets)
    blocks.append((f"{element_id}-days", _b64(offsets, dtype)))
    meta = {"block": blocks[-1][0], "type": kind, "first_day": first, "last_day": last, "undated": undated,
            "undated_count": int(layer.undated.sum()), "precision": None, "partial_count": 0}
    partial = dated & (layer.precision != DAY) if layer.precision is not None else np.zeros(len(layer), bool)
    if partial.any():
        blocks.append((f"{element_id}-precision", _b64(np.where(dated, layer.precision, DAY), "u1")))
        meta.update(precision=blocks[-1][0], partial_count=int(partial.sum()))
    return meta


def _colour_categories(layer):
    """Categories in name order with counts; the most frequent get the palette's colours."""
    counts = np.bincount(layer.category, minlength=len(layer.categories))
    by_count = sorted(range(len(layer.categories)), key=lambda i: (-counts[i], layer.categories[i]))
    slot = {index: rank for rank, index in enumerate(by_count[:len(PALETTE)])}
    return [{"name": name, "count": int(counts[i]), "slot": slot.get(i, len(PALETTE)),
             "color": PALETTE[slot[i]] if i in slot else OTHER_COLOR}
            for i, name in enumerate(layer.categories)]


def data_blocks_html(packed):
    """The ``<script>`` data blocks of ``packed``, one per line."""
    return "\n".join(f'<script type="{DATA_TYPE}" id="{block_id}">{text}</script>' for block_id, text in packed.blocks)
