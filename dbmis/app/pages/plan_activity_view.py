"""One activity of the action plan drawn for a page: its facts and status, its milestones, its
budget by fiscal year and funding source, and (for the Delivery Unit and the Steering
Committee) its progress reports. The public activity page and the tracker's drill-down both
use these, each with the status it may show (published, or approved)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from dash import html
from dash.development.base_component import Component

from dbmis.app.context import PageContext
from dbmis.app.i18n import MISSING, fmt_number
from dbmis.app.pages.common import table
from dbmis.app.pages.plan_parts import (
    activity_title,
    budget_text,
    day,
    institution_name,
    kpi_name,
    milestone_badge,
    milestone_state,
    pkr,
    source_name,
    state_badge,
    status_badge,
    unpublished_badge,
)
from dbmis.app.pages.review_parts import card_table, free_text, when
from dbmis.catalog.plan import Activity
from dbmis.kpis.plan import ActivityStatus
from dbmis.warehouse.queries.plan import PlanReport


def _list(items: Sequence[Component | str], sep: str = ", ") -> list[Component | str]:
    out: list[Component | str] = []
    for i, item in enumerate(items):
        if i:
            out.append(sep)
        out.append(item)
    return out


def status_line(
    ctx: PageContext, status: ActivityStatus | None, *, unpublished: bool = False
) -> Component:
    """The status badge, the quarter of the report behind it and, when the public does not
    have it yet, a mark saying so."""
    if status is None:
        return html.Span(ctx.t("plan.no_status"), className="muted")
    parts: list[Component | str] = [status_badge(ctx, status.status)]
    if status.quarter is not None:
        parts += [" ", ctx.t("plan.reported_for", quarter=ctx.period(status.quarter))]
    if unpublished:
        parts += [" ", unpublished_badge(ctx)]
    return html.Span(parts)


def facts(
    ctx: PageContext,
    activity: Activity,
    status: ActivityStatus | None,
    *,
    kpi_href: Callable[[str], str],
    unpublished: bool = False,
) -> Component:
    """What the activity is, who leads it, when, its status, milestones and money."""
    lang = ctx.lang
    pairs: list[tuple[str, Component | str | list[Component | str]]] = [
        ("plan.fact.description", free_text(activity.description.get(lang))),
        (
            "plan.fact.kpis",
            _list([html.A(kpi_name(ctx, k), href=kpi_href(k)) for k in activity.kpis]),
        ),
        ("plan.fact.lead", institution_name(ctx, activity.lead, short=False)),
        (
            "plan.fact.partners",
            ", ".join(institution_name(ctx, p, short=False) for p in activity.partners)
            or ctx.t("plan.none"),
        ),
        (
            "plan.fact.dates",
            ctx.t("plan.dates", start=day(ctx, activity.start), end=day(ctx, activity.end)),
        ),
        ("plan.fact.status", status_line(ctx, status, unpublished=unpublished)),
    ]
    if status is not None:
        pairs += [
            (
                "plan.fact.milestones",
                ctx.t(
                    "plan.milestones_done",
                    done=fmt_number(len(status.milestones_done), 0, lang),
                    total=fmt_number(status.milestones_total, 0, lang),
                    overdue=fmt_number(len(status.overdue), 0, lang),
                ),
            ),
            ("plan.fact.budget_use", budget_text(ctx, status.spend_pkr, status.allocated_pkr)),
        ]
    pairs.append(("plan.fact.budget", pkr(activity.budget_total, lang)))
    if activity.note:
        pairs.append(("plan.fact.note", free_text(activity.note)))
    items: list[Component] = []
    for key, value in pairs:
        items += [html.Dt(ctx.t(key)), html.Dd(value)]
    return html.Dl(items, className="facts plan-facts")


def milestones_table(
    ctx: PageContext, activity: Activity, status: ActivityStatus | None
) -> Component:
    if not activity.milestones:
        return html.P(ctx.t("plan.no_milestones"), className="muted")
    rows = []
    for m in sorted(activity.milestones, key=lambda m: (m.due, m.code)):
        done = status.milestones_done.get(m.code) if status is not None else None
        state: Component | str = (
            milestone_badge(ctx, milestone_state(status, m.code)) if status is not None else MISSING
        )
        rows.append([m.title.get(ctx.lang), day(ctx, m.due), day(ctx, done), state])
    return table(
        [
            ctx.t("plan.col.milestone"),
            ctx.t("plan.col.due"),
            ctx.t("plan.col.done_on"),
            ctx.t("plan.col.state"),
        ],
        rows,
        caption=ctx.t("plan.milestones_caption", title=activity.title.get(ctx.lang)),
        class_name="data-table plan-table",
    )


def budget_table(ctx: PageContext, activity: Activity, status: ActivityStatus | None) -> Component:
    """The budget lines by fiscal year and funding source, and the whole budget."""
    if not activity.budget:
        return html.P(ctx.t("plan.no_budget"), className="muted")
    lang = ctx.lang
    rows: list[list[Component | str]] = []
    for line in sorted(activity.budget, key=lambda b: (b.fiscal_year, b.source.value)):
        rows.append(
            [
                ctx.period(line.fiscal_year),
                source_name(ctx, line.source.value),
                pkr(line.amount_pkr, lang),
                fmt_number(line.amount_pkr, 0, lang),
                free_text(line.note) if line.note else "",
            ]
        )
    rows.append(
        [
            ctx.t("plan.total"),
            "",
            html.Strong(pkr(activity.budget_total, lang)),
            html.Strong(fmt_number(activity.budget_total, 0, lang)),
            "",
        ]
    )
    caption = ctx.t("plan.budget_caption", title=activity.title.get(lang))
    if status is not None:
        caption += " " + ctx.t(
            "plan.allocated_to_date",
            allocated=pkr(status.allocated_pkr, lang),
            day=day(ctx, status.as_of),
        )
    return table(
        [
            ctx.t("plan.col.fiscal_year"),
            ctx.t("plan.col.source"),
            ctx.t("plan.col.amount"),
            ctx.t("plan.col.rupees"),
            ctx.t("plan.col.note"),
        ],
        rows,
        caption=caption,
        numeric=(2, 3),
        class_name="data-table plan-table",
    )


def reports_table(
    ctx: PageContext,
    reports: Sequence[PlanReport],
    *,
    caption: str,
    show_activity: bool = False,
    link: Callable[[PlanReport], str | None] | None = None,
) -> Component:
    """Progress report revisions, newest first: quarter, status, spend, milestones done, the
    review (with the reason when returned), who reported and when, evidence files."""
    lang = ctx.lang
    columns = [ctx.t("plan.col.quarter")]
    if show_activity:
        columns.append(ctx.t("plan.col.activity"))
    columns += [
        ctx.t("plan.col.status"),
        ctx.t("plan.col.spend"),
        ctx.t("plan.col.milestones_done"),
        ctx.t("plan.col.review"),
        ctx.t("plan.col.reported"),
        ctx.t("plan.col.narrative"),
        ctx.t("plan.col.evidence"),
    ]
    rows = []
    for r in reports:
        quarter: list[Component | str] = [
            ctx.period(r.quarter),
            html.Br(),
            html.Span(ctx.t("plan.revision", n=fmt_number(r.revision, 0, lang)), className="muted"),
        ]
        review: list[Component | str] = [state_badge(ctx, r.state)]
        if r.reviewer:
            review += [
                html.Br(),
                ctx.t("plan.reviewed_by", who=r.reviewer, at=when(ctx, r.reviewed_at)),
            ]
        if r.review_reason:
            review.append(html.Blockquote(r.review_reason, className="plan-reason", dir="auto"))
        href = link(r) if link is not None else None
        if href is not None:
            review += [
                html.Br(),
                html.A(ctx.t("plan.review.open"), href=href, className="plan-review-link"),
            ]
        row: list[Component | str | list[Component | str]] = [quarter]
        if show_activity:
            row.append(activity_title(ctx, r.activity))
        row += [
            status_badge(ctx, r.progress),
            pkr(r.spend_pkr, lang),
            fmt_number(len(r.milestones), 0, lang),
            review,
            [r.reporter, html.Br(), when(ctx, r.reported_at)],
            free_text(r.narrative) if r.narrative else MISSING,
            ", ".join(f.filename for f in r.evidence) or MISSING,
        ]
        rows.append(row)
    return card_table(columns, rows, caption=caption, numeric=())


__all__ = ["budget_table", "facts", "milestones_table", "reports_table", "status_line"]
