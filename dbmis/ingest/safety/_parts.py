"""Streaming handlers for the OOXML parts the inspection reads.

Element names are matched on their local name, whatever the namespace, so that a part written
in an unexpected namespace is still examined (spreadsheet readers such as calamine match local
names too).
"""

from __future__ import annotations

import re

from dbmis.ingest.safety._xml import (
    Budget,
    Handler,
    XmlMalformed,
    XmlTooLarge,
    local_name,
    namespace,
)
from dbmis.ingest.safety.limits import Limits

_REF = re.compile(r"([A-Za-z]{1,3})([1-9][0-9]{0,6})")
_COLUMNS: dict[str, int] = {}


def column_index(letters: str) -> int | None:
    """``"F"`` -> 6; None unless one to three ASCII letters."""
    col = _COLUMNS.get(letters)
    if col is None:
        if not (1 <= len(letters) <= 3 and letters.isascii() and letters.isalpha()):
            return None
        col = 0
        for ch in letters.upper():
            col = col * 26 + ord(ch) - 64
        if letters.isupper():
            _COLUMNS[letters] = col  # at most 26**3 keys
    return col


def split_ref(ref: str) -> tuple[int, int] | None:
    """``"F12"`` -> ``(6, 12)`` (column, row), or None if it is not a cell reference.

    ``$`` signs are ignored; columns are one to three letters, rows one to seven digits.
    """
    if "$" in ref:
        ref = ref.replace("$", "")
    found = _REF.fullmatch(ref)
    if found is None:
        return None
    letters, digits = found.groups()
    col = _COLUMNS.get(letters)
    if col is None:
        col = column_index(letters)
        assert col is not None  # one to three ASCII letters
    return col, int(digits)


def column_letters(col: int) -> str:
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def address(col: int, row: int) -> str:
    return f"{column_letters(col)}{row}"


def _attr_local(attrs: dict[str, str], local: str, *, namespaced: bool) -> str | None:
    """The value of the attribute with this local name (namespaced or not)."""
    if not namespaced:
        return attrs.get(local)
    for key, value in attrs.items():
        if "}" in key and local_name(key) == local:
            return value
    return None


class ContentTypes(Handler):
    """``[Content_Types].xml``: ``Default`` (by extension) and ``Override`` (by part)."""

    def __init__(self, limits: Limits, budget: Budget) -> None:
        super().__init__(limits, budget)
        self.root: str | None = None
        self.defaults: dict[str, str] = {}
        self.overrides: dict[str, str] = {}

    def on_start(self, local: str, name: str, attrs: dict[str, str]) -> None:
        if self.depth == 1:
            self.root = local
        elif self.depth == 2 and local == "Default":
            ext = attrs.get("Extension", "").lower()
            self.defaults.setdefault(ext, attrs.get("ContentType", "").strip().lower())
        elif self.depth == 2 and local == "Override":
            part = attrs.get("PartName", "").lstrip("/").lower()
            self.overrides.setdefault(part, attrs.get("ContentType", "").strip().lower())

    def content_type(self, part: str) -> str | None:
        key = part.lower()
        if key in self.overrides:
            return self.overrides[key]
        ext = key.rpartition("/")[2].rpartition(".")[2] if "." in key else ""
        return self.defaults.get(ext)


class Relationship:
    __slots__ = ("external", "id", "target", "type")

    def __init__(self, rid: str, rtype: str, target: str, external: bool) -> None:
        self.id = rid
        self.type = rtype
        self.target = target
        self.external = external


class Relationships(Handler):
    """A ``.rels`` part."""

    def __init__(self, limits: Limits, budget: Budget) -> None:
        super().__init__(limits, budget)
        self.rels: list[Relationship] = []

    def on_start(self, local: str, name: str, attrs: dict[str, str]) -> None:
        if self.depth == 2 and local == "Relationship":
            mode = attrs.get("TargetMode", "Internal").strip().lower()
            self.rels.append(
                Relationship(
                    attrs.get("Id", ""),
                    attrs.get("Type", "").strip(),
                    attrs.get("Target", "").strip(),
                    mode == "external",
                )
            )


class SheetEntry:
    __slots__ = ("name", "rid", "state")

    def __init__(self, name: str | None, state: str | None, rid: str | None) -> None:
        self.name = name
        self.state = state
        self.rid = rid


class Workbook(Handler):
    """``xl/workbook.xml``: root namespace and the ``<sheet>`` list in order."""

    def __init__(self, limits: Limits, budget: Budget) -> None:
        super().__init__(limits, budget)
        self.root: str | None = None
        self.root_namespace = ""
        self.sheets: list[SheetEntry] = []
        self._max_sheets = limits.max_entries

    def on_start(self, local: str, name: str, attrs: dict[str, str]) -> None:
        if self.depth == 1:
            self.root = local
            self.root_namespace = namespace(name)
        elif self.depth == 3 and local == "sheet":
            self.sheets.append(
                SheetEntry(
                    attrs.get("name"),
                    attrs.get("state"),
                    _attr_local(attrs, "id", namespaced=True),
                )
            )
            if len(self.sheets) > self._max_sheets:
                raise XmlMalformed("too many sheets")


class AppProperties(Handler):
    """``docProps/app.xml``: ``Application`` and ``AppVersion``."""

    wants_text = True
    _WANTED = ("Application", "AppVersion")
    _MAX_TEXT = 200

    def __init__(self, limits: Limits, budget: Budget) -> None:
        super().__init__(limits, budget)
        self.values: dict[str, str] = {}
        self._current: str | None = None

    def on_start(self, local: str, name: str, attrs: dict[str, str]) -> None:
        self._current = local if self.depth == 2 and local in self._WANTED else None

    def on_end(self, name: str) -> None:
        self._current = None

    def text(self, data: str) -> None:
        if self._current is not None:
            value = self.values.get(self._current, "") + data
            self.values[self._current] = value[: self._MAX_TEXT]


class SheetTooLarge(Exception):
    """A worksheet is beyond the row or column limits (message is for people)."""


class Worksheet(Handler):
    """A worksheet part: dimension, rows and columns present, and formula cells.

    Every ``<c>`` element counts, wherever it is; ``<f>`` counts as a formula when it is a
    direct child of a ``<c>``. Cells without ``r`` take the next column; rows without ``r``
    the next row. Raises :class:`SheetTooLarge` as soon as a limit is passed.

    This is the hot path (one call per element), so there is no end-tag bookkeeping beyond the
    depth: open cells are kept on a small stack and closed when a later tag starts at or above
    their depth.
    """

    def __init__(self, limits: Limits, budget: Budget, sheet: str) -> None:
        super().__init__(limits, budget)
        self.sheet = sheet
        self.dimension: str | None = None
        self.rows = 0
        self.max_row = 0
        self.max_col = 0
        self.formula_cells: list[str] = []
        self.formula_count = 0
        self._limits = limits
        self._row = 0
        self._col = 0
        self._cells_in_row = 0
        # open <c> elements: [depth, column, row, has formula]
        self._open: list[list[int]] = []

    def start(self, name: str, attrs: dict[str, str]) -> None:
        # Handler.enter, inlined (one call per element: ~300,000 for a 20,000-row sheet)
        depth = self.depth = self.depth + 1
        if depth > self._max_depth:
            raise XmlMalformed("nested too deeply")
        budget = self.budget
        budget.elements -= 1
        if budget.elements < 0:
            raise XmlTooLarge
        kinds = self.kinds
        local = kinds.get(name)
        if local is None:
            local = self.new_name(name)
        for key in attrs:
            if key not in kinds:
                self.new_name(key)
        cells = self._open
        while cells and cells[-1][0] >= depth:
            cells.pop()
        if local == "c":
            self._start_cell(attrs)
        elif local == "f":
            if cells and cells[-1][0] == depth - 1:
                self._formula(cells[-1])
        elif local == "row":
            self._start_row(attrs)
        elif local == "dimension" and self.dimension is None:
            self.dimension = attrs.get("ref", "")[:64]

    def end(self, name: str) -> None:
        self.depth -= 1

    def _too_large(self, what: str) -> SheetTooLarge:
        return SheetTooLarge(
            f"Sheet '{self.sheet}' {what}, far more than the template has. Delete the extra "
            "rows and columns (or copy your figures into a fresh template), save, and upload "
            "again."
        )

    def _start_row(self, attrs: dict[str, str]) -> None:
        limits = self._limits
        self.rows += 1
        if self.rows > limits.max_rows:
            raise self._too_large(f"has more than {limits.max_rows:,} rows")
        r = attrs.get("r")
        if r is None:
            row = self._row + 1
        elif r.isascii() and r.isdigit() and len(r) <= 7 and int(r) >= 1:
            row = int(r)
        else:
            raise XmlMalformed(f"bad row number {r[:20]!r}")
        self._row = row
        self._col = 0
        self._cells_in_row = 0
        if row > limits.max_rows:
            raise self._too_large(f"uses row {row:,}")

    def _start_cell(self, attrs: dict[str, str]) -> None:
        limits = self._limits
        r = attrs.get("r")
        if r is None:
            col, row = self._col + 1, max(self._row, 1)
        else:
            ref = split_ref(r)
            if ref is None:
                raise XmlMalformed(f"bad cell reference {r[:20]!r}")
            col, row = ref
        self._col = col
        budget = self.budget
        budget.cells -= 1
        if budget.cells < 0:
            raise self._too_large(
                f"and the other sheets hold more than {limits.max_cells:,} cells together"
            )
        self._cells_in_row += 1
        if self._cells_in_row > limits.max_cols:
            raise self._too_large(f"has more than {limits.max_cols:,} cells in one row")
        if col > self.max_col:
            self.max_col = col
            if col > limits.max_cols:
                raise self._too_large(f"uses column {column_letters(col)}")
        if row > self.max_row:
            self.max_row = row
            if row > limits.max_rows:
                raise self._too_large(f"uses row {row:,}")
        self._open.append([self.depth, col, row, 0])

    def _formula(self, cell: list[int]) -> None:
        if cell[3]:
            return
        cell[3] = 1
        self.formula_count += 1
        if len(self.formula_cells) < self._limits.max_formula_cells_listed:
            self.formula_cells.append(address(cell[1], cell[2]))

    def dimension_problem(self) -> tuple[str, str] | None:
        """(code, message) when the declared dimension is unreadable or too large, else None.

        Besides ``A1`` and ``A1:D6``, whole rows (``1:49``, written by older LibreOffice) and
        whole columns (``A:D``) are accepted.
        """
        if not self.dimension:
            return None
        ends = self.dimension.split(":")
        cols: list[int] = []
        rows: list[int] = []
        for end in ends:
            end = end.replace("$", "")
            if end.isascii() and end.isdigit() and 1 <= len(end) <= 7 and int(end) >= 1:
                rows.append(int(end))
            elif (col := column_index(end)) is not None:
                cols.append(col)
            else:
                ref = split_ref(end)
                if ref is None:
                    cols = rows = []
                    break
                cols.append(ref[0])
                rows.append(ref[1])
        if len(ends) > 2 or not (cols or rows):
            return (
                "FILE_XML_MALFORMED",
                f"Sheet '{self.sheet}' is damaged (its size is recorded wrongly). Open the file "
                "in Excel, save it as Excel Workbook (.xlsx), and upload again.",
            )
        last_col = max(cols, default=1)
        last_row = max(rows, default=1)
        if last_col > self._limits.max_cols or last_row > self._limits.max_rows:
            return (
                "FILE_SHEET_TOO_LARGE",
                f"Sheet '{self.sheet}' claims to use cells up to {address(last_col, last_row)}, "
                "far more than the template has. Delete the extra rows and columns (or copy "
                "your figures into a fresh template), save, and upload again.",
            )
        return None
