"""Bounds on TOML text, checked before ``tomllib`` parses it (issue 17).

``tomllib``'s time and memory grow with the square of a dotted key's
length (a key of 20,000 parts, 40 KB of text, takes 1.6 GB), and arrays or
inline tables nested about 1,000 deep overflow its recursion.
:func:`check_text` reads the text once, in linear time and constant memory,
with a small state machine that knows TOML's strings and comments, and
refuses a key of too many parts, values nested too deep and too many keys
before ``tomllib`` sees them.

The scanner follows ``tomllib`` wherever ``tomllib`` reads on: strings,
comments, keys (bare, quoted, dotted, in table headers and inline tables)
and values begin and end where ``tomllib``'s do.  Where ``tomllib`` would
stop with an error, the scanner stops too, without one, and leaves the
message to ``tomllib``: the text after that point is never parsed.  It also
takes what TOML 1.1 adds (newlines, comments and a trailing comma in inline
tables), so that a newer ``tomllib`` cannot read past it.
"""

import re

from mapper.errors import DataError

# No real briefing comes near these: a briefing's deepest key is view.bounds.south
# (3 parts; any deeper one is an unknown key), its values nest 2 deep, and the bundled
# ones have about 20 keys.  Within them, and the 1 MiB a briefing file may hold,
# tomllib parses the worst text in under a second and 200 MB (tests/test_tomltext.py).
MAX_KEY_PARTS = 16  # tomllib's work grows with the square of this, for each key
MAX_NESTING = 32  # arrays and inline tables inside each other; tomllib recurses for each
MAX_KEYS = 10_000  # key/value pairs, in inline tables too, and table headers

# Possessive quantifiers (*+, ++): no backtracking, so no memory that grows with a match.
_SPACE = re.compile(r"[ \t]*+")  # around the dots of a key, as TOML allows
_BLANK = re.compile(r"[ \t\r]*+")  # within a line; a CR is part of a CRLF line end
_BLANK_LINES = re.compile(r"(?:[ \t\r\n]++|#[^\n]*+)*+")  # whitespace, newlines and comments
_KEY_PART = re.compile(r"""(?:[A-Za-z0-9_-]++|"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"|'[^'\n]*+')[ \t]*+""")
_BASIC = re.compile(r'"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"')
_LITERAL = re.compile(r"'[^'\n]*+'")
# Up to two quotes after the closing three belong to the string.
_MULTILINE_BASIC = re.compile(r'"""[^"\\]*+(?:(?:\\[\s\S]|"(?!""))[^"\\]*+)*+""""?"?')
# A number, boolean, inf, nan, date or time; a date and a time may be joined by a space.
_SCALAR = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[A-Za-z0-9_+\-.:]*+|[A-Za-z0-9_+\-.:]++")
# Array elements that are numbers, dates or strings without escapes, each with its comma:
# read in one step, as an array of many of them is the longest work the scan does.
_SIMPLE_ELEMENTS = re.compile(r"""(?:[ \t\r\n]*+(?:[A-Za-z0-9_+\-.:]++|"[^"\\\n]*+"|'[^'\n]*+')[ \t\r\n]*+,)*+""")
_NESTING_MARK = re.compile(r"""[\[\]{}"'#]""")


def check_text(text, path, *, max_key_parts=MAX_KEY_PARTS, max_nesting=MAX_NESTING, max_keys=MAX_KEYS):
    """Refuse TOML ``text`` (read from ``path``) that ``tomllib`` could not parse within bounds.

    Raises
    ------
    DataError
        ``'{path}:{line}: a key of 50,000 parts; keys may have at most 16'``,
        ``'{path}:{line}: arrays and inline tables nested 1,000 deep; at most 32'``
        or ``'{path}: 20,001 keys; a briefing may have at most 10,000'``.
        Text that is not TOML passes as far as ``tomllib`` would read it;
        ``tomllib`` names its fault.
    """
    _Scan(text, path, max_key_parts, max_nesting, max_keys).run()


class _Scan:
    """One pass over the text, statement by statement as tomllib reads it."""

    def __init__(self, text, path, max_key_parts, max_nesting, max_keys):
        self.text, self.path = text, path
        self.max_key_parts, self.max_nesting, self.max_keys = max_key_parts, max_nesting, max_keys
        self.keys = 0

    def run(self):
        self._statements()
        # Also when the text stops being TOML part way: tomllib reads that many keys before it stops.
        if self.keys > self.max_keys:
            raise DataError(f"{self.path}: {self.keys:,} keys; a briefing may have at most {self.max_keys:,}")

    def _statements(self):
        """Read the text's statements (outside any array or inline table) until its end or an error."""
        text, n = self.text, len(self.text)
        pos = 0
        while True:
            pos = _BLANK_LINES.match(text, pos).end()
            if pos >= n:
                return
            if text[pos] == "[":  # a table header, [a.b] or [[a.b]]
                close = "]]" if text.startswith("[[", pos) else "]"
                pos = self._key(_SPACE.match(text, pos + len(close)).end())
                if pos is None or not text.startswith(close, pos):
                    return
                pos += len(close)
            else:
                pos = self._key(pos)
                if pos is None or not text.startswith("=", pos):
                    return
                pos = self._value(_BLANK.match(text, pos + 1).end())
                if pos is None:
                    return
            pos = _BLANK.match(text, pos).end()
            if text.startswith("#", pos):
                pos = _line_end(text, pos)
            if pos >= n:
                return
            if text[pos] != "\n":
                return
            pos += 1

    def _key(self, pos):
        """Read a key at ``pos`` and count it; the position after it and its spaces, or None if it is not a key."""
        text = self.text
        start, parts = pos, 0
        while True:
            match = _KEY_PART.match(text, pos)
            if match is None:
                break
            parts += 1
            pos = match.end()
            if not text.startswith(".", pos):
                break
            pos = _SPACE.match(text, pos + 1).end()
        if parts > self.max_key_parts:
            raise DataError(f"{self.path}:{_line(text, start)}: a key of {parts:,} parts; "
                            f"keys may have at most {self.max_key_parts:,}")
        if match is None:
            return None
        self.keys += 1
        return pos

    def _value(self, pos):
        """Read the value at ``pos``, with all it holds; the position after it, or None where tomllib stops."""
        text, n = self.text, len(self.text)
        open_ = []  # the arrays ("]") and inline tables ("}") the scan is in, innermost last
        while True:  # at a value, or at the end of an array that has none (more)
            if open_:
                if open_[-1] == "]":
                    pos = _SIMPLE_ELEMENTS.match(text, pos).end()
                pos = _BLANK_LINES.match(text, pos).end()
            c = text[pos] if pos < n else ""
            if c in ("[", "{"):
                if len(open_) >= self.max_nesting:
                    self._too_deep(pos, len(open_))
                open_.append("]" if c == "[" else "}")
                pos += 1
                if c == "[":
                    continue
                pos = _BLANK_LINES.match(text, pos).end()
                if not text.startswith("}", pos):  # {} has no key
                    pos = self._key(pos)
                    if pos is None or not text.startswith("=", pos):
                        return None
                    pos += 1
                    continue
                open_.pop()
                pos += 1
            elif c == "]" and open_ and open_[-1] == "]":  # [], or [1, 2,]
                open_.pop()
                pos += 1
            else:
                pos = self._scalar_or_string(pos)
                if pos is None:
                    return None
            while open_:  # after a value: close what ends here, and go to the next value
                pos = _BLANK_LINES.match(text, pos).end()
                if text.startswith(open_[-1], pos):
                    open_.pop()
                    pos += 1
                    continue
                if not text.startswith(",", pos):
                    return None
                pos += 1
                if open_[-1] == "]":
                    break
                pos = _BLANK_LINES.match(text, pos).end()
                if text.startswith("}", pos):  # a trailing comma, as TOML 1.1 allows
                    open_.pop()
                    pos += 1
                    continue
                pos = self._key(pos)
                if pos is None or not text.startswith("=", pos):
                    return None
                pos += 1
                break
            else:
                return pos

    def _scalar_or_string(self, pos):
        """The position after the string or other single value at ``pos``, or None if there is none."""
        text = self.text
        if text.startswith("'''", pos):
            end = text.find("'''", pos + 3)
            if end < 0:
                return None
            end += 3
            for _ in range(2):  # up to two more quotes belong to the string
                if text.startswith("'", end):
                    end += 1
            return end
        c = text[pos:pos + 1]
        if c == '"':
            match = (_MULTILINE_BASIC if text.startswith('"""', pos) else _BASIC).match(text, pos)
        elif c == "'":
            match = _LITERAL.match(text, pos)
        else:
            match = _SCALAR.match(text, pos)
        return match.end() if match else None

    def _too_deep(self, pos, depth):
        """Raise for the array or inline table at ``pos``, one level deeper than the limit ``depth``."""
        text = self.text
        line, level, deepest = _line(text, pos), depth, depth
        # Count on to where this value closes again, to say how deep it goes; strings and
        # comments may hold brackets.
        while True:
            match = _NESTING_MARK.search(text, pos)
            if match is None:
                break
            pos, c = match.start(), match.group()
            if c in "[{":
                level += 1
                deepest = max(deepest, level)
                pos += 1
            elif c in "]}":
                level -= 1
                pos += 1
                if level <= depth:
                    break
            elif c == "#":
                pos = _line_end(text, pos)
            else:
                pos = self._scalar_or_string(pos)
                if pos is None:
                    break
        raise DataError(f"{self.path}:{line}: arrays and inline tables nested {deepest:,} deep; "
                        f"at most {self.max_nesting:,}")


def _line(text, pos):
    """The line number (from 1) of position ``pos``."""
    return text.count("\n", 0, pos) + 1


def _line_end(text, pos):
    """The position of the newline that ends the line at ``pos``, or the text's length."""
    end = text.find("\n", pos)
    return len(text) if end < 0 else end
