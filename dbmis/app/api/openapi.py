"""The OpenAPI 3.1 document of the public API (``/api/v1/openapi.json``).

Every response has a schema (JSON Schema 2020-12, as OpenAPI 3.1 uses); the tests validate the
document with openapi-spec-validator and every answer of the API against its schema.
"""

from __future__ import annotations

from typing import Any

from dbmis.app.api.params import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    MAX_OFFSET,
    MAX_PARAM_LENGTH,
    MAX_RELEASE_NUMBER,
    PERIOD_PATTERN,
)
from dbmis.catalog import Catalog
from dbmis.kpis.public import GEO_LEVELS, PERIOD_TYPES
from dbmis.kpis.status import STATUS_ORDER

STATUSES = [s.value for s in STATUS_ORDER]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(kind: str, **extra: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], **extra}


def _object(properties: dict[str, Any], *, description: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


MONTH = {"type": "string", "pattern": r"^\d{4}-\d{2}$", "description": "a month, YYYY-MM"}
PERIOD = {
    "type": "string",
    "description": "a month (2026-03), a quarter (2026Q1), a year (2026) or a fiscal year "
    "(FY2025-26, July to June)",
}


def _schemas() -> dict[str, Any]:
    text = _object(
        {"en": {"type": "string"}, "ur": {"type": "string"}},
        description="a text in English and Urdu",
    )
    period_value = _object({"period": PERIOD, "value": {"type": "number"}})
    release_properties: dict[str, Any] = {
        "number": {"type": "integer"},
        "published_at": {"type": "string", "format": "date-time"},
        "through_month": MONTH,
        "note": _nullable("string"),
        "is_demo": {
            "type": "boolean",
            "description": "true: synthetic demonstration data, not official figures",
        },
        "values": {"type": "integer", "description": "how many values it holds"},
    }
    changes = _object(
        {
            "previous": _nullable("integer"),
            "values": _object(
                {
                    "total": {"type": "integer"},
                    "added": {"type": "integer"},
                    "revised": {"type": "integer"},
                    "removed": {"type": "integer"},
                }
            ),
            "submissions": _object(
                {
                    "new": {"type": "integer"},
                    "revised": {"type": "integer"},
                    "withdrawn": {"type": "integer"},
                },
                description="district returns behind the release",
            ),
            "revised": {
                "type": "array",
                "items": _ref("RevisedValue"),
                "description": "values revised since the previous release (at most 200 "
                "listed: provinces first)",
            },
        },
        description="what changed since the previous release",
    )
    return {
        "Error": _object(
            {
                "error": _object(
                    {
                        "code": {
                            "type": "string",
                            "enum": [
                                "BAD_PARAMETER",
                                "NOT_FOUND",
                                "METHOD_NOT_ALLOWED",
                                "UNAVAILABLE",
                                "INTERNAL",
                            ],
                            "description": "stable: never changes meaning",
                        },
                        "message": {"type": "string"},
                    }
                )
            }
        ),
        "Text": text,
        "IndicatorRef": _object(
            {"code": {"type": "string"}, "name": _ref("Text"), "institution": {"type": "string"}}
        ),
        "PeriodValue": period_value,
        "Target": _object(
            {
                "scope": {
                    "oneOf": [
                        {"type": "string", "const": "province"},
                        {"type": "array", "items": {"type": "string"}},
                    ],
                    "description": "'province', or the district codes sharing the target",
                },
                "baseline": _ref("PeriodValue"),
                "target": _ref("PeriodValue"),
                "shape": {
                    "type": "string",
                    "enum": ["linear", "front-loaded", "back-loaded", "s-curve", "milestones"],
                },
                "tolerance": {
                    "type": "number",
                    "description": "how far behind the trajectory still counts as on track, in "
                    "the KPI's unit",
                },
                "milestones": {"type": "array", "items": _ref("PeriodValue")},
            }
        ),
        "Kpi": _object(
            {
                "code": {"type": "string"},
                "priority": {"type": "string"},
                "name": _ref("Text"),
                "short_name": _ref("Text"),
                "definition": _ref("Text"),
                "source": _ref("Text"),
                "unit": {
                    "type": "string",
                    "enum": ["count", "pkr", "hours", "days", "percent", "score"],
                },
                "decimals": {"type": "integer"},
                "direction": {
                    "type": "string",
                    "enum": ["up", "down"],
                    "description": "up: higher is better; down: lower is better",
                },
                "headline": {"type": "boolean"},
                "numerator": {"type": "array", "items": _ref("IndicatorRef")},
                "denominator": {"type": "array", "items": _ref("IndicatorRef")},
                "factor": {"type": "number"},
                "assessed_on": {
                    "type": "array",
                    "items": {"type": "string", "enum": list(PERIOD_TYPES)},
                },
                "targets": {"type": "array", "items": _ref("Target")},
            },
            description="value = factor x sum(numerator) / sum(denominator), sums over "
            "districts and months first",
        ),
        "KpiList": _object({"kpis": {"type": "array", "items": _ref("Kpi")}}),
        "Release": _object(release_properties),
        "ReleaseList": _object({"releases": {"type": "array", "items": _ref("Release")}}),
        "RevisedValue": _object(
            {
                "kpi": {"type": "string"},
                "geo_level": {"type": "string", "enum": list(GEO_LEVELS)},
                "geo_code": {"type": "string"},
                "period_type": {"type": "string", "enum": list(PERIOD_TYPES)},
                "period": PERIOD,
                "old": _nullable("number"),
                "new": _nullable("number"),
            }
        ),
        "ReleaseDetail": _object(
            {**release_properties, "changes": changes},
            description="a release and what changed since the previous one",
        ),
        "Value": _object(
            {
                "kpi": {"type": "string"},
                "geo_level": {"type": "string", "enum": list(GEO_LEVELS)},
                "geo_code": {"type": "string"},
                "period_type": {"type": "string", "enum": list(PERIOD_TYPES)},
                "period": PERIOD,
                "period_end": MONTH,
                "value": _nullable(
                    "number", description="null when it cannot be computed (no data, 0/0)"
                ),
                "numerator": _nullable("number"),
                "denominator": _nullable("number", description="null for a KPI without one"),
                "planned": _nullable(
                    "number",
                    description="the trajectory's value for the period (province, and districts "
                    "with their own target)",
                ),
                "status": {
                    "type": ["string", "null"],
                    "enum": [*STATUSES, None],
                    "description": "status against the trajectory; null where none is judged",
                },
                "received": {"type": "integer", "description": "district-months reported"},
                "expected": {"type": "integer", "description": "district-months expected"},
                "completeness": _nullable("number", description="received / expected"),
                "flagged": {
                    "type": "boolean",
                    "description": "true when completeness is below the Roadmap's threshold",
                },
            }
        ),
        "ValuePage": _object(
            {
                "release": {
                    "oneOf": [_ref("Release"), {"type": "null"}],
                    "description": "the release read (the latest); null before the first",
                },
                "filters": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "description": "the filters applied",
                },
                "total": {"type": "integer", "description": "values matching the filters"},
                "limit": {"type": "integer"},
                "offset": {"type": "integer"},
                "next": _nullable("string", description="the address of the next page"),
                "values": {"type": "array", "items": _ref("Value")},
            }
        ),
        "Place": _object({"code": {"type": "string"}, "name": _ref("Text")}),
        "District": _object(
            {
                "code": {"type": "string"},
                "division": {"type": "string"},
                "name": _ref("Text"),
                "centroid": _object({"lat": {"type": "number"}, "lon": {"type": "number"}}),
                "has_outline": {"type": "boolean"},
            }
        ),
        "Districts": _object(
            {
                "province": _ref("Place"),
                "divisions": {"type": "array", "items": _ref("Place")},
                "districts": {"type": "array", "items": _ref("District")},
            }
        ),
    }


def _json(schema: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


ERROR_RESPONSES = {
    "400": {"$ref": "#/components/responses/BadParameter"},
    "503": {"$ref": "#/components/responses/Unavailable"},
}


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def _filter_parameters(catalog: Catalog) -> list[dict[str, Any]]:
    places = [
        catalog.roadmap.province_code,
        *catalog.division_by_code,
        *catalog.district_by_code,
    ]
    return [
        _query(
            "kpi", "a KPI code (see /kpis)", {"type": "string", "enum": list(catalog.kpi_by_code)}
        ),
        _query(
            "geo_level",
            "province, division or district",
            {"type": "string", "enum": list(GEO_LEVELS)},
        ),
        _query(
            "geo_code",
            "a place code (see /districts); a place of another level than geo_level matches "
            "nothing",
            {"type": "string", "enum": places},
        ),
        _query(
            "period_type",
            "month, quarter, year or fiscal_year",
            {"type": "string", "enum": list(PERIOD_TYPES)},
        ),
        _query(
            "period",
            "one period: 2026-03, 2026Q1, 2026 or FY2025-26; a period of another type than "
            "period_type matches nothing",
            {"type": "string", "pattern": PERIOD_PATTERN, "maxLength": MAX_PARAM_LENGTH},
        ),
    ]


def openapi_document(catalog: Catalog) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``/api/v1`` (and of the downloads)."""
    road = catalog.roadmap
    no_params = {"400": {"$ref": "#/components/responses/BadParameter"}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{road.title.en}, {road.province.en}: public data API",
            "version": "1.0.0",
            "summary": "The published figures of the Delivery Unit's KPIs",
            "description": "Read-only. Every figure comes from the latest published release; "
            "figures change only when a new release is published. Names and definitions are "
            "given in English (en) and Urdu (ur). Unknown query parameters are refused (400). "
            'Errors are JSON: {"error": {"code": ..., "message": ...}}.',
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/kpis": {
                "get": {
                    "operationId": "listKpis",
                    "summary": "Every KPI with its definition, unit, source and targets",
                    "responses": {"200": _json("KpiList", "the KPIs"), **no_params},
                }
            },
            "/kpis/{code}": {
                "get": {
                    "operationId": "getKpi",
                    "summary": "One KPI",
                    "parameters": [
                        {
                            "name": "code",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": _json("Kpi", "the KPI"),
                        **no_params,
                        "404": {"$ref": "#/components/responses/NotFound"},
                    },
                }
            },
            "/values": {
                "get": {
                    "operationId": "listValues",
                    "summary": "Published values of the latest release, filtered and paged",
                    "description": "Ordered by KPI, geographic level, place, period type and "
                    "period end. Follow `next` for the following page.",
                    "parameters": [
                        *_filter_parameters(catalog),
                        _query(
                            "limit",
                            "values per page",
                            {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": MAX_LIMIT,
                                "default": DEFAULT_LIMIT,
                            },
                        ),
                        _query(
                            "offset",
                            "values to skip",
                            {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
                        ),
                    ],
                    "responses": {"200": _json("ValuePage", "a page of values"), **ERROR_RESPONSES},
                }
            },
            "/releases": {
                "get": {
                    "operationId": "listReleases",
                    "summary": "Every published release, newest first",
                    "responses": {
                        "200": _json("ReleaseList", "the releases"),
                        **ERROR_RESPONSES,
                    },
                }
            },
            "/releases/{number}": {
                "get": {
                    "operationId": "getRelease",
                    "summary": "One release and what changed since the previous one",
                    "parameters": [
                        {
                            "name": "number",
                            "in": "path",
                            "required": True,
                            "schema": {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": MAX_RELEASE_NUMBER,
                            },
                        }
                    ],
                    "responses": {
                        "200": _json("ReleaseDetail", "the release"),
                        **ERROR_RESPONSES,
                        "404": {"$ref": "#/components/responses/NotFound"},
                    },
                }
            },
            "/districts": {
                "get": {
                    "operationId": "listPlaces",
                    "summary": "The province, its divisions and its districts",
                    "responses": {"200": _json("Districts", "the places"), **no_params},
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "This document",
                    "responses": {
                        "200": {
                            "description": "the OpenAPI document",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "schemas": _schemas(),
            "responses": {
                "BadParameter": _json("Error", "a query parameter cannot be used (BAD_PARAMETER)"),
                "NotFound": _json("Error", "no such record (NOT_FOUND)"),
                "Unavailable": _json(
                    "Error", "the published figures cannot be read at the moment (UNAVAILABLE)"
                ),
            },
        },
    }
