"""``POST /auth/sign-in`` and ``POST /auth/sign-out`` (the sign-in page is ``/sign-in``).

Both need the CSRF token (Flask-WTF checks it before the view runs). A failed sign-in answers
the same for an unknown user, a wrong password and a disabled account (a redirect to
``/sign-in?error=1``) and costs the same hash verification; failures are counted per address
and per username, and past the limit the answer is 429. A successful sign-in starts a new
session (everything in the old one is dropped: no fixation) and goes to ``next`` when it is a
path of this site, else to the role's home page.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, g, redirect, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response as BaseResponse

from dbmis.app.auth import accounts
from dbmis.app.auth.roles import ADMIN, ANALYST, FOCAL_POINT, STEERING, current_account
from dbmis.app.auth.runtime import auth_runtime
from dbmis.app.auth.sessions import end_session, load_account, start_session
from dbmis.app.context import app_state
from dbmis.app.i18n import normalise_lang

HOME_BY_ROLE: dict[str, str] = {
    FOCAL_POINT: "/portal",
    ANALYST: "/workspace",
    STEERING: "/steering",
    ADMIN: "/admin/users",
}
MAX_NEXT = 512
FAILED = "dbmis_sign_in_failed"


def safe_next(value: str | None) -> str | None:
    """``value`` if it is a path on this site (``/portal?x=1``), else None: no scheme, no
    host, no ``//`` or backslash that a browser could read as another site."""
    if not value or len(value) > MAX_NEXT or not value.startswith("/"):
        return None
    if value.startswith("//") or "\\" in value or any(ord(c) < 0x20 or c == "\x7f" for c in value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    return value


def _with_lang(path: str, lang: str) -> str:
    if lang == "en" or "lang=" in path:
        return path
    return path + ("&" if "?" in path else "?") + urlencode({"lang": lang})


def _username_key() -> str:
    return "user:" + accounts.normalise_username(request.form.get("username", ""))[:64]


def _failed(response: Response) -> bool:
    return bool(g.get(FAILED, False))


def make_blueprint(limiter: Limiter, per_ip: str, per_account: str) -> Blueprint:
    """The sign-in and sign-out routes, rate-limited with ``limiter`` (this app's)."""
    bp = Blueprint("auth", __name__, url_prefix="/auth")

    @bp.post("/sign-in")
    @limiter.limit(per_ip, key_func=get_remote_address, deduct_when=_failed, scope="sign-in-ip")
    @limiter.limit(per_account, key_func=_username_key, deduct_when=_failed, scope="sign-in-user")
    def sign_in() -> BaseResponse:
        state, runtime = app_state(), auth_runtime()
        username = request.form.get("username", "")
        password = request.form.get("password", "")
        lang = normalise_lang(request.form.get("lang"))
        target = safe_next(request.form.get("next"))
        result = accounts.authenticate(
            state.db, username, password, runtime.dummy_hash, now=runtime.policy.now()
        )
        accounts.audit_sign_in(state.db, result, username, request.remote_addr)
        if not result.ok or result.user is None:
            g.setdefault(FAILED, True)
            query = {"error": "1", **({"next": target} if target else {})}
            if lang != "en":
                query["lang"] = lang
            return redirect("/sign-in?" + urlencode(query), code=303)
        old = current_account()
        if old is not None:
            end_session(state.db, old.session_id, "replaced", runtime.policy)
        session.clear()
        token = start_session(state.db, result.user.id, runtime.policy)
        account = load_account(state.db, token, runtime.policy)
        if account is None:  # pragma: no cover - the session was made just above
            return redirect("/sign-in?error=1", code=303)
        login_user(account)
        destination = target or HOME_BY_ROLE.get(account.role, "/")
        return redirect(_with_lang(destination, lang), code=303)

    @bp.post("/sign-out")
    def sign_out() -> BaseResponse:
        state, runtime = app_state(), auth_runtime()
        lang = normalise_lang(request.form.get("lang"))
        account = current_account()
        if account is not None:
            end_session(state.db, account.session_id, "signed_out", runtime.policy)
            accounts.audit_sign_out(
                state.db, account.username, account.user_id, request.remote_addr
            )
        logout_user()
        session.clear()
        return redirect(_with_lang("/", lang), code=303)

    return bp
