"""XML checks: a byte-level DOCTYPE/ENTITY scanner and hardened streaming expat parsers.

The parsers use :mod:`pyexpat` directly, with the protections :mod:`defusedxml` applies
(DOCTYPE, entity declarations and external references raise the ``defusedxml`` exceptions,
parameter entities are never parsed) plus our own: no name interning (ElementTree's parsers
cache every distinct tag and attribute name, which an attacker can grow without bound), caps on
distinct names, nesting depth, elements (shared by all parts of a file) and the length of any
single tag or text, and only ASCII-compatible or UTF-16 encodings. No tree is built: handlers
see each start tag and keep only what they need.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterable, Iterator
from xml.parsers import expat

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from dbmis.ingest.safety.limits import Limits

_PATTERNS = ("<!doctype", "<!entity")
_BYTE_PATTERNS = tuple(p.encode("ascii") for p in _PATTERNS)
_KEEP = max(len(p) for p in _PATTERNS) - 1

# Encodings expat reads natively or through a single-byte codec, all ASCII-compatible except
# UTF-16 (which the scanner decodes). Anything else (EBCDIC code pages, UTF-7...) is refused:
# the byte scanner could not see a DOCTYPE written in it.
_ALLOWED_ENCODINGS = {
    "utf-8",
    "utf8",
    "utf-16",
    "utf-16le",
    "utf-16be",
    "us-ascii",
    "ascii",
    "iso-8859-1",
    "latin-1",
    "latin1",
    "windows-1252",
    "cp1252",
}


def sniff_encoding(head: bytes) -> str | None:
    """The wide encoding a part is in (from its BOM or first character), or None for bytes."""
    if head.startswith((b"\xff\xfe\x00\x00", b"<\x00\x00\x00")):
        return "utf-32-le"
    if head.startswith((b"\x00\x00\xfe\xff", b"\x00\x00\x00<")):
        return "utf-32-be"
    if head.startswith((b"\xff\xfe", b"<\x00")):
        return "utf-16-le"
    if head.startswith((b"\xfe\xff", b"\x00<")):
        return "utf-16-be"
    return None


class DoctypeScanner:
    """Looks for ``<!DOCTYPE`` or ``<!ENTITY`` (any case) in a part fed chunk by chunk.

    Patterns split across chunks are found. UTF-16 and UTF-32 parts (with or without a BOM) are
    decoded incrementally; everything else is searched as bytes, which covers UTF-8 and every
    ASCII-compatible encoding.
    """

    def __init__(self) -> None:
        self._head = b""
        self._started = False
        self._decoder: codecs.IncrementalDecoder | None = None
        self._tail_bytes = b""
        self._tail_text = ""

    def feed(self, chunk: bytes) -> bool:
        """Scan the next piece; True when a pattern has been seen."""
        if not self._started:
            self._head += chunk
            if len(self._head) < 4:
                return False
            chunk, self._head = self._head, b""
            self._start(chunk)
        return self._scan(chunk)

    def close(self) -> bool:
        """Scan whatever is still buffered; True when a pattern has been seen."""
        found = False
        if not self._started and self._head:
            chunk, self._head = self._head, b""
            self._start(chunk)
            found = self._scan(chunk)
        if self._decoder is not None:
            text = self._tail_text + self._decoder.decode(b"", final=True).lower()
            found = found or any(p in text for p in _PATTERNS)
        return found

    def _start(self, head: bytes) -> None:
        self._started = True
        encoding = sniff_encoding(head)
        if encoding is not None:
            self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")

    def _scan(self, chunk: bytes) -> bool:
        if self._decoder is None:
            low = self._tail_bytes + chunk.lower()
            self._tail_bytes = low[-_KEEP:]
            return any(p in low for p in _BYTE_PATTERNS)
        text = self._tail_text + self._decoder.decode(chunk).lower()
        self._tail_text = text[-_KEEP:]
        return any(p in text for p in _PATTERNS)


class XmlForbidden(Exception):
    """The part declares a DOCTYPE or entities (seen by the parser)."""


class XmlMalformed(Exception):
    """The part is not well-formed XML, or is unreasonably nested or varied."""


class XmlTooLarge(Exception):
    """All parts together hold more elements than ``Limits.max_xml_elements``."""


class Budget:
    """Counters shared by every handler of one inspection."""

    __slots__ = ("cells", "elements")

    def __init__(self, limits: Limits) -> None:
        self.elements = limits.max_xml_elements
        self.cells = limits.max_cells


def local_name(name: str) -> str:
    """``{namespace}local`` or ``namespace}local`` (expat) -> ``local``."""
    return name[name.rfind("}") + 1 :]


def namespace(name: str) -> str:
    cut = name.rfind("}")
    return name[:cut].lstrip("{") if cut >= 0 else ""


class Handler:
    """Base handler: tracks depth and distinct names, then calls ``on_start``/``on_end``.

    ``start``/``end`` are installed as the expat callbacks; ``depth`` is the depth of the
    element being handled (the root is 1). ``kinds`` maps every distinct element or attribute
    name seen to its local name (so it doubles as the distinct-name counter and a cache).
    Subclasses on a hot path may override ``start`` but must call :meth:`enter` first.
    """

    wants_text = False

    def __init__(self, limits: Limits, budget: Budget) -> None:
        self.depth = 0
        self.budget = budget
        self._max_depth = limits.max_xml_depth
        self._max_names = limits.max_xml_names
        self.kinds: dict[str, str] = {}

    def enter(self, name: str, attrs: dict[str, str]) -> str:
        """Count one start tag; return the element's local name."""
        self.depth += 1
        if self.depth > self._max_depth:
            raise XmlMalformed("nested too deeply")
        budget = self.budget
        budget.elements -= 1
        if budget.elements < 0:
            raise XmlTooLarge
        kinds = self.kinds
        local = kinds.get(name)
        if local is None:
            local = self.new_name(name)
        for key in attrs:
            if key not in kinds:
                self.new_name(key)
        return local

    def new_name(self, name: str) -> str:
        """Record a name not seen before; return its local name."""
        local = self.kinds[name] = local_name(name)
        if len(self.kinds) > self._max_names:
            raise XmlMalformed("too many different names")
        return local

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.on_start(self.enter(name, attrs), name, attrs)

    def end(self, name: str) -> None:
        self.on_end(name)
        self.depth -= 1

    def text(self, data: str) -> None:  # pragma: no cover - overridden when wants_text
        pass

    def on_start(self, local: str, name: str, attrs: dict[str, str]) -> None:
        pass

    def on_end(self, name: str) -> None:
        pass


def _forbid_doctype(name: str, sysid: str | None, pubid: str | None, _internal: int) -> None:
    raise DTDForbidden(name, sysid, pubid)


def _forbid_entity(name: str, *args: object) -> None:
    raise EntitiesForbidden(name, None, None, None, None, None)


def _forbid_external(context: str, base: str | None, sysid: str | None, pubid: str | None) -> int:
    raise ExternalReferenceForbidden(context, base, sysid, pubid)


def _check_declaration(_version: str | None, encoding: str | None, _standalone: int) -> None:
    if encoding is not None and encoding.strip().lower() not in _ALLOWED_ENCODINGS:
        raise XmlMalformed(f"unusual text encoding {encoding[:40]!r}")


def _short_tokens(chunks: Iterable[bytes], limit: int) -> Iterator[bytes]:
    """Pass chunks on, failing once more than ``limit`` bytes go by without a ``<``.

    Gaps inside one chunk are at most a chunk long; only gaps spanning chunks are tracked.
    """
    since = 0  # bytes since the last "<"
    for chunk in chunks:
        first = chunk.find(b"<")
        if first < 0:
            since += len(chunk)
        else:
            if since + first > limit:
                raise XmlMalformed("a tag or text is far too long")
            since = len(chunk) - chunk.rfind(b"<") - 1
        if since > limit:
            raise XmlMalformed("a tag or text is far too long")
        yield chunk


def parse(chunks: Iterable[bytes], handler: Handler, limits: Limits) -> None:
    """Parse a part fed in chunks; raise :class:`XmlForbidden` or :class:`XmlMalformed`.

    Exceptions raised by the handler (for example a sheet over its limits) propagate.
    """
    parser = expat.ParserCreate(namespace_separator="}", intern=None)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _forbid_doctype
    parser.EntityDeclHandler = _forbid_entity
    parser.UnparsedEntityDeclHandler = _forbid_entity
    parser.ExternalEntityRefHandler = _forbid_external
    parser.XmlDeclHandler = _check_declaration
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    if handler.wants_text:
        parser.buffer_text = True
        parser.CharacterDataHandler = handler.text
    feed: Callable[[bytes, bool], object] = parser.Parse
    try:
        for chunk in _short_tokens(chunks, limits.max_xml_token_bytes):
            feed(chunk, False)
        feed(b"", True)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as exc:
        raise XmlForbidden(str(exc)) from exc
    except expat.ExpatError as exc:
        raise XmlMalformed(str(exc)) from exc
    except (ValueError, LookupError, UnicodeError) as exc:
        # "multi-byte encodings are not supported", unknown encodings
        raise XmlMalformed(str(exc)) from exc
    finally:
        # break reference cycles between the parser and bound handler methods
        parser.StartElementHandler = None
        parser.EndElementHandler = None
        parser.CharacterDataHandler = None
