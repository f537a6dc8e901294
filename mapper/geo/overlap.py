"""How far two lines run together: the length of one within a distance of the other.

Each pair is measured in an azimuthal equidistant projection centred
between the two lines, so the distance is in metres wherever on Earth
they are (lines of a few thousand km: a fraction of a per cent off).
"""

import shapely
from pyproj import Transformer


def _centre(a, b):
    """(lon, lat) of the middle of the two lines' points (longitudes taken near the first point's)."""
    coords = shapely.get_coordinates(shapely.union(a, b))
    lon0 = coords[0, 0]
    lons = (coords[:, 0] - lon0 + 180.0) % 360.0 - 180.0 + lon0
    return float(lons.mean()), float(coords[:, 1].mean())


def shared_length_m(a, b, within_m):
    """Length in metres of line ``a`` (lon/lat geometry) that runs within ``within_m`` of line ``b``."""
    if a.is_empty or b.is_empty:
        return 0.0
    lon, lat = _centre(a, b)
    to_metres = Transformer.from_crs("EPSG:4326", f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m",
                                     always_xy=True).transform
    near = shapely.transform(b, to_metres, interleaved=False).buffer(within_m)
    return float(shapely.transform(a, to_metres, interleaved=False).intersection(near).length)
