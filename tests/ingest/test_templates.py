"""Templates generated from the catalog: structure, protection, validation, meta."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dbmis.catalog import Catalog, load_catalog
from dbmis.ingest import layout as L
from dbmis.ingest.templates import template_bytes, template_filename, write_templates

MINI = Path(__file__).parents[1] / "fixtures" / "catalog_mini"


@pytest.fixture(scope="module")
def mini() -> Catalog:
    return load_catalog(MINI)


def open_book(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_sheets_and_visibility(mini: Catalog) -> None:
    wb = open_book(template_bytes(mini, "PROSECUTION"))
    assert wb.sheetnames == [L.SHEET_INSTRUCTIONS, L.SHEET_DATA, L.SHEET_LISTS, L.SHEET_META]
    assert wb[L.SHEET_DATA].sheet_state == "visible"
    assert wb[L.SHEET_INSTRUCTIONS].sheet_state == "visible"
    assert wb[L.SHEET_LISTS].sheet_state == "hidden"
    assert wb[L.SHEET_META].sheet_state == "hidden"
    assert wb.active.title == L.SHEET_DATA


def test_meta_sheet(mini: Catalog) -> None:
    district = mini.districts[0].code
    wb = open_book(template_bytes(mini, "PRISONS", year=2026, district=district))
    meta = {row[0]: row[1] for row in wb[L.SHEET_META].iter_rows(values_only=True)}
    assert meta == {
        "template": "DBMIS-PRISONS",
        "version": L.TEMPLATE_VERSION,
        "fingerprint": mini.template_fingerprint("PRISONS"),
        "institution": "PRISONS",
        "province": mini.roadmap.province_code,
        "year": "2026",
        "district": district,
    }


def test_one_row_per_indicator_and_month_columns(mini: Catalog) -> None:
    ws = open_book(template_bytes(mini, "PROSECUTION", year=2026))[L.SHEET_DATA]
    codes = [i.code for i in mini.indicators_of("PROSECUTION")]
    found = [ws.cell(L.FIRST_DATA_ROW + i, L.CODE_COL).value for i in range(len(codes))]
    assert found == codes
    assert ws.cell(L.FIRST_DATA_ROW + len(codes), L.CODE_COL).value is None
    months = [ws.cell(L.HEADER_ROW, L.month_column(m)).value for m in range(1, 13)]
    assert months[0] == "Jan 2026" and months[11] == "Dec 2026"
    assert ws.freeze_panes == "D8"
    assert ws.cell(L.FIRST_DATA_ROW, L.FIRST_MONTH_COL).value is None  # blank = not reported


def test_generic_template_has_district_dropdown_and_open_year(mini: Catalog) -> None:
    wb = open_book(template_bytes(mini, "PROSECUTION"))
    ws = wb[L.SHEET_DATA]
    assert ws[L.DISTRICT_CELL].value is None and ws[L.YEAR_CELL].value is None
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists and lists[0].formula1 == L.DISTRICT_LIST_NAME
    assert L.DISTRICT_CELL in str(lists[0].sqref)
    assert L.DISTRICT_LIST_NAME in wb.defined_names
    names = [r[0] for r in wb[L.SHEET_LISTS].iter_rows(min_row=2, values_only=True)]
    assert names == [d.name.en for d in mini.districts]
    assert not ws[L.DISTRICT_CELL].protection.locked


def test_prefilled_district_and_year_are_locked(mini: Catalog) -> None:
    d = mini.districts[1]
    ws = open_book(template_bytes(mini, "PROSECUTION", year=2025, district=d.code))[L.SHEET_DATA]
    assert ws[L.DISTRICT_CELL].value == d.name.en and ws[L.DISTRICT_CELL].protection.locked
    assert ws[L.YEAR_CELL].value == 2025 and ws[L.YEAR_CELL].protection.locked
    assert not [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]


def test_protection_structure_locked_values_open(mini: Catalog) -> None:
    ws = open_book(template_bytes(mini, "PROSECUTION"))[L.SHEET_DATA]
    assert ws.protection.sheet
    assert ws.cell(L.FIRST_DATA_ROW, L.CODE_COL).protection.locked
    for col in range(L.FIRST_MONTH_COL, L.LAST_MONTH_COL + 1):
        letter = ws.cell(1, col).column_letter
        assert ws.column_dimensions[letter].protection.locked is False
    assert not ws[L.FOCAL_NAME_CELL].protection.locked


def test_number_validation_follows_catalog_bounds(mini: Catalog) -> None:
    ws = open_book(template_bytes(mini, "PROSECUTION"))[L.SHEET_DATA]
    by_ref = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    for offset, ind in enumerate(mini.indicators_of("PROSECUTION")):
        row = L.FIRST_DATA_ROW + offset
        dv = by_ref[f"D{row}:O{row}"]
        assert dv.type == ("whole" if ind.whole_numbers else "decimal")
        assert float(dv.formula1) == ind.min
        assert dv.allow_blank and dv.showInputMessage and dv.showErrorMessage
        assert dv.prompt == ind.definition.en[:250]


def test_instructions_in_english_and_urdu_explain_blank_and_zero(mini: Catalog) -> None:
    ws = open_book(template_bytes(mini, "PROSECUTION"))[L.SHEET_INSTRUCTIONS]
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "BLANK" in text and "0 (zero)" in text
    assert "خالی" in text and "صفر" in text


def test_printable(mini: Catalog) -> None:
    ws = open_book(template_bytes(mini, "PROSECUTION"))[L.SHEET_DATA]
    assert ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == "$7:$7"
    assert ws.sheet_properties.pageSetUpPr.fitToPage


def test_unknown_codes_are_refused(mini: Catalog) -> None:
    with pytest.raises(KeyError):
        template_bytes(mini, "NAVY")
    with pytest.raises(KeyError):
        template_bytes(mini, "PROSECUTION", district="ATLANTIS")


def test_generation_is_reproducible(mini: Catalog) -> None:
    a = zipfile.ZipFile(io.BytesIO(template_bytes(mini, "PRISONS")))
    b = zipfile.ZipFile(io.BytesIO(template_bytes(mini, "PRISONS")))
    for name in a.namelist():
        if name != "docProps/core.xml":
            assert a.read(name) == b.read(name), name


def test_write_templates(mini: Catalog, tmp_path: Path) -> None:
    paths = write_templates(mini, tmp_path, year=2026, district=mini.districts[0].code)
    assert [p.name for p in paths] == [
        template_filename(i.code, mini.districts[0].code, 2026) for i in mini.institutions
    ]
