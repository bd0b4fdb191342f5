"""Write docs/issue-codes.md from the two code registries: ``python -m dbmis.ingest.codes_doc``."""

from __future__ import annotations

import sys
from pathlib import Path

from dbmis.ingest import codes
from dbmis.ingest.safety import codes as safety_codes

HEADER = """# Upload issue codes

Every problem DBMIS finds in an uploaded file has a stable code. Codes never change meaning;
new ones may be added. This page is generated from the code registries
(`python -m dbmis.ingest.codes_doc > docs/issue-codes.md`); a test fails when it is out of date.

Each issue also carries the sheet and cell (e.g. `Data!F12`, or `CSV!line 12` for a CSV), the
indicator, the period, the value found and a message in plain words. **Errors** stop the whole
file from loading; **warnings** are shown and the file is still loaded.

## File safety checks

These run before the file is opened. Any of them rejects the file (all are errors).

"""

MIDDLE = """
## Template, structure, values and rules

"""


def render() -> str:
    return HEADER + safety_codes.as_markdown() + MIDDLE + codes.as_markdown()


def all_codes() -> set[str]:
    return set(codes.CODES) | set(safety_codes.CODES)


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    text = render()
    if args:
        Path(args[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
