"""The result of an upload check, drawn at once: a summary (accepted or not, the counts, the
submission and its revision), the downloads, then every issue with its sheet and cell."""

from __future__ import annotations

from collections.abc import Sequence

from dash import html
from dash.development.base_component import Component

from dbmis.app.attrs import aria
from dbmis.app.context import PageContext
from dbmis.app.i18n import MISSING, fmt_number, ltr, period_label
from dbmis.app.i18n.areas.issue_codes import issue_text
from dbmis.app.portal_service import UploadOutcome
from dbmis.app.portal_view import annotated_href, place, submission_href, table
from dbmis.ingest.result import Issue, Severity

SEVERITY_SYMBOLS: dict[Severity, str] = {Severity.error: "✗", Severity.warning: "▲"}


def result_view(ctx: PageContext, outcome: UploadOutcome) -> Component:
    """The summary of a check, then every issue with its cell, then the downloads."""
    if outcome.result is None:
        text = ctx.t(outcome.message_key or "portal.error.unreadable", **outcome.message_values)
        return html.Div(
            [html.P(ctx.t("portal.result.file", name=outcome.filename)), html.P(text)],
            className="portal-result portal-result-problem",
        )
    result = outcome.result
    if result.ok:
        head = ctx.t("portal.result.duplicate" if result.duplicate else "portal.result.accepted")
        kind = "accepted"
    else:
        head = ctx.t("portal.result.rejected")
        kind = "rejected"
    parts: list[Component] = [
        html.H3(
            [html.Span("✓" if result.ok else "✗", **aria(hidden="true")), " ", head],
            className="portal-result-head",
        ),
        html.P(ctx.t("portal.result.file", name=outcome.filename)),
    ]
    if result.ok and result.submission_id is not None and outcome.key is not None:
        district, institution, year = outcome.key
        parts.append(
            html.P(
                ctx.t(
                    "portal.result.submission",
                    id=ltr(str(result.submission_id), ctx.lang),
                    revision=ltr(str(outcome.revision or MISSING), ctx.lang),
                    place=place(ctx, district, institution),
                    year=ltr(str(year), ctx.lang),
                )
            )
        )
    elif not result.ok:
        parts.append(html.P(ctx.t("portal.result.fix")))
    parts.append(_counts(ctx, result.counts, result.issues))
    links: list[Component] = []
    if outcome.annotated:
        links.append(
            html.A(
                ctx.t("portal.result.annotated"),
                href=annotated_href(outcome.annotated),
                className="portal-button portal-annotated",
                download="",
            )
        )
    if result.ok and result.submission_id is not None:
        links.append(
            html.A(
                ctx.t("portal.result.open", id=ltr(str(result.submission_id), ctx.lang)),
                href=submission_href(ctx, result.submission_id),
                className="portal-link",
            )
        )
    if links:
        parts.append(html.P(links, className="portal-actions"))
    parts.append(issues_view(ctx, result.issues))
    return html.Div(parts, className=f"portal-result portal-result-{kind}")


def _counts(ctx: PageContext, counts: dict[str, int], issues: Sequence[Issue]) -> Component:
    errors = counts.get("errors", sum(1 for i in issues if i.severity is Severity.error))
    warnings = counts.get("warnings", sum(1 for i in issues if i.severity is Severity.warning))
    items = (
        ("portal.result.figures", counts.get("values", 0)),
        ("portal.result.not_reported", counts.get("not_reported", 0)),
        *((("portal.result.not_due", counts["not_due"]),) if counts.get("not_due") else ()),
        ("portal.result.errors", errors),
        ("portal.result.warnings", warnings),
    )
    return html.Dl(
        [
            part
            for key, n in items
            for part in (html.Dt(ctx.t(key)), html.Dd(fmt_number(n, 0, ctx.lang), className="num"))
        ],
        className="portal-counts",
    )


def _period(ctx: PageContext, value: str | None) -> str:
    if not value:
        return MISSING
    return period_label(value, ctx.lang, ctx.catalog.roadmap.fiscal_year_start_month)


def _indicator(ctx: PageContext, code: str | None) -> str:
    if not code:
        return MISSING
    ind = ctx.catalog.indicator_by_code.get(code)
    return ind.name.get(ctx.lang) if ind else code


def issue_title(ctx: PageContext, issue: Issue) -> str:
    """The problem in a few words, in the page's language (the code if it is undocumented)."""
    text = issue_text(issue.code, ctx.lang)
    return text.title if text else issue.code


def issue_help(ctx: PageContext, issue: Issue) -> Component:
    """What to do. In English: the issue's own message (it says where, what and how to fix
    it). In Urdu: what to do for its code, then the English message as the detail, in a
    left-to-right block of its own inside the right-to-left page."""
    text = issue_text(issue.code, ctx.lang)
    if ctx.lang == "en" or text is None:
        return html.Span(issue.message, lang="en", dir="ltr", className="issue-message")
    return html.Div(
        [
            html.P(text.fix, className="issue-fix"),
            html.Div(
                [
                    html.Span(ctx.t("issue.detail")),
                    html.Span(
                        issue.message,
                        lang="en",
                        dir="ltr",
                        className="issue-message",
                    ),
                ],
                className="issue-detail muted",
            ),
        ],
        className="issue-help",
    )


def issues_view(ctx: PageContext, issues: Sequence[Issue]) -> Component:
    """Every issue: its type, its cell, the indicator and month, the value, the problem and
    what to do about it."""
    if not issues:
        return html.P(ctx.t("portal.result.no_issues"))
    ordered = sorted(issues, key=lambda i: i.severity is not Severity.error)
    rows = [
        [
            html.Span(
                [
                    html.Span(SEVERITY_SYMBOLS[i.severity], **aria(hidden="true")),
                    " ",
                    ctx.t(f"portal.severity.{i.severity.value}"),
                ],
                className=f"portal-severity portal-severity-{i.severity.value}",
            ),
            html.Span(i.cell or i.sheet or MISSING, className="portal-cell", dir="ltr"),
            _indicator(ctx, i.indicator),
            _period(ctx, i.period),
            html.Span(i.value, dir="ltr") if i.value not in (None, "") else MISSING,
            html.Strong(issue_title(ctx, i), className="issue-title"),
            issue_help(ctx, i),
        ]
        for i in ordered
    ]
    columns = [
        ctx.t(k)
        for k in (
            "portal.issue.severity",
            "portal.issue.cell",
            "portal.issue.indicator",
            "portal.issue.period",
            "portal.issue.value",
            "issue.col.problem",
            "portal.issue.message",
        )
    ]
    caption = ctx.t("portal.result.issues", count=ltr(str(len(issues)), ctx.lang))
    parts: list[Component] = [table(caption, columns, rows, "portal-issues")]
    if ctx.lang != "en":
        parts.insert(0, html.P(ctx.t("issue.note"), className="muted"))
    return html.Div(parts)
