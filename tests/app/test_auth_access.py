"""Deny by default, on the server: every protected page, route and Dash callback, called by a
visitor and by every role that may not, is refused, and nothing runs or changes.

The cases are generated from the routing table (``routing.ROUTES`` and each page's ``ROLES``),
the callback table (each page's ``CALLBACK_ROLES``) and the Flask URL map (``@require_roles``),
so a new page, callback or route is covered without touching this file. What the app answers:

- a protected page's document: a visitor is redirected to ``/sign-in?next=<path>``; a signed-in
  account of another role gets 403 (the page's content is never computed);
- the routing callback draws the refusal in place of the page (the page's layout never runs);
- a protected callback (POST ``/_dash-update-component``): 403 before it runs;
- a protected Flask route: 403 before the view runs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from dbmis.app import routing
from dbmis.app.auth import PUBLIC, ROLES, callback_table
from dbmis.app.auth.policy import ROUTING_KEY
from dbmis.catalog import Catalog
from dbmis.warehouse import Database
from tests.app.auth_env import DEFAULT_PASSWORD, AuthEnv, build, row_counts
from tests.support.auth import callback_body, csrf_headers, post_callback, sign_in

SAMPLE_PARAMS = {"id": "1", "code": "ALPHA"}
REFUSED_VISITOR = "Please sign in"
REFUSED_ROLE = "Not available to your account"

PUBLIC_RULES = (
    "/static/",
    "/assets/",
    "/_dash-component-suites/",
    "/_dash-layout",
    "/_dash-dependencies",
    "/_dash-update-component",  # gated per callback (the callback table)
    "/_reload-hash",
    "/_favicon.ico",
    "/<path:path>",  # the pages' documents: gated by each page's ROLES
    "/auth/",
    "/api/v1/",
    "/download/",
    "/healthz",
)
"""Flask routes open to anyone (prefixes); every other route must declare its roles."""


@pytest.fixture
def env(synced: Database, mini_catalog: Catalog) -> Iterator[AuthEnv]:
    e = build(synced, mini_catalog)
    yield e
    e.dispose()


@pytest.fixture
def callers(env: AuthEnv) -> dict[str | None, Any]:
    """A test client per caller: None (a visitor) and each role, signed in."""
    out: dict[str | None, Any] = {None: env.client()}
    for role in ROLES:
        client = env.client()
        sign_in(client, env.username(role), DEFAULT_PASSWORD)
        out[role] = client
    return out


def sample_path(pattern: re.Pattern[str]) -> str:
    """A path the route's pattern matches (``/submission/1``)."""
    path = re.sub(r"\(\?P<(\w+)>[^()]*\)", lambda m: SAMPLE_PARAMS[m.group(1)], pattern.pattern)
    path = path.removesuffix("/?") or "/"
    assert pattern.fullmatch(path), pattern.pattern
    return path


def protected_pages() -> list[tuple[str, str, frozenset[str]]]:
    """(page, a path of it, its roles) for every protected route of the routing table."""
    out = []
    for page, pattern in routing.ROUTES:
        roles = routing.page_roles(page)
        if roles is not PUBLIC and roles != PUBLIC:
            out.append((page, sample_path(pattern), roles))
    return out


def refused_callers(roles: frozenset[str]) -> list[str | None]:
    return [None, *(r for r in ROLES if r not in roles)]


def test_the_protected_pages_are_those_expected() -> None:
    """A guard on the generator itself: the pages of the signed-in areas are all found."""
    pages = {page for page, _, _ in protected_pages()}
    assert pages >= {
        "portal",
        "submission",
        "inbox",
        "quality",
        "stocktake_prep",
        "publish",
        "steering",
        "audit_log",
        "users_admin",
    }
    assert routing.page_roles("sign_in") == PUBLIC


# --- the callback table -------------------------------------------------------------------


def test_every_callback_is_in_the_callback_table(env: AuthEnv) -> None:
    table = callback_table(routing.PAGES.values())
    missing = sorted(key for key in env.app.callback_map if key not in table)
    assert not missing, (
        "callbacks without roles (add them to their page's CALLBACK_ROLES with "
        f"dbmis.app.auth.output_key): {missing}"
    )
    stale = sorted(key for key in table if key not in env.app.callback_map)
    assert not stale, f"CALLBACK_ROLES entries naming no callback: {stale}"
    assert table[ROUTING_KEY] == PUBLIC


def test_the_check_fails_on_a_callback_missing_from_the_table(
    synced: Database, mini_catalog: Catalog
) -> None:
    """The walk above can fail: a callback registered without roles is found (and refused)."""
    import types

    from dash import Input, Output

    from dbmis.app import create_app
    from tests.app.conftest import settings_for

    def register(app: Any, state: Any) -> None:
        @app.callback(Output("rogue-out", "children"), Input("rogue-in", "n_clicks"))
        def rogue(n: int | None) -> str:
            raise AssertionError("a callback missing from the table must never run")

    rogue_module = types.ModuleType("rogue")
    rogue_module.register = register  # type: ignore[attr-defined]
    app = create_app(settings_for(synced), mini_catalog, extra_callbacks=[rogue_module])
    table = callback_table([*routing.PAGES.values(), rogue_module])
    assert [k for k in app.callback_map if k not in table] == ["rogue-out.children"]
    client = app.server.test_client()
    answer = post_callback(client, "rogue-out.children", [("rogue-in", "n_clicks", 1)])
    assert answer.status_code == 403


# --- pages ----------------------------------------------------------------------------------


def test_protected_page_documents_refuse_visitors_and_other_roles(
    env: AuthEnv, callers: dict[str | None, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    for page, path, roles in protected_pages():
        module = routing.PAGES[page]

        def never(*args: Any, _page: str = page, **kwargs: Any) -> Any:
            raise AssertionError(f"the layout of {_page} ran for a caller who may not see it")

        monkeypatch.setattr(module, "layout", never)
        for caller in refused_callers(roles):
            answer = callers[caller].get(path)
            if caller is None:
                assert answer.status_code == 302, (path, caller)
                assert answer.headers["Location"] == "/sign-in?next=" + quote(path, safe="/")
            else:
                assert answer.status_code == 403, (path, caller)
            assert answer.headers["Cache-Control"] == "no-store", (path, caller)


def test_the_routing_callback_draws_the_refusal_not_the_page(
    env: AuthEnv, callers: dict[str | None, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    for page, path, roles in protected_pages():
        module = routing.PAGES[page]

        def never(*args: Any, _page: str = page, **kwargs: Any) -> Any:
            raise AssertionError(f"the layout of {_page} ran for a caller who may not see it")

        monkeypatch.setattr(module, "layout", never)
        for caller in refused_callers(roles):
            answer = post_callback(
                callers[caller],
                ROUTING_KEY,
                [("url", "pathname", path), ("url", "search", "")],
            )
            assert answer.status_code == 200, (path, caller)
            text = json.dumps(answer.get_json(), ensure_ascii=False)
            assert (REFUSED_VISITOR if caller is None else REFUSED_ROLE) in text, (path, caller)


def test_a_protected_page_visitor_redirect_keeps_the_query(env: AuthEnv) -> None:
    answer = env.client().get("/admin/users?lang=ur")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/sign-in?next=/admin/users%3Flang%3Dur"


# --- callbacks ------------------------------------------------------------------------------


def _inputs(spec: list[Any]) -> list[dict[str, Any]]:
    out = []
    for item in spec:
        if isinstance(item, list):  # pattern-matching inputs (not used by DBMIS)
            out.extend(_inputs(item))
        else:
            out.append({"id": item["id"], "property": item["property"], "value": "1"})
    return out


def test_protected_callbacks_refuse_visitors_and_other_roles_and_change_nothing(
    env: AuthEnv, callers: dict[str | None, Any]
) -> None:
    table = callback_table(routing.PAGES.values())
    protected = {k: r for k, r in table.items() if r != PUBLIC and k in env.app.callback_map}
    assert protected, "no protected callback found: the generator is broken"
    calls: list[str] = []
    for key in protected:
        entry = env.app.callback_map[key]
        real = entry["callback"]

        def spy(*args: Any, _key: str = key, _real: Any = real, **kwargs: Any) -> Any:
            calls.append(_key)
            return _real(*args, **kwargs)

        entry["callback"] = spy
    before = row_counts(env.db)
    tried = 0
    for key, roles in protected.items():
        spec = env.app.callback_map[key]
        for caller in refused_callers(roles):
            answer = post_callback(
                callers[caller], key, _inputs(spec["inputs"]), _inputs(spec["state"])
            )
            assert answer.status_code == 403, (key, caller, answer.status_code)
            tried += 1
    assert calls == []
    assert row_counts(env.db) == before
    assert tried >= len(protected)


def test_unknown_and_malformed_callbacks_are_refused(
    env: AuthEnv, callers: dict[str | None, Any]
) -> None:
    for caller in (None, "analyst"):
        client = callers[caller]
        assert post_callback(client, "nothing.children", [("x", "y", 1)]).status_code == 403
        for body in ("not json", json.dumps([1, 2]), json.dumps({"output": 5})):
            answer = client.post(
                "/_dash-update-component",
                data=body,
                content_type="application/json",
                headers=csrf_headers(client),
            )
            assert answer.status_code == 403, body


def test_a_public_callback_still_answers_everyone(callers: dict[str | None, Any]) -> None:
    for client in callers.values():
        body = callback_body(ROUTING_KEY, [("url", "pathname", "/about"), ("url", "search", "")])
        answer = client.post(
            "/_dash-update-component",
            data=json.dumps(body),
            content_type="application/json",
            headers=csrf_headers(client),
        )
        assert answer.status_code == 200


# --- Flask routes ---------------------------------------------------------------------------


def _route_sample(rule: Any) -> str:
    """A URL of a Flask rule (converters given sample values)."""
    values: dict[str, Any] = {}
    for name, converter in rule._converters.items():
        items = getattr(converter, "items", None)
        if items:
            values[name] = sorted(items)[0]
        elif type(converter).__name__ in ("IntegerConverter", "NumberConverter"):
            values[name] = 1
        else:
            values[name] = "a" * 64
    path: str = rule.build(values, append_unknown=False)[1]
    return path


def test_every_route_is_public_by_design_or_declares_its_roles(env: AuthEnv) -> None:
    server = env.server
    undeclared = []
    for rule in server.url_map.iter_rules():
        view = server.view_functions[rule.endpoint]
        if getattr(view, "dbmis_roles", None) is not None:
            continue
        if rule.rule == "/" or rule.rule.startswith(PUBLIC_RULES):
            continue
        undeclared.append(rule.rule)
    assert not undeclared, (
        f"routes with neither @require_roles nor a place in PUBLIC_RULES: {undeclared}"
    )


def test_protected_routes_refuse_visitors_and_other_roles(
    env: AuthEnv, callers: dict[str | None, Any]
) -> None:
    server = env.server
    before = row_counts(env.db)
    tried = 0
    for rule in server.url_map.iter_rules():
        roles = getattr(server.view_functions[rule.endpoint], "dbmis_roles", None)
        if roles is None:
            continue
        path = _route_sample(rule)
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS"})[0]
        for caller in refused_callers(roles):
            client = callers[caller]
            kwargs: dict[str, Any] = {}
            if method != "GET":
                kwargs["headers"] = csrf_headers(client)
            answer = client.open(path, method=method, **kwargs)
            assert answer.status_code == 403, (rule.rule, caller, answer.status_code)
            tried += 1
    assert row_counts(env.db) == before
    assert tried > 0, "no route declares roles: the generator found nothing"
