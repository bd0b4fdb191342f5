"""gzip on the public site's large answers that carry no secret (``dbmis.app.compression``):
page documents for readers who are not signed in and the public API; never a callback answer
that Dash draws (a form carries the CSRF token), a signed-in reader's document, a download or
a small answer. SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
import json
import re
from typing import Any

from dbmis.app.auth import ANALYST
from dbmis.warehouse import Database
from tests.support.auth import (
    CALLBACK_PATH,
    CSRF_COOKIE,
    DEFAULT_PASSWORD,
    callback_body,
    csrf_headers,
    make_user,
    sign_in,
)

GZIP = {"Accept-Encoding": "gzip, deflate, br"}
ROUTING = "..page-root.children...page-root.lang...page-root.dir.."
END_ID = re.compile(rb'"end_id":"[^"]+"')


def same_document(one: bytes, other: bytes) -> bool:
    ends = END_ID.findall(one) + END_ID.findall(other)
    return len(ends) == 2 and ends[0] != ends[1] and END_ID.sub(b"", one) == END_ID.sub(b"", other)


def test_a_page_document_is_gzipped_and_holds_no_secret(client: Any) -> None:
    for path in ("/", "/kpi/CONVICTION_RATE?lang=ur", "/sign-in"):
        plain = client.get(path)
        token = client.get_cookie(CSRF_COOKIE).value
        packed = client.get(path, headers=GZIP)
        assert packed.status_code == 200 and packed.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in packed.headers["Vary"]
        # the same document but Dash's end_id (random per page load: nothing to guess)
        assert same_document(gzip.decompress(packed.get_data()), plain.get_data())
        assert token not in plain.get_data(as_text=True)  # BREACH: nothing secret to guess
        assert "Accept-Encoding" in plain.headers["Vary"]


def test_not_for_a_signed_in_reader(client: Any, published: Database) -> None:
    user = make_user(published, ANALYST)
    sign_in(client, user.username, DEFAULT_PASSWORD)
    answer = client.get("/", headers=GZIP)
    assert answer.status_code == 200 and "Content-Encoding" not in answer.headers


def test_never_a_callback_answer_that_dash_draws(client: Any) -> None:
    body = callback_body(ROUTING, [("url", "pathname", "/sign-in"), ("url", "search", "")])
    answer = client.post(
        CALLBACK_PATH,
        data=json.dumps(body),
        content_type="application/json",
        headers={**csrf_headers(client), **GZIP},
    )
    assert answer.status_code == 200 and b"csrf_token" in answer.get_data()
    assert "Content-Encoding" not in answer.headers


def test_not_downloads_errors_or_small_answers(client: Any) -> None:
    for path in ("/download/values.csv", "/healthz", "/api/v1/values?kpi=NOPE", "/nope"):
        answer = client.get(path, headers=GZIP)
        assert "Content-Encoding" not in answer.headers, path
    assert client.get("/download/values.csv", headers=GZIP).status_code == 200
