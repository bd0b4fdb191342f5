"""What the progress page shows after a report was sent (:mod:`dbmis.app.pages.progress`):
recorded (with any warnings) or not, and every problem with the field it concerns. The frame
is in the reader's language; the checks' messages come from the back end (in English)."""

from __future__ import annotations

from collections.abc import Sequence

from dash import html
from dash.development.base_component import Component

from dbmis.app.attrs import aria
from dbmis.app.context import PageContext
from dbmis.app.i18n import fmt_number, ltr
from dbmis.app.pages.review_parts import card_table
from dbmis.app.plan_service import SubmitOutcome
from dbmis.catalog.plan import Activity
from dbmis.ingest.progress import ProgressIssue

SEVERITY_SYMBOLS = {"error": "✗", "warning": "▲"}


def _field_name(ctx: PageContext, activity: Activity | None, where: str) -> str:
    head, _, rest = where.partition(".")
    if head == "milestones" and activity is not None:
        m = activity.milestone(rest)
        return ctx.t("plan.field.milestone", title=m.title.get(ctx.lang) if m else rest)
    if where.startswith("evidence"):
        return ctx.t("plan.field.evidence")
    key = f"plan.field.{where}"
    return ctx.t(key) if where in ("activity", "quarter", "status", "spend", "narrative") else where


def _issue_rows(
    ctx: PageContext, activity: Activity | None, outcome: SubmitOutcome
) -> list[list[Component | str]]:
    rows: list[list[Component | str]] = []
    for p in outcome.local:
        rows.append(
            [_severity(ctx, "error"), _field_name(ctx, activity, p.field), ctx.t(p.key), ""]
        )
    issues: Sequence[ProgressIssue] = outcome.issues
    for i in sorted(issues, key=lambda i: i.severity != "error"):
        rows.append(
            [
                _severity(ctx, i.severity),
                _field_name(ctx, activity, i.field),
                html.Span(i.message, dir="ltr", lang="en"),
                html.Code(i.code),
            ]
        )
    return rows


def _severity(ctx: PageContext, severity: str) -> Component:
    return html.Span(
        [
            html.Span(SEVERITY_SYMBOLS.get(severity, "?"), **aria(hidden="true")),
            " ",
            ctx.t(f"plan.severity.{severity}"),
        ],
        className=f"plan-severity plan-severity-{severity}",
    )


def result_view(ctx: PageContext, outcome: SubmitOutcome) -> Component:
    """What happened to the report: recorded (with any warnings) or not, and why."""
    report = outcome.report
    activity = ctx.catalog.activity_by_code.get(report.activity) if report else None
    if outcome.message_key is not None:
        parts: list[Component] = [html.P(html.Strong(ctx.t(outcome.message_key)))]
        if outcome.detail:
            parts.append(html.P(outcome.detail, dir="ltr", lang="en", className="plan-detail"))
        return html.Div(parts, className="plan-result plan-result-problem", role="alert")
    result = outcome.result
    assert result is not None and report is not None
    title = activity.title.get(ctx.lang) if activity else report.activity
    if outcome.ok:
        head = ctx.t(
            "plan.result.recorded",
            title=title,
            quarter=ctx.period(report.quarter),
            revision=ltr(str(result.revision or 1), ctx.lang),
        )
        kind, symbol = "ok", "✓"
    else:
        head, kind, symbol = ctx.t("plan.result.not_recorded"), "rejected", "✗"
    parts = [
        html.H4([html.Span(symbol, **aria(hidden="true")), " ", head], className="plan-result-head")
    ]
    if outcome.ok:
        parts.append(html.P(ctx.t("plan.result.next")))
    else:
        parts.append(html.P(ctx.t("plan.result.fix")))
    rows = _issue_rows(ctx, activity, outcome)
    if rows:
        parts.append(
            card_table(
                [
                    ctx.t("plan.col.severity"),
                    ctx.t("plan.col.field"),
                    ctx.t("plan.col.problem"),
                    ctx.t("plan.col.code"),
                ],
                rows,
                caption=ctx.t("plan.result.issues_caption", n=fmt_number(len(rows))),
            )
        )
    return html.Div(parts, className=f"plan-result plan-result-{kind}", id="plan-result-box")


__all__ = ["result_view"]
