"""Helpers of the action plan pages' tests: accounts with real users, page contexts, reports
filed through the real workflow, a release published with the real publish routine, and the
text of a drawn page.

The mini catalog's plan: SCRUTINY (led by PROSECUTION, behind CONVICTION_RATE),
LEGAL_AID_PANEL (PRISONS, UNDERTRIAL_SHARE) and VIDEO_LINKS (PRISONS, behind both KPIs).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import plotly.utils
import pytest

from dbmis.app.auth import Account
from dbmis.app.context import AppState, PageContext, PageQuery
from dbmis.catalog import Catalog
from dbmis.ingest.progress import PlanActor, approve_reports, report_progress
from dbmis.kpis import releases
from dbmis.warehouse import Database
from dbmis.warehouse.queries.plan import list_reports
from tests.support.auth import make_user

NARRATIVE = "Cells staffed in two districts; the third waits for a prosecutor (test narrative)."
PENDING_NARRATIVE = "Video rooms half ready: waiting for the equipment (pending, never public)."


def account(
    db: Database,
    role: str,
    *,
    districts: tuple[str, ...] = (),
    institutions: tuple[str, ...] = (),
    username: str | None = None,
) -> Account:
    """A real user of ``role`` and the :class:`Account` a signed-in request would carry."""
    user = make_user(db, role, username=username, districts=districts, institutions=institutions)
    return Account(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=role,
        districts=frozenset(districts),
        institutions=frozenset(institutions),
        session_id="test-session",
    )


def page_ctx(
    state: AppState, path: str, search: str = "", who: Account | None = None
) -> PageContext:
    return PageContext(
        state=state,
        path=path,
        query=PageQuery.parse(search, state.catalog),
        account=who,
        search=search,
    )


def dump(component: Any) -> str:
    """A component tree as JSON text (what the browser receives)."""
    return json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def file_report(
    db: Database,
    catalog: Catalog,
    activity: str,
    quarter: str = "2025Q4",
    *,
    approve: bool = False,
    **kw: Any,
) -> int:
    """A progress report by a DU operator (an analyst), approved when asked."""
    args: dict[str, Any] = {
        "status": "on_schedule",
        "spend_pkr": 3_000_000,
        "milestones": {},
        "narrative": NARRATIVE,
    }
    args.update(kw)
    actor = PlanActor.operator("cli:tester")
    result = report_progress(db, catalog, actor, activity, quarter, **args)
    assert result.ok and result.report_id is not None, result.issues
    if approve:
        approve_reports(db, [result.report_id], actor)
    return result.report_id


def publish(
    db: Database, catalog: Catalog, monkeypatch: pytest.MonkeyPatch, through: int = 202603
) -> int:
    """A new release through ``through`` by the real routine (the KPI recompute is skipped:
    tested elsewhere); it snapshots the approved plan status."""
    monkeypatch.setattr(releases, "recompute_kpis", lambda conn, catalog, through_month: None)
    info = releases.publish(
        db,
        catalog,
        through_month=through,
        note="With the action plan",
        published_by="cli:tester",
        now=datetime(2026, 4, 20, tzinfo=UTC),
    )
    return info.number


def report_states(db: Database) -> list[tuple[str, str, int, str]]:
    with db.read() as conn:
        return sorted(
            (r.activity, r.quarter, r.revision, r.state) for r in list_reports(conn, limit=10_000)
        )
