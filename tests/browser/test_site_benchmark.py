"""The site benchmark's load client sends what Chromium sends: the routing callback's body for
a KPI page, the ``endId`` of the page's Dash config and the CSRF header from the cookie
(``benchmarks/site.py``, ``benchmarks/site_load.py``)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from benchmarks import site
from benchmarks.site_load import CALLBACK_PATH, CSRF_COOKIE, CSRF_HEADER, END_ID
from tests.browser.conftest import NewTab

pytestmark = pytest.mark.browser

PATH = "/kpi/CONVICTION_RATE"
SEARCH = "?geo=division:NORTH&period=month"


def test_the_benchmark_posts_the_routing_callback_as_chromium_does(new_tab: NewTab) -> None:
    tab = new_tab("desktop")
    posts: list[Any] = []
    tab.page.on(
        "request",
        lambda r: posts.append(r) if r.method == "POST" and CALLBACK_PATH in r.url else None,
    )
    tab.open(PATH + SEARCH)
    tab.assert_clean()
    assert len(posts) == 1, [p.url for p in posts]  # the KPI page fires one callback
    sent = posts[0]
    assert json.loads(sent.post_data) == site.routing_body(PATH, SEARCH)

    # the endId the client reads from the page's Dash config, and the CSRF header
    document = tab.page.context.request.get(tab.server.url(PATH + SEARCH)).text()
    found = END_ID.search(document)
    assert found is not None
    query = dict(parse_qsl(urlsplit(sent.url).query))
    assert re.fullmatch(r"[^~]+~[0-9a-f]+", query["endId"])
    cookies = {c["name"]: c["value"] for c in tab.page.context.cookies()}
    headers = sent.headers
    if CSRF_COOKIE in cookies:
        assert headers[CSRF_HEADER.lower()] == cookies[CSRF_COOKIE]
    assert headers["content-type"] == "application/json"
