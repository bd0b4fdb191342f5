"""The sections of a submission's page (see :mod:`dbmis.app.pages.submission`): summary,
validation issues, what changed against the previous revision, history and audit events.
Plain functions of a :class:`SubmissionFacts` read once per drawing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dash import html
from dash.development.base_component import Component

from dbmis.app.context import PageContext
from dbmis.app.i18n import fmt_number, ltr, month_label
from dbmis.app.pages.review_parts import (
    card_table,
    district_name,
    figure,
    free_text,
    indicator_name,
    institution_name,
    person,
    section,
    status_badge,
    uploader,
    when,
)
from dbmis.app.portal_result import issue_help, issue_title
from dbmis.ingest.review import Change, diff_counts, diff_values, report_issues, summarise_report
from dbmis.periods import parse_period
from dbmis.warehouse.queries.audit import AuditEvent, list_events
from dbmis.warehouse.queries.inbox import (
    RevisionRow,
    SubmissionDetail,
    key_revisions,
    previous_revision,
    revision_values,
    submission_detail,
)
from dbmis.warehouse.queries.submissions import Submission

AUDIT_LIMIT = 200


@dataclass(frozen=True)
class SubmissionFacts:
    detail: SubmissionDetail
    history: list[RevisionRow]
    previous: Submission | None
    changes: list[Change]
    events: list[AuditEvent]

    @property
    def sub(self) -> Submission:
        return self.detail.submission


def read_facts(ctx: PageContext, submission_id: int, *, with_events: bool) -> SubmissionFacts:
    """Everything the page shows, in one read transaction (NotFoundError for an unknown id)."""
    order = [i.code for i in ctx.catalog.indicators]
    with ctx.state.db.read() as conn:
        detail = submission_detail(conn, submission_id)
        sub = detail.submission
        history = key_revisions(conn, sub)
        previous = previous_revision(conn, sub)
        changes = (
            diff_values(
                revision_values(conn, previous.id),
                revision_values(conn, sub.id),
                indicator_order=order,
            )
            if previous is not None
            else []
        )
        events = (
            list_events(conn, entity="submission", entity_id=sub.id, limit=AUDIT_LIMIT)
            if with_events
            else []
        )
    return SubmissionFacts(detail, history, previous, changes, events)


def heading(ctx: PageContext, facts: SubmissionFacts) -> str:
    d = facts.detail
    return ctx.t(
        "review.sub.heading",
        id=facts.sub.id,
        district=district_name(ctx, d.district),
        institution=institution_name(ctx, d.institution),
        year=facts.sub.year,
    )


def _fact(term: str, *value: Any) -> list[Component]:
    return [html.Dt(term), html.Dd(list(value))]


def summary(ctx: PageContext, facts: SubmissionFacts) -> Component:
    sub, d = facts.sub, facts.detail
    template = (sub.report or {}).get("template")
    version = template.get("version") if isinstance(template, dict) else None
    items = [
        *_fact(ctx.t("review.col.district"), district_name(ctx, d.district)),
        *_fact(ctx.t("review.col.institution"), institution_name(ctx, d.institution)),
        *_fact(ctx.t("review.col.year"), str(sub.year)),
        *_fact(
            ctx.t("review.col.revision"),
            fmt_number(sub.revision, 0, ctx.lang),
            " ",
            ctx.t("review.sub.current") if sub.is_current else ctx.t("review.sub.not_current"),
        ),
        *_fact(ctx.t("review.col.status"), status_badge(ctx, sub.status)),
        *_fact(ctx.t("review.sub.uploaded_by"), uploader(ctx, d.uploader, d.uploader_name)),
        *_fact(ctx.t("review.sub.uploaded_at"), when(ctx, sub.uploaded_at)),
        *_fact(ctx.t("review.sub.file"), ltr(f"{sub.filename} ({sub.source_kind})", ctx.lang)),
        *_fact(ctx.t("review.sub.sha256"), html.Code(sub.sha256, className="review-hash")),
        *_fact(
            ctx.t("review.sub.template"),
            ltr(str(version), ctx.lang) if version else ctx.t("review.sub.template_unknown"),
        ),
    ]
    if sub.reviewed_at is not None:
        who = [person(d.reviewer, d.reviewer_name), ", "] if d.reviewer else []
        items += _fact(ctx.t("review.sub.reviewed"), *who, when(ctx, sub.reviewed_at))
    if sub.approved_at is not None:
        items += _fact(ctx.t("review.sub.approved_at"), when(ctx, sub.approved_at))
    if sub.review_reason:
        items += _fact(ctx.t("review.sub.reason"), free_text(sub.review_reason))
    if sub.is_demo:
        items += _fact(ctx.t("review.sub.demo"), ctx.t("review.sub.demo_text"))
    return section(
        "review-sub-summary", ctx.t("review.sub.summary"), html.Dl(items, className="facts")
    )


def _month(ctx: PageContext, period: str | None) -> str:
    if not period:
        return "–"
    try:
        return month_label(parse_period(period).first, ctx.lang)
    except ValueError:
        return period


def issues(ctx: PageContext, facts: SubmissionFacts) -> Component:
    s = summarise_report(facts.sub.report)
    found = report_issues(facts.sub.report)
    if not s.known:
        body: list[Any] = [html.P(ctx.t("review.validation.unknown"))]
    else:
        body = [
            html.P(
                ctx.t(
                    "review.validation.summary",
                    errors=fmt_number(s.errors, 0, ctx.lang),
                    warnings=fmt_number(s.warnings, 0, ctx.lang),
                    outliers=fmt_number(s.outliers, 0, ctx.lang),
                )
            )
        ]
        if s.errors + s.warnings > len(found):
            body.append(html.P(ctx.t("review.validation.kept", n=fmt_number(len(found)))))
    if found:
        rows = [
            [
                ltr(i.cell or "–", ctx.lang),
                ctx.t(f"review.severity.{i.severity.value}"),
                i.code,
                issue_title(ctx, i),
                indicator_name(ctx, i.indicator),
                _month(ctx, i.period),
                ltr(i.value, ctx.lang) if i.value is not None else "–",
                issue_help(ctx, i),
            ]
            for i in found
        ]
        body.append(
            card_table(
                [
                    ctx.t("review.col.cell"),
                    ctx.t("review.col.severity"),
                    ctx.t("review.col.code"),
                    ctx.t("issue.col.problem"),
                    ctx.t("review.col.indicator"),
                    ctx.t("review.col.month"),
                    ctx.t("review.col.value"),
                    ctx.t("review.col.message"),
                ],
                rows,
                caption=ctx.t("review.validation.caption"),
            )
        )
    return section("review-sub-issues", ctx.t("review.validation.title"), *body)


def _change_row(ctx: PageContext, c: Change) -> list[Any]:
    diff = c.difference
    shown = "–" if diff is None else (("+" if diff > 0 else "") + figure(diff, ctx.lang))
    return [
        indicator_name(ctx, c.indicator),
        month_label(c.month, ctx.lang),
        figure(c.old, ctx.lang),
        figure(c.new, ctx.lang),
        ltr(shown, ctx.lang) if diff is not None else shown,
        ctx.t(f"review.change.{c.kind.value}"),
    ]


def changes(ctx: PageContext, facts: SubmissionFacts) -> Component:
    prev = facts.previous
    if prev is None:
        body: list[Any] = [html.P(ctx.t("review.diff.first"))]
    else:
        counts = diff_counts(facts.changes)
        intro = ctx.t(
            "review.diff.against",
            revision=fmt_number(prev.revision, 0, ctx.lang),
            changed=fmt_number(counts.changed),
            added=fmt_number(counts.added),
            removed=fmt_number(counts.removed),
        )
        body = [
            html.P(
                [
                    intro,
                    " ",
                    html.A(
                        ctx.t("review.diff.open_previous"),
                        href=ctx.link(f"/submission/{prev.id}"),
                    ),
                ]
            )
        ]
        if facts.changes:
            body.append(
                card_table(
                    [
                        ctx.t("review.col.indicator"),
                        ctx.t("review.col.month"),
                        ctx.t("review.col.old"),
                        ctx.t("review.col.new"),
                        ctx.t("review.col.difference"),
                        ctx.t("review.col.change"),
                    ],
                    [_change_row(ctx, c) for c in facts.changes],
                    caption=ctx.t("review.diff.caption"),
                    numeric=(2, 3, 4),
                )
            )
        else:
            body.append(html.P(ctx.t("review.diff.same")))
    return section("review-sub-diff", ctx.t("review.diff.title"), *body)


def history(ctx: PageContext, facts: SubmissionFacts) -> Component:
    rows = []
    for h in facts.history:
        label = ctx.t("review.sub.revision_n", n=fmt_number(h.revision, 0, ctx.lang))
        this = h.id == facts.sub.id
        reviewed: list[Any] = [person(h.reviewer), html.Br()] if h.reviewer else []
        rows.append(
            [
                html.Strong([label, " ", ctx.t("review.sub.this")])
                if this
                else html.A(label, href=ctx.link(f"/submission/{h.id}")),
                status_badge(ctx, h.status),
                html.Span([uploader(ctx, h.uploader), html.Br(), when(ctx, h.uploaded_at)]),
                html.Span([*reviewed, when(ctx, h.reviewed_at)]) if h.reviewed_at else "–",
                free_text(h.review_reason) if h.review_reason else "–",
            ]
        )
    return section(
        "review-sub-history",
        ctx.t("review.history.title"),
        card_table(
            [
                ctx.t("review.col.revision"),
                ctx.t("review.col.status"),
                ctx.t("review.col.uploaded"),
                ctx.t("review.col.reviewed"),
                ctx.t("review.col.reason"),
            ],
            rows,
            caption=ctx.t("review.history.caption"),
        ),
    )


def _event_detail(ctx: PageContext, e: AuditEvent) -> str:
    detail = e.detail or {}
    parts = []
    if "before" in detail and "after" in detail:
        parts.append(f"{detail['before']} → {detail['after']}")
    if detail.get("reason"):
        parts.append(ctx.t("review.audit.reason", reason=detail["reason"]))
    if "values" in detail:
        parts.append(ctx.t("review.audit.values", n=fmt_number(detail["values"])))
    if detail.get("falls_back_to") is not None:
        parts.append(ctx.t("review.audit.fallback", revision=detail["falls_back_to"]))
    return "; ".join(parts) or "–"


def audit(ctx: PageContext, facts: SubmissionFacts) -> Component:
    rows = [
        [
            when(ctx, e.at),
            e.actor,
            html.Code(e.action),
            _event_detail(ctx, e),
            html.Code(e.sha256[:12] + "…", title=e.sha256) if e.sha256 else "–",
        ]
        for e in facts.events
    ]
    return section(
        "review-sub-audit",
        ctx.t("review.audit.title"),
        card_table(
            [
                ctx.t("review.col.when"),
                ctx.t("review.col.who"),
                ctx.t("review.col.action"),
                ctx.t("review.col.detail"),
                ctx.t("review.col.hash"),
            ],
            rows,
            caption=ctx.t("review.audit.caption"),
        )
        if rows
        else html.P(ctx.t("review.audit.none")),
    )
