"""``dbmis ingest FILE...``: check and load filled templates or long CSV files."""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Annotated

import typer

from dbmis.cli.context import fail, state
from dbmis.errors import DbmisError
from dbmis.ingest.result import IngestResult, Severity


def _print_result(path: Path, result: IngestResult) -> None:
    if result.ok:
        what = "already loaded as" if result.duplicate else "loaded as"
        ids = ", ".join(str(i) for i in result.submission_ids) or "-"
        head = f"ACCEPTED  {path.name}: {what} submission {ids}"
        c = result.counts
        head += f" ({c.get('values', 0)} values, {c.get('not_reported', 0)} not reported"
        head += f", {c.get('warnings', 0)} warnings)" if result.counts else ")"
        typer.secho(head, fg=typer.colors.GREEN)
    else:
        typer.secho(
            f"REJECTED  {path.name}: {len(result.errors)} error(s), nothing was saved",
            fg=typer.colors.RED,
        )
    for issue in result.issues:
        mark = "error  " if issue.severity is Severity.error else "warning"
        where = issue.cell or issue.sheet or "file"
        typer.echo(f"  {mark} {where:<14} [{issue.code}] {issue.message}")


def register(app: typer.Typer) -> None:
    @app.command("ingest")
    def ingest_files(
        ctx: typer.Context,
        files: Annotated[
            list[Path],
            typer.Argument(
                help="Filled templates (.xlsx), or long-format CSV or .xlsx files (docs/bulk-load.md).",
                exists=True,
                dir_okay=False,
                readable=True,
            ),
        ],
        as_user: Annotated[
            str | None,
            typer.Option(
                "--as",
                help="Upload as this DBMIS user (their district and institution scope applies).",
            ),
        ] = None,
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="Check only; write nothing.")
        ] = False,
        as_json: Annotated[
            bool, typer.Option("--json", help="Print one JSON result per file.")
        ] = False,
        annotate: Annotated[
            Path | None,
            typer.Option(
                "--annotate",
                help="For a rejected workbook, write a copy with the bad cells marked (a folder when several files are given).",
            ),
        ] = None,
    ) -> None:
        """Check every file cell by cell and load the ones that pass.

        A file with any error is not loaded at all. Exit status 0 only when every file was
        accepted.
        """
        from dbmis.ingest.annotate import annotate_workbook
        from dbmis.ingest.evidence import EvidenceStore
        from dbmis.ingest.service import IngestEnv, Upload, ingest_many
        from dbmis.ingest.uploader import Uploader, uploader_for
        from dbmis.settings import Mode
        from dbmis.warehouse import Database

        cli = state(ctx)
        try:
            catalog = cli.catalog()
            db = Database(cli.settings)
            try:
                if as_user:
                    with db.read() as conn:
                        user = uploader_for(conn, as_user)
                else:
                    user = Uploader.system(f"cli:{getpass.getuser()}")
                env = IngestEnv(
                    db=db,
                    catalog=catalog,
                    evidence=EvidenceStore(cli.settings.resolved_evidence_dir),
                    is_demo=cli.settings.mode is Mode.demo,
                )
                uploads = [Upload(p.read_bytes(), p.name) for p in files]
                results = ingest_many(uploads, user, env, dry_run=dry_run)
            finally:
                db.dispose()
        except DbmisError as exc:
            raise fail(exc) from exc
        for path, upload, result in zip(files, uploads, results, strict=True):
            if as_json:
                typer.echo(json.dumps({"file": str(path), **result.as_dict()}, ensure_ascii=False))
            else:
                _print_result(path, result)
            if (
                annotate
                and not result.ok
                and upload.data[:2] == b"PK"
                and result.issues
                and not any(i.code.startswith("FILE_") for i in result.issues)
            ):
                target = annotate if len(files) == 1 else annotate / f"{path.stem}.annotated.xlsx"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(annotate_workbook(upload.data, result.issues))
                if not as_json:
                    typer.echo(f"  annotated copy: {target}")
        if not all(r.ok for r in results):
            raise typer.Exit(code=1)
