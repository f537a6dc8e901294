"""Seed articles are read like every other input: regular files only, within their size limit.

The other input paths (briefings, places, points, areas, registries, data
folders) are in the bad-input corpus (bad_input.py, "special-" cases); the
articles folder comes from MAPPER_ARTICLES_DIR, which a corpus case cannot set.
"""

import os
import shutil
import subprocess
import sys

import pytest
from conftest import DATA_DIR

from mapper.errors import DataError
from mapper.load.bundled import ARTICLES_ENV
from mapper.load.geodata import load_geodata

MAPPER = os.path.join(os.path.dirname(sys.executable), "mapper")


@pytest.fixture
def articles(tmp_path, articles_dir):
    """A copy of the seed articles folder, to replace one article in."""
    folder = tmp_path / "articles"
    shutil.copytree(articles_dir, folder)
    return folder


def _seed_file(source_id="cnn-2024-06-21"):
    import json

    sources = json.loads((DATA_DIR / "sources.json").read_text(encoding="utf-8"))["sources"]
    return next(s["seed_file"] for s in sources if s["id"] == source_id)


@pytest.mark.parametrize("special", ["fifo", "dev-zero"])
def test_an_article_that_is_not_a_regular_file_is_refused(articles, monkeypatch, special):
    article = articles / _seed_file()
    article.unlink()
    if special == "fifo":
        os.mkfifo(article)
    else:
        article.symlink_to("/dev/zero")
    monkeypatch.setenv(ARTICLES_ENV, str(articles))
    with pytest.raises(DataError, match="not a regular file"):
        load_geodata(DATA_DIR)
    # The command, in a process of its own, gives the same one line and never blocks on the pipe.
    run = subprocess.run([MAPPER, "places"], capture_output=True, text=True, timeout=60,
                         env={**os.environ, ARTICLES_ENV: str(articles)})
    assert run.returncode == 1
    assert run.stderr.count("\n") == 1 and "not a regular file" in run.stderr and "Traceback" not in run.stderr


def test_a_missing_article_is_named(articles, monkeypatch):
    (articles / _seed_file()).unlink()
    monkeypatch.setenv(ARTICLES_ENV, str(articles))
    with pytest.raises(DataError, match=r"sources.json: cnn-2024-06-21: seed_file: .*: article not found"):
        load_geodata(DATA_DIR)
