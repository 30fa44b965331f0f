"""The alerts inbox: filter, read an alert with its timeline, acknowledge or close it (POST + CSRF)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from schemas import AlertRuleKind, AlertSeverity, AlertStatus
from services.alerts import lifecycle
from services.alerts.api import Publisher
from services.alerts.models import AlertFilters, AlertView, StatusChange
from services.common.areas import find_areas
from services.common.errors import NotFoundError
from services.index import evidence
from services.web.csrf import CsrfChecked, render_form_page
from services.web.deps import Es, IndexNames
from services.web.errors import PageError, PageRoute
from services.web.identity import CurrentReviewer, Reviewer, remember_reviewer
from services.web.links import search_url
from services.web.templating import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
INBOX_SIZE = 100
EVIDENCE_SHOWN = 10
ACTIONS = {"acknowledge": AlertStatus.ACKNOWLEDGED, "close": AlertStatus.CLOSED}


def evidence_url(alert: AlertView) -> str:
    """The search behind an alert: its filters, its window as inclusive days."""
    query = dict(alert.query)
    start, end = query.pop("from", None), query.pop("to", None)
    if start:
        query["date_from"] = start[:10]
    if end:
        last = datetime.fromisoformat(end)
        if start and last > datetime.fromisoformat(start):
            last -= timedelta(microseconds=1)
        query["date_to"] = last.date().isoformat()
    return search_url(**query)


def area_code(text: str) -> str:
    """The code the reviewer meant: an area typed by name, or a code as given."""
    matches = find_areas(text)
    return matches[0].code if len(matches) == 1 else text.strip()


@router.get("/alerts")
def inbox_page(
    request: Request,
    es: Es,
    names: IndexNames,
    status: str = "",
    rule_kind: str = "",
    severity: str = "",
    code: str = "",
) -> Response:
    chosen = {"status": status, "rule_kind": rule_kind, "severity": severity}
    filters = AlertFilters(
        status=AlertStatus(status) if status in set(AlertStatus) else None,
        rule_kind=AlertRuleKind(rule_kind) if rule_kind in set(AlertRuleKind) else None,
        severity=AlertSeverity(severity) if severity in set(AlertSeverity) else None,
        code=area_code(code) if code.strip() else None,
    )
    listing = lifecycle.list_alerts(es, names, filters, size=INBOX_SIZE)
    return render(
        request,
        "alerts/inbox.html",
        {
            "section": "alerts",
            "listing": listing,
            "chosen": chosen,
            "code": code,
            "options": {"status": AlertStatus, "rule_kind": AlertRuleKind, "severity": AlertSeverity},
            "filtered": any(chosen.values()) or bool(code),
        },
    )


@router.get("/alerts/{alert_id}")
def alert_page(
    request: Request, es: Es, names: IndexNames, reviewer: CurrentReviewer, alert_id: UUID
) -> Response:
    return alert_response(request, es, names, reviewer, alert_id)


def alert_response(
    request: Request,
    es: Es,
    names: IndexNames,
    reviewer: Reviewer,
    alert_id: UUID,
    errors: dict[str, str] | None = None,
) -> Response:
    """The alert with its evidence, timeline and the forms its status allows (with any form errors)."""
    alert = lifecycle.get_alert(es, names, alert_id)
    items = []
    for evidence_id in alert.evidence_ids[:EVIDENCE_SHOWN]:
        try:
            items.append(evidence.get_evidence(es, names, UUID(evidence_id)))
        except NotFoundError:
            continue
    return render_form_page(
        request,
        "alerts/alert.html",
        {
            "section": "alerts",
            "alert": alert,
            "items": items,
            "evidence_url": evidence_url(alert),
        },
        reviewer,
        errors,
    )


@router.post("/alerts/{alert_id}/{action}")
def change_alert(
    _: CsrfChecked,  # first: a forged request is refused before anything else is touched
    request: Request,
    es: Es,
    names: IndexNames,
    publish: Publisher,
    reviewer: CurrentReviewer,
    alert_id: UUID,
    action: str,
    by: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Acknowledge or close, then back to the alert (post/redirect/get): a reload does not repeat it."""
    if action not in ACTIONS:
        raise PageError(404, "Page not found", "Check the address is correct.")
    if not by.strip():
        return alert_response(
            request, es, names, reviewer, alert_id, errors={f"{action}-by": "Enter your name"}
        )
    change = StatusChange(by=by.strip(), note=note.strip() or None)
    lifecycle.change_status(es, names, publish, alert_id, ACTIONS[action], change)
    response = RedirectResponse(f"/alerts/{alert_id}?done={action}", status_code=303)
    remember_reviewer(response, change.by)
    return response
