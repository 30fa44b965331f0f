"""CQC care directory CSV → LocationReference (provider rows, with no location id, are ignored)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid5

from pydantic import ValidationError

from schemas.evidence import EVIDENCE_NAMESPACE
from schemas.locations import LocationReference
from services.common.areas import resolve_area
from services.ingest.adapters.common import describe_validation_error
from services.ingest.fields import optional_datetime, optional_str, required_str
from services.ingest.records import Mapped, MappingContext, RecordError

SOURCE_NAME = "cqc-directory"
LOCATION_ID = "CQC Location ID (for office use only)"
PROVIDER_ID = "CQC Provider ID (for office use only)"
# The directory is a thinner view than the API (no ratings): at equal dates the API record wins.
DIRECTORY_TIE_BREAK = timedelta(milliseconds=1)


def map_row(fields: Mapping[str, Any], context: MappingContext) -> Mapped:
    location_id = optional_str(fields, LOCATION_ID)
    if location_id is None:
        if optional_str(fields, PROVIDER_ID) and optional_str(fields, "Name"):
            return Mapped(ignored="provider row (no location id)")
        raise RecordError(f"missing {LOCATION_ID}", "MissingField")
    name = required_str(fields, "Name")
    published = optional_datetime(
        fields.get("Report publication date"), "Report publication date", context.received_at
    )
    version_at = published - DIRECTORY_TIE_BREAK if published else datetime.fromtimestamp(0, UTC)
    version = int(version_at.timestamp() * 1000)
    try:
        reference = LocationReference(
            event_id=uuid5(EVIDENCE_NAMESPACE, f"location:{location_id}:{version}"),
            occurred_at=version_at,
            source=f"caresignal/ingest/{SOURCE_NAME}",
            location_id=location_id,
            provider_id=optional_str(fields, PROVIDER_ID),
            provider_name=optional_str(fields, "Provider name"),
            name=name,
            location_type=optional_str(fields, "Service types"),
            registration_status="Registered",
            postal_code=optional_str(fields, "Postcode"),
            area=resolve_area(optional_str(fields, "Local authority"), region=optional_str(fields, "Region")),
            version=version,
        )
    except ValidationError as error:
        raise RecordError(describe_validation_error(error), "ValidationError") from error
    return Mapped(locations=(reference,))
