"""HTTP endpoints of the alerts service, mounted by services/api.py: the rules the detector runs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel

from schemas.alerts import AlertSeverity
from services.alerts.config import AlertsSettings
from services.alerts.rules import RulesFileError, load_rules
from services.common.auth import ApiKey, get_settings
from services.common.config import CommonSettings

router = APIRouter(prefix="/v1/alert-rules", tags=["alerts"])


class RuleSummary(BaseModel):
    id: str
    kind: str
    enabled: bool
    severity: AlertSeverity
    description: str
    silence_seconds: float
    settings: dict[str, object]


class RuleList(BaseModel):
    file: str
    rules: list[RuleSummary]


@router.get("", response_model=RuleList, summary="The alert rules the detector runs")
def list_rules(_: ApiKey, settings: Annotated[CommonSettings, Depends(get_settings)]) -> RuleList:
    rules_file = AlertsSettings.model_validate(settings.model_dump()).alerts_rules_file
    try:
        ruleset = load_rules(rules_file)
    except RulesFileError as error:
        raise HTTPException(status.HTTP_500_INTERNAL_SERVER_ERROR, detail=str(error)) from error
    common = {"id", "kind", "enabled", "severity", "description", "silence"}
    return RuleList(
        file=str(rules_file),
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
            for rule in ruleset.rules
        ],
    )
