"""Safety checks of the evidence files attached to progress reports.

The kind of a file comes from its first bytes, never from its name (the name only tells a CSV
apart, since CSV has no signature). Accepted, strictly:

- **PDF**: starts with ``%PDF-``, ends with ``%%EOF`` (within its last 1 KiB); refused when
  encrypted (``/Encrypt``) or when any dictionary, including those packed in compressed object
  streams, names a script, an automatic action, an attachment or an interactive form
  (``/JavaScript``, ``/JS``, ``/Launch``, ``/OpenAction``, ``/AA``, ``/EmbeddedFile``,
  ``/RichMedia``, ``/XFA``, ``/SubmitForm``, ``/ImportData``, ``/GoToR``, ``/GoToE``); names
  written with ``#xx`` escapes are decoded first. Stream bodies (pictures, fonts, page
  contents) are skipped, except object streams, which are inflated with a bound on the bytes
  produced and checked like the rest.
- **PNG** and **JPEG** pictures: a valid signature, header and end marker, at most
  :data:`MAX_PIXELS` pixels.
- **Excel workbooks (.xlsx)** and **CSV files**: exactly the upload safety checks
  (:func:`~dbmis.ingest.safety.inspect_xlsx`, :func:`~dbmis.ingest.safety.inspect_csv`);
  formulas are allowed in an evidence workbook (it is never read as data).

Every file is at most ``limits.max_file_bytes``. Files are kept by SHA-256 in the evidence
store, never under their client name, and never served inline.
"""

from __future__ import annotations

import re
import struct
import zlib

from dbmis.ingest.progress.codes import EVIDENCE_CODES
from dbmis.ingest.safety import Limits, SafetyProblem, UploadRejected, inspect_csv, inspect_xlsx

MAX_PIXELS = 50_000_000
MAX_SIDE = 20_000

_PDF_FORBIDDEN = frozenset(
    {
        "JavaScript",
        "JS",
        "Launch",
        "OpenAction",
        "AA",
        "EmbeddedFile",
        "EmbeddedFiles",
        "RichMedia",
        "XFA",
        "SubmitForm",
        "ImportData",
        "GoToR",
        "GoToE",
    }
)
_PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_PDF_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _reject(code: str, message: str | None = None, part: str | None = None) -> UploadRejected:
    return UploadRejected([SafetyProblem(code, message or EVIDENCE_CODES[code], part)])


def evidence_kind(data: bytes, filename: str) -> str | None:
    """``pdf``, ``png``, ``jpeg``, ``xlsx`` or ``csv`` by content (CSV by name), else None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(_PNG_MAGIC):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if filename.lower().endswith(".csv"):
        return "csv"
    return None


def inspect_evidence(data: bytes, filename: str, limits: Limits = Limits()) -> str:  # noqa: B008
    """Check one evidence file; returns its kind or raises :class:`UploadRejected`."""
    if not data:
        raise _reject("EVIDENCE_EMPTY")
    if len(data) > limits.max_file_bytes:
        raise _reject(
            "EVIDENCE_TOO_LARGE",
            f"{EVIDENCE_CODES['EVIDENCE_TOO_LARGE']} It is {len(data):,} bytes; the limit is "
            f"{limits.max_file_bytes:,}.",
        )
    kind = evidence_kind(data, filename)
    if kind == "pdf":
        _check_pdf(data, limits)
    elif kind == "png":
        _check_png(data)
    elif kind == "jpeg":
        _check_jpeg(data)
    elif kind == "xlsx":
        inspect_xlsx(data, limits, value_sheets=())
    elif kind == "csv":
        inspect_csv(data, limits)
    else:
        raise _reject("EVIDENCE_TYPE")
    return kind


# --- PDF -----------------------------------------------------------------------------------------


def _names(chunk: bytes) -> set[str]:
    found = set()
    for match in _PDF_NAME.finditer(chunk):
        raw = _PDF_HEX.sub(lambda m: bytes([int(m[1], 16)]), match[1])
        found.add(raw.decode("latin-1"))
    return found


def _split_streams(data: bytes, limits: Limits) -> tuple[bytes, list[bytes]]:
    """The file without its stream bodies (binary data never scanned for names), and the
    inflated content of every object stream (``/Type /ObjStm``), bounded in size."""
    budget = limits.max_part_uncompressed
    skeleton: list[bytes] = []
    packed: list[bytes] = []
    pos = 0
    for match in _PDF_STREAM.finditer(data):
        if match.start() < pos:  # inside a stream body already skipped
            continue
        end = data.find(b"endstream", match.end())
        if end < 0:
            raise _reject("EVIDENCE_PDF_DAMAGED")
        head = data[pos : match.start()]
        skeleton.append(head)
        start_obj = head.rfind(b" obj")
        names = _names(head[start_obj:] if start_obj >= 0 else head[-2048:])
        pos = end
        if "ObjStm" not in names:
            continue
        filters = {n for n in names if n.endswith("Decode")}
        if filters != {"FlateDecode"} or names & {"DecodeParms", "DP"}:
            raise _reject(
                "EVIDENCE_PDF_ACTIVE",
                "The PDF packs its objects in a way that cannot be checked. Print it to a new "
                "PDF (Microsoft Print to PDF, Save as PDF) and attach that.",
            )
        inflater = zlib.decompressobj()
        try:
            text = inflater.decompress(data[match.end() : end], budget + 1)
        except zlib.error as exc:
            raise _reject("EVIDENCE_PDF_DAMAGED") from exc
        budget -= len(text)
        if budget < 0 or inflater.unconsumed_tail:
            raise _reject("EVIDENCE_TOO_LARGE", "The PDF's contents are too large once unpacked.")
        packed.append(text)
    skeleton.append(data[pos:])
    return b"".join(skeleton), packed


def _check_pdf(data: bytes, limits: Limits) -> None:
    if b"%%EOF" not in data[-1024:]:
        raise _reject("EVIDENCE_PDF_DAMAGED")
    skeleton, packed = _split_streams(data, limits)
    names = _names(skeleton)
    for text in packed:
        names |= _names(text)
    if "Encrypt" in names:
        raise _reject("EVIDENCE_PDF_ENCRYPTED")
    active = sorted(names & _PDF_FORBIDDEN)
    if active:
        raise _reject("EVIDENCE_PDF_ACTIVE", part=", ".join(f"/{n}" for n in active))


# --- pictures ------------------------------------------------------------------------------------


def _check_size(width: int, height: int) -> None:
    if width < 1 or height < 1:
        raise _reject("EVIDENCE_IMAGE_DAMAGED")
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise _reject(
            "EVIDENCE_IMAGE_TOO_LARGE",
            f"{EVIDENCE_CODES['EVIDENCE_IMAGE_TOO_LARGE']} ({width} x {height} pixels)",
        )


def _check_png(data: bytes) -> None:
    if len(data) < 33 + 12 or data[12:16] != b"IHDR":
        raise _reject("EVIDENCE_IMAGE_DAMAGED")
    width, height = struct.unpack(">II", data[16:24])
    _check_size(width, height)
    if data[-12:] != b"\x00\x00\x00\x00IEND\xaeB`\x82":
        raise _reject("EVIDENCE_IMAGE_DAMAGED")


_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _check_jpeg(data: bytes) -> None:
    if not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        raise _reject("EVIDENCE_IMAGE_DAMAGED")
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise _reject("EVIDENCE_IMAGE_DAMAGED")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if length < 2 or pos + 2 + length > len(data):
            raise _reject("EVIDENCE_IMAGE_DAMAGED")
        if marker in _SOF:
            if length < 7:
                raise _reject("EVIDENCE_IMAGE_DAMAGED")
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            _check_size(width, height)
            return
        if marker == 0xDA:  # start of scan before any frame header
            break
        pos += 2 + length
    raise _reject("EVIDENCE_IMAGE_DAMAGED")


__all__ = ["MAX_PIXELS", "evidence_kind", "inspect_evidence"]
