"""Evidence files of progress reports: kinds by content, strict PDF and picture checks, and the
upload safety checks for spreadsheets."""

from __future__ import annotations

import io
import struct
import zlib

import pytest

from dbmis.demo.plan import demo_pdf
from dbmis.ingest.progress import EVIDENCE_CODES, inspect_evidence
from dbmis.ingest.progress.files import evidence_kind
from dbmis.ingest.safety import Limits, UploadRejected
from tests.ingest import hostile


def rejected(data: bytes, name: str = "file", limits: Limits | None = None) -> list[str]:
    with pytest.raises(UploadRejected) as info:
        inspect_evidence(data, name, limits or Limits())
    assert all(p.message for p in info.value.problems)
    return info.value.codes


def pdf_with(
    extra_catalog: bytes = b"", trailer: bytes = b"", objects: tuple[bytes, ...] = ()
) -> bytes:
    """A small PDF whose catalog carries ``extra_catalog`` and trailer ``trailer``."""
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R " + extra_catalog + b" >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
        *objects,
    ]
    out = bytearray(b"%PDF-1.7\n")
    for n, body in enumerate(bodies, start=1):
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    out += b"trailer\n<< /Size 3 /Root 1 0 R " + trailer + b" >>\nstartxref\n0\n%%EOF\n"
    return bytes(out)


def object_stream(content: bytes, *, filters: bytes = b"/Filter /FlateDecode") -> bytes:
    packed = zlib.compress(content)
    return (
        b"<< /Type /ObjStm /N 1 /First 4 "
        + filters
        + b" /Length "
        + str(len(packed)).encode()
        + b" >>\nstream\n"
        + packed
        + b"\nendstream"
    )


def png(width: int, height: int, *, end: bool = True) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x00\x00\x00" * min(width, 4) for _ in range(min(height, 4)))
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rows))
    return data + (chunk(b"IEND", b"") if end else b"")


def jpeg(width: int, height: int) -> bytes:
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return (
        b"\xff\xd8"
        + app0
        + sof
        + b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00"
        + b"\x12\x34"
        + b"\xff\xd9"
    )


# --- accepted ------------------------------------------------------------------------------------


def test_good_files_of_every_kind_are_accepted() -> None:
    assert inspect_evidence(demo_pdf("Minutes of the committee (demo)"), "minutes.pdf") == "pdf"
    assert inspect_evidence(pdf_with(b"/URI (https://example.org)"), "link.pdf") == "pdf"
    assert (
        inspect_evidence(pdf_with(objects=(object_stream(b"<< /Type /Font >>"),)), "p.pdf") == "pdf"
    )
    assert inspect_evidence(png(640, 480), "photo.png") == "png"
    assert inspect_evidence(jpeg(800, 600), "photo.jpg") == "jpeg"
    assert inspect_evidence(hostile.clean_workbook(), "sheet.xlsx") == "xlsx"
    assert inspect_evidence(b"district,spent\nQuetta,100\n", "spend.csv") == "csv"


def test_the_kind_comes_from_the_content_not_the_name() -> None:
    assert evidence_kind(png(2, 2), "report.pdf") == "png"
    assert evidence_kind(b"%PDF-1.4 ...", "photo.png") == "pdf"
    assert evidence_kind(b"a,b\n1,2\n", "data.CSV") == "csv"
    assert evidence_kind(b"a,b\n1,2\n", "data.txt") is None


# --- refused -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("empty", b"", "EVIDENCE_EMPTY"),
        ("exe", b"MZ\x90\x00" + bytes(100), "EVIDENCE_TYPE"),
        ("html", b"<html><script>alert(1)</script></html>", "EVIDENCE_TYPE"),
        ("svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "EVIDENCE_TYPE"),
        ("docx renamed", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "EVIDENCE_TYPE"),
        (
            "javascript",
            pdf_with(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
            "EVIDENCE_PDF_ACTIVE",
        ),
        ("escaped name", pdf_with(b"/Names << /J#61vaScript 5 0 R >>"), "EVIDENCE_PDF_ACTIVE"),
        ("launch", pdf_with(b"/AA << /O << /S /Launch /F (cmd.exe) >> >>"), "EVIDENCE_PDF_ACTIVE"),
        ("attachment", pdf_with(b"/Names << /EmbeddedFiles 5 0 R >>"), "EVIDENCE_PDF_ACTIVE"),
        ("xfa form", pdf_with(b"/AcroForm << /XFA 6 0 R >>"), "EVIDENCE_PDF_ACTIVE"),
        (
            "script in an object stream",
            pdf_with(objects=(object_stream(b"5 0 << /S /JavaScript /JS (x) >>"),)),
            "EVIDENCE_PDF_ACTIVE",
        ),
        (
            "object stream with an unchecked filter",
            pdf_with(objects=(object_stream(b"<< >>", filters=b"/Filter /LZWDecode"),)),
            "EVIDENCE_PDF_ACTIVE",
        ),
        ("encrypted", pdf_with(trailer=b"/Encrypt 9 0 R"), "EVIDENCE_PDF_ENCRYPTED"),
        ("no end", pdf_with()[:-7], "EVIDENCE_PDF_DAMAGED"),
        (
            "unterminated stream",
            b"%PDF-1.4\n1 0 obj\n<< /Length 5 >>\nstream\nabc" + b"\n%%EOF\n",
            "EVIDENCE_PDF_DAMAGED",
        ),
        ("huge png", png(30_000, 30_000), "EVIDENCE_IMAGE_TOO_LARGE"),
        ("truncated png", png(10, 10, end=False), "EVIDENCE_IMAGE_DAMAGED"),
        ("zero png", png(0, 10), "EVIDENCE_IMAGE_DAMAGED"),
        ("huge jpeg", jpeg(20_001, 10), "EVIDENCE_IMAGE_TOO_LARGE"),
        ("truncated jpeg", jpeg(10, 10)[:-2], "EVIDENCE_IMAGE_DAMAGED"),
        ("jpeg without a frame", b"\xff\xd8\xff\xda\x00\x02\xff\xd9", "EVIDENCE_IMAGE_DAMAGED"),
    ],
)
def test_dangerous_or_broken_files_are_refused(name: str, data: bytes, code: str) -> None:
    assert rejected(data, f"{name}.bin") == [code]
    assert code in EVIDENCE_CODES


def test_a_bomb_in_an_object_stream_is_bounded() -> None:
    bomb = pdf_with(objects=(object_stream(bytes(3_000_000)),))
    assert rejected(bomb, "bomb.pdf", Limits(max_part_uncompressed=1_000_000)) == [
        "EVIDENCE_TOO_LARGE"
    ]


def test_size_limit() -> None:
    assert rejected(png(10, 10), "p.png", Limits(max_file_bytes=20)) == ["EVIDENCE_TOO_LARGE"]


def test_spreadsheets_get_the_upload_safety_checks() -> None:
    name, data, code = hostile.case("vba_project_bin.xlsx")
    assert rejected(data, name) == [code] == ["FILE_MACROS"]
    assert rejected(b"a,b\n\x00\x01\n", "nul.csv")[0].startswith("FILE_")
    # a formula in an evidence workbook is fine: it is never read as data
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"], ws["A2"] = 2, "=A1*2"
    out = io.BytesIO()
    wb.save(out)
    assert inspect_evidence(out.getvalue(), "calc.xlsx") == "xlsx"
