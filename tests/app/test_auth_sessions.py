"""Sign-in, sessions and sign-out over HTTP (Flask test client), on SQLite and PostgreSQL.

Session fixation, cookie replay after sign-out, idle and absolute timeouts (fake clock),
disabling a user, the same answer for an unknown user, argon2id hashes and rehashing, and the
audit trail of sign-in and sign-out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from argon2 import PasswordHasher

from dbmis.app.auth import accounts
from dbmis.app.auth.install import SESSION_COOKIE
from dbmis.app.auth.sessions import session_id
from dbmis.catalog import Catalog
from dbmis.warehouse import Database
from dbmis.warehouse.queries import sessions as sq
from dbmis.warehouse.queries import users as uq
from dbmis.warehouse.queries.audit import list_events
from tests.app.auth_env import (
    ADMIN,
    ANALYST,
    DEFAULT_PASSWORD,
    FOCAL_POINT,
    STEERING,
    AuthEnv,
    build,
)
from tests.support.auth import csrf_token, sign_in, sign_out


@pytest.fixture
def env(synced: Database, mini_catalog: Catalog) -> Iterator[AuthEnv]:
    e = build(synced, mini_catalog)
    yield e
    e.dispose()


def post_sign_in(client: Any, username: str, password: str, **extra: str) -> Any:
    data = {"csrf_token": csrf_token(client), "username": username, "password": password}
    data.update(extra)
    return client.post("/auth/sign-in", data=data)


def session_cookie(client: Any) -> str | None:
    cookie = client.get_cookie(SESSION_COOKIE)
    return None if cookie is None else cookie.value


def token_of(env: AuthEnv, client: Any) -> str | None:
    """The session token in the client's (signed) Flask session cookie."""
    with env.server.test_request_context(
        headers={"Cookie": f"{SESSION_COOKIE}={session_cookie(client)}"}
    ):
        from flask import session

        value = session.get("_user_id")
        return None if value is None else str(value)


def is_signed_in(client: Any) -> bool:
    """Is the client signed in? The users page (admins only) redirects a visitor to the
    sign-in page and answers another role 403."""
    answer = client.get("/admin/users")
    assert answer.status_code in (200, 302, 403)
    return answer.status_code != 302


# --- signing in -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "home"),
    [
        (FOCAL_POINT, "/portal"),
        (ANALYST, "/workspace"),
        (STEERING, "/steering"),
        (ADMIN, "/admin/users"),
    ],
)
def test_sign_in_goes_to_the_role_home_and_the_account_comes_from_the_database(
    env: AuthEnv, role: str, home: str
) -> None:
    client = env.client()
    answer = post_sign_in(client, env.username(role), DEFAULT_PASSWORD)
    assert answer.status_code == 303
    assert answer.headers["Location"] == home
    assert is_signed_in(client)
    with env.db.read() as conn:
        user = uq.get_user(conn, env.users[role].id)
    assert user.last_login_at is not None


def test_next_is_followed_only_for_paths_of_this_site(env: AuthEnv) -> None:
    name = env.username(ANALYST)
    for target, expected in [
        ("/steering?lang=ur", "/steering?lang=ur"),
        ("/kpi/CONVICTION_RATE", "/kpi/CONVICTION_RATE"),
        ("https://evil.example/", "/workspace"),
        ("//evil.example/x", "/workspace"),
        ("/\\evil.example", "/workspace"),
        ("javascript:alert(1)", "/workspace"),
        ("/ok\r\nSet-Cookie: x=1", "/workspace"),
    ]:
        client = env.client()
        answer = post_sign_in(client, name, DEFAULT_PASSWORD, next=target)
        assert answer.status_code == 303
        assert answer.headers["Location"] == expected, target


def test_urdu_sign_in_keeps_the_language(env: AuthEnv) -> None:
    client = env.client()
    answer = post_sign_in(client, env.username(STEERING), DEFAULT_PASSWORD, lang="ur")
    assert answer.headers["Location"] == "/steering?lang=ur"
    failed = post_sign_in(env.client(), env.username(STEERING), "wrong password!!", lang="ur")
    assert parse_qs(urlsplit(failed.headers["Location"]).query)["lang"] == ["ur"]


def test_the_session_changes_at_sign_in_no_fixation(env: AuthEnv) -> None:
    client = env.client()
    csrf_token(client)  # a visitor's session (with its CSRF secret) exists before sign-in
    before_cookie = session_cookie(client)
    before_csrf = client.get_cookie("_csrf_token").value
    assert before_cookie is not None
    sign_in(client, env.username(ANALYST), DEFAULT_PASSWORD)
    first = token_of(env, client)
    assert first is not None
    assert session_cookie(client) != before_cookie
    # the CSRF secret of the visitor's session is gone: a new token is issued
    assert client.get_cookie("_csrf_token").value != before_csrf
    # signing in again (same browser) gives yet another session; the previous one is ended
    sign_in(client, env.username(ANALYST), DEFAULT_PASSWORD)
    second = token_of(env, client)
    assert second is not None and second != first
    with env.db.read() as conn:
        old = sq.get_session(conn, session_id(first))
        new = sq.get_session(conn, session_id(second))
    assert old is not None and old.ended_reason == "replaced"
    assert new is not None and new.ended_at is None


def test_a_planted_session_is_not_adopted(env: AuthEnv) -> None:
    """An attacker's session cookie planted in the victim's browser does not become the
    victim's session: sign-in starts a new one, and the attacker's copy stays anonymous."""
    attacker = env.client()
    csrf_token(attacker)
    planted = session_cookie(attacker)
    victim = env.client()
    victim.set_cookie(SESSION_COOKIE, planted or "")
    sign_in(victim, env.username(ADMIN), DEFAULT_PASSWORD)
    assert session_cookie(victim) != planted
    assert is_signed_in(victim)
    assert not is_signed_in(attacker)


def test_only_the_hash_of_the_token_is_stored(env: AuthEnv) -> None:
    client = env.client()
    sign_in(client, env.username(ADMIN), DEFAULT_PASSWORD)
    token = token_of(env, client)
    assert token is not None and len(token) >= 40
    with env.db.read() as conn:
        row = sq.get_session(conn, session_id(token))
        assert row is not None and row.id != token and len(row.id) == 64
        assert sq.get_session(conn, token) is None


# --- signing out and replay -----------------------------------------------------------------


def test_cookie_replay_after_sign_out_fails(env: AuthEnv) -> None:
    client = env.client()
    sign_in(client, env.username(ADMIN), DEFAULT_PASSWORD)
    stolen = session_cookie(client)
    token = token_of(env, client)
    assert is_signed_in(client)
    answer = sign_out(client)
    assert answer.status_code == 303 and answer.headers["Location"] == "/"
    assert not is_signed_in(client)
    thief = env.client()
    thief.set_cookie(SESSION_COOKIE, stolen or "")
    assert not is_signed_in(thief)
    page = thief.get("/admin/users")
    assert page.status_code == 302 and page.headers["Location"].startswith("/sign-in")
    with env.db.read() as conn:
        row = sq.get_session(conn, session_id(token or ""))
    assert row is not None and row.ended_reason == "signed_out"


def test_sign_out_without_a_session_just_goes_home(env: AuthEnv) -> None:
    client = env.client()
    answer = sign_out(client)
    assert answer.status_code == 303 and answer.headers["Location"] == "/"


def test_disabling_a_user_ends_their_sessions(env: AuthEnv) -> None:
    client = env.client()
    sign_in(client, env.username(FOCAL_POINT), DEFAULT_PASSWORD)
    assert is_signed_in(client)
    accounts.set_active(env.db, actor="admin.one", username=env.username(FOCAL_POINT), active=False)
    assert not is_signed_in(client)
    with env.db.read() as conn:
        assert sq.open_session_count(conn, env.users[FOCAL_POINT].id) == 0
    # and a disabled account cannot sign in (same answer as a wrong password)
    answer = post_sign_in(env.client(), env.username(FOCAL_POINT), DEFAULT_PASSWORD)
    assert answer.headers["Location"].startswith("/sign-in?error=1")


def test_a_new_password_ends_open_sessions(env: AuthEnv) -> None:
    client = env.client()
    sign_in(client, env.username(STEERING), DEFAULT_PASSWORD)
    accounts.set_password(
        env.db, actor="admin.one", username=env.username(STEERING), password="a brand new phrase 77"
    )
    assert not is_signed_in(client)
    sign_in(env.client(), env.username(STEERING), "a brand new phrase 77")


# --- timeouts (fake clock) ------------------------------------------------------------------


def test_idle_timeout(env: AuthEnv) -> None:
    client = env.client()
    sign_in(client, env.username(ANALYST), DEFAULT_PASSWORD)
    token = token_of(env, client)
    env.clock.advance(minutes=29)
    assert is_signed_in(client)  # activity: the idle clock restarts
    env.clock.advance(minutes=29)
    assert is_signed_in(client)
    env.clock.advance(minutes=30)
    assert not is_signed_in(client)
    with env.db.read() as conn:
        row = sq.get_session(conn, session_id(token or ""))
    assert row is not None and row.ended_reason == "idle"
    env.clock.advance(minutes=-60)  # an ended session never comes back
    assert not is_signed_in(client)


def test_absolute_timeout_despite_activity(env: AuthEnv) -> None:
    client = env.client()
    sign_in(client, env.username(ANALYST), DEFAULT_PASSWORD)
    token = token_of(env, client)
    for _ in range(28):  # 11 hours 40 minutes of steady use
        env.clock.advance(minutes=25)
        assert is_signed_in(client)
    env.clock.advance(minutes=20)  # 12 hours after sign-in
    assert not is_signed_in(client)
    with env.db.read() as conn:
        row = sq.get_session(conn, session_id(token or ""))
    assert row is not None and row.ended_reason == "expired"


def test_timeouts_follow_the_settings(synced: Database, mini_catalog: Catalog) -> None:
    env = build(synced, mini_catalog, session_idle_minutes=5, session_absolute_hours=1)
    try:
        client = env.client()
        sign_in(client, env.username(ADMIN), DEFAULT_PASSWORD)
        env.clock.advance(minutes=4)
        assert is_signed_in(client)
        env.clock.advance(minutes=5)
        assert not is_signed_in(client)
    finally:
        env.dispose()


def test_last_seen_is_written_at_most_once_a_minute(env: AuthEnv) -> None:
    client = env.client()
    sign_in(client, env.username(ADMIN), DEFAULT_PASSWORD)
    sid = session_id(token_of(env, client) or "")

    def last_seen() -> Any:
        with env.db.read() as conn:
            row = sq.get_session(conn, sid)
        assert row is not None
        return row.last_seen_at

    start = last_seen()
    env.clock.advance(seconds=30)
    client.get("/admin/users")
    assert last_seen() == start
    env.clock.advance(seconds=31)
    client.get("/admin/users")
    assert last_seen() == env.clock.now


# --- failures look the same -----------------------------------------------------------------


def test_unknown_user_and_wrong_password_get_the_same_answer(env: AuthEnv) -> None:
    answers = [
        post_sign_in(env.client(), name, password, next="/portal")
        for name, password in [
            ("nobody.here", DEFAULT_PASSWORD),
            (env.username(FOCAL_POINT), "not the right password"),
            (env.username(FOCAL_POINT), ""),
            ("x" * 300, "y" * 300),
        ]
    ]
    first = answers[0]
    assert first.status_code == 303
    assert first.headers["Location"] == "/sign-in?error=1&next=%2Fportal"
    for answer in answers[1:]:
        assert answer.status_code == first.status_code
        assert answer.headers["Location"] == first.headers["Location"]
        assert answer.get_data() == first.get_data()


def test_unknown_users_are_verified_against_a_dummy_hash(
    env: AuthEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The unknown user costs one argon2 verification, like a wrong password (similar time)."""
    calls: list[str] = []
    real = PasswordHasher.verify

    def counting(self: PasswordHasher, hash: str, password: str) -> bool:
        calls.append(hash)
        return real(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    post_sign_in(env.client(), "nobody.here", DEFAULT_PASSWORD)
    post_sign_in(env.client(), env.username(ANALYST), "not the right password")
    assert len(calls) == 2
    assert all(h.startswith("$argon2id$") for h in calls)


def test_stored_hashes_are_argon2id(env: AuthEnv) -> None:
    with env.db.read() as conn:
        hashes = [u.password_hash for u in uq.list_users(conn)]
    assert hashes and all(h and h.startswith("$argon2id$v=19$m=19456,t=2,p=1$") for h in hashes)


def test_an_old_hash_is_upgraded_at_sign_in(env: AuthEnv) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(DEFAULT_PASSWORD)
    user = env.users[STEERING]
    with env.db.write() as conn:
        uq.set_password_hash(conn, user.id, weak)
    sign_in(env.client(), user.username, DEFAULT_PASSWORD)
    with env.db.read() as conn:
        stored = uq.get_user(conn, user.id).password_hash
    assert stored != weak and stored is not None and "m=19456,t=2,p=1" in stored


def test_usernames_are_case_insensitive(env: AuthEnv) -> None:
    client = env.client()
    sign_in(client, "  " + env.username(ADMIN).upper() + " ", DEFAULT_PASSWORD)
    assert is_signed_in(client)


# --- audit ------------------------------------------------------------------------------------


def test_sign_in_failure_and_sign_out_are_audited(env: AuthEnv) -> None:
    client = env.client()
    post_sign_in(client, env.username(ANALYST), "not the right password")
    post_sign_in(client, "nobody.here", "not the right password")
    sign_in(client, env.username(ANALYST), DEFAULT_PASSWORD)
    sign_out(client)
    with env.db.read() as conn:
        events = list(reversed(list_events(conn, entity="user")))
    actions = [(e.action, e.actor) for e in events]
    assert actions == [
        ("auth.sign_in_failed", "anonymous"),
        ("auth.sign_in_failed", "anonymous"),
        ("auth.sign_in", env.username(ANALYST)),
        ("auth.sign_out", env.username(ANALYST)),
    ]
    assert events[0].detail is not None and events[0].detail["reason"] == "bad_password"
    assert events[0].entity_id == str(env.users[ANALYST].id)
    assert events[1].detail is not None and events[1].detail["reason"] == "unknown_user"
    assert events[1].detail["username"] == "nobody.here"
    assert all("password" not in str(e.detail).replace("bad_password", "") for e in events)
