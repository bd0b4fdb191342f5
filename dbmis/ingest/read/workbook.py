"""Read a filled template (.xlsx) into tidy cells with python-calamine.

Only call this for bytes that passed the safety checks (:mod:`dbmis.ingest.safety`): calamine
does not defend against zip bombs or huge parts.

calamine quirks handled here:

- ``to_python()`` drops leading empty rows and columns; ``to_python(skip_empty_area=False)``
  keeps them, so row ``i`` of the list is Excel row ``i + 1`` and addresses are exact.
  (``iter_rows()`` keeps leading empty rows but drops leading empty columns: not used.)
- numbers come back as float (5.0), empty cells as ``''``, TRUE/FALSE as bool, cells formatted
  as dates as ``date``/``datetime``.
- a formula cell without a cached value is silently omitted, so formulas are taken from the
  safety layer's ``WorkbookFacts.formula_cells`` (sheet -> ['F12', ...]), passed in.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from dbmis.catalog import Catalog
from dbmis.ingest import layout as L
from dbmis.ingest.codes import CODES, MAX_ISSUES_PER_CODE, make_issue
from dbmis.ingest.read.outcome import (
    Header,
    ReadOutcome,
    TemplateMeta,
    catalog_year_ok,
    cells_frame,
    district_lookup,
    month_of,
    resolve_district,
)
from dbmis.ingest.read.values import classify, format_number
from dbmis.ingest.result import Issue

_READ_ERRORS = (CalamineError, ValueError, OSError, UnicodeError, IndexError, TypeError)


def read_workbook(
    data: bytes,
    catalog: Catalog,
    *,
    formula_cells: Mapping[str, Sequence[str]] | None = None,
    sheet_names_hint: Sequence[str] | None = None,
) -> ReadOutcome:
    """Read a filled template into tidy cells that keep their cell address.

    ``formula_cells`` maps sheet name -> formula cell addresses as found by the safety layer
    (``WorkbookFacts.formula_cells``). ``sheet_names_hint`` is the list of sheet names the
    safety layer saw (``WorkbookFacts.sheet_names``); if calamine sees other sheets the two
    parsers disagree about the file, and it is refused (WORKBOOK_UNREADABLE).
    Never raises for a bad file: problems come back as issues.
    """
    try:
        return _read(data, catalog, formula_cells or {}, sheet_names_hint)
    except _READ_ERRORS as exc:
        return _unreadable(f"The workbook could not be read ({type(exc).__name__}).")
    except BaseException as exc:
        # a Rust panic inside calamine surfaces as pyo3's PanicException (a BaseException)
        if type(exc).__name__ != "PanicException":
            raise
        return _unreadable("The workbook could not be read (the reader failed on it).")


def _unreadable(message: str, sheet_names: tuple[str, ...] = ()) -> ReadOutcome:
    issue = make_issue("WORKBOOK_UNREADABLE", f"{message} {_fix('WORKBOOK_UNREADABLE')}")
    return ReadOutcome("xlsx", cells_frame({}), [issue], sheet_names=sheet_names, data_found=False)


def _fix(code: str) -> str:
    return CODES[code].fix


def _read(
    data: bytes,
    catalog: Catalog,
    formula_cells: Mapping[str, Sequence[str]],
    sheet_names_hint: Sequence[str] | None,
) -> ReadOutcome:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        return _read_book(book, catalog, formula_cells, sheet_names_hint)
    finally:
        book.close()


def _read_book(
    book: CalamineWorkbook,
    catalog: Catalog,
    formula_cells: Mapping[str, Sequence[str]],
    sheet_names_hint: Sequence[str] | None,
) -> ReadOutcome:
    sheets = {m.name: m for m in book.sheets_metadata}
    names = tuple(book.sheet_names)
    if sheet_names_hint is not None and tuple(sheet_names_hint) != names:
        return _unreadable(
            "The sheets of this workbook are listed inconsistently inside the file, so it "
            "cannot be read with certainty.",
            names,
        )
    issues: list[Issue] = []
    listed = ", ".join(f"'{n}'" for n in names) or "none"
    data_ok = L.SHEET_DATA in sheets and sheets[L.SHEET_DATA].typ == SheetTypeEnum.WorkSheet
    meta_ok = L.SHEET_META in sheets and sheets[L.SHEET_META].typ == SheetTypeEnum.WorkSheet
    if not data_ok and not meta_ok:
        issues.append(
            make_issue(
                "TEMPLATE_UNKNOWN",
                f"This workbook is not a DBMIS template: it has no '{L.SHEET_DATA}' sheet and "
                f"no '{L.SHEET_META}' sheet (its sheets: {listed}). Download your "
                "institution's template from DBMIS, fill it and upload that file.",
            )
        )
        return ReadOutcome("xlsx", cells_frame({}), issues, sheet_names=names, data_found=False)
    meta: TemplateMeta | None = None
    institution: str | None = None
    if meta_ok:
        meta, institution = _read_meta(
            book.get_sheet_by_name(L.SHEET_META).to_python(skip_empty_area=False), catalog, issues
        )
    else:
        issues.append(
            make_issue(
                "SHEET_MISSING",
                f"The hidden sheet '{L.SHEET_META}' that identifies the template is missing "
                f"(the workbook's sheets: {listed}). {_fix('SHEET_MISSING')}",
                sheet=L.SHEET_META,
            )
        )
    if not data_ok:
        issues.append(
            make_issue(
                "SHEET_MISSING",
                f"The sheet '{L.SHEET_DATA}' is missing or was renamed (the workbook's "
                f"sheets: {listed}). Rename the sheet back to '{L.SHEET_DATA}', or "
                "download a fresh template and copy your figures into it.",
                sheet=L.SHEET_DATA,
            )
        )
        return ReadOutcome(
            "xlsx",
            cells_frame({}),
            issues,
            meta=meta,
            institution=institution,
            sheet_names=names,
            data_found=False,
        )
    if sheets[L.SHEET_DATA].visible != SheetVisibleEnum.Visible:
        issues.append(
            make_issue(
                "SHEET_HIDDEN_DATA",
                f"The '{L.SHEET_DATA}' sheet is hidden, so the figures read are not the ones "
                f"you see. {_fix('SHEET_HIDDEN_DATA')}",
                sheet=L.SHEET_DATA,
            )
        )
    sheet = book.get_sheet_by_name(L.SHEET_DATA)
    rows: list[list[Any]] = sheet.to_python(skip_empty_area=False) if sheet.height else []
    return _read_data(
        rows,
        sheet.merged_cell_ranges or [],
        catalog,
        meta,
        institution,
        issues,
        _formula_refs(formula_cells.get(L.SHEET_DATA, ())),
        names,
    )


def _formula_refs(refs: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(r.replace("$", "").upper() for r in refs))


def _text(value: Any) -> str:
    """A header or _meta cell as text ('' when empty; 2026.0 -> '2026')."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return format_number(value)
    return str(value).strip() if value is not None else ""


def _read_meta(
    rows: list[list[Any]], catalog: Catalog, issues: list[Issue]
) -> tuple[TemplateMeta | None, str | None]:
    raw: dict[str, str] = {}
    for row in rows:
        if len(row) >= 2 and (key := _text(row[0])):
            raw.setdefault(key, _text(row[1]))
    template = raw.get("template", "")
    inst = raw.get("institution", "")
    if not template.startswith(L.TEMPLATE_CODE_PREFIX):
        issues.append(
            make_issue(
                "TEMPLATE_UNKNOWN",
                f"This workbook is not a DBMIS template: its '{L.SHEET_META}' sheet does not "
                "name a DBMIS template. Download your institution's template from DBMIS, fill "
                "it and upload that file.",
                sheet=L.SHEET_META,
            )
        )
        return None, None
    year_text = raw.get("year", "")
    year = int(year_text) if year_text.isdigit() and catalog_year_ok(int(year_text)) else None
    meta = TemplateMeta(
        template=template,
        version=raw.get("version", ""),
        fingerprint=raw.get("fingerprint", ""),
        institution=inst,
        province=raw.get("province", ""),
        year=year,
        district=raw.get("district", ""),
        raw=raw,
    )
    if inst not in catalog.institution_by_code or template != L.template_code(inst):
        issues.append(
            make_issue(
                "TEMPLATE_UNKNOWN",
                f"This template ({template}) is not one of this Roadmap's templates. Download "
                "your institution's template from DBMIS, fill it and upload that file.",
                sheet=L.SHEET_META,
            )
        )
        return meta, None
    return meta, inst


def _read_data(
    rows: list[list[Any]],
    merged: list[tuple[tuple[int, int], tuple[int, int]]],
    catalog: Catalog,
    meta: TemplateMeta | None,
    institution: str | None,
    issues: list[Issue],
    formulas: tuple[str, ...],
    names: tuple[str, ...],
) -> ReadOutcome:
    def at(row: int, col: int) -> Any:
        if row <= len(rows) and col <= len(rows[row - 1]):
            return rows[row - 1][col - 1]
        return ""

    # --- header -----------------------------------------------------------------------------
    district_raw = _text(at(*_rc(L.DISTRICT_CELL)))
    district = resolve_district(district_raw, district_lookup(catalog))
    year_value = at(*_rc(L.YEAR_CELL))
    header = Header(
        district=district,
        district_raw=district_raw,
        year=_year(year_value),
        year_raw=_text(year_value),
        focal_name=_text(at(*_rc(L.FOCAL_NAME_CELL))),
        contact=_text(at(*_rc(L.FOCAL_CONTACT_CELL))),
    )
    year = header.year or (meta.year if meta else None)

    # --- indicator rows -----------------------------------------------------------------------
    row_codes: dict[int, str] = {}
    for r in range(L.FIRST_DATA_ROW, len(rows) + 1):
        if text := _text(at(r, L.CODE_COL)):
            row_codes[r] = text
    if institution is None:
        owners = {
            catalog.indicator_by_code[c].institution
            for c in row_codes.values()
            if c in catalog.indicator_by_code
        }
        institution = owners.pop() if len(owners) == 1 else None
    expected = len(catalog.indicators_of(institution)) if institution else 0
    expected_rows = range(L.FIRST_DATA_ROW, L.FIRST_DATA_ROW + expected)
    last_grid_row = max([*row_codes, expected_rows.stop - 1, L.FIRST_DATA_ROW - 1])

    # --- the value grid and anything outside it -------------------------------------------
    cols: dict[str, list[Any]] = {
        k: [] for k in ("row_id", "col", "cell", "indicator", "month", "raw", "value", "kind")
    }
    outside: list[tuple[int, int, Any]] = []
    outside_count = 0
    for r, row in enumerate(rows, start=1):
        code = row_codes.get(r)
        for c, value in enumerate(row, start=1):
            if value == "" or value is None:
                continue
            month = L.month_of_column(c)
            if code is not None and month is not None:
                kind, raw, number = classify(value)
                cols["row_id"].append(r)
                cols["col"].append(c)
                cols["cell"].append(L.cell_ref(r, c))
                cols["indicator"].append(code)
                cols["month"].append(month_of(year, month))
                cols["raw"].append(raw)
                cols["value"].append(number)
                cols["kind"].append(kind)
            elif _outside(r, c, code, expected_rows):
                outside_count += 1
                if len(outside) < MAX_ISSUES_PER_CODE:
                    outside.append((r, c, value))
    for r, c, value in outside:
        _kind, raw, _n = classify(value)
        ref = L.cell_ref(r, c)
        issues.append(
            make_issue(
                "STRUCTURE_VALUE_OUTSIDE_GRID",
                f"{ref}: '{raw}' is outside the figure cells (indicator rows "
                f"{L.FIRST_DATA_ROW}-{max(last_grid_row, L.FIRST_DATA_ROW)}, month columns D-O) "
                "and is not read. Move a figure into its indicator row and month column; "
                "delete anything else.",
                cell=ref,
                value=raw,
            )
        )
    if outside_count > len(outside):
        issues.append(
            make_issue(
                "STRUCTURE_VALUE_OUTSIDE_GRID",
                f"{outside_count - len(outside)} more cells outside the figure cells are not "
                "listed. Delete everything outside the indicator rows and month columns.",
                sheet=L.SHEET_DATA,
            )
        )

    # --- merged cells over the grid -----------------------------------------------------------
    for (r0, c0), (r1, c1) in merged:
        top, left, bottom, right = r0 + 1, c0 + 1, r1 + 1, c1 + 1
        if (
            top <= last_grid_row
            and bottom >= L.FIRST_DATA_ROW
            and left <= L.LAST_MONTH_COL
            and right >= L.FIRST_MONTH_COL
        ):
            first = L.cell_ref(top, left)
            span = f"{first}:{L.cell_ref(bottom, right).split('!')[1]}"
            issues.append(
                make_issue(
                    "STRUCTURE_MERGED_CELLS",
                    f"{span}: these cells are merged, so one figure covers several indicators "
                    "or months. Unmerge them (Merge & Center > Unmerge Cells) and type one "
                    "figure per cell.",
                    cell=first,
                )
            )

    district_col = (
        district or (meta.district if meta and meta.district else None) or (district_raw or None)
    )
    return ReadOutcome(
        "xlsx",
        cells_frame(cols, district=district_col, institution=institution),
        issues,
        meta=meta,
        header=header,
        institution=institution,
        year=year,
        row_codes=row_codes,
        formula_cells=formulas,
        sheet_names=names,
    )


def _outside(row: int, col: int, code: str | None, expected_rows: range) -> bool:
    """Whether a non-empty cell that is not a grid value lies outside the template's cells."""
    if col > L.LAST_MONTH_COL:
        return True
    if row < L.HEADER_ROW - 1:  # title and header block (notes beside it are tolerated)
        return False
    if row == L.HEADER_ROW:
        return False
    if code is not None:  # columns A-C of an indicator row
        return False
    # a row of the expected block whose code was deleted is reported as a changed row
    return row not in expected_rows


def _rc(ref: str) -> tuple[int, int]:
    letters, row = coordinate_from_string(ref)
    return row, column_index_from_string(letters)


def _year(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        year = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        year = int(value.strip())
    else:
        return None
    return year if catalog_year_ok(year) else None
