"""gzip for the public site's large answers that carry no secret.

What is compressed, when the request's ``Accept-Encoding`` allows gzip:

- kept answers (a public page's routing callback, the public API's answers): their gzip is made
  once when they are kept (:mod:`dbmis.app.answers`) and sent as it is;
- any other 200 answer of the public JSON API (``/api/``: public figures only);
- the HTML document of a page (``GET``, ``text/html``) for a reader who is not signed in.

Never compressed: callback answers that Dash draws (a sign-in form carries the CSRF token,
a signed-in reader's pages carry their data: compressing a secret next to text an attacker can
choose is what the BREACH attack reads), anything under ``/auth/``, the downloads (files,
often compressed already) and the static files. The page document carries no secret: the CSRF
token is a cookie (the renderer reads it from there), not part of the document, and Dash's
``end_id`` (a signed handle for background callbacks, which this app has none of) is new on
every page load, so there is nothing to guess over many requests.

Every answer that may be compressed says ``Vary: Accept-Encoding``, and so does every callback
answer (the kept ones may be gzip), whether or not this one was.
"""

from __future__ import annotations

from flask import Flask, Response, request

from dbmis.app.answers import MIN_GZIP_BYTES, accepts_gzip, gzip_bytes
from dbmis.app.auth import current_account

API_PREFIX = "/api/"
NOT_DOCUMENTS = ("/auth/", "/download/", "/_dash-", "/assets/", "/api/", "/healthz")
"""Paths whose HTML is not a page document (error pages, forms, files)."""
COMPRESSIBLE = frozenset({"application/json", "text/html"})


def compressible(path: str, response: Response) -> bool:
    """Whether ``response`` (to the current request, for ``path``) may be sent gzipped."""
    if response.mimetype not in COMPRESSIBLE:
        return False
    if path.startswith(API_PREFIX):
        return True
    return (
        request.method in ("GET", "HEAD")
        and response.mimetype == "text/html"
        and not path.startswith(NOT_DOCUMENTS)
    )


def install_compression(server: Flask, update_path: str) -> None:
    """gzip on ``server`` as the module docstring says; add it before the other
    ``after_request`` hooks (it then runs after them, on the final answer)."""

    @server.after_request
    def compress(response: Response) -> Response:
        path = request.path
        if path == update_path:
            response.vary.add("Accept-Encoding")
            return response
        if not compressible(path, response):
            return response
        response.vary.add("Accept-Encoding")
        if (
            response.status_code != 200
            or response.direct_passthrough
            or response.is_streamed
            or "Content-Encoding" in response.headers
            or not accepts_gzip()
            or (not path.startswith(API_PREFIX) and current_account() is not None)
        ):
            return response
        data = response.get_data()
        if len(data) < MIN_GZIP_BYTES:
            return response
        packed = gzip_bytes(data)
        if len(packed) < len(data):
            response.set_data(packed)
            response.headers["Content-Encoding"] = "gzip"
        return response


__all__ = ["compressible", "install_compression"]
