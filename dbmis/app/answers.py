"""Encoded answers kept per release: the bytes a public request is answered with, and their
gzip, made once and sent as they are.

A release never changes, so an answer drawn from the catalog and a release alone (a public
page's routing callback, a public API answer) is the same bytes for every reader until a newer
release is published. :class:`AnswerCache` keeps such answers as :class:`Encoded` bytes (and
their gzip, compressed once when stored), per release number and a key that holds everything
else the answer depends on. It is an LRU bounded in entries and in bytes; entries of older
releases are dropped as soon as a newer release number is seen. Entries under the release
``None`` depend on the catalog only (the catalog of the API): they stay across releases.

One cache per app (``server.extensions["dbmis.answers"]``, made by the factory): nothing is
shared between apps. :func:`send` answers with the gzip when the request accepts it
(``Vary: Accept-Encoding`` either way).
"""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from flask import Flask, Response, current_app, request

EXTENSION = "dbmis.answers"
"""The key of the app's :class:`AnswerCache` in ``server.extensions``."""

GZIP_LEVEL = 6
"""zlib's default: within a few per cent of level 9's size at about a third of its time."""
MIN_GZIP_BYTES = 1024
"""Smaller bodies are sent as they are (gzip's header and a round trip cost more than it
saves)."""
MAX_ITEMS = 512
MAX_BYTES = 64 * 1024 * 1024
"""What one app (one worker) keeps at most. A KPI page's answer is 150-220 KB and its gzip
40-50 KB: about 280 such pages fit, so for pages the bound in bytes is the one that counts."""
MAX_ENTRY_FRACTION = 16
"""An answer larger than ``MAX_BYTES / MAX_ENTRY_FRACTION`` (a large API page) is not kept."""


def gzip_bytes(data: bytes) -> bytes:
    """``data`` gzipped (no timestamp: the same bytes every time)."""
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


def accepts_gzip() -> bool:
    """Whether the current request's ``Accept-Encoding`` allows gzip (``q=0`` refuses it)."""
    return request.accept_encodings.quality("gzip") > 0


@dataclass(frozen=True)
class Encoded:
    """An answer's body as sent, its content type and its gzip (None when too small)."""

    body: bytes
    content_type: str
    gzipped: bytes | None = None

    @classmethod
    def of(cls, body: bytes, content_type: str) -> Encoded:
        packed = gzip_bytes(body) if len(body) >= MIN_GZIP_BYTES else None
        return cls(body, content_type, packed if packed and len(packed) < len(body) else None)

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped or b"")


def send(answer: Encoded) -> Response:
    """A 200 response with ``answer``: its gzip when the request accepts gzip."""
    packed = answer.gzipped is not None and accepts_gzip()
    response = Response(answer.gzipped if packed else answer.body, content_type=answer.content_type)
    if packed:
        response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response


class AnswerCache:
    """A thread-safe LRU of :class:`Encoded` answers keyed by (release number, key), bounded
    in entries and bytes; see the module docstring."""

    def __init__(self, max_items: int = MAX_ITEMS, max_bytes: int = MAX_BYTES) -> None:
        if max_items < 1 or max_bytes < 1:
            raise ValueError("max_items and max_bytes must be at least 1")
        self.max_items = max_items
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple[int | None, Hashable], Encoded] = OrderedDict()
        self._release: int | None = None
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    @property
    def size(self) -> int:
        """Bytes kept (bodies and their gzip)."""
        return self._bytes

    def get(self, release: int | None, key: Hashable, compute: Callable[[], Encoded]) -> Encoded:
        """The answer of ``key`` for ``release`` (None: the catalog only), computed once."""
        full = (release, key)
        with self._lock:
            self._see(release)
            found = self._items.get(full)
            if found is not None:
                self._items.move_to_end(full)
                self.hits += 1
                return found
            self.misses += 1
        answer = compute()
        with self._lock:
            current = release is None or release >= (self._release or 0)
            if current and answer.size <= self.max_bytes // MAX_ENTRY_FRACTION:
                self._store(full, answer)
        return answer

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0
            self._release = None

    def _see(self, release: int | None) -> None:
        """Forget the answers of older releases once a newer one is seen (lock held)."""
        if release is None or (self._release is not None and release <= self._release):
            return
        self._release = release
        for full in [k for k in self._items if k[0] is not None]:
            self._bytes -= self._items.pop(full).size

    def _store(self, full: tuple[int | None, Hashable], answer: Encoded) -> None:
        old = self._items.pop(full, None)
        if old is not None:
            self._bytes -= old.size
        self._items[full] = answer
        self._bytes += answer.size
        while len(self._items) > self.max_items or self._bytes > self.max_bytes:
            _, dropped = self._items.popitem(last=False)
            self._bytes -= dropped.size


def install_answer_cache(server: Flask, cache: AnswerCache | None = None) -> AnswerCache:
    """Give ``server`` its own answer cache."""
    made = cache if cache is not None else AnswerCache()
    server.extensions[EXTENSION] = made
    return made


def answer_cache(server: Flask | None = None) -> AnswerCache:
    """The answer cache of ``server`` (default: the app handling the current request)."""
    app = server or current_app
    return app.extensions[EXTENSION]  # type: ignore[no-any-return]


__all__ = [
    "EXTENSION",
    "AnswerCache",
    "Encoded",
    "accepts_gzip",
    "answer_cache",
    "gzip_bytes",
    "install_answer_cache",
    "send",
]
