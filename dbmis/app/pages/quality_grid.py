"""The completeness and timeliness grid of the data-quality page: its heatmap and the table
that gives the same facts as text (see :mod:`dbmis.app.pages.quality`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dash.development.base_component import Component

from dbmis.app.context import PageContext
from dbmis.app.figures.heatmap import Category, category_heatmap, share_heatmap
from dbmis.app.i18n import MONTHS, MONTHS_SHORT_EN, fmt_percent, ltr
from dbmis.app.pages.common import table
from dbmis.app.pages.review_parts import district_name, institution_name
from dbmis.kpis.quality import STATES, CellState, QualityGrid, Tally

STATE_STYLE: Mapping[CellState, tuple[str, str]] = {
    CellState.on_time: ("#56b4e9", "✓"),  # Okabe-Ito sky blue
    CellState.late: ("#e69f00", "!"),  # Okabe-Ito orange
    CellState.missing: ("#cc79a7", "✕"),  # Okabe-Ito reddish purple
    CellState.not_due: ("#eeeeee", "·"),
}
"""Light fills (dark ink on each is at least 4.5:1) told apart by lightness and symbol too."""


def month_names(lang: str) -> list[str]:
    return list(MONTHS_SHORT_EN) if lang == "en" else list(MONTHS[lang])


# --- pieces --------------------------------------------------------------------------------------


def _share(tally: Tally, measure: str) -> float | None:
    return tally.completeness if measure == "completeness" else tally.timeliness


def _tally_text(ctx: PageContext, tally: Tally) -> str:
    if tally.expected == 0:
        return "–"
    return ltr(f"{tally.received}/{tally.expected} ({tally.on_time})", ctx.lang)


def _state_text(ctx: PageContext, state: CellState) -> str:
    return f"{STATE_STYLE[state][1]} {ctx.t(f'quality.state.{state.value}')}"


def grid_figure(ctx: PageContext, grid: QualityGrid, institution: str | None, measure: str) -> Any:
    """The figure of ``grid``: states for one institution, shares for all."""
    rows = [district_name(ctx, d) for d in grid.districts]
    months = month_names(ctx.lang)
    if institution is not None:
        order = {s: k for k, s in enumerate(STATES)}
        z = [[order[grid.states[(d, institution, m)]] for m in grid.months] for d in grid.districts]
        hover = [
            [
                f"{rows[r]} · {months[c]}: {_state_text(ctx, grid.states[(d, institution, m)])}"
                for c, m in enumerate(grid.months)
            ]
            for r, d in enumerate(grid.districts)
        ]
        categories = [
            Category(ctx.t(f"quality.state.{s.value}"), STATE_STYLE[s][0], STATE_STYLE[s][1])
            for s in STATES
        ]
        return category_heatmap(rows, months, z, categories, hover=hover, lang=ctx.lang)
    shares = [[_share(grid.cells[(d, m)], measure) for m in grid.months] for d in grid.districts]
    text = [[fmt_percent(v, "en") if v is not None else "" for v in row] for row in shares]
    hover = [
        [
            ctx.t(
                "quality.hover",
                district=rows[r],
                month=months[c],
                received=grid.cells[(d, m)].received,
                on_time=grid.cells[(d, m)].on_time,
                expected=grid.cells[(d, m)].expected,
            )
            for c, m in enumerate(grid.months)
        ]
        for r, d in enumerate(grid.districts)
    ]
    return share_heatmap(
        rows,
        months,
        shares,
        text=text,
        hover=hover,
        lang=ctx.lang,
        colorbar_title=ctx.t(f"quality.measure.{measure}"),
    )


def grid_table(ctx: PageContext, grid: QualityGrid, institution: str | None) -> Component:
    months = month_names(ctx.lang)
    rows = []
    for d in grid.districts:
        if institution is not None:
            cells = [_state_text(ctx, grid.states[(d, institution, m)]) for m in grid.months]
        else:
            cells = [_tally_text(ctx, grid.cells[(d, m)]) for m in grid.months]
        row = grid.row(d)
        rows.append(
            [
                district_name(ctx, d),
                *cells,
                fmt_percent(row.completeness, ctx.lang),
                fmt_percent(row.timeliness, ctx.lang),
            ]
        )
    caption = (
        ctx.t("quality.table.caption_one", institution=institution_name(ctx, institution))
        if institution is not None
        else ctx.t("quality.table.caption_all")
    )
    return table(
        [
            ctx.t("review.col.district"),
            *months,
            ctx.t("quality.measure.completeness"),
            ctx.t("quality.measure.timeliness"),
        ],
        rows,
        caption=caption,
        numeric=tuple(range(1, 15)),
        class_name="data-table review-table review-grid-table",
    )
