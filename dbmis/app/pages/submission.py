"""One submission (``/submission/<id>``): what a reviewer needs to approve or return it.

Focal points and analysts may open the page; a focal point sees only the submissions of their
own district x institution (:meth:`Account.may_see_submission`), anything else gets the
refusal. The page shows the summary (key, revision, status, who and when, the file's SHA-256,
the template version), the validation issues with their cells, what changed against the
previous revision of the same district x institution x year, the history of revisions with
the reviewers' reasons, and (for analysts) the audit events of this submission.

Analysts approve, return (a reason is required) or un-approve (a reason is required) with the
buttons of the review panel: one callback (:func:`act`, analysts only in ``CALLBACK_ROLES``;
it checks the caller's role again) calls :mod:`dbmis.ingest.workflow` on the revision named in
the URL, as the signed-in reviewer, and redraws the page with the outcome. A refused act
(approving a revision a newer upload superseded, a missing reason) says why and changes
nothing. A focal point whose submission was returned sees the reason first, with a link to
the portal to upload a corrected file.
"""

from __future__ import annotations

import re
from typing import Any

from dash import Input, Output, State, callback_context, dcc, html
from dash.development.base_component import Component
from dash.exceptions import PreventUpdate

from dbmis.app.attrs import aria
from dbmis.app.auth import AUDIT_READERS, REVIEWERS, UPLOADERS, Account, current_account, output_key
from dbmis.app.context import AppState, PageContext, PageQuery
from dbmis.app.i18n import fmt_number
from dbmis.app.pages import submission_view as view
from dbmis.app.pages.review_parts import when
from dbmis.errors import DbmisError, NotFoundError
from dbmis.ingest import workflow

ROLES = UPLOADERS

CONTENT = "review-sub-content"
REASON = "review-sub-reason"
APPROVE = "review-sub-approve"
RETURN = "review-sub-return"
UNAPPROVE = "review-sub-unapprove"
ACTIONS = (APPROVE, RETURN, UNAPPROVE)
REASON_MAX = 2000

CALLBACK_ROLES = {output_key(Output(CONTENT, "children")): REVIEWERS}

_PATH = re.compile(r"/submission/(?P<id>[1-9][0-9]{0,11})/?")


def title(ctx: PageContext, **params: Any) -> str:
    return ctx.t("review.sub.title", id=params.get("id", ""))


# --- the page ----------------------------------------------------------------------------------


def _message(ctx: PageContext, ok: bool, text: str) -> Component:
    return html.Div(
        [html.Strong(ctx.t("review.act.done" if ok else "review.act.failed")), " ", text],
        className="review-message review-message-ok"
        if ok
        else "review-message review-message-error",
        role="status" if ok else "alert",
        id="review-sub-message",
    )


def _returned_notice(ctx: PageContext, facts: view.SubmissionFacts) -> Component:
    sub = facts.sub
    return html.Div(
        [
            html.H2(ctx.t("review.fp.returned_title"), id="review-fp-returned"),
            html.P(ctx.t("review.fp.returned_when", at=when(ctx, sub.reviewed_at))),
            html.Blockquote(sub.review_reason or "–", className="review-reason", dir="auto"),
            html.P(
                html.A(ctx.t("review.fp.resubmit"), href=ctx.link("/portal"), className="button")
            ),
        ],
        className="review-returned",
        role="region",
        **aria(labelledby="review-fp-returned"),
    )


def _current_id(facts: view.SubmissionFacts) -> int | None:
    return next((h.id for h in facts.history if h.is_current), None)


def _panel(ctx: PageContext, facts: view.SubmissionFacts, reason: str) -> Component:
    """The analyst's review panel: what can be done with this revision now."""
    sub = facts.sub
    notes: list[Component] = []
    buttons: list[Component] = []
    if sub.is_current and sub.status == "submitted":
        notes.append(html.P(ctx.t("review.act.help_submitted")))
        buttons = [
            html.Button(ctx.t("review.act.approve"), id=APPROVE, className="button review-approve"),
            html.Button(ctx.t("review.act.return"), id=RETURN, className="button review-return"),
        ]
    elif sub.is_current and sub.status == "approved":
        notes.append(html.P(ctx.t("review.act.help_approved")))
        buttons = [
            html.Button(
                ctx.t("review.act.unapprove"), id=UNAPPROVE, className="button review-return"
            )
        ]
    elif sub.status == "returned":
        notes.append(html.P(ctx.t("review.act.help_returned")))
    elif sub.status == "rejected":
        notes.append(html.P(ctx.t("review.act.help_rejected")))
    else:
        current = _current_id(facts)
        notes.append(
            html.P(
                [
                    ctx.t("review.act.help_superseded"),
                    " ",
                    html.A(
                        ctx.t("review.act.open_current"),
                        href=ctx.link(f"/submission/{current}"),
                    ),
                ]
                if current is not None
                else ctx.t("review.act.help_superseded")
            )
        )
    form: list[Component] = []
    if buttons:
        form = [
            html.Label(ctx.t("review.act.reason"), htmlFor=REASON, className="review-label"),
            html.P(ctx.t("review.act.reason_help"), id=f"{REASON}-help", className="review-hint"),
            dcc.Textarea(
                id=REASON,
                value=reason,
                maxLength=REASON_MAX,
                rows=3,
                className="review-textarea",
            ),
            html.Div(buttons, className="review-buttons"),
        ]
    return view.section("review-sub-act", ctx.t("review.act.title"), *notes, *form)


def content(
    ctx: PageContext, submission_id: int, message: Component | None = None, reason: str = ""
) -> Component:
    """The page's content for this account (the callback's output as well)."""
    account = ctx.account
    if account is None or account.role not in UPLOADERS:
        return _refused(ctx)
    try:
        facts = view.read_facts(ctx, submission_id, with_events=account.role in AUDIT_READERS)
    except NotFoundError:
        return html.Div(
            [
                html.H1(ctx.t("review.sub.not_found_title")),
                html.P(ctx.t("review.sub.not_found", id=submission_id)),
            ],
            role="alert",
        )
    d = facts.detail
    if not account.may_see_submission(d.district, d.institution):
        return _refused(ctx)
    parts: list[Component] = [html.H1(view.heading(ctx, facts))]
    if message is not None:
        parts.append(message)
    analyst = account.role in REVIEWERS
    if facts.sub.status == "returned" and not analyst:
        parts.append(_returned_notice(ctx, facts))
    parts.append(view.summary(ctx, facts))
    if analyst:
        parts.append(_panel(ctx, facts, reason))
    parts += [view.issues(ctx, facts), view.changes(ctx, facts), view.history(ctx, facts)]
    if account.role in AUDIT_READERS:
        parts.append(view.audit(ctx, facts))
    back = "/workspace" if analyst else "/portal"
    parts.append(
        html.P(
            html.A(
                ctx.t(f"review.sub.back_{'inbox' if analyst else 'portal'}"), href=ctx.link(back)
            )
        )
    )
    return html.Div(parts)


def _refused(ctx: PageContext) -> Component:
    return html.Div(
        [html.H1(ctx.t("review.sub.refused_title")), html.P(ctx.t("review.sub.refused"))],
        role="alert",
    )


def layout(ctx: PageContext, **params: Any) -> Component:
    submission_id = int(params["id"])
    return html.Div(
        content(ctx, submission_id), id=CONTENT, className="review-page review-submission"
    )


# --- the review acts ---------------------------------------------------------------------------


def _error_text(ctx: PageContext, exc: DbmisError) -> str:
    if exc.code == "REASON_REQUIRED":
        return ctx.t("review.act.reason_required")
    return ctx.t("review.act.refused", detail=exc.message)


def act(
    state: AppState,
    action: str | None,
    reason: str | None,
    pathname: str | None,
    search: str | None,
    account: Account | None,
) -> Component:
    """Approve, return or un-approve the submission of ``pathname`` as ``account``; the page's
    new content, with the outcome. Only analysts may act (checked here again)."""
    match = _PATH.fullmatch(pathname or "")
    if match is None or action not in ACTIONS:
        raise PreventUpdate
    submission_id = int(match["id"])
    ctx = PageContext(
        state=state,
        path=pathname or "/",
        query=PageQuery.parse(search, state.catalog),
        account=account,
        search=search or "",
    )
    if account is None or account.role not in REVIEWERS:
        return _refused(ctx)
    text = (reason or "").strip()
    if len(text) > REASON_MAX:
        failed = _message(ctx, False, ctx.t("review.act.reason_long", n=fmt_number(REASON_MAX)))
        return content(ctx, submission_id, failed, text)
    try:
        with state.db.read() as conn:
            who = workflow.reviewer_for(conn, account.username)
        if action == APPROVE:
            workflow.approve(db=state.db, submission_ids=[submission_id], reviewer=who.username,
                             reviewer_id=who.user_id)  # fmt: skip
            done = ctx.t("review.act.approved")
        elif action == RETURN:
            workflow.return_submission(state.db, submission_id, reason=text,
                                       reviewer=who.username, reviewer_id=who.user_id)  # fmt: skip
            done = ctx.t("review.act.returned")
        else:
            workflow.unapprove(state.db, submission_id, reason=text, reviewer=who.username,
                               reviewer_id=who.user_id)  # fmt: skip
            done = ctx.t("review.act.unapproved")
    except DbmisError as exc:
        return content(ctx, submission_id, _message(ctx, False, _error_text(ctx, exc)), text)
    return content(ctx, submission_id, _message(ctx, True, done))


def register(app: Any, state: AppState) -> None:
    @app.callback(  # type: ignore[untyped-decorator]
        Output(CONTENT, "children"),
        *[Input(a, "n_clicks", allow_optional=True) for a in ACTIONS],
        State(REASON, "value", allow_optional=True),
        State("url", "pathname"),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def review(*args: Any) -> Component:
        reason, pathname, search = args[-3:]
        if not any(args[: len(ACTIONS)]):
            raise PreventUpdate
        action = callback_context.triggered_id
        return act(state, action, reason, pathname, search, current_account())
