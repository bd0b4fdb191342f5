"""Great Expectations is heavy (seconds, ~230 MB): only the validation run may import it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]

CHECK = """
import sys
import dbmis.ingest.read, dbmis.ingest.validate, dbmis.ingest.codes
from dbmis.ingest.validate import ge_adapter
assert not any(m.split('.')[0] == 'great_expectations' for m in sys.modules), 'imported early'
assert not ge_adapter.is_loaded()
print('ok')
"""


def test_importing_read_and_validate_does_not_import_great_expectations() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_only_the_adapter_imports_great_expectations() -> None:
    importing = re.compile(r"^\s*(import|from)\s+great_expectations\b", re.MULTILINE)
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "dbmis").rglob("*.py")
        if importing.search(path.read_text(encoding="utf-8")) and path.name != "ge_adapter.py"
    ]
    assert offenders == []
