"""Password hashing (argon2id) and the password policy.

Hashes are argon2id from argon2-cffi with at least the OWASP minimum (m=19 MiB, t=2, p=1); we
use a little more memory. A stored hash made with other parameters still verifies and is
replaced at the next successful sign-in (:func:`needs_rehash`).

The policy (ASVS V2.1): at least :data:`MIN_LENGTH` characters, at most
:data:`MAX_LENGTH`, not the username, not a well-known password. Every character counts,
spaces and Urdu letters included: a pass phrase is welcome.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from dbmis.errors import DbmisError

MIN_LENGTH = 12
MAX_LENGTH = 256
"""Longer input is refused before hashing (no denial of service with megabyte passwords)."""

TIME_COST = 2
MEMORY_COST_KIB = 19 * 1024
PARALLELISM = 1

COMMON_PASSWORDS: frozenset[str] = frozenset(
    {
        "123456789012",
        "1234567890123",
        "12345678901234",
        "qwertyuiopas",
        "qwertyuiop123",
        "qwerty123456",
        "password1234",
        "password12345",
        "password123456",
        "passwordpassword",
        "password!123",
        "p@ssw0rd1234",
        "iloveyou1234",
        "welcome12345",
        "welcome@1234",
        "letmein12345",
        "administrator",
        "admin1234567",
        "admin@123456",
        "changeme1234",
        "aaaaaaaaaaaa",
        "111111111111",
        "000000000000",
        "abcdefghijkl",
        "abc123456789",
        "pakistan1234",
        "pakistan@123",
        "pakistan123456",
        "balochistan1",
        "balochistan123",
        "quetta123456",
        "deliveryunit",
        "delivery1234",
        "dbmis1234567",
    }
)
"""Well-known passwords of 12 characters or more (compared case-insensitively)."""


class WeakPasswordError(DbmisError):
    """A new password does not meet the policy; the message says why."""

    code = "WEAK_PASSWORD"


def hasher() -> PasswordHasher:
    """The argon2id hasher with DBMIS's parameters (cheap to make: no state)."""
    return PasswordHasher(
        time_cost=TIME_COST,
        memory_cost=MEMORY_COST_KIB,
        parallelism=PARALLELISM,
        hash_len=32,
        salt_len=16,
    )


def check_policy(password: str, *, username: str | None = None) -> None:
    """Raise :class:`WeakPasswordError` with a clear message unless ``password`` is allowed."""
    if len(password) < MIN_LENGTH:
        raise WeakPasswordError(
            f"the password must have at least {MIN_LENGTH} characters "
            f"(it has {len(password)}); a phrase of several words is easy to remember"
        )
    if len(password) > MAX_LENGTH:
        raise WeakPasswordError(f"the password must have at most {MAX_LENGTH} characters")
    folded = password.casefold()
    name = (username or "").casefold()
    if name and (folded == name or (len(name) >= 4 and name in folded)):
        raise WeakPasswordError("the password must not contain the username")
    if folded in COMMON_PASSWORDS or len(set(folded)) < 4:
        raise WeakPasswordError(
            "this password is too common or too easy to guess; choose another one"
        )


def hash_password(password: str, *, username: str | None = None) -> str:
    """The argon2id hash of a new password, after checking the policy."""
    check_policy(password, username=username)
    return hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Does ``password`` match ``stored_hash``? False for no hash, a bad hash or a long input."""
    if not stored_hash or len(password) > MAX_LENGTH:
        return False
    try:
        return hasher().verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Was ``stored_hash`` made with other parameters (or another algorithm)?"""
    try:
        return hasher().check_needs_rehash(stored_hash)
    except (InvalidHashError, ValueError):
        return True


def dummy_hash() -> str:
    """A hash to verify against when the username is unknown, so that an unknown user and a
    wrong password take about the same time (make it once per app)."""
    return hasher().hash("not a password: only for timing " + "x" * MIN_LENGTH)
