"""Build an institution's monthly return template from the catalog (openpyxl).

The generic templates (no district, no year) are checked into ``data_templates/``; a focal
point downloads one pre-filled and locked for their district and year.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from dbmis.catalog import Catalog
from dbmis.catalog.models import Indicator
from dbmis.ingest import layout as L
from dbmis.ingest.templates.text import INSTRUCTIONS_EN, INSTRUCTIONS_UR, MONTH_NAMES, UNIT_LABELS

_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
FIXED_TIME = datetime(2026, 1, 1)  # constant document times keep generated files reproducible
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
LABEL_FILL = PatternFill("solid", fgColor="DDEBF7")
INPUT_FILL = PatternFill("solid", fgColor="FFFFFF")
LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="8EA9C1")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WHITE_BOLD = Font(bold=True, color="FFFFFF")
LOCKED = Protection(locked=True)
UNLOCKED = Protection(locked=False)


def template_filename(
    institution: str, district: str | None = None, year: int | None = None
) -> str:
    parts = [L.template_code(institution)]
    if district:
        parts.append(district)
    if year:
        parts.append(str(year))
    return "_".join(parts) + ".xlsx"


def build_template(
    catalog: Catalog, institution: str, *, year: int | None = None, district: str | None = None
) -> Workbook:
    """The workbook for one institution, optionally pre-filled for a district and year."""
    if institution not in catalog.institution_by_code:
        raise KeyError(f"unknown institution {institution!r}")
    if district is not None and district not in catalog.district_by_code:
        raise KeyError(f"unknown district {district!r}")
    wb = Workbook()
    wb.properties.creator = "DBMIS"
    wb.properties.created = FIXED_TIME
    wb.properties.title = f"{catalog.institution_by_code[institution].name.en} monthly return"
    instructions = wb.active
    assert instructions is not None
    instructions.title = L.SHEET_INSTRUCTIONS
    data = wb.create_sheet(L.SHEET_DATA)
    lists = wb.create_sheet(L.SHEET_LISTS)
    meta = wb.create_sheet(L.SHEET_META)
    _fill_lists(wb, lists, catalog)
    _fill_data(data, catalog, institution, year, district)
    _fill_instructions(instructions, catalog, institution)
    _fill_meta(meta, catalog, institution, year, district)
    lists.sheet_state = "hidden"
    meta.sheet_state = "hidden"
    wb.active = 1
    return wb


def template_bytes(
    catalog: Catalog, institution: str, *, year: int | None = None, district: str | None = None
) -> bytes:
    wb = build_template(catalog, institution, year=year, district=district)
    return workbook_bytes(wb, FIXED_TIME)


def workbook_bytes(wb: Workbook, when: datetime) -> bytes:
    """Save, then fix the document and zip times so that the same input gives the same bytes."""
    for ws in wb.worksheets:
        # openpyxl remembers this while saving; reset it so a re-used workbook saves like a new one
        ws.column_dimensions.max_outline = None
    raw = io.BytesIO()
    wb.save(raw)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = src.read(info)
            if info.filename == "docProps/core.xml":
                payload = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", payload)
            entry = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            dst.writestr(entry, payload)
    return out.getvalue()


def write_templates(
    catalog: Catalog, out_dir: Path, *, year: int | None = None, district: str | None = None
) -> list[Path]:
    """Write one template per institution into ``out_dir``; return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for inst in catalog.institutions:
        path = out_dir / template_filename(inst.code, district, year)
        path.write_bytes(template_bytes(catalog, inst.code, year=year, district=district))
        paths.append(path)
    return paths


def _fill_lists(wb: Workbook, ws: Worksheet, catalog: Catalog) -> None:
    ws["A1"] = "District"
    ws["B1"] = "Code"
    for i, d in enumerate(catalog.districts, start=2):
        ws.cell(i, 1, d.name.en)
        ws.cell(i, 2, d.code)
    last = len(catalog.districts) + 1
    wb.defined_names[L.DISTRICT_LIST_NAME] = DefinedName(
        L.DISTRICT_LIST_NAME, attr_text=f"'{L.SHEET_LISTS}'!$A$2:$A${last}"
    )


def _fill_meta(
    ws: Worksheet, catalog: Catalog, institution: str, year: int | None, district: str | None
) -> None:
    values = {
        "template": L.template_code(institution),
        "version": L.TEMPLATE_VERSION,
        "fingerprint": catalog.template_fingerprint(institution),
        "institution": institution,
        "province": catalog.roadmap.province_code,
        "year": str(year) if year else "",
        "district": district or "",
    }
    for row, key in enumerate(L.META_KEYS, start=1):
        ws.cell(row, 1, key)
        ws.cell(row, 2, values[key]).data_type = "s"
    ws.protection.sheet = True


def _label(ws: Worksheet, ref: str, text: str) -> None:
    cell = ws[ref]
    cell.value = text
    cell.font = Font(bold=True)
    cell.fill = LABEL_FILL
    cell.border = BOX


def _fill_data(
    ws: Worksheet, catalog: Catalog, institution: str, year: int | None, district: str | None
) -> None:
    inst = catalog.institution_by_code[institution]
    ws["A1"] = (
        f"{inst.name.en} — monthly return to the Delivery Unit, {catalog.roadmap.province.en}"
    )
    ws["A1"].font = Font(bold=True, size=14)
    for row, text in (
        (2, "District"),
        (3, "Reporting year"),
        (4, "Focal point name"),
        (5, "Phone or e-mail"),
    ):
        _label(ws, f"A{row}", text)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    for ref in (L.DISTRICT_CELL, L.YEAR_CELL, L.FOCAL_NAME_CELL, L.FOCAL_CONTACT_CELL):
        ws[ref].border = BOX
        ws[ref].fill = INPUT_FILL
        ws[ref].protection = UNLOCKED
        ws[ref].alignment = Alignment(horizontal="left")
        row = ws[ref].row
        ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=7)
    district_cell, year_cell = ws[L.DISTRICT_CELL], ws[L.YEAR_CELL]
    if district:
        district_cell.value = catalog.district_by_code[district].name.en
        district_cell.protection, district_cell.fill = LOCKED, LOCKED_FILL
    else:
        dv = DataValidation(
            type="list",
            formula1=L.DISTRICT_LIST_NAME,
            allow_blank=False,
            showErrorMessage=True,
            showInputMessage=True,
            promptTitle="District",
            prompt="Choose your district from the list.",
            errorTitle="Unknown district",
            error="Choose a district from the list.",
        )
        dv.add(L.DISTRICT_CELL)
        ws.add_data_validation(dv)
    if year:
        year_cell.value = year
        year_cell.protection, year_cell.fill = LOCKED, LOCKED_FILL
    else:
        dv = DataValidation(
            type="whole",
            operator="between",
            formula1="2000",
            formula2="2100",
            showErrorMessage=True,
            error="Write the four-digit year, e.g. 2026.",
        )
        dv.add(L.YEAR_CELL)
        ws.add_data_validation(dv)
    _fill_grid(ws, catalog.indicators_of(institution), year)


def _fill_grid(ws: Worksheet, indicators: list[Indicator], year: int | None) -> None:
    headers = ["Code", "Indicator", "Unit"] + [
        f"{name} {year}" if year else name for name in MONTH_NAMES
    ]
    for col, text in enumerate(headers, start=1):
        cell = ws.cell(L.HEADER_ROW, col, text)
        cell.font, cell.fill, cell.border = WHITE_BOLD, HEADER_FILL, BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for col in range(L.FIRST_MONTH_COL, L.LAST_MONTH_COL + 1):
        letter = get_column_letter(col)
        ws.column_dimensions[letter].protection = UNLOCKED  # fast: one style per column
        ws.column_dimensions[letter].width = 11
    for offset, ind in enumerate(indicators):
        row = L.FIRST_DATA_ROW + offset
        for col, value in ((1, ind.code), (2, ind.name.en), (3, UNIT_LABELS[ind.unit.value])):
            cell = ws.cell(row, col, value)
            cell.fill, cell.border, cell.protection = LOCKED_FILL, BOX, LOCKED
            cell.alignment = Alignment(vertical="center", wrap_text=col == 2)
        for col in range(L.FIRST_MONTH_COL, L.LAST_MONTH_COL + 1):
            cell = ws.cell(row, col)
            cell.fill, cell.border, cell.protection = INPUT_FILL, BOX, UNLOCKED
        ws.row_dimensions[row].height = 30 if len(ind.name.en) > 44 else 16
        ws.add_data_validation(_number_validation(ind, row))
    ws.row_dimensions[L.HEADER_ROW].height = 20
    last_row = L.FIRST_DATA_ROW + len(indicators) - 1
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 46
    ws.column_dimensions["C"].width = 9
    ws.freeze_panes = ws.cell(L.FIRST_DATA_ROW, L.FIRST_MONTH_COL)
    ws.protection.sheet = True
    ws.protection.formatCells = False
    ws.protection.formatColumns = False
    ws.print_title_rows = f"{L.HEADER_ROW}:{L.HEADER_ROW}"
    ws.print_area = f"A1:{get_column_letter(L.LAST_MONTH_COL)}{last_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _number_validation(ind: Indicator, row: int) -> DataValidation:
    kind = "whole" if ind.whole_numbers else "decimal"
    low = f"{ind.min:g}"
    limit = f"between {low} and {ind.max:g}" if ind.max is not None else f"{low} or more"
    dv = DataValidation(
        type=kind,
        operator="between" if ind.max is not None else "greaterThanOrEqual",
        formula1=low,
        formula2=f"{ind.max:g}" if ind.max is not None else None,
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        promptTitle=ind.name.en[:32],
        prompt=ind.definition.en[:250],
        errorTitle="Not a valid figure",
        error=f"{'A whole number' if kind == 'whole' else 'A number'} {limit}. Leave blank if not reported.",
    )
    dv.add(
        f"{get_column_letter(L.FIRST_MONTH_COL)}{row}:{get_column_letter(L.LAST_MONTH_COL)}{row}"
    )
    return dv


def _height(text: str, width_chars: int) -> float:
    """Row height (points) for wrapped text: LibreOffice and Excel do not autofit on open."""
    lines = max(1, -(-len(text) // max(width_chars, 1)))
    return 15.0 * lines + 2


def _fill_instructions(ws: Worksheet, catalog: Catalog, institution: str) -> None:
    inst = catalog.institution_by_code[institution]
    rtl = Alignment(horizontal="right", wrap_text=True, vertical="top", readingOrder=2)
    ltr = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 38
    ws.column_dimensions["B"].width = 72
    wide = 38 + 72
    row = 1

    def line(text: str, align: Alignment, font: Font | None = None) -> None:
        nonlocal row
        cell = ws.cell(row, 1, text)
        cell.alignment = align
        if font is not None:
            cell.font = font
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        ws.row_dimensions[row].height = _height(text, int(wide * 1.05))
        row += 1

    line(
        f"{catalog.roadmap.title.en}: {inst.name.en}, monthly return", ltr, Font(bold=True, size=14)
    )
    line(f"{catalog.roadmap.title.ur}: {inst.name.ur}", rtl, Font(bold=True, size=14))
    row += 1
    for (title, lines), align in ((INSTRUCTIONS_EN, ltr), (INSTRUCTIONS_UR, rtl)):
        line(title, align, Font(bold=True))
        for text in lines:
            line(text, align)
        row += 1
    indicators = catalog.indicators_of(institution)
    for lang, align, heads in (
        ("en", ltr, ("Indicator", "Definition")),
        ("ur", rtl, ("اشاریہ", "تعریف")),
    ):
        for col, text in enumerate(heads, start=1):
            cell = ws.cell(row, col, text)
            cell.font, cell.fill, cell.alignment = WHITE_BOLD, HEADER_FILL, align
        row += 1
        for ind in indicators:
            name = f"{ind.code}: {ind.name.get(lang)}" if lang == "en" else ind.name.ur
            definition = ind.definition.get(lang)
            ws.cell(row, 1, name).alignment = align
            ws.cell(row, 2, definition).alignment = align
            ws.row_dimensions[row].height = max(_height(name, 36), _height(definition, 70))
            row += 1
        row += 1
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.protection.sheet = True
