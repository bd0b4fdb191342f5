"""The Dash web app. Build it with :func:`create_app`; nothing happens at import time."""

from dbmis.app.factory import create_app

__all__ = ["create_app"]
