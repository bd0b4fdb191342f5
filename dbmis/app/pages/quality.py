"""Data quality (``/workspace/quality``, analysts): are the monthly returns complete and on
time, and which reported figures look odd?

- A heatmap of district x month for one year: for every institution, the share of expected
  returns received (completeness) or received by the due date (timeliness); for one
  institution, each return's state (on time, late, missing, not yet due). The rules and the
  due date (the Roadmap's ``reporting_deadline_days`` after the month ends) are in
  :mod:`dbmis.kpis.quality`. A table under the figure gives the same facts as text.
- The outliers validation flagged in current submissions, to follow up with the focal points.

Filters (institution, year, measure) live in the URL, written by a plain GET form
(``/workspace/quality?institution=PRISONS&year=2026&measure=timeliness``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from dash import html
from dash.development.base_component import Component

from dbmis.app.auth import REVIEWERS
from dbmis.app.context import PageContext
from dbmis.app.figures._common import FIGURE_CONFIG
from dbmis.app.i18n import fmt_number, fmt_percent, ltr, month_label
from dbmis.app.pages import charts
from dbmis.app.pages.quality_grid import grid_figure, grid_table
from dbmis.app.pages.review_parts import (
    card_table,
    district_name,
    filter_form,
    filter_values,
    indicator_name,
    institution_name,
    section,
    select,
)
from dbmis.ingest.review import FollowUp, outliers_to_follow
from dbmis.kpis.quality import Tally, year_grid
from dbmis.periods import parse_period
from dbmis.warehouse.queries.inbox import submission_years
from dbmis.warehouse.queries.quality import current_reports

ROLES = REVIEWERS
MEASURES = ("completeness", "timeliness")
OUTLIER_LIMIT = 200

FORM = "review-quality-filters-form"
SELECTS = {
    "institution": "review-quality-institution",
    "year": "review-quality-year",
    "measure": "review-quality-measure",
}


def today() -> date:
    """The date the returns are judged on (UTC)."""
    return datetime.now(UTC).date()


def title(ctx: PageContext, **params: Any) -> str:
    return ctx.t("quality.title")


# --- state -----------------------------------------------------------------------------------


def _choices(ctx: PageContext, years: list[int], as_of: date) -> tuple[str | None, int, str]:
    f = filter_values(ctx, ("institution", "year", "measure"))
    year = f["year"] or (years[0] if years else as_of.year)
    measure = f["measure"] if f["measure"] in MEASURES else MEASURES[0]
    return f["institution"], year, measure


def _filters(
    ctx: PageContext, institution: str | None, year: int, measure: str, years: list[int]
) -> Component:
    fields = [
        select(
            SELECTS["institution"],
            "institution",
            ctx.t("review.filter.institution"),
            [(i.code, i.short.get(ctx.lang)) for i in ctx.catalog.institutions],
            institution,
            any_label=ctx.t("quality.all_institutions"),
        ),
        select(
            SELECTS["year"],
            "year",
            ctx.t("review.filter.year"),
            [(str(y), str(y)) for y in years],
            str(year),
        ),
    ]
    if institution is None:  # one institution: each return's state, no measure to choose
        fields.append(
            select(
                SELECTS["measure"],
                "measure",
                ctx.t("quality.measure"),
                [(m, ctx.t(f"quality.measure.{m}")) for m in MEASURES],
                measure,
            )
        )
    return section(
        "review-quality-filters",
        ctx.t("review.filter.title"),
        filter_form(ctx, FORM, fields),
        class_name="review-filter-box",
    )


def _summary(ctx: PageContext, total: Tally) -> Component:
    return html.P(
        ctx.t(
            "quality.summary",
            expected=fmt_number(total.expected),
            received=fmt_number(total.received),
            completeness=fmt_percent(total.completeness, ctx.lang),
            on_time=fmt_number(total.on_time),
            timeliness=fmt_percent(total.timeliness, ctx.lang),
            not_due=fmt_number(total.not_due),
        ),
        className="review-summary",
    )


def _outliers(ctx: PageContext, follow: list[FollowUp]) -> Component:
    if not follow:
        return section("review-quality-outliers", ctx.t("quality.outliers.title"),
                       html.P(ctx.t("quality.outliers.none")))  # fmt: skip
    rows = []
    for f in follow[:OUTLIER_LIMIT]:
        month = "–"
        if f.period:
            try:
                month = month_label(parse_period(f.period).first, ctx.lang)
            except ValueError:
                month = f.period
        rows.append(
            [
                district_name(ctx, f.district),
                institution_name(ctx, f.institution),
                indicator_name(ctx, f.indicator),
                month,
                ltr(f.value or "–", ctx.lang),
                ltr(f.cell or "–", ctx.lang),
                html.A(
                    ctx.t("review.inbox.open", id=f.submission_id),
                    href=ctx.link(f"/submission/{f.submission_id}"),
                ),
            ]
        )
    more = (
        [html.P(ctx.t("quality.outliers.more", n=fmt_number(len(follow) - OUTLIER_LIMIT)))]
        if len(follow) > OUTLIER_LIMIT
        else []
    )
    return section(
        "review-quality-outliers",
        ctx.t("quality.outliers.title"),
        html.P(ctx.t("quality.outliers.intro")),
        card_table(
            [
                ctx.t("review.col.district"),
                ctx.t("review.col.institution"),
                ctx.t("review.col.indicator"),
                ctx.t("review.col.month"),
                ctx.t("review.col.value"),
                ctx.t("review.col.cell"),
                ctx.t("review.col.submission"),
            ],
            rows,
            caption=ctx.t("quality.outliers.caption", n=fmt_number(len(follow))),
            numeric=(4,),
        ),
        *more,
    )


def layout(ctx: PageContext, **params: Any) -> Component:
    as_of = today()
    with ctx.state.db.read() as conn:
        years = submission_years(conn)
        institution, year, measure = _choices(ctx, years, as_of)
        grid = year_grid(conn, ctx.catalog, year=year, institution=institution, as_of=as_of)
        follow = outliers_to_follow(current_reports(conn, year, institution_code=institution))
    first = ctx.catalog.roadmap.first_reporting_year
    all_years = sorted({*range(first, max(as_of.year, first) + 1), *years, year}, reverse=True)
    which = (
        institution_name(ctx, institution)
        if institution is not None
        else ctx.t("quality.all_institutions")
    )
    figure_title = ctx.t(
        "quality.figure.one" if institution is not None else f"quality.figure.{measure}",
        institution=which,
        year=year,
    )
    return html.Div(
        [
            html.H1(ctx.t("quality.title")),
            html.P(
                ctx.t(
                    "quality.intro",
                    days=fmt_number(ctx.catalog.roadmap.reporting_deadline_days),
                )
            ),
            _filters(ctx, institution, year, measure, all_years),
            section(
                "review-quality-grid",
                figure_title,
                _summary(ctx, grid.total),
                html.Div(
                    charts.figure(
                        grid_figure(ctx, grid, institution, measure),
                        label=figure_title,
                        config=FIGURE_CONFIG,
                        graph_id="review-quality-heatmap",
                    ),
                    className="review-heatmap-wrap",
                ),
                html.P(ctx.t("quality.table.note"), id="review-quality-table-note"),
                grid_table(ctx, grid, institution),
            ),
            _outliers(ctx, follow),
            html.P(
                html.A(
                    ctx.t("quality.back"),
                    href=ctx.link("/workspace"),
                )
            ),
        ],
        className="review-page review-quality",
    )
