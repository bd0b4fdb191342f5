"""``dbmis init``: create or upgrade the warehouse and sync the catalog into it."""

from __future__ import annotations

import typer

from dbmis.cli.context import fail, state
from dbmis.errors import DbmisError


def register(app: typer.Typer) -> None:
    @app.command("init")
    def init(ctx: typer.Context) -> None:
        """Create or upgrade the warehouse schema and load the catalog's dimensions.

        Safe to run again: migrations already applied are skipped and an unchanged catalog
        changes nothing.
        """
        from dbmis.warehouse import Database, sync_catalog, upgrade

        cli = state(ctx)
        try:
            catalog = cli.catalog()
            db = Database.from_settings(cli.settings)
            try:
                revision = upgrade(db)
                report = sync_catalog(db, catalog)
            finally:
                db.dispose()
        except DbmisError as exc:
            raise fail(exc) from exc
        typer.echo(f"warehouse {db.safe_url} at schema revision {revision}")
        typer.echo(f"catalog {catalog.roadmap.province.en} ({catalog.fingerprint}): {report}")
