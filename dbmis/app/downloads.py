"""Downloads of the published values: ``/download/values.csv`` and ``/download/values.xlsx``.

Every value of the latest release, or those chosen by the filters of ``/api/v1/values``
(``kpi``, ``geo_level``, ``geo_code``, ``period_type``, ``period``), plus ``lang`` (en or
ur) for the names. Text cells are neutralised against formula injection
(:mod:`dbmis.kpis.exports`). Bad parameters: 400 with a JSON error, as the API.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from flask import Blueprint, Response, request

from dbmis.app.api import VALUE_FIELDS, error_response, unexpected_error, value_records
from dbmis.app.api.params import FILTERS, BadParameter, check_known, lang_param, value_filters
from dbmis.app.context import AppState, app_state
from dbmis.app.i18n import date_label, month_label
from dbmis.catalog import Catalog
from dbmis.kpis.exports import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, to_csv, to_xlsx
from dbmis.kpis.public import PublishedValues

COLUMNS: tuple[str, ...] = (
    "release",
    "kpi",
    "kpi_name",
    "unit",
    "geo_level",
    "geo_code",
    "geo_name",
    *VALUE_FIELDS[3:],
)
"""Columns of a download: the release number, the KPI and the place with their names, then
the fields of a value as the API gives them."""


def _geo_name(catalog: Catalog, level: str, code: str, lang: str) -> str:
    if level == "province":
        return catalog.roadmap.province.get(lang)
    if level == "division" and code in catalog.division_by_code:
        return catalog.division_by_code[code].name.get(lang)
    if level == "district" and code in catalog.district_by_code:
        return catalog.district_by_code[code].name.get(lang)
    return code


def rows(catalog: Catalog, published: PublishedValues, lang: str) -> Iterator[list[Any]]:
    """The rows of a download, in :data:`COLUMNS` order."""
    number = published.release.number if published.release else None
    for record in value_records(published.frame):
        kpi = catalog.kpi_by_code.get(record["kpi"])
        yield [
            number,
            record["kpi"],
            kpi.name.get(lang) if kpi else record["kpi"],
            kpi.unit.value if kpi else None,
            record["geo_level"],
            record["geo_code"],
            _geo_name(catalog, record["geo_level"], record["geo_code"], lang),
            *(record[f] for f in VALUE_FIELDS[3:]),
        ]


def _filename(published: PublishedValues, extension: str) -> str:
    if published.release is None:
        return f"dbmis-values.{extension}"
    demo = "-DEMO" if published.release.is_demo else ""
    return f"dbmis-release-{published.release.number}-values{demo}.{extension}"


def _notes(state: AppState, published: PublishedValues, lang: str) -> list[str]:
    road = state.catalog.roadmap
    notes = [f"{road.title.get(lang)}, {road.province.get(lang)}"]
    release = published.release
    if release is None:
        notes.append("No release has been published yet.")
        return notes
    notes.append(
        f"Release {release.number}, published {date_label(release.published_at)}, "
        f"data up to {month_label(release.through_month)}."
    )
    if release.is_demo:
        notes.append("DEMONSTRATION DATA: synthetic figures, not official statistics.")
    notes.append("value = factor x numerator / denominator; completeness = received / expected.")
    return notes


def _download(
    state: AppState, extension: str, build: Callable[[PublishedValues, str], bytes]
) -> tuple[PublishedValues, bytes]:
    """The values chosen by the request's parameters and the file built from them (cached per
    release, filters, language and format: a release never changes)."""
    args = {k: request.args.getlist(k) for k in request.args}
    check_known(args, (*FILTERS, "lang"))
    filters = value_filters(args, state.catalog).as_dict()
    lang = lang_param(args)
    published = state.site.values(**filters)
    if published.release is None:
        return published, build(published, lang)
    key = ("download", extension, tuple(sorted(filters.items())), lang)
    body = state.site.cache.get(published.release.number, key, lambda: build(published, lang))
    return published, body


def _attachment(body: bytes, media_type: str, filename: str) -> Response:
    response = Response(body, mimetype=media_type.split(";")[0])
    if "charset" in media_type:
        response.headers["Content-Type"] = media_type
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def make_blueprint() -> Blueprint:
    """A new ``/download`` blueprint (one per app)."""
    bp = Blueprint("downloads", __name__, url_prefix="/download")
    bp.register_error_handler(Exception, unexpected_error)

    @bp.get("/values.csv")
    def values_csv() -> Response:
        state = app_state()

        def build(published: PublishedValues, lang: str) -> bytes:
            return to_csv(COLUMNS, rows(state.catalog, published, lang))

        published, body = _download(state, "csv", build)
        return _attachment(body, CSV_MEDIA_TYPE, _filename(published, "csv"))

    @bp.get("/values.xlsx")
    def values_xlsx() -> Response:
        state = app_state()

        def build(published: PublishedValues, lang: str) -> bytes:
            return to_xlsx(
                COLUMNS,
                rows(state.catalog, published, lang),
                sheet="Values",
                notes=_notes(state, published, lang),
            )

        published, body = _download(state, "xlsx", build)
        return _attachment(body, XLSX_MEDIA_TYPE, _filename(published, "xlsx"))

    @bp.get("/<path:rest>")
    def unknown(rest: str) -> Any:
        return error_response(404, "there is no such download; see /data")

    return bp


__all__ = ["COLUMNS", "BadParameter", "make_blueprint", "rows"]
