"""Online tile basemaps, named as in the xyzservices registry."""

import difflib

from mapper.errors import InputError


def find_tile_provider(name):
    """The xyzservices ``TileProvider`` called ``name`` (case and dots ignored).

    Raises
    ------
    InputError
        If no provider has that name, or the provider needs an API key.
    """
    import xyzservices.providers as providers  # for start-up speed: a large JSON registry

    if not name.strip():
        raise InputError("tile provider '': give a name such as OpenStreetMap.Mapnik")
    try:
        provider = providers.query_name(name)
    except ValueError:
        close = difflib.get_close_matches(name, list(providers.flatten()), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else "; e.g. OpenStreetMap.Mapnik or Esri.WorldGrayCanvas"
        raise InputError(f"tile provider {name!r}: not an xyzservices provider{hint}") from None
    if provider.requires_token():
        raise InputError(f"tile provider {name!r}: needs an API key, which mapper does not pass on; pick another")
    return provider
