"""Local Healthwatch feedback exports (CSV, JSON, JSON Lines) → EvidenceReceived (see FORMATS.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from schemas.common import ProviderRef
from schemas.evidence import SourceType
from services.common.areas import resolve_area
from services.ingest.adapters.common import author_role_for, build_evidence, content_reference
from services.ingest.fields import optional_int, optional_str, parse_datetime, required_text
from services.ingest.records import Mapped, MappingContext

SOURCE_NAME = "healthwatch"


def map_feedback(fields: Mapping[str, Any], context: MappingContext) -> Mapped:
    text = required_text(fields, "feedback_text")
    occurred_at = parse_datetime(fields.get("feedback_date"), "feedback_date", context.received_at)
    healthwatch_area = optional_str(fields, "healthwatch_area")
    service_name = optional_str(fields, "service_name")
    location_id = optional_str(fields, "cqc_location_id")
    feedback_id = optional_str(fields, "feedback_id")
    reference = (
        f"{healthwatch_area or 'healthwatch'}:{feedback_id}"
        if feedback_id
        else content_reference(healthwatch_area, service_name, occurred_at.isoformat(), text)
    )
    given_by = optional_str(fields, "feedback_from")
    evidence = build_evidence(
        source_type=SourceType.HEALTHWATCH_FEEDBACK,
        source_name=SOURCE_NAME,
        source_reference=reference,
        occurred_at=occurred_at,
        text=text,
        context=context,
        provider=ProviderRef(
            location_id=location_id, provider_id=optional_str(fields, "cqc_provider_id"), name=service_name
        ),
        area=resolve_area(
            optional_str(fields, "local_authority") or healthwatch_area, place=healthwatch_area
        ),
        author_role=author_role_for(given_by),
        metadata={
            "star_rating": optional_int(fields.get("star_rating"), "star_rating", 1, 5),
            "healthwatch_area": healthwatch_area,
            "feedback_from": given_by,
            "service_type": optional_str(fields, "service_type"),
        },
    )
    return Mapped(evidence=(evidence,))
