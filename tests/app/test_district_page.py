"""The district page called as a plain function: every KPI's latest figure, status (only with
a trajectory of its own), rank among the districts by direction, a trend, links to the KPI
page with the district preselected; Urdu; 404 for an unknown district."""

from __future__ import annotations

import itertools
from typing import Any

from dbmis.app import routing
from dbmis.app.context import AppState, PageContext, PageQuery
from dbmis.app.i18n import LRI, PDI
from dbmis.app.pages import district as district_page
from dbmis.catalog import Catalog
from dbmis.kpis.public import PublicSite
from dbmis.warehouse import Database
from dbmis.warehouse.queries import dimensions
from tests.app.conftest import UNPUBLISHED_VALUES, PublishRelease, _value, settings_for
from tests.app.test_kpi_page import dump, find, text_of


def page(state: AppState, code: str, search: str = "") -> Any:
    ctx = PageContext(
        state=state, path=f"/district/{code}", query=PageQuery.parse(search, state.catalog)
    )
    return district_page.layout(ctx, code=code)


def cards(root: Any) -> dict[str, Any]:
    return {text_of(find(a, "H3")[0]).strip(): a for a in find(root, "Article")}


def facts(card: Any) -> dict[str, str]:
    dl = find(card, "Dl")[0]
    items = list(dl.children)
    return {
        text_of(items[i]).strip(): text_of(items[i + 1]).strip() for i in range(0, len(items), 2)
    }


def test_every_kpi_with_latest_value_status_rank_and_link(state: AppState) -> None:
    root = page(state, "ALPHA")
    found = cards(root)
    assert set(found) == {"Conviction rate", "Share of under-trial prisoners"}
    card = found["Conviction rate"]
    text = text_of(card)
    assert "20.0%" in text and "in Jan–Mar 2026" in text
    got = facts(card)
    assert got["Status"] == "Not judged"  # no trajectory of its own
    assert got["Rank"] == "1 of 2"
    assert got["Province"] == "12.5%"
    link = find(find(card, "H3")[0], "A")[0]
    assert link.href == "/kpi/CONVICTION_RATE?geo=district%3AALPHA&period=quarter"
    assert "No figure yet" in text_of(found["Share of under-trial prisoners"])
    beta = facts(cards(page(state, "BETA"))["Conviction rate"])
    assert beta["Rank"] == "2 of 2"
    assert "⚑" in text_of(cards(page(state, "BETA"))["Conviction rate"])
    whole = dump(root)
    for value in UNPUBLISHED_VALUES:
        assert str(value) not in whole


def test_ranks_follow_the_direction(
    synced: Database, mini_catalog: Catalog, publish_release: PublishRelease
) -> None:
    with synced.read() as conn:
        ids = dimensions.kpi_ids(conn)
    cr, us = ids["CONVICTION_RATE"], ids["UNDERTRIAL_SHARE"]  # up, down
    figures = {"ALPHA": 60.0, "BETA": 40.0, "GAMMA": 50.0, "DELTA": None}
    rows = [
        _value(kpi, "district", code, "quarter", "2026Q1", 202603, value)
        for kpi in (cr, us)
        for code, value in figures.items()
    ]
    rows += [  # an older period: the rank is for the latest period only
        _value(cr, "district", "ALPHA", "quarter", "2025Q4", 202512, 1.0),
        _value(cr, "district", "BETA", "quarter", "2025Q4", 202512, 99.0),
    ]
    publish_release(synced, rows=rows)
    state = AppState(settings_for(synced), mini_catalog, synced, PublicSite(synced, mini_catalog))
    expected = {
        # conviction rate: higher is better; under-trial share: lower is better
        "ALPHA": ("1 of 3", "3 of 3"),
        "GAMMA": ("2 of 3", "2 of 3"),
        "BETA": ("3 of 3", "1 of 3"),
        "DELTA": ("–", "–"),
    }
    for code, (up, down) in expected.items():
        found = cards(page(state, code))
        if code == "DELTA":
            assert all("No figure yet" in text_of(c) for c in found.values())
            continue
        assert facts(found["Conviction rate"])["Rank"] == up, code
        assert facts(found["Share of under-trial prisoners"])["Rank"] == down, code


def test_trend_has_a_table(state: AppState) -> None:
    card = cards(page(state, "ALPHA"))["Conviction rate"]
    tables = find(card, "Table")
    assert tables and "Alpha: recent figures" in text_of(find(tables[0], "Caption")[0])


def test_urdu(state: AppState) -> None:
    root = page(state, "ALPHA", "?lang=ur")
    text = dump(root)
    assert "الفا" in text and f"{LRI}20.0%{PDI}" in text
    assert "سزا کی شرح" in text and "جانچا نہیں گیا" in text
    assert "درجہ" in text and f"{LRI}2{PDI} میں سے {LRI}1{PDI}" in text
    link = find(find(cards(root)["سزا کی شرح"], "H3")[0], "A")[0]
    assert link.href.startswith("/kpi/CONVICTION_RATE?lang=ur&geo=district%3AALPHA")


def test_unknown_district_gives_the_404_page(state: AppState, client: Any) -> None:
    children, _, _ = routing.render(state, "/district/NOPE", "")
    assert "Page not found" in dump(children)
    assert client.get("/district/NOPE").status_code == 404


def test_headings_in_order(state: AppState) -> None:
    import re

    from tests.app.test_kpi_page import walk

    root = page(state, "ALPHA")
    levels = [
        int(type(c).__name__[1]) for c in walk(root) if re.fullmatch(r"H[1-6]", type(c).__name__)
    ]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(levels))
