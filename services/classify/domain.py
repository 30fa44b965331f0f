"""Pure classification logic around the model: evidence category, and the EvidenceClassified event.

`evidence_category` is the NLP engineer's; `build_classified` is the streaming worker's mapping.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid5

from schemas.evidence import (
    AuthorRole,
    EvidenceCategory,
    EvidenceClassified,
    EvidenceReceived,
    SourceType,
    read_inspection_result,
)
from services.classify.analyser import TextAnalysis
from services.classify.disclosure import (
    Redact,
    cqc_id,
    published_area,
    published_metadata,
    published_provider,
)
from services.classify.resolve import AreaResolution

SOURCE = "caresignal/classify"
CLASSIFIED_NAMESPACE = UUID("0b7d5c52-93a1-5d4e-8f0e-6c1e2f9a4d37")

_BY_ROLE: dict[AuthorRole, EvidenceCategory] = {
    AuthorRole.PERSON_USING_SERVICE: EvidenceCategory.PEOPLES_EXPERIENCE,
    AuthorRole.RELATIVE_OR_CARER: EvidenceCategory.PEOPLES_EXPERIENCE,
    AuthorRole.MEMBER_OF_PUBLIC: EvidenceCategory.PEOPLES_EXPERIENCE,
    AuthorRole.STAFF: EvidenceCategory.FEEDBACK_FROM_STAFF_AND_LEADERS,
    AuthorRole.WHISTLEBLOWER: EvidenceCategory.FEEDBACK_FROM_STAFF_AND_LEADERS,
    AuthorRole.PROFESSIONAL: EvidenceCategory.FEEDBACK_FROM_PARTNERS,
    AuthorRole.INSPECTOR: EvidenceCategory.OBSERVATION,
}


def evidence_category(source_type: SourceType | str, author_role: AuthorRole | str) -> EvidenceCategory:
    """CQC evidence category of an item.

    * Inspection results are what inspectors saw and judged on site: ``observation``, whoever is named as
      author. (``outcomes`` is kept for outcome measures such as mortality or readmission data, and
      ``processes`` for policies and audits; neither comes from the four sources ingested today.)
    * Otherwise the author decides: people using services, relatives/carers and the public give people's
      experience; staff and whistleblowers give feedback from staff and leaders; professionals (GPs,
      social workers, commissioners) give feedback from partners; an inspector gives observation.
    * Unknown authors of Healthwatch feedback, call-centre notes and social-media comments are members of
      the public contacting us, so people's experience.
    """
    source = SourceType(source_type)
    role = AuthorRole(author_role)
    if source is SourceType.INSPECTION_RESULT:
        return EvidenceCategory.OBSERVATION
    return _BY_ROLE.get(role, EvidenceCategory.PEOPLES_EXPERIENCE)


def classified_event_id(evidence_id: UUID, model_version: str) -> UUID:
    """Deterministic: the same item classified by the same model version is the same event."""
    return uuid5(CLASSIFIED_NAMESPACE, f"{evidence_id}:{model_version}")


def build_classified(
    received: EvidenceReceived,
    analysis: TextAnalysis,
    resolution: AreaResolution,
    model_name: str,
    model_version: str,
    now: datetime,
    redact: Redact,
) -> EvidenceClassified:
    """The classified, redacted item; personal data leaves classify only as typed placeholders.

    Every field is decided in `disclosure` (dropped, redacted, or kept for a reason); `redact` redacts the
    short free-text fields the way the analyser redacted the text. Inspection results are structured
    facts: their text is redacted like any other, but what they say comes from the rating they carry
    (`read_inspection_result`), not from the model's reading of it.
    """
    classified = EvidenceClassified(
        event_id=classified_event_id(received.evidence_id, model_version),
        occurred_at=received.occurred_at,
        source=SOURCE,
        correlation_id=received.evidence_id,
        evidence_id=received.evidence_id,
        source_type=received.source_type,
        source_reference=redact(received.source_reference),
        received_at=received.received_at,
        classified_at=now,
        text=analysis.redacted_text,
        redactions=dict(analysis.redactions),
        lemmas=analysis.lemmas,
        provider=published_provider(resolution.provider, resolution.registered_name, redact),
        area=published_area(resolution.area, redact),
        area_resolution=resolution.method.value,
        author_role=received.author_role,
        inspection=received.inspection,
        quality_statements=list(analysis.quality_statements),
        key_questions=list(analysis.key_questions),
        themes=list(analysis.themes),
        cross_cutting_themes=list(analysis.cross_cutting_themes),
        sentiment=analysis.sentiment,
        severity=analysis.severity,
        segments=list(analysis.segments),
        evidence_category=evidence_category(received.source_type, received.author_role),
        model_name=model_name,
        model_version=model_version,
        metadata=_metadata(received, resolution, redact),
    )
    if received.source_type is SourceType.INSPECTION_RESULT:
        return read_inspection_result(classified)
    return classified


def _metadata(received: EvidenceReceived, resolution: AreaResolution, redact: Redact) -> dict[str, object]:
    """The source's allow-listed extras, plus a note when a CQC location id was not (yet) in the reference."""
    metadata = published_metadata(received.source_type, received.metadata, redact)
    unresolved = cqc_id(resolution.unresolved_location_id)
    return metadata if unresolved is None else {**metadata, "unresolved_location_id": unresolved}


def reclassified(
    stored: EvidenceClassified,
    analysis: TextAnalysis,
    redact: Redact,
    model_name: str,
    model_version: str,
    now: datetime,
) -> EvidenceClassified:
    """An indexed item classified again from its redacted text: new labels; identity and time kept.

    The text is the new analysis's redaction of the stored (already redacted) text, and every other field
    goes through `disclosure` again as in `build_classified` (the registered name of a known location is
    kept), so personal data can only go further away; the redaction counts add up both passes."""
    redactions = dict(stored.redactions)
    for kind, count in analysis.redactions.items():
        redactions[kind] = redactions.get(kind, 0) + count
    unresolved = stored.metadata.get("unresolved_location_id")
    unresolved = cqc_id(unresolved) if isinstance(unresolved, str) else None
    known_location = stored.provider.location_id is not None and unresolved is None
    metadata = published_metadata(
        stored.source_type,
        {key: value for key, value in stored.metadata.items() if key != "unresolved_location_id"},
        redact,
    )
    return stored.model_copy(
        update={
            "event_id": classified_event_id(stored.evidence_id, model_version),
            "classified_at": now,
            "source_reference": redact(stored.source_reference),
            "provider": published_provider(
                stored.provider, stored.provider.name if known_location else None, redact
            ),
            "area": published_area(stored.area, redact),
            "metadata": metadata
            if unresolved is None
            else {**metadata, "unresolved_location_id": unresolved},
            "text": analysis.redacted_text,
            "redactions": redactions,
            "lemmas": analysis.lemmas,
            "quality_statements": list(analysis.quality_statements),
            "key_questions": list(analysis.key_questions),
            "themes": list(analysis.themes),
            "cross_cutting_themes": list(analysis.cross_cutting_themes),
            "sentiment": analysis.sentiment,
            "severity": analysis.severity,
            "segments": list(analysis.segments),
            "model_name": model_name,
            "model_version": model_version,
        }
    )
