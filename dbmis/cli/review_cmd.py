"""``dbmis approve | return | unapprove | submissions``: review uploaded submissions.

The acting reviewer is ``--as USER`` (an active analyst or admin account) or, without it,
``cli:<operating-system user>``, an operator of the Delivery Unit at the shell. Every act is
audited under that name.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from dbmis.cli.context import CliState, fail, state
from dbmis.errors import DbmisError

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from dbmis.ingest.workflow import Reviewer
    from dbmis.warehouse import Database
    from dbmis.warehouse.queries.submissions import Submission

AsUser = Annotated[
    str | None,
    typer.Option(
        "--as", help="Act as this DBMIS user (an analyst or admin); default cli:<your login>."
    ),
]


# --- shared by the routine commands (review, publish, stocktake) -------------------------------


@contextmanager
def reported_errors() -> Iterator[None]:
    """Typed errors and bad input end the command with a plain message (exit 1 or 2)."""
    try:
        yield
    except DbmisError as exc:
        raise fail(exc) from exc
    except ValueError as exc:
        typer.secho(f"error [INVALID_INPUT]: {exc}", err=True, fg=typer.colors.RED)
        raise typer.Exit(code=2) from exc


@contextmanager
def warehouse(cli: CliState) -> Iterator[Database]:
    """The warehouse of the settings, disposed of at the end."""
    from dbmis.warehouse import Database

    db = Database(cli.settings)
    try:
        yield db
    finally:
        db.dispose()


def acting(db: Database, as_user: str | None) -> Reviewer:
    """``--as USER`` (must be an active analyst or admin), else ``cli:<os user>``."""
    from dbmis.ingest.workflow import Reviewer, reviewer_for

    if as_user:
        with db.read() as conn:
            return reviewer_for(conn, as_user)
    return Reviewer(username=f"cli:{getpass.getuser()}")


def parse_month(text: str) -> int:
    """``2026-09`` -> 202609; ValueError otherwise."""
    from dbmis.periods import PeriodType, parse_period

    period = parse_period(text)
    if period.type is not PeriodType.month:
        raise ValueError(f"{text!r} is not a month: write it as 2026-09")
    return period.first


# --- output ----------------------------------------------------------------------------------


def _codes(conn: Connection) -> tuple[dict[int, str], dict[int, str]]:
    from dbmis.warehouse.queries.dimensions import district_ids, institution_ids

    return (
        {v: k for k, v in district_ids(conn).items()},
        {v: k for k, v in institution_ids(conn).items()},
    )


def _line(sub: Submission, districts: dict[int, str], institutions: dict[int, str]) -> str:
    return (
        f"submission {sub.id}: {districts[sub.district_id]} {institutions[sub.institution_id]} "
        f"{sub.year} revision {sub.revision} (file {sub.sha256[:12]})"
    )


def _show(db: Database, word: str, subs: list[Submission], colour: str) -> None:
    with db.read() as conn:
        districts, institutions = _codes(conn)
    for sub in subs:
        typer.secho(f"{word:<10}{_line(sub, districts, institutions)}", fg=colour)
        if sub.review_reason and word != "APPROVED":
            typer.echo(f"          reason: {sub.review_reason}")


def register(app: typer.Typer) -> None:
    @app.command("approve")
    def approve_cmd(
        ctx: typer.Context,
        ids: Annotated[
            list[int] | None, typer.Argument(help="Submission ids (see dbmis submissions).")
        ] = None,
        all_pending: Annotated[
            bool,
            typer.Option("--all-pending", help="Approve every revision waiting for review."),
        ] = False,
        as_user: AsUser = None,
    ) -> None:
        """Approve submission revisions, all or none (a refused one refuses the lot).

        Only the revision you name is approved, and only while it is the current one: if the
        focal point has uploaded a newer revision meanwhile, review that one instead.
        """
        from dbmis.ingest.workflow import approve, pending_ids

        cli = state(ctx)
        with reported_errors(), warehouse(cli) as db:
            wanted = list(ids or [])
            if all_pending:
                wanted += pending_ids(db)
            if not wanted:
                typer.echo("nothing to approve: name submission ids or use --all-pending")
                return
            who = acting(db, as_user)
            done = approve(db, wanted, reviewer=who.username, reviewer_id=who.user_id)
            _show(db, "APPROVED", done, typer.colors.GREEN)
        typer.echo(f"{len(done)} approved by {who.username}")

    @app.command("return")
    def return_cmd(
        ctx: typer.Context,
        submission_id: Annotated[int, typer.Argument(help="The submission id.")],
        reason: Annotated[
            str, typer.Option("--reason", help="What the focal point must check or correct.")
        ],
        as_user: AsUser = None,
    ) -> None:
        """Return a revision waiting for review to the focal point, with a reason."""
        from dbmis.ingest.workflow import return_submission

        cli = state(ctx)
        with reported_errors(), warehouse(cli) as db:
            who = acting(db, as_user)
            sub = return_submission(
                db, submission_id, reason=reason, reviewer=who.username, reviewer_id=who.user_id
            )
            _show(db, "RETURNED", [sub], typer.colors.YELLOW)

    @app.command("unapprove")
    def unapprove_cmd(
        ctx: typer.Context,
        submission_id: Annotated[int, typer.Argument(help="The submission id.")],
        reason: Annotated[str, typer.Option("--reason", help="Why the approval is withdrawn.")],
        as_user: AsUser = None,
    ) -> None:
        """Withdraw the approval of approved data (a separate, audited act).

        The key's data falls back to its previous approved revision, if any. Public figures
        change only at the next release.
        """
        from dbmis.ingest.workflow import unapprove

        cli = state(ctx)
        with reported_errors(), warehouse(cli) as db:
            who = acting(db, as_user)
            sub = unapprove(
                db, submission_id, reason=reason, reviewer=who.username, reviewer_id=who.user_id
            )
            _show(db, "UNAPPROVED", [sub], typer.colors.YELLOW)

    @app.command("submissions")
    def submissions_cmd(
        ctx: typer.Context,
        status: Annotated[
            str | None,
            typer.Option(help="submitted, approved, returned, superseded or rejected."),
        ] = None,
        district: Annotated[str | None, typer.Option(help="District code.")] = None,
        institution: Annotated[str | None, typer.Option(help="Institution code.")] = None,
        year: Annotated[int | None, typer.Option(help="Reporting year.")] = None,
        limit: Annotated[int, typer.Option(help="At most this many rows.")] = 200,
    ) -> None:
        """List submissions, newest upload first; * marks the current revision."""
        from dbmis.warehouse.queries.submissions import list_submissions
        from dbmis.warehouse.schema import SUBMISSION_STATUSES

        cli = state(ctx)
        with reported_errors(), warehouse(cli) as db:
            if status is not None and status not in SUBMISSION_STATUSES:
                raise ValueError(f"status must be one of {', '.join(SUBMISSION_STATUSES)}")
            with db.read() as conn:
                districts, institutions = _codes(conn)
                d_ids = _ids_of(districts, district, "district")
                i_ids = _ids_of(institutions, institution, "institution")
                subs = list_submissions(
                    conn,
                    district_ids=d_ids,
                    institution_ids=i_ids,
                    year=year,
                    statuses=[status] if status else None,
                    limit=limit,
                )
        if not subs:
            typer.echo("no submissions match")
            return
        typer.echo(
            f"{'id':>6}  {'district':<17}{'institution':<14}{'year':<6}{'rev':>3}  "
            f"{'status':<12}{'uploaded (UTC)':<18}{'values':>7}{'warn':>6}  note"
        )
        for s in subs:
            counts = s.counts or {}
            mark = "*" if s.is_current else " "
            typer.echo(
                f"{s.id:>6}  {districts[s.district_id]:<17}{institutions[s.institution_id]:<14}"
                f"{s.year:<6}{s.revision:>3}{mark} {s.status:<12}"
                f"{s.uploaded_at:%Y-%m-%d %H:%M}  {counts.get('values', 0):>7}"
                f"{counts.get('warnings', 0):>6}  {(s.review_reason or '')[:60]}"
            )
        typer.echo(
            f"{len(subs)} submission(s)" + (f" (first {limit})" if len(subs) == limit else "")
        )


def _ids_of(by_id: dict[int, str], code: str | None, what: str) -> list[int] | None:
    from dbmis.errors import NotFoundError

    if code is None:
        return None
    ids = [i for i, c in by_id.items() if c == code.upper() or c == code]
    if not ids:
        raise NotFoundError(f"no {what} {code!r}")
    return ids
