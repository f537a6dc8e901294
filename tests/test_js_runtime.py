"""mapper's browser runtime (mapper/html/static/*.js): one global, the entry points Python calls, eslint.

Python writes calls such as ``mapperRuntime.fit(map_..., ...)`` into every page
as plain text, so nothing but these tests notices a name the runtime does not
define until a map fails to draw.
"""

import re
import shutil
import subprocess

import pytest
from conftest import REPO

from mapper import api
from mapper.export.browser import route_network
from mapper.html import fragment, page

STATIC = REPO / "mapper" / "html" / "static"
RUNTIME_FILES = sorted(STATIC.glob("*.js"))
ESLINT = REPO / "node_modules" / ".bin" / "eslint"
NAMESPACE = page.RUNTIME_NAMESPACE
ENTRY_POINTS = page.RUNTIME_CALLS + fragment.LOADER_CALLS
# Tunables that tests set on the namespace (tests/test_points_browser.py).
TUNABLES = ("pointsDotLimit", "pointsCellPx")
BLANK = "<!DOCTYPE html><html><head><meta charset='utf-8'><title>blank</title></head><body></body></html>"
GLOBALS = "() => [Object.keys(window), Object.getOwnPropertyNames(window)]"


def _blank_page_running(browser, scripts):
    """A blank page with no network that ran ``scripts`` as classic ``<script>`` elements, in order.

    Returns the page and the names the scripts added to ``window`` (enumerable, and all own properties).
    """
    tab = browser.new_page()
    requests, errors = [], []
    route_network(tab, requests, serve_assets=False)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    tab.set_content(BLANK)
    keys_before, names_before = tab.evaluate(GLOBALS)
    for script in scripts:
        tab.add_script_tag(content=script)
    keys_after, names_after = tab.evaluate(GLOBALS)
    assert errors == [] and requests == []
    added = (sorted(set(keys_after) - set(keys_before)), sorted(set(names_after) - set(names_before)))
    return tab, added


def _python_sources():
    return {path: path.read_text(encoding="utf-8") for path in (REPO / "mapper").rglob("*.py")}


def test_runtime_calls_in_the_python_source_are_the_declared_entry_points():
    """Every ``_Script("name", ...)`` names an entry in RUNTIME_CALLS, and every entry is used."""
    scripted = {name for text in _python_sources().values() for name in re.findall(r'_Script\(\s*"(\w+)"', text)}
    assert scripted == set(page.RUNTIME_CALLS)
    namespaced = {name for text in _python_sources().values()
                  for name in re.findall(r"\{RUNTIME_NAMESPACE\}\.(\w+)\(", text)}
    assert namespaced == set(fragment.LOADER_CALLS)
    with pytest.raises(ValueError, match="RUNTIME_CALLS"):
        page._Script("mapperFit", [[0, 0], [1, 1]])


@pytest.mark.parametrize("kind", ["page", "online page", "fragment", "online fragment"])
def test_rendered_maps_call_only_declared_entry_points(tmp_path, kind):
    out = tmp_path / "map.html"
    online = kind.startswith("online")
    if kind.endswith("fragment"):
        api.export(None, out, "fragment", offline=not online)
    else:
        api.render(output_path=out, offline=not online)
    html = out.read_text(encoding="utf-8")
    # Calls in the page's script (the runtime's own comment shows one too).
    called = set(re.findall(rf"\b{NAMESPACE}\.(\w+)\(", html))
    assert {"setup", "addFeatures", "legend", "fit"} <= called
    assert called <= set(ENTRY_POINTS)
    # Nothing calls the runtime by its old global names any more.
    assert not re.search(r"\bmapper(?!Runtime\b)[A-Z]\w*\(", html)


@pytest.mark.browser
def test_runtime_adds_exactly_one_global(browser):
    tab, added = _blank_page_running(browser, [page.RUNTIME_JS])
    try:
        assert added == ([NAMESPACE], [NAMESPACE])
    finally:
        tab.close()


@pytest.mark.browser
def test_every_entry_point_python_calls_is_a_runtime_function(browser):
    """The runtime, as in a page; and a fragment's loader and runtime, twice, as two fragments pasted in one page."""
    tab, added = _blank_page_running(browser, [page.RUNTIME_JS])
    try:
        kinds = tab.evaluate("([ns, names]) => names.map(name => typeof window[ns][name])",
                             [NAMESPACE, list(page.RUNTIME_CALLS + TUNABLES)])
        assert dict(zip(page.RUNTIME_CALLS + TUNABLES, kinds)) == {
            **{name: "function" for name in page.RUNTIME_CALLS}, **{name: "number" for name in TUNABLES}}
    finally:
        tab.close()
    tab, added = _blank_page_running(browser, [fragment.LOADER_JS, page.RUNTIME_JS] * 2)
    try:
        assert added == ([NAMESPACE], [NAMESPACE])
        kinds = tab.evaluate("([ns, names]) => names.map(name => typeof window[ns][name])",
                             [NAMESPACE, list(ENTRY_POINTS)])
        assert dict(zip(ENTRY_POINTS, kinds)) == {name: "function" for name in ENTRY_POINTS}
        # The loader's state lives on the namespace too, and a second fragment's scripts keep it.
        ran = tab.evaluate("""(ns) => { const M = window[ns]; let n = 0;
          M.loadOnce('probe', () => n++); M.loadOnce('probe', () => n++); return [n, Object.keys(M.loaded)]; }""",
                           NAMESPACE)
        assert ran == [1, ["probe"]]
    finally:
        tab.close()


def _eslint(*args, stdin=None):
    if not ESLINT.exists():
        pytest.fail(f"eslint is missing ({ESLINT.relative_to(REPO)}): run `make test`, or `npm ci` "
                    "(npm's dev dependencies, as locked in package-lock.json)")
    node = shutil.which("node") or "/usr/bin/node"
    return subprocess.run([node, str(ESLINT), "--max-warnings", "0", *args], cwd=REPO, input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_eslint_passes_on_the_runtime():
    done = _eslint(*(str(path.relative_to(REPO)) for path in RUNTIME_FILES))
    assert done.returncode == 0, done.stdout + done.stderr
    # The fragment loader, linted as if it were one of the runtime's files.
    done = _eslint("--stdin", "--stdin-filename", str((STATIC / "loader.js").relative_to(REPO)),
                   stdin=fragment.LOADER_JS)
    assert done.returncode == 0, done.stdout + done.stderr


def test_eslint_config_applies_to_the_runtime():
    """A file there with a stray global and an unused variable fails: the config is not vacuous."""
    done = _eslint("--stdin", "--stdin-filename", str((STATIC / "probe.js").relative_to(REPO)),
                   stdin="var unused = 1;\nmapperFit(null);\n")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "no-undef" in done.stdout and "no-unused-vars" in done.stdout
