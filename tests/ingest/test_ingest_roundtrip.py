"""``ingest()`` end to end on SQLite and PostgreSQL: template -> filled -> warehouse.

What a focal point typed is what the warehouse holds (indicator, month, value and cell);
blanks are missing and zeros are zeros; the evidence store keeps the bytes under their SHA-256;
the audit trail records the load. Re-uploads, corrections, dry runs and the bulk CSV too.
"""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import event

from dbmis.catalog import Catalog
from dbmis.catalog.models import Rule, Text
from dbmis.demo import generate, write_long_csv
from dbmis.ingest import layout as L
from dbmis.ingest.evidence import EvidenceStore
from dbmis.ingest.result import IngestResult, Severity
from dbmis.ingest.service import IngestEnv, Upload, ingest, ingest_many
from dbmis.ingest.templates import template_bytes
from dbmis.ingest.uploader import Uploader
from dbmis.warehouse import Database, sync_catalog
from dbmis.warehouse.queries.audit import list_events
from dbmis.warehouse.queries.dimensions import district_ids, indicator_ids, institution_ids
from dbmis.warehouse.queries.observations import count_rows, observations_for_submission
from dbmis.warehouse.queries.submissions import get_submission, list_submissions, set_status
from tests.ingest.filling import csv_bytes, fill_template, mini_catalog, with_rules

TODAY = date(2027, 1, 15)
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
SYSTEM = Uploader.system()

# what the focal point types: numbers, zeros, and blanks everywhere else (36 cells in all)
TYPED: dict[tuple[str, int], Any] = {
    ("PRO_CASES_DECIDED", 1): 10,
    ("PRO_CASES_DECIDED", 2): 12,
    ("PRO_CASES_DECIDED", 3): 0,
    ("PRO_CASES_DECIDED", 4): 8,
    ("PRO_CASES_DECIDED", 12): 1234567,
    ("PRO_CONVICTIONS", 1): 4,
    ("PRO_CONVICTIONS", 2): 0,
    ("PRO_CONVICTIONS", 4): 8,
    ("PRO_CHALLANS_ON_TIME", 1): 0,
    ("PRO_CHALLANS_ON_TIME", 5): 7,
}


@pytest.fixture(scope="module")
def mini() -> Catalog:
    return mini_catalog()


@pytest.fixture
def env(db: Database, mini: Catalog, tmp_path: Path) -> IngestEnv:
    sync_catalog(db, mini)
    return IngestEnv(db=db, catalog=mini, evidence=EvidenceStore(tmp_path / "evidence"))


def template(catalog: Catalog, year: int = 2026, district: str = "ALPHA") -> bytes:
    return template_bytes(catalog, "PROSECUTION", year=year, district=district)


def typed_cells(data: bytes, values: dict[tuple[str, int], Any]) -> dict[tuple[str, int], str]:
    """Where each value was typed, found in the workbook itself: (code, month) -> 'Data!E8'."""
    ws = load_workbook(io.BytesIO(data))[L.SHEET_DATA]
    rows = {ws.cell(r, 1).value: r for r in range(L.FIRST_DATA_ROW, ws.max_row + 1)}
    header = {ws.cell(L.HEADER_ROW, c).value: c for c in range(1, ws.max_column + 1)}
    cells = {}
    for code, month in values:
        col = header[f"{MONTHS[month - 1]} 2026"]  # the month's column header, e.g. 'Feb 2026'
        assert ws.cell(rows[code], col).value == values[code, month]
        cells[code, month] = f"{L.SHEET_DATA}!{get_column_letter(col)}{rows[code]}"
    return cells


def stored(env: IngestEnv, submission_id: int) -> set[tuple[str, int, float, str | None]]:
    """(indicator, month, value, cell) of every observation of a submission."""
    with env.db.read() as conn:
        codes = {v: k for k, v in indicator_ids(conn).items()}
        rows = observations_for_submission(conn, submission_id)
    return {(codes[r["indicator_id"]], r["month"], r["value"], r["cell"]) for r in rows}


def expected_rows(
    values: dict[tuple[str, int], Any], cells: dict[tuple[str, int], str], year: int = 2026
) -> set[tuple[str, int, float, str | None]]:
    return {
        (code, year * 100 + month, float(v), cells[code, month])
        for (code, month), v in values.items()
        if v is not None
    }


def rows_now(env: IngestEnv) -> dict[str, int]:
    with env.db.read() as conn:
        return count_rows(conn)


def delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """Tables whose row count changed, and by how much."""
    return {t: after[t] - before[t] for t in after if after[t] != before[t]}


def evidence_files(env: IngestEnv) -> list[Path]:
    root = env.evidence.root
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def accepted(result: IngestResult) -> IngestResult:
    assert result.ok, [i.as_dict() for i in result.issues]
    assert result.errors == []
    return result


# --------------------------------------------------------------------------------------------
# one workbook


def test_the_warehouse_holds_exactly_what_was_typed(env: IngestEnv) -> None:
    blank = template(env.catalog)
    data = fill_template(blank, TYPED)
    cells = typed_cells(data, TYPED)
    before = rows_now(env)

    result = accepted(ingest(data, SYSTEM, env, filename="alpha-2026.xlsx", today=TODAY))

    assert result.issues == []
    assert result.duplicate is False
    assert result.counts == {
        "values": len(TYPED),
        "not_reported": 3 * 12 - len(TYPED),
        "not_due": 0,  # the year is over
        "errors": 0,
        "warnings": 0,
        "submissions": 1,
    }
    assert result.submission_ids == [result.submission_id]
    sha = hashlib.sha256(data).hexdigest()
    assert result.sha256 == sha
    # every typed figure, zeros included, with its cell; no row for any blank cell
    assert stored(env, result.submission_id) == expected_rows(TYPED, cells)
    zeros = {r for r in stored(env, result.submission_id) if r[2] == 0.0}
    assert len(zeros) == 3
    # exactly one submission, its observations and one audit event: nothing else changed
    assert delta(before, rows_now(env)) == {
        "submission": 1,
        "observation": len(TYPED),
        "audit_event": 1,
    }
    with env.db.read() as conn:
        sub = get_submission(conn, result.submission_id)
        assert (sub.district_id, sub.institution_id) == (
            district_ids(conn)["ALPHA"],
            institution_ids(conn)["PROSECUTION"],
        )
        (event_,) = list_events(conn)
    assert (sub.year, sub.revision, sub.status, sub.is_current) == (2026, 1, "submitted", True)
    assert (sub.sha256, sub.source_kind, sub.filename) == (sha, "xlsx", "alpha-2026.xlsx")
    assert sub.size_bytes == len(data) and sub.uploaded_by is None and not sub.is_demo
    assert sub.counts["values"] == len(TYPED)
    assert sub.report["issues"] == []
    assert event_.action == "submission.created" and event_.entity == "submission"
    assert event_.entity_id == str(sub.id) and event_.sha256 == sha and event_.actor == "system"
    assert event_.detail["revision"] == 1 and event_.detail["values"] == len(TYPED)
    assert (event_.detail["district"], event_.detail["year"]) == ("ALPHA", 2026)
    # the evidence store holds the very bytes, named by their SHA-256 and nothing else
    assert env.evidence.get(sha) == data
    assert evidence_files(env) == [env.evidence.path_for(sha)]
    assert env.evidence.path_for(sha).name == sha


def test_the_same_bytes_again_are_one_submission(env: IngestEnv) -> None:
    data = fill_template(template(env.catalog), TYPED)
    first = accepted(ingest(data, SYSTEM, env, filename="a.xlsx", today=TODAY))
    before = rows_now(env)

    again = accepted(ingest(data, SYSTEM, env, filename="a (1).xlsx", today=TODAY))

    assert again.duplicate is True
    assert again.submission_id == first.submission_id
    assert again.submission_ids == [first.submission_id]
    assert delta(before, rows_now(env)) == {"audit_event": 1}
    with env.db.read() as conn:
        (dup,) = list_events(conn, action="upload.duplicate")
        (sub,) = list_submissions(conn)
    assert dup.sha256 == first.sha256 and dup.entity_id == str(first.submission_id)
    assert (sub.revision, sub.is_current, sub.filename) == (1, True, "a.xlsx")
    assert len(evidence_files(env)) == 1


def test_a_corrected_file_becomes_revision_2(env: IngestEnv) -> None:
    blank = template(env.catalog)
    first_file = fill_template(blank, TYPED)
    corrected = {**TYPED, ("PRO_CASES_DECIDED", 2): 13, ("PRO_CHALLANS_ON_TIME", 5): None}
    corrected[("PRO_CONVICTIONS", 3)] = 0
    second_file = fill_template(blank, corrected)
    first = accepted(ingest(first_file, SYSTEM, env, today=TODAY))
    kept = stored(env, first.submission_id)

    second = accepted(ingest(second_file, SYSTEM, env, today=TODAY))

    assert second.submission_id != first.submission_id and not second.duplicate
    with env.db.read() as conn:
        old = get_submission(conn, first.submission_id)
        new = get_submission(conn, second.submission_id)
        current = list_submissions(conn, current_only=True)
        created = list_events(conn, action="submission.created")
    assert (old.revision, old.status, old.is_current) == (1, "superseded", False)
    assert (new.revision, new.status, new.is_current) == (2, "submitted", True)
    assert [s.id for s in current] == [new.id]
    assert stored(env, first.submission_id) == kept  # revision 1 keeps its observations
    assert stored(env, second.submission_id) == expected_rows(
        corrected, typed_cells(second_file, {k: v for k, v in corrected.items() if v is not None})
    )
    assert [e.detail["revision"] for e in created] == [2, 1]
    assert set(p.name for p in evidence_files(env)) == {first.sha256, second.sha256}

    # the bytes of revision 1 again: revision 2 holds other bytes, so they become revision 3
    third = accepted(ingest(first_file, SYSTEM, env, today=TODAY))
    assert not third.duplicate
    with env.db.read() as conn:
        assert get_submission(conn, third.submission_id).revision == 3
        assert get_submission(conn, second.submission_id).status == "superseded"


def test_a_dry_run_writes_nothing(env: IngestEnv) -> None:
    good = fill_template(template(env.catalog), TYPED)
    bad = fill_template(template(env.catalog), {**TYPED, ("PRO_CONVICTIONS", 1): 11})
    before = rows_now(env)

    checked = ingest(good, SYSTEM, env, dry_run=True, today=TODAY)
    refused = ingest(bad, SYSTEM, env, dry_run=True, today=TODAY)
    many = ingest_many([Upload(good), Upload(bad)], SYSTEM, env, dry_run=True, today=TODAY)

    assert checked.ok and checked.submission_id is None and checked.submission_ids == []
    assert checked.counts["values"] == len(TYPED) and checked.sha256
    assert not refused.ok and [i.code for i in refused.errors] == ["RULE_ERROR"]
    assert [r.ok for r in many] == [True, False]
    assert rows_now(env) == before  # not even an audit event
    assert evidence_files(env) == []


def test_warnings_are_kept_and_do_not_block(env: IngestEnv) -> None:
    rule = Rule(
        code="CHALLANS_NOT_ABOVE_DECIDED",
        left=["PRO_CHALLANS_ON_TIME"],
        op="<=",
        right=["PRO_CASES_DECIDED"],
        severity="warning",
        message=Text(en="Charge sheets are usually fewer than cases decided.", ur="..."),
    )
    warned = IngestEnv(env.db, with_rules(env.catalog, rule), env.evidence)
    data = fill_template(template(env.catalog), {**TYPED, ("PRO_CHALLANS_ON_TIME", 1): 12})

    result = accepted(ingest(data, SYSTEM, warned, today=TODAY))

    assert [i.code for i in result.issues] == ["RULE_WARNING"]
    assert result.issues[0].severity is Severity.warning and result.counts["warnings"] == 1
    with env.db.read() as conn:
        sub = get_submission(conn, result.submission_id)
    assert [i["code"] for i in sub.report["issues"]] == ["RULE_WARNING"]


def test_outliers_are_judged_against_approved_history_only(env: IngestEnv) -> None:
    history = {("PRO_CASES_DECIDED", m): v for m, v in enumerate([10, 11, 9, 10, 12, 8] * 2, 1)}
    past = accepted(
        ingest(fill_template(template(env.catalog, 2025), history), SYSTEM, env, today=TODAY)
    )
    jump = fill_template(template(env.catalog), {("PRO_CASES_DECIDED", 1): 60})

    # history not yet approved: nothing to compare with
    assert ingest(jump, SYSTEM, env, dry_run=True, today=TODAY).issues == []
    with env.db.write() as conn:
        set_status(conn, past.submission_id, "approved", reviewer_id=None)

    result = accepted(ingest(jump, SYSTEM, env, today=TODAY))
    (issue,) = result.issues
    assert issue.code == "OUTLIER" and issue.severity is Severity.warning
    assert issue.cell == "Data!D8" and issue.period == "2026-01"


# --------------------------------------------------------------------------------------------
# the long CSV


@pytest.fixture(scope="module")
def long_csv(mini: Catalog, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The demo generator's long CSV for the mini catalog: 4 districts x 2 institutions x 2
    years, with the returns that were never sent left out."""
    path = tmp_path_factory.mktemp("long") / "long.csv"
    write_long_csv(generate(mini, first_month=202501, last_month=202612), path)
    return path.read_bytes()


def csv_lines(data: bytes) -> dict[tuple[str, str, int], set[tuple[str, int, float, str]]]:
    """The CSV parsed independently: key -> (indicator, month, value, cell) per line."""
    keys: dict[tuple[str, str, int], set[tuple[str, int, float, str]]] = {}
    for line, row in enumerate(csv.DictReader(io.StringIO(data.decode())), start=2):
        year, month = (int(p) for p in row["period"].split("-"))
        key = (row["district"], row["institution"], year)
        cell = f"CSV!line {line}"
        keys.setdefault(key, set()).add(
            (row["indicator"], year * 100 + month, float(row["value"]), cell)
        )
    return keys


def test_a_long_csv_loads_one_submission_per_key_in_one_transaction(
    env: IngestEnv, long_csv: bytes
) -> None:
    expected = csv_lines(long_csv)
    assert len(expected) >= 12 and {y for _d, _i, y in expected} == {2025, 2026}
    commits: list[object] = []

    def on_commit(conn: object) -> None:
        commits.append(conn)

    event.listen(env.db.engine, "commit", on_commit)
    try:
        result = accepted(ingest(long_csv, SYSTEM, env, filename="bulk.csv", today=TODAY))
    finally:
        event.remove(env.db.engine, "commit", on_commit)

    assert len(commits) == 1  # every key in one write transaction (reads roll back)
    assert len(result.submission_ids) == len(expected) == result.counts["submissions"]
    assert result.counts["values"] == sum(len(v) for v in expected.values())
    with env.db.read() as conn:
        d_codes = {v: k for k, v in district_ids(conn).items()}
        i_codes = {v: k for k, v in institution_ids(conn).items()}
        subs = [get_submission(conn, i) for i in result.submission_ids]
        created = list_events(conn, action="submission.created", limit=1000)
    assert len(created) == len(subs)
    for sub in subs:
        key = (d_codes[sub.district_id], i_codes[sub.institution_id], sub.year)
        assert stored(env, sub.id) == expected.pop(key), key
        assert (sub.revision, sub.is_current, sub.source_kind) == (1, True, "csv")
        assert sub.sha256 == result.sha256 and sub.filename == "bulk.csv"
    assert expected == {}
    assert evidence_files(env) == [env.evidence.path_for(result.sha256)]

    before = rows_now(env)
    again = accepted(ingest(long_csv, SYSTEM, env, filename="bulk.csv", today=TODAY))
    assert again.duplicate and again.submission_ids == result.submission_ids
    assert delta(before, rows_now(env)) == {"audit_event": 1}


def test_a_long_csv_with_one_bad_line_loads_nothing(env: IngestEnv, long_csv: bytes) -> None:
    lines = long_csv.decode().splitlines()
    bad = 1 + len(lines) // 2
    district, institution, indicator, period, _value = lines[bad - 1].split(",")
    lines[bad - 1] = ",".join((district, institution, indicator, period, "twelve"))
    data = ("\n".join(lines) + "\n").encode()
    before = rows_now(env)

    result = ingest(data, SYSTEM, env, filename="bulk.csv", today=TODAY)

    assert not result.ok and result.submission_id is None and result.submission_ids == []
    assert [(i.code, i.cell) for i in result.errors] == [("VALUE_NOT_NUMBER", f"CSV!line {bad}")]
    assert delta(before, rows_now(env)) == {"audit_event": 1}
    with env.db.read() as conn:
        (rejected,) = list_events(conn)
    assert rejected.action == "upload.rejected" and rejected.sha256 == result.sha256
    assert evidence_files(env) == []


def test_a_small_hand_made_csv_round_trips(env: IngestEnv) -> None:
    rows = [
        ("ALPHA", "PROSECUTION", "PRO_CASES_DECIDED", "2026-01", "10"),
        ("ALPHA", "PROSECUTION", "PRO_CONVICTIONS", "2026-01", "0"),
        ("Beta", "PRISONS", "PRS_CAPACITY", "2026-03", "300"),  # a district's English name
        ("BETA", "PRISONS", "PRS_CAPACITY", "2025-12", "280"),
    ]
    result = accepted(ingest(csv_bytes(rows, bom=True), SYSTEM, env, filename="x.csv", today=TODAY))
    assert result.counts["submissions"] == 3
    assert {r for sid in result.submission_ids for r in stored(env, sid)} == {
        ("PRO_CASES_DECIDED", 202601, 10.0, "CSV!line 2"),
        ("PRO_CONVICTIONS", 202601, 0.0, "CSV!line 3"),
        ("PRS_CAPACITY", 202603, 300.0, "CSV!line 4"),
        ("PRS_CAPACITY", 202512, 280.0, "CSV!line 5"),
    }


def test_blank_cells_of_months_not_over_are_not_yet_due(env: IngestEnv) -> None:
    data = fill_template(template(env.catalog), TYPED)
    early = sum(1 for _code, m in TYPED if m <= 3)
    # uploaded on 10 April 2026: January to March are over; April to December are not, so
    # their blank cells are not yet due (3 indicators x 9 months, less what was typed there)
    result = ingest(data, SYSTEM, env, filename="alpha-2026.xlsx", today=date(2026, 4, 10),
                    dry_run=True)  # fmt: skip
    # (figures typed in months not over are refused: PERIOD_IN_FUTURE; the counts still hold)
    assert result.counts["not_reported"] == 3 * 3 - early
    assert result.counts["not_due"] == 3 * 9 - (len(TYPED) - early)
