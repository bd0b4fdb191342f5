"""The KPI page called as a plain function (``layout(ctx, code=...)``) over a warehouse with a
release (SQLite, and PostgreSQL where the fixture runs it): the series for each place and
period type, the plan equal to the trajectory, the districts (bars, table, map with the
districts that have no outline listed), download links that carry the state, Urdu, 404."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

import plotly.utils
import pytest

from dbmis.app import routing
from dbmis.app.context import AppState, PageContext, PageQuery
from dbmis.app.i18n import LRI, PDI
from dbmis.app.pages import kpi as kpi_page
from dbmis.catalog import Catalog
from dbmis.kpis.public import PublicSite
from dbmis.kpis.trajectory import planned_for_period, trajectories
from dbmis.periods import parse_period
from dbmis.warehouse import Database
from dbmis.warehouse.queries import dimensions
from tests.app.conftest import UNPUBLISHED_VALUES, PublishRelease, _value, settings_for

ROOT = Path(__file__).resolve().parents[2]
EXPRESS = re.compile(
    r"^\s*(import plotly\.express|from plotly\.express|from plotly import .*\bexpress\b)", re.M
)


def dump(component: Any) -> str:
    return json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def walk(component: Any) -> list[Any]:
    out, stack = [], [component]
    while stack:
        item = stack.pop()
        if isinstance(item, list | tuple):
            stack.extend(reversed(item))
            continue
        if item is None or isinstance(item, str | int | float):
            continue
        out.append(item)
        stack.append(getattr(item, "children", None))
    return out


def find(component: Any, kind: str) -> list[Any]:
    return [c for c in walk(component) if type(c).__name__ == kind]


def graph(component: Any, graph_id: str) -> Any:
    graphs = [g for g in find(component, "Graph") if getattr(g, "id", None) == graph_id]
    assert len(graphs) == 1, graph_id
    return graphs[0].figure


def trace(fig: Any, name: str) -> Any:
    found = [t for t in fig.data if (t.name or "").strip("\u2066\u2068\u2069") == name]
    assert found, (name, [t.name for t in fig.data])
    return found[0]


def text_of(component: Any) -> str:
    parts: list[str] = []

    def visit(item: Any) -> None:
        if isinstance(item, list | tuple):
            for x in item:
                visit(x)
        elif isinstance(item, str | int | float):
            parts.append(str(item))
        elif item is not None:
            visit(getattr(item, "children", None))

    visit(component)
    return " ".join(parts)


def table_rows(component: Any, caption_start: str) -> list[list[str]]:
    """The body rows (cell texts) of the table whose caption starts with ``caption_start``."""
    for tab in find(component, "Table"):
        caption = find(tab, "Caption")
        if caption and text_of(caption[0]).startswith(caption_start):
            body = find(tab, "Tbody")[0]
            return [[text_of(c).strip() for c in row.children] for row in body.children]
    raise AssertionError(f"no table {caption_start!r}")


def page(state: AppState, code: str, search: str = "") -> Any:
    ctx = PageContext(
        state=state, path=f"/kpi/{code}", query=PageQuery.parse(search, state.catalog)
    )
    return kpi_page.layout(ctx, code=code)


def test_province_quarters_against_the_trajectory(state: AppState, mini_catalog: Catalog) -> None:
    root = page(state, "CONVICTION_RATE")
    fig = graph(root, "kpi-trajectory")
    actual = trace(fig, "Actual")
    assert list(actual.x) == ["Oct–Dec 2025", "Jan–Mar 2026"]
    assert list(actual.y) == [10.0, 12.5]
    # the plan: every quarter from the baseline (2024) to the target (December 2027)
    plan = trajectories(mini_catalog)[("CONVICTION_RATE", "province")]
    planned = trace(fig, "Planned trajectory")
    assert planned.x[0] == "Oct–Dec 2024" and planned.x[-1] == "Oct–Dec 2027"
    assert len(planned.x) == 13
    quarters = [f"{y}Q{q}" for y in (2024, 2025, 2026, 2027) for q in (1, 2, 3, 4)][3:]
    expected = [planned_for_period(plan, parse_period(q)) for q in quarters]
    assert list(planned.y) == pytest.approx(expected)
    assert trace(fig, "Baseline").y[0] == 7.5 and trace(fig, "Target").y[0] == 20.0
    # the table holds the chart's figures, period by period
    rows = table_rows(root, "Conviction rate, Testland: Quarterly figures against the plan")
    by_period = {r[0]: r for r in rows}
    assert [r[0] for r in rows] == list(planned.x)
    for x, y in zip(planned.x, planned.y, strict=True):
        assert by_period[x][2] == f"{y:.1f}%"
    for x, y in zip(actual.x, actual.y, strict=True):
        assert by_period[x][1] == f"{y:.1f}%"
    assert "At risk" in by_period["Jan–Mar 2026"][3] and "▲" in by_period["Jan–Mar 2026"][3]
    assert "Baseline: 7.5%" in by_period["Oct–Dec 2024"][-1]
    assert "Target: 20.0%" in by_period["Oct–Dec 2027"][-1]
    text = dump(root)
    for value in UNPUBLISHED_VALUES:
        assert str(value) not in text
    # definition, formula with indicator names, completeness, last update
    plain = text_of(root)
    assert "× 100" in plain and "Release 1, published on 15 April 2026" in plain
    assert "3 of 3 expected district returns received for Jan–Mar 2026" in plain


def test_period_types_and_places(state: AppState, mini_catalog: Catalog) -> None:
    monthly = graph(page(state, "CONVICTION_RATE", "?period=month"), "kpi-trajectory")
    actual = trace(monthly, "Actual")
    assert list(actual.x) == ["January 2026", "February 2026", "March 2026"]
    assert list(actual.y) == [12.0, 12.5, 13.0]
    plan = trajectories(mini_catalog)[("CONVICTION_RATE", "province")]
    planned = trace(monthly, "Planned trajectory")
    assert len(planned.x) == 37  # December 2024 .. December 2027
    assert planned.y[-1] == 20.0 and planned.y[0] == plan.baseline_value

    yearly = trace(
        graph(page(state, "CONVICTION_RATE", "?period=year"), "kpi-trajectory"), "Actual"
    )
    assert list(yearly.x) == ["2025"] and list(yearly.y) == [10.0]

    # a division: its figures without a plan, and the page says so
    root = page(state, "CONVICTION_RATE", "?geo=division:NORTH&period=quarter")
    fig = graph(root, "kpi-trajectory")
    assert [t.name for t in fig.data] == ["Actual"]
    assert list(fig.data[0].y) == [11.0]
    assert "Divisions have no trajectory of their own" in text_of(root)

    # a district without its own target: not judged, no plan; highlighted on the bars
    root = page(state, "CONVICTION_RATE", "?geo=district:ALPHA")
    fig = graph(root, "kpi-trajectory")
    assert [t.name for t in fig.data] == ["Actual"] and list(fig.data[0].y) == [20.0]
    assert "Alpha has no target of its own" in text_of(root)
    bars = graph(root, "kpi-bars")
    assert any(3 in list(t.marker.line.width) for t in bars.data if t.type == "bar" and t.y)


def test_assessed_on_decides_the_default_period_and_the_plan(
    state: AppState, mini_catalog: Catalog
) -> None:
    kpi = mini_catalog.kpi_by_code["CONVICTION_RATE"]
    original = list(kpi.assessed_on)
    try:
        kpi.assessed_on[:] = ["year"]
        root = page(state, "CONVICTION_RATE")
        chips = [a for a in find(root, "A") if "current" in (getattr(a, "className", "") or "")]
        assert "Yearly" in [text_of(a) for a in chips]
        monthly = page(state, "CONVICTION_RATE", "?period=month")
        assert [t.name for t in graph(monthly, "kpi-trajectory").data] == ["Actual"]
        assert "judged on Yearly figures only" in text_of(monthly)
    finally:
        kpi.assessed_on[:] = original


def test_districts_compared_bars_table_and_map(state: AppState) -> None:
    root = page(state, "CONVICTION_RATE")
    rows = table_rows(root, "Conviction rate by district, Jan–Mar 2026")
    assert [r[0] for r in rows] == ["Alpha", "Beta", "Delta", "Gamma"]
    assert [r[1] for r in rows] == ["1", "2", "–", "–"]
    assert rows[0][2] == "20.0%" and rows[1][2] == "5.0% ⚑"  # flagged values marked
    assert [r[5] for r in rows] == ["yes", "yes", "no", "yes"]  # DELTA has no outline
    bars = graph(root, "kpi-bars")
    values = {
        code: x
        for t in bars.data
        if t.type == "bar"
        for code, x in zip(t.y, t.x, strict=True)
        if x == x and x is not None
    }
    assert values == {"ALPHA": 20.0, "BETA": 5.0}
    the_map = graph(root, "kpi-map")
    assert the_map.data  # drawn as scatter polygons
    assert all(t.type == "scatter" for t in the_map.data)
    assert "Not on the map (no outline available): Delta." in text_of(root)
    # a chosen period that has no figures; a period of another type is ignored
    assert "No published figures" in text_of(page(state, "CONVICTION_RATE", "?at=2025Q3"))
    other = page(state, "CONVICTION_RATE", "?at=2026-01")
    assert table_rows(other, "Conviction rate by district, Jan–Mar 2026")


def test_download_links_carry_the_state(state: AppState) -> None:
    root = page(state, "CONVICTION_RATE", "?lang=ur&geo=division:NORTH&period=quarter")
    hrefs = [a.href for a in find(root, "A") if "/download/" in (getattr(a, "href", "") or "")]
    assert (
        "/download/values.csv?kpi=CONVICTION_RATE&geo_level=division&geo_code=NORTH"
        "&period_type=quarter&lang=ur"
    ) in hrefs
    assert (
        "/download/values.xlsx?kpi=CONVICTION_RATE&geo_level=district&period_type=quarter"
        "&period=2026Q1&lang=ur"
    ) in hrefs


def test_download_gives_what_is_shown(state: AppState, client: Any) -> None:
    root = page(state, "CONVICTION_RATE", "?period=month")
    href = next(
        a.href
        for a in find(root, "A")
        if (getattr(a, "href", "") or "").startswith("/download/values.csv")
    )
    response = client.get(href)
    assert response.status_code == 200
    lines = response.get_data(as_text=True).strip().splitlines()[1:]
    assert [line.split(",")[7] for line in lines] == ["month"] * 3
    values = sorted(float(re.findall(r",(1[23]\.\d+),", line)[0]) for line in lines)
    assert values == [12.0, 12.5, 13.0]


def test_status_is_symbol_word_and_colour_with_a_legend(state: AppState) -> None:
    root = page(state, "CONVICTION_RATE")
    spans = [
        s for s in find(root, "Span") if "status-at_risk" in (getattr(s, "className", None) or "")
    ]
    assert spans and "▲" in text_of(spans[0]) and "At risk" in text_of(spans[0])
    assert "How to read the status" in text_of(root)


def test_figures_are_labelled_and_headings_in_order(state: AppState) -> None:
    root = page(state, "CONVICTION_RATE")
    figures = find(root, "Figure")
    assert len(figures) == 3
    for fig in figures:
        label = getattr(fig, "aria-label")
        assert label and find(fig, "Figcaption") and find(fig, "Graph")
    levels = [
        int(type(c).__name__[1]) for c in walk(root) if re.fullmatch(r"H[1-6]", type(c).__name__)
    ]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))


def test_urdu(state: AppState) -> None:
    root = page(state, "CONVICTION_RATE", "?lang=ur")
    text = dump(root)
    assert "سزا کی شرح" in text and "جنوری تا مارچ 2026" in text
    assert "طے شدہ راستہ" in text and "اصل" in text  # trace names in Urdu
    assert f"{LRI}12.5%{PDI}" in text
    fig = graph(root, "kpi-trajectory")
    assert fig.layout.yaxis.side == "right"
    assert "Planned trajectory" not in text and "Actual" not in text


def test_unknown_codes_give_the_404_page(state: AppState, client: Any) -> None:
    children, _, _ = routing.render(state, "/kpi/NOPE", "")
    assert "Page not found" in dump(children)
    assert client.get("/kpi/NOPE").status_code == 404


def test_forecast_from_the_monthly_trend(
    synced: Database, mini_catalog: Catalog, publish_release: PublishRelease
) -> None:
    with synced.read() as conn:
        cr = dimensions.kpi_ids(conn)["CONVICTION_RATE"]
    months = [f"2025-{m:02d}" for m in range(4, 13)] + ["2026-01", "2026-02", "2026-03"]
    rows = [
        _value(cr, "province", "TESTLAND", "month", m, int(m.replace("-", "")), 8.0 + i * 0.5)
        for i, m in enumerate(months)
    ]
    publish_release(synced, rows=rows)
    state = AppState(settings_for(synced), mini_catalog, synced, PublicSite(synced, mini_catalog))
    root = page(state, "CONVICTION_RATE", "?period=month")
    fig = graph(root, "kpi-trajectory")
    forecast = trace(fig, "Forecast (recent trend)")
    assert forecast.x[-1] == "December 2027"
    # 0.5 a month from 8.0 in April 2025: 32 months after March 2026's 13.5
    assert forecast.y[-1] == pytest.approx(13.5 + 0.5 * 21)
    assert "the target would be met" in text_of(root)


def test_builders_use_graph_objects_only() -> None:
    for path in [
        *(ROOT / "dbmis" / "app" / "pages").glob("*.py"),
        *(ROOT / "dbmis" / "app" / "figures").glob("*.py"),
    ]:
        text = path.read_text(encoding="utf-8")
        assert not EXPRESS.search(text), path


def test_yearly_annotations_are_placed_by_category_index(state: AppState) -> None:
    # plotly.js would read an annotation at x="2024" as the number 2024 on a category axis
    fig = graph(page(state, "CONVICTION_RATE", "?period=year"), "kpi-trajectory")
    order = list(fig.layout.xaxis.categoryarray)
    assert order[0] == "2024" and order[-1] == "2027"
    assert sorted(a.x for a in fig.layout.annotations) == [0, len(order) - 1]


def test_no_plan_means_no_planned_column(state: AppState) -> None:
    root = page(state, "CONVICTION_RATE", "?geo=division:NORTH")
    tables = [t for t in find(root, "Table") if "North" in text_of(find(t, "Caption")[0])]
    headers = [text_of(th) for th in find(find(tables[0], "Thead")[0], "Th")]
    assert "Planned" not in headers and headers[:2] == ["Period", "Figure"]
