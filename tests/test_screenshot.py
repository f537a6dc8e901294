"""``mapper export -f screenshot``: the interactive map as headless Chromium (Debian's) draws it."""

import struct

import numpy as np
import pytest
from matplotlib.image import imread

from mapper.core.style import FLOW_COLORS, LAND_COLOR, SEA_COLOR


def png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def colour_share(path, hex_color, tolerance):
    pixels = (imread(path)[:, :, :3] * 255).round().astype(int)
    rgb = np.array([int(hex_color[i:i + 2], 16) for i in (1, 3, 5)])
    return (np.abs(pixels - rgb).max(axis=2) <= tolerance).mean()


@pytest.mark.browser
def test_screenshot_of_the_interactive_map(run, tmp_path):
    result = run("export", "-f", "screenshot", "-o", "shot.png", "--size", "900x600px", "--dpi", "192")
    assert result.exit_code == 0, result.output
    shot = tmp_path / "shot.png"
    assert png_size(shot) == (1800, 1200)  # 192 dpi: two device pixels per CSS pixel
    assert colour_share(shot, LAND_COLOR, 4) > 0.2
    assert colour_share(shot, SEA_COLOR, 4) > 0.03
    assert colour_share(shot, FLOW_COLORS[0], 30) > 0.0005  # the first supply flow drawn: Iran → Russia
    assert [p.name for p in tmp_path.iterdir()] == ["shot.png"]


@pytest.mark.browser
def test_screenshot_default_name_and_window(run, tmp_path):
    result = run("export", "-f", "screenshot")
    assert result.exit_code == 0, result.output
    assert png_size(tmp_path / "outputs" / "iran-russia-screenshot.png") == (1600, 1000)


@pytest.mark.parametrize("env, message", [
    ({"MAPPER_CHROMIUM": "/nowhere/chromium"}, "Error: MAPPER_CHROMIUM=/nowhere/chromium: no such file"),
    ({"MAPPER_CHROMIUM": None, "PATH": "/nonexistent"},
     "Error: no Chromium found: install Debian's 'chromium' package or set MAPPER_CHROMIUM"),
])
def test_screenshot_without_chromium_says_so(run, tmp_path, env, message):
    result = run("export", "-f", "screenshot", "-o", "shot.png", env=env)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [message]
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("args, message", [
    (["--size", "100x100px"], "Error: size '100x100px': a 100 × 100 px window; each side must be 320–8000 px"),
    (["--dpi", "1000"], "Error: dpi 1000: a screenshot takes 48–384"),
])
def test_screenshot_bad_options(run, tmp_path, args, message):
    result = run("export", "-f", "screenshot", "-o", "shot.png", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert not list(tmp_path.iterdir())


def test_screenshot_refuses_to_overwrite_before_starting_a_browser(run, tmp_path):
    (tmp_path / "shot.png").write_bytes(b"mine")
    result = run("export", "-f", "screenshot", "-o", "shot.png", env={"MAPPER_CHROMIUM": "/nowhere/chromium"})
    assert result.exit_code == 1
    assert "shot.png: already exists; use --overwrite" in result.output
    assert (tmp_path / "shot.png").read_bytes() == b"mine"
