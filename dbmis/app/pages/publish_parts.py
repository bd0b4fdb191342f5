"""Pieces of the release page (:mod:`dbmis.app.pages.publish`): what a release would hold, the
refusals in the reader's language, and the releases published so far."""

from __future__ import annotations

from dash import html
from dash.development.base_component import Component

from dbmis.app.context import PageContext
from dbmis.app.i18n import MISSING, date_label, fmt_number, fmt_value, month_label, t
from dbmis.app.pages.common import table
from dbmis.kpis import release_preview as rp
from dbmis.warehouse.queries.releases import list_releases

MAX_LISTED = 50
"""At most this many submissions and revised figures are listed."""

CALM_PROBLEMS = frozenset({"RELEASE_NOTHING_NEW"})
"""Refusals that describe a normal state (shown as a note in the preview, not as an error)."""


def problem_text(problem: rp.Problem, lang: str) -> str:
    """A refusal in the reader's language."""
    values = {
        k: month_label(v, lang) if k in ("month", "last", "latest") else v
        for k, v in problem.values.items()
    }
    return t(f"publish.error.{problem.code}", lang, **values)


def _place(ctx: PageContext, level: str, code: str) -> str:
    return ctx.place_name(level, code)


def preview_block(ctx: PageContext, p: rp.ReleasePreview) -> list[Component]:
    v = p.changes["values"]
    parts: list[Component] = [
        html.P(
            ctx.t(
                "publish.would_hold",
                number=p.next_number,
                through=month_label(p.through_month, ctx.lang),
            ),
            className="st-lead-line",
        )
    ]
    # "nothing is new" is the normal state right after a release: said calmly, not as an error
    calm = [x for x in p.problems if x.code in CALM_PROBLEMS]
    errors = [x for x in p.problems if x.code not in CALM_PROBLEMS]
    if errors:
        parts.append(
            html.Div(
                [html.P(problem_text(x, ctx.lang)) for x in errors],
                className="st-error",
                role="alert",
            )
        )
    if calm:
        parts.append(
            html.Div(
                [html.P(problem_text(x, ctx.lang)) for x in calm],
                className="notice",
                role="status",
            )
        )
    if p.stale:
        parts.append(html.P(ctx.t("publish.stale"), className="notice st-warning"))
        parts.append(
            html.Button(
                ctx.t("stocktake.recompute"),
                id="pub-recompute-btn",
                n_clicks=0,
                type="button",
                className="button st-button",
            )
        )
    else:
        parts.append(
            html.Button(
                ctx.t("stocktake.recompute"),
                id="pub-recompute-btn",
                n_clicks=0,
                type="button",
                className="button st-button st-quiet",
            )
        )
    since = ctx.t("publish.since", number=p.latest.number) if p.latest else ctx.t("publish.first")
    counts = [
        [ctx.t("publish.values.added"), fmt_number(v["added"], 0, ctx.lang)],
        [ctx.t("publish.values.revised"), fmt_number(v["revised"], 0, ctx.lang)],
        [ctx.t("publish.values.removed"), fmt_number(v["removed"], 0, ctx.lang)],
        [ctx.t("publish.values.unchanged"), fmt_number(v["unchanged"], 0, ctx.lang)],
        [ctx.t("publish.values.total"), fmt_number(v["total"], 0, ctx.lang)],
    ]
    parts.append(
        table(
            [ctx.t("publish.col.values"), ctx.t("publish.col.count")],
            counts,
            caption=since,
            numeric=(1,),
        )
    )
    subs = p.submissions
    if subs:
        rows = [
            [
                html.A(f"#{s['id']}", href=ctx.link(f"/submission/{s['id']}")),
                _place(ctx, "district", s["district"]),
                ctx.catalog.institution_by_code[s["institution"]].name.get(ctx.lang)
                if s["institution"] in ctx.catalog.institution_by_code
                else s["institution"],
                str(s["year"]),
                fmt_number(s["revision"], 0, ctx.lang),
                date_label(s["approved_at"], ctx.lang) if s["approved_at"] else MISSING,
            ]
            for s in subs[:MAX_LISTED]
        ]
        parts.append(
            table(
                [
                    ctx.t("publish.col.submission"),
                    ctx.t("steering.col.district"),
                    ctx.t("steering.col.institution"),
                    ctx.t("publish.col.year"),
                    ctx.t("publish.col.revision"),
                    ctx.t("publish.col.approved"),
                ],
                rows,
                caption=ctx.t("publish.new_submissions", count=len(subs)),
                numeric=(4,),
            )
        )
        if len(subs) > MAX_LISTED:
            parts.append(
                html.P(ctx.t("publish.more", count=len(subs) - MAX_LISTED), className="muted")
            )
    else:
        parts.append(html.P(ctx.t("publish.no_new_submissions"), className="muted"))
    if p.later_submissions:
        parts.append(
            html.P(ctx.t("publish.later", count=len(p.later_submissions)), className="muted")
        )
    revised = p.changes.get("revised", [])
    if revised:
        rows = []
        for r in revised[:MAX_LISTED]:
            kpi = ctx.catalog.kpi_by_code.get(r["kpi"])
            unit, decimals = (kpi.unit.value, kpi.decimals) if kpi else ("count", 1)
            rows.append(
                [
                    kpi.name.get(ctx.lang) if kpi else r["kpi"],
                    _place(ctx, r["geo_level"], r["geo_code"]),
                    ctx.period(r["period"]),
                    fmt_value(r["old"], unit, decimals, ctx.lang),
                    fmt_value(r["new"], unit, decimals, ctx.lang),
                ]
            )
        parts.append(
            table(
                [
                    ctx.t("steering.col.kpi"),
                    ctx.t("publish.col.place"),
                    ctx.t("publish.col.period"),
                    ctx.t("publish.col.old"),
                    ctx.t("publish.col.new"),
                ],
                rows,
                caption=ctx.t("publish.revised_values", count=v["revised"]),
                numeric=(3, 4),
            )
        )
    parts.append(
        html.P(
            ctx.t("publish.computed_on", date=date_label(p.computed_at, ctx.lang))
            if p.computed_at
            else ctx.t("stocktake.never_computed"),
            className="muted",
        )
    )
    return parts


def releases_table(ctx: PageContext) -> Component:
    with ctx.state.db.read() as conn:
        releases = list_releases(conn)
    if not releases:
        return html.P(ctx.t("publish.none_yet"), className="muted")
    rows = []
    for r in releases:
        v = (r.changes or {}).get("values", {})
        note = r.note or ""
        if r.is_demo:
            note = f"{note} [{ctx.t('publish.demo')}]".strip()
        rows.append(
            [
                fmt_number(r.number, 0, ctx.lang),
                date_label(r.published_at, ctx.lang),
                month_label(r.through_month, ctx.lang),
                r.publisher or MISSING,
                fmt_number(r.values, 0, ctx.lang),
                fmt_number(v.get("added", 0), 0, ctx.lang),
                fmt_number(v.get("revised", 0), 0, ctx.lang),
                note,
            ]
        )
    columns = [
        ctx.t("publish.col.number"),
        ctx.t("publish.col.published"),
        ctx.t("publish.col.through"),
        ctx.t("publish.col.by"),
        ctx.t("publish.values.total"),
        ctx.t("publish.values.added"),
        ctx.t("publish.values.revised"),
        ctx.t("publish.col.note"),
    ]
    return table(columns, rows, caption=ctx.t("publish.past_caption"), numeric=(0, 4, 5, 6))
