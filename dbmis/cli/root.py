"""The root ``dbmis`` command and its global options."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dbmis import __version__
from dbmis.cli import (
    backup_cmd,
    catalog_cmd,
    db_cmd,
    demo_cmd,
    ingest_cmd,
    pack_cmd,
    publish_cmd,
    review_cmd,
    serve_cmd,
    stocktake_cmd,
    templates_cmd,
    users_cmd,
)
from dbmis.cli.context import CliState, fail
from dbmis.errors import ConfigError
from dbmis.settings import load_settings

HELP = """DBMIS: the Delivery Unit's data system for the Rule of Law Roadmap.

Typical first steps:

\b
  dbmis catalog check     check the Roadmap catalog and print what it holds
  dbmis init              create or upgrade the warehouse, load the catalog
  dbmis templates build   write the Excel templates focal points fill
  dbmis ingest FILE...    check filled templates cell by cell and load those that pass
  dbmis demo              fill an empty warehouse with synthetic demo data
  dbmis serve             run the website on http://127.0.0.1:8050
  dbmis users add NAME    add an account that signs in (--role, --name, --district, ...)

The Delivery Unit's routine:

\b
  dbmis submissions --status submitted   uploads waiting for review
  dbmis approve ID...                    approve them (or: return ID --reason TEXT)
  dbmis unapprove ID --reason TEXT       withdraw an approval
  dbmis publish --through 2026-09        publish approved figures as a new release
  dbmis releases                         the releases published so far
  dbmis stocktake show --quarter 2026Q3  judgements, problems, actions, decisions

Keeping it safe:

\b
  dbmis backup create [--out DIR]        the warehouse and stored uploads, with a manifest
  dbmis backup check DIR                 re-read a backup against its manifest

Settings come from DBMIS_* environment variables or a dbmis.toml file
(DBMIS_DATABASE_URL, DBMIS_CATALOG, DBMIS_INSTANCE_DIR, DBMIS_MODE, ...); see README.md.
"""

app = typer.Typer(
    help=HELP,
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(catalog_cmd.app, name="catalog")
app.add_typer(templates_cmd.app, name="templates")
app.add_typer(publish_cmd.kpis_app, name="kpis")
app.add_typer(users_cmd.app, name="users")
app.add_typer(backup_cmd.app, name="backup")
app.add_typer(stocktake_cmd.app, name="stocktake")  # other modules may add to stocktake_cmd.app
pack_cmd.register(stocktake_cmd.app)
db_cmd.register(app)
ingest_cmd.register(app)
review_cmd.register(app)
publish_cmd.register(app)
demo_cmd.register(app)
serve_cmd.register(app)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dbmis {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    database_url: Annotated[
        str | None, typer.Option(help="Warehouse URL (overrides DBMIS_DATABASE_URL).")
    ] = None,
    catalog: Annotated[
        Path | None, typer.Option(help="Catalog folder (overrides DBMIS_CATALOG).")
    ] = None,
) -> None:
    overrides: dict[str, object] = {}
    if database_url:
        overrides["database_url"] = database_url
    if catalog:
        overrides["catalog"] = catalog
    try:
        ctx.obj = CliState(settings=load_settings(**overrides))
    except ConfigError as exc:
        raise fail(exc, exit_code=2) from exc


def main() -> None:
    """Console-script entry point."""
    app()
