"""Evidence submitted over HTTP: the request shapes, and their mapping to EvidenceReceived (pure)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

from schemas.common import AreaRef, ProviderRef, utc_now
from schemas.evidence import MAX_TEXT_CHARS, AuthorRole, SourceType, text_not_blank
from schemas.metadata import metadata_problems
from services.common.areas import area_codes, resolve_area
from services.ingest.adapters.common import build_evidence, content_reference
from services.ingest.fields import EARLIEST, FUTURE_TOLERANCE
from services.ingest.records import Mapped, MappingContext

SOURCE_NAME = "http"
SUBMITTABLE = (SourceType.HEALTHWATCH_FEEDBACK, SourceType.CALL_CENTRE_NOTE, SourceType.SOCIAL_MEDIA_COMMENT)


class EvidenceSubmission(BaseModel):
    """One item of evidence sent by a partner system (inspection results come only from the CQC API)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "source_type": "healthwatch_feedback",
        "source_reference": "HW-OLD-00123",
        "occurred_at": "2026-10-02T14:05:00Z",
        "text": "Waited four hours with my dad and nobody told us what was happening.",
        "author_role": "relative_or_carer",
        "provider": {"location_id": "1-117977107", "name": "Avonleigh Gardens"},
        "area": {"local_authority_name": "Oldham"},
        "metadata": {"star_rating": 2},
    }]})  # fmt: skip

    source_type: Literal[
        SourceType.HEALTHWATCH_FEEDBACK, SourceType.CALL_CENTRE_NOTE, SourceType.SOCIAL_MEDIA_COMMENT
    ] = Field(description="Kind of evidence.")
    source_reference: str | None = Field(
        default=None,
        min_length=1,
        max_length=400,
        description="The item's id at its source; resending an id is a no-op. Omitted: derived from content.",
    )
    occurred_at: datetime = Field(
        description="When the feedback was given or the contact happened (with offset)."
    )
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS, description="Free text, kept as given.")
    author_role: AuthorRole = AuthorRole.UNKNOWN
    provider: ProviderRef = Field(default_factory=ProviderRef)
    area: AreaRef = Field(
        default_factory=AreaRef, description="Codes are resolved from local_authority_name."
    )
    metadata: dict[str, Any] = Field(
        default_factory=dict,
        description="Source-specific extras: only the keys FORMATS.md lists for the source type.",
    )

    _text_not_blank = field_validator("text")(text_not_blank)

    @field_validator("area")
    @classmethod
    def _known_area_codes(cls, area: AreaRef) -> AreaRef:
        for field, known in area_codes().items():
            if getattr(area, field) is not None and getattr(area, field) not in known:
                raise ValueError(
                    f"{field} is not a code of the reference data (an English council, ICB or region)"
                )
        return area

    @model_validator(mode="after")
    def _allowed_metadata(self) -> EvidenceSubmission:
        problems = metadata_problems(self.source_type, self.metadata)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @field_validator("occurred_at")
    @classmethod
    def _possible_date(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("occurred_at must carry a UTC offset, e.g. 2026-10-02T14:05:00Z")
        if value < EARLIEST or value > utc_now() + FUTURE_TOLERANCE:
            raise ValueError("occurred_at is not a possible date (before 1990 or in the future)")
        return value


class EvidenceBatch(BaseModel):
    """Several items in one request; accepted or refused as a whole."""

    model_config = ConfigDict(extra="forbid")

    items: list[EvidenceSubmission] = Field(min_length=1)


ITEM_TAG, BATCH_TAG = "item", "batch"


def _shape(value: Any) -> str:
    return BATCH_TAG if isinstance(value, dict) and "items" in value else ITEM_TAG


EvidencePayload = Annotated[
    Annotated[EvidenceSubmission, Tag(ITEM_TAG)] | Annotated[EvidenceBatch, Tag(BATCH_TAG)],
    Discriminator(_shape),
]


class ItemAccepted(BaseModel):
    index: int
    evidence_id: UUID
    status: Literal["accepted", "already_seen"]


class EvidenceAccepted(BaseModel):
    """202: every item is on evidence.received.v1 (acknowledged by the broker) or was already there."""

    accepted: int
    already_seen: int
    evidence_ids: list[UUID] = Field(description="One per submitted item, in order.")
    items: list[ItemAccepted]


def submission_reference(item: EvidenceSubmission) -> str:
    return item.source_reference or content_reference(
        item.source_type.value, item.occurred_at.isoformat(), item.provider.location_id, item.text
    )


def map_submission(item: EvidenceSubmission, context: MappingContext) -> Mapped:
    given = item.area
    area = given
    if given.local_authority_name and not given.local_authority_code:
        resolved = resolve_area(given.local_authority_name, icb_code=given.icb_code, place=given.place)
        area = resolved if resolved.local_authority_code else given
    evidence = build_evidence(
        source_type=item.source_type,
        source_name=SOURCE_NAME,
        source_reference=submission_reference(item),
        occurred_at=item.occurred_at,
        text=item.text,
        context=context,
        provider=item.provider,
        area=area,
        author_role=item.author_role,
        metadata=item.metadata,
    )
    return Mapped(evidence=(evidence,))
