"""The progress report form of one activity (:mod:`dbmis.app.pages.progress`).

Native controls (``<select>``, text inputs, a ``<textarea>``) that work with every screen
reader, keyboard and phone; each is named by its label, with its hint inside the label (Dash's
inputs take no ``aria-describedby``). The browser script ``assets/plan.js`` reads them into one
mapping when the report is sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from dash import dcc, html
from dash.development.base_component import Component

from dbmis.app.attrs import aria, data_attrs
from dbmis.app.context import PageContext
from dbmis.app.i18n import fmt_number, ltr
from dbmis.app.pages.plan_activity_view import status_line
from dbmis.app.pages.plan_parts import budget_text, day, pkr
from dbmis.app.pages.progress_view import (
    EVIDENCE,
    EVIDENCE_NAME,
    FORM,
    PAYLOAD,
    RESULT,
    SEND,
)
from dbmis.app.plan_service import default_quarter, quarter_choices
from dbmis.app.portal_service import size_text
from dbmis.catalog.plan import Activity
from dbmis.ingest.progress import MAX_FILES
from dbmis.kpis.plan import ActivityStatus
from dbmis.warehouse.schema import NARRATIVE_MAX, PROGRESS_STATUSES

ACCEPT = ".pdf,.png,.jpg,.jpeg,.xlsx,.csv,application/pdf,image/png,image/jpeg,text/csv"
DATE_EXAMPLE = "2026-08-15"
"""How a date is written (ISO 8601, the same in both languages)."""


def _field(
    label: Component | str, control: Component, field_id: str, hint: str | None = None
) -> Component:
    """A label (with its hint inside it: Dash's inputs take no ``aria-describedby``) and the
    control it names."""
    parts: list[Component | str] = [html.Span(label, className="plan-label-text")]
    if hint:
        parts.append(html.Span(hint, className="plan-hint"))
    return html.Div(
        [html.Label(parts, htmlFor=field_id, className="plan-label"), control],
        className="plan-field",
    )


def _select(
    field_id: str, name: str, options: Sequence[tuple[str, str]], value: str | None
) -> Component:
    return html.Select(
        [html.Option(text, value=v, selected=v == value) for v, text in options],
        id=field_id,
        name=name,
        className="plan-select",
    )


def _milestones(ctx: PageContext, activity: Activity, status: ActivityStatus | None) -> Component:
    done = status.milestones_done if status is not None else {}
    fields: list[Component] = [html.Legend(ctx.t("plan.form.milestones"))]
    fields.append(html.P(ctx.t("plan.form.milestones_help"), className="plan-hint"))
    if not activity.milestones:
        fields.append(html.P(ctx.t("plan.no_milestones"), className="muted"))
    for m in sorted(activity.milestones, key=lambda m: (m.due, m.code)):
        field_id = f"plan-f-ms-{m.code}"
        earlier = done.get(m.code)
        label = ctx.t("plan.form.milestone_label", title=m.title.get(ctx.lang), due=day(ctx, m.due))
        hint = ctx.t("plan.form.date_help")
        if earlier:
            hint = ctx.t("plan.form.milestone_done_earlier", day=day(ctx, earlier)) + " " + hint
        control = dcc.Input(
            id=field_id,
            name=f"done-{m.code}",
            type="text",
            value=earlier.isoformat() if earlier else "",
            placeholder=DATE_EXAMPLE,
            maxLength=10,
            autoComplete="off",
            className="plan-input plan-date",
        )
        fields.append(_field(label, control, field_id, hint))
    return html.Fieldset(fields, className="plan-fieldset")


def form_view(
    ctx: PageContext,
    activity: Activity,
    status: ActivityStatus | None,
    today: date,
    max_bytes: int,
) -> Component:
    """The report form of one activity (native controls; ``assets/plan.js`` reads them)."""
    lang = ctx.lang
    quarters = quarter_choices(activity, today)
    chosen = default_quarter(quarters, today)
    statuses = [("", ctx.t("plan.form.choose"))] + [
        (s, ctx.t(f"plan.status.{s}")) for s in PROGRESS_STATUSES
    ]
    spend = status.spend_pkr if status is not None and status.spend_pkr is not None else None
    allocated = status.allocated_pkr if status is not None else 0
    upload = dcc.Upload(
        html.Div(
            [
                html.Button(
                    ctx.t("plan.form.evidence_choose"),
                    type="button",
                    className="button plan-quiet",
                    id="plan-report-evidence-button",
                    **aria(describedby="plan-report-evidence-hint"),
                ),
                " ",
                html.Span(ctx.t("plan.form.evidence_drop")),
            ],
            className="plan-drop-inner",
        ),
        id=EVIDENCE,
        accept=ACCEPT,
        multiple=False,
        max_size=max_bytes,
        className="plan-dropzone",
        className_active="plan-dropzone plan-dropzone-active",
    )
    controls: list[Component] = [
        _field(
            ctx.t("plan.form.quarter"),
            _select("plan-f-quarter", "quarter", [(q, ctx.period(q)) for q in quarters], chosen),
            "plan-f-quarter",
            ctx.t("plan.form.quarter_help"),
        ),
        _field(
            ctx.t("plan.form.status"),
            _select(
                "plan-f-status",
                "status",
                statuses,
                status.status if status and status.reported else "",
            ),
            "plan-f-status",
        ),
        _milestones(ctx, activity, status),
        _field(
            ctx.t("plan.form.spend"),
            dcc.Input(
                id="plan-f-spend",
                name="spend",
                type="text",
                inputMode="numeric",
                value=str(spend) if spend is not None else "",
                autoComplete="off",
                className="plan-input plan-money",
            ),
            "plan-f-spend",
            ctx.t(
                "plan.form.spend_help",
                allocated=pkr(allocated, lang),
                budget=pkr(activity.budget_total, lang),
            ),
        ),
        _field(
            ctx.t("plan.form.narrative"),
            dcc.Textarea(
                id="plan-f-narrative",
                name="narrative",
                rows=5,
                maxLength=NARRATIVE_MAX,
                className="plan-input plan-textarea",
            ),
            "plan-f-narrative",
            ctx.t("plan.form.narrative_help", n=fmt_number(NARRATIVE_MAX, 0, lang)),
        ),
        html.Div(
            [
                html.P(
                    ctx.t("plan.form.evidence"),
                    className="plan-label",
                    id="plan-report-evidence-label",
                ),
                html.P(
                    ctx.t(
                        "plan.form.evidence_help", size=ltr(size_text(max_bytes), lang), n=MAX_FILES
                    ),
                    id="plan-report-evidence-hint",
                    className="plan-hint",
                ),
                # assets/upload-guard.js says so when a file is over the limit (not sent)
                html.Div(
                    upload,
                    **data_attrs(
                        max_bytes=str(max_bytes),
                        too_big=ctx.t(
                            "plan.form.evidence_too_big",
                            size=ltr(size_text(max_bytes), lang),
                            name="{name}",
                        ),
                        message_target="plan-report-evidence-too-big",
                    ),
                ),
                html.P(
                    id="plan-report-evidence-too-big",
                    className="portal-too-big",
                    role="alert",
                    hidden=True,
                ),
                html.P(
                    id=EVIDENCE_NAME,
                    className="plan-file-name",
                    role="status",
                    **data_attrs(prefix=ctx.t("plan.form.evidence_chosen") + " "),
                ),
            ],
            className="plan-field",
        ),
        html.Button(
            ctx.t("plan.form.send"),
            id=SEND,
            type="button",
            n_clicks=0,
            className="button plan-send",
        ),
    ]
    return html.Div(
        [
            html.H2(ctx.t("plan.form.title", title=activity.title.get(lang)), id="plan-form-title"),
            html.P(
                [
                    ctx.t(
                        "plan.form.lead", start=day(ctx, activity.start), end=day(ctx, activity.end)
                    ),
                    " ",
                    ctx.t("plan.form.approved_now"),
                    " ",
                    status_line(ctx, status),
                    " · ",
                    budget_text(ctx, status.spend_pkr if status else None, allocated),
                ]
            ),
            html.Div(
                controls,
                id=FORM,
                className="plan-form",
                role="form",
                **data_attrs(activity=activity.code),
                **aria(labelledby="plan-form-title"),
            ),
            dcc.Store(id=PAYLOAD),
            html.H3(ctx.t("plan.result.title"), id="plan-result-title"),
            html.Div(
                html.P(ctx.t("plan.result.waiting"), className="muted"),
                id=RESULT,
                role="status",
                className="plan-result-area",
                **aria(live="polite", labelledby="plan-result-title"),
            ),
        ],
        className="plan-step",
    )


__all__ = ["ACCEPT", "DATE_EXAMPLE", "form_view"]
