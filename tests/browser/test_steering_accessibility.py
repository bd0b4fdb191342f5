"""axe-core on the stocktake, release, steering and audit pages, in English and Urdu, each
seen by a role that may see it: no violation of impact "serious", "critical" or "moderate".

Known issues of Dash 4's own components are left out, by rule and by the component's own
markup only (:data:`DASH_COMPONENT_ISSUES`): ``dcc.RadioItems`` draws a ``role="listbox"``
whose ``role="option"`` labels hold the radio inputs (nested-interactive, and the listbox has
no name: the pages name each group with a ``<fieldset>`` and ``<legend>``, and every radio
with its label), and ``dcc.Dropdown`` keeps a focusable ``aria-hidden`` input to catch focus.
Dash gives no property to change either; everything else fails the test."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import LANGS, NewTab
from tests.browser.steering_env import (  # noqa: F401
    ADMIN_USER,
    ANALYST_USER,
    SC_USER,
    journey,
    live_server,
)
from tests.browser.test_accessibility import FAILING_IMPACTS, describe, run_axe
from tests.support.auth import DEFAULT_PASSWORD, sign_in_page

pytestmark = pytest.mark.browser

DASH_COMPONENT_ISSUES: dict[str, tuple[str, ...]] = {
    "nested-interactive": (".dash-options-list-option",),
    "aria-input-field-name": (".dash-radioitems", ".st-radios"),
    "aria-hidden-focus": (".dash-dropdown-focus-target",),
}
"""axe rule -> selectors of Dash's own markup whose violations of that rule are known."""

PAGES = (
    ("/steering", SC_USER),
    ("/steering?kpi=CONVICTION_RATE", SC_USER),
    ("/workspace/stocktake", ANALYST_USER),
    ("/workspace/releases", ANALYST_USER),
    ("/audit", ADMIN_USER),
)


def without_dash_component_issues(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The violations minus the nodes of :data:`DASH_COMPONENT_ISSUES`."""
    out = []
    for v in violations:
        known = DASH_COMPONENT_ISSUES.get(v["id"], ())
        nodes = [
            n
            for n in v["nodes"]
            if not any(
                k in " ".join(map(str, n["target"])) or k.lstrip(".") in n["html"][:200]
                for k in known
            )
        ]
        if nodes:
            out.append({**v, "nodes": nodes})
    return out


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("path", "user"), PAGES, ids=[p for p, _ in PAGES])
def test_no_serious_accessibility_violations(
    new_tab: NewTab, path: str, user: str, lang: str
) -> None:
    tab = new_tab("desktop")
    sign_in_page(tab.page, tab.server.base_url, user, DEFAULT_PASSWORD)
    url = path if lang == "en" else path + ("&" if "?" in path else "?") + "lang=ur"
    tab.open(url)
    violations = without_dash_component_issues(run_axe(tab.page))
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    others = [v for v in violations if v["impact"] not in FAILING_IMPACTS]
    if others:
        print(f"axe, lesser violations on {url}:\n{describe(others)}")
    assert not failing, f"axe on {url}:\n{describe(failing)}"
    tab.assert_clean()
