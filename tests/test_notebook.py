"""The API tour notebook runs from top to bottom, and is committed without outputs."""

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from mapper.compose.layers import build_layers, select_layers
from mapper.export.formats import export_layers
from mapper.load.briefing import default_briefing_path, load_briefing

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK = REPO / "notebooks" / "mapper-api-tour.ipynb"
STRIPPER = REPO / "scripts" / "strip_notebook.py"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Generous: a cold kernel plus a full map build and figure exports.
CELL_TIMEOUT_S = 300


def load_stripper():
    """scripts/strip_notebook.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("strip_notebook", STRIPPER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def execute(folder, monkeypatch):
    """Run the notebook with ``folder`` as its working folder; CellExecutionError on any failing cell.

    The kernel inherits this process's environment, so it finds the seed
    articles that the ``articles_dir`` fixture put in ``MAPPER_ARTICLES_DIR``.
    """
    # Kernelspecs of this environment come first, so "python3" is this venv's
    # ipykernel and never one in ~/.local/share/jupyter; jupyter_client runs
    # its "python" as sys.executable.
    monkeypatch.setenv("JUPYTER_PATH", str(Path(sys.prefix) / "share" / "jupyter"))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # Plain tracebacks, so a failing cell reads cleanly in pytest's report.
    client = NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                            extra_arguments=["--InteractiveShell.colors=nocolor"],
                            resources={"metadata": {"path": str(folder)}})
    client.execute()
    return nb


def outputs_of(nb, cell_id):
    """The outputs of the code cell with id ``cell_id``."""
    return next(cell for cell in nb.cells if cell.get("id") == cell_id).outputs


def test_notebook_runs_and_writes_its_exports(tmp_path, monkeypatch, geodata):
    nb = execute(tmp_path, monkeypatch)
    out = tmp_path / "notebook-outputs"

    # The map is the map cell's value, which Jupyter shows as HTML.
    html = [o.data["text/html"] for o in outputs_of(nb, "map") if "text/html" in o.get("data", {})]
    assert html and "<iframe" in html[0] and "mapperRuntime.addFeatures(" in html[0]

    briefing = load_briefing(default_briefing_path(geodata.data_dir), geodata)
    expected = len(export_layers(select_layers(build_layers(geodata, briefing), ["ranges"]))["ranges"])
    collection = json.loads((out / "ranges.geojson").read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == expected > 0

    assert (out / "iran-russia.png").read_bytes().startswith(PNG_SIGNATURE)
    assert "<svg" in (out / "iran-russia.svg").read_text(encoding="utf-8")
    assert any("image/png" in o.get("data", {}) for o in outputs_of(nb, "figure"))

    # Stripping the executed notebook gives back the committed one, byte for byte.
    ran = tmp_path / NOTEBOOK.name
    nbformat.write(nb, ran)
    assert load_stripper().strip_file(ran)
    assert ran.read_bytes() == NOTEBOOK.read_bytes()


def test_committed_notebook_is_stripped(tmp_path):
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code_cells = [cell for cell in nb["cells"] if cell["cell_type"] == "code"]
    assert code_cells
    for cell in code_cells:
        assert cell["outputs"] == [], cell["id"]
        assert cell["execution_count"] is None, cell["id"]

    copy = tmp_path / NOTEBOOK.name
    shutil.copyfile(NOTEBOOK, copy)
    assert not load_stripper().strip_file(copy)
    assert copy.read_bytes() == NOTEBOOK.read_bytes()
