"""Unicode direction controls in data text, kept but closed at the end of their own field.

An unclosed U+202E RIGHT-TO-LEFT OVERRIDE in a place name would reverse
whatever follows it on the line: the rest of a popup, a legend label that
mapper builds from the name, the next line of a KML description.
"""

# Explicit direction controls: embeddings and overrides (closed by PDF) and isolates (closed by PDI).
_EMBEDDINGS, _PDF = "\u202a\u202b\u202d\u202e", "\u202c"
_ISOLATES, _PDI, _FSI = "\u2066\u2067\u2068", "\u2069", "\u2068"
_DIRECTION_CONTROLS = frozenset(_EMBEDDINGS + _PDF + _ISOLATES + _PDI)


def contain_bidi(text):
    """``text`` with its direction controls closed, so that they reorder nothing after it.

    An override left open would run on to the end of the paragraph: the rest
    of a popup line, the other places in a list.  Each embedding, override
    or isolate still open at the end gets its closer, and an isolate closer
    with no opener (which could end an isolate around the text) gets an
    opener at the start.  Every character of ``text`` stays, in order; text
    without direction controls is returned as it is.
    """
    text = str(text)
    if _DIRECTION_CONTROLS.isdisjoint(text):
        return text
    open_, stray = [], 0  # closers owed, innermost last
    for c in text:  # the Unicode Bidirectional Algorithm's rules X1-X8, without the depth limit
        if c in _EMBEDDINGS:
            open_.append(_PDF)
        elif c in _ISOLATES:
            open_.append(_PDI)
        elif c == _PDF:
            if open_ and open_[-1] == _PDF:
                open_.pop()
        elif c == _PDI:
            if _PDI in open_:
                while open_.pop() != _PDI:  # also ends the embeddings inside the isolate
                    pass
            else:
                stray += 1
    return _FSI * stray + text + "".join(reversed(open_))
