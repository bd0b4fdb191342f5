"""Role checks for Flask routes (downloads and forms of the signed-in areas).

``@require_roles(REVIEWERS)`` refuses anyone else with 403 before the view runs (a visitor
who is not signed in gets 403 too: these are not pages, and nothing may happen). The view
reads the account with :func:`~dbmis.app.auth.roles.current_account`; scope checks (a focal
point's districts and institutions) stay in the view, against the account, never the request.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort

from dbmis.app.auth.roles import Account, allowed, current_account

F = TypeVar("F", bound=Callable[..., Any])


def require_roles(roles: frozenset[str]) -> Callable[[F], F]:
    """Decorate a Flask view: 403 unless the caller's role is in ``roles``."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not allowed(roles, current_account()):
                abort(403)
            return view(*args, **kwargs)

        guarded.dbmis_roles = roles  # type: ignore[attr-defined]
        return cast(F, guarded)

    return decorate


def signed_in_account() -> Account:
    """The caller's account inside a view guarded by :func:`require_roles` (403 if none)."""
    account = current_account()
    if account is None:
        abort(403)
    return account
