"""The public website in English and Urdu: messages, numbers, periods and dates.

- Every interface string lives in :mod:`dbmis.app.i18n.messages` (one dict per language, the
  same keys in both); :func:`t` looks one up and fills its ``{placeholders}``. Names and
  definitions of KPIs, places and priorities come from the catalog (``Text.get(lang)``).
- **Digits**: Urdu pages use Western digits (0-9) with ``,`` for thousands and ``.`` for
  decimals, as Pakistan's official statistics and government documents in Urdu do; the digits
  then read the same in both languages, and numbers copied from a page paste unchanged into a
  spreadsheet. Numbers sit in their own left-to-right runs inside right-to-left text.
- **Periods**: months by name ("March 2026" / "مارچ 2026"), quarters by their months
  ("Jan-Mar 2026" / "جنوری تا مارچ 2026"), calendar years as the year, fiscal years as
  "FY 2025-26" / "مالی سال 2025-26" (July to June by default).
- **Direction**: Urdu pages carry ``lang="ur"`` and ``dir="rtl"`` on the document and the page
  root; the stylesheet ``assets/site.css`` holds the right-to-left rules.
"""

from __future__ import annotations

import math
from datetime import date, datetime

from dbmis.app.i18n.areas import AREAS
from dbmis.app.i18n.messages import EN, UR
from dbmis.periods import PeriodType, parse_period, split_month

LANGS: tuple[str, ...] = ("en", "ur")
DEFAULT_LANG = "en"
MESSAGES: dict[str, dict[str, str]] = {
    "en": EN | {k: v for area in AREAS for k, v in area.EN.items()},
    "ur": UR | {k: v for area in AREAS for k, v in area.UR.items()},
}
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "ur": "اردو"}
"""Each language named in itself, for the language switch."""

MISSING = "–"
"""Shown for a value that is not available (an en dash)."""

MONTHS: dict[str, tuple[str, ...]] = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "ur": (
        "جنوری",
        "فروری",
        "مارچ",
        "اپریل",
        "مئی",
        "جون",
        "جولائی",
        "اگست",
        "ستمبر",
        "اکتوبر",
        "نومبر",
        "دسمبر",
    ),
}
MONTHS_SHORT_EN = tuple(m[:3] for m in MONTHS["en"])


def normalise_lang(value: object) -> str:
    """'ur' for Urdu, else English."""
    return "ur" if str(value or "").strip().lower() == "ur" else DEFAULT_LANG


def direction(lang: str) -> str:
    """``rtl`` for Urdu, ``ltr`` for English."""
    return "rtl" if lang == "ur" else "ltr"


def t(key: str, lang: str, **values: object) -> str:
    """The message ``key`` in ``lang`` (English if the language lacks it) with ``values``
    filled in. An unknown key raises KeyError: every key must be in the catalogs."""
    messages = MESSAGES.get(lang, EN)
    text = messages.get(key)
    if text is None:
        text = EN[key]
    return text.format(**values) if values else text


# --- numbers ---------------------------------------------------------------------------------


def missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


LRI, PDI = "\u2066", "\u2069"
"""Unicode left-to-right isolate and pop directional isolate."""


def ltr(text: str, lang: str = DEFAULT_LANG) -> str:
    """In Urdu, ``text`` (a number, a percentage, a range of years) isolated as a
    left-to-right run, so that right-to-left text around it cannot reorder it: without it the
    bidi algorithm shows ``12.5%`` after Urdu words as ``%12.5`` and ``-3`` as ``3-``."""
    return f"{LRI}{text}{PDI}" if lang == "ur" else text


def _number(value: float, decimals: int) -> str:
    text = f"{value:,.{max(decimals, 0)}f}"
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]  # no "-0.0"
    return text


def fmt_number(value: float | None, decimals: int = 0, lang: str = DEFAULT_LANG) -> str:
    """``1234.5`` -> ``1,234.5`` (Western digits in both languages); missing -> an en dash."""
    if missing(value):
        return MISSING
    assert value is not None
    return ltr(_number(value, decimals), lang)


def fmt_value(value: float | None, unit: str, decimals: int = 1, lang: str = DEFAULT_LANG) -> str:
    """A KPI value with its unit: ``12.5%``, ``1,234 hours``, ``PKR 2,000``."""
    if missing(value):
        return MISSING
    assert value is not None
    number = _number(value, decimals)
    if unit == "percent":
        return ltr(f"{number}%", lang)
    key = f"unit.{unit}"
    if key in EN:
        return t(key, lang, value=ltr(number, lang))
    return ltr(number, lang)


def fmt_percent(share: float | None, lang: str = DEFAULT_LANG) -> str:
    """A share (0..1) as a whole percentage: ``0.875`` -> ``88%``."""
    if missing(share):
        return MISSING
    assert share is not None
    return ltr(f"{_number(share * 100, 0)}%", lang)


# --- periods and dates ------------------------------------------------------------------------


def month_name(month: int, lang: str = DEFAULT_LANG) -> str:
    """The name of a month (1-12)."""
    return MONTHS.get(lang, MONTHS["en"])[month - 1]


def month_label(key: int, lang: str = DEFAULT_LANG) -> str:
    """``202603`` -> ``March 2026`` / ``مارچ 2026``."""
    year, month = split_month(int(key))
    return f"{month_name(month, lang)} {year}"


def period_label(label: str, lang: str = DEFAULT_LANG, fiscal_start_month: int = 7) -> str:
    """A period as a reader says it: ``2026-03`` -> March 2026, ``2026Q1`` -> Jan-Mar 2026,
    ``2026`` -> 2026, ``FY2025-26`` -> FY 2025-26 (Urdu alike). Unparseable: as given."""
    try:
        period = parse_period(label, fiscal_start_month)
    except ValueError:
        return str(label)
    first_year, first_month = split_month(period.first)
    last_year, last_month = split_month(period.last)
    if period.type is PeriodType.month:
        return month_label(period.first, lang)
    if period.type is PeriodType.quarter:
        if lang == "ur":
            return t(
                "period.quarter",
                lang,
                first=month_name(first_month, lang),
                last=month_name(last_month, lang),
                year=last_year,
            )
        return t(
            "period.quarter",
            lang,
            first=MONTHS_SHORT_EN[first_month - 1],
            last=MONTHS_SHORT_EN[last_month - 1],
            year=last_year,
        )
    if period.type is PeriodType.year:
        return str(first_year)
    years = ltr(f"{first_year}-{last_year % 100:02d}", lang)
    return t("period.fiscal_year", lang, years=years)


def date_label(value: date | datetime, lang: str = DEFAULT_LANG) -> str:
    """``15 April 2026`` / ``15 اپریل 2026``."""
    return f"{value.day} {month_name(value.month, lang)} {value.year}"


def period_type_label(period_type: str, lang: str = DEFAULT_LANG) -> str:
    """``quarter`` -> Quarterly / سہ ماہی."""
    return t(f"period_type.{period_type}", lang)


__all__ = [
    "DEFAULT_LANG",
    "LANGS",
    "LANGUAGE_NAMES",
    "MESSAGES",
    "MISSING",
    "date_label",
    "direction",
    "fmt_number",
    "fmt_percent",
    "fmt_value",
    "ltr",
    "missing",
    "month_label",
    "month_name",
    "normalise_lang",
    "period_label",
    "period_type_label",
    "t",
]
