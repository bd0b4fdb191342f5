"""dbmis.kpis.exports: CSV and XLSX that cannot carry a formula."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest

from dbmis.kpis.exports import FORMULA_START, cell_value, neutralise, to_csv, to_xlsx

HOSTILE = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("x")']


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_like_text_gets_an_apostrophe(text: str) -> None:
    assert neutralise(text) == "'" + text
    assert cell_value(text) == "'" + text


@pytest.mark.parametrize("text", ["Quetta", "12.5", "a=b", " =x", "", "'quoted", "کوئٹہ"])
def test_other_text_is_left_alone(text: str) -> None:
    assert neutralise(text) == text


def test_every_dangerous_start_is_covered() -> None:
    assert set(FORMULA_START) == {"=", "+", "-", "@", "\t", "\r"}


def test_cell_values() -> None:
    assert cell_value(None) is None and cell_value(float("nan")) is None
    assert cell_value(-3.5) == -3.5  # a negative number stays a number
    assert cell_value(True) is True and cell_value(7) == 7


def test_csv_neutralises_text_and_keeps_numbers() -> None:
    body = to_csv(
        ["name", "value", "flag", "missing"],
        [["=cmd()", -3.5, True, None], ["Zhob", 2.0, False, float("nan")]],
    )
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows == [
        ["name", "value", "flag", "missing"],
        ["'=cmd()", "-3.5", "true", ""],
        ["Zhob", "2.0", "false", ""],
    ]


def test_xlsx_writes_text_as_strings_never_formulas() -> None:
    body = to_xlsx(
        ["name", "value", "flag"],
        [["=cmd()", 12.5, True], ["<b>&amp;</b>\x01", -1, None], ["کوئٹہ", 3, False]],
        notes=["@note", "plain"],
    )
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet and "<f " not in sheet
    wb = openpyxl.load_workbook(io.BytesIO(body))
    assert wb.sheetnames == ["Data", "About"]
    ws = wb["Data"]
    rows = [[(c.value, c.data_type) for c in row] for row in ws.iter_rows()]
    assert rows[0] == [("name", "s"), ("value", "s"), ("flag", "s")]
    assert rows[1] == [("'=cmd()", "s"), (12.5, "n"), (True, "b")]
    assert rows[2][0] == ("<b>&amp;</b>", "s") and rows[2][1] == (-1, "n")
    assert rows[3][0] == ("کوئٹہ", "s")
    assert [c.value for c in wb["About"]["A"]] == ["'@note", "plain"]
    assert ws.freeze_panes == "A2"
