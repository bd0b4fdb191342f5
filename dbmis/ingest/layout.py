"""Where things are in a DBMIS template. Shared by the template writer and the reader.

Data sheet::

    row 1   title
    row 2   District            | C2: district name (dropdown, or pre-filled and locked)
    row 3   Reporting year      | C3: the year (pre-filled, locked)
    row 4   Focal point name    | C4
    row 5   Contact             | C5
    row 7   Code | Indicator | Unit | Jan YYYY ... Dec YYYY
    row 8+  one row per indicator; months in columns D..O

A blank value cell means "not reported"; 0 means "reported zero".
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter

TEMPLATE_VERSION = "1"
TEMPLATE_CODE_PREFIX = "DBMIS-"

SHEET_INSTRUCTIONS = "Instructions"
SHEET_DATA = "Data"
SHEET_LISTS = "Lists"
SHEET_META = "_meta"

DISTRICT_CELL = "C2"
YEAR_CELL = "C3"
FOCAL_NAME_CELL = "C4"
FOCAL_CONTACT_CELL = "C5"
HEADER_ROW = 7
FIRST_DATA_ROW = 8
CODE_COL = 1  # A
NAME_COL = 2  # B
UNIT_COL = 3  # C
FIRST_MONTH_COL = 4  # D
MONTHS = 12
LAST_MONTH_COL = FIRST_MONTH_COL + MONTHS - 1  # O

DISTRICT_LIST_NAME = "DistrictList"

# _meta sheet: key in column A, value in column B, in this order.
META_KEYS = ("template", "version", "fingerprint", "institution", "province", "year", "district")


def template_code(institution_code: str) -> str:
    return f"{TEMPLATE_CODE_PREFIX}{institution_code}"


def month_column(month: int) -> int:
    """Worksheet column (1-based) of calendar month 1..12."""
    return FIRST_MONTH_COL + month - 1


def month_of_column(col: int) -> int | None:
    if FIRST_MONTH_COL <= col <= LAST_MONTH_COL:
        return col - FIRST_MONTH_COL + 1
    return None


def cell_ref(row: int, col: int, sheet: str = SHEET_DATA) -> str:
    """'Data!F12' for row 12, column 6 (both 1-based)."""
    return f"{sheet}!{get_column_letter(col)}{row}"
