"""A long file large enough for the set-wise load (constraints and indexes re-created after
it) stores exactly what the row-by-row load stores, and a bad reference loads nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event

import dbmis.warehouse.queries.observation_bulk as observation_bulk
from dbmis.catalog import Catalog
from dbmis.demo import generate, write_long_csv
from dbmis.ingest import load as load_module
from dbmis.ingest.evidence import EvidenceStore
from dbmis.ingest.service import IngestEnv, ingest
from dbmis.warehouse import Database, sync_catalog
from dbmis.warehouse.migrate import schema_diffs
from dbmis.warehouse.queries.dimensions import district_ids, institution_ids
from dbmis.warehouse.queries.submissions import get_submission
from tests.ingest.filling import mini_catalog
from tests.ingest.test_ingest_roundtrip import (
    SYSTEM,
    TODAY,
    accepted,
    csv_lines,
    rows_now,
    stored,
)


@pytest.fixture(scope="module")
def long_csv(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The demo generator's long CSV for the mini catalog (16 keys)."""
    path = tmp_path_factory.mktemp("long") / "long.csv"
    write_long_csv(generate(mini_catalog(), first_month=202501, last_month=202612), path)
    return path.read_bytes()


@pytest.fixture
def env(db: Database, tmp_path: Path) -> IngestEnv:
    mini: Catalog = mini_catalog()
    sync_catalog(db, mini)
    return IngestEnv(db=db, catalog=mini, evidence=EvidenceStore(tmp_path / "evidence"))


@pytest.fixture
def statements(env: IngestEnv):
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(env.db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(env.db.engine, "before_cursor_execute", record)


def test_a_bulk_load_stores_every_line(
    env: IngestEnv, long_csv: bytes, statements: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(observation_bulk, "BULK_ROWS", 10)
    expected = csv_lines(long_csv)

    result = accepted(ingest(long_csv, SYSTEM, env, filename="bulk.csv", today=TODAY))

    bulk = any(s.lstrip().startswith("DROP INDEX") for s in statements)  # the set-wise path
    assert bulk == (env.db.dialect_name == "postgresql")  # SQLite: row by row (no gain)
    with env.db.read() as conn:
        d_codes = {v: k for k, v in district_ids(conn).items()}
        i_codes = {v: k for k, v in institution_ids(conn).items()}
        subs = [get_submission(conn, i) for i in result.submission_ids]
    for sub in subs:
        key = (d_codes[sub.district_id], i_codes[sub.institution_id], sub.year)
        assert stored(env, sub.id) == expected.pop(key), key
    assert expected == {}
    assert schema_diffs(env.db) == []


def test_a_bulk_load_with_a_bad_reference_loads_nothing(
    env: IngestEnv, long_csv: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(observation_bulk, "BULK_ROWS", 10)
    real = load_module._rows

    def one_bad_indicator(*args, **kwargs):
        rows = real(*args, **kwargs)
        return [(r[0], 999_999, *r[2:]) if n == 0 else r for n, r in enumerate(rows)]

    monkeypatch.setattr(load_module, "_rows", one_bad_indicator)
    before = rows_now(env)
    errors = (observation_bulk.ObservationReferenceError, *_integrity_errors())

    with pytest.raises(errors) as caught:
        ingest(long_csv, SYSTEM, env, filename="bulk.csv", today=TODAY)

    if env.db.dialect_name == "postgresql":  # checked set-wise; SQLite checks row by row
        assert isinstance(caught.value, observation_bulk.ObservationReferenceError)
        assert caught.value.code == "OBSERVATION_REFERENCE"
    assert rows_now(env) == before
    assert schema_diffs(env.db) == []


def _integrity_errors() -> tuple[type[Exception], ...]:
    from sqlalchemy.exc import IntegrityError

    return (IntegrityError,)
