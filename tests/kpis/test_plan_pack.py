"""The stocktake pack shows, per KPI, the action plan's activities: status, overdue milestones
and budget use, from approved reports (warehouse on SQLite and PostgreSQL), in HTML, PDF and
XLSX."""

# ruff: noqa: F811 - the warehouse fixtures are imported, then used as arguments

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import openpyxl
import pytest

from dbmis.catalog import Catalog
from dbmis.ingest.progress import PlanActor, approve_reports, report_progress
from dbmis.kpis.pack import build_pack_data, render_html, render_pdf, render_xlsx
from dbmis.kpis.pack.model import OverdueMilestone, PackData, PlanActivityLine
from dbmis.kpis.pack.sample import sample_pack
from dbmis.warehouse import Database
from tests.warehouse.conftest import mini_catalog, synced_db  # noqa: F401

ANALYST = PlanActor("ana", "analyst")
M = 1_000_000


def test_build_fills_each_kpi_with_the_activities_behind_it(
    synced_db: Database, mini_catalog: Catalog
) -> None:
    for activity, quarter, status, milestones, approve in (
        ("SCRUTINY", "2024Q4", "on_schedule", {"SOP": "2024-03-25"}, True),
        ("LEGAL_AID_PANEL", "2024Q4", "delayed", {}, False),  # waiting: not in the pack
        ("SCRUTINY", "2025Q1", "delayed", {}, True),  # after the stocktake's quarter
    ):
        result = report_progress(
            synced_db, mini_catalog, ANALYST, activity, quarter,
            status=status, spend_pkr=3 * M, milestones=milestones, narrative="n",
            today=date(2025, 2, 1),
        )  # fmt: skip
        assert result.ok and result.report_id is not None
        if approve:
            approve_reports(synced_db, [result.report_id], ANALYST)
    pack = build_pack_data(synced_db, mini_catalog, "2024Q4", today=date(2025, 1, 15))
    assert pack.plan_as_of == date(2025, 1, 15)
    by_kpi = {k.code: k for k in pack.kpis}
    conv = by_kpi["CONVICTION_RATE"].activities
    assert [a.code for a in conv] == ["SCRUTINY", "VIDEO_LINKS"]
    scrutiny = conv[0]
    assert (scrutiny.status, scrutiny.quarter, scrutiny.lead_name) == (
        "on_schedule",
        "2024Q4",
        "Prosecution",
    )
    assert (scrutiny.milestones_done, scrutiny.milestones_total) == (1, 3)
    assert scrutiny.overdue == (
        OverdueMilestone("CELLS", "Cells in two districts", date(2024, 12, 31)),
    )
    assert (scrutiny.spent_pkr, scrutiny.allocated_pkr) == (3 * M, 5 * M)
    assert scrutiny.budget_use == pytest.approx(0.6) and scrutiny.illustrative
    under = by_kpi["UNDERTRIAL_SHARE"].activities
    assert [(a.code, a.status) for a in under] == [
        ("LEGAL_AID_PANEL", "not_reported"),
        ("VIDEO_LINKS", "not_reported"),  # began on 1 January
    ]
    html = render_html(pack)
    assert "Action plan: activities behind this KPI" in html and "Challan scrutiny cells" in html


def _with_plan(pack: PackData) -> PackData:
    lines = (
        PlanActivityLine(
            code="LABS",
            title="Forensic <labs> & units",
            lead="FORENSICS",
            lead_name="Forensics",
            status="delayed",
            quarter="2026Q3",
            milestones_done=1,
            milestones_total=3,
            overdue=(OverdueMilestone("EQUIP", "=Equipment procured", date(2026, 3, 31)),),
            spent_pkr=12_500_000,
            allocated_pkr=50_000_000,
            budget_pkr=90_000_000,
            illustrative=True,
        ),
        PlanActivityLine(
            code="PANEL",
            title="Legal aid panel",
            lead="LEGAL_AID",
            lead_name="Legal aid",
            status="not_reported",
        ),
    )
    kpis = tuple(replace(k, activities=lines if i == 0 else ()) for i, k in enumerate(pack.kpis))
    return replace(pack, kpis=kpis, plan_as_of=date(2026, 10, 15))


def test_html_shows_status_overdue_milestones_and_budget_use_escaped() -> None:
    pack = _with_plan(sample_pack())
    html = render_html(pack)
    assert html.count("Action plan: activities behind this KPI") == len(pack.kpis)
    assert "Forensic &lt;labs&gt; &amp; units" in html and "<labs>" not in html
    assert 'class="pstatus p-delayed">Delayed' in html and "Not reported" in html
    assert "Overdue:</span> =Equipment procured" in html and "31 Mar 2026" in html
    assert "12.5 / 50.0" in html and "25%" in html
    assert "No activity of the action plan names this KPI." in html
    assert "Action plan" not in render_html(sample_pack())  # no plan in the catalog: no section


def test_xlsx_has_an_action_plan_sheet_with_safe_text() -> None:
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(_with_plan(sample_pack()))))
    assert book.sheetnames[-2:] == ["Action plan", "Data quality"]
    rows = list(book["Action plan"].iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "KPI")
    first, second = rows[header + 1], rows[header + 2]
    assert first[1:6] == ("Forensic <labs> & units", "LABS", "Forensics", "Delayed", "2026Q3")
    assert first[8] == "'=Equipment procured (due 31 Mar 2026)"  # neutralised, never a formula
    assert first[9:13] == (12_500_000, 50_000_000, 0.25, 90_000_000)
    assert second[4] == "Not reported" and second[11] is None
    assert (
        "Action plan"
        not in openpyxl.load_workbook(io.BytesIO(render_xlsx(sample_pack()))).sheetnames
    )


def test_pdf_renders_the_action_plan() -> None:
    pdf = render_pdf(_with_plan(sample_pack()))
    assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000
