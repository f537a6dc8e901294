"""User text made safe to show: control characters named once, values shown short on one line."""

import reprlib

# C0 controls, DEL and the C1 controls: U+009B is a one-byte CSI on many terminals.
CONTROL_CHARS = "\x00-\x1f\x7f-\x9f"
# What never reaches a terminal or a file name as it is: the controls; the line and paragraph
# separators; Unicode's direction controls (Bidi_Control), with which a bidi-aware terminal
# reorders a line; and lone surrogates (bytes that are not UTF-8).  The joiners U+200C and
# U+200D, which Persian names need, are not among them.
UNSAFE_CHARS = CONTROL_CHARS + "\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"

_REPR = reprlib.Repr()
_REPR.maxstring = 60
_REPR.maxother = _REPR.maxlong = 60


def shown(value):
    """``value`` as a message shows it: quoted, at most about 60 characters, escapes keeping it on one line."""
    return _REPR.repr(value)
