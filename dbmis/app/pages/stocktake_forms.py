"""The forms of the stocktake preparation page: a judgement of one KPI's likelihood of delivery
(with the four criteria), a problem, an action, an action's new status and a decision, plus the
KPI's figures. :mod:`dbmis.app.pages.stocktake_workspace` puts them together.

Every form control is always drawn (disabled when the stocktake is final) so the page's callback
inputs always exist.
"""

from __future__ import annotations

from dash import dcc, html
from dash.development.base_component import Component

from dbmis.app.attrs import aria
from dbmis.app.context import PageContext
from dbmis.app.i18n import MISSING, date_label, fmt_percent
from dbmis.app.pages.common import status_badge
from dbmis.app.pages.stocktake_parts import (
    LIKELIHOODS,
    figure_period,
    figure_text,
    kpi_name,
    publication_badge,
)
from dbmis.kpis import steering as sv
from dbmis.kpis import stocktake as st
from dbmis.kpis.pack import KpiSection

PATH = "/workspace/stocktake"
GENERAL = "_general"
"""The KPI choice of an item tied to no KPI."""
ACTION_STATUSES = ("open", "in_progress", "done", "dropped")


def _label(ctx: PageContext, text: str, for_id: str, *, hint: str | None = None) -> Component:
    parts: list[Component | str] = [text]
    if hint:
        parts += [" ", html.Span(hint, className="muted st-hint")]
    return html.Label(parts, htmlFor=for_id)


def _field(
    ctx: PageContext, label_key: str, control: Component, *, hint: str | None = None
) -> Component:
    return html.Div(
        [_label(ctx, ctx.t(label_key), str(getattr(control, "id", "")), hint=hint), control],
        className="st-field",
    )


def _text(id_: str, value: str = "", *, disabled: bool = False, rows: int = 3) -> Component:
    return dcc.Textarea(id=id_, value=value, rows=rows, disabled=disabled, className="st-input")


def _input(
    id_: str, value: str = "", *, disabled: bool = False, placeholder: str = ""
) -> Component:
    return dcc.Input(
        id=id_,
        type="text",
        value=value,
        disabled=disabled,
        placeholder=placeholder,
        className="st-input",
        debounce=False,
    )


def _kpi_choice(ctx: PageContext, id_: str, current: str, *, disabled: bool) -> Component:
    options = [{"label": kpi_name(ctx, k.code), "value": k.code} for k in ctx.catalog.kpis]
    options.append({"label": ctx.t("steering.general"), "value": GENERAL})
    return dcc.Dropdown(
        id=id_,
        options=options,
        value=current,
        clearable=False,
        disabled=disabled,
        className="st-select",
    )


def _radios(
    ctx: PageContext,
    id_: str,
    options: list[tuple[str, str]],
    value: str | None,
    legend: str,
    *,
    disabled: bool,
) -> Component:
    return html.Fieldset(
        [
            html.Legend(legend),
            dcc.RadioItems(
                id=id_,
                options=[
                    {"label": label, "value": v, "disabled": disabled} for v, label in options
                ],
                value=value,
                className="st-radios",
                inputClassName="st-radio",
                labelClassName="st-radio-label",
            ),
        ],
        className="st-fieldset",
    )


def button(
    ctx: PageContext, id_: str, key: str, *, disabled: bool, danger: bool = False
) -> Component:
    return html.Button(
        ctx.t(key),
        id=id_,
        n_clicks=0,
        type="button",
        disabled=disabled,
        className="button st-button st-danger" if danger else "button st-button",
    )


# --- the chosen KPI --------------------------------------------------------------------------


def judgement_form(
    ctx: PageContext, k: KpiSection, summary: st.StocktakeSummary, frozen: bool
) -> Component:
    item = summary.kpi(k.code) if any(i.kpi == k.code for i in summary.kpis) else None
    judged = item.judgement if item else None
    likelihoods = [
        (lh, f"{ctx.t(f'steering.likelihood.{lh}')}: {ctx.t(f'steering.likelihood_meaning.{lh}')}")
        for lh in LIKELIHOODS
    ]
    ratings = [(r, ctx.t(f"stocktake.rating.{r}")) for r in st.RATINGS] + [
        ("", ctx.t("stocktake.rating.none"))
    ]
    criteria = [
        _radios(
            ctx,
            f"st-judge-{key}",
            ratings,
            (judged.criteria.get(key) if judged else None) or "",
            ctx.t(f"stocktake.criterion.{key}"),
            disabled=frozen,
        )
        for key in st.CRITERIA
    ]
    previous = item.previous if item else None
    return html.Section(
        [
            html.H3(ctx.t("stocktake.judgement_form"), id="st-judge-title"),
            html.P(
                ctx.t(
                    "steering.previous",
                    quarter=ctx.period(previous.quarter),
                    likelihood=ctx.t(f"steering.likelihood.{previous.likelihood}"),
                )
                if previous
                else ctx.t("stocktake.first_judgement"),
                className="muted",
            ),
            _radios(
                ctx,
                "st-judge-likelihood",
                likelihoods,
                judged.likelihood if judged else None,
                ctx.t("stocktake.likelihood"),
                disabled=frozen,
            ),
            _field(
                ctx,
                "stocktake.rationale",
                _text("st-judge-rationale", judged.rationale if judged else "", disabled=frozen),
            ),
            html.Div(criteria, className="st-criteria"),
            button(ctx, "st-judge-submit", "stocktake.save_judgement", disabled=frozen),
        ],
        className="st-form",
        **aria(labelledby="st-judge-title"),
    )


def figure_facts(ctx: PageContext, k: KpiSection, mark: sv.Publication | None) -> Component:
    pairs: list[tuple[str, Component | str]] = [
        ("steering.col.figure", f"{figure_text(ctx, k)} ({figure_period(ctx, k)})"),
        (
            "steering.col.planned",
            figure_text(ctx, k, k.planned) if k.planned is not None else MISSING,
        ),
        ("steering.col.status", status_badge(k.status, ctx.lang)),
        ("steering.col.completeness", fmt_percent(k.completeness, ctx.lang)),
        ("steering.col.publication", publication_badge(ctx, mark)),
    ]
    items: list[Component] = []
    for key, value in pairs:
        items += [html.Dt(ctx.t(key)), html.Dd(value)]
    return html.Dl(items, className="facts st-facts")


def _action_label(ctx: PageContext, a: st.ActionItem) -> str:
    due = f", {date_label(a.due_date, ctx.lang)}" if a.due_date else ""
    return (
        f"#{a.id} {a.description} ({a.owner}{due}) · {ctx.t(f'steering.action_status.{a.status}')}"
    )


def items_forms(
    ctx: PageContext, kpi: str, summary: st.StocktakeSummary, frozen: bool
) -> Component:
    actions = [a for a in summary.all_actions]
    status_options = [{"label": _action_label(ctx, a), "value": a.id} for a in actions]
    return html.Div(
        [
            html.Section(
                [
                    html.H3(ctx.t("stocktake.add_problem"), id="st-problem-title"),
                    _field(ctx, "stocktake.problem", _text("st-problem-text", disabled=frozen)),
                    _field(
                        ctx,
                        "stocktake.concerns",
                        _kpi_choice(ctx, "st-problem-kpi", kpi, disabled=frozen),
                    ),
                    button(ctx, "st-problem-submit", "stocktake.save_problem", disabled=frozen),
                ],
                className="st-form",
                **aria(labelledby="st-problem-title"),
            ),
            html.Section(
                [
                    html.H3(ctx.t("stocktake.add_action"), id="st-action-title"),
                    _field(ctx, "stocktake.action", _text("st-action-text", disabled=frozen)),
                    _field(ctx, "stocktake.owner", _input("st-action-owner", disabled=frozen)),
                    _field(
                        ctx,
                        "stocktake.due",
                        _input("st-action-due", disabled=frozen, placeholder="2026-12-31"),
                        hint=ctx.t("stocktake.date_hint"),
                    ),
                    _field(
                        ctx,
                        "stocktake.concerns",
                        _kpi_choice(ctx, "st-action-kpi", kpi, disabled=frozen),
                    ),
                    button(ctx, "st-action-submit", "stocktake.save_action", disabled=frozen),
                ],
                className="st-form",
                **aria(labelledby="st-action-title"),
            ),
            html.Section(
                [
                    html.H3(ctx.t("stocktake.update_action"), id="st-status-title"),
                    html.P(ctx.t("stocktake.update_action_note"), className="muted"),
                    _field(
                        ctx,
                        "stocktake.which_action",
                        dcc.Dropdown(
                            id="st-status-action",
                            options=status_options,
                            value=None,
                            disabled=not status_options,
                            className="st-select",
                        ),
                    ),
                    _field(
                        ctx,
                        "stocktake.new_status",
                        dcc.Dropdown(
                            id="st-status-value",
                            options=[
                                {"label": ctx.t(f"steering.action_status.{s}"), "value": s}
                                for s in ACTION_STATUSES
                            ],
                            value=None,
                            disabled=not status_options,
                            className="st-select",
                        ),
                    ),
                    button(
                        ctx,
                        "st-status-submit",
                        "stocktake.save_status",
                        disabled=not status_options,
                    ),
                ],
                className="st-form",
                **aria(labelledby="st-status-title"),
            ),
            html.Section(
                [
                    html.H3(ctx.t("stocktake.add_decision"), id="st-decision-title"),
                    _radios(
                        ctx,
                        "st-decision-kind",
                        [(kind, ctx.t(f"steering.decision.{kind}")) for kind in ("asked", "taken")],
                        "asked",
                        ctx.t("stocktake.decision_kind"),
                        disabled=frozen,
                    ),
                    _field(ctx, "stocktake.decision", _text("st-decision-text", disabled=frozen)),
                    _field(
                        ctx,
                        "stocktake.decided_on",
                        _input("st-decision-date", disabled=frozen, placeholder="2026-10-09"),
                        hint=ctx.t("stocktake.date_hint"),
                    ),
                    _field(
                        ctx,
                        "stocktake.concerns",
                        _kpi_choice(ctx, "st-decision-kpi", kpi, disabled=frozen),
                    ),
                    button(ctx, "st-decision-submit", "stocktake.save_decision", disabled=frozen),
                ],
                className="st-form",
                **aria(labelledby="st-decision-title"),
            ),
        ],
        className="st-forms",
    )
