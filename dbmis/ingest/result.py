"""The one result shape every upload gets, from the page or the CLI."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    error = "error"  # blocks the load
    warning = "warning"  # shown and kept


@dataclass(frozen=True)
class Issue:
    """One problem found in an upload, in the focal point's terms."""

    code: str
    severity: Severity
    message: str
    sheet: str | None = None
    cell: str | None = None  # e.g. "Data!F12"
    indicator: str | None = None
    period: str | None = None  # e.g. "2026-07"
    value: str | None = None  # what was in the cell, as text

    def as_dict(self) -> dict[str, Any]:
        return {k: (str(v) if isinstance(v, StrEnum) else v) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class IngestResult:
    """``{ok, submission_id, counts, issues}`` for one uploaded file."""

    ok: bool
    submission_id: int | None
    counts: dict[str, int] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    sha256: str | None = None
    duplicate: bool = False  # the same bytes were already loaded; submission_id is that one
    submission_ids: list[int] = field(default_factory=list)  # a bulk CSV may create several

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.error]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.warning]

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "submission_id": self.submission_id,
            "submission_ids": list(self.submission_ids),
            "duplicate": self.duplicate,
            "sha256": self.sha256,
            "counts": dict(self.counts),
            "issues": [i.as_dict() for i in self.issues],
        }
