"""The pack as PDF: the HTML of :mod:`dbmis.kpis.pack.html` typeset by WeasyPrint (A4, print CSS).

WeasyPrint lays the page out with Pango and the system's fonts (Debian: ``libpango-1.0-0``,
``libpangoft2-1.0-0``, ``fonts-noto-core``); nothing is fetched: the pack has no external
resources, and the URL fetcher refuses anything but ``data:`` URLs all the same.
"""

from __future__ import annotations

from typing import Any

from dbmis.kpis.pack.html import render_html
from dbmis.kpis.pack.model import PackData


def _fetcher() -> Any:
    """A URL fetcher that only reads ``data:`` URLs (no file, no network)."""
    try:
        from weasyprint.urls import URLFetcher  # WeasyPrint 66 and later
    except ImportError:  # pragma: no cover - older WeasyPrint: a plain function
        from weasyprint import default_url_fetcher

        def fetch(url: str, *args: Any, **kwargs: Any) -> Any:
            if not url.startswith("data:"):
                raise ValueError(f"the stocktake pack does not fetch {url[:60]!r}")
            return default_url_fetcher(url, *args, **kwargs)

        return fetch
    return URLFetcher(allowed_protocols={"data"})


def typeset(html: str) -> tuple[bytes, int]:
    """Typeset an HTML document (with its print CSS): (PDF bytes, number of pages)."""
    import logging

    import weasyprint

    # WeasyPrint logs every CSS property it does not know at WARNING: keep the CLI quiet.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = weasyprint.HTML(string=html, url_fetcher=_fetcher(), base_url=None).render()
    pdf: bytes = document.write_pdf()
    return pdf, len(document.pages)


def html_to_pdf(html: str) -> bytes:
    """Typeset an HTML document (with its print CSS) to PDF bytes."""
    return typeset(html)[0]


def render_pdf_pages(pack: PackData) -> tuple[bytes, int]:
    """The whole pack as an A4 PDF, and its number of pages."""
    return typeset(render_html(pack, inline_svg=False))


def render_pdf(pack: PackData) -> bytes:
    """The whole pack as an A4 PDF."""
    return render_pdf_pages(pack)[0]
