"""What a cell holds: a number, a blank, text, TRUE/FALSE or a date, and the text as typed."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from typing import Literal

Kind = Literal["number", "blank", "text", "bool", "date"]
KINDS: tuple[Kind, ...] = ("number", "blank", "text", "bool", "date")

#: a number written as text: optional sign, digits with an optional decimal point, optional
#: exponent. No thousands separators, no currency, no spaces inside.
NUMBER_TEXT = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_NUMBER_TEXT = re.compile(NUMBER_TEXT)


def format_number(value: float) -> str:
    """5.0 -> '5', 2.5 -> '2.5': the number as a person would have typed it."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def classify(value: object) -> tuple[Kind, str, float]:
    """``(kind, raw, value)`` of one cell value as python-calamine returns it.

    calamine gives floats for numbers (5.0 for 5), ``''`` for empty cells, ``bool`` for
    TRUE/FALSE and ``date``/``datetime``/``time``/``timedelta`` for cells formatted as dates or
    durations. Text that is a plain number (a number stored as text) counts as a number; text of
    spaces only counts as blank ("not reported").
    """
    if isinstance(value, bool):
        return "bool", "TRUE" if value else "FALSE", math.nan
    if isinstance(value, int | float):
        number = float(value)
        if math.isfinite(number):
            return "number", format_number(number), number
        return "text", str(value), math.nan
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return "blank", value, math.nan
        if _NUMBER_TEXT.fullmatch(text):
            number = float(text)
            if math.isfinite(number):
                return "number", value, number
        return "text", value, math.nan
    if isinstance(value, datetime | date | time):
        return "date", value.isoformat(), math.nan
    if isinstance(value, timedelta):
        return "date", str(value), math.nan
    return "text", str(value), math.nan
