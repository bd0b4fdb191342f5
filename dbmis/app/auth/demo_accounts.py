"""Create the demo accounts (:data:`dbmis.demo.accounts.DEMO_ACCOUNTS`) in demo mode only."""

from __future__ import annotations

from dbmis.app.auth.accounts import add_user
from dbmis.catalog import Catalog
from dbmis.demo.accounts import DEMO_ACCOUNTS, DemoAccount, demo_scope
from dbmis.settings import Mode
from dbmis.warehouse import Database
from dbmis.warehouse.queries.audit import SYSTEM
from dbmis.warehouse.queries.users import get_user_by_username


def create_demo_accounts(db: Database, catalog: Catalog, mode: Mode) -> list[DemoAccount]:
    """Create the demo accounts that do not exist yet (demo mode only); returns those made.

    Outside demo mode nothing is created: published passwords have no place on a real site.
    """
    if mode is not Mode.demo:
        return []
    made = []
    district, institution = demo_scope(catalog)
    for account in DEMO_ACCOUNTS:
        with db.read() as conn:
            if get_user_by_username(conn, account.username) is not None:
                continue
        add_user(
            db,
            actor=SYSTEM,
            username=account.username,
            display_name=account.name,
            role=account.role,
            password=account.password,
            districts=(district,) if account.scoped else (),
            institutions=(institution,) if account.scoped else (),
        )
        made.append(account)
    return made
