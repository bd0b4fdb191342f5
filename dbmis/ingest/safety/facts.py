"""What the safety inspection learned about a workbook that passed (or would have passed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Visibility = Literal["visible", "hidden", "veryHidden"]
SheetKind = Literal["worksheet", "chartsheet"]


@dataclass(frozen=True)
class SheetFacts:
    """One sheet, as listed in ``xl/workbook.xml``, in workbook order."""

    name: str
    #: the sheet's part inside the zip, e.g. ``xl/worksheets/sheet1.xml``
    part: str
    visibility: Visibility
    kind: SheetKind = "worksheet"
    #: the ``<dimension ref>`` the file declares (may be absent or wrong), e.g. ``A1:N45``
    dimension: str | None = None
    #: ``<row>`` elements present
    rows: int = 0
    #: highest row and column numbers of the cells present (0 when the sheet is empty)
    max_row: int = 0
    max_col: int = 0
    #: addresses of cells holding a formula (``F12``), in file order, at most
    #: ``Limits.max_formula_cells_listed`` of them
    formula_cells: tuple[str, ...] = ()
    #: formula cells counted (may exceed ``len(formula_cells)``)
    formula_count: int = 0


@dataclass(frozen=True)
class WorkbookFacts:
    sheets: tuple[SheetFacts, ...]
    #: ``Application`` from ``docProps/app.xml`` (``Microsoft Excel``, ``LibreOffice/...``);
    #: openpyxl writes ``Microsoft Excel Compatible / Openpyxl 3.1.5``
    application: str | None
    app_version: str | None
    #: zip entries and the total decompressed size actually counted
    entries: int
    uncompressed_bytes: int

    @property
    def sheet_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.sheets)

    @property
    def formula_cells(self) -> dict[str, tuple[str, ...]]:
        """Sheet name -> formula cell addresses, for sheets that have any."""
        return {s.name: s.formula_cells for s in self.sheets if s.formula_count}

    @property
    def dimensions(self) -> dict[str, str | None]:
        return {s.name: s.dimension for s in self.sheets}

    def sheet(self, name: str) -> SheetFacts:
        for s in self.sheets:
            if s.name == name:
                return s
        raise KeyError(name)
