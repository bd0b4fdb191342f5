"""Outliers, DHIS2 style: a figure far from the district's own history of the indicator.

z = |x - mean| / sd over the approved past values of the same district and indicator (the
month being checked left out, so a re-submission is not compared with its own earlier
figure). sd is the population standard deviation, as DHIS2's z-score outlier detection uses.
A figure is flagged (a warning) when z exceeds the Roadmap's ``outlier_z_score``, with at least
``min_points`` past values and sd > 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dbmis.catalog import Catalog
from dbmis.ingest.codes import MAX_ISSUES_PER_CODE, make_issue
from dbmis.ingest.result import Issue
from dbmis.ingest.validate.messages import describe, number, period

MIN_POINTS = 6
HISTORY_COLUMNS = ("district", "indicator", "month", "value")


def outlier_scores(
    frame: pd.DataFrame, history: pd.DataFrame, *, min_points: int = MIN_POINTS
) -> pd.DataFrame:
    """For each number cell of ``frame`` with enough history: ``n``, ``mean``, ``sd``, ``z``.

    Returns ``frame``'s number rows (same index) with those four columns added; rows without
    enough history (or with sd == 0) are dropped.
    """
    cells = frame[(frame["kind"] == "number").to_numpy() & (frame["month"] > 100).to_numpy()]
    if cells.empty or history is None or history.empty:
        return cells.assign(n=[], mean=[], sd=[], z=[]).iloc[0:0]
    hist = history.loc[:, list(HISTORY_COLUMNS)].copy()
    hist["district"] = hist["district"].astype(str)
    hist["indicator"] = hist["indicator"].astype(str)
    hist["value"] = pd.to_numeric(hist["value"], errors="coerce")
    hist = hist.dropna(subset=["value"])
    key = ["district", "indicator"]
    # one value per (district, indicator, month): the history should hold one already
    per_month = hist.groupby([*key, "month"], sort=False)["value"].sum().reset_index()
    per_month["sq"] = per_month["value"] ** 2
    totals = per_month.groupby(key, sort=False).agg(
        n=("value", "size"), s1=("value", "sum"), s2=("sq", "sum")
    )
    look = pd.DataFrame(
        {
            "district": cells["district"].astype(str).to_numpy(),
            "indicator": cells["indicator"].astype(str).to_numpy(),
            "month": cells["month"].to_numpy(),
            "_pos": np.arange(len(cells)),
        }
    )
    look = look.merge(totals.reset_index(), on=key, how="left")
    own = per_month.rename(columns={"value": "own"})[[*key, "month", "own"]]
    look = look.merge(own, on=[*key, "month"], how="left").sort_values("_pos")
    has_own = look["own"].notna().to_numpy()
    own_v = look["own"].fillna(0.0).to_numpy(dtype=float)
    n = look["n"].fillna(0).to_numpy(dtype=float) - has_own
    s1 = look["s1"].fillna(0.0).to_numpy(dtype=float) - own_v
    s2 = look["s2"].fillna(0.0).to_numpy(dtype=float) - own_v**2
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s1 / n
        var = np.clip(s2 / n - mean**2, 0.0, None)
        sd = np.sqrt(var)
        x = cells["value"].to_numpy(dtype=float)
        z = np.abs(x - mean) / sd
    tiny = 1e-9 * np.maximum(1.0, np.abs(np.nan_to_num(mean)))
    ok = (n >= min_points) & (sd > tiny)
    return cells.assign(n=n, mean=mean, sd=sd, z=z)[ok]


def outlier_issues(
    frame: pd.DataFrame,
    history: pd.DataFrame | None,
    *,
    threshold: float = 3.0,
    catalog: Catalog | None = None,
    min_points: int = MIN_POINTS,
    cap: int = MAX_ISSUES_PER_CODE,
) -> list[Issue]:
    """OUTLIER warnings for the number cells of ``frame`` (read cells of one or many files).

    ``history`` has columns ``district, indicator, month, value`` of approved past values.
    ``threshold`` is the catalog's ``roadmap.outlier_z_score``; ``catalog`` (optional) gives
    indicator names for the messages. Issues come in ``frame`` order.
    """
    return [
        issue
        for _file, issue in outlier_findings(frame, history, threshold, catalog, min_points, cap)
    ]


def outlier_findings(
    frame: pd.DataFrame,
    history: pd.DataFrame | None,
    threshold: float,
    catalog: Catalog | None,
    min_points: int,
    cap: int,
) -> list[tuple[int, Issue]]:
    """``(file, issue)`` pairs for cells of many files (a ``file`` column; else file 0)."""
    if history is None or history.empty or frame.empty:
        return []
    scored = outlier_scores(frame, history, min_points=min_points)
    flagged = scored[(scored["z"] > threshold).to_numpy()]
    if "file" not in flagged.columns:
        flagged = flagged.assign(file=0)
    flagged = flagged.groupby("file", sort=False).head(cap)
    out = []
    for file, ref, ind, month, raw, value, district, n, mean, z in zip(
        flagged["file"],
        flagged["cell"],
        flagged["indicator"].astype(str),
        flagged["month"],
        flagged["raw"],
        flagged["value"],
        flagged["district"].astype(str),
        flagged["n"],
        flagged["mean"],
        flagged["z"],
        strict=True,
    ):
        where = describe(catalog, ref, ind, int(month), district) if catalog else ref
        text = (
            f"{number(value)} is far from this district's usual figures for this indicator "
            f"(average {mean:,.1f} over {int(n)} months; {z:.1f} standard deviations away). "
            "Check the figure; if it is right, nothing needs to be done."
        )
        out.append(
            (
                int(file),
                make_issue(
                    "OUTLIER",
                    f"{where}: {text}",
                    cell=ref,
                    indicator=ind,
                    period=period(int(month)),
                    value=str(raw),
                ),
            )
        )
    return out
