"""The audit log (analysts and administrators): who did what, when, to which record, with
which file, newest first.

Filters: actor, action, submission number and a date range (UTC days, both ends included);
50 events a page, with "newer" and "older". One callback (audit readers only) applies the
filters and pages through :func:`dbmis.warehouse.queries.audit_log.search_events`; the page
never writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import dash
from dash import Input, Output, State, dcc, html
from dash.development.base_component import Component

from dbmis.app.attrs import aria
from dbmis.app.auth import AUDIT_READERS, current_account, output_key
from dbmis.app.context import AppState, PageContext, PageQuery
from dbmis.app.i18n import MISSING, fmt_number, normalise_lang, t
from dbmis.app.pages.common import table
from dbmis.warehouse import Database
from dbmis.warehouse.queries.audit import AuditEvent
from dbmis.warehouse.queries.audit_log import (
    EventFilter,
    EventPage,
    event_actions,
    event_actors,
    search_events,
)

ROLES = AUDIT_READERS
PATH = "/audit"
PAGE_SIZE = 50
DETAIL_CHARS = 240

OUTPUTS = (
    Output("audit-results", "children"),
    Output("audit-page", "data"),
    Output("audit-newer", "disabled"),
    Output("audit-older", "disabled"),
)
CALLBACK_ROLES: Mapping[str, frozenset[str]] = {output_key(*OUTPUTS): AUDIT_READERS}


def title(ctx: PageContext, **params: Any) -> str:
    return ctx.t("audit.title")


# --- filters (plain functions) ---------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """The filters as typed (kept in the page between pages of results)."""

    actor: str | None = None
    action: str | None = None
    submission: str | None = None
    since: str | None = None
    until: str | None = None


def _day(text: str | None, key: str, lang: str) -> date | None:
    value = (text or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(t("audit.error.date", lang, what=t(key, lang), text=value)) from exc


def to_filter(f: Filters, lang: str) -> EventFilter:
    """The query's filter; ValueError with a message in ``lang`` for a bad number or date."""
    submission: int | None = None
    text = (f.submission or "").strip().lstrip("#")
    if text:
        if not text.isdigit() or int(text) < 1 or len(text) > 12:
            raise ValueError(t("audit.error.submission", lang, text=text))
        submission = int(text)
    since = _day(f.since, "audit.since", lang)
    until = _day(f.until, "audit.until", lang)
    if since and until and until < since:
        raise ValueError(t("audit.error.range", lang))
    return EventFilter(
        actor=(f.actor or "").strip() or None,
        action=(f.action or "").strip() or None,
        submission_id=submission,
        since=datetime.combine(since, time(0), UTC) if since else None,
        until=datetime.combine(until + timedelta(days=1), time(0), UTC) if until else None,
    )


def find(db: Database, f: Filters, offset: int, lang: str) -> EventPage:
    """One page of matching events; ValueError for bad filters (see :func:`to_filter`)."""
    query = to_filter(f, lang)
    with db.read() as conn:
        return search_events(conn, query, offset=offset, limit=PAGE_SIZE)


# --- drawing ---------------------------------------------------------------------------------


def _plain(value: Any) -> str:
    """A detail value as a reader would write it: – for nothing, lists joined by commas."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {_plain(v)}" for k, v in sorted(value.items()))
    return str(value)


_FIRST = ("reason", "note", "filename", "kpi", "quarter")


def detail_text(detail: Mapping[str, Any] | None) -> str:
    """The event's detail in one short line: before -> after and the reason first, then the
    other facts as ``name: value`` (no JSON punctuation)."""
    if not detail:
        return ""
    parts: list[str] = []
    if "before" in detail or "after" in detail:
        parts.append(f"{_plain(detail.get('before'))} → {_plain(detail.get('after'))}")
    for key in _FIRST:
        if detail.get(key) not in (None, ""):
            parts.append(f"{key}: {_plain(detail[key])}")
    for key in sorted(detail):
        if key not in ("before", "after", *_FIRST):
            parts.append(f"{key}: {_plain(detail[key])}")
    text = "; ".join(parts)
    return text if len(text) <= DETAIL_CHARS else text[: DETAIL_CHARS - 1] + "…"


def _record(ctx: PageContext, e: AuditEvent) -> Component | str:
    if e.entity == "submission" and e.entity_id and e.entity_id.isdigit():
        return html.A(
            ctx.t("audit.submission_link", id=e.entity_id),
            href=ctx.link(f"/submission/{e.entity_id}"),
        )
    return f"{e.entity} {e.entity_id}" if e.entity_id else e.entity


def results(ctx: PageContext, page: EventPage) -> list[Component]:
    if page.total == 0:
        return [html.P(ctx.t("audit.none"), className="notice")]
    first = page.offset + 1
    last = page.offset + len(page.events)
    rows = [
        [
            html.Time(e.at.strftime("%Y-%m-%d %H:%M:%S"), dateTime=e.at.isoformat()),
            e.actor,
            html.Code(e.action),
            _record(ctx, e),
            html.Code(e.sha256, className="st-hash") if e.sha256 else "",
            detail_text(e.detail),
        ]
        for e in page.events
    ]
    columns = [
        ctx.t("audit.col.when"),
        ctx.t("audit.col.who"),
        ctx.t("audit.col.what"),
        ctx.t("audit.col.record"),
        ctx.t("audit.col.hash"),
        ctx.t("audit.col.detail"),
    ]
    return [
        html.P(
            ctx.t(
                "audit.showing",
                first=fmt_number(first, 0, ctx.lang),
                last=fmt_number(last, 0, ctx.lang),
                total=fmt_number(page.total, 0, ctx.lang),
            ),
            id="audit-count",
        ),
        table(columns, rows, caption=ctx.t("audit.caption"), class_name="data-table st-audit"),
    ]


def _select(ctx: PageContext, id_: str, label_key: str, options: list[str]) -> Component:
    return html.Div(
        [
            html.Label(ctx.t(label_key), htmlFor=id_),
            dcc.Dropdown(
                id=id_,
                options=[{"label": o, "value": o} for o in options],
                value=None,
                clearable=True,
                searchable=True,
                placeholder=ctx.t("audit.any"),
                className="st-select",
            ),
        ],
        className="st-field",
    )


def _text(ctx: PageContext, id_: str, label_key: str, placeholder: str) -> Component:
    return html.Div(
        [
            html.Label(ctx.t(label_key), htmlFor=id_),
            dcc.Input(
                id=id_,
                type="text",
                value="",
                placeholder=placeholder,
                className="st-input st-short",
            ),
        ],
        className="st-field",
    )


def layout(ctx: PageContext, **params: Any) -> Component:
    db = ctx.state.db
    with db.read() as conn:
        actors, actions = event_actors(conn), event_actions(conn)
    page = find(db, Filters(), 0, ctx.lang)
    return html.Div(
        [
            dcc.Store(
                id="audit-page", data={"offset": 0, "filters": asdict(Filters()), "lang": ctx.lang}
            ),
            html.H1(ctx.t("audit.title")),
            html.P(ctx.t("audit.lead"), className="lead"),
            html.Section(
                [
                    html.H2(ctx.t("audit.filters"), id="audit-filters-title"),
                    html.Div(
                        [
                            _select(ctx, "audit-actor", "audit.actor", actors),
                            _select(ctx, "audit-action", "audit.action", actions),
                            _text(ctx, "audit-submission", "audit.submission", "123"),
                            _text(ctx, "audit-from", "audit.since", "2026-01-01"),
                            _text(ctx, "audit-to", "audit.until", "2026-12-31"),
                        ],
                        className="st-filter-grid",
                    ),
                    html.P(ctx.t("audit.dates_hint"), className="muted"),
                    html.Button(
                        ctx.t("audit.apply"),
                        id="audit-apply",
                        n_clicks=0,
                        type="button",
                        className="button st-button",
                    ),
                ],
                **aria(labelledby="audit-filters-title"),
            ),
            html.Div(results(ctx, page), id="audit-results", **aria(live="polite")),
            html.Nav(
                [
                    html.Button(
                        ctx.t("audit.newer"),
                        id="audit-newer",
                        n_clicks=0,
                        type="button",
                        disabled=True,
                        className="button st-button st-quiet",
                    ),
                    html.Button(
                        ctx.t("audit.older"),
                        id="audit-older",
                        n_clicks=0,
                        type="button",
                        disabled=not page.has_older,
                        className="button st-button st-quiet",
                    ),
                ],
                className="pager",
                **aria(label=ctx.t("audit.pages")),
            ),
        ],
        className="st-page",
    )


def step(
    state: AppState, button: str, form: Filters, stored: Mapping[str, Any] | None, lang: str
) -> tuple[Any, ...]:
    """Apply the filters (``audit-apply``) or move a page (``audit-newer``/``audit-older``)."""
    stored = stored or {}
    if button == "audit-apply":
        filters, offset = form, 0
    else:
        kept = stored.get("filters") or {}
        filters = Filters(
            **{
                k: kept.get(k) if isinstance(kept.get(k), str) else None
                for k in Filters.__dataclass_fields__
            }
        )
        raw = stored.get("offset")
        offset = raw if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0 else 0
        offset = max(0, offset - PAGE_SIZE) if button == "audit-newer" else offset + PAGE_SIZE
    ctx = PageContext(state=state, path=PATH, query=PageQuery(lang=lang))
    try:
        page = find(state.db, filters, offset, lang)
    except ValueError as exc:
        error = html.P(str(exc), className="st-error", role="alert")
        return [error], dash.no_update, dash.no_update, dash.no_update
    data = {"offset": page.offset, "filters": asdict(filters), "lang": lang}
    return results(ctx, page), data, not page.has_newer, not page.has_older


def register(app: dash.Dash, state: AppState) -> None:
    @app.callback(
        *OUTPUTS,
        Input("audit-apply", "n_clicks"),
        Input("audit-newer", "n_clicks"),
        Input("audit-older", "n_clicks"),
        State("audit-actor", "value"),
        State("audit-action", "value"),
        State("audit-submission", "value"),
        State("audit-from", "value"),
        State("audit-to", "value"),
        State("audit-page", "data"),
        prevent_initial_call=True,
    )
    def on_step(
        apply: int | None,
        newer: int | None,
        older: int | None,
        actor: str | None,
        action: str | None,
        submission: str | None,
        since: str | None,
        until: str | None,
        stored: dict[str, Any] | None,
    ) -> tuple[Any, ...]:
        button = dash.ctx.triggered_id
        clicks = {"audit-apply": apply, "audit-newer": newer, "audit-older": older}
        if current_account() is None or button not in clicks or not clicks[button]:
            raise dash.exceptions.PreventUpdate
        lang = normalise_lang((stored or {}).get("lang"))
        form = Filters(
            actor=actor if isinstance(actor, str) else None,
            action=action if isinstance(action, str) else None,
            submission=str(submission) if submission not in (None, "") else None,
            since=since if isinstance(since, str) else None,
            until=until if isinstance(until, str) else None,
        )
        return step(state, str(button), form, stored, lang)
