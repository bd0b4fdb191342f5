"""Home: the Roadmap, the latest release and what changed, the headline KPIs against their
trajectories (with a legend), and the Roadmap's priorities with all their KPIs."""

from __future__ import annotations

from typing import Any

from dash import dcc, html
from dash.development.base_component import Component

from dbmis.app.attrs import aria
from dbmis.app.context import PageContext
from dbmis.app.i18n import date_label, fmt_number, month_label
from dbmis.app.pages.common import (
    baseline_text,
    no_release,
    point_value,
    status_badge,
    status_legend,
    table,
    target_text,
    value_text,
)
from dbmis.catalog.models import Kpi
from dbmis.kpis.public import HeadlineCard, ReleaseInfo

MAX_REVISED_LISTED = 5


def title(ctx: PageContext) -> str:
    return ""


def _sparkline(card: HeadlineCard) -> Component | None:
    """The trend line of a card (a picture: the card's text and table carry the numbers)."""
    if len([p for p in card.series if p.value is not None]) < 2:
        return None
    try:
        from dbmis.app.figures._common import SPARKLINE_CONFIG
        from dbmis.app.figures.trend import Point as FigurePoint
        from dbmis.app.figures.trend import sparkline
    except ImportError:  # pragma: no cover - the figure builders are optional here
        return None
    figure = sparkline(
        [FigurePoint(p.period, p.value) for p in card.series],
        planned=[FigurePoint(p.period, p.planned) for p in card.series if p.planned is not None],
    )
    return html.Div(
        dcc.Graph(
            figure=figure,
            config=SPARKLINE_CONFIG,  # type: ignore[arg-type]
            className="sparkline-graph",
        ),
        className="sparkline",
        **aria(hidden="true"),
    )


def _trend_table(ctx: PageContext, kpi: Kpi, card: HeadlineCard) -> Component:
    rows = [
        [
            ctx.period(p.period),
            value_text(kpi, p.value, ctx.lang),
            value_text(kpi, p.planned, ctx.lang),
            status_badge(p.status, ctx.lang),
        ]
        for p in reversed(card.series)
    ]
    return html.Details(
        [
            html.Summary(ctx.t("card.trend_table")),
            table(
                [
                    ctx.t("col.period"),
                    ctx.t("col.value"),
                    ctx.t("col.planned"),
                    ctx.t("col.status"),
                ],
                rows,
                caption=ctx.t("card.trend_caption", name=card.name),
                numeric=(1, 2),
            ),
        ],
        className="trend-table",
    )


def _card(ctx: PageContext, card: HeadlineCard) -> Component:
    kpi = ctx.catalog.kpi_by_code[card.kpi]
    heading_id = f"card-{card.kpi.lower()}"
    latest = card.latest
    if latest is None:
        value_part: list[Component] = [html.P(ctx.t("card.no_value"), className="card-value")]
    else:
        value_part = [
            html.P(point_value(kpi, latest, ctx.lang), className="card-value"),
            html.P(ctx.t("card.period", period=ctx.period(latest.period)), className="card-period"),
        ]
        if latest.flagged:
            value_part.append(html.P(ctx.t("value.incomplete"), className="card-flag"))
    sparkline = _sparkline(card)
    return html.Article(
        [
            html.H3(html.A(card.name, href=ctx.link(f"/kpi/{card.kpi}")), id=heading_id),
            *value_part,
            html.P(status_badge(card.status, ctx.lang), className="card-status"),
            html.Dl(
                [
                    html.Dt(ctx.t("card.target")),
                    html.Dd(target_text(ctx, kpi, card.target)),
                    html.Dt(ctx.t("card.baseline")),
                    html.Dd(baseline_text(ctx, kpi, card.target)),
                    html.Dt(ctx.t("card.planned")),
                    html.Dd(value_text(kpi, latest.planned if latest else None, ctx.lang)),
                ],
                className="card-facts",
            ),
            *([sparkline] if sparkline is not None else []),
            _trend_table(ctx, kpi, card),
            html.P(card.definition, className="card-definition"),
        ],
        className="kpi-card",
        **aria(labelledby=heading_id),
    )


def _changes(ctx: PageContext, release: ReleaseInfo) -> Component:
    items: list[Component] = []
    if release.previous is None:
        items.append(html.Li(ctx.t("changes.first", values=fmt_number(release.values))))
    else:
        items.append(
            html.Li(
                ctx.t(
                    "changes.values",
                    previous=release.previous,
                    added=fmt_number(release.added),
                    revised=fmt_number(release.revised),
                    removed=fmt_number(release.removed),
                )
            )
        )
    if release.submissions_new or release.submissions_revised or release.submissions_withdrawn:
        items.append(
            html.Li(
                ctx.t(
                    "changes.submissions",
                    new=fmt_number(release.submissions_new),
                    revised=fmt_number(release.submissions_revised),
                    withdrawn=fmt_number(release.submissions_withdrawn),
                )
            )
        )
    revised = [
        r for r in release.revised_values("province") if r.get("kpi") in ctx.catalog.kpi_by_code
    ]
    listed: list[Component] = []
    for r in revised[:MAX_REVISED_LISTED]:
        kpi = ctx.catalog.kpi_by_code[r["kpi"]]
        listed.append(
            html.Li(
                ctx.t(
                    "changes.revised_item",
                    name=kpi.name.get(ctx.lang),
                    period=ctx.period(str(r.get("period"))),
                    old=value_text(kpi, r.get("old"), ctx.lang),
                    new=value_text(kpi, r.get("new"), ctx.lang),
                )
            )
        )
    parts: list[Component] = [html.H3(ctx.t("changes.title")), html.Ul(items)]
    if listed:
        parts += [html.P(ctx.t("changes.revised_title")), html.Ul(listed)]
    return html.Div(parts, className="changes")


def _published(ctx: PageContext, release: ReleaseInfo) -> Component:
    return html.P(
        ctx.t(
            "release.published",
            number=release.number,
            date=date_label(release.published_at, ctx.lang),
            through=month_label(release.through_month, ctx.lang),
        ),
        className="release-line",
    )


def _release(ctx: PageContext, release: ReleaseInfo) -> Component:
    parts: list[Component] = [
        html.H2(ctx.t("release.title"), id="release-title"),
        _published(ctx, release),
    ]
    if release.note:
        # the note is written by the Delivery Unit in one language: isolate its direction
        parts.append(
            html.P([html.Strong(ctx.t("release.note")), " ", html.Bdi(release.note, dir="auto")])
        )
    parts.append(_changes(ctx, release))
    return html.Section(parts, className="release", **aria(labelledby="release-title"))


def _priorities(ctx: PageContext, cards: dict[str, HeadlineCard]) -> Component:
    sections = []
    for priority in ctx.catalog.roadmap.priorities:
        items = []
        for kpi in (k for k in ctx.catalog.kpis if k.priority == priority.code):
            card = cards.get(kpi.code)
            latest = card.latest if card else None
            detail: list[Any] = []
            if latest is not None:
                detail = [
                    " — ",
                    html.Span(point_value(kpi, latest, ctx.lang), className="num-inline"),
                    f" ({ctx.period(latest.period)}) ",
                    status_badge(card.status if card else None, ctx.lang),
                ]
            items.append(
                html.Li(
                    [
                        html.A(kpi.name.get(ctx.lang), href=ctx.link(f"/kpi/{kpi.code}")),
                        *detail,
                        html.Br(),
                        html.Span(kpi.definition.get(ctx.lang), className="muted"),
                    ]
                )
            )
        heading_id = f"priority-{priority.code.lower()}"
        sections.append(
            html.Section(
                [
                    html.H3(priority.name.get(ctx.lang), id=heading_id),
                    html.P(priority.description.get(ctx.lang)),
                    html.Ul(items, className="kpi-list"),
                ],
                className="priority",
                **aria(labelledby=heading_id),
            )
        )
    return html.Section(
        [html.H2(ctx.t("home.priorities"), id="priorities-title"), *sections],
        className="priorities",
        **aria(labelledby="priorities-title"),
    )


def layout(ctx: PageContext) -> Component:
    road = ctx.catalog.roadmap
    release = ctx.site.latest()
    intro = [
        html.H1(f"{road.title.get(ctx.lang)}: {road.province.get(ctx.lang)}"),
        html.P(road.summary.get(ctx.lang), className="lead"),
    ]
    if release is None:
        return html.Div(
            [*intro, no_release(ctx), _priorities(ctx, {}), status_legend(ctx)], className="home"
        )
    cards = ctx.site.kpi_cards(ctx.lang)
    by_code = {c.kpi: c for c in cards}
    headline = [c for c in cards if ctx.catalog.kpi_by_code[c.kpi].headline]
    return html.Div(
        [
            *intro,
            _published(ctx, release),
            html.Section(
                [
                    html.H2(ctx.t("home.headline"), id="headline-title"),
                    html.P(ctx.t("home.headline_intro")),
                    html.Div([_card(ctx, c) for c in headline], className="cards"),
                ],
                className="headline",
                **aria(labelledby="headline-title"),
            ),
            status_legend(ctx),
            _priorities(ctx, by_code),
            _release(ctx, release),
        ],
        className="home",
    )
