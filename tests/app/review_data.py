"""Submissions for the review pages' tests: a small story in the mini catalog's warehouse.

:func:`review_story` loads, on top of the ``published`` warehouse of ``tests/app/conftest.py``
(which holds one approved DELTA PROSECUTION 2026 submission):

- ``alpha1``: ALPHA PROSECUTION 2026 revision 1 (uploaded 1 March 2026 by the focal point),
  approved, then superseded by ``alpha2`` (revision 2, 20 April 2026): January changed
  (10 -> 12), February added, March removed; its report has one outlier warning.
- ``beta``: BETA PROSECUTION 2026 revision 1 (2 May 2026), waiting for review.
- ``gamma``: GAMMA PRISONS 2025 revision 1 (5 May 2025), returned with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from dbmis.app.auth import Account
from dbmis.ingest import workflow
from dbmis.warehouse import Database
from dbmis.warehouse.queries import dimensions
from dbmis.warehouse.queries.observations import insert_observations
from dbmis.warehouse.queries.submissions import NewSubmission, Submission, insert_submission
from dbmis.warehouse.queries.users import create_user

RETURN_REASON = "Figures for January look ten times too high; please check"

OUTLIER_REPORT: dict[str, Any] = {
    "counts": {"values": 3, "not_reported": 33, "errors": 0, "warnings": 1},
    "issues": [
        {
            "code": "OUTLIER",
            "severity": "warning",
            "message": "Data!D9 (Convictions, January 2026): 12 is far from this district's usual "
            "figures",
            "sheet": "Data",
            "cell": "Data!D9",
            "indicator": "PRO_CONVICTIONS",
            "period": "2026-01",
            "value": "12",
        }
    ],
    "template": {"code": "DBMIS-PROSECUTION", "version": "3"},
}


@dataclass(frozen=True)
class Story:
    alpha1: Submission
    alpha2: Submission
    beta: Submission
    gamma: Submission
    analyst_id: int
    focal_id: int


def load(
    db: Database,
    district: str,
    institution: str,
    year: int,
    at: datetime,
    figures: dict[tuple[str, int], float],
    *,
    uploaded_by: int | None = None,
    report: dict[str, Any] | None = None,
    sha: str = "0",
) -> Submission:
    with db.write() as conn:
        sub = insert_submission(
            conn,
            NewSubmission(
                district_id=dimensions.district_ids(conn)[district],
                institution_id=dimensions.institution_ids(conn)[institution],
                year=year,
                sha256=sha * 64,
                source_kind="xlsx",
                filename=f"{district}-{institution}-{year}.xlsx",
                size_bytes=2048,
                uploaded_by=uploaded_by,
                report=report,
            ),
            now=at,
        )
        ind = dimensions.indicator_ids(conn)
        insert_observations(
            conn,
            [
                {
                    "submission_id": sub.id,
                    "indicator_id": ind[code],
                    "district_id": sub.district_id,
                    "institution_id": sub.institution_id,
                    "month": month,
                    "value": value,
                    "cell": None,
                }
                for (code, month), value in figures.items()
            ],
        )
    return sub


def review_story(db: Database) -> Story:
    with db.write() as conn:
        analyst = create_user(conn, "ana.lyst", "Ana Lyst", "analyst").id
        focal = create_user(
            conn, "fp.alpha", "Focal Alpha", "focal_point",
            districts=["ALPHA"], institutions=["PROSECUTION"],
        ).id  # fmt: skip
    alpha1 = load(
        db, "ALPHA", "PROSECUTION", 2026, datetime(2026, 3, 1, 8, tzinfo=UTC),
        {("PRO_CONVICTIONS", 202601): 10.0, ("PRO_CONVICTIONS", 202603): 7.0},
        uploaded_by=focal, report={"counts": {"errors": 0, "warnings": 0}, "issues": []},
        sha="1",
    )  # fmt: skip
    workflow.approve(db, [alpha1.id], reviewer="ana.lyst", reviewer_id=analyst)
    alpha2 = load(
        db, "ALPHA", "PROSECUTION", 2026, datetime(2026, 4, 20, 8, tzinfo=UTC),
        {("PRO_CONVICTIONS", 202601): 12.0, ("PRO_CASES_DECIDED", 202602): 40.0},
        uploaded_by=focal, report=OUTLIER_REPORT, sha="2",
    )  # fmt: skip
    beta = load(
        db, "BETA", "PROSECUTION", 2026, datetime(2026, 5, 2, 8, tzinfo=UTC),
        {("PRO_CONVICTIONS", 202601): 3.0}, sha="3",
    )  # fmt: skip
    gamma = load(
        db, "GAMMA", "PRISONS", 2025, datetime(2025, 5, 5, 8, tzinfo=UTC),
        {("PRS_CAPACITY", 202501): 300.0}, sha="4",
    )  # fmt: skip
    workflow.return_submission(
        db, gamma.id, reason=RETURN_REASON, reviewer="ana.lyst", reviewer_id=analyst
    )
    return Story(alpha1, alpha2, beta, gamma, analyst, focal)


def account(
    role: str,
    username: str = "someone",
    *,
    user_id: int = 1,
    districts: tuple[str, ...] = (),
    institutions: tuple[str, ...] = (),
) -> Account:
    return Account(
        user_id=user_id,
        username=username,
        display_name=username.title(),
        role=role,
        districts=frozenset(districts),
        institutions=frozenset(institutions),
        session_id="test-session",
    )


def walk(node: Any) -> Any:
    """Every component and string in a Dash component tree, depth first."""
    yield node
    children = getattr(node, "children", None) if not isinstance(node, str) else None
    if children is None:
        return
    for child in children if isinstance(children, list | tuple) else [children]:
        yield from walk(child)


def text_of(node: Any) -> str:
    """The visible text of a component tree, pieces joined by single spaces."""
    return " ".join(
        " ".join(str(n) for n in walk(node) if isinstance(n, str | int | float)).split()
    )


def by_id(node: Any, component_id: str) -> Any:
    """The component with this id (AssertionError if there is none)."""
    for n in walk(node):
        if getattr(n, "id", None) == component_id:
            return n
    raise AssertionError(f"no component {component_id!r}")


def links(node: Any) -> list[str]:
    """The href of every link, in order."""
    return [n.href for n in walk(node) if type(n).__name__ == "A" and getattr(n, "href", None)]


def selected(node: Any, select_id: str) -> str:
    """The value of the selected option of a ``<select>`` ('' if none is marked)."""
    options = [n for n in walk(by_id(node, select_id)) if type(n).__name__ == "Option"]
    chosen = [o.value for o in options if getattr(o, "selected", False)]
    assert len(chosen) <= 1, chosen
    return str(chosen[0]) if chosen else ""
