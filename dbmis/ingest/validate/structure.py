"""Checks that need no expectation engine: template identity, header, rows, cells, CSV codes.

Each function returns :class:`~dbmis.ingest.result.Issue` objects with the cell they concern.
Checks over many cells are vectorised and list at most ``cap`` cells per code, followed by one
issue that counts the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from dbmis.catalog import Catalog
from dbmis.ingest import layout as L
from dbmis.ingest.codes import CODES, MAX_ISSUES_PER_CODE, make_issue
from dbmis.ingest.read.outcome import CSV_LAYOUT, LongLayout, ReadOutcome
from dbmis.ingest.result import Issue
from dbmis.ingest.validate.messages import describe, indicator_name, period

_NOT_REPORTED = "Leave the cell blank if the figure was not reported."


@dataclass(frozen=True)
class Options:
    """What the caller knows about the upload."""

    today: date
    allowed_districts: frozenset[str] | None = None
    allowed_institutions: frozenset[str] | None = None
    expected_institution: str | None = None
    cap: int = MAX_ISSUES_PER_CODE

    @property
    def current_month(self) -> int:
        return self.today.year * 100 + self.today.month


def structure_issues(outcome: ReadOutcome, catalog: Catalog, options: Options) -> list[Issue]:
    """Every plain-Python check of one read file."""
    issues: list[Issue] = []
    if not outcome.is_long:
        issues += template_issues(outcome, catalog, options)
        if outcome.data_found:
            issues += header_issues(outcome, catalog, options)
            issues += formula_issues(outcome, catalog, options)
    else:
        issues += csv_code_issues(outcome, catalog, options)
        issues += duplicate_issues(outcome, catalog, options)
    if outcome.data_found and not (outcome.cells["kind"] != "blank").any():
        layout = outcome.long_layout
        where = layout.where if layout else f"'{L.SHEET_DATA}' sheet"
        issues.append(
            make_issue(
                "DATA_EMPTY",
                f"The {where} has no figures at all. {CODES['DATA_EMPTY'].fix}",
                sheet=layout.sheet if layout else L.SHEET_DATA,
            )
        )
    return issues


# --- template -------------------------------------------------------------------------------


def template_issues(outcome: ReadOutcome, catalog: Catalog, options: Options) -> list[Issue]:
    issues: list[Issue] = []
    meta, inst = outcome.meta, outcome.institution
    outdated = False
    if meta is not None and inst is not None:
        if meta.version != L.TEMPLATE_VERSION:
            outdated = True
            age = _age(meta.version)
            issues.append(
                make_issue(
                    "TEMPLATE_VERSION",
                    f"This template is version {meta.version or '?'}, {age} than the version "
                    f"DBMIS uses now ({L.TEMPLATE_VERSION}). {CODES['TEMPLATE_VERSION'].fix}",
                    sheet=L.SHEET_META,
                    value=meta.version,
                )
            )
        elif meta.fingerprint != catalog.template_fingerprint(inst):
            outdated = True
            issues.append(
                make_issue(
                    "TEMPLATE_OUTDATED",
                    "This template is out of date: the indicators of "
                    f"{catalog.institution_by_code[inst].name.en} (or the list of districts) "
                    f"changed after it was downloaded{_changes(outcome, catalog, inst)}. "
                    f"{CODES['TEMPLATE_OUTDATED'].fix}",
                    sheet=L.SHEET_META,
                    value=meta.fingerprint,
                )
            )
    if options.expected_institution and inst and inst != options.expected_institution:
        issues.append(
            make_issue(
                "TEMPLATE_WRONG_INSTITUTION",
                f"This is the return of {_inst_name(catalog, inst)}, but you are uploading for "
                f"{_inst_name(catalog, options.expected_institution)}. "
                f"{CODES['TEMPLATE_WRONG_INSTITUTION'].fix}",
                sheet=L.SHEET_META,
                value=inst,
            )
        )
    allowed = options.allowed_institutions
    if allowed is not None and inst and inst in catalog.institution_by_code and inst not in allowed:
        issues.append(
            make_issue(
                "INSTITUTION_NOT_ALLOWED",
                f"This is the return of {_inst_name(catalog, inst)}; your account reports for "
                f"{', '.join(_inst_name(catalog, i) for i in sorted(allowed)) or 'no institution'}. "
                f"{CODES['INSTITUTION_NOT_ALLOWED'].fix}",
                sheet=L.SHEET_META,
                value=inst,
            )
        )
    if inst is not None and outcome.data_found and not outdated:
        issues += rows_changed_issues(outcome, catalog, inst)
    return issues


def _age(version: str) -> str:
    try:
        return "older" if int(version) < int(L.TEMPLATE_VERSION) else "newer"
    except ValueError:
        return "other"


def _inst_name(catalog: Catalog, code: str) -> str:
    inst = catalog.institution_by_code.get(code)
    return inst.name.en if inst else code


def _changes(outcome: ReadOutcome, catalog: Catalog, inst: str) -> str:
    have = set(outcome.row_codes.values())
    want = [i.code for i in catalog.indicators_of(inst)]
    added = [c for c in want if c not in have]
    removed = sorted(have - set(want))
    parts = []
    if added:
        parts.append("new: " + ", ".join(added))
    if removed:
        parts.append("no longer collected: " + ", ".join(removed))
    return f" ({'; '.join(parts)})" if parts else ""


def rows_changed_issues(outcome: ReadOutcome, catalog: Catalog, inst: str) -> list[Issue]:
    expected = [i.code for i in catalog.indicators_of(inst)]
    expected_row = {code: L.FIRST_DATA_ROW + i for i, code in enumerate(expected)}
    first_row: dict[str, int] = {}
    issues: list[Issue] = []

    def add(row: int, message: str, code: str | None, value: str | None) -> None:
        ref = L.cell_ref(row, L.CODE_COL)
        issues.append(
            make_issue(
                "STRUCTURE_ROWS_CHANGED",
                f"{ref}: {message} {CODES['STRUCTURE_ROWS_CHANGED'].fix}",
                cell=ref,
                indicator=code,
                value=value,
            )
        )

    for row, code in sorted(outcome.row_codes.items()):
        if code not in expected_row:
            other = catalog.indicator_by_code.get(code)
            why = (
                f"an indicator of {_inst_name(catalog, other.institution)}, not of this template"
                if other
                else "not an indicator code of this template"
            )
            add(row, f"'{code}' is {why}.", None, code)
        elif code in first_row:
            add(row, f"{code} appears twice (also in row {first_row[code]}).", code, code)
        else:
            first_row[code] = row
            if row != expected_row[code]:
                add(
                    row,
                    f"{code} ({indicator_name(catalog, code)}) should be in row "
                    f"{expected_row[code]}: rows were moved, inserted or deleted.",
                    code,
                    code,
                )
    for code in expected:
        if code not in first_row:
            add(
                expected_row[code],
                f"the row of {code} ({indicator_name(catalog, code)}) was deleted or its code "
                "was changed.",
                code,
                outcome.row_codes.get(expected_row[code]),
            )
    return issues


# --- header ---------------------------------------------------------------------------------


def header_issues(outcome: ReadOutcome, catalog: Catalog, options: Options) -> list[Issue]:
    issues: list[Issue] = []
    header, meta = outcome.header, outcome.meta
    if header is None:
        return issues
    province = catalog.roadmap.province.en
    c2, c3 = f"{L.SHEET_DATA}!{L.DISTRICT_CELL}", f"{L.SHEET_DATA}!{L.YEAR_CELL}"
    if not header.district_raw:
        issues.append(
            make_issue(
                "DISTRICT_MISSING",
                f"{c2}: the district is empty. Choose your district in cell C2 from the list.",
                cell=c2,
            )
        )
    elif header.district is None:
        issues.append(
            make_issue(
                "DISTRICT_UNKNOWN",
                f"{c2}: '{header.district_raw}' is not a district of {province}. Choose your "
                "district in cell C2 from the list.",
                cell=c2,
                value=header.district_raw,
            )
        )
    elif meta is not None and meta.district and header.district != meta.district:
        issues.append(
            make_issue(
                "DISTRICT_OUTSIDE_TEMPLATE",
                f"{c2}: '{header.district_raw}' differs from the district this template was made "
                f"for ({_district_name(catalog, meta.district)}). "
                f"{CODES['DISTRICT_OUTSIDE_TEMPLATE'].fix}",
                cell=c2,
                value=header.district_raw,
            )
        )
    district = outcome.district
    if (
        options.allowed_districts is not None
        and district in catalog.district_by_code
        and district not in options.allowed_districts
    ):
        issues.append(
            make_issue(
                "DISTRICT_NOT_ALLOWED",
                f"{c2}: your account may not report for {_district_name(catalog, district)}. "
                f"{CODES['DISTRICT_NOT_ALLOWED'].fix}",
                cell=c2,
                value=header.district_raw or district,
            )
        )
    if not header.year_raw:
        issues.append(
            make_issue(
                "YEAR_MISSING",
                f"{c3}: the reporting year is empty. Type the four-digit year, e.g. "
                f"{options.today.year}.",
                cell=c3,
            )
        )
    elif header.year is None:
        issues.append(
            make_issue(
                "YEAR_INVALID",
                f"{c3}: '{header.year_raw}' is not a year. Type the four-digit year, e.g. "
                f"{options.today.year}.",
                cell=c3,
                value=header.year_raw,
            )
        )
    elif meta is not None and meta.year and header.year != meta.year:
        issues.append(
            make_issue(
                "YEAR_OUTSIDE_TEMPLATE",
                f"{c3}: {header.year} differs from the year this template was made for "
                f"({meta.year}). {CODES['YEAR_OUTSIDE_TEMPLATE'].fix}",
                cell=c3,
                value=header.year_raw,
            )
        )
    return issues


def _district_name(catalog: Catalog, code: str) -> str:
    d = catalog.district_by_code.get(code)
    return d.name.en if d else code


# --- cells ----------------------------------------------------------------------------------


def per_cell(
    code: str,
    cells: pd.DataFrame,
    catalog: Catalog,
    message: Callable[[str, str], str],
    cap: int,
) -> list[tuple[int, Issue]]:
    """One ``(file, issue)`` per row of ``cells``: at most ``cap`` per file, then one issue
    that counts the rest. ``message(detail, raw)`` writes the text after the cell's
    description; ``detail`` is the row's ``note`` column if there is one, else its ``kind``.
    ``cells`` may hold many files (a ``file`` column); without one, the file is 0.
    """
    files = cells["file"].to_numpy() if "file" in cells.columns else np.zeros(len(cells), int)
    if len(cells) > cap:
        counts = pd.Series(files).value_counts()
        keep = pd.Series(files).groupby(files).cumcount().to_numpy() < cap
        extra = {int(f): int(n - cap) for f, n in counts.items() if n > cap}
        cells, files = cells[keep], files[keep]
    else:
        extra = {}
    issues = []
    for file, ref, ind, month, raw, kind, district in zip(
        files,
        cells["cell"].to_numpy(dtype=object),
        cells["indicator"].astype(object).to_numpy(),
        cells["month"].to_numpy(),
        cells["raw"].to_numpy(dtype=object),
        cells["note" if "note" in cells.columns else "kind"].astype(object).to_numpy(),
        cells["district"].astype(object).to_numpy(),
        strict=True,
    ):
        month = int(month)
        issue = make_issue(
            code,
            f"{describe(catalog, ref, ind, month, district)}: {message(kind, raw)}",
            cell=ref,
            indicator=ind,
            period=period(month),
            value=raw,
        )
        issues.append((int(file), issue))
    for file, count in extra.items():
        issues.append((file, more_issue(code, count)))
    return issues


def more_issue(code: str, count: int) -> Issue:
    return make_issue(
        code, f"{count} more cells with this problem are not listed. {CODES[code].fix}"
    )


def cell_issues(cells: pd.DataFrame, catalog: Catalog, options: Options) -> list[tuple[int, Issue]]:
    """VALUE_NOT_NUMBER and PERIOD_IN_FUTURE over the cells of one or many files."""
    return value_issues(cells, catalog, options) + future_issues(cells, catalog, options)


def value_issues(
    cells: pd.DataFrame, catalog: Catalog, options: Options
) -> list[tuple[int, Issue]]:
    bad = cells[cells["kind"].isin(["text", "bool", "date"]).to_numpy()]
    if bad.empty:
        return []

    def message(kind: str, raw: str) -> str:
        if kind == "bool":
            return f"{raw} is not a number. {_NOT_REPORTED}"
        if kind == "date":
            return (
                f"the cell holds a date ({raw}), not a number. If you typed a number, format "
                f"the cell as Number. {_NOT_REPORTED}"
            )
        hint = " Type it without commas or spaces." if any(ch.isdigit() for ch in raw) else ""
        return f"'{raw}' is not a number.{hint} {_NOT_REPORTED}"

    return per_cell("VALUE_NOT_NUMBER", bad, catalog, message, options.cap)


def future_issues(
    cells: pd.DataFrame, catalog: Catalog, options: Options
) -> list[tuple[int, Issue]]:
    month = cells["month"].to_numpy()
    mask = (month > 100) & (month >= options.current_month) & (cells["kind"] != "blank").to_numpy()
    if not mask.any():
        return []
    today = options.today.isoformat()
    return per_cell(
        "PERIOD_IN_FUTURE",
        cells[mask],
        catalog,
        lambda _kind, _raw: (
            f"this month has not ended yet (today is {today}). Leave it blank and report it "
            "after the month ends."
        ),
        options.cap,
    )


def formula_issues(outcome: ReadOutcome, catalog: Catalog, options: Options) -> list[Issue]:
    issues = []
    fix = CODES["VALUE_FORMULA"].fix
    for ref in outcome.formula_cells[: options.cap]:
        row, col = _ref_rc(ref)
        cell = f"{L.SHEET_DATA}!{ref}"
        code = outcome.row_codes.get(row)
        month = L.month_of_column(col)
        if code is not None and month is not None:
            key = outcome.year * 100 + month if outcome.year else month
            where = describe(catalog, cell, code, key)
            issues.append(
                make_issue(
                    "VALUE_FORMULA",
                    f"{where}: this cell holds a formula. {fix}",
                    cell=cell,
                    indicator=code,
                    period=period(key),
                )
            )
        else:
            issues.append(
                make_issue(
                    "VALUE_FORMULA",
                    f"{cell}: this cell holds a formula; only typed figures are accepted. "
                    "Delete it, or type the number itself.",
                    cell=cell,
                )
            )
    if len(outcome.formula_cells) > options.cap:
        issues.append(more_issue("VALUE_FORMULA", len(outcome.formula_cells) - options.cap))
    return issues


def _ref_rc(ref: str) -> tuple[int, int]:
    letters = "".join(ch for ch in ref if ch.isalpha())
    digits = "".join(ch for ch in ref if ch.isdigit())
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return int(digits or 0), col


# --- long files: CSV and long workbooks ---------------------------------------------------


def _by_value(cells: pd.DataFrame, mask: np.ndarray, column: str) -> list[tuple[str, int, int]]:
    """(value, first line, number of lines) of each distinct ``column`` value under ``mask``."""
    if not mask.any():
        return []
    sub = cells.loc[mask, [column, "row_id"]]
    grouped = sub.groupby(sub[column].astype(object), sort=False, dropna=False)["row_id"].agg(
        ["min", "size"]
    )
    found = [(str(v), int(r["min"]), int(r["size"])) for v, r in grouped.iterrows()]
    return sorted(found, key=lambda t: t[1])


def _long_issue(
    layout: LongLayout,
    column: str,
    code: str,
    first: int,
    count: int,
    text: str,
    value: str | None,
) -> Issue:
    """An issue of the lines (rows) where ``column`` holds one bad value, at the first one."""
    return make_issue(
        code,
        f"{layout.lines(first, count, column)}: {text}",
        cell=layout.cell(first, column),
        value=value,
    )


def _category_mask(series: pd.Series, bad: Callable[[str], bool]) -> np.ndarray:
    cat = series.cat
    flags = np.array([bad(str(c)) for c in cat.categories] + [True], dtype=bool)
    return flags[cat.codes.to_numpy()]  # code -1 (missing) maps to the last flag: True


def _per_category(series: pd.Series, fn: Callable[[str], str]) -> np.ndarray:
    """``fn`` of each row's text, computed once per distinct text ('' for a missing value)."""
    cat = series.astype("category").cat
    found = np.array([fn(str(c)) for c in cat.categories] + [""], dtype=object)
    return found[cat.codes.to_numpy()]  # code -1 (missing) maps to the last: ''


def csv_code_issues(outcome: ReadOutcome, catalog: Catalog, options: Options) -> list[Issue]:
    cells = outcome.cells
    if cells.empty:
        return []
    layout = outcome.long_layout or CSV_LAYOUT

    def at(column: str) -> Callable[[str, int, int, str, str | None], Issue]:
        return lambda *args: _long_issue(layout, column, *args)

    issues: list[Issue] = []
    province = catalog.roadmap.province.en
    districts, institutions = catalog.district_by_code, catalog.institution_by_code
    indicators = catalog.indicator_by_code

    missing = _category_mask(cells["district"], lambda d: d == "")
    for _v, first, count in _by_value(cells, missing, "district"):
        issues.append(
            at("district")(
                "DISTRICT_MISSING",
                first,
                count,
                "the district is empty. Write the district code.",
                None,
            )
        )
    unknown = _category_mask(cells["district"], lambda d: d != "" and d not in districts)
    for value, first, count in _by_value(cells, unknown, "district"):
        issues.append(
            at("district")(
                "DISTRICT_UNKNOWN",
                first,
                count,
                f"'{value}' is not a district of {province}. Use the district code.",
                value,
            )
        )
    if options.allowed_districts is not None:
        allowed = options.allowed_districts
        outside = _category_mask(cells["district"], lambda d: d in districts and d not in allowed)
        for value, first, count in _by_value(cells, outside, "district"):
            issues.append(
                at("district")(
                    "DISTRICT_NOT_ALLOWED",
                    first,
                    count,
                    f"your account may not report for {_district_name(catalog, value)}. "
                    f"{CODES['DISTRICT_NOT_ALLOWED'].fix}",
                    value,
                )
            )
    bad_inst = _category_mask(cells["institution"], lambda i: i not in institutions)
    for value, first, count in _by_value(cells, bad_inst, "institution"):
        issues.append(
            at("institution")(
                "CSV_INSTITUTION_UNKNOWN",
                first,
                count,
                f"'{value}' is not an institution code. {CODES['CSV_INSTITUTION_UNKNOWN'].fix}",
                value,
            )
        )
    if options.expected_institution:
        expected = options.expected_institution
        other = _category_mask(cells["institution"], lambda i: i in institutions and i != expected)
        for value, first, count in _by_value(cells, other, "institution"):
            issues.append(
                at("institution")(
                    "TEMPLATE_WRONG_INSTITUTION",
                    first,
                    count,
                    f"the figures are for {_inst_name(catalog, value)}, but you are uploading "
                    f"for {_inst_name(catalog, expected)}.",
                    value,
                )
            )
    if options.allowed_institutions is not None:
        mine = options.allowed_institutions
        foreign = _category_mask(
            cells["institution"], lambda i: i in institutions and i not in mine
        )
        for value, first, count in _by_value(cells, foreign, "institution"):
            issues.append(
                at("institution")(
                    "INSTITUTION_NOT_ALLOWED",
                    first,
                    count,
                    f"your account may not report for {_inst_name(catalog, value)}. "
                    f"{CODES['INSTITUTION_NOT_ALLOWED'].fix}",
                    value,
                )
            )
    bad_ind = _category_mask(cells["indicator"], lambda i: i not in indicators)
    for value, first, count in _by_value(cells, bad_ind, "indicator"):
        issues.append(
            at("indicator")(
                "CSV_INDICATOR_UNKNOWN",
                first,
                count,
                f"'{value}' is not an indicator code. {CODES['CSV_INDICATOR_UNKNOWN'].fix}",
                value,
            )
        )
    # the institution each line's indicator belongs to ('' if unknown), one lookup per code
    owner = _per_category(
        cells["indicator"], lambda i: indicators[i].institution if i in indicators else ""
    )
    inst = _per_category(cells["institution"], lambda i: i)
    wrong = (owner != "") & ~bad_inst & (owner != inst)
    if wrong.any():
        pairs = cells.loc[wrong, ["row_id"]].assign(
            pair=inst[wrong] + "/" + cells.loc[wrong, "indicator"].astype(object).to_numpy()
        )
        for value, first, count in _by_value(pairs, np.ones(len(pairs), dtype=bool), "pair"):
            institution, indicator = value.split("/", 1)
            issues.append(
                at("indicator")(
                    "CSV_INDICATOR_INSTITUTION",
                    first,
                    count,
                    f"{indicator} ({indicator_name(catalog, indicator)}) is an indicator of "
                    f"{_inst_name(catalog, indicators[indicator].institution)}, not of "
                    f"{_inst_name(catalog, institution)}.",
                    indicator,
                )
            )
    bad_period = (cells["month"] == 0).to_numpy()
    for value, first, count in _by_value(cells, bad_period, "period"):
        issues.append(
            at("period")(
                "CSV_PERIOD_INVALID",
                first,
                count,
                f"'{value}' is not a month. Write the month as YYYY-MM, e.g. 2026-07.",
                value,
            )
        )
    return issues


def duplicate_issues(outcome: ReadOutcome, catalog: Catalog, options: Options) -> list[Issue]:
    cells = outcome.cells
    if cells.empty:
        return []
    keys = ["district", "indicator", "month"]
    valid = (cells["month"] > 0).to_numpy()
    sub = cells.loc[valid, [*keys, "row_id", "cell", "raw"]]
    dup = sub.duplicated(keys, keep=False).to_numpy()
    if not dup.any():
        return []
    sub = sub[dup]
    first = sub.groupby(keys, observed=True, sort=False)["row_id"].transform("min")
    later = sub[sub["row_id"].to_numpy() != first.to_numpy()]
    first_of = dict(zip(later["cell"], first[later.index], strict=True))
    line = (outcome.long_layout or CSV_LAYOUT).line
    later = later.assign(note=[f"{line} {first_of[c]}" for c in later["cell"]])
    found = per_cell(
        "DUPLICATE_VALUE",
        later,
        catalog,
        lambda first, _raw: (
            f"the same district, indicator and month is already given on {first}. Keep one {line}."
        ),
        options.cap,
    )
    return [issue for _file, issue in found]
