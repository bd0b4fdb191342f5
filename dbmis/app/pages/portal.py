"""The focal point portal (``/portal``): download my template, upload it and see the check's
result at once, follow my submissions.

For focal points (their own districts and institutions, from their account) and Delivery Unit
analysts (any). The template form is a plain GET form to ``/portal/template.xlsx`` (see
:mod:`dbmis.app.portal_downloads`). Two callbacks, both open to :data:`UPLOADERS` only:

- the upload: decodes the file, checks and loads it (:func:`~dbmis.app.portal_service.check_upload`)
  and draws the result; the upload control is disabled while the file is checked;
- the submissions: redrawn when the filters change or after an upload.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import dash
from dash import Input, Output, State, dcc, html
from dash.development.base_component import Component

from dbmis.app.attrs import aria, data_attrs
from dbmis.app.auth import ANALYST, UPLOADERS, Account, current_account, output_key
from dbmis.app.context import AppState, PageContext, PageQuery
from dbmis.app.portal_downloads import choosable, year_choices
from dbmis.app.portal_result import result_view
from dbmis.app.portal_service import Filters, check_upload, my_submissions, size_text
from dbmis.app.portal_view import names, submissions_view
from dbmis.warehouse.schema import SUBMISSION_STATUSES

ROLES = UPLOADERS

UPLOAD = (
    Output("portal-result", "children"),
    Output("portal-upload", "contents"),
    Output("portal-refresh", "data"),
)
SUBMISSIONS = (Output("portal-submissions", "children"),)
CALLBACK_ROLES: Mapping[str, frozenset[str]] = {
    output_key(*UPLOAD): UPLOADERS,
    output_key(*SUBMISSIONS): UPLOADERS,
}
FILTERS = ("district", "institution", "status", "year")
ACCEPT = ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"


def title(ctx: PageContext, **params: Any) -> str:
    return ctx.t("portal.title")


def _scope_text(ctx: PageContext, account: Account) -> str:
    if account.role == ANALYST:
        return ctx.t("portal.scope.analyst")
    districts, institutions = choosable(account, ctx.catalog)
    if not districts or not institutions:
        return ctx.t("portal.scope.none")
    places = [" · ".join(names(ctx, d, i)) for d in districts for i in institutions]
    return ctx.t("portal.scope.focal", places="; ".join(places))


def _choice(
    ctx: PageContext, name: str, label_key: str, options: list[tuple[str, str]]
) -> Component:
    """A labelled field of the template form: a list to choose from, or (one option) the
    value as text plus a hidden field."""
    field_id = f"portal-template-{name}"
    if len(options) == 1:
        value, text = options[0]
        return html.P(
            [
                html.Span(ctx.t(label_key) + ": ", className="portal-field-name"),
                html.Strong(text),
                dcc.Input(type="hidden", name=name, value=value, id=field_id),
            ],
            className="portal-field",
        )
    return html.P(
        [
            html.Label(ctx.t(label_key), htmlFor=field_id),
            html.Select(
                [html.Option(text, value=value) for value, text in options],
                id=field_id,
                name=name,
                className="portal-select",
            ),
        ],
        className="portal-field",
    )


def template_section(ctx: PageContext, account: Account, today: date) -> Component:
    districts, institutions = choosable(account, ctx.catalog)
    cat = ctx.catalog
    form = html.Form(
        [
            _choice(
                ctx,
                "district",
                "portal.template.district",
                [(c, cat.district_by_code[c].name.get(ctx.lang)) for c in districts],
            ),
            _choice(
                ctx,
                "institution",
                "portal.template.institution",
                [(c, cat.institution_by_code[c].name.get(ctx.lang)) for c in institutions],
            ),
            _choice(
                ctx, "year", "portal.template.year", [(str(y), str(y)) for y in year_choices(today)]
            ),
            html.Button(
                ctx.t("portal.template.download"),
                type="submit",
                id="portal-template-download",
                className="portal-button",
            ),
        ],
        action="/portal/template.xlsx",
        method="get",
        className="portal-template-form",
    )
    return html.Section(
        [
            html.H2(ctx.t("portal.template.title"), id="portal-template-title"),
            html.P(ctx.t("portal.template.text")),
            form if districts and institutions else html.P(ctx.t("portal.scope.none")),
        ],
        className="portal-step",
        **aria(labelledby="portal-template-title"),
    )


def upload_section(ctx: PageContext) -> Component:
    size = size_text(ctx.state.settings.max_upload_bytes)
    zone = dcc.Upload(
        html.Div(
            [
                html.Span("⇪", className="portal-drop-icon", **aria(hidden="true")),
                html.Span(ctx.t("portal.upload.drop")),
                " ",
                html.Button(
                    ctx.t("portal.upload.choose"),
                    type="button",
                    id="portal-choose",
                    className="portal-button",
                    **aria(describedby="portal-upload-help"),
                ),
            ],
            className="portal-drop-inner",
        ),
        id="portal-upload",
        accept=ACCEPT,
        multiple=False,
        className="portal-dropzone",
        className_active="portal-dropzone portal-dropzone-active",
        className_disabled="portal-dropzone portal-dropzone-disabled",
    )
    # assets/upload-guard.js refuses a file over the limit before it is sent (with this text)
    guarded = html.Div(
        zone,
        className="portal-upload-guard",
        **data_attrs(
            max_bytes=str(ctx.state.settings.max_upload_bytes),
            too_big=ctx.t("portal.upload.too_big", size=size, name="{name}"),
            message_target="portal-too-big",
        ),
    )
    too_big = html.P(id="portal-too-big", className="portal-too-big", role="alert", hidden=True)
    checking = html.P(ctx.t("portal.upload.checking"), className="portal-checking", role="status")
    result = html.Div(
        html.P(ctx.t("portal.upload.waiting"), className="muted"),
        id="portal-result",
        role="status",
        className="portal-result-area",
        **aria(live="polite", labelledby="portal-result-title"),
    )
    return html.Section(
        [
            html.H2(ctx.t("portal.upload.title"), id="portal-upload-title"),
            html.P(ctx.t("portal.upload.help", size=size), id="portal-upload-help"),
            guarded,
            too_big,
            html.H3(ctx.t("portal.result.title"), id="portal-result-title"),
            dcc.Loading(result, custom_spinner=checking, delay_show=0, id="portal-loading"),
            dcc.Store(id="portal-refresh"),
        ],
        className="portal-step",
        **aria(labelledby="portal-upload-title"),
    )


def _filter(
    ctx: PageContext, name: str, options: list[tuple[str | int, str]], *, shown: bool = True
) -> Component:
    field_id = f"portal-f-{name}"
    # Dash's dropdown names its button by aria-labelledby="<id>-value-count <id>-value"; the
    # "-value-count" element exists only for several chosen values (never: single choice), so
    # giving the label that id makes the button read "Status: All", not just "All"
    return html.Div(
        [
            html.Label(
                ctx.t(f"portal.filter.{name}"), htmlFor=field_id, id=f"{field_id}-value-count"
            ),
            dcc.Dropdown(
                options=[{"label": text, "value": value} for value, text in options],
                value=None,
                id=field_id,
                placeholder=ctx.t("portal.filter.any"),
                clearable=True,
                searchable=False,
                className="portal-filter-control",
            ),
        ],
        className="portal-filter",
        hidden=not shown,
    )


def submissions_section(ctx: PageContext, account: Account, today: date) -> Component:
    districts, institutions = choosable(account, ctx.catalog)
    cat = ctx.catalog
    analyst = account.role == ANALYST
    keys, rejected = my_submissions(ctx.state, account)
    filters = html.Div(
        [
            _filter(
                ctx,
                "district",
                [(c, cat.district_by_code[c].name.get(ctx.lang)) for c in districts],
                shown=len(districts) > 1,
            ),
            _filter(
                ctx,
                "institution",
                [(c, cat.institution_by_code[c].short.get(ctx.lang)) for c in institutions],
                shown=len(institutions) > 1,
            ),
            _filter(ctx, "status", [(s, ctx.t(f"portal.status.{s}")) for s in SUBMISSION_STATUSES]),
            _filter(ctx, "year", [(y, str(y)) for y in year_choices(today)]),
        ],
        className="portal-filters",
        role="group",
        **aria(label=ctx.t("portal.filter.title")),
    )
    heading = "portal.recent.title" if analyst else "portal.mine.title"
    return html.Section(
        [
            html.H2(ctx.t(heading), id="portal-mine-title"),
            html.P(ctx.t("portal.mine.text")),
            filters,
            html.Div(
                submissions_view(ctx, keys, rejected, show_uploader=analyst),
                id="portal-submissions",
                **aria(live="polite"),
            ),
        ],
        className="portal-step",
        **aria(labelledby="portal-mine-title"),
    )


def layout(ctx: PageContext, **params: Any) -> Component:
    account = ctx.account
    if account is None:  # the routing refuses visitors before this; kept for direct calls
        return html.P(ctx.t("auth.required.text"))
    today = date.today()
    return html.Div(
        [
            html.H1(ctx.t("portal.title")),
            html.P(ctx.t("portal.intro"), className="lead"),
            html.P(_scope_text(ctx, account), className="notice portal-scope"),
            template_section(ctx, account, today),
            upload_section(ctx),
            submissions_section(ctx, account, today),
        ],
        className="portal",
    )


def _ctx(state: AppState, search: str | None, account: Account | None) -> PageContext:
    return PageContext(
        state=state, path="/portal", query=PageQuery.parse(search, state.catalog), account=account
    )


def upload_callback(
    state: AppState, contents: object, filename: object, search: str | None, checked: object
) -> tuple[Component, None, int]:
    """The upload callback's body: check the file, draw the result, clear the contents and
    tell the submissions to redraw (``checked``: how many files this page checked so far)."""
    if contents is None:
        raise dash.exceptions.PreventUpdate
    account = current_account()
    ctx = _ctx(state, search, account)
    outcome = check_upload(state, account, contents, filename)
    count = checked + 1 if isinstance(checked, int) and not isinstance(checked, bool) else 1
    return result_view(ctx, outcome), None, count


def submissions_callback(state: AppState, search: str | None, *values: object) -> list[Component]:
    """The submissions callback's body: the account's submissions under the chosen filters."""
    account = current_account()
    ctx = _ctx(state, search, account)
    keys, rejected = my_submissions(state, account, Filters.parse(*values))
    return submissions_view(
        ctx, keys, rejected, show_uploader=account is not None and account.role == ANALYST
    )


def register(app: dash.Dash, state: AppState) -> None:
    @app.callback(
        *UPLOAD,
        Input("portal-upload", "contents"),
        State("portal-upload", "filename"),
        State("url", "search"),
        State("portal-refresh", "data"),
        running=[
            (Output("portal-upload", "disabled"), True, False),
            (Output("portal-choose", "disabled"), True, False),
        ],
        prevent_initial_call=True,
    )
    def upload(contents: object, filename: object, search: str | None, checked: object) -> Any:
        return upload_callback(state, contents, filename, search, checked)

    @app.callback(
        *SUBMISSIONS,
        Input("portal-refresh", "data"),
        *(Input(f"portal-f-{name}", "value") for name in FILTERS),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def submissions(refresh: object, *rest: Any) -> Any:
        *values, search = rest
        return submissions_callback(state, search, *values)
