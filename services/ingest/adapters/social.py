"""Social-media comments from a monitoring tool (JSON Lines) → EvidenceReceived (see FORMATS.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from schemas.common import ProviderRef
from schemas.evidence import AuthorRole, SourceType
from services.common.areas import local_authority_named, resolve_area
from services.ingest.adapters.common import build_evidence
from services.ingest.fields import optional_str, parse_datetime, required_str, required_text
from services.ingest.records import Mapped, MappingContext

SOURCE_NAME = "social"


def map_comment(fields: Mapping[str, Any], context: MappingContext) -> Mapped:
    text = required_text(fields, "text")
    platform = required_str(fields, "platform").casefold()
    post_id = required_str(fields, "post_id")
    occurred_at = parse_datetime(fields.get("created_at"), "created_at", context.received_at)
    place = optional_str(fields, "place")
    evidence = build_evidence(
        source_type=SourceType.SOCIAL_MEDIA_COMMENT,
        source_name=SOURCE_NAME,
        source_reference=f"{platform}:{post_id}",
        occurred_at=occurred_at,
        text=text,
        context=context,
        provider=ProviderRef(
            location_id=optional_str(fields, "location_id"),
            name=optional_str(fields, "organisation_mentioned"),
        ),
        area=resolve_area(_council_in(place), place=place),
        author_role=AuthorRole.MEMBER_OF_PUBLIC,
        metadata={
            "platform": platform,
            "author_handle": optional_str(fields, "author_handle"),
            "url": optional_str(fields, "url"),
            "in_reply_to": optional_str(fields, "in_reply_to"),
        },
    )
    return Mapped(evidence=(evidence,))


def _council_in(place: str | None) -> str | None:
    """The first comma-separated part of a place ('Oldham, England') that names a council."""
    for part in (place or "").split(","):
        if local_authority_named(part) is not None:
            return part
    return None
