"""Analysts' corrections as the corrections API makes them, without Elasticsearch."""

from __future__ import annotations

from datetime import datetime
from uuid import uuid4

from schemas import CorrectionChange, EvidenceClassified
from schemas.corrections import CorrectedFields, EvidenceCorrected


def corrected(
    item: EvidenceClassified,
    change: CorrectionChange,
    at: datetime,
    before: EvidenceCorrected | None = None,
    by: str = "a.khan",
) -> EvidenceCorrected:
    """A correction of `item` (the model's labels) made at `at`, following the correction `before`."""
    fields = (before.corrected if before else CorrectedFields()).then(change, item)
    return EvidenceCorrected(
        event_id=uuid4(),
        occurred_at=at,
        source="caresignal/corrections-api",
        evidence_id=item.evidence_id,
        by=by,
        via="api",
        change=change,
        corrected=fields,
        item=item,
    )
