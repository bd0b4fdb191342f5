"""Pieces the stocktake, release and steering pages share: likelihood and publication badges,
the pack's summary table, actions, decisions and problems, the stocktake chooser and the
pack's download links. Plain functions of a :class:`PageContext` and plain data."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

from dash import html
from dash.development.base_component import Component

from dbmis.app.attrs import aria
from dbmis.app.context import PageContext
from dbmis.app.i18n import MISSING, date_label, fmt_percent, fmt_value
from dbmis.app.pages.common import status_badge, table
from dbmis.kpis.pack import ActionItem, DecisionItem, KpiSection, PackData
from dbmis.kpis.steering import NO_FIGURE, PUBLISHED, Publication
from dbmis.warehouse.queries.stocktakes import Stocktake

LIKELIHOODS: tuple[str, ...] = ("green", "amber_green", "amber_red", "red")
"""Best first, as the pack shows them."""

CHANGE_SYMBOLS: dict[str, str] = {"improved": "▲", "same": "▶", "worsened": "▼", "new": "●"}

PACK_FORMATS: tuple[str, ...] = ("html", "pdf", "xlsx")


def pack_url(stocktake_id: int, fmt: str) -> str:
    """The address of the pack of a stocktake in a format (see :mod:`dbmis.app.pack_downloads`)."""
    return f"/steering/pack/{stocktake_id}.{fmt}"


def likelihood_badge(ctx: PageContext, likelihood: str | None) -> Component:
    """The likelihood of delivery as a coloured badge whose word says it (never colour alone)."""
    if likelihood is None:
        return html.Span(ctx.t("steering.not_judged"), className="st-lh st-lh-none")
    return html.Span(
        [
            html.Span(className="st-lh-swatch", **aria(hidden="true")),
            ctx.t(f"steering.likelihood.{likelihood}"),
        ],
        className=f"st-lh st-lh-{likelihood}",
    )


def change_text(ctx: PageContext, change: str | None) -> Component | str:
    if change is None:
        return ""
    return html.Span(
        [
            html.Span(CHANGE_SYMBOLS.get(change, ""), **aria(hidden="true")),
            " ",
            ctx.t(f"steering.change.{change}"),
        ],
        className=f"st-change st-change-{change}",
    )


def publication_badge(ctx: PageContext, mark: Publication | None) -> Component:
    """ "Published in release N" or "Approved, not yet published" (or "no figure")."""
    if mark is None or mark.state == NO_FIGURE:
        return html.Span(ctx.t("steering.pub.none"), className="st-pub st-pub-none")
    if mark.state == PUBLISHED:
        return html.Span(
            ctx.t("steering.pub.published", number=mark.release),
            className="st-pub st-pub-published",
        )
    return html.Span(
        [html.Span("◆", **aria(hidden="true")), " ", ctx.t("steering.pub.unpublished")],
        className="st-pub st-pub-unpublished",
    )


def day_text(ctx: PageContext, day: date | datetime | None) -> str:
    return MISSING if day is None else date_label(day, ctx.lang)


def kpi_name(ctx: PageContext, code: str | None) -> str:
    if code is None:
        return ctx.t("steering.general")
    kpi = ctx.catalog.kpi_by_code.get(code)
    return kpi.name.get(ctx.lang) if kpi else code


def figure_text(ctx: PageContext, k: KpiSection, value: float | None = None) -> str:
    """The KPI's figure (or ``value``) in its unit."""
    shown = k.value if value is None else value
    return fmt_value(shown, k.unit, k.decimals, ctx.lang)


def figure_period(ctx: PageContext, k: KpiSection) -> str:
    if k.period is None:
        return MISSING
    text = ctx.period(k.period)
    if k.period_partial and k.period_through is not None:
        from dbmis.app.i18n import month_label

        text = ctx.t(
            "steering.period_to_date", period=text, month=month_label(k.period_through, ctx.lang)
        )
    return text


def summary_table(
    ctx: PageContext,
    pack: PackData,
    marks: dict[str, Publication],
    *,
    link: Callable[[str], str] | None = None,
    caption: str | None = None,
) -> Component:
    """One row per KPI: figure and period, publication, plan, status, judgement and change."""
    rows = []
    for k in pack.kpis:
        name: Component | str = kpi_name(ctx, k.code)
        if link is not None:
            name = html.A(name, href=link(k.code))
        judgement = k.judgement
        figure: list[Component | str] = [
            figure_text(ctx, k),
            html.Br(),
            html.Small(figure_period(ctx, k)),
        ]
        if k.flagged:  # too few returns behind the figure: say so where it is read
            figure += [
                html.Br(),
                html.Small(completeness_text(ctx, k.completeness, True), className="st-flagged"),
            ]
        rows.append(
            [
                name,
                html.Span(figure),
                publication_badge(ctx, marks.get(k.code)),
                figure_text(ctx, k, k.planned) if k.planned is not None else MISSING,
                status_badge(k.status, ctx.lang),
                likelihood_badge(ctx, judgement.likelihood if judgement else None),
                change_text(ctx, judgement.change if judgement else None),
            ]
        )
    columns = [
        ctx.t("steering.col.kpi"),
        ctx.t("steering.col.figure"),
        ctx.t("steering.col.publication"),
        ctx.t("steering.col.planned"),
        ctx.t("steering.col.status"),
        ctx.t("steering.col.likelihood"),
        ctx.t("steering.col.change"),
    ]
    return table(columns, rows, caption=caption, numeric=(1, 3), class_name="data-table st-summary")


def problems_list(ctx: PageContext, problems: Sequence[str]) -> Component:
    if not problems:
        return html.P(ctx.t("steering.none_recorded"), className="muted")
    return html.Ul([html.Li(p) for p in problems], className="st-list")


def actions_table(
    ctx: PageContext, actions: Sequence[ActionItem], *, caption: str | None = None
) -> Component:
    if not actions:
        return html.P(ctx.t("steering.none_recorded"), className="muted")
    rows = []
    for a in actions:
        status: list[Component | str] = [ctx.t(f"steering.action_status.{a.status}")]
        if a.overdue:
            status += [" ", html.Strong(ctx.t("steering.overdue"), className="st-overdue")]
        what: list[Component | str] = [a.description]
        if a.carried_from:
            what += [html.Br(), html.Small(ctx.t("steering.carried", quarter=a.carried_from))]
        rows.append([html.Span(what), a.owner, day_text(ctx, a.due), html.Span(status)])
    columns = [
        ctx.t("steering.col.action"),
        ctx.t("steering.col.owner"),
        ctx.t("steering.col.due"),
        ctx.t("steering.col.action_status"),
    ]
    return table(columns, rows, caption=caption, class_name="data-table st-actions")


def decisions_list(ctx: PageContext, decisions: Sequence[DecisionItem]) -> Component:
    if not decisions:
        return html.P(ctx.t("steering.none_recorded"), className="muted")
    items = []
    for d in decisions:
        label = ctx.t(f"steering.decision.{d.kind}")
        when = f" ({day_text(ctx, d.decided_on)})" if d.decided_on else ""
        items.append(
            html.Li(
                [html.Strong(label + when + ": "), d.text],
                className=f"st-decision st-decision-{d.kind}",
            )
        )
    return html.Ul(items, className="st-list")


def chooser(
    ctx: PageContext, takes: Sequence[Stocktake], current: Stocktake | None, path: str
) -> Component:
    """Links to each stocktake (the current one marked)."""
    items = []
    for take in takes:
        here = current is not None and take.id == current.id
        label = f"{ctx.period(take.quarter)} · {ctx.t(f'steering.stocktake_status.{take.status}')}"
        attrs = aria(current="page") if here else {}
        items.append(
            html.Li(
                html.A(
                    label,
                    href=ctx.link(path, at=take.quarter),
                    className="chip current" if here else "chip",
                    **attrs,
                )
            )
        )
    return html.Nav(
        html.Ul(items, className="chips"),
        className="st-chooser",
        **aria(label=ctx.t("steering.choose_stocktake")),
    )


def pack_links(ctx: PageContext, stocktake_id: int) -> Component:
    """Open the pack (new tab) and download it as PDF or XLSX."""
    return html.Ul(
        [
            html.Li(
                html.A(
                    [
                        ctx.t("steering.pack.open"),
                        html.Span(ctx.t("steering.new_tab"), className="visually-hidden st-sr"),
                    ],
                    href=pack_url(stocktake_id, "html"),
                    target="_blank",
                    rel="noopener",
                    id="st-pack-html",
                )
            ),
            html.Li(
                html.A(
                    ctx.t("steering.pack.pdf"),
                    href=pack_url(stocktake_id, "pdf"),
                    id="st-pack-pdf",
                    download="",
                )
            ),
            html.Li(
                html.A(
                    ctx.t("steering.pack.xlsx"),
                    href=pack_url(stocktake_id, "xlsx"),
                    id="st-pack-xlsx",
                    download="",
                )
            ),
        ],
        className="st-downloads",
    )


def completeness_text(ctx: PageContext, share: float | None, flagged: bool) -> str:
    text = fmt_percent(share, ctx.lang)
    return f"{text} {ctx.t('steering.incomplete')}" if flagged else text
