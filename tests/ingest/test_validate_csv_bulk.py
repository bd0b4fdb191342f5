"""A Delivery Unit bulk load: 200,000 CSV lines read and validated in one pass, quickly."""

from __future__ import annotations

import dataclasses
import time
from datetime import date

import numpy as np
import pytest

from dbmis.catalog import Catalog
from dbmis.catalog.models import District, LatLon, Text
from dbmis.ingest.read import read_csv
from dbmis.ingest.validate import validate_upload
from tests.ingest.filling import CSV_HEADER, mini_catalog

DISTRICTS = 200
YEARS = range(2012, 2026)  # 200 districts x 6 indicators x 168 months = 201,600 lines


@pytest.fixture(scope="module")
def wide_catalog() -> Catalog:
    """The mini catalog with 200 districts, so 200k lines have no duplicate keys."""
    base = mini_catalog()
    extra = [
        District(
            code=f"D{i:03d}",
            division="NORTH",
            name=Text(en=f"District {i}", ur=f"ضلع {i}"),
            centroid=LatLon(lat=30, lon=67),
            outline=None,
            outline_note="synthetic",
        )
        for i in range(DISTRICTS)
    ]
    geography = base.geography.model_copy(update={"districts": extra})
    return dataclasses.replace(base, geography=geography)


def bulk_csv(catalog: Catalog) -> bytes:
    rng = np.random.default_rng(7)
    lines = [CSV_HEADER]
    for d in catalog.districts:
        for year in YEARS:
            for m in range(1, 13):
                period = f"{year}-{m:02d}"
                decided = int(rng.integers(20, 200))
                total = int(rng.integers(200, 900))
                for inst, code, value in (
                    ("PROSECUTION", "PRO_CASES_DECIDED", decided),
                    ("PROSECUTION", "PRO_CONVICTIONS", decided // 3),
                    ("PROSECUTION", "PRO_CHALLANS_ON_TIME", int(rng.integers(0, 50))),
                    ("PRISONS", "PRS_PRISONERS_TOTAL", total),
                    ("PRISONS", "PRS_UNDERTRIAL", total * 2 // 3),
                    ("PRISONS", "PRS_CAPACITY", 500),
                ):
                    lines.append(f"{d.code},{inst},{code},{period},{value}")
    # three planted problems
    lines[1000] = lines[1000].rsplit(",", 1)[0] + ",n/a"
    lines[2000] = lines[2000].rsplit(",", 1)[0] + ",-5"
    second = lines[3002].split(",")  # a PRO_CONVICTIONS line (offset 1 in its block of 6)
    assert second[2] == "PRO_CONVICTIONS"
    lines[3002] = ",".join([*second[:4], "999999"])
    return ("\n".join(lines) + "\n").encode()


def test_200k_lines_read_and_validate(wide_catalog: Catalog) -> None:
    data = bulk_csv(wide_catalog)
    start = time.perf_counter()
    outcome = read_csv(data, wide_catalog)
    read_s = time.perf_counter() - start
    assert len(outcome.cells) == DISTRICTS * len(YEARS) * 12 * 6
    start = time.perf_counter()
    issues = validate_upload(outcome, wide_catalog, today=date(2026, 1, 1))
    validate_s = time.perf_counter() - start
    assert [(i.code, i.cell) for i in issues] == [
        ("VALUE_NOT_NUMBER", "CSV!line 1001"),
        ("VALUE_BELOW_MIN", "CSV!line 2001"),
        ("RULE_ERROR", "CSV!line 3003"),
    ]
    print(f"\n200k CSV lines: read {read_s:.2f} s, validate {validate_s:.2f} s")
    # generous bounds for slow CI machines; typical: read ~0.3 s, validate ~1-2 s
    assert read_s < 5
    assert validate_s < 20
