"""Pieces the action plan pages share (progress reporting, the tracker, the public pages):
money in PKR, budget use, an activity's status and a report's review state as symbol + word
(never colour alone), names of activities, KPIs and institutions, and the roll-up tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from dash import html
from dash.development.base_component import Component

from dbmis.app.attrs import aria
from dbmis.app.context import PageContext
from dbmis.app.i18n import MISSING, date_label, fmt_number, fmt_percent, ltr, t
from dbmis.app.pages.review_parts import card_table
from dbmis.catalog.plan import FUNDING_SOURCE_LABELS, Activity
from dbmis.kpis.plan import STATUSES, ActivityStatus, PlanRollup, budget_use

STATUS_SYMBOLS: Mapping[str, str] = {
    "on_schedule": "✓",
    "delayed": "▲",
    "completed": "★",
    "dropped": "✕",
    "not_started": "○",
    "not_reported": "?",
}
"""A symbol per activity status, so that status is never told by colour alone."""

STATE_SYMBOLS: Mapping[str, str] = {
    "submitted": "●",
    "approved": "✓",
    "returned": "↩",
    "superseded": "⇢",
}
"""A symbol per review state of a progress report."""

MILESTONE_SYMBOLS: Mapping[str, str] = {"done": "✓", "overdue": "!", "open": "○", "dropped": "✕"}


# --- money -----------------------------------------------------------------------------------


def pkr(amount: int | None, lang: str) -> str:
    """Rupees as people read them: ``PKR 850,000``, ``PKR 12.5 m``, ``PKR 1.06 bn``."""
    if amount is None:
        return MISSING
    size = abs(amount)
    if size >= 1_000_000_000:
        return t("plan.pkr_bn", lang, value=ltr(f"{amount / 1e9:,.2f}", lang))
    if size >= 1_000_000:
        return t("plan.pkr_m", lang, value=ltr(f"{amount / 1e6:,.1f}", lang))
    return t("plan.pkr", lang, value=ltr(f"{amount:,}", lang))


def budget_text(ctx: PageContext, spent: int | None, allocated: int) -> str:
    """``PKR 3.0 m of PKR 5.0 m (60%)``; what was spent when nothing is allocated yet."""
    share = budget_use(spent or 0, allocated)
    if share is None:
        return ctx.t("plan.budget.nothing_allocated", spent=pkr(spent or 0, ctx.lang))
    return ctx.t(
        "plan.budget.use",
        spent=pkr(spent or 0, ctx.lang),
        allocated=pkr(allocated, ctx.lang),
        share=fmt_percent(share, ctx.lang),
    )


def source_name(ctx: PageContext, source: str) -> str:
    label = FUNDING_SOURCE_LABELS.get(source)
    return label.get(ctx.lang) if label else source


# --- names -------------------------------------------------------------------------------------


def activity_title(ctx: PageContext, code: str) -> str:
    a = ctx.catalog.activity_by_code.get(code)
    return a.title.get(ctx.lang) if a else code


def institution_name(ctx: PageContext, code: str, *, short: bool = True) -> str:
    i = ctx.catalog.institution_by_code.get(code)
    if i is None:
        return code
    return (i.short if short else i.name).get(ctx.lang)


def kpi_name(ctx: PageContext, code: str) -> str:
    k = ctx.catalog.kpi_by_code.get(code)
    return k.name.get(ctx.lang) if k else code


def day(ctx: PageContext, value: date | None) -> str:
    return date_label(value, ctx.lang) if value is not None else MISSING


def illustrative_tag(ctx: PageContext, activity: Activity | None) -> Component | None:
    if activity is None or not activity.illustrative:
        return None
    return html.Span(ctx.t("plan.illustrative"), className="plan-tag plan-tag-illustrative")


# --- badges -----------------------------------------------------------------------------------


def status_badge(ctx: PageContext, status: str) -> Component:
    """An activity's status: symbol + word (+ colour)."""
    return html.Span(
        [
            html.Span(STATUS_SYMBOLS.get(status, "?"), **aria(hidden="true")),
            " ",
            ctx.t(f"plan.status.{status}") if status in STATUS_SYMBOLS else status,
        ],
        className=f"plan-status plan-status-{status}",
    )


def state_badge(ctx: PageContext, state: str) -> Component:
    """A progress report's review state: symbol + word (+ colour)."""
    return html.Span(
        [
            html.Span(STATE_SYMBOLS.get(state, "?"), **aria(hidden="true")),
            " ",
            ctx.t(f"plan.state.{state}") if state in STATE_SYMBOLS else state,
        ],
        className=f"plan-state plan-state-{state}",
    )


def unpublished_badge(ctx: PageContext) -> Component:
    return html.Span(ctx.t("plan.unpublished"), className="plan-tag plan-tag-unpublished")


def milestone_state(status: ActivityStatus, code: str) -> str:
    """done, overdue, dropped (an unfinished milestone of a dropped activity) or open."""
    if code in status.milestones_done:
        return "done"
    if code in status.overdue:
        return "overdue"
    return "dropped" if status.status == "dropped" else "open"


def milestone_badge(ctx: PageContext, state: str) -> Component:
    return html.Span(
        [
            html.Span(MILESTONE_SYMBOLS.get(state, "?"), **aria(hidden="true")),
            " ",
            ctx.t(f"plan.milestone.{state}"),
        ],
        className=f"plan-ms plan-ms-{state}",
    )


def overdue_text(ctx: PageContext, status: ActivityStatus) -> Component | str:
    """How many milestones are overdue (their titles in a tooltip-free list)."""
    if not status.overdue:
        return ctx.t("plan.none")
    activity = ctx.catalog.activity_by_code.get(status.code)
    names = []
    for code in status.overdue:
        m = activity.milestone(code) if activity else None
        names.append(m.title.get(ctx.lang) if m else code)
    return html.Span(
        [html.Strong(fmt_number(len(names), 0, ctx.lang)), " · ", "; ".join(names)],
        className="plan-overdue",
    )


# --- roll-ups -----------------------------------------------------------------------------------


def counts_text(ctx: PageContext, r: PlanRollup) -> Component:
    """``✓ 3 on schedule · ▲ 1 delayed``: the statuses that occur, symbol + number + word."""
    parts: list[Component | str] = []
    for s in STATUSES:
        n = r.counts.get(s, 0)
        if not n:
            continue
        if parts:
            parts.append(" · ")
        parts.append(
            html.Span(
                [
                    html.Span(STATUS_SYMBOLS[s], **aria(hidden="true")),
                    f" {fmt_number(n, 0, ctx.lang)} {ctx.t(f'plan.status.{s}').lower()}",
                ],
                className=f"plan-count plan-count-{s}",
            )
        )
    return html.Span(parts or [ctx.t("plan.none")], className="plan-counts")


def rollup_table(
    ctx: PageContext,
    rollups: Sequence[tuple[Component | str, PlanRollup]],
    *,
    first_column: str,
    caption: str,
) -> Component:
    """One row per KPI or institution: activities, statuses, overdue milestones, budget use."""
    columns = [
        first_column,
        ctx.t("plan.col.activities"),
        ctx.t("plan.col.statuses"),
        ctx.t("plan.col.overdue"),
        ctx.t("plan.col.budget_use"),
    ]
    rows = []
    for head, r in rollups:
        overdue: Component | str = (
            ctx.t(
                "plan.overdue_in",
                count=fmt_number(r.overdue_milestones, 0, ctx.lang),
                activities=fmt_number(r.activities_overdue, 0, ctx.lang),
                total=fmt_number(r.total, 0, ctx.lang),
            )
            if r.overdue_milestones
            else ctx.t("plan.none")
        )
        row: list[Component | str] = [
            head,
            fmt_number(r.total, 0, ctx.lang),
            counts_text(ctx, r),
            overdue,
            budget_text(ctx, r.spent_pkr, r.allocated_pkr),
        ]
        rows.append(row)
    return card_table(columns, rows, caption=caption, numeric=(1,))


__all__ = [
    "MILESTONE_SYMBOLS",
    "STATE_SYMBOLS",
    "STATUS_SYMBOLS",
    "activity_title",
    "budget_text",
    "counts_text",
    "day",
    "illustrative_tag",
    "institution_name",
    "kpi_name",
    "milestone_badge",
    "milestone_state",
    "overdue_text",
    "pkr",
    "rollup_table",
    "source_name",
    "state_badge",
    "status_badge",
    "unpublished_badge",
]
