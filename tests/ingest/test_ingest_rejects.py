"""Every hostile or invalid upload is refused by ``ingest()`` and changes nothing but the audit.

For each file of the hostile corpus (``tests/ingest/hostile.py``, .xlsx and CSV) and each
validation trigger of ``test_validate_codes.py`` that blocks a load: ``ok is False``, the
expected code is among the issues, every issue has a plain message, every table keeps its row
count except exactly one new ``upload.rejected`` audit event carrying the file's SHA-256, the
evidence store stays empty, and nothing is raised. The bombs also stay within 64 MB of memory.

The rejections share one warehouse per backend (module scope): each case compares the row
counts just before and after its own upload, so the cases stay independent.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from dbmis.catalog import Catalog
from dbmis.ingest.codes import CODES
from dbmis.ingest.evidence import EvidenceStore
from dbmis.ingest.result import IngestResult, Severity
from dbmis.ingest.service import IngestEnv, ingest
from dbmis.ingest.uploader import Uploader
from dbmis.warehouse import Database, sync_catalog
from dbmis.warehouse.queries.audit import list_events
from dbmis.warehouse.queries.observations import count_rows
from tests.conftest import BACKENDS, DatabaseFactory
from tests.ingest import hostile
from tests.ingest.filling import mini_catalog
from tests.ingest.test_validate_codes import TODAY, TRIGGERS

MiB = 1024 * 1024

# Through ingest() a few files are refused with another code than the lower layer's own test:
# - formulas are listed by the safety layer and reported by validation as VALUE_FORMULA, cell
#   by cell, together with the file's other problems (one pass);
# - the "not really a zip" reader trigger is stopped earlier, by the safety checks.
HOSTILE_VIA_INGEST = {"FILE_FORMULA": "VALUE_FORMULA"}
TRIGGER_VIA_INGEST = {"WORKBOOK_UNREADABLE": "FILE_TRUNCATED_ZIP"}

# validation codes that are warnings: they never block a load (see test_ingest_roundtrip.py)
BLOCKING = [code for code in TRIGGERS if CODES[code].severity is Severity.error]

# files that would expand to, or hold, far more than the limits if read naively
BOMBS = [
    "zip_bomb_200mb_zeros.xlsx",
    "lying_sizes_bomb.xlsx",
    "lying_sizes_and_crc_bomb.xlsx",
    "overlapping_entries.xlsx",
    "part_too_large_51mib.xlsx",
    "total_too_large_3x34mib.xlsx",
    "huge_shared_strings_10mb.xlsx",
    "billion_laughs_shared_strings.xlsx",
    "many_entries_20000.xlsx",
    "forged_dimension.xlsx",
]

_PYTHON_LEAK = re.compile(r"Traceback|Exception\b|\w+Error\b|<\w+ object at|File \".*\", line")


@dataclasses.dataclass
class Shared:
    db: Database
    catalog: Catalog
    evidence: EvidenceStore

    def env(self, catalog: Catalog | None = None) -> IngestEnv:
        return IngestEnv(db=self.db, catalog=catalog or self.catalog, evidence=self.evidence)


@pytest.fixture(scope="module", params=BACKENDS)
def shared(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    _db_templates: object,
) -> Iterator[Shared]:
    """One warehouse per backend for the whole module, with the mini catalog synced."""
    folder = tmp_path_factory.mktemp("rejects")
    factory = DatabaseFactory(request, folder, _db_templates)  # type: ignore[arg-type]
    try:
        db = factory(request.param)
        catalog = mini_catalog()
        sync_catalog(db, catalog)
        yield Shared(db, catalog, EvidenceStore(folder / "evidence"))
    finally:
        factory.close()


def evidence_files(shared: Shared) -> list[Path]:
    root = shared.evidence.root
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def assert_rejected_cleanly(
    shared: Shared,
    before: dict[str, int],
    result: IngestResult,
    data: bytes,
    expected: str,
    *,
    actor: str = "system",
) -> None:
    """The checks every refused upload must pass."""
    shown = [i.as_dict() for i in result.issues]
    assert result.ok is False, shown
    assert result.submission_id is None and result.submission_ids == [] and not result.duplicate
    assert expected in [i.code for i in result.errors], shown
    assert result.counts["errors"] == len(result.errors) >= 1
    for issue in result.issues:
        assert isinstance(issue.message, str) and issue.message.strip(), issue
        assert not _PYTHON_LEAK.search(issue.message), issue.message
        assert issue.code in CODES or issue.code.startswith("FILE_"), issue
    json.dumps(result.as_dict())  # the page and the CLI show it as JSON
    sha = hashlib.sha256(data).hexdigest()
    assert result.sha256 == sha
    with shared.db.read() as conn:
        after = count_rows(conn)
        newest = list_events(conn, limit=1)[0]
    changed = {t: after[t] - before[t] for t in after if after[t] != before[t]}
    assert changed == {"audit_event": 1}
    assert (newest.action, newest.entity, newest.sha256, newest.actor) == (
        "upload.rejected",
        "upload",
        sha,
        actor,
    )
    assert expected in newest.detail["codes"] and newest.detail["size"] == len(data)
    assert evidence_files(shared) == []


def rows(shared: Shared) -> dict[str, int]:
    with shared.db.read() as conn:
        return count_rows(conn)


# --------------------------------------------------------------------------------------------
# the hostile corpus


HOSTILE = hostile.names()
HOSTILE_CSV = {name: (data, code) for name, data, code in hostile.csv_corpus()}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_workbook_is_refused_and_changes_nothing(shared: Shared, name: str) -> None:
    """Refused, nothing changed; for the bombs the whole ``ingest()`` call peaks below 64 MB."""
    _name, data, code = hostile.case(name)  # built (and cached) before any measuring
    env, user = shared.env(), Uploader.system()
    before = rows(shared)
    if name in BOMBS:
        tracemalloc.start()
        try:
            result = ingest(data, user, env, filename=name, today=TODAY)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < 64 * MiB, f"peak {peak / MiB:.1f} MiB"
    else:
        result = ingest(data, user, env, filename=name, today=TODAY)
    assert_rejected_cleanly(shared, before, result, data, HOSTILE_VIA_INGEST.get(code, code))


def test_the_bombs_are_in_the_corpus() -> None:
    assert set(BOMBS) <= set(HOSTILE)


@pytest.mark.parametrize("name", list(HOSTILE_CSV))
def test_a_hostile_csv_is_refused_and_changes_nothing(shared: Shared, name: str) -> None:
    data, code = HOSTILE_CSV[name]
    before = rows(shared)
    result = ingest(data, Uploader.system(), shared.env(), filename=name, today=TODAY)
    assert_rejected_cleanly(shared, before, result, data, code)


# --------------------------------------------------------------------------------------------
# the validation triggers


@pytest.mark.parametrize("code", BLOCKING)
def test_a_file_that_fails_validation_is_refused_and_changes_nothing(
    shared: Shared, code: str
) -> None:
    case = TRIGGERS[code]()
    options = dict(case.options)
    user = Uploader(
        username="system",
        role="analyst",
        districts=_frozen(options.pop("allowed_districts", None)),
        institutions=_frozen(options.pop("allowed_institutions", None)),
    )
    today = options.pop("today", TODAY)
    assert "history" not in options  # only OUTLIER needs it, and it is a warning
    filename = "bulk.csv" if case.csv else "return.xlsx"
    before = rows(shared)

    result = ingest(
        case.data, user, shared.env(case.catalog), filename=filename, today=today, **options
    )

    assert_rejected_cleanly(shared, before, result, case.data, TRIGGER_VIA_INGEST.get(code, code))


def test_the_triggers_used_here_cover_every_blocking_code() -> None:
    assert set(BLOCKING) == {c for c, info in CODES.items() if info.severity is Severity.error}
    assert set(CODES) - set(BLOCKING) == {"RULE_WARNING", "OUTLIER"}


def _frozen(codes: object) -> frozenset[str] | None:
    return None if codes is None else frozenset(codes)  # type: ignore[arg-type]


def test_each_refused_upload_is_audited_even_the_same_file_twice(shared: Shared) -> None:
    _name, data, code = hostile.case("macro_enabled_content_type.xlsx")
    before = rows(shared)
    for _ in range(2):
        result = ingest(data, Uploader.system(), shared.env(), filename="m.xlsx", today=TODAY)
        assert not result.ok and code in [i.code for i in result.issues]
    with shared.db.read() as conn:
        after = count_rows(conn)
        events = list_events(conn, limit=2)
    assert after["audit_event"] - before["audit_event"] == 2  # one per upload, no submission
    assert after["submission"] == before["submission"]
    assert {e.sha256 for e in events} == {hashlib.sha256(data).hexdigest()}
