"""Load a validated file: one transaction, one new revision per (district, institution, year).

A workbook is one key; a bulk CSV may hold many keys and loads all of them or none. The same
bytes uploaded again for a key whose current revision already holds them return that
submission instead of a new one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Connection

from dbmis.ingest.read import ReadOutcome
from dbmis.warehouse.queries.audit import append_event
from dbmis.warehouse.queries.dimensions import district_ids, indicator_ids, institution_ids
from dbmis.warehouse.queries.observations import insert_observations
from dbmis.warehouse.queries.submissions import (
    NewSubmission,
    find_by_sha256,
    insert_submission,
    lock_key,
)


@dataclass(frozen=True)
class FileInfo:
    sha256: str
    filename: str
    size_bytes: int
    source_kind: str  # xlsx | csv
    uploaded_by: int | None
    actor: str
    is_demo: bool = False


@dataclass
class Loaded:
    submission_ids: list[int] = field(default_factory=list)
    revisions: list[int] = field(default_factory=list)
    values: int = 0
    duplicate: bool = False


def numbers_by_key(outcome: ReadOutcome) -> dict[tuple[str, str, int], pd.DataFrame]:
    """The numeric cells grouped by (district, institution, year)."""
    cells = outcome.cells
    numbers = cells[cells["kind"] == "number"]
    if outcome.source == "xlsx":
        assert outcome.district and outcome.institution and outcome.year
        return {(outcome.district, outcome.institution, outcome.year): numbers}
    years = (numbers["month"].astype("int64") // 100).rename("year")
    groups = numbers.groupby(
        [numbers["district"].astype(str), numbers["institution"].astype(str), years],
        sort=True,
        observed=True,
    )
    return {(d, i, int(y)): frame for (d, i, y), frame in groups}


def load_outcome(
    conn: Connection, outcome: ReadOutcome, info: FileInfo, report: dict[str, object]
) -> Loaded:
    """Write every key of an accepted file in the caller's transaction."""
    ids_d, ids_i, ids_ind = district_ids(conn), institution_ids(conn), indicator_ids(conn)
    loaded = Loaded()
    groups = numbers_by_key(outcome)
    duplicates = 0
    for (district, institution, year), frame in groups.items():
        d_id, i_id = ids_d[district], ids_i[institution]
        lock_key(conn, d_id, i_id, year)
        same = find_by_sha256(conn, d_id, i_id, year, info.sha256)
        if same is not None and same.is_current:
            loaded.submission_ids.append(same.id)
            loaded.revisions.append(same.revision)
            duplicates += 1
            continue
        counts = {"values": len(frame)}
        sub = insert_submission(
            conn,
            NewSubmission(
                district_id=d_id,
                institution_id=i_id,
                year=year,
                sha256=info.sha256,
                source_kind=info.source_kind,
                filename=info.filename,
                size_bytes=info.size_bytes,
                uploaded_by=info.uploaded_by,
                report=report,
                counts={**report.get("counts", {}), **counts},  # type: ignore[dict-item]
                is_demo=info.is_demo,
            ),
        )
        rows = pd.DataFrame(
            {
                "submission_id": sub.id,
                "indicator_id": frame["indicator"].astype(str).map(ids_ind).to_numpy(),
                "district_id": d_id,
                "institution_id": i_id,
                "month": frame["month"].astype("int64").to_numpy(),
                "value": frame["value"].astype("float64").to_numpy(),
                "cell": frame["cell"].astype(str).to_numpy(),
            }
        )
        loaded.values += insert_observations(conn, rows.to_dict("records"))
        loaded.submission_ids.append(sub.id)
        loaded.revisions.append(sub.revision)
        append_event(
            conn,
            actor=info.actor,
            action="submission.created",
            entity="submission",
            entity_id=sub.id,
            sha256=info.sha256,
            detail={
                "district": district,
                "institution": institution,
                "year": year,
                "revision": sub.revision,
                "values": len(frame),
                "filename": info.filename,
            },
        )
    loaded.duplicate = bool(groups) and duplicates == len(groups)
    if loaded.duplicate:
        append_event(
            conn,
            actor=info.actor,
            action="upload.duplicate",
            entity="submission",
            entity_id=loaded.submission_ids[0],
            sha256=info.sha256,
            detail={"filename": info.filename, "submissions": loaded.submission_ids},
        )
    return loaded
