"""Query parameters of the public API and downloads: parsed strictly, every problem a
:class:`BadParameter` (answered 400 with code ``BAD_PARAMETER``), never a 500."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from dbmis.catalog import Catalog
from dbmis.kpis.public import GEO_LEVELS, PERIOD_TYPES
from dbmis.periods import parse_period

FILTERS: tuple[str, ...] = ("kpi", "geo_level", "geo_code", "period_type", "period")
"""The filters of ``/api/v1/values`` and ``/download/values.*``."""

DEFAULT_LIMIT = 1000
MAX_LIMIT = 10_000
MAX_PARAM_LENGTH = 64
MAX_OFFSET = 10**9
MAX_RELEASE_NUMBER = 999_999_999
PERIOD_PATTERN = (
    "^([0-9]{4}-(0[1-9]|1[0-2])|[0-9]{4}Q[1-4]|[0-9]{4}|FY[0-9]{2}("
    + "|".join(f"{n:02d}-{(n + 1) % 100:02d}" for n in range(100))
    + "))$"
)
"""Every period label :func:`dbmis.periods.parse_period` accepts, as a regular expression
(for the OpenAPI document: a fiscal year's two years must follow each other)."""


class BadParameter(ValueError):
    """A query parameter that cannot be used; the message names it."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name


@dataclass(frozen=True)
class ValueFilters:
    kpi: str | None = None
    geo_level: str | None = None
    geo_code: str | None = None
    period_type: str | None = None
    period: str | None = None

    def as_dict(self) -> dict[str, str]:
        return {k: v for k in FILTERS if (v := getattr(self, k)) is not None}


def _single(args: Mapping[str, list[str]], name: str) -> str | None:
    values = args.get(name) or []
    if len(values) > 1:
        raise BadParameter(name, "give it once")
    if not values:
        return None
    value = values[0].strip()
    if not value:
        raise BadParameter(name, "give a value, or leave the parameter out")
    if len(value) > MAX_PARAM_LENGTH:
        raise BadParameter(name, f"at most {MAX_PARAM_LENGTH} characters")
    return value


def check_known(args: Mapping[str, list[str]], allowed: Collection[str]) -> None:
    """Refuse a parameter that is not in ``allowed`` (a typo would otherwise be ignored)."""
    for name in args:
        if name not in allowed:
            raise BadParameter(name, f"unknown parameter; known: {', '.join(sorted(allowed))}")


def value_filters(args: Mapping[str, list[str]], catalog: Catalog) -> ValueFilters:
    """The filters in ``args`` (a multi-dict as lists), checked against the catalog."""
    kpi = _single(args, "kpi")
    if kpi is not None and kpi not in catalog.kpi_by_code:
        raise BadParameter("kpi", f"no KPI {kpi!r}; see /api/v1/kpis")
    geo_level = _single(args, "geo_level")
    if geo_level is not None and geo_level not in GEO_LEVELS:
        raise BadParameter("geo_level", f"one of {', '.join(GEO_LEVELS)}")
    geo_code = _single(args, "geo_code")
    if geo_code is not None:
        known = {
            "province": {catalog.roadmap.province_code},
            "division": set(catalog.division_by_code),
            "district": set(catalog.district_by_code),
        }
        # a place of another level than ``geo_level`` is a valid filter that matches nothing
        if not any(geo_code in codes for codes in known.values()):
            raise BadParameter("geo_code", f"no place {geo_code!r}; see /api/v1/districts")
    period_type = _single(args, "period_type")
    if period_type is not None and period_type not in PERIOD_TYPES:
        raise BadParameter("period_type", f"one of {', '.join(PERIOD_TYPES)}")
    period = _single(args, "period")
    if period is not None:
        # a period of another type than ``period_type`` is a valid filter that matches nothing
        try:
            parse_period(period, catalog.roadmap.fiscal_year_start_month)
        except ValueError as exc:
            raise BadParameter("period", str(exc)) from None
    return ValueFilters(kpi, geo_level, geo_code, period_type, period)


def int_param(
    args: Mapping[str, list[str]], name: str, default: int, *, low: int, high: int
) -> int:
    text = _single(args, name)
    if text is None:
        return default
    if not text.isascii() or not text.isdigit():
        raise BadParameter(name, "a whole number")
    value = int(text)
    if not low <= value <= high:
        raise BadParameter(name, f"between {low} and {high}")
    return value


def lang_param(args: Mapping[str, list[str]]) -> str:
    lang = _single(args, "lang") or "en"
    if lang not in ("en", "ur"):
        raise BadParameter("lang", "en or ur")
    return lang
