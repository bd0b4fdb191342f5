"""A submission's page (``/submission/<id>``) drawn as a plain function, and the review acts
(:func:`dbmis.app.pages.submission.act`) called as the callback calls them (SQLite and
PostgreSQL)."""

from __future__ import annotations

import pytest

from dbmis.app.auth import ANALYST, FOCAL_POINT, STEERING
from dbmis.app.context import AppState, PageContext, PageQuery
from dbmis.app.pages import submission
from dbmis.warehouse.queries.audit import list_events
from dbmis.warehouse.queries.submissions import Submission, get_submission
from tests.app.review_data import (
    RETURN_REASON,
    Story,
    account,
    by_id,
    links,
    review_story,
    text_of,
    walk,
)


@pytest.fixture
def story(state: AppState) -> Story:
    return review_story(state.db)


def _analyst(story: Story):
    return account(ANALYST, "ana.lyst", user_id=story.analyst_id)


def _focal(district: str = "ALPHA", institution: str = "PROSECUTION"):
    return account(FOCAL_POINT, "fp", districts=(district,), institutions=(institution,))


def _page(state: AppState, sid: int, who, search: str = "") -> object:
    ctx = PageContext(
        state=state,
        path=f"/submission/{sid}",
        query=PageQuery.parse(search, state.catalog),
        account=who,
        search=search,
    )
    return submission.layout(ctx, id=str(sid))


def _sub(state: AppState, sid: int) -> Submission:
    with state.db.read() as conn:
        return get_submission(conn, sid)


def _actions(state: AppState, sid: int) -> list[str]:
    with state.db.read() as conn:
        return [e.action for e in list_events(conn, entity="submission", entity_id=sid)]


def test_analyst_sees_summary_issues_changes_history_and_panel(state: AppState, story: Story):
    page = _page(state, story.alpha2.id, _analyst(story))
    text = text_of(page)
    assert f"Submission {story.alpha2.id}: Alpha, Prosecution, 2026" in text
    assert "2" * 64 in text  # the file's SHA-256
    assert "Template version 3" in text
    assert "Focal Alpha (fp.alpha)" in text and "20 April 2026, 08:00 UTC" in text
    # the validation issue with its cell
    assert "Data!D9" in text and "OUTLIER" in text and "Convictions" in text
    assert "Unusual figure" in text and "far from this district's usual figures" in text
    assert "Errors: 0 · warnings: 1 · outliers: 1" in text
    # what changed against revision 1: January 10 -> 12, February added, March removed
    assert "Against revision 1: 1 figures changed, 1 added, 1 removed." in text
    assert "January 2026 10 12 +2 Changed" in text
    assert "February 2026 – 40 – Added (was blank)" in text
    assert "March 2026 7 – – Removed (now blank)" in text
    assert f"/submission/{story.alpha1.id}" in links(page)
    # history: both revisions; the reviewer of revision 1
    assert "Revision 2 (this page)" in text and "ana.lyst" in text
    # the review panel: approve and return; no un-approve
    by_id(page, submission.APPROVE)
    by_id(page, submission.RETURN)
    by_id(page, submission.REASON)
    with pytest.raises(AssertionError):
        by_id(page, submission.UNAPPROVE)
    assert "Audit events of this submission" in text


def test_issues_in_urdu_say_the_problem_and_what_to_do(state: AppState, story: Story):
    page = _page(state, story.alpha2.id, _analyst(story), "?lang=ur")
    text = text_of(page)
    assert "غیر معمولی عدد" in text  # OUTLIER: "Unusual figure"
    assert "اگر درست ہے تو کچھ کرنے کی ضرورت نہیں" in text
    (detail,) = [c for c in walk(page) if "issue-message" in str(getattr(c, "className", "") or "")]
    assert detail.dir == "ltr" and detail.lang == "en"
    assert str(detail.children).startswith("Data!D9 (Convictions, January 2026)")
    headers = [text_of(th) for th in walk(page) if type(th).__name__ == "Th"]
    assert "مسئلہ" in headers and "OUTLIER" in text


def test_first_revision_superseded_and_audit(state: AppState, story: Story):
    page = _page(state, story.alpha1.id, _analyst(story))
    text = text_of(page)
    assert "This is the first revision" in text
    assert "A newer revision replaced this one" in text
    assert f"/submission/{story.alpha2.id}" in links(page)
    assert "submission.approved" in text and "submitted → approved" in text
    for button in submission.ACTIONS:
        with pytest.raises(AssertionError):
            by_id(page, button)


def test_focal_point_sees_own_submission_without_review_panel(state: AppState, story: Story):
    page = _page(state, story.alpha2.id, _focal())
    text = text_of(page)
    assert "Against revision 1" in text and "Data!D9" in text
    for button in (*submission.ACTIONS, submission.REASON):
        with pytest.raises(AssertionError):
            by_id(page, button)
    assert "Audit events" not in text
    assert "/portal" in links(page)


def test_focal_point_of_another_district_or_institution_is_refused(state: AppState, story: Story):
    for who in (_focal("BETA"), _focal("ALPHA", "PRISONS")):
        text = text_of(_page(state, story.alpha2.id, who))
        assert "This submission belongs to another district or institution" in text
        assert "2" * 64 not in text and "Data!D9" not in text


def test_other_roles_and_unknown_ids(state: AppState, story: Story):
    text = text_of(_page(state, story.alpha2.id, account(STEERING)))
    assert "Not available to your account" in text and "Data!D9" not in text
    assert "Not available" in text_of(_page(state, story.alpha2.id, None))
    missing = text_of(_page(state, 99_999, _analyst(story)))
    assert "There is no submission number 99999" in missing


def test_focal_point_sees_the_return_reason_and_a_link_to_resubmit(state: AppState, story: Story):
    page = _page(state, story.gamma.id, _focal("GAMMA", "PRISONS"), "?lang=ur")
    text = text_of(page)
    assert "ڈیلیوری یونٹ نے یہ فائل واپس کر دی" in text
    assert RETURN_REASON in text
    assert "/portal?lang=ur" in links(page)
    en = text_of(_page(state, story.gamma.id, _focal("GAMMA", "PRISONS")))
    assert "The Delivery Unit returned this submission" in en


# --- the acts ----------------------------------------------------------------------------------


def _act(state: AppState, story: Story, action: str, sid: int, reason: str | None = None, who=None):
    return submission.act(state, action, reason, f"/submission/{sid}", "", who or _analyst(story))


def test_approve_locks_and_audits(state: AppState, story: Story):
    out = _act(state, story, submission.APPROVE, story.beta.id)
    text = text_of(out)
    assert "The submission is approved" in text
    after = _sub(state, story.beta.id)
    assert (after.status, after.reviewed_by) == ("approved", story.analyst_id)
    assert _actions(state, story.beta.id) == ["submission.approved"]
    # the page now offers to un-approve
    by_id(out, submission.UNAPPROVE)
    # approving again is refused with a clear message and changes nothing
    again = text_of(_act(state, story, submission.APPROVE, story.beta.id))
    assert "Nothing was changed." in again and "already approved" in again
    assert _actions(state, story.beta.id) == ["submission.approved"]


def test_return_needs_a_reason(state: AppState, story: Story):
    out = _act(state, story, submission.RETURN, story.beta.id, "   ")
    assert "Write a reason the focal point can act on" in text_of(out)
    assert _sub(state, story.beta.id).status == "submitted"
    assert _actions(state, story.beta.id) == []
    too_long = _act(state, story, submission.RETURN, story.beta.id, "x" * 2001)
    assert "too long" in text_of(too_long) and _actions(state, story.beta.id) == []

    out = _act(state, story, submission.RETURN, story.beta.id, "  Check January  ")
    assert "returned to the focal point" in text_of(out)
    after = _sub(state, story.beta.id)
    assert (after.status, after.review_reason) == ("returned", "Check January")
    assert _actions(state, story.beta.id) == ["submission.returned"]


def test_unapprove_needs_a_reason_and_audits(state: AppState, story: Story):
    _act(state, story, submission.APPROVE, story.alpha2.id)
    out = _act(state, story, submission.UNAPPROVE, story.alpha2.id, "")
    assert "Write a reason" in text_of(out)
    assert _sub(state, story.alpha2.id).status == "approved"
    out = _act(state, story, submission.UNAPPROVE, story.alpha2.id, "March is missing")
    assert "The approval was withdrawn" in text_of(out)
    assert _sub(state, story.alpha2.id).status == "returned"
    assert _actions(state, story.alpha2.id) == ["submission.unapproved", "submission.approved"]


def test_approving_a_superseded_revision_is_refused_clearly(state: AppState, story: Story):
    out = text_of(_act(state, story, submission.APPROVE, story.alpha1.id))
    assert "Nothing was changed." in out and "superseded by revision 2" in out
    assert _sub(state, story.alpha1.id).status == "superseded"
    assert _actions(state, story.alpha1.id) == ["submission.approved"]  # from the story only


def test_only_analysts_may_act(state: AppState, story: Story):
    for who in (_focal(), account(STEERING), None):
        out = submission.act(
            state, submission.APPROVE, None, f"/submission/{story.alpha2.id}", "", who
        )
        assert "Not available to your account" in text_of(out)
    assert _sub(state, story.alpha2.id).status == "submitted"
    assert _actions(state, story.alpha2.id) == []
    # an analyst name that is no active reviewer account is refused too
    ghost = account(ANALYST, "nobody.here")
    out = text_of(submission.act(state, submission.APPROVE, None,
                                 f"/submission/{story.beta.id}", "", ghost))  # fmt: skip
    assert "Nothing was changed." in out and _sub(state, story.beta.id).status == "submitted"
