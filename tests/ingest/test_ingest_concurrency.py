"""Loads are atomic and serialised per key, on SQLite (file, WAL) and PostgreSQL.

- 8 processes upload 8 different valid files for one (district, institution, year) at the same
  moment: 8 consecutive revisions, exactly one current, no errors;
- an exception after part of the rows were inserted rolls the whole upload back;
- a process killed with SIGKILL in the middle of a load leaves nothing behind, and the key can
  be loaded again at once (no lock is left held).

The uploading processes are started with the 'spawn' context and each opens its own
``Database`` from the URL, as separate web workers would. Importing Great Expectations costs
~4 s of CPU per process, too much for 8 processes on a small CI machine, so the workers replace
the expectation run by "no failures"; everything else (safety checks, reading, structure
checks, history query, load) is the real thing, and the parent first proves with a full dry run
that every file passes the complete validation.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from dbmis.catalog import Catalog
from dbmis.ingest import load as load_module
from dbmis.ingest.evidence import EvidenceStore
from dbmis.ingest.service import IngestEnv, ingest
from dbmis.ingest.templates import template_bytes
from dbmis.ingest.uploader import Uploader
from dbmis.warehouse import Database, sync_catalog
from dbmis.warehouse.queries.audit import list_events
from dbmis.warehouse.queries.observations import count_rows, observations_for_submission
from dbmis.warehouse.queries.submissions import list_submissions
from tests.ingest.filling import MINI, csv_bytes, fill_template, mini_catalog

TODAY = date(2027, 1, 15)
WORKERS = 8
SPAWN = multiprocessing.get_context("spawn")
TIMEOUT = 120  # seconds; only a guard against a hung child, never asserted on


@pytest.fixture(scope="module")
def mini() -> Catalog:
    return mini_catalog()


@pytest.fixture
def env(db: Database, mini: Catalog, tmp_path: Path) -> IngestEnv:
    sync_catalog(db, mini)
    return IngestEnv(db=db, catalog=mini, evidence=EvidenceStore(tmp_path / "evidence"))


def url_of(db: Database) -> str:
    return db.url.render_as_string(hide_password=False)


def rows(env: IngestEnv) -> dict[str, int]:
    with env.db.read() as conn:
        return count_rows(conn)


def returns(catalog: Catalog, count: int) -> list[bytes]:
    """``count`` different valid returns for Alpha's prosecution office, 2026."""
    blank = template_bytes(catalog, "PROSECUTION", year=2026, district="ALPHA")
    return [
        fill_template(blank, {("PRO_CASES_DECIDED", 1): 20 + n, ("PRO_CONVICTIONS", 1): n})
        for n in range(count)
    ]


# --------------------------------------------------------------------------------------------
# what runs in the spawned processes (module level, so that 'spawn' can import it)


def _child_env(url: str, evidence_root: str) -> IngestEnv:
    from dbmis.catalog import load_catalog
    from dbmis.ingest.validate import rules

    rules.run_expectations = lambda *_args, **_kwargs: []  # see the module docstring
    return IngestEnv(Database(url), load_catalog(MINI), EvidenceStore(Path(evidence_root)))


def _upload(n: int, url: str, evidence_root: str, data: bytes, barrier: Any, results: Any) -> None:
    env = _child_env(url, evidence_root)
    try:
        # pay every first-use cost (imports, connection, reader) before the start line
        warm = ingest(data, Uploader.system(), env, dry_run=True, today=TODAY)
        barrier.wait(TIMEOUT)
        result = ingest(
            data, Uploader(f"worker{n}", "analyst"), env, filename=f"{n}.xlsx", today=TODAY
        )
        results.put((n, warm.ok, result.ok, result.submission_id, result.sha256, None))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, asserted there
        results.put((n, None, None, None, None, repr(exc)))
    finally:
        env.db.dispose()


def _load_then_hang(url: str, evidence_root: str, data: bytes, inserted: Any) -> None:
    """Load a file, but stop for good after the first observations are written."""
    env = _child_env(url, evidence_root)
    real = load_module.insert_observations

    def insert_then_wait(conn: Any, observations: list[Any]) -> int:
        count = real(conn, observations[:2])
        inserted.set()  # the parent kills us now, in the middle of the transaction
        signal.pause()
        return count

    load_module.insert_observations = insert_then_wait
    ingest(data, Uploader.system(), env, filename="killed.xlsx", today=TODAY)


def _stop(processes: list[Any]) -> None:
    """Kill the children that are still running (after a failure) and reap them."""
    for p in processes:
        if p.is_alive():
            p.kill()
        p.join(TIMEOUT)


# --------------------------------------------------------------------------------------------


def test_eight_parallel_uploads_of_one_key_make_eight_revisions(env: IngestEnv) -> None:
    files = returns(env.catalog, WORKERS)
    for data in files:  # each file passes the full validation, Great Expectations included
        checked = ingest(data, Uploader.system(), env, dry_run=True, today=TODAY)
        assert checked.ok and checked.issues == []
    before = rows(env)
    barrier = SPAWN.Barrier(WORKERS)
    results = SPAWN.Queue()
    processes = [
        SPAWN.Process(
            target=_upload,
            args=(n, url_of(env.db), str(env.evidence.root), files[n], barrier, results),
        )
        for n in range(WORKERS)
    ]
    try:
        for p in processes:
            p.start()
        outcomes = sorted(results.get(timeout=TIMEOUT) for _ in processes)
        for p in processes:
            p.join(TIMEOUT)
    finally:
        _stop(processes)

    assert [o[5] for o in outcomes] == [None] * WORKERS, outcomes  # no exception anywhere
    assert all(o[1] and o[2] for o in outcomes), outcomes
    assert [p.exitcode for p in processes] == [0] * WORKERS
    with env.db.read() as conn:
        subs = sorted(list_submissions(conn), key=lambda s: s.revision)
        created = list_events(conn, action="submission.created")
        observed = {s.id: observations_for_submission(conn, s.id) for s in subs}
    assert [s.revision for s in subs] == list(range(1, WORKERS + 1))
    assert [s.is_current for s in subs] == [False] * (WORKERS - 1) + [True]
    assert [s.status for s in subs] == ["superseded"] * (WORKERS - 1) + ["submitted"]
    assert {s.id for s in subs} == {o[3] for o in outcomes}
    # each revision holds its own file's figures: n + 20 cases decided, n convictions
    by_sha = {o[4]: o[0] for o in outcomes}
    for s in subs:
        n = by_sha[s.sha256]
        assert sorted(r["value"] for r in observed[s.id]) == sorted([20.0 + n, float(n)])
    assert sorted(int(e.detail["revision"]) for e in created) == list(range(1, WORKERS + 1))
    after = rows(env)
    assert {t: after[t] - before[t] for t in after if after[t] != before[t]} == {
        "submission": WORKERS,
        "observation": 2 * WORKERS,
        "audit_event": WORKERS,
    }


@pytest.fixture
def fail_after(monkeypatch: pytest.MonkeyPatch) -> Callable[[int, int], list[int]]:
    """``fail_after(call, k)``: on its ``call``-th use, insert_observations writes ``k`` rows
    for real and then raises. Returns the rows written by each call."""

    real = load_module.insert_observations

    def arm(call: int, k: int) -> list[int]:
        written: list[int] = []

        def flaky(conn: Any, observations: list[Any]) -> int:
            if len(written) + 1 < call:
                written.append(real(conn, observations))
                return written[-1]
            written.append(real(conn, observations[:k]))
            raise RuntimeError("the disk is full")

        monkeypatch.setattr(load_module, "insert_observations", flaky)
        return written

    return arm


def test_an_exception_after_some_rows_rolls_the_whole_upload_back(
    env: IngestEnv, fail_after: Callable[[int, int], list[int]]
) -> None:
    lines = [
        (d, "PROSECUTION", code, f"{y}-{m:02d}", str(v))
        for d in ("ALPHA", "BETA")
        for y in (2025, 2026)
        for m in range(1, 7)
        for code, v in (("PRO_CASES_DECIDED", 10 + m), ("PRO_CONVICTIONS", m))
    ]
    data = csv_bytes(lines)
    written = fail_after(3, 5)  # keys 1 and 2 loaded, key 3 fails after 5 of its 12 rows
    before = rows(env)

    with pytest.raises(RuntimeError, match="disk is full"):
        ingest(data, Uploader.system(), env, filename="bulk.csv", today=TODAY)

    assert written == [12, 12, 5]  # rows really were written before the failure
    assert rows(env) == before  # no submission, no observation, no audit event
    # the evidence store may keep the bytes (stored first, content-addressed, harmless)
    fail_after(99, 0)  # disarmed: the same file now loads completely
    result = ingest(data, Uploader.system(), env, filename="bulk.csv", today=TODAY)
    assert result.ok and len(result.submission_ids) == 4
    with env.db.read() as conn:
        assert [s.revision for s in list_submissions(conn)] == [1, 1, 1, 1]


def test_an_exception_in_a_single_workbook_load_leaves_no_revision(
    env: IngestEnv, fail_after: Callable[[int, int], list[int]]
) -> None:
    first, second = returns(env.catalog, 2)
    assert ingest(first, Uploader.system(), env, today=TODAY).ok
    before = rows(env)
    fail_after(1, 1)
    with pytest.raises(RuntimeError):
        ingest(second, Uploader.system(), env, today=TODAY)
    assert rows(env) == before
    with env.db.read() as conn:
        (current,) = list_submissions(conn)
    assert (current.revision, current.is_current, current.status) == (1, True, "submitted")


def test_a_load_killed_midway_leaves_nothing_and_no_lock(env: IngestEnv) -> None:
    first, second = returns(env.catalog, 2)
    assert ingest(first, Uploader.system(), env, today=TODAY).ok
    before = rows(env)
    inserted = SPAWN.Event()
    child = SPAWN.Process(
        target=_load_then_hang, args=(url_of(env.db), str(env.evidence.root), second, inserted)
    )
    try:
        child.start()
        assert inserted.wait(TIMEOUT), "the child never reached the load"
        os.kill(child.pid, signal.SIGKILL)
        child.join(TIMEOUT)
    finally:
        _stop([child])
    assert child.exitcode == -signal.SIGKILL

    assert rows(env) == before
    # the key is free again at once: the next upload becomes revision 2
    result = ingest(second, Uploader.system(), env, today=TODAY)
    assert result.ok and not result.duplicate
    with env.db.read() as conn:
        revisions = sorted((s.revision, s.is_current) for s in list_submissions(conn))
    assert revisions == [(1, False), (2, True)]
