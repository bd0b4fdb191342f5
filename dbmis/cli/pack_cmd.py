"""``dbmis stocktake pack``: write the stocktake pack of a quarter as PDF, XLSX or HTML.

Attached to the ``stocktake`` sub-app by :func:`register` (``dbmis.cli.root`` calls
``pack_cmd.register(stocktake_cmd.app)``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from dbmis.cli.context import state
from dbmis.cli.review_cmd import reported_errors, warehouse

SUFFIXES = {".pdf": "pdf", ".xlsx": "xlsx", ".html": "html", ".htm": "html"}


def _format(format_: str | None, out: Path) -> str:
    """The format asked for, else the one the file name ends with."""
    if format_ is not None:
        chosen = format_.strip().lower()
        if chosen not in ("pdf", "xlsx", "html"):
            raise ValueError(f"--format must be pdf, xlsx or html, not {format_!r}")
        return chosen
    guessed = SUFFIXES.get(out.suffix.lower())
    if guessed is None:
        raise ValueError(f"cannot tell the format from {out.name!r}: give --format pdf|xlsx|html")
    return guessed


def register(stocktake_app: typer.Typer) -> None:
    """Add the ``pack`` command to the ``stocktake`` command group."""

    @stocktake_app.command("pack")
    def pack_cmd(
        ctx: typer.Context,
        quarter: Annotated[str, typer.Option("--quarter", help="The quarter, e.g. 2026Q3.")],
        out: Annotated[Path, typer.Option("--out", help="The file to write.")],
        format_: Annotated[
            str | None,
            typer.Option("--format", help="pdf, xlsx or html; default: from the --out suffix."),
        ] = None,
        today: Annotated[
            str | None,
            typer.Option(help="The pack's date (YYYY-MM-DD): overdue actions, returns due."),
        ] = None,
    ) -> None:
        """Write the stocktake pack: every KPI against its trajectory, district league tables,
        the Delivery Unit's judgements, actions and decisions, and a data-quality annex.

        Reads the KPI values as last recomputed (dbmis kpis recompute) and the stocktake's
        records (dbmis stocktake ...). PDF pages are A4.
        """
        from dbmis.kpis.pack import build_pack_data, render

        cli = state(ctx)
        with reported_errors():
            kind = _format(format_, out)
            day = date.fromisoformat(today) if today else date.today()
            catalog = cli.catalog()
            with warehouse(cli) as db:
                pack = build_pack_data(db, catalog, quarter, today=day)
            data = render(pack, kind)  # type: ignore[arg-type]
            out.parent.mkdir(parents=True, exist_ok=True)
            tmp = out.with_name(out.name + ".part")
            tmp.write_bytes(data)
            tmp.replace(out)
        judged = sum(1 for k in pack.kpis if k.judgement)
        typer.echo(
            f"stocktake pack {pack.quarter} ({kind}, {len(data):,} bytes) written to {out}: "
            f"{len(pack.kpis)} KPIs, {judged} judged" + (", DEMO DATA" if pack.is_demo else "")
        )
        if pack.stocktake_status is None:
            typer.secho(
                f"  note: no stocktake recorded for {pack.quarter}: the pack has no judgements",
                err=True,
                fg=typer.colors.YELLOW,
            )
