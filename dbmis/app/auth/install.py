"""Wire sign-in, sessions and the server-side checks into a Flask server (called by the factory).

- :func:`install_auth`: secure cookie settings, CSRF on every POST (Flask-WTF), Flask-Login with
  server-side sessions (:mod:`dbmis.app.auth.sessions`), the rate limiter of failed sign-ins
  (Flask-Limiter, per app), and the ``/auth`` routes.
- :func:`install_callback_gate`: every POST to ``/_dash-update-component`` is refused (403,
  nothing runs) unless its output key is in the callback table and the caller's role is allowed.
- :func:`install_hardening`: security headers, the CSP (after every callback is registered:
  it hashes Dash's inline scripts), no-store, the CSRF cookie and plain error pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

import dash
from flask import Flask, abort, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from limits.errors import ConfigurationError as LimitsConfigurationError
from werkzeug.middleware.proxy_fix import ProxyFix

from dbmis.app.auth.passwords import dummy_hash
from dbmis.app.auth.roles import Account, allowed, current_account
from dbmis.app.auth.runtime import EXTENSION, AuthRuntime, auth_runtime
from dbmis.app.auth.security import content_security_policy, install_response_hardening
from dbmis.app.auth.sessions import SessionPolicy, load_account
from dbmis.app.auth.views import make_blueprint
from dbmis.errors import ConfigError
from dbmis.settings import Settings
from dbmis.warehouse import Database

SESSION_COOKIE = "dbmis_session"
SECURE_SESSION_COOKIE = "__Host-dbmis_session"
"""Over HTTPS the ``__Host-`` prefix makes the browser refuse the cookie from any other host or
path, or without ``Secure``."""


def configure_cookies(server: Flask, settings: Settings) -> None:
    """Flask's session cookie: HttpOnly, SameSite=Lax, Secure outside demo/development (unless
    set otherwise), and ended with the browser (the server ends sessions on its own clock)."""
    secure = settings.resolved_cookie_secure
    server.config.update(
        SESSION_COOKIE_NAME=SECURE_SESSION_COOKIE if secure else SESSION_COOKIE,
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_PATH="/",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_absolute_hours),
        REMEMBER_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        # The CSRF token lives as long as the session it belongs to (rotated at sign-in and
        # sign-out); a time limit would break public pages left open for a long time.
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_METHODS=["POST", "PUT", "PATCH", "DELETE"],
    )


def install_login(server: Flask, db: Database, policy: SessionPolicy) -> LoginManager:
    """Flask-Login on ``server``: the session cookie's token -> an :class:`Account` from the
    database (None: anonymous; a stale token is dropped from the cookie)."""
    manager = LoginManager()
    manager.session_protection = "basic"
    manager.init_app(server)

    @manager.user_loader
    def load(token: str) -> Account | None:
        account = load_account(db, token, policy)
        if account is None:
            session.pop("_user_id", None)
        return account

    return manager


def install_auth(server: Flask, settings: Settings, db: Database) -> AuthRuntime:
    """Cookies, CSRF, sessions, the sign-in rate limiter and the ``/auth`` routes."""
    configure_cookies(server, settings)
    if settings.trusted_proxies:
        # the client's address (rate limits, audit) and scheme (Secure cookies, CSRF's
        # referrer check) as the proxies saw them
        server.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            server.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies
        )
    CSRFProtect(server)
    policy = SessionPolicy.from_settings(settings)
    install_login(server, db, policy)
    try:
        limiter = Limiter(
            get_remote_address,
            app=server,
            storage_uri=settings.ratelimit_storage_uri,
            default_limits=[],
            headers_enabled=False,
            key_prefix="dbmis",
            # if the shared store (Redis) is down, count in this process rather than fail
            in_memory_fallback_enabled=True,
        )
    except LimitsConfigurationError as exc:
        raise ConfigError(
            f"DBMIS_RATELIMIT_STORAGE_URI={settings.ratelimit_storage_uri!r} cannot be used "
            f"({exc}); use memory:// or redis://host:6379 (with the redis package installed)"
        ) from exc
    runtime = AuthRuntime(policy=policy, limiter=limiter, dummy_hash=dummy_hash())
    server.extensions[EXTENSION] = runtime
    server.register_blueprint(
        make_blueprint(limiter, settings.sign_in_limit_per_ip, settings.sign_in_limit_per_account)
    )
    return runtime


def install_callback_gate(
    server: Flask, update_path: str, table: Mapping[str, frozenset[str]]
) -> None:
    """Refuse any Dash callback not in ``table`` or not open to the caller's role."""

    @server.before_request
    def guard_callbacks() -> None:
        if request.path != update_path or request.method != "POST":
            return
        body = request.get_json(silent=True)
        key = body.get("output") if isinstance(body, dict) else None
        roles = table.get(key) if isinstance(key, str) else None
        if roles is None or not allowed(roles, current_account()):
            abort(403)


def install_hardening(app: dash.Dash, settings: Settings) -> str:
    """Headers, CSP, no-store and the CSRF cookie on every response; call it after every
    callback is registered. Returns the Content-Security-Policy."""
    csp = content_security_policy(app.csp_hashes())
    prefix = app.config.routes_pathname_prefix
    install_response_hardening(
        app.server,
        csp,
        secure=settings.resolved_cookie_secure,
        protected_paths=(prefix + "_dash-update-component", "/auth/"),
    )
    return csp


__all__ = [
    "auth_runtime",
    "configure_cookies",
    "install_auth",
    "install_callback_gate",
    "install_hardening",
    "install_login",
]
