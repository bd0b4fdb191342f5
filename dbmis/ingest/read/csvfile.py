"""Read the long CSV bulk format into tidy cells.

The format: UTF-8 text (a byte-order mark is allowed), comma separated, a header line naming
the columns ``district,institution,indicator,period,value`` (any order, any case), then one
line per figure. ``district`` is a district code (or its English name), ``period`` a month
``YYYY-MM``, ``value`` a plain number (``.`` for decimals, no thousands separators) or empty for
"not reported". One file may hold many districts, institutions and years.

Cells are referred to as ``CSV!line N``, where line 1 is the header line, so N is the line
number a text editor shows (as long as no quoted value spans several lines).

Only call this for bytes that passed the safety checks (size, lines, UTF-8).
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Callable
from typing import Literal

import numpy as np
import pandas as pd

from dbmis.catalog import Catalog
from dbmis.ingest import layout as L
from dbmis.ingest.codes import MAX_ISSUES_PER_CODE, make_issue
from dbmis.ingest.read.outcome import (
    CSV_LAYOUT,
    CSV_SHEET,
    LongLayout,
    ReadOutcome,
    cells_frame,
    csv_cell,
    district_lookup,
    resolve_district,
)
from dbmis.ingest.read.values import NUMBER_TEXT
from dbmis.ingest.result import Issue
from dbmis.periods import month_key

COLUMNS = ("district", "institution", "indicator", "period", "value")
#: the ``col`` of every CSV cell: the value column's position in the standard header
VALUE_COL = 5
_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")
_BAD_LINE = re.compile(r"[Ll]ine (\d+)")
_OPTIONS = {
    "keep_default_na": False,  # 'NA', 'n/a', 'null' stay text: they are not blanks
    "na_filter": False,
    "skip_blank_lines": False,  # keep line numbers exact; empty lines are dropped below
    "encoding": "utf-8-sig",
    "encoding_errors": "replace",
    "engine": "c",
    "index_col": False,  # else a line with one field too many turns column 1 into an index
    "header": None,  # the header line was read and checked already; columns are by position
    "skiprows": 1,
}
_SPARE = (-1, -2)  # two spare columns catch lines with one or two fields too many


def read_csv(data: bytes, catalog: Catalog) -> ReadOutcome:
    """Read a long CSV into tidy cells (see :data:`~dbmis.ingest.read.outcome.CELL_COLUMNS`).

    The cells frame has, besides the standard columns, ``period`` (the text as written). The
    ``district`` column holds the district code when the text names a district (by code or
    English name), else the text as written; ``indicator`` and ``institution`` are upper-cased
    and stripped. Months are 0 when the period is not a valid ``YYYY-MM``.
    """
    issues: list[Issue] = []
    header = _header(data)
    if header is None:
        issues.append(_header_issue("The file is empty: it has no header line.", CSV_LAYOUT))
        return empty_outcome(issues)
    names, header_issues, readable = check_header(header, CSV_LAYOUT)
    issues += header_issues
    if not readable:
        return empty_outcome(issues)
    # Lines with more fields than the header are data typed in the wrong place ('1,234'
    # unquoted). pandas drops such extra fields silently (with usecols, or when the first line
    # is the long one), so read into positional columns plus two spare ones and check those.
    positions = [*range(len(header)), *_SPARE]
    dtypes: dict[object, object] = {p: str for p in positions}
    dtypes.update({names.index(c): "category" for c in COLUMNS if c != "value"})
    frame, bad_lines = _parse(data, positions, dtypes, issues)
    if frame is None:
        return empty_outcome(issues)
    # the line number of each row: 2, 3, ... without the lines pandas skipped
    skipped = np.array([line for line, _ in bad_lines], dtype=np.int64)
    lines = np.arange(2, 2 + len(frame) + len(skipped), dtype=np.int64)
    if len(skipped):
        lines = lines[~np.isin(lines, skipped)]
    spare = np.zeros(len(frame), dtype=bool)
    for p in _SPARE:
        spare |= frame[p].to_numpy(dtype=object) != ""
    if len(frame) and lines[0] == 2 and _first_record_width(data) > len(header):
        spare[0] = True  # pandas truncates a long *first* line to the names, with a warning
    for i in np.flatnonzero(spare):
        bad_lines.append((int(lines[i]), f"more values than the {len(header)} columns of line 1"))
    bad_lines.sort()
    frame = frame[[names.index(c) for c in COLUMNS]]
    frame.columns = list(COLUMNS)
    frame.index = lines
    if spare.any():  # what such a line holds is unreliable: it is reported, not read
        frame = frame[~spare]
    issues += line_issues(
        [(line, csv_cell(line), f"Line {line}: {text}") for line, text in bad_lines],
        CSV_LAYOUT,
        "Put each value in its own column and quote values that contain commas.",
    )
    return tidy_long(frame, catalog, issues, source="csv", layout=CSV_LAYOUT)


def _header(data: bytes) -> list[str] | None:
    end = data.find(b"\n")
    first = data if end < 0 else data[:end]
    text = first.decode("utf-8-sig", errors="replace").rstrip("\r")
    if not text.strip():
        return None
    try:
        return next(csv.reader([text]))
    except csv.Error:  # a stray carriage return or NUL: the header is wrong anyway
        return text.split(",")


def _first_record_width(data: bytes) -> int:
    """Number of fields of the first record after the header (0 if none or unreadable)."""
    text = data[: 256 * 1024].decode("utf-8-sig", errors="replace")
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        next(reader, None)
        return len(next(reader, []))
    except csv.Error:
        return 0


def check_header(header: list[str], layout: LongLayout) -> tuple[list[str], list[Issue], bool]:
    """Check the names of a long file's columns (CSV line 1, or row 1 of a long workbook).

    Returns the names (stripped, lower case, in file order), the issues (CSV_HEADER) and
    whether the rows can be read: unknown columns are reported but the rows are still read,
    a missing or doubled column makes them unreadable.
    """
    names = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    unknown = [h for h, n in zip(header, names, strict=True) if n not in COLUMNS]
    doubled = sorted({n for n in names if n in COLUMNS and names.count(n) > 1})
    if not (missing or unknown or doubled):
        return names, [], True
    parts = []
    if missing:
        parts.append("missing column(s): " + ", ".join(missing))
    if unknown:
        parts.append("unknown column(s): " + ", ".join(repr(u) for u in unknown))
    if doubled:
        parts.append("column(s) given twice: " + ", ".join(doubled))
    first = "Line 1" if layout.csv else L.cell_ref(1, 1, layout.sheet)
    text = f"{first}: " + "; ".join(parts) + "."
    if layout.csv and len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        text += (
            " The values seem to be separated by semicolons or tabs: save the file as "
            "'CSV UTF-8 (Comma delimited)'."
        )
    return names, [_header_issue(text, layout)], not (missing or doubled)


def _header_issue(message: str, layout: LongLayout) -> Issue:
    if layout.csv:
        return make_issue(
            "CSV_HEADER",
            f"{message} The first line must be: {','.join(COLUMNS)}",
            cell=csv_cell(1),
        )
    return make_issue(
        "CSV_HEADER",
        f"{message} Row 1 of the '{layout.sheet}' sheet must name the columns "
        f"{', '.join(COLUMNS)} (in any order), one per cell from column A.",
        cell=L.cell_ref(1, 1, layout.sheet),
    )


def line_issues(bad: list[tuple[int, str, str]], layout: LongLayout, fix: str) -> list[Issue]:
    """CSV_LINE_INVALID for lines (rows) that cannot be read: ``(line, cell, text)`` each,
    at most :data:`MAX_ISSUES_PER_CODE`, then one issue that counts the rest."""
    issues = [
        make_issue("CSV_LINE_INVALID", f"{text}. {fix}", cell=cell)
        for _line, cell, text in sorted(bad)[:MAX_ISSUES_PER_CODE]
    ]
    if len(bad) > MAX_ISSUES_PER_CODE:
        issues.append(
            make_issue(
                "CSV_LINE_INVALID",
                f"{len(bad) - MAX_ISSUES_PER_CODE} more {layout.line}s that cannot be read are "
                "not listed.",
                sheet=layout.sheet,
            )
        )
    return issues


def _parse(
    data: bytes, positions: list[int], dtypes: dict[object, object], issues: list[Issue]
) -> tuple[pd.DataFrame | None, list[tuple[int, str]]]:
    """The frame, and lines skipped because they have too many fields."""
    try:
        with warnings.catch_warnings():
            # a first line longer than the names: reported by _first_record_width instead
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            return pd.read_csv(io.BytesIO(data), names=positions, dtype=dtypes, **_OPTIONS), []
    except (pd.errors.ParserError, ValueError, UnicodeError):
        pass
    bad: list[tuple[int, str]] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frame = pd.read_csv(
                io.BytesIO(data),
                names=positions,
                dtype=dtypes,
                on_bad_lines="warn",
                **_OPTIONS,
            )
    except (pd.errors.ParserError, ValueError, UnicodeError) as exc:
        issues.append(
            make_issue(
                "CSV_LINE_INVALID",
                f"The file cannot be read as CSV ({_first_line(str(exc))}). Check for a quote "
                "that is not closed, save as 'CSV UTF-8 (Comma delimited)' and upload again.",
                sheet=CSV_SHEET,
            )
        )
        return None, []
    columns = len(positions) - len(_SPARE)
    for w in caught:
        for text in str(w.message).splitlines():
            if match := _BAD_LINE.search(text):
                bad.append((int(match[1]), f"more values than the {columns} columns of line 1"))
    return frame, sorted(bad)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "parser error"


def empty_outcome(
    issues: list[Issue], source: Literal["xlsx", "csv"] = "csv", layout: LongLayout = CSV_LAYOUT
) -> ReadOutcome:
    """A long file whose rows could not be read at all."""
    cells = cells_frame({})
    cells["period"] = pd.Categorical([])
    return ReadOutcome(source, cells, issues, data_found=False, long_layout=layout)


def _map_categories(series: pd.Series, fn: Callable[[str], object]) -> tuple[np.ndarray, list]:
    """Apply ``fn`` to each distinct value: (new codes per row, new categories)."""
    cat = series.astype("category").cat
    # pandas infers the categories' type (all-digit values come back as int): use text
    mapped = [fn(str(c)) for c in cat.categories]
    uniques = list(dict.fromkeys(mapped))
    position = {v: i for i, v in enumerate(uniques)}
    lookup = np.array([position[v] for v in mapped] or [0], dtype=np.int32)
    return lookup[cat.codes.to_numpy()], uniques


def _as_categorical(series: pd.Series, fn: Callable[[str], object]) -> pd.Categorical:
    codes, cats = _map_categories(series, fn)
    return pd.Categorical.from_codes(codes, categories=cats)


def _month(text: str) -> int:
    match = _PERIOD.match(text.strip())
    if match and 2000 <= int(match[1]) <= 2100 and 1 <= int(match[2]) <= 12:
        return month_key(int(match[1]), int(match[2]))
    return 0


def tidy_long(
    frame: pd.DataFrame,
    catalog: Catalog,
    issues: list[Issue],
    *,
    source: Literal["xlsx", "csv"],
    layout: LongLayout,
    kinds: np.ndarray | None = None,
    numbers: np.ndarray | None = None,
) -> ReadOutcome:
    """The long rows of a CSV or a long workbook as tidy cells: the one path both share.

    ``frame`` has the text columns district, institution, indicator, period and value (the
    value as written), indexed by line (CSV) or worksheet row. Rows whose five fields are all
    empty are dropped. The value's kind and number come from its text, unless a workbook gives
    them (``kinds`` and ``numbers``, one per row: a cell typed as a number, date or TRUE/FALSE).
    """
    row_id = frame.index.to_numpy(dtype=np.int64)  # line numbers; line 1 is the header
    raw_value = frame["value"].astype(object).to_numpy()
    empty_line = raw_value == ""
    for c in ("district", "institution", "indicator", "period"):
        empty_line &= frame[c].astype(object).to_numpy() == ""
    keep = ~empty_line
    if not keep.all():
        frame, row_id, raw_value = frame[keep], row_id[keep], raw_value[keep]
        kinds = kinds[keep] if kinds is not None else None
        numbers = numbers[keep] if numbers is not None else None

    lookup = district_lookup(catalog)
    district = _as_categorical(
        frame["district"], lambda t: resolve_district(t, lookup) or t.strip()
    )
    institution = _as_categorical(frame["institution"], lambda t: t.strip().upper())
    indicator = _as_categorical(frame["indicator"], lambda t: t.strip().upper())
    month_codes, months = _map_categories(frame["period"], _month)
    month = np.asarray(months, dtype=np.int64)[month_codes] if len(frame) else month_codes

    if kinds is None or numbers is None:
        kinds, numbers = _classify_text(raw_value)
    cells = cells_frame(
        {
            "row_id": row_id,
            "col": np.full(len(row_id), layout.columns.get("value", VALUE_COL), dtype=np.int64),
            "cell": layout.cells(row_id),
            "indicator": indicator,
            "month": month,
            "raw": raw_value,
            "value": numbers,
            "kind": kinds,
            "district": district,
            "institution": institution,
        }
    )
    cells["period"] = _as_categorical(frame["period"], lambda t: t)
    known = [i for i in institution.categories if i in catalog.institution_by_code]
    return ReadOutcome(
        source,
        cells,
        issues,
        institution=known[0] if len(institution.categories) == 1 and known else None,
        long_layout=layout,
    )


def _classify_text(raw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(kind, number) of values written as text: each distinct text is classified once."""
    codes, uniques = pd.factorize(raw)
    if not len(uniques):
        return np.empty(0, dtype=object), np.empty(0)
    stripped = pd.Series(uniques, dtype=object).str.strip()
    is_number = stripped.str.fullmatch(NUMBER_TEXT).fillna(False).to_numpy(dtype=bool)
    numbers = pd.to_numeric(stripped.where(is_number), errors="coerce").to_numpy(dtype=float)
    finite = np.isfinite(numbers)
    kinds = np.where(finite, "number", np.where(stripped.to_numpy() == "", "blank", "text"))
    numbers = np.where(finite, numbers, np.nan)
    return kinds[codes], numbers[codes]
