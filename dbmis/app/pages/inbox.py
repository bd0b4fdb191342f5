"""The Delivery Unit's inbox (``/workspace``, analysts): every submission, newest first.

Filters by district, institution, status and year live in the URL
(``/workspace?district=ALPHA&status=submitted&year=2026&page=2``), written by a plain GET form
(no callback): the page is drawn from it, so a filtered inbox is a link that can be shared.
Counts by status sit at the top; each row shows the stored validation summary and links to the
submission's review page.

Files the checks refused are not submissions (nothing of them is saved, only an audit event):
they are listed apart, under "Files not accepted lately", so the Delivery Unit can follow up
with focal points whose files keep being refused.
"""

from __future__ import annotations

from typing import Any

from dash import html
from dash.development.base_component import Component

from dbmis.app.attrs import aria
from dbmis.app.auth import REVIEWERS
from dbmis.app.context import PageContext
from dbmis.app.i18n import fmt_number
from dbmis.app.pages.review_parts import (
    SUBMISSION_STATUSES,
    card_table,
    district_name,
    filter_form,
    filter_search,
    filter_values,
    institution_name,
    section,
    select,
    status_badge,
    uploader,
    when,
)
from dbmis.ingest.review import summarise_report
from dbmis.warehouse.queries.inbox import (
    InboxFilter,
    InboxRow,
    inbox_rows,
    inbox_total,
    status_counts,
    submission_years,
)
from dbmis.warehouse.queries.portal import RejectedUpload, rejected_uploads

ROLES = REVIEWERS
PAGE_SIZE = 25
REFUSED_SHOWN = 10

INBOX_STATUSES = tuple(s for s in SUBMISSION_STATUSES if s != "rejected")
"""The statuses a submission in the inbox can have (a refused file never becomes one)."""

FORM = "review-inbox-filters-form"
SELECTS = {
    "district": "review-inbox-district",
    "institution": "review-inbox-institution",
    "status": "review-inbox-status",
    "year": "review-inbox-year",
}


def title(ctx: PageContext, **params: Any) -> str:
    return ctx.t("review.inbox.title")


# --- pieces ------------------------------------------------------------------------------------


def _counts(ctx: PageContext, counts: dict[str, int], filters: dict[str, Any]) -> Component:
    items = []
    for status in INBOX_STATUSES:
        n = counts.get(status, 0)
        current = filters.get("status") == status
        items.append(
            html.Li(
                html.A(
                    [
                        html.Strong(fmt_number(n, 0, ctx.lang), className="review-count-n"),
                        " ",
                        ctx.t(f"review.count.{status}"),
                    ],
                    href=ctx.path + filter_search(ctx.lang, {**filters, "status": status}),
                    className="review-count current" if current else "review-count",
                    **(aria(current="true") if current else {}),
                )
            )
        )
    return html.Nav(
        html.Ul(items, className="review-counts"), **aria(label=ctx.t("review.inbox.counts"))
    )


def _filters(ctx: PageContext, filters: dict[str, Any], years: list[int]) -> Component:
    cat = ctx.catalog
    any_ = ctx.t("review.filter.any")
    year = None if filters["year"] is None else str(filters["year"])
    fields = [
        select(
            SELECTS["district"],
            "district",
            ctx.t("review.filter.district"),
            [(d.code, d.name.get(ctx.lang)) for d in cat.districts],
            filters["district"],
            any_label=any_,
        ),
        select(
            SELECTS["institution"],
            "institution",
            ctx.t("review.filter.institution"),
            [(i.code, i.short.get(ctx.lang)) for i in cat.institutions],
            filters["institution"],
            any_label=any_,
        ),
        select(
            SELECTS["status"],
            "status",
            ctx.t("review.filter.status"),
            [(s, ctx.t(f"review.status.{s}")) for s in INBOX_STATUSES],
            filters["status"],
            any_label=any_,
        ),
        select(
            SELECTS["year"],
            "year",
            ctx.t("review.filter.year"),
            [(str(y), str(y)) for y in years],
            year,
            any_label=any_,
        ),
    ]
    clear = (
        [html.P(html.A(ctx.t("review.filter.clear"), href=ctx.path + filter_search(ctx.lang, {})))]
        if any(v is not None for v in filters.values())
        else []
    )
    return section(
        "review-inbox-filters",
        ctx.t("review.filter.title"),
        filter_form(ctx, FORM, fields),
        *clear,
        class_name="review-filter-box",
    )


def validation_text(ctx: PageContext, report: dict[str, Any] | None) -> str:
    s = summarise_report(report)
    if not s.known:
        return ctx.t("review.validation.unknown")
    return ctx.t(
        "review.validation.summary",
        errors=fmt_number(s.errors, 0, ctx.lang),
        warnings=fmt_number(s.warnings, 0, ctx.lang),
        outliers=fmt_number(s.outliers, 0, ctx.lang),
    )


def _row(ctx: PageContext, r: InboxRow) -> list[Any]:
    return [
        html.A(
            ctx.t("review.inbox.open", id=r.id),
            href=ctx.link(f"/submission/{r.id}"),
            className="review-open",
        ),
        district_name(ctx, r.district),
        institution_name(ctx, r.institution),
        str(r.year),
        fmt_number(r.revision, 0, ctx.lang),
        status_badge(ctx, r.status),
        html.Span(
            [uploader(ctx, r.uploader, r.uploader_name), html.Br(), when(ctx, r.uploaded_at)]
        ),
        validation_text(ctx, r.report),
    ]


def _pager(ctx: PageContext, filters: dict[str, Any], page: int, pages: int, total: int) -> Any:
    nav: list[Component] = []
    if page > 1:
        nav.append(
            html.A(
                ctx.t("pager.previous"),
                href=ctx.path + filter_search(ctx.lang, filters, page=page - 1),
                rel="prev",
            )
        )
    nav.append(
        html.Span(
            ctx.t(
                "review.pager.status",
                page=fmt_number(page),
                pages=fmt_number(pages),
                total=fmt_number(total),
            )
        )
    )
    if page < pages:
        nav.append(
            html.A(
                ctx.t("pager.next"),
                href=ctx.path + filter_search(ctx.lang, filters, page=page + 1),
                rel="next",
            )
        )
    return html.Nav(nav, className="pager", **aria(label=ctx.t("pager.label")))


def _refused(ctx: PageContext, refused: list[RejectedUpload]) -> Component | None:
    """The latest files the checks refused, everyone's (who, when, which file, how many
    problems); the audit log has each one's problem codes."""
    if not refused:
        return None
    rows = [
        [
            when(ctx, r.at),
            r.actor,
            html.Span(r.filename or "–", dir="ltr"),
            fmt_number(r.problems, 0, ctx.lang),
        ]
        for r in refused
    ]
    columns = [
        ctx.t("review.refused.col.when"),
        ctx.t("review.refused.col.by"),
        ctx.t("review.refused.col.file"),
        ctx.t("review.refused.col.problems"),
    ]
    return section(
        "review-inbox-refused",
        ctx.t("review.refused.title"),
        html.P(ctx.t("review.refused.text")),
        card_table(columns, rows, caption=ctx.t("review.refused.caption"), numeric=(3,)),
        html.P(html.A(ctx.t("review.refused.audit"), href=ctx.link("/audit"))),
    )


def layout(ctx: PageContext, **params: Any) -> Component:
    filters = filter_values(ctx)
    f = InboxFilter(**filters)
    with ctx.state.db.read() as conn:
        counts = status_counts(conn, f)
        total = inbox_total(conn, f)
        pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
        page = min(ctx.query.page, pages)
        rows = inbox_rows(conn, f, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        years = submission_years(conn)
        # a refused file's district and year are not known for sure: listed without filters only
        plain = all(v is None for v in filters.values())
        refused = rejected_uploads(conn, limit=REFUSED_SHOWN) if plain else []
    if filters["year"] is not None and filters["year"] not in years:
        years = sorted({*years, filters["year"]}, reverse=True)
    columns = [
        ctx.t("review.col.submission"),
        ctx.t("review.col.district"),
        ctx.t("review.col.institution"),
        ctx.t("review.col.year"),
        ctx.t("review.col.revision"),
        ctx.t("review.col.status"),
        ctx.t("review.col.uploaded"),
        ctx.t("review.col.validation"),
    ]
    results = section(
        "review-inbox-results",
        ctx.t("review.inbox.results"),
        card_table(
            columns,
            [_row(ctx, r) for r in rows],
            caption=(
                ctx.t("review.inbox.caption_one")
                if total == 1
                else ctx.t("review.inbox.caption", total=fmt_number(total))
            ),
            numeric=(4,),
        )
        if rows
        else html.P(ctx.t("review.inbox.empty"), className="notice"),
        _pager(ctx, filters, page, pages, total),
    )
    return html.Div(
        [
            html.H1(ctx.t("review.inbox.title")),
            html.P(ctx.t("review.inbox.intro")),
            _counts(ctx, counts, filters),
            _filters(ctx, filters, years),
            results,
            _refused(ctx, refused),
            html.P(
                [
                    html.A(ctx.t("review.quality.link"), href=ctx.link("/workspace/quality")),
                    " · ",
                    html.A(ctx.t("plan.link.tracker"), href=ctx.link("/workspace/plan")),
                ],
                className="review-more",
            ),
        ],
        className="review-page review-inbox",
    )
