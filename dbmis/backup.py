"""Backups: the warehouse and the evidence store in one folder, with a manifest to check them.

``dbmis backup create`` writes ``<out>/dbmis-backup-<UTC time>/``:

- the warehouse (``warehouse.sqlite`` or ``warehouse.pgdump``, see
  :mod:`dbmis.warehouse.backup`), copied first;
- ``evidence/``: every stored upload, copied after the warehouse (files are only ever added,
  under their SHA-256, before the data that names them is written: so every file the copy of
  the warehouse names is there), each re-hashed on the way;
- ``manifest.json``: when, the DBMIS version and schema revision, the row count of every table,
  the SHA-256 of the warehouse copy, and the evidence files' count and size.

``dbmis backup check`` re-reads a backup against its manifest; ``dbmis backup restore`` puts
one into an empty warehouse and evidence folder. Secrets (``SECRET_KEY``, the settings file)
are not in a backup: keep them apart.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from dbmis import __version__
from dbmis.warehouse import Database, current_revision
from dbmis.warehouse import backup as wb
from dbmis.warehouse.types import utcnow

MANIFEST = "manifest.json"
EVIDENCE = "evidence"
FORMAT = 1


@dataclass(frozen=True)
class Manifest:
    """What a backup holds (``manifest.json``)."""

    created_at: str
    dbmis_version: str
    schema_revision: str | None
    database: str
    """``sqlite`` or ``postgresql``"""
    warehouse_file: str
    warehouse_sha256: str
    row_counts: dict[str, int]
    evidence_files: int
    evidence_bytes: int
    damaged_evidence: list[str] = field(default_factory=list)
    """files of the evidence store whose content no longer matches their name (not copied)"""
    format: int = FORMAT


@dataclass(frozen=True)
class CheckReport:
    """What :func:`check_backup` found (``problems`` empty: the backup is sound)."""

    manifest: Manifest
    problems: list[str]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _evidence_files(root: Path) -> list[Path]:
    """The stored files (``aa/bb/<sha256>``), without temporary files of writes in progress."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.glob("??/??/*") if p.is_file() and len(p.name) == 64)


def create_backup(
    db: Database, evidence_dir: Path, out: Path, *, now: datetime | None = None
) -> Path:
    """Write a backup folder under ``out``; returns it."""
    at = now or utcnow()
    folder = out / f"dbmis-backup-{at:%Y%m%dT%H%M%SZ}"
    if folder.exists():
        raise wb.BackupError(f"{folder} already exists")
    folder.mkdir(parents=True)
    try:
        live = wb.row_counts(db)
        file = wb.dump(db, folder)
        # SQLite: the copy's own counts (exact); PostgreSQL: the live counts just before the
        # dump's snapshot (for information: writes in between are in the dump, not here)
        counts = wb.check_sqlite_copy(file) if db.dialect_name == "sqlite" else live
        revision = current_revision(db)
        copied, size, damaged = 0, 0, []
        for source in _evidence_files(evidence_dir):
            relative = source.relative_to(evidence_dir)
            target = folder / EVIDENCE / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            if file_sha256(target) != source.name:
                damaged.append(str(relative))
                target.unlink()
                continue
            copied += 1
            size += target.stat().st_size
        manifest = Manifest(
            created_at=at.isoformat(),
            dbmis_version=__version__,
            schema_revision=revision,
            database=db.dialect_name,
            warehouse_file=file.name,
            warehouse_sha256=file_sha256(file),
            row_counts=counts,
            evidence_files=copied,
            evidence_bytes=size,
            damaged_evidence=damaged,
        )
        (folder / MANIFEST).write_text(json.dumps(asdict(manifest), indent=2), encoding="utf-8")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # never leave half a backup that looks whole
        raise
    return folder


def read_manifest(folder: Path) -> Manifest:
    path = folder / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Manifest(**data)
    except FileNotFoundError as exc:
        raise wb.BackupError(f"{folder} is not a DBMIS backup: it has no {MANIFEST}") from exc
    except (ValueError, TypeError) as exc:
        raise wb.BackupError(f"{path} cannot be read: {exc}", code="BACKUP_INVALID") from exc


def check_backup(folder: Path) -> CheckReport:
    """Re-read a backup: the warehouse copy's hash and, for SQLite, its integrity and row
    counts (a PostgreSQL dump is read through by ``pg_restore --list``), and every evidence
    file's hash and count against the manifest."""
    manifest = read_manifest(folder)
    problems: list[str] = []
    file = folder / manifest.warehouse_file
    if not file.is_file():
        problems.append(f"{manifest.warehouse_file} is missing")
    else:
        if file_sha256(file) != manifest.warehouse_sha256:
            problems.append(f"{manifest.warehouse_file} has changed since the backup was made")
        try:
            if manifest.database == "sqlite":
                counts = wb.check_sqlite_copy(file)
                differ = sorted(t for t, n in manifest.row_counts.items() if counts.get(t) != n)
                if differ:
                    problems.append(f"row counts differ from the manifest in: {differ}")
            else:
                wb.check_pg_dump(file)
        except wb.BackupError as exc:
            problems.append(exc.message)
    found = 0
    for path in _evidence_files(folder / EVIDENCE):
        found += 1
        if file_sha256(path) != path.name:
            problems.append(f"evidence file {path.name} is damaged")
    if found != manifest.evidence_files:
        problems.append(f"{found} evidence files, the manifest says {manifest.evidence_files}")
    return CheckReport(manifest, problems)


def restore_backup(folder: Path, db: Database, evidence_dir: Path) -> Manifest:
    """Check the backup, then restore it into ``db`` (which must be empty) and copy its
    evidence files into ``evidence_dir`` (files already there are kept: same name, same
    bytes)."""
    report = check_backup(folder)
    if report.problems:
        raise wb.BackupError(
            "the backup did not pass its check: " + "; ".join(report.problems),
            code="BACKUP_INVALID",
        )
    manifest = report.manifest
    wb.restore(db, folder / manifest.warehouse_file)
    for source in _evidence_files(folder / EVIDENCE):
        target = evidence_dir / source.relative_to(folder / EVIDENCE)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    return manifest
