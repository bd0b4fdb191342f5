"""Stocktake preparation (Delivery Unit analysts): open the stocktake of a quarter, then for
each KPI its latest figures, a judgement of its likelihood of delivery (with the four criteria),
problems, actions (owner, due date, status) and decisions asked of or taken by the Steering
Committee; mark the stocktake final; preview the pack.

``?at=2026Q3`` chooses the stocktake (default: the latest draft, else the latest), ``?kpi=CODE``
the KPI worked on. Two callbacks, both for reviewers only (:data:`CALLBACK_ROLES`): one opens a
stocktake and goes to it; one saves whatever form was submitted through the business
functions of :mod:`dbmis.kpis.stocktake` (each audited) and draws the workspace again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import dash
from dash import Input, Output, State, dcc, html
from dash.development.base_component import Component

from dbmis.app.attrs import aria
from dbmis.app.auth import REVIEWERS, Account, current_account, output_key
from dbmis.app.context import AppState, PageContext, PageQuery
from dbmis.app.i18n import normalise_lang, t
from dbmis.app.pages.stocktake_forms import GENERAL, PATH
from dbmis.app.pages.stocktake_parts import chooser
from dbmis.app.pages.stocktake_workspace import workspace
from dbmis.errors import DbmisError
from dbmis.kpis import steering as sv
from dbmis.kpis import stocktake as st
from dbmis.kpis.release_preview import recompute_audited
from dbmis.warehouse.queries.stocktakes import Stocktake
from dbmis.warehouse.types import utcnow

ROLES = REVIEWERS

SAVE_OUTPUT = (Output("st-feedback", "children"), Output("st-workspace", "children"))
CREATE_OUTPUT = (Output("st-redirect", "href"), Output("st-create-feedback", "children"))
CALLBACK_ROLES: Mapping[str, frozenset[str]] = {
    output_key(*SAVE_OUTPUT): REVIEWERS,
    output_key(*CREATE_OUTPUT): REVIEWERS,
}

BUTTONS = (
    "st-judge-submit",
    "st-problem-submit",
    "st-action-submit",
    "st-status-submit",
    "st-decision-submit",
    "st-final-submit",
    "st-recompute-submit",
)
ALWAYS_OPEN = frozenset({"st-status-submit", "st-recompute-submit"})
"""Forms that still work once a stocktake is final (actions keep moving; figures refresh)."""
FIELDS = (
    "st-judge-likelihood",
    "st-judge-rationale",
    *(f"st-judge-{key}" for key in st.CRITERIA),
    "st-problem-text",
    "st-problem-kpi",
    "st-action-text",
    "st-action-owner",
    "st-action-due",
    "st-action-kpi",
    "st-status-action",
    "st-status-value",
    "st-decision-kind",
    "st-decision-text",
    "st-decision-date",
    "st-decision-kpi",
)


def title(ctx: PageContext, **params: Any) -> str:
    return ctx.t("stocktake.title")


def today() -> date:
    return utcnow().date()


def current(takes: list[Stocktake], quarter: str | None) -> Stocktake | None:
    """The stocktake asked for, else the latest draft, else the latest."""
    if quarter:
        for take in takes:
            if take.quarter == quarter:
                return take
    return next((s for s in takes if s.status == "draft"), takes[0] if takes else None)


def _create_form(ctx: PageContext, open_: bool) -> Component:
    suggested = st.quarter_of(today())
    fields = [
        ("st-create-quarter", "stocktake.quarter", suggested, "2026Q3"),
        ("st-create-title", "stocktake.take_title", "", ctx.t("stocktake.take_title_hint")),
        ("st-create-meeting", "stocktake.meeting_date", "", "2026-10-09"),
    ]
    controls = [
        html.Div(
            [
                html.Label(ctx.t(key), htmlFor=id_),
                dcc.Input(id=id_, type="text", value=value, placeholder=hint, className="st-input"),
            ],
            className="st-field",
        )
        for id_, key, value, hint in fields
    ]
    return html.Details(
        [
            html.Summary(ctx.t("stocktake.create")),
            html.Div(
                [
                    *controls,
                    html.Button(
                        ctx.t("stocktake.create_button"),
                        id="st-create-submit",
                        n_clicks=0,
                        type="button",
                        className="button st-button",
                    ),
                    html.Div(id="st-create-feedback", role="status", **aria(live="polite")),
                ],
                className="st-form",
            ),
        ],
        open=open_,
        className="st-create",
    )


def layout(ctx: PageContext, **params: Any) -> Component:
    takes = sv.stocktakes(ctx.state.db)
    take = current(takes, ctx.query.at)
    body: list[Component] = [
        dcc.Location(id="st-redirect", refresh=True),
        html.H1(ctx.t("stocktake.title")),
        html.P(ctx.t("stocktake.lead"), className="lead"),
    ]
    if takes:
        body.append(chooser(ctx, takes, take, PATH))
    body.append(_create_form(ctx, open_=not takes))
    if take is None:
        body.append(html.P(ctx.t("stocktake.none_yet"), className="notice"))
        return html.Div(body, className="st-page")
    body += [
        dcc.Store(id="st-context", data={"quarter": take.quarter, "lang": ctx.lang}),
        html.Div(id="st-feedback", role="status", className="st-feedback", **aria(live="polite")),
        html.Div(workspace(ctx, take.quarter, ctx.query.kpi, today()), id="st-workspace"),
    ]
    return html.Div(body, className="st-page")


# --- what the forms do (plain functions: tests call them) ------------------------------------


@dataclass(frozen=True)
class Outcome:
    ok: bool
    message: str


def parse_day(text: str | None, what: str, lang: str) -> date | None:
    """A date written 2026-12-31 (None when blank); ValueError with a message in ``lang``."""
    value = (text or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(t("stocktake.error.date", lang, what=what, text=value)) from exc


def _kpi(value: Any) -> str | None:
    return None if value in (None, "", GENERAL) else str(value)


def _required(value: Any, key: str, lang: str) -> str:
    text = str(value or "").strip()
    if not text:
        raise ValueError(t(key, lang))
    return text


def save(
    state: AppState,
    account: Account,
    button: str,
    quarter: str,
    values: Mapping[str, Any],
    lang: str,
) -> Outcome:
    """Run the form of ``button`` with the fields' ``values`` as ``account``; never raises for
    bad input (the outcome says what went wrong, nothing is written)."""
    db = state.db
    who, who_id = account.username, account.user_id
    take = sv.choose(db, quarter)
    if take is None or take.quarter != quarter:
        return Outcome(
            False, t("stocktake.not_saved", lang, reason=t("stocktake.error.none", lang))
        )
    if take.status != "draft" and button not in ALWAYS_OPEN:
        return Outcome(
            False, t("stocktake.not_saved", lang, reason=t("stocktake.error.final", lang))
        )
    try:
        if button == "st-judge-submit":
            kpi = _required(values.get("kpi"), "stocktake.error.kpi", lang)
            likelihood = _required(
                values.get("st-judge-likelihood"), "stocktake.error.likelihood", lang
            )
            rationale = _required(
                values.get("st-judge-rationale"), "stocktake.error.rationale", lang
            )
            criteria = {key: values.get(f"st-judge-{key}") or None for key in st.CRITERIA}
            st.judge(db, quarter, kpi, likelihood, rationale, criteria, who, assessed_by_id=who_id)
            return Outcome(True, t("stocktake.saved.judgement", lang))
        if button == "st-problem-submit":
            text = _required(values.get("st-problem-text"), "stocktake.error.problem", lang)
            st.add_problem(
                db,
                quarter,
                text,
                kpi=_kpi(values.get("st-problem-kpi")),
                raised_by=who,
                raised_by_id=who_id,
            )
            return Outcome(True, t("stocktake.saved.problem", lang))
        if button == "st-action-submit":
            text = _required(values.get("st-action-text"), "stocktake.error.action", lang)
            owner = _required(values.get("st-action-owner"), "stocktake.error.owner", lang)
            due = parse_day(values.get("st-action-due"), t("stocktake.due", lang), lang)
            st.add_action(
                db,
                quarter,
                text,
                owner,
                kpi=_kpi(values.get("st-action-kpi")),
                due_date=due,
                created_by=who,
            )
            return Outcome(True, t("stocktake.saved.action", lang))
        if button == "st-status-submit":
            action_id = values.get("st-status-action")
            status = _required(values.get("st-status-value"), "stocktake.error.status", lang)
            if not isinstance(action_id, int) or isinstance(action_id, bool):
                raise ValueError(t("stocktake.error.which_action", lang))
            st.set_action_status(db, action_id, status, changed_by=who)
            return Outcome(True, t("stocktake.saved.status", lang))
        if button == "st-decision-submit":
            kind = _required(values.get("st-decision-kind"), "stocktake.error.kind", lang)
            text = _required(values.get("st-decision-text"), "stocktake.error.decision", lang)
            day = parse_day(values.get("st-decision-date"), t("stocktake.decided_on", lang), lang)
            st.add_decision(
                db,
                quarter,
                kind,
                text,
                kpi=_kpi(values.get("st-decision-kpi")),
                decided_at=day,
                recorded_by=who,
            )
            return Outcome(True, t("stocktake.saved.decision", lang))
        if button == "st-final-submit":
            st.finalise(db, quarter, who)
            return Outcome(True, t("stocktake.saved.final", lang))
        if button == "st-recompute-submit":
            recompute_audited(db, state.catalog, by=who)
            return Outcome(True, t("stocktake.saved.recompute", lang))
    except (DbmisError, ValueError) as exc:
        message = exc.message if isinstance(exc, DbmisError) else str(exc)
        return Outcome(False, t("stocktake.not_saved", lang, reason=message))
    return Outcome(False, t("stocktake.not_saved", lang, reason=button))


def create(
    state: AppState, account: Account, quarter: str, title_: str, meeting: str, lang: str
) -> tuple[str | None, Outcome]:
    """Open the stocktake of a quarter; (the address to go to, the outcome)."""
    try:
        day = parse_day(meeting, t("stocktake.meeting_date", lang), lang)
        try:
            label = st.check_quarter(quarter or "")
        except ValueError as exc:
            raise ValueError(t("stocktake.error.quarter", lang, text=quarter)) from exc
        if any(s.quarter == label for s in sv.stocktakes(state.db)):
            raise ValueError(t("stocktake.error.exists", lang, quarter=label))
        st.create(
            state.db,
            label,
            title_,
            account.username,
            created_by_id=account.user_id,
            meeting_date=day,
        )
    except (DbmisError, ValueError) as exc:
        message = exc.message if isinstance(exc, DbmisError) else str(exc)
        return None, Outcome(False, t("stocktake.not_saved", lang, reason=message))
    query = PageQuery(lang=normalise_lang(lang), at=label)
    return PATH + query.to_search(), Outcome(
        True, t("stocktake.saved.created", lang, quarter=label)
    )


def feedback(outcome: Outcome) -> Component:
    return html.P(
        outcome.message,
        className="st-ok" if outcome.ok else "st-error",
        role="status" if outcome.ok else "alert",
    )


# --- callbacks -------------------------------------------------------------------------------


def register(app: dash.Dash, state: AppState) -> None:
    @app.callback(
        *SAVE_OUTPUT,
        *(Input(b, "n_clicks") for b in BUTTONS),
        State("st-context", "data"),
        State("st-kpi", "data"),
        *(State(f, "value") for f in FIELDS),
        prevent_initial_call=True,
    )
    def on_save(*args: Any) -> tuple[Any, Any]:
        button = dash.ctx.triggered_id
        clicks = dict(zip(BUTTONS, args[: len(BUTTONS)], strict=True))
        context = args[len(BUTTONS)] or {}
        chosen = args[len(BUTTONS) + 1]
        values = dict(zip(FIELDS, args[len(BUTTONS) + 2 :], strict=True))
        account = current_account()
        if account is None or button not in BUTTONS or not clicks.get(button):
            raise dash.exceptions.PreventUpdate
        lang = normalise_lang(context.get("lang"))
        quarter = str(context.get("quarter") or "")
        kpi = chosen if isinstance(chosen, str) else None
        values["kpi"] = kpi
        outcome = save(state, account, str(button), quarter, values, lang)
        if not outcome.ok:
            return feedback(outcome), dash.no_update
        ctx = PageContext(
            state=state,
            path=PATH,
            query=PageQuery(
                lang=lang, at=quarter, kpi=kpi if kpi in state.catalog.kpi_by_code else None
            ),
            account=account,
        )
        return feedback(outcome), workspace(ctx, quarter, ctx.query.kpi, today())

    @app.callback(
        *CREATE_OUTPUT,
        Input("st-create-submit", "n_clicks"),
        State("st-create-quarter", "value"),
        State("st-create-title", "value"),
        State("st-create-meeting", "value"),
        State("st-redirect", "search"),
        prevent_initial_call=True,
    )
    def on_create(
        clicks: int | None,
        quarter: str | None,
        title_: str | None,
        meeting: str | None,
        search: str | None,
    ) -> tuple[Any, Any]:
        account = current_account()
        if not clicks or account is None:
            raise dash.exceptions.PreventUpdate
        lang = PageQuery.parse(search, state.catalog).lang
        where, outcome = create(state, account, quarter or "", title_ or "", meeting or "", lang)
        return (where or dash.no_update), feedback(outcome)
