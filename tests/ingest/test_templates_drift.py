"""The generic templates checked into data_templates/ match what the catalog builds now."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from dbmis.catalog import load_catalog
from dbmis.ingest.templates import template_bytes, template_filename

FOLDER = Path(__file__).parents[2] / "data_templates"
VOLATILE = {"docProps/core.xml"}  # holds the save time


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n not in VOLATILE}


def test_checked_in_templates_match_the_catalog() -> None:
    catalog = load_catalog()
    expected = {template_filename(i.code) for i in catalog.institutions}
    present = {p.name for p in FOLDER.glob("DBMIS-*.xlsx")}
    assert present == expected, "run `dbmis templates build` and commit data_templates/"
    for inst in catalog.institutions:
        fresh = parts(template_bytes(catalog, inst.code))
        kept = parts((FOLDER / template_filename(inst.code)).read_bytes())
        stale = sorted(n for n in fresh.keys() | kept.keys() if fresh.get(n) != kept.get(n))
        assert not stale, (
            f"data_templates/{template_filename(inst.code)} drifted from the catalog in {stale}: "
            "run `dbmis templates build` and commit data_templates/"
        )
