from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from dbmis.errors import NotFoundError
from dbmis.ingest.annotate import ERROR_FILL, annotate_workbook
from dbmis.ingest.evidence import EvidenceStore, sha256_of
from dbmis.ingest.result import Issue, Severity


def test_store_is_content_addressed_and_idempotent(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    digest = store.put(b"hello")
    assert digest == sha256_of(b"hello")
    assert store.put(b"hello") == digest
    assert store.get(digest) == b"hello"
    assert store.path_for(digest).relative_to(tmp_path).parts[:2] == (digest[:2], digest[2:4])
    assert len(list(tmp_path.rglob("*"))) == 3  # two folders and one file, no temp leftovers


def test_store_refuses_path_tricks_and_unknown(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    with pytest.raises(ValueError):
        store.path_for("../../etc/passwd")
    with pytest.raises(NotFoundError):
        store.get("0" * 64)


def test_annotated_copy_marks_cells_and_lists_general_issues() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws["F12"] = "n/a"
    buf = io.BytesIO()
    wb.save(buf)
    issues = [
        Issue("VALUE_NOT_NUMBER", Severity.error, "'n/a' is not a number", "Data", "Data!F12"),
        Issue("TEMPLATE_OUTDATED", Severity.error, "download a new template"),
    ]
    out = load_workbook(io.BytesIO(annotate_workbook(buf.getvalue(), issues)))
    cell = out["Data"]["F12"]
    assert cell.fill.fgColor.rgb.endswith(ERROR_FILL.fgColor.rgb[-6:])
    assert "VALUE_NOT_NUMBER" in cell.comment.text
    assert "TEMPLATE_OUTDATED" in out["Data"]["A1"].comment.text
