"""Security headers and the CSP on pages, callback answers and errors; no-store; the sign-in
rate limit (429); plain error pages without tracebacks; debug and SECRET_KEY at start-up."""

from __future__ import annotations

import base64
import hashlib
import re
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dash import Input, Output

from dbmis.app import create_app
from dbmis.app.auth.policy import ROUTING_KEY
from dbmis.app.context import app_state
from dbmis.catalog import Catalog
from dbmis.errors import ConfigError
from dbmis.settings import Mode, Settings
from dbmis.warehouse import Database
from tests.app.auth_env import ADMIN, ANALYST, DEFAULT_PASSWORD, AuthEnv, build
from tests.app.conftest import MINI, settings_for
from tests.support.auth import csrf_token, post_callback, sign_in

EXPECTED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
CSP_DIRECTIVES = {
    "default-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


@pytest.fixture
def env(synced: Database, mini_catalog: Catalog) -> Iterator[AuthEnv]:
    e = build(synced, mini_catalog)
    yield e
    e.dispose()


def csp(answer: Any) -> dict[str, str]:
    policy = answer.headers["Content-Security-Policy"]
    out = {}
    for part in policy.split(";"):
        name, _, value = part.strip().partition(" ")
        out[name] = value
    return out


def check_headers(answer: Any, where: str) -> None:
    for name, value in EXPECTED_HEADERS.items():
        assert answer.headers.get(name) == value, (where, name)
    directives = csp(answer)
    for name, value in CSP_DIRECTIVES.items():
        assert directives.get(name) == value, (where, name, directives.get(name))
    script = directives["script-src"].split()
    assert script[0] == "'self'" and all(s.startswith("'sha256-") for s in script[1:]), where
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script


def test_headers_on_pages_callbacks_errors_and_files(env: AuthEnv) -> None:
    visitor = env.client()
    admin = env.client()
    sign_in(admin, env.username(ADMIN), DEFAULT_PASSWORD)
    answers = {
        "home": visitor.get("/"),
        "sign-in page": visitor.get("/sign-in"),
        "404 page": visitor.get("/no-such-page"),
        "redirect to sign-in": visitor.get("/admin/users"),
        "users page": admin.get("/admin/users"),
        "403 page": admin.get("/workspace"),
        "api": visitor.get("/api/v1/kpis"),
        "api 404": visitor.get("/api/v1/nothing"),
        "layout": visitor.get("/_dash-layout"),
        "asset": visitor.get("/assets/auth.css"),
        "callback": post_callback(
            visitor, ROUTING_KEY, [("url", "pathname", "/about"), ("url", "search", "")]
        ),
        "refused callback": post_callback(visitor, "audit-x.children", [("a", "b", 1)]),
        "csrf failure": visitor.post("/auth/sign-out"),
        "sign-in post": visitor.post(
            "/auth/sign-in",
            data={"csrf_token": csrf_token(visitor), "username": "x", "password": "y"},
        ),
    }
    assert answers["callback"].status_code == 200
    assert answers["refused callback"].status_code == 403
    assert answers["csrf failure"].status_code == 400
    for where, answer in answers.items():
        check_headers(answer, where)


def test_every_inline_script_of_the_page_is_allowed_by_hash(env: AuthEnv) -> None:
    answer = env.client().get("/")
    html = answer.get_data(as_text=True)
    allowed = set(csp(answer)["script-src"].split()[1:])
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", html, flags=re.S)
    executable = [body for attrs, body in inline if "application/json" not in attrs]
    assert executable, "the Dash page has its renderer's inline script"
    for body in executable:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in allowed, body[:80]
    assert not re.search(r"\son[a-z]+=", html), "no inline event handlers"


def test_no_store_on_private_answers(env: AuthEnv) -> None:
    visitor = env.client()
    admin = env.client()
    sign_in(admin, env.username(ADMIN), DEFAULT_PASSWORD)
    private = {
        "users page": admin.get("/admin/users"),
        "public page seen signed in": admin.get("/about"),
        "api seen signed in": admin.get("/api/v1/kpis"),
        "callback": post_callback(
            visitor, ROUTING_KEY, [("url", "pathname", "/"), ("url", "search", "")]
        ),
        "redirect": visitor.get("/portal"),
        "sign-in post": visitor.post("/auth/sign-in", data={"csrf_token": csrf_token(visitor)}),
    }
    for where, answer in private.items():
        assert answer.headers.get("Cache-Control") == "no-store", where
    assert visitor.get("/").headers.get("Cache-Control") != "no-store"
    assert "no-store" not in visitor.get("/assets/auth.css").headers.get("Cache-Control", "")


# --- rate limit -----------------------------------------------------------------------------


def attempt(client: Any, username: str, password: str, ip: str) -> Any:
    return client.post(
        "/auth/sign-in",
        data={"csrf_token": csrf_token(client), "username": username, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_failed_sign_ins_are_limited_per_account(synced: Database, mini_catalog: Catalog) -> None:
    env = build(synced, mini_catalog, sign_in_limit_per_account="3 per 15 minutes")
    try:
        name = env.username(ANALYST)
        for i in range(3):  # from three different addresses
            answer = attempt(env.client(), name, "not the password", f"10.0.0.{i + 1}")
            assert answer.status_code == 303
        blocked = attempt(env.client(), name, "not the password", "10.0.0.9")
        assert blocked.status_code == 429
        text = blocked.get_data(as_text=True)
        assert "Too many attempts" in text and "Traceback" not in text
        check_headers(blocked, "429")
        # the right password is refused too while the account is limited...
        assert attempt(env.client(), name, DEFAULT_PASSWORD, "10.0.0.10").status_code == 429
        # ...in any letter case; other accounts are not affected
        assert attempt(env.client(), name.upper(), DEFAULT_PASSWORD, "10.0.0.11").status_code == 429
        ok = attempt(env.client(), env.username(ADMIN), DEFAULT_PASSWORD, "10.0.0.9")
        assert ok.status_code == 303 and "error" not in ok.headers["Location"]
    finally:
        env.dispose()


def test_failed_sign_ins_are_limited_per_address(synced: Database, mini_catalog: Catalog) -> None:
    env = build(synced, mini_catalog, sign_in_limit_per_ip="4 per 15 minutes")
    try:
        client = env.client()
        for i in range(4):
            assert attempt(client, f"nobody.{i}", "x" * 12, "10.1.1.1").status_code == 303
        assert attempt(client, "nobody.9", "x" * 12, "10.1.1.1").status_code == 429
        assert attempt(client, env.username(ADMIN), DEFAULT_PASSWORD, "10.1.1.1").status_code == 429
        other = env.client()
        assert attempt(other, "nobody.9", "x" * 12, "10.1.1.2").status_code == 303
    finally:
        env.dispose()


def test_successful_sign_ins_are_not_counted(synced: Database, mini_catalog: Catalog) -> None:
    env = build(synced, mini_catalog, sign_in_limit_per_account="2 per 15 minutes",
                sign_in_limit_per_ip="2 per 15 minutes")  # fmt: skip
    try:
        for _ in range(5):
            answer = attempt(env.client(), env.username(ADMIN), DEFAULT_PASSWORD, "10.2.2.2")
            assert answer.status_code == 303 and "error" not in answer.headers["Location"]
    finally:
        env.dispose()


def test_two_apps_do_not_share_the_limiter(synced: Database, mini_catalog: Catalog) -> None:
    a = build(synced, mini_catalog, sign_in_limit_per_account="1 per 15 minutes")
    b = build(synced, mini_catalog, sign_in_limit_per_account="1 per 15 minutes")
    try:
        name = a.username(ANALYST)
        assert attempt(a.client(), name, "nope nope nope", "10.3.3.3").status_code == 303
        assert attempt(a.client(), name, "nope nope nope", "10.3.3.3").status_code == 429
        assert attempt(b.client(), name, "nope nope nope", "10.3.3.3").status_code == 303
    finally:
        a.dispose()
        b.dispose()


# --- errors ---------------------------------------------------------------------------------


def test_errors_never_show_a_traceback(synced: Database, mini_catalog: Catalog) -> None:
    def register(app: Any, state: Any) -> None:
        @app.callback(Output("boom-out", "children"), Input("boom-in", "n_clicks"))
        def boom(n: int | None) -> str:
            raise RuntimeError("secret detail of the failure")

    module = types.ModuleType("boom")
    module.register = register  # type: ignore[attr-defined]
    module.CALLBACK_ROLES = {"boom-out.children": frozenset({"public"})}  # type: ignore[attr-defined]
    app = create_app(settings_for(synced), mini_catalog, extra_callbacks=[module])

    @app.server.get("/boom")
    def failing_view() -> str:
        raise RuntimeError("secret detail of the failure")

    try:
        client = app.server.test_client()
        answers = {
            "view": client.get("/boom"),
            "callback": post_callback(client, "boom-out.children", [("boom-in", "n_clicks", 1)]),
            "csrf": client.post("/auth/sign-in", data={"username": "x"}),
            "405": client.put("/_dash-update-component"),
            "too large": client.post(
                "/auth/sign-in", data={"x": "y" * (app.server.config["MAX_CONTENT_LENGTH"] + 10)}
            ),
        }
        assert answers["view"].status_code == 500
        assert answers["callback"].status_code == 500
        assert answers["csrf"].status_code == 400
        assert answers["405"].status_code == 405
        assert answers["too large"].status_code in (400, 413)
        for where, answer in answers.items():
            text = answer.get_data(as_text=True)
            for leak in ("Traceback", "secret detail", 'File "', "RuntimeError", "CSRF"):
                assert leak not in text, (where, leak)
    finally:
        app_state(app.server).db.dispose()


# --- start-up checks ------------------------------------------------------------------------


def settings(tmp_path: Path, **kw: Any) -> Settings:
    return Settings(catalog=MINI, instance_dir=tmp_path, **kw)


@pytest.mark.parametrize("mode", [Mode.production, Mode.demo])
def test_debug_is_refused_outside_development(tmp_path: Path, mode: Mode) -> None:
    with pytest.raises(ConfigError, match="debug mode is only allowed in development"):
        create_app(settings(tmp_path, mode=mode, debug=True, secret_key="k" * 40))


def test_debug_in_development_and_flask_debug_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dev = create_app(settings(tmp_path, mode=Mode.development, debug=True, secret_key="k" * 40))
    assert dev.server.debug is True
    monkeypatch.setenv("FLASK_DEBUG", "1")
    prod = create_app(settings(tmp_path, mode=Mode.production, secret_key="k" * 40))
    assert prod.server.debug is False


@pytest.mark.parametrize("mode", [Mode.production, Mode.development])
@pytest.mark.parametrize("key", [None, "", "too-short"])
def test_a_secret_key_is_required_outside_demo(tmp_path: Path, mode: Mode, key: str | None) -> None:
    with pytest.raises(ConfigError, match="DBMIS_SECRET_KEY is required") as err:
        create_app(settings(tmp_path, mode=mode, secret_key=key))
    assert "secrets.token_urlsafe" in err.value.message


def test_demo_mode_makes_its_own_random_key(tmp_path: Path) -> None:
    a = create_app(settings(tmp_path, mode=Mode.demo))
    b = create_app(settings(tmp_path, mode=Mode.demo))
    key_a, key_b = a.server.config["SECRET_KEY"], b.server.config["SECRET_KEY"]
    assert len(key_a) >= 32 and key_a != key_b
    given = create_app(settings(tmp_path, mode=Mode.demo, secret_key="d" * 40))
    assert given.server.config["SECRET_KEY"] == "d" * 40


def test_behind_a_trusted_proxy_the_client_address_counts(
    synced: Database, mini_catalog: Catalog
) -> None:
    env = build(synced, mini_catalog, sign_in_limit_per_ip="2 per 15 minutes", trusted_proxies=1)
    try:
        client = env.client()

        def via(forwarded: str) -> int:
            answer = client.post(
                "/auth/sign-in",
                data={"csrf_token": csrf_token(client), "username": "nobody.x", "password": "y"},
                headers={"X-Forwarded-For": forwarded},
                environ_base={"REMOTE_ADDR": "10.9.9.9"},
            )
            return int(answer.status_code)

        assert [via("203.0.113.1"), via("203.0.113.1"), via("203.0.113.1")] == [303, 303, 429]
        assert via("203.0.113.2") == 303  # another client behind the same proxy
    finally:
        env.dispose()


def test_an_unusable_rate_limit_store_is_a_clear_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="DBMIS_RATELIMIT_STORAGE_URI='nosuch://x'"):
        create_app(settings(tmp_path, mode=Mode.demo, ratelimit_storage_uri="nosuch://x"))
