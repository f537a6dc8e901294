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


def _wait_until(process, seen, timeout_s=120):
    """Poll until ``seen()`` is true while ``process`` runs; whether it was."""
    deadline = time.monotonic() + timeout_s
    while process.poll() is None and time.monotonic() < deadline:
        if seen():
            return True
        time.sleep(0.0002)
    return False


def _reading(process, path):
    """Whether ``process`` has ``path`` open (Linux: /proc/PID/fd)."""
    fd_folder = f"/proc/{process.pid}/fd"
    try:
        return any(os.readlink(os.path.join(fd_folder, fd)) == str(path) for fd in os.listdir(fd_folder))
    except OSError:  # a descriptor closed while looking
        return False


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("moment", ["while-reading", "while-writing"])
def test_a_stopped_render_keeps_the_previous_map(tmp_path, points_csv, signum, moment):
    output = tmp_path / "map.html"
    output.write_text("<!DOCTYPE html><title>yesterday's map</title>\n", encoding="utf-8")
    before = _sha256(output)
    process = subprocess.Popen([str(MAPPER), "render", "--points", str(points_csv), "-o", str(output), "--overwrite"],
                               cwd=tmp_path, stderr=subprocess.PIPE, text=True)
    if moment == "while-reading":
        assert _wait_until(process, lambda: _reading(process, points_csv)), "the render never read the points"
    else:
        assert _wait_until(process, lambda: any(name.startswith(".map.html.") for name in os.listdir(tmp_path))), \
            "the render ended before it wrote anything"
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=120)

    assert process.returncode == -signum, stderr  # stopped by the signal itself (a shell sees 128 + N)
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


class _Stop(BaseException):
    """What the CLI's handler raises (mapper.cli.entry.Interrupted), stood in for here."""


@pytest.fixture
def raising_sigint():
    def stop(_signum, _frame):
        raise _Stop

    previous = signal.signal(signal.SIGINT, stop)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.mark.parametrize("when", ["before-rename", "after-rename"])
def test_a_signal_at_the_rename_leaves_a_whole_file(tmp_path, monkeypatch, raising_sigint, when):
    """Held back for the rename: before it, the old file stays; after it, the new one is whole."""
    from mapper.core import output

    path = tmp_path / "map.html"
    path.write_text("old\n", encoding="utf-8")
    step = "chmod" if when == "before-rename" else "replace"
    real = getattr(os, step)

    def step_then_signal(*args):
        real(*args)
        signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(output.os, step, step_then_signal)
    with pytest.raises(_Stop):
        output.write_atomic(path, "new\n", overwrite=True)
    assert path.read_text(encoding="utf-8") == ("old\n" if when == "before-rename" else "new\n")
    assert sorted(os.listdir(tmp_path)) == ["map.html"]
    assert signal.getsignal(signal.SIGTERM) is not output._hold  # the handlers are put back


def test_the_next_render_removes_what_a_killed_render_left(tmp_path):
    """SIGKILL (or the out-of-memory killer) gives no chance to clean up; the next write into the folder does.

    The writer is killed while it holds a half-written temporary file: a
    process that writes through mapper's atomic_path and then waits, so the
    kill cannot land before the file exists or after the rename.
    """
    output = tmp_path / "map.html"
    output.write_text("yesterday\n", encoding="utf-8")
    writer = ("import sys, time\nfrom mapper.core.output import atomic_path\n"
              "with atomic_path(sys.argv[1], overwrite=True) as tmp:\n"
              "    tmp.write_bytes(b'<html>half a map')\n    print('writing', flush=True)\n    time.sleep(300)\n")
    process = subprocess.Popen([sys.executable, "-c", writer, str(output)], cwd=tmp_path, stdout=subprocess.PIPE,
                               text=True)
    assert process.stdout.readline() == "writing\n"
    process.kill()
    process.wait(timeout=60)
    [left] = [name for name in os.listdir(tmp_path) if name.startswith(".map.html.")]
    assert left.startswith(f".map.html.mapper-{process.pid}-") and left.endswith(".html")

    run = subprocess.run([str(MAPPER), "ring", "kyiv", "-r", "10km", "-o", str(tmp_path / "ring.geojson")],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stderr.splitlines() == [
        f"warning: removed 1 partial file left in {tmp_path} by a mapper that was killed: {left}",
        f"wrote {tmp_path / 'ring.geojson'}"]
    assert sorted(os.listdir(tmp_path)) == ["map.html", "ring.geojson"]
    assert output.read_text(encoding="utf-8") == "yesterday\n"
