"""Smoke test on the bundled catalog: every institution's template fills, reads and validates."""

from __future__ import annotations

from datetime import date

import pytest

from dbmis.catalog import Catalog, load_catalog
from dbmis.ingest.read import read_workbook
from dbmis.ingest.templates import template_bytes
from dbmis.ingest.validate import validate_many
from tests.ingest.filling import fill_template


@pytest.fixture(scope="module")
def default() -> Catalog:
    return load_catalog()


def test_every_template_round_trips_and_validates(default: Catalog) -> None:
    district = default.districts[0]
    outcomes = []
    for inst in default.institutions:
        indicators = default.indicators_of(inst.code)
        template = template_bytes(default, inst.code, year=2025, district=district.code)
        # zero everywhere satisfies every bound and every "<=" rule
        values = {(i.code, m): 0 for i in indicators for m in range(1, 13)}
        outcome = read_workbook(fill_template(template, values), default)
        assert outcome.issues == [], inst.code
        assert outcome.institution == inst.code and outcome.district == district.code
        assert len(outcome.cells) == 12 * len(indicators)
        outcomes.append(outcome)
    results = validate_many(outcomes, default, today=date(2026, 3, 1))
    assert results == [[] for _ in outcomes]


def test_a_rule_of_the_default_catalog_fires(default: Catalog) -> None:
    rule = next(r for r in default.rules if r.op == "<=" and r.severity.value == "error")
    inst = default.indicator_by_code[rule.left[0]].institution
    template = template_bytes(default, inst, year=2025, district=default.districts[0].code)
    values = {(c, 1): 10 for c in rule.right} | {(c, 1): 50 for c in rule.left}
    (issues,) = validate_many(
        [read_workbook(fill_template(template, values), default)], default, today=date(2026, 3, 1)
    )
    assert rule.code in {
        i.message.split("(rule ")[-1].rstrip(").") for i in issues if i.code == "RULE_ERROR"
    }
