"""The stable issue codes of reading and validating an upload, documented for people.

``CODES`` maps each code to a :class:`CodeInfo`: its severity (``error`` blocks the load,
``warning`` is shown and kept), a short title, what it means and how to fix it, written for a
district focal point. User documentation can be generated from it (:func:`as_markdown`). A code
never changes meaning once released; new codes may be added.

The upload safety checks (zip bombs, macros, encrypted files, ...) have their own ``FILE_*``
codes in :mod:`dbmis.ingest.safety.codes`; none of them is repeated here.

Each :class:`~dbmis.ingest.result.Issue` carries a specific message that says where and what,
e.g. ``Data!F12 (Convictions, Mar 2026): 'n/a' is not a number. Leave the cell blank if the
figure was not reported.`` Cells are written ``Sheet!A1`` for workbooks (templates and long
workbooks) and ``CSV!line 12`` for CSV files (line 1 is the header line).
"""

from __future__ import annotations

from dataclasses import dataclass

from dbmis.ingest.result import Issue, Severity

E, W = Severity.error, Severity.warning

_NEW_TEMPLATE = (
    "Download a new template from DBMIS, copy your figures into it (Paste Special > Values) and "
    "upload that file."
)
_RESTORE = (
    "Undo the change, or download a fresh template and copy your figures into it (Paste "
    "Special > Values)."
)


@dataclass(frozen=True)
class CodeInfo:
    severity: Severity
    title: str
    explanation: str
    fix: str


CODES: dict[str, CodeInfo] = {
    # --- the file as a whole -----------------------------------------------------------------
    "WORKBOOK_UNREADABLE": CodeInfo(
        E,
        "Workbook cannot be read",
        "The file passed the safety checks but its sheets could not be read.",
        "Open the file in Excel or LibreOffice, save it as Excel Workbook (.xlsx) and upload "
        "again.",
    ),
    "TEMPLATE_UNKNOWN": CodeInfo(
        E,
        "Not a DBMIS template",
        "The workbook is not a DBMIS monthly return template (its hidden _meta sheet is missing "
        "or does not name a DBMIS template).",
        "Download your institution's template from DBMIS, fill it and upload that file.",
    ),
    "TEMPLATE_VERSION": CodeInfo(
        E,
        "Older or newer template version",
        "The template was made by another version of DBMIS, whose layout differs.",
        _NEW_TEMPLATE,
    ),
    "TEMPLATE_OUTDATED": CodeInfo(
        E,
        "Template out of date",
        "The indicators of your institution (or the list of districts) changed after this "
        "template was downloaded.",
        _NEW_TEMPLATE,
    ),
    "TEMPLATE_WRONG_INSTITUTION": CodeInfo(
        E,
        "Template of another institution",
        "The file is the return of another institution than the one you are uploading for.",
        "Choose the right institution, or download your institution's template.",
    ),
    "SHEET_MISSING": CodeInfo(
        E,
        "Sheet missing or renamed",
        "The Data sheet or the hidden _meta sheet is missing, or was renamed.",
        _RESTORE,
    ),
    "SHEET_HIDDEN_DATA": CodeInfo(
        E,
        "Data sheet hidden",
        "The Data sheet is hidden, so the figures read are not the ones you can see.",
        "Unhide the Data sheet (right-click a sheet tab > Unhide), check its figures, save and "
        "upload again.",
    ),
    "STRUCTURE_ROWS_CHANGED": CodeInfo(
        E,
        "Indicator rows changed",
        "The indicator codes in column A of the Data sheet were changed, moved, deleted or "
        "duplicated, so figures cannot be matched to indicators with certainty.",
        _RESTORE,
    ),
    "STRUCTURE_MERGED_CELLS": CodeInfo(
        E,
        "Merged cells",
        "Cells where figures go were merged, so one figure covers several indicators or months.",
        "Select the merged cells, choose Unmerge (Merge & Center > Unmerge Cells), type one "
        "figure per cell and upload again.",
    ),
    "STRUCTURE_VALUE_OUTSIDE_GRID": CodeInfo(
        E,
        "Value outside the figure cells",
        "Something was typed outside the indicator rows and month columns (for example a total "
        "or a note). It is not read, and it may be a figure typed in the wrong place.",
        "Move figures into the right indicator row and month column, delete anything else, "
        "save and upload again.",
    ),
    "DATA_EMPTY": CodeInfo(
        E,
        "No figures",
        "The file does not contain any figure.",
        "Check that you uploaded the filled file, not the empty template.",
    ),
    # --- district and year -------------------------------------------------------------------
    "DISTRICT_MISSING": CodeInfo(
        E,
        "District missing",
        "The district is not given (Data!C2 is empty, or a CSV line has no district).",
        "Choose your district in cell C2 from the list (CSV: write the district code).",
    ),
    "DISTRICT_UNKNOWN": CodeInfo(
        E,
        "Unknown district",
        "The district is not one of the province's districts.",
        "Choose the district from the list in cell C2 (CSV: use the district code from the "
        "DBMIS district list).",
    ),
    "DISTRICT_NOT_ALLOWED": CodeInfo(
        E,
        "District not yours",
        "The district is not one of the districts your account may report for.",
        "Upload returns only for your own district(s); ask the Delivery Unit if your account "
        "should cover this district.",
    ),
    "INSTITUTION_NOT_ALLOWED": CodeInfo(
        E,
        "Institution not yours",
        "The figures are for an institution your account does not report for.",
        "Upload the template of your own institution; ask the Delivery Unit if your account "
        "should cover this institution.",
    ),
    "DISTRICT_OUTSIDE_TEMPLATE": CodeInfo(
        E,
        "District differs from the template",
        "The district in Data!C2 differs from the district the template was made for.",
        "Download the template for the right district and copy your figures into it.",
    ),
    "YEAR_MISSING": CodeInfo(
        E,
        "Year missing",
        "The reporting year (Data!C3) is empty.",
        "Type the four-digit year, e.g. 2026, in cell C3.",
    ),
    "YEAR_INVALID": CodeInfo(
        E,
        "Year not valid",
        "The reporting year (Data!C3) is not a four-digit year between 2000 and 2100.",
        "Type the four-digit year, e.g. 2026, in cell C3.",
    ),
    "YEAR_OUTSIDE_TEMPLATE": CodeInfo(
        E,
        "Year differs from the template",
        "The reporting year in Data!C3 differs from the year the template was made for.",
        "Download the template for the right year and copy your figures into it.",
    ),
    "PERIOD_IN_FUTURE": CodeInfo(
        E,
        "Figure for a month not yet over",
        "A figure was given for a month that has not ended yet.",
        "Leave the cells of months that have not ended blank; report them after the month ends.",
    ),
    # --- values --------------------------------------------------------------------------------
    "VALUE_NOT_NUMBER": CodeInfo(
        E,
        "Not a number",
        "A figure cell holds text, a date or TRUE/FALSE instead of a number.",
        "Type the number only (no words, units or thousands separators). Leave the cell blank "
        "if the figure was not reported.",
    ),
    "VALUE_NOT_WHOLE": CodeInfo(
        E,
        "Not a whole number",
        "This indicator counts things, so it must be a whole number.",
        "Type the whole number, without decimals.",
    ),
    "VALUE_BELOW_MIN": CodeInfo(
        E,
        "Value too small",
        "The figure is below the smallest value allowed for this indicator (for example a "
        "negative count).",
        "Check the figure and type the right one.",
    ),
    "VALUE_ABOVE_MAX": CodeInfo(
        E,
        "Value too large",
        "The figure is above the largest value allowed for this indicator (for example a "
        "percentage above 100).",
        "Check the figure and type the right one.",
    ),
    "VALUE_FORMULA": CodeInfo(
        E,
        "Formula instead of a figure",
        "A cell of the Data sheet holds a formula. Only typed figures are accepted, so that the "
        "figure you see is the figure that is stored.",
        "Type the number itself (or copy the cells and use Paste Special > Values).",
    ),
    "DUPLICATE_VALUE": CodeInfo(
        E,
        "Same figure given twice",
        "The file gives a figure for the same district, indicator and month more than once.",
        "Keep one line per district, indicator and month.",
    ),
    "RULE_ERROR": CodeInfo(
        E,
        "Figures contradict each other",
        "Figures of the same month break a rule that must always hold (for example convictions "
        "cannot exceed cases decided).",
        "Check both figures against your registers and correct the wrong one.",
    ),
    "RULE_WARNING": CodeInfo(
        W,
        "Unusual combination of figures",
        "Figures of the same month break a rule that usually holds. The file is accepted.",
        "Check both figures; if they are right, nothing needs to be done.",
    ),
    "OUTLIER": CodeInfo(
        W,
        "Unusual figure",
        "The figure is far from this district's own figures for the indicator in past months "
        "(more standard deviations from their average than the Roadmap allows). The file is "
        "accepted.",
        "Check the figure against your register; if it is right, nothing needs to be done.",
    ),
    # --- the long format (a CSV, or a long workbook) ------------------------------------------
    "CSV_HEADER": CodeInfo(
        E,
        "CSV columns wrong",
        "The first line of the CSV (row 1 of a long workbook) must name the columns district, "
        "institution, indicator, period and value; a column is missing or unknown.",
        "Make the first line: district,institution,indicator,period,value (in any order).",
    ),
    "CSV_LINE_INVALID": CodeInfo(
        E,
        "CSV line cannot be read",
        "A line of the CSV has more fields than the header, or a quote is not closed; or a row "
        "of a long workbook has a value right of the named columns.",
        "Put each value in its own column, quote values that contain commas, and save again.",
    ),
    "CSV_INSTITUTION_UNKNOWN": CodeInfo(
        E,
        "Unknown institution",
        "The institution code is not one of the Roadmap's institutions.",
        "Use an institution code from the DBMIS catalog, e.g. PROSECUTION.",
    ),
    "CSV_INDICATOR_UNKNOWN": CodeInfo(
        E,
        "Unknown indicator",
        "The indicator code is not one of the Roadmap's indicators.",
        "Use an indicator code from the DBMIS catalog.",
    ),
    "CSV_INDICATOR_INSTITUTION": CodeInfo(
        E,
        "Indicator of another institution",
        "The indicator does not belong to the institution given on the same line.",
        "Correct the institution or the indicator code.",
    ),
    "CSV_PERIOD_INVALID": CodeInfo(
        E,
        "Period not valid",
        "The period must be a month written YYYY-MM, e.g. 2026-07.",
        "Write the month as YYYY-MM.",
    ),
}

#: issues of one code listed per file before the rest are summarised in one more issue
MAX_ISSUES_PER_CODE = 1000


def make_issue(
    code: str,
    message: str,
    *,
    sheet: str | None = None,
    cell: str | None = None,
    indicator: str | None = None,
    period: str | None = None,
    value: str | None = None,
) -> Issue:
    """An :class:`Issue` of a documented code, with the code's severity."""
    info = CODES[code]  # KeyError: an undocumented code is a programming error
    if sheet is None and cell and "!" in cell:
        sheet = cell.split("!", 1)[0]
    return Issue(code, info.severity, message, sheet, cell, indicator, period, value)


def as_markdown() -> str:
    """A Markdown table of every code, for the user guide."""
    lines = [
        "| code | severity | problem | what it means | what to do |",
        "|---|---|---|---|---|",
    ]
    for code, info in CODES.items():
        cells = (code, str(info.severity), info.title, info.explanation, info.fix)
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"
