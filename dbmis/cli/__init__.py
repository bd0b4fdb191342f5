"""The ``dbmis`` command line: the same pipeline as the web app, from the shell."""

from dbmis.cli.root import app, main

__all__ = ["app", "main"]
