"""The bytes of the demo's uploads, built from the demo data as each file stood when it was
uploaded (see :mod:`dbmis.demo.timeline`), with the corrections focal points made so far.

- :meth:`DemoContent.template`: a focal point's filled template holding some months of a year
  (the others blank), optionally with some figures changed (a correction, a typing slip);
- :meth:`DemoContent.desk_csv`: the DU data desk's bulk file (the long CSV format) holding
  several year files at once, each with the months it held then.

Once a focal point corrects a figure (:meth:`DemoContent.correct`), every later upload of
that year file carries the corrected figure. Templates are built once per institution and year
and re-used for every district (as :func:`dbmis.demo.files.iter_demo_files` does).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

import numpy as np
from openpyxl import Workbook

from dbmis.catalog import Catalog
from dbmis.demo.fastbook import FastBook
from dbmis.demo.files import fill_grid, new_template
from dbmis.demo.synth import DemoData
from dbmis.demo.timeline import Instalment, Key
from dbmis.ingest.templates.build import template_filename, workbook_bytes

Edits = Mapping[tuple[str, int], float]
"""(indicator code, month YYYYMM) -> value"""


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class DemoContent:
    """Builds the demo's files (see the module doc)."""

    def __init__(self, catalog: Catalog, data: DemoData, items: Iterable[Instalment] = ()) -> None:
        if tuple(i.code for i in catalog.indicators) != data.indicators:
            raise ValueError("the demo data was generated from another catalog")
        self.catalog, self.data = catalog, data
        self._books: dict[tuple[str, int], FastBook | Workbook] = {}
        self._grids: dict[Key, np.ndarray] = {}
        self._codes: dict[str, list[str]] = {}
        self._fixed: dict[Key, dict[tuple[str, int], float]] = {}
        self._uploads: dict[Key, list[Instalment]] = {}
        for s in sorted(items, key=lambda s: s.at):
            self._uploads.setdefault(s.key, []).append(s)

    # -- figures ------------------------------------------------------------------------------

    def codes(self, institution: str) -> list[str]:
        """The institution's indicator codes, in the order of its template's rows."""
        if institution not in self._codes:
            i = self.data.institutions.index(institution)
            rows = np.flatnonzero(self.data.indicator_institution == i)
            self._codes[institution] = [self.data.indicators[r] for r in rows]
        return self._codes[institution]

    def grid(self, key: Key, months: Iterable[int], edits: Edits | None = None) -> np.ndarray:
        """The figures of a year file holding ``months``: [indicator, calendar month 0..11],
        NaN = blank; corrections so far, then ``edits``, applied to the months held."""
        district, institution, year = key
        if key not in self._grids:
            self._grids[key] = self.data.grid(district, institution, year)
        out = self._grids[key].copy()
        held = {m for m in months if m // 100 == year}
        for m in range(1, 13):
            if year * 100 + m not in held:
                out[:, m - 1] = np.nan
        codes = {c: r for r, c in enumerate(self.codes(institution))}
        for (code, month), value in {**self._fixed.get(key, {}), **(edits or {})}.items():
            if month in held and code in codes:
                out[codes[code], month % 100 - 1] = value
        return out

    def value(self, key: Key, code: str, month: int) -> float | None:
        """The figure a year file holds now for ``code`` and ``month`` (None: blank)."""
        row = self.codes(key[1]).index(code)
        value = self.grid(key, [month])[row, month % 100 - 1]
        return None if np.isnan(value) else float(value)

    def correct(self, key: Key, edits: Edits) -> None:
        """From now on, every upload of this year file holds these figures."""
        self._fixed.setdefault(key, {}).update(edits)

    def months_at(self, key: Key, at: datetime) -> tuple[int, ...]:
        """The months the year file held after its uploads before ``at``."""
        held: tuple[int, ...] = ()
        for s in self._uploads.get(key, []):
            if s.at < at:
                held = s.months
        return held

    # -- files --------------------------------------------------------------------------------

    def template(
        self, key: Key, months: Iterable[int], at: datetime, edits: Edits | None = None
    ) -> bytes:
        """The focal point's filled template, saved at ``at`` (the same bytes as
        :func:`~dbmis.demo.files.fill_grid` and openpyxl, see :mod:`dbmis.demo.fastbook`)."""
        district, institution, year = key
        book = self._books.get((institution, year))
        if book is None:
            wb = new_template(self.catalog, institution, year, district)
            try:
                book = FastBook(wb, len(self.codes(institution)))
            except ValueError:  # not the shape the fast path relies on: openpyxl each time
                book = new_template(self.catalog, institution, year, district)
            self._books[(institution, year)] = book
        grid = self.grid(key, months, edits)
        when = at.astimezone(UTC).replace(tzinfo=None)
        if isinstance(book, FastBook):
            return book.fill(self.catalog, district, institution, grid, when)
        fill_grid(book, self.catalog, district, institution, grid)
        return workbook_bytes(book, when)

    def desk_csv(self, items: Iterable[Instalment]) -> bytes:
        """The data desk's bulk file: every figure of each instalment, in the long format."""
        out = io.StringIO()
        out.write("district,institution,indicator,period,value\n")
        for s in items:
            district, institution, year = s.key
            grid = self.grid(s.key, s.months)
            for code, row in zip(self.codes(institution), grid, strict=True):
                for m, value in enumerate(row, start=1):
                    if not np.isnan(value):
                        out.write(
                            f"{district},{institution},{code},{year}-{m:02d},{_number(value)}\n"
                        )
        return out.getvalue().encode("utf-8")


def template_name(key: Key, suffix: str = "") -> str:
    """The file name a focal point's upload of this year file has."""
    district, institution, year = key
    name = template_filename(institution, district, year)
    return f"{name.removesuffix('.xlsx')}{suffix}.xlsx" if suffix else name


def desk_name(at: datetime) -> str:
    return f"demo-data-desk-{at:%Y-%m-%d}.csv"


__all__ = ["DemoContent", "Edits", "desk_name", "template_name"]
