"""``dbmis templates build``: generate the Excel return templates from the catalog."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dbmis.cli.context import fail, state
from dbmis.errors import DbmisError

app = typer.Typer(
    help="Generate the monthly return templates (.xlsx), one per institution.", no_args_is_help=True
)


@app.command("build")
def build(
    ctx: typer.Context,
    district: Annotated[
        str | None, typer.Option(help="Pre-fill and lock this district (code, e.g. QUETTA).")
    ] = None,
    year: Annotated[
        int | None, typer.Option(min=2000, max=2100, help="Pre-fill and lock the reporting year.")
    ] = None,
    institution: Annotated[
        str | None, typer.Option(help="Only this institution (code); default: all.")
    ] = None,
    out: Annotated[Path, typer.Option(help="Folder to write into.")] = Path("data_templates"),
) -> None:
    """Write one template per institution. Without --district and --year you get the generic
    templates kept in data_templates/."""
    from dbmis.ingest.templates import template_bytes, template_filename

    try:
        catalog = state(ctx).catalog()
    except DbmisError as exc:
        raise fail(exc) from exc
    if district and district not in catalog.district_by_code:
        typer.secho(f"error: unknown district {district!r}; see `dbmis catalog check`", err=True)
        raise typer.Exit(1)
    codes = [i.code for i in catalog.institutions]
    if institution:
        if institution not in codes:
            typer.secho(
                f"error: unknown institution {institution!r}; one of {', '.join(codes)}", err=True
            )
            raise typer.Exit(1)
        codes = [institution]
    out.mkdir(parents=True, exist_ok=True)
    for code in codes:
        path = out / template_filename(code, district, year)
        path.write_bytes(template_bytes(catalog, code, year=year, district=district))
        typer.echo(f"wrote {path}")
