"""The upload safety checks: every hostile file is refused, a clean workbook passes."""

from __future__ import annotations

import functools
import io
import os
import shutil
import subprocess
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest
from defusedxml import DefusedXmlException, EntitiesForbidden

from dbmis.errors import DbmisError
from dbmis.ingest import safety
from dbmis.ingest.safety import (
    CODES,
    Limits,
    SafetyProblem,
    UploadRejected,
    WorkbookFacts,
    inspect_csv,
    inspect_xlsx,
)
from dbmis.ingest.safety import xlsx as xlsx_module
from dbmis.ingest.safety._xml import DoctypeScanner
from dbmis.ingest.safety._zip import CHUNK
from dbmis.ingest.safety.codes import as_markdown
from tests.ingest import hostile

MiB = 1024 * 1024

# cases that would expand to (or hold) far more than the limits if anything read them naively
HEAVY = [
    "zip_bomb_200mb_zeros.xlsx",
    "lying_sizes_bomb.xlsx",
    "lying_sizes_and_crc_bomb.xlsx",
    "overlapping_entries.xlsx",
    "part_too_large_51mib.xlsx",
    "total_too_large_3x34mib.xlsx",
    "huge_shared_strings_10mb.xlsx",
    "billion_laughs_shared_strings.xlsx",
    "rows_30000.xlsx",
    "many_entries_20000.xlsx",
    "forged_dimension.xlsx",
    "huge_attribute_16mb.xlsx",
]


def _rejected(data: bytes, **kwargs: object) -> UploadRejected:
    with pytest.raises(UploadRejected) as info:
        inspect_xlsx(data, **kwargs)  # type: ignore[arg-type]
    return info.value


# --------------------------------------------------------------------------------------------
# the corpus


def test_corpus_is_large_and_covers_every_code() -> None:
    names = hostile.names()
    assert len(names) >= 32
    assert len(set(names)) == len(names)
    expected = {hostile.expected(name) for name in names}
    expected |= {code for _name, _data, code in hostile.csv_corpus()}
    assert expected == set(CODES)


@pytest.mark.parametrize("name", hostile.names())
def test_hostile_file_is_rejected(
    name: str, monkeypatch: pytest.MonkeyPatch, record_property: object
) -> None:
    _, data, expected = hostile.case(name)
    produced = 0
    real_stream = xlsx_module.stream

    def counting_stream(buf: bytes, entry: object):
        nonlocal produced
        for chunk in real_stream(buf, entry):  # type: ignore[arg-type]
            assert len(chunk) <= CHUNK
            produced += len(chunk)
            yield chunk

    monkeypatch.setattr(xlsx_module, "stream", counting_stream)
    started = time.process_time()
    error = _rejected(data)
    cpu = time.process_time() - started
    record_property("cpu_seconds", round(cpu, 4))  # type: ignore[operator]

    assert expected in error.codes, [p.to_dict() for p in error.problems]
    assert error.code == error.problems[0].code
    assert isinstance(error, DbmisError)
    for p in error.problems:
        assert p.code in CODES
        assert p.code.startswith("FILE_")
        assert p.message and "Traceback" not in p.message and "Error" not in p.message
    # never more decompressed than the limits allow: one streaming pass over all parts, and
    # a second one over XML parts that already passed the first
    limits = Limits()
    assert produced <= 2 * (limits.max_total_uncompressed + CHUNK)
    if "bomb" in name:
        assert produced <= limits.max_part_uncompressed


@pytest.mark.parametrize("name", HEAVY)
def test_heavy_files_stay_within_memory(name: str) -> None:
    _, data, expected = hostile.case(name)
    tracemalloc.start()
    try:
        with pytest.raises(UploadRejected) as info:
            inspect_xlsx(data)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert expected in info.value.codes
    assert peak < 64 * MiB, f"peak {peak / MiB:.1f} MiB"


def test_bomb_is_caught_while_streaming_not_by_declared_sizes() -> None:
    # the honest 200 MB bomb declares its size; the lying ones declare 1,000 bytes
    for name in (
        "zip_bomb_200mb_zeros.xlsx",
        "lying_sizes_bomb.xlsx",
        "lying_sizes_and_crc_bomb.xlsx",
    ):
        _, data, _code = hostile.case(name)
        error = _rejected(data)
        assert error.codes == ["FILE_ZIP_BOMB"]
        assert error.problems[0].part == hostile.SHEET
    # zipfile trusts the declared size: with a matching CRC it quietly returns 1,000 bytes of a
    # 60 MB part, and another reader (calamine's Rust zip) may not stop there
    _, lying, _code = hostile.case("lying_sizes_and_crc_bomb.xlsx")
    with zipfile.ZipFile(io.BytesIO(lying)) as zf:
        assert len(zf.read(hostile.SHEET)) == 1000


def test_messages_name_the_problem_plainly() -> None:
    def first(name: str) -> SafetyProblem:
        return _rejected(hostile.case(name)[1]).problems[0]

    assert "macros" in first("vba_project_bin.xlsx").message
    assert "OpenDocument" in first("ods_renamed.xlsx").message
    assert ".xls" in first("legacy_xls.xlsx").message
    assert "password" in first("encrypted.xlsx").message
    assert "CSV" in first("csv_renamed.xlsx").message
    assert "web page" in first("html_renamed.xlsx").message
    assert "Word" in first("docx_renamed.xlsx").message
    assert "template" in first("template_xltx.xlsx").message
    formula = first("formula_cached_value.xlsx")
    assert formula.part == "Data!F2"
    assert "Data!F2" in formula.message


# --------------------------------------------------------------------------------------------
# clean files and facts


def test_clean_workbook_passes_with_facts() -> None:
    facts = inspect_xlsx(hostile.clean_workbook())
    assert isinstance(facts, WorkbookFacts)
    assert facts.sheet_names == ("Data", "Lists")
    data, lists = facts.sheets
    assert data.part == "xl/worksheets/sheet1.xml"
    assert (data.visibility, lists.visibility) == ("visible", "hidden")
    assert data.dimension == "A1:D6"
    assert (data.rows, data.max_row, data.max_col) == (6, 6, 4)
    assert facts.formula_cells == {}
    assert facts.dimensions == {"Data": "A1:D6", "Lists": "A1:A1"}
    # openpyxl claims to be Excel ("Microsoft Excel Compatible / Openpyxl 3.1.5")
    assert facts.application is not None and facts.application.startswith("Microsoft Excel")
    assert facts.entries == len(hostile.parts())
    assert 0 < facts.uncompressed_bytes < MiB
    assert facts.sheet("Lists") is lists
    # bytes-like input is accepted too
    assert inspect_xlsx(bytearray(hostile.clean_workbook())) == facts  # type: ignore[arg-type]


def test_application_from_app_properties() -> None:
    app = (
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'extended-properties"><Application>LibreOffice/24.2.1.2$Linux_X86_64 '
        b"LibreOffice_project/db4def46b0453cc22e2d0305797cf981b68ef5ac</Application>"
        b"</Properties>"
    )
    facts = inspect_xlsx(hostile.variant(replace={"docProps/app.xml": app}))
    assert facts.application is not None and facts.application.startswith("LibreOffice/24.2")
    assert facts.app_version is None
    assert inspect_xlsx(hostile.variant(remove=["docProps/app.xml"])).application is None


def test_very_hidden_sheet_and_workbook_order() -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Instructions"
    wb.create_sheet("Data")
    wb.create_sheet("_meta").sheet_state = "veryHidden"
    wb.create_sheet("Lists").sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    facts = inspect_xlsx(buf.getvalue())
    assert [(s.name, s.visibility) for s in facts.sheets] == [
        ("Instructions", "visible"),
        ("Data", "visible"),
        ("_meta", "veryHidden"),
        ("Lists", "hidden"),
    ]


def test_formulas_listed_per_sheet_and_value_sheets_decide_problems() -> None:
    wb = openpyxl.Workbook()
    data = wb.active
    data.title = "Data"
    data["B2"] = 1
    data["C2"] = "=B2*2"
    lists = wb.create_sheet("Lists")
    lists["A1"] = "=1+1"
    buf = io.BytesIO()
    wb.save(buf)
    raw = buf.getvalue()

    error = _rejected(raw)
    assert [p.part for p in error.problems] == ["Data!C2", "Lists!A1"]

    error = _rejected(raw, value_sheets={"Data"})
    assert [p.part for p in error.problems] == ["Data!C2"]

    facts = inspect_xlsx(raw, value_sheets=set())
    assert facts.formula_cells == {"Data": ("C2",), "Lists": ("A1",)}
    assert facts.sheet("Data").formula_count == 1


def test_formula_problems_are_capped_and_summarised() -> None:
    body = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><f>1+1</f></c>' for c in "ABCDEFGHIJ") + "</row>"
        for r in range(1, 101)
    )
    data = hostile.variant(replace={hostile.SHEET: hostile.sheet_xml(body, "A1:J100")})
    limits = Limits(max_formula_problems=25, max_formula_cells_listed=40)
    error = _rejected(data, limits=limits)
    assert len(error.problems) == 26
    assert error.problems[-1].part is None and "975 more cells" in error.problems[-1].message
    facts = inspect_xlsx(data, limits, value_sheets=())
    assert facts.sheet("Data").formula_count == 1000
    assert len(facts.sheet("Data").formula_cells) == 40


def test_cells_without_references_get_their_address() -> None:
    body = "<row><c><v>1</v></c><c><f>A1</f></c></row><row/><row><c/><c/><c><f>1</f></c></row>"
    data = hostile.variant(replace={hostile.SHEET: hostile.sheet_xml(body, "A1:C3")})
    facts = inspect_xlsx(data, value_sheets=())
    assert facts.formula_cells == {"Data": ("B1", "C3")}
    assert (facts.sheet("Data").max_row, facts.sheet("Data").max_col) == (3, 3)


def test_formula_hidden_in_another_namespace_is_found() -> None:
    sheet = (
        b'<x:worksheet xmlns:x="urn:other"><x:sheetData><x:row r="1"><x:c r="A1">'
        b"<x:f>1+1</x:f></x:c></x:row></x:sheetData></x:worksheet>"
    )
    error = _rejected(hostile.variant(replace={hostile.SHEET: sheet}))
    assert error.problems[0].part == "Data!A1"


def test_libreoffice_row_only_dimension_is_accepted() -> None:
    sheet = hostile.parts()[hostile.SHEET].replace(b'ref="A1:D6"', b'ref="1:6"')
    facts = inspect_xlsx(hostile.variant(replace={hostile.SHEET: sheet}))
    assert facts.sheet("Data").dimension == "1:6"


def test_every_problem_is_reported_in_one_pass() -> None:
    data = hostile.variant(
        replace={
            hostile.SHEET: hostile.parts(hostile.case("formula_cached_value.xlsx")[1])[
                hostile.SHEET
            ]
        },
        add={
            "xl/vbaProject.bin": b"\x00" * 16,
            "xl/externalLinks/externalLink1.xml": b"<externalLink/>",
            "xl/connections.xml": b"<connections/>",
            "xl/embeddings/x.bin": b"\x00",
        },
    )
    assert _rejected(data).codes == [
        "FILE_MACROS",
        "FILE_EXTERNAL_LINKS",
        "FILE_DATA_CONNECTIONS",
        "FILE_EMBEDDED_OBJECTS",
        "FILE_FORMULA",
    ]


def test_fatal_problem_stops_further_checks() -> None:
    # macros are found by name first; then the bomb ends the inspection (no formula check)
    clean = hostile.parts(hostile.case("formula_cached_value.xlsx")[1])
    entries: list[tuple[str, Callable[[], Iterator[bytes]]]] = [
        (name, functools.partial(iter, [content])) for name, content in clean.items()
    ]
    entries.insert(0, ("xl/vbaProject.bin", functools.partial(iter, [b"\x00" * 16])))
    entries.append(("xl/media/zeros.bin", hostile.zeros(30 * MiB)))
    data = hostile.streamed_zip(entries, level=9)
    assert _rejected(data).codes == ["FILE_MACROS", "FILE_ZIP_BOMB"]


def test_limits_are_configurable_and_validated() -> None:
    small = Limits(max_rows=3)
    assert "FILE_SHEET_TOO_LARGE" in _rejected(hostile.clean_workbook(), limits=small).codes
    assert "FILE_TOO_LARGE" in _rejected(hostile.clean_workbook(), limits=Limits(
        max_file_bytes=100
    )).codes  # fmt: skip
    assert (
        "FILE_TOO_MANY_ENTRIES"
        in _rejected(hostile.clean_workbook(), limits=Limits(max_entries=5)).codes
    )
    assert (
        "FILE_ZIP_BOMB"
        in _rejected(hostile.clean_workbook(), limits=Limits(max_ratio=1, ratio_min_bytes=1)).codes
    )
    assert (
        "FILE_UNCOMPRESSED_TOO_LARGE"
        in _rejected(hostile.clean_workbook(), limits=Limits(max_xml_elements=50)).codes
    )
    assert (
        "FILE_SHEET_TOO_LARGE"
        in _rejected(hostile.clean_workbook(), limits=Limits(max_cells=5)).codes
    )
    with pytest.raises(ValueError, match="max_rows"):
        Limits(max_rows=0)
    with pytest.raises(ValueError):
        Limits(max_cols=True)


def test_upload_rejected_carries_problems() -> None:
    problems = [SafetyProblem("FILE_MACROS", "m1", "xl/vbaProject.bin"), SafetyProblem(
        "FILE_FORMULA", "m2", "Data!F12")]  # fmt: skip
    error = UploadRejected(problems)
    assert error.code == "FILE_MACROS"
    assert error.codes == ["FILE_MACROS", "FILE_FORMULA"]
    assert "m1" in str(error) and "1 more" in str(error)
    assert error.problems[1].to_dict() == {"code": "FILE_FORMULA", "message": "m2",
                                           "part": "Data!F12"}  # fmt: skip
    with pytest.raises(ValueError):
        UploadRejected([])


def test_codes_are_documented() -> None:
    table = as_markdown()
    for code, doc in CODES.items():
        assert code.startswith("FILE_")
        assert doc.title and doc.explanation and doc.action
        assert f"| {code} |" in table
    assert set(safety.__all__) >= {"inspect_xlsx", "inspect_csv", "Limits", "UploadRejected"}


# --------------------------------------------------------------------------------------------
# building blocks


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"]
)
def test_doctype_scanner_finds_split_patterns_in_any_encoding(encoding: str) -> None:
    doc = '<?xml version="1.0"?><!DocType x><x/>'.encode(encoding)
    for step in (1, 2, 3, 7, len(doc)):
        scanner = DoctypeScanner()
        found = any(scanner.feed(doc[i : i + step]) for i in range(0, len(doc), step))
        assert found or scanner.close(), (encoding, step)
    clean = DoctypeScanner()
    assert not clean.feed("<x>doc type</x>".encode(encoding)) and not clean.close()


def test_doctype_scanner_short_part() -> None:
    scanner = DoctypeScanner()
    assert not scanner.feed(b"<a")
    assert not scanner.close()


# --------------------------------------------------------------------------------------------
# openpyxl, which reads the files after these checks


def test_openpyxl_uses_defusedxml() -> None:
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True
    _, bomb, _code = hostile.case("billion_laughs_shared_strings.xlsx")
    tracemalloc.start()
    try:
        with pytest.raises(ValueError) as info:  # openpyxl wraps the parser's exception
            openpyxl.load_workbook(io.BytesIO(bomb))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(info.value.__cause__, EntitiesForbidden)
    assert peak < 64 * MiB  # refused, not expanded (10**9 "lol"s would be gigabytes)
    _, xxe, _code = hostile.case("xxe_in_sheet.xlsx")
    with pytest.raises((ValueError, DefusedXmlException)) as info:
        openpyxl.load_workbook(io.BytesIO(xxe))
    chain = [info.value, info.value.__cause__, info.value.__context__]
    assert any(isinstance(e, DefusedXmlException) for e in chain)


# --------------------------------------------------------------------------------------------
# CSV


@pytest.mark.parametrize(
    ("name", "data", "expected"), hostile.csv_corpus(), ids=[c[0] for c in hostile.csv_corpus()]
)
def test_hostile_csv_is_rejected(name: str, data: bytes, expected: str) -> None:
    with pytest.raises(UploadRejected) as info:
        inspect_csv(data)
    assert expected in info.value.codes, name
    assert all(p.code in CODES for p in info.value.problems)


def test_clean_csv_passes() -> None:
    text = "district,institution,indicator,period,value\nMultān,POLICE,X1,2025-01,4\n"
    inspect_csv(text.encode())
    inspect_csv(b"\xef\xbb\xbf" + text.encode())  # BOM written by Excel's "CSV UTF-8"
    inspect_csv(text.replace("\n", "\r\n").encode())
    inspect_csv(text.encode().rstrip(b"\n"))


def test_csv_messages_point_at_the_line() -> None:
    data = b"a,b\n1,2\n3,\xe9\n"
    with pytest.raises(UploadRejected) as info:
        inspect_csv(data)
    assert info.value.codes == ["FILE_NOT_UTF8"]
    assert "line 3" in info.value.problems[0].message
    # an invalid byte just past a 1 MiB step boundary, after a split multi-byte character
    big = b"x" * (MiB - 1) + "é".encode() + b"\n" * 5 + b"\xff"
    with pytest.raises(UploadRejected) as info:
        inspect_csv(big)
    assert "line 6" in info.value.problems[0].message


def test_csv_limits() -> None:
    data = b"a,b\n" + b"1,2\n" * 10
    with pytest.raises(UploadRejected) as info:
        inspect_csv(data, Limits(max_csv_lines=5))
    assert info.value.codes == ["FILE_CSV_TOO_MANY_LINES"]
    with pytest.raises(UploadRejected) as info:
        inspect_csv(data, Limits(max_csv_bytes=10))
    assert info.value.codes == ["FILE_TOO_LARGE"]
    with pytest.raises(UploadRejected) as info:
        inspect_csv(b"a,b\n1,2\n" + b"9" * 200 + b"\n", Limits(max_csv_line_bytes=100))
    assert info.value.codes == ["FILE_CSV_LINE_TOO_LONG"]
    assert "Line 3" in info.value.problems[0].message


# --------------------------------------------------------------------------------------------
# boundaries and real writers


def test_limits_are_inclusive() -> None:
    limits = Limits(max_rows=500, max_cols=8)
    body = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{r}</v></c>' for c in "ABCDEFGH") + "</row>"
        for r in range(1, 501)
    )
    at_limit = hostile.variant(replace={hostile.SHEET: hostile.sheet_xml(body, "A1:H500")})
    facts = inspect_xlsx(at_limit, limits)
    assert (facts.sheet("Data").rows, facts.sheet("Data").max_col) == (500, 8)
    over = body + '<row r="501"><c r="A501"><v>1</v></c></row>'
    data = hostile.variant(replace={hostile.SHEET: hostile.sheet_xml(over, "A1:H500")})
    assert _rejected(data, limits=limits).codes == ["FILE_SHEET_TOO_LARGE"]
    wide = body.replace('<c r="H1">', '<c r="I1"><v>1</v></c><c r="H1">')
    data = hostile.variant(replace={hostile.SHEET: hostile.sheet_xml(wide, "A1:H500")})
    assert _rejected(data, limits=limits).codes == ["FILE_SHEET_TOO_LARGE"]


@pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("CI"),
    reason="LibreOffice is not installed (scripts/install-system-deps.sh installs it; CI fails)",
)
def test_files_saved_by_libreoffice_pass(tmp_path: Path) -> None:
    (tmp_path / "clean.xlsx").write_bytes(hostile.clean_workbook())
    (tmp_path / "formula.xlsx").write_bytes(hostile.case("formula_cached_value.xlsx")[1])
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(tmp_path / "out"),
            str(tmp_path / "clean.xlsx"),
            str(tmp_path / "formula.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    facts = inspect_xlsx((tmp_path / "out" / "clean.xlsx").read_bytes())
    assert facts.application is not None and facts.application.startswith("LibreOffice")
    assert facts.sheet_names == ("Data", "Lists")
    assert facts.sheet("Lists").visibility == "hidden"
    error = _rejected((tmp_path / "out" / "formula.xlsx").read_bytes())
    assert [p.part for p in error.problems] == ["Data!F2"]
