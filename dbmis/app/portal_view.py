"""What the focal point portal draws, as plain functions of their data (no database, no
request): the submissions with their history, and the pieces the result of an upload check
(:mod:`dbmis.app.portal_result`) shares with them.

Every table has a caption and column headers; statuses are told by a word and a symbol, never
by colour alone; cells such as ``Data!F12`` and numbers stay left-to-right inside Urdu text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from urllib.parse import quote

from dash import html
from dash.development.base_component import Component

from dbmis.app.attrs import aria
from dbmis.app.context import PageContext
from dbmis.app.i18n import MISSING, date_label, fmt_number, ltr, month_label
from dbmis.warehouse.queries.portal import KeyHistory, RejectedUpload, Revision

STATUS_SYMBOLS: dict[str, str] = {
    "submitted": "…",
    "approved": "✓",
    "returned": "↩",
    "superseded": "○",
    "rejected": "✗",
}


def annotated_href(sha256: str) -> str:
    return f"/portal/annotated/{quote(sha256)}.xlsx"


def submission_href(ctx: PageContext, submission_id: int) -> str:
    return ctx.link(f"/submission/{submission_id}")


def when(ctx: PageContext, value: datetime | None) -> str:
    """``15 April 2026, 08:00 UTC`` (times are stored in UTC)."""
    if value is None:
        return MISSING
    return ctx.t(
        "portal.time", date=date_label(value, ctx.lang), time=ltr(f"{value:%H:%M}", ctx.lang)
    )


def status_badge(ctx: PageContext, status: str) -> Component:
    return html.Span(
        [
            html.Span(
                STATUS_SYMBOLS.get(status, "?"), className="portal-symbol", **aria(hidden="true")
            ),
            " ",
            ctx.t(f"portal.status.{status}"),
        ],
        className=f"portal-status portal-status-{status}",
    )


def names(ctx: PageContext, district: str, institution: str) -> tuple[str, str]:
    """The district's name and the institution's short name in the page's language."""
    d = ctx.catalog.district_by_code.get(district)
    i = ctx.catalog.institution_by_code.get(institution)
    return (
        d.name.get(ctx.lang) if d else district,
        i.short.get(ctx.lang) if i else institution,
    )


def place(ctx: PageContext, district: str, institution: str) -> str:
    return " · ".join(names(ctx, district, institution))


def table(
    caption: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    class_name: str,
    *,
    caption_shown: bool = True,
) -> Component:
    """A table with a caption and column headers; the first cell of a row is its header. On a
    phone each row shows as a card, each cell with its column's name (``data-label``); the
    explicit roles keep it a table for screen readers whatever the layout. Where a heading
    right above already names the table, ``caption_shown=False`` keeps the caption for
    screen readers only."""
    head = html.Thead(
        html.Tr([html.Th(c, scope="col", role="columnheader") for c in columns], role="row"),
        role="rowgroup",
    )
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Th(v, scope="row", role="rowheader", **{"data-label": columns[i]})  # type: ignore[arg-type]
                    if i == 0
                    else html.Td(v, role="cell", **{"data-label": columns[i]})  # type: ignore[arg-type]
                    for i, v in enumerate(row)
                ],
                role="row",
            )
            for row in rows
        ],
        role="rowgroup",
    )
    return html.Div(
        html.Table(
            [
                html.Caption(caption, className=None if caption_shown else "visually-hidden"),
                head,
                body,
            ],
            className=f"data-table portal-stack {class_name}",
            role="table",
        ),
        className="table-wrap",
        tabIndex="0",
        role="region",
        **aria(label=caption),
    )


# --- submissions and their history --------------------------------------------------------------


def _months(ctx: PageContext, rev: Revision) -> str:
    if rev.first_month is None or rev.last_month is None:
        return ctx.t("portal.months.none")
    first, last = month_label(rev.first_month, ctx.lang), month_label(rev.last_month, ctx.lang)
    return first if first == last else f"{first} – {last}"


def _returned_box(ctx: PageContext, rev: Revision) -> Component:
    return html.Div(
        [
            html.P(
                html.Strong(
                    ctx.t("portal.returned.title", date=date_label(rev.reviewed_at, ctx.lang))
                    if rev.reviewed_at
                    else ctx.t("portal.status.returned")
                )
            ),
            html.P(
                [
                    html.Strong(ctx.t("portal.returned.reason")),
                    " ",
                    html.Span(rev.review_reason or MISSING, dir="auto", className="portal-reason"),
                ]
            ),
            html.P(ctx.t("portal.returned.next")),
        ],
        className="portal-returned",
        role="note",
    )


def key_view(ctx: PageContext, key: KeyHistory, *, show_uploader: bool) -> Component:
    """One district x institution x year: its status now, the Delivery Unit's reason if it was
    returned, and every revision."""
    latest = key.latest
    district, institution = names(ctx, key.district, key.institution)
    year = ltr(str(key.year), ctx.lang)
    title = ctx.t("portal.key.title", district=district, institution=institution, year=year)
    heading_id = f"portal-key-{key.district}-{key.institution}-{key.year}".lower()
    columns = [
        ctx.t("portal.col.revision"),
        ctx.t("portal.col.status"),
        ctx.t("portal.col.months"),
        ctx.t("portal.col.uploaded"),
        *([ctx.t("portal.col.by")] if show_uploader else []),
        ctx.t("portal.col.reviewed"),
        ctx.t("portal.col.note"),
        ctx.t("portal.col.details"),
    ]
    rows = [
        [
            ltr(str(rev.revision), ctx.lang),
            status_badge(ctx, rev.status),
            _months(ctx, rev),
            when(ctx, rev.uploaded_at),
            *([rev.uploaded_by or MISSING] if show_uploader else []),
            when(ctx, rev.reviewed_at),
            # the reason stays in the history once the revision is superseded; its language is
            # the reviewer's, so its direction is the text's own
            html.Span(rev.review_reason, dir="auto") if rev.review_reason else MISSING,
            html.A(
                ctx.t("portal.open", id=ltr(str(rev.id), ctx.lang)),
                href=submission_href(ctx, rev.id),
            ),
        ]
        for rev in key.revisions
    ]
    caption = ctx.t("portal.history.caption", district=district, institution=institution, year=year)
    parts: list[Component] = [
        html.H3([title, " ", status_badge(ctx, latest.status)], id=heading_id),
    ]
    if latest.status == "returned":
        parts.append(_returned_box(ctx, latest))
    parts.append(table(caption, columns, rows, "portal-history"))
    return html.Section(parts, className="portal-key", **aria(labelledby=heading_id))


def rejected_view(ctx: PageContext, rejected: Sequence[RejectedUpload]) -> Component | None:
    """The latest files that were not accepted, with a link to their marked copy."""
    if not rejected:
        return None
    rows = [
        [
            when(ctx, r.at),
            html.Span(r.filename or MISSING, dir="ltr"),
            fmt_number(r.problems, 0, ctx.lang),
            html.A(ctx.t("portal.rejected.copy"), href=annotated_href(r.sha256), download="")
            if r.annotated
            else MISSING,
        ]
        for r in rejected
    ]
    columns = [
        ctx.t(k)
        for k in ("portal.col.when", "portal.col.file", "portal.col.problems", "portal.col.copy")
    ]
    return html.Section(
        [
            html.H3(ctx.t("portal.rejected.title"), id="portal-rejected-title"),
            html.P(ctx.t("portal.rejected.text")),
            table(
                ctx.t("portal.rejected.title"),
                columns,
                rows,
                "portal-rejected",
                caption_shown=False,
            ),
        ],
        className="portal-rejected-uploads",
        **aria(labelledby="portal-rejected-title"),
    )


def submissions_view(
    ctx: PageContext,
    keys: Sequence[KeyHistory],
    rejected: Sequence[RejectedUpload],
    *,
    show_uploader: bool,
) -> list[Component]:
    """The submissions, one section per key (newest upload first), then the rejected files."""
    parts: list[Component] = [key_view(ctx, k, show_uploader=show_uploader) for k in keys]
    if not keys:
        parts.append(html.P(ctx.t("portal.mine.none"), className="notice"))
    extra = rejected_view(ctx, rejected)
    if extra is not None:
        parts.append(extra)
    return parts
