"""``dbmis catalog ...``: check a Roadmap catalog folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dbmis.catalog import load_catalog, resolve_catalog_dir
from dbmis.cli.context import fail, state
from dbmis.errors import CatalogError

app = typer.Typer(
    help="Work with the Roadmap catalog (geography, indicators, rules, KPIs, targets).",
    no_args_is_help=True,
)


@app.command("check")
def check(
    ctx: typer.Context,
    folder: Annotated[
        Path | None,
        typer.Argument(
            help="Catalog folder to check. Default: DBMIS_CATALOG, else the bundled one."
        ),
    ] = None,
) -> None:
    """Validate a catalog folder and print what it holds.

    Exits 0 when the catalog is valid; otherwise prints every problem with its file, line and
    key, and exits 1.
    """
    root = resolve_catalog_dir(folder or state(ctx).settings.catalog)
    try:
        catalog = load_catalog(root)
    except CatalogError as exc:
        raise fail(exc) from exc
    typer.echo(f"catalog {root}")
    typer.echo(f"  {catalog.roadmap.province.en}: {catalog.roadmap.title.en}")
    width = max(len(k) for k in catalog.counts())
    for name, count in catalog.counts().items():
        typer.echo(f"  {name:<{width}}  {count}")
    typer.echo(f"  {'fingerprint':<{width}}  {catalog.fingerprint}")
    typer.secho("ok: no problems found", fg=typer.colors.GREEN)
