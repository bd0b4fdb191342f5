"""The stocktake pack's renderers on a hand-made PackData (no database): HTML, PDF, XLSX."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from dbmis.kpis.pack import fmt
from dbmis.kpis.pack.charts import chart_png, chart_svg
from dbmis.kpis.pack.html import css_string, render_html
from dbmis.kpis.pack.model import LIKELIHOOD_LABELS, PackData
from dbmis.kpis.pack.sample import sample_pack
from dbmis.kpis.pack.xlsx import neutralise, render_xlsx
from dbmis.kpis.status import STATUS_LABELS


@pytest.fixture(scope="module")
def pack() -> PackData:
    return sample_pack()


@pytest.fixture(scope="module")
def html(pack: PackData) -> str:
    return render_html(pack)


@pytest.fixture(scope="module")
def rendered_pdf(pack: PackData) -> tuple[bytes, int]:
    """Rendered once for the module: WeasyPrint takes a few seconds."""
    from dbmis.kpis.pack.pdf import render_pdf_pages

    return render_pdf_pages(pack)


@pytest.fixture(scope="module")
def pdf(rendered_pdf: tuple[bytes, int]) -> bytes:
    return rendered_pdf[0]


@pytest.fixture(scope="module")
def workbook(pack: PackData) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(render_xlsx(pack)))


# --- formatting --------------------------------------------------------------------------------


def test_numbers_have_thousands_separators_and_units() -> None:
    assert fmt.number(1234567.891, 1) == "1,234,567.9"
    assert fmt.number(-0.04, 1) == "0.0"
    assert fmt.number(-12.5, 1) == "−12.5"
    assert fmt.number(None) == fmt.DASH
    assert fmt.value(42.25, "percent", 1) == "42.2%" or fmt.value(42.25, "percent", 1) == "42.3%"
    assert fmt.value(12500, "hours", 0) == "12,500 hours"
    assert fmt.value(12500, "hours", 0, compact=True) == "12,500"
    assert fmt.value(1200, "pkr", 0) == "PKR 1,200"
    assert fmt.share(0.853) == "85%"


def test_periods_and_gaps_read_like_words() -> None:
    assert fmt.period("2026Q3") == "Q3 2026 (Jul–Sep)"
    assert fmt.period("2026-09") == "Sep 2026"
    assert fmt.period("FY2026-27") == "FY2026-27"
    assert fmt.period_short("2026", 202610) == "2026 to Oct"
    assert fmt.period_short("2026Q3") == "Q3 2026"
    assert fmt.quarter_label("2026Q3") == "July–September 2026"
    assert fmt.day(date(2026, 10, 5)) == "5 October 2026"
    assert fmt.gap(11.3, 13.9, "percent", 1, "up") == "2.6 percentage points behind plan"
    assert fmt.gap(55.0, 60.0, "percent", 1, "down") == "5.0 percentage points ahead of plan"
    assert fmt.gap(None, 1.0, "percent", 1, "up") == ""


def test_css_strings_are_escaped() -> None:
    assert css_string('a "b" \\ </style>') == '"a \\22 b\\22  \\5c  \\3c /style\\3e "'


# --- HTML --------------------------------------------------------------------------------------


def test_html_is_self_contained(html: str) -> None:
    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r"https?://", html, re.IGNORECASE)
    assert "<script" not in html.lower()
    assert "<link" not in html.lower()
    assert "@import" not in html
    assert "<style>" in html


def test_html_shows_every_kpi_status_and_likelihood(pack: PackData, html: str) -> None:
    for k in pack.kpis:
        assert k.name in html
        assert f'id="{k.anchor}"' in html
    for labels in STATUS_LABELS.values():
        assert labels["en"] in html
    for word in LIKELIHOOD_LABELS.values():
        assert word in html
    assert "DEMO DATA — synthetic" in html
    assert "Overdue" in html
    assert "Approve the recruitment of 12 prosecutors" in html


def test_html_escapes_people_text(html: str) -> None:
    assert "&lt;script&gt;alert(&#x27;not markup&#x27;)&lt;/script&gt;" in html


def test_html_charts_are_inline_svg_with_unique_ids(pack: PackData, html: str) -> None:
    assert html.count("<svg") == len(pack.kpis)
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    # every in-document reference points at an id of the document
    refs = set(re.findall(r'href="#([^"]+)"', html)) | set(re.findall(r"url\(#([^)]+)\)", html))
    assert refs <= set(ids)


def test_html_for_print_uses_data_uri_images(pack: PackData) -> None:
    printed = render_html(pack, inline_svg=False)
    assert printed.count('<img src="data:image/svg+xml;base64,') == len(pack.kpis)
    assert "<svg" not in printed


def test_no_demo_banner_for_real_data(pack: PackData) -> None:
    real = render_html(replace(pack, is_demo=False, kpis=pack.kpis[:1]))
    assert "DEMO DATA" not in real


def test_charts_draw_every_kind_of_series(pack: PackData) -> None:
    monthly, empty, yearly = pack.kpis
    for section in (monthly, empty, yearly):
        svg = chart_svg(section, pack.quarter)
        assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "No approved data yet" in chart_svg(empty, pack.quarter)
    assert "Trend forecast" in chart_svg(monthly, pack.quarter)
    assert chart_png(yearly, pack.quarter, dpi=50).startswith(b"\x89PNG")
    bare = replace(
        empty, trajectory=(), baseline_month=None, target_month=None, series_type="month"
    )
    assert "No approved data yet" in chart_svg(bare, None)


# --- PDF ---------------------------------------------------------------------------------------


def test_pdf_has_a_page_per_section(rendered_pdf: tuple[bytes, int]) -> None:
    pdf, pages = rendered_pdf
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    # cover, summary, decisions, 3 KPIs (1-2 pages each), annex, notes (1-2)
    assert 8 <= pages <= 14


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="pdfinfo (poppler-utils) missing")
def test_pdf_pages_are_a4(rendered_pdf: tuple[bytes, int], tmp_path: Path) -> None:
    path = tmp_path / "pack.pdf"
    path.write_bytes(rendered_pdf[0])
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    assert re.search(rf"Pages:\s+{rendered_pdf[1]}\n", info.stdout)
    assert "(A4)" in info.stdout
    assert "Rule of Law Roadmap: stocktake pack 2026Q3" in info.stdout  # the title


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")
def test_pdf_text_can_be_extracted(
    pack: PackData, rendered_pdf: tuple[bytes, int], tmp_path: Path
) -> None:
    pdf, pages = rendered_pdf
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    for k in pack.kpis:
        assert k.name in text
    for word in ("Off track", "No data", "Amber-red", "Overdue", "DEMO DATA"):
        assert word in text
    assert f"Page 2 of {pages}" in text
    assert "Stocktake pack, 2026Q3" in text
    assert "Per cent" in text  # chart text stays text


# --- XLSX --------------------------------------------------------------------------------------


def test_xlsx_has_summary_kpi_and_data_quality_sheets(workbook: openpyxl.Workbook) -> None:
    assert workbook.sheetnames == [
        "Summary",
        "Convictions",
        "Legal aid spent",
        "Personnel trained",
        "Data quality",
    ]
    summary = workbook["Summary"]
    rows = list(summary.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "Priority")
    first = rows[header + 1]
    assert first[1] == "Conviction rate"
    assert first[3] == pytest.approx(11.3)  # numbers stay numbers
    assert first[8] == "Off track"
    assert any(r[0] and "DEMO DATA" in str(r[0]) for r in rows)


def test_xlsx_neutralises_formula_like_text(workbook: openpyxl.Workbook) -> None:
    texts = []
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    assert "'=cmd|' /C calc'!A0" in texts
    assert "'+Home Department" in texts
    assert "'-5 cases a month backlog review" in texts
    assert "'@DU analyst" in texts
    assert not [t for t in texts if t[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_neutralise() -> None:
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("\tx") == "'\tx"
    assert neutralise("plain") == "plain"
    assert neutralise("") == ""


def test_xlsx_kpi_sheet_holds_series_and_league(workbook: openpyxl.Workbook) -> None:
    ws = workbook["Convictions"]
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "Province series (month)" in values
    assert "Best five" in values and "Worst five" in values
    assert "Quetta" in values
    assert "OVERDUE" in values
    assert ws._charts  # the native line chart
