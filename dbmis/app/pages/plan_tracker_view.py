"""The sections of the action plan tracker (:mod:`dbmis.app.pages.plan_tracker`): the roll-ups
by KPI and by institution, the list of activities, the reports waiting for review, one
activity drilled down and the review panel of one report."""

from __future__ import annotations

from collections.abc import Sequence

from dash import html
from dash.development.base_component import Component

from dbmis.app.attrs import aria
from dbmis.app.context import PageContext
from dbmis.app.i18n import fmt_number
from dbmis.app.pages.plan_activity_view import (
    budget_table,
    facts,
    milestones_table,
    reports_table,
    status_line,
)
from dbmis.app.pages.plan_parts import (
    activity_title,
    budget_text,
    illustrative_tag,
    institution_name,
    kpi_name,
    overdue_text,
    pkr,
    rollup_table,
    status_badge,
)
from dbmis.app.pages.review_parts import card_table, filter_search, when
from dbmis.app.plan_tracker_service import TrackerData
from dbmis.warehouse.queries.plan import PlanReport

PATH = "/workspace/plan"
CONTENT = "plan-tracker-content"
REASON = "plan-review-reason"
APPROVE = "plan-review-approve"
RETURN = "plan-review-return"
REASON_MAX = 2000


def href(ctx: PageContext, anchor: str = "", **values: str | None) -> str:
    return PATH + filter_search(ctx.lang, values) + (f"#{anchor}" if anchor else "")


def section(anchor: str, heading: str, *children: Component | None) -> Component:
    return html.Section(
        [html.H2(heading, id=anchor), *(c for c in children if c is not None)],
        className="plan-step",
        **aria(labelledby=anchor),
    )


def by_kpi(ctx: PageContext, data: TrackerData) -> Component:
    rows = [
        (html.A(kpi_name(ctx, code), href=href(ctx, "plan-list-title", kpi=code)), r)
        for code, r in data.by_kpi.items()
    ]
    return rollup_table(
        ctx, rows, first_column=ctx.t("plan.col.kpi"), caption=ctx.t("plan.tracker.kpi_caption")
    )


def by_institution(ctx: PageContext, data: TrackerData) -> Component:
    rows = [
        (
            html.A(
                institution_name(ctx, code), href=href(ctx, "plan-list-title", institution=code)
            ),
            r,
        )
        for code, r in data.by_institution.items()
    ]
    return rollup_table(
        ctx,
        rows,
        first_column=ctx.t("plan.col.institution"),
        caption=ctx.t("plan.tracker.institution_caption"),
    )


def activities(
    ctx: PageContext, data: TrackerData, kpi: str | None, institution: str | None
) -> Component:
    """Every activity (or those behind one KPI, or led by one institution)."""
    shown = [
        s
        for s in data.statuses
        if (kpi is None or kpi in s.kpis) and (institution is None or s.lead == institution)
    ]
    rows = []
    for s in shown:
        a = ctx.catalog.activity_by_code.get(s.code)
        rows.append(
            [
                html.Span(
                    [
                        html.A(
                            activity_title(ctx, s.code),
                            href=href(ctx, "plan-activity-title", activity=s.code),
                        ),
                        " ",
                        illustrative_tag(ctx, a),
                    ]
                ),
                institution_name(ctx, s.lead),
                ", ".join(kpi_name(ctx, k) for k in s.kpis),
                status_line(ctx, s, unpublished=s.code in data.unpublished),
                overdue_text(ctx, s),
                budget_text(ctx, s.spend_pkr, s.allocated_pkr),
            ]
        )
    n = fmt_number(len(rows), 0, ctx.lang)
    if kpi is not None:
        caption = ctx.t("plan.tracker.list_kpi", name=kpi_name(ctx, kpi), n=n)
    elif institution is not None:
        caption = ctx.t(
            "plan.tracker.list_institution", name=institution_name(ctx, institution), n=n
        )
    else:
        caption = ctx.t("plan.tracker.list_all", n=n)
    parts: list[Component] = [
        card_table(
            [
                ctx.t("plan.col.activity"),
                ctx.t("plan.col.lead"),
                ctx.t("plan.col.kpis"),
                ctx.t("plan.col.status"),
                ctx.t("plan.col.overdue"),
                ctx.t("plan.col.budget_use"),
            ],
            rows,
            caption=caption,
        )
    ]
    if kpi is not None or institution is not None:
        parts.append(
            html.P(html.A(ctx.t("plan.tracker.show_all"), href=href(ctx, "plan-list-title")))
        )
    return html.Div(parts)


def pending(ctx: PageContext, reports: Sequence[PlanReport]) -> Component:
    if not reports:
        return html.P(ctx.t("plan.tracker.no_pending"), className="muted")
    rows = []
    for r in reports:
        rows.append(
            [
                activity_title(ctx, r.activity),
                [ctx.period(r.quarter), " · ", ctx.t("plan.revision", n=fmt_number(r.revision))],
                status_badge(ctx, r.progress),
                pkr(r.spend_pkr, ctx.lang),
                [r.reporter, html.Br(), when(ctx, r.reported_at)],
                html.A(
                    ctx.t("plan.review.open"),
                    href=href(ctx, "plan-review-title", activity=r.activity, report=str(r.id)),
                    className="plan-review-link",
                    **aria(
                        label=ctx.t(
                            "plan.review.open_on",
                            title=activity_title(ctx, r.activity),
                            quarter=ctx.period(r.quarter),
                        )
                    ),
                ),
            ]
        )
    return card_table(
        [
            ctx.t("plan.col.activity"),
            ctx.t("plan.col.quarter"),
            ctx.t("plan.col.status"),
            ctx.t("plan.col.spend"),
            ctx.t("plan.col.reported"),
            ctx.t("plan.col.action"),
        ],
        rows,
        caption=ctx.t("plan.tracker.pending_caption", n=fmt_number(len(reports))),
    )


def drill_down(
    ctx: PageContext,
    data: TrackerData,
    code: str,
    history: Sequence[PlanReport],
    review: Component | None,
) -> Component:
    activity = ctx.catalog.activity_by_code[code]
    status = data.status(code)
    return html.Section(
        [
            html.H2(activity.title.get(ctx.lang), id="plan-activity-title"),
            html.P([html.Span(code, className="plan-code"), " ", illustrative_tag(ctx, activity)]),
            facts(
                ctx,
                activity,
                status,
                kpi_href=lambda k: href(ctx, "plan-list-title", kpi=k),
                unpublished=code in data.unpublished,
            ),
            review,
            html.H3(ctx.t("plan.milestones")),
            milestones_table(ctx, activity, status),
            html.H3(ctx.t("plan.budget")),
            budget_table(ctx, activity, status),
            html.H3(ctx.t("plan.history")),
            reports_table(
                ctx,
                history,
                caption=ctx.t("plan.history_caption", title=activity.title.get(ctx.lang)),
            )
            if history
            else html.P(ctx.t("plan.no_reports"), className="muted"),
            html.P(html.A(ctx.t("plan.tracker.back"), href=href(ctx, "plan-list-title"))),
        ],
        className="plan-step plan-drill",
        id="plan-activity",
        **aria(labelledby="plan-activity-title"),
    )


__all__ = [
    "APPROVE",
    "CONTENT",
    "PATH",
    "REASON",
    "REASON_MAX",
    "RETURN",
    "activities",
    "by_institution",
    "by_kpi",
    "drill_down",
    "href",
    "pending",
    "section",
]
