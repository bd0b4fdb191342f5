"""Demo files: filled templates at the right cells, broken files broken as intended, long CSV."""

from __future__ import annotations

import io
import itertools
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from dbmis.catalog import Catalog, load_catalog
from dbmis.demo import (
    DEMO_LABEL,
    FAULT_KINDS,
    DemoData,
    apply_fault,
    broken_workbook,
    filled_workbook,
    generate,
    iter_demo_files,
    write_long_csv,
)
from dbmis.ingest import layout as L
from dbmis.ingest.templates.build import build_template
from tests.demo.conftest import LAST

MINI = Path(__file__).parents[1] / "fixtures" / "catalog_mini"


def _open(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def _meta(wb: Workbook) -> dict[str, str]:
    return {str(r[0].value): r[1].value for r in wb[L.SHEET_META].iter_rows(max_col=2)}


def _data_cells(wb: Workbook) -> dict[str, object]:
    ws = wb[L.SHEET_DATA]
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row}


def test_filled_workbook_has_values_at_their_cells(catalog: Catalog, demo: DemoData) -> None:
    # the file of a chronically late district with the most returns never sent
    missing = demo.missing[demo.missing["district"].isin(["AWARAN", "DERA_BUGTI", "SHERANI"])]
    counts = missing.assign(year=missing["month"] // 100).groupby(
        ["district", "institution", "year"]
    )
    district, institution, year = counts.size().idxmax()
    year = int(year)
    wb = _open(filled_workbook(catalog, demo, district, institution, year))
    ws = wb[L.SHEET_DATA]
    assert ws[L.DISTRICT_CELL].value == catalog.district_by_code[district].name.en
    assert ws[L.YEAR_CELL].value == year
    assert "Demo" in ws[L.FOCAL_NAME_CELL].value and district in ws[L.FOCAL_NAME_CELL].value
    assert "demo" in ws[L.FOCAL_CONTACT_CELL].value
    meta = _meta(wb)
    assert (meta["district"], meta["year"], meta["institution"]) == (
        district,
        str(year),
        institution,
    )
    assert wb.properties.description == DEMO_LABEL
    v = demo.values
    sent_months = set(range(year * 100 + 1, year * 100 + 13)) - set(
        missing[(missing["district"] == district) & (missing["institution"] == institution)][
            "month"
        ]
    )
    assert len(sent_months) < 12, "a chronically late district misses some months"
    for offset, ind in enumerate(catalog.indicators_of(institution)):
        row = L.FIRST_DATA_ROW + offset
        assert ws.cell(row, L.CODE_COL).value == ind.code
        for mon in range(1, 13):
            month = year * 100 + mon
            got = ws.cell(row, L.month_column(mon)).value
            if month not in sent_months:
                assert got is None
                continue
            want = v[
                (v["district"] == district) & (v["indicator"] == ind.code) & (v["month"] == month)
            ]["value"].item()
            assert got == want, (ind.code, month)
            if want == 0:
                assert got == 0 and got is not None  # 0 = reported zero, not blank


def test_partial_year_is_filled_up_to_the_last_month(catalog: Catalog, demo: DemoData) -> None:
    wb = _open(filled_workbook(catalog, demo, "QUETTA", "POLICE", LAST // 100))
    ws = wb[L.SHEET_DATA]
    row = L.FIRST_DATA_ROW
    last_mon = LAST % 100
    assert isinstance(ws.cell(row, L.month_column(last_mon)).value, int)
    for mon in range(last_mon + 1, 13):
        assert ws.cell(row, L.month_column(mon)).value is None


def test_files_are_the_template_plus_figures(catalog: Catalog, demo: DemoData) -> None:
    """Everything but the district, focal point and figures is exactly build_template's."""
    district, institution, year = "ZIARAT", "COURTS", 2024
    filled = _data_cells(_open(filled_workbook(catalog, demo, district, institution, year)))
    buf = io.BytesIO()
    build_template(catalog, institution, year=year, district=district).save(buf)
    template = _data_cells(_open(buf.getvalue()))
    changed = {k for k in filled.keys() | template.keys() if filled.get(k) != template.get(k)}
    n = len(catalog.indicators_of(institution))
    grid = {
        f"{chr(ord('A') + c - 1)}{r}"
        for r in range(L.FIRST_DATA_ROW, L.FIRST_DATA_ROW + n)
        for c in range(L.FIRST_MONTH_COL, L.LAST_MONTH_COL + 1)
    }
    assert changed <= grid | {L.FOCAL_NAME_CELL, L.FOCAL_CONTACT_CELL}


def test_reused_templates_give_the_same_bytes_as_fresh_ones(
    catalog: Catalog, demo: DemoData
) -> None:
    files = itertools.islice(iter_demo_files(catalog, demo, years=[2024]), 45)
    checked = 0
    for f in files:
        if f.expect_ok and f.district in {"QUETTA", "PISHIN", "SHERANI", "KECH", "PANJGUR"}:
            again = filled_workbook(catalog, demo, f.district, f.institution, f.year)
            assert again == f.data, f.filename
            checked += 1
    assert checked >= 5


def test_files_are_reproducible(catalog: Catalog, demo: DemoData) -> None:
    one = filled_workbook(catalog, demo, "KECH", "PRISONS", 2025)
    other = generate(catalog, first_month=demo.first_month, last_month=demo.last_month)
    assert filled_workbook(catalog, other, "KECH", "PRISONS", 2025) == one
    subs = demo.submissions
    saved = subs[
        (subs["district"] == "KECH") & (subs["institution"] == "PRISONS") & (subs["year"] == 2025)
    ]["submitted_on"].item()
    with zipfile.ZipFile(io.BytesIO(one)) as z:
        core = z.read("docProps/core.xml").decode()
        assert {i.date_time[:3] for i in z.infolist()} == {(saved.year, saved.month, saved.day)}
    assert f'<dcterms:modified xsi:type="dcterms:W3CDTF">{saved:%Y-%m-%d}T12:00:00Z' in core


@pytest.fixture(scope="module")
def broken_pairs(catalog: Catalog, demo: DemoData) -> list[tuple[object, Workbook, Workbook]]:
    pairs = []
    for fault in demo.broken_files:
        bad = _open(broken_workbook(catalog, demo, fault))
        good = _open(filled_workbook(catalog, demo, fault.district, fault.institution, fault.year))
        pairs.append((fault, bad, good))
    return pairs


def test_broken_files_differ_from_clean_ones_as_intended(broken_pairs: list) -> None:
    assert {f.kind for f, _, _ in broken_pairs} == set(FAULT_KINDS)
    for fault, bad, good in broken_pairs:
        before, after = _data_cells(good), _data_cells(bad)
        changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
        ref = fault.cell.split("!")[1]
        assert changed == {ref}, fault
        ws = bad[L.SHEET_DATA]
        value = ws[ref].value
        col = ws[ref].column
        codes = {ws.cell(r, 1).value: r for r in range(L.FIRST_DATA_ROW, ws.max_row + 1)}
        if fault.kind == "convictions_above_decided":
            assert value > ws.cell(codes["PRO_CASES_DECIDED"], col).value
        elif fault.kind == "undertrial_above_total":
            assert value > ws.cell(codes["PRS_PRISONERS_TOTAL"], col).value
        elif fault.kind == "negative_count":
            assert value < 0
        elif fault.kind == "text_in_number":
            assert value == "n/a"
        elif fault.kind == "formula_in_value":
            assert ws[ref].data_type == "f" and str(value).startswith("=")
        elif fault.kind == "future_month":
            assert L.month_of_column(col) == fault.month % 100
            assert ws[L.YEAR_CELL].value * 100 + L.month_of_column(col) > LAST
            assert good[L.SHEET_DATA][ref].value is None
        elif fault.kind == "wrong_district":
            assert _meta(bad)["district"] == fault.value != fault.district
            assert _meta(good)["district"] == fault.district


def test_apply_fault_by_kind_alone(catalog: Catalog, demo: DemoData) -> None:
    data = filled_workbook(catalog, demo, "QUETTA", "PROSECUTION", 2023)
    for kind in FAULT_KINDS:
        if kind == "undertrial_above_total":
            data_kind = filled_workbook(catalog, demo, "QUETTA", "PRISONS", 2023)
        else:
            data_kind = data
        wb = _open(data_kind)
        before = _data_cells(wb)
        ref = apply_fault(wb, kind, catalog=catalog).split("!")[1]
        after = _data_cells(wb)
        assert {k for k in after if after[k] != before.get(k)} == {ref}, kind
    with pytest.raises(ValueError, match="unknown fault"):
        apply_fault(_open(data), "spilt_tea")


def test_iter_demo_files_covers_every_file(catalog: Catalog, demo: DemoData) -> None:
    """Full coverage on the mini catalog (fast); the first files of the default one."""
    mini = load_catalog(MINI)
    first = mini.roadmap.first_reporting_year * 100 + 1
    data = generate(mini, first_month=first, last_month=first + 203)  # two years and 4 months
    files = list(iter_demo_files(mini, data))
    clean = [f for f in files if f.expect_ok]
    assert len(clean) == len(mini.districts) * len(mini.institutions) * 3
    assert {(f.district, f.institution, f.year) for f in clean} == {
        (d.code, i.code, y)
        for d in mini.districts
        for i in mini.institutions
        for y in (first // 100, first // 100 + 1, first // 100 + 2)
    }
    assert {f.fault for f in files if not f.expect_ok} == set(data.broken_files)
    assert len({f.filename for f in files}) == len(files)
    # a broken file comes just before the clean file that replaces it
    for i, f in enumerate(files):
        if not f.expect_ok and f.year in data.years:
            nxt = files[i + 1]
            assert nxt.expect_ok
            assert (nxt.district, nxt.institution, nxt.year) == (f.district, f.institution, f.year)
    head = list(itertools.islice(iter_demo_files(catalog, demo, years=[2022]), 40))
    assert [f.district for f in head if f.expect_ok][:3] == ["QUETTA", "PISHIN", "QILLA_ABDULLAH"]
    assert all(f.filename.endswith(".xlsx") for f in head)


def test_long_csv(tmp_path: Path, demo: DemoData) -> None:
    path = tmp_path / "long.csv"
    rows = write_long_csv(demo, path)
    back = pd.read_csv(path, dtype={"period": str})
    assert list(back.columns) == ["district", "institution", "indicator", "period", "value"]
    assert rows == len(back) == len(demo.reported())
    assert back["period"].str.fullmatch(r"\d{4}-\d{2}").all()
    assert back["value"].notna().all()
    text = path.read_text()
    assert ",0\n" in text and ".0\n" not in text  # whole numbers written as such
    reported = demo.reported()
    np.testing.assert_allclose(back["value"].to_numpy(), reported["value"].to_numpy())


def test_a_future_month_in_the_next_year_gets_its_own_file() -> None:
    mini = load_catalog(MINI)
    first = mini.roadmap.first_reporting_year * 100 + 1
    data = generate(mini, first_month=first, last_month=first + 11)  # January to December
    (fault,) = [b for b in data.broken_files if b.kind == "future_month"]
    assert fault.year == first // 100 + 1 and fault.month == first + 101
    files = list(iter_demo_files(mini, data))
    (extra,) = [f for f in files if f.year == fault.year]
    assert not extra.expect_ok and extra.fault == fault
    ws = _open(extra.data)[L.SHEET_DATA]
    assert ws[L.YEAR_CELL].value == fault.year
    assert ws[fault.cell.split("!")[1]].value == fault.value
