"""The action plan tracker (``/workspace/plan``): for the Delivery Unit and the Steering
Committee, the plan's status from the **approved** progress reports (approved but not yet
published is marked), by KPI and by institution: status counts, overdue milestones, budget use.

``?kpi=CODE`` or ``?institution=CODE`` narrows the list of activities; ``?activity=CODE``
drills down to one activity (facts, milestones, budget by fiscal year and funding source, its
report history: every revision for analysts, the approved ones for the Steering Committee).

Analysts also see the reports waiting for review; ``?activity=CODE&report=ID`` opens one with
Approve and Return (a reason is required). One callback (:func:`act`, ``CALLBACK_ROLES``:
:data:`REVIEWERS`; it checks the caller's role again) acts on the report named in the URL as
the signed-in analyst and redraws the page with the outcome. Steering Committee members see no
write control, and the server refuses the callback to them (403).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import dash
from dash import Input, Output, State, callback_context, html
from dash.development.base_component import Component
from dash.exceptions import PreventUpdate

from dbmis.app.auth import REVIEWERS, STEERING_READERS, Account, current_account, output_key
from dbmis.app.context import AppState, PageContext, PageQuery
from dbmis.app.i18n import date_label, fmt_number
from dbmis.app.pages import plan_review_view as review_view
from dbmis.app.pages import plan_tracker_view as view
from dbmis.app.plan_tracker_service import TrackerData, review_report, tracker_data
from dbmis.errors import NotFoundError
from dbmis.kpis.plan_data import activity_history, get_plan_report
from dbmis.warehouse.queries.plan import PlanReport
from dbmis.warehouse.types import utcnow

ROLES = STEERING_READERS
CONTENT = view.CONTENT
ACTIONS = (view.APPROVE, view.RETURN)
CALLBACK_ROLES: Mapping[str, frozenset[str]] = {output_key(Output(CONTENT, "children")): REVIEWERS}


def title(ctx: PageContext, **params: Any) -> str:
    return ctx.t("plan.tracker.title")


def today() -> date:
    return utcnow().date()


def _report_id(ctx: PageContext) -> int | None:
    text = ctx.param("report")
    return int(text) if text is not None and text.isdigit() and len(text) <= 12 else None


def _published_line(ctx: PageContext, data: TrackerData) -> Component:
    plan = data.published
    if plan is None or not plan.activities:
        text = ctx.t("plan.tracker.never_published")
    else:
        text = ctx.t(
            "plan.tracker.published",
            number=fmt_number(plan.release_number, 0, ctx.lang),
            day=date_label(plan.as_of, ctx.lang),
        )
    return html.P(text, className="muted")


def _review(
    ctx: PageContext, code: str, reason: str, message: Component | None
) -> Component | None:
    """The review panel of the report named in the URL (analysts; a report of this activity)."""
    report_id = _report_id(ctx)
    if report_id is None or ctx.account is None or ctx.account.role not in REVIEWERS:
        return None
    try:
        report = get_plan_report(ctx.state.db, report_id)
    except NotFoundError:
        return html.P(ctx.t("plan.review.not_found"), className="notice", role="alert")
    if report.activity != code:
        return None
    return review_view.review_panel(ctx, report, reason, message)


def _history(ctx: PageContext, code: str, analyst: bool) -> list[PlanReport]:
    reports = activity_history(ctx.state.db, code)
    return reports if analyst else [r for r in reports if r.approved]


def content(ctx: PageContext, message: Component | None = None, reason: str = "") -> Component:
    """The page's content for this account (the callback's output as well)."""
    account = ctx.account
    if account is None or account.role not in STEERING_READERS:
        return html.P(ctx.t("auth.forbidden.text"), role="alert")
    analyst = account.role in REVIEWERS
    data = tracker_data(ctx.state, today(), with_pending=analyst)
    institution = (ctx.param("institution") or "").upper() or None
    if institution not in ctx.catalog.institution_by_code:
        institution = None
    code = (ctx.param("activity") or "").upper()
    parts: list[Component | None] = [
        html.H1(ctx.t("plan.tracker.title")),
        html.P(ctx.t("plan.tracker.lead", day=date_label(data.as_of, ctx.lang)), className="lead"),
        _published_line(ctx, data),
    ]
    if not data.statuses:
        parts.append(html.P(ctx.t("plan.no_plan"), className="notice"))
        return html.Div(parts)
    if data.unpublished:
        parts.append(
            html.P(
                ctx.t("plan.tracker.unpublished_notice", n=fmt_number(len(data.unpublished))),
                className="notice plan-unpublished-notice",
                role="note",
            )
        )
    drill: Component | None = None
    if code in ctx.catalog.activity_by_code:
        review = _review(ctx, code, reason, message)
        drill = view.drill_down(ctx, data, code, _history(ctx, code, analyst), review)
        if review is None and message is not None:
            parts.append(message)
    elif message is not None:
        parts.append(message)
    if analyst:
        parts.append(
            view.section(
                "plan-pending-title",
                ctx.t("plan.tracker.pending", n=fmt_number(len(data.pending))),
                view.pending(ctx, data.pending),
            )
        )
    parts.append(drill)
    parts += [
        view.section("plan-kpi-title", ctx.t("plan.tracker.by_kpi"), view.by_kpi(ctx, data)),
        view.section(
            "plan-institution-title",
            ctx.t("plan.tracker.by_institution"),
            view.by_institution(ctx, data),
        ),
        view.section(
            "plan-list-title",
            ctx.t("plan.tracker.activities"),
            view.activities(ctx, data, ctx.query.kpi, institution),
        ),
        html.P(
            [
                html.A(ctx.t("plan.tracker.to_steering"), href=ctx.link("/steering")),
                " · ",
                html.A(ctx.t("plan.tracker.to_public"), href=ctx.link("/plan")),
            ],
            className="muted",
        ),
    ]
    return html.Div([p for p in parts if p is not None])


def layout(ctx: PageContext, **params: Any) -> Component:
    return html.Div(content(ctx), id=CONTENT, className="plan-page plan-tracker")


# --- the review acts ---------------------------------------------------------------------------


def act(
    state: AppState,
    action: str | None,
    reason: str | None,
    search: str | None,
    account: Account | None,
) -> Component:
    """Approve or return the report named in the URL (``?report=ID``) as ``account``; the
    page's new content with the outcome. Only analysts may act (checked here again)."""
    if action not in ACTIONS:
        raise PreventUpdate
    ctx = PageContext(
        state=state,
        path=view.PATH,
        query=PageQuery.parse(search, state.catalog),
        account=account,
        search=search or "",
    )
    report_id = _report_id(ctx)
    if report_id is None:
        raise PreventUpdate
    text = (reason or "").strip()
    if len(text) > view.REASON_MAX:
        failed = review_view.message(
            ctx, False, ctx.t("plan.review.reason_long", n=fmt_number(view.REASON_MAX))
        )
        return content(ctx, failed, text)
    kind = "approve" if action == view.APPROVE else "return"
    outcome = review_report(state, account, kind, report_id, text)
    shown = ctx.t(outcome.key) + (f" {outcome.detail}" if outcome.detail else "")
    return content(ctx, review_view.message(ctx, outcome.ok, shown), "" if outcome.ok else text)


def register(app: dash.Dash, state: AppState) -> None:
    @app.callback(
        Output(CONTENT, "children"),
        *[Input(a, "n_clicks", allow_optional=True) for a in ACTIONS],
        State(view.REASON, "value", allow_optional=True),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def review(*args: Any) -> Component:
        reason, search = args[-2:]
        if not any(args[: len(ACTIONS)]):
            raise PreventUpdate
        return act(state, callback_context.triggered_id, reason, search, current_account())
