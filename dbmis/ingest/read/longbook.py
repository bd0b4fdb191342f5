"""Read a long-format workbook (.xlsx) into tidy cells: the long CSV, typed in Excel.

The format: the first visible sheet (e.g. ``Data``) has in row 1, from column A, the column
names ``district, institution, indicator, period, value`` (any order, any case), then one
figure per row, exactly as the long CSV (:mod:`dbmis.ingest.read.csvfile`). The rows go through
the same tidy path and the same validation as the CSV's lines; only the cells differ: issues
name real cells (``Data!A12`` for the district of row 12, ``Data!E12`` for its value).

What a workbook adds to the CSV's rules:

- a period may be a date cell on the first day of the month (what Excel makes of ``2026-01``
  or ``Jan 2026`` typed into a cell), read as that month; any other date is not a month;
- a value cell typed as a number is that number; a date or TRUE/FALSE is not a number;
- a cell right of the named columns makes its row unreadable (CSV_LINE_INVALID), like a CSV
  line with too many fields; a formula anywhere on the sheet is refused (VALUE_FORMULA).

:func:`read_long_workbook` returns ``None`` for a workbook that is not in the long format (it
has a ``_meta`` sheet, or row 1 of its first visible sheet does not name the long columns), so
the caller reads it as a filled template. Only call it for bytes that passed the safety checks.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from dbmis.catalog import Catalog
from dbmis.ingest import layout as L
from dbmis.ingest.codes import CODES, MAX_ISSUES_PER_CODE, make_issue
from dbmis.ingest.read.csvfile import (
    COLUMNS,
    check_header,
    empty_outcome,
    line_issues,
    tidy_long,
)
from dbmis.ingest.read.outcome import LongLayout, ReadOutcome
from dbmis.ingest.read.values import classify, format_number
from dbmis.ingest.result import Issue

#: row 1 names at least this many of the long columns: the file is meant to be long (a missing
#: or misspelt column is then reported as CSV_HEADER, not as "not a template")
MIN_NAMED_COLUMNS = 3
_READ_ERRORS = (CalamineError, ValueError, OSError, UnicodeError, IndexError, TypeError)


def long_header(names: Sequence[object]) -> bool:
    """Whether a header row names the long columns (at least :data:`MIN_NAMED_COLUMNS`)."""
    found = {_text(n).strip().lower() for n in names} & set(COLUMNS)
    return len(found) >= MIN_NAMED_COLUMNS


def read_long_workbook(
    data: bytes,
    catalog: Catalog,
    *,
    formula_cells: Mapping[str, Sequence[str]] | None = None,
    sheet_names_hint: Sequence[str] | None = None,
) -> ReadOutcome | None:
    """Read a long workbook into tidy cells, or ``None`` when it is not a long workbook.

    ``formula_cells`` (sheet -> ``['E12', ...]``) and ``sheet_names_hint`` come from the safety
    layer's ``WorkbookFacts``, as for :func:`~dbmis.ingest.read.workbook.read_workbook`. A
    workbook calamine cannot read, or whose sheets it lists differently from the safety layer,
    is not judged here (``None``): the template reader reports it.
    """
    if sheet_names_hint is not None and L.SHEET_META in sheet_names_hint:
        return None
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        try:
            return _read(book, catalog, formula_cells or {}, sheet_names_hint)
        finally:
            book.close()
    except _READ_ERRORS:
        return None
    except BaseException as exc:  # a Rust panic inside calamine: pyo3's PanicException
        if type(exc).__name__ != "PanicException":
            raise
        return None


def _read(
    book: CalamineWorkbook,
    catalog: Catalog,
    formula_cells: Mapping[str, Sequence[str]],
    sheet_names_hint: Sequence[str] | None,
) -> ReadOutcome | None:
    names = tuple(book.sheet_names)
    if L.SHEET_META in names or (sheet_names_hint is not None and tuple(sheet_names_hint) != names):
        return None
    first = next((m for m in book.sheets_metadata if m.visible == SheetVisibleEnum.Visible), None)
    if first is None or first.typ != SheetTypeEnum.WorkSheet:
        return None
    sheet = book.get_sheet_by_name(first.name)
    rows: list[list[Any]] = sheet.to_python(skip_empty_area=False) if sheet.height else []
    if not rows or not long_header(rows[0]):
        return None
    header = [_text(v) for v in rows[0]]
    while header and not header[-1]:
        header.pop()
    positions = {n.strip().lower(): i for i, n in reversed(list(enumerate(header)))}
    layout = LongLayout(
        sheet=first.name,
        columns={c: positions[c] + 1 for c in COLUMNS if c in positions},
        csv=False,
    )
    names_lower, issues, readable = check_header(header, layout)
    issues += _formula_issues(first.name, formula_cells.get(first.name, ()))
    if not readable:
        return empty_outcome(issues, "xlsx", layout)
    return _rows(
        rows, [names_lower.index(c) for c in COLUMNS], len(header), layout, catalog, issues
    )


def _rows(
    rows: list[list[Any]],
    where: list[int],
    width: int,
    layout: LongLayout,
    catalog: Catalog,
    issues: list[Issue],
) -> ReadOutcome:
    """The data rows (row 2 on) as text columns, then the long CSV's tidy path.

    Column by column, with a fast path for what most cells are (text codes, float values).
    """
    d_at, i_at, ind_at, p_at, v_at = where
    row_ids: list[int] = []
    kept: list[list[Any]] = []
    bad: list[tuple[int, str, str]] = []
    for r, row in enumerate(rows[1:], start=2):
        if len(row) > width and (extra := _first_filled(row, width)) is not None:
            # what such a row holds is unreliable: it is reported, not read
            ref = L.cell_ref(r, extra + 1, layout.sheet)
            bad.append((r, ref, f"{ref}: a value right of the {width} named columns of row 1"))
            continue
        row_ids.append(r)
        kept.append(row if len(row) >= width else row + [""] * (width - len(row)))
    issues += line_issues(
        bad, layout, "Type each value in its own named column; delete anything else."
    )
    columns = list(zip(*kept, strict=True)) if kept else [()] * width
    values = columns[v_at]
    kind: list[str] = []
    raw: list[str] = []
    number: list[float] = []
    for v in values:
        if v.__class__ is float and math.isfinite(v):
            kind.append("number")
            raw.append(format_number(v))
            number.append(v)
        else:
            k, text, n = classify(v)
            kind.append(k)
            raw.append(text)
            number.append(n)
    frame = pd.DataFrame(
        {
            "district": _texts(columns[d_at]),
            "institution": _texts(columns[i_at]),
            "indicator": _texts(columns[ind_at]),
            "period": [v if v.__class__ is str else _period(v) for v in columns[p_at]],
            "value": raw,
        },
        index=np.asarray(row_ids, dtype=np.int64),
        dtype=object,
    )
    return tidy_long(
        frame,
        catalog,
        issues,
        source="xlsx",
        layout=layout,
        kinds=np.asarray(kind, dtype=object),
        numbers=np.asarray(number, dtype=np.float64),
    )


def _first_filled(row: list[Any], start: int) -> int | None:
    return next((c for c in range(start, len(row)) if _filled(row[c])), None)


def _texts(values: tuple[Any, ...]) -> list[str]:
    return [v if v.__class__ is str else _text(v) for v in values]


def _filled(value: Any) -> bool:
    return not (value is None or (isinstance(value, str) and not value.strip()))


def _text(value: Any) -> str:
    """A code cell as text, as the CSV would have it ('' when empty; 12.0 -> '12')."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _period(value: Any) -> str:
    """A period cell as text: a date on the first of a month becomes 'YYYY-MM'."""
    midnight = not isinstance(value, datetime) or value.time() == datetime.min.time()
    if isinstance(value, datetime | date) and value.day == 1 and midnight:
        return f"{value.year:04d}-{value.month:02d}"
    return _text(value)


def _formula_issues(sheet: str, refs: Sequence[str]) -> list[Issue]:
    refs = list(dict.fromkeys(r.replace("$", "").upper() for r in refs))
    issues = [
        make_issue(
            "VALUE_FORMULA",
            f"{sheet}!{ref}: this cell holds a formula; only typed values are accepted. "
            f"{CODES['VALUE_FORMULA'].fix}",
            cell=f"{sheet}!{ref}",
        )
        for ref in refs[:MAX_ISSUES_PER_CODE]
    ]
    if len(refs) > MAX_ISSUES_PER_CODE:
        issues.append(
            make_issue(
                "VALUE_FORMULA",
                f"{len(refs) - MAX_ISSUES_PER_CODE} more cells with a formula are not listed. "
                f"{CODES['VALUE_FORMULA'].fix}",
                sheet=sheet,
            )
        )
    return issues
