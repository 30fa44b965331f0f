"""Turn each source record into an Outcome: the events it became, or why it was rejected (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from services.ingest.adapters import Adapter
from services.ingest.records import MappingContext, Outcome, RatingSeen, RecordError, SourceRecord


def map_record(adapter: Adapter, record: SourceRecord, context: MappingContext) -> Outcome:
    if record.error is not None:
        return Outcome(record, error=record.error)
    if not isinstance(record.fields, Mapping):
        return Outcome(record, error=RecordError("record has no fields", "MalformedRecord"))
    try:
        return Outcome(record, mapped=adapter.map(record.fields, context))
    except RecordError as error:
        return Outcome(record, error=error)


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
    return outcomes


def history_key(adapter: Adapter, record: SourceRecord) -> str | None:
    if adapter.history_key is None or not isinstance(record.fields, Mapping):
        return None
    return adapter.history_key(record.fields)
