"""``mapper validate`` as a library: a geodata folder and its briefings, or one briefing; every problem listed."""

from dataclasses import dataclass
from pathlib import Path

from mapper.core.vocab import FILES
from mapper.errors import DataError
from mapper.load.briefing import load_briefing
from mapper.load.geodata import load_geodata, read_geodata
from mapper.load.schema import validate_geodata


@dataclass(frozen=True)
class Report:
    """What :func:`check_folder` found."""

    data_dir: Path
    problems: list
    quotes_checked: bool
    file_count: int
    briefing_count: int
    unchecked_sources: tuple = ()  # ids of sources without a saved text: their quotes are not checked


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


def check_briefing(path, data_dir=None):
    """Validate one briefing (a .toml file) and the world it builds: its data, places and own story.

    Returns
    -------
    Report
        ``unchecked_sources`` names the sources whose quotes could not be
        checked, for want of a saved text.
    """
    path = Path(path)
    try:
        geodata = load_briefing(path, load_geodata(data_dir)).geodata
    except DataError as exc:
        return Report(path, [str(exc)], False, 0, 1)
    problems = [str(p) for p in validate_geodata(geodata, controls=True)]
    unchecked = tuple(source_id for source_id in geodata.sources if not geodata.quotes_checked(source_id))
    return Report(path, problems, not unchecked, 1, 1, unchecked)
