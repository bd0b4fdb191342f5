"""The review panel of one progress report on the tracker (analysts only): what the report
says and, while it waits for review, Approve and Return with a reason; and the message an act
leaves (:mod:`dbmis.app.pages.plan_tracker`)."""

from __future__ import annotations

from dash import dcc, html
from dash.development.base_component import Component

from dbmis.app.attrs import aria
from dbmis.app.context import PageContext
from dbmis.app.i18n import MISSING, fmt_number
from dbmis.app.pages.plan_parts import day, pkr, state_badge, status_badge
from dbmis.app.pages.plan_tracker_view import APPROVE, REASON, REASON_MAX, RETURN
from dbmis.app.pages.review_parts import free_text, when
from dbmis.warehouse.queries.plan import PlanReport


def _report_facts(ctx: PageContext, r: PlanReport) -> Component:
    activity = ctx.catalog.activity_by_code.get(r.activity)
    done = []
    for code, when_done in r.milestones.items():
        m = activity.milestone(code) if activity else None
        done.append(html.Li(f"{m.title.get(ctx.lang) if m else code}: {day(ctx, when_done)}"))
    pairs: list[tuple[str, Component | str | list[Component | str]]] = [
        (
            "plan.col.quarter",
            [ctx.period(r.quarter), " · ", ctx.t("plan.revision", n=fmt_number(r.revision))],
        ),
        ("plan.col.status", status_badge(ctx, r.progress)),
        (
            "plan.col.spend",
            pkr(r.spend_pkr, ctx.lang) + f" ({fmt_number(r.spend_pkr, 0, ctx.lang)})",
        ),
        (
            "plan.col.milestones_done",
            html.Ul(done, className="plan-list") if done else ctx.t("plan.none"),
        ),
        ("plan.col.narrative", free_text(r.narrative) if r.narrative else MISSING),
        ("plan.col.evidence", ", ".join(f"{f.filename} ({f.kind})" for f in r.evidence) or MISSING),
        ("plan.col.reported", f"{r.reporter} · {when(ctx, r.reported_at)}"),
        ("plan.col.review", state_badge(ctx, r.state)),
    ]
    if r.warnings:
        pairs.append(
            (
                "plan.col.warnings",
                html.Ul(
                    [
                        html.Li(html.Span(str(w.get("message", "")), dir="ltr", lang="en"))
                        for w in r.warnings
                    ],
                    className="plan-list",
                ),
            )
        )
    if r.review_reason:
        pairs.append(
            (
                "plan.col.reason",
                html.Blockquote(r.review_reason, className="plan-reason", dir="auto"),
            )
        )
    items: list[Component] = []
    for key, value in pairs:
        items += [html.Dt(ctx.t(key)), html.Dd(value)]
    return html.Dl(items, className="facts plan-facts")


def review_panel(
    ctx: PageContext, report: PlanReport, reason: str, message: Component | None
) -> Component:
    """One report for the analyst: its content and, while it waits for review, Approve and
    Return (a reason is required to return)."""
    parts: list[Component] = [
        html.H3(
            ctx.t("plan.review.title", quarter=ctx.period(report.quarter)), id="plan-review-title"
        ),
    ]
    if message is not None:
        parts.append(message)
    parts.append(_report_facts(ctx, report))
    if report.state == "submitted" and report.is_current:
        parts += [
            html.Label(
                [
                    html.Span(ctx.t("plan.review.reason"), className="plan-label-text"),
                    html.Span(ctx.t("plan.review.reason_help"), className="plan-hint"),
                ],
                htmlFor=REASON,
                className="plan-label",
            ),
            dcc.Textarea(
                id=REASON,
                value=reason,
                maxLength=REASON_MAX,
                rows=3,
                className="plan-input plan-textarea",
            ),
            html.Div(
                [
                    html.Button(
                        ctx.t("plan.review.approve"),
                        id=APPROVE,
                        type="button",
                        className="button plan-approve",
                    ),
                    html.Button(
                        ctx.t("plan.review.return"),
                        id=RETURN,
                        type="button",
                        className="button plan-return",
                    ),
                ],
                className="plan-buttons",
            ),
        ]
    else:
        parts.append(html.P(ctx.t(f"plan.review.state_{report.state}"), className="notice"))
    return html.Div(
        parts, className="plan-review", role="region", **aria(labelledby="plan-review-title")
    )


def message(ctx: PageContext, ok: bool, text: str) -> Component:
    return html.Div(
        [html.Strong(ctx.t("plan.review.done" if ok else "plan.review.not_done")), " ", text],
        className="plan-message plan-message-ok" if ok else "plan-message plan-message-error",
        role="status" if ok else "alert",
        id="plan-review-message",
    )


__all__ = ["message", "review_panel"]
