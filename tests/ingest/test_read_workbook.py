"""Reading filled templates with python-calamine: exact cell addresses, kinds, header, grid."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from dbmis.catalog import Catalog
from dbmis.ingest import layout as L
from dbmis.ingest.read import CELL_COLUMNS, read_workbook
from dbmis.ingest.templates import template_bytes
from tests.ingest.filling import fill_template, mini_catalog


@pytest.fixture(scope="module")
def mini() -> Catalog:
    return mini_catalog()


@pytest.fixture(scope="module")
def pros(mini: Catalog) -> bytes:
    return template_bytes(mini, "PROSECUTION", year=2026, district="ALPHA")


def codes(outcome) -> list[str]:
    return [i.code for i in outcome.issues]


def test_round_trip_keeps_every_cell_address(mini: Catalog, pros: bytes) -> None:
    typed = {
        ("PRO_CASES_DECIDED", 1): 12,
        ("PRO_CASES_DECIDED", 2): 0,
        ("PRO_CONVICTIONS", 3): 7,
        ("PRO_CONVICTIONS", 12): 1234567,
        ("PRO_CHALLANS_ON_TIME", 6): 2.5,
    }
    outcome = read_workbook(fill_template(pros, typed), mini)
    assert outcome.issues == []
    cells = outcome.cells
    assert list(cells.columns) == list(CELL_COLUMNS)
    assert len(cells) == len(typed)  # blanks are absent
    rows = {i.code: L.FIRST_DATA_ROW + n for n, i in enumerate(mini.indicators_of("PROSECUTION"))}
    for (code, month), value in typed.items():
        ref = L.cell_ref(rows[code], L.month_column(month))
        (hit,) = cells[cells["cell"] == ref].itertuples()
        assert (hit.indicator, hit.month, hit.value, hit.kind) == (
            code,
            202600 + month,
            float(value),
            "number",
        )
        assert hit.row_id == rows[code] and hit.col == L.month_column(month)
        assert hit.raw == str(value)
    zero = cells[cells["cell"] == "Data!E8"].iloc[0]
    assert zero["value"] == 0.0 and zero["raw"] == "0"  # 0 is kept: "reported zero"
    assert set(cells["district"]) == {"ALPHA"} and set(cells["institution"]) == {"PROSECUTION"}
    assert outcome.institution == "PROSECUTION" and outcome.year == 2026
    blanks = outcome.blank_cells()
    assert len(blanks) == 3 * 12 - len(typed)
    assert "Data!E8" not in set(blanks["cell"]) and "Data!F8" in set(blanks["cell"])


def test_value_in_d8_alone_is_reported_as_d8(mini: Catalog, pros: bytes) -> None:
    """calamine's to_python() trims leading empty rows/columns; addresses must stay exact."""
    data = fill_template(pros, {("PRO_CASES_DECIDED", 1): 3})
    assert read_workbook(data, mini).cells["cell"].tolist() == ["Data!D8"]
    # a bare sheet whose only cells are A8 and D8: nothing before them to anchor the grid
    wb = Workbook()
    ws = wb.active
    ws.title = L.SHEET_DATA
    ws["A8"], ws["D8"], ws["C3"] = "PRO_CASES_DECIDED", 3, 2026
    out = io.BytesIO()
    wb.save(out)
    outcome = read_workbook(out.getvalue(), mini)
    assert outcome.cells["cell"].tolist() == ["Data!D8"]
    assert outcome.cells["month"].tolist() == [202601]


def test_kinds_of_cells(mini: Catalog, pros: bytes) -> None:
    typed = {
        ("PRO_CASES_DECIDED", 1): "n/a",
        ("PRO_CASES_DECIDED", 2): "12 cases",
        ("PRO_CASES_DECIDED", 3): " 14 ",  # a number stored as text counts as a number
        ("PRO_CASES_DECIDED", 4): True,
        ("PRO_CASES_DECIDED", 5): date(2026, 1, 2),
    }
    cells = read_workbook(fill_template(pros, typed), mini).cells.set_index("cell")
    assert cells.loc["Data!D8", "kind"] == "text" and cells.loc["Data!D8", "raw"] == "n/a"
    assert cells.loc["Data!E8", "kind"] == "text"
    assert cells.loc["Data!F8", "kind"] == "number" and cells.loc["Data!F8", "value"] == 14.0
    assert cells.loc["Data!G8", "kind"] == "bool" and cells.loc["Data!G8", "raw"] == "TRUE"
    assert cells.loc["Data!H8", "kind"] == "date"
    assert cells.loc[["Data!D8", "Data!E8", "Data!G8", "Data!H8"], "value"].isna().all()


def test_district_by_name_or_code(mini: Catalog) -> None:
    generic = template_bytes(mini, "PRISONS", year=2026)
    for typed in ("Beta", "BETA", "beta", " Beta "):
        outcome = read_workbook(
            fill_template(generic, {("PRS_CAPACITY", 1): 5}, district_name=typed), mini
        )
        assert outcome.header.district == "BETA", typed
        assert outcome.district == "BETA"
        assert set(outcome.cells["district"]) == {"BETA"}
    unknown = read_workbook(fill_template(generic, district_name="Atlantis"), mini)
    assert unknown.header.district is None and unknown.header.district_raw == "Atlantis"


def test_header_and_meta(mini: Catalog, pros: bytes) -> None:
    data = fill_template(pros, focal_name="Amina Baloch", contact="0300-1234567")
    outcome = read_workbook(data, mini)
    assert outcome.header.focal_name == "Amina Baloch"
    assert outcome.header.contact == "0300-1234567"
    assert outcome.header.year == 2026 and outcome.header.year_raw == "2026"
    meta = outcome.meta
    assert meta.template == "DBMIS-PROSECUTION" and meta.version == L.TEMPLATE_VERSION
    assert meta.fingerprint == mini.template_fingerprint("PROSECUTION")
    assert meta.year == 2026 and meta.district == "ALPHA"
    assert outcome.sheet_names == (L.SHEET_INSTRUCTIONS, L.SHEET_DATA, L.SHEET_LISTS, L.SHEET_META)


def test_generic_template_without_year_reads_bare_months(mini: Catalog) -> None:
    data = fill_template(template_bytes(mini, "PRISONS"), {("PRS_CAPACITY", 4): 10})
    outcome = read_workbook(data, mini)
    assert outcome.year is None
    assert outcome.cells["month"].tolist() == [4]


def test_formula_cells_come_from_the_safety_layer(mini: Catalog, pros: bytes) -> None:
    data = fill_template(pros, {("PRO_CASES_DECIDED", 1): "=1+2", ("PRO_CASES_DECIDED", 2): 4})
    outcome = read_workbook(data, mini, formula_cells={"Data": ["$D$8"], "Instructions": ["A1"]})
    # openpyxl writes no cached value, so calamine omits the cell: the facts name it
    assert outcome.cells["cell"].tolist() == ["Data!E8"]
    assert outcome.formula_cells == ("D8",)


def test_merged_cells_over_the_grid_only(mini: Catalog, pros: bytes) -> None:
    def merge(wb):
        wb[L.SHEET_DATA].merge_cells("E9:F9")

    outcome = read_workbook(fill_template(pros, {("PRO_CONVICTIONS", 2): 4}, extra=merge), mini)
    assert codes(outcome) == ["STRUCTURE_MERGED_CELLS"]
    assert outcome.issues[0].cell == "Data!E9"
    # the template's own merges (labels A2:B5) are not reported
    assert read_workbook(pros, mini).issues == []


def test_values_outside_the_grid(mini: Catalog, pros: bytes) -> None:
    def scribble(wb):
        ws = wb[L.SHEET_DATA]
        ws["P8"] = "=SUM(D8:O8)"  # no cached value: calamine omits it, not reported here
        ws["Q9"] = 99
        ws["D12"] = 5  # below the last indicator row
        ws["E6"] = "note"  # the empty row above the header row
        ws["J3"] = "provisional"  # notes beside the header block are tolerated

    outcome = read_workbook(fill_template(pros, extra=scribble), mini)
    assert [(i.code, i.cell) for i in outcome.issues] == [
        ("STRUCTURE_VALUE_OUTSIDE_GRID", "Data!E6"),
        ("STRUCTURE_VALUE_OUTSIDE_GRID", "Data!Q9"),
        ("STRUCTURE_VALUE_OUTSIDE_GRID", "Data!D12"),
    ]


def test_missing_and_hidden_sheets(mini: Catalog, pros: bytes) -> None:
    def drop_data(wb):
        wb[L.SHEET_DATA].title = "My data"

    outcome = read_workbook(fill_template(pros, extra=drop_data), mini)
    assert codes(outcome) == ["SHEET_MISSING"] and not outcome.data_found
    assert "'My data'" in outcome.issues[0].message

    def hide(wb):
        wb[L.SHEET_DATA].sheet_state = "hidden"
        wb.active = 0

    assert codes(read_workbook(fill_template(pros, extra=hide), mini)) == ["SHEET_HIDDEN_DATA"]


def test_without_meta_the_institution_comes_from_the_codes(mini: Catalog, pros: bytes) -> None:
    def drop_meta(wb):
        del wb[L.SHEET_META]

    outcome = read_workbook(fill_template(pros, {("PRO_CONVICTIONS", 1): 1}, extra=drop_meta), mini)
    assert codes(outcome) == ["SHEET_MISSING"]
    assert outcome.meta is None and outcome.institution == "PROSECUTION"
    assert outcome.cells["cell"].tolist() == ["Data!D9"]


@pytest.mark.parametrize(
    "data",
    [b"", b"not a workbook", b"PK\x03\x04" + b"\0" * 40, b"\xd0\xcf\x11\xe0" + b"\0" * 100],
)
def test_unreadable_bytes_give_an_issue_not_an_exception(mini: Catalog, data: bytes) -> None:
    outcome = read_workbook(data, mini)
    assert codes(outcome) == ["WORKBOOK_UNREADABLE"] and outcome.cells.empty


def test_sheet_names_hint_mismatch_is_refused(mini: Catalog, pros: bytes) -> None:
    names = [L.SHEET_INSTRUCTIONS, L.SHEET_DATA, L.SHEET_LISTS, L.SHEET_META]
    assert read_workbook(pros, mini, sheet_names_hint=names).issues == []
    outcome = read_workbook(pros, mini, sheet_names_hint=[L.SHEET_DATA, L.SHEET_META])
    assert codes(outcome) == ["WORKBOOK_UNREADABLE"]


@pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("CI"),
    reason="LibreOffice is not installed (scripts/install-system-deps.sh installs it; CI fails)",
)
def test_file_saved_by_libreoffice_reads_the_same(
    mini: Catalog, pros: bytes, tmp_path: Path
) -> None:
    typed = {("PRO_CASES_DECIDED", 1): 12, ("PRO_CASES_DECIDED", 2): 0, ("PRO_CONVICTIONS", 3): 7}
    src = tmp_path / "in.xlsx"
    src.write_bytes(fill_template(pros, typed, focal_name="Amina"))
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(tmp_path / "out"),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=120,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    saved = (tmp_path / "out" / "in.xlsx").read_bytes()
    before, after = read_workbook(src.read_bytes(), mini), read_workbook(saved, mini)
    assert after.issues == []
    assert after.header == before.header and after.meta == before.meta
    cols = ["cell", "indicator", "month", "value", "kind"]
    assert after.cells[cols].to_dict("records") == before.cells[cols].to_dict("records")


def test_mutated_workbooks_never_raise(mini: Catalog, pros: bytes) -> None:
    """Damaged sheet XML (bounded fuzzing): an outcome with issues, never an exception."""
    import random
    import zipfile

    from dbmis.ingest.validate import validate_upload

    base = fill_template(pros, {("PRO_CASES_DECIDED", 1): 3, ("PRO_CONVICTIONS", 2): 1})
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    targets = [n for n in parts if n.startswith("xl/worksheets/") or n == "xl/workbook.xml"]
    rnd = random.Random(20261122)
    for _ in range(40):
        changed = dict(parts)
        name = rnd.choice(targets)
        blob = bytearray(changed[name])
        for _ in range(rnd.randint(1, 4)):
            blob[rnd.randrange(len(blob))] = rnd.choice(b'<>"/=0123456789AZ &;')
        changed[name] = bytes(blob)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for n, v in changed.items():
                z.writestr(n, v)
        outcome = read_workbook(out.getvalue(), mini)
        validate_upload(outcome, mini, today=date(2027, 1, 1))
