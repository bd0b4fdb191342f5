"""The action plan on the public KPI page: "What is being done" (the activities behind the KPI
with the status the latest release published) and the milestone markers of the trajectory
chart. Published releases only (:func:`dbmis.kpis.plan_data.published_plan`): never an
unapproved or unpublished report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dash import html
from dash.development.base_component import Component

from dbmis.app.attrs import aria
from dbmis.app.context import PageContext
from dbmis.app.figures import Marker
from dbmis.app.i18n import date_label, fmt_number
from dbmis.app.pages import charts
from dbmis.app.pages.plan_activity_view import status_line
from dbmis.app.pages.plan_parts import (
    budget_text,
    illustrative_tag,
    institution_name,
    overdue_text,
)
from dbmis.app.pages.review_parts import card_table
from dbmis.catalog.models import Kpi
from dbmis.kpis.plan import milestone_markers
from dbmis.kpis.plan_data import PublishedPlan, published_plan

MARKER_STATES = ("done", "overdue", "dropped", "open")


def published_for(ctx: PageContext, kpi: Kpi) -> PublishedPlan | None:
    """What the latest release published about the activities behind ``kpi`` (None before
    the first release, or when the catalog's plan names no activity for it)."""
    if not ctx.catalog.activities_of_kpi(kpi.code):
        return None
    return published_plan(ctx.state.db, kpi=kpi.code)


def figure_labels(ctx: PageContext) -> dict[str, str]:
    """The milestone words of the trajectory chart, in the page's language."""
    labels = {state: ctx.t(f"plan.milestone.{state}") for state in MARKER_STATES}
    labels.update(milestone=ctx.t("plan.fig.milestone"), milestones=ctx.t("plan.fig.milestones"))
    return labels


@dataclass(frozen=True)
class ChartMilestone:
    """A milestone on the chart: the period it falls in (the chart's label) and its marker."""

    period: str
    marker: Marker


def chart_milestones(
    ctx: PageContext,
    kpi: Kpi,
    plan: PublishedPlan | None,
    kind: str,
    rows: Sequence[tuple[str, str]],
) -> list[ChartMilestone]:
    """Markers for the published milestones that fall in a period the chart shows
    (``rows``: (period, label on the chart))."""
    if plan is None or not plan.activities:
        return []
    label_of = dict(rows)
    by_code = ctx.catalog.activity_by_code
    statuses = {a.code: a.status for a in plan.activities}
    out = []
    for m in milestone_markers(ctx.catalog, plan.activities, kpi.code):
        period = charts.period_at(ctx, m.due.year * 100 + m.due.month, kind).label
        if period not in label_of:
            continue
        if m.done_on is not None:
            state = "done"
        elif m.overdue:
            state = "overdue"
        elif statuses.get(m.activity) == "dropped":
            state = "dropped"
        else:
            state = "open"
        activity = by_code.get(m.activity)
        name = activity.title.get(ctx.lang) if activity else m.activity
        text = f"{m.title.get(ctx.lang)} ({name}, {date_label(m.due, ctx.lang)})"
        out.append(ChartMilestone(period, Marker(x=label_of[period], label=text, status=state)))
    return out


def milestone_note(ctx: PageContext, item: ChartMilestone) -> str:
    """The milestone in the chart's table (its text alternative)."""
    return ctx.t(
        "plan.kpi.milestone_note",
        label=item.marker.label,
        state=ctx.t(f"plan.milestone.{item.marker.status}"),
    )


def plan_section(ctx: PageContext, kpi: Kpi, plan: PublishedPlan | None) -> Component | None:
    """ "What is being done": the activities behind the KPI with their published status."""
    activities = ctx.catalog.activities_of_kpi(kpi.code)
    if not activities:
        return None
    parts: list[Component] = [
        html.H2(ctx.t("plan.kpi.title"), id="kpi-plan-title"),
        html.P(ctx.t("plan.kpi.intro")),
    ]
    if plan is None or not plan.activities:
        parts += [
            html.P(ctx.t("plan.public.not_yet"), className="notice", id="kpi-plan-not-yet"),
            html.Ul(
                [
                    html.Li(
                        [
                            html.A(a.title.get(ctx.lang), href=ctx.link(f"/plan/{a.code}")),
                            " ",
                            illustrative_tag(ctx, a),
                        ]
                    )
                    for a in activities
                ],
                className="plan-list",
            ),
        ]
    else:
        rows = []
        for s in plan.activities:
            a = ctx.catalog.activity_by_code.get(s.code)
            rows.append(
                [
                    html.Span(
                        [
                            html.A(
                                a.title.get(ctx.lang) if a else s.code,
                                href=ctx.link(f"/plan/{s.code}"),
                            ),
                            " ",
                            illustrative_tag(ctx, a),
                        ]
                    ),
                    institution_name(ctx, s.lead),
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
        parts.append(
            card_table(
                [
                    ctx.t("plan.col.activity"),
                    ctx.t("plan.col.lead"),
                    ctx.t("plan.col.status"),
                    ctx.t("plan.col.milestones_done"),
                    ctx.t("plan.col.overdue"),
                    ctx.t("plan.col.budget_use"),
                ],
                rows,
                caption=ctx.t(
                    "plan.kpi.caption",
                    name=kpi.name.get(ctx.lang),
                    number=fmt_number(plan.release_number, 0, ctx.lang),
                    day=date_label(plan.as_of, ctx.lang),
                ),
            )
        )
        if any(a.illustrative for a in activities):
            parts.append(html.P(ctx.t("plan.public.illustrative_note"), className="muted"))
    parts.append(html.P(html.A(ctx.t("plan.kpi.all"), href=ctx.link("/plan"))))
    return html.Section(parts, className="plan-kpi", **aria(labelledby="kpi-plan-title"))


__all__ = [
    "ChartMilestone",
    "chart_milestones",
    "figure_labels",
    "milestone_note",
    "plan_section",
    "published_for",
]
