"""The focal point portal as plain functions, without a database: the result of a check, the
submissions with their history, the template request's scope, decoding an upload."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from dash.development.base_component import Component

from dbmis.app.auth import ADMIN, ANALYST, FOCAL_POINT, STEERING, Account
from dbmis.app.context import AppState, PageContext, PageQuery
from dbmis.app.portal_downloads import (
    TemplateRefused,
    choosable,
    reporting_year,
    template_choice,
    year_choices,
)
from dbmis.app.portal_result import issues_view, result_view
from dbmis.app.portal_service import (
    Filters,
    UploadInputError,
    UploadOutcome,
    decode_contents,
    safe_filename,
    size_text,
)
from dbmis.app.portal_view import submissions_view
from dbmis.catalog import Catalog
from dbmis.ingest.result import IngestResult, Issue, Severity
from dbmis.settings import Mode, Settings
from dbmis.warehouse.queries.portal import KeyHistory, RejectedUpload, Revision
from tests.app.conftest import MINI

TODAY = date(2026, 11, 22)
SHA = "ab" * 32


def account(
    role: str, districts: tuple[str, ...] = (), institutions: tuple[str, ...] = ()
) -> Account:
    return Account(
        user_id=7,
        username=f"{role}.user",
        display_name="Test User",
        role=role,
        districts=frozenset(districts),
        institutions=frozenset(institutions),
        session_id="s",
    )


FOCAL = account(FOCAL_POINT, ("ALPHA",), ("PROSECUTION",))
FOCAL_TWO = account(FOCAL_POINT, ("ALPHA", "BETA"), ("PROSECUTION", "PRISONS"))
ANALYST_ACCOUNT = account(ANALYST)


def ctx_for(catalog: Catalog, lang: str = "en", acc: Account | None = FOCAL) -> PageContext:
    settings = Settings(catalog=MINI, database_url="sqlite://", mode=Mode.demo)
    state = AppState(settings=settings, catalog=catalog, db=None, site=None)  # type: ignore[arg-type]
    search = "?lang=ur" if lang == "ur" else ""
    return PageContext(
        state=state, path="/portal", query=PageQuery.parse(search, catalog), account=acc
    )


def walk(component: Any) -> list[Any]:
    """Every component and string under ``component``."""
    found = [component]
    children = getattr(component, "children", None) if isinstance(component, Component) else None
    if isinstance(component, list | tuple):
        children = component
        found = []
    if children is None:
        return found
    for child in children if isinstance(children, list | tuple) else [children]:
        found += walk(child)
    return found


def text_of(component: Any) -> str:
    return " ".join(str(c) for c in walk(component) if isinstance(c, str | int))


def of_type(component: Any, name: str) -> list[Any]:
    return [c for c in walk(component) if type(c).__name__ == name]


# --- the result of a check ----------------------------------------------------------------


ISSUES = [
    Issue(
        code="RULE_VIOLATED",
        severity=Severity.error,
        message="Data!D9 (Convictions, January 2026): 12 is more than cases decided (10).",
        sheet="Data",
        cell="Data!D9",
        indicator="PRO_CONVICTIONS",
        period="2026-01",
        value="12",
    ),
    Issue(
        code="OUTLIER",
        severity=Severity.warning,
        message="Data!E8 looks unusually high.",
        sheet="Data",
        cell="Data!E8",
        indicator="PRO_CASES_DECIDED",
        period="2026-02",
        value="900",
    ),
]


def test_a_rejected_file_shows_a_summary_then_every_issue_with_its_cell(
    mini_catalog: Catalog,
) -> None:
    result = IngestResult(
        ok=False,
        submission_id=None,
        counts={"values": 5, "not_reported": 19, "not_due": 12, "errors": 1, "warnings": 1},
        issues=ISSUES,
        sha256=SHA,
    )
    view = result_view(
        ctx_for(mini_catalog), UploadOutcome("mine.xlsx", result=result, annotated=SHA)
    )
    text = text_of(view)
    assert "Not accepted: nothing of this file was saved." in text
    assert "File: mine.xlsx" in text
    assert "Fix the cells listed below" in text
    # blank cells of months already over, apart from those of months not over yet
    assert "Cells not reported" in text and "Cells of months not over yet" in text
    table = of_type(view, "Table")[0]
    headers = [text_of(th) for th in of_type(table, "Th") if th.scope == "col"]
    assert headers == [
        "Type",
        "Cell",
        "Indicator",
        "Month",
        "Value in the file",
        "Problem",
        "What is wrong and how to fix it",
    ]
    assert "Problems found: 2" in text_of(of_type(table, "Caption")[0])
    rows = of_type(table, "Tr")[1:]
    first = text_of(rows[0])
    assert "Error" in first and "Data!D9" in first and "January 2026" in first
    assert "Convictions" in first and "12" in first and "more than cases decided" in first
    assert "Warning" in text_of(rows[1]) and "Data!E8" in text_of(rows[1])
    links = [a.href for a in of_type(view, "A")]
    assert links == [f"/portal/annotated/{SHA}.xlsx"]
    counts = of_type(view, "Dl")[0]
    assert [text_of(d) for d in of_type(counts, "Dd")] == ["5", "19", "12", "1", "1"]


def test_an_accepted_file_names_its_submission_and_revision(mini_catalog: Catalog) -> None:
    result = IngestResult(
        ok=True,
        submission_id=42,
        counts={"values": 6, "not_reported": 18, "errors": 0, "warnings": 0},
        issues=[],
        sha256=SHA,
        submission_ids=[42],
    )
    outcome = UploadOutcome("f.xlsx", result=result, revision=3, key=("ALPHA", "PROSECUTION", 2026))
    view = result_view(ctx_for(mini_catalog), outcome)
    text = text_of(view)
    assert "Accepted: your return was submitted" in text
    assert "Submission 42, revision 3: Alpha · Prosecution, 2026." in text
    assert "No problems found." in text
    assert [a.href for a in of_type(view, "A")] == ["/submission/42"]


def test_the_same_file_again_says_nothing_new_was_saved(mini_catalog: Catalog) -> None:
    result = IngestResult(
        ok=True, submission_id=42, counts={}, issues=[], sha256=SHA, duplicate=True
    )
    view = result_view(ctx_for(mini_catalog), UploadOutcome("f.xlsx", result=result, revision=3))
    assert "This exact file was submitted before" in text_of(view)


def test_a_problem_before_the_check_is_said_plainly(mini_catalog: Catalog) -> None:
    outcome = UploadOutcome(
        "big.xlsx", message_key="portal.error.too_large", message_values={"size": "10 MB"}
    )
    text = text_of(result_view(ctx_for(mini_catalog), outcome))
    assert "larger than 10 MB" in text and "big.xlsx" in text


def test_the_result_in_urdu_has_urdu_headings_and_keeps_cells_left_to_right(
    mini_catalog: Catalog,
) -> None:
    result = IngestResult(ok=False, submission_id=None, counts={}, issues=ISSUES, sha256=SHA)
    view = result_view(ctx_for(mini_catalog, "ur"), UploadOutcome("f.xlsx", result=result))
    text = text_of(view)
    assert "قبول نہیں" in text and "تفصیل (خانہ، عدد، قاعدہ) انگریزی" in text
    headers = [text_of(th) for th in of_type(view, "Th") if th.scope == "col"]
    assert headers[1] == "خانہ"
    cells = [s for s in of_type(view, "Span") if "portal-cell" in getattr(s, "className", "")]
    assert cells[0].children == "Data!D9" and cells[0].dir == "ltr"


NOT_A_NUMBER = Issue(
    code="VALUE_NOT_NUMBER",
    severity=Severity.error,
    message="Data!F12 (Convictions, March 2026): 'n/a' is not a number.",
    sheet="Data",
    cell="Data!F12",
    indicator="PRO_CONVICTIONS",
    period="2026-03",
    value="n/a",
)


def test_an_issue_in_urdu_says_the_problem_and_what_to_do_in_urdu(mini_catalog: Catalog) -> None:
    view = issues_view(ctx_for(mini_catalog, "ur"), [NOT_A_NUMBER])
    headers = [text_of(th) for th in of_type(view, "Th") if th.scope == "col"]
    assert headers[-2:] == ["مسئلہ", "کیا غلط ہے اور کیسے درست کریں"]
    assert of_type(view, "Caption"), "the table keeps its caption"
    (row,) = of_type(view, "Tr")[1:]
    (title,) = [c for c in walk(row) if "issue-title" in str(getattr(c, "className", ""))]
    assert title.children == "یہ عدد نہیں"
    (fix,) = [c for c in walk(row) if "issue-fix" in str(getattr(c, "className", ""))]
    assert fix.children.startswith("صرف عدد لکھیں")
    # the specific English message stays, as a left-to-right English detail
    (detail,) = [c for c in walk(row) if "issue-message" in str(getattr(c, "className", ""))]
    assert detail.children == NOT_A_NUMBER.message
    assert detail.dir == "ltr" and detail.lang == "en"
    assert "تفصیل:" in text_of(row)


def test_an_issue_in_english_keeps_its_message_and_gains_its_title(mini_catalog: Catalog) -> None:
    view = issues_view(ctx_for(mini_catalog), [NOT_A_NUMBER])
    (row,) = of_type(view, "Tr")[1:]
    text = text_of(row)
    assert "Not a number" in text and NOT_A_NUMBER.message in text
    assert "Type the number only" not in text  # the message already says what to do
    assert not [c for c in walk(view) if "issue-fix" in str(getattr(c, "className", ""))]


def test_an_undocumented_code_shows_its_code_and_message(mini_catalog: Catalog) -> None:
    view = issues_view(ctx_for(mini_catalog, "ur"), ISSUES[:1])  # RULE_VIOLATED: no entry
    text = text_of(of_type(view, "Tr")[1])
    assert "RULE_VIOLATED" in text and ISSUES[0].message in text


# --- submissions and their history ------------------------------------------------------------


def revision(n: int, status: str, **kw: Any) -> Revision:
    values: dict[str, Any] = {
        "id": 100 + n,
        "district": "ALPHA",
        "institution": "PROSECUTION",
        "year": 2026,
        "revision": n,
        "status": status,
        "is_current": status not in ("superseded", "rejected"),
        "uploaded_at": datetime(2026, 4, n, 9, 30, tzinfo=UTC),
        "uploaded_by": "Focal Point",
        "reviewed_at": None,
        "review_reason": None,
        "counts": None,
        "is_demo": False,
        "first_month": 202601,
        "last_month": 202603,
        "values": 6,
    }
    values.update(kw)
    return Revision(**values)


def test_a_returned_submission_shows_the_reason_and_the_history(mini_catalog: Catalog) -> None:
    returned = revision(
        2,
        "returned",
        reviewed_at=datetime(2026, 4, 5, 10, 0, tzinfo=UTC),
        review_reason="March convictions look wrong: please check with the court register.",
    )
    key = KeyHistory("ALPHA", "PROSECUTION", 2026, (returned, revision(1, "superseded")))
    parts = submissions_view(ctx_for(mini_catalog), [key], [], show_uploader=False)
    text = text_of(parts)
    assert "Alpha · Prosecution · 2026" in text
    note = next(
        d for d in of_type(parts, "Div") if getattr(d, "className", "") == "portal-returned"
    )
    assert note.role == "note"
    assert "Returned by the Delivery Unit on 5 April 2026" in text_of(note)
    assert "please check with the court register" in text_of(note)
    rows = of_type(of_type(parts, "Table")[0], "Tr")
    assert len(rows) == 3  # the header and two revisions
    assert "Returned" in text_of(rows[1]) and "Replaced" in text_of(rows[2])
    assert "January 2026 – March 2026" in text_of(rows[1])
    assert [a.href for a in of_type(parts, "A")] == ["/submission/102", "/submission/101"]
    headers = [text_of(th) for th in of_type(rows[0], "Th")]
    assert "By" not in headers and "Delivery Unit's reason" in headers


def test_analysts_see_who_uploaded_and_links_keep_the_language(mini_catalog: Catalog) -> None:
    key = KeyHistory("BETA", "PRISONS", 2025, (revision(1, "approved", district="BETA"),))
    parts = submissions_view(
        ctx_for(mini_catalog, "ur", ANALYST_ACCOUNT), [key], [], show_uploader=True
    )
    headers = [text_of(th) for th in of_type(parts, "Th") if th.scope == "col"]
    assert "از" in headers
    assert [a.href for a in of_type(parts, "A")] == ["/submission/101?lang=ur"]
    assert "منظور شدہ" in text_of(parts)


def test_no_submissions_and_rejected_uploads(mini_catalog: Catalog) -> None:
    rejected = [
        RejectedUpload(1, datetime(2026, 4, 1, 8, 0, tzinfo=UTC), "fp", SHA, "bad.xlsx", 3, True),
        RejectedUpload(
            2, datetime(2026, 4, 1, 7, 0, tzinfo=UTC), "fp", "cd" * 32, "x.csv", 1, False
        ),
    ]
    parts = submissions_view(ctx_for(mini_catalog), [], rejected, show_uploader=False)
    text = text_of(parts)
    assert "No submissions yet." in text and "Files not accepted" in text
    assert [a.href for a in of_type(parts, "A")] == [f"/portal/annotated/{SHA}.xlsx"]
    # the heading names the table: its caption is for screen readers only, not shown twice
    (caption,) = of_type(parts, "Caption")
    assert caption.children == "Files not accepted" and caption.className == "visually-hidden"


# --- which template may be downloaded --------------------------------------------------------


def test_the_reporting_year_is_the_year_of_last_month() -> None:
    assert reporting_year(date(2026, 11, 22)) == 2026
    assert reporting_year(date(2027, 1, 3)) == 2026
    assert year_choices(date(2027, 1, 3)) == [2026, 2025, 2024, 2023]


def choose(acc: Account, catalog: Catalog, **given: str | None) -> Any:
    args: dict[str, str | None] = {"district": None, "institution": None, "year": None}
    args.update(given)
    return template_choice(acc, catalog, today=TODAY, **args)  # type: ignore[arg-type]


def test_a_focal_point_gets_their_own_template_without_choosing(mini_catalog: Catalog) -> None:
    choice = choose(FOCAL, mini_catalog)
    assert (choice.district, choice.institution, choice.year) == ("ALPHA", "PROSECUTION", 2026)
    assert choice.filename == "DBMIS-PROSECUTION_ALPHA_2026.xlsx"
    assert choose(FOCAL, mini_catalog, year="2024").year == 2024


@pytest.mark.parametrize(
    ("given", "status"),
    [
        ({"district": "BETA"}, 403),
        ({"institution": "PRISONS"}, 403),
        ({"district": "NOWHERE"}, 403),
        ({"district": "ALPHA", "institution": "PRISONS"}, 403),
        ({"year": "2027"}, 400),
        ({"year": "1999"}, 400),
        ({"year": "26"}, 400),
        ({"year": "2026; DROP"}, 400),
    ],
)
def test_a_focal_point_gets_nothing_outside_their_account(
    mini_catalog: Catalog, given: dict[str, str], status: int
) -> None:
    with pytest.raises(TemplateRefused) as refused:
        choose(FOCAL, mini_catalog, **given)
    assert refused.value.status == status


def test_a_focal_point_with_several_places_chooses_among_their_own(mini_catalog: Catalog) -> None:
    assert choosable(FOCAL_TWO, mini_catalog) == (["ALPHA", "BETA"], ["PROSECUTION", "PRISONS"])
    with pytest.raises(TemplateRefused) as refused:
        choose(FOCAL_TWO, mini_catalog)
    assert refused.value.status == 400
    choice = choose(FOCAL_TWO, mini_catalog, district="BETA", institution="PRISONS")
    assert (choice.district, choice.institution) == ("BETA", "PRISONS")
    with pytest.raises(TemplateRefused) as refused:
        choose(FOCAL_TWO, mini_catalog, district="GAMMA", institution="PRISONS")
    assert refused.value.status == 403


def test_an_analyst_may_have_any_template_but_must_name_it(mini_catalog: Catalog) -> None:
    choice = choose(ANALYST_ACCOUNT, mini_catalog, district="DELTA", institution="PRISONS")
    assert (choice.district, choice.institution) == ("DELTA", "PRISONS")
    with pytest.raises(TemplateRefused) as refused:
        choose(ANALYST_ACCOUNT, mini_catalog, institution="PRISONS")
    assert refused.value.status == 400
    with pytest.raises(TemplateRefused) as refused:
        choose(ANALYST_ACCOUNT, mini_catalog, district="NOWHERE", institution="PRISONS")
    assert refused.value.status == 400


@pytest.mark.parametrize("role", [STEERING, ADMIN])
def test_other_roles_get_no_template(mini_catalog: Catalog, role: str) -> None:
    acc = account(role, ("ALPHA",), ("PROSECUTION",))
    assert choosable(acc, mini_catalog) == ([], [])
    with pytest.raises(TemplateRefused) as refused:
        choose(acc, mini_catalog)
    assert refused.value.status == 403


def test_a_focal_point_without_scope_gets_no_template(mini_catalog: Catalog) -> None:
    with pytest.raises(TemplateRefused) as refused:
        choose(account(FOCAL_POINT), mini_catalog)
    assert refused.value.status == 403


# --- what the browser sent ---------------------------------------------------------------------


def data_url(data: bytes, mime: str = "application/octet-stream") -> str:
    return f"data:{mime};base64," + base64.b64encode(data).decode()


def test_decoding_an_upload_is_bounded_before_and_after_decoding() -> None:
    assert decode_contents(data_url(b"PK\x03\x04 hello"), 1024) == b"PK\x03\x04 hello"
    assert decode_contents(data_url(b"a,b\n", "text/csv"), 1024) == b"a,b\n"
    assert decode_contents(data_url(b"x" * 1024), 1024) == b"x" * 1024
    for bad, key in [
        (data_url(b"x" * 1025), "portal.error.too_large"),
        ("data:;base64," + "A" * 5000, "portal.error.too_large"),
        ("data:text/csv;base64,@@@@", "portal.error.unreadable"),
        ("data:text/csv;base64,", "portal.error.unreadable"),
        ("not a data url", "portal.error.unreadable"),
        (None, "portal.error.unreadable"),
        (["data:;base64,AAAA"], "portal.error.unreadable"),
    ]:
        with pytest.raises(UploadInputError) as error:
            decode_contents(bad, 1024)
        assert error.value.key == key, bad


def test_client_file_names_are_only_a_label() -> None:
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\Users\\fp\\return.xlsx") == "return.xlsx"
    assert safe_filename("a\x00b\nc.csv") == "abc.csv"
    assert safe_filename(None) == "upload.xlsx"
    assert len(safe_filename("x" * 500 + ".xlsx")) == 200
    assert size_text(10 * 1024 * 1024) == "10 MB" and size_text(2048) == "2 KB"


def test_filters_from_the_request_are_checked() -> None:
    assert Filters.parse("ALPHA", "", "returned", "2026") == Filters(
        "ALPHA", None, "returned", 2026
    )
    assert Filters.parse(None, None, "hacked", 2025) == Filters(None, None, None, 2025)
    assert Filters.parse(None, None, None, "twenty") == Filters()
    assert Filters.parse(None, None, None, True) == Filters()


def test_the_view_modules_read_no_database() -> None:
    for name in ("portal_view.py", "portal_result.py"):
        source = (Path(__file__).parents[2] / "dbmis" / "app" / name).read_text()
        assert "sqlalchemy" not in source and ".db." not in source, name


def test_the_upload_zone_carries_its_size_limit_for_the_browser_guard(
    mini_catalog: Catalog,
) -> None:
    from dbmis.app.pages.portal import upload_section

    for lang, words in (("en", "is larger than 10 MB"), ("ur", "سے زیادہ ہے")):
        section = upload_section(ctx_for(mini_catalog, lang))
        (guard,) = [c for c in walk(section) if hasattr(c, "to_plotly_json")
                    and "data-max-bytes" in c.to_plotly_json()["props"]]  # fmt: skip
        props = guard.to_plotly_json()["props"]
        assert props["data-max-bytes"] == str(10 * 1024 * 1024)
        assert props["data-message-target"] == "portal-too-big"
        assert words in props["data-too-big"] and "{name}" in props["data-too-big"]
        (message,) = [c for c in walk(section) if getattr(c, "id", None) == "portal-too-big"]
        assert message.role == "alert" and message.hidden is True
