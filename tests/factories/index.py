"""Builders of contract-valid events for the index service's tests and benchmark, and a producer helper."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import TypeVar
from uuid import UUID, uuid4

from elasticsearch import ApiError, Elasticsearch
from kafka import KafkaProducer

from schemas import (
    AlertKey,
    AlertRaised,
    AlertRuleKind,
    AlertSeverity,
    AreaRef,
    Duplication,
    EvidenceCategory,
    EvidenceClassified,
    KeyQuestion,
    KeyQuestionRating,
    LocationReference,
    ProviderRef,
    QualityStatementScore,
    Rating,
    Sentiment,
    SentimentLabel,
    Severity,
    SeverityLevel,
    SourceType,
    evidence_id_for,
)
from schemas.common import Event
from services.common.areas import local_authority_area
from services.common.config import CommonSettings
from services.common.kafka import event_message

BASE_TIME = datetime(2025, 3, 15, 12, 0, tzinfo=UTC)


def area_for(la_code: str) -> AreaRef:
    """The AreaRef classify would resolve for an upper-tier local authority code."""
    area = local_authority_area(la_code)
    assert area is not None, la_code
    return area


def evidence(
    reference: str,
    *,
    text: str = "Staff were kind but medication was late",
    lemmas: str | None = None,
    la_code: str = "E08000004",
    location_id: str | None = "1-100",
    provider_id: str | None = "1-P100",
    provider_name: str | None = "Acorn House",
    source_type: SourceType = SourceType.HEALTHWATCH_FEEDBACK,
    statements: Iterable[str] = ("safe.medicines_optimisation",),
    sentiment: SentimentLabel = SentimentLabel.NEGATIVE,
    severity: SeverityLevel = SeverityLevel.NORMAL,
    reasons: Iterable[str] = (),
    themes: Iterable[str] = (),
    cross_cutting: Iterable[str] = (),
    category: EvidenceCategory = EvidenceCategory.PEOPLES_EXPERIENCE,
    occurred_at: datetime = BASE_TIME,
    classified_at: datetime | None = None,
    duplication: Duplication | None = None,
) -> EvidenceClassified:
    statement_ids = list(statements)
    key_questions = sorted({KeyQuestion(s.split(".")[0]) for s in statement_ids}, key=list(KeyQuestion).index)
    return EvidenceClassified(
        event_id=uuid4(),
        occurred_at=occurred_at,
        source="caresignal/classify",
        evidence_id=evidence_id_for(source_type, reference),
        source_type=source_type,
        source_reference=reference,
        received_at=occurred_at,
        classified_at=classified_at or occurred_at + timedelta(seconds=5),
        text=text,
        lemmas=lemmas if lemmas is not None else text.lower(),
        provider=ProviderRef(location_id=location_id, provider_id=provider_id, name=provider_name),
        area=area_for(la_code),
        area_resolution="given",
        quality_statements=[QualityStatementScore(id=s, score=0.9) for s in statement_ids],
        key_questions=key_questions,
        themes=list(themes),
        cross_cutting_themes=list(cross_cutting),
        sentiment=Sentiment(label=sentiment, score=0.9),
        severity=Severity(level=severity, reasons=list(reasons)),
        evidence_category=category,
        duplication=duplication,
        model_name="caresignal-statements",
        model_version="0.1.0",
    )


def location(
    location_id: str,
    *,
    version: int,
    la_code: str = "E08000004",
    provider_id: str = "1-P100",
    name: str = "Acorn House",
    overall: Rating | None = Rating.GOOD,
    safe: Rating | None = None,
    **fields: object,
) -> LocationReference:
    ratings = {KeyQuestion.SAFE: KeyQuestionRating(rating=safe)} if safe else {}
    return LocationReference(
        event_id=uuid4(),
        occurred_at=BASE_TIME,
        source="caresignal/ingest/cqc",
        location_id=location_id,
        provider_id=provider_id,
        name=name,
        area=area_for(la_code),
        overall_rating=KeyQuestionRating(rating=overall) if overall else None,
        key_question_ratings=ratings,
        version=version,
        **fields,
    )


def alert(
    *,
    alert_id: UUID | None = None,
    code: str = "E08000004",
    level: str = "local_authority",
    kind: AlertRuleKind = AlertRuleKind.SPIKE,
    severity: AlertSeverity = AlertSeverity.HIGH,
    occurred_at: datetime = BASE_TIME,
    reason: str = "negative safeguarding evidence tripled",
) -> AlertRaised:
    return AlertRaised(
        event_id=uuid4(),
        occurred_at=occurred_at,
        source="caresignal/alerts",
        alert_id=alert_id or uuid4(),
        rule_id=f"{kind.value}-1",
        rule_kind=kind,
        key=AlertKey(level=level, code=code),
        window_start=occurred_at - timedelta(days=7),
        window_end=occurred_at,
        severity=severity,
        reason=reason,
        counts={"observed": 12.0, "expected": 4.0},
    )


def key_of(event: Event) -> str:
    for name in ("evidence_id", "location_id", "alert_id"):
        if hasattr(event, name):
            return str(getattr(event, name))
    raise ValueError(f"no key for {type(event).__name__}")


def produce(producer: KafkaProducer, topic: str, events: Iterable[Event]) -> None:
    """Send events keyed as the catalogue says, and wait until the broker has them all."""
    futures = [producer.send(topic, **event_message(event, key_of(event))) for event in events]
    producer.flush()
    for future in futures:
        future.get(timeout=30)


WORDS = (
    "staff kind caring rude medication late missed appointment waiting weeks call bell ignored "
    "dignity respect food cold clean dirty room safeguarding fall injury bruise manager listened "
    "complaint response discharge hospital transport carer visit short rushed family informed pain "
    "relief night shift agency understaffed activities lonely garden wheelchair hoist record care "
    "plan review dementia confused assessment funding council waiting list respite"
)
VOCABULARY = WORDS.split()


def index_directly(es: Elasticsearch, settings: CommonSettings, events: Iterable[Event]) -> None:
    """Index events as the worker would (same actions), bypassing Kafka, and make them searchable."""
    from services.common.indices import Names
    from services.index.documents import alert_actions, alert_status_actions, evidence_action, location_action
    from services.index.sink import BulkSink
    from services.index.templates import install_templates

    install_templates(es, settings)
    names, now = Names(settings), datetime.now(UTC)
    actions = []
    for event in events:
        if isinstance(event, EvidenceClassified):
            actions.append(evidence_action(event, names, now))
        elif isinstance(event, LocationReference):
            actions.append(location_action(event, names, now))
        elif isinstance(event, AlertRaised):
            actions += alert_actions(event, names, now)
        else:
            actions += alert_status_actions(event, names, now)
    results = BulkSink(es, max_chunk_bytes=10 * 1024 * 1024, refresh=True).send(actions)
    failures = [reason for outcome, reason in results if outcome.value not in ("done", "superseded")]
    assert not failures, failures


Answer = TypeVar("Answer")


def once_searchable(query: Callable[[], Answer], attempts: int = 40) -> Answer:
    """Run an Elasticsearch read, waiting out the 503 of an index whose shards are still starting."""
    for _ in range(attempts):
        try:
            return query()
        except ApiError as error:
            if error.meta.status != 503:
                raise
            time.sleep(0.25)
    raise AssertionError("the index never became searchable")


def count(es: Elasticsearch, index: str, query: dict | None = None) -> int:
    """Documents matching `query` (once the index's shards have started)."""
    body = {"query": query} if query else {}

    def refreshed_count() -> int:
        es.indices.refresh(index=index, ignore_unavailable=True, allow_no_indices=True)
        return es.count(index=index, ignore_unavailable=True, allow_no_indices=True, **body)["count"]

    return once_searchable(refreshed_count)
