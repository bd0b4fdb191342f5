"""The ``dbmis`` command line: the same pipeline as the web app, from the shell."""

from dbmis.cli import plan_cmd
from dbmis.cli.root import app, main

app.add_typer(plan_cmd.app, name="plan")  # dbmis plan check|show|report|reports|approve|return

__all__ = ["app", "main"]
