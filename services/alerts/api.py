"""HTTP endpoints of the alerts service, mounted by services/api.py: alerts, their lifecycle, the rules.

The rules file is read once, when the app starts; a file that does not load is reported by
`GET /v1/alert-rules` as a 500 with its problems (the worker refuses to start with it).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request, status

from schemas import AlertStatus
from services.alerts import lifecycle
from services.alerts.config import AlertsSettings
from services.alerts.models import AlertFilters, AlertList, AlertView, RuleList, RuleSummary, StatusChange
from services.alerts.publisher import StatusPublisher
from services.alerts.rules import RuleSet, RulesFileError, load_rules
from services.common.auth import AlertActor, Reader, RuleReader, visible_names
from services.common.http import DomainErrorRoute, Es, Producer, get_settings

log = logging.getLogger(__name__)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Load the rules file once."""
    settings: AlertsSettings = app.state.settings
    try:
        app.state.alert_rules = load_rules(settings.alerts_rules_file)
    except RulesFileError as error:
        log.error("alert rules not loaded: %s", error)
        app.state.alert_rules = error
    yield


router = APIRouter(route_class=DomainErrorRoute, tags=["alerts"], lifespan=lifespan)
Settings = Annotated[AlertsSettings, Depends(get_settings)]


def alert_rules(request: Request, settings: Settings) -> RuleSet:
    """The rules loaded at start-up; 500 with the file's problems (by file name, not path) when it did not."""
    rules: RuleSet | RulesFileError = request.app.state.alert_rules
    if isinstance(rules, RulesFileError):
        path = settings.alerts_rules_file
        detail = str(rules).replace(str(path), path.name)
        raise HTTPException(status.HTTP_500_INTERNAL_SERVER_ERROR, detail=detail)
    return rules


def status_publisher(settings: Settings, producer: Producer) -> lifecycle.Publish:
    """Publishes a status change with the app's producer (tests override this)."""
    return StatusPublisher(settings, producer)


Publisher = Annotated[lifecycle.Publish, Depends(status_publisher)]


@router.get("/v1/alerts", response_model=AlertList, summary="List alerts, newest first")
def alerts_endpoint(
    caller: Reader,
    es: Es,
    settings: Settings,
    filters: Annotated[AlertFilters, Query()],
    size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> AlertList:
    """Restricted items among an alert's evidence are left out for roles without `sensitive`
    (`restricted_not_shown` counts them)."""
    return lifecycle.list_alerts(es, visible_names(settings, caller), filters, size)


@router.get("/v1/alerts/{alert_id}", response_model=AlertView, summary="One alert")
def alert_endpoint(caller: Reader, es: Es, settings: Settings, alert_id: UUID) -> AlertView:
    return lifecycle.get_alert(es, visible_names(settings, caller), alert_id)


@router.post("/v1/alerts/{alert_id}/acknowledge", response_model=AlertView, summary="Acknowledge")
def acknowledge_endpoint(
    caller: AlertActor, es: Es, settings: Settings, publish: Publisher, alert_id: UUID, change: StatusChange
) -> AlertView:
    """open → acknowledged; 409 from any other status."""
    names = visible_names(settings, caller)
    return lifecycle.change_status(es, names, publish, alert_id, AlertStatus.ACKNOWLEDGED, change)


@router.post("/v1/alerts/{alert_id}/close", response_model=AlertView, summary="Close")
def close_endpoint(
    caller: AlertActor, es: Es, settings: Settings, publish: Publisher, alert_id: UUID, change: StatusChange
) -> AlertView:
    """open or acknowledged → closed; 409 when already closed."""
    names = visible_names(settings, caller)
    return lifecycle.change_status(es, names, publish, alert_id, AlertStatus.CLOSED, change)


@router.get("/v1/alert-rules", response_model=RuleList, summary="The alert rules the detector runs")
def list_rules(
    _: RuleReader, settings: Settings, rules: Annotated[RuleSet, Depends(alert_rules)]
) -> RuleList:
    common = {"id", "kind", "enabled", "severity", "description", "silence"}
    return RuleList(
        file=settings.alerts_rules_file.name,
        rules=[
            RuleSummary(
                id=rule.id,
                kind=rule.kind,
                enabled=rule.enabled,
                severity=rule.severity,
                description=rule.description,
                silence_seconds=rule.silence.total_seconds(),
                settings=rule.model_dump(mode="json", exclude=common),
            )
            for rule in rules.rules
        ],
    )
