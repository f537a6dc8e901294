"""Large point layers: strike reports, vessel positions, any table of points.

A point layer is a few numpy arrays, not a list of features, so that a
million rows stay cheap to read, check and pack for the browser
(:mod:`mapper.html.pointpack`).  Rows keep their file order: row N of the file is
index N - 1 everywhere, and popups name it.

Columns are found by name unless given: ``lat``/``latitude``,
``lon``/``lng``/``longitude``, and optionally a time (``date``, ``time``,
``datetime``, ``timestamp``), a category (``category``, ``type``, ``kind``)
and a label (``name``, ``label``, ``title``).  Times are ISO 8601 and kept
to the day (UTC); an empty time leaves the point undated.

Every problem is one :class:`~mapper.errors.DataError` naming the file, the
column and the row.
"""

import csv
import dataclasses
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mapper.core.text import shown
from mapper.errors import DataError
from mapper.load.files import checked_size

# Refused before reading, so a mistaken file cannot exhaust memory.
MAX_POINTS = 2_000_000
MAX_CATEGORIES = 255  # one byte per point in the browser
MAX_LABEL_CHARS = 200

SUFFIXES = (".csv", ".geojson", ".json", ".parquet", ".geoparquet")
COLUMN_NAMES = {
    "lat": ("lat", "latitude"),
    "lon": ("lon", "lng", "long", "longitude"),
    "time": ("date", "time", "datetime", "timestamp", "event_date"),
    "category": ("category", "type", "kind", "event_type"),
    "label": ("name", "label", "title"),
}
NO_CATEGORY = "(none)"
# Kept in labels though not printable: the space, and the zero-width (non-)joiner that Persian spelling needs.
_KEPT = frozenset(" \u200c\u200d")


@dataclass(frozen=True, eq=False)
class PointLayer:
    """Points with optional day, category and label per point.

    ``day`` holds whole days since 1970-01-01 (UTC) as int64, or None for a
    layer without times; ``undated`` marks points with an empty time.
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

    def __len__(self):
        return len(self.lon)

    @property
    def digest_parts(self):
        """Bytes that identify the layer's content, for reproducible element ids."""
        parts = [self.title.encode(), self.source.encode(), self.lon.tobytes(), self.lat.tobytes(),
                 repr(self.categories).encode(), repr(self.columns).encode()]
        for array in (self.day, self.undated, self.category):
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
    day, undated = _days(time, f"{where}: {row}") if time is not None else (None, None)
    codes, names = _categories(category, where) if category is not None else (None, ())
    return PointLayer(
        title=_clean(title), source=_clean(source), lon=lon, lat=lat, day=day, undated=undated,
        category=codes, categories=names, labels=None if label is None else tuple(_clean(v) for v in label),
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
    import pandas as pd  # for start-up speed: only point files need pandas

    series = pd.Series(values, dtype=object) if not hasattr(values, "dtype") else pd.Series(values)
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        parsed = series.dt.tz_localize("UTC") if series.dt.tz is None else series.dt.tz_convert("UTC")
    else:
        text = series.astype("string").str.strip()
        empty = text.isna() | (text == "")
        parsed = pd.to_datetime(text.where(~empty), format="ISO8601", utc=True, errors="coerce")
        bad = parsed.isna() & ~empty
        if bad.any():
            i = int(np.argmax(bad.to_numpy()))
            raise DataError(f"{row_of} {i + 1}: time {shown(str(text.iloc[i]))} is not an ISO 8601 date "
                            "such as 2024-06-21 or 2024-06-21T14:30Z")
    undated = parsed.isna().to_numpy()
    # Straight to days (numpy floors): through nanoseconds, dates outside 1677-2262 wrapped round silently.
    days = parsed.dt.tz_localize(None).to_numpy().astype("datetime64[D]").astype(np.int64)
    day = np.where(undated, 0, days)
    return day.astype(np.int64), undated


def _categories(values, where):
    import pandas as pd  # for start-up speed: only point files need pandas

    text = pd.Series(values, dtype=object).astype("string").str.strip().fillna("")
    text = text.where(text != "", NO_CATEGORY)
    codes, names = pd.factorize(text, sort=True)
    if len(names) > MAX_CATEGORIES:
        raise DataError(f"{where}: the category column has {len(names):,} different values; a category "
                        f"column may have at most {MAX_CATEGORIES} (is it an id or a free-text column?)")
    return codes.astype(np.uint8), tuple(_clean(str(n)) for n in names)


def _clean(text):
    """One line of at most MAX_LABEL_CHARS printable characters."""
    text = "" if text is None else str(text)
    if text.isprintable() and len(text) <= MAX_LABEL_CHARS:
        return text.strip()
    text = "".join(" " if unicodedata.category(c)[0] in "CZ" and c not in _KEPT else c for c in text).strip()
    return text if len(text) <= MAX_LABEL_CHARS else text[:MAX_LABEL_CHARS - 1] + "…"


# -- files ---------------------------------------------------------------------


def read_point_layer(path, *, title=None, source=None, lat=None, lon=None, time=None, category=None, label=None):
    """Read a point layer from a CSV, GeoJSON or GeoParquet file.

    Parameters
    ----------
    path : str or os.PathLike
        ``.csv`` (UTF-8, with a header row), ``.geojson``/``.json`` or
        ``.parquet``/``.geoparquet``; at most ``MAX_BYTES["point file"]`` (:mod:`mapper.load.files`).
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
    checked_size(path, "point file")
    wanted = {"lat": lat, "lon": lon, "time": time, "category": category, "label": label}
    if suffix == ".csv":
        table, coords = _read_csv_table(path, wanted), None
    else:
        table, coords = _read_geo(path, suffix)
    row = "row" if suffix == ".csv" else "feature"
    if len(table) == 0:
        raise DataError(f"{path}: no points: the file has no data {row}s")
    chosen = _choose_columns(path, list(table.columns), wanted, need_coords=coords is None)
    if coords is None:
        coords = tuple(_numbers(path, table[chosen[axis]], chosen[axis]) for axis in ("lon", "lat"))
    layer = point_layer(
        *coords, title=title or path.name, source=source or path.name, where=str(path), row=row,
        **{field: table[chosen[field]].to_numpy() if field in chosen else None
           for field in ("time", "category", "label")},
    )
    return dataclasses.replace(layer, columns=tuple(sorted(chosen.items())))


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


def _read_csv_table(path, wanted):
    import pandas as pd  # for start-up speed: only point files need pandas

    # Every column is read as text: coordinates are parsed afterwards so that
    # a bad one can be reported with its row.
    try:
        with warnings.catch_warnings():
            # A row with more fields than the header would be cut short (or
            # shift into the index): refuse it instead.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", index_col=False,
                               engine="c", low_memory=False)
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: empty file; the first line names the columns, e.g. lat,lon,date,type") from None
    except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
        raise DataError(f"{path}: not valid CSV: {_long_row(path) or str(exc).strip().splitlines()[-1]}") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror}") from None


def _long_row(path):
    """'line N has K fields, but the header has H' for the first such line, or None."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        for record in reader:
            if len(record) > len(header):
                return f"line {reader.line_num} has {len(record)} fields, but the header has {len(header)}"
    return None


def _numbers(path, text_column, name):
    import pandas as pd  # for start-up speed: only point files need pandas

    values = pd.to_numeric(text_column.str.strip(), errors="coerce").to_numpy(dtype=np.float64)
    bad = np.isnan(values)
    if bad.any():
        i = int(np.argmax(bad))
        raise DataError(f"{path}: row {i + 1}: column {name!r}: {shown(str(text_column.iloc[i]))} is not a number")
    return values


def _read_geo(path, suffix):
    """(table of properties, (lon, lat)) from a GeoJSON or GeoParquet file of Points."""
    import geopandas  # for start-up speed, as pandas above
    import shapely

    try:
        if suffix in (".parquet", ".geoparquet"):
            frame = geopandas.read_parquet(path)
        else:
            frame = geopandas.read_file(path, engine="pyogrio")
    except ImportError as exc:
        raise DataError(f"{path}: reading it needs {exc.name}; pip install {exc.name}") from None
    except Exception as exc:  # pyogrio, pyarrow and geopandas raise many kinds
        message = " ".join(str(exc).split()) or type(exc).__name__
        raise DataError(f"{path}: cannot read: {message[:200]}") from None
    if frame.crs is not None and not frame.crs.equals("EPSG:4326") and not frame.crs.equals("OGC:CRS84"):
        frame = frame.to_crs("EPSG:4326")
    geometry = frame.geometry.to_numpy()
    kinds = shapely.get_type_id(geometry)
    bad = (kinds != 0) | shapely.is_empty(geometry)
    if bad.any():
        i = int(np.argmax(bad))
        found = "an empty geometry" if geometry[i] is None or shapely.is_empty(geometry[i]) \
            else f"a {geometry[i].geom_type}"
        raise DataError(f"{path}: feature {i + 1}: {found}; a point layer needs a Point for every feature")
    properties = frame.drop(columns=frame.geometry.name)
    return properties, (shapely.get_x(geometry), shapely.get_y(geometry))
