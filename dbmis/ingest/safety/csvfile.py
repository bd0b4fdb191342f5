"""``inspect_csv``: safety checks on an uploaded CSV before the CSV parser reads it."""

from __future__ import annotations

import codecs
import math

from dbmis.ingest.safety.errors import SafetyProblem, UploadRejected, problem
from dbmis.ingest.safety.limits import Limits, MiB

UTF8_BOM = b"\xef\xbb\xbf"
_STEP = 1 * MiB


def inspect_csv(data: bytes, limits: Limits = Limits()) -> None:  # noqa: B008
    """Check an uploaded CSV: size, UTF-8 (a BOM is allowed), no NUL bytes, line count and length.

    Raises :class:`UploadRejected` listing the problems; returns None when the file may be
    parsed. Memory stays bounded: the file is decoded in 1 MiB steps, never as a whole.
    """
    problems = _problems(data if isinstance(data, bytes) else bytes(data), limits)
    if problems:
        raise UploadRejected(problems)


def _problems(data: bytes, limits: Limits) -> list[SafetyProblem]:
    if not data:
        return [problem("FILE_EMPTY")]
    if len(data) > limits.max_csv_bytes:
        return [
            problem(
                "FILE_TOO_LARGE",
                f"This file is {math.ceil(len(data) * 10 / MiB) / 10:,.1f} MB; the largest CSV "
                f"accepted is "
                f"{limits.max_csv_bytes / MiB:,.1f} MB. Split it into smaller files (for example "
                "one per year) and upload each.",
            )
        ]
    kind = _binary_kind(data)
    if kind:
        return [problem("FILE_CSV_MALFORMED", kind)]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return [
            problem(
                "FILE_NOT_UTF8",
                "This CSV is saved as 'Unicode text' (UTF-16). In Excel choose File > Save As > "
                "'CSV UTF-8 (Comma delimited)', and upload the new file.",
            )
        ]
    problems: list[SafetyProblem] = []
    nul = data.find(b"\x00")
    if nul >= 0:
        problems.append(
            problem(
                "FILE_CSV_MALFORMED",
                f"This file contains binary data (a NUL byte on line {_line_of(data, nul):,}), "
                "so it is not a plain-text CSV. Save the data as 'CSV UTF-8 (Comma delimited)' "
                "and upload again.",
            )
        )
    bad = _first_invalid_utf8(data)
    if bad is not None:
        problems.append(
            problem(
                "FILE_NOT_UTF8",
                f"This CSV is not saved as UTF-8 (the text on line {_line_of(data, bad):,} cannot "
                "be read). In Excel choose File > Save As > 'CSV UTF-8 (Comma delimited)'; in "
                "LibreOffice choose 'Text CSV' with character set 'Unicode (UTF-8)'. Then upload "
                "again.",
            )
        )
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if lines > limits.max_csv_lines:
        problems.append(
            problem(
                "FILE_CSV_TOO_MANY_LINES",
                f"This CSV has {lines:,} lines; at most {limits.max_csv_lines:,} are accepted in "
                "one file. Split it into smaller files (for example one per year) and upload "
                "each.",
            )
        )
    long_line = _first_long_line(data, limits.max_csv_line_bytes)
    if long_line is not None:
        problems.append(
            problem(
                "FILE_CSV_LINE_TOO_LONG",
                f"Line {long_line:,} of this CSV is longer than {limits.max_csv_line_bytes:,} "
                "characters; a data row is far shorter. The file may use an unusual line ending "
                "or contain a very long text. Save the data as 'CSV UTF-8 (Comma delimited)' "
                "from Excel or LibreOffice and upload again.",
            )
        )
    return problems


def _binary_kind(data: bytes) -> str | None:
    """A message when the 'CSV' is recognisably another kind of file."""
    if data.startswith(b"PK\x03\x04"):
        return (
            "This is an Excel workbook or another zip file, not a CSV. Upload workbooks through "
            "the Excel upload, or save the data as 'CSV UTF-8 (Comma delimited)'."
        )
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return (
            "This is an old-format Excel file (.xls) or a password-protected workbook, not a "
            "CSV. Save the data as 'CSV UTF-8 (Comma delimited)' and upload again."
        )
    if data.startswith(b"%PDF"):
        return "This is a PDF file, not a CSV. Upload the data as 'CSV UTF-8 (Comma delimited)'."
    return None


def _first_invalid_utf8(data: bytes) -> int | None:
    """Offset of the first byte that is not valid UTF-8, decoding 1 MiB at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    start = len(UTF8_BOM) if data.startswith(UTF8_BOM) else 0
    view = memoryview(data)
    for pos in range(start, len(data), _STEP):
        piece = view[pos : pos + _STEP]
        try:
            decoder.decode(piece, final=pos + _STEP >= len(data))
        except UnicodeDecodeError as exc:
            # the error offset is relative to the decoder's buffered bytes plus this piece
            buffered = len(decoder.getstate()[0])
            return max(start, pos - buffered + exc.start)
    return None


def _first_long_line(data: bytes, limit: int) -> int | None:
    """1-based number of the first line longer than ``limit`` bytes (without its newline)."""
    line = 1
    current = 0  # length of the line carried over from the previous piece
    for pos in range(0, len(data), _STEP):
        pieces = data[pos : pos + _STEP].split(b"\n")
        for i, piece in enumerate(pieces):
            current += len(piece)
            if current > limit:
                return line
            if i < len(pieces) - 1:
                line += 1
                current = 0
    return None


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1
