"""Safety checks that run on uploaded files before any parser touches them.

``inspect_xlsx(data, limits)`` returns :class:`WorkbookFacts` or raises :class:`UploadRejected`
listing every problem found (:class:`SafetyProblem` with a stable ``FILE_...`` code, a plain
message and the part or cell concerned); ``inspect_csv(data, limits)`` does the same for CSV
files. :data:`CODES` documents every code for people.
"""

from dbmis.ingest.safety.codes import CODES, CodeDoc
from dbmis.ingest.safety.csvfile import inspect_csv
from dbmis.ingest.safety.errors import SafetyProblem, UploadRejected
from dbmis.ingest.safety.facts import SheetFacts, WorkbookFacts
from dbmis.ingest.safety.limits import Limits
from dbmis.ingest.safety.xlsx import inspect_xlsx

__all__ = [
    "CODES",
    "CodeDoc",
    "Limits",
    "SafetyProblem",
    "SheetFacts",
    "UploadRejected",
    "WorkbookFacts",
    "inspect_csv",
    "inspect_xlsx",
]
