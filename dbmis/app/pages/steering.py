"""The Steering Committee's view: the stocktake pack on screen, read only.

For a chosen stocktake (``?at=2026Q3``; default the latest): the summary of every KPI (its
figure from the approved data, whether the public already has it, its plan and status, the
Delivery Unit's judgement of its likelihood of delivery and how that moved), the pack to open
or download (PDF, XLSX), one KPI drilled down (``?kpi=CODE``: chart, judgement with its four
criteria, divisions, districts and institutions, problems, actions and decisions), then every
action (overdue ones marked) and decision.

Figures come from the stored KPI values as last recomputed from the approved data
(:mod:`dbmis.kpis.steering`); a figure no release holds yet is marked "approved, not yet
published". The page has no callbacks (links only), so nothing on it can write.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dash import html
from dash.development.base_component import Component

from dbmis.app.attrs import aria
from dbmis.app.auth import STEERING_READERS
from dbmis.app.context import PageContext
from dbmis.app.i18n import MISSING, date_label, fmt_number, fmt_value, month_label
from dbmis.app.pages.common import status_badge, table
from dbmis.app.pages.stocktake_parts import (
    LIKELIHOODS,
    actions_table,
    change_text,
    chooser,
    completeness_text,
    decisions_list,
    figure_period,
    figure_text,
    kpi_name,
    likelihood_badge,
    pack_links,
    problems_list,
    publication_badge,
    summary_table,
)
from dbmis.kpis import steering as sv
from dbmis.kpis.pack import KpiSection
from dbmis.kpis.stocktake import CRITERIA
from dbmis.warehouse.types import utcnow

ROLES = STEERING_READERS
PATH = "/steering"
CRITERION_KEYS = {label: key for key, label in CRITERIA.items()}


def title(ctx: PageContext, **params: Any) -> str:
    return ctx.t("steering.title")


def today() -> date:
    return utcnow().date()


def _facts(ctx: PageContext, view: sv.SteeringView) -> Component:
    pack, take = view.pack, view.stocktake
    pairs: list[tuple[str, Any]] = [
        ("steering.fact.quarter", ctx.period(take.quarter)),
        (
            "steering.fact.status",
            ctx.t(f"steering.stocktake_status.{take.status}")
            + (" · " + ctx.t("steering.draft_note") if take.status == "draft" else ""),
        ),
        (
            "steering.fact.meeting",
            date_label(take.meeting_date, ctx.lang) if take.meeting_date else MISSING,
        ),
        (
            "steering.fact.data_through",
            month_label(pack.data_through, ctx.lang) if pack.data_through else MISSING,
        ),
        (
            "steering.fact.release",
            ctx.t(
                "steering.release_line",
                number=view.release,
                through=month_label(pack.release_through, ctx.lang),
            )
            if view.release is not None and pack.release_through is not None
            else ctx.t("steering.no_release"),
        ),
    ]
    items: list[Component] = []
    for key, value in pairs:
        items += [html.Dt(ctx.t(key)), html.Dd(value)]
    return html.Dl(items, className="facts st-facts")


def _legend(ctx: PageContext) -> Component:
    return html.Details(
        [
            html.Summary(ctx.t("steering.legend.title")),
            html.Ul(
                [
                    html.Li(
                        [likelihood_badge(ctx, lh), " ", ctx.t(f"steering.likelihood_meaning.{lh}")]
                    )
                    for lh in LIKELIHOODS
                ],
                className="legend",
            ),
            html.P(
                [
                    publication_badge(ctx, sv.Publication(sv.UNPUBLISHED)),
                    " ",
                    ctx.t("steering.pub.unpublished_meaning"),
                ]
            ),
        ],
        className="st-legend",
    )


def _chart(ctx: PageContext, k: KpiSection, quarter: str) -> Component | None:
    if not k.series:
        return None
    from dbmis.kpis.pack.charts import chart_svg, svg_data_uri  # matplotlib: loaded when drawn

    alt = ctx.t(
        "steering.chart_alt",
        kpi=kpi_name(ctx, k.code),
        value=figure_text(ctx, k),
        period=figure_period(ctx, k),
    )
    return html.Img(src=svg_data_uri(chart_svg(k, quarter)), alt=alt, className="st-chart")


def _judgement(ctx: PageContext, k: KpiSection) -> Component:
    j = k.judgement
    if j is None:
        return html.P(ctx.t("steering.not_judged_yet"), className="muted")
    line: list[Component | str] = [
        likelihood_badge(ctx, j.likelihood),
        " ",
        change_text(ctx, j.change),
    ]
    if j.previous:
        line += [
            " ",
            html.Span(
                ctx.t(
                    "steering.previous",
                    quarter=ctx.period(j.previous_quarter) if j.previous_quarter else MISSING,
                    likelihood=ctx.t(f"steering.likelihood.{j.previous}"),
                ),
                className="muted",
            ),
        ]
    rows = [
        [
            ctx.t(f"stocktake.criterion.{CRITERION_KEYS.get(c.name, 'planning')}")
            if c.name in CRITERION_KEYS
            else c.name,
            ctx.t(f"stocktake.rating.{c.rating}") if c.rating else ctx.t("stocktake.rating.none"),
        ]
        for c in j.criteria
    ]
    return html.Div(
        [
            html.P(line),
            html.P(j.rationale, className="st-rationale"),
            table(
                [ctx.t("stocktake.col.criterion"), ctx.t("stocktake.col.rating")],
                rows,
                caption=ctx.t("stocktake.criteria"),
            ),
        ]
    )


def _place_table(
    ctx: PageContext, k: KpiSection, rows: tuple[sv.PlaceRow, ...], level: str
) -> Component:
    caption = ctx.t(f"steering.drill.{level}", period=ctx.period(k.period) if k.period else MISSING)
    if not rows:
        return html.P([html.Strong(caption), " ", ctx.t("steering.drill.empty")], className="muted")
    body = []
    for r in rows:
        cells: list[Any] = [ctx.place_name(level, r.code)]
        if level == "district":
            cells.append(ctx.place_name("division", r.division))
        cells += [
            fmt_value(r.value, k.unit, k.decimals, ctx.lang),
            completeness_text(ctx, r.completeness, r.flagged),
            status_badge(r.status, ctx.lang) if r.status else MISSING,
            publication_badge(ctx, r.publication),
        ]
        body.append(cells)
    columns = [ctx.t(f"steering.col.{level}")]
    if level == "district":
        columns.append(ctx.t("steering.col.division"))
    columns += [
        ctx.t("steering.col.value"),
        ctx.t("steering.col.completeness"),
        ctx.t("steering.col.own_status"),
        ctx.t("steering.col.publication"),
    ]
    numeric = (2, 3) if level == "district" else (1, 2)
    return table(columns, body, caption=caption, numeric=numeric)


def _institution_table(
    ctx: PageContext, k: KpiSection, rows: tuple[sv.InstitutionRow, ...]
) -> Component:
    caption = ctx.t(
        "steering.drill.institution", period=ctx.period(k.period) if k.period else MISSING
    )
    cat = ctx.catalog
    body = []
    for r in rows:
        inst = cat.institution_by_code.get(r.institution)
        ind = cat.indicator_by_code[r.indicator]
        body.append(
            [
                inst.name.get(ctx.lang) if inst else r.institution,
                html.Span(
                    [
                        ind.name.get(ctx.lang),
                        html.Br(),
                        html.Small(ctx.t(f"steering.side.{r.side}")),
                    ]
                ),
                fmt_value(r.total, str(ind.unit.value), 0 if ind.whole_numbers else 1, ctx.lang),
                fmt_number(r.districts, 0, ctx.lang),
                fmt_number(r.months, 0, ctx.lang),
                publication_badge(ctx, r.publication),
            ]
        )
    columns = [
        ctx.t("steering.col.institution"),
        ctx.t("steering.col.indicator"),
        ctx.t("steering.col.total"),
        ctx.t("steering.col.districts_reporting"),
        ctx.t("steering.col.months_reporting"),
        ctx.t("steering.col.publication"),
    ]
    return table(columns, body, caption=caption, numeric=(2, 3, 4))


def _drill(ctx: PageContext, view: sv.SteeringView, code: str) -> Component:
    k = next(s for s in view.pack.kpis if s.code == code)
    parts: list[Component | None] = [
        html.H2(kpi_name(ctx, code), id="st-drill-title"),
        html.P(
            [
                html.Strong(figure_text(ctx, k)),
                " ",
                figure_period(ctx, k),
                " · ",
                status_badge(k.status, ctx.lang),
                " · ",
                publication_badge(ctx, view.marks.get(code)),
            ],
            className="st-figure-line",
        ),
        _chart(ctx, k, view.pack.quarter),
        html.H3(ctx.t("steering.judgement")),
        _judgement(ctx, k),
    ]
    if k.period is not None:
        drill = sv.drill_down(
            ctx.state.db, ctx.catalog, code, period_type=k.period_type, period=k.period
        )
        parts += [
            html.H3(ctx.t("steering.breakdown")),
            html.P(ctx.t("steering.breakdown_note"), className="muted"),
            _place_table(ctx, k, drill.divisions, "division"),
            _place_table(ctx, k, drill.districts, "district"),
            _institution_table(ctx, k, drill.institutions),
        ]
    parts += [
        html.H3(ctx.t("steering.problems")),
        problems_list(ctx, k.problems),
        html.H3(ctx.t("steering.actions")),
        actions_table(ctx, k.actions),
        html.H3(ctx.t("steering.decisions")),
        decisions_list(ctx, k.decisions),
        html.P(html.A(ctx.t("steering.back_to_summary"), href="#st-summary-title")),
    ]
    return html.Section(
        [p for p in parts if p is not None],
        id="st-drill",
        className="st-drill",
        **aria(labelledby="st-drill-title"),
    )


def _section(title_key: str, anchor: str, ctx: PageContext, *body: Component) -> Component:
    return html.Section([html.H2(ctx.t(title_key), id=anchor), *body], **aria(labelledby=anchor))


def layout(ctx: PageContext, **params: Any) -> Component:
    db, catalog = ctx.state.db, ctx.catalog
    takes = sv.stocktakes(db)
    take = sv.choose(db, ctx.query.at)
    head: list[Component] = [
        html.H1(ctx.t("steering.title")),
        html.P(ctx.t("steering.lead"), className="lead"),
        html.P(html.A(ctx.t("plan.link.tracker"), href=ctx.link("/workspace/plan"))),
    ]
    if take is None:
        return html.Div([*head, html.P(ctx.t("steering.no_stocktake"), className="notice")])
    view = sv.view(db, catalog, take, today=today())
    pack = view.pack

    def link(code: str) -> str:
        return ctx.link(PATH, at=take.quarter, kpi=code) + "#st-drill"

    body: list[Component] = [
        *head,
        chooser(ctx, takes, take, PATH),
        html.H2(take.title, className="st-take-title"),
        _facts(ctx, view),
    ]
    if pack.is_demo:
        body.append(html.P(ctx.t("steering.demo_data"), className="notice"))
    if view.unpublished:
        body.append(
            html.P(
                ctx.t("steering.unpublished_notice", count=len(view.unpublished)),
                className="notice st-unpublished-notice",
                role="note",
            )
        )
    body += [
        html.H2(ctx.t("steering.pack.title"), id="st-pack-title"),
        pack_links(ctx, take.id),
        _section(
            "steering.summary",
            "st-summary-title",
            ctx,
            html.P(ctx.t("steering.summary_note"), className="muted"),
            summary_table(ctx, pack, view.marks, link=link),
            _legend(ctx),
        ),
    ]
    if ctx.query.kpi is not None and any(k.code == ctx.query.kpi for k in pack.kpis):
        body.append(_drill(ctx, view, ctx.query.kpi))
    body += [
        _section(
            "steering.all_actions",
            "st-actions-title",
            ctx,
            html.P(
                ctx.t(
                    "steering.overdue_count",
                    count=len(pack.overdue_actions),
                    total=len(pack.all_actions),
                ),
                className="muted",
            ),
            actions_table(ctx, pack.all_actions),
        ),
        _section(
            "steering.decisions_asked",
            "st-asked-title",
            ctx,
            decisions_list(ctx, pack.all_decisions_asked),
        ),
        _section(
            "steering.decisions_taken",
            "st-taken-title",
            ctx,
            decisions_list(
                ctx,
                tuple(d for d in pack.decisions if d.kind == "taken")
                + tuple(d for k in pack.kpis for d in k.decisions_taken),
            ),
        ),
        _section(
            "steering.general_problems", "st-problems-title", ctx, problems_list(ctx, pack.problems)
        ),
    ]
    return html.Div(body, className="st-page")
