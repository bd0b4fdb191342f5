"""CSRF on every state-changing request (sign-in, sign-out, Dash callbacks), and the cookies'
flags. A missing or wrong token gets 400 and nothing happens."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from dbmis.app.auth.install import SECURE_SESSION_COOKIE, SESSION_COOKIE
from dbmis.app.auth.policy import ROUTING_KEY
from dbmis.catalog import Catalog
from dbmis.settings import Mode
from dbmis.warehouse import Database
from tests.app.auth_env import ADMIN, DEFAULT_PASSWORD, AuthEnv, build, row_counts
from tests.support.auth import callback_body, csrf_headers, csrf_token, sign_in

SECRET = "s" * 48


@pytest.fixture
def env(synced: Database, mini_catalog: Catalog) -> Iterator[AuthEnv]:
    e = build(synced, mini_catalog)
    yield e
    e.dispose()


def is_admin(client: Any) -> bool:
    return bool(client.get("/admin/users").status_code == 200)


def _bad_tokens(env: AuthEnv, client: Any) -> dict[str, str | None]:
    """Wrong tokens: none, empty, garbage, a real one with a character changed, and a valid
    token of another browser's session."""
    good = csrf_token(client)
    other = csrf_token(env.client())
    # change a character inside the signature: the last character of a base64 signature also
    # carries unused bits, so changing it can decode to the same bytes (a valid token)
    i = len(good) - 10
    tampered = good[:i] + ("A" if good[i] != "A" else "B") + good[i + 1 :]
    return {"missing": None, "empty": "", "garbage": "not-a-token", "tampered": tampered,
            "other session": other}  # fmt: skip


def test_sign_in_needs_the_token(env: AuthEnv) -> None:
    client = env.client()
    before = row_counts(env.db)
    for name, token in _bad_tokens(env, client).items():
        data = {"username": env.username(ADMIN), "password": DEFAULT_PASSWORD}
        if token is not None:
            data["csrf_token"] = token
        answer = client.post("/auth/sign-in", data=data)
        assert answer.status_code == 400, name
        assert not is_admin(client), name
    assert row_counts(env.db) == before  # no session, no audit event
    sign_in(client, env.username(ADMIN), DEFAULT_PASSWORD)
    assert is_admin(client)


def test_sign_in_with_the_header_instead_of_the_field_works(env: AuthEnv) -> None:
    client = env.client()
    answer = client.post(
        "/auth/sign-in",
        data={"username": env.username(ADMIN), "password": DEFAULT_PASSWORD},
        headers=csrf_headers(client),
    )
    assert answer.status_code == 303 and is_admin(client)


def test_sign_out_needs_the_token(env: AuthEnv) -> None:
    client = env.client()
    sign_in(client, env.username(ADMIN), DEFAULT_PASSWORD)
    for name, token in _bad_tokens(env, client).items():
        data = {} if token is None else {"csrf_token": token}
        answer = client.post("/auth/sign-out", data=data)
        assert answer.status_code == 400, name
        assert is_admin(client), f"signed out by a request with a {name} token"
    # a GET never signs anyone out (it is not a route: the pages' catch-all answers 404)
    assert client.get("/auth/sign-out").status_code in (404, 405)
    assert is_admin(client)


def test_callbacks_need_the_header(env: AuthEnv) -> None:
    client = env.client()
    sign_in(client, env.username(ADMIN), DEFAULT_PASSWORD)
    body = json.dumps(
        callback_body(ROUTING_KEY, [("url", "pathname", "/about"), ("url", "search", "")])
    )
    calls: list[int] = []
    entry = env.app.callback_map[ROUTING_KEY]
    real = entry["callback"]

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    entry["callback"] = spy
    for name, token in _bad_tokens(env, client).items():
        headers = {} if token is None else {"X-CSRFToken": token}
        answer = client.post(
            "/_dash-update-component", data=body, content_type="application/json", headers=headers
        )
        assert answer.status_code == 400, name
    assert calls == []
    answer = client.post(
        "/_dash-update-component",
        data=body,
        content_type="application/json",
        headers=csrf_headers(client),
    )
    assert answer.status_code == 200 and calls == [1]


def test_the_form_token_and_the_cookie_belong_to_the_session(env: AuthEnv) -> None:
    """The sign-in form drawn by the routing callback carries a token valid for this browser."""
    client = env.client()
    body = json.dumps(
        callback_body(ROUTING_KEY, [("url", "pathname", "/sign-in"), ("url", "search", "")])
    )
    answer = client.post(
        "/_dash-update-component",
        data=body,
        content_type="application/json",
        headers=csrf_headers(client),
    )
    text = answer.get_data(as_text=True)
    marker = '"id":"sign-in-csrf"'
    assert marker in text.replace(" ", "")
    form = answer.get_json()
    token = _find_prop(form, "sign-in-csrf", "value")
    assert token
    signed = client.post(
        "/auth/sign-in",
        data={"csrf_token": token, "username": env.username(ADMIN), "password": DEFAULT_PASSWORD},
    )
    assert signed.status_code == 303 and is_admin(client)


def _find_prop(tree: Any, component_id: str, prop: str) -> Any:
    if isinstance(tree, dict):
        props = tree.get("props")
        if isinstance(props, dict) and props.get("id") == component_id:
            return props.get(prop)
        for value in tree.values():
            found = _find_prop(value, component_id, prop)
            if found is not None:
                return found
    elif isinstance(tree, list):
        for value in tree:
            found = _find_prop(value, component_id, prop)
            if found is not None:
                return found
    return None


def test_the_public_api_needs_no_token(env: AuthEnv) -> None:
    client = env.client()
    assert client.get("/api/v1/kpis").status_code == 200
    assert client.get("/api/v1/kpis").headers.get("Set-Cookie") is None


# --- cookie flags ---------------------------------------------------------------------------


def _set_cookies(answer: Any) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in answer.headers.getlist("Set-Cookie")}


def _flags(header: str) -> set[str]:
    return {part.strip().lower() for part in header.split(";")[1:]}


def test_cookie_flags_in_production(synced: Database, mini_catalog: Catalog) -> None:
    env = build(synced, mini_catalog, mode=Mode.production, secret_key=SECRET)
    try:
        client = env.client()
        cookies = _set_cookies(client.get("/sign-in", base_url="https://localhost"))
        session = cookies[SECURE_SESSION_COOKIE]
        assert {"secure", "httponly", "samesite=lax", "path=/"} <= _flags(session)
        assert not any(f.startswith("domain=") for f in _flags(session))
        csrf = cookies["_csrf_token"]
        assert {"secure", "samesite=strict", "path=/"} <= _flags(csrf)
        assert "httponly" not in _flags(csrf)  # Dash's renderer must read it
        assert not any(f.startswith(("expires=", "max-age=")) for f in _flags(session))
    finally:
        env.dispose()


def test_cookie_flags_in_demo_mode_and_the_override(
    synced: Database, mini_catalog: Catalog
) -> None:
    env = build(synced, mini_catalog)
    try:
        cookies = _set_cookies(env.client().get("/sign-in"))
        assert {"httponly", "samesite=lax"} <= _flags(cookies[SESSION_COOKIE])
        assert "secure" not in _flags(cookies[SESSION_COOKIE])
        assert "samesite=strict" in _flags(cookies["_csrf_token"])
    finally:
        env.dispose()
    env = build(synced, mini_catalog, cookie_secure=True)
    try:
        cookies = _set_cookies(env.client().get("/sign-in", base_url="https://localhost"))
        assert "secure" in _flags(cookies[SECURE_SESSION_COOKIE])
        assert "secure" in _flags(cookies["_csrf_token"])
    finally:
        env.dispose()


def test_the_signed_in_cookie_has_the_same_flags(env: AuthEnv) -> None:
    client = env.client()
    csrf_token(client)
    answer = client.post(
        "/auth/sign-in",
        data={
            "csrf_token": csrf_token(client),
            "username": env.username(ADMIN),
            "password": DEFAULT_PASSWORD,
        },
    )
    cookies = _set_cookies(answer)
    assert {"httponly", "samesite=lax"} <= _flags(cookies[SESSION_COOKIE])
    assert "samesite=strict" in _flags(cookies["_csrf_token"])  # a new token for the new session
