"""Progress reports on the action plan (``/portal/progress``): the activities I report on, a
report form per activity and quarter, my reports and what the Delivery Unit said about them.

For focal points (the activities their institution *leads*, from their account) and Delivery
Unit analysts (any activity). ``?activity=CODE`` opens the form of one activity; an activity the
account may not report on is not offered, and a report on it sent anyway is refused by the
server (:func:`dbmis.ingest.progress.report_progress`: audited, nothing recorded).

The form's controls are native; the browser script ``assets/plan.js`` reads them into the
payload store when "Send" is pressed (``dash_clientside.set_props``: no clientside callback),
and shows the chosen evidence file's name. One callback, open to :data:`UPLOADERS` only, takes
the payload (:func:`report_callback`): it calls :func:`dbmis.app.plan_service.submit_report` as
the signed-in account, draws the result, clears the evidence file, redraws my activities and
my reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import dash
from dash import Input, Output, State, html
from dash.development.base_component import Component

from dbmis.app.attrs import aria
from dbmis.app.auth import ANALYST, UPLOADERS, Account, current_account, output_key
from dbmis.app.context import AppState, PageContext, PageQuery
from dbmis.app.pages.plan_parts import institution_name
from dbmis.app.pages.progress_form import form_view
from dbmis.app.pages.progress_result import result_view
from dbmis.app.pages.progress_view import (
    ACTIVITIES,
    EVIDENCE,
    EVIDENCE_NAME,
    MINE,
    PATH,
    PAYLOAD,
    RESULT,
    SEND,
    activities_view,
    mine_view,
)
from dbmis.app.plan_service import my_reports, reportable, submit_report
from dbmis.catalog.plan import Activity
from dbmis.kpis.plan import ActivityStatus
from dbmis.kpis.plan_data import plan_reports, plan_status
from dbmis.warehouse.queries.plan import PlanReport
from dbmis.warehouse.types import utcnow

ROLES = UPLOADERS

REPORT = (
    Output(RESULT, "children"),
    Output(EVIDENCE, "contents"),
    Output(EVIDENCE_NAME, "children"),
    Output(MINE, "children"),
    Output(ACTIVITIES, "children"),
)
CALLBACK_ROLES: Mapping[str, frozenset[str]] = {output_key(*REPORT): UPLOADERS}


def title(ctx: PageContext, **params: Any) -> str:
    return ctx.t("plan.progress.title")


def today() -> date:
    return utcnow().date()


def _scope_text(ctx: PageContext, account: Account) -> str:
    if account.role == ANALYST:
        return ctx.t("plan.progress.scope_analyst")
    leads = sorted({a.lead for a in ctx.catalog.activities if a.lead in account.institutions})
    if not leads:
        return ctx.t("plan.progress.scope_none")
    return ctx.t(
        "plan.progress.scope_focal",
        institutions=", ".join(institution_name(ctx, i, short=False) for i in leads),
    )


def _latest(ctx: PageContext, activities: list[Activity]) -> dict[str, PlanReport]:
    """Each activity's current report of its latest quarter (any review state)."""
    if not activities:
        return {}
    found = plan_reports(
        ctx.state.db, activities=[a.code for a in activities], current_only=True, limit=10_000
    )
    latest: dict[str, PlanReport] = {}
    for r in found:
        seen = latest.get(r.activity)
        if seen is None or r.quarter > seen.quarter:
            latest[r.activity] = r
    return latest


def _statuses(ctx: PageContext, day: date) -> dict[str, ActivityStatus]:
    return {s.code: s for s in plan_status(ctx.state.db, ctx.catalog, as_of=day)}


def activities_content(ctx: PageContext, account: Account, day: date) -> Component:
    activities = reportable(ctx.state, account)
    return activities_view(ctx, activities, _statuses(ctx, day), _latest(ctx, activities))


def _section(anchor: str, heading: str, *children: Component) -> Component:
    return html.Section(
        [html.H2(heading, id=anchor), *children],
        className="plan-step",
        **aria(labelledby=anchor),
    )


def layout(ctx: PageContext, **params: Any) -> Component:
    account = ctx.account
    if account is None:  # the routing refuses visitors before this; kept for direct calls
        return html.P(ctx.t("auth.required.text"))
    day = today()
    activities = reportable(ctx.state, account)
    chosen = (ctx.param("activity") or "").upper()
    activity = next((a for a in activities if a.code == chosen), None)
    refused = bool(chosen) and activity is None
    if not chosen and len(activities) == 1:
        activity = activities[0]
    body: list[Component] = [
        html.H1(ctx.t("plan.progress.title")),
        html.P(ctx.t("plan.progress.intro"), className="lead"),
        html.P(_scope_text(ctx, account), className="notice plan-scope"),
        _section(
            "plan-activities-title",
            ctx.t("plan.progress.activities"),
            html.Div(
                activities_content(ctx, account, day),
                id=ACTIVITIES,
                **aria(live="polite"),
            ),
        ),
    ]
    if refused:
        body.append(html.P(ctx.t("plan.progress.not_yours"), className="notice", role="alert"))
    if activity is not None:
        status = _statuses(ctx, day).get(activity.code)
        body.append(
            html.Section(
                form_view(ctx, activity, status, day, ctx.state.settings.max_upload_bytes),
                **aria(labelledby="plan-form-title"),
            )
        )
    body.append(
        _section(
            "plan-mine-title",
            ctx.t(
                "plan.progress.mine_analyst" if account.role == ANALYST else "plan.progress.mine"
            ),
            html.Div(mine_view(ctx, my_reports(ctx.state, account)), id=MINE),
        )
    )
    body.append(
        html.P(html.A(ctx.t("plan.progress.to_public"), href=ctx.link("/plan")), className="muted")
    )
    return html.Div(body, className="plan-page plan-progress")


def _ctx(state: AppState, search: str | None, account: Account | None) -> PageContext:
    return PageContext(
        state=state,
        path=PATH,
        query=PageQuery.parse(search, state.catalog),
        account=account,
        search=search or "",
    )


def report_callback(
    state: AppState,
    data: object,
    contents: object,
    filename: object,
    search: str | None,
    account: Account | None,
    *,
    day: date | None = None,
) -> tuple[Component, None, str, Component, Component]:
    """The report callback's body: check and record the report as ``account``, draw the
    result, clear the evidence file, redraw my activities and my reports."""
    if not isinstance(data, dict):
        raise dash.exceptions.PreventUpdate
    ctx = _ctx(state, search, account)
    outcome = submit_report(state, account, data, contents, filename, today=day)
    if account is None:
        return result_view(ctx, outcome), None, "", html.Div(), html.Div()
    when = day or today()
    return (
        result_view(ctx, outcome),
        None,
        "",
        mine_view(ctx, my_reports(state, account)),
        activities_content(ctx, account, when),
    )


def register(app: dash.Dash, state: AppState) -> None:
    @app.callback(
        *REPORT,
        Input(PAYLOAD, "data"),
        State(EVIDENCE, "contents"),
        State(EVIDENCE, "filename"),
        State("url", "search"),
        running=[(Output(SEND, "disabled"), True, False)],
        prevent_initial_call=True,
    )
    def report(data: object, contents: object, filename: object, search: str | None) -> Any:
        return report_callback(state, data, contents, filename, search, current_account())
