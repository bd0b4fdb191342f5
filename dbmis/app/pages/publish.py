"""Releases (Delivery Unit analysts): what a new release would contain, publishing it, and the
releases published so far.

A release through a month holds the KPI values recomputed from the approved data; the page
shows, before anything is written, the approved revisions the latest release was not built from
and the values that would be added, revised or removed (:mod:`dbmis.kpis.release_preview`).
Publishing takes two steps: "Publish..." checks the month and the (required) note and asks for
confirmation, naming the release; "Confirm" publishes exactly what was confirmed through
:func:`dbmis.kpis.release_preview.publish_checked` (audited). One callback, reviewers only.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import dash
from dash import Input, Output, State, dcc, html
from dash.development.base_component import Component

from dbmis.app.attrs import aria
from dbmis.app.auth import REVIEWERS, Account, current_account, output_key
from dbmis.app.context import AppState, PageContext, PageQuery
from dbmis.app.i18n import (
    fmt_number,
    month_label,
    normalise_lang,
    t,
)
from dbmis.app.pages.publish_parts import preview_block, problem_text, releases_table
from dbmis.errors import DbmisError
from dbmis.kpis import release_preview as rp
from dbmis.periods import month_label as month_code
from dbmis.settings import Mode
from dbmis.warehouse.types import utcnow

ROLES = REVIEWERS
PATH = "/workspace/releases"

OUTPUTS = (
    Output("pub-preview", "children"),
    Output("pub-confirm", "hidden"),
    Output("pub-confirm-text", "children"),
    Output("pub-feedback", "children"),
    Output("pub-list", "children"),
    Output("pub-pending", "data"),
)
CALLBACK_ROLES: Mapping[str, frozenset[str]] = {output_key(*OUTPUTS): REVIEWERS}
BUTTONS = (
    "pub-preview-btn",
    "pub-ask-btn",
    "pub-cancel-btn",
    "pub-confirm-btn",
    "pub-recompute-btn",
)


def title(ctx: PageContext, **params: Any) -> str:
    return ctx.t("publish.title")


def now() -> datetime:
    return utcnow()


def layout(ctx: PageContext, **params: Any) -> Component:
    through = rp.default_through_month(ctx.state.db, now())
    preview = rp.preview(ctx.state.db, through, now=now(), catalog=ctx.catalog)
    return html.Div(
        [
            dcc.Store(id="pub-context", data={"lang": ctx.lang}),
            dcc.Store(id="pub-pending", data=None),
            html.H1(ctx.t("publish.title")),
            html.P(ctx.t("publish.lead"), className="lead"),
            html.Section(
                [
                    html.H2(ctx.t("publish.new"), id="pub-new-title"),
                    html.Div(
                        [
                            html.Label(
                                [
                                    ctx.t("publish.through"),
                                    " ",
                                    html.Span(ctx.t("publish.through_hint"), className="muted"),
                                ],
                                htmlFor="pub-through",
                            ),
                            dcc.Input(
                                id="pub-through",
                                type="text",
                                value=month_code(through),
                                className="st-input st-short",
                            ),
                            html.Button(
                                ctx.t("publish.show"),
                                id="pub-preview-btn",
                                n_clicks=0,
                                type="button",
                                className="button st-button",
                            ),
                        ],
                        className="st-field",
                    ),
                    html.Div(preview_block(ctx, preview), id="pub-preview", **aria(live="polite")),
                    html.Div(
                        [
                            html.Label(ctx.t("publish.note"), htmlFor="pub-note"),
                            dcc.Textarea(
                                id="pub-note", value="", rows=3, className="st-input", required=True
                            ),
                        ],
                        className="st-field",
                    ),
                    html.Button(
                        ctx.t("publish.ask"),
                        id="pub-ask-btn",
                        n_clicks=0,
                        type="button",
                        className="button st-button",
                    ),
                    html.Div(
                        [
                            html.P(id="pub-confirm-text"),
                            html.Button(
                                ctx.t("publish.confirm"),
                                id="pub-confirm-btn",
                                n_clicks=0,
                                type="button",
                                className="button st-button st-danger",
                            ),
                            " ",
                            html.Button(
                                ctx.t("publish.cancel"),
                                id="pub-cancel-btn",
                                n_clicks=0,
                                type="button",
                                className="button st-button st-quiet",
                            ),
                        ],
                        id="pub-confirm",
                        hidden=True,
                        className="st-confirm-box",
                        role="group",
                        **aria(label=ctx.t("publish.confirm_label")),
                    ),
                    html.Div(id="pub-feedback", className="st-feedback", **aria(live="polite")),
                ],
                **aria(labelledby="pub-new-title"),
            ),
            html.Section(
                [
                    html.H2(ctx.t("publish.past"), id="pub-past-title"),
                    html.Div(releases_table(ctx), id="pub-list"),
                ],
                **aria(labelledby="pub-past-title"),
            ),
        ],
        className="st-page",
    )


# --- the callback (thin: each step is a plain function) ---------------------------------------


def _ctx(state: AppState, lang: str, account: Account | None) -> PageContext:
    return PageContext(state=state, path=PATH, query=PageQuery(lang=lang), account=account)


def _message(text: str, ok: bool) -> Component:
    return html.P(text, className="st-ok" if ok else "st-error", role="status" if ok else "alert")


def step(
    state: AppState,
    account: Account,
    button: str,
    through_text: str | None,
    note: str | None,
    pending: Mapping[str, Any] | None,
    lang: str,
) -> tuple[Any, ...]:
    """One step of the page: the six outputs of the callback (``dash.no_update`` for those
    the step leaves alone)."""
    keep = dash.no_update
    ctx = _ctx(state, lang, account)
    try:
        through = rp.parse_month(through_text)
    except ValueError:
        msg = problem_text(
            rp.Problem("RELEASE_MONTH_INVALID", {"text": (through_text or "").strip()}), lang
        )
        return keep, True, "", _message(msg, False), keep, None
    if button == "pub-cancel-btn":
        return keep, True, "", _message(t("publish.cancelled", lang), True), keep, None
    if button == "pub-recompute-btn":
        try:
            rp.recompute_audited(state.db, state.catalog, by=account.username)
        except DbmisError as exc:
            return (
                keep,
                True,
                "",
                _message(t("stocktake.not_saved", lang, reason=exc.message), False),
                keep,
                None,
            )
        preview = rp.preview(state.db, through, now=now(), catalog=state.catalog)
        return (
            preview_block(ctx, preview),
            True,
            "",
            _message(t("stocktake.saved.recompute", lang), True),
            keep,
            None,
        )
    if button == "pub-preview-btn":
        preview = rp.preview(state.db, through, now=now(), catalog=state.catalog)
        return preview_block(ctx, preview), True, "", "", keep, None
    if button == "pub-ask-btn":
        preview = rp.preview(state.db, through, now=now(), catalog=state.catalog)
        problems = (
            [] if (note or "").strip() else [rp.Problem("RELEASE_NOTE_REQUIRED")]
        ) + preview.problems
        if problems:
            errors = html.Div(
                [html.P(problem_text(x, lang)) for x in problems],
                className="st-error",
                role="alert",
            )
            return preview_block(ctx, preview), True, "", errors, keep, None
        v = preview.changes["values"]
        text = t(
            "publish.confirm_text",
            lang,
            number=preview.next_number,
            through=month_label(through, lang),
            added=fmt_number(v["added"], 0, lang),
            revised=fmt_number(v["revised"], 0, lang),
            submissions=fmt_number(len(preview.submissions), 0, lang),
        )
        return (
            preview_block(ctx, preview),
            False,
            text,
            "",
            keep,
            {"through": through, "note": (note or "").strip()},
        )
    if button == "pub-confirm-btn":
        if (
            not pending
            or pending.get("through") != through
            or pending.get("note") != (note or "").strip()
        ):
            return keep, True, "", _message(t("publish.changed", lang), False), keep, None
        try:
            info = rp.publish_checked(
                state.db,
                state.catalog,
                through_month=through,
                note=note,
                published_by=account.username,
                published_by_id=account.user_id,
                now=now(),
                is_demo=state.settings.mode is Mode.demo,
            )
        except DbmisError as exc:
            failed = t("publish.failed", lang, reason=exc.message)
            return keep, True, "", _message(failed, False), keep, None
        done = html.P(
            [
                t(
                    "publish.done",
                    lang,
                    number=info.number,
                    through=month_label(info.through_month, lang),
                ),
                " ",
                html.A(t("publish.see_public", lang), href=ctx.link("/")),
            ],
            className="st-ok",
            role="status",
        )
        preview = rp.preview(state.db, through, now=now(), catalog=state.catalog)
        return preview_block(ctx, preview), True, "", done, releases_table(ctx), None
    raise dash.exceptions.PreventUpdate


def register(app: dash.Dash, state: AppState) -> None:
    @app.callback(
        *OUTPUTS,
        *(Input(b, "n_clicks") for b in BUTTONS),
        State("pub-through", "value"),
        State("pub-note", "value"),
        State("pub-pending", "data"),
        State("pub-context", "data"),
        prevent_initial_call=True,
    )
    def on_step(*args: Any) -> tuple[Any, ...]:
        button = dash.ctx.triggered_id
        clicks = dict(zip(BUTTONS, args[: len(BUTTONS)], strict=True))
        through, note, pending, context = args[len(BUTTONS) :]
        account = current_account()
        if account is None or button not in BUTTONS or not clicks.get(button):
            raise dash.exceptions.PreventUpdate
        lang = normalise_lang((context or {}).get("lang"))
        return step(state, account, str(button), through, note, pending, lang)
