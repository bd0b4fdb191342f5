"""Helpers for ingest tests: fill a template like a focal point would, write CSV bulk files."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from dbmis.catalog import Catalog, load_catalog
from dbmis.ingest import layout as L

MINI = Path(__file__).parents[1] / "fixtures" / "catalog_mini"
CSV_HEADER = "district,institution,indicator,period,value"


class _Keep:
    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = _Keep()
"""Leave a header cell as the template has it."""


def mini_catalog() -> Catalog:
    return load_catalog(MINI)


def fill_template(
    template: bytes,
    values: Mapping[tuple[str, int], Any] | None = None,
    *,
    district_name: Any = KEEP,
    year: Any = KEEP,
    focal_name: Any = KEEP,
    contact: Any = KEEP,
    extra: Callable[[Workbook], None] | None = None,
) -> bytes:
    """The template with figures typed in, saved again with openpyxl.

    ``values`` maps ``(indicator code, month 1..12)`` to what is typed (a number, text such as
    'n/a', a formula such as '=1+2', a date, ``None`` to clear). Header cells are set when given
    (``None`` clears them). ``extra(wb)`` can break the workbook further before it is saved.
    """
    wb = load_workbook(io.BytesIO(template))
    ws = wb[L.SHEET_DATA]
    rows = {
        ws.cell(r, L.CODE_COL).value: r
        for r in range(L.FIRST_DATA_ROW, ws.max_row + 1)
        if ws.cell(r, L.CODE_COL).value
    }
    for (code, month), value in (values or {}).items():
        ws.cell(rows[code], L.month_column(month)).value = value
    for ref, value in (
        (L.DISTRICT_CELL, district_name),
        (L.YEAR_CELL, year),
        (L.FOCAL_NAME_CELL, focal_name),
        (L.FOCAL_CONTACT_CELL, contact),
    ):
        if value is not KEEP:
            ws[ref].value = value
    if extra is not None:
        extra(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def set_meta(wb: Workbook, key: str, value: str) -> None:
    """Change one value of the hidden _meta sheet."""
    ws = wb[L.SHEET_META]
    for row in range(1, ws.max_row + 1):
        if ws.cell(row, 1).value == key:
            ws.cell(row, 2).value = value
            return
    raise KeyError(key)


def csv_bytes(
    rows: Iterable[Iterable[Any]], header: str = CSV_HEADER, *, bom: bool = False
) -> bytes:
    """A CSV bulk file: the header line, then one line per row (values joined by commas)."""
    lines = [header, *(",".join("" if v is None else str(v) for v in row) for row in rows)]
    text = "\n".join(lines) + "\n"
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


def with_indicator(catalog: Catalog, code: str, /, **changes: Any) -> Catalog:
    """A copy of the catalog with one indicator changed (e.g. ``max=100``)."""
    indicators = tuple(
        i.model_copy(update=changes) if i.code == code else i for i in catalog.indicators
    )
    return dataclasses.replace(catalog, indicators=indicators)


def with_rules(catalog: Catalog, *rules: Any) -> Catalog:
    """A copy of the catalog with more validation rules (``dbmis.catalog.models.Rule``)."""
    return dataclasses.replace(catalog, rules=(*catalog.rules, *rules))
