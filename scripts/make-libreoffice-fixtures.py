#!/usr/bin/env python3
"""Regenerate tests/fixtures/libreoffice/: filled templates re-saved by LibreOffice Calc.

    .venv/bin/python scripts/make-libreoffice-fixtures.py [--out DIR] [--soffice PATH]

Run it after any catalog change that alters a template (tests/ingest/test_ingest_libreoffice.py
says so when the fixtures' template fingerprint no longer matches the catalog). Needs
LibreOffice (``soffice``) on the PATH; takes a few seconds per file.

Each fixture is made in three steps, as a focal point working in LibreOffice would make it:

1. the template is built from the *current default catalog* (``dbmis.ingest.templates``);
2. figures (whole numbers, decimals, negatives, zeros, blanks) are typed into it with openpyxl,
   and for the generic template the district name into C2 and the year into C3;
3. LibreOffice opens the workbook and saves it again as .xlsx
   (``soffice --headless --convert-to xlsx``), so every part of the file is LibreOffice's own.

``expected.json`` lists what each file must load into the warehouse: district, institution,
year and every figure as ``[indicator, month YYYYMM, value, cell]``. Blank cells are left out
(not reported).
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from dbmis.catalog import Catalog, load_catalog
from dbmis.ingest import layout as L
from dbmis.ingest.templates import template_bytes

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "fixtures" / "libreoffice"

# (a) the template pre-filled and locked for Quetta and 2025: only figures are typed
PREFILLED = {
    "file": "prefilled-TRAINING-QUETTA-2025.xlsx",
    "institution": "TRAINING",
    "district": "QUETTA",
    "year": 2025,
    "typed_district": None,
    "values": {
        # personnel trained; Nov and Dec not reported
        "TRN_PERSONNEL_TRAINED": [120, 95, 0, 210, 1500, 88, 64, 130, 99, 101, None, None],
        "TRN_WOMEN_TRAINED": [30, 21, 0, 55, 400, 0, 12, 31, 20, 19, None, None],
        "TRN_COURSES_HELD": [4, 3, 0, 7, 40, 3, 2, 5, 4, 4, None, None],
        "TRN_ELEARNING_HOURS": [12.5, 3.3, 0, 100.25, 1234.75, 7.1, None, 0.5, 8, 9.9, None, None],
        "TRN_TRAINEES_ASSESSED": [100, 90, 0, 200, 1400, 80, 60, 120, 90, 100, None, None],
        "TRN_AVG_KNOWLEDGE_GAIN": [
            12.5,
            -2.7,
            None,
            0,
            33.3,
            -0.25,
            5,
            17.125,
            9.75,
            -100,
            None,
            None,
        ],
    },
}

# (b) the generic template: the district typed into C2 (its English name), the year into C3
GENERIC = {
    "file": "generic-COURTS-ZHOB-2024.xlsx",
    "institution": "COURTS",
    "district": "ZHOB",
    "year": 2024,
    "typed_district": "Zhob",
    "values": {
        "CRT_CASES_INSTITUTED": [310, 295, 0, 402, 377, 350, 289, 301, 333, 360, 371, 298],
        "CRT_CASES_DISPOSED": [280, 301, 12, 390, 360, 0, 270, 299, 310, 340, 365, 310],
        "CRT_CASES_PENDING": [
            5100,
            5094,
            5082,
            5094,
            5111,
            5461,
            5480,
            5482,
            5505,
            5525,
            None,
            5508,
        ],
        "CRT_CASES_PENDING_OVER_1_YEAR": [
            1900,
            1880,
            1875,
            1870,
            1850,
            1990,
            2000,
            1995,
            1990,
            1985,
            None,
            1970,
        ],
        "CRT_AVG_DISPOSAL_DAYS": [
            412.5,
            398.2,
            0,
            420,
            405.75,
            None,
            399.9,
            401.1,
            388,
            390.5,
            385.25,
            380,
        ],
        "CRT_JUDGES_SANCTIONED": [22, 22, 22, 22, 22, 22, 22, 22, 24, 24, 24, 24],
        "CRT_JUDGES_IN_POST": [18, 18, 17, 17, 19, 19, 19, 20, 20, 21, 21, 0],
    },
}

FIXTURES = (PREFILLED, GENERIC)


def fill(catalog: Catalog, spec: dict[str, Any]) -> tuple[bytes, list[list[Any]]]:
    """The template with the figures typed in (openpyxl), and what must be loaded."""
    institution, year = spec["institution"], spec["year"]
    if spec["typed_district"] is None:
        blank = template_bytes(catalog, institution, year=year, district=spec["district"])
    else:
        blank = template_bytes(catalog, institution)
    wb = load_workbook(io.BytesIO(blank))
    ws = wb[L.SHEET_DATA]
    if spec["typed_district"] is not None:
        ws[L.DISTRICT_CELL] = spec["typed_district"]
        ws[L.YEAR_CELL] = year
    rows = {ws.cell(r, L.CODE_COL).value: r for r in range(L.FIRST_DATA_ROW, ws.max_row + 1)}
    expected_codes = [i.code for i in catalog.indicators_of(institution)]
    if sorted(spec["values"]) != sorted(expected_codes):
        raise SystemExit(f"{spec['file']}: the values do not cover {institution}'s indicators")
    expected = []
    for code, months in spec["values"].items():
        for month, value in enumerate(months, start=1):
            cell = ws.cell(rows[code], L.month_column(month))
            cell.value = value
            if value is not None:
                expected.append([code, year * 100 + month, value, f"Data!{cell.coordinate}"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), expected


def resave_with_libreoffice(soffice: str, source: Path, work: Path) -> bytes:
    """Open ``source`` in LibreOffice and save it again as .xlsx; returns the new bytes."""
    out_dir = work / "out"
    out_dir.mkdir(exist_ok=True)
    profile = (work / "profile").as_uri()  # a private profile: no clash with a running office
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out_dir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    result = out_dir / source.name
    data = result.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        app = zf.read("docProps/app.xml").decode()
    if "LibreOffice" not in app:
        raise SystemExit(f"{result} was not written by LibreOffice:\n{app}")
    return data


def as_json(expected: dict[str, Any]) -> str:
    """Indented JSON with one ``[indicator, month, value, cell]`` per line."""
    marker = "@@VALUES@@"
    lines = {}
    for name, entry in expected.items():
        rows = ",\n".join(f"      {json.dumps(v)}" for v in entry["values"])
        lines[name] = f"[\n{rows}\n    ]"
        entry = {**entry, "values": marker + name}
        expected = {**expected, name: entry}
    text = json.dumps(expected, indent=2, ensure_ascii=False)
    for name, block in lines.items():
        text = text.replace(json.dumps(marker + name), block)
    return text + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--soffice", default=shutil.which("soffice") or "soffice")
    args = parser.parse_args(argv)
    catalog = load_catalog()
    args.out.mkdir(parents=True, exist_ok=True)
    expected: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="dbmis-lo-") as tmp:
        work = Path(tmp)
        for spec in FIXTURES:
            typed, values = fill(catalog, spec)
            source = work / spec["file"]
            source.write_bytes(typed)
            saved = resave_with_libreoffice(args.soffice, source, work)
            (args.out / spec["file"]).write_bytes(saved)
            expected[spec["file"]] = {
                "institution": spec["institution"],
                "district": spec["district"],
                "year": spec["year"],
                "typed_district": spec["typed_district"],
                "template_fingerprint": catalog.template_fingerprint(spec["institution"]),
                "not_reported": 12 * len(spec["values"]) - len(values),
                "values": values,
            }
            print(f"wrote {args.out / spec['file']} ({len(values)} figures)")
    text = as_json(expected)
    (args.out / "expected.json").write_text(text, encoding="utf-8")
    print(f"wrote {args.out / 'expected.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
