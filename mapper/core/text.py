"""User values shown in one-line messages."""

import reprlib

_REPR = reprlib.Repr()
_REPR.maxstring = 60
_REPR.maxother = _REPR.maxlong = 60


def shown(value):
    """``value`` as a message shows it: quoted, at most about 60 characters, escapes keeping it on one line."""
    return _REPR.repr(value)
