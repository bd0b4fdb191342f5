"""Checks on demo data: catalog rules and bounds on tidy values, and province KPIs by year.

These work on the tidy frames of :class:`~dbmis.demo.synth.DemoData` and the catalog only, so the
tests prove the demo data against the catalog generically (no rule is hard-coded). The KPI
figures here are a plain re-computation for the demo's own checks and report; the dashboards
use :mod:`dbmis.kpis`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dbmis.catalog import Catalog
from dbmis.catalog.models import Severity, Temporal
from dbmis.demo.synth import OPS, DemoData


def rule_violations(
    catalog: Catalog, values: pd.DataFrame, *, severity: Severity | None = Severity.error
) -> pd.DataFrame:
    """Every district-month where a rule fails: rule, district, month, left, right.

    ``sum(left) op factor x sum(right)``, skipped where a side has a blank value.
    """
    wide = values.pivot(index=["district", "month"], columns="indicator", values="value")
    found = []
    for rule in catalog.rules:
        if severity is not None and rule.severity is not severity:
            continue
        codes = [*rule.left, *rule.right]
        if not set(codes) <= set(wide.columns):
            continue
        left = wide[rule.left].sum(axis=1, min_count=len(rule.left))
        right = wide[rule.right].sum(axis=1, min_count=len(rule.right)) * rule.factor
        known = left.notna() & right.notna()
        bad = known & ~OPS[rule.op](left, right)
        if bad.any():
            rows = left[bad].index.to_frame(index=False)
            rows.insert(0, "rule", rule.code)
            rows["left"] = left[bad].to_numpy()
            rows["right"] = right[bad].to_numpy()
            found.append(rows)
    columns = ["rule", "district", "month", "left", "right"]
    return pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=columns)


def bound_violations(catalog: Catalog, values: pd.DataFrame) -> pd.DataFrame:
    """Values below an indicator's min, above its max, or not whole where whole numbers are due."""
    meta = pd.DataFrame(
        {
            "indicator": [i.code for i in catalog.indicators],
            "lo": [i.min for i in catalog.indicators],
            "hi": [np.inf if i.max is None else i.max for i in catalog.indicators],
            "whole": [i.whole_numbers for i in catalog.indicators],
        }
    )
    v = values.merge(meta, on="indicator", how="left")
    x = v["value"]
    bad = x.notna() & ((x < v["lo"]) | (x > v["hi"]) | (v["whole"] & (x != np.round(x))))
    return values[bad.to_numpy()]


def _period_key(months: pd.Series, by: str, fiscal_start: int) -> pd.Series:
    year = months // 100
    if by == "fiscal_year":
        start = np.where(months % 100 >= fiscal_start, year, year - 1)
        return pd.Series([f"FY{s}-{(s + 1) % 100:02d}" for s in start], index=months.index)
    return year.astype(str)


def _aggregate(catalog: Catalog, frame: pd.DataFrame, codes: list[str]) -> pd.Series:
    """Province total of the indicators per period: flows summed, stocks at the period's end."""
    parts = []
    for code in codes:
        rows = frame[frame["indicator"] == code]
        if catalog.indicator_by_code[code].temporal is Temporal.last:
            # each district's last reported month of the period
            rows = rows.sort_values("month").groupby(["period", "district"]).tail(1)
        parts.append(rows.groupby("period")["value"].sum())
    return sum(parts[1:], parts[0]) if parts else pd.Series(dtype=float)


def province_kpis(
    catalog: Catalog, data: DemoData, *, by: str = "year", reported: bool = True
) -> pd.DataFrame:
    """Each KPI of the catalog for the province per calendar year (or ``fiscal_year``).

    A ratio of sums over districts and months; stocks take each district's last reported month
    of the period; averages are weighted by their weight indicator. Rows: kpi, period, value.
    """
    frame = data.reported() if reported else data.values.dropna(subset=["value"])
    frame = frame.assign(
        period=_period_key(frame["month"], by, catalog.roadmap.fiscal_year_start_month)
    )
    out = []
    for kpi in catalog.kpis:
        num_codes = kpi.numerator
        first = catalog.indicator_by_code[num_codes[0]]
        if first.temporal is Temporal.average and first.weight:
            rows = frame[frame["indicator"].isin([first.code, first.weight])]
            wide = rows.pivot_table(
                index=["period", "district", "month"], columns="indicator", values="value"
            ).dropna()
            weighted = (wide[first.code] * wide[first.weight]).groupby("period").sum()
            value = weighted / wide[first.weight].groupby("period").sum() * kpi.factor
        else:
            value = _aggregate(catalog, frame, num_codes) * kpi.factor
            if kpi.denominator:
                value = value / _aggregate(catalog, frame, kpi.denominator)
        out.append(pd.DataFrame({"kpi": kpi.code, "period": value.index, "value": value.values}))
    return pd.concat(out, ignore_index=True)


def kpi_table(catalog: Catalog, data: DemoData, *, by: str = "year") -> pd.DataFrame:
    """Province KPIs as a table (one row per KPI, one column per period) with baseline and target."""
    table = province_kpis(catalog, data, by=by).pivot(index="kpi", columns="period", values="value")
    table = table.reindex([k.code for k in catalog.kpis])
    targets = {
        k.code: catalog.province_target(k.code) for k in catalog.kpis if catalog.targets_of(k.code)
    }
    table.insert(
        0, "baseline", [targets[k].baseline.value if k in targets else np.nan for k in table.index]
    )
    table.insert(
        1, "target", [targets[k].target.value if k in targets else np.nan for k in table.index]
    )
    return table
