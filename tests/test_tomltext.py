"""Bounds on briefing text before tomllib parses it (mapper/load/tomltext.py, issue 17).

The scanner must refuse every text on which tomllib's work outgrows its
bytes (a long dotted key: key lines, table headers, arrays of tables and
inline tables; deep nesting; too many keys), and must never refuse a valid
briefing.  "Agrees with tomllib" is measured on tomllib itself: its key,
key part, array and inline table functions are wrapped to count what it
reads, and the scanner must pass at exactly those counts and refuse at one
less, on valid tricky documents, generated ones, every TOML file in the
repo and CPython's own tomllib test files; on any text at all (valid or
not) it must refuse at one less than what tomllib reads before it stops.
"""

import resource
import shutil
import subprocess
import sys
import time
import tomllib
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from conftest import DATA_DIR, REPO
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mapper.errors import DataError
from mapper.export.starter import STARTER
from mapper.load.briefing import load_briefing
from mapper.load.files import limit_bytes
from mapper.load.tomltext import MAX_KEY_PARTS, MAX_KEYS, MAX_NESTING, check_text

MAPPER = Path(sys.executable).parent / "mapper"
TESTS = Path(__file__).resolve().parent
BRIEFING_LIMIT_BYTES = limit_bytes("briefing file")
UNLIMITED = {"max_key_parts": 10**9, "max_nesting": 10**9, "max_keys": 10**9}
# As tests/test_bad_input.py: every run under 2.5 GiB of address space; a refusal within 5 s and 500 MB.
MAX_ADDRESS_SPACE_BYTES = 5 * 2**29
REFUSAL_MAX_SECONDS = 5
REFUSAL_MAX_PEAK_RSS_KB = 500 * 2**10
# The worst text within the limits: tomllib must parse it well inside the corpus's bounds for any input.
WORST_MAX_SECONDS = 10  # about 1 s alone; room for a loaded machine
WORST_MAX_PEAK_RSS_KB = 500 * 2**10  # about 200 MB measured
CPYTHON_TOML_TESTS = Path(tomllib.__file__).parent.parent / "test" / "test_tomllib" / "data"


def refusal(text, **limits):
    """The message check_text raises for ``text`` (file ``b.toml``), or None if it passes."""
    try:
        check_text(text, "b.toml", **limits)
    except DataError as exc:
        return str(exc)
    return None


def dotted(parts, first="a"):
    return ".".join([first] + ["a"] * (parts - 1))


# -- the attacks of issue 17 ------------------------------------------------------

LONG_KEY = dotted(50_000)
TOO_LONG = "a key of 50,000 parts; keys may have at most 16"


@pytest.mark.parametrize("text, message", [
    (f"{LONG_KEY} = 1\n", f"b.toml:1: {TOO_LONG}"),
    (f"title = 'x'\n[{LONG_KEY}]\n", f"b.toml:2: {TOO_LONG}"),
    (f"title = 'x'\n[[ {LONG_KEY} ]]\n", f"b.toml:2: {TOO_LONG}"),
    (f"title = 'x'\n\nview = {{ zoom = 5, {LONG_KEY} = 1 }}\n", f"b.toml:3: {TOO_LONG}"),
    (f"x = [{{ {LONG_KEY} = 1 }}]\n", f"b.toml:1: {TOO_LONG}"),
    (f"x = {{ a = {{ {LONG_KEY} = 1 }} }}\n", f"b.toml:1: {TOO_LONG}"),
    # Spaces and quoted parts between the dots, and a key that never ends: tomllib has done the work by then.
    (" . ".join(["'a'", '"b.c"'] * 25_000) + " = 1\n", f"b.toml:1: {TOO_LONG}"),
    (LONG_KEY, f"b.toml:1: {TOO_LONG}"),
    (f"[{LONG_KEY}.", f"b.toml:1: {TOO_LONG}"),
    ("x = " + "[" * 1000 + "]" * 1000 + "\n", "b.toml:1: arrays and inline tables nested 1,000 deep; at most 32"),
    ("x = " + "{a=" * 1000 + "1" + "}" * 1000 + "\n",
     "b.toml:1: arrays and inline tables nested 1,000 deep; at most 32"),
    ("a = 1\nx = [\n" + "[{b = " * 500 + "'[{'" + "}]" * 500 + "]\n",
     "b.toml:3: arrays and inline tables nested 1,001 deep; at most 32"),
    ("x = " + "[" * 100_000, "b.toml:1: arrays and inline tables nested 100,000 deep; at most 32"),
    ("".join(f"k{i} = 1\n" for i in range(20_001)), "b.toml: 20,001 keys; a briefing may have at most 10,000"),
    ("".join(f"[[r]]\nid = {i}\n" for i in range(10_001)), "b.toml: 20,002 keys; a briefing may have at most 10,000"),
    ("x = [" + ",".join(["{a = 1, b = 2}"] * 5_000) + "]\n",
     "b.toml: 10,001 keys; a briefing may have at most 10,000"),
], ids=["key-line", "table-header", "array-of-tables", "inline-table", "inline-table-in-array", "nested-inline-table",
        "quoted-parts", "unfinished-key", "unfinished-header", "arrays", "inline-tables", "mixed-nesting",
        "unclosed-nesting", "keys", "array-of-tables-keys", "inline-table-keys"])
def test_attacks_are_refused_quickly(text, message):
    started = time.perf_counter()
    assert refusal(text) == message
    assert time.perf_counter() - started < 1


def test_limits_are_inclusive():
    assert refusal(f"{dotted(MAX_KEY_PARTS)} = 1\n") is None
    assert refusal(f"{dotted(MAX_KEY_PARTS + 1)} = 1\n") == "b.toml:1: a key of 17 parts; keys may have at most 16"
    assert refusal("x = " + "[" * MAX_NESTING + "]" * MAX_NESTING) is None
    assert refusal("x = " + "[" * (MAX_NESTING + 1) + "]" * (MAX_NESTING + 1)) == \
        "b.toml:1: arrays and inline tables nested 33 deep; at most 32"
    assert refusal("".join(f"k{i} = 1\n" for i in range(MAX_KEYS))) is None
    assert refusal("".join(f"k{i} = 1\n" for i in range(MAX_KEYS + 1))) == \
        "b.toml: 10,001 keys; a briefing may have at most 10,000"


def test_a_refusal_names_the_first_line_of_the_key_or_value():
    text = "# [a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a]\r\ntitle = 'a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a'\r\n\r\n" \
           "x = [\r\n  1, # [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\r\n" + "  [" * 40 + "]" * 40 + "\r\n]\r\n"
    assert refusal(text) == "b.toml:6: arrays and inline tables nested 41 deep; at most 32"


# -- what tomllib reads, counted on tomllib itself ----------------------------------


@contextmanager
def counting_tomllib():
    """Wrap tomllib's parser functions; yields a dict of what it has read so far.

    ``parts``: most parts of a key (or of the part of one read before an
    error), ``deepest``: deepest arrays and inline tables, ``keys``: keys
    and table headers read.
    """
    from tomllib import _parser

    seen = {"parts": 0, "deepest": 0, "keys": 0, "_parts": 0, "_depth": 0}
    parse_key, parse_key_part = _parser.parse_key, _parser.parse_key_part
    parse_array, parse_inline_table = _parser.parse_array, _parser.parse_inline_table

    def counted_key(src, pos):
        seen["_parts"] = 0
        result = parse_key(src, pos)
        seen["keys"] += 1
        return result

    def counted_part(src, pos):
        result = parse_key_part(src, pos)
        seen["_parts"] += 1
        seen["parts"] = max(seen["parts"], seen["_parts"])
        return result

    def nesting(parse):
        def counted(src, pos, parse_float):
            seen["_depth"] += 1
            seen["deepest"] = max(seen["deepest"], seen["_depth"])
            try:
                return parse(src, pos, parse_float)
            finally:
                seen["_depth"] -= 1

        return counted

    with mock.patch.multiple(_parser, parse_key=counted_key, parse_key_part=counted_part,
                             parse_array=nesting(parse_array), parse_inline_table=nesting(parse_inline_table)):
        yield seen


def tomllib_reads(text):
    """(valid, most key parts, deepest nesting, keys) that tomllib reads in ``text`` before it returns or stops."""
    with counting_tomllib() as seen:
        try:
            tomllib.loads(text)
            valid = True
        except (ValueError, RecursionError):  # TOMLDecodeError, or an integer of more than 4300 digits
            valid = False
    return valid, seen["parts"], seen["deepest"], seen["keys"]


def assert_bounds_cover_tomllib(text):
    """The scanner refuses at one less than anything tomllib reads; on valid TOML it passes at exactly that."""
    valid, parts, deepest, keys = tomllib_reads(text)
    if parts:
        assert "parts; keys may have" in (refusal(text, **{**UNLIMITED, "max_key_parts": parts - 1}) or ""), text
    if deepest:
        assert "deep; at most" in (refusal(text, **{**UNLIMITED, "max_nesting": deepest - 1}) or ""), text
    if keys:
        assert "keys; a briefing" in (refusal(text, **{**UNLIMITED, "max_keys": keys - 1}) or ""), text
    if valid:
        assert refusal(text, max_key_parts=max(parts, 1), max_nesting=deepest, max_keys=keys) is None, text
    return valid


# Valid documents that a scanner could misread: strings of every kind holding what looks like syntax,
# escapes, comments with dots and brackets, quoted keys with dots, CRLF, dates with a space.
TRICKY = [
    'a."b.c".d = 1\n',
    '"a.b" = 1\n\'c.d\' = 2\n"" = 3\n',
    'a = "a\\"b.c"\nb.c = 2\n',
    'a = "\\\\"\nb . c . d = 2\n',
    "a = 'c:\\\\path\\\\' # a comment with [brackets] and a.b.c = dots\n[t]\nx = 1\n",
    '# [[not.a.header]]\n# x.y.z = 1\n[ t . "u.v" . \'w\' ]\nk = 1\n',
    's = """\nline one " "" \\""" [x.y.z]\n# not a comment\nend"""\nk = 1\n',
    's = """quotes at the end""""\nt = """five"""""\nk.l = 1\n',
    "s = '''\n'' a.b.c = 1 [[x]] # \\\n'''\nt = '''four''''\nu = '''five'''''\nk.l = 1\n",
    's = """\\\n   joined \\\n   lines"""\nk.l.m = 1\n',
    'arr = [\n  1, # one ]]\n  [2, 3], # [\n  "]",\n  \'[\',\n  { a.b = 1, "c.d" = [4] },\n]\nk.l = 1\n',
    "arr = [ ]\nempty = {}\nnested = [[[]], [[], []]]\nk = 1\n",
    ("[[fruit]]\nname = 'apple'\n[fruit.physical]\ncolor = 'red'\n[[fruit.variety]]\nname = 'red delicious'\n"
     "[[fruit]]\nname = 'banana'\n"),
    ("d1 = 1979-05-27 07:32:00Z\nd2 = 1979-05-27T00:32:00.999999-07:00\nd3 = 1979-05-27\nt = 07:32:00\n"
     "dates = [1979-05-27 07:32:00, 1979-05-27]\nk.l = 1\n"),
    "n = [1_000, -0.5e+3, +inf, -nan, 0xff, 0xDEAD_beef, 0o17, 0b1, true, false]\nk.l = 1\n",
    "title = 'x'\r\n# comment\r\n[view]\r\nbounds = { south = 44.0, west = 29.5 }\r\n",
    "a = 1 # end\n\n\t  b = 2\t# tab\n[x]# no space\n",
    'key = "value" #"with.a quote\n[a."b.c"."d]e"]\nk = "[[x]]"\n',
    'u = "\\u00e9\\U0001F600\\b\\t\\n\\f\\r"\nk.l = 1\n',
    "x = { a = { b = { c = [ { d = 1 } ] } } }\n",
    'inline = { "a.b" = 1, \'c.d\' = 2, e . f = "}", g = "{" }\n',
    'x = """"""\ny = \'\'\'\'\'\'\nk.l = 1\n',
    'x = """""x"""\nk.l = 1\n',
    "x = ''\ny = \"\"\nz = ['', \"\", '''''', \"\"\"\"\"\"]\nk.l = 1\n",
    "a-b_c.1-2 = 1\n[_.-]\n0 = 1\n",
    "#\n#[\n#{\n#\"\n#'\n#'''\nk.l = 1\n",
]


@pytest.mark.parametrize("text", TRICKY, ids=[f"tricky-{i}" for i in range(len(TRICKY))])
def test_tricky_valid_documents_agree_with_tomllib(text):
    assert assert_bounds_cover_tomllib(text)


def repo_tomls():
    from test_fuzz import BRIEFING as FUZZ_BRIEFING  # a briefing that uses every table

    found = sorted((DATA_DIR / "briefings").glob("*.toml")) + sorted((TESTS / "data").glob("**/*.toml"))
    return ([(p.relative_to(REPO).as_posix(), p.read_text(encoding="utf-8-sig")) for p in found]
            + [("pyproject.toml", (REPO / "pyproject.toml").read_text(encoding="utf-8")),
               ("starter", STARTER.replace("@TITLE_TOML@", '"Starter"')),
               ("test_fuzz.BRIEFING", FUZZ_BRIEFING)])


@pytest.mark.parametrize("name, text", repo_tomls(), ids=[name for name, _ in repo_tomls()])
def test_every_toml_in_the_repo_passes(name, text):
    assert refusal(text) is None
    assert assert_bounds_cover_tomllib(text)


@pytest.mark.skipif(not CPYTHON_TOML_TESTS.is_dir(), reason="CPython's test_tomllib files are not installed")
def test_cpython_tomllib_test_files():
    """CPython's own valid and invalid TOML files (burntsushi's suite and more), where installed."""
    valid = 0
    for path in sorted(CPYTHON_TOML_TESTS.glob("**/*.toml")):
        text = path.read_bytes().decode("utf-8", errors="replace")
        valid += assert_bounds_cover_tomllib(text)
        if path.parent.name != "invalid" and "invalid" not in path.parts:
            assert refusal(text) is None, path
    assert valid >= 10


# -- generated documents ------------------------------------------------------------

TEXT_CHARS = st.sampled_from(list("ab .#[]{},='\"\\\t\n") + ["é", "\u2028"])
SPACE = st.sampled_from(["", " ", "\t", "  "])


def basic_string(content):
    escaped = content.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def multiline_basic_string(content):
    # A quote is escaped when the one before it is raw, so that no three raw ones meet.
    out, raw_quote = [], False
    for c in content.replace("\\", "\\\\"):
        if c == '"':
            out.append('\\"' if raw_quote else '"')
            raw_quote = not raw_quote
        else:
            out.append(c)
            raw_quote = False
    return '"""' + "".join(out) + '"""'


def multiline_literal_string(content):
    while "'''" in content:
        content = content.replace("'''", "''")
    return "'''" + content + "'''"


@st.composite
def strings(draw):
    content = draw(st.text(TEXT_CHARS, max_size=12))
    kind = draw(st.sampled_from(["basic", "literal", "ml-basic", "ml-literal"]))
    if kind == "basic":
        return basic_string(content)
    if kind == "literal":
        return "'" + content.replace("'", "").replace("\n", "") + "'"
    if kind == "ml-basic":
        return multiline_basic_string(content)
    return multiline_literal_string(content)


SCALARS = st.sampled_from(["1", "-0.5", "1e3", "+inf", "nan", "true", "false", "0x1F", "1_000", "1979-05-27",
                           "1979-05-27 07:32:00Z", "1979-05-27T07:32:00.5+01:00", "07:32:00"])
COMMENTS = st.sampled_from(["", " # x.y.z = 1", " # [[a]] {b} 'c' \"d\" '''", "# ]"])


@st.composite
def keys(draw, unique):
    """A dotted key whose first part holds ``unique``: bare, or quoted with dots and quotes in it."""
    parts = draw(st.integers(1, 4))
    names = [f"k{unique}"] + draw(st.lists(st.sampled_from(["a", "b-c", "_1"]), min_size=parts - 1,
                                           max_size=parts - 1))
    rendered = []
    for name in names:
        style = draw(st.sampled_from(["bare", "basic", "literal"]))
        extra = draw(st.sampled_from(["", ".", "[x]", " # ", "=", '"', "'"]))
        if style == "basic":
            rendered.append(basic_string(name + extra))
        elif style == "literal":
            rendered.append("'" + name + extra.replace("'", "") + "'")
        else:
            rendered.append(name)
    space = draw(SPACE)
    return f"{space}.{space}".join(rendered)


@st.composite
def values(draw, depth=0):
    kind = draw(st.sampled_from(["scalar", "string", "array", "table"] if depth < 4 else ["scalar", "string"]))
    if kind == "scalar":
        return draw(SCALARS)
    if kind == "string":
        return draw(strings())
    items = draw(st.integers(0, 3))
    if kind == "array":
        newline = draw(st.sampled_from(["", "\n"]))
        elements = [draw(values(depth + 1)) + draw(SPACE) + (draw(COMMENTS) + "\n" if newline else "")
                    for _ in range(items)]
        trailing = "," if elements and draw(st.booleans()) else ""
        return "[" + newline + ("," + newline).join(elements) + trailing + draw(SPACE) + "]"
    pairs = [draw(keys(i)) + draw(SPACE) + "=" + draw(SPACE) + draw(values(depth + 1)) for i in range(items)]
    return "{" + draw(SPACE) + ", ".join(pairs) + draw(SPACE) + "}"


@st.composite
def documents(draw):
    lines, n = [], 0
    for section in range(draw(st.integers(0, 4))):
        if section:
            header = draw(keys(f"t{section}"))
            lines.append(draw(st.sampled_from(["[{}]", "[[{}]]", "[ {} ]", "[[ {} ]]"])).format(header)
                         + draw(COMMENTS))
        for _ in range(draw(st.integers(0, 4))):
            n += 1
            lines.append(draw(SPACE) + draw(keys(n)) + draw(SPACE) + "=" + draw(SPACE) + draw(values())
                         + draw(SPACE) + draw(COMMENTS))
        if draw(st.booleans()):
            lines.append(draw(COMMENTS).strip())
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines) + draw(st.sampled_from(["", newline]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_valid_documents_agree_with_tomllib(text):
    assert assert_bounds_cover_tomllib(text), text


# Pieces of TOML syntax, for texts that are mostly not TOML: the scanner must still see at least what
# tomllib reads before it stops.
TOKENS = ["a", "b1", "-", ".", " ", "\t", "=", " = ", "\n", "\r\n", "\r", "#", "[", "]", "[[", "]]", "{", "}", ",", '"',
          "'", '"""', "'''", "\\", '\\"', "\\\n", "1", "1.5", "true", "1979-05-27", " 07:32:00", "T07:32:00Z", "x = ",
          '"a.b"', "'c.d'", "a.b.c", "\x00", "\u2028", "é"]


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join))
@example('a.b = """x\\"""".c.d.e = 1\n')
@example("a = 1979-05-27 07:32:00\nb.c.d = 1\n")
@example("x = [1, 2,]\ny = {a.b = 1,}\nk.l.m = 2")
@example("x = {\na.b.c = 1\n}\n")
def test_any_text_the_scanner_sees_what_tomllib_reads(text):
    assert_bounds_cover_tomllib(text)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_valid_documents_with_a_few_tokens_changed(data):
    """Near-valid text: tricky and real documents with tokens inserted, deleted or overwritten."""
    text = data.draw(st.sampled_from(TRICKY + [text for _, text in repo_tomls()]))
    for _ in range(data.draw(st.integers(1, 4))):
        pos, token = data.draw(st.integers(0, len(text))), data.draw(st.sampled_from(TOKENS))
        cut = data.draw(st.sampled_from([0, len(token), 1, 3]))
        text = text[:pos] + token * data.draw(st.sampled_from([0, 1, 3])) + text[pos + cut:]
    assert_bounds_cover_tomllib(text)


# -- cost: the worst text within the limits, and the scan itself --------------------


def worst_texts():
    """The texts within every limit that cost tomllib the most (1 MiB at most), by name."""

    def key(first):
        return dotted(MAX_KEY_PARTS, first)

    elements = "1," * ((BRIEFING_LIMIT_BYTES - 3 * MAX_NESTING) // 2)
    return {
        "most keys, longest, under long headers": "".join(f"[{key(f'h{i}')}]\n{key('k')} = 1\n"
                                                         for i in range(MAX_KEYS // 2)),
        "most table headers, longest": "".join(f"[{key(f't{i}')}]\n" for i in range(MAX_KEYS)),
        "most keys, longest, under one long header": f"[{key('h')}]\n" + "".join(f"{key(f'k{i}')} = 1\n"
                                                                                for i in range(MAX_KEYS - 1)),
        "most keys in one inline table": "x = {" + ", ".join(f"{key(f'k{i}')} = 1"
                                                             for i in range(MAX_KEYS - 1)) + "}\n",
        "deepest nesting, largest file": "x = " + "[" * MAX_NESTING + elements + "]" * MAX_NESTING + "\n",
        "empty inline tables, largest file": "x = [" + "{}," * (BRIEFING_LIMIT_BYTES // 3 - 10) + "]\n",
        "empty arrays nested deepest, largest file": "x = [" + ",".join(
            ["[" * (MAX_NESTING - 1) + "]" * (MAX_NESTING - 1)] * (BRIEFING_LIMIT_BYTES // (2 * MAX_NESTING))) + "]\n",
        "largest string": 'x = "' + "s" * (BRIEFING_LIMIT_BYTES - 10) + '"\n',
    }


WORST_SCRIPT = """
import sys, time, tomllib
from mapper.load.tomltext import check_text
text = open(sys.argv[1], encoding="utf-8").read()
started = time.perf_counter()
check_text(text, sys.argv[1])
checked = time.perf_counter()
tomllib.loads(text)
print(checked - started, time.perf_counter() - checked)
"""


def _limit_address_space():
    resource.setrlimit(resource.RLIMIT_AS, (MAX_ADDRESS_SPACE_BYTES, MAX_ADDRESS_SPACE_BYTES))


def run_measured(argv, cwd):
    """Run ``argv`` under 2.5 GiB of address space: (CompletedProcess, wall seconds, peak RSS in KiB)."""
    measures = Path(cwd) / "time.txt"
    run = subprocess.run(["/usr/bin/time", "-o", str(measures), "-f", "%e %M", *argv], cwd=cwd, capture_output=True,
                         text=True, timeout=120, preexec_fn=_limit_address_space, check=False)
    seconds, peak_kb = measures.read_text(encoding="utf-8").split()[-2:]
    return run, float(seconds), int(peak_kb)


@pytest.mark.parametrize("name", list(worst_texts()))
def test_worst_text_within_the_limits_is_cheap_for_tomllib(name, tmp_path):
    text = worst_texts()[name]
    assert len(text.encode("utf-8")) <= BRIEFING_LIMIT_BYTES
    (tmp_path / "w.toml").write_text(text, encoding="utf-8")
    run, seconds, peak_kb = run_measured([sys.executable, "-c", WORST_SCRIPT, "w.toml"], tmp_path)
    assert run.returncode == 0, run.stderr
    check_seconds, tomllib_seconds = (float(x) for x in run.stdout.split())
    print(f"{name}: check {check_seconds:.2f} s, tomllib {tomllib_seconds:.2f} s, peak {peak_kb // 1024} MB")
    assert seconds <= WORST_MAX_SECONDS and peak_kb <= WORST_MAX_PEAK_RSS_KB, (seconds, peak_kb)


@pytest.mark.parametrize("text", [
    "a" * BRIEFING_LIMIT_BYTES,
    "a." * (BRIEFING_LIMIT_BYTES // 2),
    "x = [" + "1," * (BRIEFING_LIMIT_BYTES // 2),
    "x = [" + "{}," * (BRIEFING_LIMIT_BYTES // 3),
    "x = [" + "'\\'," * (BRIEFING_LIMIT_BYTES // 4),
    'x = """' + '\\"' * (BRIEFING_LIMIT_BYTES // 2),
    "x = '''" + "''" * (BRIEFING_LIMIT_BYTES // 2),
    "#\n" * (BRIEFING_LIMIT_BYTES // 2),
    "x = [" + "\n#" * (BRIEFING_LIMIT_BYTES // 2),
    "x = " + "[" * (BRIEFING_LIMIT_BYTES // 2),
    "x = [" + "[" * 31 + "]," * (BRIEFING_LIMIT_BYTES // 2),
], ids=["bare", "dots", "numbers", "inline-tables", "literals", "escaped-quotes", "quotes", "comments",
        "array-comments", "brackets", "closers"])
def test_the_scan_is_linear(text):
    """A megabyte of anything takes the scanner well under a second (about 0.3 s), whatever it finds."""
    started = time.perf_counter()
    refusal(text)
    assert time.perf_counter() - started < 2


# -- through the commands -------------------------------------------------------------


def test_validate_names_a_bad_briefing_in_a_data_folder(tmp_path):
    """``mapper validate DIR`` reaches briefings through DIR/briefings/: one problem line, quickly."""
    geo = tmp_path / "geo"
    shutil.copytree(DATA_DIR, geo)
    (geo / "briefings" / "attack.toml").write_text(f"title = 'x'\n{LONG_KEY} = 1\n", encoding="utf-8")
    run, seconds, peak_kb = run_measured([str(MAPPER), "validate", str(geo)], tmp_path)
    assert "Traceback" not in run.stderr
    assert run.returncode == 1
    assert run.stdout == f"{geo}/briefings/attack.toml:2: {TOO_LONG}\n"
    assert run.stderr.splitlines()[-1] == f"Error: 1 problem(s) in {geo}"
    assert seconds <= REFUSAL_MAX_SECONDS and peak_kb <= REFUSAL_MAX_PEAK_RSS_KB, (seconds, peak_kb)


def test_a_real_briefing_of_almost_the_largest_size_loads(tmp_path, geodata):
    """Comments full of brackets, dots and quotes fill a real briefing to just under 1 MiB: it loads."""
    comment = f"# [[{dotted(MAX_KEY_PARTS + 1)}]] {{ '\"\"\"' {'[' * (MAX_NESTING + 1)}\n"
    text = (DATA_DIR / "briefings" / "iran-russia.toml").read_text(encoding="utf-8")
    filler = comment * ((BRIEFING_LIMIT_BYTES - len(text.encode("utf-8"))) // len(comment))
    path = tmp_path / "big.toml"
    path.write_text(filler + text, encoding="utf-8")
    assert BRIEFING_LIMIT_BYTES - len(comment) < path.stat().st_size <= BRIEFING_LIMIT_BYTES
    started = time.perf_counter()
    briefing = load_briefing(path, geodata)
    assert time.perf_counter() - started < 5
    assert [r.id for r in briefing.ranges] == ["fath-360-belgorod", "fath-360-kursk", "fath-360-bryansk"]
