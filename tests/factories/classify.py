"""Builders for the classify stream tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from schemas.common import AreaRef, ProviderRef
from schemas.evidence import EvidenceReceived, SourceType, evidence_id_for
from schemas.locations import LocationReference

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
OLDHAM_AREA = AreaRef(local_authority_code="E08000004", local_authority_name="Oldham", icb_code="E54000057")
ROYAL_OLDHAM_ID = "1-RW602-ROH"


def received(
    reference: str = "hw-1",
    *,
    text: str = "The nurses at the ward were kind but the wait was long.",
    provider: ProviderRef | None = None,
    area: AreaRef | None = None,
    source_type: SourceType = SourceType.HEALTHWATCH_FEEDBACK,
    **fields: Any,
) -> EvidenceReceived:
    return EvidenceReceived(
        event_id=evidence_id_for(source_type, reference),
        occurred_at=NOW,
        source="caresignal/ingest/healthwatch",
        evidence_id=evidence_id_for(source_type, reference),
        source_type=source_type,
        source_reference=reference,
        received_at=NOW,
        text=text,
        provider=provider or ProviderRef(),
        area=area or AreaRef(),
        **fields,
    )


def royal_oldham(version: int = 1, **fields: Any) -> LocationReference:
    values: dict[str, Any] = {
        "event_id": "7a0f3c1e-1111-4b6a-9c1e-000000000001",
        "occurred_at": NOW,
        "source": "caresignal/ingest/cqc",
        "location_id": ROYAL_OLDHAM_ID,
        "provider_id": "RW6",
        "provider_name": "Northern Care Alliance NHS Foundation Trust",
        "name": "The Royal Oldham Hospital",
        "area": OLDHAM_AREA,
        "version": version,
    }
    return LocationReference(**{**values, **fields})
