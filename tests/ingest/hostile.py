"""A corpus of hostile and broken uploads, built in memory from a clean openpyxl workbook.

``corpus()`` returns ``(name, bytes, expected_code)`` for .xlsx uploads; ``csv_corpus()`` the
same for CSV uploads. Everything is built with bounded memory: the large payloads (200 MB of
zeros, parts of tens of MB) are written through ``ZipFile.open(mode="w")`` in chunks, so only the
compressed result is ever held. Files are cached per process.
"""

from __future__ import annotations

import functools
import io
import random
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator

import openpyxl

MiB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"
CT = "[Content_Types].xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"

Case = tuple[str, bytes, str]

# --------------------------------------------------------------------------------------------
# the clean workbook and zip helpers


@functools.cache
def clean_workbook() -> bytes:
    """A small, valid workbook as openpyxl writes it: a Data sheet with a few numbers."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["indicator", "Jan", "Feb", "Mar"])
    for i in range(1, 6):
        ws.append([f"IND-{i}", i, i * 2, i * 3])
    lists = wb.create_sheet("Lists")
    lists.append(["Lahore"])
    lists.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def parts(data: bytes | None = None) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data or clean_workbook())) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def build(
    entries: Iterable[tuple[str, bytes]],
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """A zip of ``entries`` in order (duplicates allowed)."""
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name"
        with zipfile.ZipFile(buf, "w", compression) as zf:
            for name, content in entries:
                zf.writestr(name, content)
    return buf.getvalue()


def variant(
    replace: dict[str, bytes] | None = None,
    add: dict[str, bytes] | None = None,
    remove: Iterable[str] = (),
    overrides: dict[str, str] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """The clean workbook with parts replaced, added or removed, and content types added."""
    current = parts()
    for name in remove:
        current.pop(name)
    current.update(replace or {})
    current.update(add or {})
    if overrides:
        extra = "".join(
            f'<Override PartName="/{p}" ContentType="{t}"/>' for p, t in overrides.items()
        )
        current[CT] = current[CT].replace(b"</Types>", extra.encode() + b"</Types>")
    return build(current.items(), compression)


def sheet_xml(body: str, dimension: str = "A1:D6", head: str = "") -> bytes:
    return (
        f'{head}<worksheet xmlns="{MAIN_NS}"><dimension ref="{dimension}"/>'
        f"<sheetData>{body}</sheetData></worksheet>"
    ).encode()


def with_rel(rels: bytes, rel_type: str, target: str, external: bool = False) -> bytes:
    mode = ' TargetMode="External"' if external else ""
    rel = f'<Relationship Id="rIdX{abs(hash(target)) % 999}" Type="{rel_type}" Target="{target}"{mode}/>'
    return rels.replace(b"</Relationships>", rel.encode() + b"</Relationships>")


def rels_part(*rels: tuple[str, str, bool]) -> bytes:
    body = "".join(
        f'<Relationship Id="rId{i}" Type="{t}" Target="{target}"'
        f"{' TargetMode=' + chr(34) + 'External' + chr(34) if ext else ''}/>"
        for i, (t, target, ext) in enumerate(rels, 1)
    )
    return f'<Relationships xmlns="{PKG_REL_NS}">{body}</Relationships>'.encode()


def streamed_zip(entries: Iterable[tuple[str, Callable[[], Iterator[bytes]]]], level: int) -> bytes:
    """A zip whose entries are written chunk by chunk (bounded memory for huge contents)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for name, chunks in entries:
            with zf.open(name, "w", force_zip64=False) as out:
                for chunk in chunks():
                    out.write(chunk)
    return buf.getvalue()


def clean_parts_streamed(
    replace: dict[str, Callable[[], Iterator[bytes]]], level: int = 6
) -> bytes:
    current = parts()
    entries: list[tuple[str, Callable[[], Iterator[bytes]]]] = []
    for name, content in current.items():
        if name in replace:
            entries.append((name, replace[name]))
        else:
            entries.append((name, functools.partial(iter, [content])))
    return streamed_zip(entries, level)


def _central_entries(data: bytes) -> Iterator[tuple[int, str]]:
    """(offset, name) of every central directory header."""
    eocd = data.rfind(b"PK\x05\x06")
    cd_size, cd_offset = struct.unpack_from("<LL", data, eocd + 12)
    pos = cd_offset
    while pos < cd_offset + cd_size:
        n, m, k = struct.unpack_from("<3H", data, pos + 28)
        yield pos, data[pos + 46 : pos + 46 + n].decode("utf-8", "replace")
        pos += 46 + n + m + k


def _local_offset(data: bytes, central: int) -> int:
    return struct.unpack_from("<L", data, central + 42)[0]


def patch_entry(
    data: bytes,
    name: str,
    *,
    file_size: int | None = None,
    compress_size: int | None = None,
    flag_or: int = 0,
    crc: int | None = None,
    local_name: bytes | None = None,
    central_name: bytes | None = None,
) -> bytes:
    """Rewrite fields of one entry in both its local header and its central header."""
    out = bytearray(data)
    for central, entry_name in _central_entries(data):
        if entry_name != name:
            continue
        local = _local_offset(data, central)
        if file_size is not None:
            struct.pack_into("<L", out, local + 22, file_size)
            struct.pack_into("<L", out, central + 24, file_size)
        if compress_size is not None:
            struct.pack_into("<L", out, central + 20, compress_size)
        if crc is not None:
            struct.pack_into("<L", out, local + 14, crc)
            struct.pack_into("<L", out, central + 16, crc)
        if flag_or:
            for off in (local + 6, central + 8):
                (flags,) = struct.unpack_from("<H", out, off)
                struct.pack_into("<H", out, off, flags | flag_or)
        if local_name is not None:
            out[local + 30 : local + 30 + len(local_name)] = local_name
        if central_name is not None:
            out[central + 46 : central + 46 + len(central_name)] = central_name
        return bytes(out)
    raise KeyError(name)


# --------------------------------------------------------------------------------------------
# payload generators


def zeros(total: int, chunk: int = MiB) -> Callable[[], Iterator[bytes]]:
    def gen() -> Iterator[bytes]:
        block = b"\x00" * chunk
        left = total
        while left > 0:
            yield block[: min(chunk, left)]
            left -= chunk

    return gen


@functools.cache
def _row_block() -> bytes:
    """About 1 MiB of row XML that compresses about 16:1, far below the bomb ratio."""
    rows = []
    size = 0
    r = 1
    while size < MiB:
        cells = "".join(f'<c r="{col}{r}" s="1"><v>0</v></c>' for col in "ABCDEFGH")
        row = f'<row r="{r}" spans="1:8">{cells}</row>'
        rows.append(row)
        size += len(row)
        r += 1
    return "".join(rows).encode()


def big_sheet(mib: int) -> Callable[[], Iterator[bytes]]:
    def gen() -> Iterator[bytes]:
        yield f'<worksheet xmlns="{MAIN_NS}"><sheetData>'.encode()
        block = _row_block()
        for _ in range(mib):
            yield block
        yield b"</sheetData></worksheet>"

    return gen


def ole2(marker: str) -> bytes:
    """An OLE2 compound-file header followed by a directory entry name."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    entry = marker.encode("utf-16-le").ljust(64, b"\x00")
    return header + entry + bytes(random.Random(1).randbytes(4096))


# --------------------------------------------------------------------------------------------
# the corpus


def _formula_sheet(cached: bool) -> bytes:
    value = "<v>6</v>" if cached else ""
    body = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>indicator</t></is></c></row>'
        '<row r="2"><c r="B2"><v>1</v></c><c r="C2"><v>2</v></c><c r="D2"><v>3</v></c>'
        f'<c r="F2"><f>SUM(B2:D2)</f>{value}</c></row>'
    )
    return sheet_xml(body, "A1:F2")


def _rows(n: int) -> bytes:
    body = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, n + 1))
    return sheet_xml(body, f"A1:A{n}")


def _shared_strings(n: int) -> bytes:
    items = "".join(f"<si><t>district-{i:08d}-{i * 7919 % 1000003:07d}</t></si>" for i in range(n))
    return (f'<sst xmlns="{MAIN_NS}" count="{n}" uniqueCount="{n}">{items}</sst>').encode()


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + f']><sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
).encode()

XXE_SHEET = sheet_xml(
    '<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>',
    "A1",
    head='<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
)


def _utf16_doctype() -> bytes:
    text = sheet_xml("", "A1").decode()
    doc = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]>' + text
    return doc.encode("utf-16")  # with a BOM


def _ods() -> bytes:
    return build(
        [
            ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
            ("content.xml", b'<?xml version="1.0"?><office:document-content/>'),
            ("META-INF/manifest.xml", b'<?xml version="1.0"?><manifest:manifest/>'),
        ],
        zipfile.ZIP_STORED,
    )


def _docx() -> bytes:
    word = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    return build(
        [
            (
                CT,
                (
                    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-'
                    'package.relationships+xml"/><Default Extension="xml" ContentType='
                    f'"application/xml"/><Override PartName="/word/document.xml" ContentType='
                    f'"{word}"/></Types>'
                ).encode(),
            ),
            ("_rels/.rels", rels_part((f"{REL_NS}/officeDocument", "word/document.xml", False))),
            (
                "word/document.xml",
                b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
                b'main"><w:body><w:p/></w:body></w:document>',
            ),
        ]
    )


def _content_type_swap(new: str) -> bytes:
    old = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    ct = parts()[CT]
    assert old in ct
    return variant(replace={CT: ct.replace(old, new.encode())})


def _sheet_rels(*rels: tuple[str, str, bool]) -> dict[str, bytes]:
    return {"xl/worksheets/_rels/sheet1.xml.rels": rels_part(*rels)}


def _workbook_rels_plus(rel_type: str, target: str) -> bytes:
    return with_rel(parts()["xl/_rels/workbook.xml.rels"], rel_type, target)


def _with_sheet(transform: Callable[[bytes], bytes]) -> bytes:
    return variant(replace={SHEET: transform(parts()[SHEET])})


def _lying_sizes_bomb() -> bytes:
    """60 MB of zeros whose declared uncompressed size (local and central) says 1,000 bytes."""
    data = clean_parts_streamed({SHEET: zeros(60 * MiB)}, level=9)
    return patch_entry(data, SHEET, file_size=1000)


def _lying_sizes_and_crc_bomb() -> bytes:
    """As above, with the CRC of the first 1,000 bytes: zipfile then reads 1,000 zeros quietly."""
    return patch_entry(_lying_sizes_bomb(), SHEET, crc=zlib.crc32(bytes(1000)))


def _lying_sizes_short() -> bytes:
    """An honest sheet whose declared size claims 5,000 bytes more than it holds."""
    data = variant()
    size = len(parts()[SHEET])
    return patch_entry(data, SHEET, file_size=size + 5000)


def _overlapping() -> bytes:
    """The first entry's compressed size is stretched over the entries that follow it."""
    data = variant()
    first = next(_central_entries(data))[1]
    return patch_entry(data, first, compress_size=len(data) // 2)


def _crc_mismatch() -> bytes:
    data = variant(compression=zipfile.ZIP_STORED)
    target = b"<v>3</v>"
    pos = data.index(target)
    return data[:pos] + b"<v>8</v>" + data[pos + len(target) :]


def _nul_name() -> bytes:
    data = variant(add={"xl/evilX.xml": b"<x/>"})
    bad = b"xl/evil\x00.xml"
    return patch_entry(data, "xl/evilX.xml", local_name=bad, central_name=bad)


def _name_mismatch() -> bytes:
    data = variant()
    return patch_entry(data, "xl/styles.xml", local_name=b"xl/stylez.xml")


def _many_entries() -> bytes:
    return build(((f"x/{i}", b"") for i in range(20_000)), zipfile.ZIP_STORED)


def _deep_nesting() -> bytes:
    return _with_sheet(lambda _: sheet_xml("<x>" * 200 + "</x>" * 200, "A1"))


def _many_names() -> bytes:
    return _with_sheet(lambda _: sheet_xml("".join(f"<n{i}/>" for i in range(3000)), "A1"))


def _element_flood() -> bytes:
    """3.1 million tiny elements in styles.xml, with enough variety to pass the ratio check."""
    rnd = random.Random(1)
    chunks = [b'<styleSheet xmlns="' + MAIN_NS.encode() + b'">']
    for _ in range(100_000):
        chunks.append(b"<a/>" * 30 + b'<a b="%d"/>' % rnd.randrange(10**6))
    chunks.append(b"</styleSheet>")
    return variant(replace={"xl/styles.xml": b"".join(chunks)})


def _huge_attribute() -> bytes:
    """A 16 MB attribute value of four-byte characters (64 MB as a Python string)."""

    def gen() -> Iterator[bytes]:
        yield f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1" x="'.encode()
        rnd = random.Random(3)
        block = "".join(chr(0x1F600 + rnd.randrange(16)) for _ in range(MiB // 4)).encode()
        for _ in range(16):
            yield block
        yield b'"/></row></sheetData></worksheet>'

    return clean_parts_streamed({SHEET: gen}, level=1)


def _ambiguous_sheet_relationship() -> bytes:
    """Two relationships share the Id of the Data sheet: one to sheet1, one to sheet2."""
    rels = parts()["xl/_rels/workbook.xml.rels"]
    extra = (
        f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="/xl/worksheets/sheet2.xml"/>'
    )
    return variant(
        replace={
            "xl/_rels/workbook.xml.rels": rels.replace(
                b"</Relationships>", extra.encode() + b"</Relationships>"
            )
        }
    )


def _missing_sheet_part() -> bytes:
    return variant(remove=["xl/worksheets/sheet2.xml"])


def _two_workbooks() -> bytes:
    wb = parts()["xl/workbook.xml"]
    return variant(
        add={"xl/other.xml": wb},
        overrides={
            "xl/other.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml."
            "template.main+xml"
        },
    )


def _strict() -> bytes:
    wb = parts()["xl/workbook.xml"].replace(
        MAIN_NS.encode(), b"http://purl.oclc.org/ooxml/spreadsheetml/main"
    )
    return variant(replace={"xl/workbook.xml": wb})


def _excel_2003_xml() -> bytes:
    return (
        b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
        b'<Worksheet ss:Name="Data"><Table><Row><Cell><Data ss:Type="Number">1</Data></Cell>'
        b"</Row></Table></Worksheet></Workbook>"
    )


def _random_bytes() -> bytes:
    data = random.Random(42).randbytes(8192)
    return b"\x13\x37" + data  # neither PK nor OLE2 magic


MACRO_SHEET_CT = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
TEMPLATE_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml"
XLSB_CT = "application/vnd.ms-excel.sheet.binary.macroEnabled.main"


def _builders() -> list[tuple[str, Callable[[], bytes], str]]:
    ss_ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    ss_rel = f"{REL_NS}/sharedStrings"

    def with_shared_strings(content: bytes) -> bytes:
        return variant(
            add={
                "xl/sharedStrings.xml": content,
                "xl/_rels/workbook.xml.rels": _workbook_rels_plus(ss_rel, "sharedStrings.xml"),
            },
            overrides={"xl/sharedStrings.xml": ss_ct},
        )

    return [
        # bytes
        ("empty.xlsx", lambda: b"", "FILE_EMPTY"),
        ("too_large.xlsx", lambda: b"PK\x03\x04" + bytes(10 * MiB), "FILE_TOO_LARGE"),
        ("random_bytes.xlsx", _random_bytes, "FILE_NOT_ZIP"),
        (
            "csv_renamed.xlsx",
            lambda: b"district,indicator,period,value\nLHR,X1,2025-01,4\n",
            "FILE_NOT_ZIP",
        ),
        (
            "html_renamed.xlsx",
            lambda: b"<html><body><table><tr><td>1</td></tr></table></body></html>",
            "FILE_NOT_ZIP",
        ),
        ("pdf_renamed.xlsx", lambda: b"%PDF-1.7\n" + bytes(100), "FILE_NOT_ZIP"),
        ("excel_2003_xml.xlsx", _excel_2003_xml, "FILE_NOT_ZIP"),
        ("legacy_xls.xlsx", lambda: ole2("Workbook"), "FILE_OLE2_ENCRYPTED_OR_XLS"),
        ("encrypted.xlsx", lambda: ole2("EncryptionInfo"), "FILE_OLE2_ENCRYPTED_OR_XLS"),
        # zip structure
        ("ods_renamed.xlsx", _ods, "FILE_NOT_WORKBOOK"),
        (
            "truncated_half.xlsx",
            lambda: clean_workbook()[: len(clean_workbook()) // 2],
            "FILE_TRUNCATED_ZIP",
        ),
        ("many_entries_20000.xlsx", _many_entries, "FILE_TOO_MANY_ENTRIES"),
        ("dotdot_entry.xlsx", lambda: variant(add={"../evil": b"x"}), "FILE_BAD_ENTRY_NAME"),
        ("absolute_entry.xlsx", lambda: variant(add={"/etc/evil": b"x"}), "FILE_BAD_ENTRY_NAME"),
        (
            "backslash_entry.xlsx",
            lambda: variant(add={"xl\\evil.xml": b"<x/>"}),
            "FILE_BAD_ENTRY_NAME",
        ),
        (
            "drive_letter_entry.xlsx",
            lambda: variant(add={"C:/evil.xml": b"<x/>"}),
            "FILE_BAD_ENTRY_NAME",
        ),
        ("nul_in_entry_name.xlsx", _nul_name, "FILE_BAD_ENTRY_NAME"),
        ("local_central_name_mismatch.xlsx", _name_mismatch, "FILE_BAD_ENTRY_NAME"),
        (
            "duplicate_entry.xlsx",
            lambda: build([*parts().items(), (SHEET, _rows(3))]),
            "FILE_DUPLICATE_ENTRY",
        ),
        (
            "case_duplicate_entry.xlsx",
            lambda: variant(add={"XL/Worksheets/Sheet1.xml": _rows(3)}),
            "FILE_DUPLICATE_ENTRY",
        ),
        (
            "zip_bomb_200mb_zeros.xlsx",
            lambda: clean_parts_streamed({SHEET: zeros(200 * MiB)}, level=9),
            "FILE_ZIP_BOMB",
        ),
        ("lying_sizes_bomb.xlsx", _lying_sizes_bomb, "FILE_ZIP_BOMB"),
        ("lying_sizes_and_crc_bomb.xlsx", _lying_sizes_and_crc_bomb, "FILE_ZIP_BOMB"),
        ("lying_sizes_short.xlsx", _lying_sizes_short, "FILE_CORRUPT_ZIP"),
        ("overlapping_entries.xlsx", _overlapping, "FILE_ZIP_BOMB"),
        ("crc_mismatch.xlsx", _crc_mismatch, "FILE_CORRUPT_ZIP"),
        (
            "zip_encrypted_entry.xlsx",
            lambda: patch_entry(variant(), SHEET, flag_or=1),
            "FILE_CORRUPT_ZIP",
        ),
        (
            "part_too_large_51mib.xlsx",
            lambda: clean_parts_streamed({SHEET: big_sheet(51)}),
            "FILE_PART_TOO_LARGE",
        ),
        (
            "total_too_large_3x34mib.xlsx",
            lambda: clean_parts_streamed(
                {
                    SHEET: big_sheet(34),
                    "xl/worksheets/sheet2.xml": big_sheet(34),
                    "xl/styles.xml": big_sheet(34),
                }
            ),
            "FILE_UNCOMPRESSED_TOO_LARGE",
        ),
        # content types and forbidden parts
        (
            "macro_enabled_content_type.xlsx",
            lambda: _content_type_swap(MACRO_SHEET_CT),
            "FILE_MACROS",
        ),
        (
            "vba_project_bin.xlsx",
            lambda: variant(
                add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + bytes(512)},
                overrides={"xl/vbaProject.bin": "application/vnd.ms-office.vbaProject"},
            ),
            "FILE_MACROS",
        ),
        (
            "xlm_macro_sheet.xlsx",
            lambda: variant(
                add={
                    "xl/macrosheets/sheet1.xml": sheet_xml(
                        '<row r="1"><c r="A1"><f>EXEC("calc")</f></c></row>', "A1"
                    ),
                    "xl/_rels/workbook.xml.rels": _workbook_rels_plus(
                        "http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet",
                        "macrosheets/sheet1.xml",
                    ),
                },
                overrides={"xl/macrosheets/sheet1.xml": "application/vnd.ms-excel.macrosheet+xml"},
            ),
            "FILE_MACROS",
        ),
        (
            "custom_ui.xlsx",
            lambda: variant(add={"customUI/customUI14.xml": b"<customUI/>"}),
            "FILE_MACROS",
        ),
        (
            "external_link.xlsx",
            lambda: variant(
                add={
                    "xl/externalLinks/externalLink1.xml": b'<externalLink xmlns="'
                    + MAIN_NS.encode()
                    + b'"><externalBook/></externalLink>',
                    "xl/_rels/workbook.xml.rels": _workbook_rels_plus(
                        f"{REL_NS}/externalLink", "externalLinks/externalLink1.xml"
                    ),
                }
            ),
            "FILE_EXTERNAL_LINKS",
        ),
        (
            "external_image_target.xlsx",
            lambda: variant(
                add=_sheet_rels((f"{REL_NS}/image", "http://attacker.example/x.png", True))
            ),
            "FILE_EXTERNAL_LINKS",
        ),
        (
            "connections.xlsx",
            lambda: variant(
                add={"xl/connections.xml": b'<connections xmlns="' + MAIN_NS.encode() + b'"/>'}
            ),
            "FILE_DATA_CONNECTIONS",
        ),
        (
            "embeddings.xlsx",
            lambda: variant(add={"xl/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0" + bytes(64)}),
            "FILE_EMBEDDED_OBJECTS",
        ),
        (
            "activex.xlsx",
            lambda: variant(add={"xl/activeX/activeX1.xml": b"<ax:ocx xmlns:ax='x'/>"}),
            "FILE_EMBEDDED_OBJECTS",
        ),
        (
            "ole_object_relationship.xlsx",
            lambda: variant(add=_sheet_rels((f"{REL_NS}/oleObject", "../media/obj.bin", False))),
            "FILE_EMBEDDED_OBJECTS",
        ),
        # XML tricks
        (
            "billion_laughs_shared_strings.xlsx",
            lambda: with_shared_strings(BILLION_LAUGHS),
            "FILE_XML_DOCTYPE",
        ),
        ("xxe_in_sheet.xlsx", lambda: variant(replace={SHEET: XXE_SHEET}), "FILE_XML_DOCTYPE"),
        (
            "doctype_utf16.xlsx",
            lambda: variant(replace={SHEET: _utf16_doctype()}),
            "FILE_XML_DOCTYPE",
        ),
        (
            "broken_xml_sheet.xlsx",
            lambda: _with_sheet(lambda s: s[: len(s) // 2]),
            "FILE_XML_MALFORMED",
        ),
        (
            "utf7_declared_sheet.xlsx",
            lambda: _with_sheet(lambda s: b'<?xml version="1.0" encoding="UTF-7"?>' + s),
            "FILE_XML_MALFORMED",
        ),
        ("deep_nesting.xlsx", _deep_nesting, "FILE_XML_MALFORMED"),
        ("many_distinct_names.xlsx", _many_names, "FILE_XML_MALFORMED"),
        ("xml_element_flood.xlsx", _element_flood, "FILE_UNCOMPRESSED_TOO_LARGE"),
        ("huge_attribute_16mb.xlsx", _huge_attribute, "FILE_XML_MALFORMED"),
        # sheets and strings
        (
            "forged_dimension.xlsx",
            lambda: _with_sheet(
                lambda s: s.replace(
                    b'<dimension ref="A1:D6" />', b'<dimension ref="A1:XFD1048576" />'
                )
            ),
            "FILE_SHEET_TOO_LARGE",
        ),
        (
            "rows_30000.xlsx",
            lambda: variant(replace={SHEET: _rows(30_000)}),
            "FILE_SHEET_TOO_LARGE",
        ),
        (
            "far_corner_cell.xlsx",
            lambda: variant(
                replace={
                    SHEET: sheet_xml(
                        '<row r="1"><c r="A1"><v>1</v></c></row>'
                        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
                        "A1",
                    )
                }
            ),
            "FILE_SHEET_TOO_LARGE",
        ),
        (
            "huge_shared_strings_10mb.xlsx",
            lambda: with_shared_strings(_shared_strings(250_000)),
            "FILE_SHARED_STRINGS_TOO_LARGE",
        ),
        (
            "formula_no_cached_value.xlsx",
            lambda: variant(replace={SHEET: _formula_sheet(False)}),
            "FILE_FORMULA",
        ),
        (
            "formula_cached_value.xlsx",
            lambda: variant(replace={SHEET: _formula_sheet(True)}),
            "FILE_FORMULA",
        ),
        # not a workbook
        ("missing_content_types.xlsx", lambda: variant(remove=[CT]), "FILE_NOT_WORKBOOK"),
        ("template_xltx.xlsx", lambda: _content_type_swap(TEMPLATE_CT), "FILE_NOT_WORKBOOK"),
        ("binary_xlsb_content_type.xlsx", lambda: _content_type_swap(XLSB_CT), "FILE_NOT_WORKBOOK"),
        ("docx_renamed.xlsx", _docx, "FILE_NOT_WORKBOOK"),
        ("strict_ooxml.xlsx", _strict, "FILE_NOT_WORKBOOK"),
        ("two_workbook_parts.xlsx", _two_workbooks, "FILE_NOT_WORKBOOK"),
        ("sheet_part_missing.xlsx", _missing_sheet_part, "FILE_WORKBOOK_DAMAGED"),
        (
            "ambiguous_sheet_relationship.xlsx",
            _ambiguous_sheet_relationship,
            "FILE_WORKBOOK_DAMAGED",
        ),
    ]


@functools.cache
def _build_case(name: str) -> bytes:
    for case_name, builder, _code in _builders():
        if case_name == name:
            return builder()
    raise KeyError(name)


def names() -> list[str]:
    return [name for name, _b, _c in _builders()]


def expected(name: str) -> str:
    return next(code for n, _b, code in _builders() if n == name)


def case(name: str) -> Case:
    return name, _build_case(name), expected(name)


def corpus() -> list[Case]:
    """Every hostile .xlsx as (name, bytes, expected_code)."""
    return [case(name) for name in names()]


def csv_corpus() -> list[Case]:
    """Hostile or broken CSV uploads as (name, bytes, expected_code)."""
    good = "district,indicator,period,value\nLahore,X1,2025-01,4\n"
    return [
        ("empty.csv", b"", "FILE_EMPTY"),
        ("utf16.csv", good.encode("utf-16"), "FILE_NOT_UTF8"),
        (
            "cp1252.csv",
            "district,value\nDera Ismaïl Khan – café,4\n".encode("cp1252"),
            "FILE_NOT_UTF8",
        ),
        ("nul_bytes.csv", good.encode() + b"\x00\x00garbage\n", "FILE_CSV_MALFORMED"),
        ("xlsx_renamed.csv", clean_workbook(), "FILE_CSV_MALFORMED"),
        ("xls_renamed.csv", ole2("Workbook"), "FILE_CSV_MALFORMED"),
        ("long_line.csv", good.encode() + b"x" * (70 * 1024) + b"\n", "FILE_CSV_LINE_TOO_LONG"),
        (
            "old_mac_line_endings.csv",
            (good.replace("\n", "\r") * 3000).encode(),
            "FILE_CSV_LINE_TOO_LONG",
        ),
        ("too_many_lines.csv", b"a\n" * 5_000_001, "FILE_CSV_TOO_MANY_LINES"),
    ]
