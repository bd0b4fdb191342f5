"""The Delivery Unit's routine from the shell: review, publish, stocktake. Happy paths and
error exits (SQLite)."""

from __future__ import annotations

import getpass
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from dbmis.cli import app
from dbmis.warehouse import Database
from dbmis.warehouse.queries import dimensions
from dbmis.warehouse.queries.audit import list_events
from dbmis.warehouse.queries.observations import insert_observations
from dbmis.warehouse.queries.submissions import NewSubmission, get_submission, insert_submission
from dbmis.warehouse.queries.users import create_user

MINI = Path(__file__).parents[1] / "fixtures" / "catalog_mini"


class Shell:
    def __init__(self, tmp_path: Path) -> None:
        self.url = f"sqlite:///{tmp_path / 'w.sqlite'}"
        self.base = ["--catalog", str(MINI), "--database-url", self.url]
        self.runner = CliRunner()

    def __call__(self, *args: str, code: int = 0) -> Result:
        result = self.runner.invoke(app, [*self.base, *args])
        assert result.exit_code == code, (result.stdout, result.stderr)
        return result

    def db(self) -> Database:
        return Database(self.url)


@pytest.fixture
def shell(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Shell:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DBMIS_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.delenv("DBMIS_CATALOG", raising=False)
    sh = Shell(tmp_path)
    sh("init")
    db = sh.db()
    with db.write() as conn:
        create_user(conn, "ana", "Ana Analyst", "analyst")
        create_user(conn, "fp", "Focal Point", "focal_point", districts=["ALPHA"])
    db.dispose()
    return sh


def upload(sh: Shell, district: str, sha: str, convictions: float = 2.0) -> int:
    """A 2026 prosecution return for Jan-Mar, written straight into the warehouse."""
    db = sh.db()
    with db.write() as conn:
        d = dimensions.district_ids(conn)[district]
        i = dimensions.institution_ids(conn)["PROSECUTION"]
        ind = dimensions.indicator_ids(conn)
        sub = insert_submission(
            conn,
            NewSubmission(
                district_id=d, institution_id=i, year=2026, sha256=sha * 64,
                source_kind="xlsx", filename=f"{district}.xlsx", size_bytes=100,
                counts={"values": 6, "warnings": 1},
            ),
        )  # fmt: skip
        insert_observations(
            conn,
            [
                {"submission_id": sub.id, "indicator_id": ind[code], "district_id": d,
                 "institution_id": i, "month": month, "value": value, "cell": None}
                for month in (202601, 202602, 202603)
                for code, value in (("PRO_CASES_DECIDED", 10.0), ("PRO_CONVICTIONS", convictions))
            ],
        )  # fmt: skip
    db.dispose()
    return sub.id


def status_of(sh: Shell, sid: int) -> str:
    db = sh.db()
    with db.read() as conn:
        status = get_submission(conn, sid).status
    db.dispose()
    return status


def test_review_commands(shell: Shell):
    a = upload(shell, "ALPHA", "1")
    b = upload(shell, "BETA", "2")
    c = upload(shell, "GAMMA", "3")
    listed = shell("submissions", "--status", "submitted")
    assert "3 submission(s)" in listed.stdout and "ALPHA" in listed.stdout
    assert "BETA" in shell("submissions", "--district", "beta").stdout
    assert "no submissions match" in shell("submissions", "--year", "2020").stdout

    ok = shell("approve", str(a), "--as", "ana")
    assert f"APPROVED  submission {a}: ALPHA PROSECUTION 2026 revision 1" in ok.stdout
    assert "1 approved by ana" in ok.stdout
    back = shell("return", str(b), "--reason", "Figures for March look ten times too high")
    assert "RETURNED" in back.stdout and "ten times too high" in back.stdout
    rest = shell("approve", "--all-pending")
    assert (
        f"submission {c}" in rest.stdout and f"1 approved by cli:{getpass.getuser()}" in rest.stdout
    )
    undo = shell("unapprove", str(c), "--reason", "double-counted")
    assert "UNAPPROVED" in undo.stdout
    assert [status_of(shell, s) for s in (a, b, c)] == ["approved", "returned", "returned"]
    assert "nothing to approve" in shell("approve", "--all-pending").stdout

    db = shell.db()
    with db.read() as conn:
        actors = {e.action: e.actor for e in list_events(conn, entity="submission")}
    db.dispose()
    assert actors["submission.approved"] in ("ana", f"cli:{getpass.getuser()}")
    assert actors["submission.unapproved"] == f"cli:{getpass.getuser()}"


def test_review_errors(shell: Shell):
    a = upload(shell, "ALPHA", "1")
    missing = shell("approve", "999", code=1)
    assert "NOT_FOUND" in missing.stderr
    reasonless = shell("return", str(a), "--reason", " ", code=1)
    assert "REASON_REQUIRED" in reasonless.stderr
    focal = shell("approve", str(a), "--as", "fp", code=1)
    assert "FORBIDDEN" in focal.stderr and "focal_point" in focal.stderr
    assert "NOT_FOUND" in shell("approve", str(a), "--as", "nobody", code=1).stderr
    newer = upload(shell, "ALPHA", "2")
    stale = shell("approve", str(a), code=1)
    assert "REVIEW_REFUSED" in stale.stderr and "superseded by revision 2" in stale.stderr
    assert status_of(shell, newer) == "submitted"
    assert "INVALID_INPUT" in shell("submissions", "--status", "lost", code=2).stderr
    assert "NOT_FOUND" in shell("submissions", "--district", "NOWHERE", code=1).stderr


def test_publish_and_releases(shell: Shell):
    assert "no release published yet" in shell("releases").stdout
    a = upload(shell, "ALPHA", "1")
    shell("approve", str(a))
    recomputed = shell("kpis", "recompute", "--through", "2026-03")
    assert "KPI values from 2024-01 to 2026-03" in recomputed.stdout
    first = shell("publish", "--through", "2026-03", "--note", "First release", "--as", "ana")
    assert "published release 1 through 2026-03" in first.stdout
    assert "built from 1 approved submission(s)" in first.stdout
    fix = upload(shell, "ALPHA", "2", convictions=5.0)
    shell("approve", str(fix))
    second = shell("publish", "--through", "2026-03")
    assert "published release 2" in second.stdout
    assert "1 revised, 0 reverted" in second.stdout
    assert "revised CONVICTION_RATE province TESTLAND 2026-01: 20 -> 50" in second.stdout
    listing = shell("releases").stdout
    assert listing.index("   2  ") < listing.index("   1  ")
    assert "First release" in listing and "ana" in listing
    assert f"cli:{getpass.getuser()}" in listing

    future = date.today().year + 1
    refused = shell("publish", "--through", f"{future}-01", code=1)
    assert "RELEASE_REFUSED" in refused.stderr and "last full month" in refused.stderr
    back = shell("publish", "--through", "2026-02", code=1)
    assert "RELEASE_REFUSED" in back.stderr and "never go back" in back.stderr
    assert "INVALID_INPUT" in shell("publish", "--through", "2026Q1", code=2).stderr


def test_stocktake_commands(shell: Shell):
    made = shell("stocktake", "create", "--quarter", "2026q2", "--as", "ana")
    assert "stocktake 2026Q2 opened: Stocktake 2026Q2" in made.stdout
    shell("stocktake", "create", "--quarter", "2026Q3", "--title", "Q3", "--meeting-date",
          "2026-10-09")  # fmt: skip
    shell("stocktake", "judge", "--quarter", "2026Q2", "--kpi", "CONVICTION_RATE",
          "--likelihood", "red", "--rationale", "Slow start")  # fmt: skip
    judged = shell(
        "stocktake", "judge", "--quarter", "2026Q3", "--kpi", "CONVICTION_RATE",
        "--likelihood", "amber-red", "--rationale", "Prosecutors posted",
        "--planning", "strong", "--capacity", "adequate", "--stage", "weak",
        "--progress", "adequate", "--as", "ana",
    )  # fmt: skip
    assert "2026Q3 CONVICTION_RATE: Amber-red, improved since 2026Q2 (Red)" in judged.stdout
    shell("stocktake", "problem", "add", "Challans late", "--quarter", "2026Q3",
          "--kpi", "CONVICTION_RATE")  # fmt: skip
    added = shell("stocktake", "action", "add", "Weekly case review", "--quarter", "2026Q2",
                  "--owner", "DPP office", "--due", "2026-08-31", "--kpi", "CONVICTION_RATE")  # fmt: skip
    action_id = added.stdout.split("#")[1].split()[0]
    shell("stocktake", "decision", "add", "Approve 20 posts", "--quarter", "2026Q3",
          "--kind", "asked")  # fmt: skip
    moved = shell("stocktake", "action", "status", action_id, "in_progress")
    assert f"action #{action_id}: open -> in_progress" in moved.stdout

    shown = shell("stocktake", "show", "--quarter", "2026Q3", "--today", "2026-10-09").stdout
    assert "Q3 (2026Q3, draft), meeting 2026-10-09" in shown
    assert "CONVICTION_RATE: Amber-red ▲ improved (was Red in 2026Q2)" in shown
    assert "Quality of planning and implementation: strong" in shown
    assert "problem #1: Challans late" in shown
    assert f"action #{action_id} [in_progress OVERDUE] (from 2026Q2)" in shown
    assert "decision asked" in shown and "UNDERTRIAL_SHARE: not judged yet" in shown
    assert "1 overdue at 2026-10-09" in shown
    assert "2026Q3" in shell("stocktake", "show").stdout  # the latest by default

    bad = shell("stocktake", "judge", "--quarter", "2026Q3", "--kpi", "CONVICTION_RATE",
                "--likelihood", "amber", "--rationale", "x", code=2)  # fmt: skip
    assert "INVALID_INPUT" in bad.stderr
    assert "CONFLICT" in shell("stocktake", "create", "--quarter", "2026Q3", code=1).stderr
    assert "NOT_FOUND" in shell("stocktake", "show", "--quarter", "2025Q1", code=1).stderr
    assert "INVALID_INPUT" in shell("stocktake", "action", "add", "x", "--quarter", "2026Q3",
                                    "--owner", "DU", "--due", "31/12/2026", code=2).stderr  # fmt: skip
    assert "FORBIDDEN" in shell("stocktake", "create", "--quarter", "2026Q4", "--as", "fp",
                                code=1).stderr  # fmt: skip


# --- the demo routine -------------------------------------------------------------------------


def test_complete_quarters():
    from dbmis.demo.routine import complete_quarters

    assert complete_quarters(202401, 202502, 4) == ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]
    assert complete_quarters(202401, 202609, 2) == ["2026Q2", "2026Q3"]
    assert complete_quarters(202404, 202412, 9) == ["2024Q2", "2024Q3", "2024Q4"]
    assert complete_quarters(202401, 202402, 4) == []


@pytest.mark.slow
def test_demo_runs_the_routine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """``dbmis demo`` on the mini catalog: reviews, quarterly releases with revisions, and two
    stocktakes, all through the real functions (and the output says so)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DBMIS_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setattr("dbmis.demo.load.date", _FixedDate)
    sh = Shell(tmp_path)
    out = sh("demo").stdout
    assert "review: " in out and "1 returned with a reason" in out
    assert "releases 1-4, one a quarter through 2024-03, 2024-06, 2024-09, 2024-12" in out
    assert "stocktakes 2024Q3 and 2024Q4: 4 judgements" in out

    db = sh.db()
    with db.read() as conn:
        from dbmis.warehouse.queries.releases import list_releases
        from dbmis.warehouse.queries.submissions import list_submissions

        rels = list_releases(conn)[::-1]
        subs = list_submissions(conn, limit=1000)
        returned = [s for s in subs if s.status == "returned"]
        events = {e.action for e in list_events(conn, limit=1000)}
    db.dispose()
    assert [r.through_month for r in rels] == [202403, 202406, 202409, 202412]
    assert all(r.is_demo and r.note and "Demo" in r.note for r in rels)
    changes = [r.changes or {} for r in rels]
    assert sum(c["values"]["revised"] for c in changes[1:]) > 0  # corrections revised
    assert any(c["submissions"]["revised"] for c in changes[1:])
    (back,) = returned
    # a re-upload of a year file (its earlier revisions came month by month)
    assert back.revision >= 2 and "look ten times too high" in (back.review_reason or "")
    assert any(s.status == "submitted" and s.is_current for s in subs)  # some still waiting
    assert {
        "submission.approved", "submission.returned", "release.published",
        "stocktake.judged", "stocktake.action_added", "stocktake.decision_added",
    } <= events  # fmt: skip
    shown = sh("stocktake", "show", "--quarter", "2024Q4", "--today", "2025-03-10").stdout
    assert "Demo judgement (synthetic data)" in shown and "(was " in shown


class _FixedDate(date):
    @classmethod
    def today(cls) -> _FixedDate:
        return cls(2025, 3, 10)
