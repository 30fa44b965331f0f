"""The pack as HTML (the web app's templates, reports/print.html) and as PDF (WeasyPrint).

WeasyPrint lays out the same HTML for print: page numbers, the marking on every page and tagged headings
(pdf_tags). It fetches nothing: only data: URLs are allowed, so rendering never touches the network; the
fonts are the system's (Arial's metric twin Liberation Sans, installed by `make pdf-deps`).
"""

from __future__ import annotations

from markupsafe import Markup

from services.report.models import AreaPack
from services.web import charts
from services.web.templating import SERVICE_NAME, TEMPLATES


def pack_charts(pack: AreaPack) -> dict[str, Markup]:
    """Vector charts (inline SVG) of the pack, drawn the way the web app draws its charts."""
    months = [m.model_dump() for m in pack.summary.months]
    return {
        "monthly": charts.monthly_lines(
            months, ("total", "negative"), f"Soft intelligence per month about {pack.area.name}"
        )
        if months
        else Markup("")
    }


def pack_html(pack: AreaPack) -> str:
    """A standalone HTML document (styles inline, no scripts): what the PDF is made from."""
    return TEMPLATES.get_template("reports/print.html").render(
        pack=pack, charts=pack_charts(pack), service_name=SERVICE_NAME, base_url=""
    )


def pack_pdf(pack: AreaPack) -> bytes:
    """The pack as a tagged PDF."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    document = HTML(string=pack_html(pack), url_fetcher=URLFetcher(allowed_protocols={"data"}))
    return document.write_pdf(pdf_tags=True)
