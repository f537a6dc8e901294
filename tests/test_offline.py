"""Offline maps: self-contained, locked down, reproducible, built only from pinned assets."""

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from conftest import DATA_DIR, REPO

from mapper.errors import AssetError, MapperError
from mapper.html import assets
from mapper.html.csp import lock_down, policy_for
from mapper.html.page import build_map, render_html
from mapper.load.briefing import default_briefing_path, load_briefing

BUDGET_BYTES = 2_000_000


@pytest.fixture(scope="module")
def offline_html(geodata):
    return render_html(geodata, load_briefing(default_briefing_path(DATA_DIR), geodata))


def csp_of(html):
    return re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html).group(1)


def test_references_nothing_by_url(offline_html):
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=", offline_html)
    assert re.findall(r"url\((?!data:|#)", offline_html) == []
    assert "@import" not in offline_html


def test_inlines_the_pinned_assets(offline_html):
    for script in assets.SCRIPTS:
        assert f"<script>{assets.asset_text(script)}</script>" in offline_html
    css = assets.leaflet_css_inline()
    assert f"<style>{css}</style>" in offline_html
    for image in assets.LEAFLET_IMAGES:
        assert assets.data_uri(image) in css


def test_csp_is_first_and_allows_no_network(offline_html):
    head = offline_html.split("<head>", 1)[1].lstrip()
    assert head.startswith('<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy"')
    directives = dict(d.strip().split(" ", 1) for d in csp_of(offline_html).split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["img-src"] == "data:"
    assert "unsafe" not in csp_of(offline_html)
    assert "connect-src" not in directives  # falls back to 'none'


def sha256_sources(texts):
    return sorted({"'sha256-" + base64.b64encode(hashlib.sha256(t.encode()).digest()).decode() + "'" for t in texts})


def test_csp_is_exactly_no_network_plus_the_pages_own_code(offline_html, geodata):
    """The policy, directive by directive; the hashes are those of the code mapper put there."""
    briefing = load_briefing(default_briefing_path(DATA_DIR), geodata)
    unlocked = build_map(geodata, briefing).get_root().render()
    scripts = re.findall(r"<script>(.*?)</script>", unlocked, re.S)
    styles = re.findall(r"<style>(.*?)</style>", unlocked, re.S)
    assert f"<script>{assets.asset_text(assets.LEAFLET_JS)}</script>" in unlocked
    assert len(scripts) == unlocked.count("<script") and len(styles) == unlocked.count("<style")
    directives = [d.strip().split(" ", 1) for d in csp_of(offline_html).split(";")]
    assert [name for name, _ in directives] == ["default-src", "script-src", "style-src", "img-src", "base-uri",
                                                "form-action"]
    values = dict(directives)
    assert values["default-src"] == "'none'" and values["base-uri"] == "'none'"
    assert values["img-src"] == "data:"
    # Ids differ between these two renders, so compare the hash counts, and
    # check the assets' and runtime's hashes are among them.
    assert len(values["script-src"].split()) == len(sha256_sources(scripts))
    assert len(values["style-src"].split()) == len(sha256_sources(styles))
    for asset in assets.SCRIPTS:
        assert sha256_sources([assets.asset_text(asset)])[0] in values["script-src"]
    assert sha256_sources([assets.leaflet_css_inline()])[0] in values["style-src"]


def test_charset_is_declared_first(geodata, data_copy):
    briefing = data_copy / "briefings" / "iran-russia.toml"
    briefing.write_text(briefing.read_text(encoding="utf-8").replace("Iran–Russia military", "Ü" * 400),
                        encoding="utf-8")
    for offline in (True, False):
        html = render_html(geodata, load_briefing(briefing, geodata), offline=offline)
        assert html.startswith('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">')
        assert html.count("charset") == 1


def test_lock_down_refuses_what_it_cannot_hash():
    page = "<html><head><script>ok()</script></head><body>{}</body></html>"
    assert "script-src 'sha256-" in lock_down(page.format(""))
    with pytest.raises(MapperError, match="outside resource"):
        policy_for(page.format('<script src="https://cdn.example/x.js"></script>'))
    with pytest.raises(MapperError, match="cannot be hashed"):
        policy_for(page.format('<script type="module">x()</script>'))


def test_size_budget(offline_html):
    assert len(offline_html.encode("utf-8")) < BUDGET_BYTES


def render_in_new_process(tmp_path, name, hash_seed, *args):
    out = tmp_path / name
    env = dict(os.environ, PYTHONHASHSEED=str(hash_seed))
    subprocess.run([sys.executable, "-c", "from mapper.cli.entry import main; main()", "render", "-o", str(out),
                    *args], check=True, env=env, cwd=tmp_path, capture_output=True)
    return hashlib.sha256(out.read_bytes()).hexdigest()


def test_two_processes_render_identical_bytes(tmp_path):
    first = render_in_new_process(tmp_path, "a.html", 1)
    second = render_in_new_process(tmp_path, "b.html", 2)
    assert first == second


def test_element_ids_come_from_content(geodata, data_copy):
    briefing = load_briefing(default_briefing_path(DATA_DIR), geodata)
    ids = set(re.findall(r"\b(?:map|feature_group|layer_control)_[0-9a-f]{16}\b", render_html(geodata, briefing)))
    assert len(ids) == 8  # the map, six layers, the layer control
    other = data_copy / "briefings" / "other.toml"
    other.write_text(default_briefing_path(data_copy).read_text(encoding="utf-8").replace("Iran–Russia", "Other"),
                     encoding="utf-8")
    other_ids = set(re.findall(r"\b(?:map|feature_group|layer_control)_[0-9a-f]{16}\b",
                               render_html(geodata, load_briefing(other, geodata))))
    assert ids.isdisjoint(other_ids)  # two maps can share a page


def test_coordinates_have_fixed_precision(offline_html):
    data_calls = re.findall(r"mapperRuntime\.addFeatures\(\w+, (.*)\);", offline_html)
    decimals = [len(n.split(".")[1]) for call in data_calls for n in re.findall(r'(?<![\w".])-?\d+\.\d+', call)]
    assert decimals and max(decimals) <= 6


@pytest.fixture
def vendor_copy(tmp_path, monkeypatch):
    folder = tmp_path / "vendor"
    shutil.copytree(assets.VENDOR_DIR, folder)
    monkeypatch.setattr(assets, "VENDOR_DIR", folder)
    return folder


def test_refuses_a_missing_asset(vendor_copy, run, tmp_path):
    (vendor_copy / assets.GEOGRAPHICLIB_JS.path).unlink()
    with pytest.raises(AssetError, match="missing; run `make assets`"):
        assets.read_asset(assets.GEOGRAPHICLIB_JS)
    result = run("render", "-o", "map.html")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "geographiclib-geodesic.min.js: offline asset from geographiclib-geodesic 2.2.0 (npm) is missing" \
        in result.stderr
    assert not (tmp_path / "map.html").exists()


def test_refuses_an_altered_asset(vendor_copy, run, tmp_path):
    path = vendor_copy / assets.GEOGRAPHICLIB_JS.path
    path.write_bytes(path.read_bytes().replace(b"6378137", b"6378138"))
    result = run("render", "-o", "map.html")
    assert result.exit_code == 1
    assert f"{path}: SHA-256" in result.stderr and "is not the pinned 06e3512904b34657" in result.stderr
    assert not (tmp_path / "map.html").exists()


def test_online_map_needs_no_local_npm_asset(vendor_copy, run, tmp_path):
    (vendor_copy / assets.GEOGRAPHICLIB_JS.path).unlink()
    result = run("render", "--online", "-o", "map.html")
    assert result.exit_code == 0, result.output
    assert "(online," in result.stderr


def test_npm_lockfile_pins_the_vendored_version():
    lock = json.loads((REPO / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"]["node_modules/geographiclib-geodesic"]["version"] == assets.GEOGRAPHICLIB_VERSION
