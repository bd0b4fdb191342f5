"""The stocktake pack: what the minister's office circulates before a quarterly stocktake.

- :mod:`~dbmis.kpis.pack.model`: frozen dataclasses of everything the pack shows
  (:class:`PackData`, :class:`KpiSection`, :class:`LeagueRow`, ...);
- :func:`build_pack_data` fills one from the warehouse and the KPI rules;
- renderers that take a :class:`PackData` only: :func:`render_html` (one self-contained
  file), :func:`render_pdf` (the same HTML typeset by WeasyPrint, A4) and :func:`render_xlsx`.

Renderers import their heavy libraries (matplotlib, WeasyPrint) only when called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from dbmis.kpis.pack.model import (
    ActionItem,
    Criterion,
    DataQuality,
    DecisionItem,
    ForecastLine,
    InstitutionReporting,
    Judgement,
    KpiSection,
    League,
    LeagueRow,
    OverdueMilestone,
    PackData,
    PlanActivityLine,
    SeriesPoint,
)

if TYPE_CHECKING:
    from datetime import date

    from dbmis.catalog import Catalog
    from dbmis.warehouse import Database

Format = Literal["pdf", "xlsx", "html"]
FORMATS: tuple[Format, ...] = ("pdf", "xlsx", "html")


def build_pack_data(db: Database, catalog: Catalog, quarter: str, *, today: date) -> PackData:
    """See :func:`dbmis.kpis.pack.build.build_pack_data`."""
    from dbmis.kpis.pack.build import build_pack_data as build

    return build(db, catalog, quarter, today=today)


def render_html(pack: PackData) -> str:
    """The pack as one self-contained HTML document (inline CSS and SVG, no scripts)."""
    from dbmis.kpis.pack.html import render_html as render

    return render(pack)


def render_pdf(pack: PackData) -> bytes:
    """The pack as an A4 PDF (WeasyPrint)."""
    from dbmis.kpis.pack.pdf import render_pdf as render

    return render(pack)


def render_xlsx(pack: PackData) -> bytes:
    """The pack as an Excel workbook."""
    from dbmis.kpis.pack.xlsx import render_xlsx as render

    return render(pack)


def render(pack: PackData, format: Format) -> bytes:
    """The pack in ``format`` (pdf, xlsx or html), as bytes (HTML in UTF-8)."""
    if format == "pdf":
        return render_pdf(pack)
    if format == "xlsx":
        return render_xlsx(pack)
    if format == "html":
        return render_html(pack).encode("utf-8")
    raise ValueError(f"unknown format {format!r}: use pdf, xlsx or html")


__all__ = [
    "FORMATS",
    "ActionItem",
    "Criterion",
    "DataQuality",
    "DecisionItem",
    "ForecastLine",
    "Format",
    "InstitutionReporting",
    "Judgement",
    "KpiSection",
    "League",
    "LeagueRow",
    "OverdueMilestone",
    "PackData",
    "PlanActivityLine",
    "SeriesPoint",
    "build_pack_data",
    "render",
    "render_html",
    "render_pdf",
    "render_xlsx",
]
