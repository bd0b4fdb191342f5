"""The public API's answers, encoded once and kept (:class:`~dbmis.app.answers.AnswerCache`).

An answer drawn from the latest release is kept under that release's number and the
normalised query (the parsed filters, limit and offset: ``?kpi=A&limit=10`` and
``?limit=10&kpi=A`` are one entry), so that a repeated request sends bytes made once instead
of building its JSON again; a newer release empties the cache. An answer drawn from the
catalog alone is kept under the release ``None``. Kept answers are exactly what ``jsonify``
answered (the app's JSON provider makes the bytes), with their gzip. Errors are never kept.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from flask import Response, jsonify

from dbmis.app.answers import Encoded, answer_cache, send


def cached_json(release: int | None, key: Hashable, build: Callable[[], Any]) -> Response:
    """The JSON answer of ``key`` for ``release`` (None: the catalog only), built by ``build``
    (a JSON-ready value) the first time and kept."""

    def encode() -> Encoded:
        response = jsonify(build())
        return Encoded.of(response.get_data(), response.content_type or "application/json")

    return send(answer_cache().get(release, ("api", key), encode))


__all__ = ["cached_json"]
