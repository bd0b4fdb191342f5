"""The demo's uploads as files: templates filled by text substitution are byte for byte what
openpyxl writes; a year file holds only the months it held then, with the corrections made so
far; the data desk's bulk file is the long CSV format."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from dbmis.catalog import Catalog
from dbmis.demo import DemoData
from dbmis.demo.content import DemoContent
from dbmis.demo.files import fill_grid, new_template
from dbmis.demo.timeline import Instalment
from dbmis.ingest.templates.build import workbook_bytes

WHEN = datetime(2025, 3, 4, 5, 6, tzinfo=UTC)


@pytest.mark.parametrize("institution", ["PROSECUTION", "PRISONS", "LEGAL_AID"])
def test_fast_templates_are_what_openpyxl_writes(
    catalog: Catalog, demo: DemoData, institution: str
) -> None:
    content = DemoContent(catalog, demo)
    wb = new_template(catalog, institution, 2024, demo.districts[0])
    for n, district in enumerate(demo.districts[:6]):
        key = (district, institution, 2024)
        months = [202400 + m for m in range(1, 13) if (m + n) % 3]  # some months blank
        edits = {(content.codes(institution)[0], months[0]): 12345.5}
        fast = content.template(key, months, WHEN, edits)
        fill_grid(wb, catalog, district, institution, content.grid(key, months, edits))
        assert fast == workbook_bytes(wb, WHEN.replace(tzinfo=None)), district


def test_a_file_holds_its_months_and_the_corrections(catalog: Catalog, demo: DemoData) -> None:
    content = DemoContent(catalog, demo)
    key = (demo.districts[1], "PROSECUTION", 2025)
    full = content.grid(key, range(202501, 202513))
    part = content.grid(key, [202501, 202502])
    assert np.isnan(part[:, 2:]).all()
    assert np.array_equal(part[:, :2], full[:, :2], equal_nan=True)
    code = content.codes("PROSECUTION")[0]
    before = content.value(key, code, 202502)
    content.correct(key, {(code, 202502): 7.0})
    assert before != 7.0 and content.value(key, code, 202502) == 7.0
    assert np.isnan(content.grid(key, [202501])[0, 1])  # a month not held stays blank


def test_the_data_desk_file_is_the_long_csv(catalog: Catalog, demo: DemoData) -> None:
    content = DemoContent(catalog, demo)
    a = Instalment((demo.districts[0], "PRISONS", 2024), WHEN, (202401, 202402), final=False)
    b = Instalment((demo.districts[2], "COURTS", 2024), WHEN, (202401,), final=False)
    frame = pd.read_csv(io.BytesIO(content.desk_csv([a, b])))
    assert list(frame.columns) == ["district", "institution", "indicator", "period", "value"]
    assert set(frame["period"]) == {"2024-01", "2024-02"}
    assert set(frame.loc[frame["institution"] == "COURTS", "period"]) == {"2024-01"}
    grid = content.grid(a.key, a.months)
    prisons = frame[frame["institution"] == "PRISONS"]
    assert len(prisons) == int((~np.isnan(grid)).sum())
