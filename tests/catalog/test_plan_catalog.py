"""action_plan.yaml: parsed into strict models; references, dates and budgets checked with the
file, line and key of each problem, all reported at once; the plan is part of the fingerprint."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from dbmis.catalog import Catalog, default_catalog_dir, load_catalog
from dbmis.catalog.plan import PLAN_FILE, fiscal_year_dates, fiscal_year_of, month_end
from tests.catalog.conftest import CatalogCopy
from tests.catalog.test_loader_errors import only, problems

ARABIC = re.compile(r"[\u0600-\u06FF]")


def activity(data: dict[str, Any], code: str) -> dict[str, Any]:
    return next(a for a in data["activities"] if a["code"] == code)


def test_mini_plan_loads_with_lookups(mini: CatalogCopy) -> None:
    catalog = load_catalog(mini.root)
    assert [a.code for a in catalog.activities] == ["SCRUTINY", "LEGAL_AID_PANEL", "VIDEO_LINKS"]
    assert catalog.counts()["activities"] == 3 and catalog.counts()["milestones"] == 7
    scrutiny = catalog.activity_by_code["SCRUTINY"]
    assert scrutiny.budget_total == 10_000_000
    assert scrutiny.milestone("CELLS") is not None and scrutiny.milestone("NOPE") is None
    assert [a.code for a in catalog.activities_of_kpi("UNDERTRIAL_SHARE")] == [
        "LEGAL_AID_PANEL",
        "VIDEO_LINKS",
    ]
    assert [a.code for a in catalog.activities_led_by("PRISONS")] == [
        "LEGAL_AID_PANEL",
        "VIDEO_LINKS",
    ]
    assert [a.code for a in catalog.activities_involving("PROSECUTION")] == [
        "SCRUTINY",
        "LEGAL_AID_PANEL",
    ]
    assert catalog.activity_by_code["LEGAL_AID_PANEL"].institutions == ["PRISONS", "PROSECUTION"]


def test_a_catalog_without_a_plan_has_an_empty_one(mini: CatalogCopy) -> None:
    with_plan = load_catalog(mini.root)
    (mini.root / PLAN_FILE).unlink()
    catalog = load_catalog(mini.root)
    assert catalog.plan.is_empty and catalog.activities == ()
    assert catalog.counts()["activities"] == 0
    assert catalog.fingerprint != with_plan.fingerprint


def test_the_fingerprint_changes_with_the_plan(mini: CatalogCopy) -> None:
    before = load_catalog(mini.root).fingerprint
    mini.edit(PLAN_FILE, lambda d: activity(d, "SCRUTINY")["budget"][0].update(amount_pkr=1))
    assert load_catalog(mini.root).fingerprint != before


def test_unknown_references_are_named_with_their_line(mini: CatalogCopy) -> None:
    def change(d: dict[str, Any]) -> None:
        a = activity(d, "SCRUTINY")
        a["kpis"] = ["CONVICTION_RATE", "NO_SUCH_KPI"]
        a["lead"] = "NOBODY"
        a["partners"] = ["PRISONS", "GHOSTS"]

    mini.edit(PLAN_FILE, change)
    issues = problems(mini.root)
    kpi = only(issues, PLAN_FILE, "SCRUTINY.kpis", "unknown KPI 'NO_SUCH_KPI'")
    assert kpi.line is not None and kpi.line > 1 and f"{PLAN_FILE}:{kpi.line}" in str(kpi)
    only(issues, PLAN_FILE, "SCRUTINY.lead", "unknown institution 'NOBODY'")
    only(issues, PLAN_FILE, "SCRUTINY.partners", "unknown institution 'GHOSTS'")


def test_lead_is_not_a_partner_and_repeats_are_refused(mini: CatalogCopy) -> None:
    def change(d: dict[str, Any]) -> None:
        a = activity(d, "LEGAL_AID_PANEL")
        a["partners"] = ["PRISONS", "PROSECUTION", "PROSECUTION"]
        a["kpis"] = ["UNDERTRIAL_SHARE", "UNDERTRIAL_SHARE"]

    mini.edit(PLAN_FILE, change)
    issues = problems(mini.root)
    only(issues, PLAN_FILE, "LEGAL_AID_PANEL.partners", "leads the activity")
    only(issues, PLAN_FILE, "LEGAL_AID_PANEL.partners", "listed 2 times")
    only(issues, PLAN_FILE, "LEGAL_AID_PANEL.kpis", "listed 2 times")


def test_dates_start_before_end_and_milestones_within(mini: CatalogCopy) -> None:
    def change(d: dict[str, Any]) -> None:
        a = activity(d, "VIDEO_LINKS")
        a["start"], a["end"] = date(2026, 7, 1), date(2026, 1, 1)
        b = activity(d, "SCRUTINY")
        b["milestones"][2]["due"] = date(2030, 1, 1)

    mini.edit(PLAN_FILE, change)
    issues = problems(mini.root)
    only(issues, PLAN_FILE, "VIDEO_LINKS.end", "before the start")
    late = only(issues, PLAN_FILE, "SCRUTINY.milestones.ALL.due", "outside the activity's dates")
    assert late.line is not None


def test_budget_fiscal_years_amounts_and_duplicates(mini: CatalogCopy) -> None:
    def change(d: dict[str, Any]) -> None:
        a = activity(d, "SCRUTINY")
        a["budget"][0]["fiscal_year"] = "2024"
        a["budget"][1]["amount_pkr"] = -5
        a["budget"].append(dict(a["budget"][2]))
        activity(d, "LEGAL_AID_PANEL")["budget"][0]["fiscal_year"] = "FY2030-31"

    mini.edit(PLAN_FILE, change)
    issues = problems(mini.root)
    only(issues, PLAN_FILE, "SCRUTINY.budget[0].fiscal_year", "is not a fiscal year")
    only(issues, PLAN_FILE, "SCRUTINY.budget[1].amount_pkr", "cannot be negative")
    only(issues, PLAN_FILE, "SCRUTINY.budget", "2 budget lines for FY2025-26")
    only(issues, PLAN_FILE, "LEGAL_AID_PANEL.budget[0].fiscal_year", "outside the activity")


def test_duplicate_codes_and_unknown_keys(mini: CatalogCopy) -> None:
    def change(d: dict[str, Any]) -> None:
        d["activities"].append(dict(activity(d, "SCRUTINY")))
        a = activity(d, "VIDEO_LINKS")
        a["milestones"].append(dict(a["milestones"][0]))
        a["budjet"] = []
        a["budget"][0]["source"] = "lottery"

    mini.edit(PLAN_FILE, change)
    issues = problems(mini.root)
    only(issues, PLAN_FILE, "SCRUTINY", "duplicate activity code")
    only(issues, PLAN_FILE, "VIDEO_LINKS.budjet", "unknown key")
    only(issues, PLAN_FILE, "VIDEO_LINKS.budget.0.source", "provincial_adp")


def test_a_broken_activity_does_not_hide_the_others(mini: CatalogCopy) -> None:
    def change(d: dict[str, Any]) -> None:
        activity(d, "SCRUTINY").pop("title")
        activity(d, "VIDEO_LINKS")["lead"] = "NOBODY"

    mini.edit(PLAN_FILE, change)
    issues = problems(mini.root)
    only(issues, PLAN_FILE, "SCRUTINY.title", "missing")
    only(issues, PLAN_FILE, "VIDEO_LINKS.lead", "unknown institution")


def test_header_and_shape_problems(mini: CatalogCopy) -> None:
    mini.write_text(PLAN_FILE, "title: {en: Plan}\nactivities: {}\n")
    issues = problems(mini.root)
    only(issues, PLAN_FILE, "title.ur", "missing")
    only(issues, PLAN_FILE, "activities", "must be a list")
    mini.write_text(PLAN_FILE, "- code: A\n")
    only(problems(mini.root), PLAN_FILE, "", "must be a mapping")


def test_other_unknown_files_are_still_refused(mini: CatalogCopy) -> None:
    mini.write_text("actionplan.yaml", "title: {en: x, ur: y}\n")
    issue = only(problems(mini.root), "actionplan.yaml", "", "unknown catalog file")
    assert PLAN_FILE in issue.message


def test_fiscal_year_helpers() -> None:
    assert fiscal_year_dates("FY2025-26") == (date(2025, 7, 1), date(2026, 6, 30))
    assert fiscal_year_dates("FY2025-26", 1) == (date(2025, 1, 1), date(2025, 12, 31))
    assert fiscal_year_dates("2025") is None and fiscal_year_dates("FY2025-27") is None
    assert fiscal_year_of(date(2026, 6, 30)) == "FY2025-26"
    assert fiscal_year_of(date(2026, 7, 1)) == "FY2026-27"
    assert month_end(2024, 2) == date(2024, 2, 29) and month_end(2026, 12) == date(2026, 12, 31)


# --- the bundled Balochistan plan ----------------------------------------------------------------


@pytest.fixture(scope="module")
def balochistan() -> Catalog:
    return load_catalog(default_catalog_dir())


def test_default_plan_covers_every_kpi_with_realistic_activities(balochistan: Catalog) -> None:
    plan = balochistan.plan
    assert plan.title is not None and ARABIC.search(plan.title.ur)
    assert 16 <= len(plan.activities) <= 24
    for kpi in balochistan.kpis:
        assert balochistan.activities_of_kpi(kpi.code), kpi.code
    leads = {a.lead for a in plan.activities}
    assert {"FORENSICS", "POLICE", "PROSECUTION", "LEGAL_AID", "GBV_CENTRES", "TRAINING"} <= leads
    codes = {a.code for a in plan.activities}
    assert {"CRIME_SCENE_UNITS", "CHALLAN_SCRUTINY_CELLS", "LEGAL_AID_UNDERTRIALS"} <= codes


def test_default_plan_is_bilingual_dated_budgeted_and_marked_illustrative(
    balochistan: Catalog,
) -> None:
    sources = set()
    for a in balochistan.plan.activities:
        assert a.illustrative, a.code
        assert ARABIC.search(a.title.ur) and ARABIC.search(a.description.ur), a.code
        assert date(2025, 1, 1) <= a.start <= a.end <= date(2027, 12, 31), a.code
        assert len(a.milestones) >= 2, a.code
        assert all(ARABIC.search(m.title.ur) for m in a.milestones), a.code
        assert a.budget and a.budget_total > 0, a.code
        sources |= {str(line.source) for line in a.budget}
    assert {"provincial_adp", "donor", "non_development", "federal_psdp"} <= sources
    dues = sorted(m.due for a in balochistan.plan.activities for m in a.milestones)
    assert dues[0].year == 2025 and dues[-1].year == 2027
