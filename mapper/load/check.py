"""``mapper validate`` as a library: a geodata folder and its briefings, every problem listed."""

from dataclasses import dataclass
from pathlib import Path

from mapper.core.vocab import FILES
from mapper.errors import DataError
from mapper.load.briefing import load_briefing
from mapper.load.geodata import read_geodata
from mapper.load.schema import validate_geodata


@dataclass(frozen=True)
class Report:
    """What :func:`check_folder` found."""

    data_dir: Path
    problems: list
    quotes_checked: bool
    file_count: int
    briefing_count: int


def check_folder(data_dir=None):
    """Validate a geodata folder and every briefing in its ``briefings/``.

    Returns
    -------
    Report
        ``problems`` holds one line of text per fault.
    """
    try:
        geodata = read_geodata(data_dir)
    except DataError as exc:
        folder = Path(data_dir) if data_dir else Path(".")
        return Report(folder, [str(exc)], False, 0, 0)
    problems = [str(p) for p in validate_geodata(geodata, controls=True)]
    briefings = sorted((geodata.data_dir / "briefings").glob("*.toml"))
    if not problems:
        for path in briefings:
            try:
                load_briefing(path, geodata)
            except DataError as exc:
                problems.append(str(exc))
    return Report(geodata.data_dir, problems, geodata.articles_dir is not None, len(FILES), len(briefings))
