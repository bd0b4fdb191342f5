"""Password hashing (argon2id, at least m=19 MiB, t=2, p=1) and the password policy."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from dbmis.app.auth.passwords import (
    MIN_LENGTH,
    WeakPasswordError,
    check_policy,
    dummy_hash,
    hash_password,
    needs_rehash,
    verify_password,
)

GOOD = "river stone lantern 42"


def test_hashes_are_argon2id_with_at_least_the_owasp_minimum() -> None:
    stored = hash_password(GOOD)
    assert stored.startswith("$argon2id$v=19$")
    params = dict(p.split("=") for p in stored.split("$")[3].split(","))
    assert int(params["m"]) >= 19 * 1024 and int(params["t"]) >= 2 and int(params["p"]) >= 1
    assert hash_password(GOOD) != stored  # salted
    assert verify_password(stored, GOOD)
    assert not verify_password(stored, GOOD + " ")
    assert not needs_rehash(stored)


@pytest.mark.parametrize("stored", [None, "", "plain text", "$argon2id$v=19$broken"])
def test_verify_is_false_for_missing_or_broken_hashes(stored: str | None) -> None:
    assert verify_password(stored, GOOD) is False


def test_overlong_input_is_not_hashed() -> None:
    assert verify_password(hash_password(GOOD), "x" * 10_000) is False


def test_other_parameters_need_a_rehash() -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(GOOD)
    assert needs_rehash(weak) and verify_password(weak, GOOD)
    assert needs_rehash("$2b$12$notargon")  # another algorithm


def test_dummy_hash_verifies_nothing_useful() -> None:
    dummy = dummy_hash()
    assert dummy.startswith("$argon2id$") and not verify_password(dummy, GOOD)


@pytest.mark.parametrize(
    ("password", "username", "message"),
    [
        ("short", None, f"at least {MIN_LENGTH} characters"),
        ("elevenchars", None, "at least 12 characters (it has 11)"),
        ("password1234", None, "too common"),
        ("PASSWORD1234", None, "too common"),
        ("aaaaaaaaaaaaaaaa", None, "too common"),
        ("abababababab", None, "too common"),
        ("focal.quetta", "focal.quetta", "must not contain the username"),
        ("my name is focal.quetta!", "Focal.Quetta", "must not contain the username"),
        ("x" * 300, None, "at most 256"),
    ],
)
def test_the_policy_explains_what_is_wrong(
    password: str, username: str | None, message: str
) -> None:
    with pytest.raises(WeakPasswordError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_policy(password, username=username)
    with pytest.raises(WeakPasswordError):
        hash_password(password, username=username)


@pytest.mark.parametrize(
    "password", [GOOD, "ڈیلیوری یونٹ کا پاس ورڈ", "Tr0ub4dour&3x", "ana likes long walks"]
)
def test_the_policy_accepts_reasonable_passwords(password: str) -> None:
    check_policy(password, username="ana")
