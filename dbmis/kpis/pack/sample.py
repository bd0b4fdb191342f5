"""A hand-made :class:`PackData` for tests and previews (no database needed).

It covers the cases a renderer must handle: a monthly rate with a forecast and a full league
table, a yearly count for the year to date, a KPI without data or judgement, overdue actions,
decisions, a data-quality annex, and texts that look like markup or spreadsheet formulas.
"""

from __future__ import annotations

import math
from datetime import date

from dbmis.kpis.pack.model import (
    DEFAULT_CRITERIA,
    ActionItem,
    Criterion,
    DataQuality,
    DecisionItem,
    ForecastLine,
    InstitutionReporting,
    Judgement,
    KpiSection,
    League,
    LeagueRow,
    PackData,
    SeriesPoint,
)
from dbmis.periods import month_label, month_range

DISTRICTS = (
    ("QUETTA", "Quetta", "Quetta"),
    ("PISHIN", "Pishin", "Quetta"),
    ("KECH", "Kech", "Makran"),
    ("GWADAR", "Gwadar", "Makran"),
    ("SIBI", "Sibi", "Sibi"),
    ("ZHOB", "Zhob", "Zhob"),
    ("LORALAI", "Loralai", "Loralai"),
    ("KHUZDAR", "Khuzdar", "Kalat"),
    ("AWARAN", "Awaran", "Kalat"),
    ("NASIRABAD", "Nasirabad", "Nasirabad"),
    ("SHERANI", "Sherani", "Zhob"),
    ("CHAGAI", "Chagai", "Rakhshan"),
)


def _rate_section() -> KpiSection:
    first, last = 202301, 202609
    traj = []
    for m in month_range(202212, 202712):
        u = (month_range(202212, m).__len__() - 1) / 60
        traj.append((m, 7.5 + (3 * u * u - 2 * u**3) * 12.5))
    planned = dict(traj)
    series = []
    for i, m in enumerate(month_range(first, last)):
        actual = 7.4 + 0.09 * i + 0.6 * math.sin(i / 2.0)
        series.append(
            SeriesPoint(
                period=month_label(m),
                period_end=m,
                actual=round(actual, 2),
                planned=planned.get(m),
                completeness=0.7 if m == 202608 else 0.95,
                flagged=m == 202608,
                numerator=round(actual * 30),
                denominator=3000.0,
            )
        )
    rows = [
        LeagueRow(
            rank=i + 1,
            district=code,
            district_name=name,
            division_name=division,
            value=24.0 - i * 1.7,
            completeness=0.6 if code == "AWARAN" else 1.0,
            flagged=code == "AWARAN",
            status="on_track" if i < 4 else "off_track",
            numerator=100.0,
            denominator=1234.0 - i * 80,
        )
        for i, (code, name, division) in enumerate(DISTRICTS)
    ]
    league = League(
        period="2026Q3",
        best=tuple(rows[:5]),
        worst=tuple(rows[-5:]),
        ranked=len(rows),
        unranked=("Harnai",),
        flagged_count=1,
    )
    judgement = Judgement(
        likelihood="amber_red",
        rationale=(
            "Convictions rose in Quetta but fell in Makran, where prosecutors' posts are vacant. "
            "<script>alert('not markup')</script> stays text."
        ),
        criteria=tuple(
            Criterion(name=n, rating=r, comment=c)
            for n, r, c in zip(
                DEFAULT_CRITERIA,
                ("adequate", "weak", "adequate", "weak"),
                (
                    "Plan agreed with the Prosecutor General.",
                    "12 of 40 district prosecutor posts vacant.",
                    "Reforms started in 2024.",
                    "Below the plan for three quarters in a row.",
                ),
                strict=True,
            )
        ),
        previous="amber_green",
        previous_quarter="2026Q2",
        change="worsened",
        assessed_on=date(2026, 10, 20),
    )
    return KpiSection(
        code="CONVICTION_RATE",
        name="Conviction rate",
        short_name="Convictions",
        priority="Swift and certain justice",
        definition="Of every 100 criminal cases the courts decided, how many ended in a conviction.",
        source="Public Prosecution Department, monthly district returns",
        unit="percent",
        decimals=1,
        direction="up",
        headline=True,
        period="2026Q3",
        period_type="quarter",
        value=11.3,
        planned=13.93,
        status="off_track",
        completeness=0.93,
        baseline_value=7.5,
        baseline_period="2022",
        baseline_month=202212,
        target_value=20.0,
        target_period="2027-12",
        target_month=202712,
        tolerance=1.0,
        shape="s-curve",
        target_note="Baseline grounded: conviction rate reported at 5-10% before the reforms.",
        denominator_name="criminal cases decided by the courts",
        series_type="month",
        series=tuple(series),
        trajectory=tuple(traj),
        forecast=ForecastLine(
            start_month=202510,
            start_value=10.2,
            end_month=202712,
            end_value=13.1,
            meets_target=False,
            points_used=12,
        ),
        league=league,
        judgement=judgement,
        problems=("Vacant prosecutor posts in Makran Division.",),
        actions=(
            ActionItem(
                description="Fill the 12 vacant district prosecutor posts",
                owner="Prosecutor General",
                due=date(2026, 9, 30),
                status="in_progress",
                overdue=True,
                kpi="CONVICTION_RATE",
            ),
            ActionItem(
                description="=cmd|' /C calc'!A0",
                owner="+Home Department",
                due=date(2026, 12, 31),
                status="open",
                kpi="CONVICTION_RATE",
            ),
            ActionItem(
                description="-5 cases a month backlog review",
                owner="@DU analyst",
                due=None,
                status="done",
                kpi="CONVICTION_RATE",
            ),
        ),
        decisions=(
            DecisionItem(
                kind="asked",
                text="Approve the recruitment of 12 prosecutors outside the annual cycle.",
                kpi="CONVICTION_RATE",
            ),
            DecisionItem(
                kind="taken",
                text="Quarterly review of case files by the Prosecutor General.",
                decided_on=date(2026, 7, 15),
                kpi="CONVICTION_RATE",
            ),
        ),
    )


def _count_section() -> KpiSection:
    years = [(2022, 1180.0), (2023, 1530.0), (2024, 1880.0), (2025, 2210.0), (2026, 1650.0)]
    plan = {2022: 1200.0, 2023: 1560.0, 2024: 1920.0, 2025: 2280.0, 2026: 2640.0, 2027: 3000.0}
    series = (
        *(
            SeriesPoint(
                period=str(y),
                period_end=y * 100 + 12,
                actual=v,
                planned=plan[y],
                completeness=0.97,
                partial=y == 2026,
            )
            for y, v in years
        ),
        SeriesPoint(period="2027", period_end=202712, actual=None, planned=3000.0),
    )
    traj = tuple(
        (m, 1200.0 + 1800.0 * (len(month_range(202212, m)) - 1) / 60)
        for m in month_range(202212, 202712)
    )
    rows = tuple(
        LeagueRow(
            rank=i + 1,
            district=code,
            district_name=name,
            division_name=division,
            value=400.0 - 60 * i,
            completeness=1.0,
            flagged=False,
        )
        for i, (code, name, division) in enumerate(DISTRICTS[:4])
    )
    return KpiSection(
        code="PERSONNEL_TRAINED",
        name="Law enforcement and justice personnel trained",
        short_name="Personnel trained",
        priority="Protection of women and a capable justice workforce",
        definition="Number of police, Levies, prosecution, prison and other justice staff who completed a training course.",
        source="Justice sector training institutions, monthly district returns",
        unit="count",
        decimals=0,
        direction="up",
        period="2026",
        period_type="year",
        period_partial=True,
        value=1650.0,
        planned=2640.0,
        status="off_track",
        completeness=0.97,
        baseline_value=1200.0,
        baseline_period="2022",
        baseline_month=202212,
        target_value=3000.0,
        target_period="2027",
        target_month=202712,
        tolerance=300.0,
        shape="linear",
        series_type="year",
        series=series,
        trajectory=traj,
        league=League(period="2026", best=rows, ranked=len(rows)),
        judgement=Judgement(
            likelihood="green",
            rationale="Courses are booked for the rest of the year; the year-to-date count is as planned.",
            previous=None,
            change="new",
        ),
    )


def _empty_section() -> KpiSection:
    return KpiSection(
        code="LEGAL_AID_FUND_USE",
        name="Legal aid funds used",
        short_name="Legal aid spent",
        priority="Fair and humane custody",
        definition="Of every 100 rupees allocated for legal aid in the fiscal year, how many have been spent.",
        source="District Legal Empowerment Committees, monthly financial statements",
        unit="percent",
        decimals=1,
        direction="up",
        period="FY2026-27",
        period_type="fiscal_year",
        status="no_data",
        baseline_value=5.0,
        baseline_period="FY2021-22",
        baseline_month=202206,
        target_value=60.0,
        target_period="FY2026-27",
        target_month=202706,
        tolerance=5.0,
        shape="front-loaded",
        series_type="fiscal_year",
    )


def sample_pack(*, is_demo: bool = True) -> PackData:
    """A small but complete pack for quarter 2026Q3."""
    dq = DataQuality(
        quarter="2026Q3",
        months=(202607, 202608, 202609),
        deadline_days=15,
        institutions=(
            InstitutionReporting(
                institution="PROSECUTION",
                name="Public Prosecution Department",
                expected=111,
                on_time=95,
                late=9,
                pending=3,
                missing=4,
                late_districts=(("Awaran", 3), ("Sherani", 2), ("Dera Bugti", 1)),
                missing_districts=(("Awaran", 2), ("Harnai", 2)),
                pending_districts=(("Quetta", 1),),
            ),
            InstitutionReporting(
                institution="POLICE",
                name="Balochistan Police",
                expected=111,
                on_time=111,
                late=0,
                pending=0,
                missing=0,
            ),
        ),
    )
    return PackData(
        title="Rule of Law Roadmap",
        province="Balochistan",
        quarter="2026Q3",
        quarter_label="July–September 2026",
        generated_on=date(2026, 10, 25),
        data_through=202609,
        is_demo=is_demo,
        release_number=3,
        release_published_on=date(2026, 10, 20),
        release_through=202609,
        stocktake_title="Stocktake Q3 2026",
        stocktake_status="draft",
        meeting_date=date(2026, 10, 28),
        previous_quarter="2026Q2",
        completeness_threshold=0.8,
        kpis=(_rate_section(), _empty_section(), _count_section()),
        data_quality=dq,
        problems=("Late returns from three districts delay the figures.",),
        actions=(
            ActionItem(
                description="Remind focal points of the 15-day deadline",
                owner="Delivery Unit",
                due=date(2026, 8, 1),
                status="open",
                overdue=True,
            ),
        ),
        decisions=(DecisionItem(kind="asked", text="Endorse the data-sharing protocol."),),
    )
