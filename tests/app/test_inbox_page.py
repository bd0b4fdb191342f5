"""The Delivery Unit's inbox (``/workspace``): counts, filters from the URL, order, pages and
the validation summary, drawn as a plain function with an analyst's account; the filter
callback only rewrites the URL (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from dbmis.app.auth import ANALYST
from dbmis.app.context import AppState, PageContext, PageQuery
from dbmis.app.pages import inbox
from dbmis.app.pages.review_parts import clean_filters, filter_search
from tests.app.review_data import (
    Story,
    account,
    by_id,
    links,
    review_story,
    selected,
    text_of,
    walk,
)


@pytest.fixture
def story(state: AppState) -> Story:
    return review_story(state.db)


def _ctx(state: AppState, search: str = "") -> PageContext:
    return PageContext(
        state=state,
        path="/workspace",
        query=PageQuery.parse(search, state.catalog),
        account=account(ANALYST, "ana.lyst"),
        search=search,
    )


def _submission_links(page: object) -> list[str]:
    return [h.split("?")[0] for h in links(page) if h.startswith("/submission/")]


def test_every_submission_newest_first_with_counts(state: AppState, story: Story):
    page = inbox.layout(_ctx(state))
    text = text_of(page)
    # the fixture's DELTA approval is the newest upload (uploaded when the test runs)
    ids = [int(h.rsplit("/", 1)[1]) for h in _submission_links(page)]
    assert ids[1:] == [story.beta.id, story.alpha2.id, story.alpha1.id, story.gamma.id]
    assert "2 waiting for review" in text and "1 returned" in text
    assert "2 approved" not in text and "1 approved" in text and "1 superseded" in text
    assert "Errors: 0 · warnings: 1 · outliers: 1" in text  # alpha2's stored report
    assert "Focal Alpha (fp.alpha)" in text and "20 April 2026, 08:00 UTC" in text
    assert "5 submissions match the filters" in text


def test_filters_come_from_the_url(state: AppState, story: Story):
    page = inbox.layout(_ctx(state, "?district=ALPHA&status=submitted&year=2026"))
    assert _submission_links(page) == [f"/submission/{story.alpha2.id}"]
    assert selected(page, "review-inbox-district") == "ALPHA"
    assert selected(page, "review-inbox-status") == "submitted"
    assert selected(page, "review-inbox-year") == "2026"
    assert selected(page, "review-inbox-institution") == ""
    form = by_id(page, inbox.FORM)
    assert (form.method, form.action) == ("get", "/workspace")
    # counts ignore the status filter but keep the others; their links keep the filters
    text = text_of(page)
    assert "1 waiting for review" in text and "1 superseded" in text
    assert "1 submission matches the filters." in text and "1 submissions" not in text
    assert "/workspace?district=ALPHA&status=approved&year=2026" in links(page)
    assert "Clear every filter" in text

    wrong = inbox.layout(_ctx(state, "?district=NOWHERE&status=lost&year=20x6&institution=%3Cb%3E"))
    assert len(_submission_links(wrong)) == 5  # invalid filters are ignored
    assert selected(wrong, "review-inbox-district") == ""

    none = inbox.layout(_ctx(state, "?institution=PRISONS&year=2026"))
    assert _submission_links(none) == [] and "No submission matches" in text_of(none)


def test_pages_keep_the_filters(state: AppState, story: Story, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(inbox, "PAGE_SIZE", 2)
    first = inbox.layout(_ctx(state, "?institution=PROSECUTION"))
    assert len(_submission_links(first)) == 2
    assert "/workspace?institution=PROSECUTION&page=2" in links(first)
    assert "Page 1 of 2 (submissions: 4)" in text_of(first)
    second = inbox.layout(_ctx(state, "?institution=PROSECUTION&page=2"))
    assert _submission_links(second) == [
        f"/submission/{story.alpha2.id}",
        f"/submission/{story.alpha1.id}",
    ]
    assert "/workspace?institution=PROSECUTION" in links(second)  # previous page
    beyond = inbox.layout(_ctx(state, "?institution=PROSECUTION&page=9"))
    assert "Page 2 of 2" in text_of(beyond)


def test_urdu_inbox(state: AppState, story: Story):
    page = inbox.layout(_ctx(state, "?lang=ur"))
    text = text_of(page)
    assert "ان باکس" in text and "جائزے کی منتظر" in text
    assert f"/submission/{story.beta.id}?lang=ur" in links(page)
    assert by_id(page, inbox.FORM).action == "/workspace"
    assert [
        (i.name, i.value) for i in walk(by_id(page, inbox.FORM)) if type(i).__name__ == "Input"
    ] == [("lang", "ur")]  # the form keeps the language


def test_filter_values_and_search_strings(state: AppState):
    assert clean_filters(state.catalog, {"district": "alpha", "status": "APPROVED", "year": "2026"}) == {
        "district": "ALPHA", "institution": None, "status": "approved", "year": 2026
    }  # fmt: skip
    assert filter_search("en", {"district": "ALPHA", "status": None}) == "?district=ALPHA"
    assert filter_search("ur", {}, page=3) == "?page=3&lang=ur"
    assert filter_search("en", {}) == ""


def test_refused_files_are_listed_apart_not_counted_as_a_status(state: AppState, story: Story):
    from datetime import UTC, datetime

    from dbmis.warehouse.queries.audit import append_event

    page = inbox.layout(_ctx(state))
    # no submission is ever "rejected": no such count or filter choice, and no refused list yet
    assert "rejected" not in text_of(page).lower()
    assert "Files not accepted lately" not in text_of(page)
    with state.db.write() as conn:
        append_event(
            conn,
            actor="fp.alpha",
            action="upload.rejected",
            entity="upload",
            sha256="ab" * 32,
            detail={"filename": "alpha-2026.xlsx", "size": 100, "codes": {"E_BOUND": 2, "E_X": 1}},
            at=datetime(2026, 4, 21, 9, 30, tzinfo=UTC),
        )
    page = inbox.layout(_ctx(state))
    text = text_of(page)
    assert by_id(page, "review-inbox-refused-title").children == "Files not accepted lately"
    assert "21 April 2026, 09:30 UTC" in text and "fp.alpha" in text and "alpha-2026.xlsx" in text
    assert "/audit" in links(page)
    # a refused file's district is not known for sure: a filtered inbox does not list them
    filtered = text_of(inbox.layout(_ctx(state, "?district=ALPHA")))
    assert "Files not accepted lately" not in filtered
    urdu = inbox.layout(_ctx(state, "?lang=ur"))
    assert "حال ہی میں قبول نہ ہونے والی فائلیں" in text_of(urdu)
