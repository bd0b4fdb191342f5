"""The administrator's users page: every account, its role, scopes, state and last sign-in."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from dbmis.app.auth import accounts
from dbmis.app.auth.policy import ROUTING_KEY
from dbmis.catalog import Catalog
from dbmis.warehouse import Database
from tests.app.auth_env import ADMIN, DEFAULT_PASSWORD, FOCAL_POINT, AuthEnv, build
from tests.support.auth import post_callback, sign_in


@pytest.fixture
def env(synced: Database, mini_catalog: Catalog) -> Iterator[AuthEnv]:
    e = build(synced, mini_catalog)
    yield e
    e.dispose()


def page_text(client: object, search: str = "") -> str:
    answer = post_callback(
        client, ROUTING_KEY, [("url", "pathname", "/admin/users"), ("url", "search", search)]
    )
    assert answer.status_code == 200
    return json.dumps(answer.get_json(), ensure_ascii=False)


def test_the_table_lists_every_user(env: AuthEnv) -> None:
    accounts.set_active(env.db, actor="t", username=env.username(FOCAL_POINT), active=False)
    client = env.client()
    sign_in(client, env.username(ADMIN), DEFAULT_PASSWORD)
    text = page_text(client)
    for header in (
        "Username",
        "Name",
        "Role",
        "Districts",
        "Institutions",
        "Active",
        "Last sign-in",
    ):
        assert f'"{header}"' in text, header
    for role in env.users:
        assert env.username(role) in text
    assert "Alpha (ALPHA)" in text and "PROSECUTION" in text
    assert "Delivery Unit analyst" in text and "Administrator" in text
    assert '"No"' in text and '"Never"' in text and "UTC" in text  # the admin has signed in
    assert "password" not in text.lower().replace("passwords", "")  # no hash, ever
    assert "$argon2" not in text


def test_the_page_in_urdu(env: AuthEnv) -> None:
    client = env.client()
    sign_in(client, env.username(ADMIN), DEFAULT_PASSWORD)
    text = page_text(client, "?lang=ur")
    assert "صارفین" in text and "آخری سائن ان" in text


def test_the_header_shows_the_account_and_its_links(env: AuthEnv) -> None:
    client = env.client()
    sign_in(client, env.username(ADMIN), DEFAULT_PASSWORD)
    text = page_text(client)
    assert "Signed in as Admin One (Administrator)" in text
    assert '"action": "/auth/sign-out"' in text and '"name": "csrf_token"' in text
    assert '"href": "/admin/users"' in text and '"href": "/audit"' in text
    assert '"href": "/workspace"' not in text and '"href": "/portal"' not in text


def test_the_work_links_match_the_pages_roles() -> None:
    """Each role sees a link exactly to the pages it may open (the nav and ROLES agree)."""
    from dbmis.app import routing
    from dbmis.app.shell import WORK_NAV

    for _, path, pages, roles in WORK_NAV:
        match = routing.resolve(path, None)  # type: ignore[arg-type]
        assert match.page in pages, path
        assert routing.page_roles(match.page) == roles, path
