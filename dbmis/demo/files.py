"""Demo data as the files focal points upload: filled templates, broken ones, and the long CSV.

A filled file is the institution's template exactly as :func:`build_template` makes it for the
district and year, with the figures written into their cells (``dbmis.ingest.layout``): blank
where a return was never sent or a value does not exist, 0 where the figure is zero. The focal
point's name and contact are filled in and say "Demo": demo files must never pass for real ones.

Files are reproducible: document and zip times are set to the date the year file was last
submitted (from ``DemoData.submissions``), so the same seed gives the same bytes.

Writing ~1,700 files with openpyxl is dominated by building and saving workbooks. The only
things that differ between districts of one institution and year are the district cell (C2),
the ``_meta`` district, the focal point and the figures, so :func:`iter_demo_files` builds each
institution's template once per year and rewrites just those cells for every district. The
result is the same as a fresh :func:`build_template` call (a test compares the two).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

from dbmis.catalog import Catalog
from dbmis.demo.synth import FAULT_KINDS, BrokenFile, DemoData
from dbmis.ingest import layout as L
from dbmis.ingest.templates.build import (
    FIXED_TIME,
    build_template,
    template_filename,
    workbook_bytes,
)

DEMO_LABEL = "DBMIS DEMO DATA: synthetic figures, not real returns"
_META_DISTRICT_ROW = L.META_KEYS.index("district") + 1


@dataclass(frozen=True)
class DemoFile:
    """One file a focal point uploads. ``expect_ok`` is False for the broken ones."""

    district: str
    institution: str
    year: int
    filename: str
    data: bytes
    expect_ok: bool
    fault: BrokenFile | None = None


def focal_point(district: str, institution: str) -> tuple[str, str]:
    """A clearly fictional focal point name and contact for the demo."""
    return (
        f"Demo Focal Point {district}-{institution}",
        f"{district.lower()}.{institution.lower()}@demo.dbmis.example",
    )


# --- writing one workbook ----------------------------------------------------------------------


def _cell_value(value: float) -> int | float | None:
    if np.isnan(value):
        return None
    return int(value) if float(value).is_integer() else float(value)


def _check_same_catalog(catalog: Catalog, data: DemoData) -> None:
    if tuple(i.code for i in catalog.indicators) != data.indicators:
        raise ValueError("the demo data was generated from another catalog")


def _fill(wb: Workbook, catalog: Catalog, data: DemoData, district: str, institution: str,
          year: int) -> None:  # fmt: skip
    """Write the district, focal point and figures into a template built for this year."""
    fill_grid(wb, catalog, district, institution, data.grid(district, institution, year))


def fill_grid(wb: Workbook, catalog: Catalog, district: str, institution: str,
              grid: np.ndarray) -> None:  # fmt: skip
    """Write the district, focal point and ``grid`` (the figures: [indicator of the
    institution, calendar month 0..11], NaN = blank) into a template built for the year."""
    ws = wb[L.SHEET_DATA]
    ws[L.DISTRICT_CELL].value = catalog.district_by_code[district].name.en
    wb[L.SHEET_META].cell(_META_DISTRICT_ROW, 2).value = district
    name, contact = focal_point(district, institution)
    ws[L.FOCAL_NAME_CELL].value = name
    ws[L.FOCAL_CONTACT_CELL].value = contact
    for r, row in enumerate(grid):
        for m, value in enumerate(row):
            ws.cell(L.FIRST_DATA_ROW + r, L.FIRST_MONTH_COL + m).value = _cell_value(value)


def _save_dates(data: DemoData) -> dict[tuple[str, str, int], datetime]:
    """When the focal point last saved each year file: its last submission, at noon."""
    subs = data.submissions
    return {
        (d, i, int(y)): datetime(day.year, day.month, day.day, 12)
        for d, i, y, day in zip(
            subs["district"], subs["institution"], subs["year"], subs["submitted_on"], strict=True
        )
    }


def _saved_on(data: DemoData, district: str, institution: str, year: int) -> datetime:
    return _save_dates(data).get((district, institution, year), FIXED_TIME)


def new_template(catalog: Catalog, institution: str, year: int, district: str) -> Workbook:
    wb = build_template(catalog, institution, year=year, district=district)
    wb.properties.description = DEMO_LABEL
    return wb


def filled_workbook(catalog: Catalog, data: DemoData, district: str, institution: str,
                    year: int) -> bytes:  # fmt: skip
    """The template for this district and year, filled with the demo figures, as .xlsx bytes."""
    _check_same_catalog(catalog, data)
    wb = new_template(catalog, institution, year, district)
    _fill(wb, catalog, data, district, institution, year)
    return workbook_bytes(wb, _saved_on(data, district, institution, year))


# --- faults ------------------------------------------------------------------------------------


def _rows_by_code(ws: object) -> dict[str, int]:
    rows = {}
    for r in range(L.FIRST_DATA_ROW, ws.max_row + 1):  # type: ignore[attr-defined]
        code = ws.cell(r, L.CODE_COL).value  # type: ignore[attr-defined]
        if isinstance(code, str) and code:
            rows[code] = r
    return rows


def _first_filled(ws: object, rows: Iterable[int]) -> tuple[int, int] | None:
    for r in rows:
        for c in range(L.FIRST_MONTH_COL, L.LAST_MONTH_COL + 1):
            v = ws.cell(r, c).value  # type: ignore[attr-defined]
            if isinstance(v, int | float) and v:
                return r, c
    return None


def apply_fault(workbook: Workbook, fault: str | BrokenFile, *,
                catalog: Catalog | None = None) -> str:  # fmt: skip
    """Break a filled workbook so that ingest must reject it; returns the cell changed.

    ``fault`` is a :class:`BrokenFile` (its cell and value are written exactly) or one of
    :data:`FAULT_KINDS`, in which case the cell is chosen from the workbook itself: the first
    filled value of the row concerned. ``wrong_district`` needs the catalog to name a
    neighbouring district.
    """
    ws = workbook[L.SHEET_DATA]
    meta = workbook[L.SHEET_META]
    kind = fault.kind if isinstance(fault, BrokenFile) else fault
    if kind not in FAULT_KINDS:
        raise ValueError(f"unknown fault {kind!r}; expected one of {', '.join(FAULT_KINDS)}")
    if kind == "wrong_district":
        if isinstance(fault, BrokenFile):
            other = str(fault.value)
        else:
            if catalog is None:
                raise ValueError("wrong_district needs the catalog")
            me = catalog.district_by_code[str(meta.cell(_META_DISTRICT_ROW, 2).value)]
            peers = [d.code for d in catalog.districts_of(me.division) if d.code != me.code]
            other = peers[0] if peers else next(d.code for d in catalog.districts if d != me)
        name = catalog.district_by_code[other].name.en if catalog else other
        ws[L.DISTRICT_CELL].value = name
        meta.cell(_META_DISTRICT_ROW, 2).value = other
        return L.cell_ref(2, 3)
    if isinstance(fault, BrokenFile):
        ref = fault.cell.split("!", 1)[1]
        ws[ref].value = _cell_value(fault.value) if isinstance(fault.value, float) else fault.value
        return fault.cell
    rows = _rows_by_code(ws)
    if kind in ("convictions_above_decided", "undertrial_above_total"):
        part, total = {
            "convictions_above_decided": ("PRO_CONVICTIONS", "PRO_CASES_DECIDED"),
            "undertrial_above_total": ("PRS_UNDERTRIAL", "PRS_PRISONERS_TOTAL"),
        }[kind]
        if part not in rows or total not in rows:
            raise ValueError(f"{kind} needs the rows {part} and {total}")
        found = _first_filled(ws, [rows[total]])
        col = found[1] if found else L.FIRST_MONTH_COL
        base = ws.cell(rows[total], col).value
        ws.cell(rows[part], col).value = (base if isinstance(base, int | float) else 0) + 3
        return L.cell_ref(rows[part], col)
    if kind == "future_month":
        row = min(rows.values()) if rows else L.FIRST_DATA_ROW
        ws.cell(row, L.LAST_MONTH_COL).value = 1
        return L.cell_ref(row, L.LAST_MONTH_COL)
    found = _first_filled(ws, sorted(rows.values()))
    row, col = found or (L.FIRST_DATA_ROW, L.FIRST_MONTH_COL)
    v = ws.cell(row, col).value
    v = v if isinstance(v, int | float) else 0
    if kind == "negative_count":
        ws.cell(row, col).value = -abs(v) if v else -1
    elif kind == "text_in_number":
        ws.cell(row, col).value = "n/a"
    else:  # formula_in_value
        a = int(v) // 2
        ws.cell(row, col).value = f"={a}+{int(v) - a}"
    return L.cell_ref(row, col)


def broken_workbook(catalog: Catalog, data: DemoData, fault: BrokenFile) -> bytes:
    """The filled file for the fault's district, institution and year, broken as it says."""
    _check_same_catalog(catalog, data)
    wb = new_template(catalog, fault.institution, fault.year, fault.district)
    _fill(wb, catalog, data, fault.district, fault.institution, fault.year)
    apply_fault(wb, fault, catalog=catalog)
    return workbook_bytes(wb, _saved_on(data, fault.district, fault.institution, fault.year))


def broken_filename(fault: BrokenFile) -> str:
    shown = str(fault.value) if fault.kind == "wrong_district" else fault.district
    stem = template_filename(fault.institution, shown, fault.year).removesuffix(".xlsx")
    return f"{stem}_BROKEN-{fault.kind}.xlsx"


# --- all files ---------------------------------------------------------------------------------


def iter_demo_files(catalog: Catalog, data: DemoData,
                    years: Iterable[int] | None = None) -> Iterator[DemoFile]:  # fmt: skip
    """Every district x institution x year file, each broken file just before its fixed one.

    Years default to every year of the data (the current year holds the months up to
    ``last_month``) plus any year a broken file needs (a figure for a future month).
    """
    _check_same_catalog(catalog, data)
    wanted = sorted(set(years) if years is not None else {*data.years, *(b.year for b in data.broken_files)})  # fmt: skip
    districts = [d.code for d in catalog.districts]
    saved = _save_dates(data)
    for year in wanted:
        for inst in (i.code for i in catalog.institutions):
            wb: Workbook | None = None
            for district in districts:
                for fault in data.broken_for(district, inst, year):
                    yield DemoFile(district, inst, year, broken_filename(fault),
                                   broken_workbook(catalog, data, fault), False, fault)  # fmt: skip
                if year not in data.years:
                    continue
                if np.isnan(data.grid(district, inst, year)).all():
                    continue  # a return never sent is never uploaded
                if wb is None:  # built once per institution and year, re-used for each district
                    wb = new_template(catalog, inst, year, district)
                _fill(wb, catalog, data, district, inst, year)
                yield DemoFile(
                    district,
                    inst,
                    year,
                    template_filename(inst, district, year),
                    workbook_bytes(wb, saved.get((district, inst, year), FIXED_TIME)),
                    True,
                )


def write_demo_files(catalog: Catalog, data: DemoData, out_dir: Path,
                     years: Iterable[int] | None = None) -> list[Path]:  # fmt: skip
    """Write every demo file into ``out_dir``; returns the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for f in iter_demo_files(catalog, data, years):
        path = out_dir / f.filename
        path.write_bytes(f.data)
        paths.append(path)
    return paths


# --- the long CSV ------------------------------------------------------------------------------


def long_frame(data: DemoData) -> pd.DataFrame:
    """The reported values as the long bulk format: district, institution, indicator, period, value."""
    rows = data.reported()
    month = rows["month"]
    period = (month // 100).astype(str) + "-" + (month % 100).astype(str).str.zfill(2)
    return pd.DataFrame(
        {
            "district": rows["district"],
            "institution": rows["institution"],
            "indicator": rows["indicator"],
            "period": period,
            "value": rows["value"],
        }
    )


def write_long_csv(data: DemoData, path: Path | str) -> int:
    """Write the long bulk CSV (returns not sent and blank values left out); returns the rows."""
    frame = long_frame(data)
    frame.to_csv(path, index=False, float_format="%.12g", lineterminator="\n")
    return len(frame)


__all__ = [
    "DEMO_LABEL",
    "DemoFile",
    "apply_fault",
    "broken_filename",
    "broken_workbook",
    "fill_grid",
    "filled_workbook",
    "focal_point",
    "iter_demo_files",
    "long_frame",
    "new_template",
    "write_demo_files",
    "write_long_csv",
]
