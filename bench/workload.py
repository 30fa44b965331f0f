"""Synthetic classified evidence for the benchmarks: the schema's own example, varied at random.

Benchmarks build their workload here, never from tests/: skewed, realistic-looking distributions of
areas, statements, sentiment and severity over one year.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from uuid import uuid4

from schemas import (
    EvidenceClassified,
    EvidenceKind,
    KeyQuestion,
    ProviderRef,
    QualityStatementScore,
    Sentiment,
    SentimentLabel,
    Severity,
    SeverityLevel,
    evidence_id_for,
    source_types_of,
)
from schemas.reference import quality_statements
from services.common.areas import local_authority_area

EXAMPLE = Path(__file__).resolve().parents[1] / "schemas/examples/EvidenceClassified/call_centre_note.json"
END = datetime(2025, 3, 15, 12, 0, tzinfo=UTC)
ORDER = list(KeyQuestion)
WORDS = (
    "staff kind caring rude medication late missed appointment waiting weeks call bell ignored "
    "dignity respect food cold clean dirty room safeguarding fall injury bruise manager listened "
    "complaint response discharge hospital transport carer visit short rushed family informed pain "
    "relief night shift agency understaffed activities lonely garden wheelchair hoist record care "
    "plan review dementia confused assessment funding council waiting list respite"
)
VOCABULARY = WORDS.split()


@cache
def _example() -> EvidenceClassified:
    return EvidenceClassified.model_validate_json(EXAMPLE.read_bytes())


def random_evidence(rng: random.Random, index: int, la_codes: list[str]) -> EvidenceClassified:
    """One synthetic item: a Zipf-like spread over authorities and statements, 8% of negatives high."""
    statements = [qs.id for qs in quality_statements()]
    weights = [1.0 / (rank + 1) for rank in range(len(statements))]
    chosen = sorted(set(rng.choices(statements, weights=weights, k=rng.choice((1, 1, 2, 3)))))
    labels = [SentimentLabel.POSITIVE, SentimentLabel.NEUTRAL, SentimentLabel.NEGATIVE, SentimentLabel.MIXED]
    sentiment = rng.choices(labels, weights=(0.33, 0.18, 0.41, 0.08))[0]
    high = sentiment is SentimentLabel.NEGATIVE and rng.random() < 0.08
    text = " ".join(rng.sample(VOCABULARY, k=rng.randint(8, 30))).capitalize() + "."
    la_code = la_codes[min(len(la_codes) - 1, int(rng.paretovariate(1.2)) - 1)]
    location = rng.randint(1, 4000)
    source_type = rng.choice(source_types_of(EvidenceKind.SOFT_INTELLIGENCE))
    occurred_at = END - timedelta(minutes=rng.randint(0, 365 * 24 * 60))
    evidence_id = evidence_id_for(source_type, f"bench-{index}")
    return _example().model_copy(
        update={
            "event_id": uuid4(),
            "occurred_at": occurred_at,
            "correlation_id": evidence_id,
            "evidence_id": evidence_id,
            "source_type": source_type,
            "source_reference": f"bench-{index}",
            "received_at": occurred_at,
            "classified_at": occurred_at + timedelta(seconds=5),
            "text": text,
            "redactions": {},
            "lemmas": text.lower(),
            "provider": ProviderRef(
                location_id=f"1-{location}",
                provider_id=f"1-P{location // 3}",
                name=f"Care service {location}",
            ),
            "area": local_authority_area(la_code),
            "quality_statements": [QualityStatementScore(id=s, score=0.9) for s in chosen],
            "key_questions": sorted(
                {KeyQuestion(s.split(".")[0]) for s in chosen}, key=list(KeyQuestion).index
            ),
            "themes": [],
            "sentiment": Sentiment(label=sentiment, score=0.9),
            "severity": Severity(
                level=SeverityLevel.HIGH if high else SeverityLevel.NORMAL,
                reasons=["safeguarding"] if high else [],
            ),
        }
    )
