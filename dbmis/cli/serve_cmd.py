"""``dbmis serve``: run the website."""

from __future__ import annotations

from typing import Annotated

import typer

from dbmis.cli.context import fail, state
from dbmis.errors import DbmisError


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        ctx: typer.Context,
        host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
        port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
        threads: Annotated[int, typer.Option(help="Worker threads.")] = 8,
    ) -> None:
        """Serve the website (waitress). For many processes use gunicorn on dbmis.app.wsgi."""
        from waitress import serve as waitress_serve

        from dbmis.app import create_app

        settings = state(ctx).settings
        try:
            dash_app = create_app(settings)
        except DbmisError as exc:
            raise fail(exc) from exc
        bind_host, bind_port = host or settings.host, port or settings.port
        typer.echo(f"DBMIS serving on http://{bind_host}:{bind_port}/ (Ctrl+C to stop)")
        waitress_serve(dash_app.server, host=bind_host, port=bind_port, threads=threads)
