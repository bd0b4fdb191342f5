"""Synthetic, realistic monthly district returns for the demo (fixed seed, vectorised numpy).

:func:`generate` returns a :class:`DemoData`: every district x indicator x month value from the
first to the last month asked for, plus the realistic gaps and faults a Delivery Unit meets
(returns never sent, late returns, data-entry slips, files that ingest must reject).

How the numbers are made (see :mod:`dbmis.demo.facts` for the illustrative inputs):

- Size: each district has a population weight (Quetta largest; Sherani, Ziarat, Harnai small),
  a crime factor and a police / Levies split. Counts are negative-binomial draws around
  size x rate x seasonality, always whole numbers.
- KPIs: each KPI of the catalog with a province target moves from its baseline towards its
  target along the target's shape (s-curve, front-loaded, milestones ...). District baselines
  and targets come from the catalog's district targets where there are some, otherwise they are
  spread around the province's and calibrated so that the province's ratio of sums lands on the
  catalog's baseline. Each district makes its own share of the planned progress (some beat the
  trajectory, some lag it, some start late) around the demo's story (``facts.STORY``), with
  slow noise on top.
- Consistency: "of which" indicators are drawn from their totals (convictions ~ Binomial(cases
  decided, conviction rate)), stocks follow their flows (pending = pending last month +
  instituted - disposed), legal aid funds are fiscal-year-to-date stocks that reset in July, and
  prisoners by category add up to at most the total. Every ERROR rule of the catalog holds on
  every generated row; :func:`generate` checks it and raises otherwise. Warning rules may fail
  now and then, as they do in real returns.
- Average indicators (e.g. average days to dispose of a case) have no value in a month whose
  weight is 0 (no case disposed): their value is NaN and the cell stays blank.

Everything is deterministic for a given seed: each part of the model draws from its own random
stream, named after it.
"""

from __future__ import annotations

import operator
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from dbmis.catalog import Catalog
from dbmis.catalog.models import Rule, Severity, Shape, Target, Temporal, Unit
from dbmis.demo import facts
from dbmis.ingest import layout as L
from dbmis.periods import add_months, month_range, parse_period, split_month

FAULT_KINDS: tuple[str, ...] = (
    "convictions_above_decided",
    "undertrial_above_total",
    "negative_count",
    "text_in_number",
    "formula_in_value",
    "future_month",
    "wrong_district",
)
"""The kinds of broken file the demo produces; ingest must reject each of them."""

OPS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
    "==": operator.eq,
    "!=": operator.ne,
}


# --- the result --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BrokenFile:
    """A district x institution x year file the demo breaks on purpose: ingest must reject it.

    ``district`` is the uploader's district (the file is named for it). ``cell`` is the cell the
    fault is written to (``Data!F12``), ``value`` what it holds; for ``wrong_district``, ``value``
    is the code of the district the file wrongly carries and ``cell`` is the district cell.
    """

    district: str
    institution: str
    year: int
    kind: str
    indicator: str | None
    month: int | None
    cell: str
    value: object
    description: str


@dataclass(frozen=True, eq=False)
class DemoData:
    """The demo dataset. All frames are tidy; months are ``YYYYMM`` integers.

    - ``values``: district, institution, indicator, month, value for every district x indicator
      x month, as the focal point reports it (data-entry slips in ``outliers`` included). NaN only
      for an average indicator whose weight is 0 that month.
    - ``missing``: district, institution, month, reason: returns never sent (the cells stay
      blank in the files and are not in :meth:`reported`).
    - ``late``: district, institution, month, due_on, submitted_on, delay_days, on_time for every
      return that was sent.
    - ``submissions``: district, institution, year, months_reported, first_submitted_on,
      submitted_on (the last revision of the year file, when its latest month was added).
    - ``outliers``: district, institution, indicator, month, true_value, value, factor: values
      typed x10 or /10 by mistake; within bounds and rules, so they are warnings, not errors.
    - ``broken_files``: the files ingest must reject (see :class:`BrokenFile`).
    """

    seed: int
    first_month: int
    last_month: int
    districts: tuple[str, ...]
    institutions: tuple[str, ...]
    indicators: tuple[str, ...]
    months: tuple[int, ...]
    values: pd.DataFrame
    missing: pd.DataFrame
    late: pd.DataFrame
    submissions: pd.DataFrame
    outliers: pd.DataFrame
    broken_files: tuple[BrokenFile, ...]
    jails: tuple[str, ...]
    cube: np.ndarray = field(repr=False)
    """values as an array [indicator, district, month index], catalog order."""
    sent: np.ndarray = field(repr=False)
    """whether a return was sent, as an array [district, institution, month index]."""
    indicator_institution: np.ndarray = field(repr=False)
    """for each indicator of ``indicators``, the index of its institution in ``institutions``."""

    @property
    def years(self) -> list[int]:
        return list(range(self.first_month // 100, self.last_month // 100 + 1))

    def reported(self) -> pd.DataFrame:
        """``values`` without the returns never sent and without blank (NaN) values."""
        mask = self.sent[:, self.indicator_institution, :].transpose(1, 0, 2).ravel()
        out = self.values[mask]
        return out[out["value"].notna()].reset_index(drop=True)

    def grid(self, district: str, institution: str, year: int) -> np.ndarray:
        """The values of one file: [indicator of the institution, calendar month 0..11], NaN = blank."""
        d = self.districts.index(district)
        i = self.institutions.index(institution)
        rows = np.flatnonzero(self.indicator_institution == i)
        out = np.full((len(rows), L.MONTHS), np.nan)
        for t, month in enumerate(self.months):
            if month // 100 == year and self.sent[d, i, t]:
                out[:, month % 100 - 1] = self.cube[rows, d, t]
        return out

    def broken_for(self, district: str, institution: str, year: int) -> list[BrokenFile]:
        return [
            b
            for b in self.broken_files
            if (b.district, b.institution, b.year) == (district, institution, year)
        ]


# --- time and trajectories ---------------------------------------------------------------------


def _decimal_end(month: int) -> float:
    """The end of a month as a decimal year: 202212 -> 2023.0."""
    year, mon = split_month(month)
    return year + mon / 12


def _period_end(label: str, fiscal_start: int) -> float:
    return _decimal_end(parse_period(label, fiscal_start).last)


def _shape_fraction(shape: Shape, u: np.ndarray) -> np.ndarray:
    u = np.clip(u, 0.0, 1.0)
    if shape is Shape.front_loaded:
        return 1 - (1 - u) ** 2
    if shape is Shape.back_loaded:
        return u**2
    if shape is Shape.s_curve:
        return u * u * (3 - 2 * u)
    return u


def planned_fraction(target: Target, t: np.ndarray, fiscal_start: int = 7) -> np.ndarray:
    """Share (0..1) of the way from baseline to target planned at decimal times ``t``."""
    t0 = _period_end(target.baseline.period, fiscal_start)
    t1 = _period_end(target.target.period, fiscal_start)
    base, goal = target.baseline.value, target.target.value
    if target.shape is Shape.milestones and target.milestones and goal != base:
        xs = [t0] + [_period_end(m.period, fiscal_start) for m in target.milestones] + [t1]
        ys = [0.0] + [(m.value - base) / (goal - base) for m in target.milestones] + [1.0]
        return np.interp(t, xs, ys)
    return _shape_fraction(target.shape, (t - t0) / max(t1 - t0, 1e-9))


# --- random helpers ----------------------------------------------------------------------------


def _nb(rng: np.random.Generator, lam: np.ndarray, k: float = 40.0) -> np.ndarray:
    """Negative-binomial counts with mean ``lam`` (a Poisson-gamma mixture, shape k)."""
    lam = np.clip(np.nan_to_num(lam), 0, None)
    return rng.poisson(lam * rng.gamma(k, 1 / k, size=lam.shape)).astype(float)


def _binom(rng: np.random.Generator, n: np.ndarray, p: np.ndarray | float) -> np.ndarray:
    p = np.clip(np.broadcast_to(p, np.shape(n)), 0.0, 1.0)
    return rng.binomial(np.asarray(n, dtype=np.int64), p).astype(float)


def _ar1(rng: np.random.Generator, shape: tuple[int, int], sd: float, phi: float) -> np.ndarray:
    """Stationary AR(1) noise along the last axis, standard deviation ``sd``."""
    eps = rng.normal(0, sd * np.sqrt(1 - phi**2), size=shape)
    out = np.empty(shape)
    out[:, 0] = rng.normal(0, sd, size=shape[0])
    for t in range(1, shape[1]):
        out[:, t] = phi * out[:, t - 1] + eps[:, t]
    return out


def _walk(rng: np.random.Generator, shape: tuple[int, int], sd: float, lo: float, hi: float,
          start: np.ndarray) -> np.ndarray:  # fmt: skip
    """A bounded random walk along the last axis, starting at ``start``."""
    out = np.empty(shape)
    out[:, 0] = start
    steps = rng.normal(0, sd, size=shape)
    for t in range(1, shape[1]):
        out[:, t] = np.clip(out[:, t - 1] + steps[:, t], lo, hi)
    return out


def _normalised(season: list[float]) -> np.ndarray:
    arr = np.asarray(season, dtype=float)
    return arr / arr.mean()


TRAINING_SEASON = _normalised([1.0, 1.1, 1.15, 1.1, 1.05, 0.9, 0.7, 0.75, 1.1, 1.15, 1.1, 0.8])
COURT_COLD = _normalised([0.5, 0.75, 1.1, 1.1, 1.1, 1.1, 1.1, 1.1, 1.1, 1.1, 1.1, 0.95])
COURT_HOT = _normalised([1.1, 1.1, 1.1, 1.1, 1.05, 0.6, 0.5, 0.9, 1.1, 1.1, 1.1, 1.05])


# --- the model ---------------------------------------------------------------------------------


class _Model:
    """Builds every known indicator as a [district, month] array."""

    def __init__(self, catalog: Catalog, months: list[int], seed: int) -> None:
        self.cat = catalog
        self.seed = seed
        self.fy_start = catalog.roadmap.fiscal_year_start_month
        self.codes = [d.code for d in catalog.districts]
        self.D, self.T = len(self.codes), len(months)
        self.months = np.asarray(months)
        self.year = self.months // 100
        self.moy = self.months % 100
        self.t = self.year + self.moy / 12  # decimal time at month end
        self.elapsed = self.t - self.t[0]  # years since the first month
        self.out: dict[str, np.ndarray] = {}
        rng = self.rng("sizes")
        pop = np.array([facts.POPULATION_K.get(c, np.nan) for c in self.codes])
        unknown = np.isnan(pop)
        pop[unknown] = rng.lognormal(np.log(300), 0.6, size=int(unknown.sum()))
        self.share = pop / pop.sum()
        crime = rng.lognormal(0, 0.25, size=self.D)
        police = rng.uniform(0.3, 0.85, size=self.D)
        for i, c in enumerate(self.codes):
            crime[i] = facts.CRIME_FACTOR.get(c, crime[i])
            police[i] = facts.POLICE_SHARE.get(c, police[i])
        self.crime, self.police = crime, police
        jails = np.array([c in facts.JAIL_CAPACITY for c in self.codes])
        if not jails.any():  # another province: the largest third of districts have a jail
            jails = self.share >= np.quantile(self.share, 2 / 3)
        self.jail = jails

    # each part of the model draws from its own stream, so changing one leaves the rest alone
    def rng(self, name: str) -> np.random.Generator:
        return np.random.default_rng(np.random.SeedSequence([self.seed, zlib.crc32(name.encode())]))

    def col(self, values: np.ndarray) -> np.ndarray:
        return np.asarray(values, dtype=float)[:, None]

    # --- KPI levels ----------------------------------------------------------------------------

    def kpi_levels(
        self,
        code: str,
        weight: np.ndarray,
        *,
        spread: float = 0.2,
        noise: float = 0.06,
        phi: float = 0.85,
        total: bool = False,
        t: np.ndarray | None = None,
    ) -> np.ndarray:
        """The KPI's value per district and month, drifting unevenly from baseline to target.

        ``weight``: the expected denominator per district (0 = the KPI does not apply there), used
        to calibrate the district levels so that the province's ratio of sums (or, with
        ``total``, the sum) lands on the catalog's baseline and target.
        """
        rng = self.rng(f"kpi:{code}")
        t = self.t if t is None else t
        w = np.asarray(weight, dtype=float)
        targets = self.cat.targets_of(code)
        province = next((x for x in targets if x.is_province), None)
        if province is None:
            base, goal = facts.DEFAULT_LEVELS[code]
            first = self.months[0] // 100
            province = Target.model_validate(
                {
                    "kpi": code,
                    "scope": "province",
                    "baseline": {"period": str(first), "value": base},
                    "target": {"period": str(first + 5), "value": goal},
                    "shape": "linear",
                    "tolerance": 1,
                }
            )
        own_target: list[Target | None] = [self.cat.district_target(code, c) for c in self.codes]
        own = np.array([x is not None for x in own_target])
        b = np.zeros(self.D)
        g = np.zeros(self.D)
        for i, x in enumerate(own_target):
            if x is not None:
                b[i], g[i] = x.baseline.value, x.target.value
        rest = ~own & (w > 0)
        f = rng.lognormal(0, spread, size=self.D)
        f2 = np.sqrt(f) * rng.lognormal(0, spread / 2, size=self.D)
        base, goal = province.baseline.value, province.target.value
        if rest.any():
            if total:  # district values add up to the province's
                share = w * f / (w * f)[rest].sum()
                share2 = w * f2 / (w * f2)[rest].sum()
                b[rest] = max(base - b[own].sum(), 0.05 * base) * share[rest]
                g[rest] = max(goal - g[own].sum(), 0.05 * goal) * share2[rest]
            else:  # weighted means of the districts equal the province's
                wr = w[rest].sum()
                b_rest = (base * w.sum() - (w * b)[own].sum()) / wr
                g_rest = (goal * w.sum() - (w * g)[own].sum()) / wr
                b_rest = b_rest if b_rest > 0 else 0.5 * base
                g_rest = g_rest if g_rest > 0 else 0.5 * goal
                b[rest] = b_rest * f[rest] / ((w * f)[rest].sum() / wr)
                g[rest] = g_rest * f2[rest] / ((w * f2)[rest].sum() / wr)
        # how much of the planned progress each district makes, and when it starts
        story = facts.STORY.get(code, 1.0)
        perf = rng.lognormal(0, 0.35, size=self.D)
        wp = np.where(w > 0, w, 0) + 1e-12
        perf = np.clip(perf * story / ((wp * perf).sum() / wp.sum()), 0.05, 1.6)
        lag = np.where(rng.random(self.D) < 0.3, rng.integers(3, 13, size=self.D), 0) / 12
        frac = np.empty((self.D, len(t)))
        for i, x in enumerate(own_target):
            frac[i] = planned_fraction(x or province, t - lag[i], self.fy_start)
        progress = np.clip(perf[:, None] * frac, 0, 1.25)
        level = b[:, None] + (g - b)[:, None] * progress
        return level * np.exp(_ar1(rng, (self.D, len(t)), noise, phi))

    # --- institutions ----------------------------------------------------------------------------

    def crime_flow(self, per_month: float, growth: float = 0.03) -> np.ndarray:
        """Expected monthly count: province rate x district size x crime x season x trend."""
        season = 1 + 0.08 * np.cos(2 * np.pi * (self.moy - 7) / 12)
        trend = 1 + growth * self.elapsed
        return per_month * self.col(self.share * self.crime) * (season * trend)[None, :]

    def police_and_levies(self) -> None:
        rng = self.rng("police")
        fir = self.crime_flow(1800)
        pol_fir_lam = fir * self.col(self.police)
        lev_fir_lam = fir * self.col(1 - self.police) * 0.9
        timely = self.kpi_levels("TIMELY_CHALLAN_RATE", (pol_fir_lam + lev_fir_lam).mean(1))
        p_timely = np.clip(timely / 100, 0.02, 0.97)
        interim_p = np.clip(
            self.col(rng.uniform(0.22, 0.35, self.D)) - 0.02 * self.elapsed, 0.05, 0.5
        )
        for prefix, lam, challan_rate in (("POL", pol_fir_lam, 0.65), ("LEV", lev_fir_lam, 0.55)):
            firs = _nb(rng, lam)
            submitted = _nb(rng, lam * challan_rate)
            self.out[f"{prefix}_FIR_REGISTERED"] = firs
            self.out[f"{prefix}_CHALLANS_SUBMITTED"] = submitted
            self.out[f"{prefix}_CHALLANS_WITHIN_14_DAYS"] = _binom(rng, submitted, p_timely)
            self.out[f"{prefix}_ARRESTS"] = _nb(rng, lam * (1.2 if prefix == "POL" else 1.0))
            if prefix == "POL":
                self.out["POL_CHALLANS_INTERIM"] = _binom(rng, submitted, interim_p)
                inv = np.empty_like(firs)
                prev = np.round(3 * lam[:, 0])
                for t in range(self.T):
                    closed = _binom(rng, prev, 0.12)
                    prev = np.maximum(prev + firs[:, t] - submitted[:, t] - closed, 0)
                    inv[:, t] = prev
                self.out["POL_CASES_UNDER_INVESTIGATION"] = inv
        # Levies strength: sanctioned posts change rarely (new posts in July); posts are mostly filled
        share = self.share * (1 - self.police) ** 0.7
        sanctioned0 = np.round(25000 * share / share.sum())
        sanctioned = np.repeat(sanctioned0[:, None], self.T, axis=1)
        for t in np.flatnonzero(self.moy == 7).tolist():
            grow = rng.random(self.D) < 0.25
            sanctioned[grow, t:] = np.round(sanctioned[grow, t:] * rng.uniform(1.02, 1.08))
        fill = _walk(rng, (self.D, self.T), 0.01, 0.75, 1.02, rng.uniform(0.8, 0.97, self.D))
        self.out["LEV_POSTS_SANCTIONED"] = sanctioned
        self.out["LEV_PERSONNEL_IN_POST"] = np.round(sanctioned * fill)
        self.challans_lam = pol_fir_lam * 0.65 + lev_fir_lam * 0.55

    def prosecution(self) -> None:
        rng = self.rng("prosecution")
        inflow = self.challans_lam
        received = _nb(rng, inflow)
        returned_p = np.clip(0.12 - 0.01 * self.elapsed, 0.05, 0.2)[None, :]
        returned = _binom(rng, received, returned_p) + rng.poisson(0.15, size=received.shape)
        decided_lam = 0.85 * inflow
        decided = _nb(rng, decided_lam)
        conviction = self.kpi_levels("CONVICTION_RATE", decided_lam.mean(1))
        convictions = _binom(rng, decided, conviction / 100)
        acquittals = _binom(rng, decided - convictions, rng.uniform(0.82, 0.92))
        forensic = self.kpi_levels("FORENSIC_EVIDENCE_USE", decided_lam.mean(1), spread=0.3)
        pending = np.empty_like(decided)
        prev = np.round(14 * inflow[:, 0] * rng.uniform(0.8, 1.2, self.D))
        for t in range(self.T):
            withdrawn = _binom(rng, prev, 0.005)
            prev = np.maximum(prev + received[:, t] - returned[:, t] - decided[:, t] - withdrawn, 0)
            pending[:, t] = prev
        start = np.maximum(2, np.round(decided_lam.mean(1) / 6))
        steps = rng.choice([-1.0, 0.0, 1.0], p=[0.04, 0.92, 0.04], size=(self.D, self.T))
        steps[:, 0] = 0
        prosecutors = np.maximum(start[:, None] + np.cumsum(steps, axis=1), 1)
        self.out.update(
            PRO_CHALLANS_RECEIVED=received,
            PRO_CHALLANS_RETURNED=returned,
            PRO_CASES_DECIDED=decided,
            PRO_CONVICTIONS=convictions,
            PRO_ACQUITTALS=acquittals,
            PRO_CASES_WITH_FORENSIC_EVIDENCE=_binom(rng, decided, forensic / 100),
            PRO_CASES_PENDING_TRIAL=pending,
            PRO_PROSECUTORS_IN_POST=prosecutors,
        )

    def courts(self) -> None:
        rng = self.rng("courts")
        inst_lam = (
            2600 * self.col(self.share * np.sqrt(self.crime)) * (1 + 0.02 * self.elapsed)[None, :]
        )
        cold = np.array([c in facts.COLD_ZONE for c in self.codes])
        vacation = np.where(cold[:, None], COURT_COLD[self.moy - 1], COURT_HOT[self.moy - 1])
        clearance = self.kpi_levels("CASE_CLEARANCE_RATE", inst_lam.mean(1), spread=0.1)
        instituted = _nb(rng, inst_lam * (0.7 + 0.3 * vacation))
        disposed = _nb(rng, inst_lam * vacation * clearance / 100)
        pending = np.empty_like(instituted)
        prev = np.round(14 * inst_lam[:, 0] * rng.uniform(0.8, 1.3, self.D))
        for t in range(self.T):
            prev = np.maximum(prev + instituted[:, t] - disposed[:, t], 0)
            pending[:, t] = prev
        old_share = _walk(rng, (self.D, self.T), 0.008, 0.15, 0.6, rng.uniform(0.3, 0.45, self.D))
        days_base = self.col(rng.uniform(220, 420, self.D)) * (1 - 0.04 * self.elapsed)[None, :]
        days = days_base * np.exp(rng.normal(0, 1, disposed.shape) * 0.25 / np.sqrt(disposed + 1))
        sanctioned = np.repeat(np.maximum(2, np.round(inst_lam.mean(1) / 30))[:, None], self.T, 1)
        for t in np.flatnonzero(self.months == 202407).tolist():
            grow = rng.random(self.D) < 0.3
            sanctioned[grow, t:] += 1
        fill = _walk(rng, (self.D, self.T), 0.02, 0.55, 1.0, rng.uniform(0.7, 0.95, self.D))
        self.out.update(
            CRT_CASES_INSTITUTED=instituted,
            CRT_CASES_DISPOSED=disposed,
            CRT_CASES_PENDING=pending,
            CRT_CASES_PENDING_OVER_1_YEAR=np.floor(pending * old_share),
            CRT_AVG_DISPOSAL_DAYS=np.where(disposed > 0, np.round(days, 1), np.nan),
            CRT_JUDGES_SANCTIONED=sanctioned,
            CRT_JUDGES_IN_POST=np.round(sanctioned * fill),
        )

    def prisons(self) -> None:
        rng = self.rng("prisons")
        jail = self.jail
        cap0 = np.array(
            [facts.JAIL_CAPACITY.get(c, 0) for c in self.codes], dtype=float
        ) * jail  # fmt: skip
        if jail.any() and not cap0.any():  # another province
            cap0 = np.where(jail, np.round(1500 * self.share / self.share[jail].sum()), 0)
        capacity = np.repeat(cap0[:, None], self.T, axis=1)
        for code, month, extra in facts.CAPACITY_STEPS:
            if code in self.codes:
                capacity[self.codes.index(code), self.months >= month] += extra
        occupancy = self.kpi_levels(
            "PRISON_OCCUPANCY", cap0, spread=0.25, noise=0.03, phi=0.95
        )  # fmt: skip
        total = np.where(jail[:, None], np.round(capacity * occupancy / 100), 0)
        undertrial_share = self.kpi_levels(
            "UNDERTRIAL_SHARE", total.mean(1), spread=0.06, noise=0.02, phi=0.95
        )
        undertrial = np.round(total * np.clip(undertrial_share / 100, 0.05, 0.95))
        other = np.round(total * 0.02)
        convicted = np.maximum(total - undertrial - other, 0)
        before = np.concatenate([total[:, :1], total[:, :-1]], axis=1)
        change = total - before
        admissions = _nb(rng, 0.22 * total) + np.maximum(change, 0)
        self.out.update(
            PRS_PRISONERS_TOTAL=total,
            PRS_UNDERTRIAL=undertrial,
            PRS_CONVICTED=convicted,
            PRS_WOMEN=_binom(rng, total, 0.012),
            PRS_JUVENILES=_binom(rng, total, 0.015),
            PRS_CAPACITY=capacity * jail[:, None],
            PRS_ADMISSIONS=admissions,
            PRS_RELEASES=admissions - change,
        )

    def legal_aid(self) -> None:
        rng = self.rng("legal_aid")
        fy = np.where(self.moy >= self.fy_start, self.year, self.year - 1)  # FY start year
        fm = (self.moy - self.fy_start) % 12  # 0 = first month of the fiscal year
        fys = np.arange(fy.min(), fy.max() + 1)
        base = 1.2e6 + 90e6 * self.share  # rupees a year
        annual = np.round(
            base[:, None]
            * 1.08 ** (fys - fys[0])[None, :]
            * rng.lognormal(0, 0.05, (self.D, len(fys)))
            / 1e4
        ) * 1e4  # fmt: skip
        # releases: quarterly tranches, two halves, or everything in July
        schemes = np.array(
            [
                [0.25] * 3 + [0.5] * 3 + [0.75] * 3 + [1.0] * 3,
                [0.5] * 6 + [1.0] * 6,
                [1.0] * 12,
            ]
        )
        scheme = rng.choice(3, p=[0.6, 0.25, 0.15], size=self.D)
        fy_index = fy - fys[0]
        a = annual[:, fy_index]
        allocated = a * schemes[scheme][:, fm]
        # fund use: the KPI over a fiscal year reads June's figures; one level per district and year
        fy_end = (fy + 1) + (self.fy_start - 1) / 12
        use = self.kpi_levels(
            "LEGAL_AID_FUND_USE", base, spread=0.35, noise=0.08, phi=0.5, t=fy_end
        )
        first_of_fy = np.array([np.flatnonzero(fy == y)[0] for y in fy])
        use = np.clip(use[:, first_of_fy] / 100, 0.005, 0.98)
        # spending builds up through the year, with the June rush
        steps = np.diff((np.arange(13) / 12) ** 1.6)
        incr = steps[None, None, :] * rng.gamma(4, 1 / 4, size=(self.D, len(fys), 12))
        profile = np.cumsum(incr, axis=2) / incr.sum(axis=2, keepdims=True)
        spent = np.floor(use * a * profile[:, fy_index, fm])
        spent = np.minimum(spent, allocated)
        lam = 250 * self.col(self.share) * (0.6 + use)
        received = _nb(rng, lam, k=20)
        approved = _binom(rng, received, 0.5 + 0.4 * use) + rng.poisson(0.3, size=lam.shape)
        self.out.update(
            LAD_FUNDS_ALLOCATED=allocated,
            LAD_FUNDS_SPENT=spent,
            LAD_APPLICATIONS_RECEIVED=received,
            LAD_APPLICATIONS_APPROVED=approved,
            LAD_UNDERTRIALS_ASSISTED=_binom(rng, approved, 0.7),
            LAD_CASES_CONCLUDED=_nb(rng, 0.6 * lam * (0.5 + 0.4 * use), k=20),
        )

    def gbv(self) -> None:
        rng = self.rng("gbv")
        factor = np.where(np.array(self.codes) == "QUETTA", 1.8, 1.0)
        lam = 170 * self.col(self.share * factor) * (1 + 0.08 * self.elapsed)[None, :]
        resolution = self.kpi_levels("GBV_RESOLUTION_RATE", lam.mean(1), spread=0.15)
        reported = _nb(rng, lam, k=20)
        resolved = np.empty_like(reported)
        open_ = np.empty_like(reported)
        prev = np.round(3 * lam[:, 0])
        want = _nb(rng, lam * resolution / 100, k=20)
        for t in range(self.T):
            resolved[:, t] = np.minimum(want[:, t], prev + reported[:, t])
            left = prev + reported[:, t] - resolved[:, t]
            prev = left - _binom(rng, left, 0.1)
            open_[:, t] = prev
        self.out.update(
            GBV_CASES_REPORTED=reported,
            GBV_CASES_JUVENILE=_binom(rng, reported, 0.22),
            GBV_CASES_RESOLVED=resolved,
            GBV_CASES_OPEN=open_,
            GBV_REFERRALS=_nb(rng, 0.8 * lam, k=20),
            GBV_SURVIVORS_COUNSELLED=_nb(rng, 0.6 * lam, k=20),
        )

    def forensics(self) -> None:
        rng = self.rng("forensics")
        access = np.where(np.array(self.codes) == "QUETTA", 1.8, 1.0)
        lam = self.crime_flow(320, growth=0.12) * self.col(access)
        received = _nb(rng, lam)
        capacity = _nb(rng, 0.93 * lam * (1 + 0.03 * self.elapsed)[None, :])  # backlog, then relief
        issued = np.empty_like(received)
        pending = np.empty_like(received)
        prev = np.round(1.5 * lam[:, 0])
        for t in range(self.T):
            issued[:, t] = np.minimum(capacity[:, t], prev + received[:, t])
            prev = prev + received[:, t] - issued[:, t]
            pending[:, t] = prev
        p30 = np.clip(
            self.col(rng.uniform(0.35, 0.55, self.D)) + 0.06 * self.elapsed[None, :], 0.1, 0.92
        )
        turnaround = (18 + 55 * (1 - p30)) * np.exp(
            rng.normal(0, 1, issued.shape) * 0.2 / np.sqrt(issued + 1)
        )
        scenes_lam = self.crime_flow(150)
        attendance = self.kpi_levels("CRIME_SCENE_ATTENDANCE", scenes_lam.mean(1), spread=0.3)
        scenes = _nb(rng, scenes_lam)
        self.out.update(
            FOR_CASES_RECEIVED=received,
            FOR_REPORTS_ISSUED=issued,
            FOR_REPORTS_WITHIN_30_DAYS=_binom(rng, issued, p30),
            FOR_CASES_PENDING=pending,
            FOR_AVG_TURNAROUND_DAYS=np.where(issued > 0, np.round(turnaround, 1), np.nan),
            FOR_CRIME_SCENES_REPORTED=scenes,
            FOR_CRIME_SCENES_ATTENDED=_binom(rng, scenes, attendance / 100),
        )

    def training(self) -> None:
        rng = self.rng("training")
        season = TRAINING_SEASON[self.moy - 1][None, :]
        yearly = self.kpi_levels("PERSONNEL_TRAINED", self.share, total=True, noise=0.05)
        trained = _nb(rng, yearly / 12 * season, k=10)
        access = np.where(np.array(self.codes) == "QUETTA", 2.5, 1.0) * rng.lognormal(
            0, 0.3, self.D
        )
        hours_yearly = self.kpi_levels(
            "ELEARNING_HOURS", self.share * access, total=True, spread=0.3, noise=0.05
        )
        hours = hours_yearly / 12 * rng.gamma(4, 1 / 4, size=(self.D, self.T))
        assessed = _binom(rng, trained, np.clip(0.7 + 0.04 * self.elapsed, 0, 0.92)[None, :])
        gain_level = self.kpi_levels("KNOWLEDGE_GAIN", self.share, spread=0.15, noise=0.04)
        gain = gain_level + rng.normal(0, 1, trained.shape) * 8 / np.sqrt(assessed + 1)
        courses = np.where(trained > 0, np.maximum(1, rng.poisson(trained / 15)), 0)
        self.out.update(
            TRN_PERSONNEL_TRAINED=trained,
            TRN_WOMEN_TRAINED=_binom(rng, trained, 0.09),
            TRN_COURSES_HELD=courses.astype(float),
            TRN_ELEARNING_HOURS=np.round(hours, 1),
            TRN_TRAINEES_ASSESSED=assessed,
            TRN_AVG_KNOWLEDGE_GAIN=np.where(
                assessed > 0, np.round(np.clip(gain, -100, 100), 1), np.nan
            ),
        )

    def build(self) -> dict[str, np.ndarray]:
        self.police_and_levies()
        self.prosecution()
        self.courts()
        self.prisons()
        self.legal_aid()
        self.gbv()
        self.forensics()
        self.training()
        return self.out

    # --- indicators the model does not know (another province's catalog) ------------------------

    def fallback(self, code: str, unit: Unit, temporal: Temporal, lo: float,
                 hi: float | None) -> np.ndarray:  # fmt: skip
        rng = self.rng(f"fallback:{code}")
        size = self.col(self.share * self.D)
        if unit is Unit.percent:
            value = 50 + 10 * _ar1(rng, (self.D, self.T), 1.0, 0.8)
        elif unit in (Unit.days, Unit.hours, Unit.score):
            value = 30 * np.exp(_ar1(rng, (self.D, self.T), 0.2, 0.8))
        elif unit is Unit.pkr:
            value = np.round(1e6 * size * np.exp(_ar1(rng, (self.D, self.T), 0.2, 0.9)))
        elif temporal is Temporal.last:
            value = np.round(200 * size * np.exp(_ar1(rng, (self.D, self.T), 0.05, 0.95)))
        else:
            value = _nb(rng, 30 * size * np.ones((1, self.T)))
        return np.clip(value, lo, hi)


# --- rules -------------------------------------------------------------------------------------


def _rule_sides(rule: Rule, rows: dict[str, int], cube: np.ndarray) -> tuple[np.ndarray, ...]:
    left = sum(cube[rows[c]] for c in rule.left)
    right = sum(cube[rows[c]] for c in rule.right) * rule.factor
    return np.asarray(left), np.asarray(right)


def _rule_fails(rule: Rule, rows: dict[str, int], cube: np.ndarray) -> np.ndarray:
    left, right = _rule_sides(rule, rows, cube)
    known = ~(np.isnan(left) | np.isnan(right))
    with np.errstate(invalid="ignore"):
        return known & ~OPS[rule.op](left, right)


def _enforce(rules: list[Rule], rows: dict[str, int], cube: np.ndarray, whole: set[str]) -> None:
    """Make error rules hold on indicators the model does not build consistently (a safety net).

    For the default catalog this changes nothing: the model builds every "of which" figure from
    its total. For another catalog, the left side is scaled down (``<=``, ``<``) or raised
    (``>=``, ``>``, ``==``, ``!=``) where a rule fails.
    """
    for _ in range(5):
        changed = False
        for rule in rules:
            bad = _rule_fails(rule, rows, cube)
            if not bad.any():
                continue
            changed = True
            left, right = _rule_sides(rule, rows, cube)
            if rule.op in ("<=", "<"):
                room = right - (1 if rule.op == "<" else 0)
                scale = np.where(left > 0, np.clip(room, 0, None) / np.where(left > 0, left, 1), 1)
                for c in rule.left:
                    scaled = cube[rows[c]] * scale
                    scaled = np.floor(scaled) if c in whole else scaled
                    cube[rows[c]] = np.where(bad, scaled, cube[rows[c]])
            else:
                first = rows[rule.left[0]]
                bump = {">=": 0, ">": 1, "==": 0, "!=": 1}[rule.op]
                cube[first] = np.where(bad, cube[first] + (right - left) + bump, cube[first])
        if not changed:
            return


def rule_failures(
    catalog: Catalog, cube: np.ndarray, severity: Severity | None = Severity.error
) -> dict[str, int]:
    """Number of district-months failing each rule, on an [indicator, district, month] cube."""
    rows = {ind.code: i for i, ind in enumerate(catalog.indicators)}
    return {
        rule.code: int(_rule_fails(rule, rows, cube).sum())
        for rule in catalog.rules
        if severity is None or rule.severity is severity
    }


# --- gaps and faults ---------------------------------------------------------------------------


def _missing(model: _Model, institutions: list[str], months: list[int]) -> np.ndarray:
    """Which returns [district, institution, month] were never sent, and why (0 = sent)."""
    rng = model.rng("missing")
    D, N, T = model.D, len(institutions), model.T
    reason = np.zeros((D, N, T), dtype=np.int8)
    chronic = np.array([c in facts.CHRONIC_LATE for c in model.codes])
    # runs of missed returns: a two-state Markov chain per district and institution
    p = np.where(chronic, 0.2, 0.012)[:, None] * rng.lognormal(0, 0.3, (D, N))
    stay = np.where(chronic, 0.65, 0.4)[:, None]
    start = np.clip(p * (1 - stay) / np.clip(1 - p, 1e-6, None), 0, 1)
    state = rng.random((D, N)) < p
    draws = rng.random((D, N, T))
    for t in range(T):
        state = np.where(state, draws[:, :, t] < stay, draws[:, :, t] < start)
        reason[:, :, t] = np.where(state, np.where(chronic[:, None], 1, 2), 0)
    # the 2022 floods: whole districts silent for two months
    for code in facts.FLOOD_DISTRICTS:
        if code in model.codes:
            for month in facts.FLOOD_MONTHS:
                if month in months:
                    reason[model.codes.index(code), :, months.index(month)] = 3
    # a few whole district-months missing, and one institution silent province-wide for a month
    for _ in range(max(1, T // 12)):
        d, t = int(rng.integers(D)), int(rng.integers(T))
        reason[d, :, t] = np.where(reason[d, :, t] == 0, 4, reason[d, :, t])
    if T > 6:
        i, t = int(rng.integers(N)), int(rng.integers(3, T - 2))
        reason[:, i, t] = np.where(reason[:, i, t] == 0, 5, reason[:, i, t])
    return reason


MISSING_REASONS = {
    1: "chronically late district",
    2: "return not sent",
    3: "2022 floods",
    4: "whole district month missing",
    5: "institution silent province-wide",
}


def _month_ends(months: np.ndarray) -> pd.DatetimeIndex:
    starts = pd.to_datetime(
        pd.DataFrame({"year": months // 100, "month": months % 100, "day": 1})
    )  # fmt: skip
    return pd.DatetimeIndex(starts + pd.offsets.MonthEnd(0))


def _delays(model: _Model, shape: tuple[int, int, int], chronic: np.ndarray) -> np.ndarray:
    """Days after the month ends when each return arrived: most within the deadline, some late."""
    rng = model.rng("late")
    D, N, T = shape
    median = np.where(chronic, 14.0, 7.0)[:, None, None] * rng.lognormal(0, 0.25, (D, N, 1))
    improve = np.exp(-0.08 * model.elapsed)[None, None, :]  # timeliness improves over the years
    days = median * improve * rng.lognormal(0, 0.55, (D, N, T))
    return np.clip(np.round(days), 1, 120).astype(int)


def _outliers(
    model: _Model, catalog: Catalog, cube: np.ndarray, sent_cells: np.ndarray, count: int = 24
) -> list[tuple[int, int, int, float, float]]:
    """Data-entry slips: a flow typed x10 or /10, kept within bounds and error rules.

    Only flows, and only slips that change the province's total for the year by 3% at most: the
    Delivery Unit should find them district by district, and they should not rewrite the KPIs.
    """
    rng = model.rng("outliers")
    rows = {ind.code: i for i, ind in enumerate(catalog.indicators)}
    errors = [r for r in catalog.rules if r.severity is Severity.error]
    eligible = [
        i
        for i, ind in enumerate(catalog.indicators)
        if ind.unit is Unit.count and ind.temporal is Temporal.sum
    ]
    found: list[tuple[int, int, int, float, float]] = []
    used: set[tuple[int, int]] = set()
    for _ in range(count * 40):
        if len(found) >= count or not eligible:
            break
        i = int(rng.choice(eligible))
        d, t = int(rng.integers(model.D)), int(rng.integers(model.T))
        old = cube[i, d, t]
        if not sent_cells[i, d, t] or not old >= 20 or (i, d) in used:
            continue
        factor = 10.0 if rng.random() < 0.6 else 0.1
        new = float(np.round(old * factor))
        ind = catalog.indicators[i]
        if ind.max is not None and new > ind.max:
            continue
        same_year = model.year == model.year[t]
        if abs(new - old) > 0.03 * np.nansum(cube[i][:, same_year]):
            continue  # a slip big enough to move the province's year by itself: pick another
        cube[i, d, t] = new
        code = ind.code
        if any(
            _rule_fails(r, rows, cube[:, d : d + 1, t : t + 1]).any()
            for r in errors
            if code in r.left or code in r.right
        ):
            cube[i, d, t] = old
            continue
        used.add((i, d))
        found.append((i, d, t, float(old), new))
    return found


def _future_month(last_month: int) -> int:
    """A month certainly in the future: two months after the last full month."""
    return add_months(last_month, 2)


def _broken_files(
    model: _Model, catalog: Catalog, cube: np.ndarray, sent: np.ndarray, last_month: int
) -> list[BrokenFile]:
    """One file per fault kind, in districts that report regularly, each in another file."""
    rng = model.rng("broken")
    institutions = [i.code for i in catalog.institutions]
    chronic = set(facts.CHRONIC_LATE)
    months = list(model.months)
    years = sorted(set(model.year.tolist()))
    rows = {ind.code: i for i, ind in enumerate(catalog.indicators)}
    out: list[BrokenFile] = []
    taken: set[tuple[str, str, int]] = set()

    def pick(
        institution: str | None, need: Callable[[int], bool] = lambda d: True, year: int = 0
    ) -> tuple[int, str, int, list[int]] | None:
        """A district, institution and year file (not yet used) and its months reported."""
        if institution is not None and institution not in institutions:
            return None
        for _ in range(200):
            inst = institution or str(rng.choice(institutions))
            d = int(rng.integers(model.D))
            y = year or int(rng.choice(years))
            n = institutions.index(inst)
            ok = [m for t, m in enumerate(months) if m // 100 == y and sent[d, n, t]]
            if model.codes[d] in chronic or not need(d) or (model.codes[d], inst, y) in taken:
                continue
            if ok or y > years[-1]:
                taken.add((model.codes[d], inst, y))
                return d, inst, y, ok
        return None

    def cell(code: str, month: int) -> str:
        inst = catalog.indicator_by_code[code].institution
        row = L.FIRST_DATA_ROW + [i.code for i in catalog.indicators_of(inst)].index(code)
        return L.cell_ref(row, L.month_column(month % 100))

    def value(d: int, code: str, month: int) -> float:
        return float(cube[rows[code], d, months.index(month)])

    for kind in FAULT_KINDS:
        if kind in ("convictions_above_decided", "undertrial_above_total"):
            inst, part, total, need = {
                "convictions_above_decided": (
                    "PROSECUTION", "PRO_CONVICTIONS", "PRO_CASES_DECIDED", lambda d: True
                ),
                "undertrial_above_total": (
                    "PRISONS", "PRS_UNDERTRIAL", "PRS_PRISONERS_TOTAL", lambda d: bool(model.jail[d])
                ),
            }[kind]  # fmt: skip
            got = pick(inst, need) if {part, total} <= set(rows) else None
            if got is None:
                continue
            d, inst, year, ok = got
            month = int(rng.choice(ok))
            v: object = value(d, total, month) + int(rng.integers(1, 40))
            what = {
                "convictions_above_decided": "more convictions than cases decided in the month",
                "undertrial_above_total": "more under-trial prisoners than prisoners held",
            }[kind]
            code: str | None = part
            where = cell(part, month)
        elif kind in ("negative_count", "text_in_number", "formula_in_value"):
            got = pick(None)
            if got is None:
                continue
            d, inst, year, ok = got
            own = catalog.indicators_of(inst)
            counts = [i.code for i in own if i.whole_numbers and i.min >= 0]
            code = str(rng.choice(counts or [i.code for i in own]))
            nonzero = [m for m in ok if value(d, code, m) > 0]
            month = int(rng.choice(nonzero or ok))
            v0 = float(np.nan_to_num(value(d, code, month)))
            if kind == "negative_count":
                v, what = (-abs(v0) if v0 else -1.0), "a negative figure typed in a count"
            elif kind == "text_in_number":
                v, what = "n/a", "the text 'n/a' typed in a number cell"
            else:
                a = int(v0) // 2
                v, what = f"={a}+{int(v0) - a}", "a formula in a value cell"
            where = cell(code, month)
        elif kind == "future_month":
            month = _future_month(last_month)
            got = pick(None, year=month // 100)
            if got is None:
                continue
            d, inst, year, ok = got
            code = catalog.indicators_of(inst)[0].code
            v = float(np.nan_to_num(value(d, code, months[-1])))
            what = f"a figure for {month // 100}-{month % 100:02d}, a month that has not ended"
            where = cell(code, month)
        else:  # wrong_district
            got = pick(None)
            if got is None:
                continue
            d, inst, year, ok = got
            me = catalog.districts[d]
            peers = [x.code for x in catalog.districts_of(me.division) if x.code != me.code]
            v = peers[0] if peers else next(x.code for x in catalog.districts if x != me)
            what = f"the template of {v} uploaded by {me.code}'s focal point"
            code, month, where = None, None, L.cell_ref(2, 3)
        out.append(BrokenFile(model.codes[d], inst, year, kind, code, month, where, v, what))
    return out


# --- entry point -------------------------------------------------------------------------------


def default_months(catalog: Catalog, today: date | None = None) -> tuple[int, int]:
    """(first, last) months of the demo: January of the first reporting year to the last full month."""
    today = today or date.today()
    last = add_months(today.year * 100 + today.month, -1)
    return catalog.roadmap.first_reporting_year * 100 + 1, last


def generate(catalog: Catalog, *, first_month: int, last_month: int, seed: int = 2022) -> DemoData:
    """Synthetic monthly returns for every district x indicator x month (see the module doc)."""
    months = month_range(first_month, last_month)
    if not months:
        raise ValueError(f"last_month {last_month} is before first_month {first_month}")
    model = _Model(catalog, months, seed)
    built = model.build()
    indicators = list(catalog.indicators)
    cube = np.empty((len(indicators), model.D, model.T))
    for i, ind in enumerate(indicators):
        arr = built.get(ind.code)
        if arr is None:
            arr = model.fallback(ind.code, ind.unit, ind.temporal, ind.min, ind.max)
        cube[i] = arr
    # bounds and whole numbers
    whole = {ind.code for ind in indicators if ind.whole_numbers}
    for i, ind in enumerate(indicators):
        arr = np.clip(cube[i], ind.min, ind.max)
        cube[i] = np.round(arr) if ind.whole_numbers else arr
    rows = {ind.code: i for i, ind in enumerate(indicators)}
    errors = [r for r in catalog.rules if r.severity is Severity.error]
    _enforce(errors, rows, cube, whole)

    institutions = [i.code for i in catalog.institutions]
    ind_inst = np.array([institutions.index(ind.institution) for ind in indicators])
    reason = _missing(model, institutions, months)
    sent = reason == 0
    sent_cells = sent[:, ind_inst, :].transpose(1, 0, 2)
    slips = _outliers(model, catalog, cube, sent_cells)
    failing = {k: v for k, v in rule_failures(catalog, cube).items() if v}
    if failing:
        raise RuntimeError(f"demo data breaks error rules (district-months per rule): {failing}")

    D, N, T = model.D, len(institutions), model.T
    districts = model.codes
    values = pd.DataFrame(
        {
            "district": np.tile(np.repeat(districts, T), len(indicators)),
            "institution": np.repeat([ind.institution for ind in indicators], D * T),
            "indicator": np.repeat([ind.code for ind in indicators], D * T),
            "month": np.tile(model.months, len(indicators) * D),
            "value": cube.ravel(),
        }
    )
    dd, nn, tt = np.nonzero(~sent)
    missing = pd.DataFrame(
        {
            "district": np.asarray(districts)[dd],
            "institution": np.asarray(institutions)[nn],
            "month": model.months[tt],
            "reason": [MISSING_REASONS[int(r)] for r in reason[dd, nn, tt]],
        }
    )
    chronic = np.array([c in facts.CHRONIC_LATE for c in districts])
    delay = _delays(model, (D, N, T), chronic)
    dd, nn, tt = np.nonzero(sent)
    ends = _month_ends(model.months)[tt]
    deadline = catalog.roadmap.reporting_deadline_days
    late = pd.DataFrame(
        {
            "district": np.asarray(districts)[dd],
            "institution": np.asarray(institutions)[nn],
            "month": model.months[tt],
            "due_on": ends + pd.Timedelta(days=deadline),
            "submitted_on": ends + pd.to_timedelta(delay[dd, nn, tt], unit="D"),
            "delay_days": delay[dd, nn, tt],
        }
    )
    late["on_time"] = late["delay_days"] <= deadline
    submissions = (
        late.assign(year=late["month"] // 100)
        .groupby(["district", "institution", "year"], sort=False)
        .agg(
            months_reported=("month", "size"),
            first_submitted_on=("submitted_on", "min"),
            submitted_on=("submitted_on", "max"),
        )
        .reset_index()
    )
    outliers = pd.DataFrame(
        [
            {
                "district": districts[d],
                "institution": indicators[i].institution,
                "indicator": indicators[i].code,
                "month": int(model.months[t]),
                "true_value": old,
                "value": new,
                "factor": 10.0 if new > old else 0.1,
            }
            for i, d, t, old, new in slips
        ],
        columns=["district", "institution", "indicator", "month", "true_value", "value", "factor"],
    )
    broken = _broken_files(model, catalog, cube, sent, last_month)
    return DemoData(
        seed=seed,
        first_month=first_month,
        last_month=last_month,
        districts=tuple(districts),
        institutions=tuple(institutions),
        indicators=tuple(ind.code for ind in indicators),
        months=tuple(int(m) for m in model.months),
        values=values,
        missing=missing,
        late=late,
        submissions=submissions,
        outliers=outliers,
        broken_files=tuple(broken),
        jails=tuple(c for c, j in zip(districts, model.jail, strict=True) if j),
        cube=cube,
        sent=sent,
        indicator_institution=ind_inst,
    )
