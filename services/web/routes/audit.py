"""The audit trail page (admin): who looked at an item, who exported a search; the filters are the URL.

It reads what `GET /v1/audit` reads (`services/access/audit_trail.py`), newest first, a page at a time.
Only a signed-in person whose role has `read-audit` may open it: without sign-in nobody may, since the
trail keeps query texts as typed. Opening it is audited like every page.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, get_args

from fastapi import APIRouter, Depends, Request, Response

from schemas import AuditRecorded
from services.access.audit_trail import AuditFilters, recorded_actions, search_audit
from services.common.indices import Names
from services.common.roles import Permission, Principal
from services.web.deps import Es, Settings
from services.web.errors import PageError, PageRoute
from services.web.links import query_string
from services.web.search_state import parse_day
from services.web.templating import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
PAGE_SIZE = 50
TEXT_FILTERS = ("actor", "action", "item", "outcome")
DATE_FILTERS = ("date_from", "date_to")
OUTCOMES: tuple[str, ...] = get_args(AuditRecorded.model_fields["outcome"].annotation)


def audit_reader(request: Request) -> Principal:
    """The signed-in person, if their role may read the audit trail; otherwise the 403 page."""
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None or not principal.can(Permission.READ_AUDIT):
        raise PageError(403, "You cannot see this page", "The audit trail is for administrators only.")
    return principal


def audit_filters(values: dict[str, str], errors: dict[str, str]) -> AuditFilters:
    """The trail's filters from the page's fields; a date that is not one goes into `errors`."""
    dates: dict[str, datetime] = {}
    for name in DATE_FILTERS:
        if values.get(name):
            try:
                day = parse_day(values[name])
            except ValueError:
                errors[name] = "Enter a real date, for example 1/7/2025"
                continue
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            dates[name] = start + timedelta(days=1) if name == "date_to" else start  # inclusive day
    outcome = values.get("outcome") if values.get("outcome") in OUTCOMES else None
    text = {name: values.get(name) or None for name in ("actor", "action", "item")}
    return AuditFilters(**text, outcome=outcome, **dates)


@router.get("/audit")
def audit_page(
    request: Request,
    _: Annotated[Principal, Depends(audit_reader)],
    es: Es,
    settings: Settings,
    cursor: str | None = None,
    page: int = 1,
) -> Response:
    values = {
        name: request.query_params.get(name, "").strip()
        for name in (*TEXT_FILTERS, *DATE_FILTERS)
        if request.query_params.get(name, "").strip()
    }
    errors: dict[str, str] = {}
    filters = audit_filters(values, errors)
    names = Names(settings)
    found = search_audit(es, names, filters, PAGE_SIZE, cursor or None)
    page = max(page, 1) if cursor else 1
    next_url = (
        f"/audit?{query_string({**values, 'cursor': found.next_cursor, 'page': page + 1})}"
        if found.next_cursor
        else None
    )
    return render(
        request,
        "audit/trail.html",
        {
            "section": "audit",
            "found": found,
            "values": values,
            "errors": errors,
            "error_prefix": bool(errors),
            "actions": sorted(
                {*recorded_actions(es, names), *([values["action"]] if "action" in values else [])}
            ),
            "outcomes": OUTCOMES,
            "page_number": page,
            "first": (page - 1) * PAGE_SIZE + 1,
            "first_url": f"/audit?{query_string(values)}" if values else "/audit",
            "next_url": next_url,
            "filtered": bool(values),
        },
    )
