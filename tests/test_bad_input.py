"""The bad-input corpus (bad_input.py), each case through the ``mapper`` command and through the API.

The command runs as a real process, so a traceback or a stray line on
stderr cannot hide.  Cases about file modes run without root's power to
read and write past them (setpriv drops CAP_DAC_OVERRIDE), since CI runs
as root.
"""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from bad_input import CASES, api_outcome

import mapper.errors

TESTS = Path(__file__).resolve().parent
MAPPER = Path(sys.executable).parent / "mapper"
UNPRIVILEGED = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"] if os.geteuid() == 0 else []


def _fill(text, folder):
    return text.replace("{d}", str(folder)) if text is not None else None


def _files(folder):
    """Every file under ``folder`` with its SHA-256, or its size and time if it is huge or unreadable."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            info = path.stat()
            try:
                if info.st_size > 2**24:  # the corpus's sparse giants
                    raise PermissionError
                found[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
            except PermissionError:
                found[str(path.relative_to(folder))] = (info.st_size, info.st_mtime_ns)
    return found


@pytest.fixture
def folder(tmp_path):
    yield tmp_path
    for path in [tmp_path, *tmp_path.rglob("*")]:  # let pytest clean up what a case locked
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_command(case, folder):
    case.prepare(folder)
    before = _files(folder)
    prefix = UNPRIVILEGED if case.unprivileged else []
    run = subprocess.run([*prefix, str(MAPPER), *(_fill(a, folder) for a in case.args)], cwd=folder,
                         capture_output=True, text=True, timeout=300)
    lines = run.stderr.splitlines()
    warning_lines = [f"warning: {_fill(case.warning, folder)}"] if case.warning else []
    assert "Traceback" not in run.stderr
    assert run.returncode == case.exit_code, run.stderr
    if case.message is None:
        assert lines[:len(warning_lines)] == warning_lines
        assert not any(line.startswith(("Error", "warning")) for line in lines[len(warning_lines):]), run.stderr
    else:
        assert lines == [*warning_lines, f"Error: {_fill(case.message, folder)}"]
        assert _files(folder) == before  # nothing written, nothing half written, nothing left behind


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_api(case, folder):
    case.prepare(folder)
    before = _files(folder)
    if case.unprivileged and UNPRIVILEGED:
        run = subprocess.run([*UNPRIVILEGED, sys.executable, str(TESTS / "bad_input.py"), "--api", case.name,
                              str(folder)], cwd=folder, capture_output=True, text=True, timeout=300, check=True)
        error, message, shown = json.loads(run.stdout)
    else:
        error, message, shown = api_outcome(case, folder)
    if case.message is None:
        assert (error, message) == (None, None)
    else:
        assert issubclass(getattr(mapper.errors, error), case.error)
        assert message == _fill(case.api_message or case.message, folder)
        assert _files(folder) == before
    assert shown == ([_fill(case.warning, folder)] if case.warning else [])


def test_exit_codes_follow_the_error_class():
    """Usage errors (InputError) exit 2, every other failure 1."""
    for case in CASES:
        if case.message is not None:
            assert case.exit_code == (2 if issubclass(case.error, mapper.errors.InputError) else 1), case.name
