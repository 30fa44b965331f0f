"""Jinja2 templates of the web app (one folder per router) with the UK formatting filters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request, Response
from fastapi.templating import Jinja2Templates

from services.common.roles import Permission, Principal
from services.web import links
from services.web.formatting import FILTERS
from services.web.names import alert_subject, rule_title

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
TEMPLATES.env.filters.update(FILTERS, alert_subject=alert_subject, rule_title=rule_title)
TEMPLATES.env.globals.update(search_url=links.search_url, month_range=links.month_range)
SERVICE_NAME = "CareSignal"


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    """The page; its footer links to the API documentation only when the app serves it (not in prod), its
    navigation to the audit trail only for a signed-in person who may read it."""
    principal: Principal | None = getattr(request.state, "principal", None)
    common = {
        "service_name": SERVICE_NAME,
        "api_docs_url": request.app.docs_url,
        "audit_link": principal is not None and principal.can(Permission.READ_AUDIT),
    }
    return TEMPLATES.TemplateResponse(request, name, {**common, **context}, status_code=status_code)
