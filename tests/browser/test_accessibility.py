"""axe-core on every page of the public site, in English and Urdu: no violation of impact
"serious", "critical" or "moderate". Minor ones are printed, not failed.

axe-core is vendored (``tests/browser/vendor/axe-core/``, MPL-2.0) and injected into the page:
nothing is fetched at test time."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import LANGS, PAGES, NewTab, PageSpec

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
FAILING_IMPACTS = ("serious", "critical", "moderate")
AXE_OPTIONS: dict[str, Any] = {"resultTypes": ["violations"]}
"""axe's default rule set: WCAG 2.0/2.1/2.2 A and AA plus its best practices."""


@cache
def axe_source() -> str:
    data = AXE.read_bytes()
    assert hashlib.sha256(data).hexdigest() == AXE_SHA256, f"{AXE} is not axe-core {AXE_VERSION}"
    return data.decode("utf-8")


def run_axe(page: Any) -> list[dict[str, Any]]:
    """axe's violations on the page as it is now."""
    page.evaluate(axe_source())
    assert page.evaluate("() => axe.version") == AXE_VERSION
    results = page.evaluate("async (options) => await axe.run(document, options)", AXE_OPTIONS)
    violations: list[dict[str, Any]] = results["violations"]
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    """Each violation: impact, rule id, help and the offending nodes (selector, HTML, why)."""
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"]:
            lines.append(f"    at {json.dumps(node['target'], ensure_ascii=False)}")
            lines.append(f"       {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " / ")
            if summary:
                lines.append(f"       {summary[:400]}")
    return "\n".join(lines)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("spec", PAGES, ids=[p.name for p in PAGES])
def test_no_serious_accessibility_violations(new_tab: NewTab, spec: PageSpec, lang: str) -> None:
    tab = new_tab("desktop")
    tab.open(spec.url(lang, with_state=True), status=spec.status)
    violations = run_axe(tab.page)
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    others = [v for v in violations if v["impact"] not in FAILING_IMPACTS]
    if others:
        print(f"axe, lesser violations on {spec.name} ({lang}):\n{describe(others)}")
    assert not failing, f"axe on {spec.url(lang, with_state=True)}:\n{describe(failing)}"
    tab.assert_clean()
