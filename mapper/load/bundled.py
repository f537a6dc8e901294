"""The data that ships with mapper: the geodata folder, the basemaps, the countries and the seed articles.

A data folder may carry its own regional basemap and countries file;
otherwise the bundled ones are used.  The drawn world basemap is always
the bundled one.  Files read here are cached once per process.
"""

import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

from mapper.load.files import read_json

ARTICLES_ENV = "MAPPER_ARTICLES_DIR"
# The 1:50m basemap of the briefing region (12°W–100°E, 10–72°N): the water network and the swap check use it.
BASEMAP_FILE = Path("basemap") / "natural-earth-50m.geojson"
# The drawn basemap (mapper.load.basemap): the whole world at 1:110m, committed, and 1:10m tiles built
# at set-up (`make basemap`) in a folder beside the geodata folder.
WORLD_BASEMAP_FILE = Path("basemap") / "natural-earth-110m.geojson"
FINE_BASEMAP_DIR = "basemap-10m"
FINE_BASEMAP_TARGET = "make basemap"
COUNTRIES_FILE = Path("basemap") / "countries-50m.geojson"
COUNTRIES_SOURCE = ("Natural Earth 4.1.0 1:50m admin-0 countries (de facto boundaries: Crimea is drawn inside "
                    "Russia; other occupied areas of Ukraine inside Ukraine)")


def default_data_dir():
    """The bundled geodata: installed package data, else the source checkout."""
    bundled = resources.files("mapper") / "data" / "geo"
    if bundled.is_dir():
        return Path(str(bundled))
    return Path(__file__).resolve().parents[2] / "data" / "geo"


def basemap_path(data_dir):
    """The data folder's own basemap if it has one, else the bundled one."""
    own = Path(data_dir) / BASEMAP_FILE
    return own if own.is_file() else default_data_dir() / BASEMAP_FILE


def world_basemap_path():
    """The bundled 1:110m basemap of the whole world."""
    return default_data_dir() / WORLD_BASEMAP_FILE


def fine_basemap_dir():
    """The folder of the 1:10m basemap tiles (it exists once `make basemap` has built them)."""
    return default_data_dir().parent / FINE_BASEMAP_DIR


def countries_path(data_dir=None):
    """The data folder's own countries file if it has one, else the bundled one."""
    own = Path(data_dir) / COUNTRIES_FILE if data_dir is not None else None
    return own if own is not None and own.is_file() else default_data_dir() / COUNTRIES_FILE


def find_articles_dir(data_dir):
    """Folder of the seed articles that quotes are checked against, or None.

    Looks at ``$MAPPER_ARTICLES_DIR``, then ``DATA_DIR/articles``, then the
    ``shared/seeds`` folder beside a source checkout.
    """
    candidates = []
    if os.environ.get(ARTICLES_ENV):
        candidates.append(Path(os.environ[ARTICLES_ENV]))
    candidates.append(Path(data_dir) / "articles")
    candidates.append(Path(data_dir).resolve().parent.parent.parent / "shared" / "seeds")
    return next((c for c in candidates if c.is_dir()), None)


@lru_cache(maxsize=8)
def basemap_layer(data_dir, layer):
    """The shapely geometries of one layer (land, river, ...) of the basemap, read once per process."""
    from shapely.geometry import shape  # for start-up speed: commands that draw nothing skip shapely

    basemap = read_json(basemap_path(data_dir))
    return tuple(shape(f["geometry"]) for f in basemap.get("features", [])
                 if f.get("properties", {}).get("layer") == layer)
