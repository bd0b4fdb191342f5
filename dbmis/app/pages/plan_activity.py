"""One activity of the action plan on the public site (``/plan/<code>``): what it is, who
leads it, its milestones and budget by fiscal year and funding source, and the status the
latest release published (never an unapproved or unpublished report)."""

from __future__ import annotations

from typing import Any

from dash import html
from dash.development.base_component import Component

from dbmis.app.attrs import aria
from dbmis.app.context import PageContext
from dbmis.app.i18n import date_label, fmt_number
from dbmis.app.pages.plan_activity_view import budget_table, facts, milestones_table
from dbmis.kpis.plan_data import published_plan


def title(ctx: PageContext, code: str, **params: Any) -> str:
    return ctx.catalog.activity_by_code[code].title.get(ctx.lang)


def _section(anchor: str, heading: str, *children: Component) -> Component:
    return html.Section([html.H2(heading, id=anchor), *children], **aria(labelledby=anchor))


def layout(ctx: PageContext, code: str, **params: Any) -> Component:
    activity = ctx.catalog.activity_by_code[code]
    plan = published_plan(ctx.state.db)
    status = next((s for s in plan.activities if s.code == code), None) if plan else None
    parts: list[Component] = [
        html.P(html.A(ctx.t("plan.public.title"), href=ctx.link("/plan")), className="eyebrow"),
        html.H1(activity.title.get(ctx.lang)),
    ]
    if activity.illustrative:
        parts.append(html.P(ctx.t("plan.public.illustrative_activity"), className="notice"))
    if plan is not None and status is not None:
        parts.append(
            html.P(
                ctx.t(
                    "plan.public.as_of",
                    number=fmt_number(plan.release_number, 0, ctx.lang),
                    day=date_label(plan.as_of, ctx.lang),
                ),
                className="release-line",
            )
        )
    else:
        parts.append(html.P(ctx.t("plan.public.not_yet"), className="notice", id="plan-not-yet"))
    parts += [
        facts(ctx, activity, status, kpi_href=lambda k: ctx.link(f"/kpi/{k}")),
        _section(
            "plan-ms-title", ctx.t("plan.milestones"), milestones_table(ctx, activity, status)
        ),
        _section("plan-budget-title", ctx.t("plan.budget"), budget_table(ctx, activity, status)),
        html.P(html.A(ctx.t("plan.public.back"), href=ctx.link("/plan"))),
    ]
    return html.Div(parts, className="plan-page plan-activity")
