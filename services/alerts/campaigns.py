"""The campaign detector: copies of one near-duplicate cluster counted per author over a sliding window.

Only copies are observed (items whose `duplication.kind` is `exact` or `near`), so a state exists only
for clusters that have copies; the first item of the cluster counts as one more item (its author is not
known here, so it adds no author). Items without an author token each count as a distinct author (the
source does not say who wrote them). The alert is raised once per cluster and rule: later copies of the
same campaign change nothing, so monitoring staff get one alert, not one per copy.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from schemas.alerts import AlertRuleKind, Campaign
from schemas.common import UtcDatetime
from services.alerts.domain import Observation, build_alert, query_for
from services.alerts.rules import CampaignRule
from services.alerts.state import Detected, State, source_filters


class Copy(BaseModel):
    evidence_id: UUID
    occurred_at: UtcDatetime
    source_type: str
    kind: str
    author: str | None = None


class CampaignState(State):
    copies: list[Copy] = Field(default_factory=list, description="The cluster's latest copies, oldest first.")
    alerted_at: UtcDatetime | None = None

    def add(self, observation: Observation, rule: CampaignRule) -> bool:
        """Keep the copy (once); False when it was kept already."""
        if any(copy.evidence_id == observation.evidence_id for copy in self.copies):
            return False
        copy = Copy(
            evidence_id=observation.evidence_id,
            occurred_at=observation.occurred_at,
            source_type=observation.source_type.value,
            kind=observation.copy_kind or "near",
            author=observation.author,
        )
        self.copies = sorted([*self.copies, copy], key=lambda kept: kept.occurred_at)[-rule.max_items_kept :]
        return True

    def within(self, end: datetime, rule: CampaignRule) -> list[Copy]:
        return [copy for copy in self.copies if end - rule.window <= copy.occurred_at <= end]


def authors_of(copies: list[Copy]) -> int:
    return len({copy.author or str(copy.evidence_id) for copy in copies})


def detect_campaign(rule: CampaignRule, raw: dict[str, Any] | None, observation: Observation) -> Detected:
    state = CampaignState.load(raw, observation)
    if not state.add(observation, rule) or state.alerted_at is not None:
        return state.model_dump(mode="json"), []
    end = observation.occurred_at
    window = state.within(end, rule)
    items, authors = len(window) + 1, authors_of(window)
    if items < rule.min_items or authors < rule.min_authors:
        return state.model_dump(mode="json"), []
    state.alerted_at = end
    cluster = state.key.cluster_id
    assert cluster is not None  # campaign observations always carry their cluster
    kinds = Counter(copy.kind for copy in window)
    sources = Counter(copy.source_type for copy in window)
    start = window[0].occurred_at
    in_words = ", ".join(f"{count} {source.replace('_', ' ')}" for source, count in sources.most_common())
    reason = (
        f"Campaign: {items} near-identical items from {authors} authors about {state.label} between "
        f"{start:%Y-%m-%d} and {end:%Y-%m-%d} ({kinds['exact']} exact copies, {kinds['near']} with edits; "
        f"copies: {in_words}); one alert for the whole cluster"
    )
    alert = build_alert(
        rule_id=rule.id,
        kind=AlertRuleKind.CAMPAIGN,
        key=state.key,
        window_start=start,
        window_end=end,
        occurred_at=end,
        severity=rule.severity,
        reason=reason,
        counts={"items": items, "authors": authors},
        query=query_for(
            state.key, start - rule.window, end, cluster=str(cluster), **source_filters(rule.source_types)
        ),
        evidence_ids=[cluster, *(copy.evidence_id for copy in reversed(window))],
        id_suffix="",
    )
    campaign = Campaign(
        cluster_id=cluster,
        items=items,
        authors=authors,
        exact=kinds["exact"],
        near=kinds["near"],
        source_types=dict(sources),
    )
    return state.model_dump(mode="json"), [alert.model_copy(update={"campaign": campaign})]
