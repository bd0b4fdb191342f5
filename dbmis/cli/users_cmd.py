"""``dbmis users add | list | set-password | disable | enable``: the accounts that sign in.

Passwords are asked twice without echo, or read from the first line of standard input with
``--password-stdin`` (for scripts; never on the command line, where ``ps`` and the shell history
would keep them). Every act is audited under ``cli:<operating-system user>``.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from dbmis.cli.context import CliState, fail, state
from dbmis.errors import DbmisError, WarehouseError

if TYPE_CHECKING:
    from dbmis.warehouse import Database

app = typer.Typer(
    help="Accounts that sign in to the website: add, list, set-password, disable, enable.",
    no_args_is_help=True,
)

PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin", help="Read the password from the first line of standard input."
    ),
]


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


@contextmanager
def _warehouse(cli: CliState) -> Iterator[Database]:
    """The warehouse, with typed errors reported plainly (exit 1)."""
    from sqlalchemy.exc import SQLAlchemyError

    from dbmis.warehouse import Database

    db = Database(cli.settings)
    try:
        yield db
    except DbmisError as exc:
        raise fail(exc) from exc
    except SQLAlchemyError as exc:
        error = WarehouseError(
            f"the warehouse cannot be used ({type(exc).__name__}); run `dbmis init` first"
        )
        raise fail(error) from exc
    finally:
        db.dispose()


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line.removesuffix("\n").removesuffix("\r")
    value: str = typer.prompt(
        "Password", hide_input=True, confirmation_prompt="Repeat the password"
    )
    return value


def _checked_password(from_stdin: bool, username: str) -> str:
    """The new password, checked against the policy before anything is written."""
    from dbmis.app.auth.passwords import check_policy

    password = _password(from_stdin)
    try:
        check_policy(password, username=username.strip().lower())
    except DbmisError as exc:
        raise fail(exc) from exc
    return password


@app.command("add")
def add(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Sign-in name: a-z, digits, . - _")],
    role: Annotated[str, typer.Option(help="focal_point, analyst, steering or admin.")],
    name: Annotated[str, typer.Option(help="The person's name, as the site shows it.")],
    district: Annotated[
        list[str] | None, typer.Option(help="A district code (repeat for several).")
    ] = None,
    institution: Annotated[
        list[str] | None, typer.Option(help="An institution code (repeat for several).")
    ] = None,
    email: Annotated[str | None, typer.Option(help="E-mail address.")] = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Add an account. A focal point needs the districts and institutions they report for.

    \b
    Example:
      dbmis users add focal.quetta --role focal_point --name "Quetta police focal point" \\
        --district QUETTA --institution POLICE
    """
    from dbmis.app.auth.accounts import AccountError, add_user, check_role, check_username
    from dbmis.app.auth.roles import FOCAL_POINT

    try:
        check_username(username)
        check_role(role)
        if role == FOCAL_POINT and (not district or not institution):
            raise AccountError(
                "a focal point needs at least one --district and one --institution "
                "(the ones they report for)"
            )
    except DbmisError as exc:
        raise fail(exc, exit_code=2) from exc
    password = _checked_password(password_stdin, username)
    with _warehouse(state(ctx)) as db:
        user = add_user(
            db,
            actor=_actor(),
            username=username,
            display_name=name,
            role=role,
            password=password,
            email=email,
            districts=district or (),
            institutions=institution or (),
        )
    typer.echo(f"added {user.username} ({user.role})")


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """Every account: username, role, active, districts, institutions, last sign-in."""
    from dbmis.app.auth.accounts import list_users

    with _warehouse(state(ctx)) as db:
        rows = list_users(db)
    if not rows:
        typer.echo("no users (add one with: dbmis users add USERNAME --role ROLE --name NAME)")
        return
    header = ("username", "role", "active", "districts", "institutions", "last sign-in", "name")
    lines = [header]
    for row in rows:
        user = row.user
        lines.append(
            (
                user.username,
                user.role,
                "yes" if user.active else "no",
                ",".join(sorted(row.districts)) or "-",
                ",".join(sorted(row.institutions)) or "-",
                user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "never",
                user.display_name,
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
    for line in lines:
        cells = [cell.ljust(w) for cell, w in zip(line[:-1], widths, strict=True)]
        typer.echo("  ".join([*cells, line[-1]]).rstrip())


@app.command("set-password")
def set_password(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The account.")],
    password_stdin: PasswordStdin = False,
) -> None:
    """Give an account a new password (its open sessions end: it signs in again)."""
    from dbmis.app.auth import accounts

    with _warehouse(state(ctx)) as db:
        password = _pw(db, username, password_stdin)
        accounts.set_password(db, actor=_actor(), username=username, password=password)
    typer.echo(f"new password set for {username.strip().lower()}")


def _pw(db: Database, username: str, from_stdin: bool) -> str:
    """Check that the account exists before asking for a password."""
    from dbmis.errors import NotFoundError
    from dbmis.warehouse.queries.users import get_user_by_username

    with db.read() as conn:
        if get_user_by_username(conn, username.strip().lower()) is None:
            raise NotFoundError(f"no user named {username!r}")
    return _checked_password(from_stdin, username)


def _set_active(ctx: typer.Context, username: str, active: bool) -> None:
    from dbmis.app.auth import accounts

    with _warehouse(state(ctx)) as db:
        user = accounts.set_active(db, actor=_actor(), username=username, active=active)
    typer.echo(f"{user.username} is {'enabled' if active else 'disabled'}")


@app.command("disable")
def disable(
    ctx: typer.Context, username: Annotated[str, typer.Argument(help="The account.")]
) -> None:
    """Disable an account: it cannot sign in, and its open sessions end at once."""
    _set_active(ctx, username, False)


@app.command("enable")
def enable(
    ctx: typer.Context, username: Annotated[str, typer.Argument(help="The account.")]
) -> None:
    """Enable a disabled account again."""
    _set_active(ctx, username, True)


@app.command("set-access")
def set_access(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The account.")],
    role: Annotated[
        str | None, typer.Option(help="New role: focal_point, analyst, steering or admin.")
    ] = None,
    district: Annotated[
        list[str] | None,
        typer.Option(help="A district code (repeat for several); replaces the account's list."),
    ] = None,
    institution: Annotated[
        list[str] | None,
        typer.Option(help="An institution code (repeat for several); replaces the account's list."),
    ] = None,
    clear_scopes: Annotated[
        bool,
        typer.Option(
            "--clear-scopes", help="Remove every district and institution (e.g. a new analyst)."
        ),
    ] = False,
) -> None:
    """Change an account's role, districts or institutions. What is not given is kept. The
    account's open sessions end, so the change applies from its next sign-in; the audit log
    records before and after.

    \b
    Examples:
      dbmis users set-access focal.quetta --district QUETTA --district PISHIN
      dbmis users set-access sana --role analyst --clear-scopes
    """
    from dbmis.app.auth import accounts

    if clear_scopes and (district or institution):
        raise fail(
            accounts.AccountError("give --clear-scopes or --district/--institution, not both"),
            exit_code=2,
        )
    if role is None and not district and not institution and not clear_scopes:
        raise fail(
            accounts.AccountError("nothing to change: give --role, --district, --institution"),
            exit_code=2,
        )
    districts: list[str] | None = [] if clear_scopes else district
    institutions: list[str] | None = [] if clear_scopes else institution
    with _warehouse(state(ctx)) as db:
        user = accounts.set_access(
            db,
            actor=_actor(),
            username=username,
            role=role,
            districts=districts,
            institutions=institutions,
        )
        scopes = {r.user.username: r for r in accounts.list_users(db)}[user.username]
    typer.echo(
        f"{user.username}: {user.role}; districts "
        f"{','.join(sorted(scopes.districts)) or '-'}; institutions "
        f"{','.join(sorted(scopes.institutions)) or '-'} (open sessions ended)"
    )
