"""What sign-in needs per app (kept in ``server.extensions``, never in a module global)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app
from flask_limiter import Limiter

from dbmis.app.auth.sessions import SessionPolicy

EXTENSION = "dbmis.auth"


@dataclass
class AuthRuntime:
    """The session policy (with its clock), the rate limiter, and the hash unknown usernames
    are verified against (so they take as long as a wrong password)."""

    policy: SessionPolicy
    limiter: Limiter
    dummy_hash: str


def auth_runtime(server: Flask | None = None) -> AuthRuntime:
    """The auth runtime of ``server`` (default: the app of the current request)."""
    app = server or current_app
    return app.extensions[EXTENSION]  # type: ignore[no-any-return]
