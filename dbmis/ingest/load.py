"""Load a validated file: one transaction, one new revision per (district, institution, year).

A filled template is one key; a long file (bulk CSV or long workbook) may hold many keys and
loads all of them or none. The same bytes uploaded again for a key whose current revision
already holds them return that submission instead of a new one.

A bulk load may hold thousands of keys (a 1,000,000-line CSV over 37 districts x 9
institutions x 40 years: ~13,000), so the per-key work is done in a few statements for all
keys at once: the keys' locks (one per district x institution), their revisions (one query),
the new submissions (one executemany, or COPY on PostgreSQL) and their audit events (one
executemany). Only the observations are inserted key by key (each needs its submission id),
as column slices turned into tuples, never as a dict per row. A large load on PostgreSQL
checks the observations' foreign keys set-wise at the end (``observation_bulk.bulk_load``,
which locks the tables it needs first).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise

import numpy as np
import pandas as pd
from sqlalchemy import Connection

from dbmis.ingest.read import ReadOutcome, cell_position
from dbmis.ingest.result import Issue
from dbmis.warehouse.queries.audit import append_event, append_events
from dbmis.warehouse.queries.dimensions import district_ids, indicator_ids, institution_ids
from dbmis.warehouse.queries.observation_bulk import bulk_load
from dbmis.warehouse.queries.observations import bulk_observations, insert_observations
from dbmis.warehouse.queries.submissions import (
    NewSubmission,
    insert_submissions,
    key_states,
    lock_keys,
)
from dbmis.warehouse.schema import observation

_CELL_LENGTH: int = observation.c.cell.type.length  # type: ignore[attr-defined]
#: issues kept in one submission's report
REPORT_ISSUES = 500


@dataclass(frozen=True)
class FileInfo:
    sha256: str
    filename: str
    size_bytes: int
    source_kind: str  # xlsx | csv
    uploaded_by: int | None
    actor: str
    is_demo: bool = False
    uploaded_at: datetime | None = None
    """when the file was received; None: now (stamps the submissions and their audit events)"""


@dataclass
class Loaded:
    submission_ids: list[int] = field(default_factory=list)
    revisions: list[int] = field(default_factory=list)
    values: int = 0
    duplicate: bool = False


@dataclass(frozen=True)
class KeyRows:
    """The numeric cells of one (district, institution, year): positions into the columns."""

    district: str
    institution: str
    year: int
    positions: np.ndarray


def numbers_by_key(outcome: ReadOutcome) -> dict[tuple[str, str, int], pd.DataFrame]:
    """The numeric cells grouped by (district, institution, year)."""
    numbers = _numbers(outcome)
    return {
        (k.district, k.institution, k.year): numbers.iloc[k.positions]
        for k in _keys(outcome, numbers)
    }


def _numbers(outcome: ReadOutcome) -> pd.DataFrame:
    return outcome.cells[(outcome.cells["kind"] == "number").to_numpy()]


def _keys(outcome: ReadOutcome, numbers: pd.DataFrame) -> list[KeyRows]:
    """The keys of the numeric cells, sorted, with each key's positions among those cells."""
    if not outcome.is_long:
        assert outcome.district and outcome.institution and outcome.year
        everything = np.arange(len(numbers))
        return [KeyRows(outcome.district, outcome.institution, outcome.year, everything)]
    if not len(numbers):
        return []
    district, districts = _ranks(numbers["district"])
    institution, institutions = _ranks(numbers["institution"])
    year = numbers["month"].to_numpy(dtype=np.int64) // 100
    order = np.lexsort((year, institution, district))  # stable: file order within a key
    d, i, y = district[order], institution[order], year[order]
    cut = np.flatnonzero((d[1:] != d[:-1]) | (i[1:] != i[:-1]) | (y[1:] != y[:-1])) + 1
    bounds = [0, *cut.tolist(), len(order)]
    return [
        KeyRows(districts[d[a]], institutions[i[a]], int(y[a]), order[a:b])
        for a, b in pairwise(bounds)
    ]


def _ranks(series: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Each row's rank of its text among the distinct texts in sorted order, and the texts."""
    cat = series.astype("category").cat
    codes = cat.codes.to_numpy()
    if (codes < 0).any():
        raise ValueError("a numeric cell has no district or institution")
    names = [str(c) for c in cat.categories]
    order = sorted(range(len(names)), key=names.__getitem__)
    rank = np.empty(len(names), dtype=np.int64)
    rank[order] = np.arange(len(names))
    return rank[codes], [names[k] for k in order]


def stored_cells(cells: pd.Series) -> np.ndarray:
    """Cell references as ``observation.cell`` keeps them.

    A reference longer than the column (a long workbook whose sheet has a long name) is kept
    without its sheet: a long workbook has one sheet of figures, so ``E12`` still finds it.
    """
    refs = cells.to_numpy(dtype=object)
    too_long = np.fromiter((len(r) > _CELL_LENGTH for r in refs), dtype=bool, count=len(refs))
    if too_long.any():
        refs = refs.copy()
        refs[too_long] = [r.rsplit("!", 1)[-1] for r in refs[too_long]]
    return refs


def load_outcome(
    conn: Connection,
    outcome: ReadOutcome,
    info: FileInfo,
    report: dict[str, object],
    issues: Sequence[Issue] | None = None,
) -> Loaded:
    """Write every key of an accepted file in the caller's transaction.

    ``report`` (``counts`` and ``issues``) is stored with each new submission. When the file's
    ``issues`` are given and it holds several keys, each submission's report lists the issues
    of its own lines (rows) and those of the whole file, at most :data:`REPORT_ISSUES`.
    """
    numbers = _numbers(outcome)
    # first in the transaction: a large load locks its tables before reading any (PostgreSQL)
    with bulk_load(conn, len(numbers)):
        return _load_keys(conn, outcome, numbers, info, report, issues)


def _load_keys(
    conn: Connection,
    outcome: ReadOutcome,
    numbers: pd.DataFrame,
    info: FileInfo,
    report: dict[str, object],
    issues: Sequence[Issue] | None,
) -> Loaded:
    ids_d, ids_i, ids_ind = district_ids(conn), institution_ids(conn), indicator_ids(conn)
    loaded = Loaded()
    keys = _keys(outcome, numbers)
    if not keys:
        return loaded
    ids = {
        (k.district, k.institution, k.year): (ids_d[k.district], ids_i[k.institution], k.year)
        for k in keys
    }
    lock_keys(conn, ids.values())
    states = key_states(conn, ids.values(), info.sha256)

    new_keys = [k for k in keys if not _duplicate(states, ids, k)]
    per_key = _reports(outcome, keys, report, issues) if len(keys) > 1 and issues else {}
    news = [
        NewSubmission(
            district_id=ids[(k.district, k.institution, k.year)][0],
            institution_id=ids[(k.district, k.institution, k.year)][1],
            year=k.year,
            sha256=info.sha256,
            source_kind=info.source_kind,
            filename=info.filename,
            size_bytes=info.size_bytes,
            uploaded_by=info.uploaded_by,
            report=per_key.get((k.district, k.institution, k.year), report),
            counts={**report.get("counts", {}), "values": len(k.positions)},  # type: ignore[dict-item]
            is_demo=info.is_demo,
        )
        for k in new_keys
    ]
    made = dict(
        zip(
            [(k.district, k.institution, k.year) for k in new_keys],
            insert_submissions(conn, news, states, now=info.uploaded_at),
            strict=True,
        )
    )

    columns = _columns(numbers, ids_ind, keys)
    start = 0
    events = []
    with bulk_observations(conn):  # nothing else may run on conn until the block ends
        for k in keys:
            key = (k.district, k.institution, k.year)
            lo, start = start, start + len(k.positions)  # this key's slice of the columns
            if key not in made:
                state = states[ids[key]]
                assert state.same_bytes is not None
                loaded.submission_ids.append(state.same_bytes[0])
                loaded.revisions.append(state.same_bytes[1])
                continue
            sub_id, revision = made[key]
            d_id, i_id, _year = ids[key]
            rows = _rows(columns, lo, start, sub_id, d_id, i_id)
            loaded.values += insert_observations(conn, rows)
            loaded.submission_ids.append(sub_id)
            loaded.revisions.append(revision)
            events.append(
                {
                    "actor": info.actor,
                    "action": "submission.created",
                    "at": info.uploaded_at,
                    "entity": "submission",
                    "entity_id": sub_id,
                    "sha256": info.sha256,
                    "detail": {
                        "district": k.district,
                        "institution": k.institution,
                        "year": k.year,
                        "revision": revision,
                        "values": len(k.positions),
                        "filename": info.filename,
                    },
                }
            )
    append_events(conn, events)
    loaded.duplicate = not made
    if loaded.duplicate:
        append_event(
            conn,
            actor=info.actor,
            action="upload.duplicate",
            entity="submission",
            entity_id=loaded.submission_ids[0],
            sha256=info.sha256,
            detail={"filename": info.filename, "submissions": loaded.submission_ids},
            at=info.uploaded_at,
        )
    return loaded


def _duplicate(states: dict, ids: dict, k: KeyRows) -> bool:
    state = states.get(ids[(k.district, k.institution, k.year)])
    return state is not None and state.duplicate


def _columns(
    numbers: pd.DataFrame, ids_ind: dict[str, int], keys: list[KeyRows]
) -> tuple[list, list, list, list]:
    """Indicator ids, months, values and cells of the numeric cells as Python lists, in the
    order of ``keys`` (each key's cells one after the other, so a key is a slice)."""
    order = np.concatenate([k.positions for k in keys]) if keys else np.zeros(0, dtype=np.int64)
    indicator = numbers["indicator"].astype("category").cat
    lookup = np.array([ids_ind[str(c)] for c in indicator.categories] or [0], dtype=np.int64)
    return (
        lookup[indicator.codes.to_numpy()[order]].tolist(),
        numbers["month"].to_numpy(dtype=np.int64)[order].tolist(),
        numbers["value"].to_numpy(dtype=np.float64)[order].tolist(),
        stored_cells(numbers["cell"])[order].tolist(),
    )


def _rows(
    columns: tuple[list, list, list, list], lo: int, hi: int, sub_id: int, d_id: int, i_id: int
) -> list[tuple]:
    """The observations ``lo:hi`` as tuples in the order of ``observations.COLUMNS``."""
    indicator, month, value, cell = columns
    n = hi - lo
    return list(
        zip(
            [sub_id] * n,
            indicator[lo:hi],
            [d_id] * n,
            [i_id] * n,
            month[lo:hi],
            value[lo:hi],
            cell[lo:hi],
            strict=True,
        )
    )


def _reports(
    outcome: ReadOutcome,
    keys: list[KeyRows],
    report: dict[str, object],
    issues: Sequence[Issue],
) -> dict[tuple[str, str, int], dict[str, object]]:
    """Each key's report: the issues of its own lines (rows), and those of the whole file."""
    rows = {cell_position(i.cell)[1] for i in issues if i.cell}
    cells = outcome.cells
    found = cells[cells["row_id"].isin(rows).to_numpy()]
    key_of_row = {
        int(r): (str(d), str(i), int(m) // 100)
        for r, d, i, m in zip(
            found["row_id"], found["district"], found["institution"], found["month"], strict=True
        )
    }
    mine: dict[tuple[str, str, int], list[dict[str, object]]] = {}
    common: list[dict[str, object]] = []
    for issue in issues:
        key = key_of_row.get(cell_position(issue.cell)[1]) if issue.cell else None
        if key is None:
            common.append(issue.as_dict())
        else:
            mine.setdefault(key, []).append(issue.as_dict())
    return {
        (k.district, k.institution, k.year): {
            **report,
            "issues": [*common, *mine.get((k.district, k.institution, k.year), [])][:REPORT_ISSUES],
        }
        for k in keys
    }
