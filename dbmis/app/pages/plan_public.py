"""The action plan on the public site (``/plan``): what the departments committed to do, by
the institution that leads each activity, with the status the latest release published (status
counts, overdue milestones, budget use). Published releases only
(:func:`dbmis.kpis.plan_data.published_plan`): never an unapproved or unpublished report.
Before the first release that includes the plan, the page says so and lists the activities.
"""

from __future__ import annotations

from typing import Any

from dash import html
from dash.development.base_component import Component

from dbmis.app.attrs import aria
from dbmis.app.context import PageContext
from dbmis.app.i18n import date_label, fmt_number
from dbmis.app.pages.plan_activity_view import status_line
from dbmis.app.pages.plan_parts import (
    STATUS_SYMBOLS,
    budget_text,
    day,
    illustrative_tag,
    institution_name,
    kpi_name,
    overdue_text,
    rollup_table,
    status_badge,
)
from dbmis.app.pages.review_parts import card_table
from dbmis.catalog.plan import Activity
from dbmis.kpis.plan import ActivityStatus, rollup_by_institution
from dbmis.kpis.plan_data import PublishedPlan, published_plan


def title(ctx: PageContext, **params: Any) -> str:
    return ctx.t("plan.public.title")


def _activity_cell(ctx: PageContext, a: Activity | None, code: str) -> Component:
    return html.Span(
        [
            html.A(a.title.get(ctx.lang) if a else code, href=ctx.link(f"/plan/{code}")),
            " ",
            illustrative_tag(ctx, a),
        ]
    )


def _kpis(ctx: PageContext, codes: tuple[str, ...] | list[str]) -> list[Component | str]:
    out: list[Component | str] = []
    for i, code in enumerate(codes):
        if i:
            out.append(", ")
        out.append(html.A(kpi_name(ctx, code), href=ctx.link(f"/kpi/{code}")))
    return out


def _institution_table(
    ctx: PageContext, institution: str, statuses: list[ActivityStatus]
) -> Component:
    rows = []
    for s in statuses:
        a = ctx.catalog.activity_by_code.get(s.code)
        rows.append(
            [
                _activity_cell(ctx, a, s.code),
                _kpis(ctx, s.kpis),
                status_line(ctx, s),
                ctx.t(
                    "plan.done_of",
                    done=fmt_number(len(s.milestones_done), 0, ctx.lang),
                    total=fmt_number(s.milestones_total, 0, ctx.lang),
                ),
                overdue_text(ctx, s),
                budget_text(ctx, s.spend_pkr, s.allocated_pkr),
            ]
        )
    return card_table(
        [
            ctx.t("plan.col.activity"),
            ctx.t("plan.col.kpis"),
            ctx.t("plan.col.status"),
            ctx.t("plan.col.milestones_done"),
            ctx.t("plan.col.overdue"),
            ctx.t("plan.col.budget_use"),
        ],
        rows,
        caption=ctx.t(
            "plan.public.institution_caption", name=institution_name(ctx, institution, short=False)
        ),
    )


def _published(ctx: PageContext, plan: PublishedPlan) -> list[Component]:
    catalog = ctx.catalog
    leads = [i.code for i in catalog.institutions if any(s.lead == i.code for s in plan.activities)]
    rollups = rollup_by_institution(plan.activities, leads)
    parts: list[Component] = [
        html.P(
            ctx.t(
                "plan.public.as_of",
                number=fmt_number(plan.release_number, 0, ctx.lang),
                day=date_label(plan.as_of, ctx.lang),
            ),
            className="release-line",
        ),
        html.H2(ctx.t("plan.public.summary"), id="plan-summary-title"),
        rollup_table(
            ctx,
            [
                (html.A(institution_name(ctx, code), href=f"#plan-inst-{code}"), rollups[code])
                for code in leads
            ],
            first_column=ctx.t("plan.col.institution"),
            caption=ctx.t("plan.public.summary_caption"),
        ),
    ]
    for code in leads:
        anchor = f"plan-inst-{code}"
        parts.append(
            html.Section(
                [
                    html.H2(institution_name(ctx, code, short=False), id=anchor),
                    _institution_table(ctx, code, [s for s in plan.activities if s.lead == code]),
                ],
                className="plan-institution",
                **aria(labelledby=anchor),
            )
        )
    return parts


def _not_yet(ctx: PageContext) -> list[Component]:
    """Before the first release with the plan: say so, and list what was committed."""
    parts: list[Component] = [
        html.P(ctx.t("plan.public.not_yet"), className="notice", id="plan-not-yet")
    ]
    catalog = ctx.catalog
    for inst in catalog.institutions:
        led = catalog.activities_led_by(inst.code)
        if not led:
            continue
        anchor = f"plan-inst-{inst.code}"
        items = [
            html.Li(
                [
                    _activity_cell(ctx, a, a.code),
                    " · ",
                    ctx.t("plan.dates", start=day(ctx, a.start), end=day(ctx, a.end)),
                ]
            )
            for a in led
        ]
        parts.append(
            html.Section(
                [
                    html.H2(inst.name.get(ctx.lang), id=anchor),
                    html.Ul(items, className="plan-list"),
                ],
                **aria(labelledby=anchor),
            )
        )
    return parts


def legend(ctx: PageContext) -> Component:
    return html.Section(
        [
            html.H2(ctx.t("plan.legend.title"), id="plan-legend-title"),
            html.Ul(
                [
                    html.Li([status_badge(ctx, s), " ", ctx.t(f"plan.status_meaning.{s}")])
                    for s in STATUS_SYMBOLS
                ],
                className="legend",
            ),
        ],
        className="status-legend",
        **aria(labelledby="plan-legend-title"),
    )


def layout(ctx: PageContext, **params: Any) -> Component:
    plan_doc = ctx.catalog.plan
    head: list[Component] = [
        html.H1(plan_doc.title.get(ctx.lang) if plan_doc.title else ctx.t("plan.public.title"))
    ]
    if plan_doc.is_empty:
        return html.Div([*head, html.P(ctx.t("plan.no_plan"), className="notice")])
    head.append(
        html.P(
            plan_doc.summary.get(ctx.lang) if plan_doc.summary else ctx.t("plan.public.intro"),
            className="lead",
        )
    )
    if any(a.illustrative for a in ctx.catalog.activities):
        head.append(html.P(ctx.t("plan.public.illustrative_note"), className="notice"))
    plan = published_plan(ctx.state.db)
    body = _published(ctx, plan) if plan is not None and plan.activities else _not_yet(ctx)
    return html.Div([*head, *body, legend(ctx)], className="plan-page plan-public")
