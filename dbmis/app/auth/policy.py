"""Deny by default: which roles may call each Dash callback.

Every page module that registers callbacks declares ``CALLBACK_ROLES``: a mapping from the
callback's output key (what Dash's renderer POSTs as ``output`` to ``/_dash-update-component``;
make it with :func:`output_key`) to the roles allowed to call it (:data:`~roles.PUBLIC` for
anyone). :func:`callback_table` merges them; the app refuses (403, nothing runs) any callback
whose key is missing or whose roles do not include the caller's. A test walks
``app.callback_map`` and fails on any callback missing from the table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType, ModuleType

from dash import Output

from dbmis.app.auth.roles import PUBLIC


def output_key(*outputs: Output) -> str:
    """The key Dash gives a callback with these outputs (as in ``app.callback_map``).

    One output: ``"id.prop"``; several: ``"..id1.prop1...id2.prop2.."``. Pattern-matching
    outputs are not used by DBMIS.
    """
    parts = [f"{o.component_id}.{o.component_property}" for o in outputs]
    if len(parts) == 1:
        return parts[0]
    return ".." + "...".join(parts) + ".."


ROUTING_KEY = output_key(
    Output("page-root", "children"), Output("page-root", "lang"), Output("page-root", "dir")
)
"""The routing callback (public: it checks each page's roles itself)."""


def callback_table(modules: Iterable[ModuleType]) -> Mapping[str, frozenset[str]]:
    """The merged, read-only table of every module's ``CALLBACK_ROLES`` plus the routing
    callback. A key declared twice is a programming error."""
    table: dict[str, frozenset[str]] = {ROUTING_KEY: PUBLIC}
    for module in modules:
        for key, roles in getattr(module, "CALLBACK_ROLES", {}).items():
            if key in table:
                raise ValueError(f"callback {key!r} is declared twice ({module.__name__})")
            table[key] = frozenset(roles)
    return MappingProxyType(table)
