"""Annotated copies of uploaded workbooks, kept by hash so that the uploader can download them.

After an upload is checked, :func:`keep_annotated_copy` marks every issue on its cell
(:func:`~dbmis.ingest.annotate.annotate_workbook`), stores the uploaded file and the annotated
copy in the evidence store (by SHA-256, never under the client's file name) and records an
audited ``upload.annotated`` event naming the uploader, the uploaded file's hash and the copy's.
:func:`find_annotated_copy` gives the copy back to someone allowed to see it.

No copy is made of a file that failed the safety checks (it is never opened by a parser),
of a CSV, of a file without issues, or of a file for a district or institution outside the
uploader's scope (its result says so plainly, and nothing of it is kept).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from openpyxl.utils.exceptions import InvalidFileException

from dbmis.errors import NotFoundError, PermissionDeniedError
from dbmis.ingest.annotate import annotate_workbook
from dbmis.ingest.result import IngestResult
from dbmis.ingest.service import IngestEnv
from dbmis.ingest.uploader import Uploader
from dbmis.warehouse.queries.audit import append_event
from dbmis.warehouse.queries.portal import (
    ANNOTATED_ACTION,
    UPLOAD_ENTITY,
    AnnotatedCopy,
    annotated_copies,
)

OUT_OF_SCOPE_CODES = frozenset({"DISTRICT_NOT_ALLOWED", "INSTITUTION_NOT_ALLOWED"})
"""Issues that mean the file is not the uploader's to send: no copy of it is kept."""


def annotatable(data: bytes, result: IngestResult) -> bool:
    """Should an annotated copy of this checked file be made?"""
    codes = {i.code for i in result.issues}
    return (
        data[:2] == b"PK"
        and result.sha256 is not None
        and any(i.cell for i in result.issues)
        and not any(code.startswith("FILE_") for code in codes)
        and not codes & OUT_OF_SCOPE_CODES
    )


def keep_annotated_copy(
    env: IngestEnv, user: Uploader, data: bytes, result: IngestResult
) -> str | None:
    """Make, store and record the annotated copy of a checked upload.

    Returns the uploaded file's SHA-256 (the copy's handle for :func:`find_annotated_copy`),
    or None when no copy is made (see :func:`annotatable`) or the workbook cannot be annotated.
    """
    if not annotatable(data, result):
        return None
    assert result.sha256 is not None
    try:
        marked = annotate_workbook(data, result.issues)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        return None
    env.evidence.put(data)
    copy_sha = env.evidence.put(marked)
    with env.db.write() as conn:
        append_event(
            conn,
            actor=user.username,
            action=ANNOTATED_ACTION,
            entity=UPLOAD_ENTITY,
            entity_id=result.sha256,
            sha256=copy_sha,
            detail={
                "accepted": result.ok,
                "submission_id": result.submission_id,
                "errors": len(result.errors),
                "warnings": len(result.warnings),
            },
        )
    return result.sha256


@dataclass(frozen=True)
class Viewer:
    """Who asks for an annotated copy: an analyst sees every copy; anyone else only the copies
    of their own uploads, or of a submission they may see."""

    username: str
    sees_everything: bool
    may_see_submission: Callable[[int], bool]


def find_annotated_copy(env: IngestEnv, source_sha256: str, viewer: Viewer) -> bytes:
    """The newest annotated copy of the uploaded file ``source_sha256`` that ``viewer`` may see.

    NotFoundError when there is none; PermissionDeniedError when the only copies are of
    someone else's uploads that ``viewer`` may not see.
    """
    with env.db.read() as conn:
        copies = annotated_copies(conn, source_sha256)
    if not copies:
        raise NotFoundError("no annotated copy of this upload")
    for copy in copies:
        if _may_see(copy, viewer):
            return env.evidence.get(copy.annotated_sha256)
    raise PermissionDeniedError("this upload is not yours to see")


def _may_see(copy: AnnotatedCopy, viewer: Viewer) -> bool:
    if viewer.sees_everything or copy.actor == viewer.username:
        return True
    return copy.submission_id is not None and viewer.may_see_submission(copy.submission_id)
