"""The steering view's plain functions (:mod:`dbmis.kpis.steering`): which stocktake, the pack
with publication marks, and a KPI drilled down by division, district and institution.
SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from dbmis.catalog import Catalog
from dbmis.errors import NotFoundError
from dbmis.kpis import steering as sv
from dbmis.kpis import stocktake as st
from dbmis.warehouse import Database
from tests.app.steering_env import QUARTER, RATIONALE, TODAY, seed


def test_publication_marks_compare_with_the_latest_release() -> None:
    assert sv.publication(None, 1.0, 3) == sv.Publication(sv.NO_FIGURE)
    assert sv.publication(12.5, 12.5, 3) == sv.Publication(sv.PUBLISHED, 3)
    assert sv.publication(12.5, 12.5 + 1e-12, 3).state == sv.PUBLISHED
    assert sv.publication(77.7, 12.5, 3) == sv.Publication(sv.UNPUBLISHED)
    assert sv.publication(77.7, False, 3) == sv.Publication(sv.UNPUBLISHED)  # not in the release
    assert sv.publication(77.7, None, 3) == sv.Publication(sv.UNPUBLISHED)  # released without
    assert sv.publication(77.7, 77.7, None) == sv.Publication(sv.UNPUBLISHED)  # no release yet


def test_choose_latest_or_the_quarter_asked_for(published: Database) -> None:
    assert sv.choose(published) is None
    seed(published)
    st.create(published, "2026Q2", None, "ana")
    assert [s.quarter for s in sv.stocktakes(published)] == ["2026Q2", QUARTER]
    assert sv.choose(published).quarter == "2026Q2"  # type: ignore[union-attr]
    assert sv.choose(published, "2026q1").quarter == QUARTER  # type: ignore[union-attr]
    assert sv.choose(published, "2030Q1").quarter == "2026Q2"  # type: ignore[union-attr]
    take = sv.choose(published, QUARTER)
    assert take is not None and sv.by_id(published, take.id).quarter == QUARTER
    with pytest.raises(NotFoundError):
        sv.by_id(published, take.id + 1000)


def test_view_marks_approved_but_unpublished_figures(
    published: Database, mini_catalog: Catalog
) -> None:
    seed(published)
    take = sv.choose(published, QUARTER)
    assert take is not None
    view = sv.view(published, mini_catalog, take, today=TODAY)
    cr = next(k for k in view.pack.kpis if k.code == "CONVICTION_RATE")
    us = next(k for k in view.pack.kpis if k.code == "UNDERTRIAL_SHARE")
    assert (cr.period, cr.value) == (QUARTER, 77.7)  # approved, release 1 says 12.5
    assert view.marks["CONVICTION_RATE"] == sv.Publication(sv.UNPUBLISHED)
    assert (us.period, us.value) == (QUARTER, 70.0)  # the same as release 1
    assert view.marks["UNDERTRIAL_SHARE"] == sv.Publication(sv.PUBLISHED, 1)
    assert view.unpublished == ["CONVICTION_RATE"]
    assert view.release == 1
    assert cr.judgement is not None and cr.judgement.likelihood == "amber_red"
    assert cr.judgement.rationale == RATIONALE
    assert [a.description for a in cr.actions] == ["Recruit ten prosecutors"]
    assert cr.actions[0].overdue


def test_drill_down_by_division_district_and_institution(
    published: Database, mini_catalog: Catalog
) -> None:
    seed(published)
    drill = sv.drill_down(
        published, mini_catalog, "CONVICTION_RATE", period_type="quarter", period=QUARTER
    )
    assert [(r.code, r.value, r.publication) for r in drill.divisions] == [
        ("NORTH", 11.0, sv.Publication(sv.PUBLISHED, 1))
    ]
    assert [(r.code, r.division, r.value, r.publication.state) for r in drill.districts] == [
        ("DELTA", "SOUTH", 77.7, sv.UNPUBLISHED)  # no release holds DELTA
    ]
    # no approved return covers 2026Q1: the institution's indicators have no total
    assert [(r.institution, r.indicator, r.side, r.total) for r in drill.institutions] == [
        ("PROSECUTION", "PRO_CONVICTIONS", "numerator", None),
        ("PROSECUTION", "PRO_CASES_DECIDED", "denominator", None),
    ]
    assert {r.publication.state for r in drill.institutions} == {sv.NO_FIGURE}


def test_drill_down_institutions_add_up_the_approved_returns(
    published: Database, mini_catalog: Catalog
) -> None:
    drill = sv.drill_down(
        published, mini_catalog, "CONVICTION_RATE", period_type="quarter", period="2026Q2"
    )
    rows = {r.indicator: r for r in drill.institutions}
    assert rows["PRO_CONVICTIONS"].total == 777.0
    assert rows["PRO_CASES_DECIDED"].total == 1000.0
    assert (rows["PRO_CONVICTIONS"].districts, rows["PRO_CONVICTIONS"].months) == (1, 1)
    # the approved DELTA return is in no release
    assert rows["PRO_CONVICTIONS"].publication == sv.Publication(sv.UNPUBLISHED)
    with pytest.raises(NotFoundError):
        sv.drill_down(published, mini_catalog, "NOPE", period_type="quarter", period="2026Q2")
