"""mapper: citable, geodesically correct maps of weapons supply chains.

Start at :mod:`mapper.api`, the front door; ARCHITECTURE.md maps the stages
behind it.  The package root stays import-light so that ``mapper --help`` is
instant; geopandas and folium are imported only by the modules that draw maps.
"""

__version__ = "0.1.0"
