"""The site's routing, called as a plain function: every route in both languages, the URL
state, the frame (landmarks, skip link, language switch, demo banner), and what the home page
shows. SQLite and PostgreSQL (the ``state`` fixture holds a release)."""

from __future__ import annotations

import itertools
import json
from typing import Any

import plotly.utils
import pytest

from dbmis.app import routing
from dbmis.app.context import AppState, PageQuery
from dbmis.app.i18n import LRI, PDI
from dbmis.catalog import Catalog
from dbmis.kpis.public import PublicSite
from dbmis.warehouse import Database
from tests.app.conftest import UNPUBLISHED_VALUES

ROUTES = [
    ("/", "home"),
    ("/kpi", "kpis"),
    ("/kpi/", "kpis"),
    ("/kpi/CONVICTION_RATE", "kpi"),
    ("/kpi/conviction_rate", "kpi"),
    ("/district", "districts"),
    ("/district/ALPHA", "district"),
    ("/district/ALPHA/", "district"),
    ("/data", "data"),
    ("/about", "about"),
    ("/nope", "not_found"),
    ("/kpi/NOPE", "not_found"),
    ("/district/NOPE", "not_found"),
    ("/kpi/CONVICTION_RATE/extra", "not_found"),
    ("/api", "not_found"),
]


def dump(component: Any) -> str:
    """A component tree as JSON text (what the browser receives)."""
    return json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def find(component: Any, kind: str) -> list[Any]:
    """Every component of a type (``Header``, ``Main``, ...) in a tree."""
    found = []
    stack = [component]
    while stack:
        item = stack.pop()
        if isinstance(item, list | tuple):
            stack.extend(item)
            continue
        if item is None or isinstance(item, str | int | float):
            continue
        if type(item).__name__ == kind:
            found.append(item)
        stack.append(getattr(item, "children", None))
    return found


@pytest.mark.parametrize(("path", "page"), ROUTES)
def test_resolve(mini_catalog: Catalog, path: str, page: str) -> None:
    match = routing.resolve(path, mini_catalog)
    assert match.page == page
    if page in ("kpi", "district"):
        assert match.params["code"] == match.params["code"].upper()


def test_page_query_round_trips_and_drops_what_is_invalid(mini_catalog: Catalog) -> None:
    q = PageQuery.parse(
        "?lang=ur&geo=division:NORTH&period=quarter&at=2026Q1&kpi=CONVICTION_RATE&page=3",
        mini_catalog,
    )
    assert (q.lang, q.geo_level, q.geo_code, q.period, q.at, q.page) == (
        "ur",
        "division",
        "NORTH",
        "quarter",
        "2026Q1",
        3,
    )
    assert PageQuery.parse(q.to_search(), mini_catalog) == q
    bad = PageQuery.parse(
        "?lang=xx&geo=district:NOPE&period=week&at=2026Q9&kpi=NOPE&level=planet&page=-1",
        mini_catalog,
    )
    assert bad == PageQuery()
    assert bad.to_search() == ""
    assert PageQuery.parse("?geo=province", mini_catalog).geo_level == "province"


def test_every_route_renders_in_both_languages(state: AppState) -> None:
    for path, page in ROUTES:
        for lang in ("en", "ur"):
            children, root_lang, root_dir = routing.render(state, path, f"?lang={lang}")
            assert root_lang == lang
            assert root_dir == ("rtl" if lang == "ur" else "ltr")
            for landmark in ("Header", "Nav", "Main", "Footer"):
                assert find(children, landmark), (path, lang, landmark)
            assert len(find(children, "H1")) == 1, (path, lang)
            text = dump(children)
            assert "#main" in text  # the skip link
            assert "coming soon" not in text.lower()
            if page == "not_found":
                assert ("Page not found" if lang == "en" else "صفحہ نہیں ملا") in text


def test_language_switch_keeps_the_page_and_its_state(state: AppState) -> None:
    children, _, _ = routing.render(
        state, "/kpi/CONVICTION_RATE", "?geo=district:ALPHA&period=month"
    )
    links = [a for a in find(children, "A") if getattr(a, "hrefLang", None) == "ur"]
    assert len(links) == 1
    assert links[0].href == "/kpi/CONVICTION_RATE?lang=ur&geo=district%3AALPHA&period=month"
    children, _, _ = routing.render(state, "/data", "?lang=ur&kpi=CONVICTION_RATE&page=1")
    back = [a for a in find(children, "A") if getattr(a, "hrefLang", None) == "en"]
    assert back[0].href == "/data?kpi=CONVICTION_RATE"


def test_home_shows_the_release_not_unpublished_figures(state: AppState) -> None:
    children, _, _ = routing.render(state, "/", "")
    text = dump(children)
    assert "Testland Rule of Law Roadmap" in text
    assert "12.5%" in text  # the release's figure for 2026Q1
    assert "Jan–Mar 2026" in text
    assert "At risk" in text and "▲" in text  # word and symbol
    assert "20.0% by December 2027" in text  # the target
    assert "release 1" in text and "15 April 2026" in text and "March 2026" in text
    assert "Justice delivered" in text and "Fair custody" in text  # the priorities
    assert "Share of under-trial prisoners" in text  # a non-headline KPI under its priority
    for value in UNPUBLISHED_VALUES:
        assert f"{value}" not in text
    assert "Target met" in text  # only in the legend
    assert "Demonstration data" not in text  # neither the release nor a submission is demo


def test_home_in_urdu(state: AppState) -> None:
    children, lang, direction = routing.render(state, "/", "?lang=ur")
    text = dump(children)
    assert (lang, direction) == ("ur", "rtl")
    assert "سزا کی شرح" in text and f"{LRI}12.5%{PDI}" in text
    assert "جنوری تا مارچ 2026" in text and "خطرے میں" in text
    assert "English" in text


def test_pages_show_release_data(state: AppState) -> None:
    kpi = dump(routing.render(state, "/kpi/CONVICTION_RATE", "")[0])
    assert "12.5%" in kpi and "10.0%" in kpi and "Alpha" in kpi and "20.0%" in kpi
    monthly = dump(routing.render(state, "/kpi/CONVICTION_RATE", "?period=month")[0])
    assert "February 2026" in monthly
    north = dump(routing.render(state, "/kpi/CONVICTION_RATE", "?geo=division:NORTH")[0])
    assert "11.0%" in north and "Not judged" in north
    district = dump(routing.render(state, "/district/ALPHA", "?lang=ur")[0])
    assert "الفا" in district and f"{LRI}20.0%{PDI}" in district
    data = dump(routing.render(state, "/data", "?kpi=CONVICTION_RATE&period=quarter")[0])
    assert "/download/values.csv?kpi=CONVICTION_RATE&amp;period_type=quarter" in data or (
        "/download/values.csv?kpi=CONVICTION_RATE&period_type=quarter" in data
    )
    about = dump(routing.render(state, "/about", "")[0])
    assert "First release" in about and "Synthetic squares for tests" in about
    for text in (kpi, monthly, north, district, data, about):
        for value in UNPUBLISHED_VALUES:
            assert f"{value}" not in text


def test_data_page_pages_through_values(state: AppState) -> None:
    text = dump(routing.render(state, "/data", "?page=99")[0])
    assert "Page 1 of 1 (11 figures)" in text


def test_demo_banner_comes_from_the_data(
    state: AppState, published: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dbmis.kpis import public

    monkeypatch.setattr(public, "DEMO_MARKER_TTL", 0.0)  # look for demo submissions every time
    assert "demo-banner" not in dump(routing.render(state, "/about", "")[0])
    with published.write() as conn:
        conn.exec_driver_sql("UPDATE submission SET is_demo = TRUE")
    for path in ("/", "/about", "/nope", "/data"):
        assert "demo-banner" in dump(routing.render(state, path, "")[0])


def test_no_release_yet(synced: Database, mini_catalog: Catalog) -> None:
    from tests.app.conftest import settings_for

    site = PublicSite(synced, mini_catalog)
    state = AppState(settings_for(synced), mini_catalog, synced, site)
    for path in ("/", "/kpi", "/kpi/CONVICTION_RATE", "/district/ALPHA", "/data", "/about"):
        text = dump(routing.render(state, path, "")[0])
        assert "No figures have been published yet" in text, path


def test_an_unreadable_warehouse_gives_a_page_not_an_error(mini_catalog: Catalog, tmp_path) -> None:
    from dbmis.settings import Mode, Settings

    db = Database(f"sqlite:///{tmp_path}/missing/dir/x.sqlite")
    settings = Settings(catalog=None, mode=Mode.development, database_url=str(db.url))
    state = AppState(settings, mini_catalog, db, PublicSite(db, mini_catalog))
    children, _, _ = routing.render(state, "/", "?lang=ur")
    text = dump(children)
    assert "اعداد و شمار دستیاب نہیں" in text
    assert find(children, "Main") and find(children, "Footer")


def test_page_titles(state: AppState) -> None:
    assert routing.page_title(state, "/", "") == "Testland Rule of Law Roadmap · Testland"
    assert routing.page_title(state, "/kpi/CONVICTION_RATE", "?lang=ur").startswith("سزا کی شرح · ")
    assert routing.page_title(state, "/x", "").startswith("Page not found · ")


def headings(component: Any) -> list[int]:
    """The levels of the headings of a tree, in document order."""
    out: list[int] = []

    def walk(item: Any) -> None:
        if isinstance(item, list | tuple):
            for child in item:
                walk(child)
            return
        if item is None or isinstance(item, str | int | float):
            return
        name = type(item).__name__
        if len(name) == 2 and name[0] == "H" and name[1].isdigit():
            out.append(int(name[1]))
        walk(getattr(item, "children", None))

    walk(component)
    return out


def test_headings_are_in_order(state: AppState) -> None:
    for path, _ in ROUTES:
        levels = headings(routing.render(state, path, "")[0])
        assert levels[0] == 1, path
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, (path, levels)
