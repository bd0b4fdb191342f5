"""The site benchmark's WSGI entry: the real app plus one trivial callback, the "floor".

gunicorn builds it exactly as production builds ``dbmis.app.wsgi:create_wsgi()`` (settings
from the ``DBMIS_*`` environment, :func:`dbmis.app.create_app`), and adds, through the factory's
``extra_callbacks`` hook, one callback that does nothing but echo its input. It goes through
everything a page's callback goes through (Flask, CSRF, the session, the callback gate, Dash's
dispatch and JSON), so its latency under load is the framework's floor: what any callback of
this app costs before it does any work. No production page has it::

    gunicorn --workers 2 --preload --bind 127.0.0.1:0 'benchmarks.site_app:create_wsgi()'

This module is its own ``extra_callbacks`` entry: it has ``register(app, state)`` and
``CALLBACK_ROLES``, like a page module.
"""

from __future__ import annotations

import sys
from typing import Any

import dash
from dash import Input, Output
from flask import Flask

from dbmis.app.auth import PUBLIC, output_key
from dbmis.app.context import AppState
from dbmis.app.factory import create_app
from dbmis.settings import load_settings

FLOOR_INPUT = "bench-floor-in"
FLOOR_OUTPUT = "bench-floor-out"
FLOOR_KEY = output_key(Output(FLOOR_OUTPUT, "children"))
"""The floor callback's output key (what the renderer would POST as ``output``)."""

CALLBACK_ROLES = {FLOOR_KEY: PUBLIC}


def register(app: dash.Dash, state: AppState) -> None:
    """The trivial callback: its input's value, unchanged."""

    @app.callback(Output(FLOOR_OUTPUT, "children"), Input(FLOOR_INPUT, "value"))
    def floor(value: Any) -> Any:
        return value


def floor_body(value: str = "floor") -> dict[str, Any]:
    """The body Dash's renderer would POST for the floor callback."""
    changed = [f"{FLOOR_INPUT}.value"]
    return {
        "output": FLOOR_KEY,
        "outputs": {"id": FLOOR_OUTPUT, "property": "children"},
        "inputs": [{"id": FLOOR_INPUT, "property": "value", "value": value}],
        "changedPropIds": changed,
        "parsedChangedPropsIds": changed,
    }


def create_wsgi() -> Flask:
    """The app of the environment's settings, with the floor callback; its Flask server."""
    return create_app(load_settings(), extra_callbacks=(sys.modules[__name__],)).server


__all__ = ["CALLBACK_ROLES", "FLOOR_KEY", "create_wsgi", "floor_body", "register"]
