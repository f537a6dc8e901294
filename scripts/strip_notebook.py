"""Strip outputs, execution counts and editor metadata from Jupyter notebooks, in place.

Usage:  python scripts/strip_notebook.py [--check] notebooks/*.ipynb

Committed notebooks then hold only what a person wrote, so running one does
not dirty git.  The file is written as nbformat writes it (sorted keys,
1-space indent, sources split into lines, a final newline), so stripping is
idempotent: a stripped notebook comes out byte-identical.  With ``--check``
nothing is written and the exit code is 1 if any file would change.
Standard library only, so it runs before anything is installed.
"""

import json
import sys
from pathlib import Path

# Notebook metadata worth keeping: which kernel runs it.  The rest
# (language_info's exact version, widget state, editor settings) varies by machine.
KEEP_NOTEBOOK_METADATA = ("kernelspec",)
# Cell metadata worth keeping: what a person set on purpose.
KEEP_CELL_METADATA = ("tags", "slideshow")


def _split_lines(text):
    """A source string as nbformat stores it: a list of lines, each keeping its newline."""
    return text.splitlines(keepends=True)


def strip_notebook(nb):
    """Return ``nb`` (a decoded .ipynb) without outputs, counts or metadata noise.

    Parameters
    ----------
    nb : dict
        The notebook's JSON, as ``json.loads`` gives it; not modified.

    Returns
    -------
    dict
    """
    nb = json.loads(json.dumps(nb))  # a deep copy
    metadata = nb.get("metadata", {})
    nb["metadata"] = {key: metadata[key] for key in KEEP_NOTEBOOK_METADATA if key in metadata}
    if "language_info" in metadata:
        # The language's name is stable and lets editors highlight code; its version is not.
        nb["metadata"]["language_info"] = {"name": metadata["language_info"].get("name", "python")}
    for cell in nb.get("cells", []):
        cell_metadata = cell.get("metadata", {})
        cell["metadata"] = {key: cell_metadata[key] for key in KEEP_CELL_METADATA if key in cell_metadata}
        if isinstance(cell.get("source"), str):
            cell["source"] = _split_lines(cell["source"])
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return nb


def dumps(nb):
    """Serialise a notebook exactly as ``nbformat.write`` does."""
    return json.dumps(nb, sort_keys=True, indent=1, separators=(",", ": "), ensure_ascii=False) + "\n"


def strip_file(path, check=False):
    """Strip the notebook at ``path`` in place; True if it changed (or, with ``check``, would)."""
    path = Path(path)
    # Bytes, not text mode, so line endings are never translated.
    before = path.read_bytes().decode("utf-8")
    after = dumps(strip_notebook(json.loads(before)))
    if after == before:
        return False
    if not check:
        path.write_bytes(after.encode("utf-8"))
    return True


def main(argv):
    check = "--check" in argv
    paths = [arg for arg in argv if arg != "--check"]
    if not paths:
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    changed = [path for path in paths if strip_file(path, check=check)]
    for path in changed:
        print(f"{'would strip' if check else 'stripped'} {path}")
    return 1 if check and changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
