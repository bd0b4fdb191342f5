"""Response hardening: security headers and the Content Security Policy on every response,
``Cache-Control: no-store`` on anything that may carry an account's data, the CSRF cookie
Dash's renderer reads, and plain error pages (no traceback, ever).

The CSRF token: Flask-WTF keeps a secret in the (signed) session and checks a signed token on
every POST, from the ``csrf_token`` form field (sign-in and sign-out forms) or the
``X-CSRFToken`` header. Dash's renderer reads the cookie named ``_csrf_token`` and sends its
value as ``X-CSRFToken`` with every callback (``dash_renderer``: ``csrf_token_name``,
``csrf_header_name``), so the app sets that cookie: readable by scripts (it must be), sent
only to this site (``SameSite=Strict``). It is renewed whenever it no longer matches the
session (a first visit, a sign-in, a sign-out).
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from flask import Flask, Response, has_request_context, request
from flask_wtf.csrf import generate_csrf, validate_csrf
from werkzeug.exceptions import HTTPException
from wtforms import ValidationError

from dbmis.app.auth.roles import current_account

CSRF_COOKIE = "_csrf_token"
CSRF_HEADER = "X-CSRFToken"

STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/", "/_favicon.ico", "/_reload-hash")
"""Files the same for everyone (cacheable; no session, no CSRF cookie)."""
PUBLIC_DATA_PREFIXES = ("/api/", "/healthz")
"""Public GET-only data: caching is theirs to decide, and no cookie is needed."""

SECURITY_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def content_security_policy(script_hashes: Iterable[str]) -> str:
    """The policy the Dash app satisfies: everything from this site only, and no inline script
    but Dash's own (by hash: ``app.csp_hashes()``).

    ``style-src`` allows inline styles: React sets ``style`` attributes on Dash components and
    plotly.js injects ``<style>`` rules and inline styles while drawing a figure; neither can be
    hashed ahead of time. Inline styles cannot run code, and scripts stay locked down.
    """
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def form_token() -> str:
    """The CSRF token for a form's hidden ``csrf_token`` field ('' outside a request, e.g. when
    a test draws a page as a plain function)."""
    return generate_csrf() if has_request_context() else ""


def _is_static(path: str) -> bool:
    return path.startswith(STATIC_PREFIXES)


def _csrf_cookie_stale() -> bool:
    token = request.cookies.get(CSRF_COOKIE)
    if not token:
        return True
    try:
        validate_csrf(token)
    except ValidationError:
        return True
    return False


def install_response_hardening(
    server: Flask, csp: str, *, secure: bool, protected_paths: Iterable[str] = ()
) -> None:
    """Add the headers, the no-store rule and the CSRF cookie to every response of ``server``.

    ``protected_paths``: prefixes whose answers are private even to a visitor (the callback
    endpoint, the sign-in routes).
    """
    private = tuple(protected_paths)

    @server.after_request
    def harden(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers["Content-Security-Policy"] = csp
        path = request.path
        if _is_static(path):
            return response
        if path.startswith(PUBLIC_DATA_PREFIXES):
            if current_account() is not None:
                response.headers["Cache-Control"] = "no-store"
            return response
        if (
            current_account() is not None
            or path.startswith(private)
            or response.status_code >= 300  # redirects (to sign-in) and refusals
        ):
            response.headers["Cache-Control"] = "no-store"
        elif response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-cache")
        if response.status_code < 500 and _csrf_cookie_stale():
            response.set_cookie(
                CSRF_COOKIE,
                generate_csrf(),
                secure=secure,
                httponly=False,
                samesite="Strict",
                path="/",
            )
        return response


ERROR_TEXT: dict[int, tuple[str, str]] = {
    400: ("The request could not be understood.", "درخواست سمجھ میں نہیں آئی۔"),
    403: ("You may not do this.", "آپ کو اس کی اجازت نہیں۔"),
    404: ("There is nothing at this address.", "اس پتے پر کچھ نہیں ہے۔"),
    405: (
        "This address does not answer that kind of request.",
        "یہ پتہ اس طرح کی درخواست کا جواب نہیں دیتا۔",
    ),
    413: ("The request is too large.", "درخواست بہت بڑی ہے۔"),
    429: (
        "Too many attempts. Wait a few minutes, then try again.",
        "بہت زیادہ کوششیں۔ چند منٹ انتظار کریں، پھر دوبارہ کوشش کریں۔",
    ),
}
GENERIC = (
    "Something went wrong. Please try again later.",
    "کچھ غلط ہو گیا۔ براہ کرم بعد میں دوبارہ کوشش کریں۔",
)


def error_page(exc: HTTPException) -> Response:
    """A plain bilingual page for an HTTP error: its status and a sentence, no detail of the
    cause (never a traceback, never the exception's text)."""
    code = exc.code or 500
    en, ur = ERROR_TEXT.get(code, GENERIC)
    body = (
        "<!DOCTYPE html>\n"
        '<html lang="en" dir="ltr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{code}</title></head><body>"
        f"<main><h1>{code}</h1><p>{html.escape(en)}</p>"
        f'<p lang="ur" dir="rtl">{html.escape(ur)}</p>'
        '<p><a href="/">Home</a> · <a href="/?lang=ur" lang="ur">صفحۂ اول</a></p></main>'
        "</body></html>"
    )
    response = Response(body, status=code, mimetype="text/html")
    for name, value in exc.get_headers() if code == 405 else ():
        if name.lower() == "allow":
            response.headers[name] = value
    if code == 429 and isinstance(getattr(exc, "retry_after", None), int):
        response.headers["Retry-After"] = str(exc.retry_after)  # type: ignore[attr-defined]
    return response
