"""The loaded catalog: typed parts plus lookups used by every other package."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from dbmis.catalog.models import (
    District,
    Division,
    Geography,
    Indicator,
    Institution,
    Kpi,
    Roadmap,
    Rule,
    Target,
)
from dbmis.catalog.plan import ActionPlan, Activity


@dataclass(frozen=True)
class CatalogIssue:
    """One problem in a catalog folder: the file, the line, the key and what is wrong."""

    file: str
    key: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


@dataclass(frozen=True)
class Catalog:
    """A province's Roadmap. Immutable once loaded; build it with :func:`load_catalog`."""

    folder: Path
    roadmap: Roadmap
    geography: Geography
    institutions: tuple[Institution, ...]
    indicators: tuple[Indicator, ...]
    rules: tuple[Rule, ...]
    kpis: tuple[Kpi, ...]
    targets: tuple[Target, ...]
    outlines: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False, repr=False)
    plan: ActionPlan = field(default_factory=ActionPlan)
    """the action plan (``action_plan.yaml``); empty when the folder has none"""

    # --- lookups ---------------------------------------------------------------------------
    @property
    def divisions(self) -> tuple[Division, ...]:
        return tuple(self.geography.divisions)

    @property
    def districts(self) -> tuple[District, ...]:
        return tuple(self.geography.districts)

    @cached_property
    def division_by_code(self) -> dict[str, Division]:
        return {d.code: d for d in self.geography.divisions}

    @cached_property
    def district_by_code(self) -> dict[str, District]:
        return {d.code: d for d in self.geography.districts}

    @cached_property
    def institution_by_code(self) -> dict[str, Institution]:
        return {i.code: i for i in self.institutions}

    @cached_property
    def indicator_by_code(self) -> dict[str, Indicator]:
        return {i.code: i for i in self.indicators}

    @cached_property
    def kpi_by_code(self) -> dict[str, Kpi]:
        return {k.code: k for k in self.kpis}

    def districts_of(self, division_code: str) -> list[District]:
        return [d for d in self.geography.districts if d.division == division_code]

    def indicators_of(self, institution_code: str) -> list[Indicator]:
        return [i for i in self.indicators if i.institution == institution_code]

    def rules_of(self, institution_code: str) -> list[Rule]:
        """Rules whose indicators all belong to this institution's template."""
        own = {i.code for i in self.indicators_of(institution_code)}
        return [r for r in self.rules if set(r.left) | set(r.right) <= own]

    def targets_of(self, kpi_code: str) -> list[Target]:
        return [t for t in self.targets if t.kpi == kpi_code]

    def province_target(self, kpi_code: str) -> Target:
        return next(t for t in self.targets_of(kpi_code) if t.is_province)

    def district_target(self, kpi_code: str, district_code: str) -> Target | None:
        for t in self.targets_of(kpi_code):
            if not t.is_province and district_code in t.scope:
                return t
        return None

    # --- the action plan -------------------------------------------------------------------
    @property
    def activities(self) -> tuple[Activity, ...]:
        return self.plan.activities

    @cached_property
    def activity_by_code(self) -> dict[str, Activity]:
        return {a.code: a for a in self.plan.activities}

    def activities_of_kpi(self, kpi_code: str) -> list[Activity]:
        """Activities meant to move this KPI, in plan order."""
        return [a for a in self.plan.activities if kpi_code in a.kpis]

    def activities_led_by(self, institution_code: str) -> list[Activity]:
        """Activities this institution leads (and reports progress on), in plan order."""
        return [a for a in self.plan.activities if a.lead == institution_code]

    def activities_involving(self, institution_code: str) -> list[Activity]:
        """Activities this institution leads or is a partner in, in plan order."""
        return [a for a in self.plan.activities if institution_code in a.institutions]

    @property
    def headline_kpis(self) -> list[Kpi]:
        return [k for k in self.kpis if k.headline]

    # --- fingerprints ----------------------------------------------------------------------
    def _digest(self, payload: Any) -> str:
        text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    @cached_property
    def fingerprint(self) -> str:
        """Changes whenever anything in the catalog changes."""
        return self._digest(
            {
                "roadmap": self.roadmap.model_dump(mode="json"),
                "geography": self.geography.model_dump(mode="json"),
                "institutions": [i.model_dump(mode="json") for i in self.institutions],
                "indicators": [i.model_dump(mode="json") for i in self.indicators],
                "rules": [r.model_dump(mode="json") for i, r in enumerate(self.rules)],
                "kpis": [k.model_dump(mode="json") for k in self.kpis],
                "targets": [t.model_dump(mode="json") for t in self.targets],
                **({"plan": self.plan.model_dump(mode="json")} if not self.plan.is_empty else {}),
            }
        )

    def template_fingerprint(self, institution_code: str) -> str:
        """Changes only when what an institution's template collects changes.

        A filled template stays valid while its indicators (codes, units, bounds) and the
        district list are unchanged, whatever happens to KPIs or targets.
        """
        return self._digest(
            {
                "institution": institution_code,
                "indicators": [
                    [i.code, i.unit, i.min, i.max, i.whole_numbers]
                    for i in self.indicators_of(institution_code)
                ],
                "districts": [d.code for d in self.geography.districts],
            }
        )

    def counts(self) -> dict[str, int]:
        return {
            "divisions": len(self.geography.divisions),
            "districts": len(self.geography.districts),
            "districts without outline": sum(1 for d in self.geography.districts if not d.outline),
            "institutions": len(self.institutions),
            "indicators": len(self.indicators),
            "rules": len(self.rules),
            "kpis": len(self.kpis),
            "headline kpis": len(self.headline_kpis),
            "targets": len(self.targets),
            "activities": len(self.plan.activities),
            "milestones": sum(len(a.milestones) for a in self.plan.activities),
        }
