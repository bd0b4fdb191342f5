"""The WSGI entry point for gunicorn (or any WSGI server).

gunicorn calls the factory (its ``module:function()`` syntax), so nothing is built at import::

    gunicorn --workers 2 --preload --bind 127.0.0.1:8050 'dbmis.app.wsgi:create_wsgi()'

Settings come from the environment (``DBMIS_*``) and the optional TOML file, as for the CLI.
All workers must share ``DBMIS_SECRET_KEY`` (required in production).
"""

from __future__ import annotations

from flask import Flask

from dbmis.app.factory import create_app
from dbmis.settings import load_settings


def create_wsgi() -> Flask:
    """Build the app from the environment's settings; returns its Flask server."""
    return create_app(load_settings()).server


__all__ = ["create_wsgi"]
