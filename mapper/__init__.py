"""mapper: citable, geodesically correct maps of weapons supply chains.

The package root stays import-light so that ``mapper --help`` is instant;
geopandas and folium are imported only by the modules that draw maps.
"""

__version__ = "0.1.0"
