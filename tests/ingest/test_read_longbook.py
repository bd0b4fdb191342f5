"""The long-format workbook: the long CSV typed in Excel, read and validated the same way.

Issues name real cells (``Data!A12`` for the district of row 12, ``Data!E12`` for its value),
with the same codes as the CSV; an accepted file loads like the CSV (one submission per
district x institution x year, all or nothing).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from dbmis.catalog import Catalog
from dbmis.ingest.annotate import annotate_workbook
from dbmis.ingest.evidence import EvidenceStore
from dbmis.ingest.read import read_csv, read_long_workbook, read_workbook
from dbmis.ingest.result import IngestResult
from dbmis.ingest.safety import Limits, inspect_xlsx
from dbmis.ingest.service import IngestEnv, ingest
from dbmis.ingest.templates import template_bytes
from dbmis.ingest.uploader import Uploader
from dbmis.ingest.validate import validate_upload
from dbmis.warehouse import Database, sync_catalog
from dbmis.warehouse.queries.observations import count_rows
from dbmis.warehouse.schema import observation, submission
from tests.ingest.filling import csv_bytes, fill_template, mini_catalog

TODAY = date(2027, 1, 15)
HEADER = ("district", "institution", "indicator", "period", "value")
GOOD = [
    ("ALPHA", "PROSECUTION", "PRO_CASES_DECIDED", "2026-01", 10),
    ("ALPHA", "PROSECUTION", "PRO_CONVICTIONS", "2026-01", 4),
    ("ALPHA", "PROSECUTION", "PRO_CASES_DECIDED", "2026-02", 12),
    ("Beta", "prosecution", "pro_cases_decided", "2026-01", 7),  # a name, any case
    ("GAMMA", "PRISONS", "PRS_PRISONERS_TOTAL", "2025-12", 300),
    ("GAMMA", "PRISONS", "PRS_UNDERTRIAL", "2025-12", 200),
    ("GAMMA", "PRISONS", "PRS_CAPACITY", "2025-12", None),  # blank: not reported
]


@pytest.fixture(scope="module")
def mini() -> Catalog:
    return mini_catalog()


def long_workbook(
    rows: Iterable[Sequence[Any]],
    header: Sequence[Any] = HEADER,
    *,
    sheet: str = "Data",
    extra: Callable[[Workbook], None] | None = None,
) -> bytes:
    """A workbook whose first sheet holds the header row and one figure per row."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    if extra is not None:
        extra(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read(data: bytes, catalog: Catalog) -> Any:
    facts = inspect_xlsx(data, Limits(), value_sheets=())
    return read_long_workbook(
        data, catalog, formula_cells=facts.formula_cells, sheet_names_hint=facts.sheet_names
    )


def as_csv(rows: Iterable[Sequence[Any]]) -> bytes:
    return csv_bytes([["" if v is None else v for v in row] for row in rows])


# --- reading --------------------------------------------------------------------------------


def test_rows_become_tidy_cells_with_real_cell_references(mini: Catalog) -> None:
    outcome = read(long_workbook(GOOD), mini)
    assert outcome is not None and outcome.is_long and outcome.source == "xlsx"
    assert outcome.issues == []
    cells = outcome.cells
    assert cells["cell"].tolist() == [f"Data!E{r}" for r in range(2, 9)]
    assert cells["row_id"].tolist() == list(range(2, 9))
    assert set(cells["col"]) == {5}
    assert cells["district"].tolist()[3] == "BETA"
    assert cells["indicator"].tolist()[3] == "PRO_CASES_DECIDED"
    assert cells["month"].tolist()[:5] == [202601, 202601, 202602, 202601, 202512]
    assert cells["kind"].tolist() == ["number"] * 6 + ["blank"]
    # the same cells as the same rows in a CSV, but for the cell references
    same = read_csv(as_csv(GOOD), mini).cells
    columns = ["district", "institution", "indicator", "month", "raw", "value", "kind"]
    assert cells[columns].astype(str).equals(same[columns].astype(str))


def test_header_in_any_order_and_case_and_date_periods(mini: Catalog) -> None:
    rows = [
        (5, date(2026, 3, 1), "PRO_CONVICTIONS", "PROSECUTION", "ALPHA"),
        (6, datetime(2026, 4, 1), "PRO_CONVICTIONS", "PROSECUTION", "ALPHA"),
        (7, date(2026, 5, 15), "PRO_CONVICTIONS", "PROSECUTION", "ALPHA"),  # not a month
    ]
    header = ("Value", "PERIOD", "Indicator", "institution", " District ")
    outcome = read(long_workbook(rows, header), mini)
    assert outcome.issues == []
    assert outcome.cells["month"].tolist() == [202603, 202604, 0]
    assert outcome.cells["cell"].tolist() == ["Data!A2", "Data!A3", "Data!A4"]
    issues = validate_upload(outcome, mini, today=TODAY)
    assert [(i.code, i.cell) for i in issues] == [("CSV_PERIOD_INVALID", "Data!B4")]
    assert "'2026-05-15' is not a month" in issues[0].message


def test_not_long_workbooks_are_left_to_the_template_reader(mini: Catalog) -> None:
    template = template_bytes(mini, "PROSECUTION", year=2026, district="ALPHA")
    assert read(template, mini) is None  # a _meta sheet
    assert read(long_workbook([("a", "b")], ("name", "value")), mini) is None
    # a hidden first sheet: the first *visible* sheet is the one read
    hidden = long_workbook(
        [("x", "y")],
        ("notes", "more"),
        extra=lambda wb: _hidden_long_sheet(wb),
    )
    assert read(hidden, mini) is None


def _hidden_long_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet("Long", 0)
    ws.append(list(HEADER))
    ws.sheet_state = "hidden"


def test_header_problems_are_csv_header_issues_at_a1(mini: Catalog) -> None:
    # three of the five names: meant to be long, so the header is reported, not "no template"
    outcome = read(
        long_workbook(GOOD, ("district", "institution", "indicator", "month", "v")), mini
    )
    assert outcome is not None and not outcome.data_found
    assert [(i.code, i.cell) for i in outcome.issues] == [("CSV_HEADER", "Data!A1")]
    assert "missing column(s): period, value" in outcome.issues[0].message
    # an unknown column is reported and the rows are still read, as in a CSV
    outcome = read(long_workbook([(*r, "note") for r in GOOD], (*HEADER, "comment")), mini)
    assert [(i.code, i.cell) for i in outcome.issues] == [("CSV_HEADER", "Data!A1")]
    assert len(outcome.cells) == len(GOOD)


def test_a_value_right_of_the_columns_makes_the_row_unreadable(mini: Catalog) -> None:
    rows = [*GOOD[:2], (*GOOD[2], None, "1,234"), GOOD[3]]
    outcome = read(long_workbook(rows), mini)
    assert [(i.code, i.cell) for i in outcome.issues] == [("CSV_LINE_INVALID", "Data!G4")]
    assert outcome.cells["row_id"].tolist() == [2, 3, 5]


def test_formulas_are_refused_with_their_cell(mini: Catalog) -> None:
    rows = [*GOOD[:2], ("ALPHA", "PROSECUTION", "PRO_CHALLANS_ON_TIME", "2026-01", "=1+2")]
    outcome = read(long_workbook(rows), mini)
    assert [(i.code, i.cell) for i in outcome.issues] == [("VALUE_FORMULA", "Data!E4")]


def test_empty_rows_are_skipped_and_rows_keep_their_number(mini: Catalog) -> None:
    rows = [GOOD[0], (None,) * 5, GOOD[1]]
    assert read(long_workbook(rows), mini).cells["cell"].tolist() == ["Data!E2", "Data!E4"]


# --- validation: the CSV's codes, at the workbook's cells -----------------------------------

BAD = [
    ("ALPHA", "PROSECUTION", "PRO_CASES_DECIDED", "2026-01", 10),  # 2 fine
    ("NOWHERE", "PROSECUTION", "PRO_CASES_DECIDED", "2026-01", 1),  # 3 district unknown
    (None, "PROSECUTION", "PRO_CASES_DECIDED", "2026-02", 1),  # 4 district missing
    ("ALPHA", "POLICE", "PRO_CASES_DECIDED", "2026-03", 1),  # 5 institution unknown
    ("ALPHA", "PROSECUTION", "PRO_NOTHING", "2026-01", 1),  # 6 indicator unknown
    ("ALPHA", "PRISONS", "PRO_CONVICTIONS", "2026-04", 1),  # 7 indicator of another inst.
    ("ALPHA", "PROSECUTION", "PRO_CONVICTIONS", "2026-13", 1),  # 8 period invalid
    ("ALPHA", "PROSECUTION", "PRO_CHALLANS_ON_TIME", "2026-01", "n/a"),  # 9 not a number
    ("ALPHA", "PROSECUTION", "PRO_CASES_DECIDED", "2026-01", 11),  # 10 duplicate of row 2
    ("ALPHA", "PROSECUTION", "PRO_CHALLANS_ON_TIME", "2027-03", 1),  # 11 in the future
    ("BETA", "PROSECUTION", "PRO_CASES_DECIDED", "2026-05", -4),  # 12 below the minimum
]
#: which column each code points at in a workbook
COLUMN_OF = {
    "DISTRICT_UNKNOWN": "A",
    "DISTRICT_MISSING": "A",
    "CSV_INSTITUTION_UNKNOWN": "B",
    "CSV_INDICATOR_UNKNOWN": "C",
    "CSV_INDICATOR_INSTITUTION": "C",
    "CSV_PERIOD_INVALID": "D",
}


def test_bad_rows_get_the_csv_codes_at_their_cells(mini: Catalog) -> None:
    from_csv = validate_upload(read_csv(as_csv(BAD), mini), mini, today=TODAY)
    from_book = validate_upload(read(long_workbook(BAD), mini), mini, today=TODAY)
    assert sorted(i.code for i in from_book) == sorted(i.code for i in from_csv)
    expected = {
        ("DISTRICT_UNKNOWN", 3),
        ("DISTRICT_MISSING", 4),
        ("CSV_INSTITUTION_UNKNOWN", 5),
        ("CSV_INDICATOR_UNKNOWN", 6),
        ("CSV_INDICATOR_INSTITUTION", 7),
        ("CSV_PERIOD_INVALID", 8),
        ("VALUE_NOT_NUMBER", 9),
        ("DUPLICATE_VALUE", 10),
        ("PERIOD_IN_FUTURE", 11),
        ("VALUE_BELOW_MIN", 12),
    }
    assert {(i.code, int(re.sub(r"\D", "", i.cell or ""))) for i in from_csv} == expected
    for issue in from_book:
        row = next(r for c, r in expected if c == issue.code)
        assert issue.cell == f"Data!{COLUMN_OF.get(issue.code, 'E')}{row}", issue
        assert "CSV" not in issue.message and "line" not in issue.message.lower(), issue.message
    dup = next(i for i in from_book if i.code == "DUPLICATE_VALUE")
    assert "row 2" in dup.message and "Keep one row" in dup.message


def test_many_bad_rows_are_counted_from_the_first_cell(mini: Catalog) -> None:
    rows = [("NOWHERE", "PROSECUTION", "PRO_CASES_DECIDED", f"2026-{m:02d}", 1) for m in (1, 2, 3)]
    issues = validate_upload(read(long_workbook(rows), mini), mini, today=TODAY)
    assert [(i.code, i.cell) for i in issues] == [("DISTRICT_UNKNOWN", "Data!A2")]
    assert issues[0].message.startswith("Data!A2 (and 2 more rows): 'NOWHERE'")


def test_an_empty_long_workbook_says_which_sheet(mini: Catalog) -> None:
    issues = validate_upload(read(long_workbook([], sheet="Bulk"), mini), mini, today=TODAY)
    assert [(i.code, i.sheet) for i in issues] == [("DATA_EMPTY", "Bulk")]
    assert "'Bulk' sheet" in issues[0].message


def test_a_rejected_long_workbook_is_annotated_on_its_cells(mini: Catalog) -> None:
    data = long_workbook(BAD)
    issues = validate_upload(read(data, mini), mini, today=TODAY)
    ws = load_workbook(io.BytesIO(annotate_workbook(data, issues)))["Data"]
    assert ws["A3"].comment is not None and "DISTRICT_UNKNOWN" in ws["A3"].comment.text
    assert ws["E9"].comment is not None and "VALUE_NOT_NUMBER" in ws["E9"].comment.text


def test_a_20000_row_long_workbook_passes_the_default_safety_limits(mini: Catalog) -> None:
    districts = [d.code for d in mini.districts]
    rows = [
        (districts[i % len(districts)], "PRISONS", "PRS_CAPACITY", f"{2000 + i // 48}-01", 5)
        for i in range(20_000)
    ]
    data = long_workbook(rows)
    outcome = read(data, mini)  # inspect_xlsx(Limits()) inside: raises if refused
    assert outcome is not None and outcome.issues == [] and len(outcome.cells) == 20_000


# --- through ingest() -------------------------------------------------------------------------


@pytest.fixture
def env(db: Database, mini: Catalog, tmp_path: Path) -> IngestEnv:
    sync_catalog(db, mini)
    return IngestEnv(db=db, catalog=mini, evidence=EvidenceStore(tmp_path / "evidence"))


def upload(env: IngestEnv, data: bytes, filename: str) -> IngestResult:
    return ingest(data, Uploader.system(), env, filename=filename, today=TODAY)


def test_round_trip_loads_like_the_csv(env: IngestEnv) -> None:
    data = long_workbook(GOOD)
    result = upload(env, data, "bulk.xlsx")
    assert result.ok and result.errors == [], result.issues
    assert result.counts["values"] == 6 and result.counts["submissions"] == 3
    with env.db.read() as conn:
        subs = conn.execute(
            select(submission.c.id, submission.c.source_kind, submission.c.year)
        ).all()
        obs = conn.execute(
            select(
                observation.c.submission_id,
                observation.c.month,
                observation.c.value,
                observation.c.cell,
            )
        ).all()
    assert {(s.source_kind, s.year) for s in subs} == {("xlsx", 2026), ("xlsx", 2025)}
    assert len(subs) == 3  # ALPHA and BETA prosecution 2026, GAMMA prisons 2025
    assert sorted((o.month, o.value, o.cell) for o in obs)[:3] == [
        (202512, 200.0, "Data!E7"),
        (202512, 300.0, "Data!E6"),
        (202601, 4.0, "Data!E3"),
    ]
    # the same bytes again: one submission per key, nothing new
    assert upload(env, data, "bulk.xlsx").duplicate
    # the same figures as a CSV give the same observations, with the CSV's cells
    again = upload(env, as_csv(GOOD), "bulk.csv")
    assert again.ok and again.counts["values"] == 6
    with env.db.read() as conn:
        cells = conn.execute(select(observation.c.cell).order_by(observation.c.id)).scalars()
        assert [c for c in cells if c.startswith("CSV")][:1] == ["CSV!line 2"]


def test_a_bad_row_loads_nothing(env: IngestEnv) -> None:
    with env.db.read() as conn:
        before = count_rows(conn)
    result = upload(env, long_workbook([*GOOD, BAD[1]]), "bulk.xlsx")
    assert not result.ok
    assert [(i.code, i.cell) for i in result.errors] == [("DISTRICT_UNKNOWN", "Data!A9")]
    with env.db.read() as conn:
        after = count_rows(conn)
    assert {k: v for k, v in after.items() if k != "audit_event"} == {
        k: v for k, v in before.items() if k != "audit_event"
    }


def test_a_long_sheet_name_still_loads(env: IngestEnv) -> None:
    # issues name the whole cell; observation.cell (16 characters) keeps the cell without the
    # sheet when the whole reference does not fit (a long workbook has one sheet of figures)
    result = upload(env, long_workbook(GOOD[:1], sheet="Observations 2026 export"), "b.xlsx")
    assert result.ok, result.issues
    with env.db.read() as conn:
        assert conn.execute(select(observation.c.cell)).scalar_one() == "E2"


def test_templates_still_go_to_the_template_reader(env: IngestEnv, mini: Catalog) -> None:
    template = template_bytes(mini, "PROSECUTION", year=2026, district="ALPHA")
    filled = fill_template(template, {("PRO_CASES_DECIDED", 1): 10, ("PRO_CONVICTIONS", 1): 4})
    result = upload(env, filled, "ALPHA.xlsx")
    assert result.ok and result.counts["values"] == 2
    assert read_workbook(filled, mini).is_long is False
