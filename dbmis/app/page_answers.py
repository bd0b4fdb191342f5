"""A cached public page's routing callback, answered with its encoded bytes before Dash.

Dash answers a callback by running it and encoding what it returns: for a kept public page
(:func:`dbmis.app.routing.render_cached`) that is re-encoding a 170-220 KB tree on every
request, most of what such a request costs. :func:`install_page_answers` adds a Flask
``before_request`` hook, registered **after** the CSRF check (Flask-WTF) and the callback gate
(:func:`dbmis.app.auth.install.install_callback_gate`), so both still refuse first. For a POST
to ``/_dash-update-component`` whose body is the routing callback exactly as Dash's renderer
sends it (:func:`routing_inputs`), from a reader who is not signed in, for a page of
:data:`~dbmis.app.routing.CACHED_PAGES` once a release is published, it answers with the bytes
Dash's own dispatch would send (the same envelope, encoder and content type; the same
``after_request`` hooks then add the security headers, the CSP and the CSRF cookie), kept per
release, path, parsed query and demo marker in the app's :class:`~dbmis.app.answers.AnswerCache`
with their gzip (sent when the request accepts it). Anything else (another body, a signed-in
reader, a protected page, the time before the first release, a warehouse that cannot be
read) goes on to Dash as before. ``tests/app/test_page_answers.py`` compares the bytes with
Dash's own answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, Response, request
from plotly.io.json import to_json_plotly
from sqlalchemy.exc import SQLAlchemyError

from dbmis.app import routing
from dbmis.app.answers import AnswerCache, Encoded, answer_cache, send
from dbmis.app.auth import current_account
from dbmis.app.context import AppState, app_state
from dbmis.app.i18n import direction
from dbmis.errors import DbmisError

ROUTING_OUTPUTS: tuple[tuple[str, str], ...] = (
    ("page-root", "children"),
    ("page-root", "lang"),
    ("page-root", "dir"),
)
ROUTING_INPUTS: tuple[tuple[str, str], ...] = (("url", "pathname"), ("url", "search"))
RELEASE_CHECK_SECONDS = 0.1
"""How long the hook trusts its last read of the latest release (per worker). The read is one
small query (0.15 ms on SQLite, 0.37 ms on PostgreSQL, alone on the machine), but it was most
of what a kept page's answer still cost over a trivial callback; read at most ten times a
second, a release shows on the public pages at most 0.1 s after it is published."""
CONTENT_TYPE = "application/json"
"""What Dash's Flask backend answers a callback with."""
_INPUT_KEYS = frozenset({"id", "property", "value"})


def routing_key() -> str:
    """The routing callback's output key (what the renderer POSTs as ``output``)."""
    return ".." + "...".join(f"{cid}.{prop}" for cid, prop in ROUTING_OUTPUTS) + ".."


def routing_inputs(body: Any) -> tuple[str | None, str | None] | None:
    """``(pathname, search)`` of a routing callback body shaped as Dash's renderer sends it
    (outputs and inputs in the callback's order, ``state`` absent or empty, ``changedPropIds``
    a list of strings); None for any other body, which Dash then handles (so that the bytes
    answered here are exactly what Dash would answer for the same body)."""
    if not isinstance(body, dict) or body.get("output") != routing_key():
        return None
    if body.get("outputs") != [{"id": c, "property": p} for c, p in ROUTING_OUTPUTS]:
        return None
    if "state" in body and body["state"] != []:
        return None
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(x, str) for x in changed):
        return None
    inputs = body.get("inputs")
    if not isinstance(inputs, list) or len(inputs) != len(ROUTING_INPUTS):
        return None
    values: list[str | None] = []
    for item, (cid, prop) in zip(inputs, ROUTING_INPUTS, strict=True):
        if not isinstance(item, dict) or not set(item) <= _INPUT_KEYS:
            return None
        value = item.get("value")
        if item.get("id") != cid or item.get("property") != prop:
            return None
        if value is not None and not isinstance(value, str):
            return None
        values.append(value)
    return values[0], values[1]


def encode_answer(children: Any, lang: str) -> Encoded:
    """The routing callback's answer as Dash encodes it (``dash._callback``: ``{"multi":
    true, "response": {id: {prop: value}}}`` through plotly's JSON encoder)."""
    response = {
        "multi": True,
        "response": {"page-root": {"children": children, "lang": lang, "dir": direction(lang)}},
    }
    return Encoded.of(to_json_plotly(response).encode("utf-8"), CONTENT_TYPE)


def cached_answer(
    state: AppState, cache: AnswerCache, pathname: str | None, search: str | None
) -> Encoded | None:
    """The kept answer of the routing callback for this URL (drawn and kept on first use), or
    None when it must not be kept: Dash then answers (see the module docstring)."""
    ctx = routing.context(state, pathname, search, current_account())
    match = routing.resolve(ctx.path, state.catalog)
    if not routing.cacheable(ctx, match):
        return None
    try:
        release, demo = state.site.latest_and_demo_recent(RELEASE_CHECK_SECONDS)
        if release is None:
            return None

        def draw() -> Encoded:
            return encode_answer(routing.draw_public(ctx, match, release, demo), ctx.lang)

        # the page depends on the path and the parsed query only (never on the raw string)
        return cache.get(release.number, ("page", ctx.path, ctx.query, demo), draw)
    except (DbmisError, SQLAlchemyError):
        return None  # Dash answers: the page says that the warehouse cannot be read


def install_page_answers(server: Flask, update_path: str) -> Callable[[], Response | None]:
    """Answer kept pages' routing callbacks on ``server`` before Dash; call it after
    ``install_auth`` and ``install_callback_gate`` (hooks run in the order they were added).
    Returns the hook."""

    @server.before_request
    def answer_cached_page() -> Response | None:
        if request.path != update_path or request.method != "POST":
            return None
        inputs = routing_inputs(request.get_json(silent=True))
        if inputs is None:
            return None
        answer = cached_answer(app_state(), answer_cache(), *inputs)
        return None if answer is None else send(answer)

    return answer_cached_page


__all__ = [
    "ROUTING_INPUTS",
    "ROUTING_OUTPUTS",
    "cached_answer",
    "encode_answer",
    "install_page_answers",
    "routing_inputs",
    "routing_key",
]
