"""Every upload issue code has an Urdu title and "what to do"; the English comes from the
code registries."""

from __future__ import annotations

import re
import string

from dbmis.app.i18n import MESSAGES, t
from dbmis.app.i18n.areas import issue_codes
from dbmis.app.i18n.areas.issue_codes import UR_CODES, issue_text
from dbmis.ingest import codes as ingest_codes
from dbmis.ingest.codes_doc import all_codes
from dbmis.ingest.safety import codes as safety_codes

ARABIC = re.compile("[\u0600-\u06ff]")
TECHNICAL = re.compile(
    r"\.xlsx|\bC\d+\b|YYYY-MM|\bCSV\b|\bExcel\b|LibreOffice|UTF-8|\bDBMIS\b|\b\d{4}\b|"
    r"PROSECUTION|district,institution|'[^']+'|"
    r"[A-Z][\w&]*(?: [A-Z&][\w&]*)*(?: > [A-Z][\w&]*(?: [A-Z&][\w&]*)*)+"  # menu paths
)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_code_has_an_urdu_title_and_what_to_do() -> None:
    missing = all_codes() - set(UR_CODES)
    assert not missing, f"add Urdu for {sorted(missing)} in {issue_codes.__name__}"
    assert not set(UR_CODES) - all_codes(), "Urdu for a code the registries do not have"
    for code in all_codes():
        for part in ("title", "fix"):
            en, ur = t(f"issue.{code}.{part}", "en"), t(f"issue.{code}.{part}", "ur")
            assert ARABIC.search(ur) and ur != en, (code, part)
            assert _fields(en) == _fields(ur), (code, part)


def test_urdu_keeps_the_technical_names_in_latin_script() -> None:
    for code in all_codes():
        en = t(f"issue.{code}.fix", "en")
        ur = t(f"issue.{code}.fix", "ur")
        for token in TECHNICAL.findall(en):
            assert token in ur, (code, token)


def test_english_comes_from_the_registries() -> None:
    assert issue_text("VALUE_NOT_NUMBER", "en") == (
        ingest_codes.CODES["VALUE_NOT_NUMBER"].title,
        ingest_codes.CODES["VALUE_NOT_NUMBER"].fix,
    )
    assert issue_text("FILE_MACROS", "en") == (
        safety_codes.CODES["FILE_MACROS"].title,
        safety_codes.CODES["FILE_MACROS"].action,
    )
    assert issue_text("FILE_MACROS", "ur") == UR_CODES["FILE_MACROS"]
    assert issue_text("NO_SUCH_CODE", "ur") is None
    assert set(issue_codes.EN) == set(issue_codes.UR)
    assert all(MESSAGES["ur"][k] == v for k, v in issue_codes.UR.items())
