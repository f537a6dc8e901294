"""Exceptions raised by the mapper library.

Every error a user can cause is a :class:`MapperError`; the CLI turns them
into one-line messages.  :class:`InputError` marks a bad argument (exit 2),
everything else is a failure of data or environment (exit 1).
"""


class MapperError(Exception):
    """Root of every error mapper raises on purpose."""


class InputError(MapperError):
    """A value given by the user (coordinate, unit, radius) is malformed."""


class UnknownPlaceError(InputError):
    """A place name, id or alias matches nothing in the geodata."""


class DataError(MapperError):
    """A geodata or briefing file is missing, unreadable or invalid."""


class NoRouteError(MapperError):
    """No water path joins two points (different waters, or no water nearby)."""


class OutputError(MapperError):
    """An output file cannot be written."""


class OutputExistsError(OutputError):
    """The output file exists and overwriting was not asked for."""


class AssetError(MapperError):
    """A pinned browser asset (Leaflet, GeographicLib) is missing or altered."""


class MapperWarning(UserWarning):
    """Something looks wrong but mapper went on; the CLI prints it as one line."""


class CoordinateWarning(MapperWarning):
    """A coordinate looks like latitude and longitude were swapped."""
