"""`dbmis plan ...`: check, report, review and show the action plan from the shell (SQLite)."""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from dbmis.cli import app
from dbmis.demo.plan import demo_pdf
from dbmis.ingest.evidence import sha256_of
from dbmis.warehouse import Database
from dbmis.warehouse.queries import plan as q
from dbmis.warehouse.queries.audit import list_events
from dbmis.warehouse.queries.users import create_user

MINI = Path(__file__).parents[1] / "fixtures" / "catalog_mini"


class Shell:
    def __init__(self, tmp_path: Path) -> None:
        self.url = f"sqlite:///{tmp_path / 'w.sqlite'}"
        self.base = ["--catalog", str(MINI), "--database-url", self.url]
        self.runner = CliRunner()
        self.tmp = tmp_path

    def __call__(self, *args: str, code: int = 0) -> Result:
        result = self.runner.invoke(app, [*self.base, *args])
        assert result.exit_code == code, (result.stdout, result.stderr)
        return result

    def reports(self) -> list[q.PlanReport]:
        db = Database(self.url)
        try:
            with db.read() as conn:
                return q.list_reports(conn)
        finally:
            db.dispose()


@pytest.fixture
def shell(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Shell:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DBMIS_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.delenv("DBMIS_CATALOG", raising=False)
    sh = Shell(tmp_path)
    sh("init")
    db = Database(sh.url)
    with db.write() as conn:
        create_user(conn, "ana", "Ana Analyst", "analyst")
        create_user(conn, "pro", "Prosecution FP", "focal_point", institutions=["PROSECUTION"])
        create_user(conn, "prs", "Prisons FP", "focal_point", institutions=["PRISONS"])
    db.dispose()
    return sh


REPORT = ("plan", "report", "SCRUTINY", "--quarter", "2024Q4", "--status", "on_schedule")


def test_check_prints_the_plan_and_lists_problems(shell: Shell, tmp_path: Path) -> None:
    out = shell("plan", "check").stdout
    assert "Testland action plan: 3 activities, OK" in out
    assert "budget: PKR 14,000,000" in out and "FY2024-25: PKR 6,500,000" in out
    assert "CONVICTION_RATE: 2 activities" in out
    broken = tmp_path / "broken"
    broken.mkdir()
    for f in MINI.iterdir():
        (broken / f.name).write_bytes(f.read_bytes())
    plan = broken / "action_plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("lead: PROSECUTION", "lead: NOBODY"))
    bad = shell("plan", "check", str(broken), code=1)
    assert "action_plan.yaml:" in bad.stderr and "SCRUTINY.lead" in bad.stderr


def test_a_focal_point_reports_and_an_analyst_approves(shell: Shell, tmp_path: Path) -> None:
    pdf = tmp_path / "minutes.pdf"
    pdf.write_bytes(demo_pdf("Minutes"))
    done = shell(
        *REPORT, "--spend", "3000000", "--milestone", "SOP=2024-03-25",
        "--milestone", "cells=2024-12-20", "--narrative", "Two cells at work",
        "--evidence", str(pdf), "--as", "pro",
    )  # fmt: skip
    assert "report 1 recorded (SCRUTINY 2024Q4, revision 1): waiting for review" in done.stdout
    (saved,) = shell.reports()
    assert saved.reporter == "pro" and set(saved.milestones) == {"SOP", "CELLS"}
    assert saved.evidence[0].sha256 == sha256_of(pdf.read_bytes())
    assert (tmp_path / "instance" / "evidence").is_dir()
    listed = shell("plan", "reports", "--state", "submitted").stdout
    assert "SCRUTINY" in listed and "1 report(s)" in listed
    refused = shell("plan", "approve", "1", "--as", "pro", code=1)
    assert "PLAN_NOT_REVIEWER" in refused.stderr
    approved = shell("plan", "approve", "--all-pending", "--as", "ana").stdout
    assert "APPROVED" in approved and "1 approved by ana" in approved
    assert shell.reports()[0].state == "approved"
    shown = shell("plan", "show", "--as-of", "2025-01-15").stdout
    assert "SCRUTINY" in shown and "on_schedule" in shown and "60%" in shown
    data = json.loads(
        shell("plan", "show", "--kpi", "UNDERTRIAL_SHARE", "--as-of", "2025-01-15", "--json").stdout
    )
    assert [a["code"] for a in data["activities"]] == ["LEGAL_AID_PANEL", "VIDEO_LINKS"]
    assert data["counts"]["not_reported"] == 2 and data["overdue_milestones"] == 1
    led = shell("plan", "show", "--institution", "PROSECUTION", "--as-of", "2025-01-15").stdout
    assert "SCRUTINY" in led and "VIDEO_LINKS" not in led


def test_a_focal_point_cannot_report_for_another_institution(shell: Shell) -> None:
    refused = shell(*REPORT, "--spend", "1", "--as", "prs", code=1)
    assert "PLAN_NOT_LEAD" in refused.stderr
    assert shell.reports() == []


def test_bad_input_is_listed_and_nothing_is_recorded(shell: Shell) -> None:
    bad = shell(
        "plan", "report", "SCRUTINY", "--quarter", "2024Q4", "--status", "delayed",
        "--spend", "-4", "--milestone", "NOPE=2024-10-01", "--as", "pro", code=1,
    )  # fmt: skip
    for code in ("PLAN_SPEND_NEGATIVE", "PLAN_UNKNOWN_MILESTONE", "PLAN_NARRATIVE_REQUIRED"):
        assert code in bad.stdout
    assert shell.reports() == []
    malformed = shell(*REPORT, "--spend", "1", "--milestone", "SOP", code=2)
    assert "CODE=YYYY-MM-DD" in malformed.stderr
    checked = shell(
        *REPORT,
        "--spend",
        "1",
        "--milestone",
        "SOP=2024-03-01",
        "--milestone",
        "CELLS=2024-12-01",
        "--dry-run",
        "--json",
    )
    assert json.loads(checked.stdout)["ok"] is True and shell.reports() == []
    assert "no KPI 'NOPE'" in shell("plan", "show", "--kpi", "NOPE", code=1).stderr


def test_return_needs_a_reason_and_the_operator_is_the_cli_user(shell: Shell) -> None:
    shell(
        *REPORT, "--spend", "1", "--milestone", "SOP=2024-03-01", "--milestone", "CELLS=2024-12-01"
    )
    assert shell.reports()[0].reporter == f"cli:{getpass.getuser()}"
    empty = shell("plan", "return", "1", "--reason", " ", code=1)
    assert "REASON_REQUIRED" in empty.stderr
    back = shell("plan", "return", "1", "--reason", "Attach the notification", "--as", "ana")
    assert "RETURNED" in back.stdout and "Attach the notification" in back.stdout
    db = Database(shell.url)
    with db.read() as conn:
        actions = [e.action for e in list_events(conn, entity="plan_report")]
    db.dispose()
    assert actions == ["plan_report.returned", "plan_report.submitted"]
    assert "nothing to approve" in shell("plan", "approve", "--all-pending").stdout
