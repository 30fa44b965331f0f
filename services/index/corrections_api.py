"""HTTP endpoints for analysts' corrections of an item's labels, mounted by services/api.py."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, status
from pydantic import BaseModel, ConfigDict, Field

from schemas import CorrectionChange, EvidenceCorrected, Topic
from services.common.auth import Corrector, Reader, visible_names
from services.common.http import DomainErrorRoute, Es, Producer, get_settings
from services.common.publishing import EventPublisher
from services.index import correcting
from services.index.config import IndexSettings
from services.index.corrections import correction_history

router = APIRouter(route_class=DomainErrorRoute, tags=["corrections"])
Settings = Annotated[IndexSettings, Depends(get_settings)]


class CorrectionRequest(CorrectionChange):
    """What to change, who changes it and why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    by: str = Field(min_length=1, max_length=200, description="Who corrects it (a name or staff id).")
    note: str | None = Field(default=None, max_length=2000)


class CorrectionHistory(BaseModel):
    corrections: list[EvidenceCorrected]


def correction_publisher(settings: Settings, producer: Producer) -> correcting.Publish:
    """Publishes a correction with the app's producer (tests override this)."""
    publish = EventPublisher(producer, settings.topic(Topic.CORRECTIONS))
    return lambda event: publish(event, str(event.evidence_id))


Publisher = Annotated[correcting.Publish, Depends(correction_publisher)]


@router.post(
    "/v1/evidence/{evidence_id}/corrections",
    response_model=EvidenceCorrected,
    status_code=status.HTTP_201_CREATED,
    summary="Correct an item's labels",
)
def correct_endpoint(
    caller: Corrector,
    es: Es,
    settings: Settings,
    publish: Publisher,
    evidence_id: UUID,
    request: CorrectionRequest,
) -> EvidenceCorrected:
    """Add or remove quality statements, set the sentiment, set or clear a high severity. Search shows
    the corrected labels at once; the model's stay beside them. 409 when the item changed meanwhile."""
    change = CorrectionChange.model_validate(request.model_dump(exclude={"by", "note"}))
    return correcting.correct(
        es,
        visible_names(settings, caller),
        publish,
        evidence_id,
        change,
        by=request.by.strip(),
        via="api",
        note=request.note,
        key_id=caller.subject if caller.client == "api-key" else None,
    )


@router.get(
    "/v1/evidence/{evidence_id}/corrections",
    response_model=CorrectionHistory,
    summary="An item's corrections",
)
def history_endpoint(caller: Reader, es: Es, settings: Settings, evidence_id: UUID) -> CorrectionHistory:
    return CorrectionHistory(corrections=correction_history(es, visible_names(settings, caller), evidence_id))
