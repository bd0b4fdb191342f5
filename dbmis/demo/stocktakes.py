"""The demo's stocktakes: a judgement for every KPI, problems, actions and decisions, dated at
the quarter's routine (:func:`dbmis.demo.timeline.routine_dates`).

Each judgement is derived from the KPI's status against its trajectory in the release of the
quarter (with a rationale and the four criteria); the problems name the lagging districts;
actions have owners and due dates (the earlier stocktake's have moved on since: some done,
some in progress); the Steering Committee is asked for one decision and takes another.
Everything goes through :mod:`dbmis.kpis.stocktake`, so it is audited; everything is synthetic
and says so.
"""

from __future__ import annotations

import zlib
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import pandas as pd

from dbmis.catalog import Catalog
from dbmis.catalog.models import Kpi, Unit
from dbmis.demo.timeline import routine_dates
from dbmis.kpis import stocktake as st
from dbmis.periods import parse_period
from dbmis.warehouse import Database
from dbmis.warehouse.queries.releases import list_releases, release_values

if TYPE_CHECKING:
    from dbmis.demo.routine import RoutineReport

STEP = timedelta(minutes=4)
"""Between two entries recorded one after the other."""


def _present(row: pd.DataFrame, name: str) -> bool:
    return bool(len(row)) and bool(pd.notna(row[name].iloc[0]))


def _number(row: pd.DataFrame, name: str) -> float | None:
    return float(row[name].iloc[0]) if _present(row, name) else None


class DemoStocktakes:
    """Records the demo's stocktakes (see the module doc)."""

    def __init__(self, db: Database, catalog: Catalog, reviewer: str, report: RoutineReport):
        self.db, self.catalog, self.reviewer, self.report = db, catalog, reviewer, report

    def stocktake(self, label: str, *, moved_on: datetime | None) -> None:
        """The stocktake of ``label``; ``moved_on``: when its actions moved on (an earlier
        stocktake's, by the next one), or None."""
        dates = routine_dates(label)
        st.create(
            self.db,
            label,
            f"Stocktake {label} (demo data)",
            self.reviewer,
            meeting_date=dates.meeting,
            now=dates.opened,
        )
        self.report.stocktakes.append(label)
        values = self._release_values(label)
        ranked: list[tuple[int, Kpi]] = []
        for n, kpi in enumerate(self.catalog.kpis):
            level = self._judge(label, kpi, values, dates.judged + n * STEP)
            ranked.append((st.LIKELIHOOD_ORDER.index(level), kpi))
        ranked.sort(key=lambda pair: (pair[0], pair[1].code))  # worst first
        worst = [k for _, k in ranked[:3]]
        self._problems_and_actions(label, worst, values, dates.meeting, dates.meeting_at, moved_on)

    def _release_values(self, label: str) -> pd.DataFrame:
        through = parse_period(label).last
        with self.db.read() as conn:
            found = [r for r in list_releases(conn) if r.through_month >= through]
            if not found:
                return pd.DataFrame(columns=["kpi", "geo_level", "geo_code", "period"])
            release = min(found, key=lambda r: r.number)
            return release_values(conn, release.id, period_type="quarter")

    def _judge(self, label: str, kpi: Kpi, values: pd.DataFrame, at: datetime) -> str:
        row = values[
            (values["kpi"] == kpi.code)
            & (values["geo_level"] == "province")
            & (values["period"] == label)
        ]
        value, planned = _number(row, "value"), _number(row, "planned")
        status = str(row["status"].iloc[0]) if _present(row, "status") else None
        ahead = (
            value is not None
            and planned is not None
            and ((value >= planned) if kpi.direction.value == "up" else (value <= planned))
        )
        level, progress = {
            "target_met": ("green", "strong"),
            "on_track": ("green" if ahead else "amber_green", "strong" if ahead else "adequate"),
            "at_risk": ("amber_red", "adequate"),
            "off_track": ("red", "weak"),
        }.get(status or "", ("amber_red" if value is None else "amber_green", "weak"))
        seed = zlib.crc32(f"{kpi.code}{label}".encode())
        better = {"green": 0, "amber_green": 0, "amber_red": 1, "red": 2}[level]
        criteria = {
            "planning": st.RATINGS[min(2, (seed % 2) + better // 2)],
            "capacity": st.RATINGS[min(2, ((seed >> 3) % 2) + better // 2)],
            "stage": st.RATINGS[min(2, ((seed >> 5) % 2) + (1 if better else 0))],
            "progress": progress,
        }
        st.judge(
            self.db,
            label,
            kpi.code,
            level,
            self._rationale(kpi, label, value, planned, status, level),
            criteria,
            self.reviewer,
            now=at,
        )
        self.report.judgements += 1
        return level

    def _fmt(self, kpi: Kpi, value: float) -> str:
        text = f"{value:,.{kpi.decimals}f}"
        return f"{text}%" if kpi.unit is Unit.percent else text

    def _rationale(
        self,
        kpi: Kpi,
        label: str,
        value: float | None,
        planned: float | None,
        status: str | None,
        level: str,
    ) -> str:
        name = kpi.name.en
        if value is None:
            fact = f"{name} cannot be computed for {label}: too few approved returns."
        elif planned is None:
            fact = f"{name} was {self._fmt(kpi, value)} in {label}; no trajectory is agreed yet."
        else:
            words = (status or "no status").replace("_", " ")
            fact = (
                f"{name} was {self._fmt(kpi, value)} in {label} against a planned "
                f"{self._fmt(kpi, planned)} ({words})."
            )
        outlook = {
            "green": "The delivery chain is working; keep the routines going.",
            "amber_green": "Delivery is probable if the open actions are completed on time.",
            "amber_red": "Delivery is in doubt: the districts that lag need support this quarter.",
            "red": "Delivery is unlikely without a change of course; escalated to the SC.",
        }[level]
        return f"Demo judgement (synthetic data). {fact} {outlook}"

    def _lagging(self, kpi: Kpi, values: pd.DataFrame, label: str) -> list[str]:
        rows = values[
            (values["kpi"] == kpi.code)
            & (values["geo_level"] == "district")
            & (values["period"] == label)
            & values["value"].notna()
        ]
        ordered = rows.sort_values("value", ascending=kpi.direction.value == "up")
        names = self.catalog.district_by_code
        return [names[c].name.en for c in ordered["geo_code"].head(2) if c in names]

    def _owner(self, kpi: Kpi) -> str:
        codes = [*kpi.numerator, *kpi.denominator]
        institution = self.catalog.indicator_by_code[codes[0]].institution
        return f"{self.catalog.institution_by_code[institution].short.en} headquarters (demo)"

    def _problems_and_actions(
        self,
        label: str,
        worst: list[Kpi],
        values: pd.DataFrame,
        meeting: date,
        at: datetime,
        moved_on: datetime | None,
    ) -> None:
        clock = iter(at + n * STEP for n in range(1000))
        for n, kpi in enumerate(worst):
            lagging = self._lagging(kpi, values, label)
            where = " and ".join(lagging) if lagging else "several districts"
            st.add_problem(
                self.db,
                label,
                f"{where} lag furthest behind on {kpi.short_name.en.lower()} this quarter (demo).",
                kpi=kpi.code,
                raised_by=self.reviewer,
                now=next(clock),
            )
            self.report.problems += 1
            action_id = st.add_action(
                self.db,
                label,
                f"Hold a delivery review of {kpi.short_name.en.lower()} with the heads of "
                f"{where}, and agree a recovery plan (demo).",
                self._owner(kpi),
                kpi=kpi.code,
                due_date=meeting + timedelta(days=30 + 30 * n),
                created_by=self.reviewer,
                now=next(clock),
            )
            self.report.actions += 1
            status = ("done", "in_progress", "open")[n % 3] if moved_on else "open"
            if status != "open" and moved_on is not None:  # moved on by the next stocktake
                st.set_action_status(
                    self.db, action_id, status, changed_by=self.reviewer, now=moved_on + n * STEP
                )
        st.add_problem(
            self.db,
            label,
            "Monthly returns from several district offices arrive after the deadline, which "
            "delays review and publication (demo).",
            raised_by=self.reviewer,
            now=next(clock),
        )
        self.report.problems += 1
        if worst:
            st.add_decision(
                self.db,
                label,
                "asked",
                f"The SC is asked to direct the {self._owner(worst[0]).removesuffix(' (demo)')} "
                f"to assign a named lead for {worst[0].short_name.en.lower()} in each lagging "
                "district (demo).",
                kpi=worst[0].code,
                recorded_by=self.reviewer,
                now=next(clock),
            )
            self.report.decisions += 1
        st.add_decision(
            self.db,
            label,
            "taken",
            "The SC directed all institutions to submit monthly returns by the 10th of the "
            "following month (demo).",
            decided_at=meeting,
            recorded_by=self.reviewer,
            now=next(clock),
        )
        self.report.decisions += 1


__all__ = ["DemoStocktakes"]
