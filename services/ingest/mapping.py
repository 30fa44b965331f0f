"""Turn each source record into an Outcome: the events it became, or why it was rejected (pure)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from uuid import UUID

from services.ingest.adapters import Adapter
from services.ingest.records import MappingContext, Outcome, RatingSeen, RecordError, SourceRecord

UNENCODABLE = RecordError(
    "a value holds a lone surrogate (an unpaired \\u escape), which is not text", "Unencodable"
)


def map_record(adapter: Adapter, record: SourceRecord, context: MappingContext) -> Outcome:
    if record.error is not None:
        return Outcome(record, error=record.error)
    if not isinstance(record.fields, Mapping):
        return Outcome(record, error=RecordError("record has no fields", "MalformedRecord"))
    if not _encodable(record.fields):
        return Outcome(record, error=UNENCODABLE)
    try:
        return Outcome(record, mapped=adapter.map(record.fields, context))
    except RecordError as error:
        return Outcome(record, error=error)


def _encodable(fields: Mapping) -> bool:
    """False when a key or value cannot be written as UTF-8 (JSON escapes can spell lone surrogates)."""
    try:
        json.dumps(fields, ensure_ascii=False, default=str).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def map_batch(
    adapter: Adapter,
    records: Sequence[SourceRecord],
    base: MappingContext,
    ratings_seen: Sequence[RatingSeen] = (),
) -> list[Outcome]:
    """Map a batch; each record sees the ratings recorded earlier for its location."""
    by_location: dict[str, list[RatingSeen]] = {}
    for rating in ratings_seen:
        by_location.setdefault(rating.location_id, []).append(rating)
    outcomes = []
    for record in records:
        location_id = history_key(adapter, record)
        context = replace(
            base, reference=record.reference, ratings_seen=tuple(by_location.get(location_id or "", ()))
        )
        outcomes.append(map_record(adapter, record, context))
    return reject_conflicting_duplicates(outcomes)


def reject_conflicting_duplicates(outcomes: list[Outcome]) -> list[Outcome]:
    """An evidence id met again in the batch with different content is a conflict, not 'already seen'.

    The id is uuid5(source type, source reference): two different items under one reference would
    otherwise silently lose the second. Identical repeats stay as they are (already seen).
    """
    first: dict[UUID, tuple[str, str]] = {}  # evidence id -> (reference of the record, its content)
    checked = []
    for outcome in outcomes:
        conflict = None
        for event in outcome.mapped.evidence if outcome.error is None else ():
            content = event.model_dump_json()
            reference, known = first.setdefault(event.evidence_id, (outcome.record.reference, content))
            if known != content:
                conflict = RecordError(
                    f"same source type and source reference as {reference} but different content",
                    "ConflictingDuplicate",
                )
        checked.append(Outcome(outcome.record, error=conflict) if conflict else outcome)
    return checked


def history_key(adapter: Adapter, record: SourceRecord) -> str | None:
    if adapter.history_key is None or not isinstance(record.fields, Mapping):
        return None
    return adapter.history_key(record.fields)
