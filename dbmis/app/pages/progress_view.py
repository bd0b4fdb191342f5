"""What the progress reporting page draws besides its form (:mod:`.progress_form`) and a
report's result (:mod:`.progress_result`): the component ids, the activities an account
reports on, and the reports already sent."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dash import html
from dash.development.base_component import Component

from dbmis.app.attrs import aria
from dbmis.app.context import PageContext
from dbmis.app.i18n import fmt_number
from dbmis.app.pages.plan_activity_view import reports_table, status_line
from dbmis.app.pages.plan_parts import (
    illustrative_tag,
    kpi_name,
    state_badge,
)
from dbmis.app.pages.review_parts import card_table
from dbmis.catalog.plan import Activity
from dbmis.kpis.plan import ActivityStatus
from dbmis.warehouse.queries.plan import PlanReport

PATH = "/portal/progress"
FORM = "plan-report-form"
SEND = "plan-report-send"
PAYLOAD = "plan-report-payload"
EVIDENCE = "plan-report-evidence"
EVIDENCE_NAME = "plan-report-evidence-name"
RESULT = "plan-report-result"
MINE = "plan-report-mine"
ACTIVITIES = "plan-report-activities"


def form_href(ctx: PageContext, code: str) -> str:
    return ctx.link(PATH) + ("&" if "?" in ctx.link(PATH) else "?") + f"activity={code}"


# --- the activities ------------------------------------------------------------------------


def activities_view(
    ctx: PageContext,
    activities: Sequence[Activity],
    statuses: Mapping[str, ActivityStatus],
    latest: Mapping[str, PlanReport],
) -> Component:
    """One row per activity the account reports on: its approved status, its latest report
    and a link to the form."""
    if not activities:
        return html.P(ctx.t("plan.progress.nothing"), className="notice")
    rows = []
    for a in activities:
        report = latest.get(a.code)
        last: Component | str = (
            html.Span([ctx.period(report.quarter), " · ", state_badge(ctx, report.state)])
            if report is not None
            else ctx.t("plan.progress.no_report")
        )
        rows.append(
            [
                html.Span(
                    [
                        a.title.get(ctx.lang),
                        " ",
                        html.Span(a.code, className="plan-code"),
                        " ",
                        illustrative_tag(ctx, a),
                    ]
                ),
                ", ".join(kpi_name(ctx, k) for k in a.kpis),
                status_line(ctx, statuses.get(a.code)),
                last,
                html.A(
                    ctx.t("plan.progress.report_link"),
                    href=form_href(ctx, a.code) + "#plan-form-title",
                    className="button plan-report-link",
                    **aria(
                        label=ctx.t("plan.progress.report_link_on", title=a.title.get(ctx.lang))
                    ),
                ),
            ]
        )
    return card_table(
        [
            ctx.t("plan.col.activity"),
            ctx.t("plan.col.kpis"),
            ctx.t("plan.col.approved_status"),
            ctx.t("plan.col.latest_report"),
            ctx.t("plan.col.action"),
        ],
        rows,
        caption=ctx.t("plan.progress.activities_caption", n=fmt_number(len(activities))),
    )


# --- my reports ----------------------------------------------------------------------------


def mine_view(ctx: PageContext, reports: Sequence[PlanReport]) -> Component:
    if not reports:
        return html.P(ctx.t("plan.progress.no_reports"), className="muted")
    returned = [r for r in reports if r.state == "returned" and r.is_current]
    notice: list[Component] = []
    if returned:
        notice.append(
            html.P(
                ctx.t("plan.progress.returned_notice", n=fmt_number(len(returned))),
                className="notice plan-returned",
                role="note",
            )
        )
    return html.Div(
        [
            *notice,
            reports_table(
                ctx,
                reports,
                caption=ctx.t("plan.progress.mine_caption", n=fmt_number(len(reports))),
                show_activity=True,
            ),
        ]
    )


__all__ = [
    "ACTIVITIES",
    "EVIDENCE",
    "EVIDENCE_NAME",
    "FORM",
    "MINE",
    "PATH",
    "PAYLOAD",
    "RESULT",
    "SEND",
    "activities_view",
    "form_href",
    "mine_view",
]
