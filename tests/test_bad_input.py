"""The bad-input corpus (bad_input.py), each case through the ``mapper`` command and through the API.

The command runs as a real process, so a traceback or a stray line on
stderr cannot hide.  Cases about file modes run without root's power to
read and write past them (setpriv drops CAP_DAC_OVERRIDE), since CI runs
as root.
"""

import hashlib
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from bad_input import CASES, api_outcome

import mapper.errors

TESTS = Path(__file__).resolve().parent
MAPPER = Path(sys.executable).parent / "mapper"
UNPRIVILEGED = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
# Every case runs under these: no input within mapper's limits may need more.
MAX_ADDRESS_SPACE_BYTES = 5 * 2**29  # 2.5 GiB of address space
MAX_PEAK_RSS_KB = 2 * 2**20  # 2 GiB resident
MAX_SECONDS = 60
# A refused case (an input beyond a limit) must be refused quickly and cheaply.
REFUSAL_MAX_PEAK_RSS_KB = 500 * 2**10
REFUSAL_MAX_SECONDS = 5
# GNU time measures each process: wall seconds and peak resident set size.
TIME = ["/usr/bin/time", "-f", "%e %M"]
REPORT_ENV = "MAPPER_CORPUS_REPORT"  # a file to append each case's measures to, as JSON lines


def _limit_address_space():
    resource.setrlimit(resource.RLIMIT_AS, (MAX_ADDRESS_SPACE_BYTES, MAX_ADDRESS_SPACE_BYTES))


def run_limited(argv, cwd, measures):
    """Run ``argv`` under the memory and time limits; (CompletedProcess, seconds, peak RSS in KiB)."""
    run = subprocess.run([*TIME, "-o", str(measures), *argv], cwd=cwd, capture_output=True, text=True,
                         timeout=MAX_SECONDS + 30, preexec_fn=_limit_address_space)
    seconds, peak_kb = measures.read_text(encoding="utf-8").split()[-2:]
    return run, float(seconds), int(peak_kb)


def _check_measures(case, how, seconds, peak_kb):
    report = os.environ.get(REPORT_ENV)
    if report:
        with open(report, "a", encoding="utf-8") as out:
            out.write(json.dumps({"case": case.name, "how": how, "seconds": seconds, "peak_rss_kb": peak_kb}) + "\n")
    assert seconds <= MAX_SECONDS and peak_kb <= MAX_PEAK_RSS_KB, (seconds, peak_kb)
    if case.bounded and case.message is not None:
        assert seconds <= REFUSAL_MAX_SECONDS and peak_kb <= REFUSAL_MAX_PEAK_RSS_KB, (seconds, peak_kb)


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
def test_command(case, folder, tmp_path_factory):
    case.prepare(folder)
    before = _files(folder)
    prefix = UNPRIVILEGED if case.unprivileged else []
    measures = tmp_path_factory.mktemp("measures") / "time.txt"
    run, seconds, peak_kb = run_limited([*prefix, str(MAPPER), *(_fill(a, folder) for a in case.args)], folder,
                                        measures)
    _check_measures(case, "command", seconds, peak_kb)
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
def test_api(case, folder, tmp_path_factory):
    case.prepare(folder)
    before = _files(folder)
    if case.bounded or (case.unprivileged and UNPRIVILEGED):
        # In a process of its own: under the limits, or without root's power over file modes.
        prefix = UNPRIVILEGED if case.unprivileged else []
        measures = tmp_path_factory.mktemp("measures") / "time.txt"
        run, seconds, peak_kb = run_limited([*prefix, sys.executable, str(TESTS / "bad_input.py"), "--api", case.name,
                                             str(folder)], folder, measures)
        assert run.returncode == 0, run.stderr
        _check_measures(case, "api", seconds, peak_kb)
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
