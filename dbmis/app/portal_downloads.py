"""The focal point portal's downloads (Flask routes, for focal points and analysts):

- ``GET /portal/template.xlsx?year=YYYY&district=CODE&institution=CODE``: the institution's
  return template, pre-filled and locked for the district and year. A focal point's district
  and institution come from their account: when they have one of each, nothing needs to be
  given; when they have several, they choose among their own; anything else is refused (403).
  The year defaults to the current reporting year (the year of last month).
- ``GET /portal/annotated/<sha256>.xlsx``: the annotated copy of an uploaded workbook, for the
  account that uploaded it (or an analyst, or a focal point who may see the submission it
  became). Files are found by hash and served under a name made here, never the client's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask import Blueprint, Response, abort, request

from dbmis.app.auth import ANALYST, UPLOADERS, Account
from dbmis.app.auth.guards import require_roles, signed_in_account
from dbmis.app.context import AppState, app_state
from dbmis.app.portal_service import ingest_env
from dbmis.catalog import Catalog
from dbmis.errors import NotFoundError, PermissionDeniedError
from dbmis.ingest.annotated import Viewer, find_annotated_copy
from dbmis.ingest.templates import template_bytes, template_filename
from dbmis.kpis.exports import XLSX_MEDIA_TYPE
from dbmis.periods import add_months
from dbmis.warehouse.queries.portal import submission_codes

FIRST_YEAR = 2000
YEARS_OFFERED = 4
_SHA256 = re.compile(r"[0-9a-f]{64}")


def reporting_year(today: date) -> int:
    """The year a return is due for now: the year of last month (January reports December)."""
    return add_months(today.year * 100 + today.month, -1) // 100


def year_choices(today: date) -> list[int]:
    """The years offered on the page, the current reporting year first."""
    first = reporting_year(today)
    return [y for y in range(first, first - YEARS_OFFERED, -1) if y >= FIRST_YEAR]


class TemplateRefused(Exception):
    """A template request that cannot be served: ``status`` 400 or 403, and why."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class TemplateChoice:
    district: str
    institution: str
    year: int

    @property
    def filename(self) -> str:
        return template_filename(self.institution, self.district, self.year)


def choosable(account: Account, catalog: Catalog) -> tuple[list[str], list[str]]:
    """The district and institution codes ``account`` may download templates for (catalog
    order): their own for a focal point, all for an analyst, none for anyone else."""
    districts = [d.code for d in catalog.districts]
    institutions = [i.code for i in catalog.institutions]
    if account.role == ANALYST:
        return districts, institutions
    if account.role not in UPLOADERS:
        return [], []
    return (
        [c for c in districts if c in account.districts],
        [c for c in institutions if c in account.institutions],
    )


def _pick(given: str | None, allowed: list[str], what: str, account: Account) -> str:
    if given:
        if given not in allowed:
            if account.role == ANALYST:
                raise TemplateRefused(400, f"unknown {what} {given!r}")
            raise TemplateRefused(403, f"your account does not report for {what} {given!r}")
        return given
    if len(allowed) == 1:
        return allowed[0]
    if not allowed:
        raise TemplateRefused(403, f"your account does not report for any {what}")
    raise TemplateRefused(400, f"choose a {what}")


def template_choice(
    account: Account,
    catalog: Catalog,
    *,
    district: str | None,
    institution: str | None,
    year: str | None,
    today: date,
) -> TemplateChoice:
    """Which template ``account`` asks for; :class:`TemplateRefused` if they may not have it."""
    districts, institutions = choosable(account, catalog)
    if not districts or not institutions:
        raise TemplateRefused(403, "your account does not report for any district and institution")
    chosen_district = _pick((district or "").strip() or None, districts, "district", account)
    chosen_institution = _pick(
        (institution or "").strip() or None, institutions, "institution", account
    )
    latest = reporting_year(today)
    text = (year or "").strip()
    if not text:
        chosen_year = latest
    elif text.isdigit() and len(text) == 4 and FIRST_YEAR <= int(text) <= latest:
        chosen_year = int(text)
    else:
        raise TemplateRefused(400, f"the year must be between {FIRST_YEAR} and {latest}")
    return TemplateChoice(chosen_district, chosen_institution, chosen_year)


def annotated_viewer(state: AppState, account: Account) -> Viewer:
    """Who asks for an annotated copy, with the account's own scope check for submissions."""

    def may_see_submission(submission_id: int) -> bool:
        with state.db.read() as conn:
            codes = submission_codes(conn, submission_id)
        return codes is not None and account.may_see_submission(*codes)

    return Viewer(
        username=account.username,
        sees_everything=account.role == ANALYST,
        may_see_submission=may_see_submission,
    )


def _attachment(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype=XLSX_MEDIA_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def make_blueprint() -> Blueprint:
    """A new ``/portal`` downloads blueprint (one per app)."""
    bp = Blueprint("portal_downloads", __name__, url_prefix="/portal")

    @bp.get("/template.xlsx")
    @require_roles(UPLOADERS)
    def template() -> Response:
        state = app_state()
        account = signed_in_account()
        try:
            choice = template_choice(
                account,
                state.catalog,
                district=request.args.get("district"),
                institution=request.args.get("institution"),
                year=request.args.get("year"),
                today=date.today(),
            )
        except TemplateRefused as exc:
            abort(exc.status, description=exc.reason)
        body = template_bytes(
            state.catalog, choice.institution, year=choice.year, district=choice.district
        )
        return _attachment(body, choice.filename)

    @bp.get("/annotated/<sha256>.xlsx")
    @require_roles(UPLOADERS)
    def annotated(sha256: str) -> Response:
        if not _SHA256.fullmatch(sha256):
            abort(404)
        state = app_state()
        account = signed_in_account()
        try:
            body = find_annotated_copy(ingest_env(state), sha256, annotated_viewer(state, account))
        except PermissionDeniedError:
            abort(403)
        except NotFoundError:
            abort(404)
        return _attachment(body, f"dbmis-checked-{sha256[:12]}.xlsx")

    return bp
