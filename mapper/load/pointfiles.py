"""Large point layers: strike reports, vessel positions, any table of points.

A point layer is a few numpy arrays, not a list of features, so that a
million rows stay cheap to read, check and pack for the browser
(:mod:`mapper.html.pointpack`).  Rows keep their file order: row N of the file is
index N - 1 everywhere, and popups name it.

Columns are found by name unless given: ``lat``/``latitude``,
``lon``/``lng``/``longitude``, and optionally a time (``date``, ``time``,
``datetime``, ``timestamp``), a category (``category``, ``type``, ``kind``)
and a label (``name``, ``label``, ``title``).  Times are ISO 8601 and kept
to the day (UTC); a time given as a year or a month (``2024``, ``2024-06``)
keeps that precision and names the whole year or month, not its first day.
An empty time leaves the point undated.

Every problem is one :class:`~mapper.errors.DataError` naming the file, the
column and the row.
"""

import codecs
import csv
import dataclasses
import functools
import io
import json
import re
import sys
import warnings
from array import array as c_array
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mapper.core.text import shown
from mapper.errors import DataError
from mapper.load.files import checked_size, size_text

# Refused before reading, so a mistaken file cannot exhaust memory.
MAX_POINTS = 2_000_000
MAX_CATEGORIES = 255  # one byte per point in the browser
MAX_LABEL_CHARS = 200
# Characters of labels in one layer: past 120,000 points, each label keeps MAX_LABEL_TEXT / points of
# them (12 at 2,000,000).  The page holds them several times over, at up to four bytes each.
MAX_LABEL_TEXT = 24_000_000

SUFFIXES = (".csv", ".geojson", ".json", ".parquet", ".geoparquet")
COLUMN_NAMES = {
    "lat": ("lat", "latitude"),
    "lon": ("lon", "lng", "long", "longitude"),
    "time": ("date", "time", "datetime", "timestamp", "event_date"),
    "category": ("category", "type", "kind", "event_type"),
    "label": ("name", "label", "title"),
}
NO_CATEGORY = "(none)"
# The codes of PointLayer.precision: what a point's time names (mapper-points.js knows them too).
DAY, MONTH, YEAR = 0, 1, 2
# Kept in labels though not printable: the space, and the zero-width (non-)joiner that Persian spelling needs.
_KEPT = frozenset(" \u200c\u200d")


@dataclass(frozen=True, eq=False)
class PointLayer:
    """Points with optional day, category and label per point.

    ``day`` holds whole days since 1970-01-01 (UTC) as int64, or None for a
    layer without times; ``undated`` marks points with an empty time.
    ``precision`` (uint8, with ``day``) says what each time names: ``DAY``,
    or ``MONTH`` or ``YEAR`` for a time given as ``2024-06`` or ``2024``,
    whose ``day`` is then the first of the span and :attr:`day_end` the last.
    ``category`` holds indexes into ``categories`` (uint8).  ``columns``
    records which file column gave each field.
    """

    title: str
    source: str
    lon: np.ndarray
    lat: np.ndarray
    day: np.ndarray | None = None
    undated: np.ndarray | None = None
    category: np.ndarray | None = None
    categories: tuple = ()
    labels: tuple | None = None
    columns: tuple = ()  # ((field, column name), ...)
    precision: np.ndarray | None = None  # None: every time names a day

    def __len__(self):
        return len(self.lon)

    @property
    def day_end(self):
        """The last day of each point's span: ``day`` for a day, the month's or year's last day for the others."""
        if self.day is None or self.precision is None or not self.precision.any():
            return self.day
        start = self.day.astype("datetime64[D]")
        month_end = ((start.astype("datetime64[M]") + 1).astype("datetime64[D]") - 1).astype(np.int64)
        year_end = ((start.astype("datetime64[Y]") + 1).astype("datetime64[D]") - 1).astype(np.int64)
        return np.select([self.precision == MONTH, self.precision == YEAR], [month_end, year_end], self.day)

    @property
    def digest_parts(self):
        """Bytes that identify the layer's content, for reproducible element ids."""
        parts = [self.title.encode(), self.source.encode(), self.lon.tobytes(), self.lat.tobytes(),
                 repr(self.categories).encode(), repr(self.columns).encode()]
        for array in (self.day, self.undated, self.category, self.precision):
            parts.append(b"-" if array is None else array.tobytes())
        parts.append(b"-" if self.labels is None else "\n".join(self.labels).encode())
        return parts


def point_layer(lon, lat, *, title, source, time=None, category=None, label=None, where="points", row="row"):
    """A checked :class:`PointLayer` from sequences or arrays of equal length.

    Parameters
    ----------
    lon, lat : array-like of float
        WGS84 degrees.
    title, source : str
        Shown in the legend and in every popup; ``source`` says where the
        points come from.
    time : array-like, optional
        ISO 8601 strings, datetimes or numpy datetime64; empty or missing
        values leave a point undated.
    category, label : array-like of str, optional
    where, row : str
        How messages name the input (a file path) and its rows ("row",
        "feature").

    Raises
    ------
    DataError
        For a bad coordinate, time or category, naming ``where`` and the row.
    """
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    if lon.ndim != 1 or lon.shape != lat.shape:
        raise DataError(f"{where}: lon and lat must be two lists of the same length")
    if len(lon) > MAX_POINTS:
        raise DataError(f"{where}: {len(lon):,} points; a point layer holds at most {MAX_POINTS:,}")
    _check_range(lon, -180.0, 180.0, "lon", f"{where}: {row}")
    _check_range(lat, -90.0, 90.0, "lat", f"{where}: {row}")
    for name, values in (("time", time), ("category", category), ("label", label)):
        if values is not None and len(values) != len(lon):
            raise DataError(f"{where}: {name} has {len(values):,} values for {len(lon):,} points")
    day, undated, precision = _days(time, f"{where}: {row}") if time is not None else (None, None, None)
    codes, names = _categories(category, where) if category is not None else (None, ())
    return PointLayer(
        title=_clean(title), source=_clean(source), lon=lon, lat=lat, day=day, undated=undated,
        category=codes, categories=names,
        labels=None if label is None else tuple(_clean(v, _label_limit(len(lon))) for v in label),
        precision=precision,
    )


def _check_range(values, low, high, name, row_of):
    bad = ~(np.isfinite(values) & (values >= low) & (values <= high))
    if bad.any():
        i = int(np.argmax(bad))
        what = "is not a number" if not np.isfinite(values[i]) else f"is outside {low:g} to {high:g}"
        raise DataError(f"{row_of} {i + 1}: {name} {float(values[i]):g} {what}"
                        + (" (are lat and lon swapped?)" if name == "lat" and np.isfinite(values[i])
                           and abs(values[i]) <= 180 else ""))


def _days(values, row_of):
    """(first day, undated, precision) of each time: see :class:`PointLayer`.

    pandas reads ``2024`` as 2024-01-01 and ``2024-06`` as 2024-06-01; the
    precision keeps what they name, the whole year or month.
    """
    import pandas as pd  # for start-up speed: only point files need pandas

    series = pd.Series(values, dtype=object) if not hasattr(values, "dtype") else pd.Series(values)
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        parsed = series.dt.tz_localize("UTC") if series.dt.tz is None else series.dt.tz_convert("UTC")
        precision = np.full(len(series), DAY, dtype=np.uint8)
    else:
        text = series.astype("string").str.strip()
        empty = text.isna() | (text == "")
        parsed = pd.to_datetime(text.where(~empty), format="ISO8601", utc=True, errors="coerce")
        bad = parsed.isna() & ~empty
        if bad.any():
            i = int(np.argmax(bad.to_numpy()))
            raise DataError(f"{row_of} {i + 1}: time {shown(str(text.iloc[i]))} is not an ISO 8601 date "
                            "such as 2024-06-21 or 2024-06-21T14:30Z")
        precision = _precision(text)
    undated = parsed.isna().to_numpy()
    # Straight to days (numpy floors): through nanoseconds, dates outside 1677-2262 wrapped round silently.
    days = parsed.dt.tz_localize(None).to_numpy().astype("datetime64[D]").astype(np.int64)
    day = np.where(undated, 0, days)
    return day.astype(np.int64), undated, precision


def _precision(text):
    """YEAR for a time such as ``2024``, MONTH for ``2024-06`` (or ``2024-6``), else DAY; ``text`` parsed already."""
    precision = np.full(len(text), DAY, dtype=np.uint8)
    short = (text.str.len() <= 7).fillna(False).to_numpy(dtype=bool)  # only these can be partial: a quick cut
    if short.any():
        candidates = text[short]
        year = candidates.str.fullmatch(r"[0-9]{4}").fillna(False).to_numpy(dtype=bool)
        month = candidates.str.fullmatch(r"[0-9]{4}-[0-9]{1,2}").fillna(False).to_numpy(dtype=bool)
        precision[short] = np.select([year, month], [YEAR, MONTH], DAY)
    return precision


def _categories(values, where):
    import pandas as pd  # for start-up speed: only point files need pandas

    series = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    text = series.astype("string").str.strip().fillna("")
    text = text.where(text != "", NO_CATEGORY)
    codes, names = pd.factorize(text, sort=True)
    if len(names) > MAX_CATEGORIES:
        raise DataError(f"{where}: the category column has {len(names):,} different values; a category "
                        f"column may have at most {MAX_CATEGORIES} (is it an id or a free-text column?)")
    return codes.astype(np.uint8), tuple(_clean(str(n)) for n in names)


def _clean(text, limit=MAX_LABEL_CHARS):
    """One line of at most ``limit`` printable characters."""
    text = "" if text is None else str(text)
    if not text.isprintable():
        text = _unprintable().sub(" ", text)
    text = text.strip()
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _label_limit(count):
    """The characters each label keeps in a layer of ``count`` points: MAX_LABEL_CHARS, or fewer so that
    the layer's labels hold at most MAX_LABEL_TEXT."""
    return max(1, min(MAX_LABEL_CHARS, MAX_LABEL_TEXT // max(count, 1)))


@functools.cache
def _unprintable():
    """A pattern matching one character that is not printable (Unicode C and Z) and not in _KEPT.

    A regular expression and not a loop over characters: two million labels
    of 200 characters took minutes that way.
    """
    ranges, start = [], None
    for code in range(sys.maxunicode + 2):
        outside = code > sys.maxunicode or chr(code).isprintable() or chr(code) in _KEPT
        if not outside and start is None:
            start = code
        elif outside and start is not None:
            ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(code - 1))}")
            start = None
    return re.compile(f"[{''.join(ranges)}]")


# -- files ---------------------------------------------------------------------

# Checked before the rows are decoded, so that a small file cannot decode large (issue 17).
MAX_COLUMNS = 1_000
MAX_HEADER_BYTES = 64 * 1024  # a CSV header: 1,000 column names of 64 bytes
MAX_FEATURE_BYTES = 1024 * 1024  # one GeoJSON feature: a Point and its properties, with room to spare
MAX_PARQUET_METADATA_BYTES = 8 * 1024 * 1024  # a Parquet footer: a few KiB for a few row groups
MAX_ROW_GROUPS = 10_000  # writers put 64,000 to 1,000,000 rows in a row group
# What the columns used may decode to: no more than the largest CSV file holds.  Parquet's dictionary
# and run-length encodings let a file of a few KiB stand for gigabytes.
MAX_DECODED_BYTES = 512 * 1024 * 1024
_MAX_POINT_WKB_BYTES = 64  # a Point is 21 to 41 bytes of WKB
_CHUNK_BYTES = 1024 * 1024
_BOM = b"\xef\xbb\xbf"
_GEOMETRY_TYPES = frozenset({"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
                             "GeometryCollection"})
_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def read_point_layer(path, *, title=None, source=None, lat=None, lon=None, time=None, category=None, label=None):
    """Read a point layer from a CSV, GeoJSON, GeoParquet or Parquet file.

    Parameters
    ----------
    path : str or os.PathLike
        ``.csv`` (UTF-8, with a header row), ``.geojson``/``.json`` (a
        FeatureCollection of Points) or ``.parquet``/``.geoparquet``
        (GeoParquet with Point geometries, or plain Parquet with lat and lon
        columns, found as in a CSV file).  At most ``MAX_BYTES["point file"]``
        (:mod:`mapper.load.files`), ``MAX_POINTS`` rows and ``MAX_COLUMNS``
        columns, checked before the rows are decoded; GeoJSON at most
        ``MAX_BYTES["GeoJSON point file"]``.
    title : str, optional
        Default: the file name.
    source : str, optional
        Where the data comes from; default: the file name.
    lat, lon, time, category, label : str, optional
        Column names; found by name when not given (see the module help).
        GeoJSON and GeoParquet take coordinates from their Point geometry.

    Raises
    ------
    DataError
        One line naming the file and the fault: unreadable, too large, a
        missing column, a bad row.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise DataError(f"{path}: unknown file type {suffix or '(no suffix)'!r}; point files end in "
                        f"{', '.join(SUFFIXES)}")
    geojson = suffix in (".geojson", ".json")
    checked_size(path, "GeoJSON point file" if geojson else "point file")
    wanted = {"lat": lat, "lon": lon, "time": time, "category": category, "label": label}
    read = _read_geojson if geojson else _read_csv if suffix == ".csv" else _read_parquet
    # Each reader checks what it can before decoding rows, and returns only the columns chosen.
    coords, columns, chosen = read(path, wanted)
    row = "row" if coords is None else "feature"
    if coords is None:
        coords = tuple(_numbers(path, columns[chosen[axis]], chosen[axis]) for axis in ("lon", "lat"))
    # Columns stay pandas columns (text in Arrow, not two million Python strings); labels are cut and
    # cleaned a block at a time.
    fields = {field: columns[chosen[field]] for field in ("time", "category", "label") if field in chosen}
    if "label" in fields:
        fields["label"] = _labels(fields["label"])
    del columns
    layer = point_layer(*coords, title=title or path.name, source=source or path.name, where=str(path), row=row,
                        **fields)
    del fields
    _release_arrow_memory()
    return dataclasses.replace(layer, columns=tuple(sorted(chosen.items())))


def _release_arrow_memory():
    """Give back to the system what Arrow's allocator keeps after reading (170 MB after a 512 MiB CSV
    file): the page is built in Python's memory, not Arrow's."""
    import pyarrow  # for start-up speed, as pandas below; loaded already by pandas

    pyarrow.default_memory_pool().release_unused()


def _labels(column):
    """The values of a pandas column as :func:`_clean` makes labels, without a longer Python string on the
    way: two million labels as one array of Python strings, then cut, took a gigabyte more."""
    import pandas as pd  # for start-up speed: only point files need pandas

    limit = _label_limit(len(column))
    labels = []
    for start in range(0, len(column), 65_536):
        block = column.iloc[start:start + 65_536]
        if isinstance(block.dtype, pd.StringDtype):  # text in Arrow: cut there, as _clean cuts
            block = block.str.strip()
            block = block.where(block.str.len() <= limit, block.str.slice(0, limit - 1) + "…")
        labels.extend(_clean(value, limit) for value in block.to_numpy(dtype=object, na_value=None))
    return labels


def _choose_columns(path, columns, wanted, need_coords):
    """{field: column} for the fields found; DataError for a named column that is missing."""
    by_lower = {}
    for column in columns:
        by_lower.setdefault(str(column).strip().lower(), column)
    chosen = {}
    for field, given in wanted.items():
        if field in ("lat", "lon") and not need_coords:
            if given:
                raise DataError(f"{path}: --{field} names a column, but this file's coordinates come from "
                                "its Point geometry")
            continue
        if given:
            if given not in columns:
                raise DataError(f"{path}: no column {given!r}; the columns are {_listing(columns)}")
            chosen[field] = given
            continue
        found = next((by_lower[name] for name in COLUMN_NAMES[field] if name in by_lower), None)
        if found is not None:
            chosen[field] = found
        elif field in ("lat", "lon"):
            raise DataError(f"{path}: no {field} column (looked for {', '.join(COLUMN_NAMES[field])}); "
                            f"the columns are {_listing(columns)}")
    return chosen


def _listing(columns):
    listed = ", ".join(shown(str(c)) for c in columns[:12])
    return listed + (f" and {len(columns) - 12} more" if len(columns) > 12 else "") if columns else "(none)"


def _no_points(path, row):
    return DataError(f"{path}: no points: the file has no data {row}s")


def _columns(names, one, more):
    """"column 'a' holds" or "columns 'a', 'b' hold" (``one``, ``more``: the verb)."""
    listed = ", ".join(map(repr, names))
    return f"column {listed} {one}" if len(names) == 1 else f"columns {listed} {more}"


def _message(exc):
    """An exception from a library as one short line."""
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def _utf8(path, decoder, data, offset, final):
    """``data``, the bytes at ``offset`` of ``path``, through an incremental ``decoder``; DataError at a byte
    that is not UTF-8, counted from the start of the file."""
    pending = len(decoder.getstate()[0])
    try:
        return decoder.decode(data, final)
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text (byte {offset - pending + exc.start}); save the file as UTF-8") \
            from None


# -- CSV -----------------------------------------------------------------------
# Three passes before pandas: the header (at most MAX_HEADER_BYTES), the lines
# (counted in chunks, stopping past MAX_POINTS) and the records (csv module, one
# at a time).  pandas then converts only the columns chosen.


def _read_csv(path, wanted):
    """(None, table of the columns chosen, as text, {field: column}) from a CSV file."""
    import pandas as pd  # for start-up speed: only point files need pandas

    options = {"dtype": str, "keep_default_na": False, "encoding": "utf-8-sig", "index_col": False, "engine": "c"}
    try:
        with open(path, "rb") as handle:
            width, header_lines = _csv_header(path, handle)
            if _data_lines(path, handle, header_lines) == 0:
                raise _no_points(path, "row")
        _check_records(path, width)
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            columns = list(pd.read_csv(path, nrows=0, **options).columns)  # the names as pandas makes them unique
            chosen = _choose_columns(path, columns, wanted, need_coords=True)
            # Every column is read as text: coordinates are parsed afterwards so that a bad one can be
            # reported with its row.  low_memory: the C parser tokenizes in chunks, so the columns not
            # used cost time but no memory.
            table = pd.read_csv(path, usecols=sorted({columns.index(c) for c in chosen.values()}),
                                nrows=MAX_POINTS + 1, low_memory=True, **options)
    except UnicodeDecodeError as exc:  # checked already, unless the file changed since
        raise DataError(f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: empty file; the first line names the columns, e.g. lat,lon,date,type") from None
    except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
        raise DataError(f"{path}: not valid CSV: {str(exc).strip().splitlines()[-1]}") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror}") from None
    if len(table) == 0:
        raise _no_points(path, "row")
    return None, table, chosen


def _csv_header(path, handle):
    """(number of columns, lines up to the end of the header) from the first MAX_HEADER_BYTES of ``handle``."""
    head = handle.read(MAX_HEADER_BYTES + 1)
    whole = len(head) <= MAX_HEADER_BYTES
    skip = len(_BOM) if head.startswith(_BOM) else 0
    text = _utf8(path, codecs.getincrementaldecoder("utf-8")(), head[skip:], skip, final=whole)
    lines = []

    def read_lines():
        for line in io.StringIO(text, newline=""):  # split at "\n", "\r\n" and "\r", as pandas does
            lines.append(line)
            yield line

    reader = csv.reader(read_lines())
    try:
        header = next((record for record in reader if record), None)  # pandas skips blank lines, too
    except csv.Error as exc:
        raise DataError(f"{path}: not valid CSV: line {reader.line_num}: {exc}") from None
    if header is None and whole:
        raise DataError(f"{path}: empty file; the first line names the columns, e.g. lat,lon,date,type")
    # Cut short, the header must end before the text read does (a quoted name can hold line breaks).
    if header is None or not (whole or sum(map(len, lines)) < len(text) and lines[-1].endswith(("\n", "\r"))):
        raise DataError(f"{path}: the header (the first line) is longer than {MAX_HEADER_BYTES // 1024} KiB; "
                        f"a point file may have at most {MAX_COLUMNS:,} columns")
    if len(header) > MAX_COLUMNS:
        raise DataError(f"{path}: {len(header):,} columns; a point file may have at most {MAX_COLUMNS:,}")
    return len(header), len(lines)


def _data_lines(path, handle, header_lines):
    """The lines after the header, counted in chunks; DataError past MAX_POINTS of them, or at a byte that
    is not UTF-8.  A quoted field may hold line breaks, so lines can outnumber rows, never the reverse."""
    handle.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    breaks = offset = 0
    last = b""
    while chunk := handle.read(_CHUNK_BYTES):
        # "\n", "\r\n" and a lone "\r" each end a line, for pandas as for the csv module.
        breaks += (chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
                   - (last == b"\r" and chunk[:1] == b"\n"))
        lines = breaks - header_lines + (chunk[-1:] not in (b"\n", b"\r"))
        if lines > MAX_POINTS:
            raise DataError(f"{path}: more than {MAX_POINTS:,} data lines; a point layer holds at most "
                            f"{MAX_POINTS:,} points")
        data = chunk[len(_BOM):] if offset == 0 and chunk.startswith(_BOM) else chunk
        if not data.isascii() or decoder.getstate()[0]:
            _utf8(path, decoder, data, offset + len(chunk) - len(data), final=False)
        offset += len(chunk)
        last = chunk[-1:]
    _utf8(path, decoder, b"", offset, final=True)
    return lines if offset else 0


def _check_records(path, width):
    """DataError at the first record with more fields than the header's ``width`` (pandas, reading only
    the columns used, would drop the rest without a word), or with a field longer than the csv module
    takes (131,072 characters), most often a quote left open."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        try:
            next((record for record in reader if record), None)  # the header
            for record in reader:
                if len(record) > width:
                    raise DataError(f"{path}: not valid CSV: line {reader.line_num} has {len(record)} fields, "
                                    f"but the header has {width}")
        except csv.Error as exc:
            what = str(exc)
            if "field limit" in what:
                what = f"a field is longer than {csv.field_size_limit():,} characters (is a quote left open?)"
            raise DataError(f"{path}: not valid CSV: line {reader.line_num}: {what}") from None


def _numbers(path, column, name):
    """A column of a table as float64 degrees: text (CSV), or numbers or text (Parquet)."""
    import pandas as pd  # for start-up speed: only point files need pandas

    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype):
        values = column.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        column = (column if isinstance(column.dtype, pd.StringDtype) else column.astype("string")).str.strip()
        values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    bad = np.isnan(values)
    if bad.any():
        i = int(np.argmax(bad))
        raise DataError(f"{path}: row {i + 1}: column {name!r}: {shown(str(column.iloc[i]))} is not a number")
    return values


# -- GeoParquet and Parquet ----------------------------------------------------
# The footer says how many rows and columns there are and what the columns take
# uncompressed, before anything is decoded.  Text and WKB columns are read as
# dictionaries, so a value repeated by the dictionary encoding is decoded once,
# and what they stand for is counted before it is made.


def _read_parquet(path, wanted):
    """((lon, lat) or None, table of the columns chosen, {field: column}) from a GeoParquet file of Points,
    or from a plain Parquet file with lat and lon columns (coordinates None: they are columns)."""
    import pyarrow  # for start-up speed, as pandas above
    import pyarrow.parquet

    footer = _footer(path)
    try:
        parquet = pyarrow.parquet.ParquetFile(path)
        metadata, schema = parquet.metadata, parquet.schema_arrow
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError and more
        raise DataError(f"{path}: not a Parquet file: {_message(exc)}") from None
    geo = _geo_metadata(path, metadata.metadata, schema.names)
    row = "feature" if geo else "row"
    if metadata.num_rows > MAX_POINTS:
        raise DataError(f"{path}: {metadata.num_rows:,} {row}s; a point layer holds at most {MAX_POINTS:,} points")
    if metadata.num_columns > MAX_COLUMNS:
        raise DataError(f"{path}: {metadata.num_columns:,} columns; a point file may have at most {MAX_COLUMNS:,}")
    if metadata.num_row_groups > MAX_ROW_GROUPS:
        raise DataError(f"{path}: {metadata.num_row_groups:,} row groups; a point file may have at most "
                        f"{MAX_ROW_GROUPS:,}")
    if len(set(schema.names)) < len(schema.names):
        raise DataError(f"{path}: two columns have the same name; the columns are {_listing(schema.names)}")
    if metadata.num_rows == 0:
        raise _no_points(path, row)
    geometry = geo["primary_column"] if geo else None
    properties = [name for name in schema.names
                  if name not in (geo["columns"] if geo else ()) and not re.fullmatch(r"__index_level_\d+__", name)]
    chosen = _choose_columns(path, properties, wanted, need_coords=geo is None)
    used = ([geometry] if geo else []) + [name for name in properties if name in chosen.values()]
    _check_column_types(path, schema, chosen)
    _check_uncompressed(path, metadata, footer, used)
    variable = [name for name in used if _is_variable(schema.field(name).type)]
    try:
        # Text and WKB come as dictionaries: a value repeated by the dictionary encoding is decoded once.
        # Page by page (buffer_size), not column chunk by column chunk: a third less memory.
        parquet = pyarrow.parquet.ParquetFile(path, metadata=metadata, read_dictionary=variable,
                                              buffer_size=_CHUNK_BYTES, pre_buffer=False)
        table = parquet.read(columns=used, use_pandas_metadata=False)
    except Exception as exc:  # pyarrow raises OSError, ArrowInvalid and more
        raise DataError(f"{path}: cannot read: {_message(exc)}") from None
    for name in used:
        _check_valid(path, name, table.column(name))
    text = [name for name in variable if name != geometry]
    decoded = sum(_decoded_bytes(table.column(name)) for name in text)
    if decoded > MAX_DECODED_BYTES:
        raise DataError(f"{path}: {_columns(text, 'holds', 'hold')} {size_text(decoded)} of text once decoded; the "
                        f"columns a point layer uses may hold at most {size_text(MAX_DECODED_BYTES)}")
    coords = None
    if geo:
        coords = _parquet_points(path, table.column(geometry), geo["columns"][geometry])
        table = table.drop_columns([geometry])
    try:
        columns = {}
        for name in table.column_names:  # one at a time, each dropped once decoded
            columns[name] = _decoded(table.column(name))
            table = table.drop_columns([name])
        frame = pyarrow.table(columns).to_pandas(types_mapper=_pandas_text)
    except Exception as exc:  # e.g. a timestamp pandas cannot hold
        raise DataError(f"{path}: cannot read: {_message(exc)}") from None
    return coords, frame, chosen


def _check_valid(path, name, column):
    """DataError for a column that is not valid Arrow: reading checks neither that text is UTF-8 nor that
    dictionary indices are in range."""
    try:
        column.validate(full=True)
    except Exception as exc:  # ArrowInvalid
        what = "holds text that is not UTF-8" if "UTF8" in str(exc) else f"is damaged: {_message(exc)}"
        raise DataError(f"{path}: column {name!r} {what}") from None


def _decoded(column):
    """A column read as a dictionary, decoded (pandas would make a category of each value, and check them
    as Python strings); any other column as it is."""
    import pyarrow  # for start-up speed, as pandas above

    return column.cast(column.type.value_type) if pyarrow.types.is_dictionary(column.type) else column


def _pandas_text(type_):
    """pandas' text type, kept in Arrow, for Arrow text (for ``Table.to_pandas(types_mapper=...)``)."""
    import pandas as pd  # for start-up speed: only point files need pandas
    import pyarrow

    if pyarrow.types.is_string(type_) or pyarrow.types.is_large_string(type_):
        return pd.StringDtype("pyarrow", na_value=np.nan)
    return None


def _footer(path):
    """The metadata (Thrift bytes) at the end of a Parquet file; DataError unless ``path`` ends as one does,
    with at most MAX_PARQUET_METADATA_BYTES of it."""
    try:
        with open(path, "rb") as handle:
            size = handle.seek(0, io.SEEK_END)
            handle.seek(max(size - 8, 0))
            tail = handle.read(8)
            length = int.from_bytes(tail[:4], "little")
            if size < 12 or tail[4:] != b"PAR1":
                raise DataError(f"{path}: not a Parquet file (it does not end in PAR1)")
            if length > size - 12:
                raise DataError(f"{path}: not a Parquet file (its footer names {size_text(length)} of metadata in a "
                                f"file of {size_text(size)})")
            if length > MAX_PARQUET_METADATA_BYTES:
                raise DataError(f"{path}: {size_text(length)} of Parquet metadata; a point file may have at most "
                                f"{size_text(MAX_PARQUET_METADATA_BYTES)}")
            handle.seek(size - 8 - length)
            return handle.read(length)
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror}") from None


def _geo_metadata(path, key_values, names):
    """The GeoParquet metadata (a dict naming a geometry column of ``names``), or None for plain Parquet."""
    raw = (key_values or {}).get(b"geo")
    if raw is None:
        return None
    try:
        geo = json.loads(raw)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise DataError(f"{path}: its GeoParquet metadata (\"geo\") is not valid JSON") from None
    columns = geo.get("columns") if isinstance(geo, dict) else None
    primary = geo.get("primary_column") if isinstance(geo, dict) else None
    if not (isinstance(columns, dict) and primary in names and isinstance(columns.get(primary), dict)):
        raise DataError(f"{path}: its GeoParquet metadata does not name a geometry column of the file")
    encoding = columns[primary].get("encoding")
    if not (isinstance(encoding, str) and encoding.lower() in ("wkb", "point")):
        raise DataError(f"{path}: geometry column {primary!r} is encoded as {shown(encoding)}; a point layer "
                        "reads WKB or GeoArrow 'point'")
    return geo


def _is_variable(type_):
    """Whether values of ``type_`` are text or bytes of any length (what the dictionary encoding multiplies)."""
    import pyarrow  # for start-up speed, as pandas above

    types = pyarrow.types
    if types.is_dictionary(type_):
        type_ = type_.value_type
    return any(check(type_) for check in (types.is_string, types.is_large_string, types.is_binary,
                                           types.is_large_binary, types.is_string_view, types.is_binary_view))


def _check_column_types(path, schema, chosen):
    """DataError for a chosen column that holds something else than text, numbers or times."""
    import pyarrow  # for start-up speed, as pandas above

    types = pyarrow.types
    for name in dict.fromkeys(chosen.values()):
        type_ = schema.field(name).type
        if types.is_dictionary(type_):
            type_ = type_.value_type
        if not any(check(type_) for check in (
                types.is_string, types.is_large_string, types.is_string_view, types.is_integer, types.is_floating,
                types.is_boolean, types.is_decimal, types.is_timestamp, types.is_date, types.is_null)):
            raise DataError(f"{path}: column {name!r} holds {shown(str(type_))}; a point layer reads text, "
                            "numbers and dates")


def _check_uncompressed(path, metadata, footer, used):
    """DataError if the columns ``used`` take more than MAX_DECODED_BYTES uncompressed, as the ``footer`` says."""
    leaves = []
    for i in range(metadata.num_columns):
        leaf = metadata.schema.column(i).path  # "name", or "name.child" in a nested column: counted for both
        if any(leaf == name or leaf.startswith(name + ".") for name in used):
            leaves.append(i)
    try:
        sizes = _chunk_sizes(footer)
    except (IndexError, ValueError):
        sizes = None
    if sizes is None or len(sizes) != metadata.num_row_groups or \
            any(len(group) != metadata.num_columns for group in sizes):
        raise DataError(f"{path}: cannot read: its Parquet metadata is damaged")
    chunks = [group[i] for group in sizes for i in leaves]
    if any(size is None for size in chunks):
        raise DataError(f"{path}: cannot read: a column chunk has no metadata (is the file encrypted?)")
    total = sum(chunks)
    if total > MAX_DECODED_BYTES:
        raise DataError(f"{path}: {_columns(used, 'takes', 'take')} {size_text(total)} uncompressed; the columns a "
                        f"point layer uses may take at most {size_text(MAX_DECODED_BYTES)}")


def _chunk_sizes(footer):
    """[[total_uncompressed_size or None, for each column chunk] for each row group] from a Parquet footer.

    Read here, in Thrift's compact protocol, because pyarrow's ``RowGroupMetaData.column`` aborts the
    process (an uncaught C++ exception) on some damaged column metadata.  IndexError or ValueError if
    the bytes are not Thrift.
    """
    thrift = _Thrift(footer)
    groups = []
    for field, type_ in thrift.fields():
        if (field, type_) != (4, _Thrift.LIST):  # FileMetaData.row_groups
            thrift.skip(type_)
            continue
        for _ in thrift.elements():
            chunks = []
            for group_field, group_type in thrift.fields():
                if (group_field, group_type) != (1, _Thrift.LIST):  # RowGroup.columns
                    thrift.skip(group_type)
                    continue
                for _ in thrift.elements():
                    size = None
                    for chunk_field, chunk_type in thrift.fields():
                        if (chunk_field, chunk_type) != (3, _Thrift.STRUCT):  # ColumnChunk.meta_data
                            thrift.skip(chunk_type)
                            continue
                        for meta_field, meta_type in thrift.fields():
                            if (meta_field, meta_type) == (6, _Thrift.I64):  # total_uncompressed_size
                                size = thrift.integer()
                            else:
                                thrift.skip(meta_type)
                    if size is not None and size < 0:
                        raise ValueError("a negative size")
                    chunks.append(size)
            groups.append(chunks)
    return groups


class _Thrift:
    """A reader of Thrift's compact protocol, enough to walk Parquet metadata."""

    I64, LIST, STRUCT = 6, 9, 12

    def __init__(self, data):
        self.data, self.at, self.depth = data, 0, 0

    def _byte(self):
        self.at += 1
        return self.data[self.at - 1]

    def _varint(self):
        value = shift = 0
        while True:
            byte = self._byte()
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                return value
            shift += 7
            if shift > 63:
                raise ValueError("a varint of more than 64 bits")

    def integer(self):
        value = self._varint()
        return (value >> 1) ^ -(value & 1)  # zigzag

    def fields(self):
        """Yield (field id, type) for each field of a struct; the caller reads or skips each value."""
        field = 0
        while head := self._byte():
            field = field + (head >> 4) if head >> 4 else self.integer()
            yield field, head & 0x0F

    def elements(self):
        """Yield the element type once for each element of a list (or set): the caller reads each one."""
        head = self._byte()
        count = head >> 4 if head >> 4 != 15 else self._varint()
        for _ in range(count):
            yield head & 0x0F

    def skip(self, type_, element=False):
        if type_ in (1, 2):  # a boolean: in the field header, or a byte of its own in a list or map
            self.at += element
        elif type_ == 3:
            self.at += 1
        elif type_ in (4, 5, 6):
            self._varint()
        elif type_ == 7:
            self.at += 8
        elif type_ == 8:
            length = self._varint()  # read before self.at, which it moves
            self.at += length
        elif type_ in (9, 10):
            for element_type in self.elements():
                self.skip(element_type, element=True)
        elif type_ == 11:
            count = self._varint()
            kinds = self._byte() if count else 0
            for _ in range(count):
                self.skip(kinds >> 4, element=True)
                self.skip(kinds & 0x0F, element=True)
        elif type_ == self.STRUCT:
            self.depth += 1
            if self.depth > 64:
                raise ValueError("nested too deeply")
            for _, field_type in self.fields():
                self.skip(field_type)
            self.depth -= 1
        else:
            raise ValueError(f"unknown Thrift type {type_}")
        if self.at > len(self.data):
            raise IndexError("past the end")


def _decoded_bytes(column):
    """The bytes of text or WKB a column (an Arrow array or chunked array) read as dictionaries stands
    for, counting each row's value."""
    import pyarrow  # for start-up speed, as pandas above
    import pyarrow.compute as pc

    total = 0
    for chunk in getattr(column, "chunks", [column]):
        if pyarrow.types.is_dictionary(chunk.type):
            total += pc.sum(pc.take(pc.binary_length(chunk.dictionary), chunk.indices)).as_py() or 0
        else:
            total += chunk.nbytes
    return total


def _parquet_points(path, column, column_metadata):
    """(lon, lat) in degrees from a WKB or GeoArrow point column; DataError for a feature that is not a Point."""
    encoding = column_metadata["encoding"].lower()
    x, y, bad = (_geoarrow_points if encoding == "point" else _wkb_points)(path, column)
    if bad is not None:
        number, found = bad
        raise DataError(f"{path}: feature {number}: {found}; a point layer needs a Point for every feature")
    return _to_degrees(path, x, y, column_metadata.get("crs", "OGC:CRS84"))


def _wkb_points(path, column):
    """(x, y, None) of a WKB column (an Arrow array or chunked array) read as dictionaries, or
    (None, None, (row number, what it is)) for the first row that is not a Point."""
    import pyarrow  # for start-up speed, as pandas above
    import pyarrow.compute as pc
    import shapely

    xs, ys, start = [], [], 0
    for chunk in getattr(column, "chunks", [column]):
        if not pyarrow.types.is_dictionary(chunk.type):
            chunk = chunk.dictionary_encode()
        values = chunk.dictionary
        # Longer values are no Points: only their type is read, and only if a row has one.
        long = pc.fill_null(pc.greater(pc.binary_length(values), _MAX_POINT_WKB_BYTES), False)
        short = pc.if_else(long, pyarrow.scalar(None, values.type), values).to_numpy(zero_copy_only=False)
        shapes = shapely.from_wkb(short, on_invalid="ignore")
        point = (shapely.get_type_id(shapes) == 0) & ~shapely.is_empty(shapes)
        rows = chunk.indices.fill_null(0).to_numpy(zero_copy_only=False)
        bad = ~point[rows] | chunk.is_null().to_numpy(zero_copy_only=False)
        if bad.any():
            i = int(np.argmax(bad))
            shape = shapes[rows[i]]
            if not chunk[i].is_valid:
                found = "an empty geometry"
            elif shape is None:  # long, or not WKB
                found = _wkb_type(values[int(rows[i])].as_buffer())
            else:
                found = "an empty geometry" if shape.is_empty else f"a {shape.geom_type}"
            return None, None, (start + i + 1, found)
        xs.append(shapely.get_x(shapes)[rows])
        ys.append(shapely.get_y(shapes)[rows])
        start += len(chunk)
    return np.concatenate(xs), np.concatenate(ys), None


def _wkb_type(wkb):
    """'a LineString' from the first five bytes of ``wkb`` (a pyarrow Buffer), or 'an invalid WKB geometry'."""
    head = wkb[:5].to_pybytes()
    if len(head) == 5 and head[0] in (0, 1):
        # ISO WKB adds 1000, 2000 or 3000 for Z, M and ZM; EWKB sets flags in the high bits.
        code = (int.from_bytes(head[1:], "little" if head[0] else "big") & 0xFFFF) % 1000
        names = ("Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon",
                 "GeometryCollection")
        if 1 <= code <= len(names):
            return f"a {names[code - 1]}"
    return "an invalid WKB geometry"


def _geoarrow_points(path, column):
    """(x, y, None) of a GeoArrow point column (a struct of x and y; an Arrow array or chunked array), or
    (None, None, (row number, "an empty geometry"))."""
    import pyarrow  # for start-up speed, as pandas above

    names = [column.type.field(i).name for i in range(column.type.num_fields)] \
        if pyarrow.types.is_struct(column.type) else []
    if "x" not in names or "y" not in names:
        raise DataError(f"{path}: the geometry column holds {shown(str(column.type))}, not GeoArrow points")
    chunks = getattr(column, "chunks", [column])
    x, y = (np.concatenate([chunk.field(axis).cast(pyarrow.float64()).to_numpy(zero_copy_only=False)
                            for chunk in chunks]) for axis in ("x", "y"))
    empty = np.concatenate([chunk.is_null().to_numpy(zero_copy_only=False) for chunk in chunks])
    empty |= np.isnan(x) & np.isnan(y)  # GeoArrow's POINT EMPTY
    if empty.any():
        return None, None, (int(np.argmax(empty)) + 1, "an empty geometry")
    return x, y, None


def _to_degrees(path, x, y, crs):
    """(lon, lat) from coordinates in ``crs`` (anything pyproj reads; None: unknown, taken as degrees)."""
    import pyproj  # for start-up speed, as pandas above

    if crs is None:
        return x, y
    try:
        crs = pyproj.CRS.from_user_input(crs)
        if crs.equals("OGC:CRS84") or crs.equals("EPSG:4326"):
            return x, y
        return pyproj.Transformer.from_crs(crs, "OGC:CRS84", always_xy=True).transform(x, y)
    except (pyproj.exceptions.ProjError, TypeError, ValueError) as exc:  # CRSError is a ProjError
        raise DataError(f"{path}: cannot turn its coordinates into degrees: {_message(exc)}") from None


# -- GeoJSON -------------------------------------------------------------------
# Decoded one feature at a time (never the whole document): a feature is at
# most MAX_FEATURE_BYTES, and only the properties that could be chosen are kept.


def _read_geojson(path, wanted):
    """((lon, lat), table of the properties chosen, {field: property}) from a GeoJSON file of Points."""
    import pandas as pd  # for start-up speed: only point files need pandas

    given = {name for field, name in wanted.items() if name and field not in ("lat", "lon")}
    # Found by name, as _choose_columns finds them: for each field the first property of the best lower-case
    # name.  Only the best so far keeps its values, so that at most one property a field is held.
    rank = {name: (field, priority) for field in ("time", "category", "label") if not wanted[field]
            for priority, name in enumerate(COLUMN_NAMES[field])}
    best = {}  # field: (priority, property name)
    lowers = set()  # the lower-case names met
    names = {}  # every property name, in the order first met: None
    kept = {}  # the properties that can be chosen: their values, None where a feature has none
    lon, lat = c_array("d"), c_array("d")
    seen_keys = None
    members = {}
    try:
        with open(path, "rb") as handle:
            reader = _JSONReader(path, handle)
            for number, feature in enumerate(_geojson_features(reader, members), 1):
                if number > MAX_POINTS:
                    raise DataError(f"{path}: more than {MAX_POINTS:,} features; a point layer holds at most "
                                    f"{MAX_POINTS:,} points")
                x, y, properties = _feature_point(path, number, feature)
                lon.append(x)
                lat.append(y)
                if properties.keys() != seen_keys:  # most features have the same names: a quick test
                    seen_keys = properties.keys()
                    for name in properties:
                        if name in names:
                            continue
                        names[name] = None
                        if len(names) > MAX_COLUMNS:
                            raise DataError(f"{path}: more than {MAX_COLUMNS:,} property names; a point file "
                                            f"may have at most {MAX_COLUMNS:,} columns")
                        lower = name.strip().lower()
                        field, priority = rank.get(lower, (None, None)) if lower not in lowers else (None, None)
                        lowers.add(lower)
                        if field and priority < best.get(field, (len(COLUMN_NAMES[field]),))[0]:
                            if field in best and best[field][1] not in given:
                                del kept[best[field][1]]
                            best[field] = priority, name
                            kept.setdefault(name, [None] * (number - 1))
                        if name in given:
                            kept.setdefault(name, [None] * (number - 1))
                for name, values in kept.items():
                    value = properties.get(name)
                    if isinstance(value, str) and len(value) > MAX_LABEL_CHARS + 1:  # more is never shown
                        value = value.strip()[:MAX_LABEL_CHARS + 1]
                    values.append(value)
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror}") from None
    if "features" not in members:
        kind = members.get("type")
        if not (isinstance(kind, str) and (kind in _GEOMETRY_TYPES or kind == "Feature")):
            raise DataError(f"{path}: not a GeoJSON FeatureCollection")
        # One Feature, or one geometry, as GDAL reads them.
        feature = members if kind == "Feature" else {"type": "Feature", "geometry": members, "properties": None}
        x, y, properties = _feature_point(path, 1, feature)
        lon.append(x)
        lat.append(y)
        if len(properties) > MAX_COLUMNS:
            raise DataError(f"{path}: {len(properties):,} property names; a point file may have at most "
                            f"{MAX_COLUMNS:,} columns")
        names = dict.fromkeys(properties)
        kept = {name: [value] for name, value in properties.items()}
    if not lon:
        raise _no_points(path, "feature")
    chosen = _choose_columns(path, list(names), wanted, need_coords=False)
    # A property holding a list or an object shows as JSON, as GDAL gives it.
    columns = {name: pd.Series([json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
                                for v in kept[name]], dtype=object)
               for name in dict.fromkeys(chosen.values())}
    for name, values in columns.items() if reader.surrogates else ():
        for number, value in enumerate(values, 1):
            if isinstance(value, str) and not value.isascii():
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError as exc:
                    raise DataError(f"{path}: feature {number}: property {name!r} holds a lone surrogate escape "
                                    f"(\\u{ord(exc.object[exc.start]):04x}), which is not text") from None
    crs = members.get("crs")
    if crs is not None:
        crs = crs.get("properties", {}).get("name") if isinstance(crs, dict) and \
            isinstance(crs.get("properties"), dict) else None
        if not isinstance(crs, str):
            raise DataError(f"{path}: crs: not a named CRS such as urn:ogc:def:crs:OGC:1.3:CRS84")
    return _to_degrees(path, np.frombuffer(lon), np.frombuffer(lat), crs), columns, chosen


def _feature_point(path, number, feature):
    """(lon, lat, properties) of one GeoJSON feature; DataError if it is not a Feature with a Point."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise DataError(f"{path}: feature {number}: not a GeoJSON Feature")
    properties = feature.get("properties")
    if properties is None:
        properties = {}
    elif not isinstance(properties, dict):
        raise DataError(f"{path}: feature {number}: properties: not an object")
    geometry = feature.get("geometry")
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    coordinates = geometry.get("coordinates") if kind == "Point" else None
    if geometry is None or coordinates == []:
        found = "an empty geometry"
    elif kind != "Point":
        found = f"a {kind}" if isinstance(kind, str) and kind in _GEOMETRY_TYPES else "not a GeoJSON geometry"
    elif (isinstance(coordinates, list) and 2 <= len(coordinates) <= 4
          and all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in coordinates)):
        try:
            return float(coordinates[0]), float(coordinates[1]), properties
        except OverflowError:  # an integer of 400 digits
            found = "a Point whose coordinates are not numbers"
    else:
        found = "a Point whose coordinates are not [lon, lat]"
    raise DataError(f"{path}: feature {number}: {found}; a point layer needs a Point for every feature")


def _geojson_features(reader, members):
    """Yield each feature of the GeoJSON object ``reader`` reads; its other members go in ``members``
    ("features" with None once its features have been yielded)."""
    if reader.peek() != "{":
        raise DataError(f"{reader.path}: not a GeoJSON FeatureCollection" if reader.peek() else
                        f"{reader.path}: cannot read: the file is empty")
    reader.at += 1
    while reader.peek() != "}":
        if members:
            reader.take(",")
        key = reader.value()
        if not isinstance(key, str):
            raise reader.error("Expecting property name enclosed in double quotes")
        reader.take(":")
        if key == "features" and reader.peek() == "[":
            reader.at += 1
            first = True
            while reader.peek() != "]":
                if not first:
                    reader.take(",")
                first = False
                yield reader.value()
            reader.at += 1
            members[key] = None
        else:
            members[key] = reader.value()
    reader.at += 1
    if reader.peek():
        raise reader.error("Extra data")


class _JSONReader:
    """A JSON file decoded in chunks, one value at a time; no value may be longer than MAX_FEATURE_BYTES."""

    def __init__(self, path, handle):
        self.path, self.handle = path, handle
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.json = json.JSONDecoder()
        self.text, self.at, self.done = "", 0, False
        self.surrogates = False  # whether a "\ud800" escape (not text) was met: rare, so values are checked only then
        self.offset = 0  # bytes read
        self.line, self.column = 1, 0  # of self.text[0]

    def _more(self):
        chunk = self.handle.read(_CHUNK_BYTES)
        data = chunk[len(_BOM):] if self.offset == 0 and chunk.startswith(_BOM) else chunk
        text = _utf8(self.path, self.decoder, data, self.offset + len(chunk) - len(data), final=not chunk)
        self.offset += len(chunk)
        self.done = not chunk
        dropped = self.text[:self.at]
        self.line += dropped.count("\n")
        self.column = len(dropped) - dropped.rfind("\n") - 1 if "\n" in dropped else self.column + len(dropped)
        self.text, self.at = self.text[self.at:] + text, 0
        self.surrogates = self.surrogates or _SURROGATE_ESCAPE.search(self.text) is not None

    def peek(self):
        """The next character that is not white space ("" at the end of the file)."""
        while True:
            self.at = _JSON_SPACE.match(self.text, self.at).end()
            if self.at < len(self.text) or self.done:
                return self.text[self.at:self.at + 1]
            self._more()

    def take(self, char):
        if self.peek() != char:
            raise self.error(f"Expecting {char!r} delimiter")
        self.at += 1

    def value(self):
        """The next JSON value, decoded."""
        self.peek()
        while True:
            try:
                value, end = self.json.raw_decode(self.text, self.at)
                if end - self.at > MAX_FEATURE_BYTES:
                    raise self._too_long()
                if end < len(self.text) or self.done:  # a number could go on in the next chunk
                    self.at = end
                    return value
            except json.JSONDecodeError as exc:
                # Within ten characters of the end (a cut "true"), or in a string: it may only be cut short.
                if self.done or not (exc.pos >= len(self.text) - 10 or exc.msg.startswith("Unterminated string")):
                    raise self.error(exc.msg, exc.pos) from None
            except RecursionError:
                raise self.error("nested too deeply") from None
            if len(self.text) - self.at > MAX_FEATURE_BYTES:
                raise self._too_long()
            self._more()

    def _too_long(self):
        return DataError(f"{self.path}: the JSON value at {self._where(self.at)} is longer than "
                         f"{size_text(MAX_FEATURE_BYTES)}; a point file's features may be at most "
                         f"{size_text(MAX_FEATURE_BYTES)} each")

    def _where(self, at):
        before = self.text.rfind("\n", 0, at)
        column = at - before if before >= 0 else self.column + at + 1
        return f"line {self.line + self.text.count(chr(10), 0, at)}, column {column}"

    def error(self, message, at=None):
        return DataError(f"{self.path}: cannot read: invalid JSON at {self._where(self.at if at is None else at)}: "
                         f"{message}")
