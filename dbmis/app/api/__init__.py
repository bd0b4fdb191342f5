"""The public JSON API, ``/api/v1/``: the catalog's KPIs and places, the releases, and the
values of the latest published release (paged). Described by ``/api/v1/openapi.json``
(OpenAPI 3.1) and in ``docs/api.md``.

Published release data only (through :mod:`dbmis.kpis.public`). Errors are JSON with a
stable code: ``{"error": {"code": "NOT_FOUND", "message": "..."}}``: ``BAD_PARAMETER`` (400),
``NOT_FOUND`` (404), ``METHOD_NOT_ALLOWED`` (405), ``UNAVAILABLE`` (503, the warehouse cannot
be read) and ``INTERNAL`` (500, never with a traceback).

:func:`make_blueprint` builds a new blueprint per app (nothing is shared between apps).
"""

from __future__ import annotations

import logging
import math
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from dbmis.app.api.cached import cached_json
from dbmis.app.api.openapi import openapi_document
from dbmis.app.api.params import (
    DEFAULT_LIMIT,
    FILTERS,
    MAX_LIMIT,
    MAX_OFFSET,
    MAX_RELEASE_NUMBER,
    BadParameter,
    check_known,
    int_param,
    value_filters,
)
from dbmis.app.context import app_state
from dbmis.catalog import Catalog
from dbmis.catalog.models import Kpi, Target
from dbmis.errors import DbmisError, NotFoundError
from dbmis.kpis.public import ReleaseInfo
from dbmis.periods import month_label

log = logging.getLogger(__name__)

PREFIX = "/api/v1"
ERROR_CODES: dict[int, str] = {
    400: "BAD_PARAMETER",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


def error_response(status: int, message: str, code: str | None = None) -> tuple[Response, int]:
    """``{"error": {"code": ..., "message": ...}}`` with the HTTP status."""
    body = {"error": {"code": code or ERROR_CODES.get(status, "ERROR"), "message": message}}
    return jsonify(body), status


def http_error(exc: HTTPException) -> tuple[Response, int]:
    status = exc.code or 500
    messages = {
        404: "there is nothing at this address; see /api/v1/openapi.json",
        405: "this address answers GET only",
    }
    return error_response(status, messages.get(status, exc.description or exc.name))


def unexpected_error(exc: Exception) -> tuple[Response, int]:
    """Expected failures get their own answer; anything else is logged and answered 500."""
    if isinstance(exc, HTTPException):
        return http_error(exc)
    if isinstance(exc, BadParameter):
        return error_response(400, str(exc))
    if isinstance(exc, NotFoundError):
        return error_response(404, exc.message)
    if isinstance(exc, DbmisError | SQLAlchemyError):
        log.warning("API %s: the warehouse could not be read: %s", request.path, exc)
        return error_response(503, "the published figures cannot be read at the moment")
    log.exception("API %s failed", request.path)
    return error_response(500, "something went wrong on the server")


# --- representations ------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _text(value: Any) -> dict[str, str]:
    return {"en": value.en, "ur": value.ur}


def target_json(target: Target) -> dict[str, Any]:
    return {
        "scope": "province" if target.is_province else list(target.scope),
        "baseline": {"period": target.baseline.period, "value": target.baseline.value},
        "target": {"period": target.target.period, "value": target.target.value},
        "shape": target.shape.value,
        "tolerance": target.tolerance,
        "milestones": [{"period": m.period, "value": m.value} for m in target.milestones],
    }


def kpi_json(catalog: Catalog, kpi: Kpi) -> dict[str, Any]:
    indicators = catalog.indicator_by_code

    def side(codes: list[str]) -> list[dict[str, Any]]:
        return [
            {"code": c, "name": _text(indicators[c].name), "institution": indicators[c].institution}
            for c in codes
            if c in indicators
        ]

    return {
        "code": kpi.code,
        "priority": kpi.priority,
        "name": _text(kpi.name),
        "short_name": _text(kpi.short_name),
        "definition": _text(kpi.definition),
        "source": _text(kpi.source),
        "unit": kpi.unit.value,
        "decimals": kpi.decimals,
        "direction": kpi.direction.value,
        "headline": kpi.headline,
        "numerator": side(kpi.numerator),
        "denominator": side(kpi.denominator),
        "factor": kpi.factor,
        "assessed_on": list(kpi.assessed_on),
        "targets": [target_json(t) for t in catalog.targets_of(kpi.code)],
    }


def release_json(release: ReleaseInfo) -> dict[str, Any]:
    return {
        "number": release.number,
        "published_at": release.published_at.isoformat(),
        "through_month": month_label(release.through_month),
        "note": release.note,
        "is_demo": release.is_demo,
        "values": release.values,
    }


def release_detail_json(release: ReleaseInfo) -> dict[str, Any]:
    revised = [
        {
            "kpi": str(r.get("kpi")),
            "geo_level": str(r.get("geo_level")),
            "geo_code": str(r.get("geo_code")),
            "period_type": str(r.get("period_type")),
            "period": str(r.get("period")),
            "old": _number(r.get("old")),
            "new": _number(r.get("new")),
        }
        for r in release.revised_values(None)
    ]
    return {**release_json(release), "changes": {**release.summary(), "revised": revised}}


VALUE_FIELDS: tuple[str, ...] = (
    "kpi",
    "geo_level",
    "geo_code",
    "period_type",
    "period",
    "period_end",
    "value",
    "numerator",
    "denominator",
    "planned",
    "status",
    "received",
    "expected",
    "completeness",
    "flagged",
)
"""The fields of a published value, in the order of the API and the downloads."""


def value_records(frame: Any) -> list[dict[str, Any]]:
    """Rows of a values frame as the API shows them (``period_end`` as ``YYYY-MM``)."""
    out = []
    for r in frame.itertuples(index=False):
        status = r.status if isinstance(r.status, str) and r.status else None
        out.append(
            {
                "kpi": str(r.kpi),
                "geo_level": str(r.geo_level),
                "geo_code": str(r.geo_code),
                "period_type": str(r.period_type),
                "period": str(r.period),
                "period_end": month_label(int(r.period_end)),
                "value": _number(r.value),
                "numerator": _number(r.numerator),
                "denominator": _number(r.denominator),
                "planned": _number(r.planned),
                "status": status,
                "received": int(r.received),
                "expected": int(r.expected),
                "completeness": _number(r.completeness),
                "flagged": bool(r.flagged),
            }
        )
    return out


def districts_json(catalog: Catalog) -> dict[str, Any]:
    road = catalog.roadmap
    return {
        "province": {"code": road.province_code, "name": _text(road.province)},
        "divisions": [{"code": d.code, "name": _text(d.name)} for d in catalog.divisions],
        "districts": [
            {
                "code": d.code,
                "division": d.division,
                "name": _text(d.name),
                "centroid": {"lat": d.centroid.lat, "lon": d.centroid.lon},
                "has_outline": d.outline is not None,
            }
            for d in catalog.districts
        ],
    }


# --- the blueprint --------------------------------------------------------------------------


def values_json(filters: dict[str, str], limit: int, offset: int) -> dict[str, Any]:
    """``/values``: one page of the latest release's values matching ``filters``."""
    published = app_state().site.values(**filters)
    frame = published.frame
    total = len(frame)
    next_url = None
    if offset + limit < total:
        next_url = (
            f"{PREFIX}/values?{urlencode({**filters, 'limit': limit, 'offset': offset + limit})}"
        )
    return {
        "release": release_json(published.release) if published.release else None,
        "filters": filters,
        "total": total,
        "limit": limit,
        "offset": offset,
        "next": next_url,
        "values": value_records(frame.iloc[offset : offset + limit]),
    }


def _args() -> dict[str, list[str]]:
    return {k: request.args.getlist(k) for k in request.args}


def make_blueprint() -> Blueprint:
    """A new ``/api/v1`` blueprint (one per app)."""
    bp = Blueprint("api_v1", __name__, url_prefix=PREFIX)
    bp.register_error_handler(Exception, unexpected_error)

    @bp.get("/kpis")
    def kpis() -> Any:
        check_known(_args(), ())
        catalog = app_state().catalog
        return cached_json(
            None, ("kpis",), lambda: {"kpis": [kpi_json(catalog, k) for k in catalog.kpis]}
        )

    @bp.get("/kpis/<code>")
    def kpi(code: str) -> Any:
        check_known(_args(), ())
        catalog = app_state().catalog
        if code not in catalog.kpi_by_code:
            raise NotFoundError(f"no KPI {code!r}; see /api/v1/kpis")
        return cached_json(
            None, ("kpi", code), lambda: kpi_json(catalog, catalog.kpi_by_code[code])
        )

    @bp.get("/values")
    def values() -> Any:
        args = _args()
        check_known(args, (*FILTERS, "limit", "offset"))
        state = app_state()
        filters = value_filters(args, state.catalog)
        limit = int_param(args, "limit", DEFAULT_LIMIT, low=1, high=MAX_LIMIT)
        offset = int_param(args, "offset", 0, low=0, high=MAX_OFFSET)
        release = state.site.latest()
        if release is None:
            return jsonify(values_json(filters.as_dict(), limit, offset))
        key = ("values", tuple(filters.as_dict().items()), limit, offset)
        return cached_json(
            release.number, key, lambda: values_json(filters.as_dict(), limit, offset)
        )

    @bp.get("/releases")
    def releases() -> Any:
        check_known(_args(), ())
        site = app_state().site
        latest = site.latest()
        if latest is None:
            return jsonify({"releases": []})
        return cached_json(
            latest.number,
            ("releases",),
            lambda: {"releases": [release_json(r) for r in site.releases()]},
        )

    @bp.get("/releases/<number>")
    def release(number: str) -> Any:
        check_known(_args(), ())
        if not number.isascii() or not number.isdigit() or int(number) > MAX_RELEASE_NUMBER:
            raise BadParameter("number", "a release number is a whole number")
        site = app_state().site
        latest = site.latest()
        if latest is None:  # NOT_FOUND, as the warehouse says it
            return jsonify(release_detail_json(site.release(int(number))))
        return cached_json(
            latest.number,
            ("release", int(number)),
            lambda: release_detail_json(site.release(int(number))),
        )

    @bp.get("/districts")
    def districts() -> Any:
        check_known(_args(), ())
        catalog = app_state().catalog
        return cached_json(None, ("districts",), lambda: districts_json(catalog))

    @bp.get("/openapi.json")
    def openapi() -> Any:
        catalog = app_state().catalog
        return cached_json(None, ("openapi",), lambda: openapi_document(catalog))

    @bp.get("/", defaults={"rest": ""})
    @bp.get("/<path:rest>")
    def unknown(rest: str) -> Any:
        return error_response(404, "there is nothing at this address; see /api/v1/openapi.json")

    return bp
