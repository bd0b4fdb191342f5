"""Limits applied to uploaded files before any parser reads them."""

from __future__ import annotations

from dataclasses import dataclass, fields

KiB = 1024
MiB = 1024 * KiB


@dataclass(frozen=True)
class Limits:
    """Upper bounds for one uploaded file; the defaults suit district templates.

    Byte sizes are counted on the data actually decompressed, never on sizes the file declares.
    """

    #: size of the uploaded .xlsx file itself
    max_file_bytes: int = 10 * MiB
    #: entries (internal parts) in the zip container
    max_entries: int = 200
    #: sum of all parts once decompressed
    max_total_uncompressed: int = 100 * MiB
    #: any one part once decompressed
    max_part_uncompressed: int = 50 * MiB
    #: decompressed / compressed size, per part and for the whole file
    max_ratio: int = 100
    #: the ratio is only judged once a part (or the whole file) has produced this many bytes,
    #: so that small, very regular parts (styles, empty sheets) are not mistaken for bombs
    ratio_min_bytes: int = 1 * MiB
    #: xl/sharedStrings.xml once decompressed (its ratio is low, so the ratio check misses it)
    max_shared_strings_bytes: int = 5 * MiB
    #: rows per sheet: rows present, highest row number used, and the declared dimension
    max_rows: int = 25_000
    #: columns per sheet: highest column used (also cells in one row) and the dimension
    max_cols: int = 200
    #: cells (``<c>`` elements) in all worksheets together
    max_cells: int = 1_000_000
    #: XML elements in all parts together (bounds parsing time whatever the parts contain)
    max_xml_elements: int = 3_000_000
    #: longest stretch of an XML part without a ``<`` (bounds the tags, attribute values and
    #: text the XML parser has to hold at once; a cell holds at most 32,767 characters)
    max_xml_token_bytes: int = 1 * MiB
    #: nesting depth of any XML part
    max_xml_depth: int = 64
    #: distinct element and attribute names in one XML part (XML parsers cache every name)
    max_xml_names: int = 1_000
    #: formula cell addresses kept per sheet in WorkbookFacts (the count is always exact)
    max_formula_cells_listed: int = 10_000
    #: FILE_FORMULA problems raised (one more problem summarises the rest)
    max_formula_problems: int = 500
    #: size of an uploaded CSV file
    max_csv_bytes: int = 200 * MiB
    #: lines in a CSV file
    max_csv_lines: int = 5_000_000
    #: bytes in one CSV line
    max_csv_line_bytes: int = 64 * KiB

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"Limits.{f.name} must be a positive integer, got {value!r}")
