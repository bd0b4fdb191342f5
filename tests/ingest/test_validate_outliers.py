"""DHIS2-style z-score outliers against the district's own approved history."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from dbmis.catalog import Catalog
from dbmis.ingest.read import read_csv, read_workbook
from dbmis.ingest.templates import template_bytes
from dbmis.ingest.validate import outlier_issues, outlier_scores, validate_upload
from tests.ingest.filling import csv_bytes, fill_template, mini_catalog

HISTORY_VALUES = [10, 11, 9, 10, 12, 8, 10, 11, 9, 10, 10, 10]  # mean 10, population sd ~1.08


@pytest.fixture(scope="module")
def mini() -> Catalog:
    return mini_catalog()


def history(values=HISTORY_VALUES, district="ALPHA", indicator="PRO_CASES_DECIDED", year=2025):
    months = [year * 100 + m for m in range(1, len(values) + 1)]
    return pd.DataFrame(
        {"district": district, "indicator": indicator, "month": months, "value": values}
    )


def cells_of(mini: Catalog, values: dict) -> pd.DataFrame:
    template = template_bytes(mini, "PROSECUTION", year=2026, district="ALPHA")
    return read_workbook(fill_template(template, values), mini).cells


def test_z_score_matches_a_hand_computation(mini: Catalog) -> None:
    cells = cells_of(mini, {("PRO_CASES_DECIDED", 1): 14})
    scored = outlier_scores(cells, history())
    values = np.array(HISTORY_VALUES, dtype=float)
    expected = abs(14 - values.mean()) / values.std(ddof=0)
    assert scored["z"].tolist() == pytest.approx([expected])
    assert scored["n"].tolist() == [12]


def test_flags_above_threshold_only(mini: Catalog) -> None:
    # z(13) = 2.8 (kept), z(40) = 27.8 (flagged)
    cells = cells_of(mini, {("PRO_CASES_DECIDED", 1): 13, ("PRO_CASES_DECIDED", 2): 40})
    issues = outlier_issues(cells, history(), threshold=mini.roadmap.outlier_z_score, catalog=mini)
    assert [(i.code, i.cell, i.period, i.value) for i in issues] == [
        ("OUTLIER", "Data!E8", "2026-02", "40")
    ]
    assert "average 10.0 over 12 months" in issues[0].message
    assert str(issues[0].severity) == "warning"


def test_needs_six_points_and_some_spread(mini: Catalog) -> None:
    cells = cells_of(mini, {("PRO_CASES_DECIDED", 1): 100})
    assert outlier_issues(cells, history(HISTORY_VALUES[:5])) == []  # 5 points
    assert len(outlier_issues(cells, history(HISTORY_VALUES[:6]))) == 1
    assert outlier_issues(cells, history([10] * 12)) == []  # sd == 0


def test_other_districts_and_indicators_do_not_count(mini: Catalog) -> None:
    cells = cells_of(mini, {("PRO_CASES_DECIDED", 1): 100})
    assert outlier_issues(cells, history(district="BETA")) == []
    assert outlier_issues(cells, history(indicator="PRO_CONVICTIONS")) == []


def test_the_month_itself_is_left_out_of_its_history(mini: Catalog) -> None:
    # a re-submission of Jan 2026: the earlier approved Jan 2026 figure is not history
    earlier = pd.concat([history(), history([1000], year=2026)], ignore_index=True)
    cells = cells_of(mini, {("PRO_CASES_DECIDED", 1): 40})
    (issue,) = outlier_issues(cells, earlier, threshold=3.0)
    assert issue.cell == "Data!D8"


def test_validate_upload_adds_outlier_warnings(mini: Catalog) -> None:
    rows = [
        ("ALPHA", "PROSECUTION", "PRO_CASES_DECIDED", "2026-01", "40"),
        ("BETA", "PROSECUTION", "PRO_CASES_DECIDED", "2026-01", "40"),
    ]
    outcome = read_csv(csv_bytes(rows), mini)
    issues = validate_upload(outcome, mini, today=date(2027, 1, 1), history=history())
    assert [(i.code, i.cell) for i in issues] == [("OUTLIER", "CSV!line 2")]
    assert issues[0].message.startswith(
        "Line 2 (Criminal cases decided, ALPHA, Jan 2026): 40 is far"
    )
