"""Demo accounts: one per role, made in demo mode only, signing in with the passwords the
README lists."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from dbmis.app.auth.demo_accounts import create_demo_accounts
from dbmis.app.auth.roles import ROLES
from dbmis.catalog import Catalog, load_catalog
from dbmis.demo.accounts import DEMO_ACCOUNTS, demo_scope
from dbmis.settings import Mode
from dbmis.warehouse import Database
from dbmis.warehouse.queries import users as uq
from tests.app.auth_env import AuthEnv, build
from tests.support.auth import sign_in

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture
def env(synced: Database, mini_catalog: Catalog) -> Iterator[AuthEnv]:
    e = build(synced, mini_catalog)
    yield e
    e.dispose()


def test_one_account_per_role_that_signs_in(env: AuthEnv, mini_catalog: Catalog) -> None:
    made = create_demo_accounts(env.db, mini_catalog, Mode.demo)
    assert sorted(a.role for a in made) == sorted(ROLES)
    for account in DEMO_ACCOUNTS:
        client = env.client()
        sign_in(client, account.username, account.password)
    with env.db.read() as conn:
        focal = uq.get_user_by_username(conn, "focal.quetta")
        assert focal is not None
        scopes = uq.user_scopes(conn, focal.id)
    assert (set(scopes.districts), set(scopes.institutions)) == ({"ALPHA"}, {"PROSECUTION"})
    assert create_demo_accounts(env.db, mini_catalog, Mode.demo) == []  # idempotent


@pytest.mark.parametrize("mode", [Mode.production, Mode.development])
def test_no_demo_accounts_outside_demo_mode(
    synced: Database, mini_catalog: Catalog, mode: Mode
) -> None:
    assert create_demo_accounts(synced, mini_catalog, mode) == []
    with synced.read() as conn:
        assert uq.list_users(conn) == []


def test_the_bundled_catalog_gives_quetta_police() -> None:
    assert demo_scope(load_catalog()) == ("QUETTA", "POLICE")


def test_the_readme_lists_every_demo_account_as_demo_only() -> None:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### Demo accounts") :]
    section = section[: section.index("\n## ", 1)] if "\n## " in section else section
    assert re.search(r"demo only", section, re.IGNORECASE)
    for account in DEMO_ACCOUNTS:
        assert f"`{account.username}`" in section and f"`{account.password}`" in section
