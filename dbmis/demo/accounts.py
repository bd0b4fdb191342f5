"""Demo accounts: one per role, with published passwords, made by ``dbmis demo`` in demo mode
only (``DBMIS_MODE=demo``; see :func:`dbmis.app.auth.demo_accounts.create_demo_accounts`).
Never use them on a real site: anyone who has read the README can sign in with them.

The focal point reports for Quetta district and the police (or, with another catalog, its
first district and institution).
"""

from __future__ import annotations

from dataclasses import dataclass

from dbmis.catalog import Catalog


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    name: str
    password: str
    scoped: bool = False
    """a focal point: reports for one district and one institution"""


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("focal.quetta", "focal_point", "Quetta police focal point (demo)",
                "demo focal point 2026", scoped=True),
    DemoAccount("analyst", "analyst", "Delivery Unit analyst (demo)", "demo delivery unit 2026"),
    DemoAccount("steering", "steering", "Steering Committee member (demo)", "demo committee 2026"),
    DemoAccount("admin", "admin", "Administrator (demo)", "demo user manager 2026"),
)  # fmt: skip
"""The demo accounts and their passwords (listed in the README: demo only)."""

DEMO_DISTRICT = "QUETTA"
DEMO_INSTITUTION = "POLICE"


def demo_scope(catalog: Catalog) -> tuple[str, str]:
    """(district, institution) of the demo focal point in this catalog."""
    districts = [d.code for d in catalog.districts]
    institutions = [i.code for i in catalog.institutions]
    district = DEMO_DISTRICT if DEMO_DISTRICT in districts else districts[0]
    institution = DEMO_INSTITUTION if DEMO_INSTITUTION in institutions else institutions[0]
    return district, institution
