"""Validate read files: structure, bounds and rules (one GE run), outliers; all in one pass."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

import numpy as np
import pandas as pd

from dbmis.catalog import Catalog
from dbmis.ingest.codes import MAX_ISSUES_PER_CODE
from dbmis.ingest.read.outcome import CELL_COLUMNS, ReadOutcome, cell_position
from dbmis.ingest.result import Issue
from dbmis.ingest.validate.outliers import MIN_POINTS, outlier_findings
from dbmis.ingest.validate.rules import check_issues
from dbmis.ingest.validate.structure import Options, cell_issues, structure_issues


def validate_upload(
    outcome: ReadOutcome,
    catalog: Catalog,
    *,
    today: date,
    allowed_districts: Collection[str] | None = None,
    allowed_institutions: Collection[str] | None = None,
    expected_institution: str | None = None,
    history: pd.DataFrame | None = None,
    cap: int = MAX_ISSUES_PER_CODE,
) -> list[Issue]:
    """Every problem of one read file, sorted by sheet, row and column.

    The reader's own issues come first in the list's order where they have no cell.
    ``allowed_districts``: district codes the uploader may report for (None: any).
    ``allowed_institutions``: institution codes the uploader may report for (None: any).
    ``expected_institution``: the institution the upload is for (None: any).
    ``today``: figures for this month or later are refused (the month has not ended).
    ``history``: approved past values (``district, indicator, month, value``) for outliers.
    ``cap``: cells listed per code before one issue counts the rest.
    """
    return validate_many(
        [outcome],
        catalog,
        today=today,
        allowed_districts=allowed_districts,
        allowed_institutions=allowed_institutions,
        expected_institution=expected_institution,
        history=history,
        cap=cap,
    )[0]


def validate_many(
    outcomes: Sequence[ReadOutcome],
    catalog: Catalog,
    *,
    today: date,
    allowed_districts: Collection[str] | None = None,
    allowed_institutions: Collection[str] | None = None,
    expected_institution: str | None = None,
    history: pd.DataFrame | None = None,
    cap: int = MAX_ISSUES_PER_CODE,
) -> list[list[Issue]]:
    """:func:`validate_upload` for many files with a single expectation run (GE's fixed cost
    of ~0.1-0.3 s is paid once, not per file). Returns one issue list per outcome, in order.
    """
    options = Options(
        today=today,
        allowed_districts=frozenset(allowed_districts) if allowed_districts is not None else None,
        allowed_institutions=(
            frozenset(allowed_institutions) if allowed_institutions is not None else None
        ),
        expected_institution=expected_institution,
        cap=cap,
    )
    per_file: list[list[Issue]] = []
    frames: list[tuple[int, pd.DataFrame]] = []
    for i, outcome in enumerate(outcomes):
        per_file.append([*outcome.issues, *structure_issues(outcome, catalog, options)])
        if not outcome.cells.empty:
            frames.append((i, outcome.cells))
    if frames:
        cells = _concat(frames)
        for file, issue in cell_issues(cells, catalog, options):
            per_file[file].append(issue)
        for file, issue in check_issues(cells, catalog, cap=cap):
            per_file[file].append(issue)
        threshold = catalog.roadmap.outlier_z_score
        for file, issue in outlier_findings(cells, history, threshold, catalog, MIN_POINTS, cap):
            per_file[file].append(issue)
    return [sort_issues(issues) for issues in per_file]


def _concat(frames: list[tuple[int, pd.DataFrame]]) -> pd.DataFrame:
    """The cells of many files in one frame with a ``file`` column.

    Column by column with numpy: ``pd.concat`` of thousands of small frames with categorical
    columns (categories differ per file) is ~10x slower.
    """
    if len(frames) == 1:
        index, cells = frames[0]
        return cells.assign(file=index)  # a CSV keeps its ``period`` column
    columns: dict[str, object] = {}
    for name in CELL_COLUMNS:
        dtype = frames[0][1][name].dtype
        numeric = dtype.kind in "iufb"
        parts = [
            f[name].to_numpy() if numeric else f[name].to_numpy(dtype=object, na_value=None)
            for _, f in frames
        ]
        joined = np.concatenate(parts)
        columns[name] = pd.Categorical(joined) if isinstance(dtype, pd.CategoricalDtype) else joined
    columns["file"] = np.concatenate([np.full(len(f), i, dtype=np.int64) for i, f in frames])
    return pd.DataFrame(columns)


def sort_issues(issues: list[Issue]) -> list[Issue]:
    """File-level issues first (in the order found), then by sheet, row and column.

    Issues without a cell whose code also appears on cells ("N more cells ...") come last.
    """
    with_cells = {i.code for i in issues if i.cell}

    def key(item: tuple[int, Issue]) -> tuple[int, str, int, int, int]:
        order, issue = item
        if not issue.cell:
            return (2 if issue.code in with_cells else 0, "", 0, 0, order)
        sheet, row, col = cell_position(issue.cell)
        return (1, sheet, row, col, order)

    return [issue for _, issue in sorted(enumerate(issues), key=key)]
