"""Read uploaded files into tidy rows that keep their cell address.

- :func:`read_workbook`: a filled template (.xlsx), with python-calamine;
- :func:`read_csv`: the long CSV bulk format;
- :func:`read_long_workbook`: the same long format in a workbook (None if it is not one).

Each returns a :class:`ReadOutcome`; :func:`dbmis.ingest.validate.validate_upload` checks it.
"""

from dbmis.ingest.read.csvfile import read_csv
from dbmis.ingest.read.longbook import read_long_workbook
from dbmis.ingest.read.outcome import (
    CELL_COLUMNS,
    Header,
    LongLayout,
    ReadOutcome,
    TemplateMeta,
    cell_position,
    csv_cell,
)
from dbmis.ingest.read.workbook import read_workbook

__all__ = [
    "CELL_COLUMNS",
    "Header",
    "LongLayout",
    "ReadOutcome",
    "TemplateMeta",
    "cell_position",
    "csv_cell",
    "read_csv",
    "read_long_workbook",
    "read_workbook",
]
