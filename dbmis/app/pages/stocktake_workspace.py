"""The stocktake preparation page's workspace (:mod:`dbmis.app.pages.stocktake_prep`): one
stocktake, one KPI at a time.

:func:`workspace` draws everything that changes when the Delivery Unit records something: the
stocktake's state, the freshness of the figures, the pack's summary, the chosen KPI with its
judgement, problems, actions and decisions and the forms to add to them
(:mod:`dbmis.app.pages.stocktake_forms`), and the step that makes the stocktake final. The
page's callback draws it again after each write.
"""

from __future__ import annotations

from datetime import date

from dash import dcc, html
from dash.development.base_component import Component

from dbmis.app.attrs import aria
from dbmis.app.context import PageContext
from dbmis.app.i18n import MISSING, date_label
from dbmis.app.pages.stocktake_forms import (
    PATH,
    button,
    figure_facts,
    items_forms,
    judgement_form,
)
from dbmis.app.pages.stocktake_parts import (
    actions_table,
    decisions_list,
    kpi_name,
    likelihood_badge,
    pack_links,
    problems_list,
    summary_table,
)
from dbmis.kpis import steering as sv
from dbmis.kpis import stocktake as st
from dbmis.kpis.pack import ActionItem, DecisionItem
from dbmis.warehouse.queries import steering as sq


def _pack_actions(items: tuple[st.ActionItem, ...]) -> tuple[ActionItem, ...]:
    return tuple(
        ActionItem(
            description=f"#{a.id} {a.description}",
            owner=a.owner,
            due=a.due_date,
            status=a.status,
            overdue=a.overdue,
            kpi=a.kpi,
            carried_from=a.quarter if a.carried else None,
        )
        for a in items
    )


def _pack_decisions(items: tuple[st.DecisionItem, ...]) -> tuple[DecisionItem, ...]:
    return tuple(
        DecisionItem(kind=d.kind, text=d.text, decided_on=d.decided_at, kpi=d.kpi) for d in items
    )


def _kpi_section(
    ctx: PageContext, view: sv.SteeringView, summary: st.StocktakeSummary, code: str
) -> Component:
    k = next(s for s in view.pack.kpis if s.code == code)
    item = summary.kpi(code)
    frozen = summary.status != "draft"
    chips = [
        html.Li(
            html.A(
                kpi_name(ctx, s.code),
                href=ctx.link(PATH, at=summary.quarter, kpi=s.code) + "#st-kpi-title",
                className="chip current" if s.code == code else "chip",
                **(aria(current="page") if s.code == code else {}),
            )
        )
        for s in view.pack.kpis
    ]
    return html.Section(
        [
            html.H2(ctx.t("stocktake.kpi_title", kpi=kpi_name(ctx, code)), id="st-kpi-title"),
            html.Nav(
                html.Ul(chips, className="chips"), **aria(label=ctx.t("stocktake.choose_kpi"))
            ),
            figure_facts(ctx, k, view.marks.get(code)),
            html.P(
                [
                    html.A(
                        ctx.t("stocktake.see_breakdown"),
                        href=ctx.link("/steering", at=summary.quarter, kpi=code) + "#st-drill",
                    ),
                ]
            ),
            html.H3(ctx.t("stocktake.current_judgement")),
            html.P(likelihood_badge(ctx, item.judgement.likelihood if item.judgement else None)),
            *(
                [html.P(item.judgement.rationale, className="st-rationale")]
                if item.judgement
                else []
            ),
            judgement_form(ctx, k, summary, frozen),
            html.H3(ctx.t("steering.problems")),
            problems_list(ctx, [p.description for p in item.problems]),
            html.H3(ctx.t("steering.actions")),
            actions_table(ctx, _pack_actions(item.actions)),
            html.H3(ctx.t("steering.decisions")),
            decisions_list(ctx, _pack_decisions(item.decisions)),
            items_forms(ctx, code, summary, frozen),
        ],
        className="st-kpi",
        **aria(labelledby="st-kpi-title"),
    )


def _freshness(ctx: PageContext) -> Component:
    with ctx.state.db.read() as conn:
        computed = sq.last_computed(conn)
        approved = sq.last_approval(conn)
    stale = approved is not None and (computed is None or approved > computed)
    text = (
        ctx.t("stocktake.computed_on", date=date_label(computed, ctx.lang))
        if computed
        else ctx.t("stocktake.never_computed")
    )
    parts: list[Component] = [html.P(text, className="muted")]
    if stale:
        parts.append(html.P(ctx.t("stocktake.stale"), className="notice st-warning"))
    parts.append(button(ctx, "st-recompute-submit", "stocktake.recompute", disabled=False))
    return html.Div(parts, className="st-freshness")


def _final(ctx: PageContext, summary: st.StocktakeSummary) -> Component:
    frozen = summary.status != "draft"
    if frozen:
        intro = html.P(ctx.t("stocktake.is_final"), className="notice")
    else:
        intro = html.P(ctx.t("stocktake.final_note"))
    return html.Section(
        [
            html.H2(ctx.t("stocktake.finalise"), id="st-final-title"),
            intro,
            html.Details(
                [
                    html.Summary(ctx.t("stocktake.finalise_open")),
                    html.P(ctx.t("stocktake.finalise_confirm")),
                    button(
                        ctx,
                        "st-final-submit",
                        "stocktake.finalise_button",
                        disabled=frozen,
                        danger=True,
                    ),
                ],
                className="st-confirm",
            ),
        ],
        **aria(labelledby="st-final-title"),
    )


def default_kpi(summary: st.StocktakeSummary, wanted: str | None) -> str:
    """The KPI asked for, else the first one not judged yet, else the first."""
    codes = [k.kpi for k in summary.kpis]
    if wanted in codes:
        return str(wanted)
    return next((k.kpi for k in summary.kpis if k.judgement is None), codes[0])


def workspace(ctx: PageContext, quarter: str, kpi: str | None, today: date) -> list[Component]:
    """Everything about one stocktake that a write changes."""
    db, catalog = ctx.state.db, ctx.catalog
    codes = [k.code for k in catalog.kpis]
    summary = st.summary(db, quarter, today, kpis=codes)
    take = sv.choose(db, quarter)
    assert take is not None
    view = sv.view(db, catalog, take, today=today)
    code = default_kpi(summary, kpi)

    def link(c: str) -> str:
        return ctx.link(PATH, at=quarter, kpi=c) + "#st-kpi-title"

    general = [
        html.H2(ctx.t("stocktake.general_items"), id="st-general-title"),
        html.H3(ctx.t("steering.problems")),
        problems_list(ctx, [p.description for p in summary.problems]),
        html.H3(ctx.t("steering.actions")),
        actions_table(ctx, _pack_actions(summary.actions)),
        html.H3(ctx.t("steering.decisions")),
        decisions_list(ctx, _pack_decisions(summary.decisions)),
    ]
    judged = sum(1 for k in summary.kpis if k.judgement is not None)
    return [
        dcc.Store(id="st-kpi", data=code),
        html.H2(summary.title, id="st-take-title"),
        html.P(
            [
                ctx.t(f"steering.stocktake_status.{summary.status}"),
                " · ",
                ctx.t("stocktake.judged_count", judged=judged, total=len(summary.kpis)),
                " · ",
                ctx.t("steering.fact.meeting")
                + ": "
                + (date_label(summary.meeting_date, ctx.lang) if summary.meeting_date else MISSING),
            ],
            id="st-take-status",
        ),
        _freshness(ctx),
        html.Section(
            [
                html.H2(ctx.t("stocktake.preview"), id="st-preview-title"),
                html.P(ctx.t("stocktake.preview_note"), className="muted"),
                pack_links(ctx, take.id),
                summary_table(ctx, view.pack, view.marks, link=link),
            ],
            **aria(labelledby="st-preview-title"),
        ),
        _kpi_section(ctx, view, summary, code),
        html.Section(general, className="st-general", **aria(labelledby="st-general-title")),
        _final(ctx, summary),
    ]
