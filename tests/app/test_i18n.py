"""The message catalogs and the formatting of numbers, periods and dates in both languages."""

from __future__ import annotations

import re
import string
from datetime import date
from pathlib import Path

import pytest

from dbmis.app import i18n
from dbmis.app.i18n import (
    LRI,
    MESSAGES,
    PDI,
    date_label,
    direction,
    fmt_number,
    fmt_percent,
    fmt_value,
    month_label,
    normalise_lang,
    period_label,
    t,
)
from dbmis.app.i18n import messages as public_messages
from dbmis.app.i18n.areas import AREAS
from dbmis.catalog.models import Direction, Unit
from dbmis.kpis.status import Status
from dbmis.periods import PeriodType

APP = Path(i18n.__file__).resolve().parents[1]


EN = MESSAGES["en"]
UR = MESSAGES["ur"]


def test_no_two_message_modules_define_the_same_key() -> None:
    seen: dict[str, str] = {k: "messages" for k in public_messages.EN}
    for area in AREAS:
        assert set(area.EN) == set(area.UR), area.__name__
        for key in area.EN:
            assert key not in seen, f"{key} in {area.__name__} and {seen[key]}"
            seen[key] = area.__name__


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    assert set(EN) == set(UR)
    for key in EN:
        assert EN[key].strip() and UR[key].strip(), key
        assert _fields(EN[key]) == _fields(UR[key]), key


def test_urdu_messages_are_in_urdu() -> None:
    arabic_script = re.compile("[\u0600-\u06ff]")
    not_words = {"unit.count"}
    for key, text in UR.items():
        if key not in not_words:
            assert arabic_script.search(text), key


def test_every_key_the_app_uses_exists() -> None:
    used: set[str] = set()
    for path in APP.rglob("*.py"):
        used |= set(re.findall(r'\bt\(\s*"([^"]+)"', path.read_text(encoding="utf-8")))
    dynamic = {
        *(f"status.meaning.{s.value}" for s in Status),
        *(f"unit_name.{u.value}" for u in Unit),
        *(f"unit.{u.value}" for u in Unit if u is not Unit.percent),
        *(f"period_type.{p.value}" for p in PeriodType),
        *(f"direction.{d.value}" for d in Direction),
        *(f"level.{lvl}" for lvl in ("province", "division", "district")),
        *(f"about.status_rule{i}" for i in range(1, 6)),
    }
    assert len(used) > 80
    missing = (used | dynamic) - set(EN)
    assert not missing


def test_t_fills_placeholders_and_falls_back() -> None:
    assert t("card.period", "en", period="March 2026") == "in March 2026"
    assert t("card.period", "ur", period="x") == "x میں"
    assert t("nav.home", "fr") == "Home"
    with pytest.raises(KeyError):
        t("no.such.key", "en")


def test_language_and_direction() -> None:
    assert normalise_lang("ur") == "ur" and normalise_lang(" UR ") == "ur"
    assert normalise_lang(None) == "en" and normalise_lang("fr") == "en"
    assert direction("ur") == "rtl" and direction("en") == "ltr"


def test_numbers_use_western_digits_and_thousands_separators() -> None:
    assert fmt_number(1234567.891, 2) == "1,234,567.89"
    assert fmt_number(1234.5) == "1,234"  # rounds half to even like Python
    assert fmt_number(-0.04, 1) == "0.0"
    assert fmt_number(None) == "–" and fmt_number(float("nan")) == "–"
    assert fmt_number(1234.5, 1, "ur") == f"{LRI}1,234.5{PDI}"
    assert fmt_value(12.345, "percent", 1) == "12.3%"
    assert fmt_value(12.345, "percent", 1, "ur") == f"{LRI}12.3%{PDI}"
    assert fmt_value(1500, "hours", 0) == "1,500 hours"
    assert fmt_value(1500, "hours", 0, "ur") == f"{LRI}1,500{PDI} گھنٹے"
    assert fmt_value(2000, "pkr", 0) == "PKR 2,000"
    assert fmt_value(3, "count", 0) == "3"
    assert fmt_value(None, "percent") == "–"
    assert fmt_percent(0.875) == "88%"


def test_periods_and_dates_in_both_languages() -> None:
    assert period_label("2026-03") == "March 2026"
    assert period_label("2026-03", "ur") == "مارچ 2026"
    assert period_label("2026Q1") == "Jan–Mar 2026"
    assert period_label("2026Q3", "ur") == "جولائی تا ستمبر 2026"
    assert period_label("2026") == "2026"
    assert period_label("FY2025-26") == "FY 2025-26"
    assert period_label("FY2025-26", "ur") == f"مالی سال {LRI}2025-26{PDI}"
    assert period_label("garbage") == "garbage"
    assert month_label(202612, "ur") == "دسمبر 2026"
    assert date_label(date(2026, 4, 15)) == "15 April 2026"
    assert date_label(date(2026, 4, 15), "ur") == "15 اپریل 2026"
