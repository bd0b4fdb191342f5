"""``dbmis users add | list | set-password | set-access | disable | enable`` on SQLite and
PostgreSQL: the accounts, argon2id hashes, the audit trail, and clear errors for bad roles,
codes and passwords (which write nothing)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from dbmis.app.auth.passwords import verify_password
from dbmis.app.auth.sessions import SessionPolicy, load_account, start_session
from dbmis.catalog import load_catalog
from dbmis.cli import app
from dbmis.warehouse import Database, sync_catalog
from dbmis.warehouse.queries import users as uq
from dbmis.warehouse.queries.audit import list_events
from tests.app.auth_env import row_counts
from tests.app.conftest import MINI

PASSWORD = "a long enough pass phrase"


@pytest.fixture
def synced(db: Database) -> Database:
    sync_catalog(db, load_catalog(MINI))
    return db


@pytest.fixture
def run(synced: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    monkeypatch.chdir(tmp_path)
    url = synced.url.render_as_string(hide_password=False)

    def invoke(args: Sequence[str], stdin: str | None = None) -> Any:
        return CliRunner().invoke(
            app, ["--database-url", url, "--catalog", str(MINI), *args], input=stdin
        )

    return invoke


def user(db: Database, name: str) -> uq.User:
    with db.read() as conn:
        found = uq.get_user_by_username(conn, name)
    assert found is not None
    return found


def test_add_a_focal_point_with_a_prompted_password(run: Any, synced: Database) -> None:
    result = run(
        ["users", "add", "Focal.Alpha", "--role", "focal_point", "--name", "Alpha focal point",
         "--district", "alpha", "--district", "BETA", "--institution", "PROSECUTION",
         "--email", "fp@example.org"],
        stdin=f"{PASSWORD}\n{PASSWORD}\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "added focal.alpha (focal_point)" in result.stdout
    assert PASSWORD not in result.output
    created = user(synced, "focal.alpha")
    assert created.password_hash is not None and created.password_hash.startswith("$argon2id$")
    assert verify_password(created.password_hash, PASSWORD)
    assert created.email == "fp@example.org" and created.display_name == "Alpha focal point"
    with synced.read() as conn:
        scopes = uq.user_scopes(conn, created.id)
        events = list_events(conn, action="user.create")
    assert scopes.districts == {"ALPHA", "BETA"} and scopes.institutions == {"PROSECUTION"}
    assert len(events) == 1 and events[0].actor.startswith("cli:")
    assert events[0].entity_id == str(created.id)
    assert PASSWORD not in str(events[0].detail)


def test_the_prompt_asks_twice(run: Any, synced: Database) -> None:
    result = run(
        ["users", "add", "ana", "--role", "analyst", "--name", "Ana"],
        stdin=f"{PASSWORD}\nsomething else entirely\n{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output.lower() or "error" in result.output.lower()
    assert verify_password(user(synced, "ana").password_hash, PASSWORD)


def test_list_set_password_disable_enable(run: Any, synced: Database) -> None:
    for args in (
        ["users", "add", "ana", "--role", "analyst", "--name", "Ana Analyst", "--password-stdin"],
        ["users", "add", "sam", "--role", "steering", "--name", "Sam", "--password-stdin"],
    ):
        assert run(args, stdin=PASSWORD + "\n").exit_code == 0
    listed = run(["users", "list"])
    assert listed.exit_code == 0
    lines = listed.stdout.splitlines()
    assert lines[0].split()[:3] == ["username", "role", "active"]
    assert lines[1].split()[:3] == ["ana", "analyst", "yes"] and "Ana Analyst" in lines[1]
    assert lines[2].split()[:3] == ["sam", "steering", "yes"] and "never" in lines[2]

    policy = SessionPolicy.from_settings(_settings(synced))
    token = start_session(synced, user(synced, "ana").id, policy)
    changed = run(
        ["users", "set-password", "ana", "--password-stdin"], stdin="fresh words for her 2\n"
    )
    assert changed.exit_code == 0, changed.output
    assert verify_password(user(synced, "ana").password_hash, "fresh words for her 2")
    assert load_account(synced, token, policy) is None  # the open session ended

    token = start_session(synced, user(synced, "sam").id, policy)
    assert run(["users", "disable", "sam"]).exit_code == 0
    assert not user(synced, "sam").active
    assert load_account(synced, token, policy) is None
    sam_line = run(["users", "list"]).stdout.splitlines()[2]
    assert sam_line.split()[:3] == ["sam", "steering", "no"]
    assert run(["users", "enable", "sam"]).exit_code == 0
    assert user(synced, "sam").active

    with synced.read() as conn:
        actions = [e.action for e in reversed(list_events(conn, entity="user"))]
    assert actions == ["user.create", "user.create", "user.password", "user.disable", "user.enable"]


def _settings(db: Database) -> Any:
    from tests.app.conftest import settings_for

    return settings_for(db)


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--role", "boss", "--name", "X"], PASSWORD, "unknown role 'boss': choose one of"),
        (["--role", "focal_point", "--name", "X", "--district", "ALPHA"], PASSWORD,
         "a focal point needs at least one --district and one --institution"),
        (["--role", "focal_point", "--name", "X", "--district", "NOWHERE",
          "--institution", "PROSECUTION"], PASSWORD, "unknown district code(s): NOWHERE"),
        (["--role", "focal_point", "--name", "X", "--district", "ALPHA",
          "--institution", "NAVY"], PASSWORD, "unknown institution code(s): NAVY"),
        (["--role", "analyst", "--name", "X"], "short", "at least 12 characters"),
        (["--role", "analyst", "--name", "X"], "password1234", "too common"),
        (["--role", "analyst", "--name", "X"], "newuser.one-and-more", "must not contain the username"),
    ],
)  # fmt: skip
def test_clear_errors_write_nothing(
    run: Any, synced: Database, args: list[str], stdin: str, message: str
) -> None:
    before = row_counts(synced)
    result = run(["users", "add", "newuser.one", *args, "--password-stdin"], stdin=stdin + "\n")
    assert result.exit_code in (1, 2)
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert row_counts(synced) == before


def test_bad_usernames_and_duplicates(run: Any, synced: Database) -> None:
    bad = run(["users", "add", "no spaces", "--role", "analyst", "--name", "X", "--password-stdin"],
              stdin=PASSWORD + "\n")  # fmt: skip
    assert bad.exit_code == 2 and "is not allowed" in bad.stderr
    ok = ["users", "add", "ana", "--role", "analyst", "--name", "Ana", "--password-stdin"]
    assert run(ok, stdin=PASSWORD + "\n").exit_code == 0
    again = run([*ok[:2], "ANA", *ok[3:]], stdin=PASSWORD + "\n")
    assert again.exit_code == 1 and "already exists" in again.stderr


def test_unknown_users(run: Any) -> None:
    for args in (["set-password", "ghost", "--password-stdin"], ["disable", "ghost"],
                 ["enable", "ghost"]):  # fmt: skip
        result = run(["users", *args], stdin=PASSWORD + "\n")
        assert result.exit_code == 1 and "no user named 'ghost'" in result.stderr, args


def test_an_unmigrated_warehouse_is_reported(
    empty_db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    url = empty_db.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(app, ["--database-url", url, "users", "list"])
    assert result.exit_code == 1 and "run `dbmis init` first" in result.stderr


def test_users_help_lists_the_commands() -> None:
    result = CliRunner().invoke(app, ["users", "--help"])
    for command in ("add", "list", "set-password", "set-access", "disable", "enable"):
        assert command in result.stdout


def test_set_access_changes_role_and_scopes_ends_sessions_and_is_audited(
    run: Any, synced: Database
) -> None:
    add = ["users", "add", "fp.alpha", "--role", "focal_point", "--name", "FP", "--district", "ALPHA",
           "--institution", "PROSECUTION", "--password-stdin"]  # fmt: skip
    assert run(add, stdin=PASSWORD + "\n").exit_code == 0
    policy = SessionPolicy.from_settings(_settings(synced))
    token = start_session(synced, user(synced, "fp.alpha").id, policy)
    account = load_account(synced, token, policy)
    assert account is not None and account.districts == frozenset({"ALPHA"})

    # a second district: the institution is kept, the open session ends
    moved = run(["users", "set-access", "FP.Alpha", "--district", "alpha", "--district", "BETA"])
    assert moved.exit_code == 0, moved.output
    assert "districts ALPHA,BETA; institutions PROSECUTION" in moved.stdout
    assert load_account(synced, token, policy) is None
    token = start_session(synced, user(synced, "fp.alpha").id, policy)
    account = load_account(synced, token, policy)
    assert account is not None and account.districts == frozenset({"ALPHA", "BETA"})

    # promoted to analyst, scopes cleared
    promoted = run(["users", "set-access", "fp.alpha", "--role", "analyst", "--clear-scopes"])
    assert promoted.exit_code == 0, promoted.output
    assert user(synced, "fp.alpha").role == "analyst"
    assert "districts -; institutions -" in promoted.stdout
    with synced.read() as conn:
        event = list_events(conn, action="user.access")[0]
    assert event.detail["before"] == {"role": "focal_point", "districts": ["ALPHA", "BETA"],
                                      "institutions": ["PROSECUTION"]}  # fmt: skip
    assert event.detail["after"] == {"role": "analyst", "districts": [], "institutions": []}
    assert event.detail["sessions_ended"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "nothing to change"),
        (["--role", "boss"], "unknown role 'boss'"),
        (["--district", "NOWHERE"], "unknown district code(s): NOWHERE"),
        (["--clear-scopes"], "a focal point needs at least one district and one institution"),
        (["--clear-scopes", "--district", "BETA"], "not both"),
    ],
)
def test_set_access_refusals_write_nothing(
    run: Any, synced: Database, args: list[str], message: str
) -> None:
    add = ["users", "add", "fp.alpha", "--role", "focal_point", "--name", "FP", "--district", "ALPHA",
           "--institution", "PROSECUTION", "--password-stdin"]  # fmt: skip
    assert run(add, stdin=PASSWORD + "\n").exit_code == 0
    before = row_counts(synced)
    result = run(["users", "set-access", "fp.alpha", *args])
    assert result.exit_code in (1, 2) and message in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert row_counts(synced) == before and user(synced, "fp.alpha").role == "focal_point"
    ghost = run(["users", "set-access", "ghost", "--role", "analyst"])
    assert ghost.exit_code == 1 and "no user named 'ghost'" in ghost.stderr
