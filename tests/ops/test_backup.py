"""Backups (:mod:`dbmis.backup`, ``dbmis backup``) on SQLite and PostgreSQL: a backup holds
exactly what the warehouse and the evidence store hold, a check finds any damage, and a
restore into an empty warehouse gives back the same rows and files (and refuses anything else,
writing nothing)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dbmis.backup import EVIDENCE, MANIFEST, check_backup, create_backup, restore_backup
from dbmis.catalog import load_catalog
from dbmis.cli import app
from dbmis.ingest.evidence import EvidenceStore
from dbmis.warehouse import Database, current_revision, sync_catalog
from dbmis.warehouse.backup import BackupError, row_counts
from dbmis.warehouse.queries.audit import append_event
from tests.app.conftest import MINI
from tests.conftest import DatabaseFactory

NOW = datetime(2026, 11, 22, 14, 30, tzinfo=UTC)


@pytest.fixture
def filled(db: Database, tmp_path: Path) -> tuple[Database, Path]:
    """A warehouse with the mini catalog and an audit event, and two stored uploads."""
    sync_catalog(db, load_catalog(MINI))
    with db.write() as conn:
        append_event(conn, actor="ana", action="upload.rejected", entity="upload",
                     detail={"filename": "x.xlsx"})  # fmt: skip
    store = EvidenceStore(tmp_path / "evidence")
    store.put(b"first upload")
    store.put(b"second upload, a little longer")
    return db, store.root


def test_a_backup_holds_everything_and_restores_into_an_empty_warehouse(
    filled: tuple[Database, Path], tmp_path: Path, new_database: DatabaseFactory
) -> None:
    db, evidence = filled
    folder = create_backup(db, evidence, tmp_path / "backups", now=NOW)
    assert folder.name == "dbmis-backup-20261122T143000Z"
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["row_counts"] == row_counts(db)
    assert manifest["row_counts"]["district"] > 0 and manifest["row_counts"]["audit_event"] == 1
    assert manifest["evidence_files"] == 2 and manifest["damaged_evidence"] == []
    assert manifest["schema_revision"] == current_revision(db)
    assert check_backup(folder).problems == []

    target = new_database(db.dialect_name.replace("postgresql", "postgres"), migrated=False)
    restored_evidence = tmp_path / "restored-evidence"
    restore_backup(folder, target, restored_evidence)
    assert row_counts(target) == row_counts(db)
    assert current_revision(target) == current_revision(db)
    assert sorted(p.name for p in restored_evidence.rglob("*") if p.is_file()) == sorted(
        p.name for p in evidence.rglob("*") if p.is_file()
    )
    # a second restore: the warehouse is no longer empty, nothing is written
    with pytest.raises(BackupError) as refused:
        restore_backup(folder, target, restored_evidence)
    assert refused.value.code == "RESTORE_REFUSED"
    with pytest.raises(BackupError, match="not empty"):
        restore_backup(folder, db, evidence)
    assert row_counts(target) == row_counts(db)


def test_a_check_finds_damage_and_a_damaged_backup_is_not_restored(
    filled: tuple[Database, Path], tmp_path: Path, new_database: DatabaseFactory
) -> None:
    db, evidence = filled
    folder = create_backup(db, evidence, tmp_path / "backups", now=NOW)
    copy = next(p for p in (folder / EVIDENCE).rglob("*") if p.is_file())
    copy.write_bytes(b"changed")
    (folder / "extra").mkdir()
    problems = check_backup(folder).problems
    assert problems == [f"evidence file {copy.name} is damaged"]
    warehouse = folder / json.loads((folder / MANIFEST).read_text())["warehouse_file"]
    with warehouse.open("r+b") as handle:
        handle.seek(200)
        handle.write(b"\x00\xff" * 8)
    problems = check_backup(folder).problems
    assert any("has changed since the backup was made" in p for p in problems), problems
    target = new_database(db.dialect_name.replace("postgresql", "postgres"), migrated=False)
    with pytest.raises(BackupError) as bad:
        restore_backup(folder, target, tmp_path / "restored")
    assert bad.value.code == "BACKUP_INVALID"
    assert row_counts_or_none(target) is None and not (tmp_path / "restored").exists()


def row_counts_or_none(db: Database) -> dict[str, int] | None:
    from dbmis.warehouse.backup import is_empty

    return None if is_empty(db) else row_counts(db)


def test_a_damaged_stored_upload_is_reported_not_copied(
    filled: tuple[Database, Path], tmp_path: Path
) -> None:
    db, evidence = filled
    stored = next(p for p in evidence.rglob("*") if p.is_file())
    stored.write_bytes(b"bit rot")
    folder = create_backup(db, evidence, tmp_path / "backups", now=NOW)
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["evidence_files"] == 1
    assert manifest["damaged_evidence"] == [str(stored.relative_to(evidence))]
    assert check_backup(folder).problems == []


def test_not_a_backup(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="is not a DBMIS backup"):
        check_backup(tmp_path)


def test_the_cli_creates_checks_and_restores(
    filled: tuple[Database, Path], tmp_path: Path, new_database: DatabaseFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    db, evidence = filled
    monkeypatch.chdir(tmp_path)
    url = db.url.render_as_string(hide_password=False)
    base = ["--database-url", url, "--catalog", str(MINI)]
    monkeypatch.setenv("DBMIS_EVIDENCE_DIR", str(evidence))
    made = CliRunner().invoke(app, [*base, "backup", "create", "--out", str(tmp_path / "b")])
    assert made.exit_code == 0, made.output
    assert "backup written to" in made.stdout and "evidence: 2 files" in made.stdout
    folder = next((tmp_path / "b").iterdir())
    checked = CliRunner().invoke(app, ["backup", "check", str(folder)])
    assert checked.exit_code == 0 and "sound" in checked.stdout, checked.output

    target = new_database(db.dialect_name.replace("postgresql", "postgres"), migrated=False)
    target_url = target.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DBMIS_EVIDENCE_DIR", str(tmp_path / "restored"))
    back = CliRunner().invoke(
        app,
        ["--database-url", target_url, "--catalog", str(MINI), "backup", "restore", str(folder)],
    )
    assert back.exit_code == 0, back.output
    assert "now run `dbmis init`" in back.stdout
    assert row_counts(target) == row_counts(db)
    again = CliRunner().invoke(
        app,
        ["--database-url", target_url, "--catalog", str(MINI), "backup", "restore", str(folder)],
    )
    assert again.exit_code == 1 and "error [RESTORE_REFUSED]" in again.stderr
    assert "Traceback" not in again.output
