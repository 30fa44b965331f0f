"""Building blocks every adapter shares: evidence construction, content-derived references, author roles."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from schemas.common import AreaRef, ProviderRef
from schemas.evidence import AuthorRole, EvidenceReceived, InspectionFinding, SourceType, evidence_id_for
from services.ingest.records import MappingContext, RecordError

_ROLE_WORDS: tuple[tuple[tuple[str, ...], AuthorRole], ...] = (
    (("whistleblow",), AuthorRole.WHISTLEBLOWER),
    (
        ("relative", "carer", "family", "friend", "daughter", "son", "parent", "spouse"),
        AuthorRole.RELATIVE_OR_CARER,
    ),
    (
        ("patient", "service user", "person using", "resident", "self", "myself"),
        AuthorRole.PERSON_USING_SERVICE,
    ),
    (("professional", "gp", "social worker", "nurse", "clinician", "paramedic"), AuthorRole.PROFESSIONAL),
    (("staff", "employee", "worker"), AuthorRole.STAFF),
    (("public", "citizen", "visitor", "neighbour"), AuthorRole.MEMBER_OF_PUBLIC),
)


def author_role_for(described: str | None) -> AuthorRole:
    """Map a source's wording ('Relative or carer', 'member_of_public', 'Patient') to an AuthorRole."""
    if not described:
        return AuthorRole.UNKNOWN
    text = described.casefold().replace("_", " ").replace("-", " ")
    try:
        return AuthorRole(text.replace(" ", "_"))
    except ValueError:
        pass
    words = set(text.split())
    for cues, role in _ROLE_WORDS:
        if any((cue in words) if " " not in cue and len(cue) <= 4 else (cue in text) for cue in cues):
            return role
    return AuthorRole.UNKNOWN


def content_reference(*parts: object) -> str:
    """A stable reference for an item that arrived without an id: a hash of what identifies it."""
    digest = hashlib.sha256(json.dumps([str(part) for part in parts]).encode()).hexdigest()
    return f"sha256:{digest[:32]}"


# Well under Kafka's default message limit (1 MB): the text is at most 20,000 characters, the rest is small.
MAX_EVENT_BYTES = 512 * 1024


def build_evidence(
    *,
    source_type: SourceType,
    source_name: str,
    source_reference: str,
    occurred_at: datetime,
    text: str,
    context: MappingContext,
    provider: ProviderRef | None = None,
    area: AreaRef | None = None,
    author_role: AuthorRole = AuthorRole.UNKNOWN,
    inspection: InspectionFinding | None = None,
    metadata: dict[str, Any] | None = None,
) -> EvidenceReceived:
    """An EvidenceReceived with its deterministic id; contract violations become a RecordError."""
    evidence_id = evidence_id_for(source_type, source_reference)
    try:
        evidence = EvidenceReceived(
            event_id=evidence_id,
            occurred_at=occurred_at,
            source=f"caresignal/ingest/{source_name}",
            correlation_id=evidence_id,
            evidence_id=evidence_id,
            source_type=source_type,
            source_reference=source_reference,
            received_at=context.received_at,
            text=text,
            provider=provider or ProviderRef(),
            area=area or AreaRef(),
            author_role=author_role,
            inspection=inspection,
            metadata={
                key: value for key, value in (metadata or {}).items() if value not in (None, "", [], {})
            },
        )
    except ValidationError as error:
        raise RecordError(describe_validation_error(error), "ValidationError") from error
    size = len(evidence.model_dump_json().encode())
    if size > MAX_EVENT_BYTES:
        raise RecordError(f"the item is {size} bytes as an event; at most {MAX_EVENT_BYTES}", "TooLarge")
    return evidence


def describe_validation_error(error: ValidationError) -> str:
    """'field: message; field: message' from a pydantic error."""
    return "; ".join(
        f"{'.'.join(str(part) for part in item['loc']) or 'record'}: {item['msg']}" for item in error.errors()
    )
