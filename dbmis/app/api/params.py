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
        return None
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
        levels = [geo_level] if geo_level else list(GEO_LEVELS)
        if not any(geo_code in known[level] for level in levels):
            where = f"{geo_level} " if geo_level else "place "
            raise BadParameter("geo_code", f"no {where}{geo_code!r}; see /api/v1/districts")
    period_type = _single(args, "period_type")
    if period_type is not None and period_type not in PERIOD_TYPES:
        raise BadParameter("period_type", f"one of {', '.join(PERIOD_TYPES)}")
    period = _single(args, "period")
    if period is not None:
        try:
            parsed = parse_period(period, catalog.roadmap.fiscal_year_start_month)
        except ValueError as exc:
            raise BadParameter("period", str(exc)) from None
        if period_type is not None and parsed.type.value != period_type:
            raise BadParameter("period", f"{period!r} is not a {period_type} period")
    return ValueFilters(kpi, geo_level, geo_code, period_type, period)


def int_param(
    args: Mapping[str, list[str]], name: str, default: int, *, low: int, high: int
) -> int:
    text = _single(args, name)
    if text is None:
        return default
    if not text.isdigit():
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
