"""A copy of a rejected workbook with each bad cell highlighted and explained in a comment."""

from __future__ import annotations

import io
import re
from collections import defaultdict

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from dbmis.ingest.result import Issue, Severity

ERROR_FILL = PatternFill("solid", fgColor="F4B6B6")
WARNING_FILL = PatternFill("solid", fgColor="FFE699")
_CELL = re.compile(r"^(?P<sheet>[^!]+)!(?P<ref>[A-Z]{1,3}[0-9]{1,7})$")


def annotate_workbook(data: bytes, issues: list[Issue]) -> bytes:
    """Return the workbook with every issue that names a cell marked on that cell.

    Only call this for files that passed the safety checks. Issues without a cell (for example
    a wrong template) are listed in a comment on the first cell of the first sheet.
    """
    wb = load_workbook(io.BytesIO(data))
    by_cell: dict[tuple[str, str], list[Issue]] = defaultdict(list)
    general: list[Issue] = []
    for issue in issues:
        match = _CELL.match(issue.cell or "")
        if match and match["sheet"] in wb.sheetnames:
            by_cell[(match["sheet"], match["ref"])].append(issue)
        else:
            general.append(issue)
    for (sheet, ref), found in by_cell.items():
        ws = wb[sheet]
        cell = ws[ref]
        worst = (
            Severity.error if any(i.severity is Severity.error for i in found) else Severity.warning
        )
        cell.fill = ERROR_FILL if worst is Severity.error else WARNING_FILL
        text = "\n".join(f"[{i.code}] {i.message}" for i in found)
        cell.comment = Comment(text[:2000], "DBMIS", width=320, height=120)
    if general:
        ws = wb[wb.sheetnames[0]]
        text = "\n".join(f"[{i.code}] {i.message}" for i in general)
        ws["A1"].comment = Comment(text[:2000], "DBMIS", width=360, height=160)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
