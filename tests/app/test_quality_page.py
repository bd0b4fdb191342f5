"""The data-quality page (``/workspace/quality``) drawn as a plain function with an analyst's
account, judged as of 30 June 2026 (SQLite and PostgreSQL), and its heatmap builders."""

from __future__ import annotations

import math
from datetime import date

import pytest

from dbmis.app.auth import ANALYST
from dbmis.app.context import AppState, PageContext, PageQuery
from dbmis.app.figures.heatmap import Category, category_heatmap, share_heatmap
from dbmis.app.pages import quality
from tests.app.review_data import Story, account, by_id, links, review_story, selected, text_of

AS_OF = date(2026, 6, 30)  # January to May 2026 are due (May on 15 June)


@pytest.fixture
def story(state: AppState, monkeypatch: pytest.MonkeyPatch) -> Story:
    monkeypatch.setattr(quality, "today", lambda: AS_OF)
    return review_story(state.db)


def _page(state: AppState, search: str = "") -> object:
    ctx = PageContext(
        state=state,
        path="/workspace/quality",
        query=PageQuery.parse(search, state.catalog),
        account=account(ANALYST),
        search=search,
    )
    return quality.layout(ctx)


def _trace(page: object) -> dict:
    return by_id(page, "review-quality-heatmap").figure["data"][0]


def test_all_institutions_completeness(state: AppState, story: Story):
    # 4 districts x 2 institutions x 5 due months = 40 expected. Received: ALPHA prosecution
    # January and February (late: first uploaded 1 March and 20 April), March (on time, in the
    # approved revision 1, uploaded 1 March), BETA January (late), DELTA April (late: uploaded
    # when the fixture ran, after 15 May 2026).
    page = _page(state, "?year=2026")
    text = text_of(page)
    assert "Expected returns: 40. Received: 5" in text and "On time: 1" in text
    assert "Not yet due: 56" in text
    trace = _trace(page)
    assert trace["type"] == "heatmap"
    assert list(trace["y"]) == ["Alpha", "Beta", "Gamma", "Delta"]
    assert list(trace["x"])[:3] == ["Jan", "Feb", "Mar"]
    z = [list(row) for row in trace["z"]]
    assert z[0][:5] == [0.5, 0.5, 0.5, 0.0, 0.0]  # ALPHA: prosecution of 2 institutions
    assert z[2][:5] == [0.0] * 5  # GAMMA: nothing
    assert all(math.isnan(v) for v in z[0][5:])  # June to December: not due
    assert trace["text"][0][0] == "50%"
    # the text alternative: received/expected (on time) by month, then the year's rates
    assert "Alpha 1/2 (0) 1/2 (0) 1/2 (1) 0/2 (0) 0/2 (0) – – – – – – – 30% 10%" in text
    by_id(page, "review-quality-measure")


def test_timeliness_measure(state: AppState, story: Story):
    trace = _trace(_page(state, "?year=2026&measure=timeliness"))
    assert list(trace["z"][0])[:3] == [0.0, 0.0, 0.5]


def test_one_institution_shows_each_returns_state(state: AppState, story: Story):
    page = _page(state, "?year=2026&institution=PROSECUTION")
    trace = _trace(page)
    # states in order: on time 0, late 1, missing 2, not due 3
    assert list(trace["z"][0])[:7] == [1, 1, 0, 2, 2, 3, 3]
    assert list(trace["z"][3])[3] == 1  # DELTA April: late
    assert trace["text"][0][0] == "!"
    text = text_of(page)
    assert "Alpha ! Late ! Late ✓ On time ✕ Missing ✕ Missing · Not yet due" in text
    with pytest.raises(AssertionError):
        by_id(page, "review-quality-measure")  # one institution: states, no measure


def test_outliers_to_follow_up(state: AppState, story: Story):
    page = _page(state, "?year=2026")
    text = text_of(page)
    assert "Outliers to follow up" in text and "1 flagged figures" in text
    assert "Alpha Prosecution Convictions January 2026 12 Data!D9" in text
    assert f"/submission/{story.alpha2.id}" in links(page)
    none = text_of(_page(state, "?year=2026&institution=PRISONS"))
    assert "No outlier is flagged" in none


def test_default_year_urdu_and_bad_filters(state: AppState, story: Story):
    page = _page(state, "?lang=ur&institution=nope&measure=<x>&year=1")
    text = text_of(page)
    assert "ڈیٹا کا معیار" in text
    assert selected(page, "review-quality-year") == "2026"  # the newest year with data
    assert selected(page, "review-quality-institution") == ""
    assert selected(page, "review-quality-measure") == "completeness"
    assert _trace(page)["x"][0] == "\u2068جنوری\u2069"  # Urdu month names, bidi-isolated


# --- the builders --------------------------------------------------------------------------------


def test_share_heatmap_validates_and_mirrors_for_urdu():
    kwargs = dict(
        text=[["50%", ""]],
        hover=[["a", "b"]],
        colorbar_title="Completeness",
    )
    fig = share_heatmap(["Alpha"], ["Jan", "Feb"], [[0.5, None]], lang="en", **kwargs)
    trace = fig.data[0]
    assert trace.zmin == 0 and trace.zmax == 1
    assert math.isnan(trace.z[0][1])
    assert fig.layout.xaxis.autorange is True and fig.layout.yaxis.side == "left"
    ur = share_heatmap(["الفا"], ["جنوری", "فروری"], [[0.5, 1.0]], lang="ur", **kwargs)
    assert ur.layout.xaxis.autorange == "reversed" and ur.layout.yaxis.side == "right"
    # plotly's own validation accepts every property the builder writes
    import plotly.graph_objects as go

    assert go.Figure(fig.to_dict()).to_plotly_json()["data"][0]["type"] == "heatmap"


def test_category_heatmap_colours_and_symbols():
    cats = [Category("On time", "#56b4e9", "✓"), Category("Late", "#e69f00", "!")]
    fig = category_heatmap(["A", "B"], ["Jan"], [[0], [1]], cats, hover=[["x"], ["y"]], lang="en")
    trace = fig.data[0]
    assert [list(r) for r in trace.text] == [["✓"], ["!"]]
    assert (trace.zmin, trace.zmax) == (-0.5, 1.5)
    assert list(trace.colorbar.ticktext) == ["✓ On time", "! Late"]
    assert trace.colorscale[0][1] == "#56b4e9" and trace.colorscale[-1][1] == "#e69f00"
    with pytest.raises(ValueError):
        category_heatmap(["A"], ["Jan"], [[0]], [], hover=[["x"]], lang="en")
