"""docs/issue-codes.md lists every code, is current, and every code has a file that triggers it."""

from __future__ import annotations

from pathlib import Path

from dbmis.ingest import codes_doc
from tests.ingest import hostile
from tests.ingest.test_validate_codes import TRIGGERS

DOC = Path(__file__).parents[1] / "docs" / "issue-codes.md"


def test_doc_is_generated_from_the_registries() -> None:
    assert DOC.read_text(encoding="utf-8") == codes_doc.render(), (
        "run `python -m dbmis.ingest.codes_doc docs/issue-codes.md` and commit the result"
    )


def test_every_code_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for code in codes_doc.all_codes():
        assert f"| {code} |" in text, code


def test_every_code_has_a_triggering_file() -> None:
    triggered = {hostile.expected(name) for name in hostile.names()}
    triggered |= {code for _name, _data, code in hostile.csv_corpus()}
    triggered |= set(TRIGGERS)
    assert triggered == codes_doc.all_codes()
