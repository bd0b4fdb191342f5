"""The exception raised when an uploaded file fails the safety checks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dbmis.errors import DbmisError
from dbmis.ingest.safety.codes import CODES, default_message


@dataclass(frozen=True)
class SafetyProblem:
    """One reason to refuse a file.

    ``code`` is a stable ``FILE_...`` code documented in :data:`codes.CODES`; ``message`` is
    plain language for the person who uploaded the file; ``part`` names the internal part
    (``xl/worksheets/sheet1.xml``) or, for formulas, the cell (``Data!F12``), when there is one.
    """

    code: str
    message: str
    part: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "part": self.part}


def problem(code: str, message: str | None = None, part: str | None = None) -> SafetyProblem:
    """Build a problem, defaulting the message from the code's documentation."""
    if code not in CODES:  # a programming error, never user input
        raise KeyError(f"undocumented safety code {code!r}")
    return SafetyProblem(code, message or default_message(code), part)


class UploadRejected(DbmisError):
    """The uploaded file was refused before any parser read it.

    ``problems`` lists every problem found (at least one). ``code`` is the first problem's
    code, so a caller that shows a single reason shows the most fundamental one.
    """

    code = "FILE_REJECTED"

    def __init__(self, problems: Iterable[SafetyProblem]) -> None:
        self.problems: list[SafetyProblem] = list(problems)
        if not self.problems:
            raise ValueError("UploadRejected needs at least one problem")
        first = self.problems[0]
        message = first.message
        if len(self.problems) > 1:
            message += f" (and {len(self.problems) - 1} more problem(s))"
        super().__init__(message, code=first.code)

    @property
    def codes(self) -> list[str]:
        """The distinct problem codes, in the order first found."""
        return list(dict.fromkeys(p.code for p in self.problems))
