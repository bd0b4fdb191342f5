"""What every command needs: settings, and a way to report typed errors."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import typer

from dbmis.catalog import Catalog, load_catalog
from dbmis.errors import CatalogError, DbmisError
from dbmis.settings import Settings


@dataclass(frozen=True)
class CliState:
    settings: Settings

    def catalog(self, folder: Path | None = None) -> Catalog:
        return load_catalog(folder or self.settings.catalog)


def state(ctx: typer.Context) -> CliState:
    obj = ctx.find_root().obj
    if not isinstance(obj, CliState):  # pragma: no cover - set by the root callback
        raise typer.Exit(code=2)
    return obj


def fail(exc: DbmisError, exit_code: int = 1) -> typer.Exit:
    """Print a typed error (and every catalog problem) to stderr; return the Exit to raise."""
    if isinstance(exc, CatalogError) and exc.issues:
        typer.secho(
            f"error [{exc.code}]: the catalog has {len(exc.issues)} problem(s):",
            err=True,
            fg=typer.colors.RED,
        )
        for issue in exc.issues:
            typer.echo(f"  {issue}", err=True)
    else:
        typer.secho(f"error [{exc.code}]: {exc.message}", err=True, fg=typer.colors.RED)
    return typer.Exit(code=exit_code)
