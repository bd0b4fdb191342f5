"""Users, roles and scopes."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from dbmis.errors import ConflictError, NotFoundError
from dbmis.warehouse import Database
from dbmis.warehouse.queries import users
from dbmis.warehouse.schema import app_user


def test_create_and_read_users(synced_db: Database):
    with synced_db.write() as conn:
        fp = users.create_user(
            conn, "fp.alpha", "Focal Point Alpha", "focal_point",
            districts=["ALPHA"], institutions=["PROSECUTION"], password_hash="$argon2id$x",
        )  # fmt: skip
        users.create_user(conn, "analyst", "DU Analyst", "analyst", email="a@example.org")
    with synced_db.read() as conn:
        assert users.get_user_by_username(conn, "fp.alpha") == fp
        assert users.get_user_by_username(conn, "nobody") is None
        assert [u.username for u in users.list_users(conn)] == ["analyst", "fp.alpha"]
        scopes = users.user_scopes(conn, fp.id)
    assert fp.role == "focal_point" and fp.active and fp.created_at.tzinfo is not None
    assert fp.password_hash == "$argon2id$x" and "argon2" not in repr(fp)
    assert scopes == users.UserScopes(frozenset({"ALPHA"}), frozenset({"PROSECUTION"}))


def test_user_updates(synced_db: Database):
    with synced_db.write() as conn:
        user = users.create_user(conn, "u1", "User One", "analyst")
        users.set_password_hash(conn, user.id, "$argon2id$new")
        users.set_active(conn, user.id, False)
        users.set_role(conn, user.id, "steering")
        users.record_login(conn, user.id)
        users.set_user_scopes(conn, user.id, districts=["BETA", "GAMMA"])
    with synced_db.read() as conn:
        again = users.get_user(conn, user.id)
        assert users.list_users(conn, active_only=True) == []
        assert users.user_scopes(conn, user.id).districts == {"BETA", "GAMMA"}
    assert again.password_hash == "$argon2id$new"
    assert (again.active, again.role) == (False, "steering")
    assert again.last_login_at is not None


def test_user_errors(synced_db: Database):
    with synced_db.write() as conn:
        users.create_user(conn, "dup", "Dup", "admin")
        with pytest.raises(ConflictError):
            users.create_user(conn, "dup", "Dup again", "admin")
        with pytest.raises(ValueError, match="role"):
            users.create_user(conn, "x", "X", "superuser")
        with pytest.raises(NotFoundError, match="NOWHERE"):
            users.create_user(conn, "y", "Y", "focal_point", districts=["NOWHERE"])
        with pytest.raises(NotFoundError):
            users.set_active(conn, 9999, True)
    with pytest.raises(IntegrityError), synced_db.write() as conn:  # the CHECK constraint
        conn.execute(app_user.insert().values(
            username="z", display_name="Z", role="root", created_at=users.utcnow()
        ))  # fmt: skip
