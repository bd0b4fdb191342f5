"""Turn the catalog into expectations, run them in one GE run, map failures back to cells.

Two kinds of checks share one frame (so one GE run, whose fixed cost is ~0.1-0.3 s):

- **bounds** on each number cell: the cell's indicator gives ``min``/``max``/whole-number
  columns per row, checked with column-pair expectations (``value >= min``, ``max >= value``,
  ``value == round(value)``). One expectation per kind of bound, whatever the number of
  indicators: about 10x faster than one row-conditioned expectation per indicator. Cells with
  the same value and the same bounds share one row (the check cannot tell them apart): a
  1,000,000-line bulk CSV has ~30,000 distinct ones, and GE's pandas engine costs ~10 us a row.
- **rules** ``sum(left) op factor * sum(right)``: the cells are pivoted to one row per
  (file, district, month) with a computed left and right column per rule, then compared with
  ``expect_column_pair_values_a_to_be_greater_than_b`` / ``..._to_be_equal`` (``!=`` uses
  ``expect_column_values_to_not_be_in_set`` on the difference). A rule is evaluated only for a
  month where every one of its indicators was reported as a number (blank = not reported: the
  rule is skipped, not failed).

Rows of the two parts are stacked in one frame; every expectation ignores rows where one of its
columns is missing, so the parts do not see each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dbmis.catalog import Catalog
from dbmis.catalog.models import Rule, Severity
from dbmis.ingest.codes import CODES, MAX_ISSUES_PER_CODE, make_issue
from dbmis.ingest.result import Issue
from dbmis.ingest.validate.ge_adapter import ExpectationSpec, run_expectations
from dbmis.ingest.validate.messages import describe, indicator_name, number, period

KEY = "_key"
_PAIR = "expect_column_pair_values_a_to_be_greater_than_b"
_EQUAL = "expect_column_pair_values_to_be_equal"
_SKIP_MISSING = {"ignore_row_if": "either_value_is_missing"}
_DECIMALS = 9  # sums are rounded before comparing, so 0.1 + 0.2 == 0.3
_BROKEN = {  # how a failing comparison reads
    "<=": "is more than",
    "<": "is not less than",
    ">=": "is less than",
    ">": "is not more than",
    "==": "differs from",
    "!=": "equals",
}


@dataclass(frozen=True)
class Check:
    """An expectation and what its failure means."""

    spec: ExpectationSpec
    code: str  # VALUE_BELOW_MIN, VALUE_ABOVE_MAX, VALUE_NOT_WHOLE, RULE_ERROR, RULE_WARNING
    rule: Rule | None = None


@dataclass
class Plan:
    frame: pd.DataFrame  # the GE frame: bounds rows, then rule rows
    checks: list[Check]
    cells: pd.DataFrame  # the number cells checked
    wide: pd.DataFrame  # one row per (file, district, month), KEY = rule_start + position
    bounds_key: np.ndarray  # for each of ``cells``: the KEY of its bounds row
    rule_start: int  # KEY of the first rule row (= number of bounds rows)

    def bound_cells(self, keys: np.ndarray) -> np.ndarray:
        """Positions in :attr:`cells` of the cells whose bounds rows are ``keys``."""
        return np.flatnonzero(np.isin(self.bounds_key, keys))


def rules_for(catalog: Catalog, institutions: list[str]) -> list[Rule]:
    """Rules whose indicators all belong to one of these institutions, in catalog order."""
    seen: dict[str, Rule] = {}
    for inst in institutions:
        for rule in catalog.rules_of(inst):
            seen.setdefault(rule.code, rule)
    return [r for r in catalog.rules if r.code in seen]


def plan_checks(cells: pd.DataFrame, catalog: Catalog) -> Plan:
    """The GE frame and expectations for ``cells`` (the cells of one or many files).

    ``cells`` has the read columns plus ``file`` (int); only ``kind == 'number'`` cells of
    indicators known to the catalog are checked.
    """
    known = list(catalog.indicator_by_code)
    numbers = cells[
        (cells["kind"] == "number").to_numpy() & cells["indicator"].isin(known).to_numpy()
    ]
    numbers = numbers.reset_index(drop=True)
    # per-row bounds: look each distinct indicator up once, then index by category codes
    ind = pd.Categorical(numbers["indicator"].astype(object))
    by_code = [catalog.indicator_by_code[c] for c in ind.categories]
    codes = ind.codes
    lows = np.array([i.min for i in by_code] or [0.0], dtype=float)[codes]
    highs = np.array([np.nan if i.max is None else i.max for i in by_code] or [0.0], dtype=float)
    is_whole = np.array([i.whole_numbers for i in by_code] or [False], dtype=bool)[codes]
    value = numbers["value"].to_numpy(dtype=float)
    # one row per distinct (value, bounds): the bounds of a cell are its indicator's
    bound_sets = pd.MultiIndex.from_arrays(
        [
            np.array([i.min for i in by_code], dtype=float),
            np.array([np.nan if i.max is None else i.max for i in by_code], dtype=float),
            np.array([i.whole_numbers for i in by_code], dtype=bool),
        ]
    )
    bound_set = pd.factorize(bound_sets)[0] if len(by_code) else np.zeros(0, dtype=np.int64)
    value_code, distinct_values = pd.factorize(value)
    combined = bound_set[codes].astype(np.int64) * (len(distinct_values) + 1) + value_code
    _, first, bounds_key = np.unique(combined, return_index=True, return_inverse=True)
    first_value = value[first]
    bounds = pd.DataFrame(
        {
            KEY: np.arange(len(first), dtype=np.int64),
            "value": first_value,
            "min": lows[first],
            "max": highs[codes][first],
            "whole": np.where(is_whole[first], np.round(first_value), np.nan),
        }
    )
    checks = [
        Check(
            ExpectationSpec(
                _PAIR,
                {"column_A": "value", "column_B": "min", "or_equal": True, **_SKIP_MISSING},
                "min",
            ),
            "VALUE_BELOW_MIN",
        ),
        Check(
            ExpectationSpec(
                _PAIR,
                {"column_A": "max", "column_B": "value", "or_equal": True, **_SKIP_MISSING},
                "max",
            ),
            "VALUE_ABOVE_MAX",
        ),
        Check(
            ExpectationSpec(
                _EQUAL, {"column_A": "value", "column_B": "whole", **_SKIP_MISSING}, "whole"
            ),
            "VALUE_NOT_WHOLE",
        ),
    ]
    institutions = [i for i in cells["institution"].astype(object).dropna().unique() if i]
    rules = rules_for(catalog, [str(i) for i in institutions])
    wide, rule_cols, rule_checks = _rule_part(numbers, rules, start=len(bounds))
    checks += rule_checks
    frame = pd.concat([bounds, rule_cols], ignore_index=True) if len(rule_cols) else bounds
    return Plan(frame, checks, numbers, wide, bounds_key.reshape(-1), len(bounds))


def _rule_part(
    numbers: pd.DataFrame, rules: list[Rule], start: int
) -> tuple[pd.DataFrame, pd.DataFrame, list[Check]]:
    needed = sorted({c for r in rules for c in (*r.left, *r.right)})
    empty = pd.DataFrame()
    if not rules:
        return empty, empty, []
    sub = numbers[numbers["indicator"].isin(needed).to_numpy() & (numbers["month"] > 0).to_numpy()]
    if sub.empty:
        return empty, empty, []
    keys = ["file", "district", "month"]
    frame = sub[[*keys, "indicator", "value"]].copy()
    frame["district"] = frame["district"].astype(object).fillna("")
    frame["indicator"] = frame["indicator"].astype(object)
    wide = frame.groupby([*keys, "indicator"], sort=False)["value"].first().unstack("indicator")
    wide = wide.reset_index()
    cols: dict[str, np.ndarray] = {KEY: np.arange(start, start + len(wide), dtype=np.int64)}
    checks: list[Check] = []
    for j, rule in enumerate(rules):
        if not all(c in wide.columns for c in (*rule.left, *rule.right)):
            continue  # an indicator of the rule is never reported: nothing to compare
        left = wide[list(rule.left)].sum(axis=1, min_count=len(rule.left)).round(_DECIMALS)
        right = (wide[list(rule.right)].sum(axis=1, min_count=len(rule.right)) * rule.factor).round(
            _DECIMALS
        )
        lc, rc = f"L{j}", f"R{j}"
        cols[lc], cols[rc] = left.to_numpy(dtype=float), right.to_numpy(dtype=float)
        meta = f"rule:{rule.code}"
        if rule.op in ("<=", "<"):
            spec = ExpectationSpec(
                _PAIR,
                {"column_A": rc, "column_B": lc, "or_equal": rule.op == "<=", **_SKIP_MISSING},
                meta,
            )
        elif rule.op in (">=", ">"):
            spec = ExpectationSpec(
                _PAIR,
                {"column_A": lc, "column_B": rc, "or_equal": rule.op == ">=", **_SKIP_MISSING},
                meta,
            )
        elif rule.op == "==":
            spec = ExpectationSpec(_EQUAL, {"column_A": lc, "column_B": rc, **_SKIP_MISSING}, meta)
        else:  # "!="
            cols[f"D{j}"] = (left - right).round(_DECIMALS).to_numpy(dtype=float)
            spec = ExpectationSpec(
                "expect_column_values_to_not_be_in_set",
                {"column": f"D{j}", "value_set": [0.0]},
                meta,
            )
        code = "RULE_ERROR" if rule.severity is Severity.error else "RULE_WARNING"
        checks.append(Check(spec, code, rule))
    return wide, pd.DataFrame(cols), checks


def check_issues(
    cells: pd.DataFrame, catalog: Catalog, *, cap: int = MAX_ISSUES_PER_CODE
) -> list[tuple[int, Issue]]:
    """Run bounds and rules over ``cells`` (with a ``file`` column): ``(file, issue)`` pairs.

    At most ``cap`` issues per file and check are listed; one more issue counts the rest.
    """
    plan = plan_checks(cells, catalog)
    if plan.cells.empty:
        return []
    failures = run_expectations(plan.frame, [c.spec for c in plan.checks], index_column=KEY)
    by_meta = {c.spec.meta: c for c in plan.checks}
    found: list[tuple[int, Issue]] = []
    for failure in failures:
        check = by_meta[failure.meta]
        keys = np.sort(np.asarray(failure.keys, dtype=np.int64))
        if check.rule is None:
            rows = plan.cells.iloc[plan.bound_cells(keys)]
        else:
            rows = plan.wide.iloc[keys - plan.rule_start]
        rows, extra = _limit(rows, cap)
        if check.rule is None:
            found += _bound_issues(rows, check, catalog)
        else:
            found += _rule_issues(plan.cells, rows, check, catalog)
        for file, count in extra.items():
            issue = make_issue(
                check.code,
                f"{count} more cells with this problem are not listed. {CODES[check.code].fix}",
            )
            found.append((file, issue))
    return found


def _limit(rows: pd.DataFrame, cap: int) -> tuple[pd.DataFrame, dict[int, int]]:
    """The first ``cap`` rows of each file, and how many were left out per file."""
    sizes = rows.groupby("file", sort=False).size()
    if (sizes <= cap).all():
        return rows, {}
    kept = rows.groupby("file", sort=False).head(cap)
    return kept, {int(f): int(n - cap) for f, n in sizes.items() if n > cap}


def _bound_issues(rows: pd.DataFrame, check: Check, catalog: Catalog) -> list[tuple[int, Issue]]:
    out = []
    for file, ref, ind, month, raw, value, district in zip(
        rows["file"],
        rows["cell"],
        rows["indicator"].astype(object),
        rows["month"],
        rows["raw"],
        rows["value"],
        rows["district"].astype(object),
        strict=True,
    ):
        indicator = catalog.indicator_by_code[ind]
        where = describe(catalog, ref, ind, int(month), district)
        if check.code == "VALUE_BELOW_MIN":
            text = f"{number(value)} is below the smallest value allowed ({number(indicator.min)})."
        elif check.code == "VALUE_ABOVE_MAX":
            limit = number(indicator.max) if indicator.max is not None else "?"
            text = f"{number(value)} is above the largest value allowed ({limit})."
        else:
            text = f"{number(value)} is not a whole number; {indicator.name.en} is a count."
        issue = make_issue(
            check.code,
            f"{where}: {text} Check the figure and type the right one.",
            cell=ref,
            indicator=ind,
            period=period(int(month)),
            value=str(raw),
        )
        out.append((int(file), issue))
    return out


def _side(catalog: Catalog, codes: list[str], factor: float = 1.0) -> str:
    names = " + ".join(indicator_name(catalog, c) for c in codes)
    if len(codes) > 1 and factor != 1:
        names = f"({names})"
    return names if factor == 1 else f"{number(factor)} x {names}"


def _rule_issues(
    cells: pd.DataFrame, failed: pd.DataFrame, check: Check, catalog: Catalog
) -> list[tuple[int, Issue]]:
    """Issues on the cell of the rule's first left indicator, for each failing month."""
    rule = check.rule
    assert rule is not None
    first = rule.left[0]
    keys = ["file", "district", "month"]
    target = cells[(cells["indicator"] == first).to_numpy()][[*keys, "cell", "raw"]]
    target = target.assign(district=target["district"].astype(object).fillna(""))
    target = target.drop_duplicates(keys)
    located = failed[keys].merge(target, on=keys, how="left")
    left = failed[list(rule.left)].sum(axis=1).to_numpy(dtype=float)
    right = failed[list(rule.right)].sum(axis=1).to_numpy(dtype=float) * rule.factor
    out = []
    for i, (file, district, month, ref, raw) in enumerate(
        zip(
            located["file"],
            located["district"],
            located["month"],
            located["cell"],
            located["raw"],
            strict=True,
        )
    ):
        month = int(month)
        where = describe(catalog, str(ref), first, month, str(district))
        text = (
            f"{rule.message.en} Here {_side(catalog, rule.left)} = {number(left[i])} "
            f"{_BROKEN[rule.op]} {_side(catalog, rule.right, rule.factor)} = "
            f"{number(right[i])} (rule {rule.code})."
        )
        issue = make_issue(
            check.code,
            f"{where}: {text}",
            cell=str(ref),
            indicator=first,
            period=period(month),
            value=str(raw),
        )
        out.append((int(file), issue))
    return out
