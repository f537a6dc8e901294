"""Stopping ``mapper render`` part-way, with SIGINT or SIGTERM, keeps the previous map and leaves no temporary file."""

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

MAPPER = Path(sys.executable).parent / "mapper"
POINT_COUNT = 500_000  # enough that the render takes seconds and its file megabytes


@pytest.fixture(scope="module")
def points_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("points") / "points.csv"
    rng = np.random.default_rng(8)
    lat, lon = rng.uniform(44, 56, POINT_COUNT), rng.uniform(28, 50, POINT_COUNT)
    np.savetxt(path, np.column_stack([lat, lon]), fmt="%.5f", delimiter=",", header="lat,lon", comments="")
    return path


def _sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _wait_for_temp_file(folder, process, timeout_s=120):
    """Poll until the render's temporary file appears beside the output; its name."""
    deadline = time.monotonic() + timeout_s
    while process.poll() is None and time.monotonic() < deadline:
        temp = [name for name in os.listdir(folder) if name.startswith(".map.html.")]
        if temp:
            return temp[0]
        time.sleep(0.0002)
    return None


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("moment", ["while-reading", "while-writing"])
def test_a_stopped_render_keeps_the_previous_map(tmp_path, points_csv, signum, moment):
    output = tmp_path / "map.html"
    output.write_text("<!DOCTYPE html><title>yesterday's map</title>\n", encoding="utf-8")
    before = _sha256(output)
    process = subprocess.Popen([str(MAPPER), "render", "--points", str(points_csv), "-o", str(output), "--overwrite"],
                               cwd=tmp_path, stderr=subprocess.PIPE, text=True)
    if moment == "while-reading":
        time.sleep(1.5)  # past start-up (the handlers are set), inside reading and drawing
    else:
        assert _wait_for_temp_file(tmp_path, process) is not None, "the render ended before it wrote anything"
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=120)

    assert process.returncode == 128 + signum, stderr  # stopped, not finished
    assert stderr.splitlines() == [f"mapper: stopped by {signal.Signals(signum).name}; "
                                   "no output was left half written"]
    assert _sha256(output) == before
    assert sorted(os.listdir(tmp_path)) == ["map.html"]


def test_an_unstopped_render_replaces_the_map(tmp_path, points_csv):
    """The control: the same render, left alone, does replace the file (so the test above can fail)."""
    output = tmp_path / "map.html"
    output.write_text("yesterday\n", encoding="utf-8")
    before = _sha256(output)
    subprocess.run([str(MAPPER), "-q", "render", "--points", str(points_csv), "-o", str(output), "--overwrite"],
                   cwd=tmp_path, check=True)
    assert _sha256(output) != before
    assert sorted(os.listdir(tmp_path)) == ["map.html"]
