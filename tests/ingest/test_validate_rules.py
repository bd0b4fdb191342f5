"""Catalog rules and bounds through the GE adapter: skipping blanks, operators, many files."""

from __future__ import annotations

import time
from datetime import date
from functools import cache

import numpy as np
import pandas as pd
import pytest

from dbmis.catalog import Catalog
from dbmis.catalog.models import Rule, Text, Unit
from dbmis.ingest.read import read_csv, read_workbook
from dbmis.ingest.templates import template_bytes
from dbmis.ingest.validate import (
    ExpectationSpec,
    ValidationEngineError,
    Where,
    run_expectations,
    validate_many,
    validate_upload,
)
from dbmis.ingest.validate.rules import plan_checks
from tests.ingest.filling import csv_bytes, fill_template, mini_catalog, with_indicator, with_rules

TODAY = date(2027, 1, 15)


@cache
def mini() -> Catalog:
    return mini_catalog()


@cache
def pros() -> bytes:
    return template_bytes(mini(), "PROSECUTION", year=2026, district="ALPHA")


def issues_of(values: dict, catalog: Catalog | None = None) -> list:
    catalog = catalog or mini()
    outcome = read_workbook(fill_template(pros(), values), catalog)
    return validate_upload(outcome, catalog, today=TODAY)


def test_rule_skips_months_where_an_indicator_is_blank() -> None:
    values = {
        ("PRO_CONVICTIONS", 1): 50,  # cases decided blank in January: not reported, skip
        ("PRO_CASES_DECIDED", 2): 10,  # convictions blank in February: skip
        ("PRO_CONVICTIONS", 3): 50,
        ("PRO_CASES_DECIDED", 3): 10,  # both reported in March: fails
        ("PRO_CONVICTIONS", 4): "n/a",
        ("PRO_CASES_DECIDED", 4): 1,  # not a number in April: only VALUE_NOT_NUMBER
        ("PRO_CONVICTIONS", 5): 0,
        ("PRO_CASES_DECIDED", 5): 0,  # zero is a report: 0 <= 0 holds
    }
    found = [(i.code, i.cell, i.period) for i in issues_of(values)]
    assert found == [
        ("RULE_ERROR", "Data!F9", "2026-03"),
        ("VALUE_NOT_NUMBER", "Data!G9", "2026-04"),
    ]


def _rule(code: str, left: list[str], op: str, right: list[str], factor: float = 1.0) -> Rule:
    return Rule(
        code=code,
        left=left,
        op=op,
        right=right,
        factor=factor,
        severity="error",
        message=Text(en=f"Rule {code}.", ur="..."),
    )


@pytest.mark.parametrize(
    ("op", "left", "right", "fails"),
    [
        ("<=", 5, 5, False),
        ("<=", 6, 5, True),
        ("<", 5, 5, True),
        ("<", 4, 5, False),
        (">=", 4, 5, True),
        (">=", 5, 5, False),
        (">", 5, 5, True),
        (">", 6, 5, False),
        ("==", 5, 5, False),
        ("==", 4, 5, True),
        ("!=", 5, 5, True),
        ("!=", 4, 5, False),
    ],
)
def test_each_operator(op: str, left: int, right: int, fails: bool) -> None:
    base = dataclasses_replace_rules(
        mini(), _rule("OP_RULE", ["PRO_CHALLANS_ON_TIME"], op, ["PRO_CASES_DECIDED"])
    )
    values = {("PRO_CHALLANS_ON_TIME", 1): left, ("PRO_CASES_DECIDED", 1): right}
    found = [(i.code, i.cell) for i in issues_of(values, base)]
    assert found == ([("RULE_ERROR", "Data!D10")] if fails else [])


def dataclasses_replace_rules(catalog: Catalog, *rules: Rule) -> Catalog:
    import dataclasses

    return dataclasses.replace(catalog, rules=tuple(rules))


def test_sums_and_factor() -> None:
    rule = _rule("SUM", ["PRO_CONVICTIONS", "PRO_CHALLANS_ON_TIME"], "<=", ["PRO_CASES_DECIDED"], 2)
    catalog = dataclasses_replace_rules(mini(), rule)
    ok = {("PRO_CONVICTIONS", 1): 10, ("PRO_CHALLANS_ON_TIME", 1): 10, ("PRO_CASES_DECIDED", 1): 10}
    assert issues_of(ok, catalog) == []
    bad = {**ok, ("PRO_CHALLANS_ON_TIME", 1): 11}
    (issue,) = issues_of(bad, catalog)
    assert issue.cell == "Data!D9"  # the cell of the rule's first left indicator
    assert (
        "Convictions + Charge sheets submitted on time = 21 is more than 2 x Criminal cases decided = 20"
        in issue.message
    )
    # one of the three blank: the month is skipped
    assert issues_of({("PRO_CONVICTIONS", 1): 30, ("PRO_CASES_DECIDED", 1): 1}, catalog) == []


def test_float_noise_does_not_break_equality() -> None:
    catalog = mini()
    for code in ("PRO_CONVICTIONS", "PRO_CHALLANS_ON_TIME", "PRO_CASES_DECIDED"):
        catalog = with_indicator(catalog, code, unit=Unit.pkr)
    catalog = dataclasses_replace_rules(
        catalog,
        _rule("EQ", ["PRO_CONVICTIONS", "PRO_CHALLANS_ON_TIME"], "==", ["PRO_CASES_DECIDED"]),
    )
    template = template_bytes(catalog, "PROSECUTION", year=2026, district="ALPHA")
    values = {
        ("PRO_CONVICTIONS", 1): 0.1,
        ("PRO_CHALLANS_ON_TIME", 1): 0.2,
        ("PRO_CASES_DECIDED", 1): 0.3,
    }
    outcome = read_workbook(fill_template(template, values), catalog)
    assert validate_upload(outcome, catalog, today=TODAY) == []


def test_plan_uses_one_expectation_per_bound_and_rule() -> None:
    catalog = mini()
    values = {
        (code, m): 1 for code in ("PRO_CONVICTIONS", "PRO_CASES_DECIDED") for m in range(1, 13)
    }
    outcome = read_workbook(fill_template(pros(), values), catalog)
    plan = plan_checks(outcome.cells.assign(file=0), catalog)
    kinds = [c.code for c in plan.checks]
    assert kinds == ["VALUE_BELOW_MIN", "VALUE_ABOVE_MAX", "VALUE_NOT_WHOLE", "RULE_ERROR"]
    # 24 cells of one value with the same bounds share one row, then 12 district-months
    assert len(plan.frame) == 1 + 12
    assert len(plan.cells) == 24 and plan.bound_cells(np.array([0])).tolist() == list(range(24))


def test_validate_many_matches_one_by_one() -> None:
    catalog = mini()
    prisons = template_bytes(catalog, "PRISONS", year=2026, district="BETA")
    files = [
        read_workbook(
            fill_template(pros(), {("PRO_CONVICTIONS", 1): 9, ("PRO_CASES_DECIDED", 1): 3}), catalog
        ),
        read_workbook(fill_template(pros(), {("PRO_CONVICTIONS", 2): -1}), catalog),
        read_workbook(
            fill_template(prisons, {("PRS_UNDERTRIAL", 1): 9, ("PRS_PRISONERS_TOTAL", 1): 3}),
            catalog,
        ),
        read_workbook(fill_template(prisons, {("PRS_CAPACITY", 1): 100}), catalog),
        read_csv(
            csv_bytes(
                [
                    ("GAMMA", "PROSECUTION", "PRO_CONVICTIONS", "2026-01", "5"),
                    ("GAMMA", "PROSECUTION", "PRO_CASES_DECIDED", "2026-01", "4"),
                ]
            ),
            catalog,
        ),
    ]
    together = validate_many(files, catalog, today=TODAY)
    apart = [validate_upload(f, catalog, today=TODAY) for f in files]
    assert together == apart
    assert [[i.code for i in issues] for issues in together] == [
        ["RULE_ERROR"],
        ["VALUE_BELOW_MIN"],
        ["RULE_ERROR"],
        [],
        ["RULE_ERROR"],
    ]
    assert together[4][0].cell == "CSV!line 2"


def test_validate_many_is_cheaper_than_one_by_one() -> None:
    catalog = mini()
    data = fill_template(pros(), {("PRO_CONVICTIONS", m): m for m in range(1, 13)})
    files = [read_workbook(data, catalog) for _ in range(20)]
    validate_many(files[:1], catalog, today=TODAY)  # GE imported and warmed up
    start = time.perf_counter()
    validate_many(files, catalog, today=TODAY)
    together = time.perf_counter() - start
    start = time.perf_counter()
    for f in files:
        validate_upload(f, catalog, today=TODAY)
    apart = time.perf_counter() - start
    assert together < apart / 3, (together, apart)


def test_adapter_reports_failures_by_meta_in_spec_order() -> None:
    frame = pd.DataFrame(
        {"row_id": [1, 2, 3, 4], "indicator": ["A", "A", "B", "B"], "value": [1.0, -2.0, None, 5.5]}
    )
    specs = [
        ExpectationSpec("expect_column_values_to_not_be_null", {"column": "value"}, "nn"),
        ExpectationSpec(
            "expect_column_values_to_be_between",
            {"column": "value", "min_value": 0},
            "min-A",
            (Where("indicator", "==", "A"),),
        ),
        ExpectationSpec(
            "expect_column_values_to_be_between",
            {"column": "value", "max_value": 5},
            "max-B",
            (Where("indicator", "in", ["B"]),),
        ),
    ]
    failures = run_expectations(frame, specs)
    assert [(f.meta, f.keys) for f in failures] == [("nn", [3]), ("min-A", [2]), ("max-B", [4])]
    assert all(type(k) is int for f in failures for k in f.keys)
    with pytest.raises(ValidationEngineError):
        run_expectations(
            frame, [ExpectationSpec("expect_column_values_to_not_be_null", {"column": "nope"}, "x")]
        )
    with pytest.raises(ValueError, match="unsupported"):
        ExpectationSpec("expect_table_row_count_to_equal", {}, "y")


def test_csv_rules_are_per_district_and_month() -> None:
    rows = [
        ("ALPHA", "PROSECUTION", "PRO_CONVICTIONS", "2026-01", "5"),
        ("BETA", "PROSECUTION", "PRO_CASES_DECIDED", "2026-01", "4"),  # other district: skip
        ("ALPHA", "PROSECUTION", "PRO_CASES_DECIDED", "2026-02", "4"),  # other month: skip
        ("GAMMA", "PRISONS", "PRS_UNDERTRIAL", "2026-03", "7"),
        ("GAMMA", "PRISONS", "PRS_PRISONERS_TOTAL", "2026-03", "6"),
    ]
    issues = validate_upload(read_csv(csv_bytes(rows), mini()), mini(), today=TODAY)
    assert [(i.code, i.cell, i.indicator) for i in issues] == [
        ("RULE_ERROR", "CSV!line 5", "PRS_UNDERTRIAL")
    ]
    assert issues[0].message.startswith("Line 5 (Under-trial prisoners, GAMMA, Mar 2026): ")


def test_warning_rule_does_not_block() -> None:
    rule = Rule(
        code="WARN_RULE",
        left=["PRO_CHALLANS_ON_TIME"],
        op="<=",
        right=["PRO_CASES_DECIDED"],
        severity="warning",
        message=Text(en="Usually fewer.", ur="..."),
    )
    issues = issues_of(
        {("PRO_CHALLANS_ON_TIME", 1): 9, ("PRO_CASES_DECIDED", 1): 3}, with_rules(mini(), rule)
    )
    assert [(i.code, str(i.severity)) for i in issues] == [("RULE_WARNING", "warning")]
