"""The portal's work as plain functions: what its callbacks call.

:func:`check_upload` decodes what ``dcc.Upload`` sent (a base64 data URL, bounded by
``settings.max_upload_bytes`` before and after decoding), builds the :class:`Uploader` from the
signed-in account's record (its districts and institutions: never from the request or the file),
runs :func:`dbmis.ingest.service.ingest` and keeps an annotated copy of a workbook with issues
(:mod:`dbmis.ingest.annotated`). The caller renders the :class:`UploadOutcome`.

:func:`my_submissions` reads the submissions an account may see: a focal point's own districts
x institutions only (the filters chosen on the page can only narrow that), an analyst's any.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.exc import SQLAlchemyError

from dbmis.app.auth import ANALYST, UPLOADERS, Account
from dbmis.app.context import AppState
from dbmis.errors import DbmisError, NotFoundError, PermissionDeniedError
from dbmis.ingest.annotated import keep_annotated_copy
from dbmis.ingest.evidence import EvidenceStore
from dbmis.ingest.result import IngestResult
from dbmis.ingest.safety import Limits
from dbmis.ingest.service import IngestEnv, ingest
from dbmis.ingest.uploader import uploader_for
from dbmis.settings import Mode
from dbmis.warehouse.queries.portal import (
    KeyHistory,
    RejectedUpload,
    key_histories,
    rejected_uploads,
    submission_codes,
)
from dbmis.warehouse.queries.submissions import get_submission
from dbmis.warehouse.schema import SUBMISSION_STATUSES

log = logging.getLogger(__name__)

_DATA_URL = re.compile(r"data:[^,;]{0,200}(;[^,;]{0,100})*;base64,")
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f]")


class UploadInputError(ValueError):
    """What the browser sent is not a file we can check; ``key`` names the message."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class UploadOutcome:
    """What the page shows after an upload: the check's result, or a message instead."""

    filename: str = ""
    result: IngestResult | None = None
    message_key: str | None = None
    """a problem before the file could be checked (``portal.error.*``)"""
    message_values: dict[str, str] = field(default_factory=dict)
    revision: int | None = None
    key: tuple[str, str, int] | None = None
    """(district, institution, year) of the submission the upload made or found"""
    annotated: str | None = None
    """the uploaded file's SHA-256 when an annotated copy was kept for it"""


def size_text(n: int) -> str:
    """A byte count as people say it: ``10 MB``, ``512 KB``."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.3g} MB"
    return f"{max(n // 1024, 1)} KB"


def safe_filename(name: object) -> str:
    """The last part of a client's file name, without control characters, at most 200
    characters: shown to people and used to tell a CSV from a workbook, never as a path."""
    text = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = _UNSAFE_NAME.sub("", text).strip()
    return text[-200:] or "upload.xlsx"


def decode_contents(contents: object, max_bytes: int) -> bytes:
    """The bytes of a ``dcc.Upload`` data URL, refusing anything over ``max_bytes``
    (checked on the base64 text before decoding, then on the bytes)."""
    if not isinstance(contents, str):
        raise UploadInputError("portal.error.unreadable")
    head = _DATA_URL.match(contents[:512])
    if head is None:
        raise UploadInputError("portal.error.unreadable")
    body = contents[head.end() :]
    if len(body) > (max_bytes + 2) // 3 * 4 + 4:
        raise UploadInputError("portal.error.too_large")
    try:
        data = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise UploadInputError("portal.error.unreadable") from exc
    if len(data) > max_bytes:
        raise UploadInputError("portal.error.too_large")
    if not data:
        raise UploadInputError("portal.error.unreadable")
    return data


def ingest_env(state: AppState) -> IngestEnv:
    settings = state.settings
    return IngestEnv(
        db=state.db,
        catalog=state.catalog,
        evidence=EvidenceStore(settings.resolved_evidence_dir),
        limits=Limits(max_file_bytes=settings.max_upload_bytes),
        is_demo=settings.mode is Mode.demo,
    )


def check_upload(
    state: AppState,
    account: Account | None,
    contents: object,
    filename: object,
    *,
    today: date | None = None,
) -> UploadOutcome:
    """Check (and load, if it passes) one file uploaded by ``account``."""
    name = safe_filename(filename)
    max_bytes = state.settings.max_upload_bytes
    if account is None or account.role not in UPLOADERS:
        return UploadOutcome(name, message_key="portal.error.no_account")
    try:
        data = decode_contents(contents, max_bytes)
    except UploadInputError as exc:
        return UploadOutcome(
            name, message_key=exc.key, message_values={"size": size_text(max_bytes)}
        )
    env = ingest_env(state)
    try:
        with state.db.read() as conn:
            uploader = uploader_for(conn, account.username)
        result = ingest(data, uploader, env, filename=name, today=today)
        annotated = keep_annotated_copy(env, uploader, data, result)
        revision, key = None, None
        if result.ok and result.submission_id is not None:
            with state.db.read() as conn:
                sub = get_submission(conn, result.submission_id)
                codes = submission_codes(conn, sub.id)
            revision = sub.revision
            key = (codes[0], codes[1], sub.year) if codes else None
    except (NotFoundError, PermissionDeniedError):
        return UploadOutcome(name, message_key="portal.error.no_account")
    except (DbmisError, SQLAlchemyError, OSError) as exc:
        log.warning("upload by %s could not be checked: %s", account.username, exc)
        return UploadOutcome(name, message_key="portal.error.unavailable")
    return UploadOutcome(name, result=result, revision=revision, key=key, annotated=annotated)


KEYS_SHOWN = 25
REJECTED_SHOWN = 10


@dataclass(frozen=True)
class Filters:
    """What the page's filters ask for (None: any). Values come from the request: they only
    narrow what the account may see."""

    district: str | None = None
    institution: str | None = None
    status: str | None = None
    year: int | None = None

    @classmethod
    def parse(cls, district: object, institution: object, status: object, year: object) -> Filters:
        def text(value: object) -> str | None:
            return value.strip() if isinstance(value, str) and value.strip() else None

        status_text = text(status)
        year_value = year if isinstance(year, int) and not isinstance(year, bool) else None
        if year_value is None and text(year) and str(year).strip().isdigit():
            year_value = int(str(year).strip())
        return cls(
            district=text(district),
            institution=text(institution),
            status=status_text if status_text in SUBMISSION_STATUSES else None,
            year=year_value,
        )


def _narrow(own: frozenset[str] | None, chosen: str | None) -> frozenset[str] | None:
    if chosen is None:
        return own
    if own is None or chosen in own:
        return frozenset({chosen})
    return frozenset()


def my_submissions(
    state: AppState, account: Account | None, filters: Filters = Filters()
) -> tuple[list[KeyHistory], list[RejectedUpload]]:
    """The submissions (with their history) and the rejected uploads ``account`` may see.

    A focal point: the keys of their own districts x institutions and their own rejected
    uploads. An analyst: every key and everyone's rejected uploads. Anyone else: nothing.
    """
    if account is None or account.role not in UPLOADERS:
        return [], []
    analyst = account.role == ANALYST
    districts = _narrow(None if analyst else account.districts, filters.district)
    institutions = _narrow(None if analyst else account.institutions, filters.institution)
    with state.db.read() as conn:
        keys = key_histories(
            conn,
            districts=districts,
            institutions=institutions,
            year=filters.year,
            status=filters.status,
            limit=KEYS_SHOWN,
        )
        # a rejected file's district is not known for sure: an analyst's place filters hide them
        show_rejected = filters.status in (None, "rejected") and not (
            analyst and (filters.district or filters.institution)
        )
        rejected = (
            rejected_uploads(
                conn, actor=None if analyst else account.username, limit=REJECTED_SHOWN
            )
            if show_rejected
            else []
        )
    return keys, rejected
