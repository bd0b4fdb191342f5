"""Templates filled and saved with LibreOffice Calc are accepted and load exactly as typed.

The fixtures in ``tests/fixtures/libreoffice/`` are made by
``scripts/make-libreoffice-fixtures.py`` from the current default catalog's templates, then
re-saved by LibreOffice (see the README there): (a) a template pre-filled for Quetta and 2025,
(b) the generic template with "Zhob" typed into C2 and 2024 into C3. ``expected.json`` lists
every figure that must arrive in the warehouse, with its month and cell.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from dbmis.catalog import Catalog, load_catalog
from dbmis.ingest.evidence import EvidenceStore
from dbmis.ingest.read import read_workbook
from dbmis.ingest.safety import inspect_xlsx
from dbmis.ingest.service import IngestEnv, ingest
from dbmis.ingest.uploader import Uploader
from dbmis.warehouse import Database, sync_catalog
from dbmis.warehouse.queries.dimensions import district_ids, indicator_ids, institution_ids
from dbmis.warehouse.queries.observations import observations_for_submission
from dbmis.warehouse.queries.submissions import get_submission

FOLDER = Path(__file__).parents[1] / "fixtures" / "libreoffice"
EXPECTED: dict[str, dict[str, Any]] = json.loads((FOLDER / "expected.json").read_text("utf-8"))
FILES = sorted(EXPECTED)
REGENERATE = "run `.venv/bin/python scripts/make-libreoffice-fixtures.py` and commit the result"
TODAY = date(2026, 1, 15)


@cache
def catalog() -> Catalog:
    return load_catalog()


def fixture_bytes(name: str) -> bytes:
    return (FOLDER / name).read_bytes()


def test_every_fixture_is_listed_and_present() -> None:
    assert sorted(p.name for p in FOLDER.glob("*.xlsx")) == FILES
    assert len(FILES) == 2
    assert {e["typed_district"] is None for e in EXPECTED.values()} == {True, False}


@pytest.mark.parametrize("name", FILES)
def test_the_fixture_was_made_from_the_current_catalog(name: str) -> None:
    expected = EXPECTED[name]
    current = catalog().template_fingerprint(expected["institution"])
    outcome = read_workbook(fixture_bytes(name), catalog())
    assert outcome.meta is not None
    assert outcome.meta.fingerprint == expected["template_fingerprint"] == current, REGENERATE


@pytest.mark.parametrize("name", FILES)
def test_the_fixture_was_saved_by_libreoffice(name: str) -> None:
    facts = inspect_xlsx(fixture_bytes(name), value_sheets=())
    assert facts.application is not None and facts.application.startswith("LibreOffice"), (
        facts.application
    )
    # LibreOffice keeps the sheets and their visibility as the template has them
    visibility = {s.name: s.visibility for s in facts.sheets}
    assert visibility == {
        "Instructions": "visible",
        "Data": "visible",
        "Lists": "hidden",
        "_meta": "hidden",
    }
    assert facts.formula_cells == {}


@pytest.fixture
def env(db: Database, tmp_path: Path) -> IngestEnv:
    sync_catalog(db, catalog())
    return IngestEnv(db=db, catalog=catalog(), evidence=EvidenceStore(tmp_path / "evidence"))


@pytest.mark.parametrize("name", FILES)
def test_a_libreoffice_file_loads_exactly_what_was_typed(env: IngestEnv, name: str) -> None:
    expected = EXPECTED[name]
    data = fixture_bytes(name)

    result = ingest(data, Uploader.system(), env, filename=name, today=TODAY)

    assert result.ok, [i.as_dict() for i in result.issues]
    assert result.issues == []
    assert result.counts["values"] == len(expected["values"])
    assert result.counts["not_reported"] == expected["not_reported"]
    with env.db.read() as conn:
        sub = get_submission(conn, result.submission_id)
        codes = {v: k for k, v in indicator_ids(conn).items()}
        rows = observations_for_submission(conn, sub.id)
        assert sub.district_id == district_ids(conn)[expected["district"]]
        assert sub.institution_id == institution_ids(conn)[expected["institution"]]
    assert (sub.year, sub.revision, sub.is_current) == (expected["year"], 1, True)
    loaded = {(codes[r["indicator_id"]], r["month"], r["value"], r["cell"]) for r in rows}
    assert loaded == {(code, month, float(v), cell) for code, month, v, cell in expected["values"]}
    assert env.evidence.get(result.sha256) == data
