"""CQC contact-centre notes (CSV, JSON Lines) → EvidenceReceived (see FORMATS.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from schemas.common import ProviderRef
from schemas.evidence import AuthorRole, SourceType
from services.common.areas import resolve_area
from services.ingest.adapters.common import author_role_for, build_evidence, content_reference
from services.ingest.fields import optional_str, parse_bool, parse_datetime, required_text
from services.ingest.records import Mapped, MappingContext, RecordError

SOURCE_NAME = "call-centre"
FLAGS = ("safeguarding_referral_made", "escalated_to_inspector", "anonymous")


def map_note(fields: Mapping[str, Any], context: MappingContext) -> Mapped:
    note = required_text(fields, "note")
    occurred_at = parse_datetime(fields.get("contact_date"), "contact_date", context.received_at)
    contact_type = optional_str(fields, "contact_type")
    flags = {flag: parse_bool(fields.get(flag), flag) for flag in FLAGS}
    whistleblowing = parse_bool(fields.get("whistleblowing"), "whistleblowing")
    role = author_role_for(contact_type)
    if contact_type and role is AuthorRole.UNKNOWN:
        raise RecordError(f"unknown contact_type {contact_type!r}", "InvalidField")
    if role in (AuthorRole.STAFF, AuthorRole.WHISTLEBLOWER):
        role = AuthorRole.WHISTLEBLOWER if whistleblowing else AuthorRole.STAFF
    contact_id = optional_str(fields, "contact_id")
    provider_name = optional_str(fields, "provider_name")
    evidence = build_evidence(
        source_type=SourceType.CALL_CENTRE_NOTE,
        source_name=SOURCE_NAME,
        source_reference=contact_id or content_reference(occurred_at.isoformat(), provider_name, note),
        occurred_at=occurred_at,
        text=note,
        context=context,
        provider=ProviderRef(
            location_id=optional_str(fields, "location_id"),
            provider_id=optional_str(fields, "provider_id"),
            name=provider_name,
        ),
        area=resolve_area(optional_str(fields, "local_authority")),
        author_role=role,
        metadata={
            "contact_type": contact_type,
            "channel": optional_str(fields, "channel"),
            "whistleblowing": whistleblowing or None,
            **{flag: True for flag, raised in flags.items() if raised},
        },
    )
    return Mapped(evidence=(evidence,))
