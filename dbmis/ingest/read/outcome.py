"""What reading a file gives: the template's identity, its header and tidy cells."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from dbmis.catalog import Catalog
from dbmis.ingest import layout as L
from dbmis.ingest.read.values import KINDS
from dbmis.ingest.result import Issue
from dbmis.periods import month_key

#: the columns of :attr:`ReadOutcome.cells`, in order
CELL_COLUMNS = (
    "row_id",  # int: the Excel row, or the CSV line (line 1 is the header)
    "col",  # int: the Excel column (1 = A); for a CSV, the position of the value column
    "cell",  # str: 'Data!F12' (a workbook, wide or long) or 'CSV!line 12'
    "indicator",  # category: the indicator code as written in the file
    "month",  # int YYYYMM; the month alone (1..12) when the year is unknown, 0 when invalid
    "raw",  # str: the cell as typed
    "value",  # float: the number, NaN when blank or not a number
    "kind",  # category: number | blank | text | bool | date
    "district",  # category: the district code when recognised, else the text as written
    "institution",  # category: the institution code
)

CSV_SHEET = "CSV"
_CSV_CELL = re.compile(r"^CSV!line (\d+)$")
_XLSX_CELL = re.compile(r"^(?P<sheet>.+)!(?P<col>[A-Z]{1,3})(?P<row>\d+)$")


def csv_cell(line: int) -> str:
    """The cell reference of a CSV line: ``CSV!line 12`` (line 1 is the header line)."""
    return f"{CSV_SHEET}!line {line}"


@dataclass(frozen=True)
class LongLayout:
    """Where the rows of a long-format file are: lines of a CSV, or rows of a worksheet.

    A long file has one figure per line (CSV) or row (workbook) with the columns district,
    institution, indicator, period and value. ``columns`` maps each of them to its worksheet
    column (1 = A); a CSV has none, as its cells are whole lines (``CSV!line 12``).
    """

    sheet: str = CSV_SHEET
    columns: Mapping[str, int] = field(default_factory=dict)
    csv: bool = True

    def cell(self, row: int, column: str = "value") -> str:
        """The reference of one field of a row: ``CSV!line 12`` or ``Data!A12``."""
        if self.csv:
            return csv_cell(row)
        return L.cell_ref(row, self.columns[column], self.sheet)

    def cells(self, rows: np.ndarray, column: str = "value") -> np.ndarray:
        """:meth:`cell` for many rows at once (an object array)."""
        if self.csv:
            prefix = f"{CSV_SHEET}!line "
        else:
            prefix = L.cell_ref(1, self.columns[column], self.sheet)[:-1]  # 'Data!E'
        return (prefix + pd.Series(rows, dtype=np.int64).astype(str)).to_numpy(dtype=object)

    @property
    def line(self) -> str:
        """What a person calls one entry: 'line' of a CSV, 'row' of a worksheet."""
        return "line" if self.csv else "row"

    def lines(self, first: int, count: int, column: str = "value") -> str:
        """'Line 12 (and 3 more lines)' or 'Data!A12 (and 3 more rows)', for messages."""
        head = f"Line {first}" if self.csv else self.cell(first, column)
        return head + (f" (and {count - 1:,} more {self.line}s)" if count > 1 else "")

    @property
    def where(self) -> str:
        """The file's data, for messages: 'CSV file' or "'Data' sheet"."""
        return "CSV file" if self.csv else f"'{self.sheet}' sheet"


#: the layout of every long CSV
CSV_LAYOUT = LongLayout()


def where(cell: str) -> str:
    """How a message names a cell: 'Data!F12' stays, 'CSV!line 12' becomes 'Line 12'."""
    match = _CSV_CELL.match(cell)
    return f"Line {match[1]}" if match else cell


def cell_position(cell: str | None) -> tuple[str, int, int]:
    """``(sheet, row, column)`` of a cell reference, for sorting issues; ('', 0, 0) if none."""
    if not cell:
        return "", 0, 0
    if match := _CSV_CELL.match(cell):
        return CSV_SHEET, int(match[1]), 0
    if match := _XLSX_CELL.match(cell):
        col = 0
        for ch in match["col"]:
            col = col * 26 + ord(ch) - 64
        return match["sheet"], int(match["row"]), col
    return cell, 0, 0


def month_of(year: int | None, month: int) -> int:
    """The month key, or the bare month number (1..12) when the year is unknown."""
    return month_key(year, month) if year else month


@dataclass(frozen=True)
class TemplateMeta:
    """The hidden ``_meta`` sheet of a template, as written by the template builder."""

    template: str
    version: str
    fingerprint: str
    institution: str
    province: str
    year: int | None  # None when the template was not made for a year (or the text is bad)
    district: str  # a district code, or '' when the template was not made for a district
    raw: dict[str, str] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Header:
    """The header cells of the Data sheet (C2..C5)."""

    district: str | None  # the district code, when C2 names a district (by name or code)
    district_raw: str  # C2 as typed
    year: int | None  # C3 when it is a four-digit year between 2000 and 2100
    year_raw: str  # C3 as typed
    focal_name: str  # C4
    contact: str  # C5


@dataclass(eq=False)
class ReadOutcome:
    """A file read into tidy cells, before validation.

    ``cells`` has one row per non-empty cell of the value grid (see :data:`CELL_COLUMNS`).
    Empty cells have no row: blank means "not reported"; :meth:`blank_cells` lists them for a
    workbook. A cell of spaces only is kept with ``kind == 'blank'`` (also "not reported"); a
    loader keeps only ``kind == 'number'``. ``issues`` are the problems found while reading the
    layout; :func:`dbmis.ingest.validate.validate_upload` adds everything else.
    """

    source: Literal["xlsx", "csv"]
    cells: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)
    meta: TemplateMeta | None = None
    header: Header | None = None
    #: the institution: from _meta (or, without _meta, the one all row codes belong to); for a
    #: CSV, the institution when the file holds exactly one
    institution: str | None = None
    #: the year the months were read with (Data!C3, else the template's year)
    year: int | None = None
    #: Data sheet: Excel row -> code as written in column A, for rows from FIRST_DATA_ROW on
    row_codes: dict[int, str] = field(default_factory=dict)
    #: Data sheet cells holding a formula ('F12'), from the safety layer's WorkbookFacts
    formula_cells: tuple[str, ...] = ()
    #: sheet names in workbook order
    sheet_names: tuple[str, ...] = ()
    #: False when the Data sheet (or a readable CSV body) was not found at all
    data_found: bool = True
    #: a long-format file (the CSV, or a long workbook): where its rows are. ``None`` for a
    #: filled template (the wide monthly grid)
    long_layout: LongLayout | None = None

    @property
    def is_long(self) -> bool:
        """One figure per line or row (district, institution, indicator, period, value)."""
        return self.long_layout is not None

    @property
    def district(self) -> str | None:
        """The district code the figures are for (header, else the template's district)."""
        if self.header and self.header.district:
            return self.header.district
        if self.meta and self.meta.district:
            return self.meta.district
        return None

    def blank_cells(self) -> pd.DataFrame:
        """Grid cells of indicator rows left empty (``indicator``, ``month``, ``cell``)."""
        if self.is_long:
            return pd.DataFrame({"indicator": [], "month": [], "cell": []})
        filled = set(zip(self.cells["row_id"], self.cells["col"], strict=True))
        rows = []
        for row, code in self.row_codes.items():
            for m in range(1, L.MONTHS + 1):
                col = L.month_column(m)
                if (row, col) not in filled:
                    rows.append((code, month_of(self.year, m), L.cell_ref(row, col)))
        return pd.DataFrame(rows, columns=["indicator", "month", "cell"])


def cells_frame(
    columns: Mapping[str, Any], *, district: str | None = None, institution: str | None = None
) -> pd.DataFrame:
    """Build a cells frame with the standard columns and dtypes.

    ``columns`` holds lists (or arrays) for the cell columns; ``district`` and ``institution``
    fill those columns when they are not given per row.
    """
    n = len(columns.get("row_id", ()))
    data: dict[str, object] = {
        "row_id": np.asarray(columns.get("row_id", ()), dtype=np.int64),
        "col": np.asarray(columns.get("col", ()), dtype=np.int64),
        "cell": _objects(columns.get("cell", ())),
        "indicator": pd.Categorical(columns.get("indicator", ())),
        "month": np.asarray(columns.get("month", ()), dtype=np.int64),
        "raw": _objects(columns.get("raw", ())),
        "value": np.asarray(columns.get("value", ()), dtype=np.float64),
        "kind": pd.Categorical(columns.get("kind", ()), categories=KINDS),
        "district": pd.Categorical(
            columns["district"] if "district" in columns else [district] * n
        ),
        "institution": pd.Categorical(
            columns["institution"] if "institution" in columns else [institution] * n
        ),
    }
    return pd.DataFrame(data)


def _objects(values: Any) -> np.ndarray:
    if isinstance(values, np.ndarray) and values.dtype == object:
        return values
    out: np.ndarray = np.empty(len(values), dtype=np.object_)
    out[:] = list(values)
    return out


def district_lookup(catalog: Catalog) -> dict[str, str]:
    """Lower-cased district code, English name and Urdu name -> district code."""
    found: dict[str, str] = {}
    for d in catalog.districts:
        for key in (d.name.ur, d.name.en, d.code):  # codes win over names
            found[" ".join(key.split()).casefold()] = d.code
    return found


def resolve_district(text: str, lookup: dict[str, str]) -> str | None:
    return lookup.get(" ".join(text.split()).casefold()) if text else None


def catalog_year_ok(year: int) -> bool:
    return 2000 <= year <= 2100
