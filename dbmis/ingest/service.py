"""``ingest()``: the one entry point for every upload, from the web page or the CLI.

safety checks -> read -> validate (all problems in one pass) -> load in one transaction.
A file with any error writes nothing but an audit event. Many files can be checked together
(:func:`ingest_many`) so that the validation engine's fixed cost is paid once.

Every upload is recorded as received now, unless the caller says when it was received
(``submitted_at``, timezone-aware): the demo's simulated history and a backfill of files
received earlier use it. It stamps the new submissions' ``uploaded_at`` and the audit events of
the upload; it is never taken from a request or from the file itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from dbmis.catalog import Catalog
from dbmis.ingest.evidence import EvidenceStore, sha256_of
from dbmis.ingest.load import FileInfo, load_outcome
from dbmis.ingest.read import ReadOutcome, read_csv, read_long_workbook, read_workbook
from dbmis.ingest.result import IngestResult, Issue, Severity
from dbmis.ingest.safety import Limits, UploadRejected, inspect_csv, inspect_xlsx
from dbmis.ingest.uploader import Uploader
from dbmis.ingest.validate import validate_many
from dbmis.periods import add_months, month_key
from dbmis.warehouse import Database
from dbmis.warehouse.queries.approved import approved_values
from dbmis.warehouse.queries.audit import append_event

HISTORY_MONTHS = 36


@dataclass(frozen=True)
class IngestEnv:
    """What ingest needs besides the file: the warehouse, the catalog and the evidence store."""

    db: Database
    catalog: Catalog
    evidence: EvidenceStore
    limits: Limits = field(default_factory=Limits)
    is_demo: bool = False


@dataclass(frozen=True)
class Upload:
    data: bytes
    filename: str = "upload.xlsx"  # shown to people and used to tell CSV from xlsx; never a path
    submitted_at: datetime | None = None
    """when the file was received (timezone-aware); None: now (see the module doc)"""


@dataclass
class _Prepared:
    upload: Upload
    sha256: str
    kind: str
    outcome: ReadOutcome | None = None
    rejected: list[Issue] | None = None
    today: date | None = None
    """the day of the upload: blank cells of months not over yet are not yet due"""


def ingest(
    data: bytes,
    user: Uploader,
    env: IngestEnv,
    *,
    filename: str = "upload.xlsx",
    dry_run: bool = False,
    today: date | None = None,
    expected_institution: str | None = None,
    submitted_at: datetime | None = None,
) -> IngestResult:
    """Check and load one uploaded file; returns ``{ok, submission_id, counts, issues}``.

    ``submitted_at`` (timezone-aware) records when the file was received; by default now.
    """
    return ingest_many(
        [Upload(data, filename, submitted_at)],
        user,
        env,
        dry_run=dry_run,
        today=today,
        expected_institution=expected_institution,
    )[0]


def ingest_many(
    uploads: Sequence[Upload],
    user: Uploader,
    env: IngestEnv,
    *,
    dry_run: bool = False,
    today: date | None = None,
    expected_institution: str | None = None,
) -> list[IngestResult]:
    """Check many files in one validation run, then load each accepted file on its own.

    Each :class:`Upload` may say when it was received (``submitted_at``); ValueError for a
    time without a time zone, before anything is checked or written.
    """
    for u in uploads:
        if u.submitted_at is not None and u.submitted_at.utcoffset() is None:
            raise ValueError(f"submitted_at of {u.filename!r} must be timezone-aware")
    day = today or date.today()
    prepared = [_prepare(u, env) for u in uploads]
    for p in prepared:
        p.today = day
    readable = [p for p in prepared if p.outcome is not None]
    history = _history(env, [p.outcome for p in readable if p.outcome is not None])
    issue_lists = (
        validate_many(
            [p.outcome for p in readable if p.outcome is not None],
            env.catalog,
            today=day,
            allowed_districts=user.districts,
            allowed_institutions=user.institutions,
            expected_institution=expected_institution,
            history=history,
        )
        if readable
        else []
    )
    found = {id(p): issues for p, issues in zip(readable, issue_lists, strict=True)}
    results = []
    for p in prepared:
        issues = p.rejected if p.rejected is not None else found[id(p)]
        if any(i.severity is Severity.error for i in issues):
            results.append(_reject(p, issues, user, env, dry_run))
        elif dry_run:
            results.append(
                IngestResult(
                    ok=True,
                    submission_id=None,
                    counts=_counts(p, issues),
                    issues=issues,
                    sha256=p.sha256,
                )
            )
        else:
            results.append(_load(p, issues, user, env))
    return results


def _kind(upload: Upload) -> str:
    """CSV when the name says so; everything else goes through the workbook checks, which
    explain what a file really is (a renamed CSV, an .xls, an .ods, ...)."""
    return "csv" if upload.filename.lower().endswith((".csv", ".txt")) else "xlsx"


def _prepare(upload: Upload, env: IngestEnv) -> _Prepared:
    p = _Prepared(upload=upload, sha256=sha256_of(upload.data), kind=_kind(upload))
    try:
        if p.kind == "csv":
            inspect_csv(upload.data, env.limits)
            p.outcome = read_csv(upload.data, env.catalog)
        else:
            # formulas are listed, not refused here: validation reports each one as VALUE_FORMULA
            # together with every other problem of the file, in one pass
            facts = inspect_xlsx(upload.data, env.limits, value_sheets=())
            # a long workbook (no _meta sheet; row 1 of its first sheet names the long
            # columns) is read like the long CSV; anything else as a filled template
            p.outcome = read_long_workbook(
                upload.data,
                env.catalog,
                formula_cells=facts.formula_cells,
                sheet_names_hint=facts.sheet_names,
            ) or read_workbook(
                upload.data,
                env.catalog,
                formula_cells=facts.formula_cells,
                sheet_names_hint=facts.sheet_names,
            )
    except UploadRejected as exc:
        p.rejected = [
            Issue(
                code=prob.code,
                severity=Severity.error,
                message=prob.message,
                cell=prob.part if prob.part and "!" in prob.part else None,
            )
            for prob in exc.problems
        ]
    return p


def _history(env: IngestEnv, outcomes: list[ReadOutcome]) -> pd.DataFrame | None:
    """Approved values before the files' months, for the outlier check (one query)."""
    districts: set[str] = set()
    institutions: set[str] = set()
    months: list[int] = []
    for o in outcomes:
        if o.is_long and len(o.cells):
            districts |= set(o.cells["district"].astype(str).unique())
            institutions |= set(o.cells["institution"].astype(str).unique())
        elif o.district and o.institution:
            districts.add(o.district)
            institutions.add(o.institution)
        if len(o.cells):
            numbers = o.cells["month"][o.cells["month"] > 10000]
            if len(numbers):
                months += [int(numbers.min()), int(numbers.max())]
    if not districts or not institutions or not months:
        return None
    with env.db.read() as conn:
        return approved_values(
            conn,
            districts=districts,
            institutions=institutions,
            first_month=add_months(min(months), -HISTORY_MONTHS),
            last_month=max(months),
        )


def _counts(p: _Prepared, issues: list[Issue]) -> dict[str, int]:
    cells = p.outcome.cells if p.outcome is not None else None
    numbers = int((cells["kind"] == "number").sum()) if cells is not None and len(cells) else 0
    blank = p.outcome.blank_cells() if p.outcome is not None else None
    not_due = 0
    if blank is not None and len(blank) and p.today is not None:
        # a month is due once it is over; bare month numbers (no year known) count as due
        current = month_key(p.today.year, p.today.month)
        not_due = int((blank["month"].astype(int) >= current).sum())
    return {
        "values": numbers,
        "not_reported": (len(blank) if blank is not None else 0) - not_due,
        "not_due": not_due,
        "errors": sum(1 for i in issues if i.severity is Severity.error),
        "warnings": sum(1 for i in issues if i.severity is Severity.warning),
    }


def _report(p: _Prepared, issues: list[Issue]) -> dict[str, object]:
    report: dict[str, object] = {
        "counts": _counts(p, issues),
        "issues": [i.as_dict() for i in issues[:500]],
    }
    meta = p.outcome.meta if p.outcome is not None else None
    if meta is not None:  # a filled template: which template and version (for reviewers)
        report["template"] = {"code": meta.template, "version": meta.version}
    return report


def _reject(
    p: _Prepared, issues: list[Issue], user: Uploader, env: IngestEnv, dry_run: bool
) -> IngestResult:
    counts = _counts(p, issues)
    if not dry_run:
        codes: dict[str, int] = {}
        for i in issues:
            codes[i.code] = codes.get(i.code, 0) + 1
        with env.db.write() as conn:
            append_event(
                conn,
                actor=user.username,
                action="upload.rejected",
                entity="upload",
                sha256=p.sha256,
                detail={"filename": p.upload.filename, "size": len(p.upload.data), "codes": codes},
                at=p.upload.submitted_at,
            )
    return IngestResult(ok=False, submission_id=None, counts=counts, issues=issues, sha256=p.sha256)


def _load(p: _Prepared, issues: list[Issue], user: Uploader, env: IngestEnv) -> IngestResult:
    assert p.outcome is not None
    env.evidence.put(p.upload.data)
    info = FileInfo(
        sha256=p.sha256,
        filename=p.upload.filename[-200:],
        size_bytes=len(p.upload.data),
        source_kind=p.kind,
        uploaded_by=user.user_id,
        actor=user.username,
        is_demo=env.is_demo,
        uploaded_at=p.upload.submitted_at,
    )
    with env.db.write() as conn:
        loaded = load_outcome(conn, p.outcome, info, _report(p, issues), issues)
    counts = {**_counts(p, issues), "submissions": len(loaded.submission_ids)}
    return IngestResult(
        ok=True,
        submission_id=loaded.submission_ids[0] if loaded.submission_ids else None,
        counts=counts,
        issues=issues,
        sha256=p.sha256,
        duplicate=loaded.duplicate,
        submission_ids=loaded.submission_ids,
    )
