"""One small file per issue code: each triggers its code, and (as far as possible) only it."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

import pandas as pd
import pytest
from openpyxl import Workbook

from dbmis.catalog import Catalog
from dbmis.catalog.models import Rule, Text
from dbmis.ingest import layout as L
from dbmis.ingest.codes import CODES, as_markdown
from dbmis.ingest.read import read_csv, read_workbook
from dbmis.ingest.result import Severity
from dbmis.ingest.templates import template_bytes
from dbmis.ingest.validate import validate_upload
from tests.ingest.filling import (
    csv_bytes,
    fill_template,
    mini_catalog,
    set_meta,
    with_indicator,
    with_rules,
)

TODAY = date(2027, 1, 15)
GOOD = {("PRO_CASES_DECIDED", 1): 10, ("PRO_CONVICTIONS", 1): 4, ("PRO_CHALLANS_ON_TIME", 1): 3}
LINE = ("ALPHA", "PROSECUTION", "PRO_CONVICTIONS", "2026-01", "4")


@dataclass
class Case:
    """A file and how to read and validate it."""

    data: bytes
    csv: bool = False
    catalog: Catalog | None = None
    formula_cells: dict[str, list[str]] | None = None
    options: dict[str, Any] = field(default_factory=dict)


@cache
def mini() -> Catalog:
    return mini_catalog()


@cache
def pros() -> bytes:
    return template_bytes(mini(), "PROSECUTION", year=2026, district="ALPHA")


@cache
def generic() -> bytes:
    return template_bytes(mini(), "PROSECUTION")


def filled(values: dict | None = None, **kwargs: Any) -> bytes:
    return fill_template(pros(), {**GOOD, **(values or {})}, **kwargs)


def _max_catalog() -> Catalog:
    return with_indicator(mini(), "PRO_CHALLANS_ON_TIME", max=100)


def _warning_catalog() -> Catalog:
    rule = Rule(
        code="CHALLANS_NOT_ABOVE_DECIDED",
        left=["PRO_CHALLANS_ON_TIME"],
        op="<=",
        right=["PRO_CASES_DECIDED"],
        severity="warning",
        message=Text(en="Charge sheets are usually fewer than cases decided.", ur="..."),
    )
    return with_rules(mini(), rule)


def _hide_data(wb: Any) -> None:
    wb[L.SHEET_DATA].sheet_state = "hidden"
    wb.active = 0


def _change_code(wb: Any) -> None:
    wb[L.SHEET_DATA]["A10"] = "PRO_CHALLANS"


def _history() -> pd.DataFrame:
    months = [202500 + m for m in range(1, 13)]
    values = [10, 11, 9, 10, 12, 8, 10, 11, 9, 10, 10, 10]
    return pd.DataFrame(
        {"district": "ALPHA", "indicator": "PRO_CASES_DECIDED", "month": months, "value": values}
    )


TRIGGERS: dict[str, Callable[[], Case]] = {
    "WORKBOOK_UNREADABLE": lambda: Case(b"PK\x03\x04 this is not really a zip"),
    "TEMPLATE_UNKNOWN": lambda: Case(_plain_workbook()),
    "TEMPLATE_VERSION": lambda: Case(filled(extra=lambda wb: set_meta(wb, "version", "0"))),
    "TEMPLATE_OUTDATED": lambda: Case(
        # downloaded before PRO_CHALLANS_ON_TIME got a maximum: same rows, other fingerprint
        fill_template(template_bytes(mini(), "PROSECUTION", year=2026, district="ALPHA"), GOOD),
        catalog=_max_catalog(),
    ),
    "TEMPLATE_WRONG_INSTITUTION": lambda: Case(
        filled(), options={"expected_institution": "PRISONS"}
    ),
    "SHEET_MISSING": lambda: Case(filled(extra=lambda wb: wb.remove(wb[L.SHEET_META]))),
    "SHEET_HIDDEN_DATA": lambda: Case(filled(extra=_hide_data)),
    "STRUCTURE_ROWS_CHANGED": lambda: Case(filled(extra=_change_code)),
    "STRUCTURE_MERGED_CELLS": lambda: Case(
        filled(extra=lambda wb: wb[L.SHEET_DATA].merge_cells("E8:F8"))
    ),
    "STRUCTURE_VALUE_OUTSIDE_GRID": lambda: Case(
        filled(extra=lambda wb: wb[L.SHEET_DATA].cell(8, 16, 17))
    ),
    "DATA_EMPTY": lambda: Case(fill_template(pros())),
    "DISTRICT_MISSING": lambda: Case(fill_template(generic(), GOOD, year=2026)),
    "DISTRICT_UNKNOWN": lambda: Case(
        fill_template(generic(), GOOD, year=2026, district_name="Atlantis")
    ),
    "DISTRICT_NOT_ALLOWED": lambda: Case(filled(), options={"allowed_districts": {"BETA"}}),
    "INSTITUTION_NOT_ALLOWED": lambda: Case(
        filled(), options={"allowed_institutions": {"PRISONS"}}
    ),
    "DISTRICT_OUTSIDE_TEMPLATE": lambda: Case(filled(district_name="Beta")),
    "YEAR_MISSING": lambda: Case(fill_template(generic(), GOOD, district_name="Alpha")),
    "YEAR_INVALID": lambda: Case(
        fill_template(generic(), GOOD, district_name="Alpha", year="twenty-six")
    ),
    "YEAR_OUTSIDE_TEMPLATE": lambda: Case(filled(year=2025)),
    "PERIOD_IN_FUTURE": lambda: Case(filled(), options={"today": date(2026, 1, 31)}),
    "VALUE_NOT_NUMBER": lambda: Case(filled({("PRO_CASES_DECIDED", 2): "n/a"})),
    "VALUE_NOT_WHOLE": lambda: Case(filled({("PRO_CHALLANS_ON_TIME", 2): 2.5})),
    "VALUE_BELOW_MIN": lambda: Case(filled({("PRO_CHALLANS_ON_TIME", 2): -1})),
    "VALUE_ABOVE_MAX": lambda: Case(
        fill_template(
            template_bytes(_max_catalog(), "PROSECUTION", year=2026, district="ALPHA"),
            {**GOOD, ("PRO_CHALLANS_ON_TIME", 2): 150},
        ),
        catalog=_max_catalog(),
    ),
    "VALUE_FORMULA": lambda: Case(
        filled({("PRO_CASES_DECIDED", 2): "=1+2"}), formula_cells={"Data": ["E8"]}
    ),
    "DUPLICATE_VALUE": lambda: Case(csv_bytes([LINE, LINE]), csv=True),
    "RULE_ERROR": lambda: Case(filled({("PRO_CONVICTIONS", 1): 11})),
    "RULE_WARNING": lambda: Case(
        filled({("PRO_CHALLANS_ON_TIME", 1): 12}), catalog=_warning_catalog()
    ),
    "OUTLIER": lambda: Case(
        filled({("PRO_CASES_DECIDED", 1): 60}), options={"history": _history()}
    ),
    "CSV_HEADER": lambda: Case(
        csv_bytes([LINE], header="district,institution,indicator,month,value"), csv=True
    ),
    "CSV_LINE_INVALID": lambda: Case(csv_bytes([LINE, (*LINE[:4], "1", "234")]), csv=True),
    "CSV_INSTITUTION_UNKNOWN": lambda: Case(
        csv_bytes([LINE, ("ALPHA", "POLICE", "PRO_CONVICTIONS", "2026-02", "1")]), csv=True
    ),
    "CSV_INDICATOR_UNKNOWN": lambda: Case(
        csv_bytes([LINE, ("ALPHA", "PROSECUTION", "PRO_ACQUITTALS", "2026-02", "1")]), csv=True
    ),
    "CSV_INDICATOR_INSTITUTION": lambda: Case(
        csv_bytes([LINE, ("ALPHA", "PRISONS", "PRO_CONVICTIONS", "2026-02", "1")]), csv=True
    ),
    "CSV_PERIOD_INVALID": lambda: Case(
        csv_bytes([LINE, ("ALPHA", "PROSECUTION", "PRO_CONVICTIONS", "2026-13", "1")]), csv=True
    ),
}


def _plain_workbook() -> bytes:
    """A workbook someone made themselves: no Data, no _meta."""
    wb = Workbook()
    ws = wb.active
    ws.append(["Indicator", "Jan", "Feb"])
    ws.append(["Convictions", 4, 5])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def run(case: Case) -> list:
    catalog = case.catalog or mini()
    if case.csv:
        outcome = read_csv(case.data, catalog)
    else:
        outcome = read_workbook(case.data, catalog, formula_cells=case.formula_cells)
    options = {"today": TODAY, **case.options}
    return validate_upload(outcome, catalog, **options)


def test_the_trigger_list_covers_every_code() -> None:
    assert set(TRIGGERS) == set(CODES)


def test_rows_swapped_values_follow_their_codes() -> None:
    def swap(wb: Any) -> None:
        ws = wb[L.SHEET_DATA]
        ws["A8"], ws["A9"] = ws["A9"].value, ws["A8"].value

    issues = run(Case(filled(extra=swap)))
    assert [(i.code, i.cell) for i in issues] == [
        ("STRUCTURE_ROWS_CHANGED", "Data!A8"),
        ("RULE_ERROR", "Data!D8"),  # D8 (10) now reads as convictions, D9 (4) as decided
        ("STRUCTURE_ROWS_CHANGED", "Data!A9"),
    ]


def test_a_good_file_and_a_good_csv_have_no_issues() -> None:
    assert run(Case(filled())) == []
    rows = [LINE, ("BETA", "PRISONS", "PRS_CAPACITY", "2026-01", "300")]
    assert run(Case(csv_bytes(rows), csv=True)) == []


@pytest.mark.parametrize("code", list(TRIGGERS))
def test_each_code_has_a_trigger(code: str) -> None:
    issues = run(TRIGGERS[code]())
    found = [i.code for i in issues]
    assert code in found, found
    errors = {i.code for i in issues if i.severity is Severity.error}
    if CODES[code].severity is Severity.error:
        assert errors == {code}, issues
    else:
        assert errors == set(), issues
        assert {i.code for i in issues} == {code}, issues
    for issue in issues:
        assert issue.severity is CODES[issue.code].severity
        assert issue.message[:1].isupper() or issue.message[:1].isdigit()


def test_messages_say_where_and_what() -> None:
    (issue,) = run(TRIGGERS["VALUE_NOT_NUMBER"]())
    assert issue.cell == "Data!E8" and issue.sheet == "Data"
    assert issue.indicator == "PRO_CASES_DECIDED" and issue.period == "2026-02"
    assert issue.value == "n/a"
    assert issue.message == (
        "Data!E8 (Criminal cases decided, Feb 2026): 'n/a' is not a number. "
        "Leave the cell blank if the figure was not reported."
    )
    (rule,) = run(TRIGGERS["RULE_ERROR"]())
    assert rule.cell == "Data!D9" and rule.indicator == "PRO_CONVICTIONS"
    assert "Convictions = 11 is more than Criminal cases decided = 10" in rule.message
    assert "CONVICTIONS_NOT_ABOVE_DECIDED" in rule.message
    (dup,) = run(TRIGGERS["DUPLICATE_VALUE"]())
    assert dup.cell == "CSV!line 3" and "line 2" in dup.message and dup.message.startswith("Line 3")


def test_outdated_template_names_what_changed() -> None:
    mini_cat = mini()
    more = with_indicator(mini_cat, "PRO_CHALLANS_ON_TIME", code="PRO_CHALLANS_LATE")
    issues = run(Case(filled(), catalog=more))
    assert [i.code for i in issues] == ["TEMPLATE_OUTDATED"]  # not also "rows changed"
    assert "new: PRO_CHALLANS_LATE" in issues[0].message
    assert "no longer collected: PRO_CHALLANS_ON_TIME" in issues[0].message


def test_csv_district_codes() -> None:
    rows = [
        LINE,
        ("", "PROSECUTION", "PRO_CONVICTIONS", "2026-02", "1"),
        ("Atlantis", "PROSECUTION", "PRO_CONVICTIONS", "2026-03", "1"),
        ("Atlantis", "PROSECUTION", "PRO_CONVICTIONS", "2026-04", "1"),
        ("BETA", "PROSECUTION", "PRO_CONVICTIONS", "2026-05", "1"),
    ]
    issues = run(Case(csv_bytes(rows), csv=True, options={"allowed_districts": {"ALPHA"}}))
    assert [(i.code, i.cell) for i in issues] == [
        ("DISTRICT_MISSING", "CSV!line 3"),
        ("DISTRICT_UNKNOWN", "CSV!line 4"),  # one issue for both Atlantis lines
        ("DISTRICT_NOT_ALLOWED", "CSV!line 6"),
    ]
    assert issues[1].message.startswith("Line 4 (and 1 more lines): 'Atlantis'")


def test_a_file_with_many_problems_reports_all_in_one_pass() -> None:
    def breakage(wb: Any) -> None:
        ws = wb[L.SHEET_DATA]
        ws.merge_cells("K9:L9")
        ws["P10"] = "total"
        set_meta(wb, "district", "ALPHA")

    values = {
        ("PRO_CASES_DECIDED", 2): "n/a",
        ("PRO_CASES_DECIDED", 3): -4,
        ("PRO_CONVICTIONS", 3): 2.5,
        ("PRO_CONVICTIONS", 1): 40,  # > cases decided (10)
        ("PRO_CHALLANS_ON_TIME", 4): "=2*3",
        ("PRO_CHALLANS_ON_TIME", 5): True,
    }
    data = filled(values, district_name="Beta", year=2025, extra=breakage)
    outcome = read_workbook(data, mini(), formula_cells={"Data": ["G10"]})
    issues = validate_upload(
        outcome, mini(), today=TODAY, allowed_districts={"ALPHA"}, expected_institution="PRISONS"
    )
    found = [(i.code, i.cell) for i in issues]
    assert found == [
        ("TEMPLATE_WRONG_INSTITUTION", None),
        ("DISTRICT_OUTSIDE_TEMPLATE", "Data!C2"),
        ("DISTRICT_NOT_ALLOWED", "Data!C2"),
        ("YEAR_OUTSIDE_TEMPLATE", "Data!C3"),
        ("VALUE_NOT_NUMBER", "Data!E8"),
        ("VALUE_BELOW_MIN", "Data!F8"),
        ("RULE_ERROR", "Data!D9"),
        ("VALUE_NOT_WHOLE", "Data!F9"),
        ("RULE_ERROR", "Data!F9"),  # 2.5 convictions > -4 cases decided
        ("STRUCTURE_MERGED_CELLS", "Data!K9"),
        ("VALUE_FORMULA", "Data!G10"),
        ("VALUE_NOT_NUMBER", "Data!H10"),
        ("STRUCTURE_VALUE_OUTSIDE_GRID", "Data!P10"),
    ]
    # months are read with the year typed in C3
    assert all(i.period.startswith("2025") for i in issues if i.period)


def test_issues_per_code_are_capped() -> None:
    rows = [
        ("ALPHA", "PROSECUTION", "PRO_CONVICTIONS", f"20{y:02d}-{m:02d}", "x")
        for y in range(10, 20)
        for m in range(1, 13)
    ]
    issues = validate_upload(read_csv(csv_bytes(rows), mini()), mini(), today=TODAY, cap=50)
    assert [i.code for i in issues] == ["VALUE_NOT_NUMBER"] * 51
    assert issues[-1].cell is None and issues[-1].message.startswith("70 more cells")


def test_codes_are_documented() -> None:
    for code, info in CODES.items():
        assert code.isupper() and not code.startswith("FILE_")
        assert info.title and info.explanation.endswith(".") and info.fix.endswith(".")
    assert as_markdown().count("\n") == len(CODES) + 2
