"""Event contracts shared by every CareSignal service: the only package all services import."""

from schemas.alerts import (
    AlertChange,
    AlertItem,
    AlertKey,
    AlertRaised,
    AlertRuleKind,
    AlertSeverity,
    AlertStatus,
    AlertStatusChanged,
)
from schemas.common import KEY_QUESTIONS, AreaRef, Event, KeyQuestion, ProviderRef, Rating
from schemas.dead_letter import DeadLetter
from schemas.evidence import (
    AuthorRole,
    EvidenceCategory,
    EvidenceClassified,
    EvidenceReceived,
    InspectionFinding,
    QualityStatementScore,
    SegmentEvidence,
    Sentiment,
    SentimentLabel,
    Severity,
    SeverityLevel,
    SourceType,
    evidence_id_for,
)
from schemas.locations import KeyQuestionRating, LocationReference
from schemas.topics import TOPIC_CATALOGUE, Topic, TopicSpec

__all__ = [
    "KEY_QUESTIONS",
    "TOPIC_CATALOGUE",
    "AlertChange",
    "AlertItem",
    "AlertKey",
    "AlertRaised",
    "AlertRuleKind",
    "AlertSeverity",
    "AlertStatus",
    "AlertStatusChanged",
    "AreaRef",
    "AuthorRole",
    "DeadLetter",
    "Event",
    "EvidenceCategory",
    "EvidenceClassified",
    "EvidenceReceived",
    "InspectionFinding",
    "KeyQuestion",
    "KeyQuestionRating",
    "LocationReference",
    "ProviderRef",
    "QualityStatementScore",
    "Rating",
    "SegmentEvidence",
    "Sentiment",
    "SentimentLabel",
    "Severity",
    "SeverityLevel",
    "SourceType",
    "Topic",
    "TopicSpec",
    "evidence_id_for",
]
