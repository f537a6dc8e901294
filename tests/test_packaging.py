"""A plain (non-editable) `pip install .` carries the geodata and static files."""

import os
import subprocess
import sys

import pytest
from conftest import REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
         "--target", str(target), str(REPO)],
        check=True, capture_output=True, text=True,
    )
    return target


def _mapper(installed, cwd, *args):
    env = dict(os.environ, PYTHONPATH=str(installed))
    env.pop("MAPPER_DATA_DIR", None)
    code = "import sys; from mapper.cli.entry import main; sys.argv[0] = 'mapper'; main()"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_installed_copy_uses_its_own_geodata(installed, tmp_path):
    result = _mapper(installed, tmp_path, "distance", "moscow", "alabuga", "--units", "mi")
    assert result.returncode == 0, result.stderr
    assert "561.0 mi" in result.stdout
    located = subprocess.run(
        [sys.executable, "-c", "import mapper.load.bundled as b; print(b.default_data_dir())"],
        cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(installed)), capture_output=True, text=True,
    )
    assert located.stdout.strip().startswith(str(installed))


def test_installed_copy_renders(installed, tmp_path):
    result = _mapper(installed, tmp_path, "render")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "outputs" / "iran-russia.html").read_text(encoding="utf-8")
    assert "mapperRuntime.addFeatures(" in html and "Alabuga special economic zone" in html


def test_installed_copy_ships_the_json_schemas(installed, tmp_path):
    from mapper.core.vocab import SCHEMAS

    shipped = installed / "mapper" / "data" / "schema"
    assert sorted(p.name for p in shipped.iterdir()) == sorted(f"{name}.schema.json" for name in SCHEMAS)
    result = _mapper(installed, tmp_path, "schema", "briefing")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (shipped / "briefing.schema.json").read_text(encoding="utf-8")
