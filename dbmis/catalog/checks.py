"""Cross-reference and consistency checks over a parsed catalog.

Each check yields :class:`Finding` objects that name the file, the entry and the key, so the
loader can add the line number. Checks never stop at the first problem.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dbmis.catalog.models import Direction, Shape, Target, Temporal
from dbmis.periods import Period, parse_period

if TYPE_CHECKING:
    from pydantic import BaseModel

    from dbmis.catalog.catalog import Catalog


@dataclass(frozen=True)
class Finding:
    file: str
    key: str
    message: str
    obj: BaseModel | None = field(default=None, compare=False)
    sub: tuple[str | int, ...] = ()
    path: tuple[str | int, ...] | None = None


def check_catalog(cat: Catalog) -> list[Finding]:
    findings: list[Finding] = []
    for check in (
        _duplicates,
        _geography,
        _indicators,
        _rules,
        _kpis,
        _targets,
    ):
        findings.extend(check(cat))
    return findings


def _dupes(file: str, codes: Iterable[str], what: str) -> Iterator[Finding]:
    for code, n in Counter(codes).items():
        if n > 1:
            yield Finding(file, code, f"duplicate {what} code {code!r} ({n} entries)")


def _duplicates(cat: Catalog) -> Iterator[Finding]:
    yield from _dupes("roadmap.yaml", (p.code for p in cat.roadmap.priorities), "priority")
    yield from _dupes("geography.yaml", (d.code for d in cat.geography.divisions), "division")
    yield from _dupes("geography.yaml", (d.code for d in cat.geography.districts), "district")
    yield from _dupes("institutions.yaml", (i.code for i in cat.institutions), "institution")
    yield from _dupes("indicators.yaml", (i.code for i in cat.indicators), "indicator")
    yield from _dupes("rules.yaml", (r.code for r in cat.rules), "rule")
    yield from _dupes("kpis.yaml", (k.code for k in cat.kpis), "KPI")


def _geography(cat: Catalog) -> Iterator[Finding]:
    divisions = set(cat.division_by_code)
    used = set()
    for d in cat.geography.districts:
        used.add(d.division)
        if d.division not in divisions:
            yield Finding(
                "geography.yaml",
                f"{d.code}.division",
                f"unknown division {d.division!r}",
                d,
                ("division",),
            )
        if d.outline is None and not d.outline_note:
            yield Finding(
                "geography.yaml",
                f"{d.code}.outline_note",
                "a district without an outline must say why in outline_note",
                d,
            )
        if d.outline is not None:
            if not cat.geography.outlines:
                yield Finding(
                    "geography.yaml",
                    f"{d.code}.outline",
                    "names an outline but geography.yaml has no outlines file",
                    d,
                    ("outline",),
                )
            elif cat.outlines and d.outline not in cat.outlines:
                yield Finding(
                    "geography.yaml",
                    f"{d.code}.outline",
                    f"no feature with shapeName {d.outline!r} in {cat.geography.outlines}",
                    d,
                    ("outline",),
                )
    for div in cat.geography.divisions:
        if div.code not in used:
            yield Finding("geography.yaml", div.code, "division has no districts", div)
    names = Counter(d.outline for d in cat.geography.districts if d.outline)
    for name, n in names.items():
        if n > 1:
            yield Finding("geography.yaml", "outline", f"outline {name!r} is used by {n} districts")


def _indicators(cat: Catalog) -> Iterator[Finding]:
    institutions = set(cat.institution_by_code)
    for ind in cat.indicators:
        if ind.institution not in institutions:
            yield Finding(
                "indicators.yaml",
                f"{ind.code}.institution",
                f"unknown institution {ind.institution!r}",
                ind,
                ("institution",),
            )
        if ind.max is not None and ind.max < ind.min:
            yield Finding("indicators.yaml", f"{ind.code}.max", "max is below min", ind, ("max",))
        if ind.temporal is Temporal.average:
            weight = cat.indicator_by_code.get(ind.weight or "")
            if ind.weight is None:
                yield Finding(
                    "indicators.yaml",
                    f"{ind.code}.weight",
                    "an average needs the indicator to weight it by",
                    ind,
                )
            elif weight is None:
                yield Finding(
                    "indicators.yaml",
                    f"{ind.code}.weight",
                    f"unknown indicator {ind.weight!r}",
                    ind,
                    ("weight",),
                )
            elif weight.institution != ind.institution or weight.temporal is Temporal.average:
                yield Finding(
                    "indicators.yaml",
                    f"{ind.code}.weight",
                    "the weight must be a sum or last indicator of the same institution",
                    ind,
                    ("weight",),
                )
        elif ind.weight is not None:
            yield Finding(
                "indicators.yaml",
                f"{ind.code}.weight",
                "only an indicator with temporal: average takes a weight",
                ind,
                ("weight",),
            )
    for inst in cat.institutions:
        if not cat.indicators_of(inst.code):
            yield Finding("institutions.yaml", inst.code, "institution has no indicators", inst)


def _side(
    cat: Catalog, file: str, owner: BaseModel, code: str, side: str, codes: list[str]
) -> Iterator[Finding]:
    for i, ref in enumerate(codes):
        if ref not in cat.indicator_by_code:
            yield Finding(file, f"{code}.{side}", f"unknown indicator {ref!r}", owner, (side, i))
    known = [cat.indicator_by_code[c] for c in codes if c in cat.indicator_by_code]
    if len({i.unit for i in known}) > 1:
        yield Finding(file, f"{code}.{side}", "adds indicators of different units", owner, (side,))
    if len({i.temporal for i in known}) > 1:
        yield Finding(
            file,
            f"{code}.{side}",
            "adds indicators that aggregate over time differently (sum/last/average)",
            owner,
            (side,),
        )


def _rules(cat: Catalog) -> Iterator[Finding]:
    for rule in cat.rules:
        yield from _side(cat, "rules.yaml", rule, rule.code, "left", rule.left)
        yield from _side(cat, "rules.yaml", rule, rule.code, "right", rule.right)
        known = [
            cat.indicator_by_code[c] for c in rule.left + rule.right if c in cat.indicator_by_code
        ]
        if len({i.institution for i in known}) > 1:
            yield Finding(
                "rules.yaml",
                rule.code,
                "a rule must compare indicators of one institution (it checks one template)",
                rule,
            )
        if len({i.unit for i in known}) > 1:
            yield Finding("rules.yaml", rule.code, "compares indicators of different units", rule)


def _kpis(cat: Catalog) -> Iterator[Finding]:
    priorities = {p.code for p in cat.roadmap.priorities}
    for kpi in cat.kpis:
        if kpi.priority not in priorities:
            yield Finding(
                "kpis.yaml",
                f"{kpi.code}.priority",
                f"unknown priority {kpi.priority!r}",
                kpi,
                ("priority",),
            )
        yield from _side(cat, "kpis.yaml", kpi, kpi.code, "numerator", kpi.numerator)
        if kpi.denominator:
            yield from _side(cat, "kpis.yaml", kpi, kpi.code, "denominator", kpi.denominator)
        if set(kpi.numerator) & set(kpi.denominator):
            yield Finding(
                "kpis.yaml",
                f"{kpi.code}.denominator",
                "an indicator is in both numerator and denominator",
                kpi,
                ("denominator",),
            )
        if not cat.targets_of(kpi.code):
            yield Finding("kpis.yaml", kpi.code, "KPI has no target in targets.yaml", kpi)
    if cat.kpis and not cat.headline_kpis:
        yield Finding("kpis.yaml", "headline", "no KPI is marked headline: true")
    used = {k.priority for k in cat.kpis}
    for p in cat.roadmap.priorities:
        if p.code not in used:
            yield Finding("roadmap.yaml", f"priorities.{p.code}", "priority has no KPIs", p)


def _period(
    t: Target, sub: tuple[str | int, ...], label: str, fy: int
) -> tuple[Period | None, Finding | None]:
    try:
        return parse_period(label, fy), None
    except ValueError as exc:
        return None, Finding("targets.yaml", f"{t.kpi}.{'.'.join(map(str, sub))}", str(exc), t, sub)


def _targets(cat: Catalog) -> Iterator[Finding]:
    fy = cat.roadmap.fiscal_year_start_month
    province_count: Counter[str] = Counter()
    district_seen: Counter[tuple[str, str]] = Counter()
    for t in cat.targets:
        key = t.kpi
        kpi = cat.kpi_by_code.get(t.kpi)
        if kpi is None:
            yield Finding("targets.yaml", f"{key}.kpi", f"unknown KPI {t.kpi!r}", t, ("kpi",))
        if t.is_province:
            province_count[t.kpi] += 1
        else:
            for i, d in enumerate(t.scope):
                district_seen[(t.kpi, d)] += 1
                if d not in cat.district_by_code:
                    yield Finding(
                        "targets.yaml", f"{key}.scope", f"unknown district {d!r}", t, ("scope", i)
                    )
        base, bad = _period(t, ("baseline", "period"), t.baseline.period, fy)
        if bad:
            yield bad
        goal, bad = _period(t, ("target", "period"), t.target.period, fy)
        if bad:
            yield bad
        if base and goal and goal.last <= base.last:
            yield Finding(
                "targets.yaml",
                f"{key}.target.period",
                "the target date must come after the baseline period",
                t,
                ("target", "period"),
            )
        if kpi is not None and t.target.value != t.baseline.value:
            better = t.target.value > t.baseline.value
            if better != (kpi.direction is Direction.up):
                yield Finding(
                    "targets.yaml",
                    f"{key}.target.value",
                    f"the target moves the wrong way for a KPI where "
                    f"{'higher' if kpi.direction is Direction.up else 'lower'} is better",
                    t,
                    ("target", "value"),
                )
        elif kpi is not None:
            yield Finding(
                "targets.yaml",
                f"{key}.target.value",
                "target equals the baseline",
                t,
                ("target", "value"),
            )
        yield from _milestones(t, base, goal, fy)
    for kpi in cat.kpis:
        if province_count[kpi.code] == 0 and cat.targets_of(kpi.code):
            yield Finding(
                "targets.yaml", kpi.code, "KPI has district targets but no province target"
            )
        if province_count[kpi.code] > 1:
            yield Finding("targets.yaml", kpi.code, "KPI has more than one province target")
    for (kpi_code, d), n in district_seen.items():
        if n > 1:
            yield Finding("targets.yaml", kpi_code, f"district {d} has {n} targets for this KPI")


def _milestones(t: Target, base: Period | None, goal: Period | None, fy: int) -> Iterator[Finding]:
    key = t.kpi
    if t.shape is Shape.milestones and not t.milestones:
        yield Finding("targets.yaml", f"{key}.milestones", "shape: milestones needs milestones", t)
    if t.shape is not Shape.milestones and t.milestones:
        yield Finding(
            "targets.yaml",
            f"{key}.milestones",
            f"milestones are only used with shape: milestones (shape is {t.shape})",
            t,
            ("milestones",),
        )
    previous = base.last if base else None
    for i, m in enumerate(t.milestones):
        p, bad = _period(t, ("milestones", i, "period"), m.period, fy)
        if bad:
            yield bad
            continue
        assert p is not None
        if previous is not None and p.last <= previous:
            yield Finding(
                "targets.yaml",
                f"{key}.milestones[{i}]",
                "milestones must come after the baseline and after each other",
                t,
                ("milestones", i),
            )
        if goal is not None and p.last >= goal.last:
            yield Finding(
                "targets.yaml",
                f"{key}.milestones[{i}]",
                "a milestone must come before the target date",
                t,
                ("milestones", i),
            )
        previous = p.last
