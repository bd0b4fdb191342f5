"""``dbmis backup create | check | restore``: the warehouse and the evidence store, kept safe.

See :mod:`dbmis.backup` for what a backup holds. Run ``create`` from cron or a systemd timer,
keep the folders on another disk or machine, and ``check`` them now and then.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dbmis.cli.context import fail, state
from dbmis.errors import DbmisError

app = typer.Typer(
    help="Back up the warehouse and the stored uploads, check a backup, restore one.",
    no_args_is_help=True,
)


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB"


@app.command("create")
def create(
    ctx: typer.Context,
    out: Annotated[
        Path | None,
        typer.Option(help="Folder to write the backup into (default: <instance>/backups)."),
    ] = None,
) -> None:
    """Copy the warehouse (a consistent snapshot: the site may keep running) and every
    stored upload into a new folder, with a manifest. Prints the folder."""
    from dbmis.backup import create_backup, read_manifest
    from dbmis.warehouse import Database

    settings = state(ctx).settings
    db = Database(settings)
    try:
        folder = create_backup(
            db, settings.resolved_evidence_dir, out or settings.instance_dir / "backups"
        )
    except DbmisError as exc:
        raise fail(exc) from exc
    finally:
        db.dispose()
    manifest = read_manifest(folder)
    rows = sum(manifest.row_counts.values())
    typer.echo(f"backup written to {folder}")
    typer.echo(
        f"  warehouse ({manifest.database}, schema {manifest.schema_revision}): {rows:,} rows; "
        f"evidence: {manifest.evidence_files:,} files, {_size(manifest.evidence_bytes)}"
    )
    if manifest.damaged_evidence:
        typer.secho(
            f"  warning: {len(manifest.damaged_evidence)} stored upload(s) no longer match "
            f"their SHA-256 and were not copied: {', '.join(manifest.damaged_evidence[:10])}",
            err=True,
            fg=typer.colors.YELLOW,
        )
        raise typer.Exit(code=1)


@app.command("check")
def check(
    folder: Annotated[Path, typer.Argument(help="A backup folder (dbmis-backup-...).")],
) -> None:
    """Re-read a backup against its manifest (hashes, the copy's integrity, row counts,
    evidence files). Exit 0 when it is sound, 1 with each problem otherwise."""
    from dbmis.backup import check_backup

    try:
        report = check_backup(folder)
    except DbmisError as exc:
        raise fail(exc) from exc
    m = report.manifest
    if report.problems:
        for problem in report.problems:
            typer.secho(f"problem: {problem}", err=True, fg=typer.colors.RED)
        raise typer.Exit(code=1)
    typer.echo(
        f"{folder}: sound ({m.database}, made {m.created_at} by dbmis {m.dbmis_version}, "
        f"{sum(m.row_counts.values()):,} rows, {m.evidence_files:,} evidence files)"
    )


@app.command("restore")
def restore(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="A backup folder (dbmis-backup-...).")],
) -> None:
    """Check a backup, then restore it into the configured warehouse, which must be new and
    empty (a new SQLite file, or a new PostgreSQL database of the same kind as the backup's),
    and copy its uploads into the evidence folder. Run `dbmis init` afterwards: it upgrades
    an older backup's schema and loads the current catalog."""
    from dbmis.backup import restore_backup
    from dbmis.warehouse import Database

    settings = state(ctx).settings
    settings.instance_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings)
    try:
        manifest = restore_backup(folder, db, settings.resolved_evidence_dir)
    except DbmisError as exc:
        raise fail(exc) from exc
    finally:
        db.dispose()
    typer.echo(
        f"restored {folder.name} into {db.url.render_as_string(hide_password=True)} "
        f"({sum(manifest.row_counts.values()):,} rows, {manifest.evidence_files:,} evidence "
        "files); now run `dbmis init`"
    )
