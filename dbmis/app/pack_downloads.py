"""The stocktake pack for the Steering Committee: ``/steering/pack/<stocktake id>.html``,
``.pdf`` and ``.xlsx``.

Analysts and Steering Committee members only (:data:`~dbmis.app.auth.STEERING_READERS`): the
pack holds approved figures that may not be published yet. Anyone else gets 403, an unknown
stocktake 404. The pack is built from the warehouse (:func:`dbmis.kpis.pack.build_pack_data`,
as of today) and rendered by :mod:`dbmis.kpis.pack` (the XLSX neutralises formula-like text
itself); rendered packs are kept under ``<instance>/cache/packs`` and served again while nothing
they are built from has changed (:mod:`dbmis.kpis.pack.cache`). The HTML opens in the
browser; the PDF and XLSX download as ``stocktake-pack-2026Q3.pdf`` / ``.xlsx``. Browsers and
proxies never cache the answers (``no-store``).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort

from dbmis.app.auth import STEERING_READERS
from dbmis.app.auth.guards import require_roles
from dbmis.app.context import app_state
from dbmis.errors import NotFoundError
from dbmis.kpis import steering as sv
from dbmis.kpis.pack.cache import PackCache, cached_pack
from dbmis.warehouse.types import utcnow

MEDIA_TYPES: dict[str, str] = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def pack_response(stocktake_id: int, fmt: str) -> Response:
    """The pack of a stocktake in ``fmt`` (html, pdf or xlsx); 404 for an unknown stocktake."""
    state = app_state()
    try:
        take = sv.by_id(state.db, stocktake_id)
    except NotFoundError:
        abort(404)
    body = cached_pack(
        state.db,
        state.catalog,
        take.id,
        take.quarter,
        fmt,  # type: ignore[arg-type]
        today=utcnow().date(),
        cache=PackCache(state.settings.instance_dir / "cache" / "packs"),
    )
    response = Response(body, mimetype=None, content_type=MEDIA_TYPES[fmt])
    name = f"stocktake-pack-{take.quarter}.{fmt}"
    disposition = "inline" if fmt == "html" else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def make_blueprint() -> Blueprint:
    """The blueprint of the pack's three addresses (the factory registers it)."""
    bp = Blueprint("pack_downloads", __name__)

    @bp.get("/steering/pack/<int:stocktake_id>.<any(html, pdf, xlsx):fmt>")
    @require_roles(STEERING_READERS)
    def pack(stocktake_id: int, fmt: str) -> Response:
        return pack_response(stocktake_id, fmt)

    return bp
