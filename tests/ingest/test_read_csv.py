"""Reading the long CSV bulk format: line numbers, codes, periods, values, broken lines."""

from __future__ import annotations

import pytest

from dbmis.catalog import Catalog
from dbmis.ingest.read import CELL_COLUMNS, read_csv
from tests.ingest.filling import csv_bytes, mini_catalog


@pytest.fixture(scope="module")
def mini() -> Catalog:
    return mini_catalog()


def test_lines_become_tidy_cells(mini: Catalog) -> None:
    data = csv_bytes(
        [
            ("ALPHA", "PROSECUTION", "PRO_CONVICTIONS", "2026-01", "5"),
            ("beta", " prosecution ", "pro_convictions", "2026-02", "0"),
            ("Gamma", "PRISONS", "PRS_CAPACITY", "2025-12", ""),
            ("DELTA", "PRISONS", "PRS_CAPACITY", "2025-11", "n/a"),
        ],
        bom=True,
    )
    outcome = read_csv(data, mini)
    assert outcome.issues == [] and outcome.source == "csv"
    cells = outcome.cells
    assert list(cells.columns) == [*CELL_COLUMNS, "period"]
    assert cells["cell"].tolist() == ["CSV!line 2", "CSV!line 3", "CSV!line 4", "CSV!line 5"]
    assert cells["row_id"].tolist() == [2, 3, 4, 5]
    assert cells["district"].tolist() == ["ALPHA", "BETA", "GAMMA", "DELTA"]  # code or name
    assert cells["institution"].tolist() == ["PROSECUTION", "PROSECUTION", "PRISONS", "PRISONS"]
    assert cells["indicator"].tolist()[1] == "PRO_CONVICTIONS"
    assert cells["month"].tolist() == [202601, 202602, 202512, 202511]
    assert cells["kind"].tolist() == ["number", "number", "blank", "text"]
    assert cells["value"].tolist()[:2] == [5.0, 0.0]
    assert cells["raw"].tolist() == ["5", "0", "", "n/a"]  # 'n/a' is not read as missing
    assert str(cells["indicator"].dtype) == "category"
    assert outcome.institution is None  # two institutions in one file


def test_header_in_any_order_and_case(mini: Catalog) -> None:
    data = csv_bytes(
        [("5", "2026-01", "PRO_CONVICTIONS", "PROSECUTION", "ALPHA")],
        header="Value,Period,Indicator,Institution,District",
    )
    outcome = read_csv(data, mini)
    assert outcome.issues == []
    assert outcome.cells[["district", "indicator", "month", "value"]].iloc[0].tolist() == [
        "ALPHA",
        "PRO_CONVICTIONS",
        202601,
        5.0,
    ]
    assert outcome.institution == "PROSECUTION"


def test_empty_lines_keep_line_numbers(mini: Catalog) -> None:
    data = (
        b"district,institution,indicator,period,value\n"
        b"ALPHA,PROSECUTION,PRO_CONVICTIONS,2026-01,1\n"
        b"\n"
        b",,,,\n"
        b"ALPHA,PROSECUTION,PRO_CONVICTIONS,2026-02,2\r\n"
    )
    cells = read_csv(data, mini).cells
    assert cells["cell"].tolist() == ["CSV!line 2", "CSV!line 5"]


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("district,institution,indicator,month,value", ["missing column(s): period", "'month'"]),
        ("district,institution,indicator,period", ["missing column(s): value"]),
        ("district,institution,indicator,period,value,value", ["given twice: value"]),
        ("district,institution,indicator,period,value,note", ["unknown column(s): 'note'"]),
        ("district;institution;indicator;period;value", ["separated by semicolons"]),
    ],
)
def test_header_problems(mini: Catalog, header: str, words: list[str]) -> None:
    outcome = read_csv(
        csv_bytes([("ALPHA", "PROSECUTION", "PRO_CONVICTIONS", "2026-01", "1", "")], header), mini
    )
    assert [i.code for i in outcome.issues] == ["CSV_HEADER"]
    assert outcome.issues[0].cell == "CSV!line 1"
    for word in words:
        assert word in outcome.issues[0].message


def test_lines_with_too_many_fields_are_reported_not_truncated(mini: Catalog) -> None:
    data = (
        b"district,institution,indicator,period,value\n"
        b"ALPHA,PROSECUTION,PRO_CONVICTIONS,2026-01,1,234\n"  # '1,234' unquoted
        b'ALPHA,PROSECUTION,PRO_CONVICTIONS,2026-02,"1,234"\n'  # quoted: one text value
        b"ALPHA,PROSECUTION,PRO_CONVICTIONS,2026-03,1,2,3,4,5,6\n"
        b"ALPHA,PROSECUTION,PRO_CONVICTIONS,2026-04,7\n"
    )
    outcome = read_csv(data, mini)
    assert [(i.code, i.cell) for i in outcome.issues] == [
        ("CSV_LINE_INVALID", "CSV!line 2"),
        ("CSV_LINE_INVALID", "CSV!line 4"),
    ]
    cells = outcome.cells.set_index("cell")
    assert cells.loc["CSV!line 3", "raw"] == "1,234" and cells.loc["CSV!line 3", "kind"] == "text"
    assert cells.loc["CSV!line 5", "value"] == 7.0  # line numbers stay right after a skipped line


def test_a_long_first_line_is_not_truncated_silently(mini: Catalog) -> None:
    # pandas cuts a long *first* line to the expected columns (spare ones empty here)
    data = b"district,institution,indicator,period,value\nALPHA,PROSECUTION,PRO_CONVICTIONS,2026-01,1,,,234\n"
    outcome = read_csv(data, mini)
    assert [(i.code, i.cell) for i in outcome.issues] == [("CSV_LINE_INVALID", "CSV!line 2")]
    assert outcome.cells.empty


def test_numeric_looking_codes_stay_text(mini: Catalog) -> None:
    outcome = read_csv(csv_bytes([("12", "7", "3", "2026-01", "1")]), mini)
    cells = outcome.cells
    assert cells[["district", "institution", "indicator"]].iloc[0].tolist() == ["12", "7", "3"]


def test_unclosed_quote_and_empty_file(mini: Catalog) -> None:
    outcome = read_csv(b'district,institution,indicator,period,value\nA,B,C,D,"E\n', mini)
    assert [i.code for i in outcome.issues] == ["CSV_LINE_INVALID"] and not outcome.data_found
    assert [i.code for i in read_csv(b"", mini).issues] == ["CSV_HEADER"]


def test_invalid_periods_read_as_month_zero(mini: Catalog) -> None:
    rows = [
        ("ALPHA", "PROSECUTION", "PRO_CONVICTIONS", p, "1")
        for p in ("2026-13", "2026/01", "Jan 2026", "1999-01", "2026-1")
    ]
    assert set(read_csv(csv_bytes(rows), mini).cells["month"]) == {0}


def test_garbage_never_raises(mini: Catalog) -> None:
    import random
    from datetime import date

    from dbmis.ingest.validate import validate_upload

    rnd = random.Random(7)
    for _ in range(60):
        body = bytes(rnd.randrange(256) for _ in range(rnd.randint(0, 200)))
        for data in (body, b"district,institution,indicator,period,value\n" + body):
            validate_upload(read_csv(data, mini), mini, today=date(2027, 1, 1))
