"""Pieces the Delivery Unit's review pages share (inbox, submission, data quality).

- Filters kept in the URL: a plain GET form of native selects (:func:`filter_form`) writes
  them into the query string, :func:`filter_values` reads them back (unknown or invalid values
  are dropped) and :func:`filter_search` writes links with them (with the language), so a
  filtered inbox or quality view is a link that can be shared. No callback is involved.
- Submission statuses as symbol + word (never colour alone), dates and times, figures, names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from dash import dcc, html
from dash.development.base_component import Component

from dbmis.app.attrs import aria
from dbmis.app.context import PageContext
from dbmis.app.i18n import date_label, fmt_number, ltr
from dbmis.catalog import Catalog

SUBMISSION_STATUSES: tuple[str, ...] = (
    "submitted",
    "returned",
    "approved",
    "superseded",
    "rejected",
)
"""Statuses in the order a reviewer reads them (waiting for review first)."""

STATUS_SYMBOLS: Mapping[str, str] = {
    "submitted": "●",
    "returned": "↩",
    "approved": "✓",
    "superseded": "⇢",
    "rejected": "✕",
}

FILTER_NAMES: tuple[str, ...] = ("district", "institution", "status", "year")


# --- filters in the URL ---------------------------------------------------------------------


def _year(text: str | None) -> int | None:
    if text is None or not text.isdigit() or len(text) != 4:
        return None
    year = int(text)
    return year if 2000 <= year <= 2100 else None


def clean_filters(catalog: Catalog, raw: Mapping[str, Any]) -> dict[str, str | int | None]:
    """Valid filter values only: catalog codes, a known status, a four-digit year."""
    district = str(raw.get("district") or "").strip().upper() or None
    institution = str(raw.get("institution") or "").strip().upper() or None
    status = str(raw.get("status") or "").strip().lower() or None
    return {
        "district": district if district in catalog.district_by_code else None,
        "institution": institution if institution in catalog.institution_by_code else None,
        "status": status if status in SUBMISSION_STATUSES else None,
        "year": _year(str(raw.get("year") or "").strip() or None),
    }


def filter_values(ctx: PageContext, names: Sequence[str] = FILTER_NAMES) -> dict[str, Any]:
    """The page's valid filters (None where not set)."""
    cleaned = clean_filters(ctx.catalog, {n: ctx.param(n) for n in FILTER_NAMES})
    extra = {n: ctx.param(n) for n in names if n not in FILTER_NAMES}
    return {**{n: cleaned[n] for n in names if n in cleaned}, **extra}


def filter_search(lang: str, values: Mapping[str, Any], *, page: int = 1) -> str:
    """``?district=..&...&lang=ur&page=2``: the set values in a fixed order ('' if none)."""
    pairs = [(k, str(v)) for k, v in values.items() if v not in (None, "")]
    if page > 1:
        pairs.append(("page", str(page)))
    if lang != "en":
        pairs.append(("lang", lang))
    return "?" + urlencode(pairs) if pairs else ""


def select(
    id_: str,
    name: str,
    label: str,
    options: Sequence[tuple[str, str]],
    value: str | None,
    *,
    any_label: str | None = None,
) -> Component:
    """A labelled native ``<select>`` of ``(value, label)`` options (``any_label``: a first
    option meaning "no filter"). Native selects work with every screen reader, keyboard and
    phone; Dash 4's dropdown hides a focusable input from assistive technology."""
    first = [html.Option(any_label, value="", selected=value is None)] if any_label else []
    return html.Div(
        [
            html.Label(label, htmlFor=id_, className="review-label"),
            html.Select(
                [*first, *(html.Option(text, value=v, selected=v == value) for v, text in options)],
                id=id_,
                name=name,
                className="review-select",
            ),
        ],
        className="review-field",
    )


def filter_form(ctx: PageContext, form_id: str, fields: Sequence[Component]) -> Component:
    """The filters as a plain GET form to this page: the browser writes the choices into the
    URL (a link to share), the page is drawn from it; the language is kept."""
    keep = [dcc.Input(type="hidden", name="lang", value=ctx.lang)] if ctx.lang != "en" else []
    return html.Form(
        [
            html.Div(fields, className="review-filters"),
            *keep,
            html.Button(
                ctx.t("review.filter.apply"),
                type="submit",
                id=f"{form_id}-apply",
                className="button review-apply",
            ),
        ],
        id=form_id,
        method="get",
        action=ctx.path,
        className="review-filter-form",
    )


# --- words, dates and figures ------------------------------------------------------------------


def status_badge(ctx: PageContext, status: str) -> Component:
    """A submission status as symbol + word (+ colour)."""
    return html.Span(
        [
            html.Span(STATUS_SYMBOLS.get(status, "?"), **aria(hidden="true")),
            " ",
            ctx.t(f"review.status.{status}") if status in STATUS_SYMBOLS else status,
        ],
        className=f"review-status review-status-{status}",
    )


def when(ctx: PageContext, at: datetime | None) -> str:
    """``15 April 2026, 09:30 UTC``."""
    if at is None:
        return "–"
    return (
        f"{date_label(at, ctx.lang)}, {ltr(at.strftime('%H:%M'), ctx.lang)} {ctx.t('review.utc')}"
    )


def figure(value: float | None, lang: str) -> str:
    """A reported figure: whole numbers without decimals, others with up to two."""
    if value is None:
        return "–"
    decimals = 0 if float(value).is_integer() else 2
    return fmt_number(value, decimals, lang)


def free_text(text: str) -> Component:
    """Text typed by a person or made by the validator (English or Urdu): its own direction."""
    return html.Span(text, dir="auto")


def district_name(ctx: PageContext, code: str) -> str:
    d = ctx.catalog.district_by_code.get(code)
    return d.name.get(ctx.lang) if d else code


def institution_name(ctx: PageContext, code: str) -> str:
    i = ctx.catalog.institution_by_code.get(code)
    return i.short.get(ctx.lang) if i else code


def indicator_name(ctx: PageContext, code: str | None) -> str:
    if code is None:
        return "–"
    i = ctx.catalog.indicator_by_code.get(code)
    return i.name.get(ctx.lang) if i else code


def person(username: str | None, display_name: str | None = None) -> str:
    if username is None:
        return "–"
    return f"{display_name} ({username})" if display_name and display_name != username else username


def uploader(ctx: PageContext, username: str | None, display_name: str | None = None) -> str:
    """Who uploaded: an account, or a load without one (the command line, the demo)."""
    return person(username, display_name) if username else ctx.t("review.no_account")


def section(ctx_id: str, heading: str, *children: Any, class_name: str = "") -> Component:
    """A landmark-labelled section with an h2."""
    return html.Section(
        [html.H2(heading, id=f"{ctx_id}-title"), *children],
        className=f"review-section {class_name}".strip(),
        **aria(labelledby=f"{ctx_id}-title"),
    )


def card_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    caption: str,
    numeric: Sequence[int] = (),
) -> Component:
    """:func:`~dbmis.app.pages.common.table` whose rows become cards on a phone: each cell
    carries its column's name (``data-label``), which the stylesheet shows before the value
    when the screen is too narrow for the columns."""
    head = html.Thead(
        html.Tr(
            [
                html.Th(c, scope="col", className="num" if i in numeric else None)
                for i, c in enumerate(columns)
            ]
        )
    )
    body = []
    for row in rows:
        cells: list[Component] = []
        for i, value in enumerate(row):
            cls = "num" if i in numeric else None
            label: dict[str, Any] = {"data-label": columns[i]}
            if i == 0:
                cells.append(html.Th(value, scope="row", className=cls, **label))
            else:
                cells.append(html.Td(value, className=cls, **label))
        body.append(html.Tr(cells))
    return html.Div(
        html.Table(
            [html.Caption(caption), head, html.Tbody(body)],
            className="data-table review-table review-cards",
        ),
        className="table-wrap",
        tabIndex="0",
    )
