"""Do the district trajectories of a KPI add up to the province's?

For counts (e.g. personnel trained per year) the district targets can be set so that they
add up to the province target; such district targets carry ``adds_up_to_province: true``.
:func:`district_sum_check` builds every district trajectory of those KPIs and compares their
sum with the province trajectory month by month, from the baseline to the target:

- the sum **adds up** when, at every month, it is within ``rel_tolerance`` (0.5% by default)
  of the province's planned value, and every trajectory starts at the same month (the
  baselines are for the same period);
- a district **without a district target** is listed as missing: it breaks the sum unless
  its share is zero (the sum then still adds up, but the district has no plan of its own);
- a district target of the KPI without the flag is still counted, and named in the notes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from dbmis.catalog.catalog import Catalog
from dbmis.kpis.trajectory import Trajectory, build_trajectory, planned_value
from dbmis.periods import month_label, month_range

DEFAULT_REL_TOLERANCE = 0.005


@dataclass(frozen=True)
class SumCheck:
    """The result of the sum check for one KPI.

    ``worst_gap`` is the districts' sum minus the province's planned value at
    ``worst_month`` (the month with the largest relative gap); ``districts_baseline`` and
    ``districts_target`` are the districts' sums at the province's start and end months
    (NaN when a district's trajectory has not started by then).
    """

    kpi: str
    adds_up: bool
    rel_tolerance: float
    months_checked: int
    worst_month: int | None
    worst_gap: float
    worst_relative_gap: float
    province_baseline: float
    districts_baseline: float
    province_target: float
    districts_target: float
    districts: tuple[str, ...]
    missing_districts: tuple[str, ...]
    notes: tuple[str, ...] = ()

    def summary(self) -> str:
        """One line for a CLI or a log."""
        verdict = "add up" if self.adds_up else "do NOT add up"
        text = f"{self.kpi}: the districts {verdict} to the province"
        if self.worst_month is not None:
            text += (
                f" (worst {month_label(self.worst_month)}: {self.worst_gap:+g},"
                f" {self.worst_relative_gap:.2%})"
            )
        if self.missing_districts:
            text += f"; no district target: {', '.join(self.missing_districts)}"
        return text


def _relative(gap: float, reference: float) -> float:
    if reference != 0:
        return abs(gap) / abs(reference)
    return 0.0 if abs(gap) < 1e-12 else math.inf


def _sum_at(district_trajs: list[Trajectory], month: int) -> float:
    total = 0.0
    for t in district_trajs:
        value = planned_value(t, month)
        if value is None:
            return math.nan
        total += value
    return total


def _check_kpi(catalog: Catalog, kpi_code: str, rel_tolerance: float) -> SumCheck:
    fy = catalog.roadmap.fiscal_year_start_month
    targets = catalog.targets_of(kpi_code)
    notes: list[str] = []
    kpi = catalog.kpi_by_code.get(kpi_code)
    if kpi is not None and kpi.denominator:
        notes.append("the KPI is a ratio: district ratios do not add up to the province's")
    district_trajs: list[Trajectory] = []
    covered: set[str] = set()
    order = {d.code: i for i, d in enumerate(catalog.districts)}
    for t in targets:
        if t.is_province:
            continue
        if not t.adds_up_to_province:
            notes.append(
                f"district target for {', '.join(t.scope)} is counted but lacks "
                "adds_up_to_province: true"
            )
        for d in t.scope:
            covered.add(d)
            district_trajs.append(build_trajectory(t, fy, district=d))
    district_trajs.sort(key=lambda tr: (order.get(tr.scope, len(order)), tr.scope))
    districts = tuple(tr.scope for tr in district_trajs)
    missing = tuple(d.code for d in catalog.districts if d.code not in covered)

    province_targets = [t for t in targets if t.is_province]
    if not province_targets:
        notes.append("the KPI has no province target")
        return SumCheck(
            kpi=kpi_code,
            adds_up=False,
            rel_tolerance=rel_tolerance,
            months_checked=0,
            worst_month=None,
            worst_gap=math.nan,
            worst_relative_gap=math.nan,
            province_baseline=math.nan,
            districts_baseline=_sum_at(district_trajs, district_trajs[0].start_month),
            province_target=math.nan,
            districts_target=_sum_at(district_trajs, district_trajs[0].end_month),
            districts=districts,
            missing_districts=missing,
            notes=tuple(notes),
        )
    province = build_trajectory(province_targets[0], fy)

    same_start = True
    for tr in district_trajs:
        if tr.start_month != province.start_month:
            same_start = False
            notes.append(
                f"{tr.scope}'s trajectory starts at {month_label(tr.start_month)}, the "
                f"province's at {month_label(province.start_month)}"
            )
        if tr.end_month != province.end_month:
            notes.append(
                f"{tr.scope}'s trajectory ends at {month_label(tr.end_month)}, the "
                f"province's at {month_label(province.end_month)}"
            )

    first = max([province.start_month, *(tr.start_month for tr in district_trajs)])
    last = max([province.end_month, *(tr.end_month for tr in district_trajs)])
    worst_month: int | None = None
    worst_gap, worst_rel = 0.0, -1.0
    months = month_range(first, last)
    for month in months:
        expected = planned_value(province, month)
        assert expected is not None  # month >= every start
        gap = _sum_at(district_trajs, month) - expected
        rel = _relative(gap, expected)
        if rel > worst_rel:
            worst_month, worst_gap, worst_rel = month, gap, rel
    return SumCheck(
        kpi=kpi_code,
        adds_up=same_start and worst_rel <= rel_tolerance,
        rel_tolerance=rel_tolerance,
        months_checked=len(months),
        worst_month=worst_month,
        worst_gap=worst_gap,
        worst_relative_gap=worst_rel,
        province_baseline=province.baseline_value,
        districts_baseline=_sum_at(district_trajs, province.start_month),
        province_target=province.target_value,
        districts_target=_sum_at(district_trajs, province.end_month),
        districts=districts,
        missing_districts=missing,
        notes=tuple(notes),
    )


def district_sum_check(
    catalog: Catalog, *, rel_tolerance: float = DEFAULT_REL_TOLERANCE
) -> list[SumCheck]:
    """One :class:`SumCheck` per KPI with district targets flagged ``adds_up_to_province``,
    in the catalog's KPI order."""
    flagged = {t.kpi for t in catalog.targets if not t.is_province and t.adds_up_to_province}
    codes = [k.code for k in catalog.kpis if k.code in flagged]
    codes += sorted(flagged - set(codes))  # targets of a KPI the catalog does not list
    return [_check_kpi(catalog, code, rel_tolerance) for code in codes]
