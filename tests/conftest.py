"""Shared fixtures: the repo's geodata, the seed articles, a CLI runner."""

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from mapper.cli.main import cli
from mapper.errors import AssetError
from mapper.html import assets
from mapper.load.bundled import ARTICLES_ENV
from mapper.load.geodata import load_geodata

REPO = Path(__file__).resolve().parent.parent
DATA_DIR = REPO / "data" / "geo"
SEEDS_DIR = REPO.parent / "shared" / "seeds"


def edit_json(folder, filename, change):
    """Change a JSON file of ``folder`` in place: ``change(decoded)`` edits the decoded document."""
    path = folder / filename
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


@pytest.fixture(scope="session", autouse=True)
def articles_dir():
    """The seed articles that quotes are checked against; required."""
    folder = Path(os.environ.get(ARTICLES_ENV, SEEDS_DIR))
    if not folder.is_dir():
        pytest.exit(f"seed articles not found at {folder}; set {ARTICLES_ENV}", returncode=1)
    os.environ[ARTICLES_ENV] = str(folder)
    return folder


@pytest.fixture(scope="session", autouse=True)
def pinned_assets():
    """Offline maps need every pinned asset; say how to get them, once."""
    try:
        for asset in assets.ALL:
            assets.read_asset(asset)
    except AssetError as exc:
        pytest.exit(str(exc), returncode=1)


@pytest.fixture(scope="session", autouse=True)
def sea_graph():
    """The world sea graph that routes search: built once (about a minute) if it is not cached yet.

    ``make test`` builds it first (``make waternet``); this covers a bare
    ``pytest``, so that no test (nor a process a test starts under memory and
    time limits) pays for the build.
    """
    from mapper.errors import DataError
    from mapper.geo.waternet import prepare, sea_graph_path

    try:
        if not sea_graph_path(DATA_DIR).is_file():
            prepare(DATA_DIR)
    except DataError as exc:  # the 1:10m basemap is not built: the tests that route say so
        return str(exc)
    return None


@pytest.fixture(scope="session")
def geodata(articles_dir):
    return load_geodata(DATA_DIR)


@pytest.fixture
def data_copy(tmp_path):
    """A writable copy of data/geo to break on purpose."""
    target = tmp_path / "geo"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Run the CLI in a temporary folder; returns click's Result."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MAPPER_DATA_DIR", raising=False)
    runner = CliRunner()

    def invoke(*args, env=None):
        return runner.invoke(cli, list(args), env=env, catch_exceptions=False)

    return invoke


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium, one per test module (Playwright is imported only by browser tests)."""
    from playwright.sync_api import sync_playwright

    from mapper.export.browser import launch

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()
