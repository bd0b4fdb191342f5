"""The stable problem codes of the upload safety checks, documented for people.

``CODES`` maps each code to a :class:`CodeDoc` (title, explanation, what to do), written for a
district focal point rather than a programmer, so that user documentation and help pages can be
generated from it (see :func:`as_markdown`). A code never changes meaning once released; new
codes may be added.

A :class:`~dbmis.ingest.safety.errors.SafetyProblem` usually carries a more specific message
(naming the sheet or cell); the explanation here is the general case.
"""

from __future__ import annotations

from typing import NamedTuple


class CodeDoc(NamedTuple):
    title: str
    explanation: str
    action: str


_RESAVE = "Open it in Excel (or LibreOffice), save it as Excel Workbook (.xlsx), and upload again."
_FRESH = "Download a fresh template, copy your figures into it, and upload that file."

CODES: dict[str, CodeDoc] = {
    "FILE_EMPTY": CodeDoc(
        "Empty file",
        "The file you uploaded is empty (it has no content).",
        "Check that you chose the right file and that it was saved, then upload again.",
    ),
    "FILE_TOO_LARGE": CodeDoc(
        "File too large",
        "The file is larger than the system accepts.",
        "Upload only the template for one institution and one year. Delete extra sheets, "
        "pictures and unused rows, save, and upload again.",
    ),
    "FILE_OLE2_ENCRYPTED_OR_XLS": CodeDoc(
        "Password-protected or old-format Excel file",
        "The file is either protected with a password to open, or saved in the old "
        "Excel 97-2003 format (.xls). The system cannot read either.",
        "Remove the password (File > Info > Protect Workbook > Encrypt with Password, clear it) "
        "or save the file as Excel Workbook (.xlsx), then upload again.",
    ),
    "FILE_NOT_ZIP": CodeDoc(
        "Not an Excel workbook",
        "The file is not an Excel workbook (.xlsx), even if its name ends in .xlsx. It may be "
        "a CSV, a web page, a PDF or another kind of file that was renamed.",
        _RESAVE,
    ),
    "FILE_TRUNCATED_ZIP": CodeDoc(
        "Incomplete file",
        "The file is incomplete or damaged: the end of the file is missing. This happens when "
        "an upload or a download was interrupted, or a copy from a USB stick failed.",
        "Open the file on your computer to check it, save it again as .xlsx, and upload again.",
    ),
    "FILE_CORRUPT_ZIP": CodeDoc(
        "Damaged file",
        "The file is damaged: some of its contents cannot be read back exactly as they were saved.",
        _RESAVE,
    ),
    "FILE_TOO_MANY_ENTRIES": CodeDoc(
        "Too many internal parts",
        "The workbook is made of far more internal parts than a data template needs.",
        _FRESH,
    ),
    "FILE_BAD_ENTRY_NAME": CodeDoc(
        "Unsafe internal names",
        "The file contains parts with names that a spreadsheet program never writes (for "
        "example names that point outside the file). Such files are refused for safety.",
        _FRESH,
    ),
    "FILE_DUPLICATE_ENTRY": CodeDoc(
        "Duplicate internal parts",
        "The file contains the same internal part twice, so different programs could read "
        "different data from it. Such files are refused for safety.",
        _FRESH,
    ),
    "FILE_ZIP_BOMB": CodeDoc(
        "Suspicious compression",
        "The file's contents expand to a size far larger than normal for a workbook of this "
        "size. Such files are refused for safety.",
        _FRESH,
    ),
    "FILE_UNCOMPRESSED_TOO_LARGE": CodeDoc(
        "Contents too large",
        "The contents of the workbook are too large once unpacked.",
        "Delete extra sheets, pictures and unused rows, save, and upload again.",
    ),
    "FILE_PART_TOO_LARGE": CodeDoc(
        "A part of the workbook is too large",
        "One sheet or part of the workbook is too large once unpacked.",
        "Delete extra rows, columns and pictures, save, and upload again.",
    ),
    "FILE_NOT_WORKBOOK": CodeDoc(
        "Not a normal Excel workbook",
        "The file is an Office or OpenDocument file, but not a normal Excel workbook (for "
        "example a Word document, an Excel template, a binary workbook or an .ods file).",
        _RESAVE,
    ),
    "FILE_WORKBOOK_DAMAGED": CodeDoc(
        "Damaged workbook",
        "The workbook's internal structure is inconsistent: it lists a sheet or part that is "
        "missing, or has no sheets.",
        _RESAVE,
    ),
    "FILE_MACROS": CodeDoc(
        "Macros",
        "This file contains macros (VBA, Excel 4.0 macro sheets or custom ribbon code). Files "
        "with macros are refused for safety.",
        "Save it as a normal Excel workbook (.xlsx) and upload again.",
    ),
    "FILE_EXTERNAL_LINKS": CodeDoc(
        "Links to other files",
        "This file links to other workbooks, files or web addresses.",
        "In Excel use Data > Edit Links > Break Link, save, and upload again.",
    ),
    "FILE_DATA_CONNECTIONS": CodeDoc(
        "Data connections",
        "This file has data connections or queries that fetch data from other files, "
        "databases or the web.",
        "Remove them (Data > Queries & Connections), save, and upload again.",
    ),
    "FILE_EMBEDDED_OBJECTS": CodeDoc(
        "Embedded objects or controls",
        "This file contains embedded objects or controls (for example another document, a "
        "button or an ActiveX control).",
        "Delete them, save, and upload again.",
    ),
    "FILE_XML_DOCTYPE": CodeDoc(
        "Hidden instructions",
        "This file contains hidden instructions (XML declarations) that a normal Excel "
        "workbook never has. Such files are refused for safety.",
        _FRESH,
    ),
    "FILE_XML_MALFORMED": CodeDoc(
        "Damaged contents",
        "Part of this file is damaged and cannot be read.",
        _RESAVE,
    ),
    "FILE_SHEET_TOO_LARGE": CodeDoc(
        "Sheet too large",
        "A sheet uses far more rows or columns than the template has (or claims to).",
        "Delete the extra rows and columns (or copy your figures into a fresh template), save, "
        "and upload again.",
    ),
    "FILE_SHARED_STRINGS_TOO_LARGE": CodeDoc(
        "Too much text",
        "The workbook contains far more text than a data template needs.",
        "Delete extra sheets and text you added, or copy your figures into a fresh template, "
        "and upload again.",
    ),
    "FILE_FORMULA": CodeDoc(
        "Formula in a value cell",
        "A cell where a figure is expected contains a formula. Only typed numbers are accepted, "
        "so that the figure you see is the figure that is stored.",
        "Type the number itself (or copy the cells and use Paste Special > Values), save, and "
        "upload again.",
    ),
    "FILE_NOT_UTF8": CodeDoc(
        "CSV not saved as UTF-8",
        "The CSV file is not saved in the UTF-8 text encoding.",
        "In Excel choose File > Save As > 'CSV UTF-8 (Comma delimited)'; in LibreOffice choose "
        "'Text CSV' with character set 'Unicode (UTF-8)'. Then upload again.",
    ),
    "FILE_CSV_MALFORMED": CodeDoc(
        "Not a text CSV file",
        "The file is not a plain-text CSV file (it contains binary data, or it is another kind "
        "of file renamed to .csv).",
        "Save the data as 'CSV UTF-8 (Comma delimited)' and upload again.",
    ),
    "FILE_CSV_TOO_MANY_LINES": CodeDoc(
        "CSV too long",
        "The CSV file has more lines than the system accepts in one upload.",
        "Split the file into smaller files (for example one per year) and upload each.",
    ),
    "FILE_CSV_LINE_TOO_LONG": CodeDoc(
        "CSV line too long",
        "A line of the CSV file is far longer than a data row can be. The file may use an "
        "unusual line ending or contain a very long text.",
        "Save the data as 'CSV UTF-8 (Comma delimited)' from Excel or LibreOffice and upload "
        "again.",
    ),
}


def default_message(code: str) -> str:
    """The general message for ``code``: explanation followed by what to do."""
    doc = CODES[code]
    return f"{doc.explanation} {doc.action}"


def as_markdown() -> str:
    """A Markdown table of every code, for the user guide."""
    lines = ["| code | problem | what it means | what to do |", "|---|---|---|---|"]
    for code, doc in CODES.items():
        cells = (code, doc.title, doc.explanation, doc.action)
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"
