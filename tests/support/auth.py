"""Sign-in helpers for tests: users with a role and scopes, a signed-in Flask test client, the
CSRF header a Dash callback POST needs, a callback POST as Dash's renderer makes it, and a
signed-in Playwright page.

Signatures are stable (other areas' tests use them)::

    user = make_user(db, FOCAL_POINT, districts=("ALPHA",), institutions=("POLICE",))
    sign_in(client, user.username, DEFAULT_PASSWORD)
    response = post_callback(client, "portal-result.children",
                             [("portal-upload", "contents", data)])

The districts and institutions must exist in the warehouse (sync the catalog first).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from dbmis.app.auth.passwords import hash_password
from dbmis.warehouse import Database
from dbmis.warehouse.queries.users import (
    User,
    create_user,
    get_user,
    get_user_by_username,
    set_active,
)

DEFAULT_PASSWORD = "tests-only pass phrase 4 DBMIS"
"""The password :func:`make_user` gives when none is named (meets the policy)."""

CSRF_COOKIE = "_csrf_token"
CSRF_HEADER = "X-CSRFToken"
SIGN_IN_PAGE = "/sign-in"
SIGN_IN_POST = "/auth/sign-in"
SIGN_OUT_POST = "/auth/sign-out"
CALLBACK_PATH = "/_dash-update-component"

_serial = itertools.count(1)


def make_user(
    db: Database,
    role: str,
    username: str | None = None,
    password: str = DEFAULT_PASSWORD,
    districts: Iterable[str] = (),
    institutions: Iterable[str] = (),
    *,
    name: str | None = None,
    email: str | None = None,
    active: bool = True,
) -> User:
    """Create a user with ``role`` (a role of :mod:`dbmis.app.auth.roles`) and scopes, its
    password hashed with argon2id. Without ``username`` a unique one is made from the role."""
    if username is None:
        username = f"{role.replace('_', '.')}.{next(_serial)}"
        with db.read() as conn:
            while get_user_by_username(conn, username) is not None:
                username = f"{role.replace('_', '.')}.{next(_serial)}"
    password_hash = hash_password(password, username=username)
    with db.write() as conn:
        user = create_user(
            conn,
            username,
            name or username.replace(".", " ").title(),
            role,
            email=email,
            password_hash=password_hash,
            districts=districts,
            institutions=institutions,
        )
        if not active:
            set_active(conn, user.id, False)
            user = get_user(conn, user.id)
    return user


def _cookie(client: Any, name: str) -> str | None:
    cookie = client.get_cookie(name)
    return None if cookie is None else str(cookie.value)


def csrf_token(client: Any) -> str:
    """The CSRF token the app gave this client (fetching a page first if it has none)."""
    token = _cookie(client, CSRF_COOKIE)
    if token is None:
        response = client.get(SIGN_IN_PAGE)
        assert response.status_code == 200, response.status_code
        token = _cookie(client, CSRF_COOKIE)
    assert token, f"the app set no {CSRF_COOKIE} cookie"
    return token


def csrf_headers(client: Any) -> dict[str, str]:
    """The header Dash's renderer adds to a callback POST: ``{"X-CSRFToken": token}``."""
    return {CSRF_HEADER: csrf_token(client)}


def sign_in(client: Any, username: str, password: str) -> None:
    """Sign ``client`` (a Flask test client) in through the sign-in form; fails the test if
    the app does not accept the credentials."""
    response = client.post(
        SIGN_IN_POST,
        data={
            "csrf_token": csrf_token(client),
            "username": username,
            "password": password,
            "next": "/",
        },
    )
    location = response.headers.get("Location", "")
    assert response.status_code in (302, 303), (response.status_code, response.get_data()[:300])
    assert "error" not in urlsplit(location).query, f"sign-in of {username!r} refused"


def sign_out(client: Any) -> Any:
    """Sign ``client`` out (POST with the CSRF token); returns the response."""
    return client.post(SIGN_OUT_POST, data={"csrf_token": csrf_token(client)})


def _target(key: str) -> dict[str, str]:
    component, _, prop = key.rpartition(".")
    return {"id": component, "property": prop}


def _outputs(output: str) -> Any:
    """The ``outputs`` Dash's renderer sends for the callback key ``output``."""
    if output.startswith("..") and output.endswith(".."):
        return [_target(part) for part in output[2:-2].split("...")]
    return _target(output)


def _items(items: Iterable[Any]) -> list[dict[str, Any]]:
    """``(id, property, value)`` triples or ready ``{"id", "property", "value"}`` dicts."""
    out: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, Mapping):
            out.append(dict(item))
        else:
            component, prop, value = item
            out.append({"id": component, "property": prop, "value": value})
    return out


def callback_body(
    output: str,
    inputs: Sequence[Any],
    state: Sequence[Any] = (),
    changed: Sequence[str] = (),
) -> dict[str, Any]:
    """The JSON body of a ``/_dash-update-component`` POST, as Dash's renderer makes it.

    ``output`` is the callback key (:func:`dbmis.app.auth.output_key`); ``inputs`` and
    ``state`` are ``(id, property, value)`` triples (or dicts), in the callback's order;
    ``changed`` the ``"id.property"`` that triggered it (default: the first input).
    """
    ins = _items(inputs)
    triggered = list(changed) or ([f"{ins[0]['id']}.{ins[0]['property']}"] if ins else [])
    return {
        "output": output,
        "outputs": _outputs(output),
        "inputs": ins,
        "changedPropIds": triggered,
        "state": _items(state),
    }


def post_callback(
    client: Any,
    output: str,
    inputs: Sequence[Any],
    state: Sequence[Any] = (),
    changed: Sequence[str] = (),
    *,
    csrf: bool = True,
) -> Any:
    """POST a callback to ``/_dash-update-component`` with the CSRF header (``csrf=False``:
    without it); returns the response (200 with the outputs, 204 for no update, 403 refused)."""
    headers = csrf_headers(client) if csrf else {}
    return client.post(
        CALLBACK_PATH,
        data=json.dumps(callback_body(output, inputs, state, changed)),
        content_type="application/json",
        headers=headers,
    )


def sign_in_page(page: Any, base_url: str, username: str, password: str) -> None:
    """Sign a Playwright ``page`` in through the sign-in form at ``base_url`` and wait until
    the app has taken it to the next page."""
    page.goto(base_url.rstrip("/") + SIGN_IN_PAGE)
    page.locator("#sign-in-username").fill(username)
    page.locator("#sign-in-password").fill(password)
    page.locator("#sign-in-submit").click()
    page.wait_for_url(lambda url: "/sign-in" not in url, timeout=15_000)
    page.locator("#sign-out-form").wait_for(state="attached", timeout=15_000)
