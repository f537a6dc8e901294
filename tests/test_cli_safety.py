"""What hostile data and odd arguments can do to the command line, and what they cannot (issue 17).

Every test here runs the real ``mapper`` command (a process of its own) or
the library function behind it: control sequences in place names reach no
terminal raw, a closed pipe ends a run quietly, partial files that a killed
run left behind are removed by the next, and ``mapper validate`` names
control characters in the data.
"""

import ast
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import REPO, edit_json

from mapper.core import output
from mapper.errors import MapperWarning

MAPPER = Path(sys.executable).parent / "mapper"
CLI_DIR = REPO / "mapper" / "cli"

# Everything a terminal acts on: C0 but the newline that ends a line, DEL, C1, the line and
# paragraph separators, direction controls (Unicode's Bidi_Control), lone surrogates.
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                         "\ud800-\udfff]")
# A name that would clear the line, retitle the window, print a link, fake a distance with a
# one-byte CSI and a right-to-left override, and rub out characters; then a Persian word whose
# zero-width non-joiner (U+200C) is no control and must stay.
HOSTILE = ("\x1b[2K\r\x1b]0;owned\x07\x1b]8;;http://x.example/\x07link\x1b]8;;\x07\x9b31m\u202e0.1 km\u202c"
           "\x08\x7f\u2066iso\u2069\u200f \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645")
ESCAPED = ("\\x1b[2K\\r\\x1b]0;owned\\x07\\x1b]8;;http://x.example/\\x07link\\x1b]8;;\\x07\\x9b31m\\u202e0.1 km"
           "\\u202c\\x08\\x7f\\u2066iso\\u2069\\u200f \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645")
HOSTILE_PLACES = ("kyiv", "moscow", "astrakhan", "chernihiv")


def mapper(*args, cwd=None, **kwargs):
    return subprocess.run([str(MAPPER), *args], cwd=cwd, capture_output=True, text=True, timeout=120, **kwargs)


def _rename(place_ids, suffix):
    def edit(doc):
        for feature in doc["features"]:
            props = feature["properties"]
            if props["id"] in place_ids:
                props["name"] += suffix
                props["aliases"] = [*props.get("aliases", []), f"alias{suffix}"]

    return edit


@pytest.fixture
def hostile_data(data_copy):
    """The bundled geodata with HOSTILE at the end of some places' names and aliases."""
    edit_json(data_copy, "places.geojson", _rename(HOSTILE_PLACES, HOSTILE))
    return data_copy


# -- 2. terminal control sequences ----------------------------------------------------


@pytest.mark.parametrize("args, shown", [
    (["places"], f"Kyiv{ESCAPED}  ["),
    (["distance", "kyiv", "moscow"], f"Kyiv{ESCAPED} → Moscow{ESCAPED}: 756.8 km"),
    (["coverage", "500km", "--from", "kyiv"], f"500 km from Kyiv{ESCAPED} (geodesic"),
    (["route", "bandar-anzali", "astrakhan"], f"Bandar Anzali → Astrakhan{ESCAPED} (sea)"),
    (["ring", "kyiv", "-r", "10km"], f"ring around Kyiv{ESCAPED}: "),
    (["verify"], f"Moscow{ESCAPED} → Alabuga special economic zone: 561.0 mi"),
], ids=["places", "distance", "coverage", "route", "ring", "verify"])
def test_no_control_character_reaches_the_terminal(hostile_data, args, shown):
    run = mapper("--data-dir", str(hostile_data), *args)
    assert run.returncode == 0, run.stderr
    assert RAW_CONTROL.findall(run.stdout + run.stderr) == []
    assert shown in run.stdout
    if args[0] == "coverage":  # the table's names, escaped
        assert f"  Chernihiv{ESCAPED}  " in run.stdout


def test_json_output_decodes_to_the_data_and_shows_no_control(hostile_data):
    run = mapper("--data-dir", str(hostile_data), "places", "--json")
    assert run.returncode == 0, run.stderr
    assert RAW_CONTROL.findall(run.stdout) == []  # C0 by the encoder; DEL, C1, direction controls by mapper
    assert "\\u009b31m\\u202e0.1 km" in run.stdout
    rows = {row["id"]: row for row in json.loads(run.stdout)}
    assert rows["kyiv"]["name"] == "Kyiv" + HOSTILE
    assert rows["kyiv"]["aliases"][-1] == "alias" + HOSTILE


@pytest.mark.parametrize("args, line", [
    (["distance", "kyiv\x1b]0;x\x07", "moscow"],
     "Error: unknown place 'kyiv\\x1b]0;x\\x07'; run 'mapper places' for the list"),
    (["render", "brief\x1b[31m\u202e.toml"], "Error: brief\\x1b[31m\\u202e.toml: briefing file not found"),
    (["ring", "kyiv", "-r", "5\x9bkm"],
     "Error: cannot read '5\\x9bkm' as a length; write it like 120km, 75mi or 65nmi"),
    (["--data-dir", "geo\r\x1b[2K", "places"], "Error: geo\\r\\x1b[2K: geodata folder not found"),
    (["places", "--no-such\x1b[2J"], "Error: No such option '--no-such\\x1b[2J' (see 'mapper places --help')"),
], ids=["unknown-place", "briefing-path", "radius", "data-dir", "usage"])
def test_error_lines_show_control_characters_escaped(tmp_path, args, line):
    run = mapper(*args, cwd=tmp_path)
    assert run.returncode in (1, 2)
    assert run.stderr.splitlines() == [line]


def test_log_lines_show_control_characters_escaped(tmp_path):
    run = mapper("ring", "kyiv", "-r", "10km", "-o", "ring\x1b[8m\u202e.geojson", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stderr.splitlines() == ["wrote ring\\x1b[8m\\u202e.geojson"]
    assert (tmp_path / "ring\x1b[8m\u202e.geojson").is_file()  # the file keeps the name it was given


def test_every_cli_line_goes_through_one_helper():
    """click.echo (or print) is called in one place only: options._write, which escapes."""
    calls = set()

    def visit(node, path, function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Call) and (
                    (isinstance(child.func, ast.Attribute) and child.func.attr in ("echo", "secho", "write"))
                    or (isinstance(child.func, ast.Name) and child.func.id in ("print", "echo", "secho"))):
                calls.add((path.name, function, ast.unparse(child.func)))
            visit(child, path, child.name if isinstance(child, ast.FunctionDef) else function)

    for path in sorted(CLI_DIR.glob("*.py")):
        visit(ast.parse(path.read_text(encoding="utf-8")), path, None)
    # entry._stop writes its own fixed line after a signal, when click may be half imported.
    assert sorted(calls) == [("entry.py", "_stop", "sys.stderr.write"), ("options.py", "_write", "click.echo")]


def test_visible_escapes_controls_and_keeps_joiners():
    from mapper.cli.options import visible

    assert visible("Kyiv" + HOSTILE) == "Kyiv" + ESCAPED
    assert visible(ESCAPED) == ESCAPED  # nothing left to escape
    for code in [*range(0x20), *range(0x7F, 0xA0), 0x61C, 0x200E, 0x200F, 0x2028, 0x2029, *range(0x202A, 0x202F),
                 *range(0x2066, 0x206A), 0xD800, 0xDCFF]:
        assert RAW_CONTROL.search(visible(chr(code))) is None, hex(code)
        assert visible(chr(code)).startswith("\\"), hex(code)
    persian = "\u062f\u0631\u06cc\u0627\u06cc\u200c\u062e\u0632\u0631 \u200d"  # ZWNJ and ZWJ
    assert visible(persian) == persian


# -- 6. a pipe closed by its reader ---------------------------------------------------


@pytest.fixture
def many_places(data_copy):
    """A geodata copy with 3,000 more places: far more output than a pipe's 64 KiB buffer holds."""
    def add(doc):
        doc["features"] += [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [30 + i / 1000, 50.0]},
                             "properties": {"id": f"extra-{i}", "name": f"Extra place {i}", "kind": "town",
                                            "basis": "assumption", "note": "A test place.",
                                            "location_source": "made up for a test"}}
                            for i in range(3000)]

    edit_json(data_copy, "places.geojson", add)
    return data_copy


@pytest.mark.parametrize("json_flag", [[], ["--json"]], ids=["text", "json"])
def test_a_closed_pipe_ends_the_run_quietly(many_places, json_flag):
    """``mapper places | head -1``: the reader reads one line and goes; mapper stops with status 0, no message."""
    process = subprocess.Popen([str(MAPPER), "--data-dir", str(many_places), "places", *json_flag],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read()
    assert process.wait(timeout=120) == 0
    assert stderr == b""
    assert first.startswith(b"[" if json_flag else b"tehran")


def _closed_pipe():
    read, write = os.pipe()
    os.close(read)
    return write


def test_a_closed_pipe_keeps_a_failure_status(tmp_path):
    """The reader of stderr gone too: the error line is lost, its status is not."""
    closed = _closed_pipe()
    run = subprocess.run([str(MAPPER), "render", "missing.toml"], cwd=tmp_path, stdout=closed, stderr=closed,
                         timeout=120)
    os.close(closed)
    assert run.returncode == 1


def test_work_goes_on_when_only_the_log_has_no_reader(tmp_path):
    """A closed stderr loses the log lines (a warning, 'wrote ...'), not the map."""
    (tmp_path / f".map.html.mapper-{_dead_pid()}-1-{output.pid_namespace()}-abcd1234.html").write_text("partial")
    closed = _closed_pipe()
    run = subprocess.run([str(MAPPER), "render", "-o", "map.html"], cwd=tmp_path, stderr=closed, timeout=120)
    os.close(closed)
    assert run.returncode == 0
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]


# -- 8. partial files left by a killed mapper -----------------------------------------


def _dead_pid():
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def _temp_name(output_name, pid, start, namespace, random="abcd1234", suffix=".html"):
    return f".{output_name}.mapper-{pid}-{start}-{namespace}-{random}{suffix}"


def test_a_render_removes_partial_files_of_killed_mappers_only(tmp_path):
    namespace, me = output.pid_namespace(), os.getpid()
    dead = _dead_pid()
    stale = [_temp_name("map.html", dead, 12345, namespace),  # its writer is gone
             _temp_name("map.html", me, output.process_start(me) + 1, namespace, "reused00"),  # its PID reused
             _temp_name("other.geojson", dead, 1, namespace, "efgh5678", ".geojson")]
    kept = [_temp_name("map.html", me, output.process_start(me), namespace),  # a mapper at work (this test)
            _temp_name("map.html", dead, 12345, namespace + 1, "otherns0"),  # another PID namespace's
            ".map.html.abcd1234.html",  # not the pattern: left alone
            _temp_name("map.html", dead, 12345, namespace, "abc"),  # nearly the pattern
            f"map.html.mapper-{dead}-1-{namespace}-abcd1234.html"]  # not hidden
    for name in stale + kept:
        (tmp_path / name).write_text("partial")
    link = _temp_name("map.html", dead, 1, namespace, "symlink0")
    (tmp_path / link).symlink_to(tmp_path / kept[2])  # a link is never ours to remove
    kept.append(link)
    if os.geteuid() == 0:  # another user's file, even with a dead PID: not ours
        foreign = _temp_name("map.html", dead, 1, namespace, "foreign0")
        (tmp_path / foreign).write_text("partial")
        os.chown(tmp_path / foreign, 65534, 65534)
        kept.append(foreign)

    run = mapper("render", "-o", "map.html", cwd=tmp_path)

    assert run.returncode == 0, run.stderr
    assert run.stderr.splitlines()[0] == (f"warning: removed 3 partial files left in . by a mapper that was killed: "
                                          f"{', '.join(sorted(stale))}")
    assert not any(line.startswith(("warning", "Error")) for line in run.stderr.splitlines()[1:])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["map.html", *kept])
    again = mapper("render", "-o", "map2.html", cwd=tmp_path)  # nothing more to remove: no line
    assert again.returncode == 0 and "warning" not in again.stderr


def test_the_temporary_file_names_its_writer(tmp_path, monkeypatch):
    """While a write is under way its temporary file has the pattern, with this process's PID and start."""
    seen = []
    real_replace = os.replace
    monkeypatch.setattr(output.os, "replace", lambda a, b: (seen.append(Path(a).name), real_replace(a, b)))
    output.write_atomic(tmp_path / "x.geojson", "{}", overwrite=True)
    [name] = seen
    match = output._TEMP_NAME.match(name)
    assert match and name.startswith(".x.geojson.mapper-") and name.endswith(".geojson")
    assert (int(match["pid"]), int(match["start"]), int(match["ns"])) == (
        os.getpid(), output.process_start(os.getpid()), output.pid_namespace())
    assert not output._stale(name, output.pid_namespace())  # a write under way is never stale


def test_a_long_output_name_still_fits(tmp_path):
    name = "m" * 240 + ".html"  # 245 bytes: the temporary name is cut, the output is not
    output.write_atomic(tmp_path / name, "x")
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_the_library_warns_with_a_mapper_warning(tmp_path):
    stale = tmp_path / _temp_name("x.geojson", _dead_pid(), 1, output.pid_namespace(), suffix=".geojson")
    stale.write_text("partial")
    with pytest.warns(MapperWarning, match=r"removed 1 partial file left in .* by a mapper that was killed"):
        output.write_atomic(tmp_path / "x.geojson", "{}")
    assert not stale.exists()


# -- 7. output paths ------------------------------------------------------------------


@pytest.mark.parametrize("args, target", [
    (["render", "-o"], "out.html/"), (["ring", "kyiv", "-r", "10km", "-o"], "out.geojson/"),
    (["export", "-f", "csv", "-o"], "out.csv/"), (["new-briefing"], "out.toml/"),
], ids=["render", "ring", "export", "new-briefing"])
def test_an_output_ending_in_a_slash_is_refused(tmp_path, args, target):
    run = mapper(*args, target, cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr.splitlines() == [f"Error: {target}: ends in '/', so it names a folder, not a file to write"]
    assert list(tmp_path.iterdir()) == []


def test_a_dangling_symlink_is_named_and_replaced_only_with_overwrite(tmp_path):
    (tmp_path / "ring.geojson").symlink_to("maps/today.geojson")
    run = mapper("ring", "kyiv", "-r", "10km", "-o", "ring.geojson", cwd=tmp_path)
    assert run.returncode == 1
    assert run.stderr.splitlines() == ["Error: ring.geojson: is a symlink to maps/today.geojson, which does not "
                                       "exist; use --overwrite to replace it"]
    assert (tmp_path / "ring.geojson").is_symlink()
    run = mapper("ring", "kyiv", "-r", "10km", "-o", "ring.geojson", "--overwrite", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert not (tmp_path / "ring.geojson").is_symlink() and (tmp_path / "ring.geojson").is_file()


# -- 3. mapper validate and control characters ----------------------------------------


def _with_controls(doc):
    for feature in doc["features"]:
        props = feature["properties"]
        if props["id"] == "kyiv":
            props["name"] = "Kyiv\x1b[31m"
            props["aliases"] = ["Kiev", "Ki\x9bev"]
            props["description"] = "Capital.\nTwo lines,\ttabbed: fine."
        elif props["id"] == "moscow":
            props["description"] = "Moscow\x07"
        elif props["id"] == "tehran":  # Persian with its joiners, and a closed override: no problem
            props["name"] = "\u062a\u0647\u0631\u0627\u0646\u200c\u200d \u202eTehran\u202c"
            props["aliases"] = ["\u2067\u062a\u0647\u0631\u0627\u0646\u2069"]


def test_control_characters_are_problems_when_asked_for(data_copy):
    from mapper.load.geodata import load_geodata, read_geodata
    from mapper.load.schema import validate_geodata

    edit_json(data_copy, "places.geojson", _with_controls)
    edit_json(data_copy, "sources.json", lambda doc: doc["sources"][0].update(outlet="CNN\x1b]0;x\x07"))
    edit_json(data_copy, "systems.json", lambda doc: doc["systems"][0].update(name="Fath\r360"))
    problems = [str(p) for p in validate_geodata(read_geodata(data_copy), controls=True)]
    assert problems == [
        "sources.json: cnn-2024-06-21: outlet: holds a control character (U+001B); remove it",
        "places.geojson: moscow: description: holds a control character (U+0007); remove it",
        "places.geojson: kyiv: name: holds a control character (U+001B); remove it",
        "places.geojson: kyiv: aliases[1]: holds a control character (U+009B); remove it",
        "systems.json: fath-360: name: holds a control character (U+000D); remove it",
    ]
    assert validate_geodata(read_geodata(data_copy)) == []
    assert load_geodata(data_copy).place("kyiv")["properties"]["name"] == "Kyiv\x1b[31m"  # still loads


def test_mapper_validate_names_control_characters(data_copy):
    edit_json(data_copy, "places.geojson", _with_controls)
    run = mapper("validate", str(data_copy))
    assert run.returncode == 1
    assert "places.geojson: kyiv: name: holds a control character (U+001B); remove it" in run.stdout.splitlines()


# -- 9. new-briefing ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["دریای‌خزر", 'quote"back\\slash', "x # not a comment", "ümlaut [table]"])
def test_a_new_briefing_is_valid_toml_whatever_its_name(tmp_path, name):
    run = mapper("new-briefing", name, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    [path] = tmp_path.iterdir()
    assert tomllib.loads(path.read_text(encoding="utf-8"))["title"]


@pytest.mark.parametrize("char", ["\t", "\n", "\r", "\x1b", "\x7f", "\x85", "\x9b", "\u2028", "\u202e",
                                  "\u2066"])
def test_a_new_briefing_name_with_a_control_character_is_refused(tmp_path, char):
    run = mapper("new-briefing", f"brief{char}ing", cwd=tmp_path)
    assert run.returncode == 2
    [line] = run.stderr.splitlines()
    assert line.startswith("Error: briefing name 'brief") and f"(U+{ord(char):04X})" in line
    assert list(tmp_path.iterdir()) == []


def test_the_bundled_data_holds_no_control_characters():
    from mapper.load.geodata import read_geodata
    from mapper.load.schema import validate_geodata

    assert validate_geodata(read_geodata(REPO / "data" / "geo"), controls=True) == []
