"""Typed models of the Roadmap catalog.

Each model forbids unknown keys, so a typo in a YAML file is an error that names the key.
Cross-references (an indicator's institution, a KPI's indicators, ...) are checked by
:mod:`dbmis.catalog.checks` once every file is read.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

PeriodTypeName = Literal["month", "quarter", "year", "fiscal_year"]
ALL_PERIOD_TYPES: tuple[PeriodTypeName, ...] = ("month", "quarter", "year", "fiscal_year")

Code = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]{1,39}$")]
"""Codes are upper case letters, digits and underscores, starting with a letter."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Text(Strict):
    """A text in English and Urdu."""

    en: Annotated[str, StringConstraints(min_length=1)]
    ur: Annotated[str, StringConstraints(min_length=1)]

    def get(self, lang: str) -> str:
        return self.ur if lang == "ur" else self.en


class Unit(StrEnum):
    count = "count"  # type: ignore[assignment]  # shadows str.count; the value is what matters
    pkr = "pkr"
    hours = "hours"
    days = "days"
    percent = "percent"
    score = "score"


class Temporal(StrEnum):
    """How an indicator adds up over months."""

    sum = "sum"  # a flow: add the months
    last = "last"  # a stock at month end: take the last month of the period
    average = "average"  # a mean: weighted by the indicator named in ``weight``


class Severity(StrEnum):
    error = "error"
    warning = "warning"


class Direction(StrEnum):
    up = "up"  # higher is better
    down = "down"  # lower is better


class Shape(StrEnum):
    linear = "linear"
    front_loaded = "front-loaded"
    back_loaded = "back-loaded"
    s_curve = "s-curve"
    milestones = "milestones"


class LatLon(Strict):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


# --- roadmap.yaml -------------------------------------------------------------------------


class Priority(Strict):
    """A high-level indicator of the Roadmap under which KPIs are grouped."""

    code: Code
    name: Text
    description: Text


class Roadmap(Strict):
    """The province and the Roadmap's settings."""

    province_code: Code
    province: Text
    title: Text
    summary: Text
    fiscal_year_start_month: int = Field(7, ge=1, le=12)
    completeness_threshold: float = Field(
        0.8, gt=0, le=1, description="KPI values with fewer reports than this share are flagged"
    )
    reporting_deadline_days: int = Field(
        15, ge=1, le=90, description="days after the month ends by which a return is on time"
    )
    first_reporting_year: int = Field(ge=2000, le=2100)
    outlier_z_score: float = Field(3.0, gt=0)
    priorities: list[Priority] = Field(min_length=1)


# --- geography.yaml -----------------------------------------------------------------------


class Division(Strict):
    code: Code
    name: Text


class District(Strict):
    code: Code
    division: Code
    name: Text
    centroid: LatLon
    outline: str | None = Field(
        None, description="shapeName of the district's feature in the outlines file; null if none"
    )
    outline_note: str | None = Field(
        None, description="why a district has no outline of its own, e.g. 'within Lasbela (2019)'"
    )


class Geography(Strict):
    outlines: str | None = Field(
        None, description="GeoJSON file of district outlines, in the folder"
    )
    outlines_attribution: str | None = None
    divisions: list[Division] = Field(min_length=1)
    districts: list[District] = Field(min_length=1)


# --- institutions.yaml, indicators.yaml ------------------------------------------------------


class Institution(Strict):
    code: Code
    name: Text
    short: Text
    description: Text


class Indicator(Strict):
    code: Code
    institution: Code
    name: Text
    definition: Text
    unit: Unit
    temporal: Temporal
    min: float = 0
    max: float | None = None
    integer: bool | None = Field(None, description="whole numbers only; default: true for counts")
    weight: Code | None = Field(
        None, description="for temporal: average, the indicator to weight by"
    )

    @property
    def whole_numbers(self) -> bool:
        if self.integer is not None:
            return self.integer
        return self.unit in (Unit.count, Unit.days)


# --- rules.yaml ----------------------------------------------------------------------------


class Rule(Strict):
    """A DHIS2-style validation rule: sum(left) <op> factor * sum(right) for each month."""

    code: Code
    left: list[Code] = Field(min_length=1)
    op: Literal["<=", "<", ">=", ">", "==", "!="]
    right: list[Code] = Field(min_length=1)
    factor: float = Field(1.0, gt=0)
    severity: Severity
    message: Text

    @field_validator("left", "right", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


# --- kpis.yaml -----------------------------------------------------------------------------


class Kpi(Strict):
    """numerator / denominator x factor, each side a sum of indicators (a ratio of sums)."""

    code: Code
    priority: Code
    name: Text
    short_name: Text
    definition: Text
    numerator: list[Code] = Field(min_length=1)
    denominator: list[Code] = Field(default_factory=list)
    factor: float = Field(1.0, gt=0)
    unit: Unit
    decimals: int = Field(1, ge=0, le=4)
    direction: Direction
    headline: bool = False
    source: Text
    assessed_on: list[PeriodTypeName] = Field(
        default_factory=lambda: list(ALL_PERIOD_TYPES),
        min_length=1,
        description="period types at which values are compared with the trajectory: a yearly "
        "count is judged by year, a fiscal-year-to-date figure by fiscal year",
    )

    @field_validator("numerator", "denominator", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @property
    def indicators(self) -> list[str]:
        return [*self.numerator, *self.denominator]


# --- targets.yaml --------------------------------------------------------------------------


class PeriodValue(Strict):
    period: str
    value: float

    @field_validator("period", mode="before")
    @classmethod
    def _as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value


class Target(Strict):
    kpi: Code
    scope: Literal["province"] | list[Code] = Field(
        description="'province', or a list of district codes that share this target"
    )
    baseline: PeriodValue
    target: PeriodValue
    shape: Shape
    tolerance: float = Field(ge=0)
    milestones: list[PeriodValue] = Field(default_factory=list)
    adds_up_to_province: bool = Field(
        False, description="district trajectories of this KPI are meant to add up to the province's"
    )
    note: str | None = None

    @property
    def is_province(self) -> bool:
        return self.scope == "province"
